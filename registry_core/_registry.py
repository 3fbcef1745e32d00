"""The registry dicts: lazy discovery on first read, and the process-wide catalog."""

from __future__ import annotations

import _thread
import os
import sys

from . import _catalog
from ._cache_backed import _CacheBacked
from ._config import PRIMARY_KEY, RegistryConfig, SecondaryRegistry, default_registry_name, slug
from ._placeholder import same_declaration
from ._report import DiscoveryReport
from ._secondary import SecondaryRegistryDict

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~14 ms to import; annotations are strings
    from typing import Any

# Discovery states, as shown by the catalog and the inspector.
PENDING = "pending"
DISCOVERING = "discovering"
DISCOVERED = "discovered"
UNCONFIGURED = "unconfigured"

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


class LazyDiscoveryDict(_CacheBacked):
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
        self._engine_config: RegistryConfig | None = None
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
            # (None: derive it; "": none at all)
            entry_point_group=f"{root}.{slug(name)}"
            if config.entry_point_group is None
            else config.entry_point_group or None,
            cache_namespace=config.cache_namespace or root,
        )
        self._base_class = base_class
        self._engine_config = config
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
        return self._engine_config

    # The seed's spelling. A property rather than the field itself: registry_core.compat's registries answer
    # ``_config`` with the configuration declared in metaclass-registry's terms, while the engine reads
    # ``_engine_config``.
    @property
    def _config(self) -> RegistryConfig | None:
        return self._engine_config

    @property
    def base_class(self) -> type | None:
        return self._base_class

    @property
    def name(self) -> str:
        if self._engine_config is not None:
            return self._engine_config.registry_name or "registry"
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
        if self._engine_config is None:
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
            from .cache.cached_report import report_from_cache

            self._pending_report = None
            if type(pending) is bytes:  # (the valid file's own bytes, kept instead of its parsed document)
                import json

                pending = json.loads(pending.decode("utf-8"))
            self._report_obj = report_from_cache(self, pending, self._report_obj)
        return self._report_obj

    @_report.setter
    def _report(self, value: DiscoveryReport) -> None:
        self._pending_report = None
        self._report_obj = value

    @property
    def entry_point_group(self) -> str | None:
        return self._engine_config.entry_point_group if self._engine_config else None

    @property
    def secondary_registries(self) -> tuple[SecondaryRegistry, ...]:
        return self._engine_config.secondary_registries if self._engine_config else ()

    def explain(self, name: Any) -> Any:
        """Why ``name`` (a key, class name or module name) is or is not here."""
        from ._explain import explain

        return explain(self, name)

    def discover(self) -> LazyDiscoveryDict:
        """Run discovery now if it has not run (reads do this by themselves)."""
        self._ensure_discovered()
        return self

    # -- discovery -------------------------------------------------------
    def _ensure_discovered(self) -> None:
        if self._discovered or self._engine_config is None:
            return
        me = _thread.get_ident()
        if self._discovering_thread == me:
            # A plugin module read the registry while discovery imports it.
            return
        # Free (the usual first read): taken without waiting, so nobody can be waiting for this thread.
        if not self._lock.acquire(False):
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

    def _label(self) -> str:
        return self.name

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


def _after_fork_in_child() -> None:
    _WAITING.clear()
    for registry in _catalog.all_registries():
        registry._reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
