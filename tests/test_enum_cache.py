"""Enum generation caching: colormap and component enums from JSON, without pyqtgraph/Qt when warm."""

from __future__ import annotations

import copy
import importlib.util
import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest
from helpers import DEMO_PATH, run_python

HEAVY = ("pyqtgraph", "PyQt6", "numpy")

# Prints, as one JSON line, what a fresh process saw of the colormap enum and its cache.
COLORMAP_PROBE = """
import json, sys
from registry_core import enums
before = enums.colormap_cache_manager().status()
C = enums.create_colormap_enum({args})
heavy = [m for m in {heavy!r} if m in sys.modules]
after = enums.colormap_cache_manager().status()
print("RESULT " + json.dumps({{
    "heavy": heavy, "before": [before.state, before.reason], "after": [after.state, after.reason],
    "members": [[m.name, m.value] for m in C], "swatches": enums.colormap_swatches({args}),
    "name": C.__name__, "viridis_source": C.VIRIDIS.source,
}}))
"""


def _result(proc) -> dict:
    assert proc.returncode == 0, proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def _cache_file(namespace: str, name: str) -> Path:
    return Path(os.environ["REGISTRY_CORE_CACHE_DIR"]) / namespace / name


def _colormap_probe(args: str = "", **kw) -> dict:
    return _result(run_python(COLORMAP_PROBE.format(args=args, heavy=HEAVY), **kw))


def _age(path: Path, days: float) -> None:
    doc = json.loads(path.read_text())
    doc["created"] = time.time() - days * 86400
    path.write_text(json.dumps(doc))


def _shipped_maps() -> list[str]:
    """The map files shipped in pyqtgraph/colors/maps, listed without importing pyqtgraph."""
    folder = Path(importlib.util.find_spec("pyqtgraph").submodule_search_locations[0]) / "colors" / "maps"
    return sorted(p.stem for p in folder.iterdir() if p.suffix in (".csv", ".hex"))


@pytest.fixture(autouse=True)
def _forget_test_namespace_caches():
    """The enum caches a test made in its own namespace are not the next test's (the cache panel lists them)."""
    yield
    from registry_core import enums

    for key in [k for k in enums._MANAGERS if k[0] == "test_enums"]:
        del enums._MANAGERS[key]


@pytest.fixture(scope="module")
def cold_colormaps(tmp_path_factory):
    """One cold run (pyqtgraph imported, cache written); tests start warm from a copy of its file."""
    cache = tmp_path_factory.mktemp("colormap-cold")
    result = _colormap_probe(env={"REGISTRY_CORE_CACHE_DIR": str(cache)})
    return result, (cache / "registry_core" / "colormap_enum.json").read_bytes()


@pytest.fixture
def warm_colormaps(cold_colormaps):
    result, data = cold_colormaps
    path = _cache_file("registry_core", "colormap_enum.json")
    path.parent.mkdir(parents=True)
    path.write_bytes(data)
    return result, path


# -- colormaps -------------------------------------------------------------------------
def test_cold_run_discovers_every_shipped_map_and_writes_the_cache(cold_colormaps):
    result, data = cold_colormaps
    assert result["before"][0] == "missing"
    assert result["after"] == ["valid", ""]
    assert "pyqtgraph" in result["heavy"]  # the cold path really asked pyqtgraph
    values = [value for _, value in result["members"]]
    assert sorted(values) == _shipped_maps()  # matplotlib and colorcet are not installed here
    members = dict(result["members"])
    assert members["VIRIDIS"] == "viridis" and members["CET_C1S"] == "CET-C1s"
    assert members["PAL_RELAXED_BRIGHT"] == "PAL-relaxed_bright"
    assert result["name"] == "ColormapEnum" and result["viridis_source"] == "local"
    viridis = result["swatches"]["viridis"]
    assert len(viridis) == 8 and viridis[0] == "#440154" and viridis[-1] == "#fde725"
    assert set(result["swatches"]) == set(values)
    doc = json.loads(data)
    assert doc["kind"] == "enum" and doc["identity"]["name"] == "ColormapEnum"
    assert doc["items"]["viridis"] == {"source": "local", "swatch": viridis}
    assert "pickle" not in data.decode()


def test_warm_run_imports_neither_pyqtgraph_nor_qt_and_matches_cold(warm_colormaps):
    cold, _ = warm_colormaps
    warm = _colormap_probe()
    assert warm["heavy"] == []
    assert warm["before"] == ["valid", ""]
    assert warm["members"] == cold["members"]
    assert warm["swatches"] == cold["swatches"]


def test_colormap_members_pickle_across_processes(warm_colormaps, tmp_path):
    out = tmp_path / "cmap.pickle"
    writer = run_python(f"""
        import pickle
        from registry_core.enums import create_colormap_enum
        C = create_colormap_enum()
        open({str(out)!r}, "wb").write(pickle.dumps((C, C.VIRIDIS, C.CET_L1)))
    """)
    assert writer.returncode == 0, writer.stderr
    reader = run_python(f"""
        import pickle, sys
        from registry_core.enums import create_colormap_enum
        C = create_colormap_enum()
        cls, viridis, l1 = pickle.loads(open({str(out)!r}, "rb").read())
        assert cls is C and viridis is C.VIRIDIS and l1 == C.CET_L1, (cls, viridis, l1)
        assert viridis.swatch[0] == "#440154"
        from registry_core.enums import ColormapEnum  # the module attribute is the same class
        assert ColormapEnum is C
        print("HEAVY", [m for m in ("pyqtgraph", "PyQt6") if m in sys.modules])
    """)
    assert reader.returncode == 0, reader.stderr
    assert "HEAVY []" in reader.stdout


def test_thirty_day_limit(warm_colormaps):
    cold, path = warm_colormaps
    _age(path, 29)
    assert _colormap_probe()["heavy"] == []  # still valid at 29 days
    _age(path, 31)
    rebuilt = _colormap_probe()
    assert rebuilt["before"][0] == "stale"
    assert "older than 30 days" in rebuilt["before"][1]
    assert "pyqtgraph" in rebuilt["heavy"]
    assert rebuilt["after"] == ["valid", ""]
    assert rebuilt["members"] == cold["members"]
    assert time.time() - json.loads(path.read_text())["created"] < 600  # rewritten now


def test_pyqtgraph_version_change_makes_it_stale(warm_colormaps, tmp_path):
    from registry_core.enums import distribution_version

    installed = distribution_version("pyqtgraph")
    assert installed and installed[0].isdigit()
    # A pyqtgraph 99.0.0 earlier on sys.path shadows the installed one, as an upgrade would.
    site = tmp_path / "site"
    (site / "pyqtgraph-99.0.0.dist-info").mkdir(parents=True)
    (site / "pyqtgraph-99.0.0.dist-info" / "METADATA").write_text("Metadata-Version: 2.1\nName: pyqtgraph\n")
    assert distribution_version("pyqtgraph", [(str(site), ["pyqtgraph-99.0.0.dist-info"])]) == "99.0.0"
    upgraded = _colormap_probe(path=[str(site)])
    assert upgraded["before"][0] == "stale"
    assert f"pyqtgraph {installed}" in upgraded["before"][1] and "pyqtgraph 99.0.0" in upgraded["before"][1]
    assert "pyqtgraph" in upgraded["heavy"]
    assert upgraded["after"] == ["valid", ""]
    back = _colormap_probe()  # and back to the installed version: stale again
    assert back["before"][0] == "stale" and "99.0.0" in back["before"][1]


def test_enable_cache_false_always_rebuilds_and_writes_nothing(warm_colormaps):
    cold, path = warm_colormaps
    before = path.read_bytes()
    result = _colormap_probe("enable_cache=False")
    assert "pyqtgraph" in result["heavy"]
    assert result["members"] == cold["members"]
    assert path.read_bytes() == before
    path.unlink()
    result = _colormap_probe("enable_cache=False")
    assert "pyqtgraph" in result["heavy"] and not path.exists()


def test_lazy_defers_discovery_until_first_use_and_does_not_cache(tmp_path):
    result = run_python("""
        import sys
        from registry_core.enums import create_colormap_enum
        lazy = create_colormap_enum(lazy=True)
        print("BEFORE", "pyqtgraph" in sys.modules, lazy.resolved, repr(lazy))
        value = lazy.VIRIDIS.value
        print("AFTER", "pyqtgraph" in sys.modules, lazy.resolved, value, len(lazy), lazy("magma").name)
        print("ITER", [m.name for m in lazy][:2], lazy["TURBO"].value, "inferno" in [m.value for m in lazy])
    """)
    assert result.returncode == 0, result.stderr
    assert "BEFORE False False <LazyEnum ColormapEnum (not generated yet)>" in result.stdout
    assert f"AFTER True True viridis {len(_shipped_maps())} MAGMA" in result.stdout
    assert "ITER ['CET_C1', 'CET_C1S'] turbo True" in result.stdout
    assert not _cache_file("registry_core", "colormap_enum.json").exists()


def test_member_names_are_sanitized_identifiers():
    from registry_core.enums import member_name

    assert member_name("CET-C1s") == "CET_C1S"
    assert member_name("PAL-relaxed_bright") == "PAL_RELAXED_BRIGHT"
    assert member_name("2x--gray") == "MAP_2X_GRAY"
    assert member_name("_private_") == "PRIVATE"
    assert member_name("grey", {"GREY"}) == "GREY_2"
    assert member_name("ümlaut") == "MLAUT"
    assert member_name("---") == "MAP"


# -- component enums -------------------------------------------------------------------
COMPONENT_PROBE = """
import json, sys
from registry_core import enums
from app.demo import demo_component_enums
status = lambda: [s for s in enums.enum_cache_status() if s.name == "AllComponents/VariableComponents/GroupBy"]
import openhcs_demo
from openhcs_demo.components import COMPONENTS
before = enums.component_cache_manager(COMPONENTS, namespace="openhcs_demo", version=openhcs_demo.__version__).status()
All, Var, Group = demo_component_enums({args})
after = status()[0]
print("RESULT " + json.dumps({{
    "before": [before.state, before.reason], "after": [after.state, after.reason],
    "all": [[m.name, m.value, m.description] for m in All], "variable": [[m.name, m.value] for m in Var],
    "group_by": [[m.name, m.value, str(m), m.component.name if m.component else None] for m in Group],
    "component_is_member": Group.CHANNEL.component is All.CHANNEL and Group(None) is Group.NONE,
    "names": [All.__name__, Var.__name__, Group.__name__],
}}))
"""


def _component_probe(args: str = "", **kw) -> dict:
    return _result(run_python(COMPONENT_PROBE.format(args=args), path=[str(DEMO_PATH)], **kw))


EXPECTED_GROUP_BY = [
    ["NONE", None, "None", None],
    ["WELL", "well", "well", "WELL"],
    ["SITE", "site", "site", "SITE"],
    ["CHANNEL", "channel", "channel", "CHANNEL"],
    ["TIMEPOINT", "timepoint", "timepoint", "TIMEPOINT"],
]


def test_component_enums_round_trip_through_one_json_cache():
    cold = _component_probe()
    assert cold["before"][0] == "missing" and cold["after"] == ["valid", ""]
    assert cold["names"] == ["AllComponents", "VariableComponents", "GroupBy"]
    assert [m[:2] for m in cold["all"]] == [
        ["WELL", "well"],
        ["SITE", "site"],
        ["CHANNEL", "channel"],
        ["Z_INDEX", "z_index"],
        ["TIMEPOINT", "timepoint"],
    ]
    assert cold["variable"] == [
        ["SITE", "site"],
        ["CHANNEL", "channel"],
        ["Z_INDEX", "z_index"],
        ["TIMEPOINT", "timepoint"],
    ]
    assert cold["group_by"] == EXPECTED_GROUP_BY
    assert cold["component_is_member"] is True

    path = _cache_file("openhcs_demo", "component_enums.json")
    doc = json.loads(path.read_text())
    assert doc["kind"] == "enum"
    assert doc["items"]["group_by"] == {
        "NONE": None,
        "WELL": "well",
        "SITE": "site",
        "CHANNEL": "channel",
        "TIMEPOINT": "timepoint",
    }
    assert doc["items"]["variable_components"] == dict(m for m in cold["variable"])
    assert doc["items"]["all_components"] == {m[0]: m[1] for m in cold["all"]}

    # Mark the cached data: the warm process must show the mark, so it built its classes from the cache.
    doc["items"]["descriptions"]["well"] = "read from the cache"
    path.write_text(json.dumps(doc))
    warm = _component_probe()
    assert warm["before"] == ["valid", ""]
    assert warm["all"][0] == ["WELL", "well", "read from the cache"]
    assert warm["group_by"] == EXPECTED_GROUP_BY  # custom members restored after loading from cache
    assert warm["component_is_member"] is True
    assert warm["variable"] == cold["variable"]


def test_component_enums_pickle_equal_across_processes(tmp_path):
    out = tmp_path / "components.pickle"
    code = f"""
        import pickle
        from app.demo import demo_component_enums
        All, Var, Group = demo_component_enums()
        values = (All, Var, Group, All.WELL, Var.Z_INDEX, Group.NONE, Group.CHANNEL, [Group.SITE, All.SITE])
        if {{mode!r}} == "write":
            open({str(out)!r}, "wb").write(pickle.dumps(values))
        else:
            loaded = pickle.loads(open({str(out)!r}, "rb").read())
            assert loaded == values, (loaded, values)
            assert all(a is b for a, b in zip(loaded[:7], values[:7]))
            assert loaded[6].component is All.CHANNEL and str(loaded[6]) == "channel"
            assert loaded[5].value is None and loaded[5].component is None
            print("EQUAL")
    """
    writer = run_python(code.format(mode="write"), path=[str(DEMO_PATH)])
    assert writer.returncode == 0, writer.stderr
    for env in ({}, {"REGISTRY_CORE_DISABLE_CACHE": "1"}):  # warm, and with no cache at all
        reader = run_python(code.format(mode="read"), path=[str(DEMO_PATH)], env=env)
        assert reader.returncode == 0, reader.stderr
        assert "EQUAL" in reader.stdout


def test_component_enums_work_in_spawned_workers(demo_in_process):
    from app.demo import demo_component_enums

    All, Var, Group = demo_component_enums()
    members = [All.WELL, Var.CHANNEL, Group.NONE, Group.TIMEPOINT]
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        echoed = pool.map(copy.copy, members)
        components = pool.starmap(getattr, [(Group.CHANNEL, "component"), (Group.NONE, "component")])
        texts = pool.map(str, [Group.CHANNEL, Group.NONE, All.Z_INDEX])
        classes = pool.map(copy.copy, [All, Var, Group])
    assert echoed == members and all(a is b for a, b in zip(echoed, members))
    assert components[0] is All.CHANNEL and components[1] is None
    assert texts == ["channel", "None", "z_index"]
    assert classes[0] is All and classes[1] is Var and classes[2] is Group


def test_seven_day_limit():
    _component_probe()
    path = _cache_file("openhcs_demo", "component_enums.json")
    _age(path, 6)
    assert _component_probe()["before"] == ["valid", ""]
    _age(path, 8)
    stale = _component_probe()
    assert stale["before"][0] == "stale" and "older than 7 days" in stale["before"][1]
    assert stale["after"] == ["valid", ""] and stale["group_by"] == EXPECTED_GROUP_BY


def test_generic_component_enums_follow_their_table_and_version():
    from registry_core.enums import create_component_enums, enum_cache_status

    config = {"plate": {"groupable": True}, "z-plane": {"variable": True, "description": "focus"}}
    All, Var, Group = create_component_enums(config, namespace="test_enums", version="1")
    assert [(m.name, m.value) for m in All] == [("PLATE", "plate"), ("Z_PLANE", "z-plane")]
    assert [m.name for m in Var] == ["Z_PLANE"] and Var.Z_PLANE.description == "focus"
    assert [m.name for m in Group] == ["NONE", "PLATE"] and Group.PLATE.component is All.PLATE
    # Same table and version: the very same classes (members stay identical, so they compare equal).
    assert create_component_enums(config, namespace="test_enums", version="1")[2] is Group
    assert create_component_enums(config, namespace="test_enums", version="1", enable_cache=False)[2] is Group

    status = {s.path: s for s in enum_cache_status()}
    path = str(_cache_file("test_enums", "component_enums.json"))
    assert status[path].state == "valid" and status[path].kind == "enum"
    colormap = str(_cache_file("registry_core", "colormap_enum.json"))
    assert status[colormap].state == "missing"  # listed even before first use

    from registry_core.enums import component_cache_manager

    reordered = dict(reversed(config.items()))  # member order is part of the enum
    assert component_cache_manager(reordered, namespace="test_enums", version="1").status().state == "stale"
    reordered_all = create_component_enums(reordered, namespace="test_enums", version="1", enable_cache=False)[0]
    assert [m.name for m in reordered_all] == ["Z_PLANE", "PLATE"]
    changed = dict(config, well={"groupable": True})
    table_changed = component_cache_manager(changed, namespace="test_enums", version="1").status()
    assert table_changed.state == "stale" and "components" in table_changed.reason
    version_changed = component_cache_manager(config, namespace="test_enums", version="2").status()
    assert version_changed.state == "stale"
    assert "version changed: 1;" in version_changed.reason and "-> 2;" in version_changed.reason
    assert [m.name for m in create_component_enums(changed, namespace="test_enums", version="1")[2]] == [
        "NONE",
        "PLATE",
        "WELL",
    ]


# (``import registry_core`` leaves registry_core.enums unloaded: tests/test_import_time.py.)
