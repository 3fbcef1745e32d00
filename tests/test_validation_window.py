"""The registries read in one start-up burst share one look at the environment; a later read looks again.

Every cache is checked against the distributions along sys.path and where its package is found. Those looks
depend only on sys.path and the file system, so the validations of one burst (``WINDOW_NS``) share them:
here two caches stand for two registries. What closes the window: time, another sys.path, another working
directory (when sys.path holds a relative entry), and any explicit ``status()``.
"""

from __future__ import annotations

import os
import sys
import time

import pytest

from registry_core.cache import manager as manager_module
from registry_core.cache import validation_window
from registry_core.cache.fingerprint import entry_points_fingerprint
from registry_core.cache.manager import CacheConfig, RegistryCacheManager
from registry_core.cache.validation_window import WINDOW_NS, look_again


class Clock:
    """``time.monotonic_ns`` for the window, moved by the test (no sleeping)."""

    def __init__(self) -> None:
        self.now = time.monotonic_ns()

    def __call__(self) -> int:
        return self.now


@pytest.fixture
def site(tmp_path, monkeypatch):
    """A sys.path folder holding no distribution yet, last changed an hour ago; the window starts closed."""
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.setattr(sys, "path", [str(folder), *sys.path])
    past = time.time() - 3600
    os.utime(folder, (past, past))
    look_again()
    yield folder
    look_again()


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr(validation_window.time, "monotonic_ns", clock)
    return clock


@pytest.fixture
def looks(monkeypatch):
    """How many times the distribution folders along sys.path were checked."""
    calls: list = []
    check = manager_module.check_distribution_folders

    def counted(paths, seen=None):
        calls.append(len(paths))
        return check(paths, seen)

    monkeypatch.setattr(manager_module, "check_distribution_folders", counted)
    return calls


def _caches(n: int = 2) -> list[RegistryCacheManager]:
    managers = [
        RegistryCacheManager(
            f"window_{i}",
            lambda: "1.0",
            config=CacheConfig(max_age_days=30),
            namespace="test_window",
            entry_points_getter=lambda: entry_points_fingerprint("test_window.plugins", None),
        )
        for i in range(n)
    ]
    for manager in managers:
        assert manager.save_cache({"a": 1}, {"recursive": False, "roots": {}})
    return managers


def _install(site) -> None:
    site.joinpath("late_plugin-1.0.dist-info").mkdir()


def test_one_look_serves_every_cache_of_a_burst(site, clock, looks):
    first, second = _caches()
    assert first.load_cache() == {"a": 1}
    assert second.load_cache() == {"a": 1}
    assert len(looks) == 1  # the second cache took the first one's answer


def test_a_read_after_the_window_looks_again_and_sees_an_install(site, clock, looks):
    first, second = _caches()
    assert first.load_cache() == {"a": 1}
    _install(site)
    clock.now += WINDOW_NS
    assert second.load_cache() is None
    assert second.last_status.state == "stale"
    assert f"a distribution was installed in {site}" in second.last_status.reason
    assert len(looks) == 2


def test_within_the_window_a_change_is_seen_by_the_next_burst_not_this_one(site, clock):
    """The trade this module makes, pinned: a change landing inside the burst's window is seen afterwards."""
    first, second = _caches()
    assert first.load_cache() == {"a": 1}
    _install(site)
    clock.now += WINDOW_NS - 1
    assert second.load_cache() == {"a": 1}
    clock.now += 1
    assert second.load_cache() is None
    assert first.load_cache() is None


def test_another_sys_path_closes_the_window(site, clock, looks, tmp_path, monkeypatch):
    first, second = _caches()
    assert first.load_cache() == {"a": 1}
    other = tmp_path / "other"
    other.mkdir()
    other.joinpath("newcomer-2.0.dist-info").mkdir()
    monkeypatch.setattr(sys, "path", [str(other), *sys.path])
    assert second.load_cache() is None
    assert f"new sys.path entry with distributions: {other}" in second.last_status.reason


def test_another_working_directory_closes_the_window_when_sys_path_is_relative(
    site, clock, looks, tmp_path, monkeypatch
):
    monkeypatch.setattr(sys, "path", ["", *sys.path])
    monkeypatch.chdir(site)
    first, second = _caches()
    assert first.load_cache() == {"a": 1}
    assert second.load_cache() == {"a": 1}
    assert len(looks) == 1
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    second.load_cache()
    assert len(looks) == 2  # "" names another folder now: looked at again


def test_status_always_looks_now(site, clock):
    first, second = _caches()
    assert first.load_cache() == {"a": 1}
    _install(site)
    status = second.status()  # asked for explicitly, within the burst's window
    assert status.state == "stale"
    assert "a distribution was installed" in status.reason
