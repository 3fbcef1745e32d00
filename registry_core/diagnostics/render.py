"""Readable terminal tables over the report model (``_model``)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Iterable, TextIO


def table(headers: "list[str]", rows: "Iterable[list[Any]]", indent: str = "  ") -> str:
    rows = [["" if v is None else str(v) for v in row] for row in rows]
    widths = [len(h) for h in headers]
    for row in rows:
        for i, value in enumerate(row):
            widths[i] = max(widths[i], len(value))
    lines = [indent + "  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip(),
             indent + "  ".join("-" * w for w in widths)]
    for row in rows:
        lines.append(indent + "  ".join(v.ljust(w) for v, w in zip(row, widths)).rstrip())
    return "\n".join(lines) + "\n"


def human_size(size: "int | None") -> str:
    if size is None:
        return "-"
    for unit in ("B", "KiB", "MiB"):
        if size < 1024 or unit == "MiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def human_age(seconds: "float | None") -> str:
    if seconds is None:
        return "-"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def render_inventory(document: "dict[str, Any]", out: "TextIO", verbose: bool = False) -> None:
    for reg in document["registries"]:
        source = {"cache": "served from cache", "discovery": "discovered now"}.get(reg["source"], reg["source"])
        out.write(f"{reg['name']}  [{reg['base']}]  package {reg['package']}, {len(reg['plugins'])} plugins, "
                  f"{source}\n")
        out.write(table(["key", "class", "loaded", "file"],
                        [[p["key"], f"{p['module']}:{p['class']}", "yes" if p["loaded"] else "cache",
                          p["file"] or "?"] for p in reg["plugins"]]))
        for sec in reg["secondary"]:
            label = sec["name"] or sec["attr_name"]
            entries = ", ".join(sorted(sec["entries"]))
            out.write(f"  secondary {label} (from {sec['attr_name']}): {entries or '(empty)'}\n")
        for failure in reg["failures"]:
            out.write(f"  FAILED   {failure['module']}: {failure['error']}\n")
            if verbose and failure["traceback"]:
                out.write("".join(f"           {line}\n" for line in failure["traceback"].rstrip().splitlines()))
        for skipped in reg["skipped"]:
            out.write(f"  SKIPPED  {skipped['module']}:{skipped['class']}: {skipped['reason']}\n")
        for excluded in reg["excluded"]:
            out.write(f"  EXCLUDED {excluded['module']}: {excluded['reason']}\n")
        out.write("\n")
    for enum in document.get("enums", []):
        members = enum.get("members", [])
        shown = ", ".join(str(m["name"]) for m in members[:12]) + (" ..." if len(members) > 12 else "")
        state = enum.get("cache_state", "-")
        if not members and enum.get("note"):
            out.write(f"enum {enum['name']} (cache {state}): {enum['note']}\n")
            continue
        out.write(f"enum {enum['name']} ({len(members)} members; cache {state}): {shown}\n")


def render_status(document: "dict[str, Any]", out: "TextIO") -> None:
    rows = [[c["registry"], c["state"], c["reason"] or c.get("detail") or "", human_size(c["size"]), human_age(c["age_s"]),
             "-" if c["items"] is None else c["items"], c["path"]] for c in document["caches"]]
    out.write(table(["registry", "state", "reason", "size", "age", "items", "path"], rows, indent=""))
    for orphan in document.get("orphans", []):
        owner = orphan.get("registry") or orphan.get("owner") or "unknown owner"
        out.write(f"orphan: {orphan['path']} (written by {owner}; no registry loaded here claims it)\n")


def print_registries(registries: "Iterable", *, verbose: bool = False, file: "TextIO | None" = None) -> None:
    """Each registry, its plugins, its secondary registries, and every failure or skip with its reason."""
    import sys

    from .documents import inventory

    render_inventory(inventory(registries), file or sys.stdout, verbose=verbose)
