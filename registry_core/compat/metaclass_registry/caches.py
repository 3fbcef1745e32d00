"""metaclass-registry 0.4.1's bounded caches (``metaclass_registry.caches``).

:class:`BoundedCache` is a plain least-recently-used store owned by whoever
holds it; :class:`SynchronizedBoundedCache` adds one lock per instance.
:class:`ProcessLocalBoundedCache` is a registry family ("process-local cache"):
declaring a subclass makes it a member under ``module.ClassName`` with one
singleton of its own, so a family or any part of it can be cleared without a
list of cache types kept by hand. Built on ``core``'s public API only.
"""

from __future__ import annotations

from _thread import LockType
from collections import OrderedDict
from dataclasses import dataclass, field
from threading import Lock
from typing import Any, ClassVar, Generic, TypeVar, cast

from .core import AutoRegisterMeta, RegistryConfig, RegistryDict

CacheKey = TypeVar("CacheKey")
CachedValue = TypeVar("CachedValue")
_ProcessCacheT = TypeVar("_ProcessCacheT", bound="ProcessLocalBoundedCache[Any, Any]")


@dataclass(slots=True)
class BoundedCache(Generic[CacheKey, CachedValue]):
    """At most ``max_entries`` values; storing one more drops the least recently read or stored."""

    max_entries: int = 4096
    entries: OrderedDict[CacheKey, CachedValue] = field(default_factory=OrderedDict)

    def cached_value(self, key: CacheKey) -> CachedValue | None:
        """The value stored under ``key`` (now the most recently used), or None."""
        if key not in self.entries:
            return None
        self.entries.move_to_end(key)
        return self.entries[key]

    def store_value(self, key: CacheKey, value: CachedValue) -> CachedValue:
        """Store ``value`` as the most recently used, evict beyond the bound, and return ``value``."""
        self.entries[key] = value
        self.entries.move_to_end(key)
        while len(self.entries) > self.max_entries:
            self.entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Drop every value this instance holds."""
        self.entries.clear()


@dataclass
class SynchronizedBoundedCache(BoundedCache[CacheKey, CachedValue]):
    """A :class:`BoundedCache` whose reads, stores and clears hold one lock of this instance's own."""

    # Reads reorder the entries too, so they need the lock as much as stores do.
    _lock: LockType = field(default_factory=Lock, init=False, repr=False, compare=False)

    def cached_value(self, key: CacheKey) -> CachedValue | None:
        with self._lock:
            return super().cached_value(key)

    def store_value(self, key: CacheKey, value: CachedValue) -> CachedValue:
        with self._lock:
            return super().store_value(key, value)

    def clear(self) -> None:
        with self._lock:
            super().clear()


def _module_class_name(name: str, cls: type) -> str:
    # __name__, not __qualname__: dataclass(slots=True) builds its replacement class before it copies the
    # qualified name over, and the replacement must land on the same key to take the original's place.
    return f"{cls.__module__}.{name}"


_PROCESS_CACHE_FAMILY: RegistryDict = {}


@dataclass(slots=True)
class ProcessLocalBoundedCache(BoundedCache[CacheKey, CachedValue], metaclass=AutoRegisterMeta):
    """A bounded cache with one process-wide instance per class: ``SomeCache.process_cache()``.

    Every subclass registers under ``module.ClassName`` (its own key, never its
    parent's) and gets its own singleton and lock, so a parent's warm singleton
    never serves a child, and ``clear_process_caches()`` reaches every member.
    """

    __registry_config__: ClassVar[RegistryConfig] = RegistryConfig(
        registry_dict=_PROCESS_CACHE_FAMILY,
        key_attribute="process_cache_key",
        key_extractor=_module_class_name,
        registry_name="process-local cache",
        log_registration=False,
    )
    __registry__: ClassVar[RegistryDict] = _PROCESS_CACHE_FAMILY

    process_cache_key: ClassVar[str | None] = None
    _process_cache: ClassVar[ProcessLocalBoundedCache[Any, Any] | None] = None
    _process_cache_lock: ClassVar[LockType] = Lock()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Named, not zero-argument, super(): slots=True replaces this class, and the implicit __class__ cell
        # would still point at the class it replaced. The module-level name is the final class.
        super(ProcessLocalBoundedCache, cls).__init_subclass__(**kwargs)
        # What a subclass inherits from its parent is the parent's: singleton, lock and key start afresh
        # (a None key makes the metaclass derive this class's own ``module.ClassName``).
        cls._process_cache = None
        cls._process_cache_lock = Lock()
        cls.process_cache_key = None

    @classmethod
    def process_cache(cls: type[_ProcessCacheT]) -> _ProcessCacheT:
        """This class's process-wide instance, created on first use (once, whatever the threads)."""
        cache = cls._process_cache
        if cache is None:
            with cls._process_cache_lock:
                cache = cls._process_cache
                if cache is None:
                    cache = cls()
                    cls._process_cache = cache
        return cast(_ProcessCacheT, cache)

    @classmethod
    def clear_process_cache(cls) -> None:
        """Empty this class's singleton, if it exists; the same instance stays this class's singleton."""
        cache = cls._process_cache
        if cache is not None:
            cache.clear()

    @classmethod
    def clear_process_caches(cls) -> None:
        """Empty the singleton of every registered member that is ``cls`` or a subclass of it."""
        for cache_type in tuple(cls.__registry__.values()):
            if issubclass(cache_type, cls):
                cache_type.clear_process_cache()


class IdentityBoundProcessCache(ProcessLocalBoundedCache[int, tuple[object, Any]]):
    """Process-wide values keyed by an owner object's ``id``, safe when that ``id`` is reused by another object.

    The owner is stored beside the value and compared by identity on read: an
    entry left behind by a dead owner whose ``id`` a new object now has is dropped.
    """

    def get_bound(self, owner: object) -> Any | None:
        """The value stored for ``owner``, or None."""
        cache_key = id(owner)
        cached = self.cached_value(cache_key)
        if cached is None:
            return None
        cached_owner, value = cached
        if cached_owner is not owner:
            del self.entries[cache_key]
            return None
        return value

    def put_bound(self, owner: object, value: Any) -> Any:
        """Store ``value`` for ``owner`` and return it."""
        return self.store_value(id(owner), (owner, value))[1]
