"""``verify``: each registry as listed here against a fresh discovery in a new process."""

from __future__ import annotations

import sys

from ._common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, emit_json, select

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def run_verify(args: Any) -> int:
    from ..diagnostics.render.verify import render_verify
    from ..diagnostics.verify import verify_registries

    document = verify_registries(select(args), args.target, timeout=args.timeout)
    if args.json:
        emit_json(document)
    else:
        render_verify(document, sys.stdout)
        if args.verbose and document["details"]:
            print(document["details"], file=sys.stderr)
    if document["agree"] is None:
        return EXIT_USAGE
    return EXIT_OK if document["agree"] else EXIT_FINDINGS
