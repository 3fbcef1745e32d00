"""Two classes, one key: the first holder keeps it and the loser is reported, naming both.

A re-import or ``importlib.reload`` of the same module re-creates the same
class statement; that is not a conflict, and the fresh class object replaces
the old one under its key.
"""

from __future__ import annotations

import importlib
import sys

from helpers import BASE_MODULE

SECONDARY_BASE = """
from registry_core import AutoRegisterMeta, LazyDiscoveryDict, SecondaryRegistry, SecondaryRegistryDict
REGISTRY = LazyDiscoveryDict()
READERS = SecondaryRegistryDict()
class Plugin(metaclass=AutoRegisterMeta):
    __registry__ = REGISTRY
    __registry_key__ = "plugin_key"
    __secondary_registries__ = [SecondaryRegistry(READERS, key_source="vendor", attr_name="reader")]
    plugin_key = None
"""


def make_plugins(make_package, pkg: str, base: str = BASE_MODULE, **modules: str):
    """``pkg/base.py`` holding ``base`` plus one module per keyword; returns the imported base module."""
    files = {f"{pkg}/__init__.py": "", f"{pkg}/base.py": base}
    files.update({f"{pkg}/{name}.py": source for name, source in modules.items()})
    make_package(files)
    return importlib.import_module(f"{pkg}.base")


def claims(key: str, class_name: str) -> str:
    """A module whose one plugin class claims ``key``."""
    return f"from .base import Plugin\nclass {class_name}(Plugin):\n    plugin_key = {key!r}\n"


def test_second_class_claiming_a_taken_key_is_not_registered(make_package):
    # Discovery imports modules in name order: a_first before b_second.
    base = make_plugins(
        make_package,
        "dup_basic",
        a_first=claims("shared", "FirstClaim"),
        b_second="""
        from .base import Plugin
        class SecondClaim(Plugin):
            plugin_key = "shared"
        class Unrelated(Plugin):
            plugin_key = "other"
    """,
    )
    registry = base.REGISTRY

    assert sorted(registry) == ["other", "shared"]
    assert registry["shared"].__name__ == "FirstClaim", "the first holder keeps the key"

    [duplicate] = registry.report.duplicates
    assert duplicate.status == "duplicate"
    assert duplicate.qualname == "SecondClaim"
    assert duplicate.key == "shared"
    assert duplicate.file.endswith("b_second.py")
    assert duplicate.holder == "dup_basic.a_first.FirstClaim"
    assert duplicate.holder_file.endswith("a_first.py")
    assert "FirstClaim" in duplicate.reason and "a_first.py" in duplicate.reason
    assert "'shared'" in duplicate.reason
    # The losing module still imported fine; its other class registered.
    assert registry.report.find_module("dup_basic.b_second").status == "imported"


def test_duplicate_within_one_module(make_package):
    base = make_plugins(
        make_package,
        "dup_samemodule",
        plugins="""
        from .base import Plugin
        class Original(Plugin):
            plugin_key = "k"
        class Copycat(Plugin):
            plugin_key = "k"
    """,
    )
    registry = base.REGISTRY

    assert registry["k"].__name__ == "Original"
    [duplicate] = registry.report.duplicates
    assert duplicate.qualname == "Copycat"
    assert duplicate.holder == "dup_samemodule.plugins.Original"


def test_reimporting_a_module_is_not_a_conflict(make_package):
    base = make_plugins(make_package, "dup_reimport", disk=claims("disk", "DiskBackend"))
    registry = base.REGISTRY
    old = registry["disk"]

    del sys.modules["dup_reimport.disk"]
    fresh = importlib.import_module("dup_reimport.disk").DiskBackend

    assert fresh is not old
    assert registry["disk"] is fresh
    assert registry.report.duplicates == []
    [outcome] = registry.report.find_classes("DiskBackend")
    assert outcome.status == "registered"


def test_reload_replaces_the_class_under_its_key(make_package):
    base = make_plugins(make_package, "dup_reload", disk=claims("disk", "DiskBackend"))
    registry = base.REGISTRY
    old = registry["disk"]
    module = sys.modules["dup_reload.disk"]

    reloaded = importlib.reload(module)

    assert reloaded.DiskBackend is not old
    assert registry["disk"] is reloaded.DiskBackend
    assert list(registry) == ["disk"]
    assert registry.report.duplicates == []
    [outcome] = registry.report.find_classes("DiskBackend")
    assert outcome.status == "registered"


def test_reload_of_a_module_that_lost_a_duplicate_stays_a_duplicate(make_package):
    base = make_plugins(
        make_package,
        "dup_reload_loser",
        a_first=claims("shared", "FirstClaim"),
        b_second=claims("shared", "SecondClaim"),
    )
    registry = base.REGISTRY
    holder = registry["shared"]

    importlib.reload(sys.modules["dup_reload_loser.b_second"])

    assert registry["shared"] is holder
    [duplicate] = registry.report.duplicates
    assert duplicate.qualname == "SecondClaim"


def test_duplicate_in_a_secondary_registry_is_noted_without_crashing(make_package):
    base = make_plugins(
        make_package,
        "dup_secondary",
        SECONDARY_BASE,
        plugins="""
        from .base import Plugin
        class AcmeReaderV1: pass
        class AcmeReaderV2: pass
        class AcmeOld(Plugin):
            plugin_key = "acme_old"
            vendor = "acme"
            reader = AcmeReaderV1
        class AcmeNew(Plugin):
            plugin_key = "acme_new"
            vendor = "acme"
            reader = AcmeReaderV2
    """,
    )

    assert sorted(base.REGISTRY) == ["acme_new", "acme_old"], "both primary entries register"
    assert base.READERS["acme"].__name__ == "AcmeReaderV1", "the first holder keeps the secondary key"
    assert list(base.READERS) == ["acme"]
    [old] = base.REGISTRY.report.find_classes("AcmeOld")
    [new] = base.REGISTRY.report.find_classes("AcmeNew")
    assert old.secondary == {"reader": "dup_secondary.plugins.AcmeReaderV1"}
    assert new.status == "registered"
    assert new.secondary["reader"].startswith("duplicate")
    assert "'acme'" in new.secondary["reader"] and "AcmeReaderV1" in new.secondary["reader"]
