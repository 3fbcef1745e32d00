"""metaclass-registry 0.4.1's test support (``metaclass_registry.testing``): stand-in members of a family.

A key names one class, so a test cannot declare a second class under a
registered key, and whatever a test registers stays registered for the rest of
the process. :func:`restored_registry` frees the keys a test's stand-ins need
for the length of a ``with`` block, then puts the registry back as it was.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from .core import RegistryKey


@contextmanager
def restored_registry(family: type, *, released: tuple[RegistryKey, ...] = ()) -> Iterator[None]:
    """Inside the block, ``released`` keys of ``family.__registry__`` are free; after it, the registry is as before.

    Classes registered inside the block are gone afterwards, and the classes that
    held the released keys hold them again, whether the block raised or not.
    Only the primary registry is restored, not secondary ones.
    """
    # Imported here, so that importing this module does not declare the strategy families.
    from .strategies import _invalidate_family_projections

    registry: dict[RegistryKey, object] = family.__registry__  # type: ignore[attr-defined]
    # Any read runs a lazy registry's discovery now: run inside the block, it would find the
    # released keys taken by the test's stand-ins.
    len(registry)
    # dict's own methods: the registry's overrides would run discovery or go through register_once.
    snapshot = dict(dict.items(registry))
    for key in released:
        dict.pop(registry, key, None)
    _invalidate_family_projections()
    try:
        yield
    finally:
        dict.clear(registry)
        dict.update(registry, snapshot)
        _invalidate_family_projections()
