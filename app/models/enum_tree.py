"""Tree of enums -> members: each enum's cache state as a badge, each colormap member with its swatch."""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QModelIndex, QRectF, Qt
from PyQt6.QtGui import QBrush, QColor, QFont, QLinearGradient, QPainter, QPen, QPixmap

from .. import theme
from . import DATA_ROLE, KIND_ROLE, SORT_ROLE, home_short
from ._tree import TreeModelBase
from ._tree import TreeNode as _Node

COLUMNS = ("Name", "Value", "Cache", "Details")
ENUM = "enum"
MEMBER = "member"
#: Logical size of a colormap swatch (the view should use it as its icon size).
SWATCH_WIDTH, SWATCH_HEIGHT = 64, 12


def swatch_pixmap(
    colours: list[str], width: int = SWATCH_WIDTH, height: int = SWATCH_HEIGHT, ratio: float = 1.0
) -> QPixmap | None:
    """A horizontal gradient through ``colours`` (``#rrggbb``), or None when none of them is a colour."""
    stops = [QColor(c) for c in colours if isinstance(c, str)]
    stops = [c for c in stops if c.isValid()]
    if not stops:
        return None
    pixmap = QPixmap(int(width * ratio), int(height * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    rect = QRectF(0.5, 0.5, width - 1, height - 1)
    if len(stops) == 1:
        brush = QBrush(stops[0])
    else:
        gradient = QLinearGradient(rect.left(), 0, rect.right(), 0)
        for i, colour in enumerate(stops):
            gradient.setColorAt(i / (len(stops) - 1), colour)
        brush = QBrush(gradient)
    painter.setBrush(brush)
    # A neutral frame keeps near-white and near-black ends visible on either theme.
    painter.setPen(QPen(QColor(128, 128, 128, 160), 1))
    painter.drawRoundedRect(rect, 2, 2)
    painter.end()
    return pixmap


def _value_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return ", ".join(_value_text(v) for v in value)
    return repr(value)


def build_tree(enums: list[dict[str, Any]]) -> _Node:
    """Plain-Python tree from the enum documents; the model only serves it."""
    root = _Node("root", {}, None, (), "")
    for doc in enums or []:
        if not isinstance(doc, dict):
            continue
        name = str(doc.get("name") or "?")
        members = [m for m in doc.get("members") or [] if isinstance(m, dict)]
        kind = doc.get("kind") or "enum"
        count = f"{len(members)} member{'s' if len(members) != 1 else ''} · {kind}"
        state = doc.get("cache_state") or "unknown"
        details = doc.get("cache_reason") or home_short(doc.get("cache_path") or "")
        enode = root.add(_Node(ENUM, doc, root, (name, count, state, details), name))
        for member in members:
            extra = member.get("description") or member.get("source") or ""
            enode.add(
                _Node(
                    MEMBER,
                    member,
                    enode,
                    (str(member.get("name", "")), _value_text(member.get("value")), "", str(extra)),
                    name,
                )
            )
    return root


class EnumTreeModel(TreeModelBase):
    """Read-only tree over the enum documents: cache-state badges, swatches, a numeric sort role."""

    COLUMNS = COLUMNS

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.swatch_ratio = 1.0

    def set_enums(self, enums: list[dict[str, Any]] | None) -> None:
        self.set_root(build_tree(enums or []))

    def enum_count(self) -> int:
        return len(self._root.children)

    def member_count(self) -> int:
        return sum(len(e.children) for e in self._root.children)

    def _swatch(self, node: _Node) -> QPixmap | None:
        if node.cache is False:
            colours = node.data.get("swatch")
            node.cache = (
                swatch_pixmap(list(colours), ratio=self.swatch_ratio) if isinstance(colours, (list, tuple)) else None
            )
        return node.cache

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        node: _Node = index.internalPointer()
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return node.cells[column] if column < len(node.cells) else None
        if role == SORT_ROLE:
            if node.kind == ENUM and column == 1:
                return len(node.children)
            if node.kind == MEMBER and column == 1:
                value = node.data.get("value")
                if isinstance(value, (int, float)) and not isinstance(value, bool):
                    return value
            value = node.cells[column] if column < len(node.cells) else ""
            return value.lower() if isinstance(value, str) else value
        if role == Qt.ItemDataRole.FontRole and column == 0 and node.kind == ENUM:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.DecorationRole and column == 0 and node.kind == MEMBER:
            return self._swatch(node)
        if node.kind == ENUM and column == 2:
            if role == Qt.ItemDataRole.BackgroundRole:
                return QBrush(QColor(theme.state_colour(node.cells[2])))
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(QColor(theme.BADGE_TEXT_COLOUR))
            if role == Qt.ItemDataRole.TextAlignmentRole:
                return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            if node.kind == ENUM:
                doc = node.data
                lines = [
                    f"cache {doc.get('cache_state') or 'unknown'}"
                    + (f": {doc['cache_reason']}" if doc.get("cache_reason") else "")
                ]
                if doc.get("cache_path"):
                    lines.append(home_short(str(doc["cache_path"])))
                return "\n".join(lines)
            return f"{node.group}.{node.cells[0]} = {node.cells[1]}"
        if role == KIND_ROLE:
            return node.kind
        if role == DATA_ROLE:
            # The document itself ("kind" there is colormap/component); KIND_ROLE says enum or member.
            if node.kind == ENUM:
                return dict(node.data)
            return {**node.data, "enum": node.group}
        return None
