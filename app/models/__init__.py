"""Qt item models: thin adapters over the core's report documents (one model per tree or table)."""

from PyQt6.QtCore import Qt

#: Role giving a value that sorts correctly (numbers as numbers).
SORT_ROLE = Qt.ItemDataRole.UserRole + 1
#: Role giving the node kind ("registry", "plugin", "failure", ...).
KIND_ROLE = Qt.ItemDataRole.UserRole + 2
#: Role giving the plain dict the row shows.
DATA_ROLE = Qt.ItemDataRole.UserRole + 3


def home_short(text: str) -> str:
    """The home folder as ``~`` in a path, or in a text naming paths (``~/.cache/...``, as the CLI prints them)."""
    import os

    home = os.path.expanduser("~")
    if not text or not home or home == os.sep:
        return text
    if text == home:
        return "~"
    return text.replace(home + os.sep, "~" + os.sep)
