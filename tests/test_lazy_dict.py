"""LazyDiscoveryDict: every read path discovers, exactly once, without locks afterwards."""

from __future__ import annotations

import threading
import time

import pytest
from helpers import BASE_MODULE


def _package(make_package, name: str, n: int = 3, extra: dict | None = None):
    files = {f"{name}/__init__.py": "", f"{name}/base.py": BASE_MODULE}
    for i in range(n):
        files[f"{name}/p{i}.py"] = f"from {name}.base import Plugin\nclass P{i}(Plugin):\n    plugin_key = 'k{i}'\n"
    files.update(extra or {})
    make_package(files)
    import importlib

    return importlib.import_module(f"{name}.base")


READ_PATHS = {
    "getitem": lambda r: r["k0"],
    "get": lambda r: r.get("k0"),
    "contains": lambda r: "k0" in r,
    "len": len,
    "iter": lambda r: list(iter(r)),
    "keys": lambda r: list(r.keys()),
    "values": lambda r: list(r.values()),
    "items": lambda r: list(r.items()),
    "copy": lambda r: r.copy(),
    "repr": repr,
    "eq": lambda r: r == {},
    "bool": bool,
    "dict": dict,
}


@pytest.mark.parametrize("path", sorted(READ_PATHS))
def test_every_read_path_triggers_discovery(make_package, path):
    base = _package(make_package, f"lazy_read_{path}")
    assert base.REGISTRY.state == "pending"
    assert dict.__len__(base.REGISTRY) == 0  # nothing imported yet
    READ_PATHS[path](base.REGISTRY)
    assert base.REGISTRY.state == "discovered"
    assert sorted(dict.keys(base.REGISTRY)) == ["k0", "k1", "k2"]


def test_values_are_the_classes(make_package):
    base = _package(make_package, "lazy_values")
    assert base.REGISTRY["k1"].__name__ == "P1"
    assert base.REGISTRY == {k: base.REGISTRY[k] for k in ("k0", "k1", "k2")}
    assert "k9" not in base.REGISTRY
    assert base.REGISTRY.get("k9", "default") == "default"


#: How long the 32 readers of the thread test may take to reach discovery before the test gives up.
DISCOVERY_START_TIMEOUT_S = 30.0


def test_discovery_runs_exactly_once_under_32_threads(make_package, monkeypatch):
    base = _package(make_package, "lazy_threads", n=20)
    import registry_core._discovery as discovery

    calls = []
    real = discovery.run_discovery
    release = threading.Event()

    def counting(registry, report):
        calls.append(threading.get_ident())
        release.wait(5)  # hold discovery open so every thread piles up on it
        return real(registry, report)

    monkeypatch.setattr(discovery, "run_discovery", counting)
    barrier = threading.Barrier(32)
    seen: list[int] = []
    errors: list[BaseException] = []

    def reader():
        try:
            barrier.wait()
            seen.append(len(base.REGISTRY))
        except BaseException as exc:  # noqa: BLE001 - surface any thread failure in the test
            errors.append(exc)

    threads = [threading.Thread(target=reader) for _ in range(32)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + DISCOVERY_START_TIMEOUT_S
    while not calls and not errors:
        if time.monotonic() > deadline:
            release.set()
            for t in threads:
                t.join(30)
            pytest.fail(
                f"none of the 32 readers started discovery within {DISCOVERY_START_TIMEOUT_S:g} s "
                "(run_discovery was never called, and no reader raised)"
            )
        time.sleep(0.001)
    release.set()
    for t in threads:
        t.join(30)
    assert not errors
    assert len(calls) == 1
    assert seen == [20] * 32  # no thread saw a partial registry


def test_reads_after_discovery_take_no_lock(make_package):
    base = _package(make_package, "lazy_nolock")
    registry = base.REGISTRY
    list(registry)

    class Forbidden:
        def __enter__(self):
            raise AssertionError("a read took the discovery lock after discovery finished")

        def __exit__(self, *exc):
            return False

        acquire = __enter__

    registry._lock = Forbidden()
    for read in READ_PATHS.values():
        read(registry)


def test_module_reading_registry_during_discovery_does_not_deadlock(make_package):
    base = _package(
        make_package,
        "lazy_reentrant",
        extra={
            "lazy_reentrant/reader.py": (
                "from lazy_reentrant.base import Plugin, REGISTRY\n"
                "SEEN = len(REGISTRY)\n"
                "KEYS = sorted(REGISTRY)\n"
                "class Reader(Plugin):\n    plugin_key = 'reader'\n"
            )
        },
    )
    result: dict = {}
    worker = threading.Thread(target=lambda: result.setdefault("keys", sorted(base.REGISTRY)))
    worker.start()
    worker.join(30)
    assert not worker.is_alive(), "discovery deadlocked"
    assert "reader" in result["keys"]
    import sys

    reader = sys.modules["lazy_reentrant.reader"]
    assert reader.SEEN < len(result["keys"])  # it saw the registry as it was filling


def test_mutations_discover_first(make_package):
    base = _package(make_package, "lazy_mutate")
    assert base.REGISTRY.pop("k0").__name__ == "P0"
    assert "k0" not in base.REGISTRY
    assert sorted(base.REGISTRY) == ["k1", "k2"]  # a later read does not re-discover


def test_unconfigured_registry_reads_as_empty():
    from registry_core import LazyDiscoveryDict

    registry = LazyDiscoveryDict()
    assert len(registry) == 0
    assert registry.state == "unconfigured"
