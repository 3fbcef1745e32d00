"""The ``list`` and ``status`` documents (and ``explain`` answers) as text for a terminal."""

from __future__ import annotations

from .text import human_age, human_size, table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO


def render_inventory(document: dict[str, Any], out: TextIO, verbose: bool = False) -> None:
    for reg in document["registries"]:
        source = {"cache": "served from cache", "discovery": "discovered now"}.get(reg["source"], reg["source"])
        library = reg.get("library") or {}
        where = f"package {reg['package']}" if reg["package"] else f"entry-point group {reg['entry_point_group']}"
        if reg.get("partial"):
            where, source = "no discovery of its own", "partial"
        base = f"  [{reg['base']}]" if reg["base"] else ""
        built = f"{library.get('name')} {library.get('version')}, " if library.get("name") != "registry_core" else ""
        out.write(f"{reg['name']}{base}  {built}{where}, {_count(len(reg['plugins']), 'plugin')}, {source}\n")
        if reg.get("note"):
            out.write(f"  note: {reg['note']}\n")
        with_distribution = any(p.get("distribution") for p in reg["plugins"])
        out.write(
            table(
                ["key", "class", "loaded", *(["distribution"] if with_distribution else []), "file"],
                [
                    [
                        p["key"],
                        f"{p['module']}:{p['class']}",
                        "yes" if p["loaded"] else "cache" if reg["source"] == "cache" else "no",
                        *([p.get("distribution") or "-"] if with_distribution else []),
                        p["file"] or "?",
                    ]
                    for p in reg["plugins"]
                ],
            )
        )
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


def render_status(document: dict[str, Any], out: TextIO) -> None:
    rows = [
        [
            c["registry"],
            c["state"],
            c["reason"] or c.get("detail") or "",
            human_size(c["size"]),
            human_age(c["age_s"]),
            "-" if c["items"] is None else c["items"],
            c["path"],
        ]
        for c in document["caches"]
    ]
    out.write(table(["registry", "state", "reason", "size", "age", "items", "path"], rows, indent=""))
    for orphan in document.get("orphans", []):
        owner = orphan.get("registry") or orphan.get("owner") or "unknown owner"
        out.write(f"orphan: {orphan['path']} (written by {owner}; no registry loaded here claims it)\n")


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
