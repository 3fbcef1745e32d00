"""Start the inspector window: ``registry-inspector`` or ``registry-inspector gui [--target MODULE ...]``."""

from __future__ import annotations

import argparse
import json
import sys
import time
import traceback
from typing import Any

APP_NAME = "Registry Inspector"
ORGANISATION = "Registry Inspector"
DESKTOP_FILE = "io.github.registry_inspector"
TAB_NAMES = ("registries", "caches", "timing", "enums")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="registry-inspector gui", description="Open the inspector window.")
    parser.add_argument(
        "--target", action="append", metavar="MODULE", help="module that declares registries, or entry-points:GROUP"
    )
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="inspect another environment: a virtual environment's folder or its interpreter (commands run there)",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="build the window, run discovery, print a JSON summary and exit (1 when no registry was found)",
    )
    parser.add_argument("--screenshot", metavar="PATH", help="save a PNG of the window once loaded, then exit")
    parser.add_argument("--tab", choices=TAB_NAMES, default="registries", help="tab to show (for --screenshot)")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default="system")
    parser.add_argument("--size", default="1280x800", help="window size WxH (for --screenshot)")
    return parser


def main(argv: list[str]) -> int:
    started = time.perf_counter()
    args = build_parser().parse_args([a for a in argv if a != "gui"])
    if args.python:
        from registry_core.sources import PythonEnvironmentError, interpreter

        try:
            interpreter(args.python)
        except PythonEnvironmentError as exc:
            print(f"registry-inspector: {exc}", file=sys.stderr)
            return 2
    from .qt_check import exit_if_qt_cannot_start

    if (missing_libraries := exit_if_qt_cannot_start()) is not None:  # before Qt can abort on them
        return missing_libraries
    from PyQt6.QtCore import QCoreApplication, QTimer
    from PyQt6.QtGui import QGuiApplication, QIcon
    from PyQt6.QtWidgets import QApplication

    from registry_core.diagnostics import configure_logging as configure_cli_logging

    configure_cli_logging(False)
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APP_NAME)
    QGuiApplication.setDesktopFileName(DESKTOP_FILE)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    # One style everywhere, so forced light/dark palettes and screenshots look the same on every desktop.
    app.setStyle("Fusion")
    from . import theme
    from .env_session import session_for
    from .main_window import MainWindow
    from .resources_path import icon_path
    from .widgets.dialogs import show_error

    icon = icon_path()
    if icon:
        app.setWindowIcon(QIcon(icon))
    dark = None if args.theme == "system" else args.theme == "dark"
    effective_dark = theme.system_is_dark() if dark is None else dark
    theme.apply_palette(app, effective_dark)
    window = MainWindow(session_for(args.target, args.python), dark=effective_dark)
    if dark is None:
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):

            def follow(_scheme: Any) -> None:
                now_dark = theme.system_is_dark()
                theme.apply_palette(app, now_dark)
                window.apply_theme(now_dark)

            hints.colorSchemeChanged.connect(follow)
    _install_excepthook(window, show_error)
    width, _, height = args.size.partition("x")
    if args.screenshot or args.smoke_test:
        window.resize(int(width), int(height))
    exit_code = {"value": 0}

    def on_error(name: str, ok: bool) -> None:
        if not ok and (args.smoke_test or args.screenshot):
            print(json.dumps({"ok": False, "task": name, "error": window.last_error}), file=sys.stderr)
            exit_code["value"] = 1
            app.quit()

    window.task_done.connect(on_error)

    def on_loaded() -> None:
        if args.smoke_test:
            summary = smoke_summary(window, time.perf_counter() - started)
            print(json.dumps(summary))
            exit_code["value"] = 0 if summary["ok"] else 1
            app.quit()
        elif args.screenshot:
            window.tabs.setCurrentIndex(TAB_NAMES.index(args.tab))
            # Let layouts settle and the charts (drawn one per timer tick) finish before grabbing.
            QTimer.singleShot(300, lambda: _save_when_drawn(window, args.screenshot, app))

    window.loaded.connect(on_loaded)
    window.show()
    QTimer.singleShot(0, window.start_loading)
    app.exec()
    return exit_code["value"]


def _save_when_drawn(window: Any, path: str, app: Any) -> None:
    from PyQt6.QtCore import QTimer

    if window.charts is not None and window.charts.is_drawing():
        QTimer.singleShot(50, lambda: _save_when_drawn(window, path, app))
        return
    _save(window, path)
    app.quit()


def _save(window: Any, path: str) -> None:
    window.grab().save(path)
    print(path)


def smoke_summary(window: Any, seconds: float) -> dict[str, Any]:
    """What the window loaded; ``"ok": false`` with the ``reason`` when the targets gave no registry."""
    inventory = window.session.inventory or {"registries": []}
    caches = window.session.caches or {"caches": []}
    empty = not inventory["registries"]
    return {
        "ok": not empty,
        **({"reason": window.session.empty_reason or "the targets declare no registries"} if empty else {}),
        "registries": len(inventory["registries"]),
        "plugins": sum(len(r["plugins"]) for r in inventory["registries"]),
        "failures": sum(len(r["failures"]) for r in inventory["registries"]),
        "skipped": sum(len(r["skipped"]) for r in inventory["registries"]),
        "caches": {c["registry"]: c["state"] for c in caches["caches"]},
        "seconds": round(seconds, 3),
    }


def _install_excepthook(window: Any, show_error: Any) -> None:
    """An exception in a slot becomes a dialog with the traceback; the window stays alive."""
    previous = sys.excepthook

    def hook(kind: Any, value: Any, tb: Any) -> None:
        if issubclass(kind, KeyboardInterrupt):
            previous(kind, value, tb)
            return
        details = "".join(traceback.format_exception(kind, value, tb))
        print(details, file=sys.stderr)
        window.last_error = f"{kind.__name__}: {value}"
        show_error(window, f"Unexpected error: {kind.__name__}: {value}", details)

    sys.excepthook = hook
