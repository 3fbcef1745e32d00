"""The embedded demo ecosystem: every registry, its plugins, and its three deliberate failures."""

from __future__ import annotations

import json

from helpers import DEMO_PATH, DEMO_REGISTRIES, ROOT, run_python

SUMMARY = """
    import json, sys
    from app.demo import load_demo
    out = {}
    for registry in load_demo():
        keys = sorted(registry)
        report = registry.report
        out[registry.name] = {
            "keys": keys,
            "failures": [[m.name, m.error_type] for m in report.failures],
            "skipped": [[c.class_name, c.status] for c in report.skipped],
            "source": report.source,
            "plugin_modules": sorted(m for m in sys.modules if m.startswith("openhcs_demo.") and "base" not in m),
        }
    from openhcs_demo.microscopes.microscope_base import METADATA_HANDLERS
    out["metadata"] = sorted(METADATA_HANDLERS)
    print(json.dumps(out))
"""


def _run(env=None):
    result = run_python(SUMMARY, path=[str(ROOT)], env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_demo_registries_and_their_three_failures():
    data = _run()
    for name, keys in DEMO_REGISTRIES.items():
        assert data[name]["keys"] == keys, name
    assert data["metadata"] == DEMO_REGISTRIES["microscope handler"]
    # 1: an import that fails on a missing optional dependency
    assert data["microscope handler"]["failures"] == [["openhcs_demo.microscopes.cellvoyager", "ModuleNotFoundError"]]
    # 2: a concrete class without a key
    assert ["S3Backend", "no_key"] in data["storage backend"]["skipped"]
    # 3: a duplicate key
    assert ["SkimageCompatRegistry", "duplicate"] in data["library registry"]["skipped"]


def test_demo_warm_start_lists_plugins_and_failures_without_importing_them():
    _run()  # cold: writes the caches
    data = _run()
    for name, keys in DEMO_REGISTRIES.items():
        assert data[name]["keys"] == keys
        assert data[name]["source"] == "cache"
    assert data["microscope handler"]["failures"][0][1] == "ModuleNotFoundError"
    assert ["SkimageCompatRegistry", "duplicate"] in data["library registry"]["skipped"]
    imported = {m for entry in DEMO_REGISTRIES for m in data[entry]["plugin_modules"]}
    # Only package __init__ modules (namespaces of the registries) may be loaded; no plugin module.
    assert all(m.count(".") == 1 or m.endswith((".runtime", ".servers")) for m in imported), imported


def test_demo_is_importable_from_resources():
    assert (DEMO_PATH / "openhcs_demo" / "__init__.py").exists()
    assert (DEMO_PATH / "acme_hcs_plugins-0.3.0.dist-info" / "entry_points.txt").exists()


def test_demo_root_is_the_folder_importlib_resources_gives():
    """Found on disk without importing importlib.resources (a warm CLI start's ~10 ms); the same folder."""
    from importlib.resources import as_file, files

    from app import demo

    with as_file(files(demo.RESOURCES_PACKAGE).joinpath("demo")) as expected:
        assert demo._folder_on_disk(demo.RESOURCES_PACKAGE, "demo") == expected
    assert demo.demo_root() == expected
    assert demo._folder_on_disk(demo.RESOURCES_PACKAGE, "no such folder") is None
    assert demo._folder_on_disk("no_such_package_anywhere", "demo") is None
