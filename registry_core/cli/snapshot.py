"""``snapshot`` (one document of this environment, as a bundle would report it) and ``diff`` (two of them)."""

from __future__ import annotations

import sys

from ._common import EXIT_FINDINGS, EXIT_OK, emit_json, fail, stdout

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def run_snapshot(args: Any) -> int:
    from ..diagnostics.snapshot import build_snapshot

    snapshot = build_snapshot(args.registries, redact=not args.no_redact, targets=args.target)
    if not args.output:
        # The document is the point: printed whether or not --json was asked for.
        emit_json(snapshot)
        return EXIT_OK
    return write_snapshot_file(snapshot, args)


def write_snapshot_file(snapshot: dict[str, Any], args: Any) -> int:
    """``snapshot`` written to ``args.output`` (``--force`` replaces it), then said (or printed, ``--json``); the
    exit code. ``snapshot --remote -o FILE`` writes the worker's document here through it too."""
    from ..diagnostics.bundle import BundleExistsError
    from ..diagnostics.snapshot import write_snapshot

    try:
        size = write_snapshot(snapshot, args.output, force=args.force)
    except BundleExistsError as exc:
        return fail(str(exc), as_json=args.json, kind="snapshot")
    except (OSError, ValueError) as exc:
        return fail(f"cannot write the snapshot: {exc}", as_json=args.json, kind="snapshot")
    if args.json:
        emit_json(snapshot)
    else:
        import os

        from ..diagnostics.render.snapshot import render_snapshot_written

        render_snapshot_written(snapshot, os.path.abspath(args.output), size, sys.stdout)
    return EXIT_OK


def run_diff(args: Any) -> int:
    """Exit 0 when the two are the same, 1 when they differ, 2 when one cannot be read."""
    from ..diagnostics.diff import diff_snapshots
    from ..diagnostics.snapshot import LIVE, SnapshotError, build_snapshot, resolve_snapshot
    from ..sources.targets import TargetError

    def live() -> dict[str, Any]:
        registries = args.load_registries()
        return build_snapshot(registries, redact=not args.no_redact, targets=args.target)

    built: dict[str, Any] = {}

    def live_once() -> dict[str, Any]:
        # ``diff live live`` compares one moment with itself: built once.
        if LIVE not in built:
            built[LIVE] = live()
        return dict(built[LIVE])

    try:
        a = resolve_snapshot(args.a, live_once)
        b = resolve_snapshot(args.b, live_once)
    except SnapshotError as exc:
        return fail(str(exc), as_json=args.json, kind="snapshot")
    except TargetError as exc:
        return fail(f"live: {exc}", as_json=args.json, kind="target", details=exc.details)
    document = diff_snapshots(a, b)
    code = EXIT_OK if document["same"] else EXIT_FINDINGS
    try:
        if args.json:
            emit_json(document)
        else:
            from ..diagnostics.render.snapshot import render_diff

            render_diff(document, sys.stdout)
            sys.stdout.flush()
    except BrokenPipeError:
        # ``diff A B | head``: the reader left early, but the answer stands (exit 0 would read "same").
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), stdout().fileno())
    return code
