"""What ``clear-cache``, ``rebuild`` and ``bundle`` did, in a line or a few."""

from __future__ import annotations

from .text import count, human_size

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
        kept = count(len(result["left"]), "file")
        what = "is not a cache" if len(result["left"]) == 1 else "are not caches"
        out.write(f"left {kept} that {what} of this library: {shown}\n")
    others = len(result["removed"]) - result["caches_removed"]
    out.write(
        f"{count(result['caches_removed'], 'cache file')} removed"
        + (f" (and {count(others, 'lock/temp file')})" if others else "")
        + "\n"
    )


def render_rebuilt(document: dict[str, Any], out: TextIO) -> None:
    for item in document["rebuilt"]:
        out.write(
            f"rebuilt {item['registry']}: {count(item['plugins'], 'plugin')}, "
            f"{count(item['failures'], 'failed module')}, {count(item['skipped'], 'skipped class', 'skipped classes')} "
            f"in {item['seconds'] * 1000:.0f} ms -> {_outcome(item)} ({item['path']})\n"
        )
    for enum in document.get("enums") or []:
        out.write(f"rewrote the {enum['enum']} enum cache -> {_outcome(enum)} ({enum['path']})\n")
    unwritten = [item["registry"] for item in document["rebuilt"] if item.get("written") is False]
    if unwritten:
        out.write(
            f"not written: the cache of {', '.join(unwritten)} (discovered now; the next start discovers again)\n"
        )


def _outcome(item: dict[str, Any]) -> str:
    """``valid``; else the state with its reason (``disabled by ...`` alone: it says the state already)."""
    state, reason = str(item["state"]), item.get("reason")
    if state == "valid" or not reason:
        return state
    return reason if reason.startswith(state) else f"{state}: {reason}"


def render_bundle_result(result: Any, out: TextIO, verbose: bool = False) -> None:
    kinds = ", ".join(result.redaction_kinds) or "nothing needed replacing"
    out.write(f"wrote {result.path} ({count(len(result.members), 'member')}, {human_size(result.size)})\n")
    out.write(f"redaction: {kinds}\n" if result.redacted else "redaction: OFF (--no-redact)\n")
    for section, reason in result.skipped.items():
        out.write(f"left out {section}: {reason}\n")
    if verbose:
        for name in result.members:
            out.write(f"  {name}\n")
