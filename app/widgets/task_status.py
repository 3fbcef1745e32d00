"""The status bar's task corner: a progress bar, a Cancel button, and the task's words in the message area."""

from __future__ import annotations

from PyQt6.QtCore import QObject
from PyQt6.QtGui import QAction
from PyQt6.QtWidgets import QProgressBar, QPushButton, QStatusBar

from ..workers import TaskRunner, Worker


class TaskStatus(QObject):
    """Shows ``runner``'s exclusive task in ``bar``, and disables ``actions`` while one runs."""

    def __init__(self, runner: TaskRunner, bar: QStatusBar, actions: list[QAction]) -> None:
        super().__init__(bar)
        self._runner = runner
        self._bar = bar
        self._actions = actions
        self._message: str | None = None
        self.progress = QProgressBar(bar)
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel", bar)
        self.cancel_button.clicked.connect(self.cancel)
        runner.busy_changed.connect(self._set_busy)
        runner.progress.connect(self._on_progress)
        self._set_busy(None)

    def cancel(self) -> None:
        worker = self._runner.cancel()
        if worker is not None:
            self._show(f"cancelling {worker.name}…")

    def _set_busy(self, worker: Worker | None) -> None:
        busy = worker is not None
        for action in self._actions:
            action.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if worker is not None:
            self.progress.setRange(0, 0)  # busy indicator until the task reports progress
            self._show(f"{worker.name}…")
        elif self._bar.currentMessage() == self._message:
            # Clear only the task's own progress text: keep the result its slot just showed
            # ("Removed 5 cache file(s)", "Diagnostics bundle written: ...").
            self._bar.clearMessage()

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if message:
            self._show(message)

    def _show(self, message: str) -> None:
        self._message = message
        self._bar.showMessage(message)
