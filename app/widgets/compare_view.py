"""The Compare tab: what differs between two snapshot documents, whoever made them.

Its input is a pair of snapshot documents (``show_pair``): the current view's and another's (a file, a
bundle, live, a remote worker's). It computes nothing itself but the diff (a pure core function) and shows
it through ``DiffModel``; getting the documents is the window's business, on a worker.
"""

from __future__ import annotations

import html
from typing import Any

from PyQt6.QtCore import Qt, pyqtSignal
from PyQt6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QTreeView, QVBoxLayout, QWidget

from registry_core.diagnostics import diff_snapshots

from .. import theme
from ..models.diff_model import DiffModel

__all__ = ["CompareView"]

EMPTY_TEXT = (
    "Compare what this window shows with a snapshot, a bug-report bundle or the live environment: "
    "File ▸ Compare with… (or the buttons here). Only what changes discovery is compared: registries and keys, "
    "the class and distribution behind each key, failing modules, cache states and the environment."
)


class CompareView(QWidget):
    """Side A (the current view) against side B, as a tree of differences grouped by kind."""

    #: The user asked to compare with a file (the window opens the file dialog).
    file_requested = pyqtSignal()
    #: The user asked to compare with the live environment.
    live_requested = pyqtSignal()
    #: A diff is on show (tests and screenshots wait on it).
    compared = pyqtSignal()

    def __init__(self, parent: QWidget | None = None, *, dark: bool = False) -> None:
        super().__init__(parent)
        self.dark = dark
        self.document: dict[str, Any] | None = None
        layout = QVBoxLayout(self)
        buttons = QHBoxLayout()
        self.file_button = QPushButton("Compare with snapshot or bundle…", self)
        self.file_button.setToolTip("Choose a snapshot (.json) or a bug-report bundle (.zip) as side B")
        self.live_button = QPushButton("Compare with live", self)
        self.live_button.setToolTip("Side B: this inspector's environment now (the same targets, discovered afresh)")
        self.file_button.clicked.connect(self.file_requested)
        self.live_button.clicked.connect(self.live_requested)
        buttons.addWidget(self.file_button)
        buttons.addWidget(self.live_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        self.heading = QLabel(EMPTY_TEXT, self)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.RichText)
        layout.addWidget(self.heading)
        self.model = DiffModel(self, dark=dark)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(False)
        self.tree.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        layout.addWidget(self.tree, 1)
        self.footer = QLabel("", self)
        self.footer.setWordWrap(True)
        layout.addWidget(self.footer)

    def show_pair(self, a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
        """Compare snapshot ``a`` (this view) with ``b``; returns the diff document shown."""
        document = diff_snapshots(a, b)
        self.show_diff(document)
        return document

    def show_diff(self, document: dict[str, Any]) -> None:
        self.document = document
        self.model.set_diff(document)
        self.tree.expandAll()
        self._fit_columns()
        self.heading.setText(self._heading(document))
        extra = [f"Not compared: {html.escape(line, quote=False)}" for line in document.get("not_compared") or []]
        extra.append("Ignored: " + html.escape(", ".join(document.get("ignored") or []), quote=False))
        self.footer.setText("<br>".join(extra))
        self.compared.emit()

    def _fit_columns(self) -> None:
        """Wide enough for a module:Class whole, never so wide that B's column leaves the view."""
        # A view not on show yet has no real width: its own (or the window's) is a better guess than none.
        available = self.tree.viewport().width() if self.isVisible() else max(self.width(), 1000)
        widest = max(280, (available - 40) * 2 // 5)
        for column in (0, 1):
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, min(widest, self.tree.columnWidth(column) + 24))

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self.document is not None:
            self._fit_columns()  # shown after the diff came (another tab was current): now the width is known

    def _heading(self, document: dict[str, Any]) -> str:
        c = theme.colors(self.dark)
        lines = [
            f"<b>A</b>: {html.escape(document['a']['label'], quote=False)}",
            f"<b>B</b>: {html.escape(document['b']['label'], quote=False)}",
        ]
        for side in ("a", "b"):
            for note in document[side].get("notes") or []:
                lines.append(
                    f"<span style='color:{c['muted']}'>{side.upper()}: {html.escape(note, quote=False)}</span>"
                )
        from registry_core.diagnostics import diff_verdict as verdict

        said = html.escape(verdict(document), quote=False)
        if document.get("same"):
            said = f"<b style='color:{c['warm']}'>Same</b>" + said.removeprefix("same")
        else:
            # (differences, or a part that could not be compared: never a green "Same")
            said = f"<b style='color:{c['accent']}'>{said[:1].upper() + said[1:]}</b>"
        lines.append(said)
        return "<br>".join(lines)

    def clear(self) -> None:
        self.document = None
        self.model.set_diff(None)
        self.heading.setText(EMPTY_TEXT)
        self.footer.setText("")
