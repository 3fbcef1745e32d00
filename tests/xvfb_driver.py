"""Drive the real inspector window in a real X server (run by ``test_app_xvfb.py``, not collected by pytest).

``python tests/xvfb_driver.py OUT_DIR`` with ``DISPLAY`` and ``QT_QPA_PLATFORM=xcb`` set: opens the window on
the embedded demo, waits for ``loaded``, then clicks the toolbar's buttons with ``QTest.mouseClick``:
Invalidate all -> Rebuild -> Export diagnostics (the bundle dialog is filled in and its Export button clicked
once it is open). Saves ``window.png`` (``window.grab()``) and ``screen.png`` (the X server's own pixels,
``QScreen.grabWindow``) into OUT_DIR and prints one JSON line. Exit status 0 only if every step worked.
"""

from __future__ import annotations

import faulthandler
import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

faulthandler.enable()
faulthandler.dump_traceback_later(120, exit=True)  # never hang the test: dump every thread and exit

from PyQt6.QtCore import QSettings, Qt, QTimer  # noqa: E402
from PyQt6.QtTest import QSignalSpy, QTest  # noqa: E402
from PyQt6.QtWidgets import QApplication, QToolBar  # noqa: E402


class DriverError(Exception):
    pass


def main(out: Path) -> dict:
    app = QApplication(sys.argv[:1])
    app.setStyle("Fusion")
    from app import theme
    from app.main_window import MainWindow
    from app.session import Session
    from app.widgets.bundle_dialog import BundleDialog

    theme.apply_palette(app, False)
    report: dict = {"platform": app.platformName(), "steps": []}
    settings = QSettings(str(out / "inspector.ini"), QSettings.Format.IniFormat)
    window = MainWindow(Session(None), dark=False, settings=settings)
    window.resize(1200, 760)
    loaded = QSignalSpy(window.loaded)
    window.show()
    if not QTest.qWaitForWindowExposed(window, 10_000):
        raise DriverError("the window was never exposed by the X server")
    window.start_loading()
    if not loaded.wait(60_000):
        raise DriverError(f"no 'loaded' within 60 s (last error: {window.last_error})")
    toolbar = window.findChild(QToolBar, "mainToolbar")
    if toolbar is None:
        raise DriverError("no toolbar named 'mainToolbar'")

    def states() -> dict[str, str]:
        return {row["registry"]: row["state"] for row in window.cache_model.rows()}

    def click(action, task: str, timeout_ms: int = 60_000) -> float:
        button = toolbar.widgetForAction(action)
        if button is None or not button.isVisible():
            raise DriverError(f"no visible toolbar button for {action.text()!r}")
        if not button.isEnabled():
            raise DriverError(f"toolbar button {action.text()!r} is disabled")
        spy = QSignalSpy(window.task_done)
        started = time.perf_counter()
        QTest.mouseClick(button, Qt.MouseButton.LeftButton)
        while not any(args[0] == task for args in spy):
            if not spy.wait(timeout_ms):
                raise DriverError(f"{task}: no task_done within {timeout_ms} ms (last error: {window.last_error})")
        outcome = [args for args in spy if args[0] == task][0]
        if not outcome[1]:
            raise DriverError(f"{task} failed: {window.last_error}")
        seconds = time.perf_counter() - started
        report["steps"].append({"task": task, "seconds": round(seconds, 3), "states": states()})
        return seconds

    click(window.act_invalidate_all, "Invalidate")
    click(window.act_rebuild, "Rebuild")

    # Export opens a modal dialog: fill it in and click its Export button once it is up.
    bundle = out / "bundle.zip"
    seen_dialog: list[str] = []
    poll = QTimer()
    poll.setInterval(20)

    def fill_dialog() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, BundleDialog) or not dialog.isVisible():
            return
        poll.stop()
        dialog.path_edit.setText(str(bundle))
        seen_dialog.append(dialog.windowTitle())
        QTest.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    poll.timeout.connect(fill_dialog)
    poll.start()
    click(window.act_export, "Export")
    poll.stop()
    if not seen_dialog:
        raise DriverError("the bundle dialog never opened")
    report["dialog"] = seen_dialog[0]
    report["bundle"] = str(bundle)

    # Screenshots: the widget's own rendering, and what the X server actually shows.
    window.tabs.setCurrentIndex(0)
    app.processEvents()
    window.grab().save(str(out / "window.png"))
    screen = window.screen()
    screen.grabWindow(0).save(str(out / "screen.png"))
    report["window_size"] = [window.width(), window.height()]
    report["screen_size"] = [screen.size().width(), screen.size().height()]
    report["status"] = window.statusBar().currentMessage()
    window.close()
    app.processEvents()
    return report


if __name__ == "__main__":
    target = Path(sys.argv[1])
    try:
        result = main(target)
    except DriverError as exc:
        print(json.dumps({"ok": False, "error": str(exc)}))
        sys.exit(1)
    print(json.dumps({"ok": True, **result}))
    sys.exit(0)
