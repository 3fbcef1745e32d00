"""Load: many processes and many threads starting on one registry at the same moment.

* 16 fresh processes cold-start the same registry on the same cache folder, released
  together through a pipe the parent closes; 10 rounds, the cache folder cleared before
  each. Every process gets the full, correct registry; each round ends with exactly one
  valid cache file and no ``.tmp`` leftovers; the number of processes that actually
  rebuilt (found no valid cache AND ran discovery) is counted per round: the lock makes
  it one.
* 32 threads of one fresh process touch a registry (or its SecondaryRegistryDict) first,
  together: discovery runs once and no thread sees a partial registry.
* Plugin modules that read their own registry and another registry while discovery
  imports them: no deadlock, no RecursionError, in one thread or two racing threads.

(``test_cache_concurrency`` covers 8 processes once and 2 threads; ``test_lazy_dict``
covers 32 in-process threads with a patched discovery; this file is the scale version.)
"""

from __future__ import annotations

import json
import os
import shutil
import textwrap
from pathlib import Path

import pytest
from cache_helpers import PRELUDE, cache_env, child, plugin_files, spawn, start, start_together
from helpers import BASE_WITH_SECONDARY, run_python

N_PROCESSES = 16
ROUNDS = 10
KEYS = sorted(f"k{i:02d}" for i in range(24))

#: Filled by the process test; printed (``-s``) so the figures can be quoted.
REBUILDS_PER_ROUND: list[int] = []


COLD_CHILD = """
from {pkg}.base import REGISTRY as R
R.cache_path  # everything but discovery happens before the barrier
os.write({ready}, b"r")
os.close({ready})
os.read({go}, 1)  # returns when the parent closes the pipe: all 16 start together
keys = sorted(R)
startup = R.cache.startup_status
source = R.report.source
values_ok = all(R[k].plugin_key == k and R[k].__name__ == "Plugin_" + k for k in keys)
print(json.dumps({{"pid": os.getpid(), "keys": keys, "startup": _st(startup), "source": source,
                  "rebuilt": startup.state != "valid" and source == "discovery", "values_ok": values_ok,
                  "now": _st(R.cache_status()), "warnings": WARNINGS}}))
"""


def _one_round(root: Path, pkg: str, cache_dir: Path) -> list[dict]:
    results = []
    for returncode, out, err in start_together(COLD_CHILD, N_PROCESSES, root, cache_env(cache_dir), pkg=pkg):
        assert returncode == 0, err
        data = json.loads(out.strip().splitlines()[-1])
        data["stderr"] = err
        results.append(data)
    return results


@pytest.mark.slow
def test_sixteen_processes_cold_start_together_ten_rounds(make_package, tmp_path):
    pkg = "rl_load16"
    root = make_package(plugin_files(pkg, keys=KEYS))
    cache_dir = tmp_path / "cache"
    folder = cache_dir / pkg
    REBUILDS_PER_ROUND.clear()
    created_seen = set()
    for round_no in range(ROUNDS):
        shutil.rmtree(cache_dir, ignore_errors=True)  # cold: no file, no lock file
        results = _one_round(root, pkg, cache_dir)

        assert len({r["pid"] for r in results}) == N_PROCESSES
        for r in results:
            # Never a torn or partial read: every process sees every key, and every value is the real class.
            assert r["keys"] == KEYS, (round_no, r)
            assert r["values_ok"] is True, (round_no, r)
            assert r["now"][0] == "valid", (round_no, r)
            assert r["startup"][0] in ("missing", "valid"), (round_no, r)  # never corrupt, never stale
            assert r["warnings"] == [], (round_no, r)
            assert "Traceback" not in r["stderr"], r["stderr"]
        rebuilt = sum(r["rebuilt"] for r in results)
        REBUILDS_PER_ROUND.append(rebuilt)

        names = sorted(p.name for p in folder.iterdir())
        jsons = [n for n in names if n.endswith(".json")]
        assert len(jsons) == 1, names
        assert not [n for n in names if n.endswith(".tmp")], names
        assert set(names) == {jsons[0], jsons[0] + ".lock"}, names
        doc = json.loads((folder / jsons[0]).read_text())
        assert sorted(doc["items"]) == KEYS
        created_seen.add(doc["created"])

    print(f"\n[reliability-load] {ROUNDS} rounds x {N_PROCESSES} processes; rebuilds per round: {REBUILDS_PER_ROUND}")
    assert len(created_seen) == ROUNDS  # each round wrote its own file
    # The lock: a process that waited for it re-reads the cache instead of rebuilding again.
    assert all(1 <= n <= 2 for n in REBUILDS_PER_ROUND), REBUILDS_PER_ROUND
    assert sum(REBUILDS_PER_ROUND) <= ROUNDS + 2, REBUILDS_PER_ROUND

    fresh = start(root, pkg, cache_dir)
    assert fresh["startup"][0] == "valid" and fresh["source"] == "cache"
    assert fresh["keys"] == KEYS and fresh["plugins"] == []


# -- 32 threads in one fresh process ----------------------------------------------------------

THREAD_BASE = BASE_WITH_SECONDARY

THREAD_KEYS = sorted(f"t{i:02d}" for i in range(30)) + ["zz_gate"]
N_THREADS = 32


def _thread_package(make_package, pkg: str) -> Path:
    files = {f"{pkg}/__init__.py": "", f"{pkg}/base.py": THREAD_BASE, f"{pkg}_gate.py": GATE_MODULE}
    for key in THREAD_KEYS:
        gate = f"import {pkg}_gate\n{pkg}_gate.hold()\n" if key == "zz_gate" else ""
        files[f"{pkg}/p_{key}.py"] = (
            f"{gate}from {pkg}.base import Plugin\n"
            f"class Meta_{key}:\n    pass\n"
            f"class Plugin_{key}(Plugin):\n    plugin_key = {key!r}\n"
            f"    meta = Meta_{key}\n"
        )
    return make_package(files)


# Imported by the last plugin module during a cold discovery: holds discovery open until every
# thread has announced that it is about to read, so the 31 others really pile up on it.
GATE_MODULE = """
import threading
COND = threading.Condition()
TOUCHING = [0]
HELD = []
EXPECTED = [0]
def touching():
    with COND:
        TOUCHING[0] += 1
        COND.notify_all()
def hold():
    HELD.append(threading.get_ident())
    with COND:
        if not COND.wait_for(lambda: TOUCHING[0] >= EXPECTED[0], timeout=60):
            raise RuntimeError("threads never arrived")
"""

THREADS_CHILD = """
import threading
import registry_core._discovery as _disc
import registry_core._registry as _reg
import {pkg}_gate as gate
from {pkg}.base import REGISTRY as R, METADATA as M
CALLS = {{"populate": [], "discovery": []}}
_real_populate, _real_run = _reg.LazyDiscoveryDict._populate, _disc.run_discovery
def _populate(registry):
    CALLS["populate"].append(threading.get_ident())
    return _real_populate(registry)
def _run(registry, report):
    CALLS["discovery"].append(threading.get_ident())
    return _real_run(registry, report)
_reg.LazyDiscoveryDict._populate = _populate
_disc.run_discovery = _run
gate.EXPECTED[0] = {n}
barrier = threading.Barrier({n})
seen, errors = [], []
def reader():
    try:
        barrier.wait(60)
        gate.touching()
        first = sorted({first})  # the first touch of this process's registry
        other = sorted({second})
        values = all(R[k].plugin_key == k and M[k] is R[k].meta for k in first)
        seen.append([first, other, len(R), len(M), values])
    except BaseException as exc:
        errors.append(repr(exc))
threads = [threading.Thread(target=reader) for _ in range({n})]
for t in threads:
    t.start()
for t in threads:
    t.join(120)
print(json.dumps({{"alive": sum(t.is_alive() for t in threads), "errors": errors, "seen": seen,
                  "populate": len(CALLS["populate"]), "discovery": len(CALLS["discovery"]),
                  "held": len(gate.HELD), "startup": _st(R.cache.startup_status), "source": R.report.source,
                  "modules": sorted(m.name for m in R.report.modules), "warnings": WARNINGS}}))
"""


@pytest.mark.parametrize("first", ["primary", "secondary"])
def test_thirty_two_threads_first_touch_cold_then_warm(make_package, tmp_path, first):
    pkg = f"rl_threads_{first}"
    root = _thread_package(make_package, pkg)
    cache_dir = tmp_path / "cache"
    touch_first, touch_second = ("R", "M") if first == "primary" else ("M", "R")
    code = THREADS_CHILD.format(pkg=pkg, n=N_THREADS, first=touch_first, second=touch_second)
    expected_modules = sorted([f"{pkg}.p_{k}" for k in THREAD_KEYS] + [f"{pkg}.base"])

    for temperature in ("cold", "warm"):
        data = child(root, code, env=cache_env(cache_dir))
        assert data["alive"] == 0, data
        assert data["errors"] == [], data
        assert len(data["seen"]) == N_THREADS
        for keys, other, n_primary, n_secondary, values_ok in data["seen"]:
            # No thread saw a registry that was still filling.
            assert keys == other == THREAD_KEYS
            assert n_primary == n_secondary == len(THREAD_KEYS)
            assert values_ok is True
        assert data["populate"] == 1, data  # one discovery for 32 first touches
        assert data["warnings"] == []
        if temperature == "cold":
            assert data["discovery"] == 1
            assert data["held"] == 1  # the gate really held discovery open while the threads arrived
            assert data["startup"][0] == "missing" and data["source"] == "discovery"
            assert data["modules"] == expected_modules  # every module imported once, in one discovery
        else:
            assert data["discovery"] == 0
            assert data["startup"][0] == "valid" and data["source"] == "cache"


# -- plugin modules reading registries while discovery imports them --------------------------------

CROSS_BASE = """
from registry_core import AutoRegisterMeta, LazyDiscoveryDict
REGISTRY = LazyDiscoveryDict()
class {cls}(metaclass=AutoRegisterMeta):
    __registry__ = REGISTRY
    __registry_key__ = "key"
    key = None
"""


def _cross_packages(make_package, a: str, b: str) -> Path:
    """Registries A and B; a plugin of each reads its own registry and the other one at import."""
    files = {
        f"{a}/__init__.py": "",
        f"{a}/base.py": CROSS_BASE.format(cls="APlugin"),
        f"{b}/__init__.py": "",
        f"{b}/base.py": CROSS_BASE.format(cls="BPlugin"),
    }
    for i in range(5):
        files[f"{a}/p{i}.py"] = f"from {a}.base import APlugin\nclass A{i}(APlugin):\n    key = 'a{i}'\n"
        files[f"{b}/p{i}.py"] = f"from {b}.base import BPlugin\nclass B{i}(BPlugin):\n    key = 'b{i}'\n"
    files[f"{a}_gate.py"] = CROSS_GATE
    files[f"{a}/p_cross.py"] = f"""
        from {a}.base import APlugin, REGISTRY as OWN
        from {b}.base import REGISTRY as OTHER
        import {a}_gate
        {a}_gate.meet()  # when racing: both discoveries are under way before either reads the other registry
        OWN_SEEN = sorted(OWN)        # its own registry, mid-discovery: what has registered so far
        OTHER_SEEN = sorted(OTHER)    # another registry: discovered now, nested
        OTHER_VALUE = OTHER["b0"].__name__
        class ACross(APlugin):
            key = "a_cross"
    """
    files[f"{b}/p_cross.py"] = f"""
        from {b}.base import BPlugin, REGISTRY as OWN
        from {a}.base import REGISTRY as OTHER
        import {a}_gate
        {a}_gate.meet()
        OWN_SEEN = sorted(OWN)
        OTHER_SEEN = sorted(OTHER)
        class BCross(BPlugin):
            key = "b_cross"
    """
    return make_package(files)


# Makes the two racers meet inside their first cross-reading plugin module, each holding its own
# registry's discovery (and, across processes, its cache lock): the opposite-order case, every time.
CROSS_GATE = """
import os, threading
MODE = os.environ.get("RL_CROSS_GATE", "")
BARRIER = threading.Barrier(2)
MET = []
def meet():
    if MODE == "threads" and not MET:
        BARRIER.wait(30)
        MET.append(1)
    elif MODE.startswith("fds:") and not MET:
        MET.append(1)
        mine, theirs = (int(fd) for fd in MODE[4:].split(","))
        os.write(mine, b"m")
        if os.read(theirs, 1) != b"m":
            raise RuntimeError("the other process never arrived")
"""

CROSS_CHILD = """
import faulthandler, threading
faulthandler.dump_traceback_later(40, exit=True)  # a deadlock prints every stack and ends the child
from {a}.base import REGISTRY as RA
from {b}.base import REGISTRY as RB
order = {order!r}
errors, seen = [], {{}}
def touch(name, registry):
    try:
        seen[name] = sorted(registry)
        [registry[k] for k in seen[name]]
    except BaseException as exc:
        errors.append(repr(exc))
if order == "two_threads":
    barrier = threading.Barrier(2)
    def run(name, registry):
        barrier.wait(30)
        touch(name, registry)
    threads = [threading.Thread(target=run, args=("a", RA)), threading.Thread(target=run, args=("b", RB))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
else:
    for name in order:
        touch(name, {{"a": RA, "b": RB}}[name])
    for name in "ab":
        touch(name, {{"a": RA, "b": RB}}[name])
faulthandler.cancel_dump_traceback_later()
print(json.dumps({{"errors": errors, "a": sorted(RA), "b": sorted(RB),
                  "sources": [RA.report.source, RB.report.source],
                  "failures": [m.name for r in (RA, RB) for m in r.report.failures],
                  "states": [_st(RA.cache_status()), _st(RB.cache_status())], "warnings": WARNINGS}}))
"""


@pytest.mark.parametrize("order", ["ab", "ba", "two_threads"])
def test_plugins_reading_their_own_and_another_registry_never_deadlock(make_package, tmp_path, order):
    a, b = f"rl_cross_a_{order}", f"rl_cross_b_{order}"
    root = _cross_packages(make_package, a, b)
    cache_dir = tmp_path / "cache"
    a_keys = ["a0", "a1", "a2", "a3", "a4", "a_cross"]
    b_keys = ["b0", "b1", "b2", "b3", "b4", "b_cross"]
    for temperature in ("cold", "warm"):
        gate = {"RL_CROSS_GATE": "threads"} if order == "two_threads" and temperature == "cold" else {}
        result = run_python(
            PRELUDE + textwrap.dedent(CROSS_CHILD.format(a=a, b=b, order=order)),
            path=[str(root)],
            env=cache_env(cache_dir, **gate),
            timeout=90,
        )
        assert result.returncode == 0, f"{temperature}: deadlock or crash:\n{result.stdout}\n{result.stderr}"
        assert "RecursionError" not in result.stderr
        data = json.loads(result.stdout.strip().splitlines()[-1])
        assert data["errors"] == [], data
        assert data["a"] == a_keys and data["b"] == b_keys
        assert data["failures"] == []  # neither cross-reading module failed (no RecursionError inside either)
        assert [st[0] for st in data["states"]] == ["valid", "valid"], data
        assert data["warnings"] == [], data
        if temperature == "warm":
            assert data["sources"] == ["cache", "cache"]


TWO_PROCESS_CHILD = """
import time
from {a}.base import REGISTRY as RA
from {b}.base import REGISTRY as RB
first, second = (RA, RB) if {first!r} == "a" else (RB, RA)
began = time.monotonic()
keys = [sorted(first), sorted(second)]
elapsed = time.monotonic() - began
print(json.dumps({{"keys": keys, "elapsed": elapsed, "warnings": WARNINGS, "sources": [RA.report.source,
                  RB.report.source], "states": [_st(RA.cache_status()), _st(RB.cache_status())]}}))
"""


def test_two_processes_touching_two_cross_reading_registries_in_opposite_orders(make_package, tmp_path):
    """Process 1 discovers A (holding A's cache lock) whose plugin reads B; process 2 the reverse, at once.

    Each nested discovery would wait for the lock the other process holds while that one waits for
    ours: both would stall for the full lock timeout (30 s) and then run uncached with a warning.
    """
    a, b = "rl_xproc_a", "rl_xproc_b"
    root = _cross_packages(make_package, a, b)
    cache_dir = tmp_path / "cache"
    r1, w1 = os.pipe()
    r2, w2 = os.pipe()
    procs = []
    try:
        for first, mine, theirs in (("a", w1, r2), ("b", w2, r1)):
            env = cache_env(cache_dir, RL_CROSS_GATE=f"fds:{mine},{theirs}")
            procs.append(spawn(TWO_PROCESS_CHILD.format(a=a, b=b, first=first), root, env, pass_fds=(mine, theirs)))
    finally:
        for fd in (r1, w1, r2, w2):
            os.close(fd)  # a child that dies leaves the other reading EOF, not blocking
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=120)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    a_keys = ["a0", "a1", "a2", "a3", "a4", "a_cross"]
    b_keys = ["b0", "b1", "b2", "b3", "b4", "b_cross"]
    assert results[0]["keys"] == [a_keys, b_keys]
    assert results[1]["keys"] == [b_keys, a_keys]
    for r in results:
        assert r["elapsed"] < 10, r  # far below the 30 s lock timeout: nobody waited for it
        assert r["warnings"] == [], r
    # Each registry's cache was written by the process that held its lock: the next start is warm for both.
    after = child(
        root,
        f"""
        from {a}.base import REGISTRY as RA
        from {b}.base import REGISTRY as RB
        states = [_st(RA.cache_status()), _st(RB.cache_status())]
        print(json.dumps({{"states": states, "keys": [sorted(RA), sorted(RB)],
                          "sources": [RA.report.source, RB.report.source]}}))
    """,
        env=cache_env(cache_dir),
    )
    assert [st[0] for st in after["states"]] == ["valid", "valid"]
    assert after["keys"] == [a_keys, b_keys] and after["sources"] == ["cache", "cache"]


REBUILD_WHILE_READING = """
import threading, time
from {pkg}.base import REGISTRY as R
sorted(R)
assert R.cache.startup_status.state == "valid"  # served from the cache: placeholders, then a rebuild
misses, errors, reads = [0], [], [0]
stop = threading.Event()
def reader():
    while not stop.is_set():
        try:
            if "alpha" not in R:
                misses[0] += 1
            R["beta"]
            reads[0] += 1
            time.sleep(0)  # (let the rebuilding thread run: it is the one under test)
        except Exception as exc:
            errors.append(repr(exc))
            return
threads = [threading.Thread(target=reader) for _ in range(3)]
for t in threads:
    t.start()
for _ in range(6):
    R.rebuild()
stop.set()
for t in threads:
    t.join(60)
print(json.dumps({{"misses": misses[0], "errors": errors[:3], "reads": reads[0], "keys": sorted(R)}}))
"""


def test_readers_never_see_a_plugin_vanish_during_a_rebuild(make_package, tmp_path):
    from cache_helpers import cache_env, child, plugin_files, start

    root = make_package(plugin_files("rld_rebuild"))
    cache_dir = tmp_path / "cache"
    start(root, "rld_rebuild", cache_dir)
    data = child(root, REBUILD_WHILE_READING.format(pkg="rld_rebuild"), env=cache_env(cache_dir))
    assert data["errors"] == [] and data["misses"] == 0, data
    assert data["reads"] > 0 and data["keys"] == ["alpha", "beta", "gamma"]
