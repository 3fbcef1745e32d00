"""Remote environments in the window: File ▸ Add remote environment…, the environment switcher, and comparing.

``RemoteController`` asks a worker for its snapshot over ssh on the window's TaskRunner (Cancel stops ssh,
and the worker's work with it), then lists the worker in an "Environment" box on the toolbar beside "This
machine". Choosing it shows its registries read-only in the same views, under the snapshot banner; choosing
"This machine" shows the local environment again. With "compare" (the dialog's default) the Compare tab shows
this machine against the worker as soon as the worker has answered.
"""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import QObject, pyqtSignal
from PyQt6.QtWidgets import QComboBox, QLabel, QToolBar

from registry_core.sources import Cancelled

from .remote_session import RemoteSession
from .snapshot_session import take_snapshot

if TYPE_CHECKING:
    from .main_window import MainWindow
    from .session import Session

__all__ = ["LOCAL_LABEL", "RemoteController"]

LOCAL_LABEL = "This machine"


class RemoteController(QObject):
    """The window's remote environments (see the module's docstring)."""

    #: A worker answered and was added (its RemoteSession).
    added = pyqtSignal(object)

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.sessions: list[RemoteSession] = []
        #: The environment "This machine" stands for: whatever the window showed that is not a worker.
        self.local: Session = window.session
        self.combo = QComboBox(window)
        self.combo.setObjectName("environmentBox")
        self.combo.setToolTip("Which environment the views show: this machine, or a remote worker (read-only)")
        self.combo.addItem(LOCAL_LABEL)
        self.combo.activated.connect(self.show_environment)
        toolbar = window.findChild(QToolBar, "mainToolbar")
        self._label = QLabel(" Environment: ", window)
        if toolbar is not None:
            toolbar.addSeparator()
            self._label_action = toolbar.addWidget(self._label)
            self._combo_action = toolbar.addWidget(self.combo)
            self._label_action.setVisible(False)  # shown once there is a worker to choose
            self._combo_action.setVisible(False)
        window.task_done.connect(self._task_done)

    # -- adding ---------------------------------------------------------------------------------------------
    def add(
        self, host: str | None = None, python: str | None = None, targets: list[str] | None = None, compare: bool = True
    ) -> None:
        """Ask ``host`` for its snapshot (a dialog when None); list it; compare it with this machine."""
        window = self.window
        if host is None:
            from .widgets.open_dialogs import AddRemoteDialog, RecentList

            recent = RecentList(window.settings, "remote/recent")
            current = " ".join(self.local.targets or [])
            dialog = AddRemoteDialog(recent.items(), current, window)
            if dialog.exec() != AddRemoteDialog.DialogCode.Accepted:
                return
            host, python, targets, compare = dialog.values()
            recent.add(dialog.entry())
        if targets is None:
            targets = self.local.targets
        session = RemoteSession(host, python, targets)
        session.live_session = self.local
        window.run_task(f"Remote {session.name}", partial(self._fetch, session, compare), on_result=self._answered)

    def _fetch(self, session: RemoteSession, compare: bool, state: Any) -> dict[str, Any]:
        """(worker thread) The worker's snapshot, and this machine's when comparing."""
        try:
            remote = session.take_snapshot(state)
            local = take_snapshot(self.local, state) if compare and not state.cancelled() else None
        except Cancelled:
            return {"session": session, "cancelled": True}
        return {"session": session, "cancelled": state.cancelled(), "remote": remote, "local": local}

    def _answered(self, result: dict[str, Any]) -> None:
        session: RemoteSession = result["session"]
        if result.get("cancelled"):
            self.window._say(f"Cancelled: {session.name} was not added")
            return
        self._list(session)
        if result.get("local") is not None:
            self.window.snapshots.show_pair((result["local"], result["remote"]))
        registries = len(((session.snapshot or {}).get("list") or {}).get("registries") or [])
        counted = f"{registries} {'registry' if registries == 1 else 'registries'}"
        self.window._say(f"{session.name} added: {counted} (the Environment box on the toolbar shows it)")
        self.added.emit(session)

    def _list(self, session: RemoteSession) -> None:
        """Put ``session`` in the box (replacing an earlier one of the same worker and Python)."""
        for index, known in enumerate(self.sessions):
            if known.name == session.name:
                self.sessions[index] = session
                self.combo.setItemText(index + 1, f"{session.name} (ssh)")
                break
        else:
            self.sessions.append(session)
            self.combo.addItem(f"{session.name} (ssh)")
        if hasattr(self, "_combo_action"):
            self._label_action.setVisible(True)
            self._combo_action.setVisible(True)

    # -- choosing -------------------------------------------------------------------------------------------
    def show_environment(self, index: int) -> None:
        """Show this machine (0) or the index-th worker in the views."""
        window = self.window
        session: Session = self.local if index <= 0 else self.sessions[index - 1]
        if window.busy:
            window._say(f"{window.tasks.busy.name} is still running: choose again once it is done")
            self._sync()
            return
        if session is window.session:
            return
        window.use_session(session)
        if isinstance(session, RemoteSession) and session.snapshot is not None:
            window.setWindowTitle(f"{session.name} over ssh (read-only) — Registry Inspector")
            window.snapshots.banner.show_snapshot(session.snapshot, session.label, window.dark)
        else:
            window.snapshots.banner.hide()

    def _task_done(self, name: str, ok: bool) -> None:
        if name == "Discovery":
            session = self.window.session
            if not isinstance(session, RemoteSession) and not getattr(session, "read_only", False):
                self.local = session  # another target or environment opened: that is "this machine" now
                for remote in self.sessions:
                    remote.live_session = session
            self._sync()

    def _sync(self) -> None:
        """The box names what the window shows."""
        session = self.window.session
        index = next((i + 1 for i, s in enumerate(self.sessions) if s is session), 0)
        self.combo.setCurrentIndex(index)
