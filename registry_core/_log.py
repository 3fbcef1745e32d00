"""Loggers under the ``registry_core`` name, created on first use.

Importing :mod:`logging` costs more than the whole warm start we promise, so
nothing here touches it until something is actually logged.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~14 ms to import; annotations are strings
    from typing import Any

ROOT_LOGGER = "registry_core"


def get_logger(suffix: str = "") -> Any:
    import logging

    return logging.getLogger(f"{ROOT_LOGGER}.{suffix}" if suffix else ROOT_LOGGER)


def debug(suffix: str, message: str, *args: Any) -> None:
    """Log below WARNING only if :mod:`logging` is loaded: otherwise no handler can exist to see it."""
    import sys

    if "logging" in sys.modules:
        get_logger(suffix).debug(message, *args)


def info(suffix: str, message: str, *args: Any) -> None:
    import sys

    if "logging" in sys.modules:
        get_logger(suffix).info(message, *args)
