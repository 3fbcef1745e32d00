"""The registry dicts: lazy discovery on first read, and the process-wide catalog."""

from __future__ import annotations

import _thread
import _weakref
import os
import sys
TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~14 ms to import; annotations are strings
    from typing import Any, Callable, Iterator

from ._config import RegistryConfig, SecondaryRegistry, default_registry_name, slug
from ._report import DiscoveryReport

# Discovery states, as shown by the catalog and the inspector.
PENDING = "pending"
DISCOVERING = "discovering"
DISCOVERED = "discovered"
UNCONFIGURED = "unconfigured"

_CATALOG: dict[int, Any] = {}  # id -> weak reference; weakref.WeakSet costs an import we avoid


def _forget(ref: Any) -> None:
    for key, value in list(_CATALOG.items()):
        if value is ref:
            del _CATALOG[key]


def all_registries() -> list["LazyDiscoveryDict"]:
    """Every LazyDiscoveryDict alive in this process, in creation order.

    Tools enumerate registries through this without knowing them in advance;
    each one answers ``name``, ``base_class``, ``config`` and ``state``.
    """
    found = []
    for ref in list(_CATALOG.values()):
        registry = ref()
        if registry is not None:
            found.append(registry)
    return found


def find_registry(name: str) -> "LazyDiscoveryDict":
    """A registry by its name, its slug, or its base class (``Name`` or ``module.Name``)."""
    matches = [r for r in all_registries() if r._config is not None and name in r.aliases()]
    if len(matches) == 1:
        return matches[0]
    known = sorted(r.name for r in all_registries() if r._config is not None)
    if not matches:
        raise LookupError(f"no registry named {name!r}; known registries: {', '.join(known) or 'none'}")
    raise LookupError(f"{name!r} names {len(matches)} registries; use the base class's module.Name")


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


class LazyDiscoveryDict(dict):
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
        self._report = DiscoveryReport()
        self._secondary_dicts: list[dict] = []
        self._loading_entry_point: str | None = None
        ref = _weakref.ref(self, _forget)
        _CATALOG[id(ref)] = ref

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
        with self._lock:
            if self._discovered or self._discovering_thread == me:
                return
            self._discovering_thread = me
            try:
                from ._discovery import run_discovery

                run_discovery(self)
                self._discovered = True
            finally:
                self._discovering_thread = None

    def _add(self, key: Any, cls: type) -> Any:
        """Store ``cls`` under ``key`` unless another class holds it; return the holder."""
        holder = dict.get(self, key)
        if holder is not None and holder is not cls and not _same_declaration(holder, cls):
            return holder
        dict.__setitem__(self, key, cls)
        return None

    def _remove_class(self, cls: type) -> None:
        for key, value in list(dict.items(self)):
            if value is cls:
                dict.__delitem__(self, key)
                for secondary in self._secondary_dicts:
                    dict.pop(secondary, key, None)

    # -- read paths --------------------------------------------------------
    def __getitem__(self, key: Any) -> Any:
        if not self._discovered:
            self._ensure_discovered()
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            raise RegistryKeyError(key, self.name, sorted(dict.keys(self), key=str)) from None

    def get(self, key: Any, default: Any = None) -> Any:
        if not self._discovered:
            self._ensure_discovered()
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        if not self._discovered:
            self._ensure_discovered()
        return dict.__contains__(self, key)

    def __len__(self) -> int:
        if not self._discovered:
            self._ensure_discovered()
        return dict.__len__(self)

    def __iter__(self) -> Iterator[Any]:
        if not self._discovered:
            self._ensure_discovered()
        return dict.__iter__(self)

    def __reversed__(self) -> Iterator[Any]:
        if not self._discovered:
            self._ensure_discovered()
        return dict.__reversed__(self)

    def keys(self) -> Any:
        if not self._discovered:
            self._ensure_discovered()
        return dict.keys(self)

    def values(self) -> Any:
        if not self._discovered:
            self._ensure_discovered()
        return dict.values(self)

    def items(self) -> Any:
        if not self._discovered:
            self._ensure_discovered()
        return dict.items(self)

    def copy(self) -> dict:
        if not self._discovered:
            self._ensure_discovered()
        return dict(dict.items(self))

    def __repr__(self) -> str:
        if not self._discovered:
            self._ensure_discovered()
        return dict.__repr__(self)

    def __eq__(self, other: object) -> bool:
        if not self._discovered:
            self._ensure_discovered()
        if isinstance(other, LazyDiscoveryDict):
            other._ensure_discovered()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]

    def __or__(self, other: Any) -> Any:
        return self.copy() | other

    def __ror__(self, other: Any) -> Any:
        return other | self.copy()

    # Mutations discover first, or a later discovery would undo them.
    def pop(self, key: Any, *default: Any) -> Any:
        self._ensure_discovered()
        return dict.pop(self, key, *default)

    def popitem(self) -> tuple:
        self._ensure_discovered()
        return dict.popitem(self)

    def setdefault(self, key: Any, default: Any = None) -> Any:
        self._ensure_discovered()
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


def _same_declaration(a: Any, b: Any) -> bool:
    """A re-import or reload builds a new class object for the same class statement."""
    return (
        getattr(a, "__module__", None) == getattr(b, "__module__", None)
        and getattr(a, "__qualname__", None) == getattr(b, "__qualname__", None)
    )


class SecondaryRegistryDict(dict):
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

    def __getitem__(self, key: Any) -> Any:
        self._ensure_discovered()
        try:
            return dict.__getitem__(self, key)
        except KeyError:
            name = f"secondary registry of {self._primary.name}" if self._primary else "secondary registry"
            raise RegistryKeyError(key, name, sorted(dict.keys(self), key=str)) from None

    def get(self, key: Any, default: Any = None) -> Any:
        self._ensure_discovered()
        return dict.get(self, key, default)

    def __contains__(self, key: object) -> bool:
        self._ensure_discovered()
        return dict.__contains__(self, key)

    def __len__(self) -> int:
        self._ensure_discovered()
        return dict.__len__(self)

    def __iter__(self) -> Iterator[Any]:
        self._ensure_discovered()
        return dict.__iter__(self)

    def keys(self) -> Any:
        self._ensure_discovered()
        return dict.keys(self)

    def values(self) -> Any:
        self._ensure_discovered()
        return dict.values(self)

    def items(self) -> Any:
        self._ensure_discovered()
        return dict.items(self)

    def copy(self) -> dict:
        self._ensure_discovered()
        return dict(dict.items(self))

    def __repr__(self) -> str:
        self._ensure_discovered()
        return dict.__repr__(self)

    def __eq__(self, other: object) -> bool:
        self._ensure_discovered()
        return dict.__eq__(self, other)

    def __ne__(self, other: object) -> bool:
        result = self.__eq__(other)
        return result if result is NotImplemented else not result

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self) -> tuple:
        primary = self._primary
        if primary is None:
            return (SecondaryRegistryDict, ())
        index = primary._secondary_dicts.index(self)
        return (_secondary_of, (primary, index))


def _secondary_of(primary: LazyDiscoveryDict, index: int) -> dict:
    return primary._secondary_dicts[index]


def _after_fork_in_child() -> None:
    for registry in all_registries():
        registry._reset_after_fork()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
