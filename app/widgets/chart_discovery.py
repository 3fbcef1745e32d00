"""The Timing tab's first chart: cold vs warm discovery per registry, with min-max whiskers and the speed-up."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QFontMetrics

from .chart_axes import CategoryAxis
from .chart_data import registry_rows, speedup_text, timing_ms
from .chart_style import ChartSpec, ChartStyle, Hover, clip, ms_text


class DiscoveryChart(ChartSpec):
    """A pair of bars per registry (cold, warm); a registry that could not be timed is a labelled gap."""

    name = "discovery"

    def axes(self) -> dict[str, pg.AxisItem]:
        return {"bottom": CategoryAxis("bottom")}

    def draw(
        self, style: ChartStyle, plot: pg.PlotWidget, profile: dict[str, Any], history: list[dict[str, Any]]
    ) -> Hover:
        c = style.colors()
        rows = registry_rows(profile)
        runs = profile.get("runs")
        runs_text = f"median of {runs} runs" if isinstance(runs, int) else "median"
        style.style(
            plot,
            [
                f"Discovery per registry: cold vs warm ({runs_text}, whiskers min–max)",
                "Discovery per registry: cold vs warm",
                "Cold vs warm discovery",
            ],
            "discovery time (ms)",
            "",
        )
        item = plot.getPlotItem()
        axis: CategoryAxis = item.getAxis("bottom")  # type: ignore[assignment]
        axis.set_categories([r["name"] for r in rows])
        legend = style.legend(plot, columns=2)
        legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-10, 8))
        if not rows:
            return style.show_empty(plot, "This profile times no registry")
        width = 0.36
        top = max(
            [v for r in rows for k in ("cold", "warm") for v in (r[k]["max"], r[k]["median"]) if v is not None] or [1.0]
        )
        timed = [
            r if r["problem"] is None else {**r, "cold": timing_ms(None), "warm": timing_ms(None)} for r in rows
        ]  # a registry with a problem is a labelled gap, not half a pair
        for key, offset, label in (
            ("cold", -width / 2, "cold (fresh process, no cache)"),
            ("warm", width / 2, "warm (served from the cache)"),
        ):
            plot.legend_variants[label] = key
            xs = [i + offset for i, r in enumerate(timed) if r[key]["median"] is not None]
            meds = [r[key]["median"] for r in timed if r[key]["median"] is not None]
            colour = QColor(c[key])
            bars = pg.BarGraphItem(
                x=xs,
                height=meds,
                width=width,
                brush=pg.mkBrush(colour),
                pen=pg.mkPen(colour.darker(125) if not style.dark else colour.lighter(115)),
                name=label,
            )
            item.addItem(bars)
            spans = [(i + offset, r[key]) for i, r in enumerate(timed) if r[key]["median"] is not None]
            if spans:
                errors = pg.ErrorBarItem(
                    x=np.array([s[0] for s in spans]),
                    y=np.array([s[1]["median"] for s in spans]),
                    top=np.array([max(0.0, (s[1]["max"] or s[1]["median"]) - s[1]["median"]) for s in spans]),
                    bottom=np.array([max(0.0, s[1]["median"] - (s[1]["min"] or s[1]["median"])) for s in spans]),
                    beam=width * 0.35,
                    pen=pg.mkPen(c["foreground"], width=1.3),
                )
                item.addItem(errors)
        for i, r in enumerate(rows):
            high = max([v for k in ("cold", "warm") for v in (r[k]["max"], r[k]["median"]) if v is not None] or [0])
            if r["problem"]:
                style.text(plot, r["problem"], (i, top * 0.04), (0.5, 1), c["accent"], bold=True)
                gap = pg.BarGraphItem(
                    x=[i],
                    height=[top * 0.9],
                    width=width * 2,
                    brush=pg.mkBrush(None),
                    pen=pg.mkPen(c["accent"], width=1, style=Qt.PenStyle.DashLine),
                )
                item.addItem(gap)
            elif r["speedup"] is not None:
                style.text(
                    plot,
                    speedup_text(r["speedup"]),
                    (i, high + top * 0.02),
                    (0.5, 1),
                    c["foreground"],
                    bold=True,
                    size=10,
                    share=1.0,
                )
            warm = r["warm"]
            if warm["median"] is not None and not r["problem"]:
                # Left-aligned on the warm bar: clear of the (taller) cold bar beside it.
                style.text(
                    plot,
                    ms_text(warm["median"]),
                    (i + width * 0.05, (warm["max"] or 0) + top * 0.01),
                    (0, 1),
                    c["warm"] if style.dark else QColor(c["warm"]).darker(115).name(),
                    size=8,
                    share=0.5,
                )
        item.setXRange(-0.6, len(rows) - 0.4, padding=0)
        item.setYRange(0, top * 1.32, padding=0)
        # Room above the highest whisker for its speed-up label and the legend, whatever the plot's height.
        plot.y_headroom = (0.0, top, QFontMetrics(style.font(10, bold=True)).height() + 12)
        item.showGrid(y=True, alpha=0.25)

        def hover(x: float, _y: float) -> str | None:
            i = int(round(x))
            if not (0 <= i < len(rows)) or abs(x - i) > 0.45:
                return None
            r = rows[i]
            lines = [f"<b>{r['name']}</b>"]
            for key in ("cold", "warm"):
                t = r[key]
                if t["median"] is not None:
                    lines.append(
                        f"{key}: {t['median']:.2f} ms (min {t['min']:.2f}, max {t['max']:.2f}"
                        + (f", {t['runs']} runs)" if t["runs"] else ")")
                    )
            if r["speedup"] is not None:
                lines.append(f"warm is {speedup_text(r['speedup'])} faster")
            if r["problem"]:
                lines.append(f"{r['problem']}: {clip(r['error'], 300)}")
            return "<br>".join(lines)

        return hover
