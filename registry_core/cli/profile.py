"""``profile``: cold and warm discovery timed in fresh processes (``diagnostics.profiling``)."""

from __future__ import annotations

import sys

from ._common import EXIT_FINDINGS, EXIT_OK, emit_json, select

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def run_profile(args: Any) -> int:
    from ..diagnostics.profiling import profile_registries
    from ..diagnostics.render.profile import render_profile
    from ._progress import Progress

    # A profile of a real package takes minutes: a terminal sees each step, a pipe only the result.
    progress = Progress(args.verbose)
    try:
        document = profile_registries(
            select(args),
            args.target,
            runs=args.runs,
            timeout=args.timeout,
            progress=progress,
            record=not args.no_history,
            engine=args.engine,
        )
    finally:
        progress.close()
    if args.json:
        emit_json(document)
    else:
        render_profile(document, sys.stdout, verbose=args.verbose)
    bad = any(r["timed_out"] or r["error"] for r in document["registries"])
    return EXIT_FINDINGS if bad else EXIT_OK
