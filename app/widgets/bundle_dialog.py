"""Choose what goes into the diagnostics bundle, whether to redact it, and where to write it."""

from __future__ import annotations

import os

from PyQt6.QtCore import QEvent, Qt
from PyQt6.QtGui import QBrush, QPalette
from PyQt6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

REDACT_TEXT = "Redact personal data (home folder, user name, secrets)"


class BundleDialog(QDialog):
    """``sections`` are ``(section_id, human_title)``; ``values()`` gives ``(path, redact, [section ids])``."""

    def __init__(self, sections: list[tuple[str, str]], default_path: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
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
        self.sections.itemChanged.connect(lambda _item: self._update())
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
        select_row = QHBoxLayout()
        select_row.addWidget(self.all_button)
        select_row.addWidget(self.none_button)
        select_row.addStretch(1)
        select_row.addWidget(self.count_label)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(QLabel("<b>Sections</b>", self))
        layout.addWidget(self.sections, 1)
        layout.addLayout(select_row)
        layout.addWidget(self.redact)
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
