"""Text primitives every renderer shares: aligned tables (fitted to the terminal), counts, sizes, ages and
durations for people."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

#: What a cut cell shows in place of the text left out (ASCII: any terminal, any encoding).
ELLIPSIS = "..."
#: Where a word wider than its cell may break: after these (dotted names, module:Class, paths, slugs).
_BREAK_AFTER = "./:_-"


class Fit:
    """How a table column gives way when the table is wider than the terminal.

    ``mode``: ``"path"`` elides the middle and keeps the file name, ``"end"`` elides the end, ``"wrap"``
    wraps onto more lines (keeping every character: for the columns a reader needs whole). ``minimum``: the
    narrowest it gets. Columns of ``level`` 0 give way first (the widest first), then those of level 1...
    """

    __slots__ = ("mode", "minimum", "level")

    def __init__(self, mode: str, minimum: int = 12, level: int = 0) -> None:
        self.mode = mode
        self.minimum = minimum
        self.level = level


def terminal_width(stream: Any) -> int | None:
    """The width to fit tables into: ``COLUMNS`` when set, else the terminal's when ``stream`` is one;
    ``None`` (full width) when the output goes to a pipe or a file."""
    import os

    columns = os.environ.get("COLUMNS", "").strip()
    if columns.isdigit() and int(columns) > 0:
        return int(columns)
    try:
        if not stream.isatty():
            return None
    except (AttributeError, ValueError):
        return None
    import shutil

    return shutil.get_terminal_size().columns


def count(n: int, word: str, plural: str | None = None) -> str:
    """``1 plugin``, ``2 plugins``; ``plural`` when adding an s is not it (``count(n, "class", "classes")``)."""
    return f"{n} {word if n == 1 else plural or word + 's'}"


def table(
    headers: list[str],
    rows: Iterable[list[Any]],
    indent: str = "  ",
    width: int | None = None,
    fit: dict[int, Fit] | None = None,
    below: int | None = None,
) -> str:
    """An aligned table; with ``width``, fitted into that many columns.

    The columns in ``fit`` (by index) give way as their ``Fit`` says; the others keep their width. When that
    is not enough, column ``below`` leaves the table for a line of its own under each row (elided, per its
    fit, to the width left), and the rest are fitted again.
    """
    rows = [["" if v is None else str(v) for v in row] for row in rows]
    fit = fit or {}
    columns = list(range(len(headers)))
    natural = {i: max([len(headers[i]), *(len(row[i]) for row in rows)]) for i in columns}
    widths = dict(natural)
    if width is not None:
        room = width - len(indent)
        first = min((f.level for f in fit.values()), default=0)
        widths, fits = _narrow(natural, headers, fit, room, up_to=first)
        if not fits and below is not None:
            # Rather than narrowing the columns a reader needs whole, the long one goes under its row.
            widths, fits = _narrow({i: w for i, w in natural.items() if i != below}, headers, fit, room, first)
        if not fits:
            widths, _ = _narrow(widths, headers, fit, room)
    shown = [i for i in columns if i in widths]
    lines = [indent + "  ".join(headers[i].ljust(widths[i]) for i in shown).rstrip()]
    if below is not None and below not in widths:
        lines.append(f"{indent}    {headers[below]}")
    lines.append(indent + "  ".join("-" * widths[i] for i in shown))
    for row in rows:
        cells = [_cell(row[i], widths[i], fit.get(i)) for i in shown]
        for n in range(max(len(c) for c in cells)):
            parts = [(c[n] if n < len(c) else "").ljust(widths[i]) for c, i in zip(cells, shown)]
            lines.append(indent + "  ".join(parts).rstrip())
        if below is not None and below not in widths and row[below]:
            room = max((width or 0) - len(indent) - 4, 16)
            lines.extend(f"{indent}    {line}" for line in _cell(row[below], room, fit.get(below)))
    return "\n".join(lines) + "\n"


def _narrow(
    natural: dict[int, int], headers: list[str], fit: dict[int, Fit], room: int, up_to: int | None = None
) -> tuple[dict[int, int], bool]:
    """Column widths within ``room`` (the fitting columns of each level up to ``up_to`` narrowed, level by
    level, the widest first), and whether they fit."""
    widths = dict(natural)
    total = sum(widths.values()) + 2 * (len(widths) - 1)
    for level in sorted({f.level for f in fit.values() if up_to is None or f.level <= up_to}):
        while total > room:
            floor = {i: max(fit[i].minimum, len(headers[i])) for i in widths if i in fit and fit[i].level == level}
            giving = [i for i in floor if widths[i] > floor[i]]
            if not giving:
                break
            widest = max(giving, key=lambda i: widths[i])
            widths[widest] -= 1
            total -= 1
    return widths, total <= room


def _cell(value: str, width: int, fit: Fit | None) -> list[str]:
    """A cell's lines within ``width``: as it is when it fits, else elided or wrapped per ``fit``."""
    if len(value) <= width or fit is None:
        return [value]
    if fit.mode == "wrap":
        return wrap(value, width)
    if fit.mode == "path":
        return [elide_path(value, width)]
    return [value[: max(width - len(ELLIPSIS), 1)] + ELLIPSIS]


def elide_path(path: str, width: int) -> str:
    """``path`` within ``width`` characters: the middle of the folder elided, the file name kept (and, when
    even the file name is wider, the middle of the file name)."""
    import os

    if len(path) <= width:
        return path
    name = os.path.basename(path)
    tail = path[len(path) - len(name) - 1 :] if name else path  # the separator and the file name
    head = width - len(ELLIPSIS) - len(tail)
    if head >= 1:
        return path[:head] + ELLIPSIS + tail
    keep = max(width - len(ELLIPSIS), 2)
    return name[: keep - keep // 2] + ELLIPSIS + name[len(name) - keep // 2 :]


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces; a word wider than ``width`` (a
    dotted name, a path) is broken after one of ``. / : _ -``, and cut where it has none."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        if line and len(line) + 1 + len(word) <= width:
            line += " " + word
            continue
        if line:
            lines.append(line)
        line = ""
        for part in _parts(word, width):
            if line and len(line) + len(part) <= width:
                line += part
            else:
                if line:
                    lines.append(line)
                line = part
    if line:
        lines.append(line)
    return lines or [""]


def _parts(word: str, width: int) -> list[str]:
    """``word`` split after each of ``. / : _ -`` when it is wider than ``width`` (each part at most ``width``)."""
    if len(word) <= width:
        return [word]
    parts: list[str] = []
    start = 0
    for index, char in enumerate(word):
        if char in _BREAK_AFTER and not (char == "." and word[index + 1 : index + 2].isdigit()):
            parts.append(word[start : index + 1])
            start = index + 1
    parts.append(word[start:])
    return [part[i : i + width] for part in parts if part for i in range(0, len(part), width)]


def human_size(size: int | None) -> str:
    if size is None:
        return "-"
    for unit in ("B", "KiB", "MiB"):
        if size < 1024 or unit == "MiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024  # type: ignore[assignment]
    return str(size)


def human_age(seconds: float | None) -> str:
    if seconds is None:
        return "-"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} d"


def milliseconds(seconds: Any) -> str:
    """A duration for people: 0.56 ms, 22.6 ms, 1.23 s; '-' when unknown."""
    if not isinstance(seconds, (int, float)):
        return "-"
    ms = seconds * 1000
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms" if ms < 1000 else f"{seconds:.2f} s"
