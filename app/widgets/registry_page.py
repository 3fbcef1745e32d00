"""The Registries tab: the filter box and the registry tree on the left, the current row's details on the right."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QModelIndex, Qt
from PyQt6.QtWidgets import QHeaderView, QSplitter, QStyle, QTreeView, QVBoxLayout, QWidget

from ..models import DATA_ROLE, SORT_ROLE
from ..models.registry_tree import RegistryTreeModel
from .details import DetailsPane
from .filter_bar import FilterBar, make_proxy


class RegistryPage(QWidget):
    """Registries -> plugins (and what did not register) as a filterable tree, with a details pane."""

    #: A registry with more rows than this starts collapsed: laying out thousands of expanded rows on every
    #: filter keystroke costs more than the 100 ms a keystroke may take. A filter showing fewer expands all.
    EXPAND_LIMIT = 500
    #: Widest each column may start (Name, Class / reason, Status, Module); the user may widen them.
    START_WIDTHS = (240, 320, 110, 300)

    def __init__(self, explain: Callable[[str, str], str], parent: QWidget | None = None) -> None:
        """``explain(registry, name)`` gives the words on why ``name`` is (not) registered."""
        super().__init__(parent)
        self.model = RegistryTreeModel(self)
        self.model.set_icons(_outcome_icons(self.style()))
        self.proxy = make_proxy(self.model, SORT_ROLE)
        self.filter_bar = FilterBar(self.proxy, self)
        self.tree = QTreeView(self)
        self.tree.setObjectName("registryTree")
        self.tree.setModel(self.proxy)
        self.tree.setSortingEnabled(True)
        # Source order until the user clicks a header: plugins first, then what did not register.
        self.tree.header().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Column widths from the rows on screen and a few more, not 1000 rows per column (~0.3 s at 10 000).
        header.setResizeContentsPrecision(100)
        self.filter_bar.applied.connect(lambda shown, _total: self._expand_small_registries(shown))
        self.details = DetailsPane(explain, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(self.splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter_bar)
        left_layout.addWidget(self.tree, 1)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([820, 460])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

    def show_registries(self, registries: list[dict[str, Any]]) -> None:
        """Show ``inventory()["registries"]``: small registries expanded, columns fitted, a row current."""
        self.model.set_registries(registries)
        self._expand_small_registries()
        for column, widest in enumerate(self.START_WIDTHS):
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, min(self.tree.columnWidth(column), widest))
        if not self.tree.currentIndex().isValid() and self.proxy.rowCount():
            # Start with something in the details pane rather than an empty one.
            self.tree.setCurrentIndex(self.proxy.index(0, 0))
        self.filter_bar.set_total(self.model.leaf_count())

    def current_item(self) -> dict[str, Any] | None:
        """The current row's document, or None."""
        index = self.tree.currentIndex()
        return index.data(DATA_ROLE) if index.isValid() else None

    def _expand_small_registries(self, shown: int | None = None) -> None:
        proxy = self.proxy
        if shown is not None and shown <= self.EXPAND_LIMIT:
            self.tree.expandToDepth(0)
            return
        for row in range(proxy.rowCount()):
            index = proxy.index(row, 0)
            self.tree.setExpanded(index, proxy.rowCount(index) <= self.EXPAND_LIMIT)

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.details.show_item(current.data(DATA_ROLE) if current.isValid() else None)


def _outcome_icons(style: QStyle) -> dict[str, Any]:
    """The style's own icons, by row kind: they follow the platform and the theme."""
    pixmap = QStyle.StandardPixmap
    return {
        "registry": style.standardIcon(pixmap.SP_DirIcon),
        "plugin": style.standardIcon(pixmap.SP_DialogApplyButton),
        "secondary": style.standardIcon(pixmap.SP_ArrowRight),
        "failure": style.standardIcon(pixmap.SP_MessageBoxCritical),
        "skipped": style.standardIcon(pixmap.SP_MessageBoxWarning),
        "duplicate": style.standardIcon(pixmap.SP_BrowserStop),
        "excluded": style.standardIcon(pixmap.SP_DialogCancelButton),
    }
