"""A debounced filter box over a tree: optional regex, invalid regex marked, "shown x of y"."""

from __future__ import annotations

import re
from typing import Any

from PyQt6.QtCore import QModelIndex, QRegularExpression, QSortFilterProxyModel, Qt, QTimer, pyqtSignal
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

    #: A pattern that matches nothing: an invalid one shows no row rather than the last valid one's (stale).
    NOTHING = "(?!)"

    def apply(self) -> None:
        text = self.edit.text()
        error = ""
        if self.regex.isChecked():
            try:
                re.compile(text)
            except re.error as exc:
                error = f"invalid pattern: {exc}"
        self.edit.setProperty("invalid", bool(error))
        self.edit.setStyleSheet("QLineEdit { border: 2px solid #d32f2f; }" if error else "")
        self.edit.setToolTip(error)
        if error:
            self.proxy.setFilterRegularExpression(self.NOTHING)
        else:
            self.proxy.setFilterRegularExpression(text if self.regex.isChecked() else re.escape(text))
        shown = count_leaves(self.proxy)
        # The error inline, where the count was: the tree below is empty, and this says why.
        self.count.setText(error or f"shown {shown} of {self.total}")
        self.count.setStyleSheet("QLabel { color: #d32f2f; }" if error else "")
        self.count.setToolTip(error)
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


class TreeFilterProxy(QSortFilterProxyModel):
    """Recursive filtering of a ``TreeModelBase`` done in Python over each node's display cells.

    Same rows as Qt's recursive filter on the display role (a row shows when one of its cells, or one
    of a descendant's, matches), but one Python call per row, each node tested once per filter, instead
    of Qt asking the Python model for an index and the data of every column, plus an index and a row
    count for every rejected row: a keystroke at 10 000 plugins took ~0.6-1.3 s, now tens of ms.
    Patterns Python's ``re`` cannot compile (a wildcard's ``\\z``), another filter role or a source
    that is not a node tree use Qt's own matching.
    """

    _UNSET = object()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._search: Any = self._UNSET
        self._memo: dict[Any, bool] = {}  # node -> matches (itself or a descendant), for the current filter
        self._texts: dict[Any, tuple[tuple, str]] = {}  # node -> (its cells, the text searched), per key column

    def _forget(self) -> None:
        self._search = self._UNSET
        self._memo = {}

    def _forget_texts(self) -> None:
        self._forget()
        self._texts = {}

    def setSourceModel(self, source: Any) -> None:  # noqa: N802 - Qt's name
        self._forget_texts()
        super().setSourceModel(source)
        if source is not None:
            source.modelAboutToBeReset.connect(self._forget_texts)

    # Every way of changing the filter drops the compiled pattern; it is rebuilt on first use.
    def setFilterRegularExpression(self, pattern: Any) -> None:  # noqa: N802
        self._forget()
        super().setFilterRegularExpression(pattern)

    def setFilterFixedString(self, pattern: str) -> None:  # noqa: N802
        self._forget()
        super().setFilterFixedString(pattern)

    def setFilterWildcard(self, pattern: str) -> None:  # noqa: N802
        self._forget()
        super().setFilterWildcard(pattern)

    def setFilterCaseSensitivity(self, cs: Qt.CaseSensitivity) -> None:  # noqa: N802
        self._forget()
        super().setFilterCaseSensitivity(cs)

    def setFilterKeyColumn(self, column: int) -> None:  # noqa: N802
        self._forget_texts()
        super().setFilterKeyColumn(column)

    def setFilterRole(self, role: int) -> None:  # noqa: N802
        self._forget()
        super().setFilterRole(role)

    def _compile(self) -> Any:
        """True: accept every row; None: use Qt's matching; else a matcher ``node -> bool``."""
        expression = self.filterRegularExpression()
        pattern = expression.pattern()
        if not pattern:
            return True
        if self.filterRole() != Qt.ItemDataRole.DisplayRole or not hasattr(self.sourceModel(), "_node"):
            return None
        insensitive = expression.patternOptions() & QRegularExpression.PatternOption.CaseInsensitiveOption
        column = self.filterKeyColumn()
        # All columns: one search over the cells joined by newlines, with ^ and $ matching at each
        # cell's edges (MULTILINE), instead of one search per cell: a pattern that matches no cell
        # cost five searches per row. Only an explicit newline class could match across two cells.
        flags = (re.IGNORECASE if insensitive else 0) | (re.MULTILINE if column < 0 else 0)
        try:
            search = re.compile(pattern, flags).search
        except re.error:
            return None
        memo = self._memo
        texts = self._texts

        def text_of(node: Any) -> str:
            cached = texts.get(node)
            if cached is None or cached[0] is not node.cells:  # cells replaced: the row was updated
                cells = node.cells if column < 0 else node.cells[column : column + 1]
                cached = (node.cells, "\n".join(c if c.__class__ is str else str(c) for c in cells if c is not None))
                texts[node] = cached
            return cached[1]

        def matches(node: Any) -> bool:
            found = memo.get(node)
            if found is None:
                found = search(text_of(node)) is not None
                if not found and node.children:
                    found = any(matches(child) for child in node.children)
                memo[node] = found
            return found

        return matches

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802
        if self._search is self._UNSET:
            self._search = self._compile()
        if self._search is True:
            return True
        if self._search is None:
            return self._qt_accepts(source_row, source_parent)
        return self._search(self.sourceModel()._node(source_parent).children[source_row])

    def _qt_accepts(self, source_row: int, source_parent: QModelIndex) -> bool:
        if super().filterAcceptsRow(source_row, source_parent):
            return True
        source = self.sourceModel()
        index = source.index(source_row, 0, source_parent)
        return any(self._qt_accepts(row, index) for row in range(source.rowCount(index)))


def make_proxy(source, sort_role: int) -> QSortFilterProxyModel:  # type: ignore[no-untyped-def]
    from ..models._tree import TreeModelBase

    if isinstance(source, TreeModelBase):  # filtered in Python, recursing itself
        proxy = TreeFilterProxy()
        proxy.setSourceModel(source)
    else:
        proxy = QSortFilterProxyModel()
        proxy.setSourceModel(source)
        proxy.setRecursiveFilteringEnabled(True)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    proxy.setSortRole(sort_role)
    return proxy
