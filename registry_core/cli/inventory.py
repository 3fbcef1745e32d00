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

    document = inventory(args.registries, enum_documents())
    if args.json:
        emit_json(document)
    else:
        from ..diagnostics.render.inventory import render_inventory  # (the text renderer: not for --json)
        from ..diagnostics.render.text import terminal_width

        render_inventory(document, sys.stdout, verbose=args.verbose, width=terminal_width(sys.stdout))
    return EXIT_OK


def run_status(args: Any) -> int:
    from ..diagnostics.documents import cache_inventory
    from ..diagnostics.enum_reports import enum_cache_statuses

    document = cache_inventory(args.registries, enum_cache_statuses())
    if args.json:
        emit_json(document)
    else:
        from ..diagnostics.render.inventory import render_status
        from ..diagnostics.render.text import terminal_width

        render_status(document, sys.stdout, width=terminal_width(sys.stdout))
    if args.check and any(c["state"] in ("stale", "corrupt") for c in document["caches"]):
        return EXIT_FINDINGS
    return EXIT_OK


def run_explain(args: Any) -> int:
    from .._explain import CAUSE_NOT_FOUND
    from ..diagnostics.render.explain import render_explanations

    chosen = select(args)
    answers = [r.explain(args.name) for r in chosen]
    known = [a for a in answers if a.cause != CAUSE_NOT_FOUND]
    extra: dict[str, Any] = {}
    shown = known or answers
    if not known and len(answers) > 1:
        answer, extra = not_found_anywhere(args.name, chosen)
        shown = [answer]
    if args.json:
        emit_json({"schema": 1, "name": args.name, "answers": [{**a.to_dict(), **extra} for a in shown]})
    else:
        render_explanations(shown, sys.stdout, verbose=args.verbose)
    return EXIT_OK if any(a.registered for a in answers) else EXIT_FINDINGS


#: The ``registry`` of the one answer given when no registry knows the name.
EVERY_REGISTRY = "*"


def not_found_anywhere(name: str, registries: list[Any]) -> tuple[Any, dict[str, Any]]:
    """One answer for a name no registry knows: the registries searched, what each scanned, and the close
    matches (keys, class names, modules) of all of them, each with its registry; and those two as data (the
    ``registries`` and ``suggestions`` of the JSON answer)."""
    import difflib

    from .._explain import CAUSE_NOT_FOUND, Explanation, scanned

    owners: dict[str, list[str]] = {}
    for registry in registries:
        report = registry.report
        names = [str(k) for k in dict.keys(registry)]
        names += [c.class_name for c in report.classes] + [m.name for m in report.modules]
        for candidate in names:
            if registry.name not in owners.setdefault(candidate, []):
                owners[candidate].append(registry.name)
    close = difflib.get_close_matches(name, list(owners), n=5, cutoff=0.6)
    # One line per registry that discovers; those with no discovery of their own in one line (polystore has eight).
    details = [f"{r.name}: {scanned(r)}" for r in registries if r.config.discovery_package or r.entry_point_group]
    undiscovering = [r.name for r in registries if not (r.config.discovery_package or r.entry_point_group)]
    if undiscovering:
        details.append(f"no discovery of their own (what registered at import only): {', '.join(undiscovering)}")
    if close:
        details.append("did you mean: " + ", ".join(f"{c} ({', '.join(owners[c])})" for c in close))
    answer = Explanation(
        name,
        EVERY_REGISTRY,
        False,
        CAUSE_NOT_FOUND,
        f"{name!r} is not a key, class or module known to any of the {len(registries)} registries "
        "(not found at all): check the file is inside a discovery package, or advertised as an entry point.",
        details,
    )
    suggestions = [{"name": c, "registries": owners[c]} for c in close]
    return answer, {"registries": [r.name for r in registries], "suggestions": suggestions}
