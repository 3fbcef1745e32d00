"""The profile history: every recorded profile, one JSON line each, in the inspector's data folder.

``profile_history.jsonl`` under ``user_data_dir("registry-inspector")``
(``$REGISTRY_INSPECTOR_DATA_DIR`` overrides the folder); the window charts it.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

HISTORY_NAME = "profile_history.jsonl"
#: When the history file grows past this, it is rewritten with its newest ``HISTORY_KEEP`` entries.
HISTORY_MAX_BYTES = 4 * 1024 * 1024
HISTORY_KEEP = 200


def history_path() -> str:
    """``<user data dir>/profile_history.jsonl`` (``$REGISTRY_INSPECTOR_DATA_DIR`` overrides the folder)."""
    from ..cache.paths import user_data_dir

    return os.path.join(user_data_dir(), HISTORY_NAME)


def load_history(limit: int | None = None) -> list[dict[str, Any]]:
    """Every recorded profile, oldest first (the newest ``limit`` when given); unreadable lines are skipped."""
    import json

    try:
        with open(history_path(), encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
    except OSError:
        return []
    history = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc, dict):
            history.append(doc)
    return history[-limit:] if limit else history


def latest_profile() -> dict[str, Any] | None:
    """The newest recorded profile, or None when there is none."""
    history = load_history()
    return history[-1] if history else None


def append_history(document: dict[str, Any]) -> str:
    """Append one profile as one JSON line (a single O_APPEND write); return the file's path."""
    import json

    path = history_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    line = (json.dumps(document, separators=(",", ":"), default=repr) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    try:
        if os.path.getsize(path) > HISTORY_MAX_BYTES:
            _trim_history(path)
    except OSError:
        pass
    return path


def _trim_history(path: str) -> None:
    import json

    keep = load_history()[-HISTORY_KEEP:]
    from ..cache.manager import atomic_write

    data = "".join(json.dumps(d, separators=(",", ":"), default=repr) + "\n" for d in keep)
    atomic_write(path, data.encode("utf-8"))
