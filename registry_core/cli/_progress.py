"""Progress of a long command on stderr: a line per step with ``-v``, one line rewritten in place on a terminal,
nothing when stderr goes to a pipe or a file (a script reads the exit code and the document, not a ticker)."""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO


class Progress:
    """``progress(done, total, message)``, as ``profile_registries`` calls it; :meth:`close` clears the line."""

    def __init__(self, verbose: bool, stream: TextIO | None = None) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.verbose = verbose
        self.live = not verbose and _is_terminal(self.stream)
        self._shown = False

    def __call__(self, done: int, total: int, message: str) -> None:
        text = f"[{done}/{total}] {message}"
        if self.verbose:
            print(text, file=self.stream, flush=True)
        elif self.live:
            from ..diagnostics.render.text import terminal_width

            width = (terminal_width(self.stream) or 80) - 1
            if len(text) > width:
                text = text[: max(width - 1, 0)] + "…"
            # (\r and erase-to-end: the next step overwrites this one; the result is printed on a clean line)
            self.stream.write(f"\r\033[K{text}")
            self.stream.flush()
            self._shown = True

    def close(self) -> None:
        if self._shown:
            self.stream.write("\r\033[K")
            self.stream.flush()
            self._shown = False


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False
