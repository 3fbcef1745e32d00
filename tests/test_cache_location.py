"""Where cache files live, how they are named, and the manual list/clear/rebuild tools."""

from __future__ import annotations

import importlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import platformdirs
import pytest
from cache_helpers import cache_env, child, plugin_files, plugin_source, start

from registry_core import clear_all_caches, clear_cache, get_cache_dir, list_cache_files, rebuild_cache

KEYS = ["alpha", "beta", "gamma"]


# -- the default location ---------------------------------------------------------------------


@pytest.mark.parametrize("xdg", ["absolute", "unset", "empty", "relative", "leading_space", "trailing_space"])
@pytest.mark.parametrize("home", ["absolute", "trailing_slash", "relative", "empty"])
def test_default_location_agrees_with_platformdirs(monkeypatch, tmp_path, xdg, home):
    monkeypatch.delenv("REGISTRY_CORE_CACHE_DIR")
    xdg_value = {
        "absolute": str(tmp_path / "xdg"),
        "empty": "",
        "relative": "rel/xdg",
        "leading_space": " " + str(tmp_path / "xdg"),
        "trailing_space": str(tmp_path / "xdg") + " ",
    }
    if xdg == "unset":
        monkeypatch.delenv("XDG_CACHE_HOME")
    else:
        monkeypatch.setenv("XDG_CACHE_HOME", xdg_value[xdg])
    home_value = {
        "absolute": str(tmp_path / "home"),
        "trailing_slash": str(tmp_path / "home") + "/",
        "relative": "relative-home",
        "empty": "",
    }[home]
    monkeypatch.setenv("HOME", home_value)
    expected = platformdirs.user_cache_dir("cloc_ns", appauthor=False)
    assert get_cache_dir("cloc_ns") == expected
    assert os.path.isabs(get_cache_dir("cloc_ns"))  # never relative to the current folder
    if xdg == "absolute":
        assert get_cache_dir("cloc_ns") == str(tmp_path / "xdg" / "cloc_ns")


def test_fresh_process_default_follows_xdg_cache_home(make_package, monkeypatch, tmp_path):
    pkg = "cloc_xdg"
    root = make_package(plugin_files(pkg))
    monkeypatch.delenv("REGISTRY_CORE_CACHE_DIR")  # run_python copies os.environ: the child has no override
    xdg = tmp_path / "xdg-home"
    data = child(
        root,
        f"""
        import platformdirs
        from {pkg}.base import REGISTRY as R
        sorted(R)
        print(json.dumps({{"path": R.cache_path, "platformdirs": platformdirs.user_cache_dir({pkg!r},
                                                                                           appauthor=False)}}))
    """,
        env={"XDG_CACHE_HOME": str(xdg)},
    )
    assert os.path.dirname(data["path"]) == data["platformdirs"] == str(xdg / pkg)
    assert os.path.isfile(data["path"])


def test_override_sets_the_root_and_namespace_is_the_root_package(make_package, tmp_path):
    make_package(
        {
            "cloc_root/__init__.py": "",
            "cloc_root/sub/__init__.py": "",
            "cloc_root/sub/plugins/__init__.py": "",
            "cloc_root/sub/plugins/base.py": plugin_files("x")["x/base.py"],
            "cloc_root/sub/plugins/p_alpha.py": plugin_source("cloc_root.sub.plugins", "A", "alpha"),
        }
    )
    root = tmp_path / "site"
    cache_dir = tmp_path / "override"
    data = child(
        root,
        """
        from cloc_root.sub.plugins.base import REGISTRY as R
        print(json.dumps({"keys": sorted(R), "path": R.cache_path, "ns": R.config.cache_namespace,
                          "package": R.config.discovery_package}))
    """,
        env=cache_env(cache_dir),
    )
    assert data["package"] == "cloc_root.sub.plugins"
    assert data["ns"] == "cloc_root"
    assert os.path.dirname(data["path"]) == str(cache_dir / "cloc_root")
    assert os.path.isfile(data["path"])
    assert not (tmp_path / "xdg-cache").exists()  # the override wins over XDG_CACHE_HOME


def test_override_is_made_absolute(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("REGISTRY_CORE_CACHE_DIR", "relative-cache")
    assert get_cache_dir("ns") == str(tmp_path / "relative-cache" / "ns")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("REGISTRY_CORE_CACHE_DIR", "~/c")
    assert get_cache_dir("ns") == str(tmp_path / "home" / "c" / "ns")


def test_explicit_cache_namespace(make_package, tmp_path):
    base = """
from registry_core import AutoRegisterMeta, RegistryConfig
class Plugin(metaclass=AutoRegisterMeta):
    __registry_config__ = RegistryConfig(key_attribute="plugin_key", cache_namespace="my-app")
    plugin_key = None
"""
    make_package(plugin_files("cloc_explicit_ns", base=base))
    registry = importlib.import_module("cloc_explicit_ns.base").Plugin.__registry__
    assert os.path.dirname(registry.cache_path) == str(tmp_path / "cache" / "my-app")
    assert sorted(registry) == KEYS
    assert registry.cache_status().state == "valid"


# -- file names: never shared -----------------------------------------------------------------


def test_two_packages_never_share_a_file(make_package, tmp_path):
    make_package(plugin_files("cloc_one"))
    make_package(plugin_files("cloc_two"))
    one = importlib.import_module("cloc_one.base").REGISTRY
    two = importlib.import_module("cloc_two.base").REGISTRY
    assert one.cache_path != two.cache_path
    sorted(one), sorted(two)
    assert os.path.isfile(one.cache_path) and os.path.isfile(two.cache_path)
    assert json.loads(Path(one.cache_path).read_text())["identity"]["package"] == "cloc_one"
    assert json.loads(Path(two.cache_path).read_text())["identity"]["package"] == "cloc_two"


def test_same_package_under_two_prefixes_never_shares_a_file(make_package, monkeypatch):
    from registry_core.cache.registry_cache import RegistryCache

    make_package(plugin_files("cloc_prefix"))
    registry = importlib.import_module("cloc_prefix.base").REGISTRY
    here = RegistryCache(registry).path
    monkeypatch.setattr(sys, "prefix", "/opt/some/other/venv")
    there = RegistryCache(registry).path
    assert here != there
    assert os.path.dirname(here) == os.path.dirname(there)  # same namespace folder, different file
    # The name carries a hash of the identity; only that part differs.
    stem_here, stem_there = Path(here).stem, Path(there).stem
    assert stem_here.rsplit("-", 1)[0] == stem_there.rsplit("-", 1)[0] == "registry_plugin"
    assert stem_here.rsplit("-", 1)[1] != stem_there.rsplit("-", 1)[1]


def test_a_file_from_another_prefix_is_stale(make_package, monkeypatch):
    """Even if two prefixes met in one file, the environment check would refuse it."""
    make_package(plugin_files("cloc_prefix_stale"))
    registry = importlib.import_module("cloc_prefix_stale.base").REGISTRY
    assert sorted(registry) == KEYS
    manager = registry.cache_manager
    assert manager.status().state == "valid"
    monkeypatch.setattr(sys, "prefix", "/opt/some/other/venv")
    status = manager.status()
    assert status.state == "stale"
    assert "environment changed" in status.reason and "prefix" in status.reason


def test_cache_manager_path_equals_cache_path(make_package):
    make_package(plugin_files("cloc_manager"))
    registry = importlib.import_module("cloc_manager.base").REGISTRY
    assert registry._cache_manager._cache_path == registry.cache_path
    assert registry.cache_manager.cache_path == registry.cache_path == registry.cache.path
    assert registry.state == "pending"  # asking where the cache is does not discover


# -- clearing -------------------------------------------------------------------------------------


def test_rmtree_of_the_namespace_folder_clears_everything(make_package, tmp_path):
    pkg = "cloc_rmtree"
    root = make_package(plugin_files(pkg))
    cache_dir = tmp_path / "cache"
    cold = start(root, pkg, cache_dir)
    assert start(root, pkg, cache_dir)["startup"] == ["valid", ""]
    assert os.environ["REGISTRY_CORE_CACHE_DIR"] == str(cache_dir)  # the autouse fixture's folder
    folder = get_cache_dir(pkg)
    assert os.path.dirname(cold["path"]) == folder
    shutil.rmtree(folder)
    data = start(root, pkg, cache_dir)
    assert data["startup"][0] == "missing"
    assert data["keys"] == KEYS and data["now"] == ["valid", ""]


RENAMED_BASE = """
from registry_core import AutoRegisterMeta, LazyDiscoveryDict
REGISTRY = LazyDiscoveryDict()
class PluginRenamed(metaclass=AutoRegisterMeta):
    __registry__ = REGISTRY
    __registry_key__ = "plugin_key"
    plugin_key = None
Plugin = PluginRenamed
"""


def test_list_cache_files_shows_owners_and_orphans(make_package, tmp_path):
    pkg = "cloc_list"
    root = make_package(plugin_files(pkg))
    cache_dir = tmp_path / "cache"
    old = start(root, pkg, cache_dir)
    (root / pkg / "base.py").write_text(RENAMED_BASE)  # the base class is renamed: a new identity
    new = start(root, pkg, cache_dir)
    assert new["startup"][0] == "missing" and new["path"] != old["path"]

    registry = importlib.import_module(f"{pkg}.base").REGISTRY
    assert registry.cache_path == new["path"]
    files = {f.path: f for f in list_cache_files()}
    assert set(files) == {old["path"], new["path"]}
    owned, orphan = files[new["path"]], files[old["path"]]
    assert (owned.owner, owned.owned, owned.orphan) == (f"{pkg}.base.PluginRenamed", True, False)
    assert (orphan.owner, orphan.owned, orphan.orphan) == (f"{pkg}.base.Plugin", False, True)
    for entry in (owned, orphan):
        assert entry.namespace == pkg and entry.kind == "registry" and entry.problem is None
        assert entry.size == os.path.getsize(entry.path) and entry.created is not None
        assert entry.to_dict()["orphan"] is entry.orphan
    # Asking a namespace explicitly finds the same; a broken file is listed with its problem.
    Path(old["path"]).write_bytes(b"\xff garbage")
    listed = {f.path: f for f in list_cache_files([pkg])}
    assert set(listed) == set(files)
    assert listed[old["path"]].problem and listed[old["path"]].owner is None


def test_clear_cache_clear_all_and_rebuild(make_package, tmp_path):
    make_package(plugin_files("cloc_admin_a"))
    make_package(plugin_files("cloc_admin_b"))
    a = importlib.import_module("cloc_admin_a.base").REGISTRY
    b = importlib.import_module("cloc_admin_b.base").REGISTRY
    sorted(a), sorted(b)
    assert a.cache_status().state == b.cache_status().state == "valid"

    assert clear_cache(a) is True
    assert not os.path.exists(a.cache_path)
    assert clear_cache(a) is False
    assert a.cache_status().state == "missing"
    assert b.cache_status().state == "valid"

    assert rebuild_cache(a) is a
    assert a.cache_status().state == "valid"
    assert sorted(a) == KEYS

    folder = Path(a.cache_path).parent
    notes = folder / "notes.txt"
    notes.write_text("mine, not the library's")
    foreign = folder / "settings.json"
    foreign.write_text('{"theme": "dark"}')
    dead = _dead_pid()
    leftover = folder / f"{Path(a.cache_path).name}.{dead}.123.tmp"
    leftover.write_text("half a cache")
    in_flight = folder / f"{Path(a.cache_path).name}.{os.getpid()}.456.tmp"
    in_flight.write_text("being written right now")

    removed = clear_all_caches()
    assert a.cache_path in removed and b.cache_path in removed and str(leftover) in removed
    assert not os.path.exists(a.cache_path) and not os.path.exists(b.cache_path)
    assert sorted(p.name for p in folder.iterdir()) == sorted([notes.name, foreign.name, in_flight.name])
    assert notes.read_text() == "mine, not the library's"
    assert a.cache_status().state == b.cache_status().state == "missing"

    rebuild_cache(b)
    assert b.cache_status().state == "valid"


def _dead_pid() -> int:
    proc = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    return int(proc.stdout)
