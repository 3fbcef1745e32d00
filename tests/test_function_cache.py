"""The function-registry cache: <library>_function_metadata.json, read without importing the functions."""

from __future__ import annotations

import inspect
import json
import os
import shutil
from pathlib import Path

import pytest
from helpers import DEMO_PATH, run_python

LIBRARIES = {
    "openhcs": "openhcs_demo.processing.openhcs_lib.OpenHCSRegistry",
    "skimage": "openhcs_demo.processing.skimage_lib.SkimageRegistry",
    "cupy": "openhcs_demo.processing.cupy_lib.CupyRegistry",
    "pyclesperanto": "openhcs_demo.processing.pyclesperanto_lib.PyclesperantoRegistry",
}
FUNCTION_MODULES = {lib: f"openhcs_demo.processing.functions.{lib}_funcs" for lib in LIBRARIES}

# Loads every demo library's function metadata through LibraryRegistryBase.function_metadata()
# and prints, as one JSON line, what was loaded, what was imported, and each cache's state before/after.
PROBE = """
import importlib, json, sys
from registry_core import function_cache_status
libraries = {libraries!r}
modules = {modules!r}
out = {{"before": {{}}, "after": {{}}, "metadata": {{}}}}
for lib, path in libraries.items():
    module_name, _, cls_name = path.rpartition(".")
    cls = getattr(importlib.import_module(module_name), cls_name)
    status = function_cache_status(lib, cls.FUNCTION_MODULE, namespace="openhcs_demo")
    out["before"][lib] = [status.state, status.reason]
    out["metadata"][lib] = [m.to_dict() for m in cls.function_metadata().values()]
    status = function_cache_status(lib, cls.FUNCTION_MODULE, namespace="openhcs_demo")
    out["after"][lib] = [status.state, status.reason]
out["imported"] = [lib for lib, name in modules.items() if name in sys.modules]
out["inspect"] = "inspect" in sys.modules
print("RESULT " + json.dumps(out))
"""


def _probe(path: Path = DEMO_PATH, libraries: dict | None = None, **kw) -> dict:
    code = PROBE.format(libraries=libraries or LIBRARIES, modules=FUNCTION_MODULES)
    proc = run_python(code, path=[str(path)], **kw)
    assert proc.returncode == 0, proc.stderr
    line = next(line for line in proc.stdout.splitlines() if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def _cache_file(library: str) -> Path:
    return Path(os.environ["REGISTRY_CORE_CACHE_DIR"]) / "openhcs_demo" / f"{library}_function_metadata.json"


@pytest.fixture
def demo_copy(tmp_path):
    """A private copy of the demo whose function modules a test may edit."""
    root = tmp_path / "demo"
    shutil.copytree(DEMO_PATH / "openhcs_demo", root / "openhcs_demo", ignore=shutil.ignore_patterns("__pycache__"))
    return root


def test_cold_run_introspects_and_writes_one_file_per_library():
    cold = _probe()
    assert set(cold["imported"]) == set(LIBRARIES)  # introspection needs the modules
    for lib in LIBRARIES:
        assert cold["before"][lib][0] == "missing"
        assert cold["after"][lib] == ["valid", ""]
        doc = json.loads(_cache_file(lib).read_text())
        assert doc["kind"] == "functions"
        assert doc["identity"]["library"] == lib and doc["identity"]["module"] == FUNCTION_MODULES[lib]
        assert list(doc["items"]) == [m["name"] for m in cold["metadata"][lib]]
        ((root, entries),) = doc["files"]["roots"].items()
        assert root.endswith(os.path.join("processing", "functions"))
        assert [entry[0] for entry in entries] == [f"{lib}_funcs.py"]
    assert sorted(p.name for p in _cache_file("x").parent.iterdir()) == sorted(
        f"{lib}_function_metadata.json" for lib in LIBRARIES
    )


def test_warm_run_imports_no_function_module():
    cold = _probe()
    warm = _probe()
    assert warm["imported"] == []
    assert warm["inspect"] is False  # nothing was introspected
    assert warm["metadata"] == cold["metadata"]
    for lib in LIBRARIES:
        assert warm["before"][lib] == ["valid", ""]


def test_metadata_describes_the_demo_functions(demo_in_process):
    _probe()
    cached = _probe()["metadata"]  # as read back from the cache files
    assert not _probe()["imported"]
    import importlib

    for lib, path in LIBRARIES.items():
        module_name, _, cls_name = path.rpartition(".")
        cls = getattr(importlib.import_module(module_name), cls_name)
        functions = cls.list_functions()
        assert functions, lib
        assert [m["name"] for m in cached[lib]] == [f.__name__ for f in functions]
        for meta, func in zip(cached[lib], functions):
            assert meta["module"] == FUNCTION_MODULES[lib] == func.__module__
            assert meta["qualname"] == func.__qualname__
            assert meta["signature"] == str(inspect.signature(func))
            assert meta["summary"] == func.__doc__.strip().splitlines()[0]
            assert (meta["input_type"], meta["output_type"]) == (func.input_type, func.output_type)

    otsu = next(m for m in cached["skimage"] if m["name"] == "threshold_otsu")
    assert otsu == {
        "name": "threshold_otsu",
        "module": "openhcs_demo.processing.functions.skimage_funcs",
        "qualname": "threshold_otsu",
        "signature": "(values: list[float], bins: int = 256) -> float",
        "summary": "Return the Otsu threshold that best separates the values into two classes.",
        "input_type": "values",
        "output_type": "scalar",
    }
    assert "_kernel" not in [m["name"] for m in cached["openhcs"]]  # private helpers are not functions
    assert [m["name"] for m in cached["openhcs"]][:3] == ["normalize", "max_projection", "mean_projection"]


def test_editing_the_function_module_makes_it_stale_and_rebuilds(demo_copy):
    skimage = {"skimage": LIBRARIES["skimage"]}
    _probe(demo_copy, skimage)
    source = demo_copy / "openhcs_demo" / "processing" / "functions" / "skimage_funcs.py"
    with source.open("a") as handle:
        handle.write(
            '\n\n@contract("image", "image")\ndef flip(image: Image) -> Image:\n'
            '    """Mirror an image left to right."""\n    return [row[::-1] for row in image]\n'
        )
    edited = _probe(demo_copy, skimage)
    assert edited["before"]["skimage"][0] == "stale"
    assert "modified: functions/skimage_funcs.py" in edited["before"]["skimage"][1]
    assert edited["imported"] == ["skimage"]
    assert edited["after"]["skimage"] == ["valid", ""]
    flip = edited["metadata"]["skimage"][-1]
    assert flip["name"] == "flip" and flip["summary"] == "Mirror an image left to right."
    assert flip["signature"] == "(image: list[list[float]]) -> list[list[float]]"
    warm = _probe(demo_copy, skimage)
    assert warm["imported"] == [] and warm["metadata"] == edited["metadata"]


def test_enable_cache_false_introspects_and_writes_nothing():
    result = run_python(
        """
        import sys
        from registry_core import load_function_metadata
        md = load_function_metadata("cupy", "openhcs_demo.processing.functions.cupy_funcs",
                                    namespace="openhcs_demo", enable_cache=False)
        print("LOADED", sorted(md)[:2], "openhcs_demo.processing.functions.cupy_funcs" in sys.modules)
    """,
        path=[str(DEMO_PATH)],
    )
    assert result.returncode == 0, result.stderr
    assert "LOADED ['bit_reverse_permute', 'clip'] True" in result.stdout
    assert not _cache_file("cupy").exists()


def test_corrupt_cache_is_rebuilt():
    _probe(libraries={"cupy": LIBRARIES["cupy"]})
    path = _cache_file("cupy")
    doc = json.loads(path.read_text())
    doc["items"]["clip"] = ["not", "metadata"]
    path.write_text(json.dumps(doc))
    rebuilt = _probe(libraries={"cupy": LIBRARIES["cupy"]})
    assert rebuilt["before"]["cupy"][0] == "valid"  # the header is fine: the item is found bad on load
    assert rebuilt["imported"] == ["cupy"] and rebuilt["after"]["cupy"] == ["valid", ""]
    assert json.loads(path.read_text())["items"]["clip"]["input_type"] == "image"


def test_function_metadata_round_trips_and_rejects_bad_data():
    from registry_core import FunctionMetadata

    meta = FunctionMetadata("f", "m", "f", "(x: int) -> int", "Do f.", "image", None)
    assert FunctionMetadata.from_dict(meta.to_dict()) == meta
    assert meta.display == "f(x: int) -> int"
    for bad in (["f"], {"name": "f"}, dict(meta.to_dict(), input_type=3)):
        with pytest.raises(ValueError):
            FunctionMetadata.from_dict(bad)
    with pytest.raises(ValueError):
        from registry_core.functions import function_cache_manager

        function_cache_manager("../escape", "m", namespace="t")


# (``import registry_core`` leaves registry_core.functions and inspect unloaded: tests/test_import_time.py.)
