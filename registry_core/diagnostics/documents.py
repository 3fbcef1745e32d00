"""The one report model every renderer reads: CLI tables, ``--json``, the GUI and the bug-report bundle.

Plain JSON-ready dicts built from registries, their discovery reports and
their caches. Field names in ``SCHEMA`` 1 are never renamed; fields may be added.
"""

from __future__ import annotations

import time

from .stamp import tool_stamp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

SCHEMA = 1


def _key(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    from enum import Enum

    if isinstance(value, Enum):  # ShapeType.POLYGON, as people write it (repr adds the value: noise)
        return f"{type(value).__name__}.{value.name}"
    return repr(value)


def registry_document(registry: Any) -> dict[str, Any]:
    """One registry: its plugins (served from cache or loaded), secondaries, failures and skips."""
    registry.discover()
    report = registry.report
    plugins = []
    distributions = {m.name: m.distribution for m in report.modules if m.distribution}
    by_key = getattr(registry, "distributions", None) or {}
    for outcome in report.registered:
        plugins.append(
            {
                "distribution": _distribution_of(outcome.module, distributions) or by_key.get(outcome.key),
                "key": _key(outcome.key),
                "class": outcome.qualname,
                "module": outcome.module,
                "file": outcome.file,
                "loaded": registry.is_loaded(outcome.key) if dict.__contains__(registry, outcome.key) else False,
                "doc": outcome.doc,
                "outside_package": outcome.outside_package,
                "secondary": outcome.secondary,
            }
        )
    secondary = []
    for spec in registry.secondary_registries:
        target = spec.registry_dict
        entries = {}
        for key in dict.keys(target):
            value = dict.__getitem__(target, key)
            module = getattr(value, "module", None) or getattr(value, "__module__", "")
            qualname = getattr(value, "qualname", None) or getattr(value, "__qualname__", repr(value))
            entries[str(key)] = f"{module}.{qualname}"
        secondary.append(
            {
                "attr_name": spec.attr_name,
                "key_source": spec.key_source,
                "name": secondary_name(registry, target),
                "entries": entries,
            }
        )
    failures = [
        {
            "module": m.name,
            "reason": m.reason,
            "error": f"{m.error_type}: {m.error_message}",
            "error_type": m.error_type,
            "traceback": m.traceback or "",
            "file": m.file,
            "source": m.source,
            "entry_point": m.entry_point,
            "distribution": m.distribution,
        }
        for m in report.failures
    ]
    skipped = [
        {
            "class": c.qualname,
            "module": c.module,
            "status": c.status,
            "reason": c.reason,
            "file": c.file,
            "key": _key(c.key),
            "holder": c.holder,
        }
        for c in report.skipped
    ]
    excluded = [{"module": m.name, "reason": m.detail} for m in report.modules_with("excluded")]
    cache = registry.cache
    status = cache.startup_status if cache is not None else None
    base = registry.base_class
    return {
        "name": registry.name,
        "base": f"{base.__module__}.{base.__qualname__}" if base is not None else None,
        "package": registry.config.discovery_package if registry.config else None,
        "entry_point_group": registry.entry_point_group,
        "key_attribute": registry.config.key_attribute if registry.config else None,
        "state": registry.state,
        "source": report.source,
        "discovery_s": report.duration_s,
        "healed": report.healed,
        "modules_scanned": len(report.modules),
        "plugins": plugins,
        "secondary": secondary,
        "failures": failures,
        "skipped": skipped,
        "excluded": excluded,
        "cache_at_start": None if status is None else {"state": status.state, "reason": status.reason or status.detail},
        "library": library_of(registry),
        "partial": bool(getattr(registry, "partial", False)),
        "note": getattr(registry, "note", "") or "",
    }


def library_of(registry: Any) -> dict[str, Any]:
    """``{"name", "version"}`` of the library that built ``registry`` (registry_core's own, unless it says)."""
    library = getattr(registry, "library", None)
    if isinstance(library, dict):
        return library
    from .._version import __version__

    return {"name": "registry_core", "version": __version__}


def _distribution_of(module: str, distributions: dict[str, str]) -> str | None:
    """The distribution whose entry point loaded ``module``, or the package holding it (a hook package's
    entry point imports its submodules: their classes are that distribution's too)."""
    found = distributions.get(module)
    while found is None and "." in module:
        module = module.rpartition(".")[0]
        found = distributions.get(module)
    return found


def secondary_name(registry: Any, target: dict) -> str:
    """The module-level name a secondary registry is bound to (e.g. METADATA_HANDLERS), if any."""
    import sys

    base = registry.base_class
    module = sys.modules.get(base.__module__) if base is not None else None
    for name, value in vars(module).items() if module is not None else ():
        if value is target:
            return name
    return ""


def inventory(registries: Iterable[Any], enums: list[dict] | None = None) -> dict[str, Any]:
    """``list --json``: every registry and enum."""
    return {
        "schema": SCHEMA,
        "tool": tool_stamp(),
        "created": time.time(),
        "registries": [registry_document(r) for r in registries],
        "enums": enums or [],
    }


def cache_document(status: Any, registry: str) -> dict[str, Any]:
    data = status.to_dict()
    data["registry"] = registry
    return data


def cache_inventory(registries: Iterable[Any], extra_statuses: Iterable[tuple[str, Any]] = ()) -> dict[str, Any]:
    """``status --json``: every cache this process knows, plus orphan files found in their folders."""
    from ..cache.admin import list_cache_files

    caches = []
    seen = set()
    for registry in registries:
        status = registry.cache_status()
        if status is None:
            continue
        document = cache_document(status, registry.name)
        document["library"] = library_of(registry)
        caches.append(document)
        seen.add(status.path)
    for name, status in extra_statuses:
        caches.append(cache_document(status, name))
        seen.add(status.path)
    orphans = []
    for file in list_cache_files():
        if file.path not in seen:
            orphans.append(file.to_dict())
    return {"schema": SCHEMA, "tool": tool_stamp(), "created": time.time(), "caches": caches, "orphans": orphans}
