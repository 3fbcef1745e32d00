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

__all__ = [
    "after_export",
    "after_invalidate",
    "after_rebuild",
    "after_verify",
    "invalidate_summary",
    "rebuild_summary",
    "inventory_summary",
    "looked_for",
    "window_title",
]

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
    """What Invalidate removed, naming the registries (the cache view is redrawn by the window)."""
    _say(window, invalidate_summary(result))


def invalidate_summary(result: dict[str, Any]) -> str:
    """``Removed the cache file of microscope handler`` / ``Removed 7 cache files (every registry's and enum's)``."""
    asked = result.get("asked")
    removed = int(result.get("removed") or 0)
    if not asked:
        return f"Invalidate all: removed {_count(removed, 'cache file')} (every registry's and enum's cache)"
    cleared = list(result.get("cleared") or [])
    missing = [name for name in asked if name not in cleared]
    parts = [f"Removed the cache file of {', '.join(cleared)}"] if cleared else []
    if missing:
        parts.append(f"{', '.join(missing)} had no cache file to remove")
    return "; ".join(parts)


def after_rebuild(window: MainWindow, result: dict[str, Any]) -> None:
    """Rebuild's result: registries, plugins, failures, time, and the cache files written."""
    _say(window, rebuild_summary(result))


def rebuild_summary(result: dict[str, Any]) -> str:
    """``Rebuilt 5 registries in 120 ms: 22 plugins, 1 failed import; 5 cache files written``."""
    names = list(result.get("rebuilt") or [])
    registries = [r for r in (result.get("inventory") or {}).get("registries", []) if r["name"] in names]
    plugins = sum(len(r["plugins"]) for r in registries)
    failures = sum(len(r["failures"]) for r in registries)
    caches = [c for c in (result.get("caches") or {}).get("caches", []) if c.get("registry") in names]
    written = [c for c in caches if c.get("state") == "valid"]
    unwritten = [c for c in caches if c.get("state") != "valid"]
    ms = float(result.get("seconds") or 0) * 1000
    text = (
        f"Rebuilt {_count(len(names), 'registry', 'registries')} in {ms:.0f} ms: {_count(plugins, 'plugin')}, "
        f"{_count(failures, 'failed import')}; {_count(len(written), 'cache file')} written"
    )
    if unwritten:
        text += "; not written: " + ", ".join(f"{c['registry']} ({c.get('state')})" for c in unwritten)
    if result.get("cancelled"):
        text = "Rebuild cancelled. " + text
    return text


def profile_summary(profile: dict[str, Any]) -> str:
    """``Profiled 5 registries, 3 fresh-process runs each (2 could not be timed); recorded in the history``."""
    registries = profile.get("registries") or []
    troubled = [r for r in registries if r.get("timed_out") or r.get("error")]
    runs = profile.get("runs") or 0
    text = f"Profiled {_count(len(registries), 'registry', 'registries')}, {_count(runs, 'fresh-process run')} each"
    if troubled:
        text += f" ({len(troubled)} could not be timed: see the Timing tab)"
    if profile.get("history_path"):
        text += "; recorded in the history"
    elif profile.get("history_error"):
        error = str(profile["history_error"])
        text += "; " + (error if error.startswith("not recorded") else f"not recorded: {error}")
    return text


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
    from .widgets.bundle_dialog import show_exported

    show_exported(window, path)  # "Show in folder", "Copy path"; window-modal, not blocking


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
