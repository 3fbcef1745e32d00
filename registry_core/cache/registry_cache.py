"""A registry's discovery cache: what it stores, how a warm start reads it, when it is rebuilt.

Warm start: the registry is filled with placeholders from a valid cache, so
``keys()``, ``len()``, ``in`` and iteration import no plugin module; a value is
imported on first access. A placeholder whose module is outside the discovery
package (and not a verified entry point) is never imported.
"""

from __future__ import annotations

import os
import sys
from functools import partial

from .._config import slug
from .._log import get_logger
from .._placeholder import Unloaded
from .._version import __version__ as _CORE_VERSION
from .fingerprint import (
    entry_points_fingerprint,
    files_fingerprint,
    import_paths_fingerprint,
    stamps_hold,
    sys_path_stamps,
)
from .manager import RegistryCacheManager, plainly_valid_status, read_plainly_valid, stable_hash
from .paths import cache_disabled_reason, env_flag, get_cache_dir, join, no_gpu_var
from .status import CORRUPT, JSON_KEY_TYPES, STALE, CacheConfig, CacheStatus, Reason, ReasonKind
from .validation_window import shared_answer, shared_stats

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: ``=1``: also compare file contents (sha256), catching edits that keep size and mtime.
CONTENT_HASH_VAR = "REGISTRY_CORE_CACHE_CONTENT_HASH"
#: A registry cache older than this is rebuilt (a week: caches of packages nobody edits still get refreshed).
MAX_AGE_DAYS = 7


def _package_version(package: str) -> str:
    root = sys.modules.get(package.partition(".")[0])
    version = getattr(root, "__version__", None)
    return f"{version if isinstance(version, str) else 'unversioned'} (registry_core {_CORE_VERSION})"


class RegistryCache:
    """Binds one LazyDiscoveryDict to its cache file."""

    def __init__(self, registry: Any) -> None:
        # Only what a warm start reads: the manager (reasons, writing, status) is made on first use.
        self.registry = registry
        config = registry._engine_config
        #: ``module.BaseClass``: the registry's name in its cache file (identity) and in the file's name.
        self.identity_name: str = registry.qualified_name
        self.namespace = namespace = config.cache_namespace
        self.package = config.discovery_package
        self.content_hash = env_flag(CONTENT_HASH_VAR)
        self.env_vars = (no_gpu_var(namespace), *config.cache_env_vars)
        self._cache_name: str | None = None
        self._manager: RegistryCacheManager | None = None
        #: What happened at discovery: the state the cache was found in (and so whether it was used).
        self.startup_status: CacheStatus | None = None
        self.healed: list[str] = []

    @property
    def cache_name(self) -> str:
        """``registry_<slug>-<hash>``, the file's name without ``.json``: one per registry, package, environment
        and Python."""
        if self._cache_name is None:
            unique = stable_hash("|".join([self.identity_name, self.package, sys.prefix, sys.implementation.cache_tag]))
            self._cache_name = f"registry_{slug(self.registry.name)}-{unique}"
        return self._cache_name

    @property
    def manager(self) -> RegistryCacheManager:
        manager = self._manager
        if manager is None:
            registry = self.registry
            package = self.package
            manager = self._manager = RegistryCacheManager(
                self.cache_name,
                version_getter=lambda: _package_version(package),
                config=CacheConfig(max_age_days=MAX_AGE_DAYS, check_mtimes=True, content_hash=self.content_hash),
                namespace=self.namespace,
                kind="registry",
                identity={
                    "name": self.identity_name,
                    "registry": registry.name,
                    "package": package,
                    "prefix": sys.prefix,
                },
                env_vars=self.env_vars,
                enabled=registry.cache_enabled,
            )
        return manager

    @property
    def path(self) -> str:
        return join(get_cache_dir(self.namespace), self.cache_name + ".json")

    def disabled_reason(self) -> str | None:
        return cache_disabled_reason(self.namespace, self.registry.cache_enabled) or self.manager._write_failure

    # -- warm path ---------------------------------------------------------------
    def load(self) -> tuple[dict | bytes, list] | None:
        """What a valid cache's report is rebuilt from (its document, or the file's bytes: see
        :meth:`_load_plainly_valid`) and its validated entries ``(key, module, qualname, secondary)``; None when
        there is none to use (``startup_status`` says why). Nothing is imported."""
        plain = self._load_plainly_valid()
        if plain is not None:
            return plain
        doc, status = self.manager.read(plainly_first=False)
        self.startup_status = status
        if doc is None:
            return None
        entries, problem = self.validate_items(doc)
        problem = problem or failures_changed(doc)
        if problem:
            state = _state_of(problem)
            self.startup_status = _restated(status, state, problem)
            if state == CORRUPT:
                get_logger("cache").warning("%s cache rejected: %s", self.registry.name, problem)
            return None
        return doc, entries

    def _load_plainly_valid(self) -> tuple[bytes, list] | None:
        """:meth:`load` of a cache that passes every check plainly (``read_plainly_valid``), with no manager
        made; None for :meth:`load` to go the whole way (and say why, when it is not valid).

        It hands back the file's bytes, not the parsed document: the report is rebuilt from them only if somebody
        reads it, and a warm start keeps no document alive. Five kept documents were ~500 container objects
        that the floor's throw-away loads never leave behind: enough to set off a garbage collection in the
        middle of a warm start (~0.1 ms), and the memory a 1000-plugin cache holds for nothing."""
        registry = self.registry
        manager = self._manager
        if (
            self.content_hash
            or (manager is not None and manager._write_failure is not None)
            or cache_disabled_reason(self.namespace, registry.cache_enabled)
        ):
            return None
        path = self.path
        package = self.package
        plain = read_plainly_valid(
            path, "registry", self.identity_name, lambda: _package_version(package), self.env_vars, MAX_AGE_DAYS
        )
        if plain is None:
            return None
        doc = plain[0]
        entries, problem = self.validate_items(doc)
        if problem is not None or failures_changed(doc) is not None:
            return None
        self.startup_status = plainly_valid_status(path, plain, self.identity_name, "registry")
        return plain[1], entries

    def validate_items(self, doc: dict) -> tuple[list, Reason | None]:
        """(entries, None) when every item is well formed and inside the package or its entry points.

        One pass over the items; on the warm path it is the only per-item work
        besides creating the placeholder.
        """
        config = self.registry._engine_config
        package = config.discovery_package
        report = doc.get("report") or {}
        allowed = report.get("entry_point_modules") or []
        if not isinstance(allowed, list):
            return [], Reason("wrong shape: report.entry_point_modules is not a list", ReasonKind.WRONG_SHAPE)
        excludes = config.exclude_patterns
        codec: Any = None
        entries = []
        for name, item in doc["items"].items():
            if type(item) is not list or len(item) < 2:
                return [], Reason(
                    f"wrong shape: item {name!r} is not a [module, qualname, ...] list", ReasonKind.WRONG_SHAPE
                )
            module = item[0]
            qualname = item[1]
            if type(module) is not str or type(qualname) is not str or not module or not qualname:
                return [], Reason(f"wrong shape: item {name!r} lacks module/qualname", ReasonKind.WRONG_SHAPE)
            if module[0] == ".":
                module = package + module if module != "." else package
                if excludes and _excluded(module, excludes):
                    return [], Reason(
                        f"tampered: plugin {name!r} points at module {module!r}, which the registry's "
                        "exclude_patterns exclude; it was not imported",
                        ReasonKind.TAMPERED,
                    )
            elif module.partition(".")[0] not in allowed or _excluded(module, excludes):
                return [], Reason(
                    f"tampered: plugin {name!r} points at module {module!r}, outside package "
                    f"{package} and its entry points; it was not imported",
                    ReasonKind.TAMPERED,
                )
            key = name  # (a JSON object's key: a str)
            secondary = None
            if len(item) > 3:
                secondary = item[3]
                if len(item) > 4:
                    key = item[4]
                    if not isinstance(key, JSON_KEY_TYPES):
                        # registry_core.compat's registries keep enum and tuple keys, as the library they stand
                        # in for does.
                        codec = codec or getattr(self.registry, "_cache_key_codec", None)
                        if codec is None:
                            return [], Reason(
                                f"wrong shape: item {name!r} has a key that is not a JSON scalar",
                                ReasonKind.WRONG_SHAPE,
                            )
                        try:
                            key = codec.decode(key)
                        except Exception as exc:  # the key's enum was renamed or removed: the cache is out of date
                            return [], Reason(
                                f"the key of plugin {name!r} no longer decodes ({type(exc).__name__}: {exc})",
                                ReasonKind.WRONG_SHAPE,
                            )
                if secondary:
                    malformed = type(secondary) is not dict
                    if not malformed:
                        for v in secondary.values():
                            if not (
                                type(v) is list
                                and len(v) == 3
                                and type(v[1]) is str
                                and type(v[2]) is str
                                and isinstance(v[0], JSON_KEY_TYPES)
                            ):
                                malformed = True
                                break
                    if malformed:
                        return [], Reason(
                            f"wrong shape: item {name!r} has malformed secondary entries", ReasonKind.WRONG_SHAPE
                        )
            entries.append((key, module, qualname, secondary))
        return entries, None

    def status(self) -> CacheStatus:
        """The file's state now, items included (a tampered entry makes it corrupt, not valid)."""
        status = self.manager.status()
        if status.state == "valid":
            doc, _ = self.manager.read()
            if doc is not None:
                _, problem = self.validate_items(doc)
                if problem:
                    return _restated(status, CORRUPT, problem)
                problem = failures_changed(doc)
                if problem:
                    return _restated(status, _state_of(problem), problem)
        return status

    def refresh_stamps(self, doc: dict) -> None:
        """Folder stamps moved without any source change: store the new ones (best effort)."""
        from .paths import read_only

        if read_only():
            return
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
    def save(self, result: Any) -> bool:
        """Write what discovery ``result`` saw (its report, files and entry points) as this registry's cache."""
        from .cached_report import from_entry_point, report_to_cache  # (the cold path's: a warm start needs neither)

        registry = self.registry
        if self.disabled_reason():
            return False
        package = registry.config.discovery_package
        report = registry.report
        if report.package_error:
            # Nothing was scanned, so no file change could ever invalidate such a cache.
            self.manager._fail(f"not cached: the discovery package failed to import ({report.package_error})")
            return False
        items: dict[str, Any] = {}
        keys_of: dict[str, Any] = {}
        codec = getattr(registry, "_cache_key_codec", None)
        for outcome in report.registered:
            if outcome.outside_package and not from_entry_point(report, outcome.module):
                continue  # a discovery hook's or user's class: it registers when its importer runs again
            key = stored = outcome.key
            if codec is not None and type(key) not in JSON_KEY_TYPES:
                try:
                    stored = codec.encode(key)
                except (TypeError, ValueError) as exc:
                    self.manager._fail(f"not cached: key {key!r} of {outcome.qualname}: {exc}")
                    return False
            elif not isinstance(key, JSON_KEY_TYPES):
                self.manager._fail(f"key {key!r} of {outcome.qualname} is not a JSON value; keys must be str/int")
                return False
            elif type(key) not in JSON_KEY_TYPES:
                # A StrEnum/IntEnum member is a str/int, but a warm start would hand back the plain value
                # (key.name would raise): the same key objects or no cache.
                plain = next(kind.__name__ for kind in (bool, int, float, str) if isinstance(key, kind))
                self.manager._fail(
                    f"not cached: key {key!r} of {outcome.qualname} is a {type(key).__name__}, which a warm "
                    f"start would return as a plain {plain}"
                )
                return False
            name = key if type(key) is str else f"{type(key).__name__}:{key!r}"
            item: list = [
                _relative(outcome.module, package),
                outcome.qualname,
                outcome.doc or "",
                _secondary_of(registry, key),
            ]
            if type(key) is not str:
                item.append(stored)
            items[name] = item
            keys_of[name] = key
        # In the registry's own order, which a warm start hands back: a key taken over in place
        # (__replaces_registered__) keeps its place in the dict, though its new class registered last.
        position = {key: index for index, key in enumerate(dict.keys(registry))}
        items = dict(sorted(items.items(), key=lambda entry: position.get(keys_of[entry[0]], len(position))))
        files = files_fingerprint(result.files, registry.config.discovery_recursive, self.content_hash)
        extra = {
            "entry_points": entry_points_fingerprint(
                registry.entry_point_group, result.dist_folders, result.advertised
            ),
            "import_paths": import_paths_fingerprint(package),
            "report": report_to_cache(report, set(items)),
            "failures": failure_watch(report),
        }
        doc = self.manager.build_document({}, files=files, extra=extra)
        doc["identity"]["key_attribute"] = registry.config.key_attribute
        doc["items"] = items
        return self.manager.write_document(doc)


def _relative(module: str, package: str) -> str:
    """Modules inside the package are stored relative ("." + rest): shorter, and never point outside."""
    if module == package:
        return "."
    if module.startswith(package + "."):
        return module[len(package) :]
    return module


def _secondary_of(registry: Any, key: Any) -> dict[str, list]:
    from .._config import PRIMARY_KEY

    secondary: dict[str, list] = {}
    cls = dict.get(registry, key)
    if not isinstance(cls, type):
        return secondary
    for spec in registry.config.secondary_registries:
        value = getattr(cls, spec.attr_name, None)
        if value is None:
            continue
        secondary_key = key if spec.key_source == PRIMARY_KEY else getattr(cls, spec.key_source, None)
        if isinstance(secondary_key, JSON_KEY_TYPES) and dict.get(spec.registry_dict, secondary_key) is value:
            secondary[spec.attr_name] = [
                secondary_key,
                getattr(value, "__module__", ""),
                getattr(value, "__qualname__", ""),
            ]
    return secondary


def import_placeholder(registry: Any, placeholder: Unloaded) -> str | None:
    """Import the module a cached entry names; None on success, else why not (never raises but ^C)."""
    import importlib

    module = placeholder.module
    package = registry.config.discovery_package
    if not (module == package or module.startswith(package + ".")) and not _advertised_module(registry, module):
        return (
            f"cached plugin {placeholder.key!r} points at {module}, which is neither in {package} nor "
            f"advertised in entry-point group {registry.entry_point_group}; not imported"
        )
    try:
        importlib.import_module(module)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # whatever a plugin raises, the registry heals instead of failing
        return f"cached plugin {placeholder.key!r}: importing {module} failed ({type(exc).__name__}: {exc})"
    return None


def _advertised_module(registry: Any, module: str) -> bool:
    """Check, at import time, that an installed distribution advertising in the group provides ``module``:
    the entry point's module or one inside it, or a module the distribution itself installed. A shared
    top-level name is not enough (a namespace package's other portions belong to other distributions)."""
    from .._entry_points import entry_points

    top = module.partition(".")[0]
    for ep in entry_points(registry.entry_point_group):
        if module == ep.module or module.startswith(ep.module + "."):
            return True
        if ep.module.partition(".")[0] == top and _distribution_provides(ep, module):
            return True
    return False


def _distribution_provides(ep: Any, module: str) -> bool:
    """Whether the entry point's distribution installed ``module``: listed in its RECORD, or (an editable
    install has no RECORD of its sources) found beside the entry point's own module, in the same folder."""
    from .._scan import locate

    found = locate(module)
    if found is None:
        return False
    paths, is_package = found
    file = os.path.join(paths[0], "__init__.py") if is_package else paths[0]
    record = os.path.join(os.path.dirname(ep.path), "RECORD")
    try:
        with open(record, encoding="utf-8", errors="replace") as handle:
            listed = [line.split(",", 1)[0] for line in handle if line.strip()]
    except OSError:
        listed = []
    relative = module.replace(".", "/")
    python_files = [name for name in listed if name.endswith(".py")]
    if python_files:
        return any(name in (relative + ".py", relative + "/__init__.py") for name in python_files)
    own = locate(ep.module)
    if own is None:
        return False
    own_file = os.path.join(own[0][0], "__init__.py") if own[1] else own[0][0]
    depth = ep.module.count(".") + 1
    root = own_file
    for _ in range(depth if not own[1] else depth + 1):
        root = os.path.dirname(root)
    return os.path.abspath(file).startswith(os.path.abspath(root) + os.sep) and not _is_namespace_portion(module)


def _is_namespace_portion(module: str) -> bool:
    """Whether ``module``'s top-level package is a namespace package (split over several folders)."""
    from .._scan import locate

    found = locate(module.partition(".")[0])
    return found is not None and found[1] and not os.path.isfile(os.path.join(found[0][0], "__init__.py"))


def _restated(status: CacheStatus, state: str, reason: Any) -> CacheStatus:
    return CacheStatus(
        state,
        reason,
        status.path,
        size=status.size,
        created=status.created,
        items=status.items,
        name=status.name,
        kind=status.kind,
    )


#: Failures worth trying again at the next start: the world outside the plugin (a share not mounted, a
#: network timeout) may have changed; a bug in the plugin will not have.
_TRANSIENT = frozenset(
    {
        "OSError",
        "IOError",
        "EnvironmentError",
        "TimeoutError",
        "ConnectionError",
        "ConnectionRefusedError",
        "ConnectionResetError",
        "ConnectionAbortedError",
        "BrokenPipeError",
        "BlockingIOError",
        "InterruptedError",
        "FileNotFoundError",
        "PermissionError",
    }
)


def failure_watch(report: Any) -> dict[str, list]:
    """What each recorded failure depended on: the missing module it named, or a transient error to retry."""
    import re

    missing: list[str] = []
    transient: list[str] = []
    for failure in report.failures:
        if failure.error_type in ("ModuleNotFoundError", "ImportError"):
            found = re.search(r"No module named '([^']+)'", failure.error_message or "")
            if found and found.group(1) not in missing:
                missing.append(found.group(1))
        elif failure.error_type in _TRANSIENT:
            transient.append(f"{failure.name}: {failure.error_type}: {failure.error_message}")
    watch: dict[str, Any] = {"missing": missing, "transient": transient}
    if any("." not in name for name in missing):
        # While sys.path and its folders are as they were, a missing top-level module is still missing.
        watch.update(sys_path_stamps() or {})
    return watch


def failures_changed(doc: dict) -> Any:
    """Why the failures a cache froze may be gone now (a missing module appeared, a transient error), or None."""
    watch = doc.get("failures")
    if not isinstance(watch, dict):
        return None
    transient = watch.get("transient") or []
    if isinstance(transient, list) and transient:
        return Reason(f"a plugin failed with what may pass now ({transient[0]}): trying again", ReasonKind.ENVIRONMENT)
    missing = watch.get("missing") or []
    if not isinstance(missing, list):
        return Reason("wrong shape: failures.missing is not a list", ReasonKind.WRONG_SHAPE)
    unchanged = None
    for name in missing:
        if not (isinstance(name, str) and name):
            continue
        if "." not in name:
            if unchanged is None:
                unchanged = shared_answer("sys.path stamps", watch, lambda: stamps_hold(watch, shared_stats()))
            if unchanged:
                continue
        if shared_answer("importable", name, partial(_importable, name)):
            return Reason(f"{name} is importable now (a plugin failed for want of it)", ReasonKind.IMPORT_PATH)
    return None


def _state_of(problem: Reason) -> str:
    """A document that is not what this library writes, or points outside the package: corrupt; else stale."""
    return CORRUPT if problem.kind in (ReasonKind.WRONG_SHAPE, ReasonKind.TAMPERED) else STALE


def _importable(name: str) -> bool:
    from .._scan import locate

    return locate(name) is not None


def _excluded(module: str, patterns: Any) -> bool:
    if not patterns:
        return False
    for pattern in patterns:
        # "pkg.sub*" and "pkg.mod", the usual patterns, answered without fnmatch's regex (compiling one costs
        # a warm start ~0.3 ms): a lone trailing "*" matches any rest, no wildcard at all matches itself.
        head = pattern[:-1] if pattern.endswith("*") else pattern
        if "*" in head or "?" in head or "[" in head:
            from fnmatch import fnmatchcase

            if fnmatchcase(module, pattern):
                return True
        elif module.startswith(head) if head is not pattern else module == pattern:
            return True
    return False
