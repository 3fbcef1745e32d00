"""Every dict read path of a registry: discovery first, cache placeholders imported where a value is returned."""

from __future__ import annotations

from ._placeholder import Unloaded

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~14 ms to import; annotations are strings
    from collections.abc import Iterator
    from typing import Any

_MISSING = object()


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

    __hash__ = None

    def __or__(self, other: Any) -> Any:
        return self.copy() | other

    def __ror__(self, other: Any) -> Any:
        return other | self.copy()
