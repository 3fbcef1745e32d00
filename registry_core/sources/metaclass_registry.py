"""The metaclass-registry source (PyPI ``metaclass-registry`` 0.2.x to 0.4.x): its registries, observed, never changed.

For a target (``polystore``, ``zmqruntime.messages``...): the modules that import
``metaclass_registry`` are found by reading the target's files (``textscan``), and
only those are imported. Every class the library's ``AutoRegisterMeta`` made that
owns a ``__registry__`` is a registry. A registry with a discovery package runs the
library's own discovery (``keys()``), with ``importlib.import_module`` watched so
that each module it imported, and each one that failed (0.4 raises the first
failure out of ``keys()``; 0.2 logs it and goes on), is recorded with its
traceback. The rest (implicit registries, plain-dict ``__registry__``) have no
discovery of their own: they list what registered once their modules were
imported, and are marked partial.

Looking changes nothing: before the target is imported, ``XDG_CACHE_HOME`` (where
the library keeps ``metaclass-registry/<name>_registry.json``, read when a root
class is created) points at a private copy of the user's folder, so the library
reads the user's caches but writes only the copy. ``status`` validates the user's
own file with the library's rules; ``clear-cache`` deletes exactly that file;
``rebuild`` lets the library rewrite it in a fresh process.
"""

from __future__ import annotations

import os
import sys
import time

from .._explain import hashable
from .._report import (
    ABSTRACT,
    DUPLICATE,
    FAILED,
    IMPORTED,
    NO_KEY,
    REGISTERED,
    ROOT,
    ClassOutcome,
    DiscoveryReport,
    ModuleOutcome,
    first_line,
)
from ..compat._names import COMPAT_LIBRARY, PARTIAL_NOTE
from .metaclass_registry_cache import cache_for, file_stamp, mark_shared_cache_files, private_cache, rebuild
from .observed import ObservedConfig, ObservedRegistry, ObservedSecondary

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LIBRARY = "metaclass_registry"


# -- watching imports ------------------------------------------------------------------------------
class _ImportWatch:
    """Wraps ``importlib.import_module`` (what the library's discovery calls) and records every outermost call.

    The wrapper only records and re-raises: the library sees exactly what it would.
    """

    def __init__(self) -> None:
        self.records: list[dict[str, Any]] = []
        self._depth = 0
        self._original: Any = None

    def __enter__(self) -> _ImportWatch:
        import importlib

        original = self._original = importlib.import_module
        watch = self

        from .. import _discovery

        def import_module(name: str, package: str | None = None) -> Any:
            fresh = name not in sys.modules
            if fresh and watch._depth == 0 and _discovery.on_import is not None:
                _discovery.on_import(name)  # (profile's children name a module that hangs)
            depth = watch._depth
            watch._depth += 1
            started = time.perf_counter()
            try:
                module = original(name, package)
            except BaseException as exc:
                if depth == 0:
                    watch.records.append({"module": name, "error": exc, "seconds": time.perf_counter() - started})
                raise
            finally:
                watch._depth -= 1
            if depth == 0 and fresh:
                watch.records.append({"module": name, "error": None, "seconds": time.perf_counter() - started})
            return module

        importlib.import_module = import_module
        return self

    def __exit__(self, *exc_info: object) -> None:
        import importlib

        importlib.import_module = self._original


def _failure(name: str, exc: BaseException, seconds: float = 0.0) -> ModuleOutcome:
    import traceback

    try:
        message = str(exc)
    except Exception:  # an exception whose __str__ raises
        message = f"<str() of the exception failed: {type(exc).__name__}>"
    missing = _missing_dependency(exc)
    detail = f"needs {missing!r}, which is not installed in {sys.prefix}" if missing and missing != name else ""
    return ModuleOutcome(
        name,
        FAILED,
        file=_module_file(name),
        error_type=type(exc).__name__,
        error_message=message,
        traceback="".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        detail=detail,
        duration_s=seconds,
    )


def _missing_dependency(exc: BaseException) -> str | None:
    for candidate in (exc, exc.__cause__, exc.__context__):
        if isinstance(candidate, ModuleNotFoundError) and candidate.name:
            return candidate.name
    return None


def _module_file(name: str) -> str | None:
    module = sys.modules.get(name)
    if module is not None:
        return getattr(module, "__file__", None)
    from .textscan import locate

    try:
        found = locate(name)
    except (ImportError, ValueError):
        return None
    if found is None:
        return None
    paths, is_package = found
    return os.path.join(paths[0], "__init__.py") if is_package else paths[0]


# -- finding registries ------------------------------------------------------------------------------
def load(target: str) -> list[Any]:
    """The metaclass-registry registries ``target`` declares, observed; [] when it declares none.

    Under ``registry_core.compat.install()`` the library is registry_core's compat layer: its registries are
    registry_core registries and are returned as they are (each one listed once, timed by its own engine).
    """
    from .textscan import METACLASS_REGISTRY, scan

    declaring = scan(target).modules.get(METACLASS_REGISTRY, [])
    if not declaring:
        return []
    private_cache()
    import metaclass_registry

    version = str(getattr(metaclass_registry, "__version__", "unknown"))
    target_failures: list[ModuleOutcome] = []
    for module in declaring:
        with _ImportWatch() as watch:
            try:
                __import__(module)
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # a module of the target may raise anything: record it, go on
                target_failures.append(_failure(module, exc))
        del watch
    # The registries declared in the target (a module or a package), or, if it declares none itself (it
    # imports them), every registry of its top-level package.
    owners = _owners(metaclass_registry, target) or _owners(metaclass_registry, target.partition(".")[0])
    registries: list[Any] = []
    near = _nearest_owners([owner for owner, _registry in owners], target_failures)
    from .._registry import LazyDiscoveryDict

    for owner, registry in owners:
        if isinstance(registry, LazyDiscoveryDict):
            # ``registry_core.compat.install()`` is in force: the library is registry_core's compat layer, whose
            # registries are registry_core registries already, in the catalog, with their own report and cache.
            # Observing one would list it twice; it discovers (from its cache or afresh) when first read. (A
            # module of the target that failed to import is not in its report: that would need the observer.)
            registries.append(registry)
            continue
        registries.append(_observe(owner, registry, version, near.get(id(owner), [])))
    mark_shared_cache_files([r for r in registries if isinstance(r, ObservedRegistry)])
    return registries


def _nearest_owners(owners: list[type], failures: list[ModuleOutcome]) -> dict[int, list[ModuleOutcome]]:
    """Each module that failed while the target loaded goes to the registries declared nearest to it (the
    longest common package): one failure listed once or a few times, not under every registry of a big
    package (openhcs declares over two hundred)."""

    def shared(a: str, b: str) -> int:
        count = 0
        for x, y in zip(a.split("."), b.split(".")):
            if x != y:
                break
            count += 1
        return count

    near: dict[int, list[ModuleOutcome]] = {}
    for failure in failures:
        scores = [shared(owner.__module__, failure.name) for owner in owners]
        best = max(scores, default=0)
        for owner, score in zip(owners, scores):
            if score == best:
                near.setdefault(id(owner), []).append(failure)
    return near


def _owners(library: Any, top: str) -> list[tuple[type, dict]]:
    """(root class, its registry dict) for every registry whose root class lives in ``top`` or below it."""
    import gc

    meta = library.AutoRegisterMeta
    found: dict[int, tuple[type, dict]] = {}
    for obj in gc.get_objects():
        if not isinstance(obj, type) or not isinstance(obj, meta):
            continue
        if obj.__module__ != top and not obj.__module__.startswith(top + "."):
            continue
        vars_ = vars(obj)
        config = vars_.get("__registry_config__")
        registry = getattr(config, "registry_dict", None) if config is not None else vars_.get("__registry__")
        if not isinstance(registry, dict):
            continue
        base = getattr(registry, "_base_class", None)
        owner = base if isinstance(base, type) else obj
        known = found.get(id(registry))
        if known is None or len(owner.__mro__) < len(known[0].__mro__):
            found[id(registry)] = (owner, registry)
    return sorted(found.values(), key=lambda pair: (pair[0].__module__, pair[0].__qualname__))


def _name_of(owner: type, registry: dict) -> str:
    """The registry's name as the library derives it (its messages and cache file use it)."""

    config = getattr(registry, "_config", None)
    name = getattr(config, "registry_name", None) if config is not None else None
    if name and name != "plugin":
        return str(name)
    name = getattr(owner, "__registry_name__", None)
    if isinstance(name, str) and name:
        return name
    family = getattr(owner, "__registry_family__", None)
    family_name = getattr(family, "registry_name", None)
    if isinstance(family_name, str):
        return family_name
    from ..compat._names import library_registry_name

    return library_registry_name(owner.__name__)


def _library_name(owner: type) -> str:
    """A plain-dict registry of a program switched over to registry_core.compat is still the compat layer's."""
    if type(owner).__module__.startswith("registry_core.compat."):
        return COMPAT_LIBRARY
    return LIBRARY


def _observe(owner: type, registry: dict, version: str, target_failures: list[ModuleOutcome]) -> ObservedRegistry:
    config = getattr(registry, "_config", None)
    package = getattr(config, "discovery_package", None) if config is not None else None
    key_attribute = getattr(config, "key_attribute", None) if config is not None else None
    key_attribute = key_attribute or getattr(owner, "__registry_key__", None)
    lazy = type(registry).__name__ == "LazyDiscoveryDict"
    name = _name_of(owner, registry)
    report = DiscoveryReport(name, package)
    report.source = "discovery"
    for failure in target_failures:
        report.add_module(failure)
    partial = not (lazy and package)
    started = time.perf_counter()
    discovery_error: BaseException | None = None
    if not partial:
        from .. import _discovery

        if _discovery.on_discovery is not None:
            _discovery.on_discovery(f"{owner.__module__}.{owner.__qualname__}")
        stamp = file_stamp(name) if getattr(registry, "_enable_cache", True) else None
        with _ImportWatch() as watch:
            try:
                list(registry.keys())  # the library's own discovery, as its users trigger it
            except KeyboardInterrupt:
                raise
            except BaseException as exc:  # 0.4 raises the first module failure out of keys(): that is the finding
                discovery_error = exc
        for record in watch.records:
            error = record["error"]
            if error is None:
                report.add_module(
                    ModuleOutcome(
                        record["module"], IMPORTED, file=_module_file(record["module"]), duration_s=record["seconds"]
                    )
                )
            else:
                report.add_module(_failure(record["module"], error, record["seconds"]))
        if discovery_error is not None and not any(m.status == FAILED for m in report.modules):
            report.add_module(_failure(str(package), discovery_error))
        elif discovery_error is None and stamp is not None and file_stamp(name) == stamp:
            # The library read its cache file and left it as it was: served from it (a discovery rewrites it).
            report.source = "cache"
        report.duration_s = time.perf_counter() - started
    observed = ObservedRegistry(
        name,
        owner,
        ObservedConfig(
            discovery_package=package,
            discovery_recursive=getattr(config, "discovery_recursive", None),
            key_attribute=key_attribute,
            registry_name=name,
        ),
        {"name": _library_name(owner), "version": version},
        report,
        cache=cache_for(registry, name, owner, str(package)) if not partial else None,
        partial=partial,
        note=(
            PARTIAL_NOTE
            if partial
            else (
                f"its discovery stopped: {type(discovery_error).__name__}: {discovery_error}"
                if discovery_error is not None
                else ""
            )
        ),
    )
    if observed.cache is not None:
        observed.rebuilder = rebuild
    registered = {}
    for key, cls in list(dict.items(registry)):
        dict.__setitem__(observed, key, cls)
        registered[id(cls)] = key
        module = getattr(cls, "__module__", "?")
        if module in sys.modules:
            observed.loaded.add(key)
        report.add_class(
            ClassOutcome(
                module,
                getattr(cls, "__qualname__", repr(cls)),
                REGISTERED,
                f"registered under key {key!r}",
                file=getattr(sys.modules.get(module), "__file__", None),
                key=key,
                key_attribute=key_attribute,
                doc=first_line(getattr(cls, "__doc__", None)),
            )
        )
    _unregistered(observed, owner, registry, registered, key_attribute, report)
    secondaries = []
    for spec in getattr(config, "secondary_registries", None) or ():
        target = getattr(spec, "registry_dict", None)
        if isinstance(target, dict):
            secondaries.append(
                ObservedSecondary(str(getattr(spec, "attr_name", "")), str(getattr(spec, "key_source", "")), target)
            )
    object.__setattr__(observed.config, "secondary_registries", tuple(secondaries))
    return observed


def _unregistered(
    observed: ObservedRegistry,
    owner: type,
    registry: dict,
    registered: dict,
    key_attribute: Any,
    report: DiscoveryReport,
) -> None:
    """Classes under the root that are not registered, each with the reason the library skipped it."""
    seen: set[int] = set()
    stack = [owner]
    classes = []
    while stack:
        cls = stack.pop()
        if id(cls) in seen:
            continue
        seen.add(id(cls))
        classes.append(cls)
        stack.extend(type.__subclasses__(cls))
    for cls in classes:
        if id(cls) in registered:
            continue
        module = getattr(cls, "__module__", "?")
        file = getattr(sys.modules.get(module), "__file__", None)
        qualname = cls.__qualname__
        abstract = sorted(getattr(cls, "__abstractmethods__", ()) or ())
        key = getattr(cls, key_attribute, None) if isinstance(key_attribute, str) else None
        if cls is owner:
            outcome = ClassOutcome(module, qualname, ROOT, "root of the registry (not a plugin)", file=file)
        elif abstract:
            outcome = ClassOutcome(
                module,
                qualname,
                ABSTRACT,
                f"abstract: does not implement {', '.join(abstract)}",
                file=file,
                abstract_methods=abstract,
            )
        elif key is None:
            outcome = ClassOutcome(
                module,
                qualname,
                NO_KEY,
                f"no key: class attribute {key_attribute} is not set",
                file=file,
                key_attribute=key_attribute,
            )
        elif hashable(key) and dict.__contains__(registry, key):
            holder = dict.__getitem__(registry, key)
            holder_name = f"{holder.__module__}.{holder.__qualname__}"
            outcome = ClassOutcome(
                module,
                qualname,
                DUPLICATE,
                f"duplicate key {key!r}: {holder_name} holds it (metaclass-registry 0.4 raises "
                "DuplicateRegistryKeyError at the second class; 0.2 keeps the last one registered)",
                file=file,
                key=key,
                holder=holder_name,
                key_attribute=key_attribute,
            )
        else:
            outcome = ClassOutcome(
                module,
                qualname,
                NO_KEY,
                f"not registered although {key_attribute} = {key!r} (its module may have failed "
                "after the class was created, or the registry was cleared)",
                file=file,
                key=key,
                key_attribute=key_attribute,
            )
        report.add_class(outcome)
