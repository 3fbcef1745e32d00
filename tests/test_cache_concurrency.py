"""Many processes (and threads) starting on one cache folder: one writer, no torn files, no stale locks."""

from __future__ import annotations

import importlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

from cache_helpers import cache_env, plugin_files, spawn, start, start_together
from helpers import ROOT

N_PROCESSES = 8
KEYS = sorted(f"k{i:02d}" for i in range(24))


BARRIER_CHILD = """
from {pkg}.base import REGISTRY as R
R.cache_path  # everything but discovery is done before the barrier
os.write({ready}, b"r")
os.close({ready})
os.read({go}, 1)  # blocks until the parent closes the pipe: everybody starts together
keys = sorted(R)
print(json.dumps({{"keys": keys, "startup": _st(R.cache.startup_status), "source": R.report.source,
                  "now": _st(R.cache_status())}}))
"""


def test_eight_processes_cold_start_together(make_package, tmp_path):
    pkg = "ccc_eight"
    root = make_package(plugin_files(pkg, keys=KEYS))
    cache_dir = tmp_path / "cache"
    results = []
    for returncode, out, err in start_together(BARRIER_CHILD, N_PROCESSES, root, cache_env(cache_dir), pkg=pkg):
        assert returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))

    assert all(r["keys"] == KEYS for r in results)
    assert all(r["now"] == ["valid", ""] for r in results)
    assert all(r["startup"][0] in ("missing", "valid") for r in results)
    # Under the lock only one process discovers; the others find its cache when they get the lock.
    assert [r["source"] for r in results].count("discovery") == 1, results

    folder = cache_dir / pkg
    names = sorted(p.name for p in folder.iterdir())
    assert len([n for n in names if n.endswith(".json")]) == 1, names
    assert not [n for n in names if n.endswith(".tmp")], names
    assert set(names) <= {n for n in names if n.endswith((".json", ".json.lock"))}

    fresh = start(root, pkg, cache_dir)
    assert fresh["startup"] == ["valid", ""]
    assert fresh["keys"] == KEYS
    assert fresh["plugins"] == []


HOLDER = """
from registry_core.cache.lock import CacheLock
from {pkg}.base import REGISTRY as R
lock = CacheLock(R.cache_path + ".lock", 5)
lock.__enter__()
print(json.dumps({{"acquired": lock.acquired, "path": lock.path}}), flush=True)
sys.stdin.read()  # hold the lock until killed
"""


def test_lock_of_a_killed_process_never_blocks_the_next_start(make_package, tmp_path):
    pkg = "ccc_killed"
    root = make_package(plugin_files(pkg))
    cache_dir = tmp_path / "cache"
    holder = spawn(HOLDER.format(pkg=pkg), root, cache_env(cache_dir), stdin=subprocess.PIPE)
    try:
        held = json.loads(holder.stdout.readline())
        assert held["acquired"] is True
        assert os.path.exists(held["path"])
        # While it is held, nobody else gets it.
        probe = subprocess.run(
            [
                sys.executable,
                "-c",
                textwrap.dedent(f"""
            from registry_core.cache.lock import CacheLock
            with CacheLock({held["path"]!r}, 0) as lock:
                print(lock.acquired, lock.error is not None)
        """),
            ],
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            timeout=60,
        )
        assert probe.stdout.split() == ["False", "True"], probe.stderr
    finally:
        os.kill(holder.pid, signal.SIGKILL)
        holder.wait(timeout=30)
        holder.stdin.close()
        holder.stdout.close()
        holder.stderr.close()
    assert holder.returncode == -signal.SIGKILL
    assert os.path.exists(held["path"])  # the lock file stays; the kernel dropped the lock itself

    data = start(root, pkg, cache_dir)
    assert data["startup"][0] == "missing"
    assert data["keys"] == ["alpha", "beta", "gamma"]
    assert data["now"] == ["valid", ""]  # it took the lock and wrote the cache
    assert data["warnings"] == []
    assert start(root, pkg, cache_dir)["startup"] == ["valid", ""]


# -- threads in one process -----------------------------------------------------------------------


def _in_process(make_package, pkg, keys=KEYS):
    make_package(plugin_files(pkg, keys=keys))
    return importlib.import_module(f"{pkg}.base").REGISTRY


def test_two_threads_first_read_together(make_package, tmp_path, monkeypatch):
    registry = _in_process(make_package, "ccc_threads")
    import registry_core._discovery as discovery

    calls = []
    real = discovery.run_discovery
    monkeypatch.setattr(discovery, "run_discovery", lambda r, report: (calls.append(1), real(r, report))[1])
    barrier = threading.Barrier(2)
    seen, errors = [], []

    def read():
        try:
            barrier.wait(timeout=30)
            seen.append(sorted(registry))
        except BaseException as exc:  # noqa: BLE001 - surfaced below
            errors.append(exc)

    threads = [threading.Thread(target=read) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert seen == [KEYS, KEYS]
    assert len(calls) == 1
    status = registry.cache_status()
    assert status.state == "valid", status
    assert sorted(p.name for p in Path(registry.cache_path).parent.glob("*.tmp")) == []


def test_clear_all_caches_racing_a_rebuilding_thread(make_package, tmp_path):
    from registry_core import clear_all_caches

    registry = _in_process(make_package, "ccc_clear_race", keys=KEYS[:6])
    assert sorted(registry) == KEYS[:6]
    folder = Path(registry.cache_path).parent
    (folder / "notes.txt").write_text("not ours")
    errors = []
    stop = threading.Event()

    def rebuild():
        try:
            for _ in range(15):
                registry.rebuild()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            stop.set()

    def clear():
        try:
            while not stop.is_set():
                clear_all_caches()
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=rebuild), threading.Thread(target=clear)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert sorted(registry) == KEYS[:6]
    assert registry.cache_status().state in ("valid", "missing")
    assert not list(folder.glob("*.tmp"))

    registry.rebuild()
    assert registry.cache_status().state == "valid"
    removed = clear_all_caches()
    assert registry.cache_path in removed
    assert registry.cache_status().state == "missing"
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]
