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


# -- what the reporter says, the preview, and after the export ------------------------------------------------------
def test_report_fields_and_bundle_options(dialog, qtbot):
    assert dialog.details() == {"title": "", "what_happened": "", "steps": ""}
    qtbot.keyClicks(dialog.title_edit, "  Stale cache  ")
    dialog.happened_edit.setPlainText("It said valid\nbut was stale")
    dialog.steps_edit.setPlainText("1. edit a plugin\n2. restart")
    assert dialog.details() == {
        "title": "Stale cache",
        "what_happened": "It said valid\nbut was stale",
        "steps": "1. edit a plugin\n2. restart",
    }
    options = dialog.bundle_options()
    assert options["report"] == dialog.details() and options["redact"] is True
    assert options["sections"] == ["environment", "registries", "caches", "logs"]
    runtime = options["extra_environment"]
    assert runtime["qt_platform"] == "offscreen" and runtime["qt_version"].startswith("6.")
    assert dialog.values()[1:] == (True, ["environment", "registries", "caches", "logs"])  # unchanged


class FakePreview:
    def __init__(self):
        self.calls = []

    def __call__(self, redact, sections, report):
        self.calls.append((redact, sections, report))
        note = "(redacted)" if redact else "(raw)"
        return [
            ("manifest.json", '{"schema": 1}\n'),
            ("report.md", f"# Registry Inspector bug report: {report['title']} {note}\n"),
            *((f"{sid}.json", f"{sid} {note}\n") for sid in sections),
        ]


@pytest.fixture
def previewed(qtbot, tmp_path):
    fake = FakePreview()
    widget = BundleDialog(SECTIONS, str(tmp_path / "bundle.zip"), preview=fake)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget, fake


def _members(dialog):
    return [dialog.preview_members.item(i).text() for i in range(dialog.preview_members.count())]


def test_preview_lists_members_and_shows_each_text(previewed, qtbot):
    dialog, fake = previewed
    assert dialog.preview_panel.isHidden() and fake.calls == []  # built only when asked for
    dialog.title_edit.setText("Boom")
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: _members(dialog) == ["manifest.json", "report.md", *(f"{s}.json" for s, _t in SECTIONS)])
    assert not dialog.preview_panel.isHidden()
    assert dialog.preview_text.toPlainText() == "# Registry Inspector bug report: Boom (redacted)\n"  # report.md first
    assert "exactly as shown" in dialog.preview_status.text()
    dialog.preview_members.setCurrentRow(0)
    assert dialog.preview_text.toPlainText() == '{"schema": 1}\n'
    assert fake.calls[0][0] is True and fake.calls[0][2]["title"] == "Boom"


def test_preview_follows_the_options(previewed, qtbot):
    dialog, fake = previewed
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: "report.md" in _members(dialog))
    dialog.set_section("caches", False)
    dialog.redact.click()
    dialog.title_edit.setText("Later")
    qtbot.waitUntil(lambda: dialog.preview_text_of("report.md") == "# Registry Inspector bug report: Later (raw)\n")
    assert "caches.json" not in _members(dialog)
    assert "redaction is OFF" in dialog.preview_status.text()
    calls = len(fake.calls)
    dialog.none_button.click()
    qtbot.waitUntil(lambda: _members(dialog) == [])
    assert "at least one section" in dialog.preview_status.text() and len(fake.calls) == calls
    dialog.preview_button.click()  # hidden again
    assert dialog.preview_panel.isHidden()


def test_a_failing_preview_says_why(qtbot, tmp_path):
    def broken(redact, sections, report):
        raise OSError("disk on fire")

    dialog = BundleDialog(SECTIONS, str(tmp_path / "b.zip"), preview=broken)
    qtbot.addWidget(dialog)
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: "disk on fire" in dialog.preview_status.text())
    assert _members(dialog) == []


def test_no_preview_without_a_provider(dialog):
    assert not dialog.preview_button.isEnabled() and "another environment" in dialog.preview_button.toolTip()


def test_session_preview_is_a_dry_run_of_the_real_bundle(qtbot, tmp_path):
    """The window's preview: build_bundle(dry_run=True) over the session, Qt's runtime included, nothing written."""
    from types import SimpleNamespace

    from app.widgets.bundle_dialog import session_preview

    assert session_preview(object()) is None  # no registries here (another environment)
    preview = session_preview(SimpleNamespace(registries=[], targets=[]))
    sections = [("report", "Summary"), ("environment", "Environment"), ("distributions", "Distributions")]
    dialog = BundleDialog(sections, str(tmp_path / "b.zip"), preview=preview)
    qtbot.addWidget(dialog)
    dialog.title_edit.setText(f"Broken in {os.path.expanduser('~')}/work")
    dialog.preview_button.click()
    qtbot.waitUntil(lambda: "distributions.json" in _members(dialog), timeout=20000)
    assert _members(dialog)[:2] == ["manifest.json", "redactions.txt"]
    report = dialog.preview_text_of("report.md")
    assert report.startswith("# Registry Inspector bug report: Broken in ~/work\n")  # redacted, as in the zip
    assert "qt_platform offscreen" in report
    assert '"registry-inspector"' in dialog.preview_text_of("distributions.json")
    assert os.listdir(tmp_path) == []


def test_after_export_show_in_folder_and_copy_path(qtbot, monkeypatch, tmp_path):
    from PyQt6.QtGui import QDesktopServices, QGuiApplication
    from PyQt6.QtWidgets import QMessageBox, QPushButton

    from app.widgets import bundle_dialog

    path = str(tmp_path / "bug.zip")
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: opened.append(url.toLocalFile()) or True))
    box = bundle_dialog.show_exported(None, path)
    qtbot.addWidget(box)
    qtbot.waitExposed(box)
    assert path in box.text() and box.windowTitle() == "Diagnostics bundle written"
    box.findChild(QPushButton, "bundleShowInFolder").click()
    assert opened == [str(tmp_path)]

    box = bundle_dialog.exported_message(None, path)
    qtbot.addWidget(box)
    QGuiApplication.clipboard().setText("")
    box.findChild(QPushButton, "bundleCopyPath").click()
    assert QGuiApplication.clipboard().text() == path
    assert box.button(QMessageBox.StandardButton.Close) is not None

    monkeypatch.setattr(QDesktopServices, "openUrl", staticmethod(lambda url: False))  # no file manager here
    QGuiApplication.clipboard().setText("")
    assert bundle_dialog.show_in_folder(path) is False and QGuiApplication.clipboard().text() == path


def test_a_path_that_cannot_be_written_is_refused_inline_and_the_dialog_keeps_its_choices(dialog, qtbot, tmp_path):
    dialog.set_section("logs", False)
    for path, words in (
        ("/nonexistent/folder/bug.zip", "/nonexistent/folder does not exist"),
        (str(tmp_path), "is a folder"),
    ):
        dialog.path_edit.setText(path)
        assert not dialog.ok_button.isEnabled()
        assert not dialog.hint.isHidden() and words in dialog.hint.text()
        # Enter (or a stray accept) does not close it: the section choices stay for a corrected path.
        qtbot.keyClick(dialog.path_edit, Qt.Key.Key_Return)
        assert dialog.isVisible() and dialog.result() != QDialog.DialogCode.Accepted
        assert dialog.checked_sections() == ["environment", "registries", "caches"]
    if os.geteuid() != 0:  # (root writes anywhere)
        locked = tmp_path / "locked"
        locked.mkdir(mode=0o500)
        dialog.path_edit.setText(str(locked / "bug.zip"))
        assert not dialog.ok_button.isEnabled() and "not writable" in dialog.hint.text()
    dialog.path_edit.setText(str(tmp_path / "bug.zip"))
    assert dialog.ok_button.isEnabled() and dialog.hint.isHidden()
