"""Tree of registries -> plugins -> secondary entries, with each registry's failures and skips."""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QModelIndex, Qt
from PyQt6.QtGui import QBrush, QColor

from .. import theme
from . import DATA_ROLE, KIND_ROLE, SORT_ROLE, home_short
from ._tree import TreeModelBase
from ._tree import TreeNode as _Node

COLUMNS = ("Name", "Plugins", "Class / reason", "Status", "File", "Distribution", "Library", "Module")
#: Columns by name (the cells below are in this order).
NAME, COUNT, CLASS, STATUS, FILE, DISTRIBUTION, LIBRARY, MODULE = range(len(COLUMNS))

# Node kinds.
REGISTRY = "registry"
PLUGIN = "plugin"
SECONDARY = "secondary"
FAILURE = "failure"
SKIPPED = "skipped"
DUPLICATE = "duplicate"
EXCLUDED = "excluded"

#: Foreground brushes of the rows that did not register (built once: ``data`` runs per visible cell).
_OUTCOME_BRUSHES = {kind: QBrush(QColor(colour)) for kind, colour in theme.OUTCOME_COLOURS.items()}


def library_label(reg: dict[str, Any]) -> str:
    """``metaclass_registry 0.4.1``: the library that built a registry, with its version."""
    library = reg.get("library") or {}
    return " ".join(str(library[k]) for k in ("name", "version") if library.get(k))


def _registry_cells(reg: dict[str, Any]) -> tuple:
    # The counts in a column of their own; the Class column holds the registry's base class.
    problems = _problems(reg)
    count = f"{len(reg['plugins'])}" + (f" (+{problems})" if problems else "")
    source = {"cache": "from cache", "discovery": "discovered"}.get(reg["source"], reg["source"])
    if reg.get("partial"):
        source = "partial"
    return (reg["name"], count, reg["base"] or "", source, "", "", library_label(reg), reg["package"] or "")


def _problems(reg: dict[str, Any]) -> int:
    return len(reg["failures"]) + len(reg["skipped"])


def _cells(name: str, what: str, status: str, file: str | None, distribution: str, module: str) -> tuple:
    """A row's cells in column order (no count, no library: only registries have them); the file with ``~``.

    ``distribution`` is the installed distribution that provides the plugin, with its version (as napari's
    plugin list shows it): an entry point's, or the one another library's plugin module belongs to."""
    return (name, "", what, status, home_short(file or ""), distribution, "", module)


def build_tree(registries: list[dict[str, Any]]) -> _Node:
    """Plain-Python tree from ``inventory()["registries"]``; the model only serves it."""
    root = _Node("root", {}, None, (), "")
    for reg in registries:
        name = reg["name"]
        rnode = root.add(_Node(REGISTRY, reg, root, _registry_cells(reg), name))
        for plugin in reg["plugins"]:
            status = "loaded" if plugin["loaded"] else "from cache"
            pnode = rnode.add(
                _Node(
                    PLUGIN,
                    plugin,
                    rnode,
                    _cells(
                        str(plugin["key"]),
                        plugin["class"],
                        status,
                        plugin["file"],
                        plugin.get("distribution") or "",
                        plugin["module"],
                    ),
                    name,
                )
            )
            for attr, value in (plugin.get("secondary") or {}).items():
                label = next((s["name"] for s in reg["secondary"] if s["attr_name"] == attr and s["name"]), attr)
                pnode.add(
                    _Node(
                        SECONDARY,
                        {"attr_name": attr, "value": value, "registry": label},
                        pnode,
                        _cells(label, value, "secondary", "", "", value.rpartition(".")[0]),
                        name,
                    )
                )
        for failure in reg["failures"]:
            rnode.add(
                _Node(
                    FAILURE,
                    failure,
                    rnode,
                    _cells(
                        failure["module"].rpartition(".")[2],
                        failure["error"],
                        "import failed",
                        failure["file"],
                        failure.get("distribution") or "",
                        failure["module"],
                    ),
                    name,
                )
            )
        for skipped in reg["skipped"]:
            kind = DUPLICATE if skipped["status"] == "duplicate" else SKIPPED
            label = {
                "abstract": "abstract",
                "no_key": "no key",
                "inherited_key": "no own key",
                "duplicate": "duplicate key",
                "invalid_key": "invalid key",
                "module_failed": "rolled back",
            }.get(skipped["status"], skipped["status"])
            rnode.add(
                _Node(
                    kind,
                    skipped,
                    rnode,
                    _cells(skipped["class"], skipped["reason"], label, skipped["file"], "", skipped["module"]),
                    name,
                )
            )
        for excluded in reg.get("excluded", []):
            short_name = excluded["module"].rpartition(".")[2]
            rnode.add(
                _Node(
                    EXCLUDED,
                    excluded,
                    rnode,
                    _cells(short_name, excluded["reason"], "excluded", "", "", excluded["module"]),
                    name,
                )
            )
    return root


class RegistryTreeModel(TreeModelBase):
    """Read-only tree over the registry documents, with icons/colours per outcome and a numeric sort role."""

    COLUMNS = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._icons: dict[str, Any] = {}

    def set_registries(self, registries: list[dict[str, Any]]) -> None:
        self.set_root(build_tree(registries))

    def set_icons(self, icons: dict[str, Any]) -> None:
        self._icons = icons

    def leaf_count(self) -> int:
        return sum(len(r.children) for r in self._root.children)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return node.cells[column] if column < len(node.cells) else None
        if role == SORT_ROLE:
            if column == COUNT:
                return len(node.data.get("plugins", ())) if node.kind == REGISTRY else -1
            value = node.cells[column] if column < len(node.cells) else ""
            return value.lower() if isinstance(value, str) else value
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == FILE and node.data.get("file"):
                return node.data["file"]
            if node.kind == REGISTRY and column == COUNT:
                problems = _problems(node.data)
                return f"{len(node.data['plugins'])} plugins" + (
                    f", {problems} modules or classes not registered (their rows say why)" if problems else ""
                )
            if node.kind in (FAILURE, SKIPPED, DUPLICATE, EXCLUDED):
                return node.cells[CLASS]
            if node.kind == PLUGIN and node.data.get("doc"):
                return node.data["doc"]
            if node.kind == REGISTRY and node.data.get("partial"):
                return node.data.get("note") or "partial: only what registered once its modules were imported"
            return None
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            return self._icons.get(node.kind)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == COUNT:
            return Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
        if role == Qt.ItemDataRole.ForegroundRole and column in (CLASS, STATUS):
            if node.kind == REGISTRY and node.data.get("partial") and column == STATUS:
                return _OUTCOME_BRUSHES.get(SKIPPED)
            return _OUTCOME_BRUSHES.get(node.kind)
        if role == KIND_ROLE:
            return node.kind
        if role == DATA_ROLE:
            return _Item({"kind": node.kind, "registry": node.group, **node.data})
        return None


class _Item(dict):
    """A row's document. PyQt hands a dict subclass through as is; a plain dict became a QVariantMap and
    back, a deep copy of every plugin when a registry row was selected (~0.15 s at 10 000 plugins)."""
