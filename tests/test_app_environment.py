"""The window over another environment (``--python``) and targets it must not import (metaclass-registry, nothing).

The real stack (``real_stack.real_stack_python()``: metaclass-registry 0.4.1, polystore 0.6.3) is inspected
through ``EnvironmentSession``: every button is a ``registry-inspector`` command run by that interpreter. Its
cache is metaclass-registry's own file under ``$XDG_CACHE_HOME`` (a tmp folder: conftest's autouse fixture,
which the child inherits). Tests wait for the window's signals, never sleep.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest
from PyQt6.QtCore import QSettings
from PyQt6.QtWidgets import QApplication, QDialogButtonBox, QMessageBox
from real_stack import real_stack_python
from test_app_window import TASK_TIMEOUT_MS, cache_states, click_row, find_row, open_window, task

from app.env_session import EnvironmentSession, session_for
from app.models import KIND_ROLE
from app.models.registry_tree import COLUMNS
from app.session import Session
from app.widgets.open_dialogs import OpenEnvironmentDialog, OpenTargetDialog, RecentList, parse_targets
from registry_core.sources import nothing_declared, run_json

BACKENDS = [
    "bioformats",
    "disk",
    "fiji_stream",
    "memory",
    "napari_stream",
    "ome_zarr",
    "omero_local",
    "virtual_workspace",
    "zarr",
]
LIBRARY = "metaclass_registry 0.4.1"
LIBRARY_COLUMN = COLUMNS.index("Library")


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "inspector.ini"), QSettings.Format.IniFormat)


@pytest.fixture(scope="module")
def stack_python():
    return real_stack_python()


def backend_cache() -> Path:
    """metaclass-registry's own cache file for polystore's backends, in this test's XDG cache folder."""
    return Path(os.environ["XDG_CACHE_HOME"]) / "metaclass-registry" / "backend_registry.json"


def children(window, registry: str, kind: str = "plugin") -> list[str]:
    """The first column of a registry's rows of ``kind`` (plugins by default), sorted."""
    proxy = window.tree_proxy
    parent = find_row(window, registry)
    rows = [proxy.index(row, 0, parent) for row in range(proxy.rowCount(parent))]
    return sorted(index.data() for index in rows if index.data(KIND_ROLE) == kind)


def gui_env(tmp_path) -> dict[str, str]:
    return {"QT_QPA_PLATFORM": "offscreen", "XDG_CONFIG_HOME": str(tmp_path / "config")}


def test_session_for_routes_every_named_target_and_environment_to_a_child():
    assert type(session_for(None, None)) is Session  # the embedded demo: registry_core's own, in process
    assert isinstance(session_for(["polystore"], None), EnvironmentSession)
    assert isinstance(session_for(["entry-points:console_scripts"], None), EnvironmentSession)
    assert isinstance(session_for(None, "/some/venv"), EnvironmentSession)


def test_polystore_in_the_real_stack(qtbot, settings, stack_python):
    """The 9 backends with their library; browsing leaves the user's cache file alone; Invalidate and Rebuild
    act on metaclass-registry's own file; nothing of the target is imported into the window's process."""
    # The user's cache, as metaclass-registry's own discovery would have left it.
    code, document, stderr = run_json(stack_python, ["rebuild", "--registry", "backend", "--target", "polystore"])
    assert code == 0, stderr
    cache = backend_cache()
    assert document["rebuilt"][0]["path"] == str(cache)  # the child saw this test's XDG_CACHE_HOME
    before = (cache.read_bytes(), cache.stat().st_mtime_ns)

    window = open_window(qtbot, session_for(["polystore"], stack_python), settings)
    assert "polystore" in window.windowTitle() and "stack" in window.windowTitle()
    # The backends, the library that built the registry, and the partial registries marked.
    assert children(window, "backend") == BACKENDS
    backend = find_row(window, "backend")
    assert backend.siblingAtColumn(LIBRARY_COLUMN).data() == LIBRARY
    partial = find_row(window, "zarr compressor factory")
    assert partial.siblingAtColumn(COLUMNS.index("Status")).data() == "partial"
    assert partial.siblingAtColumn(LIBRARY_COLUMN).data() == LIBRARY

    # Browsing: rows, details, the Caches tab and a cache check. The user's file stays as it was.
    click_row(qtbot, window, partial)
    assert "Partial" in window.details.toPlainText() and "no discovery of its own" in window.details.toPlainText()
    click_row(qtbot, window, find_row(window, "backend", "StreamingBackend"))
    assert "registry-inspector explain StreamingBackend --registry backend" in window.details.toPlainText()
    click_row(qtbot, window, backend)
    assert LIBRARY in window.details.toPlainText()
    with task(qtbot, window, "Cache check"):
        window.refresh_cache_status()
    assert cache_states(window)["backend"] == "valid"
    assert (cache.read_bytes(), cache.stat().st_mtime_ns) == before
    assert "polystore" not in sys.modules and "metaclass_registry" not in sys.modules

    # Invalidate the selected registry: metaclass-registry's file is gone, and the Caches tab says so.
    with qtbot.waitSignals([window.caches_updated, window.task_done], timeout=TASK_TIMEOUT_MS):
        window.invalidate_selected()
    assert not cache.exists()
    assert cache_states(window)["backend"] == "missing"

    # Rebuild it: the file is back, written by metaclass-registry's own discovery in the child.
    with task(qtbot, window, "Rebuild") as blocker:
        window.rebuild(["backend"])
    assert blocker.args == ["Rebuild", True], window.last_error
    assert cache.exists()
    assert cache_states(window)["backend"] == "valid"
    assert children(window, "backend") == BACKENDS
    assert "polystore" not in sys.modules


def test_open_target_and_environment_switch_the_window(qtbot, settings, stack_python, tmp_path):
    """An environment without a target is an explained empty tree; Open target fills it; both are remembered."""
    window = open_window(qtbot, session_for(None, stack_python), settings)
    assert window.registry_page.is_empty()
    assert "Open target" in window.registry_page.empty_label.text()
    with task(qtbot, window, "Discovery") as blocker:
        window.open_target("polystore")
    assert blocker.args == ["Discovery", True], window.last_error
    assert not window.registry_page.is_empty()
    assert children(window, "backend") == BACKENDS
    assert window.windowTitle().startswith("polystore — ")
    assert RecentList(settings, "targets/recent").items() == ["polystore"]
    # An unusable environment: the window says why and keeps what it shows.
    window.open_environment(str(tmp_path))
    boxes = [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox) and w.isVisible()]
    assert boxes and "bin/python" in boxes[-1].text()
    assert window.session.python == stack_python and children(window, "backend") == BACKENDS


def test_a_file_compared_with_live_runs_live_in_the_windows_environment(qtbot, settings, stack_python, tmp_path):
    """`gui --python ~/venv --target polystore --open snap.json`, then Compare with live: live is polystore in that
    venv (it was the inspector's own environment, where polystore is not installed: 'cannot import target')."""
    snapshot = tmp_path / "poly.json"
    code, _, stderr = run_json(stack_python, ["snapshot", "--target", "polystore", "-o", str(snapshot)])
    assert code == 0, stderr
    window = open_window(qtbot, session_for(["polystore"], stack_python), settings)
    live = window.session
    view = window.snapshots.compare_view
    with qtbot.waitSignal(window.task_done, timeout=TASK_TIMEOUT_MS, check_params_cb=lambda n, ok: n == "Discovery"):
        window.open_snapshot(str(snapshot))
    assert window.session.read_only and window.session.window_live is live
    with qtbot.waitSignal(view.compared, timeout=TASK_TIMEOUT_MS):
        window.compare_with("live")
    assert window.last_error is None or "cannot import target" not in str(window.last_error)
    assert view.document["complete"] is True
    assert not [d for d in view.document["differences"] if d["kind"] in ("registry", "key", "plugin")], view.document
    # Back to live: the window's own environment again, not a new session of the file's targets.
    window.snapshots.back_to_live()
    assert window.session is live


def test_an_empty_target_is_explained(qtbot, settings):
    window = open_window(qtbot, session_for(["json"], None), settings)
    page = window.registry_page
    assert page.is_empty() and window.tree_proxy.rowCount() == 0
    text = page.empty_label.text()
    assert "No registries found" in text and "Looked for" in text
    assert nothing_declared(["json"]).split(":")[0] in text  # the CLI's own words, from the child
    assert "Open target" in text and "Open environment" in text
    assert "No registries" in window.details.toPlainText()


def test_smoke_test_says_why_when_nothing_is_found(cli, tmp_path):
    result = cli("gui", "--smoke-test", "--target", "json", env=gui_env(tmp_path), expect=1)
    summary = result.json()
    assert summary["ok"] is False and summary["registries"] == 0
    assert "json declares no registries" in summary["reason"]


def test_smoke_test_in_another_environment(cli, stack_python, tmp_path):
    result = cli("gui", "--smoke-test", "--python", stack_python, "--target", "polystore", env=gui_env(tmp_path))
    assert result.returncode == 0, result.stderr
    summary = result.json()
    assert summary["ok"] is True and summary["registries"] >= 1 and "backend" in summary["caches"]


def test_gui_refuses_an_unusable_environment(cli, tmp_path):
    result = cli("gui", "--python", str(tmp_path), env=gui_env(tmp_path), expect=2)
    assert "bin/python" in result.stderr


# -- the dialogs --------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "targets", "why"),
    [
        ("polystore", ["polystore"], ""),
        ("polystore  mypkg.plugins", ["polystore", "mypkg.plugins"], ""),
        ("a, b", ["a", "b"], ""),
        ("entry-points", ["entry-points"], ""),
        ("entry-points:console_scripts", ["entry-points:console_scripts"], ""),
        ("", [], "Type a module name"),
        ("entry-points:", [], "name the group"),
        ("src/pkg/mod.py", [], "not a file path"),
        ("pkg.mod.py", [], "not a file path"),
        ("my-package", [], "not a module name"),
    ],
)
def test_parse_targets(text, targets, why):
    got, said = parse_targets(text)
    assert got == targets
    assert why in said and bool(said) == bool(why)


def test_open_target_dialog_validates_and_completes(qtbot, settings):
    recent = RecentList(settings, "targets/recent")
    recent.add("polystore")
    recent.add("entry-points:console_scripts")
    dialog = OpenTargetDialog(recent.items(), "")
    qtbot.addWidget(dialog)
    open_button = dialog.buttons.button(QDialogButtonBox.StandardButton.Open)
    assert [dialog.recent.item(i).text() for i in range(dialog.recent.count())] == [
        "entry-points:console_scripts",
        "polystore",
    ]
    assert not open_button.isEnabled()
    dialog.edit.setText("site-packages/polystore/base.py")
    assert not open_button.isEnabled() and "not a file path" in dialog.error.text()
    dialog.accept()
    assert dialog.result() != OpenTargetDialog.DialogCode.Accepted
    dialog.set_modules(["polystore", "pandas"])
    dialog.edit.setText("")
    dialog.edit.completer().setCompletionPrefix("pol")
    assert dialog.edit.completer().currentCompletion() == "polystore"
    dialog.recent.itemClicked.emit(dialog.recent.item(1))
    assert dialog.edit.text() == "polystore" and open_button.isEnabled() and dialog.error.text() == ""
    dialog.accept()
    assert dialog.result() == OpenTargetDialog.DialogCode.Accepted and dialog.targets() == ["polystore"]


def test_open_environment_dialog_says_why_a_path_is_unusable(qtbot, tmp_path, stack_python):
    dialog = OpenEnvironmentDialog([], "")
    qtbot.addWidget(dialog)
    dialog.edit.setText(str(tmp_path))  # a folder without bin/python
    dialog.accept()
    assert dialog.result() != OpenEnvironmentDialog.DialogCode.Accepted
    assert "bin/python" in dialog.error.text()
    dialog.edit.setText(str(tmp_path / "nothing-here"))
    dialog.accept()
    assert "no such interpreter" in dialog.error.text()
    dialog.edit.setText(str(Path(stack_python).parents[1]))  # the venv's folder
    dialog.accept()
    assert dialog.result() == OpenEnvironmentDialog.DialogCode.Accepted and dialog.error.text() == ""
