"""How a registry fills itself: from a valid cache (placeholders, nothing imported), or by discovery under the
cross-process cache lock; how it heals when a cached entry turns out false, and rebuilds on request.

A mixin of ``LazyDiscoveryDict``: the registry's own methods, kept apart from its dict and catalog plumbing.
"""

from __future__ import annotations

import _thread

from ._lazy_reads import _LazyReads
from ._placeholder import Unloaded, identity_of, live_class
from ._report import DiscoveryReport

# Every configured registry reads its cache on first access: loaded with the registry class, not by that read.
from .cache.registry_cache import RegistryCache, import_placeholder

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._config import RegistryConfig
    from ._registry import LazyDiscoveryDict

#: Threads discovering a registry while holding its cache lock.
_LOCK_HOLDERS: set = set()


class _CacheBacked(_LazyReads):
    """Filling, healing and rebuilding; the state lives on the registry (``LazyDiscoveryDict.__init__``)."""

    if TYPE_CHECKING:  # set by LazyDiscoveryDict.__init__; declared here for type checkers
        _engine_config: RegistryConfig | None
        _base_class: type | None
        _discovered: bool
        _discovering_thread: int | None
        _lock: Any
        _report: DiscoveryReport
        _secondary_dicts: list[dict]
        _last_discovery: Any
        _cache: Any
        _enable_cache: bool

        @property
        def name(self) -> str: ...

        def _ensure_discovered(self) -> None: ...

        def _remove_class(self, cls: type) -> None: ...

    def _populate(self) -> None:
        """A valid cache, else discovery under the cross-process cache lock (one process rebuilds)."""
        cache = self.cache
        if cache is None:
            self._discover_now()
            return
        if self._serve_from_cache(cache):
            return
        from .cache.manager import DISABLED
        from .cache.paths import read_only

        if read_only() or (cache.startup_status is not None and cache.startup_status.state == DISABLED):
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
        pending, entries = loaded
        contains = dict.__contains__
        setitem = dict.__setitem__
        config = self._engine_config
        assert config is not None  # a configured registry is the only kind that fills itself
        secondaries = config.secondary_registries
        targets = {s.attr_name: s.registry_dict for s in secondaries} if secondaries else {}
        for key, module, qualname, secondary in entries:
            if not contains(self, key):
                setitem(self, key, Unloaded(key, module, qualname, None))
            if secondary:
                for attr_name, (secondary_key, value_module, value_qualname) in secondary.items():
                    target = targets.get(attr_name)
                    if target is not None and not contains(target, secondary_key):
                        setitem(target, secondary_key, Unloaded(secondary_key, value_module, value_qualname, None, key))
        # The report is rebuilt only if someone reads it: the warm start does not need it.
        self._pending_report = pending
        if targets:
            for target in targets.values():
                if type(target) is dict:
                    # A plain dict cannot load lazily on read: load what it holds now.
                    for value in list(target.values()):
                        if type(value) is Unloaded:
                            self._resolve(value.primary_key)
        if cache.startup_status.refresh and type(pending) is dict:  # (only the whole read refreshes: a document)
            cache.refresh_stamps(pending)
        return True

    # -- the cache -------------------------------------------------------------
    @property
    def cache(self) -> Any:
        """This registry's RegistryCache (path, status, clear, save), or None before configuration."""
        if self._cache is None and self._engine_config is not None:
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

    def rebuild(self) -> LazyDiscoveryDict:
        """Discover again now (importing what the cache had deferred) and rewrite the cache."""
        self._rediscover("rebuild requested")
        return self  # type: ignore[return-value]  # (the mixin is only ever a LazyDiscoveryDict)

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
        problem = import_placeholder(self, value)
        current = dict.get(self, key)
        if type(current) is Unloaded or (current is None and problem is None):
            problem = problem or f"cached plugin {key!r} ({value.module}.{value.qualname}) is no longer defined there"
        if problem is not None:
            self._rediscover(problem)
            current = dict.get(self, key)
        return current

    def _rediscover(self, reason: str) -> None:
        """Throw away what the cache said, discover, and rewrite the cache."""
        from ._log import get_logger

        self._ensure_discovered()
        with self._lock:
            me = _thread.get_ident()
            previous = self._discovering_thread
            self._discovering_thread = me
            try:
                # Readers never see a plugin vanish: the placeholders stay while discovery runs, and each is
                # replaced in place when its class registers again; only the ones left over (their class is
                # gone) are removed at the end.
                old = self._report
                self._report = DiscoveryReport(old.registry_name, old.package)
                self._report.entry_point_group = old.entry_point_group
                for outcome in old.classes:
                    if outcome.live:
                        self._report.add_class(outcome)
                result = self._discover_now()
                false = {
                    "{}.{}".format(*identity_of(value))
                    for target in (self, *self._secondary_dicts)
                    for value in list(dict.values(target))
                    if type(value) is Unloaded
                }
                # Classes that lost their key to one of those (before, or in this very discovery) take it.
                for outcome in list(self._report.classes):
                    if outcome.status == "duplicate" and outcome.holder in false:
                        self._take_back(outcome)
                for target in (self, *self._secondary_dicts):
                    for key, value in list(dict.items(target)):
                        if type(value) is Unloaded:
                            dict.pop(target, key, None)
                self._report.healed = reason
                cache = self.cache
                if cache is not None and reason == "rebuild requested":
                    cache.manager._write_failure = None  # an explicit rebuild tries to write again
                from .cache.paths import read_only

                if cache is not None and not cache.disabled_reason() and not read_only():
                    with cache.manager.lock() as lock:
                        if lock.acquired:
                            cache.save(result)
                    cache.healed.append(reason)
            finally:
                self._discovering_thread = previous
        if reason != "rebuild requested":
            get_logger("cache").warning("%s registry re-discovered: %s", self.name, reason)

    def _take_back(self, outcome: Any) -> None:
        """A live class lost its key to a cache entry that turned out false: it takes the key, in place."""
        obj = live_class(outcome.module, outcome.qualname)
        if obj is None:
            return
        dict.__setitem__(self, outcome.key, obj)  # (replacing the false placeholder: the key never goes missing)
        # Through the metaclass that registered it: the registry does not import the metaclass module.
        metaclass: Any = type(self._base_class)
        metaclass._register_again(self, outcome)
