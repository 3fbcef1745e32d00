"""The Timing tab's first chart: cold vs warm discovery per registry, with min-max whiskers and the speed-up."""

from __future__ import annotations

import html
from typing import Any

import numpy as np
import pyqtgraph as pg
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QFontMetrics

from .chart_axes import CategoryAxis
from .chart_data import NO_DISCOVERY, discovering_rows, ratio_text, registry_rows, speedup_text
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
        every = registry_rows(profile)
        # A registry with no discovery of its own has nothing to compare: a bar of a few µs and a ratio of
        # noise. Left out (named on the axis line and above the charts) so the registries that discover keep
        # the whole width and the scale.
        rows = discovering_rows(every)
        partial = [r["name"] for r in every if r["partial"]]
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
            _left_out(partial),
        )
        item = plot.getPlotItem()
        axis: CategoryAxis = item.getAxis("bottom")  # type: ignore[assignment]
        axis.set_categories([r["name"] for r in rows])
        legend = style.legend(plot, columns=2)
        legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-10, 8))
        if not rows:
            if partial:
                return style.show_empty(
                    plot, f"No registry here discovers: {_count(len(partial))} with {NO_DISCOVERY}, nothing to time"
                )
            return style.show_empty(plot, "This profile times no registry")
        width = 0.36
        narrow = 0.19  # four bars in a registry's slot: cold and warm as installed, then on registry_core
        two_engines = any(r["engines"] for r in rows)

        def values(r: dict[str, Any]) -> list[float]:
            blocks = [r[k] for k in ("cold", "warm")]
            if r["engines"]:
                blocks += [r["engines"]["registry_core"][k] for k in ("cold", "warm")]
            return [v for t in blocks for v in (t["max"], t["median"]) if v is not None]

        top = max([v for r in rows for v in values(r)] or [1.0])
        # (series, x offset, timing) per registry: a registry with a problem is a labelled gap, not half a pair.
        series: dict[str, list[tuple[float, dict[str, Any], float]]] = {}
        for i, r in enumerate(rows):
            if r["problem"]:
                continue
            if r["engines"]:
                ours = r["engines"]["registry_core"]
                bars = [("cold", -1.5, r["cold"]), ("warm", -0.5, r["warm"])]
                if not ours["problem"]:
                    bars += [("rc_cold", 0.5, ours["cold"]), ("rc_warm", 1.5, ours["warm"])]
                for key, slot, t in bars:
                    series.setdefault(key, []).append((i + slot * narrow, t, narrow))
            else:
                for key, offset in (("cold", -width / 2), ("warm", width / 2)):
                    series.setdefault(key, []).append((i + offset, r[key], width))
        legend_rows = (
            (
                ("cold", "cold (no cache), as installed", "cold, installed", QColor(c["cold"])),
                ("warm", "warm (from cache), as installed", "warm, installed", QColor(c["warm"])),
                ("rc_cold", "cold, on registry_core", "cold, registry_core", _tint(c["cold"], style.dark)),
                ("rc_warm", "warm, on registry_core", "warm, registry_core", _tint(c["warm"], style.dark)),
            )
            if two_engines
            else (
                ("cold", "cold (fresh process, no cache)", "cold", QColor(c["cold"])),
                ("warm", "warm (served from the cache)", "warm", QColor(c["warm"])),
            )
        )
        for key, label, short, colour in legend_rows:
            spans = [(x, t) for x, t, _w in series.get(key, []) if t["median"] is not None]
            widths = [w for _x, t, w in series.get(key, []) if t["median"] is not None]
            if not spans and key.startswith("rc_"):
                continue
            plot.legend_variants[label] = short
            bars = pg.BarGraphItem(
                x=[x for x, _t in spans],
                height=[t["median"] for _x, t in spans],
                width=widths or width,
                brush=pg.mkBrush(colour),
                pen=pg.mkPen(QColor(c[key.removeprefix("rc_")]) if key.startswith("rc_") else _edge(colour, style)),
                name=label,
            )
            item.addItem(bars)
            if spans:
                errors = pg.ErrorBarItem(
                    x=np.array([x for x, _t in spans]),
                    y=np.array([t["median"] for _x, t in spans]),
                    top=np.array([max(0.0, (t["max"] or t["median"]) - t["median"]) for _x, t in spans]),
                    bottom=np.array([max(0.0, t["median"] - (t["min"] or t["median"])) for _x, t in spans]),
                    beam=min(widths) * 0.35,
                    pen=pg.mkPen(c["foreground"], width=1.3),
                )
                item.addItem(errors)
        warm_colour = c["warm"] if style.dark else QColor(c["warm"]).darker(115).name()
        for i, r in enumerate(rows):
            high = max(values(r) or [0])
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
                continue
            if r["engines"]:
                # Its label may overhang the slots beside it when their bars (and labels) are well below.
                neighbours = [max(values(rows[j]) or [0]) for j in range(i - 3, i + 4) if 0 <= j < len(rows) and j != i]
                clear = all(h < high - 0.15 * top for h in neighbours)
                edge = "left" if i == 0 else "right" if i == len(rows) - 1 and len(rows) > 1 else ""
                self._label_engines(style, plot, i, r, top, narrow, warm_colour, clear, edge)
                continue
            if r["speedup"] is not None:
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
            if warm["median"] is not None:
                # Left-aligned on the warm bar: clear of the (taller) cold bar beside it.
                style.text(
                    plot,
                    ms_text(warm["median"]),
                    (i + width * 0.05, (warm["max"] or 0) + top * 0.01),
                    (0, 1),
                    warm_colour,
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
            if r["engines"]:
                lines[1:] = [f"as installed, {line}" for line in lines[1:]]
                ours = r["engines"]["registry_core"]
                for key in ("cold", "warm"):
                    t = ours[key]
                    if t["median"] is not None:
                        lines.append(
                            f"on registry_core, {key}: {t['median']:.2f} ms (min {t['min']:.2f}, max {t['max']:.2f})"
                        )
                for key in ("cold", "warm"):
                    words = ratio_text(r["engines"]["ratio"][key])
                    if words:
                        lines.append(f"{key}: registry_core is {words}")
                if ours["problem"]:
                    lines.append(f"on registry_core: {ours['problem']}: {clip(ours['error'], 300)}")
            if r["problem"]:
                lines.append(f"{r['problem']}: {clip(r['error'], 300)}")
            return "<br>".join(lines)

        return hover

    @staticmethod
    def _label_engines(
        style: ChartStyle,
        plot: pg.PlotWidget,
        i: int,
        r: dict[str, Any],
        top: float,
        narrow: float,
        warm_colour: str,
        clear: bool,
        edge: str,
    ) -> None:
        """A registry timed both ways: each warm bar's time, and how much faster warm is on registry_core."""
        c = style.colors()
        ours = r["engines"]["registry_core"]
        for warm, slot in ((r["warm"], -0.5), (ours["warm"], 1.5)):
            if warm["median"] is not None:
                style.text(
                    plot,
                    ms_text(warm["median"]),
                    (i + slot * narrow, (warm["max"] or 0) + top * 0.01),
                    (0.5, 1),
                    warm_colour,
                    size=8,
                    share=0.5,
                )
        if ours["problem"]:
            style.text(plot, f"registry_core: {ours['problem']}", (i + narrow, top * 0.04), (0.5, 1), c["accent"])
            return
        ratio = r["engines"]["ratio"]["warm"]
        if ratio is not None:
            high = max(
                v for t in (r["cold"], r["warm"], ours["cold"], ours["warm"]) for v in (t["max"], t["median"]) if v
            )
            # At the plot's first or last slot, aligned with the group's outer edge so that it is not cut off.
            x, anchor_x = (i - 2 * narrow, 0.0) if edge == "left" else (i + 2 * narrow, 1.0) if edge else (i, 0.5)
            style.text(
                plot,
                f"warm {ratio_text(ratio)} on registry_core",
                (x, high + top * 0.02),
                (anchor_x, 1),
                c["foreground"],
                bold=True,
                size=10,
                share=None if clear else 1.0,
            )


def _count(n: int) -> str:
    return f"{n} registr{'y' if n == 1 else 'ies'}"


def _left_out(names: list[str]) -> str:
    """The axis line under the bars: which registries are not drawn, and why (named above the charts; here
    the names would overflow a narrow plot)."""
    if not names:
        return ""
    if len(names) == 1:
        return f"not drawn: {html.escape(names[0])}, with {NO_DISCOVERY}"
    return f"not drawn: {len(names)} registries with no discovery of their own"


def _tint(colour: str, dark: bool) -> QColor:
    """The engine-on-registry_core shade of a series colour, outlined in the full colour: the same hue, paler on
    a light background, deeper on a dark one."""
    tinted = QColor(colour)
    hue, saturation, value, _alpha = tinted.getHsv()
    if dark:
        tinted.setHsv(hue, min(255, int(saturation * 1.1)), int(value * 0.55))
    else:
        tinted.setHsv(hue, max(0, int(saturation * 0.45)), min(255, int(value * 1.15) + 30))
    return tinted


def _edge(colour: QColor, style: ChartStyle) -> QColor:
    return colour.darker(125) if not style.dark else colour.lighter(115)
