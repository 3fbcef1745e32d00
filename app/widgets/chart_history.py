"""The Timing tab's third chart: the median cold and warm discovery of every past profile, over time."""

from __future__ import annotations

import math
import time
from typing import Any

import pyqtgraph as pg

from .chart_axes import PlainLogAxis
from .chart_data import history_points
from .chart_style import ChartSpec, ChartStyle, Hover


class HistoryChart(ChartSpec):
    """Two lines on a log scale against the profile's date; the one chart the user may pan and zoom."""

    name = "history"
    pan_zoom = True

    def axes(self) -> dict[str, pg.AxisItem]:
        return {"bottom": pg.DateAxisItem("bottom"), "left": PlainLogAxis("left")}

    def draw(
        self, style: ChartStyle, plot: pg.PlotWidget, profile: dict[str, Any], history: list[dict[str, Any]]
    ) -> Hover:
        c = style.colors()
        points = history_points(history)
        hint = "" if len(points) > 1 else " (profile again to see a trend)"
        runs = f"{len(points)} profile run{'s' if len(points) != 1 else ''}"
        style.style(
            plot,
            [
                f"History: median over registries that discover, {runs}{hint}",
                f"History: median over registries that discover, {runs}",
                f"History: median over registries, {runs}",
                f"History ({runs})",
            ],
            "median (ms, log scale)",
            "profile run (date, time)",
        )
        item = plot.getPlotItem()
        item.setLogMode(x=False, y=True)
        style.legend(plot, columns=2).anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-10, 8))
        xs = [p["created"] for p in points]
        for key, symbol, label in (("cold", "o", "cold"), ("warm", "t", "warm")):
            plot.legend_variants[label] = label
            ys = [p[key] if p[key] and p[key] > 0 else math.nan for p in points]
            if all(math.isnan(y) for y in ys):
                xs_line, ys = [], []  # nothing to draw, but keep the legend entry
            else:
                xs_line = xs
            item.plot(
                xs_line,
                ys,
                pen=pg.mkPen(c[key], width=2),
                symbol=symbol,
                symbolSize=9,
                symbolBrush=pg.mkBrush(c[key]),
                symbolPen=pg.mkPen(c["background"]),
                name=label,
                connect="finite",
                antialias=True,
            )
        if xs:
            low, high = min(xs), max(xs)
            # One run: an hour around it. Several: their span, whether minutes apart or weeks.
            pad = 1800.0 if high == low else max((high - low) * 0.08, 2.0)
            item.setXRange(low - pad, high + pad, padding=0)
        values = [p[k] for p in points for k in ("cold", "warm") if p[k] and p[k] > 0]
        if xs and not values:
            # Nothing to plot: say why (registries with no discovery of their own have no median to give).
            why = (
                "No registry in these profiles discovers (none has a discovery of its own): nothing to time"
                if any(p["partial"] for p in points)
                else "No registry was timed in these profiles"
            )
            style.text(plot, why, ((min(xs) + max(xs)) / 2, 0.5), (0.5, 0.5), c["muted"], size=11)
            item.setYRange(0, 1, padding=0)
        if values:
            low, high = math.log10(min(values)) - 0.25, math.log10(max(values)) + 0.1
            item.setYRange(low, high + 0.35, padding=0)
            plot.y_headroom = (low, high, 8)
        item.showGrid(x=True, y=True, alpha=0.25)

        def hover(x: float, _y: float) -> str | None:
            if not points:
                return None
            view = item.getViewBox().viewRange()[0]
            tolerance = (view[1] - view[0]) * 0.03
            nearest = min(points, key=lambda p: abs(p["created"] - x))
            if abs(nearest["created"] - x) > tolerance:
                return None
            when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(nearest["created"]))
            cold = "–" if nearest["cold"] is None else f"{nearest['cold']:.2f} ms"
            warm = "–" if nearest["warm"] is None else f"{nearest['warm']:.2f} ms"
            n = nearest["registries"]
            timed = f"median of {n} registr{'y that discovers' if n == 1 else 'ies that discover'}"
            if nearest["partial"]:
                timed += f"; {nearest['partial']} with no discovery of their own left out"
            return f"<b>{when}</b><br>cold {cold} · warm {warm}<br>{timed}"

        return hover
