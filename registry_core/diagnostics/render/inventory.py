"""The ``list`` and ``status`` documents (and ``explain`` answers) as text for a terminal."""

from __future__ import annotations

from .text import Fit, count, human_age, human_size, table

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO


#: ``list``: the file elides first (its name kept), then the distribution; the class wraps only when the key
#: and class do not fit otherwise; on a narrow terminal the file goes under its row.
_PLUGIN_FIT = {1: Fit("wrap", 24, level=1), 3: Fit("end", 12), 4: Fit("path", 24)}
#: The narrowest an elided path gets: its file name and a little of its folder.
_NAME_ROOM = 12
#: ``status``: the reason wraps and the path elides (its file name kept), then the registry wraps; on a narrow
#: terminal the path goes under its row.
_STATUS_FIT = {0: Fit("wrap", 18, level=1), 2: Fit("wrap", 28)}


def render_inventory(document: dict[str, Any], out: TextIO, verbose: bool = False, width: int | None = None) -> None:
    """``width``: the terminal's, to fit the tables into (``None``: full width, for a pipe or a file)."""
    for reg in document["registries"]:
        source = {"cache": "served from cache", "discovery": "discovered now"}.get(reg["source"], reg["source"])
        library = reg.get("library") or {}
        where = f"package {reg['package']}" if reg["package"] else f"entry-point group {reg['entry_point_group']}"
        if reg.get("partial"):
            where, source = "no discovery of its own", "partial"
        base = f"  [{reg['base']}]" if reg["base"] else ""
        built = f"{library.get('name')} {library.get('version')}, " if library.get("name") != "registry_core" else ""
        out.write(f"{reg['name']}{base}  {built}{where}, {count(len(reg['plugins']), 'plugin')}, {source}\n")
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
                width=width,
                fit=_path_fit(
                    _PLUGIN_FIT if with_distribution else {1: _PLUGIN_FIT[1]},
                    4 if with_distribution else 3,
                    [p["file"] for p in reg["plugins"]],
                ),
                below=4 if with_distribution else 3,
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


def render_status(document: dict[str, Any], out: TextIO, width: int | None = None) -> None:
    """``width``: the terminal's, to fit the table into (``None``: full width, for a pipe or a file)."""
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
    headers = ["registry", "state", "reason", "size", "age", "items", "path"]
    fit = _path_fit(_STATUS_FIT, 6, [c["path"] for c in document["caches"]])
    out.write(table(headers, rows, indent="", width=width, fit=fit, below=6))
    for orphan in document.get("orphans", []):
        owner = orphan.get("registry") or orphan.get("owner") or "unknown owner"
        out.write(f"orphan: {orphan['path']} (written by {owner}; no registry loaded here claims it)\n")


def _path_fit(fit: dict[int, Fit], column: int, paths: list[str | None]) -> dict[int, Fit]:
    """``fit`` and column ``column`` eliding its paths no narrower than their longest file name allows."""
    import os

    longest = max([len(os.path.basename(p)) for p in paths if p] + [0])
    return {**fit, column: Fit("path", longest + _NAME_ROOM)}
