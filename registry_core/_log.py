"""Loggers under the ``registry_core`` name, created on first use.

Importing :mod:`logging` costs more than the whole warm start we promise, so
nothing here touches it until something is actually logged; a process's log
set-up (the CLI's stderr and file handlers) can wait for that moment too
(:func:`on_first_record`).
"""

from __future__ import annotations

import _thread

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~14 ms to import; annotations are strings
    from collections.abc import Callable
    from typing import Any

ROOT_LOGGER = "registry_core"

#: The set-up to run before the first record (at most one); guarded so that two threads logging at once
#: both find the handlers installed.
_pending: list[Callable[[], object]] = []
_pending_lock = _thread.allocate_lock()


def on_first_record(configure: Callable[[], object] | None) -> None:
    """Run ``configure`` (which imports :mod:`logging` and installs handlers) just before the first record
    of a ``registry_core`` logger, instead of now: a run that logs nothing (a warm start) never imports
    logging. None cancels a set-up still waiting."""
    with _pending_lock:
        _pending[:] = [configure] if configure is not None else []


def get_logger(suffix: str = "") -> Any:
    import logging

    if _pending:
        with _pending_lock:
            configure = _pending.pop() if _pending else None
            if configure is not None:
                configure()
    return logging.getLogger(f"{ROOT_LOGGER}.{suffix}" if suffix else ROOT_LOGGER)


def debug(suffix: str, message: str, *args: Any) -> None:
    """Log below WARNING only if :mod:`logging` is loaded (or a set-up waits for a record): otherwise no
    handler can exist to see it."""
    import sys

    if _pending or "logging" in sys.modules:
        get_logger(suffix).debug(message, *args)


def info(suffix: str, message: str, *args: Any) -> None:
    import sys

    if _pending or "logging" in sys.modules:
        get_logger(suffix).info(message, *args)
