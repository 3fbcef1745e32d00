"""The Timing tab's second chart: the slowest imports by self time, slowest at the top."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PyQt6.QtGui import QColor, QFontMetrics

from .chart_axes import CategoryAxis
from .chart_data import shorten_modules, top_modules
from .chart_style import ChartSpec, ChartStyle, Hover


class ImportsChart(ChartSpec):
    """A horizontal bar per module, its self time beside it; module names lose their common prefix."""

    name = "imports"

    def axes(self) -> dict[str, pg.AxisItem]:
        return {"left": CategoryAxis("left")}

    def draw(
        self, style: ChartStyle, plot: pg.PlotWidget, profile: dict[str, Any], history: list[dict[str, Any]]
    ) -> Hover:
        c = style.colors()
        rows = top_modules(profile)
        labels, prefix = shorten_modules([r["module"] for r in rows])
        style.style(
            plot,
            [f"Top {len(rows)} imports by self time", "Slowest imports"],
            f"module in {prefix[:-1]}" if prefix else "module",
            "self import time (ms)",
        )
        item = plot.getPlotItem()
        axis: CategoryAxis = item.getAxis("left")  # type: ignore[assignment]
        # Slowest at the top: slot n-1-i.
        n = len(rows)
        axis.set_categories(list(reversed(labels)))
        if not rows:
            return style.show_empty(plot, "This profile has no import timings")
        colour = QColor(c["accent"])
        ys = [n - 1 - i for i in range(n)]
        bars = pg.BarGraphItem(
            x0=[0] * n,
            y=ys,
            height=0.68,
            width=[r["self_ms"] for r in rows],
            brush=pg.mkBrush(colour),
            pen=pg.mkPen(colour.darker(120)),
        )
        item.addItem(bars)
        top = max(r["self_ms"] for r in rows) or 1.0
        for y, r in zip(ys, rows):
            style.text(plot, f"{r['self_ms']:.1f}", (r["self_ms"] + top * 0.01, y), (0, 0.5), c["foreground"], size=8)
        item.setXRange(0, top * 1.14, padding=0)
        plot.x_headroom = (top, QFontMetrics(style.font(8)).horizontalAdvance("000.0") + 12)
        item.setYRange(-0.6, n - 0.4, padding=0)
        item.showGrid(x=True, alpha=0.25)

        def hover(_x: float, y: float) -> str | None:
            slot = int(round(y))
            i = n - 1 - slot
            if not (0 <= i < n) or abs(y - slot) > 0.4:
                return None
            r = rows[i]
            cumulative = "" if r["cumulative_ms"] is None else f"<br>cumulative {r['cumulative_ms']:.2f} ms"
            return f"<b>{r['module']}</b><br>self {r['self_ms']:.2f} ms{cumulative}"

        return hover
