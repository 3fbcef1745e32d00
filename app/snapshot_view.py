"""Opening a snapshot or a bundle in the window, and comparing what the window shows with another.

``SnapshotController`` adds to the window: the banner above the tabs (where and when a file was taken,
what it lacks, a button back to the live environment), the Compare tab, drag-and-drop of a file onto the
window, and the read-only state (the buttons that need the live environment grey, each saying why). The
window keeps one method per menu item (``open_snapshot``, ``compare_with``) that lands here.

Reading a file, building a live snapshot and asking a child for one all run on the window's TaskRunner.
"""

from __future__ import annotations

import html
import os
from typing import TYPE_CHECKING, Any

from PyQt6.QtCore import QEvent, QObject, Qt, pyqtSignal
from PyQt6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from registry_core.diagnostics import load_snapshot

from . import theme
from .snapshot_session import LIVE_ONLY, SnapshotSession, live_session_for, snapshot_age, take_snapshot
from .widgets.compare_view import CompareView

if TYPE_CHECKING:
    from .main_window import MainWindow

__all__ = ["FILE_FILTER", "SnapshotBanner", "SnapshotController", "dropped_path"]

FILE_FILTER = "Snapshots and bundles (*.json *.zip);;Bug-report bundles (*.zip);;Snapshots (*.json);;All files (*)"


class SnapshotBanner(QFrame):
    """A strip above the tabs while a file is on show: what it is, from where, when; what it lacks."""

    back_requested = pyqtSignal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("snapshotBanner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        self.label = QLabel("", self)
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.label, 1)
        self.back = QPushButton("Back to live", self)
        self.back.setToolTip("Inspect the live environment again (the targets this file was taken with)")
        self.back.clicked.connect(self.back_requested)
        layout.addWidget(self.back, 0, Qt.AlignmentFlag.AlignTop)
        self.hide()

    def show_snapshot(self, snapshot: dict[str, Any], label: str, dark: bool) -> None:
        c = theme.colors(dark)
        age = snapshot_age(snapshot)
        lines = [f"<b>Read-only</b>: {_text(label)}" + (f" ({_text(age)})" if age else "")]
        for note in snapshot.get("notes") or []:
            lines.append(f"<span style='color:{c['accent']}'>{_text(note)}</span>")
        for part, why in (snapshot.get("absent") or {}).items():
            lines.append(f"<span style='color:{c['muted']}'>No {_text(part)}: {_text(why)}</span>")
        self.label.setText("<br>".join(lines))
        self.setStyleSheet(
            f"#snapshotBanner {{ background: {'#2b2f36' if dark else '#fff8e1'}; border: 1px solid {c['accent']}; }}"
        )
        self.show()


def _text(words: str) -> str:
    return html.escape(words, quote=False)


def dropped_path(mime: Any) -> str | None:
    """The one local file a drag carries, if it looks like a snapshot or a bundle (else None)."""
    if not mime.hasUrls():
        return None
    urls = [u for u in mime.urls() if u.isLocalFile()]
    if len(urls) != 1:
        return None
    path = urls[0].toLocalFile()
    return path if path.lower().endswith((".json", ".zip")) and os.path.isfile(path) else None


class SnapshotController(QObject):
    """The window's snapshot and compare behaviour (see the module's docstring)."""

    def __init__(self, window: MainWindow) -> None:
        super().__init__(window)
        self.window = window
        self.banner = SnapshotBanner(window)
        self.banner.back_requested.connect(self.back_to_live)
        # The banner above the tabs: the tabs move into a container (same widgets, same indices).
        tabs = window.tabs
        container = QWidget(window)
        layout = QVBoxLayout(container)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.banner)
        layout.addWidget(tabs, 1)
        window.setCentralWidget(container)
        self.compare_view = CompareView(window, dark=window.dark)
        self.compare_view.file_requested.connect(lambda: self.compare_with(None))
        self.compare_view.live_requested.connect(lambda: self.compare_with("live"))
        self.compare_tab = tabs.addTab(self.compare_view, "Compare")
        window.setAcceptDrops(True)
        window.installEventFilter(self)
        window.task_done.connect(self._task_done)
        self._showed_file_profile = False

    # -- opening --------------------------------------------------------------------------------------------
    def open_snapshot(self, path: str | None = None) -> None:
        """Show ``path`` (a dialog when None) read-only; the current view stays if the file cannot be read."""
        window = self.window
        if path is None:
            path = self._ask_path("Open bundle or snapshot")
            if not path:
                return
        if window.busy:
            window._say(f"{window.tasks.busy.name} is still running: open it again once it is done")
            return
        # Read first, on a worker: a file that is not a snapshot says so and leaves the window as it was. Not
        # exclusive: the session it then loads is the exclusive task, and must not find this one running.
        window.run_task(
            "Open snapshot",
            lambda _state: load_snapshot(path),
            on_result=lambda s: self._show(path, s),
            exclusive=False,
        )

    def _show(self, path: str, snapshot: dict[str, Any]) -> None:
        session = SnapshotSession(path)
        session.snapshot = snapshot
        current = self.window.session
        # What "live" means while the file is on show: the environment the window was inspecting.
        session.window_live = getattr(current, "window_live", None) if getattr(current, "read_only", False) else current
        self.window.use_session(session)
        self.window.setWindowTitle(f"{os.path.basename(path)} (read-only) — Registry Inspector")
        self.banner.show_snapshot(snapshot, session.label, self.window.dark)
        self.compare_view.clear()

    def back_to_live(self) -> None:
        session = self.window.session
        # Back to what the window was inspecting before the file (its --python and targets), when there was one.
        live = getattr(session, "window_live", None) or live_session_for(session)
        if live is session:
            return
        self.banner.hide()
        self.compare_view.clear()
        self.window.use_session(live)

    def _ask_path(self, title: str) -> str:
        from PyQt6.QtWidgets import QFileDialog

        folder = str(self.window.settings.value("snapshots/folder", os.path.expanduser("~")))
        path, _ = QFileDialog.getOpenFileName(self.window, title, folder, FILE_FILTER)
        if path:
            self.window.settings.setValue("snapshots/folder", os.path.dirname(path))
        return path

    # -- comparing ------------------------------------------------------------------------------------------
    def compare_with(self, spec: str | None = None) -> None:
        """Compare the current view (side A) with ``spec``: a file, ``"live"``, or a dialog's choice (None)."""
        window = self.window
        if spec is None:
            spec = self._ask_path("Compare with snapshot or bundle")
            if not spec:
                return
        current = window.session
        other = live_session_for(current) if spec == "live" else None

        def both(state: Any) -> tuple[dict[str, Any], dict[str, Any]]:
            a = take_snapshot(current, state)
            if other is None:
                b = load_snapshot(spec)
            elif other is current:
                b = a  # live against itself: one moment
            else:
                b = take_snapshot(other, state)
            return a, b

        window.tabs.setCurrentIndex(self.compare_tab)
        window.run_task("Compare", both, on_result=self.show_pair)

    def show_pair(self, pair: tuple[dict[str, Any], dict[str, Any]]) -> None:
        """Show the diff of two snapshot documents (any source: a remote worker's plugs in here)."""
        a, b = pair
        document = self.compare_view.show_pair(a, b)
        self.window.tabs.setCurrentIndex(self.compare_tab)
        from registry_core.diagnostics import diff_verdict as verdict

        said = verdict(document)
        self.window._say(said[:1].upper() + said[1:])

    # -- read-only state -----------------------------------------------------------------------------------
    def update_availability(self) -> None:
        """Grey out what needs the live environment while a file is on show, each with why."""
        window = self.window
        read_only = bool(getattr(window.session, "read_only", False))
        window.cache_details.read_disk = not read_only
        for action_id, why in LIVE_ONLY.items():
            action = window.action_by_id.get(action_id)
            if action is None or not read_only:
                continue
            if action.property("normalTip") is None:
                action.setProperty("normalTip", action.toolTip())
            action.setEnabled(False)
            if getattr(window.session, "remote", False):
                shown = "this window shows a remote worker, read-only (This machine in the Environment box)"
            else:
                shown = "this window shows a file, read-only (Back to live in the banner)"
            action.setToolTip(f"{why}: {shown}")

    def _task_done(self, name: str, ok: bool) -> None:
        window = self.window
        if name != "Discovery" or not ok:
            return
        read_only = bool(getattr(window.session, "read_only", False))
        # The charts show the file's profile while it is on show, the local history again after.
        if window.charts is not None and (read_only or self._showed_file_profile):
            window.charts.show_profile(*window._saved_profiles())
        self._showed_file_profile = read_only

    def eventFilter(self, watched: Any, event: Any) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if dropped_path(event.mimeData()):
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop:
            path = dropped_path(event.mimeData())
            if path:
                event.acceptProposedAction()
                self.open_snapshot(path)
                return True
        return False
