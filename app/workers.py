"""Long work off the GUI thread: a QRunnable carrying a separate QObject of signals.

Each task gets a ``TaskState`` it can report progress to and poll for
cancellation; signals deliver results on the GUI thread.
"""

from __future__ import annotations

import threading
import traceback
from typing import Any, Callable

from PyQt6.QtCore import QObject, QRunnable, QThreadPool, pyqtSignal


class TaskState:
    """Progress and cooperative cancellation for one task."""

    def __init__(self, signals: "WorkerSignals") -> None:
        self._signals = signals
        self._cancel = threading.Event()

    def progress(self, done: int, total: int, message: str = "") -> None:
        self._signals.progress.emit(done, total, message)

    def cancel(self) -> None:
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()


class WorkerSignals(QObject):
    started = pyqtSignal()
    progress = pyqtSignal(int, int, str)
    returned = pyqtSignal(object)
    errored = pyqtSignal(str, str)  # message, traceback
    finished = pyqtSignal()


class Worker(QRunnable):
    """Runs ``func(state, *args)`` on the thread pool; results come back as signals."""

    def __init__(self, func: Callable[..., Any], *args: Any, name: str = "") -> None:
        super().__init__()
        self.setAutoDelete(False)  # the window keeps it until ``finished`` to read its state
        self.func = func
        self.args = args
        self.name = name or getattr(func, "__name__", "task")
        self.signals = WorkerSignals()
        self.state = TaskState(self.signals)

    def run(self) -> None:
        self.signals.started.emit()
        try:
            result = self.func(self.state, *self.args)
        except Exception as exc:  # surfaced as a dialog by the window, never a dead thread
            self.signals.errored.emit(f"{self.name} failed: {type(exc).__name__}: {exc}", traceback.format_exc())
        else:
            self.signals.returned.emit(result)
        finally:
            self.signals.finished.emit()


def start(worker: Worker, pool: QThreadPool | None = None) -> Worker:
    (pool or QThreadPool.globalInstance()).start(worker)
    return worker
