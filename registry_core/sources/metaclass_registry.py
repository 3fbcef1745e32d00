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
from .observed import ObservedConfig, ObservedRegistry, ObservedSecondary

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

LIBRARY = "metaclass_registry"
#: The cache folder's name under $XDG_CACHE_HOME (or ~/.cache), and the format version the library writes.
CACHE_FOLDER = "metaclass-registry"
CACHE_VERSION = "1.0"
MAX_AGE_DAYS = 7
#: The library compares file mtimes within a second.
MTIME_TOLERANCE_S = 1.0
#: Set to ``"user"`` (rebuild's child) to let the library read and write the user's own cache folder.
CACHE_MODE_VAR = "REGISTRY_CORE_MR_CACHE_MODE"
#: A folder to use as the library's ``XDG_CACHE_HOME`` as it is (profile and verify children: their private one).
CACHE_HOME_VAR = "REGISTRY_CORE_MR_CACHE_HOME"

_STATE: dict[str, Any] = {"user_cache_home": None, "private": None}


def user_cache_home() -> str:
    """Where the library keeps its caches for the user (as it resolves it), whatever this process redirected."""
    home = _STATE["user_cache_home"]
    if home is None:
        home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return home


def _private_cache() -> None:
    """Point the library at a private copy of the user's cache folder, once, before any root class exists."""
    if _STATE["private"] is not None or os.environ.get(CACHE_MODE_VAR) == "user":
        return
    given = os.environ.get(CACHE_HOME_VAR)
    if given:
        os.environ["XDG_CACHE_HOME"] = _STATE["user_cache_home"] = _STATE["private"] = given
        return
    import shutil
    import tempfile

    _STATE["user_cache_home"] = user_cache_home()
    if not os.environ.get("REGISTRY_CORE_CACHE_DIR"):
        # registry_core's own caches (and platformdirs users) keep resolving to the user's folder.
        from ..cache.paths import user_cache_dir

        os.environ["REGISTRY_CORE_CACHE_DIR"] = os.path.dirname(user_cache_dir("registry_core"))
    private = tempfile.mkdtemp(prefix="registry-inspector-mr-")
    source = os.path.join(_STATE["user_cache_home"], CACHE_FOLDER)
    target = os.path.join(private, CACHE_FOLDER)
    try:
        shutil.copytree(source, target, symlinks=False, ignore=shutil.ignore_patterns("*.lock", "*.tmp"))
    except OSError:
        os.makedirs(target, exist_ok=True)
    os.environ["XDG_CACHE_HOME"] = private
    _STATE["private"] = private
    import atexit

    atexit.register(shutil.rmtree, private, True)


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
def load(target: str) -> list[ObservedRegistry]:
    """The metaclass-registry registries ``target`` declares, observed; [] when it declares none."""
    from .textscan import METACLASS_REGISTRY, scan

    declaring = scan(target).modules.get(METACLASS_REGISTRY, [])
    if not declaring:
        return []
    _private_cache()
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
    registries = []
    near = _nearest_owners([owner for owner, _registry in owners], target_failures)
    for owner, registry in owners:
        registries.append(_observe(owner, registry, version, near.get(id(owner), [])))
    _mark_shared_cache_files(registries)
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
    import re

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
    clean = owner.__name__
    for suffix in ("Base", "Meta", "Handler", "Registry"):
        if clean.endswith(suffix):
            clean = clean[: -len(suffix)]
            break
    return re.sub(r"([A-Z])", r" \1", clean).strip().lower()


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
        {"name": LIBRARY, "version": version},
        report,
        cache=_cache_for(registry, name, owner, str(package)) if not partial else None,
        partial=partial,
        note=(
            "no discovery of its own: lists what registered once the modules that declare it were imported"
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
        elif _hashable(key) and dict.__contains__(registry, key):
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


def _hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


# -- the library's cache files ----------------------------------------------------------------------------
class MetaclassRegistryCache:
    """One registry's ``<name>_registry.json`` in the user's folder: status computed here, clear, path."""

    def __init__(self, name: str, package: str, recursive: bool, root_version: str | None) -> None:
        self.name = name
        self.file_name = f"{name.replace(' ', '_')}_registry.json"
        self.package = package
        self.recursive = recursive
        self.root_version = root_version
        self.shared_with: list[str] = []
        self.startup_status: Any = None

    @property
    def path(self) -> str:
        return os.path.join(user_cache_home(), CACHE_FOLDER, self.file_name)

    def status(self) -> Any:
        from ..cache.status import CORRUPT, MISSING, STALE, VALID, CacheStatus, Reason, ReasonKind

        path = self.path

        def make(state: str, reason: Any, **kw: Any) -> CacheStatus:
            status = CacheStatus(state, reason, path, name=self.name, kind="metaclass-registry", **kw)
            if self.shared_with:
                status.detail = (f"{status.detail}; " if status.detail else "") + (
                    "shared with " + ", ".join(self.shared_with) + " (metaclass-registry names its files after "
                    "the registry name, so these registries overwrite each other's cache)"
                )
            return status

        import json

        try:
            if not os.path.isfile(path) or os.path.islink(path):
                return make(MISSING, "no cache file yet" if not os.path.lexists(path) else "not a regular file")
            size = os.path.getsize(path)
            with open(path, "rb") as handle:
                doc = json.loads(handle.read(16 * 1024 * 1024).decode("utf-8"))
        except (OSError, ValueError) as exc:
            return make(
                CORRUPT, Reason(f"wrong shape: unreadable ({type(exc).__name__}: {exc})", ReasonKind.WRONG_SHAPE)
            )
        if not isinstance(doc, dict):
            return make(CORRUPT, Reason("wrong shape: not a JSON object", ReasonKind.WRONG_SHAPE), size=size)
        created = doc.get("timestamp") if isinstance(doc.get("timestamp"), (int, float)) else None
        entries = doc.get("item_entries", doc.get("items"))
        items = len(entries) if isinstance(entries, (list, dict)) else None
        common = {"size": size, "created": created, "items": items}
        if doc.get("cache_version") != CACHE_VERSION:
            return make(
                STALE,
                Reason(
                    f"cache format version {doc.get('cache_version')!r}, the library reads {CACHE_VERSION!r}",
                    ReasonKind.FORMAT,
                ),
                **common,
            )
        if self.root_version is not None and doc.get("version") != self.root_version:
            return make(
                STALE,
                Reason(f"package version changed: {doc.get('version')} -> {self.root_version}", ReasonKind.VERSION),
                **common,
            )
        if created is None:
            return make(CORRUPT, Reason("wrong shape: no timestamp", ReasonKind.WRONG_SHAPE), **common)
        age_days = (time.time() - created) / 86400
        if age_days > MAX_AGE_DAYS:
            return make(
                STALE,
                Reason(f"older than {MAX_AGE_DAYS} days (written {age_days:.1f} days ago)", ReasonKind.AGE),
                **common,
            )
        if age_days < -1 / 24:
            return make(
                STALE,
                Reason("written in the future (clock skew): the library would use it for ever", ReasonKind.AGE),
                **common,
            )
        recorded = doc.get("file_mtimes")
        if isinstance(recorded, dict):
            change = self._files_changed(recorded)
            if change:
                return make(STALE, Reason(change, ReasonKind.FILES), **common)
            status = make(VALID, "", **common)
            status.detail = f"matches all {len(recorded)} source files" + (
                f"; {status.detail}" if status.detail else ""
            )
            return status
        status = make(VALID, "", **common)
        status.detail = f"written for {doc.get('version')} (no file times recorded)" + (
            f"; {status.detail}" if status.detail else ""
        )
        return status

    def _files_changed(self, recorded: dict) -> str | None:
        current = _package_mtimes(self.package, self.recursive)
        added = sorted(set(current) - set(recorded))
        removed = sorted(set(recorded) - set(current))
        if added:
            return f"a plugin file was added: {added[0]}" + (f" (and {len(added) - 1} more)" if len(added) > 1 else "")
        if removed:
            return f"a plugin file was removed: {removed[0]}"
        for path, mtime in sorted(recorded.items()):
            if not isinstance(mtime, (int, float)) or abs(current[path] - mtime) > MTIME_TOLERANCE_S:
                return f"a plugin file was modified: {path}"
        return None

    def clear(self) -> bool:
        """Delete exactly this registry's file (never the folder, never another file); True if it existed."""
        path = self.path
        if os.path.islink(path) or not os.path.isfile(path):
            return False
        os.unlink(path)
        return True


def _package_mtimes(package: str, recursive: bool) -> dict[str, float]:
    """``{path: mtime}`` of the package's .py files, as the library lists them (flat, or every subfolder)."""
    from .textscan import locate

    found = locate(package)
    if found is None:
        return {}
    paths, is_package = found
    mtimes: dict[str, float] = {}
    for root in paths if is_package else [os.path.dirname(paths[0])]:
        if recursive:
            for folder, _dirs, files in os.walk(root):
                for name in files:
                    if name.endswith(".py"):
                        path = os.path.join(folder, name)
                        mtimes[str(path)] = os.stat(path).st_mtime
        else:
            for name in os.listdir(root):
                if name.endswith(".py"):
                    path = os.path.join(root, name)
                    mtimes[str(path)] = os.stat(path).st_mtime
    return mtimes


def _cache_for(registry: dict, name: str, owner: type, package: str) -> MetaclassRegistryCache | None:
    if not getattr(registry, "_enable_cache", True):
        return None
    config = getattr(registry, "_config", None)
    root = sys.modules.get(package.partition(".")[0])
    version = getattr(root, "__version__", None)
    cache = MetaclassRegistryCache(
        name,
        package,
        bool(getattr(config, "discovery_recursive", False)),
        str(version) if version is not None else "unknown",
    )
    cache.startup_status = cache.status()
    return cache


def _mark_shared_cache_files(registries: list[ObservedRegistry]) -> None:
    by_file: dict[str, list[ObservedRegistry]] = {}
    for registry in registries:
        if registry.cache is not None:
            by_file.setdefault(registry.cache.file_name, []).append(registry)
    for group in by_file.values():
        for registry in group:
            registry.cache.shared_with = [r.qualified_name for r in group if r is not registry]


# -- rebuild: the library rewrites its own file, in a fresh process --------------------------------------
def rebuild(registry: ObservedRegistry, timeout: float = 300.0) -> str | None:
    """Delete the registry's file, then let the library discover and write it in a fresh process with the
    user's cache folder; None on success, else why not."""
    import subprocess

    if registry.cache is not None:
        registry.cache.clear()
    env = dict(os.environ)
    env[CACHE_MODE_VAR] = "user"
    env["XDG_CACHE_HOME"] = user_cache_home()
    # The same import path as here (the target may be importable only through PYTHONPATH or a test's folder).
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
    base = registry.base_class
    assert base is not None
    code = (
        "import importlib, sys\n"
        f"owner = importlib.import_module({base.__module__!r})\n"
        f"for part in {base.__qualname__!r}.split('.'): owner = getattr(owner, part)\n"
        "config = vars(owner).get('__registry_config__')\n"
        "registry = config.registry_dict if config is not None else owner.__registry__\n"
        "print(len(list(registry.keys())))\n"
    )
    try:
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"the library's discovery did not finish within {timeout:g} s"
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        return f"the library's discovery failed: {last}"
    return None
