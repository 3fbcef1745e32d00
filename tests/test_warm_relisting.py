"""A warm start lists a sys.path folder again only when it may have changed, and still sees every change.

Reading a version from installed distributions' dist-info folder names lists
every sys.path folder (the colormap enum's pyqtgraph version); a stamp stored
with the cache (``version_stamp_getter``/``version_stamp_holds``) says with a
``stat`` per folder whether that listing can differ. A sys.path entry that does
not exist (``python311.zip``) is recorded in the entry-point fingerprint, so a
warm start does not take it for a new entry and list it each time.
"""

from __future__ import annotations

import json
import sys
import time

import pytest
from helpers import run_python

from registry_core.cache.fingerprint import (
    check_entry_points,
    distributions_stamp,
    distributions_unchanged,
    entry_points_fingerprint,
)
from registry_core.cache.manager import CacheConfig, RegistryCacheManager


class Version:
    """A version getter that counts its calls (the costly read the stamp spares)."""

    def __init__(self, value: str) -> None:
        self.value = value
        self.calls = 0

    def __call__(self) -> str:
        self.calls += 1
        return self.value


def _manager(version: Version) -> RegistryCacheManager:
    return RegistryCacheManager(
        "stamped",
        version,
        config=CacheConfig(max_age_days=30, check_mtimes=False),
        namespace="test_relisting",
        version_stamp_getter=distributions_stamp,
        version_stamp_holds=distributions_unchanged,
    )


@pytest.fixture
def site(tmp_path, monkeypatch):
    folder = tmp_path / "site"
    folder.mkdir()
    monkeypatch.syspath_prepend(str(folder))
    return folder


def _install(folder, name: str) -> None:
    (folder / name).mkdir()
    time.sleep(0.01)  # (a coarse file system would give the folder the same mtime)


def test_an_unchanged_stamp_spares_the_version_getter(site):
    version = Version("pkg 1.0")
    assert _manager(version).save_cache({"a": 1})
    version.calls = 0
    assert _manager(version).load_cache() == {"a": 1}
    assert version.calls == 0


def test_a_distribution_installed_on_sys_path_asks_the_version_again(site):
    version = Version("pkg 1.0")
    _manager(version).save_cache({"a": 1})
    _install(site, "other-2.0.dist-info")
    version.calls = 0
    manager = _manager(version)
    assert manager.load_cache() == {"a": 1}  # asked, and the version is the same: still valid
    assert version.calls == 1
    stored = json.loads(open(manager.cache_path).read())["version_stamp"]
    assert distributions_unchanged(stored)  # the new stamp was stored...
    version.calls = 0
    assert _manager(version).load_cache() == {"a": 1}
    assert version.calls == 0  # ...so the next start is spared again


def test_a_changed_version_behind_a_moved_stamp_is_stale(site):
    _manager(Version("pkg 1.0")).save_cache({"a": 1})
    _install(site, "pkg-2.0.dist-info")
    manager = _manager(Version("pkg 2.0"))
    assert manager.load_cache() is None
    status = manager.last_status
    assert status is not None and status.state == "stale"
    assert "pkg 1.0 -> pkg 2.0" in status.reason


def test_another_sys_path_asks_the_version_again(site, monkeypatch):
    version = Version("pkg 1.0")
    _manager(version).save_cache({"a": 1})
    monkeypatch.setattr(sys, "path", [*sys.path[1:], sys.path[0]])  # the same folders, another order
    version.calls = 0
    assert _manager(version).load_cache() == {"a": 1}
    assert version.calls == 1


def test_a_malformed_stamp_asks_the_version_and_never_raises(site):
    version = Version("pkg 1.0")
    manager = _manager(version)
    manager.save_cache({"a": 1})
    doc = json.loads(open(manager.cache_path).read())
    for bad in ({"path": 5}, [1, 2], "x", {"path": sys.path, "folders": {"paths": [[1, "x", None]]}}):
        doc["version_stamp"] = bad
        open(manager.cache_path, "w").write(json.dumps(doc))
        version.calls = 0
        assert _manager(version).load_cache() == {"a": 1}
        assert version.calls == 1


def test_an_absent_sys_path_entry_is_recorded_and_a_distribution_appearing_there_counts(tmp_path, monkeypatch):
    absent = tmp_path / "not-yet"
    monkeypatch.syspath_prepend(str(absent))
    fingerprint = entry_points_fingerprint(None, None)
    assert [str(absent), None, None] in fingerprint["paths"]
    assert check_entry_points(fingerprint) is None
    absent.mkdir()
    (absent / "newcomer-1.0.dist-info").mkdir()
    assert check_entry_points(fingerprint) == f"entry points changed: a distribution was installed in {absent}"


def test_colormap_enum_goes_stale_when_pyqtgraph_is_upgraded_in_a_folder_already_on_sys_path(tmp_path):
    """The stamp's own case: the same sys.path, a folder on it gains a newer pyqtgraph (an in-place upgrade)."""
    site = tmp_path / "site"
    site.mkdir()
    probe = """
        import json
        from registry_core import enums
        status = enums.colormap_cache_manager().status()
        enums.create_colormap_enum()
        print("RESULT " + json.dumps([status.state, status.reason]))
    """

    def run() -> list:
        proc = run_python(probe, path=[str(site)])
        assert proc.returncode == 0, proc.stderr
        return json.loads(next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))[7:])

    run()  # cold: discovered and written, with the stamp of this sys.path
    assert run() == ["valid", ""]
    (site / "pyqtgraph-99.0.0.dist-info").mkdir()
    (site / "pyqtgraph-99.0.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: pyqtgraph\n")
    state, reason = run()
    assert state == "stale" and "pyqtgraph 99.0.0" in reason
