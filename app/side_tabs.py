"""The Timing and Enums tabs: placeholders at first, built a step per timer tick after the first load.

Their widgets import pyqtgraph and draw charts and swatches; built in one go they froze the window
~110 ms, so the first paint shows placeholders and each step below gets its own timer tick.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from PyQt6.QtCore import QObject, QTimer, pyqtSignal
from PyQt6.QtWidgets import QLabel, QVBoxLayout, QWidget

_DONE = object()


class SideTabs(QObject):
    """Builds ``timing_page`` and ``enums_page`` (the Timing and Enums tabs), staged or at once."""

    #: A build (staged or not) has finished: both tabs exist and show the session's enums.
    built = pyqtSignal()

    #: Pause between steps (each ≤ ~50 ms). Not 0: Qt delivers zero-delay timers back to back.
    STEP_GAP_MS = 15

    def __init__(
        self,
        parent: QWidget,
        *,
        dark: bool,
        profiles: Callable[[], tuple[Any, list[Any], str | None]],
        enums: Callable[[], list[dict[str, Any]]],
    ) -> None:
        """``profiles()`` gives the latest profile, the history and what the Timing tab says without a profile
        (None: its default); ``enums()`` the enum documents to show."""
        super().__init__(parent)
        self.dark = dark
        self._profiles = profiles
        self._enums = enums
        self.timing_page = _placeholder("Charts load after discovery…", parent)
        self.enums_page = _placeholder("Enums load after discovery…", parent)
        self.charts: Any = None
        self.enums_panel: Any = None
        self._shown_enums: Any = None
        self._steps: Iterator[None] | None = None  # the staged build, while it runs
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(self.STEP_GAP_MS)
        self._timer.timeout.connect(self._next_step)

    def build_soon(self) -> None:
        """Build (or bring up to date) both tabs a step per timer tick, starting after this call returns."""
        if self._steps is None:
            self._steps = self._build_steps()
        self._timer.start()

    def build_now(self) -> None:
        """Both tabs built now (the rest of a staged build included), and the enums tab up to date."""
        self._timer.stop()
        steps, self._steps = self._steps or self._build_steps(), None
        for _step in steps:
            pass
        self.built.emit()

    def is_building(self) -> bool:
        """Whether a staged build has steps left."""
        return self._steps is not None

    def stop(self) -> None:
        """No step after the window has closed (nor a staged chart drawn)."""
        self._timer.stop()
        self._steps = None
        if self.charts is not None:
            self.charts.stop_drawing()

    def _next_step(self) -> None:
        if self._steps is None:
            return
        if next(self._steps, _DONE) is _DONE:
            self._steps = None
            self.built.emit()
        else:
            self._timer.start()

    def _build_steps(self) -> Iterator[None]:
        if self.charts is None:
            from .widgets.charts import ChartsPanel  # imports pyqtgraph

            yield
            self.charts = ChartsPanel(self.timing_page, dark=self.dark)
            _replace_placeholder(self.timing_page, self.charts)
            yield
            # Drawn a chart per tick too (unless someone needs them sooner: show_profile/export redraw).
            self.charts.show_profile(*self._profiles())
            yield
        if self.enums_panel is None:
            from .widgets.enums_panel import EnumsPanel

            self.enums_panel = EnumsPanel(self.enums_page)
            _replace_placeholder(self.enums_page, self.enums_panel)
            yield
        enums = self._enums()
        if enums != self._shown_enums:
            # Redrawing 70-odd swatches costs ~40 ms: only when the enums really changed (not on every rebuild).
            self._shown_enums = enums
            self.enums_panel.set_enums(enums)


def _placeholder(text: str, parent: QWidget) -> QWidget:
    page = QWidget(parent)
    QVBoxLayout(page).addWidget(QLabel(text, page))
    return page


def _replace_placeholder(page: QWidget, widget: QWidget) -> None:
    layout = page.layout()
    while layout.count():
        item = layout.takeAt(0)
        if item.widget() is not None:
            item.widget().deleteLater()
    layout.addWidget(widget)
