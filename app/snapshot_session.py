"""A snapshot or a bug-report bundle as the window's session: the same documents, read from a file (Qt-free).

``SnapshotSession`` answers the window's reads (``load``, ``describe``, ``cache_status``) from the file and
refuses every button that needs the environment the file was taken in (rebuild, invalidate, verify,
profile, export): ``LIVE_ONLY`` says why for each, so the window can grey them out with that tooltip.

``take_snapshot(session, state)`` is the Compare view's one entry point: whatever the session (this process,
another interpreter, a file, a remote worker), a snapshot document of what it shows.
"""

from __future__ import annotations

import time
from typing import Any

from registry_core.diagnostics import build_snapshot, describe_snapshot, load_snapshot, snapshot_from_document

from .session import Session

#: Buttons that act on the environment itself, and why a file cannot do it.
LIVE_ONLY = {
    "rebuild": "Rebuild needs the environment this was taken in",
    "invalidate": "Invalidating deletes cache files on the machine this was taken on",
    "invalidate_all": "Invalidating deletes cache files on the machine this was taken on",
    "verify": "Verify runs a fresh discovery in the environment this was taken in",
    "profile": "Profile times discovery in the environment this was taken in",
    "export": "A bundle is made from a live environment; this one is already a file",
    "open_cache": "The cache folder is on the machine this was taken on",
}


class ReadOnlyError(RuntimeError):
    """A button that needs the live environment was pressed on a snapshot."""


class SnapshotSession(Session):
    """The documents of a snapshot file or a bundle, read-only."""

    live = False
    read_only = True

    def __init__(self, path: str) -> None:
        super().__init__(None)
        self.path = path
        self.snapshot: dict[str, Any] | None = None
        self.profile_document: dict[str, Any] | None = None
        #: The live session the window showed before this file (its --python and targets): "live" for Compare.
        self.window_live: Any = None

    @property
    def label(self) -> str:
        """Where and when it was taken (the banner's words); the path until it is read."""
        return describe_snapshot(self.snapshot) if self.snapshot is not None else self.path

    # -- reads --------------------------------------------------------------------------------------------
    def load(self, state: Any) -> dict[str, Any]:
        """Read the file (raises ``SnapshotError`` with one line when it is not a snapshot or a bundle)."""
        state.progress(0, 1, f"reading {self.path}")
        self.snapshot = load_snapshot(self.path)
        return self.describe(state)

    def describe(self, state: Any) -> dict[str, Any]:
        assert self.snapshot is not None
        snapshot = self.snapshot
        inventory = snapshot.get("list")
        self.inventory = inventory if inventory is not None else {"schema": 1, "registries": [], "enums": []}
        status = snapshot.get("status")
        self.caches = status if status is not None else {"schema": 1, "caches": [], "orphans": []}
        self.enums = list(self.inventory.get("enums") or [])
        self.profile_document = snapshot.get("profile")
        created = snapshot.get("created")
        self.discovered_at = created if isinstance(created, (int, float)) else None
        self.discovery_s = sum(float(r.get("discovery_s") or 0) for r in self.inventory.get("registries") or [])
        self.empty_reason = None if self.inventory.get("registries") else self._why_empty()
        return {"inventory": self.inventory, "caches": self.caches}

    @property
    def no_profile_text(self) -> str:
        """What the Timing tab says when the file carries no profile (Profile is greyed out here, so not "press
        Profile"): the snapshot's reason, if it gives one."""
        why = ((self.snapshot or {}).get("absent") or {}).get("profile")
        why = f" ({why})" if why else ""
        if getattr(self, "remote", False):  # (a RemoteSession: it carries the worker's latest profile, if any)
            host = getattr(self, "host", "HOST")
            return (
                f"The worker's snapshot carries no profile{why}. registry-inspector profile --remote {host} "
                "records one there"
            )
        return (
            f"This file carries no profile{why}. Profiling needs a live environment: Back to live (in the banner), "
            "then Profile (Ctrl+P)"
        )

    def _why_empty(self) -> str:
        why = (self.snapshot or {}).get("absent", {}).get("list")
        return f"This file holds no registries: {why}" if why else "This file lists no registry"

    def cache_status(self, state: Any) -> dict[str, Any]:
        # The states as they were recorded: nothing here to re-validate against.
        return {"caches": self.caches}

    def explain(self, registry: str, name: str) -> str:
        return ""

    def cache_path(self, name: str | None) -> str | None:
        return None

    def registry(self, name: str) -> Any:
        return None

    # -- what needs the live environment -----------------------------------------------------------------
    def _refuse(self, action: str) -> ReadOnlyError:
        return ReadOnlyError(f"{LIVE_ONLY[action]}: {self.label} is read-only")

    def invalidate(self, state: Any, names: list[str] | None) -> dict[str, Any]:
        raise self._refuse("invalidate")

    def rebuild(self, state: Any, names: list[str] | None) -> dict[str, Any]:
        raise self._refuse("rebuild")

    def profile(self, state: Any, runs: int, engine: str = "installed") -> dict[str, Any]:
        raise self._refuse("profile")

    def verify(self, state: Any) -> dict[str, Any]:
        raise self._refuse("verify")

    def export(self, state: Any, *args: Any, **kwargs: Any) -> Any:
        raise self._refuse("export")


def take_snapshot(session: Any, state: Any) -> dict[str, Any]:
    """A snapshot document of what ``session`` shows (run on a worker: a live one discovers, a child runs).

    A session of another kind (a remote worker's) plugs in by having ``take_snapshot(state)`` itself.
    """
    own = getattr(session, "take_snapshot", None)
    if callable(own):
        return dict(own(state))
    if isinstance(session, SnapshotSession):
        if session.snapshot is None:
            session.load(state)
        assert session.snapshot is not None
        return session.snapshot
    if getattr(session, "runs_in_child", False):
        state.progress(0, 1, "taking a snapshot in the inspected environment")
        return snapshot_from_document(session._document(["snapshot", "--json"]))
    state.progress(0, 1, "taking a snapshot of the live registries")
    if not session.registries:
        session.load(state)
    return build_snapshot(session.registries, targets=session.targets)


def live_session_for(session: Any) -> Any:
    """The live environment to compare ``session`` with: its own when it is live, else the snapshot's targets
    in this inspector's environment (or the live session it names: a remote worker's is this machine's).

    Named targets are loaded in a child process, as File ▸ Open target does (``session_for``): a bug report's
    targets are someone else's plugins, and must not import into the window's process.
    """
    own = getattr(session, "live_session", None)
    if own is not None:
        return own
    if getattr(session, "read_only", False):
        from .env_session import session_for

        targets = ((session.snapshot or {}).get("targets")) or None
        # The window's own live session when it inspects the same targets (its --python included): a file of
        # polystore opened over `--python ~/venv --target polystore` compares with that environment.
        window_live = getattr(session, "window_live", None)
        if window_live is not None and (window_live.targets or None) == targets:
            return window_live
        python = getattr(window_live, "python", None) or _recorded_python(session.snapshot or {})
        return session_for(targets, python)
    return session


def _recorded_python(snapshot: dict[str, Any]) -> str | None:
    """The interpreter the snapshot was taken with, when it is another one on this machine (a venv of the
    user's); None: this inspector's own."""
    import os
    import sys

    python = (snapshot.get("source") or {}).get("python")
    if not isinstance(python, str) or not python or python == sys.executable:
        return None
    return python if os.path.isfile(python) and os.access(python, os.X_OK) else None


def snapshot_age(snapshot: dict[str, Any]) -> str:
    """``3 h ago``: how long since it was taken (for the banner)."""
    from registry_core.diagnostics import human_age

    created = snapshot.get("created")
    if not isinstance(created, (int, float)):
        return ""
    return f"{human_age(max(0.0, time.time() - created))} ago"
