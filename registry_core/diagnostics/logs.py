"""Logging for the CLI and the app: short warnings on stderr, everything in a bounded log file.

The bug-report bundle includes the tail of that file ("the recent log").
"""

from __future__ import annotations

import os

LOG_NAME = "registry-inspector.log"
_MAX_BYTES = 512 * 1024


def log_dir() -> str:
    import platformdirs

    return platformdirs.user_log_dir("registry-inspector", appauthor=False)


def log_path() -> str:
    return os.path.join(log_dir(), LOG_NAME)


def configure_cli_logging(verbose: bool = False) -> None:
    """Route ``registry_core`` logs to stderr (WARNING, or DEBUG with -v) and to the log file.

    The handlers are installed with the first record: :mod:`logging` and its
    handlers cost ~20 ms to import, more than a warm ``list`` spends on its own
    work, and a run that logs nothing needs neither (nor an empty log file).
    Once something has imported logging there is nothing to save: installed now,
    for modules that log through ``logging.getLogger`` rather than ``_log``.
    """
    import sys

    from .._log import on_first_record

    if "logging" in sys.modules:
        on_first_record(None)
        install_handlers(verbose)
    else:
        on_first_record(lambda: install_handlers(verbose))


def install_handlers(verbose: bool = False) -> str | None:
    """Install the stderr and log-file handlers now; the log file's path, or None when none is written."""
    import logging
    import logging.handlers

    root = logging.getLogger("registry_core")
    root.setLevel(logging.DEBUG)
    for handler in list(root.handlers):
        if getattr(handler, "_registry_inspector", False):
            root.removeHandler(handler)
    console = logging.StreamHandler()
    console.setLevel(logging.DEBUG if verbose else logging.WARNING)
    console.setFormatter(logging.Formatter("registry-inspector: %(message)s"))
    console._registry_inspector = True  # type: ignore[attr-defined]
    root.addHandler(console)
    root.propagate = False
    path = None
    from ..cache.paths import read_only

    if read_only():
        return None  # looking only: not even the log file
    try:
        os.makedirs(log_dir(), exist_ok=True)
        path = log_path()
        handler = logging.handlers.RotatingFileHandler(path, maxBytes=_MAX_BYTES, backupCount=1, encoding="utf-8")
        handler.setLevel(logging.DEBUG)
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._registry_inspector = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    except OSError:
        path = None  # an unwritable log folder must not stop the tool
    return path


def recent_log(max_lines: int = 400) -> str:
    try:
        with open(log_path(), encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
    except OSError:
        return ""
    return "".join(lines[-max_lines:])
