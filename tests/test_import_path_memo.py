"""Where a package is found along sys.path is worked out once per process and reused by the next registry's
validation only while nothing it depends on moved (issue 17): every change made between two registries'
checks is still caught by the later one.

Two cache managers stand for two registries of one package (the demo's five share ``openhcs_demo``); each
load runs the real validation (``_invalid_reason``: entry points, then import paths).
"""

from __future__ import annotations

import os
import sys
import time

import pytest

from registry_core.cache import fingerprint
from registry_core.cache.fingerprint import import_paths_fingerprint
from registry_core.cache.manager import CacheConfig, RegistryCacheManager

TOP = "memo_host_pkg"
PAST = time.time() - 3600


@pytest.fixture
def layout(tmp_path, monkeypatch):
    """sys.path = [early, site, ...]: ``TOP`` is a regular package in ``site``; ``early`` is looked in first."""
    monkeypatch.setenv("REGISTRY_CORE_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(fingerprint, "_WHERE_FOUND", {})
    early, site = tmp_path / "early", tmp_path / "site"
    (site / TOP).mkdir(parents=True)
    (site / TOP / "__init__.py").write_text("")
    early.mkdir()
    monkeypatch.setattr(sys, "path", [str(early), str(site), *sys.path])
    _age(early, site, site / TOP)
    return early, site


def _age(*folders) -> None:
    """Folders last changed an hour ago (a fresh stamp is not trusted: see ``RECENT_NS``)."""
    for folder in folders:
        os.utime(folder, (PAST, PAST))


def _registries(n: int = 2) -> list[RegistryCacheManager]:
    managers = [
        RegistryCacheManager(
            f"memo_{i}",
            lambda: "1.0",
            config=CacheConfig(max_age_days=30, check_mtimes=False),
            namespace="test_import_memo",
        )
        for i in range(n)
    ]
    for manager in managers:
        assert manager.save_cache({"a": 1}, extra={"import_paths": import_paths_fingerprint(TOP)})
    return managers


def _key() -> tuple:
    return (TOP, *sys.path)


def _count_searches(monkeypatch) -> list:
    calls: list = []
    search = fingerprint._search

    def counted(top, seen):
        calls.append(top)
        return search(top, seen)

    monkeypatch.setattr(fingerprint, "_search", counted)
    return calls


def test_the_second_registry_reuses_the_answer_while_nothing_moved(layout, monkeypatch):
    first, second = _registries()
    calls = _count_searches(monkeypatch)
    assert first.load_cache() == {"a": 1}
    assert _key() in fingerprint._WHERE_FOUND
    assert second.load_cache() == {"a": 1}
    assert first.load_cache() == {"a": 1}
    assert calls == [TOP]  # looked for once; the later validations stat-ed the folders it depends on


@pytest.mark.parametrize(
    "change, reason",
    [
        ("portion", "is now also found at {early}/{top} (a namespace portion)"),
        ("module", "is now also found at {early}/{top}.py (a module that takes precedence)"),
        ("shadow", "is now also found at {early}/{top} (a package that takes precedence)"),
        ("init_removed", "resolves differently along sys.path"),
        ("package_removed", "is no longer found at {site}/{top}"),
    ],
)
def test_a_change_between_two_registries_is_caught_by_the_second(layout, change, reason):
    early, site = layout
    first, second = _registries()
    assert first.load_cache() == {"a": 1}
    assert _key() in fingerprint._WHERE_FOUND
    if change == "portion":
        (early / TOP).mkdir()
    elif change == "module":
        (early / f"{TOP}.py").write_text("")
    elif change == "shadow":
        (early / TOP).mkdir()
        (early / TOP / "__init__.py").write_text("")
    elif change == "init_removed":
        (site / TOP / "__init__.py").unlink()
    else:
        (site / TOP / "__init__.py").unlink()
        (site / TOP).rmdir()
    assert second.load_cache() is None
    status = second.last_status
    assert status is not None and status.state == "stale", status
    assert reason.format(early=early, site=site, top=TOP) in status.reason
    assert first.load_cache() is None  # and the first registry's next check too


def test_a_change_within_the_same_timestamp_tick_is_caught(layout):
    """Two changes of a folder within one tick of the file system's clock leave its times as they were: a
    stamp of a folder changed this recently is not trusted, so the answer is worked out again."""
    early, _site = layout
    (early / "unrelated.txt").write_text("")  # early changed just now
    first, second = _registries()
    assert first.load_cache() == {"a": 1}
    assert _key() not in fingerprint._WHERE_FOUND
    (early / TOP).mkdir()  # possibly within the same tick: early's times may not have moved
    assert second.load_cache() is None
    assert "a namespace portion" in second.last_status.reason


def test_another_sys_path_is_another_answer(layout, tmp_path, monkeypatch):
    first, second = _registries()
    assert first.load_cache() == {"a": 1}
    other = tmp_path / "other"
    (other / TOP).mkdir(parents=True)
    _age(other / TOP, other)
    monkeypatch.setattr(sys, "path", [str(other), *sys.path])
    assert second.load_cache() is None
    assert f"now also found at {other / TOP} (a namespace portion)" in second.last_status.reason


def test_a_sys_path_entry_appearing_is_caught(layout, tmp_path, monkeypatch):
    """An entry that does not exist yet (python311.zip, usually) is part of what the answer depends on."""
    absent = tmp_path / "absent"
    monkeypatch.setattr(sys, "path", [str(absent), *sys.path])
    first, second = _registries()
    assert first.load_cache() == {"a": 1}
    assert _key() in fingerprint._WHERE_FOUND
    (absent / TOP).mkdir(parents=True)
    assert second.load_cache() is None
    assert f"now also found at {absent / TOP} (a namespace portion)" in second.last_status.reason


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_an_answer_through_a_symbolic_link_is_never_reused(layout, tmp_path, monkeypatch):
    """A link's target can change with no folder on the way moving: such an answer is worked out each time."""
    early, site = layout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (early / TOP).symlink_to(elsewhere / TOP)  # dangling: no portion yet
    _age(early)
    first, second = _registries()
    assert first.load_cache() == {"a": 1}
    assert _key() not in fingerprint._WHERE_FOUND
    (elsewhere / TOP).mkdir()  # the link now leads to a folder: a namespace portion, no folder stamp moved
    assert second.load_cache() is None
    assert f"now also found at {early / TOP} (a namespace portion)" in second.last_status.reason


def test_a_relative_sys_path_entry_is_never_memoized(layout, tmp_path, monkeypatch):
    """The empty entry (the working directory) names another folder when the process changes directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", ["", *sys.path])
    first, second = _registries()
    assert first.load_cache() == {"a": 1}
    assert _key() not in fingerprint._WHERE_FOUND
    (tmp_path / TOP).mkdir()
    assert second.load_cache() is None
    assert f"now also found at {tmp_path / TOP} (a namespace portion)" in second.last_status.reason


def test_the_memoized_name_functions_answer_as_computed_each_time():
    """slug and namespace_var keep their answers: pure functions of their strings, asked again at every start."""
    from registry_core._config import slug
    from registry_core.cache.paths import disable_var, namespace_var, no_gpu_var

    for text, expected in (
        ("Microscope Handler", "microscope_handler"),
        ("  zmq--server ", "zmq_server"),
        ("", "registry"),
    ):
        assert slug(text) == expected
        assert slug(text) == expected
    assert namespace_var("openhcs-demo", "X") == "OPENHCS_DEMO_X" == namespace_var("openhcs-demo", "X")
    assert disable_var("a.b") == "A_B_DISABLE_REGISTRY_CACHE"
    assert no_gpu_var("a.b") == "A_B_SUBPROCESS_NO_GPU"
