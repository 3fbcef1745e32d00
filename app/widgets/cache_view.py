"""The Caches tab: one row per cache file, its state as a badge; and the status bar's one-line summary."""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from ..models import DATA_ROLE, SORT_ROLE
from ..models.cache_table import CacheTableModel
from .filter_bar import make_proxy


class CacheView(QTableView):
    """A sortable table over ``cache_inventory()``; long paths lose their middle, not their file name."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cacheTable")
        self.cache_model = CacheTableModel(self)
        self.proxy = make_proxy(self.cache_model, SORT_ROLE)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setAlternatingRowColors(True)
        # One line per cache.
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show_document(self, caches: dict[str, Any]) -> None:
        self.cache_model.set_document(caches)
        # Fit every column but the path, which takes what is left (eliding its middle) instead of scrolling.
        for column in range(7):
            self.resizeColumnToContents(column)
        self.setColumnWidth(0, min(self.columnWidth(0), 260))
        self.setColumnWidth(2, min(self.columnWidth(2), 360))
        self.horizontalHeader().setSectionResizeMode(7, QHeaderView.ResizeMode.Stretch)

    def current_item(self) -> dict[str, Any] | None:
        """The current row's document, or None."""
        index = self.currentIndex()
        return index.data(DATA_ROLE) if index.isValid() else None


def cache_summary(caches: dict[str, Any]) -> str:
    """``Caches: 5 valid, 2 stale`` (counts per state, by state name)."""
    states: dict[str, int] = {}
    for row in caches.get("caches", []):
        states[row["state"]] = states.get(row["state"], 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
    return f"Caches: {summary or 'none'}"
