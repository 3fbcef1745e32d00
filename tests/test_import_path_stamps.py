"""Where a package is found along sys.path is looked for when its cache is written, and a later start takes
that answer again only while everything it depends on holds (issue 17): the sys.path entries looked in, in
order, and the stamps of those folders and of the folders found. Every change since is caught.

Two cache managers stand for two registries of one package (the demo's five share ``openhcs_demo``); each
load runs the real validation (entry points, then import paths). A change made between two loads is seen by
the next look at the environment: ``look_again()`` stands for the time that passes between one start-up
burst's window and the next (``validation_window``).
"""

from __future__ import annotations

import os
import sys
import time

import pytest

from registry_core.cache import fingerprint
from registry_core.cache.fingerprint import import_paths_fingerprint
from registry_core.cache.manager import CacheConfig, RegistryCacheManager
from registry_core.cache.validation_window import look_again

TOP = "memo_host_pkg"
PAST = time.time() - 3600


@pytest.fixture
def layout(tmp_path, monkeypatch):
    """sys.path = [early, site, ...]: ``TOP`` is a regular package in ``site``; ``early`` is looked in first."""
    monkeypatch.setenv("REGISTRY_CORE_CACHE_DIR", str(tmp_path / "cache"))
    look_again()
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


def _recorded(manager: RegistryCacheManager) -> dict:
    doc, _ = manager.read()
    assert doc is not None
    return doc["import_paths"]


def _count_searches(monkeypatch) -> list:
    calls: list = []
    search = fingerprint._search

    def counted(top, seen):
        calls.append(top)
        return search(top, seen)

    monkeypatch.setattr(fingerprint, "_search", counted)
    return calls


def test_the_recorded_answer_is_taken_while_nothing_moved(layout, monkeypatch):
    first, second = _registries()
    assert _recorded(first)["searched"] == sys.path[:2]  # looked in early, found in site: no further
    calls = _count_searches(monkeypatch)
    for _ in range(2):
        assert first.load_cache() == {"a": 1}
        assert second.load_cache() == {"a": 1}
        look_again()
    assert calls == []  # never looked for again: the folders it depends on were stat-ed


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
def test_a_change_after_the_cache_was_written_is_caught(layout, change, reason):
    early, site = layout
    first, second = _registries()
    assert "stamps" in _recorded(first)
    assert first.load_cache() == {"a": 1}
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
    look_again()
    assert second.load_cache() is None
    status = second.last_status
    assert status is not None and status.state == "stale", status
    assert reason.format(early=early, site=site, top=TOP) in status.reason
    assert first.load_cache() is None  # and the first registry's next check too


def test_a_folder_changed_just_before_writing_is_not_trusted(layout):
    """Two changes of a folder within one tick of the file system's clock leave its times as they were: stamps
    taken that soon after a change are not recorded, so every start looks for the package again."""
    early, _site = layout
    (early / "unrelated.txt").write_text("")  # early changed just now
    first, second = _registries()
    assert "stamps" not in _recorded(first)
    assert first.load_cache() == {"a": 1}
    (early / TOP).mkdir()  # possibly within the same tick: early's times may not have moved
    look_again()
    assert second.load_cache() is None
    assert "a namespace portion" in second.last_status.reason


def test_another_sys_path_is_another_answer(layout, tmp_path, monkeypatch):
    first, second = _registries()
    assert first.load_cache() == {"a": 1}
    other = tmp_path / "other"
    (other / TOP).mkdir(parents=True)
    _age(other / TOP, other)
    monkeypatch.setattr(sys, "path", [str(other), *sys.path])  # (a new sys.path closes the window by itself)
    assert second.load_cache() is None
    assert f"now also found at {other / TOP} (a namespace portion)" in second.last_status.reason


def test_a_sys_path_entry_appearing_is_caught(layout, tmp_path, monkeypatch):
    """An entry that does not exist yet (python311.zip, usually) is part of what the answer depends on."""
    absent = tmp_path / "absent"
    monkeypatch.setattr(sys, "path", [str(absent), *sys.path])
    first, second = _registries()
    assert [absent.as_posix()] in _recorded(first)["stamps"]  # recorded as absent
    assert first.load_cache() == {"a": 1}
    (absent / TOP).mkdir(parents=True)
    look_again()
    assert second.load_cache() is None
    assert f"now also found at {absent / TOP} (a namespace portion)" in second.last_status.reason


@pytest.mark.skipif(os.name != "posix", reason="symbolic links")
def test_an_answer_through_a_symbolic_link_is_never_taken_again(layout, tmp_path, monkeypatch):
    """A link's target can change with no folder on the way moving: such an answer is worked out each time."""
    early, site = layout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (early / TOP).symlink_to(elsewhere / TOP)  # dangling: no portion yet
    _age(early)
    first, second = _registries()
    assert "stamps" not in _recorded(first)
    assert first.load_cache() == {"a": 1}
    (elsewhere / TOP).mkdir()  # the link now leads to a folder: a namespace portion, no folder stamp moved
    look_again()
    assert second.load_cache() is None
    assert f"now also found at {early / TOP} (a namespace portion)" in second.last_status.reason


def test_a_relative_sys_path_entry_is_never_taken_again(layout, tmp_path, monkeypatch):
    """The empty entry (the working directory) names another folder when the process changes directory."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", ["", *sys.path])
    first, second = _registries()
    assert "stamps" not in _recorded(first)
    assert first.load_cache() == {"a": 1}
    (tmp_path / TOP).mkdir()
    look_again()
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
