"""A pytest plugin for code that declares registries: each test gets a registry catalog of its own.

Enable it with ``pytest_plugins = ["registry_core.testing"]`` in a ``conftest.py``
(as npe2's ``_pytest_plugin`` does for its plugin manager). Registries a test
creates never show up in ``all_registries()`` for the next test, and the ones
that existed before it are back afterwards.
"""

from __future__ import annotations

import pytest

from ._catalog import forget_orphans, scoped

__all__ = ["forget_orphans", "registry_catalog", "scoped"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def registry_catalog() -> Iterator[None]:
    """An empty registry catalog for the duration of the test."""
    with scoped():
        yield
