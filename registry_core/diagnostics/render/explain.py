"""``explain`` answers as text: the verdict, then the details (a traceback cut to where it raised without -v)."""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, TextIO

#: Frames of the import machinery and of registry_core itself: never where a plugin went wrong.
_MACHINERY = ("<frozen importlib.", f"{os.sep}importlib{os.sep}", f"{os.sep}registry_core{os.sep}")


def render_explanations(answers: Iterable[Any], out: TextIO, verbose: bool = False) -> None:
    for answer in answers:
        # "*": the one answer for a name no registry knows (``cli.inventory.not_found_anywhere``).
        label = "every registry" if answer.registry == "*" else answer.registry
        out.write(f"[{label}] {answer.message}\n")
        for line in answer.details if verbose else brief(answer.details):
            out.write(f"    {line}\n")


def brief(details: list[str]) -> list[str]:
    """Details without -v: a traceback cut to its deepest frame outside the import machinery and
    registry_core (where it raised: file, line and source); at most eight lines."""
    out: list[str] = []
    frame: list[str] = []
    in_traceback = False
    for line in details:
        if line.startswith("Traceback (most recent call last)"):
            in_traceback, frame = True, []
            out.append(line)
        elif in_traceback and line.startswith("  File "):
            if not any(part in line for part in _MACHINERY) or not frame:
                frame = [line]
        elif in_traceback and line.startswith("    "):
            if frame and len(frame) == 1 and not line.strip().startswith(("^", "~")):
                frame.append(line)  # the source line under the kept frame
        else:
            if in_traceback:
                out.extend(frame)
                in_traceback = False
            if not line.startswith("  "):
                out.append(line)
    out.extend(frame if in_traceback else [])
    return out[:8]
