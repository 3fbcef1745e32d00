"""One look at the environment, shared by the cache validations of one start-up burst.

Every cache is checked against the environment it was written in: the
distributions along sys.path (entry points), where its package's top-level name
is found, whether a module its plugins lacked is importable now, whether the cache
folder is still only ours. Those answers depend on sys.path and the stat results
of a few dozen folders, the same for every registry of a process; a warm start of
five registries that looked at them five times over spent more on that than on
reading the caches.

So an answer, keyed by what the cache recorded, is kept for :data:`WINDOW_NS`
after the window opened, while sys.path is the same list (and, when it holds a
relative entry, the working directory the same folder): the registries read in
one burst share one look, and a registry read later looks again. A change that
lands inside the window is one no validation can order anyway (it could as well
land between a check and the use of its answer); the next read after the window
sees it. Explicit checks (``status()``, verify, the inspector's refresh) open a
new window first, so they always look now.
"""

from __future__ import annotations

import os
import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    T = TypeVar("T")

#: How long (ns) one look at the environment answers for: a warm start of many registries takes a few ms.
WINDOW_NS = 100_000_000


class _Window:
    __slots__ = ("opened", "path", "cwd", "answers", "stats")

    def __init__(self) -> None:
        self.opened = time.monotonic_ns()
        self.path = list(sys.path)
        # A relative sys.path entry ("" from `python -c`, `python -m`) is looked up from the working directory.
        self.cwd = None
        for entry in self.path:
            if not (type(entry) is str and os.path.isabs(entry)):
                self.cwd = _cwd()
                break
        #: kind -> [(what the cache recorded, the answer)]: a handful of distinct records per kind.
        self.answers: dict[str, list[tuple[Any, Any]]] = {}
        #: path -> its os.stat result (None: it failed), taken once in the window by whichever check came first.
        self.stats: dict[str, Any] = {}

    def answer(self, kind: str, recorded: Any, compute: Callable[[], T]) -> T:
        """:func:`shared_answer` in this window (a validation asking several takes the window once)."""
        answers = self.answers.get(kind)
        if answers is None:
            answers = self.answers[kind] = []
        for seen, answer in answers:
            if seen == recorded:
                return answer
        answer = compute()
        answers.append((recorded, answer))
        return answer

    def holds(self) -> bool:
        return (
            time.monotonic_ns() - self.opened < WINDOW_NS
            and self.path == sys.path
            and (self.cwd is None or self.cwd == _cwd())
        )


def _cwd() -> str | None:
    try:
        return os.getcwd()
    except OSError:  # (the working directory was removed)
        return None


_current: _Window | None = None


def current_window() -> _Window:
    """The window open now (a new one when the last has closed): its ``stats`` and ``answer()``."""
    global _current
    window = _current
    if window is None or not window.holds():
        window = _current = _Window()
    return window


def shared_stats() -> dict[str, Any]:
    """The window's stat results by path, for the checks to take each environment folder's stat once."""
    return current_window().stats


def shared_answer(kind: str, recorded: Any, compute: Callable[[], T]) -> T:
    """``compute()``'s answer for ``recorded`` (compared with ``==``), worked out once per window.

    ``compute`` must depend only on ``recorded``, sys.path and the file system; an
    exception it raises (a malformed record) is raised again for every caller.
    """
    return current_window().answer(kind, recorded, compute)


def look_again() -> None:
    """Close the window: the next validation looks at the environment anew (explicit checks call this)."""
    global _current
    _current = None
