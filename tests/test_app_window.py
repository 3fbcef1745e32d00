"""The whole inspector window, driven like a user drives it (offscreen Qt, pytest-qt).

Every test builds a real ``MainWindow`` over a real ``Session`` (the embedded
demo, or a throw-away package), waits for the window's own signals (``loaded``,
``task_done``, ``caches_updated``, the filter's ``applied``) and never sleeps.

The demo's registries live in the process catalog: after the first test has
discovered them, a later window's "load" finds them discovered already, so a
cache in that test's fresh cache folder may read "missing" until a rebuild.
Tests that care about cache states therefore set them up themselves.
"""

from __future__ import annotations

import json
import os
import time
import zipfile

import pytest
from helpers import BASE_MODULE, DEMO_REGISTRIES
from PyQt6.QtCore import QPoint, QSettings, Qt, QThreadPool, QUrl
from PyQt6.QtGui import QGuiApplication, QImage
from PyQt6.QtWidgets import QApplication, QMessageBox, QStyle

from app.main_window import TAB_CACHES, TAB_REGISTRIES, TAB_TIMING, MainWindow
from app.models import DATA_ROLE, KIND_ROLE
from app.models.registry_tree import CLASS, STATUS
from app.session import Session

TASK_TIMEOUT_MS = 30_000
PROFILE_TIMEOUT_MS = 60_000
DEMO_LEAVES = 27  # 22 plugins + 1 failed import + 2 skipped + 1 duplicate + 1 excluded module


# -- fixtures and helpers ---------------------------------------------------------------------------


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "inspector.ini"), QSettings.Format.IniFormat)


def _drain(window: MainWindow) -> None:
    """Before pytest-qt deletes the window: no task may still be running or deliver late."""
    window.close()  # cancels the running task and stops the file watcher
    assert QThreadPool.globalInstance().waitForDone(30_000), "a worker was still running at teardown"
    QApplication.processEvents()  # deliver the finished tasks' queued signals while the window is alive
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox):
            widget.close()


def open_window(qtbot, session: Session, settings: QSettings) -> MainWindow:
    window = MainWindow(session, dark=False, settings=settings)
    qtbot.addWidget(window, before_close_func=_drain)
    window.show()
    qtbot.waitExposed(window)
    loaded = []
    window.loaded.connect(lambda: loaded.append(True))
    with qtbot.waitSignal(window.loaded, timeout=TASK_TIMEOUT_MS):  # after the task: every tab is built
        with task(qtbot, window, "Discovery") as blocker:
            window.start_loading()
        assert blocker.args == ["Discovery", True], f"discovery failed: {window.last_error}"
    assert loaded == [True] and window.charts is not None and window.enums_panel is not None
    return window


@pytest.fixture
def window(qtbot, settings):
    return open_window(qtbot, Session(None), settings)


def task(qtbot, window: MainWindow, name: str, timeout: int = TASK_TIMEOUT_MS):
    """``with task(...)`` waits for ``task_done`` of the task called ``name``."""
    return qtbot.waitSignal(window.task_done, timeout=timeout, check_params_cb=lambda n, _ok: n == name)


def invalidation(qtbot, window: MainWindow):
    """Waits until the cache panel shows the new states *and* the task has ended (buttons back)."""
    return qtbot.waitSignals([window.caches_updated, window.task_done], timeout=TASK_TIMEOUT_MS)


def top_rows(window: MainWindow) -> list[str]:
    proxy = window.tree_proxy
    return [proxy.index(row, 0).data() for row in range(proxy.rowCount())]


def find_row(window: MainWindow, registry: str, name: str | None = None):
    """The proxy index of a registry row, or of its child whose first column reads ``name``."""
    proxy = window.tree_proxy
    for row in range(proxy.rowCount()):
        reg = proxy.index(row, 0)
        if reg.data() != registry:
            continue
        if name is None:
            return reg
        for child in range(proxy.rowCount(reg)):
            index = proxy.index(child, 0, reg)
            if index.data() == name:
                return index
    raise AssertionError(f"no row {registry!r} / {name!r} in the tree")


def click_row(qtbot, window: MainWindow, index) -> None:
    window.tree.scrollTo(index)
    rect = window.tree.visualRect(index)
    assert rect.isValid(), "row is not visible"
    qtbot.mouseClick(window.tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.tree.currentIndex().siblingAtColumn(0) == index


def cache_states(window: MainWindow) -> dict[str, str]:
    # Orphans (files no live registry writes, e.g. from a child process with another identity) may share a
    # registry's name; they are listed, but they are not that registry's cache.
    return {row["registry"]: row["state"] for row in window.cache_model.rows() if row["state"] != "orphan"}


def demo_cache_states(window: MainWindow) -> dict[str, str]:
    states = cache_states(window)
    return {name: states[name] for name in DEMO_REGISTRIES}


def rebuild_all(qtbot, window: MainWindow) -> None:
    with task(qtbot, window, "Rebuild") as blocker:
        window.rebuild(None)
    assert blocker.args == ["Rebuild", True]


def message_boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]


def same_icon(a, b) -> bool:
    return a.pixmap(16, 16).toImage() == b.pixmap(16, 16).toImage()


# -- the tree ---------------------------------------------------------------------------------------


def test_tree_shows_the_five_registries_their_plugins_failures_and_skips(window):
    assert top_rows(window) == list(DEMO_REGISTRIES)
    proxy = window.tree_proxy
    shown: dict[str, dict[str, list[str]]] = {}
    for row in range(proxy.rowCount()):
        reg = proxy.index(row, 0)
        assert reg.data(KIND_ROLE) == "registry"
        assert window.tree.isExpanded(reg), "registries start expanded"
        kinds: dict[str, list[str]] = {}
        for child in range(proxy.rowCount(reg)):
            index = proxy.index(child, 0, reg)
            kinds.setdefault(index.data(KIND_ROLE), []).append(index.data())
        shown[reg.data()] = kinds
    for name, keys in DEMO_REGISTRIES.items():
        assert sorted(shown[name]["plugin"]) == keys, name
    assert shown["microscope handler"]["failure"] == ["cellvoyager"]
    assert sorted(shown["storage backend"]["skipped"]) == ["S3Backend", "StreamingBackend"]
    assert shown["library registry"]["duplicate"] == ["SkimageCompatRegistry"]
    assert shown["library registry"]["excluded"] == ["functions"]
    assert sum(len(v) for kinds in shown.values() for v in kinds.values()) == DEMO_LEAVES

    # Each outcome has its own icon, and the status column says it in words.
    style = window.style()
    expected = {
        "registry": QStyle.StandardPixmap.SP_DirIcon,
        "plugin": QStyle.StandardPixmap.SP_DialogApplyButton,
        "failure": QStyle.StandardPixmap.SP_MessageBoxCritical,
        "skipped": QStyle.StandardPixmap.SP_MessageBoxWarning,
        "duplicate": QStyle.StandardPixmap.SP_BrowserStop,
        "excluded": QStyle.StandardPixmap.SP_DialogCancelButton,
    }
    samples = {
        "registry": find_row(window, "microscope handler"),
        "plugin": find_row(window, "storage backend", "zarr"),
        "failure": find_row(window, "microscope handler", "cellvoyager"),
        "skipped": find_row(window, "storage backend", "S3Backend"),
        "duplicate": find_row(window, "library registry", "SkimageCompatRegistry"),
        "excluded": find_row(window, "library registry", "functions"),
    }
    for kind, index in samples.items():
        assert index.data(KIND_ROLE) == kind
        icon = index.data(Qt.ItemDataRole.DecorationRole)
        assert icon is not None and not icon.isNull(), kind
        assert same_icon(icon, style.standardIcon(expected[kind])), f"{kind} has the wrong icon"
    icons = [index.data(Qt.ItemDataRole.DecorationRole) for index in samples.values()]
    assert not any(same_icon(a, b) for i, a in enumerate(icons) for b in icons[i + 1 :]), "two kinds share an icon"
    assert samples["failure"].siblingAtColumn(STATUS).data() == "import failed"
    assert samples["skipped"].siblingAtColumn(STATUS).data() == "no key"
    assert samples["duplicate"].siblingAtColumn(STATUS).data() == "duplicate key"
    assert "ModuleNotFoundError" in samples["failure"].siblingAtColumn(CLASS).data()
    # Status bar and filter count agree with the tree.
    assert window.counts_label.text().startswith("5 registries · 22 plugins · 1 failed import · 3 skipped classes")
    assert window.filter_bar.count.text() == f"shown {DEMO_LEAVES} of {DEMO_LEAVES}"


def test_selecting_a_failure_shows_its_traceback(qtbot, window):
    failure = find_row(window, "microscope handler", "cellvoyager")
    click_row(qtbot, window, failure)
    text = window.details.toPlainText()
    assert "Import failed: openhcs_demo.microscopes.cellvoyager" in text
    assert "Traceback (most recent call last)" in text
    assert "No module named 'cv7000_sdk'" in text
    assert "cellvoyager.py" in text  # the source file link
    # Another row replaces it.
    click_row(qtbot, window, find_row(window, "storage backend", "S3Backend"))
    text = window.details.toPlainText()
    assert "Not registered: S3Backend" in text and "Traceback" not in text


def test_filter_narrows_the_tree_and_counts(qtbot, window):
    bar = window.filter_bar
    with qtbot.waitSignal(bar.applied, timeout=5000) as blocker:
        qtbot.keyClicks(bar.edit, "zarr")
    assert blocker.args == [1, DEMO_LEAVES]
    assert bar.count.text() == f"shown 1 of {DEMO_LEAVES}"
    assert top_rows(window) == ["storage backend"]
    reg = window.tree_proxy.index(0, 0)
    assert window.tree_proxy.rowCount(reg) == 1
    assert window.tree_proxy.index(0, 0, reg).data() == "zarr"

    # Matches in any column, case-insensitively: the reason of the failed import.
    bar.edit.clear()
    with qtbot.waitSignal(bar.applied, timeout=5000) as blocker:
        qtbot.keyClicks(bar.edit, "CV7000")
    assert blocker.args == [1, DEMO_LEAVES]
    assert top_rows(window) == ["microscope handler"]

    # A registry's name keeps the registry row; its children are shown when they match too.
    with qtbot.waitSignal(bar.applied, timeout=5000):
        bar.edit.clear()
    assert bar.count.text() == f"shown {DEMO_LEAVES} of {DEMO_LEAVES}"
    assert len(top_rows(window)) == 5


def test_invalid_regex_says_so_inline_and_shows_nothing_stale(qtbot, window):
    bar = window.filter_bar
    with qtbot.waitSignal(bar.applied, timeout=5000):
        bar.regex.setChecked(True)  # applies at once
    with qtbot.waitSignal(bar.applied, timeout=5000) as blocker:
        qtbot.keyClicks(bar.edit, "^(omero|zarr")
    assert bar.edit.property("invalid") is True
    # Said inline, where the count was (and in the tooltips), not only a red border.
    assert bar.count.text().startswith("invalid pattern: ") and "missing )" in bar.count.text()
    assert bar.count.isVisible() and bar.edit.toolTip() == bar.count.text()
    # No stale rows: the tree shows nothing rather than the last valid filter's results.
    assert blocker.args == [0, DEMO_LEAVES]
    assert window.tree_proxy.rowCount() == 0
    # Fixing it applies the regex.
    with qtbot.waitSignal(bar.applied, timeout=5000) as blocker:
        qtbot.keyClicks(bar.edit, ")$")
    assert bar.edit.property("invalid") is False
    assert bar.edit.toolTip() == ""
    assert blocker.args == [2, DEMO_LEAVES]  # omero and zarr; omero_local does not match the anchored regex
    assert bar.count.text() == f"shown 2 of {DEMO_LEAVES}"


def test_columns_sort_when_the_header_is_clicked(qtbot, window):
    header = window.tree.header()

    def click(section: int) -> None:
        x = header.sectionViewportPosition(section) + header.sectionSize(section) // 2
        qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(x, header.height() // 2))

    click(0)
    assert header.sortIndicatorSection() == 0
    assert top_rows(window) == sorted(DEMO_REGISTRIES)
    order = header.sortIndicatorOrder()
    click(0)
    assert header.sortIndicatorOrder() != order
    assert top_rows(window) == sorted(DEMO_REGISTRIES, reverse=order == Qt.SortOrder.AscendingOrder)
    # Column 1 sorts registries by plugin count, numerically.
    window.tree.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert top_rows(window) == [
        "storage backend",
        "microscope handler",
        "library registry",
        "zmq server",
        "format registry",
    ]
    # Children sort too: plugins by key.
    window.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    reg = find_row(window, "zmq server")
    proxy = window.tree_proxy
    assert [proxy.index(r, 0, reg).data() for r in range(proxy.rowCount(reg))] == ["execution", "fiji", "napari"]


# -- cache actions ----------------------------------------------------------------------------------


def test_invalidate_selected_acts_only_on_a_row_on_screen(qtbot, window):
    """A row the filter hid, or one on a tab not shown, is no selection: nothing is deleted, and the details
    pane stops describing the hidden row."""
    rebuild_all(qtbot, window)
    click_row(qtbot, window, find_row(window, "microscope handler", "imagexpress"))
    assert window.selected_registry() == "microscope handler"
    with qtbot.waitSignal(window.filter_bar.applied, timeout=5000) as blocker:
        qtbot.keyClicks(window.filter_bar.edit, "fiji")  # imagexpress's row goes; fiji rows stay
    assert blocker.args[0] > 0
    assert window.registry_page.current_item() is None and window.selected_registry() is None
    assert window.details.toPlainText().startswith("Nothing selected: the filter hides the row that was")
    window.act_invalidate.trigger()
    assert window.statusBar().currentMessage().startswith("Select a registry (or one of its rows)")
    assert not window.busy and set(demo_cache_states(window).values()) == {"valid"}

    # The Caches tab's current row is the selection there, and only there.
    window.tabs.setCurrentIndex(TAB_CACHES)
    window.cache_view.setCurrentIndex(window.cache_view.model().index(0, 0))
    cached = window.cache_view.current_item()["registry"]
    assert window.selected_registry() == cached
    window.tabs.setCurrentIndex(TAB_TIMING)
    assert window.selected_registry() is None


def test_invalidate_selected_then_all_then_rebuild_with_f5(qtbot, window):
    rebuild_all(qtbot, window)
    assert set(demo_cache_states(window).values()) == {"valid"}

    click_row(qtbot, window, find_row(window, "zmq server"))
    assert window.selected_registry() == "zmq server"
    with invalidation(qtbot, window):
        window.act_invalidate.trigger()
    # The result names the registry, and outlives the task.
    assert window.statusBar().currentMessage() == "Removed the cache file of zmq server"
    states = demo_cache_states(window)
    assert states.pop("zmq server") == "missing"
    assert set(states.values()) == {"valid"}

    # A plugin row invalidates its registry's cache.
    click_row(qtbot, window, find_row(window, "format registry", "EDDU_CX5"))
    with invalidation(qtbot, window):
        window.act_invalidate.trigger()
    assert cache_states(window)["format registry"] == "missing"

    with invalidation(qtbot, window):
        window.act_invalidate_all.trigger()
    # Every cache the window lists goes: the registries' and the enum caches (what clear-cache --all removes).
    assert set(cache_states(window).values()) == {"missing"}, cache_states(window)
    assert "7 missing" in window.cache_label.text()
    assert window.statusBar().currentMessage().startswith("Invalidate all: removed ")
    for name in DEMO_REGISTRIES:
        assert not os.path.exists(window.session.registry(name).cache_path)

    # F5 is Rebuild.
    window.activateWindow()
    window.tree.setFocus()
    with task(qtbot, window, "Rebuild") as blocker:
        qtbot.keyClick(window.tree, Qt.Key.Key_F5)
    assert blocker.args == ["Rebuild", True]
    assert set(demo_cache_states(window).values()) == {"valid"}
    # Rebuild says what it did, as Invalidate and Verify do.
    message = window.statusBar().currentMessage()
    assert message.startswith("Rebuilt 5 registries in ") and " ms: 22 plugins, 1 failed import" in message, message
    assert message.endswith("; 5 cache files written"), message
    assert not window.busy
    assert all(action.isEnabled() for action in window.task_actions)
    # The cache table shows the same.
    window.tabs.setCurrentIndex(TAB_CACHES)
    proxy = window.cache_proxy
    table = {proxy.index(r, 0).data(): proxy.index(r, 1).data() for r in range(proxy.rowCount())}
    assert {name: table[name] for name in DEMO_REGISTRIES} == {name: "valid" for name in DEMO_REGISTRIES}
    # And the enum caches Invalidate all removed: Rebuild writes back everything it took.
    assert set(cache_states(window).values()) == {"valid"}, cache_states(window)
    assert "7 valid" in window.cache_label.text()


def test_export_bundle_without_the_dialog(qtbot, window, tmp_path):
    path = tmp_path / "out" / "bundle.zip"
    path.parent.mkdir()
    with task(qtbot, window, "Export") as blocker:
        window.export_bundle(path=str(path), redact=True, sections=None)
    assert blocker.args == ["Export", True]
    assert path.is_file()
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        verified = json.loads(archive.read("verify.json"))
        environment = json.loads(archive.read("environment.json"))
    assert {"manifest.json", "report.md", "registries.json", "verify.json"} <= set(names)
    assert manifest["read_first"] == "report.md"
    # The window's own targets (the demo) were discovered afresh for the verify section: all agree.
    assert verified["agree"] is True and len(verified["registries"]) == 5
    # What only the window knows reaches the bundle: Qt's runtime version and platform plugin.
    runtime = environment.get("runtime") or {}
    assert runtime.get("qt_platform") == "offscreen" and runtime.get("qt_version"), environment.keys()
    assert window.settings.value("export/folder") == str(path.parent)
    assert str(path) in window.statusBar().currentMessage()
    # And the "Show in folder" / "Copy path" box is up, not blocking the window.
    boxes = [w for w in window.findChildren(QMessageBox) if w.isVisible()]
    assert boxes and any("Copy path" in b.text() for box in boxes for b in box.buttons()), boxes


def test_profile_shows_charts(qtbot, window):
    with task(qtbot, window, "Profile", timeout=PROFILE_TIMEOUT_MS) as blocker:
        window.profile(runs=1)
    assert blocker.args == ["Profile", True]
    assert window.charts is not None and window.charts.has_profile()
    assert window.tabs.currentIndex() == TAB_TIMING
    names = [r["name"] for r in window._profile["registries"]]
    assert names == list(DEMO_REGISTRIES)
    assert window._profile["runs"] == 1 and not window._profile["cancelled"]
    # Said in the status bar, as every action's result is.
    message = window.statusBar().currentMessage()
    assert message == "Profiled 5 registries, 1 fresh-process run each; recorded in the history", message


def test_cancel_profile_ends_promptly_and_actions_come_back(qtbot, window):
    from registry_core.diagnostics import load_history

    history_before = load_history()
    window.profile(runs=5)
    assert window.busy
    # Conflicting actions are disabled while the task runs, and Cancel is offered.
    assert not any(action.isEnabled() for action in window.task_actions)
    assert window.cancel_button.isVisible() and window.progress.isVisible()
    # A second task is refused even when asked for directly (not through a disabled button).
    assert window.run_task("Rebuild", window.session.rebuild, None) is None
    assert "Profile is still running" in window.statusBar().currentMessage()
    # Wait until the profile has really started its children.
    qtbot.waitUntil(lambda: window.progress.maximum() > 0, timeout=PROFILE_TIMEOUT_MS)
    assert window.busy, "the profile finished before it could be cancelled"

    started = time.perf_counter()
    with task(qtbot, window, "Profile", timeout=15_000) as blocker:
        qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    elapsed = time.perf_counter() - started
    assert blocker.args == ["Profile", True]
    assert elapsed < 5, f"cancel took {elapsed:.1f} s"
    # Said, and nothing shown: the charts keep what they had, and the history got no point.
    assert window.statusBar().currentMessage() == "Profile cancelled"
    assert window._profile is None and not window.charts.has_profile()
    assert load_history() == history_before
    assert not window.busy
    assert all(action.isEnabled() for action in window.task_actions)
    assert window.cancel_button.isHidden() and window.progress.isHidden()
    # And the window works again.
    with task(qtbot, window, "Invalidate") as blocker:
        window.act_invalidate_all.trigger()
    assert blocker.args == ["Invalidate", True]


def test_worker_error_becomes_a_message_box_and_the_window_survives(qtbot, window, monkeypatch):
    def boom(state, names):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(window.session, "invalidate", boom)
    with task(qtbot, window, "Invalidate") as blocker:
        window.act_invalidate_all.trigger()
    assert blocker.args == ["Invalidate", False]
    qtbot.waitUntil(lambda: bool(message_boxes()), timeout=5000)
    (box,) = message_boxes()
    assert box.icon() == QMessageBox.Icon.Critical
    assert "Invalidate failed: RuntimeError: disk on fire" in box.text()
    assert "Traceback" in box.detailedText() and "disk on fire" in box.detailedText()
    assert window.last_error == box.text()
    # Usable: buttons are back and the next task runs.
    assert not window.busy and all(action.isEnabled() for action in window.task_actions)
    box.close()
    monkeypatch.undo()
    with task(qtbot, window, "Invalidate") as blocker:
        window.act_invalidate_all.trigger()
    assert blocker.args == ["Invalidate", True]
    assert set(demo_cache_states(window).values()) == {"missing"}


def test_copy_as_json_puts_the_selection_on_the_clipboard(qtbot, window):
    zarr = find_row(window, "storage backend", "zarr")
    click_row(qtbot, window, zarr)
    window.act_copy_json.trigger()
    copied = json.loads(QGuiApplication.clipboard().text())
    assert copied["kind"] == "plugin" and copied["key"] == "zarr" and copied["registry"] == "storage backend"
    assert copied == json.loads(json.dumps(zarr.data(DATA_ROLE), default=repr))
    # On the Caches tab it copies the selected cache row.
    window.tabs.setCurrentIndex(TAB_CACHES)
    window.cache_view.selectRow(0)
    window.act_copy_json.trigger()
    row = json.loads(QGuiApplication.clipboard().text())
    assert row["registry"] == window.cache_proxy.index(0, 0).data() and "state" in row
    window.tabs.setCurrentIndex(TAB_REGISTRIES)


def test_verify_compares_with_a_fresh_discovery_and_says_what_disagrees(qtbot, window, monkeypatch):
    with task(qtbot, window, "Verify") as blocker:
        window.act_verify.trigger()
        assert not window.act_rebuild.isEnabled()  # a task: the conflicting buttons wait
    assert blocker.args == ["Verify", True], window.last_error
    assert window.statusBar().currentMessage() == "Verified: all 5 registries agree with a fresh discovery"
    assert not message_boxes()
    # What the window shows when one does not (the CLI tests make a real one).
    wrong = {
        "name": "zmq server",
        "source": "cache",
        "agrees": False,
        "keys": 3,
        "only_now": ["'fiji'"],
        "only_fresh": ["'fiji2'"],
        "changed": [],
    }
    monkeypatch.setattr(window.session, "verify", lambda state: {"registries": [wrong], "error": None})
    with task(qtbot, window, "Verify"):
        window.act_verify.trigger()
    [box] = message_boxes()
    assert "1 of 1 registries disagree" in box.text() and "Rebuild (F5)" in box.text()
    assert "zmq server: DISAGREES: listed here but not found by a fresh discovery: 'fiji'" in box.detailedText()


def test_opening_files_and_folders_says_why_when_it_cannot(qtbot, window, monkeypatch, tmp_path):
    """No file manager (a server, a container), a moved file: a message and the path on the clipboard."""
    from PyQt6.QtGui import QDesktopServices

    opened: list[str] = []
    handler = {"works": False}
    monkeypatch.setattr(
        QDesktopServices, "openUrl", lambda url: (opened.append(url.toLocalFile()), handler["works"])[1]
    )
    # The cache folder of the selected registry, with nothing able to open it.
    click_row(qtbot, window, find_row(window, "zmq server", "napari"))
    window.act_open_cache.trigger()
    folder = os.path.dirname(window.session.registry("zmq server").cache_path)
    assert opened == [folder]
    assert QGuiApplication.clipboard().text() == folder
    assert "No application here opens" in window.statusBar().currentMessage()
    # A source link in the details pane, whose file has gone: nothing is launched, the reason is shown.
    gone = tmp_path / "moved_away.py"
    window.details.anchorClicked.emit(QUrl.fromLocalFile(str(gone)))
    assert opened == [folder] and "does not exist" in window.statusBar().currentMessage()
    # And when the desktop can open it, it just opens.
    handler["works"] = True
    plugin = find_row(window, "zmq server", "napari").data(DATA_ROLE)
    window.details.anchorClicked.emit(QUrl.fromLocalFile(plugin["file"]))
    assert opened[-1] == plugin["file"]


def test_window_geometry_and_splitter_are_saved_on_close(qtbot, tmp_path):
    path = str(tmp_path / "state.ini")
    first = MainWindow(Session(None), dark=False, settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(first, before_close_func=_drain)
    first.resize(700, 520)  # within the offscreen screen (800x600): restoreGeometry() keeps windows on screen
    first.show()
    qtbot.waitExposed(first)
    first.splitter.setSizes([250, 430])
    sizes = first.splitter.sizes()
    first.close()
    first.settings.sync()

    saved = QSettings(path, QSettings.Format.IniFormat)
    assert saved.value("window/geometry") and saved.value("window/splitter")

    second = MainWindow(Session(None), dark=False, settings=QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(second, before_close_func=_drain)
    second.show()
    qtbot.waitExposed(second)
    assert (second.width(), second.height()) == (700, 520)
    assert second.splitter.sizes() == sizes


# -- tasks and threads ------------------------------------------------------------------------------


def test_task_done_comes_after_the_buttons_are_back(qtbot, window):
    """A slot on ``task_done`` may start the next task at once (scripts, the smoke test, users' macros)."""
    seen = []
    window.task_done.connect(
        lambda name, ok: seen.append((name, ok, window.busy, window.act_invalidate_all.isEnabled()))
    )
    with task(qtbot, window, "Invalidate"):
        window.act_invalidate_all.trigger()
    assert seen == [("Invalidate", True, False, True)]
    # So chaining straight from the signal works.
    window.task_done.connect(lambda name, ok: name == "Invalidate" and window.rebuild(None))
    with task(qtbot, window, "Rebuild") as blocker:
        window.act_invalidate_all.trigger()
    assert blocker.args == ["Rebuild", True]


def test_no_worker_is_left_running_when_the_window_closes(qtbot, settings):
    window = open_window(qtbot, Session(None), settings)
    window.rebuild(None)
    assert window.busy
    window.close()  # cancels the running task
    assert QThreadPool.globalInstance().waitForDone(30_000)
    QApplication.processEvents()
    assert QThreadPool.globalInstance().activeThreadCount() == 0


def test_timing_and_enums_tabs_are_built_a_step_per_tick_or_at_once_on_demand(qtbot, settings):
    staged = MainWindow(Session(None), dark=False, settings=settings)
    qtbot.addWidget(staged)
    side = staged.side_tabs
    steps = []
    original = side._next_step
    side._timer.timeout.disconnect()
    side._timer.timeout.connect(lambda: (steps.append((staged.charts, staged.enums_panel)), original()))
    side.build_soon()
    assert staged.charts is None and staged.enums_panel is None  # nothing built inside the call
    qtbot.waitUntil(lambda: not side.is_building())
    assert staged.charts is not None and staged.enums_panel is not None
    assert len(steps) >= 4 and steps[0] == (None, None)  # pyqtgraph's import, the panels... each its own tick
    # Needed now (a profile finished, charts exported): whatever is left is built at once.
    eager = MainWindow(Session(None), dark=False, settings=settings)
    qtbot.addWidget(eager)
    eager.side_tabs.build_soon()
    eager.side_tabs.build_now()
    assert eager.charts is not None and eager.enums_panel is not None and not eager.side_tabs.is_building()
    assert not eager.side_tabs._timer.isActive()


# -- live staleness: QFileSystemWatcher -------------------------------------------------------------


def test_editing_a_plugin_file_turns_its_cache_stale_without_a_refresh(qtbot, settings, make_package):
    pkg = "inspector_live_pkg"
    files = {f"{pkg}/__init__.py": "", f"{pkg}/base.py": BASE_MODULE}
    for key in ("alpha", "beta"):
        files[f"{pkg}/p_{key}.py"] = (
            f"from {pkg}.base import Plugin\nclass P_{key}(Plugin):\n    plugin_key = {key!r}\n"
        )
    root = make_package(files)
    window = open_window(qtbot, Session([f"{pkg}.base"]), settings)

    def live_row() -> dict:
        rows = [r for r in window.cache_model.rows() if f"{os.sep}{pkg}{os.sep}" in (r.get("path") or "")]
        assert len(rows) == 1, window.cache_model.rows()
        return rows[0]

    if live_row()["state"] != "valid":  # see the module docstring
        with task(qtbot, window, "Rebuild"):
            window.rebuild(None)
    assert live_row()["state"] == "valid"
    plugin_file = root / pkg / "p_beta.py"
    assert str(plugin_file) in window._watcher.files() or str(plugin_file.parent) in window._watcher.directories()

    plugin_file.write_text(plugin_file.read_text() + "\n# edited by the test\nEDITED = True\n")
    # Wait for the check the edit causes: an earlier one (the load's own __pycache__ writes) may also report.
    qtbot.waitUntil(lambda: live_row()["state"] == "stale", timeout=10_000)
    row = live_row()
    assert "p_beta.py" in row["reason"]
    assert "stale" in window.cache_label.text()

    # Closing stops watching: a late edit starts no cache check on the closed window. (An edit fires
    # several file events; let the checks they already started finish first.)
    qtbot.waitUntil(lambda: not window.tasks.workers and not window._watcher.is_settling(), timeout=10_000)
    window.close()
    with qtbot.assertNotEmitted(window.task_done, wait=600):  # longer than the watcher's 300 ms debounce
        plugin_file.write_text(plugin_file.read_text() + "OTHER = 1\n")


# -- the command line -------------------------------------------------------------------------------


def _gui_env(tmp_path) -> dict[str, str]:
    return {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}


def test_smoke_test_prints_one_json_line(cli, tmp_path):
    result = cli("gui", "--smoke-test", env=_gui_env(tmp_path))
    lines = result.stdout.strip().splitlines()
    assert len(lines) == 1, result
    summary = json.loads(lines[0])
    assert summary["ok"] is True
    assert summary["registries"] == 5 and summary["plugins"] == 22
    assert summary["failures"] == 1 and summary["skipped"] == 3
    assert summary["seconds"] > 0
    assert set(DEMO_REGISTRIES) <= set(summary["caches"])


def test_screenshot_writes_a_png(cli, tmp_path):
    shot = tmp_path / "shot.png"
    result = cli(
        "gui",
        "--screenshot",
        str(shot),
        "--tab",
        "caches",
        "--theme",
        "dark",
        "--size",
        "900x600",
        env=_gui_env(tmp_path),
    )
    assert shot.is_file() and shot.stat().st_size > 1000, result
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    image = QImage(str(shot))
    assert not image.isNull()
    assert (image.width(), image.height()) == (900, 600)


def test_a_size_below_what_the_layout_allows_is_said(cli, tmp_path):
    shot = tmp_path / "small.png"
    result = cli("gui", "--screenshot", str(shot), "--size", "100x100", env=_gui_env(tmp_path))
    image = QImage(str(shot))
    assert image.width() > 100 and image.height() > 100
    assert (
        "--size 100x100: the window cannot be smaller than its layout allows here; "
        f"the screenshot is {image.width()}x{image.height()}"
    ) in result.stderr


def test_screenshot_of_the_timing_tab_waits_for_the_charts(cli, tmp_path):
    from app import theme

    env = _gui_env(tmp_path)
    cli("profile", "--runs", "1", env=env)
    shot = tmp_path / "timing.png"
    cli("gui", "--screenshot", str(shot), "--tab", "timing", "--theme", "light", "--size", "1100x700", env=env)
    image = QImage(str(shot))
    assert (image.width(), image.height()) == (1100, 700)
    colours = {image.pixelColor(x, y).name() for x in range(0, 1100, 3) for y in range(0, 700, 3)}
    # The cold bars, the warm bars and the import bars are all on the picture: every chart was drawn.
    assert {theme.LIGHT["cold"], theme.LIGHT["warm"], theme.LIGHT["accent"]} <= colours
