"""Report documents for the app's model tests, made by the real core (``registry_core.diagnostics``).

The Qt models are adapters over ``inventory()`` / ``cache_inventory()`` / ``enum_documents()``; a test that
feeds them a hand-written dict tests the adapter against what its author thought the core writes. Here a
throw-away plugin package of the wanted shape (so many plugins, failed imports, skipped classes, an
excluded module, secondary entries, some plugins served from the cache) is written, imported and
discovered, and the documents are what the core says about it. Its modules are forgotten afterwards:
the documents are plain data.
"""

from __future__ import annotations

import copy
import importlib
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from helpers import DEMO_PATH, PackageMaker

#: The package of every registry made here: ``docs_<name>`` (``docs_alpha.p3``, ``docs_alpha.bad0``, ...).
PREFIX = "docs_"

BASE = """
from registry_core import (AutoRegisterMeta, LazyDiscoveryDict, PRIMARY_KEY, RegistryConfig, SecondaryRegistry,
                           SecondaryRegistryDict)
REGISTRY = LazyDiscoveryDict()
META = SecondaryRegistryDict()
class Base(metaclass=AutoRegisterMeta):
    __registry_config__ = RegistryConfig(
        registry_dict=REGISTRY,
        key_attribute="_key",
        registry_name={name!r},
        exclude_patterns=({package!r} + ".tests*",),
        cache_namespace="docs",  # one cache folder: a site's registry left out of cache_inventory() is an orphan
        secondary_registries=[SecondaryRegistry(META, key_source=PRIMARY_KEY, attr_name="_meta")],
    )
    _key = None
    _meta = None
"""

PLUGIN = '''
from .base import Base
class Meta{i}:
    pass
class P{i}(Base):
    """plugin {i}"""
    _key = "k{i:05d}"
    _meta = {meta}
'''

#: Many plugins in one module, so that 10 000 of them cost one import, not 10 000 files.
MANY = """
from .base import Base
for _i in range({count}):
    type(f"P{{_i}}", (Base,), {{"_key": f"k{{_i:05d}}", "__module__": __name__, "__qualname__": f"P{{_i}}"}})
"""


def package_name(name: str, serial: int = 0) -> str:
    return f"{PREFIX}{name.lower()}" + (f"{serial}" if serial else "")


def package_files(
    name: str,
    plugins: int,
    *,
    failures: int = 0,
    skipped: int = 0,
    excluded: bool = False,
    meta_every: int = 0,
    one_module: bool = False,
    package: str | None = None,
) -> dict[str, str]:
    """The files of a registry ``name`` with plugin keys ``k00000``..., ``failures`` modules that raise
    ImportError, ``skipped`` classes (``S0`` has no key, the others repeat ``k00001``: duplicates), a
    ``tests`` module its exclude pattern leaves out, and a secondary entry on every ``meta_every``-th plugin."""
    package = package or package_name(name)
    files = {f"{package}/__init__.py": "", f"{package}/base.py": BASE.format(name=name, package=package)}
    if one_module:
        files[f"{package}/many.py"] = MANY.format(count=plugins)
    else:
        for i in range(plugins):
            meta = f"Meta{i}" if meta_every and i % meta_every == 0 else "None"
            files[f"{package}/p{i}.py"] = PLUGIN.format(i=i, meta=meta)
    for i in range(failures):
        files[f"{package}/bad{i}.py"] = 'raise ImportError("No module x")\n'
    for i in range(skipped):
        key = "" if i == 0 else '\n    _key = "k00001"'
        files[f"{package}/s{i}.py"] = f"from .base import Base\nclass S{i}(Base):\n    pass{key}\n"
    if excluded:
        files[f"{package}/tests.py"] = "raise AssertionError('an excluded module is never imported')\n"
    return files


class DocumentSite:
    """A folder of throw-away packages and a cache folder; builds registries in it and describes them."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.maker = PackageMaker(root / "site")
        self.maker.root.mkdir(parents=True, exist_ok=True)
        self.cache = root / "cache"

    @contextmanager
    def live(self) -> Iterator[None]:
        """The site importable and its cache folder in use; afterwards its modules and registries are forgotten."""
        from registry_core.testing import forget_orphans

        before = set(sys.modules)
        with pytest.MonkeyPatch.context() as patch:
            patch.syspath_prepend(str(self.maker.root))
            patch.setenv("REGISTRY_CORE_CACHE_DIR", str(self.cache))
            try:
                yield
            finally:
                self.forget(before)
        importlib.invalidate_caches()
        forget_orphans()

    def forget(self, before: set[str]) -> None:
        for module in set(sys.modules) - before:
            if module.split(".")[0] in self.maker.names:
                del sys.modules[module]
        importlib.invalidate_caches()

    def registry(self, name: str, plugins: int, *, warm: bool = False, load: Any = None, **shape: Any) -> Any:
        """Write a new package declaring registry ``name`` and import it; its discovered registry. Inside ``live()``.

        ``warm``: discover once (writing the cache), forget the modules, and import the package again, so the
        registry fills itself from its valid cache (plugins "from cache", nothing imported); then read the
        value of each key ``load(index)`` says to, which imports just that plugin.
        """
        package = package_name(name)
        serial = 0
        while (self.maker.root / package).exists():  # a new package per call: each may have another shape
            serial += 1
            package = package_name(name, serial)
        self.maker(package_files(name, plugins, package=package, **shape))
        importlib.invalidate_caches()
        registry = importlib.import_module(f"{package}.base").REGISTRY
        registry.discover()
        if warm:
            self.forget({m for m in sys.modules if m.split(".")[0] != package})
            registry = importlib.import_module(f"{package}.base").REGISTRY
            registry.discover()
            assert registry.report.source == "cache", "the warm start did not use the cache"
            for index, key in enumerate(sorted(dict.keys(registry))):
                if load is not None and load(index):
                    registry[key]
        return registry


def registry_documents(registries: list[Any]) -> list[dict[str, Any]]:
    """What the window shows: ``inventory(registries)["registries"]``."""
    from registry_core.diagnostics import inventory

    return inventory(registries)["registries"]


def demo_enum_documents(root: Path) -> list[dict[str, Any]]:
    """The enums the window shows for the demo: the colormap enum (built: the app has Qt) and the component
    enums the demo generates from its components table, each with its cache state."""
    from app.demo import demo_component_enums
    from registry_core.diagnostics import enum_documents

    with pytest.MonkeyPatch.context() as patch:
        patch.syspath_prepend(str(DEMO_PATH))
        patch.setenv("REGISTRY_CORE_CACHE_DIR", str(root / "cache"))
        before = set(sys.modules)
        try:
            demo_component_enums()
            documents = enum_documents(build_colormaps=True)
        finally:
            for module in set(sys.modules) - before:
                if module.split(".")[0] == "openhcs_demo":
                    del sys.modules[module]
    # Only this demo's component enums: an earlier test may have made others (a namespace of its own).
    return [d for d in documents if d["kind"] == "colormap" or d.get("namespace") == "openhcs_demo"]


def derived(document: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """A deep copy of a real document with ``changes``: for edge cases the core does not produce (today)."""
    result = copy.deepcopy(document)
    result.update(changes)
    return result


def touch_later(path: str | os.PathLike[str]) -> None:
    """Move a file's mtime a minute on, as an edit would: the cache that fingerprinted it turns stale."""
    stat = os.stat(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 60_000_000_000))
