"""Broken plugins of every kind, all at once in one package: every good plugin listed, every bad one
reported with its reason, cold and warm (fresh processes both).

(``test_diagnostics`` covers each import failure alone, in-process; ``test_cache_warm`` one failure,
one skip and one duplicate warm. A module that hangs at import only matters to the profiler: the CLI
profile tests cover its timeout.)
"""

from __future__ import annotations

from cache_helpers import cache_env, child

PKG = "rp_zoo"

BASE = """
from registry_core import AutoRegisterMeta, LazyDiscoveryDict
REGISTRY = LazyDiscoveryDict()
class Plugin(metaclass=AutoRegisterMeta):
    __registry__ = REGISTRY
    __registry_key__ = "plugin_key"
    plugin_key = None
"""

GOOD = {  # module -> (class, key)
    "good_a": ("GoodA", "good_a"),
    "good_b": ("GoodB", "good_b"),
    "z_good_last": ("ZGoodLast", "z_good_last"),
    "strict_ok": ("StrictOk", "strict_ok"),
}


def _good(cls: str, key: str, base: str = "Plugin", where: str = ".base") -> str:
    return (
        f"from {where} import {base}\nclass {cls}({base}):\n    plugin_key = {key!r}\n"
        "    def run(self):\n        pass\n"
    )


FILES = {
    f"{PKG}/__init__.py": "",
    f"{PKG}/base.py": BASE,
    # An intermediate base whose __init_subclass__ refuses some subclasses (abstract: not a plugin itself).
    f"{PKG}/mid.py": """
        import abc
        from .base import Plugin
        class Strict(Plugin):
            @abc.abstractmethod
            def run(self): ...
            def __init_subclass__(cls, **kwargs):
                super().__init_subclass__(**kwargs)
                if cls.__name__.startswith("Rejected"):
                    raise ValueError(f"{cls.__name__} is refused by Strict.__init_subclass__")
    """,
    f"{PKG}/strict_ok.py": _good("StrictOk", "strict_ok", "Strict", ".mid"),
    f"{PKG}/strict_refused.py": """
        from .base import Plugin
        from .mid import Strict
        class EarlyBird(Plugin):  # registered, then its module fails: rolled back
            plugin_key = "early_bird"
        class RejectedOne(Strict):
            plugin_key = "rejected"
            def run(self): ...
    """,
    f"{PKG}/syntax_error.py": "from .base import Plugin\nclass Broken(Plugin:\n    plugin_key = 'broken'\n",
    f"{PKG}/import_error.py": "raise ImportError(\"optional dependency 'acme_sdk' is not installed\")\n",
    f"{PKG}/missing_module.py": "import rp_no_such_vendor_sdk\n",
    f"{PKG}/runtime_error.py": "from .base import Plugin\nraise RuntimeError('plugin setup went wrong')\n",
    f"{PKG}/system_exit.py": "import sys\nsys.exit('plugin called sys.exit')\n",
    f"{PKG}/base_exception.py": "class Abort(BaseException):\n    pass\nraise Abort('not even an Exception')\n",
    f"{PKG}/recursion.py": "def f():\n    return f()\nf()\n",
    f"{PKG}/bad_str.py": """
        class Unprintable(Exception):
            def __str__(self):
                raise RuntimeError("cannot even describe myself")
        raise Unprintable()
    """,
    f"{PKG}/unhashable.py": "from .base import Plugin\nclass ListKey(Plugin):\n    plugin_key = ['a', 'list']\n",
    f"{PKG}/no_key.py": "from .base import Plugin\nclass NoKey(Plugin):\n    pass\n",
    f"{PKG}/zz_duplicate.py": "from .base import Plugin\nclass Dup(Plugin):\n    plugin_key = 'good_a'\n",
    f"{PKG}/abstract.py": """
        import abc
        from .base import Plugin
        class Half(Plugin):
            plugin_key = "half"
            @abc.abstractmethod
            def run(self): ...
    """,
    f"{PKG}/good_a.py": _good("GoodA", "good_a"),
    f"{PKG}/good_b.py": _good("GoodB", "good_b"),
    f"{PKG}/z_good_last.py": _good("ZGoodLast", "z_good_last"),
}

# module -> (error type, words in the message)
FAILURES = {
    "strict_refused": ("ValueError", "RejectedOne is refused by Strict.__init_subclass__"),
    "syntax_error": ("SyntaxError", ""),
    "import_error": ("ImportError", "optional dependency 'acme_sdk' is not installed"),
    "missing_module": ("ModuleNotFoundError", "rp_no_such_vendor_sdk"),
    "runtime_error": ("RuntimeError", "plugin setup went wrong"),
    "system_exit": ("SystemExit", "plugin called sys.exit"),
    "base_exception": ("Abort", "not even an Exception"),
    "recursion": ("RecursionError", "maximum recursion depth"),
    "bad_str": ("Unprintable", "str() of the exception failed"),
}

# class -> (status, words in the reason)
SKIPPED = {
    "EarlyBird": ("module_failed", f"then its module {PKG}.strict_refused failed"),
    "ListKey": ("invalid_key", "not hashable"),
    "NoKey": ("no_key", "plugin_key is not set"),
    "Dup": ("duplicate", "duplicate key 'good_a'"),
    "Half": ("abstract", "does not implement run"),
    "Strict": ("abstract", "does not implement run"),  # the intermediate base itself
}

CHECK = f"""
from {PKG}.base import REGISTRY as R
keys = sorted(R)
values = {{k: [R[k].__name__, R[k].__module__] for k in keys}}
report = R.report
print(json.dumps({{
    "keys": keys, "values": values, "source": report.source, "startup": _st(R.cache.startup_status),
    "failures": {{m.name.rpartition(".")[2]: [m.error_type, m.error_message, bool(m.traceback), m.file]
                  for m in report.failures}},
    "skipped": {{c.class_name: [c.status, c.reason] for c in report.skipped}},
    "registered": sorted([c.class_name, c.key] for c in report.registered),
    "explain": {{n: R.explain(n).cause for n in ("syntax_error", "bad_str", "ListKey", "Half", "good_b")}},
    "now": _st(R.cache_status()),
}}))
"""


def test_every_kind_of_broken_plugin_at_once_cold_and_warm(make_package, tmp_path):
    root = make_package(FILES)
    cache_dir = tmp_path / "cache"
    cold = child(root, CHECK, env=cache_env(cache_dir))
    warm = child(root, CHECK, env=cache_env(cache_dir))
    assert cold["source"] == "discovery" and cold["startup"][0] == "missing"
    assert warm["source"] == "cache" and warm["startup"][0] == "valid"
    assert "Traceback (most recent call last)" not in cold["_stderr"]  # logged, never raised

    good_keys = sorted(key for _, key in GOOD.values())
    for data in (cold, warm):
        # Every good plugin, on both sides of every broken one, and nothing else.
        assert data["keys"] == good_keys
        assert data["values"] == {key: [cls, f"{PKG}.{module}"] for module, (cls, key) in GOOD.items()}
        assert data["registered"] == sorted([cls, key] for cls, key in GOOD.values())
        # Every bad module with its error type, message and traceback.
        assert sorted(data["failures"]) == sorted(FAILURES)
        for module, (error_type, words) in FAILURES.items():
            got_type, message, has_traceback, file = data["failures"][module]
            assert got_type == error_type, (module, got_type, message)
            assert words in message, (module, message)
            assert has_traceback, module
            assert file.endswith(f"{module}.py"), (module, file)
        # Every skipped class with its status and reason.
        assert sorted(data["skipped"]) == sorted(SKIPPED)
        for cls, (status, words) in SKIPPED.items():
            assert data["skipped"][cls][0] == status, (cls, data["skipped"][cls])
            assert words in data["skipped"][cls][1], (cls, data["skipped"][cls])
        assert data["explain"] == {
            "syntax_error": "import error",
            "bad_str": "import error",
            "ListKey": "invalid key",
            "Half": "abstract",
            "good_b": "registered",
        }
        assert data["now"][0] == "valid"
    # The warm report is the cold one, read back from the cache.
    assert warm["failures"] == cold["failures"]
    assert warm["skipped"] == cold["skipped"]
