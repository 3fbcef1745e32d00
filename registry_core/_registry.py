"""The registry dicts: lazy discovery on first read, and the process-wide catalog."""

from __future__ import annotations

import _thread
import os
import sys
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~14 ms to import; annotations are strings
    from typing import Any, Iterator

from . import _catalog
from ._config import PRIMARY_KEY, RegistryConfig, SecondaryRegistry, default_registry_name, slug
from ._placeholder import Unloaded, identity_of, same_declaration
from ._report import DiscoveryReport

# Discovery states, as shown by the catalog and the inspector.
PENDING = "pending"
DISCOVERING = "discovering"
DISCOVERED = "discovered"
UNCONFIGURED = "unconfigured"

_MISSING = object()
#: Threads discovering a registry while holding its cache lock.
_LOCK_HOLDERS: set = set()
#: Thread id -> the registry whose discovery it is waiting for (deadlock detection, as importlib's module locks).
_WAITING: dict[int, Any] = {}


def _would_deadlock(registry: Any, me: int) -> bool:
    """Whether waiting for ``registry``'s discovery closes a cycle of threads waiting for each other's."""
    seen = set()
    owner = registry._discovering_thread
    while owner is not None and owner not in seen:
        if owner == me:
            return True
        seen.add(owner)
        waited = _WAITING.get(owner)
        owner = waited._discovering_thread if waited is not None else None
    return False


class RegistryKeyError(KeyError):
    """A missing key; ``args[0]`` is the key (as for KeyError), ``str()`` says what to do."""

    def __init__(self, key: Any, registry_name: str, known: list) -> None:
        super().__init__(key)
        self.registry_name = registry_name
        self.known = known

    def __str__(self) -> str:
        shown = ", ".join(repr(k) for k in self.known[:12]) + (" ..." if len(self.known) > 12 else "")
        return (
            f"{self.args[0]!r} is not in the {self.registry_name} registry (known: {shown or 'none'}); "
            f"registry_core.explain(registry, {self.args[0]!r}) says why"
        )


class _LazyReads(dict):
    """Every dict read path, running discovery first and importing cache placeholders where a value is returned.

    Subclasses say how to discover (``_ensure_discovered``), how to load one
    placeholder (``_resolve``) and what to call themselves in errors (``_label``).
    Keys, length, membership and iteration never import anything.
    """

    def _ensure_discovered(self) -> None:
        raise NotImplementedError

    def _resolve(self, key: Any) -> Any:
        raise NotImplementedError

    def _label(self) -> str:
        raise NotImplementedError

    def _resolve_all(self) -> None:
        for key, value in list(dict.items(self)):
            if type(value) is Unloaded:
                self._resolve(key)

    def _missing(self, key: Any) -> RegistryKeyError:
        return RegistryKeyError(key, self._label(), sorted(dict.keys(self), key=str))

    def __getitem__(self, key: Any) -> Any:
        self._ensure_discovered()
        value = dict.get(self, key, _MISSING)
        if type(value) is Unloaded:
            value = self._resolve(key)
            if value is None:
                raise self._missing(key)
        if value is _MISSING:
            raise self._missing(key)
        return value

    def get(self, key: Any, default: Any = None) -> Any:
        self._ensure_discovered()
        value = dict.get(self, key, default)
        if type(value) is Unloaded:
            value = self._resolve(key)
            return default if value is None else value
        return value

    def __contains__(self, key: object) -> bool:
        self._ensure_discovered()
        return dict.__contains__(self, key)

    def __len__(self) -> int:
        self._ensure_discovered()
        return dict.__len__(self)

    def __iter__(self) -> Iterator[Any]:
        self._ensure_discovered()
        return dict.__iter__(self)

    def __reversed__(self) -> Iterator[Any]:
        self._ensure_discovered()
        return dict.__reversed__(self)

    def keys(self) -> Any:
        self._ensure_discovered()
        return dict.keys(self)

    # Values are classes: these import whatever the cache deferred.
    def values(self) -> Any:
        self._ensure_discovered()
        self._resolve_all()
        return dict.values(self)

    def items(self) -> Any:
        self._ensure_discovered()
        self._resolve_all()
        return dict.items(self)

    def copy(self) -> dict:
        self._ensure_discovered()
        self._resolve_all()
        return dict(dict.items(self))

    def __repr__(self) -> str:
        self._ensure_discovered()
        self._resolve_all()
        return dict.__repr__(self)

    def __eq__(self, other: object) -> bool:
        self._ensure_discovered()
        self._resolve_all()
        if isinstance(other, _LazyReads):
            other._ensure_discovered()
            other._resolve_all()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]

    def __or__(self, other: Any) -> Any:
        return self.copy() | other

    def __ror__(self, other: Any) -> Any:
        return other | self.copy()


class LazyDiscoveryDict(_LazyReads):
    """A dict of plugin classes that discovers its plugins on first read.

    Every read path (``[]``, ``get``, ``in``, ``len``, iteration, ``keys``,
    ``values``, ``items``, ``copy``, ``repr``, ``==``) runs discovery once.
    Concurrent first reads wait for the one discovery; after it, reads take no
    lock. A module imported by discovery that reads the registry sees what has
    registered so far instead of deadlocking.
    """

    def __init__(self, enable_cache: bool = True) -> None:
        dict.__init__(self)
        self._enable_cache = enable_cache
        self._config: RegistryConfig | None = None
        self._base_class: type | None = None
        self._discovered = False
        self._discovering_thread: int | None = None
        self._lock = _thread.RLock()
        self._report_obj = DiscoveryReport()
        self._pending_report: Any = None
        self._secondary_dicts: list[dict] = []
        self._last_discovery: Any = None
        self._cache: Any = None
        _catalog.add(self)

    # -- configuration (called by AutoRegisterMeta when the root class is created) --
    def _configure(self, base_class: type, config: RegistryConfig) -> None:
        package = config.discovery_package
        if package is None:
            module = base_class.__module__
            parent = sys.modules.get(module)
            package = getattr(parent, "__package__", None) or module.rpartition(".")[0] or module
        name = config.registry_name or default_registry_name(base_class.__name__)
        root = package.partition(".")[0]
        config = config.replace(
            registry_dict=self,
            registry_name=name,
            discovery_package=package,
            discovery_recursive=True if config.discovery_recursive is None else config.discovery_recursive,
            entry_point_group=config.entry_point_group or f"{root}.{slug(name)}",
            cache_namespace=config.cache_namespace or root,
        )
        self._base_class = base_class
        self._config = config
        self._report.registry_name = name
        self._report.package = package
        self._report.entry_point_group = config.entry_point_group
        for secondary in config.secondary_registries:
            target = secondary.registry_dict
            if isinstance(target, SecondaryRegistryDict):
                target._bind(self)
            self._secondary_dicts.append(target)

    # -- public, documented equivalents of the private attributes the seed uses --
    @property
    def config(self) -> RegistryConfig | None:
        """The resolved configuration (``_config`` in the seed's snippets)."""
        return self._config

    @property
    def base_class(self) -> type | None:
        return self._base_class

    @property
    def name(self) -> str:
        if self._config is not None:
            return self._config.registry_name or "registry"
        return "unconfigured registry"

    @property
    def qualified_name(self) -> str:
        """``module.BaseClass``: unique per process, used for cache identity."""
        base = self._base_class
        return f"{base.__module__}.{base.__qualname__}" if base is not None else self.name

    def aliases(self) -> set[str]:
        names = {self.name, slug(self.name), self.qualified_name}
        if self._base_class is not None:
            names.add(self._base_class.__name__)
        return names

    @property
    def cache_enabled(self) -> bool:
        """False for ``LazyDiscoveryDict(enable_cache=False)``."""
        return self._enable_cache

    @property
    def last_discovery(self) -> Any:
        """The DiscoveryResult of this process's last discovery (None when served from the cache)."""
        return self._last_discovery

    @property
    def is_discovered(self) -> bool:
        return self._discovered

    @property
    def state(self) -> str:
        if self._config is None:
            return UNCONFIGURED
        if self._discovered:
            return DISCOVERED
        return DISCOVERING if self._discovering_thread is not None else PENDING

    @property
    def report(self) -> DiscoveryReport:
        """What discovery saw: every module and class with its outcome."""
        return self._report

    @property
    def _report(self) -> DiscoveryReport:
        pending = self._pending_report
        if pending is not None:
            # Served from a cache: the report is rebuilt only when somebody reads it.
            from .cache.registry_cache import report_from_cache

            self._pending_report = None
            self._report_obj = report_from_cache(self, pending, self._report_obj)
        return self._report_obj

    @_report.setter
    def _report(self, value: DiscoveryReport) -> None:
        self._pending_report = None
        self._report_obj = value

    @property
    def entry_point_group(self) -> str | None:
        return self._config.entry_point_group if self._config else None

    @property
    def secondary_registries(self) -> tuple[SecondaryRegistry, ...]:
        return self._config.secondary_registries if self._config else ()

    def explain(self, name: Any) -> Any:
        """Why ``name`` (a key, class name or module name) is or is not here."""
        from ._explain import explain

        return explain(self, name)

    def discover(self) -> "LazyDiscoveryDict":
        """Run discovery now if it has not run (reads do this by themselves)."""
        self._ensure_discovered()
        return self

    # -- discovery -------------------------------------------------------
    def _ensure_discovered(self) -> None:
        if self._discovered or self._config is None:
            return
        me = _thread.get_ident()
        if self._discovering_thread == me:
            # A plugin module read the registry while discovery imports it.
            return
        _WAITING[me] = self
        try:
            if _would_deadlock(self, me):
                # Its discoverer waits (maybe through others) for a discovery this thread runs, e.g. plugins
                # of two registries reading each other's: read what has registered so far, as a nested read.
                return
            self._lock.acquire()
        finally:
            del _WAITING[me]
        try:
            if self._discovered or self._discovering_thread == me:
                return
            self._discovering_thread = me
            try:
                self._populate()
                self._discovered = True
            finally:
                self._discovering_thread = None
        finally:
            self._lock.release()

    def _populate(self) -> None:
        """A valid cache, else discovery under the cross-process cache lock (one process rebuilds)."""
        cache = self.cache
        if cache is None:
            self._discover_now()
            return
        if self._serve_from_cache(cache):
            return
        from .cache.manager import DISABLED

        if cache.startup_status is not None and cache.startup_status.state == DISABLED:
            self._discover_now()
            return
        me = _thread.get_ident()
        # Inside another registry's discovery (a plugin read this registry) this thread holds that cache's
        # lock: waiting here could wait for a process that waits for ours (plugins reading each other's).
        nested = me in _LOCK_HOLDERS
        with cache.manager.lock(timeout=0 if nested else None) as lock:
            if lock.acquired and self._serve_from_cache(cache):
                return  # another process rebuilt it while we waited
            holds = lock.acquired and not nested
            if holds:
                _LOCK_HOLDERS.add(me)
            try:
                result = self._discover_now()
            finally:
                if holds:
                    _LOCK_HOLDERS.discard(me)
            if lock.acquired:
                cache.save(result)
            elif not (nested and lock.busy):  # nested and busy: the process holding the lock writes it
                # No lock (timed out, or the folder refuses a lock file): never write unlocked.
                cache.manager._fail(lock.error or "no cache lock")

    def _discover_now(self) -> Any:
        from ._discovery import run_discovery

        result = run_discovery(self, self._report)
        self._last_discovery = result
        return result

    def _serve_from_cache(self, cache: Any) -> bool:
        """Fill in placeholders from a valid cache (nothing imported); False when there is none to use."""
        loaded = cache.load()
        if loaded is None:
            return False
        doc, entries = loaded
        contains = dict.__contains__
        setitem = dict.__setitem__
        targets = {s.attr_name: s.registry_dict for s in self._config.secondary_registries}
        for key, module, qualname, secondary in entries:
            if not contains(self, key):
                setitem(self, key, Unloaded(key, module, qualname, None))
            if secondary:
                for attr_name, (secondary_key, value_module, value_qualname) in secondary.items():
                    target = targets.get(attr_name)
                    if target is not None and not contains(target, secondary_key):
                        setitem(target, secondary_key,
                                Unloaded(secondary_key, value_module, value_qualname, None, key))
        # The report is rebuilt only if someone reads it: the warm start does not need it.
        self._pending_report = doc
        for target in targets.values():
            if type(target) is dict:
                # A plain dict cannot load lazily on read: load what it holds now.
                for value in list(target.values()):
                    if type(value) is Unloaded:
                        self._resolve(value.primary_key)
        if cache.startup_status.refresh:
            cache.refresh_stamps(doc)
        return True

    def _add(self, key: Any, cls: type) -> Any:
        """Store ``cls`` under ``key`` unless another class holds it; return the holder.

        A cache placeholder holds its key like the class it stands for: that
        class is the one a cold start registered under it.
        """
        holder = dict.get(self, key)
        if holder is not None and holder is not cls and not same_declaration(holder, cls):
            return holder
        dict.__setitem__(self, key, cls)
        return None

    # -- the cache -------------------------------------------------------------
    @property
    def cache(self) -> Any:
        """This registry's RegistryCache (path, status, clear, save), or None before configuration."""
        if self._cache is None and self._config is not None:
            from .cache.registry_cache import RegistryCache

            self._cache = RegistryCache(self)
        return self._cache

    @property
    def cache_manager(self) -> Any:
        """The generic RegistryCacheManager behind the cache (``_cache_manager`` in the seed)."""
        cache = self.cache
        return cache.manager if cache is not None else None

    _cache_manager = cache_manager

    @property
    def cache_path(self) -> str | None:
        cache = self.cache
        return cache.path if cache is not None else None

    def cache_status(self) -> Any:
        """Validate the cache file on disk now: a CacheStatus (state and reason)."""
        cache = self.cache
        if cache is None:
            return None
        return cache.status()

    def clear_cache(self) -> bool:
        """Delete this registry's cache file; the next fresh process discovers from scratch."""
        cache = self.cache
        return cache.manager.clear_cache() if cache is not None else False

    def rebuild(self) -> "LazyDiscoveryDict":
        """Discover again now (importing what the cache had deferred) and rewrite the cache."""
        self._rediscover("rebuild requested")
        return self

    def is_loaded(self, key: Any) -> bool:
        """Whether the plugin's class is imported (False while it is served from the cache)."""
        if not self._discovered:
            self._ensure_discovered()
        return type(dict.get(self, key)) is not Unloaded

    def _resolve(self, key: Any) -> Any:
        """The class for ``key``, importing it if the cache deferred it; heals a cache that lied."""
        value = dict.get(self, key)
        if type(value) is not Unloaded:
            return value
        from .cache.registry_cache import import_placeholder

        problem = import_placeholder(self, value)
        current = dict.get(self, key)
        if type(current) is Unloaded or (current is None and problem is None):
            problem = problem or f"cached plugin {key!r} ({value.module}.{value.qualname}) is no longer defined there"
        if problem is not None:
            self._rediscover(problem)
            current = dict.get(self, key)
        return current

    def _label(self) -> str:
        return self.name

    def _rediscover(self, reason: str) -> None:
        """Throw away what the cache said, discover, and rewrite the cache."""
        from ._log import get_logger

        self._ensure_discovered()
        with self._lock:
            me = _thread.get_ident()
            previous = self._discovering_thread
            self._discovering_thread = me
            try:
                dropped = set()
                for target in (self, *self._secondary_dicts):
                    for key, value in list(dict.items(target)):
                        if type(value) is Unloaded:
                            dict.__delitem__(target, key)
                            dropped.add("%s.%s" % identity_of(value))
                old = self._report
                self._report = DiscoveryReport(old.registry_name, old.package)
                self._report.entry_point_group = old.entry_point_group
                retry = []
                for outcome in old.classes:
                    if outcome.live:
                        self._report.add_class(outcome)
                        if outcome.status == "duplicate" and outcome.holder in dropped:
                            retry.append(outcome)
                for outcome in retry:
                    # It lost its key to a cache entry that turned out to be false. (Through the metaclass
                    # that registered it: the registry does not import the metaclass module.)
                    type(self._base_class)._register_again(self, outcome)
                result = self._discover_now()
                self._report.healed = reason
                cache = self.cache
                if cache is not None and reason == "rebuild requested":
                    cache.manager._write_failure = None  # an explicit rebuild tries to write again
                if cache is not None and not cache.disabled_reason():
                    with cache.manager.lock() as lock:
                        if lock.acquired:
                            cache.save(result)
                    cache.healed.append(reason)
            finally:
                self._discovering_thread = previous
        if reason != "rebuild requested":
            get_logger("cache").warning("%s registry re-discovered: %s", self.name, reason)

    def _remove_class(self, cls: type) -> None:
        for key, value in list(dict.items(self)):
            if value is cls:
                dict.__delitem__(self, key)
                # Remove exactly what registration stored: a secondary may be keyed by another attribute
                # (key_source), and an entry held by a different class must stay.
                for secondary in self.secondary_registries:
                    source = secondary.key_source
                    secondary_key = key if source == PRIMARY_KEY else getattr(cls, source, None)
                    stored = getattr(cls, secondary.attr_name, None)
                    try:
                        if stored is not None and dict.get(secondary.registry_dict, secondary_key) is stored:
                            dict.__delitem__(secondary.registry_dict, secondary_key)
                    except TypeError:  # an unhashable secondary key was never stored
                        pass

    # Mutations discover first, or a later discovery would undo them.
    def pop(self, key: Any, *default: Any) -> Any:
        self._ensure_discovered()
        self._resolve(key)
        return dict.pop(self, key, *default)

    def popitem(self) -> tuple:
        self._ensure_discovered()
        self._resolve_all()
        return dict.popitem(self)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self._ensure_discovered()
        self._resolve(key)
        return dict.setdefault(self, key, default)

    def __delitem__(self, key: Any) -> None:
        self._ensure_discovered()
        dict.__delitem__(self, key)

    # -- pickling: by reference to the base class that owns the registry --
    def __reduce__(self) -> tuple:
        base = self._base_class
        if base is None:
            import pickle

            raise pickle.PicklingError(
                "an unconfigured LazyDiscoveryDict cannot be pickled: it pickles by reference to the "
                "class that declares it as __registry__, and no class has yet"
            )
        return (_registry_of, (base.__module__, base.__qualname__))

    def _reset_after_fork(self) -> None:
        self._lock = _thread.RLock()
        if self._discovering_thread is not None:
            # The discovering thread does not exist in the child.
            self._discovering_thread = None


def _registry_of(module: str, qualname: str) -> LazyDiscoveryDict:
    import importlib

    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj.__registry__


class SecondaryRegistryDict(_LazyReads):
    """A secondary registry: reading it runs its primary registry's discovery.

    Declare it at module level (``METADATA_HANDLERS = SecondaryRegistryDict()``)
    and name it in a ``SecondaryRegistry``; that same object is filled, so the
    name the user holds is always the live one.
    """

    def __init__(self, primary_registry: LazyDiscoveryDict | None = None) -> None:
        dict.__init__(self)
        self._primary: LazyDiscoveryDict | None = primary_registry
        if primary_registry is not None:
            primary_registry._secondary_dicts.append(self)

    def _bind(self, primary: LazyDiscoveryDict) -> None:
        if self._primary is not None and self._primary is not primary:
            raise TypeError(
                f"this SecondaryRegistryDict already belongs to the {self._primary.name} registry; "
                "give each primary registry its own secondary dict"
            )
        self._primary = primary

    @property
    def primary(self) -> LazyDiscoveryDict | None:
        return self._primary

    def _ensure_discovered(self) -> None:
        primary = self._primary
        if primary is not None and not primary._discovered:
            primary._ensure_discovered()

    def _resolve(self, key: Any) -> Any:
        value = dict.get(self, key)
        if type(value) is Unloaded and self._primary is not None:
            # Importing the primary plugin's module registers this entry too.
            self._primary._resolve(value.primary_key)
            value = dict.get(self, key)
            if type(value) is Unloaded:
                dict.pop(self, key, None)
                value = None
        return value

    def _label(self) -> str:
        return f"secondary registry of {self._primary.name}" if self._primary else "secondary registry"

    def __reduce__(self) -> tuple:
        primary = self._primary
        if primary is None:
            return (SecondaryRegistryDict, ())
        index = primary._secondary_dicts.index(self)
        return (_secondary_of, (primary, index))


def _secondary_of(primary: LazyDiscoveryDict, index: int) -> dict:
    return primary._secondary_dicts[index]


def _after_fork_in_child() -> None:
    _WAITING.clear()
    for registry in _catalog.all_registries():
        registry._reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
