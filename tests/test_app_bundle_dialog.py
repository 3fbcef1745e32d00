"""The diagnostics-bundle dialog: sections to include, redaction, where to save, and when OK is allowed."""

from __future__ import annotations

import os

import pytest
from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QDialog, QDialogButtonBox, QFileDialog

from app.widgets.bundle_dialog import REDACT_TEXT, BundleDialog

SECTIONS = [
    ("environment", "Python, platform and package versions"),
    ("registries", "Registries and plugins"),
    ("caches", "Cache files"),
    ("logs", "Recent log lines"),
]


@pytest.fixture
def dialog(qtbot, tmp_path):
    widget = BundleDialog(SECTIONS, str(tmp_path / "bundle.zip"))
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def test_defaults_everything_on(dialog, tmp_path):
    assert dialog.sections.count() == 4
    assert [dialog.sections.item(i).text() for i in range(4)] == [title for _id, title in SECTIONS]
    assert dialog.redact.text() == REDACT_TEXT and dialog.redact.isChecked()
    assert dialog.values() == (str(tmp_path / "bundle.zip"), True, ["environment", "registries", "caches", "logs"])
    assert dialog.ok_button.isEnabled()
    assert dialog.count_label.text() == "4 of 4 sections"
    assert dialog.hint.isHidden()


def test_toggling_sections_and_redaction(dialog, qtbot):
    dialog.sections.item(1).setCheckState(Qt.CheckState.Unchecked)
    dialog.set_section("logs", False)
    dialog.redact.click()
    path, redact, sections = dialog.values()
    assert sections == ["environment", "caches"] and redact is False
    assert dialog.count_label.text() == "2 of 4 sections"
    # Unticked rows are greyed, ticked ones keep the normal colour.
    assert dialog.sections.item(1).foreground().style() != Qt.BrushStyle.NoBrush
    assert dialog.sections.item(0).foreground().style() == Qt.BrushStyle.NoBrush
    dialog.set_section("logs", True)
    assert dialog.values()[2] == ["environment", "caches", "logs"]


def test_space_toggles_the_current_section(dialog, qtbot):
    dialog.sections.setFocus()
    dialog.sections.setCurrentRow(2)
    qtbot.keyClick(dialog.sections, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: "caches" not in dialog.values()[2])


def test_ok_needs_a_section_and_a_path(dialog, qtbot):
    dialog.none_button.click()
    assert dialog.values()[2] == []
    assert not dialog.ok_button.isEnabled()
    assert not dialog.hint.isHidden() and "at least one section" in dialog.hint.text()
    dialog.all_button.click()
    assert dialog.ok_button.isEnabled()
    dialog.path_edit.clear()
    assert not dialog.ok_button.isEnabled() and "where to save" in dialog.hint.text()
    dialog.path_edit.setText("   ")
    assert not dialog.ok_button.isEnabled()
    dialog.accept()  # refused while OK is disabled (e.g. Enter in the path field)
    assert dialog.result() != QDialog.DialogCode.Accepted and dialog.isVisible()
    dialog.path_edit.setText("~/report")
    assert dialog.ok_button.isEnabled()
    assert dialog.values()[0] == os.path.expanduser("~/report.zip")  # ~ expanded, .zip added


def test_ok_accepts(dialog, qtbot):
    with qtbot.waitSignal(dialog.accepted):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Ok).click()
    assert dialog.result() == QDialog.DialogCode.Accepted


def test_cancel_rejects(dialog, qtbot):
    with qtbot.waitSignal(dialog.rejected):
        dialog.buttons.button(QDialogButtonBox.StandardButton.Cancel).click()


def test_browse_fills_the_path(dialog, monkeypatch, tmp_path):
    chosen = str(tmp_path / "picked")
    calls = []

    def fake(parent, caption, start, filters):  # noqa: ANN001
        calls.append((caption, start, filters))
        return chosen, "Zip archive (*.zip)"

    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(fake))
    dialog.browse_button.click()
    assert dialog.path_edit.text() == chosen + ".zip"
    assert "*.zip" in calls[0][2] and calls[0][1].endswith("bundle.zip")
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *a: ("", "")))
    dialog.browse_button.click()  # cancelled: the path stays
    assert dialog.path_edit.text() == chosen + ".zip"


def test_no_sections_at_all(qtbot):
    dialog = BundleDialog([], "")
    qtbot.addWidget(dialog)
    assert dialog.values() == ("", True, [])
    assert not dialog.ok_button.isEnabled()
