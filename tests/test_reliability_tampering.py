"""Tampering: a cache rewritten by somebody else can never make the registry import a foreign module,
and every lie heals to the truth on access.

Each case tampers five items of a real 20-plugin cache in a way that passes the load-time checks (so
the lie is met at access time), then a fresh process reads every key and every value of the registry
and its secondary registry:

* ``unadvertised``: items point at a module of a package no distribution advertises, the package
  planted in ``report.entry_point_modules`` so the load accepts them;
* ``other_group``: the same, but an installed distribution does advertise that package, for
  another entry-point group;
* ``other_class``: items name an existing module of the package but a different class;
* ``secondary``: the secondary-registry entries of items point at a foreign module;
* ``all``: all four at once.

Never imported (no marker written, not in ``sys.modules``), every value the real class, the cache
rewritten without a trace of the lie. (``test_cache_warm`` covers single planted items, refused at
load or at import, and one wrong class.)
"""

from __future__ import annotations

from pathlib import Path

import pytest
from cache_helpers import cache_env, child, read_cache, start, write_cache
from helpers import BASE_WITH_SECONDARY

KEYS = [f"k{i:02d}" for i in range(20)]

BASE = BASE_WITH_SECONDARY

MARKING = "import os\nopen(os.environ['TAMPER_MARKER'], 'a').write(__name__ + ' imported\\n')\n"


def _layout(make_package, pkg: str, evil: str, stray: str, ext: str) -> Path:
    files = {f"{pkg}/__init__.py": "", f"{pkg}/base.py": BASE}
    for key in KEYS:
        files[f"{pkg}/p_{key}.py"] = (
            f"from {pkg}.base import Plugin\nclass Meta_{key}:\n    pass\n"
            f"class Plugin_{key}(Plugin):\n    plugin_key = {key!r}\n"
            f"    meta = Meta_{key}\n"
        )
    for bad in (evil, stray):  # foreign packages: importing any part of them leaves a mark
        files[f"{bad}/__init__.py"] = MARKING
        files[f"{bad}/payload.py"] = MARKING + "".join(
            f"class Plugin_{key}:\n    plugin_key = {key!r}\nclass Meta_{key}:\n    pass\n" for key in KEYS
        )
    files[f"{ext}/__init__.py"] = ""
    files[f"{ext}/plugins.py"] = f"from {pkg}.base import Plugin\nclass Ext(Plugin):\n    plugin_key = 'ext'\n"
    root = make_package(files)
    # A genuine entry-point plugin of this registry, so entry_point_modules is not empty to begin with.
    make_package.dist_info(ext, "1.0", {f"{pkg}.plugin": {"ext": f"{ext}.plugins:Ext"}})
    # An installed distribution advertising the evil package, but for ANOTHER group.
    make_package.dist_info(evil, "6.6", {"somebody.else.plugins": {"x": f"{evil}.payload:Plugin_k00"}})
    return root


def _tamper(doc: dict, kind: str, pkg: str, evil: str, stray: str) -> None:
    items = doc["items"]
    allowed = doc["report"]["entry_point_modules"]
    if kind in ("unadvertised", "all"):
        for key in KEYS[0:5]:
            items[key][:2] = [f"{stray}.payload", f"Plugin_{key}"]
        allowed.append(stray)
    if kind in ("other_group", "all"):
        for key in KEYS[5:10]:
            items[key][:2] = [f"{evil}.payload", f"Plugin_{key}"]
        allowed.append(evil)
    if kind in ("other_class", "all"):
        for key in KEYS[10:15]:
            other = KEYS[(KEYS.index(key) + 1) % len(KEYS)]
            items[key][:2] = [f".p_{other}", f"Plugin_{other}"]  # exists, but is another plugin
    if kind in ("secondary", "all"):
        for key in KEYS[15:20]:
            items[key][3]["meta"] = [key, f"{evil}.payload", f"Meta_{key}"]


CHECK = """
from {pkg}.base import REGISTRY as R, METADATA as M
out = {{"keys": sorted(R), "secondary_keys": sorted(M)}}
out["startup"] = _st(R.cache.startup_status)
out["values"] = {{k: [R[k].__module__, R[k].__name__] for k in out["keys"]}}
out["secondary"] = {{k: [M[k].__module__, M[k].__name__, M[k] is R[k].meta] for k in out["secondary_keys"]}}
out["foreign"] = sorted(m for m in sys.modules if m.split(".")[0] in ({evil!r}, {stray!r}))
out["healed"] = R.report.healed
out["now"] = _st(R.cache_status())
out["warnings"] = WARNINGS
print(json.dumps(out))
"""


@pytest.mark.parametrize("kind", ["unadvertised", "other_group", "other_class", "secondary", "all"])
def test_tampered_cache_is_never_obeyed_and_heals(make_package, tmp_path, kind):
    pkg, evil, stray, ext = (f"rt_{kind}", f"rt_evil_{kind}", f"rt_stray_{kind}", f"rt_ext_{kind}")
    root = _layout(make_package, pkg, evil, stray, ext)
    marker = tmp_path / "marker.txt"
    cache_dir = tmp_path / "cache"
    env = cache_env(cache_dir, TAMPER_MARKER=str(marker))
    cold = start(root, pkg, cache_dir, TAMPER_MARKER=str(marker))
    all_keys = sorted(KEYS + ["ext"])
    assert cold["keys"] == all_keys
    doc = read_cache(cold["path"])
    assert doc["report"]["entry_point_modules"] == [ext]
    _tamper(doc, kind, pkg, evil, stray)
    write_cache(cold["path"], doc)

    data = child(root, CHECK.format(pkg=pkg, evil=evil, stray=stray), env=env)
    assert data["startup"][0] == "valid"  # the lies pass the load-time checks: they are met on access
    assert not marker.exists(), marker.read_text()
    assert data["foreign"] == []
    assert data["keys"] == all_keys and data["secondary_keys"] == KEYS  # Ext has no secondary entry
    expected = {k: [f"{pkg}.p_{k}", f"Plugin_{k}"] for k in KEYS}
    expected["ext"] = [f"{ext}.plugins", "Ext"]
    assert data["values"] == expected  # never a foreign or wrong class, never a KeyError
    for key in KEYS:
        assert data["secondary"][key] == [f"{pkg}.p_{key}", f"Meta_{key}", True], key
    assert data["now"][0] == "valid"
    if kind == "secondary":
        # Secondary entries are never imported themselves (the primary's module is): the real class
        # replaces the lie as it registers. The file keeps it until the next rebuild, harmlessly.
        assert data["healed"] is None and data["warnings"] == []
        again = child(root, CHECK.format(pkg=pkg, evil=evil, stray=stray), env=env)
        assert again["values"] == expected and again["secondary"] == data["secondary"] and again["foreign"] == []
        assert not marker.exists()
        return
    assert data["healed"], "the lie was noticed"
    assert any("re-discovered" in message for _, message in data["warnings"])

    text = Path(cold["path"]).read_text()
    assert evil not in text and stray not in text  # the rewritten cache carries no trace of the lie
    assert read_cache(cold["path"])["report"]["entry_point_modules"] == [ext]
    again = child(root, CHECK.format(pkg=pkg, evil=evil, stray=stray), env=env)
    assert again["startup"][0] == "valid" and again["healed"] is None
    assert again["values"] == expected and again["foreign"] == []
    assert not marker.exists()


# -- issue 13, items 15 and 16: a namespace sibling, an excluded module -------------------------------


NS_CHECK = """
import os
from {pkg}.base import REGISTRY as R
keys = sorted(R)
values = {{}}
for key in keys:
    try:
        values[key] = R[key].__module__
    except KeyError as exc:
        values[key] = "KeyError"
print(json.dumps({{"keys": keys, "values": values, "startup": _st(R.cache.startup_status),
                  "marker": os.path.exists(os.environ["TAMPER_MARKER"]),
                  "loaded": sorted(m for m in sys.modules if m.startswith("{ns}."))}}))
"""


def test_a_planted_entry_in_another_portion_of_a_namespace_package_is_never_imported(make_package, tmp_path):
    pkg, ns = "rtm_ns_host", "rtm_acme"
    root = make_package(
        {
            f"{pkg}/__init__.py": "",
            f"{pkg}/base.py": BASE,
            f"{pkg}/p_k00.py": f"from {pkg}.base import Plugin\nclass Plugin_k00(Plugin):\n    plugin_key = 'k00'\n",
            # A namespace package (no __init__): plugin_a is advertised; other_dist is somebody else's.
            f"{ns}/plugin_a.py": f"from {pkg}.base import Plugin\nclass A(Plugin):\n    plugin_key = 'a'\n",
            f"{ns}/other_dist/__init__.py": MARKING,
            f"{ns}/other_dist/payload.py": MARKING + "class Evil:\n    plugin_key = 'evil'\n",
        }
    )
    make_package.dist_info("rtm-acme-a", "1.0", {f"{pkg}.plugin": {"a": f"{ns}.plugin_a:A"}})
    marker = tmp_path / "marker"
    env = cache_env(tmp_path / "cache", TAMPER_MARKER=str(marker))
    cold = start(root, pkg, tmp_path / "cache", TAMPER_MARKER=str(marker))
    assert cold["keys"] == ["a", "k00"]
    doc = read_cache(cold["path"])
    doc["items"]["evil"] = [f"{ns}.other_dist.payload", "Evil", ""]  # the same top-level name as plugin_a
    write_cache(cold["path"], doc)
    data = child(root, NS_CHECK.format(pkg=pkg, ns=ns), env=env)
    assert not data["marker"], "the planted module ran"
    assert f"{ns}.other_dist.payload" not in data["loaded"] and f"{ns}.other_dist" not in data["loaded"]
    assert "evil" not in data["values"] or data["values"]["evil"] == "KeyError"
    assert data["keys"] in (["a", "evil", "k00"], ["a", "k00"])  # listed from the cache at most, never served


def test_a_planted_entry_matching_the_exclude_patterns_is_refused(make_package, tmp_path):
    pkg = "rtm_excl"
    base = (
        "from registry_core import AutoRegisterMeta, LazyDiscoveryDict, RegistryConfig\n"
        "REGISTRY = LazyDiscoveryDict()\n"
        "class Plugin(metaclass=AutoRegisterMeta):\n"
        "    __registry_config__ = RegistryConfig(registry_dict=REGISTRY, key_attribute='plugin_key',\n"
        "                                         exclude_patterns=('*.tests*',))\n"
        "    plugin_key = None\n"
    )
    marker = tmp_path / "marker"
    root = make_package(
        {
            f"{pkg}/__init__.py": "",
            f"{pkg}/base.py": base,
            f"{pkg}/p_k00.py": f"from {pkg}.base import Plugin\nclass Plugin_k00(Plugin):\n    plugin_key = 'k00'\n",
            f"{pkg}/tests/__init__.py": "",
            f"{pkg}/tests/wipe_db.py": MARKING + f"from {pkg}.base import Plugin\nclass Wipe(Plugin):\n"
            "    plugin_key = 'wipe'\n",
        }
    )
    cold = start(root, pkg, tmp_path / "cache", TAMPER_MARKER=str(marker))
    assert cold["keys"] == ["k00"] and not marker.exists()
    doc = read_cache(cold["path"])
    doc["items"]["wipe"] = [".tests.wipe_db", "Wipe", ""]
    write_cache(cold["path"], doc)
    warm = start(root, pkg, tmp_path / "cache", TAMPER_MARKER=str(marker))
    assert warm["startup"][0] == "corrupt" and "exclude_patterns" in warm["startup"][1]
    assert warm["keys"] == ["k00"] and not marker.exists()
