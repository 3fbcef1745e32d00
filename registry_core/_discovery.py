"""Discovery: scan the registry's package, load entry points, record every outcome.

Catching whatever a plugin raises is the point of a plugin library: one broken
plugin must never make the registry unusable, and never disappear silently.
"""

from __future__ import annotations

import importlib
import os
import sys
import time

from ._log import get_logger
from ._report import (
    EXCLUDED,
    FAILED,
    IMPORTED,
    MODULE_FAILED,
    REGISTERED,
    SOURCE_ENTRY_POINT,
    ModuleOutcome,
)
from ._scan import FileStat, scan_package

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~14 ms to import; annotations are strings
    from collections.abc import Callable, Iterable
    from typing import Any

_log = None

#: Called with each plugin module's name just before discovery imports it (``profile`` children set it
#: to name a module that hangs); None, the default, costs one global read per module.
on_import: Callable[[str], None] | None = None
#: Called with a registry's qualified name when another library's discovery of it starts (sources observe it
#: while the target loads); ``profile``'s children set it so that import times are attributed to it.
on_discovery: Callable[[str], None] | None = None


def _logger() -> Any:
    global _log
    if _log is None:
        _log = get_logger("discovery")
    return _log


class DiscoveryResult:
    """What one discovery saw, returned to the registry, which swaps it in.

    ``report``: every module and class outcome; ``files``: each file and folder
    read (``FileStat``), which the cache fingerprints; ``advertised``: the entry
    points of the registry's group; ``dist_folders``: where their distributions
    were looked up. ``loading_entry_point`` is set while an entry point loads, so
    that its classes do not count as registered from outside the package.
    """

    __slots__ = ("report", "files", "advertised", "dist_folders", "loading_entry_point")

    def __init__(self, report: Any) -> None:
        self.report = report
        self.files: list[FileStat] = []
        self.advertised: list = []
        self.dist_folders: Any = None
        self.loading_entry_point: str | None = None


#: id(registry) -> the discovery running for it. Custom discovery functions reach it through their base class.
_RUNNING: dict[int, DiscoveryResult] = {}


def running(registry: Any) -> DiscoveryResult | None:
    """The discovery in progress for ``registry`` (None outside one)."""
    return _RUNNING.get(id(registry))


def run_discovery(
    registry: Any, report: Any, body: Callable[[Any, DiscoveryResult], None] | None = None
) -> DiscoveryResult:
    """Fill ``registry`` from its package and entry points, recording everything in ``report``.

    ``body`` replaces the scan itself (``registry_core.compat`` follows another library's rules for which
    modules to import and what a failure does) while the bookkeeping stays this module's.
    """
    result = DiscoveryResult(report)
    previous = _RUNNING.get(id(registry))
    _RUNNING[id(registry)] = result
    try:
        (body or _run)(registry, result)
    finally:
        if previous is None:
            del _RUNNING[id(registry)]
        else:
            _RUNNING[id(registry)] = previous
    return result


def _run(registry: Any, result: DiscoveryResult) -> None:
    config = registry.config
    report = result.report
    report.begin()
    started = time.perf_counter()
    package = config.discovery_package
    try:
        module = importlib.import_module(package)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:
        failure = _failure(package, None, exc)
        report.package_error = f"{failure.error_type}: {failure.error_message}"
        report.add_module(failure)
        _logger().warning(
            "discovery package %s of the %s registry failed to import: %s: %s",
            package,
            registry.name,
            failure.error_type,
            failure.error_message,
        )
        module = None
    paths = list(getattr(module, "__path__", None) or [])
    if module is not None and paths:
        prefix = package + "."
        if config.discovery_function is not None:
            config.discovery_function(paths, prefix, registry.base_class)
            if not result.files:
                # The function imported modules its own way: still fingerprint what the package holds.
                scan_package(paths, prefix, bool(config.discovery_recursive), result.files)
        else:
            _discover(registry, result, paths, prefix, recursive=config.discovery_recursive, module_filter=None)
    load_entry_points(registry, result)
    base = registry.base_class
    if base is not None:
        # How keys are derived (the key attribute, an extractor) lives with the base class, which may sit
        # outside the scanned package.
        _fingerprint_files(result, [_module_file(base.__module__)])
    report.duration_s = time.perf_counter() - started
    report.source = "discovery"
    if report.failures or report.skipped:
        from ._log import info

        info("discovery", "%s", report.summary())


def discover_registry_classes(
    paths: Iterable[str], prefix: str, base_class: type, *, module_filter: Callable[[str], bool] | None = None
) -> None:
    """Import the modules directly under ``paths`` (no subpackages), recording outcomes.

    For custom discovery functions: the classes register themselves as they
    are imported; this only decides which modules to import.
    """
    registry = _registry_for(base_class)
    _discover(registry, _result_for(registry), list(paths), prefix, recursive=False, module_filter=module_filter)


def discover_registry_classes_recursive(
    paths: Iterable[str], prefix: str, base_class: type, *, module_filter: Callable[[str], bool] | None = None
) -> None:
    """Like :func:`discover_registry_classes`, descending into (namespace) subpackages."""
    registry = _registry_for(base_class)
    _discover(registry, _result_for(registry), list(paths), prefix, recursive=True, module_filter=module_filter)


def _registry_for(base_class: type) -> Any:
    registry = getattr(base_class, "__registry__", None)
    if registry is None or getattr(registry, "config", None) is None:
        raise TypeError(f"{base_class!r} is not the root of a registry_core registry")
    return registry


def _result_for(registry: Any) -> DiscoveryResult:
    """The discovery in progress; called outside one (by hand), a result of its own whose files go nowhere."""
    return running(registry) or DiscoveryResult(registry.report)


def _discover(
    registry: Any,
    result: DiscoveryResult,
    paths: list[str],
    prefix: str,
    *,
    recursive: bool,
    module_filter: Callable[[str], bool] | None,
) -> None:
    report = result.report
    stats: list[FileStat] = []
    modules = scan_package(paths, prefix, recursive, stats)
    result.files.extend(stats)
    patterns = registry.config.exclude_patterns
    excluded_prefixes: list[str] = []
    for scanned in modules:
        name = scanned.name
        if any(name.startswith(p) for p in excluded_prefixes):
            continue
        reason = _exclusion(name, patterns, module_filter)
        if reason:
            report.add_module(ModuleOutcome(name, EXCLUDED, file=scanned.file, detail=reason))
            if scanned.is_package:
                excluded_prefixes.append(name + ".")
            continue
        import_plugin_module(registry, result, name, scanned.file)


def _exclusion(name: str, patterns: tuple[str, ...], module_filter: Callable[[str], bool] | None) -> str:
    if patterns:
        from fnmatch import fnmatchcase

        for pattern in patterns:
            if fnmatchcase(name, pattern):
                return f"matches exclude pattern {pattern!r}"
    if module_filter is not None and not module_filter(name):
        return f"filtered out by the discovery function ({getattr(module_filter, '__qualname__', module_filter)})"
    return ""


def import_plugin_module(
    registry: Any,
    result: DiscoveryResult,
    name: str,
    file: str | None,
    *,
    importer: Callable[[str], Any] | None = None,
    strict: bool = False,
    **source: Any,
) -> ModuleOutcome:
    """Import one plugin module, recording success or the full failure; never raises but KeyboardInterrupt.

    ``strict`` (``registry_core.compat``, whose library raises the first failure): record the failure, keep
    what the module registered before it raised, and re-raise.
    """
    if on_import is not None:
        on_import(name)
    started = time.perf_counter()
    try:
        (importer or importlib.import_module)(name)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # SystemExit too: a plugin must not end discovery
        outcome = _failure(name, file, exc, duration_s=time.perf_counter() - started, **source)
        if strict:
            result.report.add_module(outcome)
            raise
        _roll_back(registry, result.report, name)
        _logger().warning("plugin module %s failed to import: %s: %s", name, type(exc).__name__, outcome.error_message)
    else:
        outcome = ModuleOutcome(name, IMPORTED, file=file, duration_s=time.perf_counter() - started, **source)
    result.report.add_module(outcome)
    return outcome


def _failure(name: str, file: str | None, exc: BaseException, **extra: Any) -> ModuleOutcome:
    import traceback

    try:
        message = str(exc)
    except Exception as problem:  # a plugin's exception class whose __str__ itself raises
        message = f"<str() of the exception failed: {type(problem).__name__}>"
    return ModuleOutcome(
        name,
        FAILED,
        file=file,
        error_type=type(exc).__name__,
        error_message=message,
        traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        **extra,
    )


def _roll_back(registry: Any, report: Any, module: str) -> None:
    """Unregister classes a module defined before it raised: Python has dropped the module."""
    for outcome in report.classes:
        if outcome.module == module and outcome.status == REGISTERED:
            holder = dict.get(registry, outcome.key)
            if holder is not None and getattr(holder, "__module__", None) == module:
                registry._remove_class(holder)
            outcome.status = MODULE_FAILED
            outcome.reason = f"was registered under {outcome.key!r}, then its module {module} failed to import"


def load_entry_points(registry: Any, result: DiscoveryResult) -> None:
    """Load third-party plugins advertised in the registry's entry-point group."""
    group = registry.config.entry_point_group
    if not group:
        return
    from ._entry_points import distribution_folders, entry_points

    folders = distribution_folders()
    result.dist_folders = folders
    advertised = sorted(entry_points(group, folders), key=lambda ep: (ep.name, ep.value))
    result.advertised = advertised
    for ep in advertised:
        _load_entry_point(registry, result, ep)


def _load_entry_point(registry: Any, result: DiscoveryResult, ep: Any) -> None:
    module_name = ep.module
    source = {
        "source": SOURCE_ENTRY_POINT,
        "entry_point": f"{ep.name} = {ep.value}",
        "distribution": f"{ep.dist} {ep.version}".strip(),
    }
    started = time.perf_counter()
    report = result.report
    result.loading_entry_point = ep.value
    try:
        loaded = ep.load()
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # a third-party plugin may raise anything; record it and go on
        outcome = _failure(
            module_name, _module_file(module_name), exc, duration_s=time.perf_counter() - started, **source
        )
        _roll_back(registry, report, module_name)
        _logger().warning("entry point %s failed to load: %s: %s", ep.value, type(exc).__name__, outcome.error_message)
    else:
        detail = ""
        base = registry.base_class
        if isinstance(loaded, type) and base is not None and not issubclass(loaded, base):
            detail = f"wrong base class: {loaded.__qualname__} is not a subclass of {base.__qualname__}"
        outcome = ModuleOutcome(
            module_name,
            IMPORTED,
            file=_module_file(module_name),
            detail=detail,
            duration_s=time.perf_counter() - started,
            **source,
        )
    finally:
        result.loading_entry_point = None
    report.add_module(outcome)
    # Its sources are not under the scanned package: fingerprint them too, or an edit of a plugin installed
    # from a checkout (pip install -e) would leave the cache valid and the registry stale.
    files = [outcome.file or _source_file(module_name)]
    # And every module of its own package that is loaded (helpers that decide what registers, the classes'
    # modules): not only those this load imported, which a rebuild in the same process (everything already
    # imported), or a second registry loading the same helper, would not see. Not its dependencies: their
    # upgrades change the distribution digest.
    top = module_name.partition(".")[0]
    files += [c.file for c in report.classes if c.module == top or c.module.startswith(top + ".")]
    files += [_module_file(name) for name in sorted(sys.modules) if name == top or name.startswith(top + ".")]
    _fingerprint_files(result, files)


def _source_file(name: str) -> str | None:
    """Where module ``name`` would load from, without running it (its import failed, or never ran)."""
    parent, _, tail = name.rpartition(".")
    path = getattr(sys.modules.get(parent), "__path__", None) if parent else None
    if parent and path is None:
        return None
    from importlib.machinery import PathFinder

    try:
        spec = PathFinder.find_spec(tail, path)
    except (ImportError, ValueError, OSError):
        return None
    return spec.origin if spec is not None and spec.has_location else None


def _fingerprint_files(result: DiscoveryResult, files: Iterable[str | None]) -> None:
    known = {st.path for st in result.files}
    for path in files:
        if not path or path in known:
            continue
        known.add(path)
        try:
            st = os.stat(path)
        except OSError:
            continue  # inside an archive, or gone: what the distribution digest sees has to do
        result.files.append(FileStat(path, False, st.st_size, st.st_mtime_ns))


def _module_file(name: str) -> str | None:
    return getattr(sys.modules.get(name), "__file__", None)
