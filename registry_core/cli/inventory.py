"""``list``, ``status`` and ``explain``: what the registries hold, what their caches say, why a name is there."""

from __future__ import annotations

import sys

from ._common import EXIT_FINDINGS, EXIT_OK, emit_json, select

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def run_list(args: Any) -> int:
    from ..diagnostics.documents import inventory
    from ..diagnostics.enum_reports import enum_documents
    from ..diagnostics.render.inventory import render_inventory

    document = inventory(args.registries, enum_documents())
    if args.json:
        emit_json(document)
    else:
        render_inventory(document, sys.stdout, verbose=args.verbose)
    return EXIT_OK


def run_status(args: Any) -> int:
    from ..diagnostics.documents import cache_inventory
    from ..diagnostics.enum_reports import enum_cache_statuses
    from ..diagnostics.render.inventory import render_status

    document = cache_inventory(args.registries, enum_cache_statuses())
    if args.json:
        emit_json(document)
    else:
        render_status(document, sys.stdout)
    if args.check and any(c["state"] in ("stale", "corrupt") for c in document["caches"]):
        return EXIT_FINDINGS
    return EXIT_OK


def run_explain(args: Any) -> int:
    from .._explain import CAUSE_NOT_FOUND
    from ..diagnostics.render.explain import render_explanations

    answers = [r.explain(args.name) for r in select(args)]
    known = [a for a in answers if a.cause != CAUSE_NOT_FOUND]
    shown = known or answers
    if args.json:
        emit_json({"schema": 1, "name": args.name, "answers": [a.to_dict() for a in shown]})
    else:
        render_explanations(shown, sys.stdout, verbose=args.verbose)
    return EXIT_OK if any(a.registered for a in answers) else EXIT_FINDINGS
