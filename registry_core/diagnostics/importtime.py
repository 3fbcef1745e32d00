"""``-X importtime`` for an interpreter that cannot take the flag.

The frozen app has no Python executable: ``profile`` runs its fresh-process
children through the app itself, and the bootloader ignores ``-X`` options, so
the profile's table of slowest imports stayed empty there. ``install()`` writes
the lines CPython's ``-X importtime`` writes, to stderr, for every module loaded
from then on, and ``parse_importtime`` below reads both alike:
``import time: <self us> | <cumulative us> | <two spaces per level><name>``.

It times the import system's ``_find_and_load_unlocked``, which runs exactly
when a module is not in ``sys.modules`` yet, for ``import`` statements and
``importlib.import_module`` alike (CPython's flag sees only the former).
"""

from __future__ import annotations

import sys
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, TextIO

_MARK = "_registry_core_importtime"
#: Rows of the slowest-imports table.
TOP_MODULES = 20


def install(stream: TextIO | None = None) -> bool:
    """Start writing import times to ``stream`` (stderr); False if already installed."""
    import _frozen_importlib as bootstrap  # the import system itself: importlib._bootstrap

    original = bootstrap._find_and_load_unlocked  # type: ignore[attr-defined]
    if getattr(original, _MARK, False):
        return False
    nested: list[int] = []  # per import in progress: time spent in the imports it made
    clock = time.perf_counter_ns

    def timed(name: str, import_: Any) -> Any:
        nested.append(0)
        started = clock()
        try:
            return original(name, import_)
        finally:
            cumulative = clock() - started
            inner = nested.pop()
            if nested:
                nested[-1] += cumulative
            out = stream if stream is not None else sys.stderr
            out.write(
                f"import time: {(cumulative - inner) // 1000:9d} | {cumulative // 1000:10d} | "
                f"{'  ' * len(nested)}{name}\n"
            )

    setattr(timed, _MARK, True)
    bootstrap._find_and_load_unlocked = timed  # type: ignore[attr-defined]
    return True


# -- reading the lines (ours or CPython's) ------------------------------------------------------
def parse_importtime(stderr: str) -> list[dict[str, Any]]:
    """Every ``-X importtime`` line as {module, self_us, cumulative_us, depth, registry}, in output order.

    ``registry`` is the qualified name of the registry whose discovery imported
    the module (the child prints ``registry <name>`` before each), or None for
    imports before discovery (interpreter start-up, registry_core, the targets).
    """
    import re

    pattern = re.compile(r"^import time:\s*(\d+)\s*\|\s*(\d+)\s*\|( *)(\S.*?)\s*$")
    current = None
    rows = []
    for line in stderr.splitlines():
        if line.startswith("registry "):
            current = line[len("registry ") :].strip()
            continue
        match = pattern.match(line)
        if match is None:
            continue
        rows.append(
            {
                "module": match.group(4),
                "self_us": int(match.group(1)),
                "cumulative_us": int(match.group(2)),
                "depth": len(match.group(3)) // 2,
                "registry": current,
            }
        )
    return rows


def top_modules(rows: list[dict[str, Any]], count: int = TOP_MODULES) -> list[dict[str, Any]]:
    ranked = sorted(rows, key=lambda r: r["self_us"], reverse=True)[:count]
    return [{"module": r["module"], "self_us": r["self_us"], "cumulative_us": r["cumulative_us"]} for r in ranked]
