"""What the window says when a task's result comes back: Invalidate, Verify, Export, and the status bar's counts.

Functions of the window rather than its methods, so ``main_window`` keeps to orchestration; the handlers that
redraw views (``_show_documents``, ``_show_caches``, ``_show_profile``) stay on the window, where the bench
times them.
"""

from __future__ import annotations

import os
import time
from typing import TYPE_CHECKING, Any

from .widgets.dialogs import show_error, show_verify_disagreement

if TYPE_CHECKING:  # (the window imports this module)
    from .main_window import MainWindow

__all__ = ["after_export", "after_invalidate", "after_verify", "inventory_summary", "looked_for", "window_title"]

APP_TITLE = "Registry Inspector"


def _targets_text(session: Any) -> str:
    if session.targets:
        return ", ".join(session.targets)
    # Another environment has no embedded demo: only what its applications advertise.
    return "advertised targets" if session.python else "the embedded demo"


def _environment_text(session: Any) -> str:
    from .env_session import short_path

    return short_path(session.python) if session.python else ""


def window_title(session: Any) -> str:
    """``polystore — ~/project/.venv — Registry Inspector``: the targets, the environment when not our own."""
    parts = [_targets_text(session)]
    if session.python:
        parts.append(_environment_text(session))
    return " — ".join([*parts, APP_TITLE])


def looked_for(session: Any) -> str:
    """What an empty result looked for: the targets, and with which Python."""
    import sys

    python = session.python or sys.executable
    return f"{_targets_text(session)}, with the interpreter {python}"


def after_invalidate(window: MainWindow, result: dict[str, Any]) -> None:
    """How many cache files Invalidate removed (the cache view is redrawn by the window)."""
    window.statusBar().showMessage(f"Removed {result.get('removed', 0)} cache file(s)", 5000)


def after_verify(window: MainWindow, document: dict[str, Any]) -> None:
    """Verify's verdict: a status message when every registry agrees, a dialog saying how when some do not."""
    from registry_core.diagnostics import describe_verdict as describe

    if document.get("cancelled"):
        _say(window, "Verify cancelled")
        return
    if document.get("error"):
        show_error(
            window, f"Verify could not run a fresh discovery: {document['error']}", document.get("details") or ""
        )
        return
    entries = document["registries"]
    wrong = [e for e in entries if not e["agrees"]]
    if not wrong:
        _say(window, f"Verified: all {len(entries)} registries agree with a fresh discovery")
        return
    _say(window, f"Verify: {len(wrong)} of {len(entries)} registries disagree with a fresh discovery")
    show_verify_disagreement(
        window, len(wrong), len(entries), "\n\n".join(f"{e['name']}: {describe(e)}" for e in wrong)
    )


def after_export(window: MainWindow, result: Any) -> None:
    """Where the bundle went; its folder is the next export's default (``export/folder`` in ``window.settings``)."""
    path = getattr(result, "path", None) or (result.get("path") if isinstance(result, dict) else str(result))
    window.settings.setValue("export/folder", os.path.dirname(path))
    window.statusBar().showMessage(f"Diagnostics bundle written: {path}", 8000)


def inventory_summary(inventory: dict[str, Any] | None, discovered_at: float | None, discovery_s: float | None) -> str:
    """``3 registries · 12 plugins · 1 failed import · 0 skipped classes · last discovery 10:42:07 (85 ms)``."""
    regs = (inventory or {"registries": []})["registries"]
    plugins = sum(len(r["plugins"]) for r in regs)
    failures = sum(len(r["failures"]) for r in regs)
    skipped = sum(len(r["skipped"]) for r in regs)
    when = ""
    if discovered_at:
        when = time.strftime("%H:%M:%S", time.localtime(discovered_at))
        when = f" · last discovery {when} ({(discovery_s or 0) * 1000:.0f} ms)"
    return (
        f"{_count(len(regs), 'registry', 'registries')} · {_count(plugins, 'plugin')} · "
        f"{_count(failures, 'failed import')} · {_count(skipped, 'skipped class', 'skipped classes')}"
        f"{when}"
    )


def _say(window: MainWindow, message: str) -> None:
    window.statusBar().showMessage(message, 10000)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"
