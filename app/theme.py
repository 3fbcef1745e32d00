"""Light and dark palettes for widgets and charts; follows the system scheme unless told otherwise."""

from __future__ import annotations

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QColor, QGuiApplication, QPalette

LIGHT = {"background": "#ffffff", "foreground": "#202124", "grid": "#d0d0d0", "cold": "#1565c0",
         "warm": "#2e7d32", "accent": "#ef6c00", "muted": "#757575"}
DARK = {"background": "#1e1f22", "foreground": "#e8eaed", "grid": "#4a4d52", "cold": "#64b5f6",
        "warm": "#81c784", "accent": "#ffb74d", "muted": "#9e9e9e"}


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
    app.setPalette(palette)
    # Fusion draws check-box outlines in a colour close to a dark background: give them an edge.
    border = "#9aa0a6" if dark else "#80868b"
    app.setStyleSheet(
        f"QCheckBox::indicator, QTreeView::indicator, QListView::indicator {{ border: 1px solid {border}; "
        f"border-radius: 2px; width: 13px; height: 13px; background: {c['background']}; }}"
        f"QCheckBox::indicator:checked, QTreeView::indicator:checked, QListView::indicator:checked "
        f"{{ background: {'#4c8bf5' if dark else '#1a73e8'}; image: none; }}"
    )
