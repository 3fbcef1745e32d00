"""The Timing tab: cold vs warm discovery per registry, slowest imports, and the trend over past profiles.

Three pyqtgraph plots over the profile documents of ``registry_core.diagnostics.profiling``
(plain dicts); this module only draws them. Everything it reads may be missing,
``None`` or an error: such a registry shows as a labelled gap, never a crash.
"""

from __future__ import annotations

import html
import math
import os
import time
from typing import Any, Callable

import numpy as np
import pyqtgraph as pg
from pyqtgraph import exporters
from PyQt6.QtCore import QPointF, Qt, QTimer
from PyQt6.QtGui import QColor, QCursor, QFont, QFontMetrics
from PyQt6.QtWidgets import QApplication, QLabel, QSplitter, QStackedWidget, QToolTip, QVBoxLayout, QWidget

from .. import theme
from .chart_axes import CategoryAxis, PlainLogAxis
from .chart_data import (
    CHARTS,
    export_paths,
    finite_number,
    history_points,
    registry_rows,
    shorten_modules,
    speedup_text,
    timing_ms,
    top_modules,
)
from .chart_labels import ChartLabels, Label

EMPTY_TEXT = "No profile yet: press Profile (Ctrl+P) to time cold and warm discovery in fresh processes"

#: Size of exported charts, in pixels.
EXPORT_SIZE = (1100, 620)
TICK_POINT_SIZE = 9
TITLE_SIZE = "11pt"
#: Pause between drawing one chart and the next. Not 0: a zero-delay call is a posted event, and Qt
#: delivers posted events back to back, so timers and input would wait for all three charts (~150 ms).
STAGE_GAP_MS = 15


# -- the panel ----------------------------------------------------------------------------------
class ChartsPanel(QWidget):
    """The Timing tab: three plots over the latest profile and the profile history."""

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("chartsPanel")
        self.dark = dark
        self.profile: dict[str, Any] | None = None
        self.history: list[dict[str, Any]] = []
        self._hover: dict[str, Callable[[float, float], str | None]] = {}
        self._pending: list[str] = []  # charts still to draw, one per tick of the timer
        self._held: pg.PlotWidget | None = None  # drawn with its painting held back until the next tick
        # A child of the panel: it dies with it, so a staged draw never touches a deleted plot.
        self._stage_timer = QTimer(self)
        self._stage_timer.setSingleShot(True)
        self._stage_timer.setInterval(STAGE_GAP_MS)
        self._stage_timer.timeout.connect(self._draw_next)
        self.stack = QStackedWidget(self)
        self.empty_label = QLabel(EMPTY_TEXT, self)
        self.empty_label.setObjectName("chartsEmpty")
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        font = self.empty_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.35)
        self.empty_label.setFont(font)
        self.stack.addWidget(self.empty_label)
        page = QWidget(self)
        self.header = QLabel(page)
        self.header.setObjectName("chartsHeader")
        self.header.setTextFormat(Qt.TextFormat.RichText)
        self.header.setWordWrap(True)
        self.notes = QLabel(page)
        self.notes.setObjectName("chartsNotes")
        self.notes.setWordWrap(True)
        self.notes.setTextFormat(Qt.TextFormat.RichText)
        self.plots: dict[str, pg.PlotWidget] = {name: self._new_plot(name, page) for name in CHARTS}
        for name, plot in self.plots.items():
            plot.setObjectName(f"{name}Plot")
            plot.scene().sigMouseMoved.connect(lambda pos, n=name: self._on_hover(n, pos))
        left = QSplitter(Qt.Orientation.Vertical, page)
        left.addWidget(self.plots["discovery"])
        left.addWidget(self.plots["history"])
        left.setStretchFactor(0, 3)
        left.setStretchFactor(1, 2)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, page)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.plots["imports"])
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([580, 420])
        left.setSizes([550, 450])
        layout = QVBoxLayout(page)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addWidget(self.header)
        layout.addWidget(self.notes)
        layout.addWidget(self.splitter, 1)
        self.stack.addWidget(page)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.stack)
        self.apply_theme(dark)

    # -- public API --------------------------------------------------------------------------
    def set_profile(self, profile: dict[str, Any] | None) -> None:
        self.profile = profile if isinstance(profile, dict) else None
        self._render()

    def set_history(self, history: list[dict[str, Any]] | None) -> None:
        self.history = [doc for doc in (history or []) if isinstance(doc, dict)]
        self._render()

    def apply_theme(self, dark: bool) -> None:
        self.dark = dark
        c = theme.colors(dark)
        self.empty_label.setStyleSheet(f"color: {c['muted']}; padding: 40px;")
        self._render()

    def has_profile(self) -> bool:
        return self._current_profile() is not None

    def export(self, path: str) -> list[str]:
        """Save each chart (``-discovery``, ``-imports``, ``-history``) as PNG or SVG by ``path``'s suffix."""
        if not self.has_profile():
            return []
        written = []
        width, height = EXPORT_SIZE
        for name, target, fmt in export_paths(path):
            plot = self._new_plot(name, None)
            plot.setAttribute(Qt.WidgetAttribute.WA_DontShowOnScreen, True)
            plot.resize(width, height)
            self._draw(name, plot)
            plot.show()
            QApplication.processEvents()  # lay the plot out at its export size
            plot.grab()  # one paint: axes size themselves to their labels
            QApplication.processEvents()
            item = plot.getPlotItem()
            if fmt == "svg":
                _tolerate_closed_svg_paths()
                exporter = exporters.SVGExporter(item)
            else:
                exporter = exporters.ImageExporter(item)
                # Native size: pyqtgraph does not scale text items or legend labels with the image.
                exporter.parameters()["width"] = int(item.sceneBoundingRect().width())
                exporter.parameters()["antialias"] = True
            folder = os.path.dirname(os.path.abspath(target))
            os.makedirs(folder, exist_ok=True)
            exporter.export(fileName=target)
            plot.close()
            plot.deleteLater()
            written.append(target)
        return written

    # -- building ----------------------------------------------------------------------------
    def _new_plot(self, name: str, parent: QWidget | None) -> pg.PlotWidget:
        if name == "discovery":
            axes = {"bottom": CategoryAxis("bottom")}
        elif name == "imports":
            axes = {"left": CategoryAxis("left")}
        else:
            axes = {"bottom": pg.DateAxisItem("bottom"), "left": PlainLogAxis("left")}
        plot = pg.PlotWidget(parent, axisItems=axes)
        item = plot.getPlotItem()
        # The title spans the whole plot, so a long title does not widen the plot beyond its pane.
        item.layout.removeItem(item.titleLabel)
        item.layout.addItem(item.titleLabel, 0, 0, 1, 3)
        item.getViewBox().sigResized.connect(lambda _vb, p=plot: self._fit_labels(p))
        item.hideButtons()
        item.setMenuEnabled(False)
        item.setContentsMargins(4, 4, 14, 4)
        if name != "history":
            item.setMouseEnabled(x=False, y=False)
        for axis in ("left", "bottom"):
            item.getAxis(axis).enableAutoSIPrefix(False)
        plot.setMinimumSize(280, 200)
        return plot

    def _current_profile(self) -> dict[str, Any] | None:
        if self.profile is not None:
            return self.profile
        return self.history[-1] if self.history else None

    def _history_docs(self) -> list[dict[str, Any]]:
        docs = list(self.history)
        profile = self._current_profile()
        if profile is not None and not any(d is profile or d.get("created") == profile.get("created") for d in docs):
            docs.append(profile)
        return docs

    def _render(self, staged: bool = False) -> None:
        """Draw every chart; ``staged`` draws one per timer tick so the window never freezes ~100 ms."""
        self._pending.clear()  # a newer render supersedes any staged one
        self._stage_timer.stop()
        if self._held is not None:
            self._held.setUpdatesEnabled(True)
            self._held = None
        profile = self._current_profile()
        if profile is None:
            self.stack.setCurrentIndex(0)
            for plot in self.plots.values():
                plot.getPlotItem().clear()
            return
        self.stack.setCurrentIndex(1)
        self.header.setText(self._header_html(profile))
        self._show_notes(profile)
        if not staged:
            for name, plot in self.plots.items():
                self._draw(name, plot)
            return
        self._pending.extend(self.plots)
        self._stage_timer.start()  # even the first: the caller's own work and a paint come first

    def _draw_next(self) -> None:
        """One step: show the chart drawn last tick, or draw the next one with its painting held back.

        Drawing a visible plot repaints it several times over while its axes and labels settle; held
        back until the next tick, the layout settles unpainted and the plot is painted about once.
        """
        if self._held is not None:
            self._held.setUpdatesEnabled(True)
            self._held = None
        elif self._pending:
            name = self._pending.pop(0)
            plot = self.plots[name]
            plot.setUpdatesEnabled(False)
            self._held = plot
            self._draw(name, plot)
        if self._pending or self._held is not None:
            self._stage_timer.start()

    def is_drawing(self) -> bool:
        """Whether staged charts are still being drawn (or the last one is not shown yet)."""
        return bool(self._pending) or self._held is not None

    def show_profile(self, profile: dict[str, Any] | None, history: list[dict[str, Any]] | None) -> None:
        """Set both and draw the charts one at a time (what the window uses after a profile run)."""
        self.profile = profile if isinstance(profile, dict) else None
        self.history = [doc for doc in (history or []) if isinstance(doc, dict)]
        self._render(staged=True)

    def _show_notes(self, profile: dict[str, Any]) -> None:
        """Registries that could not be timed, and the profile's caveats, above the charts."""
        c = theme.colors(self.dark)
        rows = registry_rows(profile)
        problems = [r for r in rows if r["problem"]]
        lines = []
        if problems:
            text = " · ".join(f"{r['name']}: {r['problem']}" + (f" ({_clip(r['error'], 90)})" if r["error"]
                                                                 and r["error"] != r["problem"] else "")
                              for r in problems)
            lines.append(f"<span style='color:{c['accent']}'>⚠ Not timed: {html.escape(text)}</span>")
        caveats = [str(n) for n in profile.get("notes") or [] if n]
        names = {id(reg): reg.get("name") for reg in profile.get("registries") or [] if isinstance(reg, dict)}
        caveats += [f"{names[id(reg)]}: {reg['note']}" for reg in profile.get("registries") or []
                    if isinstance(reg, dict) and reg.get("note")]
        if caveats:
            lines.append(f"<span style='color:{c['muted']}'>Note: {html.escape(' · '.join(_clip(n, 160) for n in caveats))}"
                         "</span>")
        self.notes.setText("<br>".join(lines))
        self.notes.setToolTip("\n".join([f"{r['name']}: {r['error'] or r['problem']}" for r in problems] + caveats))
        self.notes.setVisible(bool(lines))

    def _header_html(self, profile: dict[str, Any]) -> str:
        c = theme.colors(self.dark)
        parts = []
        created = finite_number(profile.get("created"))
        if created is not None:
            parts.append("Profile of <b>" + time.strftime("%Y-%m-%d %H:%M", time.localtime(created)) + "</b>")
        runs = profile.get("runs")
        if isinstance(runs, int):
            parts.append(f"{runs} fresh-process run{'s' if runs != 1 else ''} per measurement")
        if profile.get("python"):
            parts.append(f"Python {_clip(str(profile['python']).split()[0], 20)}")
        imported = finite_number(profile.get("import_registry_core_s"))
        if imported is not None:
            parts.append(f"<code>import registry_core</code>: <b>{imported * 1000:.1f} ms</b>")
        return f"<span style='color:{c['foreground']}'>{' · '.join(parts) or 'Latest profile'}</span>"

    def _style(self, plot: pg.PlotWidget, titles: str | list[str], left: str, bottom: str) -> None:
        """Theme colours, fonts and labels; ``titles`` from longest to shortest, the widest that fits is shown."""
        c = theme.colors(self.dark)
        plot.setBackground(c["background"])
        item = plot.getPlotItem()
        plot.title_variants = [titles] if isinstance(titles, str) else list(titles)
        self._set_title(plot, plot.title_variants[0])
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

    def _set_title(self, plot: pg.PlotWidget, title: str) -> None:
        item = plot.getPlotItem()
        item.setTitle(title, color=theme.colors(self.dark)["foreground"], size=TITLE_SIZE)
        item.titleLabel.setMinimumWidth(0)  # a long title must not widen the plot beyond its pane
        plot.title_shown = title

    def _legend(self, plot: pg.PlotWidget, columns: int = 1) -> pg.LegendItem:
        c = theme.colors(self.dark)
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

    def _draw(self, name: str, plot: pg.PlotWidget) -> None:
        item = plot.getPlotItem()
        item.clear()
        plot.labels = ChartLabels()  # every text label of this chart, painted by one item
        plot.labels.setZValue(10)
        item.addItem(plot.labels, ignoreBounds=True)
        plot.legend_variants = {}  # legend label text -> shorter text for narrow plots
        plot.x_headroom = None  # (largest value, px to keep right of it) for value labels
        plot.y_headroom = None  # (bottom, highest value, px to keep above it) for labels and the legend
        profile = self._current_profile()
        if profile is None:
            return
        getattr(self, f"_draw_{name}")(plot, profile)
        self._fit_labels(plot)

    def _text(self, plot: pg.PlotWidget, text: str, pos: tuple[float, float], anchor: tuple[float, float],
              colour: str, bold: bool = False, size: float = 9, share: float | None = None) -> Label:
        """A label at data position ``pos``; with ``share``, shown only if it fits that share of a bar slot."""
        return plot.labels.add(text, pos, anchor, colour, self._font(size, bold), share)

    def _show_empty(self, plot: pg.PlotWidget, name: str, text: str) -> None:
        """A chart with nothing to draw: the reason, centred, and no hover."""
        self._text(plot, text, (0, 0.5), (0.5, 0.5), theme.colors(self.dark)["muted"], size=11)
        item = plot.getPlotItem()
        item.setXRange(-1, 1, padding=0)
        item.setYRange(0, 1, padding=0)
        self._hover[name] = lambda _x, _y: None

    # (a) cold vs warm per registry
    def _draw_discovery(self, plot: pg.PlotWidget, profile: dict[str, Any]) -> None:
        c = theme.colors(self.dark)
        rows = registry_rows(profile)
        runs = profile.get("runs")
        runs_text = f"median of {runs} runs" if isinstance(runs, int) else "median"
        self._style(plot, [f"Discovery per registry: cold vs warm ({runs_text}, whiskers min–max)",
                           "Discovery per registry: cold vs warm", "Cold vs warm discovery"],
                    "discovery time (ms)", "")
        item = plot.getPlotItem()
        axis: CategoryAxis = item.getAxis("bottom")  # type: ignore[assignment]
        axis.set_categories([r["name"] for r in rows])
        legend = self._legend(plot, columns=2)
        legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-10, 8))
        if not rows:
            self._show_empty(plot, "discovery", "This profile times no registry")
            return
        width = 0.36
        top = max([v for r in rows for k in ("cold", "warm") for v in (r[k]["max"], r[k]["median"])
                   if v is not None] or [1.0])
        timed = [r if r["problem"] is None else {**r, "cold": timing_ms(None), "warm": timing_ms(None)}
                 for r in rows]  # a registry with a problem is a labelled gap, not half a pair
        for key, offset, label in (("cold", -width / 2, "cold (fresh process, no cache)"),
                                   ("warm", width / 2, "warm (served from the cache)")):
            plot.legend_variants[label] = key
            xs = [i + offset for i, r in enumerate(timed) if r[key]["median"] is not None]
            meds = [r[key]["median"] for r in timed if r[key]["median"] is not None]
            colour = QColor(c[key])
            bars = pg.BarGraphItem(x=xs, height=meds, width=width, brush=pg.mkBrush(colour),
                                   pen=pg.mkPen(colour.darker(125) if not self.dark else colour.lighter(115)),
                                   name=label)
            item.addItem(bars)
            spans = [(i + offset, r[key]) for i, r in enumerate(timed) if r[key]["median"] is not None]
            if spans:
                errors = pg.ErrorBarItem(
                    x=np.array([s[0] for s in spans]), y=np.array([s[1]["median"] for s in spans]),
                    top=np.array([max(0.0, (s[1]["max"] or s[1]["median"]) - s[1]["median"]) for s in spans]),
                    bottom=np.array([max(0.0, s[1]["median"] - (s[1]["min"] or s[1]["median"])) for s in spans]),
                    beam=width * 0.35, pen=pg.mkPen(c["foreground"], width=1.3))
                item.addItem(errors)
        for i, r in enumerate(rows):
            high = max([v for k in ("cold", "warm") for v in (r[k]["max"], r[k]["median"]) if v is not None] or [0])
            if r["problem"]:
                self._text(plot, r["problem"], (i, top * 0.04), (0.5, 1), c["accent"], bold=True)
                gap = pg.BarGraphItem(x=[i], height=[top * 0.9], width=width * 2, brush=pg.mkBrush(None),
                                      pen=pg.mkPen(c["accent"], width=1, style=Qt.PenStyle.DashLine))
                item.addItem(gap)
            elif r["speedup"] is not None:
                self._text(plot, speedup_text(r["speedup"]), (i, high + top * 0.02), (0.5, 1),
                           c["foreground"], bold=True, size=10, share=1.0)
            warm = r["warm"]
            if warm["median"] is not None and not r["problem"]:
                # Left-aligned on the warm bar: clear of the (taller) cold bar beside it.
                self._text(plot, _ms_text(warm["median"]), (i + width * 0.05, (warm["max"] or 0) + top * 0.01),
                           (0, 1), c["warm"] if self.dark else QColor(c["warm"]).darker(115).name(), size=8, share=0.5)
        item.setXRange(-0.6, len(rows) - 0.4, padding=0)
        item.setYRange(0, top * 1.32, padding=0)
        # Room above the highest whisker for its speed-up label and the legend, whatever the plot's height.
        plot.y_headroom = (0.0, top, QFontMetrics(self._font(10, bold=True)).height() + 12)
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
                    lines.append(f"{key}: {t['median']:.2f} ms (min {t['min']:.2f}, max {t['max']:.2f}"
                                 + (f", {t['runs']} runs)" if t["runs"] else ")"))
            if r["speedup"] is not None:
                lines.append(f"warm is {speedup_text(r['speedup'])} faster")
            if r["problem"]:
                lines.append(f"{r['problem']}: {_clip(r['error'], 300)}")
            return "<br>".join(lines)

        self._hover["discovery"] = hover

    # (b) slowest imports
    def _draw_imports(self, plot: pg.PlotWidget, profile: dict[str, Any]) -> None:
        c = theme.colors(self.dark)
        rows = top_modules(profile)
        labels, prefix = shorten_modules([r["module"] for r in rows])
        self._style(plot, [f"Top {len(rows)} imports by self time", "Slowest imports"], f"module in {prefix[:-1]}" if prefix else "module", "self import time (ms)")
        item = plot.getPlotItem()
        axis: CategoryAxis = item.getAxis("left")  # type: ignore[assignment]
        # Slowest at the top: slot n-1-i.
        n = len(rows)
        axis.set_categories(list(reversed(labels)))
        if not rows:
            self._show_empty(plot, "imports", "This profile has no import timings")
            return
        colour = QColor(c["accent"])
        ys = [n - 1 - i for i in range(n)]
        bars = pg.BarGraphItem(x0=[0] * n, y=ys, height=0.68, width=[r["self_ms"] for r in rows],
                               brush=pg.mkBrush(colour), pen=pg.mkPen(colour.darker(120)))
        item.addItem(bars)
        top = max(r["self_ms"] for r in rows) or 1.0
        for y, r in zip(ys, rows):
            self._text(plot, f"{r['self_ms']:.1f}", (r["self_ms"] + top * 0.01, y), (0, 0.5), c["foreground"],
                       size=8)
        item.setXRange(0, top * 1.14, padding=0)
        plot.x_headroom = (top, QFontMetrics(self._font(8)).horizontalAdvance("000.0") + 12)
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

        self._hover["imports"] = hover

    # (c) history
    def _draw_history(self, plot: pg.PlotWidget, _profile: dict[str, Any]) -> None:
        c = theme.colors(self.dark)
        points = history_points(self._history_docs())
        hint = "" if len(points) > 1 else " (profile again to see a trend)"
        runs = f"{len(points)} profile run{'s' if len(points) != 1 else ''}"
        self._style(plot, [f"History: median over registries, {runs}{hint}", f"History: median over registries, {runs}",
                           f"History ({runs})"], "median (ms, log scale)", "profile run (date, time)")
        item = plot.getPlotItem()
        item.setLogMode(x=False, y=True)
        self._legend(plot, columns=2).anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-10, 8))
        xs = [p["created"] for p in points]
        for key, symbol, label in (("cold", "o", "cold"), ("warm", "t", "warm")):
            plot.legend_variants[label] = label
            ys = [p[key] if p[key] and p[key] > 0 else math.nan for p in points]
            if all(math.isnan(y) for y in ys):
                xs_line, ys = [], []  # nothing to draw, but keep the legend entry
            else:
                xs_line = xs
            item.plot(xs_line, ys, pen=pg.mkPen(c[key], width=2), symbol=symbol, symbolSize=9,
                      symbolBrush=pg.mkBrush(c[key]), symbolPen=pg.mkPen(c["background"]), name=label,
                      connect="finite", antialias=True)
        if xs:
            low, high = min(xs), max(xs)
            # One run: an hour around it. Several: their span, whether minutes apart or weeks.
            pad = 1800.0 if high == low else max((high - low) * 0.08, 2.0)
            item.setXRange(low - pad, high + pad, padding=0)
        values = [p[k] for p in points for k in ("cold", "warm") if p[k] and p[k] > 0]
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
            return f"<b>{when}</b><br>cold {cold} · warm {warm}<br>{nearest['registries']} registries timed"

        self._hover["history"] = hover

    def _fit_labels(self, plot: pg.PlotWidget) -> None:
        """Adapt to the plot's size: title and legend length, headroom (bar labels fit themselves when painted)."""
        if getattr(plot, "_fitting", False):
            return
        plot._fitting = True
        try:
            item = plot.getPlotItem()
            view = item.getViewBox()
            metrics = QFontMetrics(self._font(11))
            variants = getattr(plot, "title_variants", [])
            if variants:
                room = item.width() - 24
                title = next((t for t in variants if metrics.horizontalAdvance(t) <= room), variants[-1])
                if title != getattr(plot, "title_shown", None):
                    self._set_title(plot, title)
            legend = item.legend
            if legend is not None and legend.items:
                short = item.width() < 620
                entries = [(sample.item, label.text) for sample, label in legend.items]
                wanted = [(entry, self._legend_text(plot, text, short)) for entry, text in entries]
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
    def _legend_text(plot: pg.PlotWidget, text: str, short: bool) -> str:
        variants = getattr(plot, "legend_variants", {})
        if short:
            return variants.get(text, text)
        longer = {v: k for k, v in variants.items()}
        return longer.get(text, text)

    @staticmethod
    def _font(points: float, bold: bool = False) -> QFont:
        font = QFont(QApplication.font())
        font.setPointSizeF(points)
        font.setBold(bold)
        return font

    def _on_hover(self, name: str, pos: QPointF) -> None:
        plot = self.plots[name]
        item = plot.getPlotItem()
        if not item.getViewBox().sceneBoundingRect().contains(pos):
            return
        point = item.getViewBox().mapSceneToView(pos)
        lookup = self._hover.get(name)
        text = lookup(point.x(), point.y()) if lookup else None
        if text:
            QToolTip.showText(QCursor.pos(), text, plot)
        else:
            QToolTip.hideText()


_SVG_SHIM_INSTALLED = False


def _tolerate_closed_svg_paths() -> None:
    """Let pyqtgraph's SVGExporter read paths that Qt closes with ``Z`` (pyqtgraph issue #3495).

    pyqtgraph 0.14's ``correctCoordinates`` expects every path token to be ``x,y`` and raises on the
    close-path command recent Qt versions write (the plot's own frame is one). Dropping the ``Z``
    before it parses the path changes nothing visible: fills close implicitly, and the frame
    ends where it started.
    """
    global _SVG_SHIM_INSTALLED
    if _SVG_SHIM_INSTALLED:
        return
    import importlib

    module = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    original = module.correctCoordinates

    def correct_coordinates(node: Any, defs: Any, item: Any, options: Any) -> Any:
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            kept = [t.lstrip("Zz") for t in tokens if t not in ("Z", "z")]
            kept = [t for t in kept if t]
            if len(kept) != len(tokens) or kept != tokens:
                path.setAttribute("d", " ".join(kept))
        return original(node, defs, item, options)

    module.correctCoordinates = correct_coordinates
    _SVG_SHIM_INSTALLED = True


def _ms_text(value: float) -> str:
    return f"{value:.0f} ms" if value >= 100 else f"{value:.1f} ms" if value >= 1 else f"{value:.2f} ms"


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
