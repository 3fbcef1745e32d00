"""One scenario of seed_headlines.py, run in a fresh interpreter; prints one JSON object on its last line.

Usage: python _seed_child.py <scenario> [manifest.json] [registry name]

The subsystem scenarios import ``registry_core`` and ``json`` (and, for the
enums, ``registry_core.enums``) before their timer starts, as the issue asks:
only the subsystem's own work is timed, including any module it loads lazily.
Declaring the demo's registries (importing the modules that define their base
classes) is the application's import, so it happens before the timer too.

The floors import ``json`` (and ``enum``) before their timer and do the least
work the same result needs: ``json.load`` of each cache file plus one
``os.stat`` per path the cache validates (registries, function metadata), or
plus building a plain ``enum.Enum`` with the same members (enums). Their inputs
(paths, member names) come from a manifest the parent wrote, read untimed.
"""

import os
import sys
import time
from functools import partial

_MS = 1000.0


def _demo_registries() -> list:
    import importlib

    from app.demo import DEMO_TARGETS, ensure_importable
    from registry_core import LazyDiscoveryDict

    ensure_importable()
    registries: list = []
    for target in DEMO_TARGETS:
        module = importlib.import_module(target)
        for value in vars(module).values():
            if isinstance(value, LazyDiscoveryDict) and not any(value is r for r in registries):
                registries.append(value)
    return registries


def _plugin_modules() -> int:
    """Demo modules below a discovery package that are imported (0 on a warm start)."""
    packages = (
        "openhcs_demo.microscopes.",
        "openhcs_demo.io.",
        "openhcs_demo.runtime.servers.",
        "openhcs_demo.processing.",
        "openhcs_demo.formats.",
        "acme_hcs_plugins",
        "zeiss_hcs_hook",
    )
    bases = {"microscope_base", "backend_base", "server_base", "library_base", "format_base"}
    return sum(1 for name in list(sys.modules) if name.startswith(packages) and name.rpartition(".")[2] not in bases)


def registries(which: str = "all") -> dict:
    import json  # noqa: F401  (before the timer: the issue's "json already done")

    import registry_core  # noqa: F401

    chosen = [r for r in _demo_registries() if which in ("all", r.name)]
    before = _plugin_modules()
    t0 = time.perf_counter()
    keys = [list(r.keys()) for r in chosen]
    t1 = time.perf_counter()
    return {
        "ms": (t1 - t0) * _MS,
        "keys": sum(len(k) for k in keys),
        "plugin_modules_imported": _plugin_modules() - before,
        "states": {r.name: r.cache.startup_status.state for r in chosen},
        # Valid, but a plugin folder's stamp moved (a __pycache__ written there): the cache was rewritten.
        "refreshed": sum(bool(r.cache.startup_status.refresh) for r in chosen),
    }


def registries_checks() -> dict:
    """The warm path's one-pass check alone (``read_plainly_valid``) of the 5 registries' caches, as their warm
    start calls it, environment included: no registry filled, no item read, no placeholder made. What the
    checks cost before the registries' own work starts."""
    import json  # noqa: F401

    import registry_core  # noqa: F401
    from registry_core.cache.manager import read_plainly_valid
    from registry_core.cache.registry_cache import MAX_AGE_DAYS, RegistryCache, _package_version

    calls = []
    for registry in _demo_registries():
        cache = RegistryCache(registry)  # (a second one, not the registry's: the registry stays unread)
        version = partial(_package_version, cache.package)
        calls.append((cache.path, "registry", cache.identity_name, version, cache.env_vars, MAX_AGE_DAYS))
    t0 = time.perf_counter()
    valid = [read_plainly_valid(*call) is not None for call in calls]
    t1 = time.perf_counter()
    if not all(valid):
        raise SystemExit(f"a warm cache is not plainly valid: {valid}")
    return {"ms": (t1 - t0) * _MS}


#: (library, function module) of the demo's libraries; ``manifest`` checks it against the library registry,
#: so that the timed scenarios need not read that registry (another subsystem) first.
DEMO_LIBRARIES = [
    ("cupy", "openhcs_demo.processing.functions.cupy_funcs"),
    ("openhcs", "openhcs_demo.processing.functions.openhcs_funcs"),
    ("pyclesperanto", "openhcs_demo.processing.functions.pyclesperanto_funcs"),
    ("skimage", "openhcs_demo.processing.functions.skimage_funcs"),
]


def _library_functions() -> list[tuple[str, str]]:
    """(library, function module) of each demo library, as the library registry has them."""
    (library,) = [r for r in _demo_registries() if r.name == "library registry"]
    return [(key, library[key].FUNCTION_MODULE) for key in sorted(library)]


def functions() -> dict:
    import json  # noqa: F401

    import registry_core
    from app.demo import ensure_importable

    ensure_importable()
    libraries = DEMO_LIBRARIES
    before = set(sys.modules)
    t0 = time.perf_counter()
    found = [registry_core.load_function_metadata(lib, mod, namespace="openhcs_demo") for lib, mod in libraries]
    t1 = time.perf_counter()
    imported = [mod for _, mod in libraries if mod in sys.modules and mod not in before]
    return {"ms": (t1 - t0) * _MS, "functions": sum(len(f) for f in found), "function_modules_imported": len(imported)}


def colormap() -> dict:
    import json  # noqa: F401

    import registry_core  # noqa: F401
    import registry_core.enums as enums

    t0 = time.perf_counter()
    cls = enums.create_colormap_enum()
    t1 = time.perf_counter()
    return {"ms": (t1 - t0) * _MS, "members": len(cls), "pyqtgraph_imported": "pyqtgraph" in sys.modules}


def components() -> dict:
    import json  # noqa: F401

    import registry_core  # noqa: F401
    import registry_core.enums  # noqa: F401
    from app.demo import ensure_importable

    ensure_importable()
    import openhcs_demo.components  # noqa: F401  (the table the enums are generated from: the app's import)

    from app.demo import demo_component_enums

    t0 = time.perf_counter()
    classes = demo_component_enums()
    t1 = time.perf_counter()
    return {"ms": (t1 - t0) * _MS, "members": [len(c) for c in classes]}


def combined() -> dict:
    """The documentation's combined start-up: every cached subsystem once, in one process."""
    import json  # noqa: F401

    import registry_core
    import registry_core.enums as enums
    from app.demo import demo_component_enums

    chosen = _demo_registries()
    import openhcs_demo.components  # noqa: F401

    t0 = time.perf_counter()
    for registry in chosen:
        list(registry.keys())
    t1 = time.perf_counter()
    for library, module in DEMO_LIBRARIES:
        registry_core.load_function_metadata(library, module, namespace="openhcs_demo")
    t2 = time.perf_counter()
    enums.create_colormap_enum()
    t3 = time.perf_counter()
    demo_component_enums()
    t4 = time.perf_counter()
    parts = {"registries": t1 - t0, "functions": t2 - t1, "colormap": t3 - t2, "components": t4 - t3}
    return {"ms": (t4 - t0) * _MS, "parts_ms": {k: v * _MS for k, v in parts.items()}}


# -- floors ---------------------------------------------------------------------------------
def _manifest(path: str) -> dict:
    import json

    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _load_and_stat(entries: list, which: str = "stat") -> int:
    import json

    count = 0
    stat = os.stat
    for entry in entries:
        with open(entry["cache"], "rb") as handle:
            json.load(handle)
        for path in entry[which]:
            try:
                stat(path)
            except OSError:  # (the validation looks for paths that are not there too: python311.zip, probes)
                pass
            count += 1
    return count


def registries_floor(manifest: str, which: str = "all", paths: str = "stat") -> dict:
    import json  # noqa: F401

    entries = [e for e in _manifest(manifest)["registries"] if which in ("all", e["name"])]
    t0 = time.perf_counter()
    count = _load_and_stat(entries, paths)
    t1 = time.perf_counter()
    return {"ms": (t1 - t0) * _MS, "paths_statted": count}


def functions_floor(manifest: str, paths: str = "stat") -> dict:
    import json  # noqa: F401

    entries = _manifest(manifest)["functions"]
    t0 = time.perf_counter()
    count = _load_and_stat(entries, paths)
    t1 = time.perf_counter()
    return {"ms": (t1 - t0) * _MS, "paths_statted": count}


def _build_enums(entries: list) -> int:
    import enum
    import json

    built = 0
    for entry in entries:
        with open(entry["cache"], "rb") as handle:
            json.load(handle)
        for name, members in entry["enums"]:
            enum.Enum(name, [tuple(m) for m in members])
            built += 1
    return built


def colormap_floor(manifest: str) -> dict:
    import enum  # noqa: F401
    import json  # noqa: F401

    entries = [_manifest(manifest)["colormap"]]
    t0 = time.perf_counter()
    _build_enums(entries)
    t1 = time.perf_counter()
    return {"ms": (t1 - t0) * _MS}


def components_floor(manifest: str) -> dict:
    import enum  # noqa: F401
    import json  # noqa: F401

    entries = [_manifest(manifest)["components"]]
    t0 = time.perf_counter()
    _build_enums(entries)
    t1 = time.perf_counter()
    return {"ms": (t1 - t0) * _MS}


def combined_floor(manifest: str) -> dict:
    import enum  # noqa: F401
    import json  # noqa: F401

    data = _manifest(manifest)
    t0 = time.perf_counter()
    _load_and_stat(data["registries"])
    _load_and_stat(data["functions"])
    _build_enums([data["colormap"], data["components"]])
    t1 = time.perf_counter()
    return {"ms": (t1 - t0) * _MS}


def _stats_during(action: object) -> list[str]:
    """Every path ``os.stat`` or ``os.lstat`` was asked about while ``action()`` ran (once each, in order)."""
    seen: list[str] = []
    real_stat, real_lstat = os.stat, os.lstat

    def caught(real: object) -> object:
        def stat(path: object, *args: object, **kwargs: object) -> os.stat_result:
            if isinstance(path, str) and path not in seen:
                seen.append(path)
            return real(path, *args, **kwargs)  # type: ignore[operator]

        return stat

    os.stat, os.lstat = caught(real_stat), caught(real_lstat)  # type: ignore[assignment]
    try:
        action()  # type: ignore[operator]
    finally:
        os.stat, os.lstat = real_stat, real_lstat
    return seen


def manifest() -> dict:
    """What the floors need, read from this environment's warm caches (run once, untimed).

    ``stat`` lists the source files and folders a cache's fingerprint records (the
    issue's floor); ``stat_all`` every path a warm validation really stats, caught
    while it ran: those, the cache folder (owner and mode), each sys.path folder
    (entry points) and where the package's top-level name is looked for along
    sys.path (the import path).
    """
    import json

    import registry_core.enums as enums

    def paths(doc: dict) -> list[str]:
        out = []
        for root, entries in (doc.get("files") or {}).get("roots", {}).items():
            for entry in entries:
                rel = entry[0]
                out.append(root if rel == "/" else os.path.join(root, rel.rstrip("/")))
        return out

    def read(path: str) -> dict:
        with open(path, encoding="utf-8") as handle:
            return json.load(handle)

    import registry_core

    result: dict = {"registries": [], "functions": []}
    for registry in _demo_registries():
        path = registry.cache_path
        validated = _stats_during(lambda r=registry: list(r.keys()))
        entry = {"name": registry.name, "cache": path, "stat": paths(read(path)), "stat_all": validated}
        result["registries"].append(entry)
    from registry_core.functions import function_cache_manager

    for library, module in DEMO_LIBRARIES:
        path = function_cache_manager(library, module, namespace="openhcs_demo").cache_path
        validated = _stats_during(
            lambda lib=library, mod=module: registry_core.load_function_metadata(lib, mod, namespace="openhcs_demo")
        )
        entry = {"name": library, "module": module, "cache": path, "stat": paths(read(path)), "stat_all": validated}
        result["functions"].append(entry)
    if _library_functions() != DEMO_LIBRARIES:
        raise SystemExit(f"the demo's libraries changed: {_library_functions()}; update DEMO_LIBRARIES")
    colormap = enums.create_colormap_enum()
    result["colormap"] = {
        "cache": enums.colormap_cache_manager().cache_path,
        "enums": [["ColormapEnum", [[m.name, m.value] for m in colormap]]],
    }
    from app.demo import demo_component_enums

    classes = demo_component_enums()
    result["components"] = {
        "cache": enums._MANAGERS["openhcs_demo", "component_enums"].cache_path,
        "enums": [[c.__name__, [[m.name, m.value] for m in c]] for c in classes],
    }
    return result


_SCENARIOS = {
    "registries": registries,
    "functions": functions,
    "colormap": colormap,
    "components": components,
    "combined": combined,
    "registries-floor": registries_floor,
    "registries-checks": registries_checks,
    "functions-floor": functions_floor,
    "colormap-floor": colormap_floor,
    "components-floor": components_floor,
    "combined-floor": combined_floor,
    "manifest": manifest,
}


def main() -> None:
    scenario, *args = sys.argv[1:]
    result = _SCENARIOS[scenario](*args)
    import json

    print(json.dumps(result))


if __name__ == "__main__":
    main()
