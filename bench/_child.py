"""One benchmark scenario, run in a fresh interpreter by run_discovery_bench.py.

Usage: python _child.py <scenario> <args...>; prints one JSON object on the
last stdout line.

Nothing beyond what the interpreter has already loaded at start-up is imported
before a timer starts: importing json (or anything the libraries also import)
up front would hand that cost to the code under test for free. json is imported
only after the timed region.
"""

import os
import sys
import time

# Milliseconds are what the report prints; converting here keeps the parent
# free of unit bookkeeping.
_MS = 1000.0


def _plugin_modules_loaded(pkg: str) -> int:
    prefix = pkg + ".plugins."
    return sum(1 for name in list(sys.modules) if name.startswith(prefix))


def discovery(library_module: str, pkg: str, expected_keys: str) -> dict:
    """Cold or warm start: import library, import the root, list the keys.

    The library is imported on its own first only so the report can show how
    the total splits; the total is the same as importing base directly.
    """
    t0 = time.perf_counter()
    __import__(library_module)
    t1 = time.perf_counter()
    __import__(pkg + ".base")
    base = sys.modules[pkg + ".base"]
    t2 = time.perf_counter()
    keys = list(base.REGISTRY.keys())
    t3 = time.perf_counter()
    if len(keys) != int(expected_keys):
        raise SystemExit(f"expected {expected_keys} keys, got {len(keys)}")
    return {
        "total_ms": (t3 - t0) * _MS,
        "lib_import_ms": (t1 - t0) * _MS,
        "base_import_ms": (t2 - t1) * _MS,
        "keys_ms": (t3 - t2) * _MS,
        "n_keys": len(keys),
        "plugin_modules_loaded": _plugin_modules_loaded(pkg),
    }


def _newest_json(cache_root: str) -> str | None:
    newest: tuple[float, str] | None = None
    for dirpath, _dirs, files in os.walk(cache_root):
        for name in files:
            if name.endswith(".json"):
                path = os.path.join(dirpath, name)
                mtime = os.stat(path).st_mtime
                if newest is None or mtime > newest[0]:
                    newest = (mtime, path)
    return None if newest is None else newest[1]


def _stat_tree(pkg_dir: str) -> int:
    """Stat every source file and directory of the package; return count.

    Listing each directory is part of the floor because a validator must
    notice added files, not only changed ones. __pycache__ is skipped: it is
    the interpreter's cache, not source a registry cache depends on.
    """
    count = 0
    os.stat(pkg_dir)
    count += 1
    pending = [pkg_dir]
    while pending:
        directory = pending.pop()
        with os.scandir(directory) as entries:
            for entry in entries:
                if entry.name == "__pycache__":
                    continue
                # scandir's d_type does not include mtimes: a real stat per
                # entry is what mtime validation costs.
                os.stat(entry.path)
                count += 1
                if entry.is_dir(follow_symlinks=False):
                    pending.append(entry.path)
    return count


def floor(pkg_dir: str, cache_root: str) -> dict:
    """Floor A (parse our cache file) + floor B (stat the package), one run.

    B does not need our cache, so it is measured even when there is none;
    A and A+B then carry the reason they are missing instead of a number.
    """
    path = _newest_json(cache_root)
    t_json = time.perf_counter()
    import json  # the floor is the parse, not the module import; timed apart

    t0 = time.perf_counter()
    if path is not None:
        with open(path, "rb") as handle:
            json.load(handle)
    t1 = time.perf_counter()
    stats = _stat_tree(pkg_dir)
    t2 = time.perf_counter()
    result = {
        "b_ms": (t2 - t1) * _MS,
        "json_import_ms": (t0 - t_json) * _MS,
        "paths_statted": stats,
    }
    if path is None:
        reason = "no ours cache file (*.json) to load"
        result["missing"] = {"a_ms": reason, "ab_ms": reason, "fresh_ab_ms": reason, "cache_bytes": reason}
    else:
        result.update(
            a_ms=(t1 - t0) * _MS,
            ab_ms=(t2 - t0) * _MS,
            # What any JSON cache reader pays in a fresh process: the json import too.
            fresh_ab_ms=(t2 - t_json) * _MS,
            cache_file=path,
            cache_bytes=os.stat(path).st_size,
        )
    return result


def plain(pkg: str, expected_modules: str) -> dict:
    """Hand-written discovery with no registry: walk + import everything."""
    t0 = time.perf_counter()
    import importlib
    import pkgutil

    root = importlib.import_module(pkg)
    imported = 0
    for info in pkgutil.walk_packages(root.__path__, pkg + "."):
        importlib.import_module(info.name)
        imported += 1
    t1 = time.perf_counter()
    if _plugin_modules_loaded(pkg) != int(expected_modules):
        raise SystemExit(f"expected {expected_modules} plugin modules")
    return {"total_ms": (t1 - t0) * _MS, "modules_imported": imported}


def import_only(library_module: str, required_attrs: str = "") -> dict:
    t0 = time.perf_counter()
    __import__(library_module)
    t1 = time.perf_counter()
    # An empty directory imports as a namespace package in no time; that is
    # not the library, so the timing must not be reported as if it were.
    module = sys.modules[library_module]
    missing = [a for a in required_attrs.split(",") if a and not hasattr(module, a)]
    if missing:
        raise SystemExit(f"{library_module} lacks {', '.join(missing)}")
    return {"total_ms": (t1 - t0) * _MS}


_SCENARIOS = {
    "discovery": discovery,
    "floor": floor,
    "plain": plain,
    "import": import_only,
}


def main() -> None:
    scenario, *args = sys.argv[1:]
    result = _SCENARIOS[scenario](*args)
    import json

    print(json.dumps(result))


if __name__ == "__main__":
    main()
