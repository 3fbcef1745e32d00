"""The ``verify`` document as words: one verdict per registry."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def describe(entry: dict[str, Any]) -> str:
    """One registry's verdict in words."""
    if entry["agrees"]:
        where = "its cache" if entry["source"] == "cache" else "this process's discovery"
        return f"agrees: {entry['keys']} keys, each with the same class, in {where} and in a fresh discovery"
    parts = []
    if entry["only_now"]:
        parts.append(f"listed here but not found by a fresh discovery: {', '.join(entry['only_now'])}")
    if entry["only_fresh"]:
        parts.append(f"found by a fresh discovery but missing here: {', '.join(entry['only_fresh'])}")
    for change in entry["changed"]:
        parts.append(f"{change['key']} is {change['now']} here, {change['fresh']} when discovered afresh")
    fix = " (rebuild rewrites the cache)" if entry["source"] == "cache" else ""
    return "DISAGREES: " + "; ".join(parts) + fix


def render_verify(document: dict[str, Any], out: Any) -> None:
    if document["error"]:
        out.write(f"verify could not run a fresh discovery: {document['error']}\n")
        return
    width = max([len(e["name"]) for e in document["registries"]] + [8])
    for entry in document["registries"]:
        source = entry["source"] if entry["source"] != "cache" else f"cache ({entry['cache_state']})"
        out.write(f"{entry['name']:<{width}}  {source:<13}  {describe(entry)}\n")
