"""The catalog: every registry alive in this process, found without knowing them in advance.

Registries add themselves when created and leave when garbage-collected (weak
references). ``scoped()`` gives tests and tools a catalog of their own for a while.
"""

from __future__ import annotations

import _weakref

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_CATALOG: dict[int, Any] = {}  # id -> weak reference; weakref.WeakSet costs an import we avoid


def _forget(ref: Any) -> None:
    for key, value in list(_CATALOG.items()):
        if value is ref:
            del _CATALOG[key]


def add(registry: Any) -> None:
    ref = _weakref.ref(registry, _forget)
    _CATALOG[id(ref)] = ref


def all_registries() -> list[Any]:
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


def find_registry(name: str) -> Any:
    """A registry by its name, its slug, or its base class (``Name`` or ``module.Name``)."""
    configured = [r for r in all_registries() if r.config is not None]
    matches = [r for r in configured if name in r.aliases()]
    if len(matches) == 1:
        return matches[0]
    known = sorted(r.name for r in configured)
    if not matches:
        raise LookupError(f"no registry named {name!r}; known registries: {', '.join(known) or 'none'}")
    raise LookupError(f"{name!r} names {len(matches)} registries; use the base class's module.Name")


def forget_orphans() -> int:
    """Drop registries whose base class's module is gone from ``sys.modules``; how many were dropped.

    A registry and its base class hold each other, so a throw-away registry outlives its package until the
    garbage collector runs; meanwhile ``all_registries()`` would still list it.
    """
    import sys

    dropped = 0
    for key, ref in list(_CATALOG.items()):
        registry = ref()
        base = registry.base_class if registry is not None else None
        if base is not None and base.__module__ not in sys.modules:
            del _CATALOG[key]
            dropped += 1
    return dropped


class scoped:
    """``with scoped():`` the catalog holds only registries created inside the block; afterwards, the old ones.

    For tests and tools that declare registries of their own (the pytest fixture
    ``registry_core.testing.registry_catalog`` wraps it).
    """

    def __enter__(self) -> scoped:
        self._saved = dict(_CATALOG)
        _CATALOG.clear()
        return self

    def __exit__(self, *exc_info: object) -> None:
        _CATALOG.clear()
        _CATALOG.update(self._saved)
