"""The process-wide catalog lists every registry so tools need not know them in advance."""

from __future__ import annotations

import importlib

from helpers import BASE_MODULE


def test_catalog_lists_registries_with_base_config_and_state(make_package):
    import registry_core

    make_package(
        {
            "cat_a/__init__.py": "",
            "cat_a/base.py": BASE_MODULE,
            "cat_a/one.py": "from cat_a.base import Plugin\nclass One(Plugin):\n    plugin_key = 'one'\n",
        }
    )
    base = importlib.import_module("cat_a.base")
    entries = [r for r in registry_core.all_registries() if r is base.REGISTRY]
    assert len(entries) == 1
    registry = entries[0]
    assert registry.base_class is base.Plugin
    assert registry.name == "plugin"
    assert registry.config.discovery_package == "cat_a"
    assert registry.state == "pending"
    list(registry)
    assert registry.state == "discovered"
    assert registry_core.find_registry("cat_a.base.Plugin") is registry


def test_find_registry_names_the_known_ones_when_missing():
    import pytest

    import registry_core

    with pytest.raises(LookupError, match="no registry named 'nope'"):
        registry_core.find_registry("nope")


def test_catalog_forgets_registries_that_were_garbage_collected():
    import gc

    import registry_core

    registry = registry_core.LazyDiscoveryDict()
    assert any(r is registry for r in registry_core.all_registries())
    ident = id(registry)
    del registry
    gc.collect()
    assert all(id(r) != ident for r in registry_core.all_registries())
