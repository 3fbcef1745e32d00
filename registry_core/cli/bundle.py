"""``bundle``: the bug-report zip (``diagnostics.bundle``)."""

from __future__ import annotations

import sys

from ._common import EXIT_OK, emit_json, fail

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def run_bundle(args: Any) -> int:
    from ..diagnostics.bundle import BundleExistsError, build_bundle
    from ..diagnostics.render.actions import render_bundle_result

    try:
        result = build_bundle(
            args.output, args.registries, redact=not args.no_redact, force=args.force, targets=args.target
        )
    except BundleExistsError as exc:
        return fail(str(exc), as_json=args.json, kind="bundle")
    except (OSError, ValueError) as exc:
        return fail(f"cannot write the bundle: {exc}", as_json=args.json, kind="bundle")
    if args.json:
        emit_json(result.to_dict())
    else:
        render_bundle_result(result, sys.stdout, verbose=args.verbose)
    return EXIT_OK
