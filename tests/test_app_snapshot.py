"""The window over a file: a bundle or a snapshot shown read-only, and the Compare tab (pytest-qt).

A file opens through the window's own path (``open_snapshot``: read on a worker, then shown), by drop, or
as ``gui --open``; the trees, the cache table and the charts read its documents; what needs the live
environment is grey with why. The Compare tab shows a diff of two snapshot documents through ``DiffModel``.
Tests wait for the window's signals (``loaded``, ``task_done``, ``compared``), never sleep.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from PyQt6.QtCore import QMimeData, QPointF, Qt, QUrl
from PyQt6.QtGui import QDragEnterEvent, QDropEvent
from PyQt6.QtWidgets import QApplication
from test_app_window import TASK_TIMEOUT_MS, _drain, open_window, task

from app.main_window import TAB_CACHES, MainWindow
from app.models import DATA_ROLE, KIND_ROLE
from app.models.diff_model import ABSENT, DiffModel
from app.session import Session
from app.snapshot_session import LIVE_ONLY, SnapshotSession
from registry_core.diagnostics import diff_snapshots, load_snapshot

OLD_BUNDLE = Path(__file__).parent / "fixtures" / "bundle-v1-2026-12-02.zip"
DEMO_NAMES = ["microscope handler", "storage backend", "zmq server", "library registry", "format registry"]


@pytest.fixture
def settings(tmp_path):
    from PyQt6.QtCore import QSettings

    return QSettings(str(tmp_path / "inspector.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings):
    return open_window(qtbot, Session(None), settings)


def open_file(qtbot, window: MainWindow, path: Path) -> None:
    """File ▸ Open bundle or snapshot… with ``path``: read, then loaded as a session."""
    with qtbot.waitSignal(window.task_done, timeout=TASK_TIMEOUT_MS, check_params_cb=lambda n, ok: n == "Discovery"):
        with task(qtbot, window, "Open snapshot") as opened:
            window.open_snapshot(str(path))
        assert opened.args == ["Open snapshot", True], window.last_error


def registry_names(window: MainWindow) -> list[str]:
    model = window.tree_model
    return [model.index(row, 0).data() for row in range(model.rowCount())]


def worker_of(snapshot: dict) -> dict:
    """The same snapshot as a worker that lacks one plugin and sets the GPU variable."""
    other = copy.deepcopy(snapshot)
    other["environment"]["env"]["OPENHCS_DEMO_SUBPROCESS_NO_GPU"] = "1"
    handlers = other["list"]["registries"][0]
    handlers["plugins"] = [p for p in handlers["plugins"] if p["key"] != "imagexpress"]
    return other


def test_the_window_opens_a_bundle_read_only_with_a_banner(qtbot, window):
    open_file(qtbot, window, OLD_BUNDLE)
    assert isinstance(window.session, SnapshotSession)
    assert registry_names(window) == DEMO_NAMES
    banner = window.snapshots.banner
    assert banner.isVisible()
    text = banner.label.text()
    assert "Read-only" in text and "bundle-v1-2026-12-02.zip" in text and "2026-12-02T02:07:36Z" in text
    assert "a bundle from before snapshots" in text  # the older format, said
    assert window.windowTitle().startswith("bundle-v1-2026-12-02.zip (read-only)")
    # The cache table and the charts read the file's documents.
    assert window.cache_model.rowCount() == 7
    assert window.charts.profile == window.session.snapshot["profile"] is not None
    for action_id, why in LIVE_ONLY.items():
        action = window.action_by_id[action_id]
        assert not action.isEnabled(), action_id
        assert action.toolTip().startswith(why), action.toolTip()
    assert window.action_by_id["compare"].isEnabled() and window.action_by_id["open_snapshot"].isEnabled()
    # Back to live: the buttons work again, with their own tooltips.
    with qtbot.waitSignal(window.task_done, timeout=TASK_TIMEOUT_MS, check_params_cb=lambda n, ok: n == "Discovery"):
        banner.back.click()
    assert not banner.isVisible() and type(window.session) is Session
    assert window.action_by_id["rebuild"].isEnabled()
    assert window.action_by_id["rebuild"].toolTip().startswith("Discover every registry again")


def test_a_bundle_with_parts_left_out_says_so(qtbot, window, tmp_path):
    from registry_core.diagnostics import build_bundle

    path = tmp_path / "partial.zip"
    build_bundle(str(path), window.session.registries, sections=["registries"])
    open_file(qtbot, window, path)
    assert registry_names(window) == DEMO_NAMES
    assert window.cache_model.rowCount() == 0
    assert (
        "No status: the 'status' section was left out when the bundle was made" in window.snapshots.banner.label.text()
    )
    # Compared with live: no difference in the registries, but the parts left out were not compared: no "Same".
    view = window.snapshots.compare_view
    with qtbot.waitSignal(view.compared, timeout=TASK_TIMEOUT_MS):
        window.compare_with("live")
    assert view.document["same"] is False and view.document["complete"] is False
    heading = view.heading.text()
    assert "Same" not in heading and "Not known to be the same: environment and status could not be compared" in heading
    assert (
        window.statusBar().currentMessage() == "Not known to be the same: environment and status could not be compared"
    )


def test_a_file_without_registries_says_so_and_does_not_point_at_open_target(qtbot, window, tmp_path):
    """The advice for an empty live result (File ▸ Open target…) is no fix for a file that left them out."""
    from registry_core.diagnostics import build_bundle

    path = tmp_path / "no-registries.zip"
    build_bundle(str(path), window.session.registries, sections=["status"])
    open_file(qtbot, window, path)
    assert window.registry_page.is_empty()
    text = window.registry_page.empty_label.text()
    assert "No registries in what is on show" in text and "registries&#x27; section was left out" in text
    assert "Open target" not in text and "Back to live" in text


def test_a_file_without_a_profile_says_so_in_the_timing_tab(qtbot, window, tmp_path):
    """Profile is greyed out on a file: the Timing tab says the file carries none, not "press Profile"."""
    from registry_core.diagnostics import build_bundle

    path = tmp_path / "no-profile.zip"
    build_bundle(str(path), window.session.registries, sections=["registries"])
    open_file(qtbot, window, path)
    qtbot.waitUntil(lambda: window.charts is not None and not window.charts.is_drawing())
    charts = window.charts
    assert charts.stack.currentWidget() is charts.empty_label
    text = charts.empty_label.text()
    assert text.startswith("This file carries no profile (") and "left out" in text, text
    assert "Back to live" in text and "press Profile" not in text
    assert not window.action_by_id["profile"].isEnabled()
    # Back to live: Profile works again, and the tab says to press it.
    with qtbot.waitSignal(window.task_done, timeout=TASK_TIMEOUT_MS, check_params_cb=lambda n, ok: n == "Discovery"):
        window.snapshots.banner.back.click()
    qtbot.waitUntil(lambda: not charts.is_drawing())
    assert charts.empty_label.text().startswith("No profile yet: press Profile (Ctrl+P)")


def test_a_file_that_is_not_a_snapshot_leaves_the_view_as_it_was(qtbot, window, tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text('{"hello": 1}')
    with task(qtbot, window, "Open snapshot") as opened:
        window.open_snapshot(str(bad))
    assert opened.args == ["Open snapshot", False]
    assert window.last_error.endswith(f"{bad} is not a registry-inspector snapshot (it holds hello)")
    assert type(window.session) is Session and not window.snapshots.banner.isVisible()
    for widget in QApplication.topLevelWidgets():
        if widget.windowTitle() == "Registry Inspector: error":
            widget.close()


def test_a_file_dropped_on_the_window_opens(qtbot, window):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(OLD_BUNDLE))])
    where, copy_action = QPointF(20, 20), Qt.DropAction.CopyAction
    buttons, keys = Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier
    enter = QDragEnterEvent(where.toPoint(), copy_action, mime, buttons, keys)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    other = QMimeData()
    other.setUrls([QUrl.fromLocalFile(__file__)])  # a .py file: not offered
    refused = QDragEnterEvent(where.toPoint(), copy_action, other, buttons, keys)
    QApplication.sendEvent(window, refused)
    assert not refused.isAccepted()
    # Qt hands a drop only to the widget its drag manager saw accept the drag: given to the window's filter.
    drop = QDropEvent(where, copy_action, mime, buttons, keys)
    with qtbot.waitSignal(window.task_done, timeout=TASK_TIMEOUT_MS, check_params_cb=lambda n, ok: n == "Discovery"):
        assert window.snapshots.eventFilter(window, drop) is True
    assert isinstance(window.session, SnapshotSession) and window.session.path == str(OLD_BUNDLE)


def test_the_compare_tab_shows_the_diff_of_the_bundle_and_a_worker(qtbot, window, tmp_path):
    open_file(qtbot, window, OLD_BUNDLE)
    worker = tmp_path / "worker.json"
    worker.write_text(json.dumps(worker_of(load_snapshot(str(OLD_BUNDLE)))))
    view = window.snapshots.compare_view
    with qtbot.waitSignal(view.compared, timeout=TASK_TIMEOUT_MS):
        window.compare_with(str(worker))
    assert window.tabs.currentWidget() is view
    model = view.model
    groups = [model.index(row, 0).data() for row in range(model.rowCount())]
    assert groups == ["Environment that changes discovery (1)", "Keys on one side only (1)"]
    env = model.index(0, 0, model.index(0, 0))
    assert [model.index(0, c, model.index(0, 0)).data() for c in range(3)] == [
        "OPENHCS_DEMO_SUBPROCESS_NO_GPU",
        ABSENT,
        "1",
    ]
    assert env.data(KIND_ROLE) == "environment"
    key = model.index(0, 0, model.index(1, 0))
    assert key.data() == "microscope handler: imagexpress"
    assert key.data(DATA_ROLE)["a"] == "openhcs_demo.microscopes.imagexpress:ImageXpressHandler"
    assert "2 differences" in view.heading.text() and "worker.json" in view.heading.text()


def test_live_compared_with_itself_is_the_same(qtbot, window):
    view = window.snapshots.compare_view
    with qtbot.waitSignal(view.compared, timeout=TASK_TIMEOUT_MS):
        window.compare_with("live")
    assert view.document["same"] is True and view.model.rowCount() == 0
    assert "Same" in view.heading.text()


def test_the_diff_model_passes_the_model_tester(qtmodeltester):
    base = load_snapshot(str(OLD_BUNDLE))
    model = DiffModel()
    qtmodeltester.check(model)
    model.set_diff(diff_snapshots(base, worker_of(base)))
    qtmodeltester.check(model)
    assert model.difference_count() == 2
    model.set_diff(None)
    qtmodeltester.check(model)
    assert model.rowCount() == 0


def test_gui_open_a_file_that_is_not_a_snapshot_is_one_line(tmp_path):
    import subprocess
    import sys

    from helpers import ROOT

    bad = tmp_path / "x.zip"
    bad.write_bytes(b"PK\x03\x04 not really")
    proc = subprocess.run(
        [sys.executable, "-m", "app", "gui", "--open", str(bad), "--smoke-test"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith(f"registry-inspector: {bad}")


def test_the_window_starts_on_a_file(qtbot, settings):
    window = MainWindow(Session(None), dark=False, settings=settings)
    qtbot.addWidget(window, before_close_func=_drain)
    window.show()
    with qtbot.waitSignal(window.loaded, timeout=TASK_TIMEOUT_MS):
        window.snapshots._show(str(OLD_BUNDLE), load_snapshot(str(OLD_BUNDLE)))
    assert registry_names(window) == DEMO_NAMES
    window.tabs.setCurrentIndex(TAB_CACHES)
    assert window.cache_view.model().rowCount() == 7


def test_a_diff_shown_while_another_tab_is_current_fits_once_shown(qtbot, window):
    """A remote worker's diff can arrive while the Registries tab is on show: its columns fit once the tab is."""
    base = load_snapshot(str(OLD_BUNDLE))
    view = window.snapshots.compare_view
    window.tabs.setCurrentIndex(0)
    view.show_pair(base, worker_of(base))
    window.tabs.setCurrentIndex(window.snapshots.compare_tab)
    qtbot.waitExposed(view)
    assert view.tree.columnWidth(0) >= view.tree.sizeHintForColumn(0)
    assert view.tree.columnWidth(1) >= view.tree.sizeHintForColumn(1)
