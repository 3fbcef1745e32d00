"""The Registries tab: the filter box and the registry tree on the left, the current row's details on the right."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QModelIndex, Qt
from PyQt6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..models import DATA_ROLE, SORT_ROLE
from ..models.registry_tree import FILE, MODULE, RegistryTreeModel
from .details import DetailsPane
from .filter_bar import FilterBar, make_proxy


class RegistryPage(QWidget):
    """Registries -> plugins (and what did not register) as a filterable tree, with a details pane."""

    #: A registry with more rows than this starts collapsed: laying out thousands of expanded rows on every
    #: filter keystroke costs more than the 100 ms a keystroke may take. A filter showing fewer expands all.
    EXPAND_LIMIT = 500
    #: Widest each column may start (Name, Plugins, Class / reason, Status, File, Library; Module takes the rest):
    #: the File column starts on screen in a 1280 px window. The user may widen them.
    START_WIDTHS = (190, 70, 220, 90, 250, 150)

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
        # Paths and dotted module names are cut on the left: their end (the file, the module) tells rows apart.
        self._left_elide = LeftElideDelegate(self.tree)
        for column in (FILE, MODULE):
            self.tree.setItemDelegateForColumn(column, self._left_elide)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Column widths from the rows on screen and a few more, not 1000 rows per column (~0.3 s at 10 000).
        header.setResizeContentsPrecision(100)
        self.filter_bar.applied.connect(self._filtered)
        self.details = DetailsPane(explain, self)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        left = QWidget(self.splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter_bar)
        # The tree, or in its place the explanation of an empty result (never a blank pane).
        self.empty_label = QLabel(left)
        self.empty_label.setObjectName("emptyRegistries")
        self.empty_label.setWordWrap(True)
        self.empty_label.setTextFormat(Qt.TextFormat.RichText)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.empty_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.empty_label.setMargin(16)
        self.stack = QStackedWidget(left)
        self.stack.addWidget(self.tree)
        self.stack.addWidget(self.empty_label)
        left_layout.addWidget(self.stack, 1)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([820, 460])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)

    def show_registries(
        self,
        registries: list[dict[str, Any]],
        empty_reason: str | None = None,
        looked_for: str = "",
        from_file: bool = False,
    ) -> None:
        """Show ``inventory()["registries"]``: small registries expanded, columns fitted, a row current.

        No registry: the explanation (``empty_reason``, what was ``looked_for``, what to try) in the tree's place.
        """
        self.model.set_registries(registries)
        if not registries:
            self.show_empty(empty_reason or "the targets declare no registries", looked_for, from_file)
            self.filter_bar.set_total(0)
            return
        self.stack.setCurrentWidget(self.tree)
        self._expand_small_registries()
        for column, widest in enumerate(self.START_WIDTHS):
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, min(self.tree.columnWidth(column), widest))
        if not self.tree.currentIndex().isValid() and self.proxy.rowCount():
            # Start with something in the details pane rather than an empty one.
            self.tree.setCurrentIndex(self.proxy.index(0, 0))
        self.filter_bar.set_total(self.model.leaf_count())

    def show_empty(self, reason: str, looked_for: str = "", from_file: bool = False) -> None:
        """The empty result, explained: what was looked for, why nothing was found, what to try. ``from_file``:
        a snapshot or bundle on show (or a worker's), where opening a target here would not be the fix."""
        import html

        if from_file:
            self.empty_label.setText(
                "<h3>No registries in what is on show</h3>" + f"<p><b>Why</b>: {html.escape(reason)}</p>"
                "<p><b>Try</b>: the other tabs show what it does carry; <b>Back to live</b> (in the banner) "
                "inspects this machine's environment; a bundle exported with its <i>registries</i> section "
                "ticked carries them.</p>"
            )
            self.stack.setCurrentWidget(self.empty_label)
            self.details.show_message("No registries: nothing to show details of. The explanation is on the left.")
            return
        self.empty_label.setText(
            "<h3>No registries found</h3>"
            + (f"<p><b>Looked for</b>: {html.escape(looked_for)}</p>" if looked_for else "")
            + f"<p><b>Why</b>: {html.escape(reason)}</p>"
            "<p><b>Try</b>:</p><ul>"
            "<li><b>File ▸ Open target…</b> (Ctrl+O): a module that declares registries (registry_core or "
            "metaclass-registry), or <code>entry-points:GROUP</code>; <code>entry-points</code> lists every group</li>"
            "<li><b>File ▸ Open environment…</b> (Ctrl+Shift+O): the virtual environment the plugins are installed "
            "in</li></ul>"
        )
        self.stack.setCurrentWidget(self.empty_label)
        self.details.show_message("No registries: nothing to show details of. The explanation is on the left.")

    def is_empty(self) -> bool:
        """Whether the explanation of an empty result stands in the tree's place."""
        return self.stack.currentWidget() is self.empty_label

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

    def _filtered(self, shown: int, _total: int) -> None:
        self._expand_small_registries(shown)
        if not self.tree.currentIndex().isValid() and not self.is_empty():
            # The filter hid the current row (Qt says nothing of it): its details would describe a row nobody
            # sees, and "Invalidate selected" would act on it.
            self.details.show_message(
                "Nothing selected: the filter hides the row that was. Click a row to see its details."
                if shown
                else "No row matches the filter."
            )


class LeftElideDelegate(QStyledItemDelegate):
    """``…/microscopes/imagexpress.py``: a cell too narrow for its text loses the start, not the end."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802 - Qt's name
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft


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
