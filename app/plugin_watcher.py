"""Watches the folders and files plugins live in, so cache badges turn stale without a refresh."""

from __future__ import annotations

import os
from typing import Any

from PyQt6.QtCore import QFileSystemWatcher, QObject, QTimer, pyqtSignal


class PluginWatcher(QFileSystemWatcher):
    """A ``QFileSystemWatcher`` over an inventory's plugin files, adding them a batch per timer tick."""

    #: Something watched changed, and nothing more for ``SETTLE_MS``: time to re-check the caches.
    settled = pyqtSignal()

    #: Paths added per batch (~10 ms here), and the pause between batches. Not a zero-delay call: Qt
    #: delivers those back to back, so 10 000 files held timers and input back ~0.3 s.
    BATCH = 250
    GAP_MS = 10
    #: An editor's save fires several events; one cache check after the last of them.
    SETTLE_MS = 300

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.unwatched: list[str] = []  # paths still to add, a batch per tick
        self._batch_timer = QTimer(self)  # a child: no batch runs after the window is gone
        self._batch_timer.setSingleShot(True)
        self._batch_timer.setInterval(self.GAP_MS)
        self._batch_timer.timeout.connect(self._add_batch)
        self._settle_timer = QTimer(self)
        self._settle_timer.setSingleShot(True)
        self._settle_timer.setInterval(self.SETTLE_MS)
        self._settle_timer.timeout.connect(self.settled)
        self.directoryChanged.connect(lambda _p: self._settle_timer.start())
        self.fileChanged.connect(lambda _p: self._settle_timer.start())

    def watch(self, inventory: dict[str, Any]) -> None:
        """Watch the folders of every plugin, failure and skip, and every plugin file, not yet watched."""
        folders = set()
        for reg in inventory["registries"]:
            for item in [*reg["plugins"], *reg["failures"], *reg["skipped"]]:
                if item.get("file"):
                    folders.add(os.path.dirname(item["file"]))
        files = {p["file"] for reg in inventory["registries"] for p in reg["plugins"] if p.get("file")}
        watched = set(self.directories()) | set(self.files())
        # Folders now, files in batches between events: adding 10 000 watches at once froze the GUI ~0.45 s.
        self.unwatched = sorted(folders - watched) + sorted(files - watched)
        self._add_batch()

    def forget(self) -> None:
        """Watch nothing (another session's files are about to be watched instead); keep reporting."""
        self._batch_timer.stop()
        self._settle_timer.stop()
        self.unwatched = []
        watched = self.directories() + self.files()
        if watched:
            self.removePaths(watched)

    def is_settling(self) -> bool:
        """Whether a change was seen and its cache check has not been asked for yet."""
        return self._settle_timer.isActive()

    def stop(self) -> None:
        """Watch nothing more and report nothing more: no cache check may start after the window is gone."""
        self._settle_timer.stop()
        self._batch_timer.stop()
        self.unwatched = []
        self.blockSignals(True)

    def _add_batch(self) -> None:
        batch, self.unwatched = self.unwatched[: self.BATCH], self.unwatched[self.BATCH :]
        if batch:
            self.addPaths(batch)
        if self.unwatched:
            self._batch_timer.start()
