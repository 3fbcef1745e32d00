"""Start the inspector window: ``registry-inspector`` or ``registry-inspector gui [--target MODULE ...]``."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import traceback
from typing import Any

APP_NAME = "Registry Inspector"
ORGANISATION = "Registry Inspector"
DESKTOP_FILE = "io.github.registry_inspector"
TAB_NAMES = ("registries", "caches", "timing", "enums", "compare")


#: The image formats ``--screenshot`` writes, by file suffix (each one Qt writes without plugins).
SCREENSHOT_FORMATS = (".png", ".jpg", ".jpeg", ".bmp")


class _Parser(argparse.ArgumentParser):
    """A usage error in one line on stderr (``registry-inspector gui: --size: ...``), exit 2; no usage dump."""

    def error(self, message: str) -> Any:
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def window_size(text: str) -> tuple[int, int]:
    """``--size``: ``WIDTHxHEIGHT`` in pixels, each at least 100 (argparse says what is wrong)."""
    width, sep, height = text.lower().partition("x")
    if not (sep and width.strip().isdigit() and height.strip().isdigit()):
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT in pixels such as 1280x800, not {text!r}")
    size = int(width), int(height)
    if min(size) < 100:
        raise argparse.ArgumentTypeError(f"{text!r} is too small: at least 100x100")
    return size


def screenshot_problem(path: str) -> str | None:
    """Why ``--screenshot PATH`` cannot be written (checked before the window opens), or None."""
    import os

    folder = os.path.dirname(os.path.abspath(path))
    if not path.lower().endswith(SCREENSHOT_FORMATS):
        return f"--screenshot {path}: the file name must end with {', '.join(SCREENSHOT_FORMATS)}"
    if not os.path.isdir(folder):
        return f"--screenshot {path}: the folder {folder} does not exist"
    if not os.access(folder, os.W_OK | os.X_OK):
        return f"--screenshot {path}: the folder {folder} is not writable"
    if os.path.isdir(path):
        return f"--screenshot {path}: that is a folder"
    return None


def build_parser(version: str | None = None) -> argparse.ArgumentParser:
    parser = _Parser(prog="registry-inspector gui", description="Open the inspector window.")
    parser.add_argument(
        "--target", action="append", metavar="MODULE", help="module that declares registries, or entry-points:GROUP"
    )
    parser.add_argument(
        "--python",
        metavar="PATH",
        help="inspect another environment: a virtual environment's folder or its interpreter (commands run there)",
    )
    parser.add_argument(
        "--open",
        metavar="FILE",
        help="show a snapshot (.json) or a bug-report bundle (.zip) read-only, instead of the live environment",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="build the window, run discovery, print a JSON summary and exit (1 when no registry was found)",
    )
    parser.add_argument(
        "--screenshot", metavar="PATH", help="save an image (.png, .jpg, .bmp) of the window once loaded, then exit"
    )
    parser.add_argument("--tab", choices=TAB_NAMES, default="registries", help="tab to show (for --screenshot)")
    parser.add_argument("--theme", choices=("system", "light", "dark"), default="system", help="colours")
    parser.add_argument(
        "--size", type=window_size, default=(1280, 800), metavar="WxH", help="window size (for --screenshot), 1280x800"
    )
    if version:
        parser.add_argument("--version", action="version", version=version, help="print the versions and exit")
    return parser


def parse_args(argv: list[str], version: str | None = None) -> argparse.Namespace:
    """The window's options; exits 2 with one line on stderr when they are wrong (``--screenshot`` to a folder
    that does not exist included: said before any window opens)."""
    parser = build_parser(version)
    args = parser.parse_args([a for a in argv if a != "gui"])
    problem = screenshot_problem(args.screenshot) if args.screenshot else None
    if problem:
        parser.error(problem)
    return args


def main(argv: list[str], version: str | None = None) -> int:
    started = time.perf_counter()
    args = parse_args(argv, version)
    if args.python:
        from registry_core.sources import PythonEnvironmentError, interpreter

        try:
            interpreter(args.python)
        except PythonEnvironmentError as exc:
            print(f"registry-inspector: {exc}", file=sys.stderr)
            return 2
    opened = None
    if args.open:
        from registry_core.diagnostics import SnapshotError, load_snapshot

        try:  # before any window: a file that is not a snapshot is one line and exit 2, as --python's
            opened = load_snapshot(args.open)
        except SnapshotError as exc:
            print(f"registry-inspector: {exc}", file=sys.stderr)
            return 2
    from .qt_check import exit_if_qt_cannot_start, has_display

    if (args.screenshot or args.smoke_test) and not os.environ.get("QT_QPA_PLATFORM") and not has_display():
        # A picture or a smoke test needs no screen: on a server, draw offscreen instead of failing for want of one.
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
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
    # Headless runs (a screenshot at some size, a smoke test) never write the user's window settings.
    headless = bool(args.screenshot or args.smoke_test)
    settings = throwaway_settings() if headless else None
    window = MainWindow(session_for(args.target, args.python), dark=effective_dark, settings=settings)
    if opened is not None:
        QTimer.singleShot(0, lambda: window.snapshots._show(args.open, opened))
    if dark is None:
        hints = QGuiApplication.styleHints()
        if hasattr(hints, "colorSchemeChanged"):

            def follow(_scheme: Any) -> None:
                now_dark = theme.system_is_dark()
                theme.apply_palette(app, now_dark)
                window.apply_theme(now_dark)

            hints.colorSchemeChanged.connect(follow)
    _install_excepthook(window, show_error)
    if args.screenshot or args.smoke_test:
        window.resize(*args.size)
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
            shown = (window.width(), window.height())
            if shown != tuple(args.size):
                # Qt keeps a window at least as large as its layout needs: say so rather than hand back another size.
                print(
                    f"registry-inspector gui: --size {args.size[0]}x{args.size[1]}: the window cannot be smaller than "
                    f"its layout allows here; the screenshot is {shown[0]}x{shown[1]}",
                    file=sys.stderr,
                )
            # Let layouts settle and the charts (drawn one per timer tick) finish before grabbing.
            QTimer.singleShot(300, lambda: _save_when_drawn(window, args.screenshot, app))

    window.loaded.connect(on_loaded)
    window.show()
    if opened is None:
        QTimer.singleShot(0, window.start_loading)
    returned = app.exec()  # (1: the screenshot could not be written)
    return exit_code["value"] or returned


def throwaway_settings() -> Any:
    """Window settings in a temporary file deleted at exit: what a headless run saves goes nowhere."""
    import atexit
    import shutil
    import tempfile

    from PyQt6.QtCore import QSettings

    folder = tempfile.mkdtemp(prefix="registry-inspector-settings-")
    atexit.register(shutil.rmtree, folder, True)
    return QSettings(f"{folder}/settings.ini", QSettings.Format.IniFormat)


def _save_when_drawn(window: Any, path: str, app: Any) -> None:
    from PyQt6.QtCore import QTimer

    if window.charts is not None and window.charts.is_drawing():
        QTimer.singleShot(50, lambda: _save_when_drawn(window, path, app))
        return
    if not _save(window, path):
        app.exit(1)
        return
    app.quit()


def _save(window: Any, path: str) -> bool:
    """Write the window's image to ``path`` and print the path; False (said on stderr) when Qt could not."""
    if not window.grab().save(path):
        print(f"registry-inspector: could not write the screenshot {path}", file=sys.stderr)
        return False
    print(path)
    return True


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
