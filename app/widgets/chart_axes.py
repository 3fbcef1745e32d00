"""Axes for the Timing tab: named slots (registries, modules) and a log axis labelled in plain numbers."""

from __future__ import annotations

import math
import re
from typing import Any

import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QFontMetrics
from PyQt6.QtWidgets import QApplication


class CategoryAxis(pg.AxisItem):
    """An axis of named slots at 0, 1, 2 ...

    Bottom axis: each name on one line if it fits its slot, else on two lines; when some name fits
    neither, every name is drawn rotated (elided if very long). Left axis: one name per slot. Both
    thin their labels out when the slots get too small for text, so labels never overlap.
    """

    ROTATION = 40.0  # degrees, for crowded bottom labels
    MAX_ROTATED_PX = 150

    def __init__(self, orientation: str, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.categories: list[str] = []
        self._slot_px = 0.0
        self.rotated = False
        self._rotated_labels: dict[int, str] = {}
        #: Left axis: names longer than this are elided at the start (the end is the specific part).
        self.max_label_px: float | None = None
        self.enableAutoSIPrefix(False)

    def elide_dotted(self, name: str) -> str:
        """``name`` within ``max_label_px``: leading dotted components dropped first ("…io.napari_stream")."""
        metrics = self._metrics()
        room = int(self.max_label_px or 0)
        if metrics.horizontalAdvance(name) <= room:
            return name
        parts = re.split(r"(?<=[.…])", name)  # pieces keep their trailing "." or "…"
        for start in range(1, len(parts)):
            candidate = "…" + "".join(parts[start:])
            if metrics.horizontalAdvance(candidate) <= room:
                return candidate
        return metrics.elidedText(name, Qt.TextElideMode.ElideLeft, room)

    def set_max_label_px(self, px: float | None) -> None:
        if px != self.max_label_px:
            self.max_label_px = px
            self.picture = None
            self.update()

    def set_categories(self, names: list[str]) -> None:
        self.categories = list(names)
        if self._slot_px:
            self._choose_layout(self._slot_px)
        self.picture = None
        self.update()

    def _metrics(self) -> QFontMetrics:
        font = self.style.get("tickFont") or QApplication.font()
        return QFontMetrics(font)

    # -- horizontal labels ----------------------------------------------------------------------
    def horizontal_label(self, name: str, room: float) -> str | None:
        """``name`` on one line, or split on two lines at a space/``_``/``.``, if that fits ``room`` px."""
        metrics = self._metrics()
        if metrics.horizontalAdvance(name) <= room:
            return name
        words = name.replace("_", "_ ").replace(".", ". ").split()
        best = None
        for cut in range(1, len(words)):
            first = " ".join(words[:cut]).replace("_ ", "_").replace(". ", ".")
            second = " ".join(words[cut:]).replace("_ ", "_").replace(". ", ".")
            width = max(metrics.horizontalAdvance(first), metrics.horizontalAdvance(second))
            if best is None or width < best[0]:
                best = (width, f"{first}\n{second}")
        if best is not None and best[0] <= room:
            return best[1]
        return None

    def _choose_layout(self, slot_px: float) -> None:
        """Horizontal or rotated labels for this slot width, and the axis height they need."""
        if self.orientation not in ("top", "bottom"):
            return
        metrics = self._metrics()
        room = slot_px - 10
        labels = [self.horizontal_label(n, room) for n in self.categories]
        self.rotated = any(label is None for label in labels)
        if self.rotated:
            longest = min(self.MAX_ROTATED_PX, max((metrics.horizontalAdvance(n) for n in self.categories), default=0))
            angle = math.radians(self.ROTATION)
            height = longest * math.sin(angle) + metrics.height() * math.cos(angle) + 16
        else:
            lines = 2 if any("\n" in (label or "") for label in labels) else 1
            height = metrics.lineSpacing() * lines + 14
        if self.fixedHeight is None or abs(self.fixedHeight - int(height)) > 1:
            self.setHeight(int(height))

    # -- pyqtgraph hooks ------------------------------------------------------------------------
    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802, N803 - pyqtgraph's names
        if not self.categories:
            return []
        slot_px = size / max(maxVal - minVal, 1e-9)
        if abs(slot_px - self._slot_px) > 0.5:
            self._slot_px = slot_px
            self._choose_layout(slot_px)
        metrics = self._metrics()
        if self.orientation in ("left", "right"):
            need = metrics.height() * 1.15
        elif self.rotated:
            need = metrics.height() * 1.1 / math.sin(math.radians(self.ROTATION))
        else:
            need = 0.0
        step = max(1, math.ceil(need / max(slot_px, 1e-9)))
        values = [float(i) for i in range(0, len(self.categories), step) if minVal - 0.5 <= i <= maxVal + 0.5]
        return [(float(step), values)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        labels = []
        for value in values:
            index = int(round(value))
            name = self.categories[index] if 0 <= index < len(self.categories) else ""
            if self.orientation in ("left", "right"):
                labels.append(self.elide_dotted(name) if self.max_label_px is not None else name)
            elif self.rotated:
                self._rotated_labels[index] = name
                labels.append(" ")  # a placeholder: drawPicture draws the name, rotated
            else:
                label = self.horizontal_label(name, self._slot_px - 10)
                labels.append(
                    label
                    if label is not None
                    else self._metrics().elidedText(name, Qt.TextElideMode.ElideRight, int(self._slot_px - 10))
                )
        return labels

    def _left_room(self) -> float:
        """How far left of this axis the plot extends (rotated labels may use it)."""
        parent = self.parentItem()
        return max(0.0, self.mapFromItem(parent, QPointF(0, 0)).x() * -1) if parent is not None else 0.0

    def boundingRect(self) -> Any:  # noqa: N802
        rect = super().boundingRect()
        if self.rotated and self.orientation == "bottom":
            rect = rect.adjusted(-self._left_room(), 0, 0, 0)
        return rect

    def drawPicture(self, p: Any, axisSpec: Any, tickSpecs: Any, textSpecs: Any) -> None:  # noqa: N802, N803
        if not (self.rotated and self.orientation == "bottom"):
            super().drawPicture(p, axisSpec, tickSpecs, textSpecs)
            return
        super().drawPicture(p, axisSpec, tickSpecs, [])
        view = self.linkedView()
        if view is None:
            return
        metrics = self._metrics()
        angle = math.radians(self.ROTATION)
        left_edge = -self._left_room()
        for rect, _flags, _text in textSpecs:
            x = rect.center().x()
            index = int(round(view.mapToView(view.mapFromItem(self, QPointF(x, 0))).x()))
            name = self._rotated_labels.get(index)
            if not name:
                continue
            room = min(self.MAX_ROTATED_PX, (x - left_edge - 4) / math.cos(angle))
            text = metrics.elidedText(name, Qt.TextElideMode.ElideRight, int(max(room, 10)))
            width = metrics.horizontalAdvance(text)
            p.save()
            p.translate(x + 3, rect.top())
            p.rotate(-self.ROTATION)
            p.drawText(
                QRectF(-width - 2, -metrics.height() / 2, width + 2, metrics.height()),
                int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter),
                text,
            )
            p.restore()


class PlainLogAxis(pg.AxisItem):
    """A log-scale axis labelled 1, 10, 100 (and 2, 5, 20 ... when there is room), not 10⁰, 10¹, 10²."""

    _px_per_decade = 100.0

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802, N803
        self._px_per_decade = size / max(maxVal - minVal, 1e-9)
        levels, seen = [], set()
        for spacing, values in super().tickValues(minVal, maxVal, size):
            # Minor levels repeat the decades; drawing those labels twice makes them look bold.
            kept = [v for v in values if round(v, 6) not in seen]
            seen.update(round(v, 6) for v in values)
            levels.append((spacing, kept))
        return levels

    def logTickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        labels = []
        for v in values:
            value = 10**v * scale
            mantissa = round(value / 10 ** math.floor(math.log10(value) + 1e-9), 3) if value > 0 else 0
            if mantissa == 1 or (mantissa in (2, 5) and self._px_per_decade >= 70):
                labels.append(_plain(value))
            else:
                labels.append("")
        return labels


def _plain(value: float) -> str:
    """1, 20, 0.002, 2000 (a second's worth of ms reads as 2000, not 2e+03); exponents only beyond that."""
    text = f"{value:.3g}"
    if "e" in text and 1e-4 <= value < 1e7:
        text = f"{float(text):.6f}".rstrip("0").rstrip(".")
    return text
