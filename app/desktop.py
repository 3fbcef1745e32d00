"""Opening files and folders with the desktop's own applications, and saying so when that cannot work."""

from __future__ import annotations

import os
from collections.abc import Callable

from PyQt6.QtCore import QUrl
from PyQt6.QtGui import QDesktopServices, QGuiApplication


def open_path(path: str, say: Callable[[str], None]) -> bool:
    """Open ``path`` with its default application; otherwise ``say`` why, with the path on the clipboard.

    A source file can be gone or live inside an archive, and a server or a bare container has no file
    manager: a click that silently does nothing looks like a broken button.
    """
    if not path or not os.path.exists(path):
        say(f"Cannot open {path or 'an unknown file'}: it does not exist (moved, deleted, or inside an archive)")
        return False
    if QDesktopServices.openUrl(QUrl.fromLocalFile(path)):
        return True
    QGuiApplication.clipboard().setText(path)
    say(f"No application here opens {path}; its path is on the clipboard")
    return False
