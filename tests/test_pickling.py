"""Registries and plugin classes pickle by reference and work in fork and spawn workers."""

from __future__ import annotations

import importlib
import multiprocessing
import pickle

import pytest

FILES = {
    "pick_pkg/__init__.py": "",
    "pick_pkg/base.py": """
        from registry_core import AutoRegisterMeta, LazyDiscoveryDict
        REGISTRY = LazyDiscoveryDict()
        class Plugin(metaclass=AutoRegisterMeta):
            __registry__ = REGISTRY
            __registry_key__ = "plugin_key"
            __key_extractor__ = lambda name, cls: name.lower()   # lambdas are fine: classes pickle by name
            plugin_key = None
    """,
    "pick_pkg/alpha.py": (
        "from pick_pkg.base import Plugin\nclass Alpha(Plugin):\n    def run(self):\n        return 'alpha ran'\n"
    ),
    "pick_pkg/beta.py": "from pick_pkg.base import Plugin\nclass Beta(Plugin):\n    plugin_key = 'b'\n",
    "pick_pkg/work.py": """
        def keys_and_run(registry):
            return sorted(registry), registry['alpha']().run()

        def run_class(cls):
            return cls().run()
    """,
}


def test_registry_and_classes_pickle_by_reference(make_package):
    make_package(FILES)
    base = importlib.import_module("pick_pkg.base")
    assert pickle.loads(pickle.dumps(base.REGISTRY)) is base.REGISTRY
    alpha = base.REGISTRY["alpha"]
    assert pickle.loads(pickle.dumps(alpha)) is alpha
    assert len(pickle.dumps(base.REGISTRY)) < 200  # a reference, not the contents


@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_workers_under_fork_and_spawn(make_package, method, monkeypatch):
    root = make_package(FILES)
    monkeypatch.setenv("PYTHONPATH", str(root))  # spawned children re-import by name
    base = importlib.import_module("pick_pkg.base")
    work = importlib.import_module("pick_pkg.work")
    list(base.REGISTRY)  # pre-discover in the parent, as the seed recommends
    ctx = multiprocessing.get_context(method)
    with ctx.Pool(2) as pool:
        results = pool.map(work.keys_and_run, [base.REGISTRY, base.REGISTRY])
        ran = pool.map(work.run_class, [base.REGISTRY["alpha"]])
    assert results == [(["alpha", "b"], "alpha ran")] * 2
    assert ran == ["alpha ran"]


def test_spawned_child_discovers_from_scratch(make_package, monkeypatch):
    root = make_package(FILES)
    monkeypatch.setenv("PYTHONPATH", str(root))
    base = importlib.import_module("pick_pkg.base")
    work = importlib.import_module("pick_pkg.work")
    assert base.REGISTRY.state == "pending"  # the parent never discovers
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(1) as pool:
        assert pool.apply(work.keys_and_run, (base.REGISTRY,)) == (["alpha", "b"], "alpha ran")
