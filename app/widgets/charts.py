"""The Timing tab: cold vs warm discovery per registry, slowest imports, and the trend over past profiles.

Three pyqtgraph plots over the profile documents of ``registry_core.diagnostics.profiling``
(plain dicts); this module lays them out, draws them a chart per timer tick and exports them.
Each chart is a ``ChartSpec`` in its own module. Everything read may be missing, ``None`` or an
error: such a registry shows as a labelled gap, never a crash.
"""

from __future__ import annotations

import html
import os
import time
from typing import Any

import pyqtgraph as pg
from PyQt6.QtCore import QPointF, Qt, QTimer
from PyQt6.QtGui import QCursor
from PyQt6.QtWidgets import QApplication, QLabel, QSplitter, QStackedWidget, QToolTip, QVBoxLayout, QWidget
from pyqtgraph import exporters

from .. import theme
from .chart_data import CHARTS, engine_summaries, export_paths, finite_number, registry_rows
from .chart_discovery import DiscoveryChart
from .chart_history import HistoryChart
from .chart_imports import ImportsChart
from .chart_style import ChartSpec, ChartStyle, Hover, clip

EMPTY_TEXT = "No profile yet: press Profile (Ctrl+P) to time cold and warm discovery in fresh processes"
#: Above the charts: the registries left out of the cold/warm bars and of the history's medians.
NO_DISCOVERY_NOTE = "Not charted, no discovery of their own (what registered at import; nothing to time): "

#: Every chart by name, in export order (``chart_data.CHARTS``).
SPECS: dict[str, ChartSpec] = {spec.name: spec for spec in (DiscoveryChart(), ImportsChart(), HistoryChart())}
assert tuple(SPECS) == CHARTS

#: Size of exported charts, in pixels.
EXPORT_SIZE = (1100, 620)
#: Pause between drawing one chart and the next. Not 0: a zero-delay call is a posted event, and Qt
#: delivers posted events back to back, so timers and input would wait for all three charts (~150 ms).
STAGE_GAP_MS = 15


class ChartsPanel(QWidget):
    """The Timing tab: three plots over the latest profile and the profile history."""

    def __init__(self, parent: QWidget | None = None, dark: bool = False) -> None:
        super().__init__(parent)
        self.setObjectName("chartsPanel")
        self.dark = dark
        self.profile: dict[str, Any] | None = None
        self.history: list[dict[str, Any]] = []
        self.chart_style = ChartStyle(dark)
        self._hover: dict[str, Hover] = {}
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
        self.plots: dict[str, pg.PlotWidget] = {
            name: self.chart_style.new_plot(spec, page) for name, spec in SPECS.items()
        }
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
        self.dark = self.chart_style.dark = dark
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
            plot = self.chart_style.new_plot(SPECS[name], None)
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

    def stop_drawing(self) -> None:
        """Draw no more staged charts (the window closed); what is drawn is shown."""
        self._pending.clear()
        self._stage_timer.stop()
        if self._held is not None:
            self._held.setUpdatesEnabled(True)
            self._held = None

    def show_profile(
        self, profile: dict[str, Any] | None, history: list[dict[str, Any]] | None, empty_text: str | None = None
    ) -> None:
        """Set both and draw the charts one at a time (what the window uses after a profile run);
        ``empty_text`` is what the tab says while there is no profile (None: ``EMPTY_TEXT``, press Profile)."""
        self.profile = profile if isinstance(profile, dict) else None
        self.history = [doc for doc in (history or []) if isinstance(doc, dict)]
        self.empty_label.setText(empty_text or EMPTY_TEXT)
        self._render(staged=True)

    def _show_notes(self, profile: dict[str, Any]) -> None:
        """Registries that could not be timed, and the profile's caveats, above the charts."""
        c = theme.colors(self.dark)
        rows = registry_rows(profile)
        problems = [r for r in rows if r["problem"]]
        lines = []
        if problems:
            text = " · ".join(
                f"{r['name']}: {r['problem']}"
                + (f" ({clip(r['error'], 90)})" if r["error"] and r["error"] != r["problem"] else "")
                for r in problems
            )
            lines.append(f"<span style='color:{c['accent']}'>⚠ Not timed: {html.escape(text)}</span>")
        both = engine_summaries(profile)
        if both:
            lines.append(
                f"<span style='color:{c['foreground']}'>On registry_core (compat.install()) vs as installed: "
                f"{html.escape(' · '.join(both))}</span>"
            )
        partial = [r["name"] for r in rows if r["partial"]]
        if partial:
            lines.append(
                f"<span style='color:{c['muted']}'>{html.escape(clip(NO_DISCOVERY_NOTE + ', '.join(partial), 400))}"
                "</span>"
            )
        caveats = [str(n) for n in profile.get("notes") or [] if n]
        names = {id(reg): reg.get("name") for reg in profile.get("registries") or [] if isinstance(reg, dict)}
        caveats += [
            f"{names[id(reg)]}: {reg['note']}"
            for reg in profile.get("registries") or []
            if isinstance(reg, dict) and reg.get("note")
        ]
        if caveats:
            lines.append(
                f"<span style='color:{c['muted']}'>Note: {html.escape(' · '.join(clip(n, 160) for n in caveats))}"
                "</span>"
            )
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
            parts.append(f"Python {clip(str(profile['python']).split()[0], 20)}")
        imported = finite_number(profile.get("import_registry_core_s"))
        if imported is not None:
            parts.append(f"<code>import registry_core</code>: <b>{imported * 1000:.1f} ms</b>")
        return f"<span style='color:{c['foreground']}'>{' · '.join(parts) or 'Latest profile'}</span>"

    def _draw(self, name: str, plot: pg.PlotWidget) -> None:
        self.chart_style.reset(plot)
        profile = self._current_profile()
        if profile is None:
            return
        self._hover[name] = SPECS[name].draw(self.chart_style, plot, profile, self._history_docs())
        self.chart_style.fit_labels(plot)

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
