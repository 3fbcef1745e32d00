"""One row per cache file: state badge, reason in words, path, size, age, item count."""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PyQt6.QtGui import QBrush, QColor

from registry_core.diagnostics import human_age, human_size

from .. import theme
from . import DATA_ROLE, SORT_ROLE, home_short

COLUMNS = ("Cache", "State", "Reason", "Size", "Age", "Items", "Library", "Path")


def _library(row: dict[str, Any]) -> str:
    """``metaclass_registry 0.4.1``: the library whose cache this is (registry_core for its own and the enums)."""
    library = row.get("library") or {}
    return " ".join(str(library[k]) for k in ("name", "version") if library.get(k))


class CacheTableModel(QAbstractTableModel):
    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._rows: list[dict[str, Any]] = []

    def set_document(self, document: dict[str, Any]) -> None:
        self.beginResetModel()
        rows = [dict(c) for c in document.get("caches", [])]
        for orphan in document.get("orphans", []):
            rows.append(
                {
                    "registry": orphan.get("registry") or orphan.get("owner") or "?",
                    "state": "orphan",
                    "reason": "no registry loaded here writes this file (renamed or removed?)",
                    "path": orphan["path"],
                    "size": orphan.get("size"),
                    "age_s": None,
                    "items": None,
                }
            )
        self._rows = rows
        self.endResetModel()

    def rows(self) -> list[dict[str, Any]]:
        return list(self._rows)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(COLUMNS)
        ):
            return COLUMNS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (
                row.get("registry"),
                row.get("state"),
                home_short(row.get("reason") or row.get("detail") or ""),
                human_size(row.get("size")),
                human_age(row.get("age_s")),
                "" if row.get("items") is None else str(row["items"]),
                _library(row),
                home_short(row.get("path") or ""),
            )[column]
        if role == SORT_ROLE:
            return (
                row.get("registry") or "",
                row.get("state") or "",
                row.get("reason") or "",
                row.get("size") or 0,
                row.get("age_s") or 0.0,
                row.get("items") or 0,
                _library(row),
                row.get("path") or "",
            )[column]
        if role == Qt.ItemDataRole.BackgroundRole and column == 1:
            return QBrush(QColor(theme.state_colour(row.get("state"))))
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QBrush(QColor(theme.BADGE_TEXT_COLOUR))
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 1:
            return Qt.AlignmentFlag.AlignCenter
        if role == Qt.ItemDataRole.ToolTipRole:
            # The cell's full text (a long name, reason or path may be cut on screen).
            if column == 0:
                return row.get("registry")
            if column == 7:
                return row.get("path")
            if column == 6:
                return _library(row) or None
            return home_short("\n".join(t for t in (row.get("reason"), row.get("detail")) if t)) or row.get("state")
        if role == DATA_ROLE:
            return row
        return None
