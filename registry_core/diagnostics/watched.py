"""What one cache file validates against, beside what is on disk now: the answer to "why is it stale?".

For the Caches tab's details (and anyone debugging a cache by hand): every file and
folder the fingerprint covers with its recorded and current size and mtime, the
entry points and environment values it recorded. Works on registry_core's caches
and on metaclass-registry's (``file_mtimes``). Read only; never raises for a broken
file (it says what it could not read).
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Rows returned at most: a 10 000-plugin registry's list is for scrolling, not for a details pane.
MAX_FILES = 500


def cache_contents(path: str, max_files: int = MAX_FILES) -> dict[str, Any]:
    """``{"files": [...], "more": N, "changed": N, "entry_points": {...}, "environment": {...}, "problem": str}``.

    Each file row: ``path``, ``folder`` (bool), ``recorded_size``, ``recorded_mtime_ns``, ``size``,
    ``mtime_ns`` (None when gone), ``changed`` (bool). Folders record no size; their mtime moves when an
    entry is added or removed (``__pycache__`` too, which is not a change the cache acts on).
    """
    import json

    from ..cache.safe_files import Refused, read_cache_file

    result: dict[str, Any] = {
        "files": [],
        "more": 0,
        "changed": 0,
        "entry_points": {},
        "environment": {},
        "problem": "",
    }
    try:
        doc = json.loads(read_cache_file(path, check_owner=False).decode("utf-8"))
    except (OSError, ValueError, Refused, RecursionError) as exc:
        result["problem"] = f"cannot read it: {exc}"
        return result
    if not isinstance(doc, dict):
        result["problem"] = "not a JSON object"
        return result
    rows = list(_rows(doc))
    result["changed"] = sum(1 for row in rows if row["changed"])
    # The changed ones first: they are what the reader is looking for.
    rows.sort(key=lambda row: (not row["changed"], row["path"]))
    result["files"] = rows[:max_files]
    result["more"] = max(0, len(rows) - max_files)
    entry_points = doc.get("entry_points")
    if isinstance(entry_points, dict):
        result["entry_points"] = {
            "group": entry_points.get("group"),
            "advertised": [
                f"{ep[0]} = {ep[1]}" if isinstance(ep, list) and len(ep) > 1 else str(ep)
                for ep in entry_points.get("advertised") or []
            ][:50],
            "folders": len(entry_points.get("paths") or entry_points.get("folders") or []),
        }
    environment = doc.get("environment")
    if isinstance(environment, dict):
        result["environment"] = {str(k): v for k, v in environment.items() if not isinstance(v, (dict, list))}
        variables = environment.get("env")
        for key, value in variables.items() if isinstance(variables, dict) else ():
            result["environment"][f"${key}"] = value  # (the variables that change what discovery finds)
    return result


def _rows(doc: dict) -> Any:
    files = doc.get("files")
    if isinstance(files, dict) and isinstance(files.get("roots"), dict):  # registry_core's fingerprint
        for root, entries in files["roots"].items():
            for entry in entries if isinstance(entries, list) else ():
                if not isinstance(entry, list) or len(entry) < 3 or not isinstance(entry[0], str):
                    continue
                rel = entry[0]
                folder = rel.endswith("/")
                path = root if rel == "/" else os.path.join(root, rel.rstrip("/"))
                yield _row(path, folder, None if folder else entry[1], entry[2])
    mtimes = doc.get("file_mtimes")  # metaclass-registry's: {path: mtime in seconds}
    if isinstance(mtimes, dict):
        for path, mtime in mtimes.items():
            if isinstance(mtime, (int, float)):
                yield _row(str(path), False, None, int(mtime * 1e9), tolerance_ns=1_000_000_000)


def _row(path: str, folder: bool, size: Any, mtime_ns: Any, tolerance_ns: int = 0) -> dict[str, Any]:
    try:
        st = os.stat(path)
        now_size, now_mtime = (None if folder else st.st_size), st.st_mtime_ns
    except OSError:
        now_size = now_mtime = None
    changed = now_mtime is None or (size is not None and now_size != size)
    if not changed and isinstance(mtime_ns, int) and not folder:
        changed = abs(now_mtime - mtime_ns) > tolerance_ns  # type: ignore[operator]
    return {
        "path": path,
        "folder": folder,
        "recorded_size": size,
        "recorded_mtime_ns": mtime_ns,
        "size": now_size,
        "mtime_ns": now_mtime,
        "changed": bool(changed),
    }
