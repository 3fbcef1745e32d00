"""Text labels pinned to data positions, all painted by one graphics item.

A ``pg.TextItem`` per label costs about a millisecond to add (a text document, view-change
signal connections, a transform update on every range change); a chart with twenty value
labels spent most of its drawing time on them. One item that paints every label at the
device position of its data point draws the same text at a fraction of that cost, stays
unscaled however the view zooms, and exports as real text in SVG.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyqtgraph as pg
from PyQt6.QtCore import QPointF, QRectF, Qt
from PyQt6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QTransform

#: Space between a label's text and its anchor point, in pixels (as a text item's margin).
PAD_PX = 3.0


@dataclass
class Label:
    text: str
    x: float
    y: float
    #: Which point of the text's box sits on (x, y): (0, 0) top left ... (1, 1) bottom right.
    anchor: tuple[float, float]
    colour: QColor
    font: QFont
    #: Hide the label unless it fits in this share of one x unit (a bar slot); None: always shown.
    share: float | None = None


class ChartLabels(pg.GraphicsObject):
    """Labels in data coordinates (add to a PlotItem with ``ignoreBounds=True``), drawn in pixels."""

    def __init__(self) -> None:
        super().__init__()
        self.labels: list[Label] = []

    def add(
        self,
        text: str,
        pos: tuple[float, float],
        anchor: tuple[float, float],
        colour: QColor | str,
        font: QFont,
        share: float | None = None,
    ) -> Label:
        label = Label(str(text), float(pos[0]), float(pos[1]), anchor, QColor(colour), QFont(font), share)
        self.labels.append(label)
        self.update()
        return label

    def set_colour(self, label: Label, colour: QColor | str) -> None:
        label.colour = QColor(colour)
        self.update()

    # -- geometry --------------------------------------------------------------------------------
    @staticmethod
    def fits(label: Label, slot_px: float) -> bool:
        """Whether ``label`` is shown when one x unit is ``slot_px`` pixels wide."""
        if label.share is None:
            return True
        return QFontMetricsF(label.font).horizontalAdvance(label.text) <= slot_px * label.share - 4

    @staticmethod
    def box(label: Label, transform: QTransform) -> QRectF:
        """The label's text box in the device pixels of ``transform`` (data -> device)."""
        metrics = QFontMetricsF(label.font)
        width = metrics.horizontalAdvance(label.text) + 2 * PAD_PX
        height = metrics.height() + 2 * PAD_PX
        point = transform.map(QPointF(label.x, label.y))
        return QRectF(point.x() - label.anchor[0] * width, point.y() - label.anchor[1] * height, width, height)

    def shown(self) -> list[Label]:
        """The labels drawn at the view's current size (long ones hide when their slot is too narrow)."""
        transform = self.deviceTransform_()  # pyqtgraph 0.14 name; None until shown
        if transform is None:
            return [label for label in self.labels if label.share is None]
        return [label for label in self.labels if self.fits(label, _slot_px(transform))]

    def boundingRect(self) -> QRectF:  # noqa: N802 - Qt's name
        # Text is sized in pixels, not data units: claim the visible range, and the view box clips.
        view = self.getViewBox()
        return QRectF(view.viewRect()) if view is not None and self.labels else QRectF()

    def viewRangeChanged(self) -> None:  # noqa: N802 - pyqtgraph's hook
        self.prepareGeometryChange()

    # -- drawing ---------------------------------------------------------------------------------
    def paint(self, painter: QPainter, *_args: object) -> None:
        if not self.labels:
            return
        # The painter maps data to device pixels here, and data to the exported scene in an SVG
        # export; drawing after resetting it keeps the text unscaled in both.
        transform = painter.transform()
        slot_px = _slot_px(transform)
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        for label in self.labels:
            if not self.fits(label, slot_px):
                continue
            box = self.box(label, transform)
            painter.setFont(label.font)
            painter.setPen(label.colour)
            painter.drawText(
                box.adjusted(PAD_PX, PAD_PX, -PAD_PX, -PAD_PX), int(Qt.AlignmentFlag.AlignCenter), label.text
            )
        painter.restore()


def _slot_px(transform: QTransform) -> float:
    """Pixels per x unit under ``transform``."""
    origin, unit = transform.map(QPointF(0.0, 0.0)), transform.map(QPointF(1.0, 0.0))
    return abs(unit.x() - origin.x())
