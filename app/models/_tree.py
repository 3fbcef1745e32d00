"""The plumbing every read-only tree model here shares: a node tree and the QAbstractItemModel walk over it.

Subclasses build ``TreeNode`` trees from report documents and implement ``data()``.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QAbstractItemModel, QModelIndex, Qt


class TreeNode:
    """One row: its kind, the dict it shows, its display cells, and the group (registry/enum) it belongs to."""

    __slots__ = ("kind", "data", "parent", "children", "row", "cells", "group", "cache")

    def __init__(self, kind: str, data: dict[str, Any], parent: TreeNode | None, cells: tuple, group: str) -> None:
        self.kind = kind
        self.data = data
        self.parent = parent
        self.children: list[TreeNode] = []
        self.row = 0
        self.cells = cells
        self.group = group
        self.cache: Any = False  # per-node memo for a subclass (e.g. a drawn swatch); False = not computed

    def add(self, node: TreeNode) -> TreeNode:
        node.row = len(self.children)
        self.children.append(node)
        return node


class TreeModelBase(QAbstractItemModel):
    """Index/parent/row/column/header/flags for a ``TreeNode`` tree with fixed ``COLUMNS``."""

    COLUMNS: tuple[str, ...] = ()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = TreeNode("root", {}, None, (), "")

    def set_root(self, root: TreeNode) -> None:
        self.beginResetModel()
        self._root = root
        self.endResetModel()

    def _node(self, index: QModelIndex) -> TreeNode:
        return index.internalPointer() if index.isValid() else self._root

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        if column < 0 or column >= len(self.COLUMNS) or row < 0:
            return QModelIndex()
        if parent.isValid() and parent.column() != 0:
            return QModelIndex()
        node = self._node(parent)
        if row >= len(node.children):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node: TreeNode = index.internalPointer()
        parent = node.parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return len(self.COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.COLUMNS)
        ):
            return self.COLUMNS[section]
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        # Constants (an enum ``|`` per call is slow), and leaves say so: the view skips child checks for them.
        return _FLAGS if index.internalPointer().children else _LEAF_FLAGS


_FLAGS = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
#: Nodes only change in a model reset, so a node without children never gets one.
_LEAF_FLAGS = _FLAGS | Qt.ItemFlag.ItemNeverHasChildren
