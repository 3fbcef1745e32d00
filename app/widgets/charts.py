"""The Timing tab: cold vs warm discovery per registry, slowest imports, and the trend over past profiles.

Three pyqtgraph plots over the profile documents of ``registry_core.profiling``
(plain dicts); this module only draws them. Everything it reads may be missing,
``None`` or an error: such a registry shows as a labelled gap, never a crash.
"""

from __future__ import annotations

import math
import os
import statistics
import time
from typing import Any, Callable

import numpy as np
import pyqtgraph as pg
from pyqtgraph import exporters
from PyQt6.QtCore import QPointF, Qt
from PyQt6.QtGui import QColor, QCursor, QFont, QFontMetrics
from PyQt6.QtWidgets import QApplication, QLabel, QSplitter, QStackedWidget, QToolTip, QVBoxLayout, QWidget

from .. import theme

EMPTY_TEXT = "No profile yet: press Profile (Ctrl+P) to time cold and warm discovery in fresh processes"

#: Chart names, in export order: ``<stem>-<name>.<suffix>``.
CHARTS = ("discovery", "imports", "history")
TOP_MODULES = 20
#: Size of exported charts (logical pixels; PNGs are rendered at twice this for sharp text).
EXPORT_SIZE = (1000, 560)
TICK_POINT_SIZE = 9
TITLE_SIZE = "11pt"
MAX_MODULE_LABEL = 38


# -- documents -> numbers (pure functions, no Qt) ----------------------------------------------
def _number(value: Any) -> float | None:
    """A finite float, or None for anything else (None, strings, NaN, bools)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    value = float(value)
    return value if math.isfinite(value) else None


def _timing_ms(block: Any) -> dict[str, float | None]:
    block = block if isinstance(block, dict) else {}
    median, low, high = (_number(block.get(k)) for k in ("median_s", "min_s", "max_s"))
    runs = block.get("runs")
    median_ms = None if median is None else median * 1000
    return {
        "median": median_ms,
        "min": median_ms if low is None else low * 1000,
        "max": median_ms if high is None else high * 1000,
        "runs": len(runs) if isinstance(runs, list) else None,
    }


def registry_rows(profile: dict[str, Any] | None) -> list[dict[str, Any]]:
    """One row per registry: name, cold/warm in ms, speed-up and the problem in words (or None)."""
    rows = []
    for index, reg in enumerate((profile or {}).get("registries") or []):
        if not isinstance(reg, dict):
            continue
        cold, warm = _timing_ms(reg.get("cold")), _timing_ms(reg.get("warm"))
        speedup = _number(reg.get("speedup"))
        if speedup is None and cold["median"] and warm["median"]:
            speedup = cold["median"] / warm["median"]
        problem = None
        if reg.get("timed_out"):
            problem = "timed out"
        elif reg.get("error"):
            problem = "error"
        elif cold["median"] is None and warm["median"] is None:
            problem = "no timing"
        rows.append({"name": str(reg.get("name") or f"registry {index + 1}"), "cold": cold, "warm": warm,
                     "speedup": speedup if problem is None else None, "problem": problem,
                     "error": str(reg.get("error") or ("timed out" if reg.get("timed_out") else ""))})
    return rows


def speedup_text(speedup: float | None) -> str:
    if speedup is None:
        return ""
    return f"{speedup:.0f}×" if speedup >= 100 else f"{speedup:.1f}×"


def shorten_modules(names: list[str], limit: int = MAX_MODULE_LABEL) -> tuple[list[str], str]:
    """Labels without the dotted prefix every name shares (returned too), long ones elided in the middle."""
    parts = [n.split(".") for n in names]
    prefix: list[str] = []
    if len(parts) > 1:
        for column in zip(*parts):
            if len(set(column)) != 1:
                break
            prefix.append(column[0])
        # Keep at least one component of every name.
        prefix = prefix[: min(len(p) for p in parts) - 1] if prefix else prefix
    labels = []
    for p in parts:
        label = ".".join(p[len(prefix):])
        if len(label) > limit and len(p) - len(prefix) > 2:
            rest = p[len(prefix):]
            label = f"{rest[0]}.….{rest[-1]}"
            if len(label) > limit:
                label = "…" + rest[-1]
        if len(label) > limit:
            keep = limit - 1
            label = label[: keep // 2] + "…" + label[len(label) - (keep - keep // 2):]
        labels.append(label)
    return labels, (".".join(prefix) + "." if prefix else "")


def top_modules(profile: dict[str, Any] | None, count: int = TOP_MODULES) -> list[dict[str, Any]]:
    """The ``count`` modules with the largest self import time, slowest first, times in ms."""
    rows = []
    for item in (profile or {}).get("top_modules") or []:
        if not isinstance(item, dict) or not item.get("module"):
            continue
        self_us = _number(item.get("self_us"))
        if self_us is None:
            continue
        cumulative = _number(item.get("cumulative_us"))
        rows.append({"module": str(item["module"]), "self_ms": self_us / 1000,
                     "cumulative_ms": None if cumulative is None else cumulative / 1000})
    rows.sort(key=lambda r: r["self_ms"], reverse=True)
    return rows[:count]


def history_points(history: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Per profile run (oldest first): its time and the median over registries of cold and warm (ms)."""
    points = []
    for doc in history or []:
        if not isinstance(doc, dict):
            continue
        created = _number(doc.get("created"))
        if created is None:
            continue
        rows = [r for r in registry_rows(doc) if r["problem"] is None]
        colds = [r["cold"]["median"] for r in rows if r["cold"]["median"] is not None]
        warms = [r["warm"]["median"] for r in rows if r["warm"]["median"] is not None]
        points.append({"created": created, "cold": statistics.median(colds) if colds else None,
                       "warm": statistics.median(warms) if warms else None, "registries": len(rows),
                       "runs": doc.get("runs")})
    points.sort(key=lambda p: p["created"])
    return points


def export_paths(path: str) -> list[tuple[str, str, str]]:
    """``(chart, path, format)`` per chart: ``stem-discovery.png`` ...; SVG by suffix, else a Qt image format."""
    stem, suffix = os.path.splitext(path)
    suffix = suffix.lower()
    if not suffix:
        suffix = ".png"
    fmt = "svg" if suffix == ".svg" else "image"
    return [(name, f"{stem}-{name}{suffix}", fmt) for name in CHARTS]


# -- axes ---------------------------------------------------------------------------------------
class CategoryAxis(pg.AxisItem):
    """An axis of named slots at 0, 1, 2 ...: labels wrapped/elided to their slot, thinned when crowded."""

    def __init__(self, orientation: str, **kwargs: Any) -> None:
        super().__init__(orientation, **kwargs)
        self.categories: list[str] = []
        self._slot_px = 100.0
        self.enableAutoSIPrefix(False)

    def set_categories(self, names: list[str]) -> None:
        self.categories = list(names)
        self.picture = None
        self.update()

    def _metrics(self) -> QFontMetrics:
        font = self.style.get("tickFont") or QApplication.font()
        return QFontMetrics(font)

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:  # noqa: N802, N803 - pyqtgraph's names
        if not self.categories:
            return []
        span = max(maxVal - minVal, 1e-9)
        self._slot_px = size / span
        metrics = self._metrics()
        need = metrics.height() * 1.2 if self.orientation in ("left", "right") else metrics.horizontalAdvance("Mmmm…")
        step = max(1, math.ceil(need / max(self._slot_px, 1e-9)))
        values = [float(i) for i in range(0, len(self.categories), step) if minVal - 0.5 <= i <= maxVal + 0.5]
        return [(float(step), values)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        labels = []
        for value in values:
            index = int(round(value))
            name = self.categories[index] if 0 <= index < len(self.categories) else ""
            labels.append(self.fit(name) if self.orientation in ("top", "bottom") else name)
        return labels

    def fit(self, name: str) -> str:
        """The name on one line if it fits its slot, else on two lines, else elided: never overlapping."""
        metrics = self._metrics()
        room = max(self._slot_px - 10, 12)
        if metrics.horizontalAdvance(name) <= room:
            return name
        words = name.replace("_", "_ ").replace(".", ". ").split()
        if len(words) > 1:
            best = None
            for cut in range(1, len(words)):
                first = " ".join(words[:cut]).replace("_ ", "_").replace(". ", ".")
                second = " ".join(words[cut:]).replace("_ ", "_").replace(". ", ".")
                width = max(metrics.horizontalAdvance(first), metrics.horizontalAdvance(second))
                if best is None or width < best[0]:
                    best = (width, first, second)
            assert best is not None
            _width, first, second = best
            elide = Qt.TextElideMode.ElideRight
            return (metrics.elidedText(first, elide, int(room)) + "\n" +
                    metrics.elidedText(second, elide, int(room)))
        return metrics.elidedText(name, Qt.TextElideMode.ElideMiddle, int(room))


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
        self.splitter.setSizes([600, 400])
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
        self.notes.setStyleSheet(f"color: {c['accent']};")
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
            item = plot.getPlotItem()
            if fmt == "svg":
                exporter = exporters.SVGExporter(item)
            else:
                exporter = exporters.ImageExporter(item)
                exporter.parameters()["width"] = int(item.sceneBoundingRect().width() * 2)
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
            axes = {"bottom": pg.DateAxisItem("bottom")}
        plot = pg.PlotWidget(parent, axisItems=axes)
        item = plot.getPlotItem()
        item.hideButtons()
        item.setMenuEnabled(False)
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

    def _render(self) -> None:
        profile = self._current_profile()
        if profile is None:
            self.stack.setCurrentIndex(0)
            for plot in self.plots.values():
                plot.getPlotItem().clear()
            return
        self.stack.setCurrentIndex(1)
        self.header.setText(self._header_html(profile))
        problems = [r for r in registry_rows(profile) if r["problem"]]
        note = " · ".join(f"{r['name']}: {r['problem']}" + (f" ({_clip(r['error'], 90)})"
                                                             if r["error"] and r["error"] != r["problem"] else "")
                          for r in problems)
        self.notes.setText(f"⚠ Not timed: {note}" if note else "")
        self.notes.setToolTip("\n".join(f"{r['name']}: {r['error'] or r['problem']}" for r in problems))
        self.notes.setVisible(bool(note))
        for name, plot in self.plots.items():
            self._draw(name, plot)

    def _header_html(self, profile: dict[str, Any]) -> str:
        c = theme.colors(self.dark)
        parts = []
        created = _number(profile.get("created"))
        if created is not None:
            parts.append("Profile of <b>" + time.strftime("%Y-%m-%d %H:%M", time.localtime(created)) + "</b>")
        runs = profile.get("runs")
        if isinstance(runs, int):
            parts.append(f"{runs} fresh-process run{'s' if runs != 1 else ''} per measurement")
        if profile.get("python"):
            parts.append(f"Python {_clip(str(profile['python']).split()[0], 20)}")
        imported = _number(profile.get("import_registry_core_s"))
        if imported is not None:
            parts.append(f"<code>import registry_core</code>: <b>{imported * 1000:.1f} ms</b>")
        return f"<span style='color:{c['foreground']}'>{' · '.join(parts) or 'Latest profile'}</span>"

    def _style(self, plot: pg.PlotWidget, title: str, left: str, bottom: str) -> None:
        c = theme.colors(self.dark)
        plot.setBackground(c["background"])
        item = plot.getPlotItem()
        item.setTitle(title, color=c["foreground"], size=TITLE_SIZE)
        font = QFont(QApplication.font())
        font.setPointSize(TICK_POINT_SIZE)
        for side, text in (("left", left), ("bottom", bottom)):
            axis = item.getAxis(side)
            axis.setPen(pg.mkPen(c["muted"]))
            axis.setTextPen(pg.mkPen(c["foreground"]))
            axis.setTickFont(font)
            axis.setLabel(text, color=c["foreground"], **{"font-size": "10pt"})
        item.showGrid(x=False, y=False)

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
        profile = self._current_profile()
        if profile is None:
            return
        getattr(self, f"_draw_{name}")(plot, profile)

    def _text(self, plot: pg.PlotWidget, text: str, pos: tuple[float, float], anchor: tuple[float, float],
              colour: str, bold: bool = False, size: float = 9) -> pg.TextItem:
        label = pg.TextItem(text, color=colour, anchor=anchor)
        font = QFont(QApplication.font())
        font.setPointSizeF(size)
        font.setBold(bold)
        label.setFont(font)
        label.setPos(*pos)
        plot.getPlotItem().addItem(label, ignoreBounds=True)
        return label

    # (a) cold vs warm per registry
    def _draw_discovery(self, plot: pg.PlotWidget, profile: dict[str, Any]) -> None:
        c = theme.colors(self.dark)
        rows = registry_rows(profile)
        runs = profile.get("runs")
        runs_text = f"median of {runs} runs" if isinstance(runs, int) else "median"
        self._style(plot, f"Discovery per registry: cold vs warm ({runs_text}, whiskers min–max)",
                    "discovery time (ms)", "registry")
        item = plot.getPlotItem()
        axis: CategoryAxis = item.getAxis("bottom")  # type: ignore[assignment]
        axis.set_categories([r["name"] for r in rows])
        legend = self._legend(plot, columns=2)
        legend.anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-10, 8))
        if not rows:
            self._text(plot, "This profile times no registry", (0, 0.5), (0.5, 0.5), c["muted"], size=11)
            item.setXRange(-1, 1, padding=0)
            item.setYRange(0, 1, padding=0)
            self._hover["discovery"] = lambda _x, _y: None
            return
        width = 0.36
        top = max([v for r in rows for k in ("cold", "warm") for v in (r[k]["max"], r[k]["median"])
                   if v is not None] or [1.0])
        for key, offset, label in (("cold", -width / 2, "cold (fresh process, no cache)"),
                                   ("warm", width / 2, "warm (served from the cache)")):
            xs = [i + offset for i, r in enumerate(rows) if r[key]["median"] is not None]
            meds = [r[key]["median"] for r in rows if r[key]["median"] is not None]
            colour = QColor(c[key])
            bars = pg.BarGraphItem(x=xs, height=meds, width=width, brush=pg.mkBrush(colour),
                                   pen=pg.mkPen(colour.darker(125) if not self.dark else colour.lighter(115)),
                                   name=label)
            item.addItem(bars)
            spans = [(i + offset, r[key]) for i, r in enumerate(rows) if r[key]["median"] is not None]
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
                self._text(plot, speedup_text(r["speedup"]), (i, high + top * 0.02), (0.5, 1), c["foreground"],
                           bold=True, size=10)
        item.setXRange(-0.6, len(rows) - 0.4, padding=0)
        item.setYRange(0, top * 1.32, padding=0)  # room for the speed-ups and the legend
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
        title = f"Slowest imports: top {len(rows)} modules by self time"
        self._style(plot, title, f"module (under {prefix}…)" if prefix else "module", "self import time (ms)")
        item = plot.getPlotItem()
        axis: CategoryAxis = item.getAxis("left")  # type: ignore[assignment]
        # Slowest at the top: slot n-1-i.
        n = len(rows)
        axis.set_categories(list(reversed(labels)))
        if not rows:
            self._text(plot, "This profile has no import timings", (0, 0.5), (0.5, 0.5), c["muted"], size=11)
            item.setXRange(-1, 1, padding=0)
            item.setYRange(0, 1, padding=0)
            self._hover["imports"] = lambda _x, _y: None
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
        self._style(plot, f"History: median over registries, {len(points)} profile run"
                    f"{'s' if len(points) != 1 else ''}{hint}", "median discovery time (ms, log scale)",
                    "profile run (date, time)")
        item = plot.getPlotItem()
        item.setLogMode(x=False, y=True)
        self._legend(plot, columns=2).anchor(itemPos=(1, 0), parentPos=(1, 0), offset=(-10, 8))
        xs = [p["created"] for p in points]
        for key, symbol, label in (("cold", "o", "cold"), ("warm", "t", "warm")):
            ys = [p[key] if p[key] and p[key] > 0 else math.nan for p in points]
            item.plot(xs, ys, pen=pg.mkPen(c[key], width=2), symbol=symbol, symbolSize=9,
                      symbolBrush=pg.mkBrush(c[key]), symbolPen=pg.mkPen(c["background"]), name=label,
                      connect="finite", antialias=True)
        if xs:
            low, high = min(xs), max(xs)
            pad = max((high - low) * 0.06, 1800.0 if high == low else 60.0)
            item.setXRange(low - pad, high + pad, padding=0)
        values = [p[k] for p in points for k in ("cold", "warm") if p[k] and p[k] > 0]
        if values:
            item.setYRange(math.log10(min(values)) - 0.25, math.log10(max(values)) + 0.45, padding=0)
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


def _clip(text: str, limit: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
