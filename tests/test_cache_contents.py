"""What a cache watches, recorded beside the disk now: the Caches tab's "why is it stale?" (issue 14)."""

from __future__ import annotations

import json
import os

from cache_helpers import bump_mtime, plugin_files, start

from registry_core.diagnostics import cache_contents


def test_every_watched_file_recorded_and_now_with_the_changed_one_first(make_package, tmp_path):
    root = make_package(plugin_files("ccn_pkg"))
    cold = start(root, "ccn_pkg", tmp_path / "cache", CCN_PKG_SUBPROCESS_NO_GPU="1")
    contents = cache_contents(cold["path"])
    paths = {os.path.basename(f["path"].rstrip("/")) for f in contents["files"]}
    assert {"__init__.py", "base.py", "p_alpha.py", "p_beta.py", "p_gamma.py", "ccn_pkg"} <= paths
    assert contents["changed"] == 0 and contents["problem"] == ""
    assert contents["environment"]["python"] and contents["environment"]["$CCN_PKG_SUBPROCESS_NO_GPU"] == "1"
    assert contents["entry_points"]["group"] == "ccn_pkg.plugin"
    bump_mtime(root / "ccn_pkg" / "p_beta.py")
    after = cache_contents(cold["path"])
    assert after["changed"] == 1
    first = after["files"][0]
    assert first["path"].endswith("p_beta.py") and first["changed"]
    assert first["mtime_ns"] != first["recorded_mtime_ns"] and first["size"] == first["recorded_size"]


def test_a_metaclass_registry_cache_and_a_broken_file(tmp_path):
    plugin = tmp_path / "plugin.py"
    plugin.write_text("x = 1\n")
    doc = {
        "cache_version": "1.0",
        "version": "1",
        "timestamp": 0,
        "item_entries": [],
        "file_mtimes": {str(plugin): os.stat(plugin).st_mtime, str(tmp_path / "gone.py"): 1.0},
    }
    cache = tmp_path / "backend_registry.json"
    cache.write_text(json.dumps(doc))
    contents = cache_contents(str(cache))
    assert contents["changed"] == 1 and contents["files"][0]["path"].endswith("gone.py")
    assert contents["files"][0]["mtime_ns"] is None
    cache.write_text("{ torn")
    assert "cannot read it" in cache_contents(str(cache))["problem"]


def test_the_caches_tab_shows_them(make_package, tmp_path, qapp):
    from app.widgets.cache_view import contents_html

    root = make_package(plugin_files("ccn_tab"))
    cold = start(root, "ccn_tab", tmp_path / "cache")
    bump_mtime(root / "ccn_tab" / "p_gamma.py")
    text = contents_html(cache_contents(cold["path"]))
    assert "Watched files and folders" in text and "1 changed" in text and "<b>changed</b>" in text
    assert text.index("p_gamma.py") < text.index("p_alpha.py")  # the changed one first
