"""The profile history: every recorded profile, one JSON line each, in the inspector's data folder.

``profile_history.jsonl`` under ``user_data_dir("registry-inspector")``
(``$REGISTRY_INSPECTOR_DATA_DIR`` overrides the folder); the window charts it.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

HISTORY_NAME = "profile_history.jsonl"
#: When the history file grows past this, it is rewritten with its newest ``HISTORY_KEEP`` entries.
HISTORY_MAX_BYTES = 4 * 1024 * 1024
HISTORY_KEEP = 200
#: What a bundle or snapshot says in place of the profile when :func:`latest_profile` of its subject is None.
NO_PROFILE = "no profile recorded yet of these targets in this environment (registry-inspector profile records one)"


def history_path() -> str:
    """``<user data dir>/profile_history.jsonl`` (``$REGISTRY_INSPECTOR_DATA_DIR`` overrides the folder)."""
    from ..cache.paths import user_data_dir

    return os.path.join(user_data_dir(), HISTORY_NAME)


def profile_subject(executable: str | None = None, targets: Iterable[str] | None = None) -> tuple[str, tuple[str, ...]]:
    """What a profile was taken of: the interpreter that ran it (``sys.executable`` by default) and the targets
    (none: the embedded demo). The interpreter's path is compared as given, made absolute, never resolved: two
    virtual environments' ``bin/python`` link to one binary, and their plugins differ."""
    exe = os.path.normcase(os.path.abspath(executable or sys.executable))
    return exe, tuple(sorted({t for t in targets or () if isinstance(t, str)}))


def subject_of(profile: dict[str, Any]) -> tuple[str, tuple[str, ...]] | None:
    """:func:`profile_subject` of a recorded profile; None for a record that does not say (no interpreter)."""
    executable = profile.get("executable")
    targets = profile.get("targets")
    if not (isinstance(executable, str) and executable) or not (targets is None or isinstance(targets, list)):
        return None
    return profile_subject(executable, targets)


def load_history(limit: int | None = None, subject: tuple[str, tuple[str, ...]] | None = None) -> list[dict[str, Any]]:
    """Every recorded profile, oldest first (the newest ``limit`` when given); unreadable lines are skipped.

    ``subject`` (:func:`profile_subject`): only the profiles of that interpreter and those targets. One history
    file holds every project profiled on this machine: a chart mixing them draws one project's 2 s next to
    another's 8 ms as a trend."""
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
        if isinstance(doc, dict) and (subject is None or subject_of(doc) == subject):
            history.append(doc)
    return history[-limit:] if limit else history


def latest_profile(subject: tuple[str, tuple[str, ...]] | None = None) -> dict[str, Any] | None:
    """The newest recorded profile (of ``subject``, when given: see :func:`load_history`), or None."""
    history = load_history(subject=subject)
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
