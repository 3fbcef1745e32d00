"""Shared fixtures: throw-away plugin packages on sys.path, isolated cache folders, the demo, a CLI runner."""

from __future__ import annotations

import os
import sys

import pytest
from app_documents import DocumentSite, demo_enum_documents
from cli_helpers import Cli
from helpers import DEMO_PATH, PackageMaker
from qt_leak_check import _qt_leak_check  # noqa: F401  (an autouse fixture for tests that use qtbot)


@pytest.fixture
def make_package(tmp_path, monkeypatch):
    """Create importable packages for one test; their modules are forgotten afterwards."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))
    maker = PackageMaker(root)
    before = set(sys.modules)
    yield maker
    for name in set(sys.modules) - before:
        top = name.split(".")[0]
        if top in maker.names:
            del sys.modules[name]
    import importlib

    importlib.invalidate_caches()


@pytest.fixture
def demo_in_process(monkeypatch):
    """The demo importable in this process for one test; its modules are forgotten afterwards."""
    monkeypatch.syspath_prepend(str(DEMO_PATH))
    before = set(sys.modules)
    yield
    demo = str(DEMO_PATH) + os.sep
    for name in set(sys.modules) - before:
        # The demo's third-party plugins too (acme_hcs_plugins, ...): a later test's registry would get back the
        # old module, whose classes registered with the old registry, and lose its entry-point plugins.
        file = getattr(sys.modules[name], "__file__", None) or ""
        if name.split(".")[0] == "openhcs_demo" or file.startswith(demo):
            del sys.modules[name]


@pytest.fixture(scope="session")
def document_site(tmp_path_factory):
    """Throw-away registries of any shape, for the real report documents the app's model tests read."""
    return DocumentSite(tmp_path_factory.mktemp("documents"))


@pytest.fixture(scope="session")
def demo_enums(tmp_path_factory):
    """The enum documents the window shows for the demo (``enum_documents``); copy before changing them."""
    return demo_enum_documents(tmp_path_factory.mktemp("demo-enums"))


@pytest.fixture
def cli(tmp_path):
    """``cli("list", "--json")`` runs ``python -m app list --json`` in a fresh process (``cli_helpers.Cli``).

    A test module that needs its own packages on the runner's path overrides it: ``def cli(cli, make_package)``.
    """
    return Cli(tmp_path)


@pytest.fixture(autouse=True)
def _forget_dead_registries():
    """Before and after each test, take registries whose module is gone from sys.modules out of the catalog.

    A registry and its base class hold each other, so a test's throw-away registry outlives the test
    until the garbage collector runs; meanwhile ``all_registries()`` (what a Session, the CLI and the
    window list) would show it to whatever test comes next, and try to discover a package that is gone.
    """
    _prune_catalog()  # (a module-scoped fixture's package is dropped before the next module's first test)
    yield
    _prune_catalog()


def _prune_catalog() -> None:
    from registry_core.testing import forget_orphans

    forget_orphans()


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    """Keep every test's caches (and the user's real cache folder) apart."""
    monkeypatch.setenv("REGISTRY_CORE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    # Logs and profile history too: no test writes into the real home.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("REGISTRY_INSPECTOR_DATA_DIR", str(tmp_path / "data"))
    # ``status``/``explain``/``--no-write`` run in-process switch writing off through this variable: undone after.
    monkeypatch.setenv("REGISTRY_CORE_NO_WRITE", "")
    # Each test's first validation looks at the environment anew, as a new process would.
    from registry_core.cache.validation_window import look_again

    look_again()
