"""``snapshot`` (what was written) and ``diff`` (what differs between two snapshots), for people."""

from __future__ import annotations

from .text import count, human_size

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO


def render_snapshot_written(snapshot: dict[str, Any], path: str, size: int, out: TextIO) -> None:
    from ..snapshot import snapshot_counts

    counts = snapshot_counts(snapshot)
    out.write(
        f"wrote {path} ({human_size(size)}): {count(counts['registries'], 'registry', 'registries')}, "
        f"{count(counts['plugins'], 'plugin')}, {count(counts['failures'], 'failed module')}, "
        f"{count(counts['caches'], 'cache')}\n"
    )
    for part, why in (snapshot.get("absent") or {}).items():
        out.write(f"no {part}: {why}\n")
    kinds = ", ".join(snapshot.get("redaction_kinds") or []) or "nothing needed replacing"
    out.write(f"redaction: {kinds}\n" if snapshot.get("redacted") else "redaction: OFF (--no-redact)\n")


def render_diff(document: dict[str, Any], out: TextIO) -> None:
    """Each difference under its kind's title, A's side then B's; what could not be compared last."""
    from ..diff import KIND_TITLES, KINDS, verdict

    out.write(f"A: {document['a']['label']}\n")
    out.write(f"B: {document['b']['label']}\n")
    for side in ("a", "b"):
        for note in document[side].get("notes") or []:
            out.write(f"note ({side.upper()}): {note}\n")
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for difference in document["differences"]:
        by_kind.setdefault(difference["kind"], []).append(difference)
    for kind in KINDS:
        found = by_kind.get(kind)
        if not found:
            continue
        out.write(f"\n{KIND_TITLES[kind]} ({len(found)}):\n")
        for difference in found:
            where = (
                f"[{difference['registry']}] " if difference["registry"] and kind not in ("registry", "cache") else ""
            )
            out.write(f"  {where}{difference['summary']}\n")
            if kind == "cache":
                out.write(f"      A: {difference['a'] or 'no cache'}\n      B: {difference['b'] or 'no cache'}\n")
    for line in document.get("not_compared") or []:
        out.write(f"not compared: {line}\n")
    said = verdict(document)
    if document["same"]:
        said += " (ignored: " + ", ".join(document["ignored"]) + ")"
    out.write(f"\n{said}\n")
