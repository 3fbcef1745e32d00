"""Tree of registries -> plugins -> secondary entries, with each registry's failures and skips."""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QAbstractItemModel, QModelIndex, Qt
from PyQt6.QtGui import QBrush, QColor

from . import DATA_ROLE, KIND_ROLE, SORT_ROLE

COLUMNS = ("Name", "Class / reason", "Status", "Module", "File")

# Node kinds.
REGISTRY = "registry"
PLUGIN = "plugin"
SECONDARY = "secondary"
FAILURE = "failure"
SKIPPED = "skipped"
DUPLICATE = "duplicate"
EXCLUDED = "excluded"

_STATUS_COLOURS = {
    FAILURE: QColor("#d32f2f"),
    DUPLICATE: QColor("#e65100"),
    SKIPPED: QColor("#b8860b"),
    EXCLUDED: QColor("#757575"),
}


class _Node:
    __slots__ = ("kind", "data", "parent", "children", "row", "cells", "registry")

    def __init__(self, kind: str, data: dict[str, Any], parent: "_Node | None", cells: tuple, registry: str) -> None:
        self.kind = kind
        self.data = data
        self.parent = parent
        self.children: list[_Node] = []
        self.row = 0
        self.cells = cells
        self.registry = registry

    def add(self, node: "_Node") -> "_Node":
        node.row = len(self.children)
        self.children.append(node)
        return node


def _registry_cells(reg: dict[str, Any]) -> tuple:
    problems = len(reg["failures"]) + len(reg["skipped"])
    summary = f"{len(reg['plugins'])} plugins" + (f", {problems} not registered" if problems else "")
    source = {"cache": "from cache", "discovery": "discovered"}.get(reg["source"], reg["source"])
    return (reg["name"], summary, source, reg["package"] or "", reg["base"] or "")


def build_tree(registries: list[dict[str, Any]]) -> _Node:
    """Plain-Python tree from ``inventory()["registries"]``; the model only serves it."""
    root = _Node("root", {}, None, (), "")
    for reg in registries:
        name = reg["name"]
        rnode = root.add(_Node(REGISTRY, reg, root, _registry_cells(reg), name))
        for plugin in reg["plugins"]:
            status = "loaded" if plugin["loaded"] else "from cache"
            pnode = rnode.add(_Node(PLUGIN, plugin, rnode,
                                    (str(plugin["key"]), plugin["class"], status, plugin["module"],
                                     plugin["file"] or ""), name))
            for attr, value in (plugin.get("secondary") or {}).items():
                label = next((s["name"] for s in reg["secondary"] if s["attr_name"] == attr and s["name"]), attr)
                pnode.add(_Node(SECONDARY, {"attr_name": attr, "value": value, "registry": label}, pnode,
                                (label, value, "secondary", value.rpartition(".")[0], ""), name))
        for failure in reg["failures"]:
            rnode.add(_Node(FAILURE, failure, rnode,
                            (failure["module"].rpartition(".")[2], failure["error"], "import failed",
                             failure["module"], failure["file"] or ""), name))
        for skipped in reg["skipped"]:
            kind = DUPLICATE if skipped["status"] == "duplicate" else SKIPPED
            label = {"abstract": "abstract", "no_key": "no key", "inherited_key": "no own key",
                     "duplicate": "duplicate key", "invalid_key": "invalid key",
                     "module_failed": "rolled back"}.get(skipped["status"], skipped["status"])
            rnode.add(_Node(kind, skipped, rnode,
                            (skipped["class"], skipped["reason"], label, skipped["module"], skipped["file"] or ""),
                            name))
        for excluded in reg.get("excluded", []):
            rnode.add(_Node(EXCLUDED, excluded, rnode,
                            (excluded["module"].rpartition(".")[2], excluded["reason"], "excluded",
                             excluded["module"], ""), name))
    return root


class RegistryTreeModel(QAbstractItemModel):
    """Read-only tree over the registry documents, with icons/colours per outcome and a numeric sort role."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._root = _Node("root", {}, None, (), "")
        self._icons: dict[str, Any] = {}

    def set_registries(self, registries: list[dict[str, Any]]) -> None:
        self.beginResetModel()
        self._root = build_tree(registries)
        self.endResetModel()

    def set_icons(self, icons: dict[str, Any]) -> None:
        self._icons = icons

    def leaf_count(self) -> int:
        return sum(len(r.children) for r in self._root.children)

    # -- QAbstractItemModel ------------------------------------------------------------
    def _node(self, index: QModelIndex) -> _Node:
        return index.internalPointer() if index.isValid() else self._root

    def index(self, row: int, column: int, parent: QModelIndex = QModelIndex()) -> QModelIndex:
        if column < 0 or column >= len(COLUMNS) or row < 0:
            return QModelIndex()
        node = self._node(parent)
        if row >= len(node.children):
            return QModelIndex()
        return self.createIndex(row, column, node.children[row])

    def parent(self, index: QModelIndex = QModelIndex()) -> QModelIndex:  # type: ignore[override]
        if not index.isValid():
            return QModelIndex()
        node: _Node = index.internalPointer()
        parent = node.parent
        if parent is None or parent is self._root:
            return QModelIndex()
        return self.createIndex(parent.row, 0, parent)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        if parent.isValid() and parent.column() != 0:
            return 0
        return len(self._node(parent).children)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(COLUMNS):
            return COLUMNS[section]
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return node.cells[column] if column < len(node.cells) else None
        if role == SORT_ROLE:
            if node.kind == REGISTRY and column == 1:
                return len(node.data.get("plugins", ()))
            value = node.cells[column] if column < len(node.cells) else ""
            return value.lower() if isinstance(value, str) else value
        if role == Qt.ItemDataRole.ToolTipRole:
            if node.kind in (FAILURE, SKIPPED, DUPLICATE, EXCLUDED):
                return node.cells[1]
            if node.kind == PLUGIN and node.data.get("doc"):
                return node.data["doc"]
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self._icons.get(node.kind)
        if role == Qt.ItemDataRole.ForegroundRole and column in (1, 2):
            colour = _STATUS_COLOURS.get(node.kind)
            return QBrush(colour) if colour is not None else None
        if role == KIND_ROLE:
            return node.kind
        if role == DATA_ROLE:
            return {"kind": node.kind, "registry": node.registry, **node.data}
        return None
