"""The Enums tab: every generated enum with its cache state, and its members (colormaps with swatches)."""

from __future__ import annotations

import html
from typing import Any

from PyQt6.QtCore import QEvent, QModelIndex, QRectF, QSize, Qt
from PyQt6.QtGui import QBrush, QPainter, QPalette
from PyQt6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from ..models import DATA_ROLE, KIND_ROLE, SORT_ROLE, home_short
from ..models.enum_tree import ENUM, SWATCH_HEIGHT, SWATCH_WIDTH, EnumTreeModel
from .filter_bar import make_proxy

STATE_COLUMN = 2

EMPTY_TEXT = (
    "No enums yet: the inspected targets create no colormap or component enums, "
    "or they have not been built in this session."
)
#: Enums with at most this many members in all start expanded.
EXPAND_LIMIT = 400


class EnumDelegate(QStyledItemDelegate):
    """Roomier rows (swatches do not touch), and the cache state as a rounded badge that stays
    readable on a selected row (a plain background role would be hidden by the selection)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:  # noqa: N802
        size = super().sizeHint(option, index)
        return QSize(size.width(), max(size.height() + 6, SWATCH_HEIGHT + 8))

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        background = index.data(Qt.ItemDataRole.BackgroundRole)
        if index.column() != STATE_COLUMN or not isinstance(background, QBrush):
            super().paint(painter, option, index)
            return
        # Selection/hover background without the text, then the badge on top.
        plain = QStyleOptionViewItem(option)
        self.initStyleOption(plain, index)
        plain.text = ""
        plain.backgroundBrush = QBrush()
        style = plain.widget.style() if plain.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, plain, painter, plain.widget)
        text = str(index.data(Qt.ItemDataRole.DisplayRole) or "")
        metrics = option.fontMetrics
        width = min(option.rect.width() - 8, metrics.horizontalAdvance(text) + 16)
        height = min(option.rect.height() - 4, metrics.height() + 4)
        rect = QRectF(
            option.rect.left() + (option.rect.width() - width) / 2,
            option.rect.top() + (option.rect.height() - height) / 2,
            width,
            height,
        )
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(rect, height / 2, height / 2)
        foreground = index.data(Qt.ItemDataRole.ForegroundRole)
        painter.setPen(foreground.color() if isinstance(foreground, QBrush) else Qt.GlobalColor.white)
        painter.drawText(rect, int(Qt.AlignmentFlag.AlignCenter), text)
        painter.restore()


class EnumsPanel(QWidget):
    """Filter box, enum -> member tree, and the selected enum's cache file and state."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("enumsPanel")
        self.model = EnumTreeModel(self)
        screen = self.screen()
        self.model.swatch_ratio = screen.devicePixelRatio() if screen is not None else 1.0
        self.proxy = make_proxy(self.model, SORT_ROLE)
        self.filter_edit = QLineEdit(self)
        self.filter_edit.setObjectName("enumFilter")
        self.filter_edit.setPlaceholderText("Filter enums and members…")
        self.filter_edit.setClearButtonEnabled(True)
        self.filter_edit.textChanged.connect(self._apply_filter)
        self.count_label = QLabel(self)
        self.count_label.setObjectName("enumCount")
        self.tree = QTreeView(self)
        self.tree.setObjectName("enumTree")
        self.tree.setModel(self.proxy)
        self.tree.setSortingEnabled(True)
        self.tree.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setIconSize(QSize(SWATCH_WIDTH, SWATCH_HEIGHT))
        self.delegate = EnumDelegate(self.tree)
        self.tree.setItemDelegate(self.delegate)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.tree.selectionModel().currentChanged.connect(self._current_changed)
        self.details = QLabel(self)
        self.details.setObjectName("enumDetails")
        self.details.setWordWrap(True)
        self.details.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.details.setTextFormat(Qt.TextFormat.RichText)
        self.empty_label = QLabel(EMPTY_TEXT, self)
        self.empty_label.setObjectName("enumsEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        font = self.empty_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        self.empty_label.setFont(font)
        self.empty_label.setContentsMargins(40, 40, 40, 40)
        page = QWidget(self)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.filter_edit, 1)
        top.addWidget(self.count_label)
        page_layout.addLayout(top)
        page_layout.addWidget(self.tree, 1)
        page_layout.addWidget(self.details)
        self.stack = QStackedWidget(self)
        self.stack.addWidget(self.empty_label)
        self.stack.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.stack)
        self.set_enums([])

    def set_enums(self, docs: list[dict[str, Any]] | None) -> None:
        self.model.set_enums(docs or [])
        has_enums = self.model.enum_count() > 0
        self.stack.setCurrentIndex(1 if has_enums else 0)
        enums, members = self.model.enum_count(), self.model.member_count()
        self.count_label.setText(
            f"{enums} enum{'s' if enums != 1 else ''} · {members} member{'s' if members != 1 else ''}"
        )
        if members <= EXPAND_LIMIT:
            self.tree.expandToDepth(0)
        self.tree.resizeColumnToContents(0)
        self.tree.setColumnWidth(0, max(220, min(self.tree.columnWidth(0) + 24, 380)))
        self.tree.resizeColumnToContents(1)
        self.tree.setColumnWidth(1, min(max(self.tree.columnWidth(1), 140), 280))
        self.tree.setColumnWidth(2, 90)
        self._show_details(None)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 - Qt's name
        super().changeEvent(event)
        if event.type() in (QEvent.Type.PaletteChange, QEvent.Type.ApplicationPaletteChange):
            self._mute()

    def _mute(self) -> None:
        """Hints in the palette's placeholder colour: muted, yet readable in light and dark themes."""
        palette = self.palette()
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        normal = palette.color(QPalette.ColorRole.WindowText)
        for label, quiet in ((self.empty_label, True), (self.details, getattr(self, "_muted_details", True))):
            own = label.palette()
            own.setColor(QPalette.ColorRole.WindowText, muted if quiet else normal)
            label.setPalette(own)

    def _apply_filter(self, text: str) -> None:
        self.proxy.setFilterFixedString(text)
        if text:
            self.tree.expandAll()

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self._show_details(None)
            return
        index = current.siblingAtColumn(0)
        if index.data(KIND_ROLE) != ENUM:
            index = index.parent()
        self._show_details(index.data(DATA_ROLE))

    def _show_details(self, doc: dict[str, Any] | None) -> None:
        if not doc:
            self.details.setText("Select an enum or member to see its cache file.")
            self._muted_details = True
            self._mute()
            return
        self._muted_details = False
        self._mute()
        esc = lambda v: html.escape("" if v is None else str(v))  # noqa: E731
        state = doc.get("cache_state") or "unknown"
        reason = f": {esc(home_short(doc['cache_reason']))}" if doc.get("cache_reason") else ""
        path = f"<br>Cache file: <code>{esc(home_short(doc['cache_path']))}</code>" if doc.get("cache_path") else ""
        self.details.setText(
            f"<b>{esc(doc.get('name'))}</b> ({esc(doc.get('kind') or 'enum')}) · "
            f"cache <b>{esc(state)}</b>{reason}{path}"
        )
