"""A remote worker's registries as the window's session (Qt-free): a snapshot taken there over ssh, read-only.

``RemoteSession`` asks the worker for one ``snapshot`` (``registry_core.sources.remote_json``: the system's
ssh, nothing installed there) and then answers the window's reads from it like a snapshot file, so the same
trees, cache table and charts show it, and the Compare view takes it as a side. Buttons that act on an
environment are refused as for a file; Cancel stops ssh and, through it, the work on the worker.
"""

from __future__ import annotations

from typing import Any

from registry_core.diagnostics import describe_snapshot, snapshot_from_document
from registry_core.sources import RemoteError, RemoteHost, remote_json, worker_error_line

from .snapshot_session import SnapshotSession

__all__ = ["RemoteSession", "remote_label"]


def remote_label(host: str, python: str | None) -> str:
    """``gpu-3`` or ``gpu-3 (~/venv)``: how the window names a remote environment."""
    return f"{host} ({python})" if python else host


class RemoteSession(SnapshotSession):
    """``targets`` on ``host`` with its Python ``python`` (None: python3 there), as a snapshot taken over ssh."""

    #: Its documents come from another machine: nothing here to watch, open or rebuild.
    remote = True

    def __init__(self, host: str, python: str | None = None, targets: list[str] | None = None) -> None:
        super().__init__(f"ssh://{host}")
        self.targets = list(targets) if targets else None
        self.worker = RemoteHost(host, python)  # (RemoteError for a name ssh cannot take)
        self.host = host
        self.remote_python = python
        #: What "Back to live" and "Compare with live" mean here: this machine's session (set by the window).
        self.live_session: Any = None

    @property
    def name(self) -> str:
        return remote_label(self.host, self.remote_python)

    @property
    def label(self) -> str:
        if self.snapshot is None:
            return f"{self.name} over ssh"
        return f"{self.name} over ssh: {describe_snapshot(self.snapshot)}"

    def command_line(self) -> str:
        """The command that gives the same document (for messages)."""
        import shlex

        words = ["registry-inspector", "snapshot", "--remote", self.host]
        words += ["--remote-python", self.remote_python] if self.remote_python else []
        words += [arg for target in self.targets or [] for arg in ("--target", target)]
        return shlex.join(words)

    def load(self, state: Any) -> dict[str, Any]:
        """The worker's snapshot (asked for once; a new RemoteSession asks again), then its documents."""
        if self.snapshot is None:
            self.take_snapshot(state)
        return self.describe(state)

    def take_snapshot(self, state: Any) -> dict[str, Any]:
        """The snapshot taken on the worker (the Compare view's side); raises ``Cancelled`` when cancelled,
        ``RemoteError`` (one line) when the worker could not answer."""
        if self.snapshot is not None:
            return self.snapshot
        state.progress(0, 0, f"taking a snapshot on {self.name} over ssh…")
        argv = ["snapshot", *(arg for target in self.targets or [] for arg in ("--target", target))]
        answer = remote_json(self.worker, argv, cancelled=state.cancelled)
        document = answer.document
        if not isinstance(document, dict) or document.get("error"):
            error = (document or {}).get("error") if isinstance(document, dict) else None
            said = (error or {}).get("message") if isinstance(error, dict) else None
            lines = [line for line in answer.stderr.splitlines() if line.strip()]
            if said:
                raise RemoteError(worker_error_line(self.host, error or {}, self.targets))
            why = lines[-1].removeprefix("registry-inspector: ") if lines else f"exit {answer.code}"
            raise RemoteError(f"--remote {self.host}: {why}")
        self.snapshot = snapshot_from_document(document)
        return self.snapshot
