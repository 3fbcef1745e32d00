"""``clear-cache`` and ``rebuild``: the two commands that write the user's cache folder."""

from __future__ import annotations

import sys

from ._common import EXIT_FINDINGS, EXIT_OK, emit_json, fail, select

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def run_clear(args: Any) -> int:
    from ..cache.admin import clear_all_caches
    from ..diagnostics.render.actions import render_cleared
    from ..enums import enum_cache_managers

    if not args.registry and not args.all:
        return fail("clear-cache needs --registry NAME or --all", as_json=args.json)
    if args.all:
        namespaces = sorted({r.config.cache_namespace for r in args.registries if r.config.cache_namespace})
        left: list[str] = []
        removed = clear_all_caches(namespaces, left) if namespaces else []
        # Caches other libraries keep (metaclass-registry's files): exactly each registry's own file.
        for registry in args.registries:
            if not registry.config.cache_namespace and registry.cache_path and registry.clear_cache():
                removed.append(registry.cache_path)
        # And every enum cache (the colormap one lives in registry_core's own folder): the window's Invalidate all.
        removed += [m.cache_path for m in enum_cache_managers() if m.cache_path not in removed and m.clear_cache()]
        caches = [p for p in removed if p.endswith(".json")]
        # What was not ours (an application's settings, another tool's files) stayed, and is said.
        result = {"schema": 1, "removed": removed, "caches_removed": len(caches), "left": left}
    else:
        registry = select(args)[0]
        path = registry.cache_path
        if path is None:
            # (another library's registry with no discovery of its own: as rebuild says, not "0 files removed")
            raise LookupError(f"the {registry.name} registry keeps no cache of its own to remove")
        existed = registry.clear_cache()
        result = {"schema": 1, "removed": [path] if existed else [], "caches_removed": int(existed)}
        shared = getattr(getattr(registry, "cache", None), "shared_with", None)
        if shared:
            # metaclass-registry names its files after the registry name: another registry lost its cache too.
            result["shared_with"] = list(shared)
    if args.json:
        emit_json(result)
    else:
        render_cleared(result, sys.stdout)
    return EXIT_OK


def run_rebuild(args: Any) -> int:
    import time

    from ..diagnostics.render.actions import render_rebuilt

    rebuilt = []
    chosen = select(args)
    if not getattr(args, "registry", None):
        # "All": those that keep a cache of their own (another library's implicit registries keep none).
        chosen = [r for r in chosen if getattr(r, "rebuilder", True) is not None or r.cache_path]
    for registry in chosen:
        started = time.perf_counter()
        if registry.is_discovered:
            try:
                registry.rebuild()
            except RuntimeError as exc:
                return fail(str(exc), as_json=args.json, kind="rebuild")
        else:
            registry.clear_cache()
            registry.discover()
        elapsed = time.perf_counter() - started
        status = registry.cache_status()
        report = registry.report
        rebuilt.append(
            {
                "registry": registry.name,
                "plugins": len(report.registered),
                "failures": len(report.failures),
                "skipped": len(report.skipped),
                "seconds": round(elapsed, 4),
                "path": registry.cache_path,
                "state": status.state if status else None,
                "reason": status.reason if status else None,
                "written": _written(status),
            }
        )
    document: dict[str, Any] = {"schema": 1, "rebuilt": rebuilt}
    if not getattr(args, "registry", None):
        from ..enums import rebuild_enum_caches

        # Rebuild all rewrites what clear-cache --all removed of the enum caches too.
        document["enums"] = [
            {"enum": s.name, "state": s.state, "reason": s.reason or None, "path": s.path}
            for s in rebuild_enum_caches()
        ]
    if args.json:
        emit_json(document)
    else:
        render_rebuilt(document, sys.stdout)
    # Discovered, but a cache that should have been written was not (a folder that refuses it): a script
    # that rebuilds before shipping must not take that for success.
    return EXIT_FINDINGS if any(item["written"] is False for item in rebuilt) else EXIT_OK


def _written(status: Any) -> bool | None:
    """Whether the rebuild left a valid cache; None where none is kept by choice (``enable_cache=False``, a
    ``...DISABLE...`` variable) or at all (another library's registry)."""
    if status is None:
        return None
    from ..cache.manager import DISABLED, VALID

    if status.state == DISABLED and str(status.reason or "").startswith("disabled by "):
        return None
    return status.state == VALID
