"""A debounced filter box over a tree: optional regex, invalid regex marked, "shown x of y"."""

from __future__ import annotations

import re

from PyQt6.QtCore import QSortFilterProxyModel, Qt, QTimer, pyqtSignal
from PyQt6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QLineEdit, QWidget


class FilterBar(QWidget):
    """Applies its text to a QSortFilterProxyModel 150 ms after the last keystroke."""

    applied = pyqtSignal(int, int)  # shown, total

    DEBOUNCE_MS = 150

    def __init__(self, proxy: QSortFilterProxyModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.proxy = proxy
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("Filter registries, keys, classes, modules, reasons…  (Ctrl+F)")
        self.edit.setClearButtonEnabled(True)
        self.edit.setObjectName("filterEdit")
        self.regex = QCheckBox("Regex", self)
        self.count = QLabel(self)
        self.count.setObjectName("filterCount")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(self.regex)
        layout.addWidget(self.count)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.DEBOUNCE_MS)
        self._timer.timeout.connect(self.apply)
        self.edit.textChanged.connect(lambda _text: self._timer.start())
        self.regex.toggled.connect(lambda _on: self.apply())
        self.total = 0

    def apply(self) -> None:
        text = self.edit.text()
        valid = True
        if self.regex.isChecked():
            try:
                re.compile(text)
            except re.error as exc:
                valid = False
                self.edit.setToolTip(f"invalid regular expression: {exc}")
        self.edit.setProperty("invalid", not valid)
        self.edit.setStyleSheet("" if valid else "QLineEdit { border: 2px solid #d32f2f; }")
        if valid:
            self.edit.setToolTip("")
            pattern = text if self.regex.isChecked() else re.escape(text)
            self.proxy.setFilterRegularExpression(pattern)
        shown = count_leaves(self.proxy)
        self.count.setText(f"shown {shown} of {self.total}")
        self.applied.emit(shown, self.total)

    def set_total(self, total: int) -> None:
        self.total = total
        self.apply()


def count_leaves(model) -> int:  # type: ignore[no-untyped-def]
    """Rows under the top-level rows (plugins, failures, skips) that the proxy shows."""
    shown = 0
    for row in range(model.rowCount()):
        shown += model.rowCount(model.index(row, 0))
    return shown


def make_proxy(source, sort_role: int) -> QSortFilterProxyModel:  # type: ignore[no-untyped-def]
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(source)
    proxy.setRecursiveFilteringEnabled(True)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setSortRole(sort_role)
    return proxy
