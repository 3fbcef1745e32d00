"""Secondary registries: filled from a primary registry's classes, discovered when the primary is."""

from __future__ import annotations

from ._lazy_reads import _LazyReads
from ._placeholder import Unloaded

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from ._registry import LazyDiscoveryDict


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
