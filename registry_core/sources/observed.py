"""A registry built by another library, as the views see it: the same attributes as a ``LazyDiscoveryDict``.

A source fills an ``ObservedRegistry`` with what it observed (the keys and classes,
a ``DiscoveryReport`` of every module and class outcome) and hands it to the same
document builders, ``explain``, the CLI and the window. It never discovers by
itself: the source ran the library's own discovery already.
"""

from __future__ import annotations

from .. import _catalog
from .._report import DiscoveryReport

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


#: Observed registries live as long as the process, like the classes that hold real ones (the catalog is weak).
_ALIVE: list = []


class ObservedConfig:
    """The few configuration facts the views read (``discovery_package``, ``key_attribute``, ...)."""

    __slots__ = (
        "discovery_package",
        "discovery_recursive",
        "key_attribute",
        "entry_point_group",
        "cache_namespace",
        "secondary_registries",
        "registry_name",
    )

    discovery_package: str | None
    discovery_recursive: bool | None
    key_attribute: str | None
    entry_point_group: str | None
    cache_namespace: str | None
    secondary_registries: tuple
    registry_name: str | None

    def __init__(self, **values: Any) -> None:
        for name in self.__slots__:
            object.__setattr__(self, name, values.get(name))
        if self.secondary_registries is None:
            object.__setattr__(self, "secondary_registries", ())


class ObservedSecondary:
    __slots__ = ("attr_name", "key_source", "registry_dict")

    def __init__(self, attr_name: str, key_source: str, registry_dict: dict) -> None:
        self.attr_name = attr_name
        self.key_source = key_source
        self.registry_dict = registry_dict


class ObservedRegistry(dict):
    """Keys -> classes as the library holds them, plus what was observed about how they got there.

    ``library`` is ``{"name", "version"}`` of the library that built it; ``partial``
    is True for a registry with no discovery of its own (it holds what registered
    once the modules that declare it were imported), with ``note`` saying so.
    """

    def __init__(
        self,
        name: str,
        base_class: type | None,
        config: ObservedConfig,
        library: dict[str, Any],
        report: DiscoveryReport,
        *,
        cache: Any = None,
        partial: bool = False,
        note: str = "",
    ) -> None:
        dict.__init__(self)
        self._name = name
        self._base_class = base_class
        self._config = config
        self.library = library
        self._report = report
        self.cache = cache
        self.partial = partial
        self.note = note
        self.loaded: set[Any] = set()
        #: key -> "distribution version", for plugins the source knows the distribution of without loading them.
        self.distributions: dict[Any, str] = {}
        #: ``rebuilder(registry)`` -> None, or why it failed (a source that keeps a cache sets it).
        self.rebuilder: Any = None
        _catalog.add(self)
        _ALIVE.append(self)

    # -- what the views read, as LazyDiscoveryDict answers it ---------------------------------------
    @property
    def name(self) -> str:
        return self._name

    @property
    def base_class(self) -> type | None:
        return self._base_class

    @property
    def config(self) -> ObservedConfig:
        return self._config

    @property
    def report(self) -> DiscoveryReport:
        return self._report

    @property
    def qualified_name(self) -> str:
        base = self._base_class
        return f"{base.__module__}.{base.__qualname__}" if base is not None else self._name

    @property
    def entry_point_group(self) -> str | None:
        return self._config.entry_point_group

    @property
    def secondary_registries(self) -> tuple:
        return tuple(self._config.secondary_registries)

    @property
    def state(self) -> str:
        return "discovered"  # (what it holds is all it will hold here; ``partial`` says how it got there)

    @property
    def is_discovered(self) -> bool:
        return True

    @property
    def discovery_seconds(self) -> float | None:
        """How long the library's own discovery took while the target loaded (None: it has none)."""
        return None if self.partial else self._report.duration_s

    @property
    def cache_path(self) -> str | None:
        return self.cache.path if self.cache is not None else None

    def aliases(self) -> set[str]:
        names = {self._name, self._name.replace(" ", "_"), self.qualified_name}
        if self._base_class is not None:
            names.add(self._base_class.__name__)
        return names

    def discover(self) -> ObservedRegistry:
        return self

    def is_loaded(self, key: Any) -> bool:
        return key in self.loaded

    def explain(self, name: Any) -> Any:
        from .._explain import explain

        return explain(self, name)

    def cache_status(self) -> Any:
        return self.cache.status() if self.cache is not None else None

    def clear_cache(self) -> bool:
        return self.cache.clear() if self.cache is not None else False

    def rebuild(self) -> ObservedRegistry:
        """Let the library rebuild its own cache (a fresh process); RuntimeError says why it could not."""
        if self.rebuilder is None:
            raise LookupError(f"the {self._name} registry keeps no cache of its own to rebuild")
        problem = self.rebuilder(self)
        if problem:
            raise RuntimeError(f"rebuilding {self._name} failed: {problem}")
        if self.cache is not None:
            self.cache.startup_status = self.cache.status()
        return self

    def __repr__(self) -> str:
        return f"<{self.library.get('name')} registry {self._name!r}: {dict.__len__(self)} keys>"
