"""Fail a window test that leaves Qt work running behind it: pool tasks, QThreads, active QTimers.

After napari's conftest (``_dangling_qthreads``, ``_dangling_qtimers``, ``_dangling_qthread_pool``):
a timer still ticking or a task still running after its test's widgets are closed fires into the
next test, which then fails (or crashes) for a reason nowhere in its own code. The check runs after
pytest-qt has closed the widgets ``qtbot.addWidget`` registered, so a timer a closed window keeps
running counts as a leak. Imported by ``conftest.py``; Qt is only imported for tests that use qtbot,
so the core's tests never load it.
"""

from __future__ import annotations

import sys
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

#: How long the pool may take to finish a test's tasks before they count as left running.
POOL_GRACE_MS = 2000


def _calling_place() -> str:
    """The innermost frame of our own code (app or tests) that started the timer or thread."""
    frame = sys._getframe(2)
    while frame is not None:
        name = frame.f_code.co_filename
        if "/app/" in name or "/tests/" in name:
            return f"{name}:{frame.f_lineno} ({frame.f_code.co_name})"
        frame = frame.f_back
    return "(outside app and tests)"


def _live(obj: Any, predicate: str) -> bool:
    try:
        return bool(getattr(obj, predicate)())
    except RuntimeError:  # its C++ object is gone: deleted with its parent, so not running
        return False


@pytest.fixture(autouse=True)
def _qt_leak_check(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    if "qtbot" not in request.fixturenames:
        yield
        return
    from PyQt6.QtCore import QThread, QThreadPool, QTimer

    timers: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
    threads: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
    timer_start, thread_start = QTimer.start, QThread.start

    def start_timer(self: QTimer, *args: Any) -> None:
        timers[self] = _calling_place()
        timer_start(self, *args)

    def start_thread(self: QThread, *args: Any) -> None:
        threads[self] = _calling_place()
        thread_start(self, *args)

    monkeypatch.setattr(QTimer, "start", start_timer)
    monkeypatch.setattr(QThread, "start", start_thread)
    yield
    leaks = []
    pool = QThreadPool.globalInstance()
    if not pool.waitForDone(POOL_GRACE_MS):
        leaks.append(
            f"{pool.activeThreadCount()} thread-pool task(s) still running {POOL_GRACE_MS} ms after "
            "the test: wait for its task_done (or cancel it and wait) before the test ends"
        )
        pool.waitForDone(60_000)  # not into the next test
    for thread, place in list(threads.items()):
        if _live(thread, "isRunning"):
            leaks.append(f"a QThread started at {place} is still running")
            thread.quit()
            thread.wait(2000)
    for timer, place in list(timers.items()):
        if _live(timer, "isActive"):
            leaks.append(f"a QTimer started at {place} is still active after the test's widgets were closed")
            timer.stop()
    assert not leaks, "Qt work left behind by this test:\n  " + "\n  ".join(leaks)
