"""Entry-point groups as registries (the stevedore / npe2 / pytest way third-party plugins arrive).

``--target entry-points:GROUP``: one registry, each entry point a plugin under its
name, with its distribution and version; each is loaded (as its host application
would) and a load failure is a recorded failure with its traceback.
``--target entry-points``: every group installed, listed without loading anything.
"""

from __future__ import annotations

import sys
import time

from .._report import (
    FAILED,
    IMPORTED,
    REGISTERED,
    SOURCE_ENTRY_POINT,
    ClassOutcome,
    DiscoveryReport,
    ModuleOutcome,
    first_line,
)
from .observed import ObservedConfig, ObservedRegistry

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LIBRARY = "entry_points"


def _library() -> dict[str, Any]:
    # importlib.metadata is the library here: its version is Python's.
    return {"name": LIBRARY, "version": sys.version.split()[0]}


def _all_entry_points() -> list[Any]:
    from importlib import metadata

    seen = set()
    unique = []
    # Through each distribution: the same on every Python version, and each entry point knows its distribution.
    items = [ep for dist in metadata.distributions() for ep in dist.entry_points]
    for ep in items:  # a distribution on sys.path twice lists its entry points twice
        marker = (ep.group, ep.name, ep.value)
        if marker not in seen:
            seen.add(marker)
            unique.append(ep)
    return unique


def _distribution(ep: Any) -> str:
    dist = getattr(ep, "dist", None)
    if dist is None:
        return ""
    name = dist.metadata["Name"] if dist.metadata is not None else ""
    return f"{name} {dist.version}".strip()


def load(group: str) -> list[ObservedRegistry]:
    """The registry of ``group`` (loading each entry point), or with no group one unloaded registry per group."""
    entry_points = _all_entry_points()
    if not group:
        groups: dict[str, list[Any]] = {}
        for ep in entry_points:
            groups.setdefault(ep.group, []).append(ep)
        return [_group(name, eps, load_them=False) for name, eps in sorted(groups.items())]
    chosen = [ep for ep in entry_points if ep.group == group]
    return [_group(group, chosen, load_them=True)] if chosen else []


def _group(group: str, entry_points: list[Any], load_them: bool) -> ObservedRegistry:
    report = DiscoveryReport(group, None)
    report.entry_point_group = group
    report.source = "discovery"
    report.begin()
    registry = ObservedRegistry(
        group,
        None,
        ObservedConfig(entry_point_group=group, registry_name=group),
        _library(),
        report,
        partial=not load_them,
        note="" if load_them else f"not loaded: --target entry-points:{group} loads and checks each one",
    )
    from .. import _discovery

    if load_them and _discovery.on_discovery is not None:
        _discovery.on_discovery(group)  # (profile's children attribute the import times to this group)
    started = time.perf_counter()
    for ep in sorted(entry_points, key=lambda e: (e.name, e.value)):
        module, _, attr = ep.value.partition(":")
        module = module.strip()
        source = {
            "source": SOURCE_ENTRY_POINT,
            "entry_point": f"{ep.name} = {ep.value}",
            "distribution": _distribution(ep),
        }
        if not load_them:
            dict.__setitem__(registry, ep.name, ep)
            if source["distribution"]:
                registry.distributions[ep.name] = source["distribution"]
            report.add_class(
                ClassOutcome(module, attr.strip() or module, REGISTERED, f"advertised under {ep.name!r}", key=ep.name)
            )
            continue
        began = time.perf_counter()
        if _discovery.on_import is not None:
            _discovery.on_import(f"{module} (entry point {ep.name} from {source['distribution']})")
        try:
            loaded = ep.load()
        except KeyboardInterrupt:
            raise
        except BaseException as exc:  # a third-party plugin may raise anything at load: that is the finding
            import traceback

            report.add_module(
                ModuleOutcome(
                    module,
                    FAILED,
                    file=_file(module),
                    error_type=type(exc).__name__,
                    error_message=str(exc),
                    traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
                    duration_s=time.perf_counter() - began,
                    **source,
                )
            )
            continue
        report.add_module(
            ModuleOutcome(module, IMPORTED, file=_file(module), duration_s=time.perf_counter() - began, **source)
        )
        dict.__setitem__(registry, ep.name, loaded)
        registry.loaded.add(ep.name)
        qualname = getattr(loaded, "__qualname__", None) or attr.strip() or module
        report.add_class(
            ClassOutcome(
                getattr(loaded, "__module__", module) or module,
                qualname,
                REGISTERED,
                f"entry point {ep.name!r} of {source['distribution'] or 'an unknown distribution'}",
                file=_file(getattr(loaded, "__module__", module) or module),
                key=ep.name,
                doc=first_line(getattr(loaded, "__doc__", None)) if not isinstance(loaded, (str, bytes)) else "",
            )
        )
    report.duration_s = time.perf_counter() - started
    return registry


def _file(module: str) -> str | None:
    return getattr(sys.modules.get(module), "__file__", None)
