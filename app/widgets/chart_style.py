"""What every Timing chart shares: a themed plot, its title, legend and text labels, and fitting them to its size.

A chart itself is a ``ChartSpec`` (one module each: ``chart_discovery``, ``chart_imports``,
``chart_history``): its axes, whether it pans and zooms, and how it draws a profile. The panel
(``charts.ChartsPanel``) lays them out, stages their drawing and routes the mouse to their hover.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyqtgraph as pg
from PyQt6.QtGui import QColor, QFont, QFontMetrics
from PyQt6.QtWidgets import QApplication, QWidget

from .. import theme
from .chart_axes import CategoryAxis
from .chart_labels import ChartLabels, Label

TICK_POINT_SIZE = 9
TITLE_SIZE = "11pt"

#: What the mouse at data position (x, y) points at, as rich text; None: nothing.
Hover = Callable[[float, float], "str | None"]


def _no_hover(_x: float, _y: float) -> str | None:
    return None


class ChartSpec:
    """One chart: its axes, its interaction, and how it draws a profile (subclass per chart)."""

    #: Its name: the plot's object name (``<name>Plot``) and the export file's suffix.
    name = ""
    #: Whether the user may pan and zoom it with the mouse.
    pan_zoom = False

    def axes(self) -> dict[str, pg.AxisItem]:
        """Axis items by side, for the sides that are not pyqtgraph's plain numeric axis."""
        return {}

    def draw(
        self, style: ChartStyle, plot: pg.PlotWidget, profile: dict[str, Any], history: list[dict[str, Any]]
    ) -> Hover:
        """Draw ``profile`` (and ``history``, every profile to show over time) on the cleared ``plot``."""
        raise NotImplementedError


class ChartStyle:
    """Theme colours, fonts, titles, legends and labels for the charts' plots."""

    def __init__(self, dark: bool = False) -> None:
        self.dark = dark

    def colors(self) -> dict[str, str]:
        return theme.colors(self.dark)

    def new_plot(self, spec: ChartSpec, parent: QWidget | None) -> pg.PlotWidget:
        plot = pg.PlotWidget(parent, axisItems=spec.axes())
        item = plot.getPlotItem()
        # The title spans the whole plot, so a long title does not widen the plot beyond its pane.
        item.layout.removeItem(item.titleLabel)
        item.layout.addItem(item.titleLabel, 0, 0, 1, 3)
        item.getViewBox().sigResized.connect(lambda _vb, p=plot: self.fit_labels(p))
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setContentsMargins(4, 4, 14, 4)
        if not spec.pan_zoom:
            item.setMouseEnabled(x=False, y=False)
        for axis in ("left", "bottom"):
            item.getAxis(axis).enableAutoSIPrefix(False)
        plot.setMinimumSize(280, 200)
        return plot

    def reset(self, plot: pg.PlotWidget) -> None:
        """Clear ``plot`` for a new drawing."""
        item = plot.getPlotItem()
        item.clear()
        plot.labels = ChartLabels()  # every text label of this chart, painted by one item
        plot.labels.setZValue(10)
        item.addItem(plot.labels, ignoreBounds=True)
        plot.legend_variants = {}  # legend label text -> shorter text for narrow plots
        plot.x_headroom = None  # (largest value, px to keep right of it) for value labels
        plot.y_headroom = None  # (bottom, highest value, px to keep above it) for labels and the legend

    def style(self, plot: pg.PlotWidget, titles: str | list[str], left: str, bottom: str) -> None:
        """Theme colours, fonts and labels; ``titles`` from longest to shortest, the widest that fits is shown."""
        c = self.colors()
        plot.setBackground(c["background"])
        item = plot.getPlotItem()
        plot.title_variants = [titles] if isinstance(titles, str) else list(titles)
        self.set_title(plot, plot.title_variants[0])
        font = QFont(QApplication.font())
        font.setPointSize(TICK_POINT_SIZE)
        for side, text in (("left", left), ("bottom", bottom)):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen(c["muted"]))
            axis.setTextPen(pg.mkPen(c["foreground"]))
            axis.setTickFont(font)
            if text:
                axis.setLabel(text, color=c["foreground"], **{"font-size": "10pt"})
            axis.showLabel(bool(text))
        item.showGrid(x=False, y=False)

    def set_title(self, plot: pg.PlotWidget, title: str) -> None:
        item = plot.getPlotItem()
        item.setTitle(title, color=self.colors()["foreground"], size=TITLE_SIZE)
        item.titleLabel.setMinimumWidth(0)  # a long title must not widen the plot beyond its pane
        plot.title_shown = title

    def legend(self, plot: pg.PlotWidget, columns: int = 1) -> pg.LegendItem:
        c = self.colors()
        item = plot.getPlotItem()
        legend = item.legend or item.addLegend(offset=(-10, 8), colCount=columns)
        legend.setColumnCount(columns)
        legend.setLabelTextColor(c["foreground"])
        legend.setLabelTextSize("9pt")
        background = QColor(c["background"])
        background.setAlpha(215)
        legend.setBrush(pg.mkBrush(background))
        legend.setPen(pg.mkPen(c["grid"]))
        return legend

    def text(
        self,
        plot: pg.PlotWidget,
        text: str,
        pos: tuple[float, float],
        anchor: tuple[float, float],
        colour: str,
        bold: bool = False,
        size: float = 9,
        share: float | None = None,
    ) -> Label:
        """A label at data position ``pos``; with ``share``, shown only if it fits that share of a bar slot."""
        return plot.labels.add(text, pos, anchor, colour, self.font(size, bold), share)

    def show_empty(self, plot: pg.PlotWidget, text: str) -> Hover:
        """A chart with nothing to draw: the reason, centred, and no hover."""
        self.text(plot, text, (0, 0.5), (0.5, 0.5), self.colors()["muted"], size=11)
        item = plot.getPlotItem()
        item.setXRange(-1, 1, padding=0)
        item.setYRange(0, 1, padding=0)
        return _no_hover

    def fit_labels(self, plot: pg.PlotWidget) -> None:
        """Adapt to the plot's size: title and legend length, headroom (bar labels fit themselves when painted)."""
        if getattr(plot, "_fitting", False):
            return
        plot._fitting = True
        try:
            item = plot.getPlotItem()
            view = item.getViewBox()
            metrics = QFontMetrics(self.font(11))
            variants = getattr(plot, "title_variants", [])
            if variants:
                room = item.width() - 24
                title = next((t for t in variants if metrics.horizontalAdvance(t) <= room), variants[-1])
                if title != getattr(plot, "title_shown", None):
                    self.set_title(plot, title)
            legend = item.legend
            if legend is not None and legend.items:
                short = item.width() < 620
                entries = [(sample.item, label.text) for sample, label in legend.items]
                wanted = [(entry, self.legend_text(plot, text, short)) for entry, text in entries]
                if any(text != new for (_entry, text), (_e, new) in zip(entries, wanted)):
                    legend.clear()  # re-added, so the box shrinks or grows with its labels
                    for entry, text in wanted:
                        legend.addItem(entry, text)
            left = item.getAxis("left")
            if isinstance(left, CategoryAxis):
                left.set_max_label_px(max(80.0, item.width() * 0.5))
            headroom = getattr(plot, "x_headroom", None)
            width = view.width()
            if headroom and width > headroom[1] * 3:
                top, px = headroom
                item.setXRange(0, top * width / (width - px), padding=0)
            headroom = getattr(plot, "y_headroom", None)
            height = view.height()
            if headroom:
                low, high, px = headroom
                if legend is not None and legend.isVisible() and legend.items:
                    px += legend.height() + 10
                usable = max(height - px, height * 0.45, 1.0)
                item.setYRange(low, low + (high - low) * height / usable, padding=0)
        finally:
            plot._fitting = False

    @staticmethod
    def legend_text(plot: pg.PlotWidget, text: str, short: bool) -> str:
        variants = getattr(plot, "legend_variants", {})
        if short:
            return variants.get(text, text)
        longer = {v: k for k, v in variants.items()}
        return longer.get(text, text)

    @staticmethod
    def font(points: float, bold: bool = False) -> QFont:
        font = QFont(QApplication.font())
        font.setPointSizeF(points)
        font.setBold(bold)
        return font


def ms_text(value: float) -> str:
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms" if value >= 1 else f"{value:.2f} ms"


def clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
