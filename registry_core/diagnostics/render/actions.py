"""What ``clear-cache``, ``rebuild`` and ``bundle`` did, in a line or a few."""

from __future__ import annotations

from .text import human_size

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO


def render_cleared(result: dict[str, Any], out: TextIO) -> None:
    for path in result["removed"]:
        if path.endswith(".json"):
            out.write(f"removed {path}\n")
    if result.get("shared_with"):
        out.write(
            f"note: that file was shared with {', '.join(result['shared_with'])} (the library names its cache "
            "files after the registry name), whose cache is gone too\n"
        )
    if result.get("left"):
        shown = ", ".join(result["left"][:5]) + (" ..." if len(result["left"]) > 5 else "")
        out.write(f"left {len(result['left'])} file(s) that are not caches of this library: {shown}\n")
    others = len(result["removed"]) - result["caches_removed"]
    out.write(
        f"{result['caches_removed']} cache file(s) removed"
        + (f" (and {others} lock/temp files)" if others else "")
        + "\n"
    )


def render_rebuilt(document: dict[str, Any], out: TextIO) -> None:
    for item in document["rebuilt"]:
        out.write(
            f"rebuilt {item['registry']}: {item['plugins']} plugins, {item['failures']} failed modules, "
            f"{item['skipped']} skipped classes in {item['seconds'] * 1000:.0f} ms -> {item['state']} "
            f"({item['path']})\n"
        )


def render_bundle_result(result: Any, out: TextIO, verbose: bool = False) -> None:
    kinds = ", ".join(result.redaction_kinds) or "nothing needed replacing"
    out.write(f"wrote {result.path} ({len(result.members)} members, {human_size(result.size)})\n")
    out.write(f"redaction: {kinds}\n" if result.redacted else "redaction: OFF (--no-redact)\n")
    for section, reason in result.skipped.items():
        out.write(f"left out {section}: {reason}\n")
    if verbose:
        for name in result.members:
            out.write(f"  {name}\n")
