"""The warm start: served from a valid cache, importing plugin modules only when a value is needed.

Also: the report survives the cache (failures, skips, explain), a cache that
lies heals itself on first access, and a planted cache entry can never make
the registry import a module from outside its package.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from cache_helpers import cache_env, child, read_cache, set_mtime, start, write_cache
from helpers import BASE_WITH_SECONDARY

BASE = BASE_WITH_SECONDARY

KEYS = ["alpha", "beta", "gamma"]


def _plugin_with_meta(pkg: str, key: str) -> str:
    return (
        f"from {pkg}.base import Plugin\n"
        f"class Meta_{key}:\n    pass\n"
        f"class Plugin_{key}(Plugin):\n    plugin_key = {key!r}\n    meta = Meta_{key}\n"
    )


def _package(make_package, pkg: str, *, troubled: bool = False) -> Path:
    files = {f"{pkg}/__init__.py": "", f"{pkg}/base.py": BASE}
    for key in KEYS:
        files[f"{pkg}/p_{key}.py"] = _plugin_with_meta(pkg, key)
    if troubled:
        files[f"{pkg}/p_broken.py"] = "raise ImportError(\"optional dependency 'nonexistent_sdk' is missing\")\n"
        files[f"{pkg}/p_nokey.py"] = f"from {pkg}.base import Plugin\nclass NoKey(Plugin):\n    pass\n"
        files[f"{pkg}/p_zdup.py"] = f"from {pkg}.base import Plugin\nclass Dup(Plugin):\n    plugin_key = 'alpha'\n"
    return make_package(files)


def _cold_then_check_valid(root, pkg, cache_dir) -> dict:
    cold = start(root, pkg, cache_dir)
    assert cold["source"] == "discovery"
    warm = start(root, pkg, cache_dir)
    assert warm["startup"] == ["valid", ""] and warm["source"] == "cache"
    return cold


# -- zero plugin imports for the key-only read paths ---------------------------------------


def test_key_reads_import_no_plugin_module(make_package, tmp_path):
    pkg = "cwm_keys"
    root = _package(make_package, pkg)
    cache_dir = tmp_path / "cache"
    _cold_then_check_valid(root, pkg, cache_dir)

    data = child(
        root,
        f"""
        from {pkg}.base import REGISTRY as R, METADATA as M
        seen = {{}}
        seen["keys"] = sorted(R.keys())
        seen["len"] = len(R)
        seen["in"] = ["alpha" in R, "nope" in R]
        seen["iter"] = sorted(iter(R))
        seen["secondary_keys"] = sorted(M.keys())
        seen["secondary_len"] = len(M)
        seen["secondary_in"] = ["beta" in M, "nope" in M]
        seen["secondary_iter"] = sorted(iter(M))
        seen["plugins"] = _plugins({pkg!r})
        seen["is_loaded"] = [R.is_loaded(k) for k in seen["keys"]]
        seen["startup"] = _st(R.cache.startup_status)
        print(json.dumps(seen))
    """,
        env=cache_env(cache_dir),
    )
    assert data["startup"] == ["valid", ""]
    assert data["plugins"] == []
    assert data["keys"] == data["iter"] == KEYS and data["len"] == 3
    assert data["in"] == [True, False]
    assert data["secondary_keys"] == data["secondary_iter"] == KEYS and data["secondary_len"] == 3
    assert data["secondary_in"] == [True, False]
    assert data["is_loaded"] == [False, False, False]


def test_values_import_on_first_access_and_are_the_real_classes(make_package, tmp_path):
    pkg = "cwm_values"
    root = _package(make_package, pkg)
    cache_dir = tmp_path / "cache"
    _cold_then_check_valid(root, pkg, cache_dir)

    data = child(
        root,
        f"""
        from {pkg}.base import REGISTRY as R, METADATA as M, Plugin
        out = {{"plugins_start": _plugins({pkg!r})}}
        beta = R["beta"]
        out["after_getitem"] = _plugins({pkg!r})
        out["getitem_is_real"] = beta is sys.modules[{pkg!r} + ".p_beta"].Plugin_beta and issubclass(beta, Plugin)
        out["loaded"] = {{k: R.is_loaded(k) for k in sorted(R)}}
        out["get"] = R.get("alpha").__name__
        values = list(R.values())
        out["after_values"] = _plugins({pkg!r})
        out["values"] = sorted(v.__name__ for v in values)
        out["values_real"] = all(isinstance(v, type) and issubclass(v, Plugin) for v in values)
        out["items"] = sorted([k, v.plugin_key, v.__module__] for k, v in R.items())
        out["secondary"] = {{k: [v.__name__, v is R[k].meta] for k, v in M.items()}}
        out["startup"] = _st(R.cache.startup_status)
        out["healed"] = R.report.healed
        print(json.dumps(out))
    """,
        env=cache_env(cache_dir),
    )
    assert data["startup"] == ["valid", ""]
    assert data["plugins_start"] == []
    assert data["after_getitem"] == [f"{pkg}.p_beta"]  # exactly the module of the key read
    assert data["getitem_is_real"] is True
    assert data["loaded"] == {"alpha": False, "beta": True, "gamma": False}
    assert data["get"] == "Plugin_alpha"
    assert data["after_values"] == [f"{pkg}.p_{k}" for k in KEYS]
    assert data["values"] == ["Plugin_alpha", "Plugin_beta", "Plugin_gamma"]
    assert data["values_real"] is True
    assert data["items"] == [[k, k, f"{pkg}.p_{k}"] for k in KEYS]
    assert data["secondary"] == {k: [f"Meta_{k}", True] for k in KEYS}
    assert data["healed"] is None  # the cache told the truth: no re-discovery


def test_is_loaded_cold_and_warm(make_package, tmp_path):
    pkg = "cwm_is_loaded"
    root = _package(make_package, pkg)
    cache_dir = tmp_path / "cache"
    code = f"""
        from {pkg}.base import REGISTRY as R
        first = {{k: R.is_loaded(k) for k in sorted(R)}}
        R["gamma"]
        print(json.dumps({{"first": first, "after": {{k: R.is_loaded(k) for k in sorted(R)}},
                          "source": R.report.source}}))
    """
    cold = child(root, code, env=cache_env(cache_dir))
    assert cold["source"] == "discovery"
    assert cold["first"] == {k: True for k in KEYS}  # a cold start imported everything
    warm = child(root, code, env=cache_env(cache_dir))
    assert warm["source"] == "cache"
    assert warm["first"] == {k: False for k in KEYS}
    assert warm["after"] == {"alpha": False, "beta": False, "gamma": True}


# -- the report on a warm start --------------------------------------------------------------

REPORT = """
from {pkg}.base import REGISTRY as R
keys = sorted(R)
report = R.report
out = {{
    "keys": keys,
    "source": report.source,
    "failures": sorted([m.name, m.error_type, m.error_message] for m in report.failures),
    "skipped": sorted([c.class_name, c.status, c.reason] for c in report.skipped),
    "registered": sorted([c.class_name, c.key] for c in report.registered),
}}
ex = {{name: R.explain(name) for name in ("beta", "NoKey", "Dup", {pkg!r} + ".p_broken")}}
out["explain"] = {{name: [e.cause, e.registered, e.message] for name, e in ex.items()}}
out["plugins"] = _plugins({pkg!r})
print(json.dumps(out))
"""


def test_warm_report_keeps_failures_skips_and_explain(make_package, tmp_path):
    pkg = "cwm_report"
    root = _package(make_package, pkg, troubled=True)
    cache_dir = tmp_path / "cache"
    cold = child(root, REPORT.format(pkg=pkg), env=cache_env(cache_dir))
    warm = child(root, REPORT.format(pkg=pkg), env=cache_env(cache_dir))
    assert cold["source"] == "discovery" and warm["source"] == "cache"
    assert warm["plugins"] == []  # report and explain come from the cache, importing nothing

    for data in (cold, warm):
        assert data["keys"] == KEYS
        assert data["failures"] == [
            [f"{pkg}.p_broken", "ImportError", "optional dependency 'nonexistent_sdk' is missing"]
        ]
        statuses = {name: status for name, status, _ in data["skipped"]}
        assert statuses == {"NoKey": "no_key", "Dup": "duplicate"}
        assert all(reason for _, _, reason in data["skipped"])
        assert data["registered"] == [[f"Plugin_{k}", k] for k in KEYS]
        assert data["explain"]["NoKey"][:2] == ["no key attribute", False]
        assert data["explain"]["Dup"][:2] == ["duplicate key", False]
        assert data["explain"][f"{pkg}.p_broken"][:2] == ["import error", False]
        assert "nonexistent_sdk" in data["explain"][f"{pkg}.p_broken"][2]
        assert data["explain"]["beta"][:2] == ["registered", True]
    assert cold["skipped"] == warm["skipped"]
    assert "not imported yet" in warm["explain"]["beta"][2]


NO_DOCUMENT = """
import gc
from {pkg}.base import REGISTRY as R
keys = sorted(R)
# A parsed cache document is a dict holding these: none may outlive the warm start.
fields = {{"format", "environment", "files", "items"}}
documents = sum(1 for o in gc.get_objects() if type(o) is dict and fields <= o.keys())
state = R.cache.startup_status.state
report = R.report
print(json.dumps({{"state": state, "keys": keys, "documents": documents, "source": report.source,
                  "registered": sorted([c.class_name, c.key] for c in report.registered)}}))
"""


def test_warm_start_keeps_no_parsed_document(make_package, tmp_path):
    """The document a warm start validated is let go (its bytes are kept for the report, parsed if it is read):
    five kept documents were enough to set off a garbage collection in the middle of a warm start."""
    pkg = "cwm_nodoc"
    root = _package(make_package, pkg)
    cache_dir = tmp_path / "cache"
    cold = child(root, NO_DOCUMENT.format(pkg=pkg), env=cache_env(cache_dir))
    # (the first warm start may store the folder stamps the cold start's __pycache__ moved: the whole read)
    child(root, NO_DOCUMENT.format(pkg=pkg), env=cache_env(cache_dir))
    warm = child(root, NO_DOCUMENT.format(pkg=pkg), env=cache_env(cache_dir))
    assert (cold["source"], warm["source"]) == ("discovery", "cache")
    assert warm["state"] == "valid" and warm["documents"] == 0
    assert warm["keys"] == cold["keys"] == KEYS
    assert warm["registered"] == cold["registered"] == [[f"Plugin_{k}", k] for k in KEYS]


# -- self-healing ------------------------------------------------------------------------------

HEAL = """
from registry_core import RegistryKeyError
from {pkg}.base import REGISTRY as R
keys_before = sorted(R)  # discovers (or loads the cache) first
out = {{"startup": _st(R.cache.startup_status), "keys_before": keys_before}}
try:
    value = R[{key!r}]
    out["value"] = [value.__name__, value.__module__, value.plugin_key]
except RegistryKeyError as exc:
    out["value"] = ["KeyError", str(exc)]
out["keys_after"] = sorted(R)
out["healed"] = R.report.healed
out["cache_healed"] = R.cache.healed
out["failures"] = sorted(m.name for m in R.report.failures)
out["now"] = _st(R.cache_status())
out["warnings"] = WARNINGS
print(json.dumps(out))
"""


def _heal(root, pkg, cache_dir, key) -> dict:
    return child(root, HEAL.format(pkg=pkg, key=key), env=cache_env(cache_dir))


def test_module_that_now_fails_heals_on_access(make_package, tmp_path):
    pkg = "cwm_heal_broken"
    root = _package(make_package, pkg)
    cache_dir = tmp_path / "cache"
    _cold_then_check_valid(root, pkg, cache_dir)

    # Make p_beta fail at import while the cache stays valid: same size, same mtime.
    path = root / pkg / "p_beta.py"
    st = os.stat(path)
    broken = 'raise ImportError("beta plugin broke")\n'
    broken += "#" * (st.st_size - len(broken) - 1) + "\n"
    assert len(broken) == st.st_size
    path.write_text(broken)
    set_mtime(path, st.st_mtime_ns)
    for pyc in (root / pkg / "__pycache__").glob("p_beta.*.pyc"):
        pyc.unlink()  # Python's bytecode check is size+mtime too: it would run the old code

    data = _heal(root, pkg, cache_dir, "beta")
    assert data["startup"] == ["valid", ""]
    assert data["keys_before"] == KEYS
    assert data["value"][0] == "KeyError"  # the module is broken now: beta is really gone
    assert data["keys_after"] == ["alpha", "gamma"]
    assert "beta plugin broke" in data["healed"] and "ImportError" in data["healed"]
    assert data["cache_healed"] == [data["healed"]]
    assert data["failures"] == [f"{pkg}.p_beta"]
    assert data["now"] == ["valid", ""]  # rewritten
    assert any("re-discovered" in message for _, message in data["warnings"])

    after = start(root, pkg, cache_dir)
    assert after["startup"] == ["valid", ""]
    assert after["keys"] == ["alpha", "gamma"]
    assert "beta" not in read_cache(after["path"])["items"]


def test_cache_naming_a_moved_class_heals(make_package, tmp_path):
    pkg = "cwm_heal_moved"
    root = _package(make_package, pkg)
    cache_dir = tmp_path / "cache"
    cold = _cold_then_check_valid(root, pkg, cache_dir)
    doc = read_cache(cold["path"])
    doc["items"]["beta"][1] = "Plugin_beta_moved_away"
    write_cache(cold["path"], doc)

    data = _heal(root, pkg, cache_dir, "beta")
    assert data["startup"] == ["valid", ""]
    assert data["value"] == ["Plugin_beta", f"{pkg}.p_beta", "beta"]
    assert "Plugin_beta_moved_away" in data["healed"] and "no longer defined" in data["healed"]
    assert data["keys_after"] == KEYS
    assert read_cache(cold["path"])["items"]["beta"][1] == "Plugin_beta"  # rewritten with the truth
    again = _heal(root, pkg, cache_dir, "beta")
    assert again["startup"] == ["valid", ""] and again["healed"] is None


@pytest.mark.parametrize("target", [["p_alpha", "Plugin_alpha"], ["p_beta", "Plugin_gamma"], ["p_gamma", "Meta_gamma"]])
def test_cache_naming_an_existing_module_but_another_class_heals(make_package, tmp_path, target):
    pkg = f"cwm_heal_other_{target[0]}_{target[1].lower()}"
    root = _package(make_package, pkg)
    cache_dir = tmp_path / "cache"
    cold = _cold_then_check_valid(root, pkg, cache_dir)
    doc = read_cache(cold["path"])
    doc["items"]["beta"][0] = "." + target[0]
    doc["items"]["beta"][1] = target[1]
    write_cache(cold["path"], doc)

    data = _heal(root, pkg, cache_dir, "beta")
    assert data["startup"] == ["valid", ""]
    # Never the wrong class, never a KeyError for a key that really exists.
    assert data["value"] == ["Plugin_beta", f"{pkg}.p_beta", "beta"]
    assert data["healed"] and "beta" in data["healed"]
    assert data["keys_after"] == KEYS
    check = child(
        root,
        f"""
        from {pkg}.base import REGISTRY as R, METADATA as M
        print(json.dumps({{k: [R[k].__name__, M[k].__name__] for k in sorted(R)}}))
    """,
        env=cache_env(cache_dir),
    )
    assert check == {**{k: [f"Plugin_{k}", f"Meta_{k}"] for k in KEYS}, "_stderr": check["_stderr"]}


# -- security: a planted entry is never imported ----------------------------------------------


def _evil_package(make_package, name: str) -> None:
    make_package(
        {
            f"{name}/__init__.py": "import os\nopen(os.environ['EVIL_MARKER'], 'a').write('package imported\\n')\n",
            f"{name}/payload.py": "import os\nopen(os.environ['EVIL_MARKER'], 'a').write('payload imported\\n')\n"
            "class Plugin_beta:\n    plugin_key = 'beta'\n",
        }
    )


EVIL_CHECK = """
from {pkg}.base import REGISTRY as R
keys = sorted(R)  # discovers (or loads the cache) first
out = {{"startup": _st(R.cache.startup_status), "keys": keys}}
out["value"] = [R["beta"].__name__, R["beta"].__module__]
out["values"] = sorted(v.__module__ for v in R.values())
out["healed"] = R.report.healed
out["evil_loaded"] = sorted(m for m in sys.modules if m.startswith({evil!r}))
out["source"] = R.report.source
out["now"] = _st(R.cache_status())
print(json.dumps(out))
"""


@pytest.mark.parametrize("planted", ["absolute", "stdlib", "allow_listed", "relative_escape"])
def test_planted_module_is_never_imported(make_package, tmp_path, planted):
    pkg, evil = f"cwm_sec_{planted}", f"cwm_evil_{planted}"
    root = _package(make_package, pkg)
    _evil_package(make_package, evil)
    marker = tmp_path / "evil-marker.txt"
    cache_dir = tmp_path / "cache"
    cold = _cold_then_check_valid(root, pkg, cache_dir)

    doc = read_cache(cold["path"])
    doc["items"]["beta"][:2] = {
        "absolute": [f"{evil}.payload", "Plugin_beta"],
        "stdlib": ["antigravity", "Plugin_beta"],  # importing it would open a web browser
        "allow_listed": [f"{evil}.payload", "Plugin_beta"],
        "relative_escape": [f"..{evil}.payload", "Plugin_beta"],
    }[planted]
    if planted == "allow_listed":
        # The attacker also lists the package as an entry-point distribution's: it is checked at import.
        doc["report"]["entry_point_modules"] = [evil]
    write_cache(cold["path"], doc)

    data = child(root, EVIL_CHECK.format(pkg=pkg, evil=evil), env=cache_env(cache_dir, EVIL_MARKER=str(marker)))
    assert data["evil_loaded"] == []
    assert not marker.exists()
    assert data["keys"] == KEYS
    assert data["value"] == ["Plugin_beta", f"{pkg}.p_beta"]
    assert data["values"] == [f"{pkg}.p_{k}" for k in KEYS]
    assert data["now"] == ["valid", ""]
    if planted in ("absolute", "stdlib"):
        assert data["startup"][0] == "corrupt"
        assert "tampered" in data["startup"][1] and "was not imported" in data["startup"][1]
        assert data["source"] == "discovery"  # rebuilt from the package itself
    else:
        # Accepted at load, refused at import: the registry heals instead.
        assert data["healed"] and "beta" in data["healed"]

    text = Path(cold["path"]).read_text()
    assert evil not in text and "antigravity" not in text  # the rewritten cache is clean
    assert start(root, pkg, cache_dir)["startup"] == ["valid", ""]
    assert not marker.exists()
