"""The Compare view's model: a diff document (``registry_core.diagnostics.diff_snapshots``) as a tree.

One group row per kind of difference (environment, registries, keys, plugins, failures, caches) with its
count, then one row per difference: what (with its registry), A's side, B's side. A side that is not there
reads "—" so an empty cell never looks like a missing value. Only what the document holds is shown.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QModelIndex, Qt
from PyQt6.QtGui import QColor

from registry_core.diagnostics import diff_kind_titles

from . import DATA_ROLE, KIND_ROLE, SORT_ROLE
from ._tree import TreeModelBase, TreeNode

__all__ = ["DiffModel", "ABSENT"]

#: A side that has nothing there (a key only in A, a variable unset in B).
ABSENT = "—"
#: The order of the groups: the environment first, since it explains the rest.
KINDS = ("environment", "registry", "key", "plugin", "failure", "cache")
#: A's side red, B's green, as diff tools show them; lighter on a dark background, where the deep ones fade.
_SIDE_COLOURS = {False: {"a": "#c62828", "b": "#2e7d32"}, True: {"a": "#ef9a9a", "b": "#81c784"}}


class DiffModel(TreeModelBase):
    COLUMNS = ("Difference", "A", "B")

    def __init__(self, parent: Any = None, *, dark: bool = False) -> None:
        super().__init__(parent)
        self.document: dict[str, Any] | None = None
        self.dark = dark

    def set_diff(self, document: dict[str, Any] | None) -> None:
        """Show ``document`` (None: nothing compared yet)."""
        self.document = document
        root = TreeNode("root", {}, None, (), "")
        titles = diff_kind_titles
        for kind in KINDS:
            found = [d for d in (document or {}).get("differences") or [] if d.get("kind") == kind]
            if not found:
                continue
            group = root.add(TreeNode("group", {"kind": kind, "count": len(found)}, root, (), kind))
            group.cells = (f"{titles.get(kind, kind)} ({len(found)})", "", "")
            for difference in found:
                node = group.add(TreeNode(kind, difference, group, (), kind))
                node.cells = (_what(difference), _side(difference.get("a")), _side(difference.get("b")))
        self.set_root(root)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: TreeNode = index.internalPointer()
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, SORT_ROLE):
            return node.cells[column] if column < len(node.cells) else ""
        if role == Qt.ItemDataRole.ToolTipRole:
            if node.kind == "group":
                return None
            return node.data.get("summary")
        if role == KIND_ROLE:
            return node.kind
        if role == DATA_ROLE:
            return node.data
        if role == Qt.ItemDataRole.ForegroundRole and node.kind != "group" and column in (1, 2):
            # Present on one side only: that side in its colour (red for A's, green for B's, as diff tools do).
            a, b = node.data.get("a"), node.data.get("b")
            if (a is None) != (b is None):
                side = "a" if column == 1 else "b"
                if node.data.get(side) is not None:
                    return QColor(_SIDE_COLOURS[self.dark][side])
            return None
        if role == Qt.ItemDataRole.FontRole and node.kind == "group" and column == 0:
            from PyQt6.QtGui import QFont

            font = QFont()
            font.setBold(True)
            return font
        return None

    def difference_count(self) -> int:
        return len((self.document or {}).get("differences") or [])


def _what(difference: dict[str, Any]) -> str:
    name = str(difference.get("name") or "")
    registry = difference.get("registry")
    if registry and difference.get("kind") in ("key", "plugin", "failure"):
        return f"{registry}: {name}"
    return name


def _side(value: Any) -> str:
    if value is None:
        return ABSENT
    if isinstance(value, list):
        return " · ".join(str(v) for v in value)
    return str(value)
