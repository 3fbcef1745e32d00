"""Light and dark palettes, and the status colours, for widgets, models and charts.

The window follows the system scheme unless told otherwise. Status colours are the same in both
schemes: they are badges with white text (cache states) or text on the view's own base colour.
"""

from __future__ import annotations

from typing import Any

from PyQt6.QtCore import QPointF, QRect, Qt
from PyQt6.QtGui import QBrush, QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap, QPolygonF
from PyQt6.QtWidgets import QProxyStyle, QStyle

LIGHT = {
    "background": "#ffffff",
    "foreground": "#202124",
    "grid": "#d0d0d0",
    "cold": "#1565c0",
    "warm": "#2e7d32",
    "accent": "#ef6c00",
    "muted": "#757575",
}
DARK = {
    "background": "#1e1f22",
    "foreground": "#e8eaed",
    "grid": "#4a4d52",
    "cold": "#64b5f6",
    "warm": "#81c784",
    "accent": "#ffb74d",
    "muted": "#9e9e9e",
}

#: A cache's state, as the background of its badge (cache table, enums tab).
STATE_COLOURS = {
    "valid": "#2e7d32",
    "stale": "#ef6c00",
    "corrupt": "#c62828",
    "missing": "#546e7a",
    "disabled": "#6a1b9a",
    "orphan": "#546e7a",
}
UNKNOWN_STATE_COLOUR = "#546e7a"
#: Text on a state badge.
BADGE_TEXT_COLOUR = "white"
#: What did not register, by the registry tree's row kind (its reason and status text, the details heading).
OUTCOME_COLOURS = {
    "failure": "#d32f2f",
    "duplicate": "#e65100",
    "skipped": "#b8860b",
    "excluded": "#757575",
}


def system_is_dark() -> bool:
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    if scheme is not None:
        value = scheme()
        if value == Qt.ColorScheme.Dark:
            return True
        if value == Qt.ColorScheme.Light:
            return False
    window = QGuiApplication.palette().color(QPalette.ColorRole.Window)
    return window.lightness() < 128


def colors(dark: bool) -> dict[str, str]:
    return DARK if dark else LIGHT


def state_colour(state: str | None) -> str:
    """The badge colour of a cache state (a neutral grey for one this version does not know)."""
    return STATE_COLOURS.get(state or "", UNKNOWN_STATE_COLOUR)


def play_icon(dark: bool) -> QIcon:
    """A "run" triangle in the theme's colour: the style's own is black, and vanishes on a dark toolbar."""
    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor(colors(dark)["cold"])))
    painter.drawPolygon(QPolygonF([QPointF(8, 5), QPointF(27, 16), QPointF(8, 27)]))
    painter.end()
    return QIcon(pixmap)


def apply_palette(app: QGuiApplication, dark: bool) -> None:
    """An explicit palette, so forcing a scheme (--theme) looks the same on every platform style."""
    c = colors(dark)
    palette = QPalette()
    base = QColor(c["background"])
    text = QColor(c["foreground"])
    window = base.darker(108) if not dark else QColor("#2b2d31")
    palette.setColor(QPalette.ColorRole.Window, window)
    palette.setColor(QPalette.ColorRole.WindowText, text)
    palette.setColor(QPalette.ColorRole.Base, base)
    palette.setColor(QPalette.ColorRole.AlternateBase, window)
    palette.setColor(QPalette.ColorRole.Text, text)
    palette.setColor(QPalette.ColorRole.Button, window)
    palette.setColor(QPalette.ColorRole.ButtonText, text)
    palette.setColor(QPalette.ColorRole.ToolTipBase, base)
    palette.setColor(QPalette.ColorRole.ToolTipText, text)
    palette.setColor(QPalette.ColorRole.PlaceholderText, QColor(c["muted"]))
    palette.setColor(QPalette.ColorRole.Highlight, QColor("#1a73e8" if not dark else "#4c8bf5"))
    palette.setColor(QPalette.ColorRole.HighlightedText, QColor("#ffffff"))
    palette.setColor(QPalette.ColorRole.Link, QColor("#1a73e8" if not dark else "#8ab4f8"))
    # setColor(role, ...) sets every group, the disabled one too: a greyed-out button would read as enabled.
    disabled = QColor(c["muted"])
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    app.setPalette(palette)
    # No style sheet on check boxes: one that styles ``::indicator`` replaces the style's tick (checked read as a
    # solid square). The style's own box and tick, with an edge that shows on a dark background too.
    app.setStyleSheet("")
    if not isinstance(app.style(), EdgedCheckStyle):
        app.setStyle(EdgedCheckStyle(app.style().name()))


class EdgedCheckStyle(QProxyStyle):
    """The platform style (Fusion here), its check boxes given a visible edge on dark backgrounds.

    Fusion draws the box's edge from the Window colour darkened, nearly the Base colour of a dark theme.
    """

    _CHECKS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox, QStyle.PrimitiveElement.PE_IndicatorItemViewItemCheck)

    def drawPrimitive(self, element: Any, option: Any, painter: Any, widget: Any = None) -> None:  # noqa: N802
        super().drawPrimitive(element, option, painter, widget)
        if element in self._CHECKS and option.palette.color(QPalette.ColorRole.Base).lightness() < 128:
            painter.save()
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            painter.setPen(QColor(DARK["muted"]))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            size = min(option.rect.width(), option.rect.height(), 14)
            box = QRect(0, 0, size - 1, size - 1)
            box.moveCenter(option.rect.center())
            painter.drawRect(box)
            painter.restore()
