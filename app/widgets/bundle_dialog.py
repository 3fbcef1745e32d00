"""Choose what goes into the diagnostics bundle, describe the problem, preview every member, and where to write it.

Like VS Code's Report Issue: a title, "What happened" and "Steps to reproduce" go to the top of report.md; the
preview lists the members the zip will hold and shows each one's text after redaction, built off the GUI
thread (``preview``: a callable the window gives, e.g. :func:`session_preview`). After the export,
:func:`exported_message` offers "Show in folder" and "Copy path".
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QEvent, QItemSelectionModel, Qt, QTimer, QUrl
from PyQt6.QtGui import QBrush, QDesktopServices, QFontDatabase, QGuiApplication, QPalette
from PyQt6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from ..workers import Worker, start

REDACT_TEXT = "Redact personal data (home folder, user name, secrets)"
#: ``preview(redact, sections, report) -> [(member name, text)]``, run on the thread pool.
Preview = Callable[[bool, list[str], dict[str, str]], list[tuple[str, str]]]
#: How long the preview waits after the last change of a field or a section before it is rebuilt.
PREVIEW_DEBOUNCE_MS = 400


def qt_runtime() -> dict[str, str]:
    """What the bundle's environment cannot know without Qt: Qt's runtime version and the platform plugin."""
    from PyQt6.QtCore import PYQT_VERSION_STR, QT_VERSION_STR, qVersion

    return {
        "qt_version": qVersion() or QT_VERSION_STR,
        "qt_compiled_version": QT_VERSION_STR,
        "pyqt_version": PYQT_VERSION_STR,
        "qt_platform": QGuiApplication.platformName(),
    }


def session_preview(session: Any) -> Preview | None:
    """A preview over ``session``'s registries (a dry run of the same ``build_bundle`` the export calls).

    The documents are gathered once (a fresh discovery for verify takes seconds) and reused by each later
    preview; None for a session without registries in this process (another environment: its bundle is
    made by a child process).
    """
    if getattr(session, "runs_in_child", False) or not hasattr(session, "registries"):
        return None
    from registry_core.diagnostics import build_bundle

    runtime = qt_runtime()
    kept: dict[str, Any] = {}

    def preview(redact: bool, sections: list[str], report: dict[str, str]) -> list[tuple[str, str]]:
        result = build_bundle(
            "",
            list(session.registries),
            redact=redact,
            sections=sections,
            targets=session.targets,
            report=report,
            extra_environment=runtime,
            dry_run=True,
            documents=kept.get("documents"),
        )
        kept["documents"] = result.documents
        return result.contents

    return preview


class BundleDialog(QDialog):
    """``sections`` are ``(section_id, human_title)``; ``values()`` gives ``(path, redact, [section ids])``."""

    def __init__(
        self,
        sections: list[tuple[str, str]],
        default_path: str = "",
        parent: QWidget | None = None,
        preview: Preview | None = None,
    ) -> None:
        super().__init__(parent)
        self._preview = preview
        self._preview_worker: Worker | None = None
        self._preview_again = False
        self._preview_texts: dict[str, str] = {}
        self.setWindowTitle("Export diagnostics bundle")
        self.setObjectName("bundleDialog")
        intro = QLabel(
            "A zip of plain-text reports to attach to a bug report. Untick what you do not want "
            "to share; you can read every file before sending it.",
            self,
        )
        intro.setWordWrap(True)
        self.sections = QListWidget(self)
        self.sections.setObjectName("bundleSections")
        for section_id, title in sections:
            item = QListWidgetItem(str(title or section_id), self.sections)
            item.setData(Qt.ItemDataRole.UserRole, section_id)
            item.setToolTip(str(section_id))
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsSelectable)
            item.setCheckState(Qt.CheckState.Checked)
        self.sections.itemChanged.connect(lambda _item: (self._update(), self._schedule_preview()))
        rows = max(3, min(len(sections), 10))
        self.sections.setMinimumHeight(
            self.sections.sizeHintForRow(0) * rows + 2 * self.sections.frameWidth() + 4 if sections else 60
        )
        self.all_button = QPushButton("Select &all", self)
        self.none_button = QPushButton("Select &none", self)
        self.all_button.clicked.connect(lambda: self.set_all(True))
        self.none_button.clicked.connect(lambda: self.set_all(False))
        self.count_label = QLabel(self)
        self.redact = QCheckBox(REDACT_TEXT, self)
        self.redact.setObjectName("bundleRedact")
        self.redact.setChecked(True)
        self.redact.setToolTip(
            "Replace your home folder, user name and anything that looks like a token or "
            "password with placeholders before writing the zip"
        )
        self.path_edit = QLineEdit(default_path, self)
        self.path_edit.setObjectName("bundlePath")
        self.path_edit.setPlaceholderText("Where to write the .zip")
        self.path_edit.textChanged.connect(lambda _text: self._update())
        self.browse_button = QPushButton("Browse…", self)
        self.browse_button.clicked.connect(self.browse)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("&Export")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.hint = QLabel(self)
        self.hint.setObjectName("bundleHint")
        # What the reporter says: the top of report.md (redacted with everything else).
        self.title_edit = QLineEdit(self)
        self.title_edit.setObjectName("bundleTitle")
        self.title_edit.setPlaceholderText("One line: what goes wrong")
        self.happened_edit = QPlainTextEdit(self)
        self.happened_edit.setObjectName("bundleWhatHappened")
        self.happened_edit.setPlaceholderText("What you expected, and what happened instead")
        self.steps_edit = QPlainTextEdit(self)
        self.steps_edit.setObjectName("bundleSteps")
        self.steps_edit.setPlaceholderText("1. …\n2. …")
        for box in (self.happened_edit, self.steps_edit):
            box.setTabChangesFocus(True)
            box.setFixedHeight(box.fontMetrics().lineSpacing() * 4 + 12)
        self.title_edit.textChanged.connect(lambda _text: self._schedule_preview())
        self.happened_edit.textChanged.connect(self._schedule_preview)
        self.steps_edit.textChanged.connect(self._schedule_preview)
        self.redact.toggled.connect(lambda _on: self._schedule_preview())
        # The preview: the members the zip will hold; selecting one shows its text after redaction.
        self.preview_members = QListWidget(self)
        self.preview_members.setObjectName("bundlePreviewMembers")
        self.preview_text = QPlainTextEdit(self)
        self.preview_text.setObjectName("bundlePreviewText")
        self.preview_text.setReadOnly(True)
        self.preview_text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.preview_text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.preview_members.currentItemChanged.connect(lambda _now, _before: self._show_member())
        self.preview_status = QLabel(self)
        self.preview_status.setObjectName("bundlePreviewStatus")
        self.preview_status.setWordWrap(True)
        self.preview_button = QPushButton("&Preview…", self)
        self.preview_button.setCheckable(True)
        self.preview_button.setToolTip("List the files the zip will hold and show each one exactly as it will be sent")
        self.preview_button.toggled.connect(self._toggle_preview)
        self.preview_button.setEnabled(preview is not None)
        if preview is None:
            self.preview_button.setToolTip("No preview here: the bundle of another environment is made by its Python")
        self._preview_timer = QTimer(self)
        self._preview_timer.setSingleShot(True)
        self._preview_timer.setInterval(PREVIEW_DEBOUNCE_MS)
        self._preview_timer.timeout.connect(self.build_preview)
        self.preview_panel = QSplitter(Qt.Orientation.Horizontal, self)
        self.preview_panel.setObjectName("bundlePreview")
        self.preview_panel.addWidget(self.preview_members)
        self.preview_panel.addWidget(self.preview_text)
        self.preview_panel.setStretchFactor(1, 3)
        self.preview_panel.setMinimumHeight(220)
        self.preview_panel.hide()
        self.preview_status.hide()
        select_row = QHBoxLayout()
        select_row.addWidget(self.all_button)
        select_row.addWidget(self.none_button)
        select_row.addStretch(1)
        select_row.addWidget(self.count_label)
        select_row.addWidget(self.preview_button)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        form = QFormLayout()
        form.addRow("&Title:", self.title_edit)
        form.addRow("What &happened:", self.happened_edit)
        form.addRow("&Steps to reproduce:", self.steps_edit)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>Sections</b>", self))
        layout.addWidget(self.sections, 1)
        layout.addLayout(select_row)
        layout.addWidget(self.redact)
        layout.addWidget(self.preview_status)
        layout.addWidget(self.preview_panel, 2)
        layout.addWidget(QLabel("<b>Save to</b>", self))
        layout.addLayout(path_row)
        layout.addWidget(self.hint)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())
        self._update()

    # -- state ----------------------------------------------------------------------------------
    def _items(self) -> list[QListWidgetItem]:
        return [self.sections.item(row) for row in range(self.sections.count())]

    def checked_sections(self) -> list[str]:
        return [
            item.data(Qt.ItemDataRole.UserRole) for item in self._items() if item.checkState() == Qt.CheckState.Checked
        ]

    def set_section(self, section_id: str, checked: bool) -> None:
        for item in self._items():
            if item.data(Qt.ItemDataRole.UserRole) == section_id:
                item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def set_all(self, checked: bool) -> None:
        for item in self._items():
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def path(self) -> str:
        """The path as typed, with ``.zip`` added when it has no extension."""
        path = os.path.expanduser(self.path_edit.text().strip())
        if path and not os.path.splitext(path)[1]:
            path += ".zip"
        return path

    def values(self) -> tuple[str, bool, list[str]]:
        return self.path(), self.redact.isChecked(), self.checked_sections()

    def details(self) -> dict[str, str]:
        """What the reporter wrote: ``{"title", "what_happened", "steps"}`` (report.md's top)."""
        return {
            "title": self.title_edit.text().strip(),
            "what_happened": self.happened_edit.toPlainText().strip(),
            "steps": self.steps_edit.toPlainText().strip(),
        }

    def bundle_options(self) -> dict[str, Any]:
        """``build_bundle``'s keyword arguments for what the dialog says: redact, sections, report, Qt's runtime."""
        return {
            "redact": self.redact.isChecked(),
            "sections": self.checked_sections(),
            "report": self.details(),
            "extra_environment": qt_runtime(),
        }

    # -- preview --------------------------------------------------------------------------------------------------
    def _toggle_preview(self, on: bool) -> None:
        self.preview_panel.setVisible(on)
        self.preview_status.setVisible(on)
        self.preview_button.setText("Hide &preview" if on else "&Preview…")
        if on:
            self.resize(max(self.width(), 820), max(self.height(), self.sizeHint().height()))
            self.build_preview()
        else:
            self._preview_timer.stop()

    def _schedule_preview(self) -> None:
        if self.preview_button.isChecked():
            self._preview_timer.start()

    def build_preview(self) -> None:
        """Build the members on the thread pool for what the dialog says now (one build at a time, latest wins)."""
        if self._preview is None:
            return
        if self._preview_worker is not None:
            self._preview_again = True
            return
        sections = self.checked_sections()
        if not sections:
            self._show_preview([], "Choose at least one section to preview.")
            return
        self.preview_status.setText("Building the preview (the verify section runs a fresh discovery)…")
        worker = Worker(lambda _state, *args: self._preview(*args), self.redact.isChecked(), sections, self.details())
        worker.name = "Preview"
        # Bound methods: disconnected by Qt if the dialog is gone before the worker ends.
        worker.signals.returned.connect(self._preview_returned)
        worker.signals.errored.connect(self._preview_errored)
        worker.signals.finished.connect(self._preview_finished)
        self._preview_worker = start(worker)

    def _preview_returned(self, members: list[tuple[str, str]]) -> None:
        if not self._preview_again:  # otherwise stale: a newer build follows
            self._show_preview(members, None)

    def _preview_errored(self, message: str, _traceback: str) -> None:
        self._show_preview([], message)

    def _preview_finished(self) -> None:
        self._preview_worker = None
        if self._preview_again:
            self._preview_again = False
            self.build_preview()

    def _show_preview(self, members: list[tuple[str, str]], problem: str | None) -> None:
        current = self.preview_members.currentItem()
        keep = current.text() if current is not None else "report.md"
        self._preview_texts = dict(members)
        self.preview_members.blockSignals(True)
        self.preview_members.clear()
        for name, text in members:
            item = QListWidgetItem(name, self.preview_members)
            item.setToolTip(f"{len(text.encode('utf-8')):,} bytes")
        self.preview_members.blockSignals(False)
        names = [name for name, _text in members]
        if names:
            row = names.index(keep) if keep in names else 0
            self.preview_members.setCurrentRow(row, QItemSelectionModel.SelectionFlag.ClearAndSelect)
        self._show_member()
        if problem:
            self.preview_status.setText(problem)
        else:
            total = sum(len(t.encode("utf-8")) for t in self._preview_texts.values())
            self.preview_status.setText(
                f"The zip will hold these {len(members)} files ({total:,} bytes before compression), exactly as shown"
                + (", after redaction." if self.redact.isChecked() else "; redaction is OFF.")
            )

    def _show_member(self) -> None:
        item = self.preview_members.currentItem()
        self.preview_text.setPlainText(self._preview_texts.get(item.text(), "") if item is not None else "")

    def preview_text_of(self, member: str) -> str | None:
        """The previewed text of ``member`` (None until a preview holds it)."""
        return self._preview_texts.get(member)

    def done(self, result: int) -> None:
        self._preview_timer.stop()  # a pending rebuild must not fire after the dialog closed
        self._preview_again = False
        super().done(result)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._update()

    def _update(self) -> None:
        # Unticked sections in the muted colour: their state reads at a glance in either theme,
        # even where the style draws faint check boxes.
        palette = self.palette()
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        self.sections.blockSignals(True)
        for item in self._items():
            on = item.checkState() == Qt.CheckState.Checked
            item.setForeground(QBrush() if on else QBrush(muted))
        self.sections.blockSignals(False)
        hint_palette = self.hint.palette()
        hint_palette.setColor(QPalette.ColorRole.WindowText, muted)
        self.hint.setPalette(hint_palette)
        checked = len(self.checked_sections())
        total = self.sections.count()
        self.count_label.setText(f"{checked} of {total} section{'s' if total != 1 else ''}")
        problems = []
        if not checked:
            problems.append("choose at least one section")
        if not self.path_edit.text().strip():
            problems.append("choose where to save the zip")
        else:
            typed = os.path.expanduser(self.path_edit.text().strip())
            problems += path_problems(typed if os.path.isdir(typed) else self.path())
        self.ok_button.setEnabled(not problems)
        self.hint.setText(("To export: " + " and ".join(problems) + ".") if problems else "")
        self.hint.setVisible(bool(problems))

    def browse(self) -> None:
        start = self.path_edit.text().strip() or os.path.expanduser("~/registry-inspector.zip")
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save diagnostics bundle", start, "Zip archive (*.zip);;All files (*)"
        )
        if path:
            if not os.path.splitext(path)[1]:
                path += ".zip"
            self.path_edit.setText(path)

    def accept(self) -> None:
        if self.ok_button.isEnabled():
            super().accept()


def path_problems(path: str) -> list[str]:
    """Why the bundle cannot be written at ``path`` (checked before the dialog closes), or []."""
    folder = os.path.dirname(path) or "."
    if os.path.isdir(path):
        return [f"{path} is a folder: add a file name"]
    if not os.path.isdir(folder):
        return [f"choose an existing folder ({folder} does not exist)"]
    if not os.access(folder, os.W_OK | os.X_OK):
        return [f"choose a folder you can write to ({folder} is not writable)"]
    return []


def exported_message(parent: QWidget | None, path: str) -> QMessageBox:
    """The box that says where the bundle went, with "Show in folder" and "Copy path" (not shown yet)."""
    box = QMessageBox(parent)
    box.setObjectName("bundleExported")
    box.setIcon(QMessageBox.Icon.Information)
    box.setWindowTitle("Diagnostics bundle written")
    box.setText(f"Diagnostics bundle written:\n{path}")
    box.setInformativeText("Attach it to your bug report. Every file in it is plain text you can read first.")
    show = box.addButton("Show in &folder", QMessageBox.ButtonRole.ActionRole)
    copy = box.addButton("&Copy path", QMessageBox.ButtonRole.ActionRole)
    box.addButton(QMessageBox.StandardButton.Close)
    show.setObjectName("bundleShowInFolder")
    copy.setObjectName("bundleCopyPath")
    show.clicked.connect(lambda: show_in_folder(path))
    copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(path))
    return box


def show_in_folder(path: str) -> bool:
    """Open the folder holding ``path`` in the file manager; its path goes on the clipboard when none opens."""
    folder = os.path.dirname(path) or "."
    if QDesktopServices.openUrl(QUrl.fromLocalFile(folder)):
        return True
    QGuiApplication.clipboard().setText(path)
    return False


def show_exported(parent: QWidget | None, path: str) -> QMessageBox:
    """Show :func:`exported_message` (window-modal, not blocking) and return it."""
    box = exported_message(parent, path)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.open()
    return box
