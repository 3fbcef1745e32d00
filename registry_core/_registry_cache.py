"""A registry's discovery cache: what it stores, how a warm start reads it, when it is rebuilt.

Warm start: the registry is filled with placeholders from a valid cache, so
``keys()``, ``len()``, ``in`` and iteration import no plugin module; a value is
imported on first access. A placeholder whose module is outside the discovery
package (and not a verified entry point) is never imported.
"""

from __future__ import annotations

import os
import sys

from ._cache import CORRUPT, DISABLED, CacheConfig, CacheStatus, RegistryCacheManager, stable_hash
from ._config import slug
from ._fingerprint import entry_points_fingerprint, files_fingerprint
from ._log import get_logger
from ._paths import cache_disabled_reason, env_flag, no_gpu_var
from ._report import IMPORTED, REGISTERED, SOURCE_ENTRY_POINT, ClassOutcome, DiscoveryReport, ModuleOutcome

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: ``=1``: also compare file contents (sha256), catching edits that keep size and mtime.
CONTENT_HASH_VAR = "REGISTRY_CORE_CACHE_CONTENT_HASH"

_JSON_KEY_TYPES = (str, int, float, bool)


class Unloaded:
    """Stands in the registry for a plugin class known from the cache but not imported yet."""

    __slots__ = ("key", "module", "qualname", "file", "primary_key")

    def __init__(self, key: Any, module: str, qualname: str, file: str | None, primary_key: Any = None) -> None:
        self.key = key
        self.module = module
        self.qualname = qualname
        self.file = file
        self.primary_key = key if primary_key is None else primary_key

    def __repr__(self) -> str:
        return f"<not yet imported: {self.module}.{self.qualname}>"


def identity_of(obj: Any) -> tuple[Any, Any]:
    if type(obj) is Unloaded:
        return obj.module, obj.qualname
    return getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)


def _package_version(package: str) -> str:
    from . import __version__ as core_version

    root = sys.modules.get(package.partition(".")[0])
    version = getattr(root, "__version__", None)
    return f"{version if isinstance(version, str) else 'unversioned'} (registry_core {core_version})"


class RegistryCache:
    """Binds one LazyDiscoveryDict to its cache file."""

    def __init__(self, registry: Any) -> None:
        self.registry = registry
        config = registry.config
        namespace = config.cache_namespace
        package = config.discovery_package
        identity = {
            "name": registry.qualified_name,
            "registry": registry.name,
            "package": package,
            "prefix": sys.prefix,
        }
        unique = stable_hash("|".join([registry.qualified_name, package, sys.prefix, sys.implementation.cache_tag]))
        self.namespace = namespace
        self.content_hash = env_flag(CONTENT_HASH_VAR)
        self.manager = RegistryCacheManager(
            f"registry_{slug(registry.name)}-{unique}",
            version_getter=lambda: _package_version(package),
            config=CacheConfig(max_age_days=7, check_mtimes=True, content_hash=self.content_hash),
            namespace=namespace,
            kind="registry",
            identity=identity,
            env_vars=(no_gpu_var(namespace), *config.cache_env_vars),
            enabled=registry._enable_cache,
        )
        #: What happened at discovery: the state the cache was found in (and so whether it was used).
        self.startup_status: CacheStatus | None = None
        self.healed: list[str] = []

    @property
    def path(self) -> str:
        return self.manager.cache_path

    def disabled_reason(self) -> str | None:
        return cache_disabled_reason(self.namespace, self.registry._enable_cache) or self.manager._write_failure

    # -- warm path ---------------------------------------------------------------
    def try_load(self) -> bool:
        """Fill the registry from a valid cache; False (status says why) otherwise."""
        doc, status = self.manager.read()
        self.startup_status = status
        if doc is None:
            return False
        problem = self._check_items(doc)
        if problem:
            self.startup_status = CacheStatus(CORRUPT, problem, status.path, size=status.size,
                                              created=status.created, items=status.items,
                                              name=status.name, kind=status.kind)
            get_logger("cache").warning("%s cache rejected: %s", self.registry.name, problem)
            return False
        self._fill(doc)
        if status.refresh:
            self._refresh_stamps(doc)
        return True

    def _check_items(self, doc: dict) -> str | None:
        package = self.registry.config.discovery_package
        allowed_ep = set((doc.get("report") or {}).get("entry_point_modules") or [])
        for name, item in doc["items"].items():
            if not isinstance(item, dict):
                return f"wrong shape: item {name!r} is not an object"
            module, qualname, key = item.get("module"), item.get("qualname"), item.get("key")
            if not isinstance(module, str) or not isinstance(qualname, str) or not isinstance(key, _JSON_KEY_TYPES):
                return f"wrong shape: item {name!r} lacks module/qualname/key"
            inside = module == package or module.startswith(package + ".")
            if not inside and module not in allowed_ep:
                return (f"tampered: plugin {key!r} points at module {module!r}, outside package {package} "
                        "and its entry points; it was not imported")
            secondary = item.get("secondary", {})
            if not isinstance(secondary, dict):
                return f"wrong shape: item {name!r} has malformed secondary entries"
            for value in secondary.values():
                if not (isinstance(value, list) and len(value) == 3 and isinstance(value[1], str)
                        and isinstance(value[2], str) and isinstance(value[0], _JSON_KEY_TYPES)):
                    return f"wrong shape: item {name!r} has malformed secondary entries"
        return None

    def _fill(self, doc: dict) -> None:
        registry = self.registry
        secondaries = {s.attr_name: s.registry_dict for s in registry.config.secondary_registries}
        report = _report_from_cache(registry, doc)
        for item in doc["items"].values():
            key = item["key"]
            placeholder = Unloaded(key, item["module"], item["qualname"], item.get("file"))
            if not dict.__contains__(registry, key):
                dict.__setitem__(registry, key, placeholder)
            for attr_name, (secondary_key, module, qualname) in item.get("secondary", {}).items():
                target = secondaries.get(attr_name)
                if target is not None and not dict.__contains__(target, secondary_key):
                    dict.__setitem__(target, secondary_key, Unloaded(secondary_key, module, qualname, None, key))
        registry._report = report
        for target in secondaries.values():
            if type(target) is dict:
                # A plain dict cannot load lazily on read: load what it holds now.
                for key, value in list(target.items()):
                    if type(value) is Unloaded:
                        registry._resolve(value.primary_key)

    def _refresh_stamps(self, doc: dict) -> None:
        """Folder stamps moved without any source change: store the new ones (best effort)."""
        for root, entries in doc["files"]["roots"].items():
            for entry in entries:
                if entry[0].endswith("/"):
                    path = root if entry[0] == "/" else os.path.join(root, entry[0][:-1])
                    try:
                        entry[2] = os.stat(path).st_mtime_ns
                    except OSError:
                        return
        with self.manager.lock(timeout=0) as lock:
            if lock.acquired:
                self.manager.write_document(doc)

    # -- cold path -------------------------------------------------------------------
    def save(self) -> bool:
        registry = self.registry
        if self.disabled_reason():
            return False
        items: dict[str, Any] = {}
        for outcome in registry.report.registered:
            if outcome.outside_package and not _from_entry_point(registry.report, outcome.module):
                continue  # a discovery hook's or user's class: it registers when its importer runs again
            key = outcome.key
            if not isinstance(key, _JSON_KEY_TYPES):
                self.manager._fail(f"key {key!r} of {outcome.qualname} is not a JSON value; keys must be str/int")
                return False
            items[_item_name(key)] = _item(registry, outcome)
        files = files_fingerprint(getattr(registry, "_scanned_files", ()) or (), registry.config.discovery_recursive,
                                  self.content_hash)
        extra = {"entry_points": entry_points_fingerprint(registry.entry_point_group,
                                                          getattr(registry, "_advertised", ())),
                 "report": _report_to_cache(registry.report)}
        doc = self.manager.build_document({}, files=files, extra=extra)
        doc["items"] = items
        return self.manager.write_document(doc)


def _item_name(key: Any) -> str:
    return key if isinstance(key, str) else f"{type(key).__name__}:{key!r}"


def _item(registry: Any, outcome: ClassOutcome) -> dict[str, Any]:
    item: dict[str, Any] = {"key": outcome.key, "module": outcome.module, "qualname": outcome.qualname,
                            "file": outcome.file}
    if outcome.doc:
        item["doc"] = outcome.doc
    secondary: dict[str, list] = {}
    cls = dict.get(registry, outcome.key)
    for spec in registry.config.secondary_registries:
        value = getattr(cls, spec.attr_name, None) if isinstance(cls, type) else None
        if value is None:
            continue
        from ._config import PRIMARY_KEY

        secondary_key = outcome.key if spec.key_source == PRIMARY_KEY else getattr(cls, spec.key_source, None)
        if isinstance(secondary_key, _JSON_KEY_TYPES) and dict.get(spec.registry_dict, secondary_key) is value:
            secondary[spec.attr_name] = [secondary_key, getattr(value, "__module__", ""),
                                         getattr(value, "__qualname__", "")]
    if secondary:
        item["secondary"] = secondary
    return item


def _from_entry_point(report: DiscoveryReport, module: str) -> bool:
    return any(m.name == module and m.source == SOURCE_ENTRY_POINT and m.status == IMPORTED for m in report.modules)


def _report_to_cache(report: DiscoveryReport) -> dict[str, Any]:
    """The report, compactly: imported package modules by name only, everything unusual in full."""
    imported, other = [], []
    for module in report.modules:
        if module.status == IMPORTED and module.source != SOURCE_ENTRY_POINT and not module.detail:
            imported.append(module.name)
        else:
            other.append(module.to_dict())
    return {
        "package_error": report.package_error,
        "duration_s": report.duration_s,
        "started": report.started,
        "entry_point_group": report.entry_point_group,
        "imported": imported,
        "modules": other,
        "classes": [c.to_dict() for c in report.classes if c.status != REGISTERED and _jsonable_key(c)],
        "entry_point_modules": sorted({m.name for m in report.modules
                                       if m.source == SOURCE_ENTRY_POINT and m.status == IMPORTED}),
    }


def _jsonable_key(outcome: ClassOutcome) -> bool:
    if outcome.key is not None and not isinstance(outcome.key, _JSON_KEY_TYPES):
        outcome.key = repr(outcome.key)
    return True


def _report_from_cache(registry: Any, doc: dict) -> DiscoveryReport:
    cached = doc.get("report") or {}
    live = registry._report
    report = DiscoveryReport(registry.name, registry.config.discovery_package)
    report.entry_point_group = registry.entry_point_group
    report.source = "cache"
    report.package_error = cached.get("package_error")
    report.duration_s = cached.get("duration_s")
    report.started = cached.get("started")
    try:
        report.modules = [ModuleOutcome(name, IMPORTED) for name in cached.get("imported", [])]
        report.modules += [ModuleOutcome.from_dict(m) for m in cached.get("modules", [])]
        report.classes = [ClassOutcome.from_dict(c) for c in cached.get("classes", [])]
    except (TypeError, AttributeError):
        report.modules, report.classes = [], []
    key_attribute = registry.config.key_attribute
    package = registry.config.discovery_package
    for item in doc["items"].values():
        module = item["module"]
        report.classes.append(ClassOutcome(
            module, item["qualname"], REGISTERED, f"registered under key {item['key']!r}", file=item.get("file"),
            key=item["key"], key_attribute=key_attribute, doc=item.get("doc", ""),
            secondary={k: f"{v[1]}.{v[2]}" for k, v in item.get("secondary", {}).items()},
            outside_package=not (module == package or module.startswith(package + ".")),
        ))
    for outcome in live.classes:  # classes defined in this process keep their live outcome
        report.add_class(outcome)
    return report


def import_placeholder(registry: Any, placeholder: Unloaded) -> str | None:
    """Import the module a cached entry names; None on success, else why not (never raises but ^C)."""
    import importlib

    module = placeholder.module
    package = registry.config.discovery_package
    if not (module == package or module.startswith(package + ".")) and not _advertised_module(registry, module):
        return (f"cached plugin {placeholder.key!r} points at {module}, which is neither in {package} nor "
                f"advertised in entry-point group {registry.entry_point_group}; not imported")
    try:
        importlib.import_module(module)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # whatever a plugin raises, the registry heals instead of failing
        return f"cached plugin {placeholder.key!r}: importing {module} failed ({type(exc).__name__}: {exc})"
    return None


def _advertised_module(registry: Any, module: str) -> bool:
    """Check, at import time, that an installed distribution really advertises ``module``."""
    from importlib.metadata import entry_points

    try:
        advertised = entry_points(group=registry.entry_point_group)
    except Exception:
        return False
    return any(ep.value.partition(":")[0].strip() == module for ep in advertised)


def populate(registry: Any) -> None:
    """Discovery entry point: a valid cache, else discovery under the cross-process lock."""
    from ._discovery import run_discovery

    cache = registry.cache
    if cache is None:
        run_discovery(registry)
        return
    if cache.try_load():
        return
    if cache.startup_status is not None and cache.startup_status.state == DISABLED:
        run_discovery(registry)
        return
    with cache.manager.lock() as lock:
        if lock.acquired and cache.try_load():
            return  # another process rebuilt it while we waited
        run_discovery(registry)
        if lock.acquired:
            cache.save()
        else:
            # No lock (timed out, or the folder refuses a lock file): never write unlocked.
            cache.manager._fail(lock.error or "no cache lock")
