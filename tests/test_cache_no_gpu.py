"""``<NAMESPACE>_SUBPROCESS_NO_GPU``: a GPU-less worker sees fewer plugins and never poisons the main cache."""

from __future__ import annotations

from cache_helpers import cache_env, child, plugin_files, plugin_source
from helpers import DEMO_PATH

PKG = "cng_gpu"
VAR = "CNG_GPU_SUBPROCESS_NO_GPU"

BASE = f"""
import os
from registry_core import AutoRegisterMeta, LazyDiscoveryDict, RegistryConfig, discover_registry_classes_recursive
REGISTRY = LazyDiscoveryDict()

def _discover(paths, prefix, base_class):
    no_gpu = os.environ.get({VAR!r}) == "1"
    discover_registry_classes_recursive(paths, prefix, base_class,
                                        module_filter=lambda name: not (no_gpu and name.endswith(".p_cuda")))

class Plugin(metaclass=AutoRegisterMeta):
    __registry_config__ = RegistryConfig(registry_dict=REGISTRY, key_attribute="plugin_key",
                                         discovery_function=_discover)
    plugin_key = None
"""

FULL = ["cpu_a", "cpu_b", "cuda"]
REDUCED = ["cpu_a", "cpu_b"]

RUN = f"""
from {PKG}.base import REGISTRY as R
keys = sorted(R)
print(json.dumps({{"keys": keys, "startup": _st(R.cache.startup_status), "source": R.report.source,
                  "now": _st(R.cache_status()), "cuda_imported": {PKG + ".p_cuda"!r} in sys.modules,
                  "path": R.cache_path}}))
"""


def _layout(make_package):
    return make_package(
        plugin_files(
            PKG,
            keys=("cpu_a", "cpu_b"),
            base=BASE,
            extra={
                f"{PKG}/p_cuda.py": plugin_source(PKG, "CudaPlugin", "cuda"),
            },
        )
    )


def _run(root, cache_dir, no_gpu: str | None) -> dict:
    env = cache_env(cache_dir)
    if no_gpu is not None:
        env[VAR] = no_gpu
    return child(root, RUN, env=env)


def test_no_gpu_child_does_not_poison_the_main_cache(make_package, tmp_path):
    root = _layout(make_package)
    cache_dir = tmp_path / "cache"

    worker = _run(root, cache_dir, "1")  # the GPU-less worker starts first and writes the cache
    assert worker["keys"] == REDUCED
    assert worker["cuda_imported"] is False
    assert worker["now"] == ["valid", ""]

    main = _run(root, cache_dir, None)
    assert main["keys"] == FULL  # not the worker's reduced set
    assert main["startup"][0] == "stale"
    assert "environment changed" in main["startup"][1] and VAR in main["startup"][1]
    assert main["source"] == "discovery"
    assert main["path"] == worker["path"]

    again = _run(root, cache_dir, None)
    assert again["startup"] == ["valid", ""] and again["keys"] == FULL and again["cuda_imported"] is False


def test_main_cache_is_not_used_by_a_no_gpu_worker(make_package, tmp_path):
    root = _layout(make_package)
    cache_dir = tmp_path / "cache"
    assert _run(root, cache_dir, None)["keys"] == FULL
    assert _run(root, cache_dir, None)["startup"] == ["valid", ""]

    worker = _run(root, cache_dir, "1")
    assert worker["keys"] == REDUCED  # the cached "cuda" entry is not offered to a GPU-less worker
    assert worker["cuda_imported"] is False
    assert worker["startup"][0] == "stale" and VAR in worker["startup"][1]

    # Alternating starts each get their own correct set, whatever the other one wrote.
    for no_gpu, expected in ((None, FULL), ("1", REDUCED), ("0", FULL), (None, FULL)):
        data = _run(root, cache_dir, no_gpu)
        assert data["keys"] == expected, (no_gpu, data)
        assert data["now"] == ["valid", ""]


DEMO = """
from openhcs_demo.io.backend_base import STORAGE_BACKENDS as R
keys = sorted(R)
print(json.dumps({"keys": keys, "startup": _st(R.cache.startup_status),
                  "viewer_modules": sorted(m for m in sys.modules
                                           if m in ("openhcs_demo.io.napari_stream", "openhcs_demo.io.fiji_stream"))}))
"""

DEMO_FULL = ["disk", "fiji_stream", "memory", "napari_stream", "omero_local", "virtual_workspace", "zarr", "zeiss_czi"]


def test_demo_no_gpu_drops_viewer_backends(tmp_path):
    cache_dir = tmp_path / "cache"
    no_gpu = cache_env(cache_dir, OPENHCS_DEMO_SUBPROCESS_NO_GPU="1")

    full = child(DEMO_PATH, DEMO, env=cache_env(cache_dir))
    assert full["keys"] == DEMO_FULL
    reduced = child(DEMO_PATH, DEMO, env=no_gpu)
    assert reduced["keys"] == [k for k in DEMO_FULL if k not in ("napari_stream", "fiji_stream")]
    assert reduced["viewer_modules"] == []
    assert reduced["startup"][0] == "stale" and "OPENHCS_DEMO_SUBPROCESS_NO_GPU" in reduced["startup"][1]

    back = child(DEMO_PATH, DEMO, env=cache_env(cache_dir))
    assert back["keys"] == DEMO_FULL
    assert back["startup"][0] == "stale"
    warm = child(DEMO_PATH, DEMO, env=cache_env(cache_dir))
    assert warm["keys"] == DEMO_FULL and warm["startup"] == ["valid", ""] and warm["viewer_modules"] == []
