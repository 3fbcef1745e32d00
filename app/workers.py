"""Long work off the GUI thread: a QRunnable carrying a separate QObject of signals.

Each task gets a ``TaskState`` it can report progress to and poll for
cancellation; signals deliver results on the GUI thread. A ``TaskRunner`` keeps
the window's tasks: at most one exclusive task at a time, and none delivering
results to a window that has closed.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QObject, QRunnable, QThreadPool, pyqtSignal


class TaskState:
    """Progress and cooperative cancellation for one task."""

    def __init__(self, signals: WorkerSignals) -> None:
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
        #: Whether ``func`` returned (set before ``returned`` is emitted, read after ``finished``).
        self.ok = False

    def run(self) -> None:
        self.signals.started.emit()
        try:
            result = self.func(self.state, *self.args)
        except Exception as exc:  # surfaced as a dialog by the window, never a dead thread
            self.signals.errored.emit(f"{self.name} failed: {type(exc).__name__}: {exc}", traceback.format_exc())
        else:
            self.ok = True
            self.signals.returned.emit(result)
        finally:
            self.signals.finished.emit()


def start(worker: Worker, pool: QThreadPool | None = None) -> Worker:
    (pool or QThreadPool.globalInstance()).start(worker)
    return worker


class TaskRunner(QObject):
    """Runs ``func(state, *args)`` tasks; exclusive ones one at a time (they share the window's buttons)."""

    #: The exclusive task now running, or None once it has finished.
    busy_changed = pyqtSignal(object)
    #: The exclusive task's progress: done, total, message.
    progress = pyqtSignal(int, int, str)
    #: A task raised: message, traceback.
    errored = pyqtSignal(str, str)
    #: A task ended (after ``busy_changed``): the worker and whether it returned.
    finished = pyqtSignal(object, bool)

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.workers: list[Worker] = []
        self.busy: Worker | None = None
        self._pool = pool
        self._closed = False

    def run(
        self,
        name: str,
        func: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None] | None = None,
        exclusive: bool = True,
    ) -> Worker | None:
        """Start the task, or None when it is exclusive and another exclusive task is running."""
        if exclusive and self.busy is not None:
            return None
        worker = Worker(func, *args, name=name)
        self.workers.append(worker)
        if exclusive:
            self.busy = worker
            self.busy_changed.emit(worker)
            worker.signals.progress.connect(self.progress)
        if on_result is not None:
            worker.signals.returned.connect(lambda result: None if self._closed else on_result(result))
        worker.signals.errored.connect(self.errored)
        worker.signals.finished.connect(lambda: self._finished(worker, exclusive))
        start(worker, self._pool)
        return worker

    def cancel(self) -> Worker | None:
        """Ask the exclusive task to stop (it polls its state); returns it, or None when nothing runs."""
        if self.busy is not None:
            self.busy.state.cancel()
        return self.busy

    def close(self) -> None:
        """Cancel the exclusive task, and show no task's result from now on: its window has closed."""
        self._closed = True
        self.cancel()

    def _finished(self, worker: Worker, exclusive: bool) -> None:
        if exclusive and self.busy is worker:
            self.busy = None
            self.busy_changed.emit(None)
        if worker in self.workers:
            self.workers.remove(worker)
        self.finished.emit(worker, worker.ok)
