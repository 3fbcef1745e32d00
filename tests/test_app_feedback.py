"""Issue 14 in the window: every action says what happened, a target that fails to load is explained, one meaning
of Invalidate all, a shortcut that works from every widget, headless runs that leave the user's settings alone,
and the layout and wording of the Caches and Registries tabs (offscreen Qt, pytest-qt; no fixed sleeps)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PyQt6.QtCore import QSettings, Qt
from PyQt6.QtGui import QKeySequence, QTextOption
from PyQt6.QtWidgets import QApplication, QCheckBox, QStyle, QStyleOptionButton, QStyleOptionViewItem
from test_app_window import cache_states, click_row, find_row, invalidation, open_window

from app import theme
from app.env_session import EnvironmentSession
from app.main_window import TAB_CACHES, TAB_ENUMS, MainWindow
from app.session import Session
from app.widgets.cache_view import PATH_COLUMN

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "inspector.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings):
    return open_window(qtbot, Session(None), settings)


# -- a target that fails to load -------------------------------------------------------------------------------
def test_a_target_that_fails_to_load_is_explained_and_what_cannot_work_is_grey(qtbot, settings):
    window = open_window(qtbot, EnvironmentSession(["no.such.module"]), settings)
    page = window.registry_page
    assert page.is_empty()
    text = page.empty_label.text()
    assert "No registries found" in text and "no.such.module" in text and "Open target" in text
    assert "Discovering" not in window.counts_label.text()
    # What needs a registry is grey, and says why; Open target stays, to try another one.
    for action_id in MainWindow.NEEDS_REGISTRIES:
        action = window.action_by_id[action_id]
        assert not action.isEnabled(), action_id
        assert "no registry is loaded" in action.toolTip()
    assert window.act_open_target.isEnabled() and window.act_open_environment.isEnabled()
    # Opening another target from the window brings the buttons and their own tooltips back.
    with qtbot.waitSignal(window.task_done, timeout=30_000, check_params_cb=lambda n, _ok: n == "Discovery"):
        window.switch_session(None, None)
    assert not page.is_empty()
    assert window.act_verify.isEnabled() and "no registry" not in window.act_verify.toolTip()
    assert window.act_verify.toolTip().startswith("Compare every registry")


def test_a_discovery_that_raises_never_leaves_discovering_on_screen(qtbot, settings, monkeypatch):
    session = Session(None)

    def broken(state):
        raise ImportError("no module named 'nowhere'")

    monkeypatch.setattr(session, "load", broken)
    window = MainWindow(session, dark=False, settings=settings)
    qtbot.addWidget(window)
    monkeypatch.setattr("app.main_window.show_error", lambda *args: None)
    with qtbot.waitSignal(window.task_done, timeout=30_000) as blocker:
        window.start_loading()
    assert blocker.args == ["Discovery", False]
    assert window.counts_label.text().startswith("Discovery failed: ") and "nowhere" in window.counts_label.text()
    assert window.registry_page.is_empty() and "nowhere" in window.registry_page.empty_label.text()
    assert not window.act_verify.isEnabled() and window.act_open_target.isEnabled()
    window.close()


# -- Invalidate all: one meaning, in the window and the CLI ------------------------------------------------------
def test_invalidate_all_removes_what_clear_cache_all_removes(qtbot, window, cli):
    assert (
        "enum caches" in window.act_invalidate_all.toolTip()
        and "clear-cache --all" in window.act_invalidate_all.toolTip()
    )
    listed = {row["path"] for row in window.cache_model.rows()}
    with invalidation(qtbot, window):
        window.act_invalidate_all.trigger()
    assert set(cache_states(window).values()) == {"missing"}
    assert not [path for path in listed if os.path.exists(path)]
    # The same caches again, then the CLI: it removes them all too, the colormap enum's included.
    with qtbot.waitSignal(window.task_done, timeout=30_000, check_params_cb=lambda n, _ok: n == "Rebuild"):
        window.rebuild(None)
    window.session.describe(type("State", (), {"progress": lambda *a: None})())  # (rewrites the enum caches)
    existing = {path for path in listed if os.path.exists(path)}
    assert any(path.endswith("colormap_enum.json") for path in existing), existing
    result = cli("clear-cache", "--all", "--json")
    assert result.returncode == 0, result
    assert existing <= set(result.json()["removed"]), result.json()


# -- Export from every widget ------------------------------------------------------------------------------------
def test_export_shortcut_works_with_focus_in_the_filter_box(qtbot, window, monkeypatch):
    calls = []
    monkeypatch.setattr(window, "export_bundle", lambda *args: calls.append(args))
    assert window.act_export.shortcut() == QKeySequence("Ctrl+Shift+E")
    # No text field uses it (Ctrl+E is end-of-line in line edits on Linux desktops).
    for key in QKeySequence.StandardKey:
        assert QKeySequence("Ctrl+Shift+E") not in QKeySequence.keyBindings(key), key
    window.activateWindow()
    edit = window.filter_bar.edit
    edit.setFocus()
    qtbot.waitUntil(edit.hasFocus, timeout=5000)
    qtbot.keyClick(edit, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert calls == [()]
    assert edit.text() == ""  # the key went to the action, not into the box


# -- headless runs never write the user's settings --------------------------------------------------------------
@pytest.mark.parametrize("flags", [["--screenshot", "{tmp}/shot.png", "--size", "400x300"], ["--smoke-test"]])
def test_headless_runs_leave_the_user_settings_file_unchanged(tmp_path, flags):
    config = tmp_path / "config"
    user_file = config / "Registry Inspector" / "Registry Inspector.conf"
    user_file.parent.mkdir(parents=True)
    user_file.write_text("[window]\ngeometry=@ByteArray(keep me)\n")
    before = user_file.read_bytes(), user_file.stat().st_mtime_ns
    env = {**os.environ, "XDG_CONFIG_HOME": str(config), "QT_QPA_PLATFORM": "offscreen"}
    argv = [sys.executable, "-m", "app", "gui", "--theme", "light", *(f.format(tmp=tmp_path) for f in flags)]
    result = subprocess.run(argv, cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (user_file.read_bytes(), user_file.stat().st_mtime_ns) == before
    assert sorted(p.name for p in config.rglob("*")) == ["Registry Inspector", "Registry Inspector.conf"]


# -- the Caches tab ---------------------------------------------------------------------------------------------
def test_caches_tab_keeps_file_names_and_shows_the_selected_cache(qtbot, window, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))  # the isolated cache folder is under "home": shown with ~
    window.tabs.setCurrentIndex(TAB_CACHES)
    view, proxy = window.cache_view, window.cache_proxy
    row = next(r for r in range(proxy.rowCount()) if proxy.index(r, 0).data() == "microscope handler")
    view.selectRow(0 if row else 1)  # (from another row: the details are drawn as the selection changes)
    view.selectRow(row)
    data = view.current_item()
    # The path column: "~/…", cut on the left (the file name stays), one line; the full path in the tooltip.
    index = proxy.index(row, PATH_COLUMN)
    assert index.data().startswith("~" + os.sep) and index.data().endswith(os.path.basename(data["path"]))
    assert index.data(Qt.ItemDataRole.ToolTipRole) == data["path"]
    option = QStyleOptionViewItem()
    view.itemDelegateForColumn(PATH_COLUMN).initStyleOption(option, index)
    assert option.textElideMode == Qt.TextElideMode.ElideLeft
    assert not option.features & QStyleOptionViewItem.ViewItemFeature.WrapText
    # Names and reasons wrap, with their full text as a tooltip.
    assert view.wordWrap()
    assert proxy.index(row, 0).data(Qt.ItemDataRole.ToolTipRole) == "microscope handler"
    # The space below the table: every field of the selected cache's status document.
    text = window.cache_details.toPlainText()
    for field in ("Path", "State", "Reason", "Reason kind", "Size", "Age", "Items", "Library"):
        assert f"{field}\n" in text or f"{field} " in text, field
    # As in the table's Reason column: the reason, else (a valid cache has none) what it was checked against;
    # a Detail line only beside a reason.
    shown = data.get("reason") or data.get("detail")
    assert shown and f"Reason\n{shown}" in text
    assert ("Detail\n" in text) == bool(data.get("reason") and data.get("detail"))
    assert "~" + os.sep in text and os.path.basename(data["path"]) in text and "registry_core" in text
    assert window.cache_details.isVisible() and window.cache_details.height() > 100


# -- the Registries tab -----------------------------------------------------------------------------------------
def test_registry_rows_counts_file_column_and_details_breaks(qtbot, window, settings):
    from app.models.registry_tree import CLASS, COUNT, FILE

    registry = find_row(window, "microscope handler")
    assert registry.siblingAtColumn(COUNT).data() == "5 (+1)"
    assert registry.siblingAtColumn(CLASS).data().endswith("MicroscopeHandler")
    # At 1280 px the File column starts on screen, no scrolling.
    window.resize(1280, 800)
    qtbot.waitUntil(lambda: window.width() == 1280, timeout=5000)
    window.registry_page.show_registries(window.session.inventory["registries"])
    tree = window.tree
    assert tree.header().sectionViewportPosition(FILE) + 40 < tree.viewport().width()
    # Long dotted names break at dots and underscores, never mid-word; copying gives the plain text.
    click_row(qtbot, window, find_row(window, "microscope handler"))
    details = window.details
    assert details.wordWrapMode() == QTextOption.WrapMode.WordWrap
    raw = details.document().toRawText()
    assert "openhcs_\u200bdemo.\u200bmicroscopes.\u200bmicroscope_\u200bbase" in raw
    assert "\u200b" not in details.toPlainText()
    assert "openhcs_demo.microscopes.microscope_base.MicroscopeHandler" in details.toPlainText()


def test_enums_tab_shows_the_home_folder_as_a_tilde(qtbot, window, monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    window.tabs.setCurrentIndex(TAB_ENUMS)
    panel = window.enums_panel
    panel.tree.setCurrentIndex(panel.proxy.index(0, 0))
    text = panel.details.text()
    assert "Cache file: <code>~" + os.sep in text and str(tmp_path) not in text


# -- check boxes ------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("dark", [False, True])
def test_check_boxes_show_the_styles_tick(qtbot, dark):
    app = QApplication.instance()
    style_name, palette, sheet = app.style().name(), app.palette(), app.styleSheet()
    try:
        theme.apply_palette(app, dark)
        assert "indicator" not in app.styleSheet() and isinstance(app.style(), theme.EdgedCheckStyle)
        box = QCheckBox("on")
        qtbot.addWidget(box)
        box.setChecked(True)
        box.show()
        qtbot.waitExposed(box)
        option = QStyleOptionButton()
        option.initFrom(box)
        rect = box.style().subElementRect(QStyle.SubElement.SE_CheckBoxIndicator, option, box)
        image = box.grab().toImage()
        colours = {
            image.pixelColor(x, y).name()
            for x in range(rect.left(), rect.right())
            for y in range(rect.top(), rect.bottom())
        }
        base = theme.colors(dark)["background"]
        # A tick on the box's base colour, not a solid square of one colour.
        assert base in colours and len(colours) > 3, colours
    finally:
        app.setStyle(style_name)
        app.setPalette(palette)
        app.setStyleSheet(sheet)
