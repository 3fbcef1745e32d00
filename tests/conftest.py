"""Shared fixtures: throw-away plugin packages on sys.path, isolated cache folders."""

from __future__ import annotations

import sys

import pytest

from helpers import PackageMaker


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


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path, monkeypatch):
    """Keep every test's caches (and the user's real cache folder) apart."""
    monkeypatch.setenv("REGISTRY_CORE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg-cache"))
    # Logs and profile history too: no test writes into the real home.
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg-state"))
    monkeypatch.setenv("REGISTRY_INSPECTOR_DATA_DIR", str(tmp_path / "data"))
