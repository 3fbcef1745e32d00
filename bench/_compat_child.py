"""One run of bench/compat_bench.py in a fresh interpreter; prints one JSON object on its last line.

Usage: python _compat_child.py MODE MODULE ROOT_ATTR EXPECTED
MODE "real" uses the installed metaclass-registry; "compat" calls registry_core.compat.install() first (as a
sitecustomize would), timed apart. Then, timed: ``from MODULE import ROOT_ATTR`` and
``list(ROOT_ATTR.__registry__.keys())``, and which modules that keys() call imported.
"""

import sys
import time

_MS = 1000.0


def main() -> None:
    mode, module, attr, expected = sys.argv[1:5]
    t0 = time.perf_counter()
    if mode == "compat":
        import registry_core.compat

        registry_core.compat.install()
    t1 = time.perf_counter()
    root = getattr(__import__(module, fromlist=[attr]), attr)
    t2 = time.perf_counter()
    before = set(sys.modules)
    c2 = time.process_time()
    keys = list(root.__registry__.keys())
    t3 = time.perf_counter()
    c3 = time.process_time()
    imported = sorted(set(sys.modules) - before)
    if len(keys) != int(expected):
        raise SystemExit(f"expected {expected} keys, got {len(keys)}: {keys}")
    import json

    print(
        json.dumps(
            {
                "install_ms": (t1 - t0) * _MS,
                "import_ms": (t2 - t1) * _MS,
                "keys_ms": (t3 - t2) * _MS,
                # CPU time of the call: steadier than wall time on a machine that is busy with other work.
                "keys_cpu_ms": (c3 - c2) * _MS,
                "statement_ms": (t3 - t1) * _MS,
                "modules_imported_by_keys": len(imported),
                "plugin_modules_imported_by_keys": sum(
                    1 for name in imported if name.startswith(module.rpartition(".")[0] + ".")
                ),
                "library": type(root).__module__,
            }
        )
    )


main()
