"""Fuzz: whatever bytes stand in the cache file, reading it is never an exception to the caller.

Every case writes bytes where a real registry's cache belongs and reads them in-process, the way a
start does: ``LazyDiscoveryDict._serve_from_cache()`` on a fresh registry object (validate the document and every
item, fill placeholders), then ``manager.read()`` and ``cache.status()`` directly, and, when the
document was accepted, the cached report rebuilt from it. The state is "corrupt" (or "stale" for a
well-formed but different document, "valid" only for a harmless mutation) with a non-empty reason.

* hypothesis (``derandomize=True``): random bytes; random JSON (recursive strategy, NaN and
  Infinity included); documents with the right fields holding random values; mutations of the real
  document (replace, delete or add any node);
* every truncation of a real cache file (each length, not sampled);
* targeted: huge strings, huge integers, deeply nested values, NaN/Infinity in every numeric field,
  duplicate keys;
* then one fresh process: a corrupt file is rebuilt.

(``test_cache_corruption`` covers ~18 hand-made corruptions with a fresh process each.)
"""

from __future__ import annotations

import copy
import importlib
import json
import math
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from cache_helpers import cache_env, child
from helpers import BASE_WITH_SECONDARY, ROOT, PackageMaker
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry_core import LazyDiscoveryDict, SecondaryRegistry, SecondaryRegistryDict
from registry_core.diagnostics.documents import registry_document

PKG, EXT = "rz_fuzz", "rz_fuzz_ext"
KEYS = ["alpha", "beta", "ext", "gamma"]

BASE = BASE_WITH_SECONDARY


def _plugin(key: str) -> str:
    return (
        f"from {PKG}.base import Plugin\nclass Meta_{key}:\n    pass\n"
        f"class Plugin_{key}(Plugin):\n    '''The {key} plugin.'''\n    plugin_key = {key!r}\n"
        f"    meta = Meta_{key}\n"
    )


FILES = {
    f"{PKG}/__init__.py": '__version__ = "1.0"\n',
    f"{PKG}/base.py": BASE,
    f"{PKG}/p_alpha.py": _plugin("alpha"),
    f"{PKG}/p_beta.py": _plugin("beta"),
    f"{PKG}/sub/__init__.py": "",
    f"{PKG}/sub/p_gamma.py": _plugin("gamma"),
    f"{PKG}/p_broken.py": "raise ImportError('no sdk')\n",
    f"{PKG}/p_nokey.py": f"from {PKG}.base import Plugin\nclass NoKey(Plugin):\n    pass\n",
    f"{EXT}/__init__.py": "",
    f"{EXT}/plugins.py": f"from {PKG}.base import Plugin\nclass Ext(Plugin):\n    plugin_key = 'ext'\n",
}

#: Examples run per test, printed at the end of each (``-s``) so the total can be quoted.
EXAMPLES: dict[str, int] = {}
SETTINGS = dict(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.data_too_large],
)


@pytest.fixture(scope="module")
def real(tmp_path_factory):
    """The package, imported once, and the real cache its cold start wrote."""
    base = tmp_path_factory.mktemp("fuzz")
    site = base / "site"
    maker = PackageMaker(site)
    maker(FILES)
    maker.dist_info(EXT, "1.0", {f"{PKG}.plugin": {"ext": f"{EXT}.plugins:Ext"}})
    with pytest.MonkeyPatch.context() as patch:
        # The project folder holds an .egg-info, so the entry-point fingerprint stamps its mtime; other
        # work in it would make every document here "stale". Registry_core is imported: leave it out.
        patch.setattr(sys, "path", [str(site)] + [p for p in sys.path if p != str(ROOT)])
        importlib.invalidate_caches()
        try:
            with pytest.MonkeyPatch.context() as env:
                env.setenv("REGISTRY_CORE_CACHE_DIR", str(base / "cache"))
                registry = importlib.import_module(f"{PKG}.base").REGISTRY
                assert sorted(registry) == KEYS
                raw = Path(registry.cache_path).read_bytes()
            yield SimpleNamespace(registry=registry, raw=raw, doc=json.loads(raw), site=site)
        finally:
            for name in [m for m in sys.modules if m.split(".")[0] in (PKG, EXT)]:
                del sys.modules[name]


def _fresh_registry(real) -> LazyDiscoveryDict:
    """A new registry object for the same base class: what the next start would build."""
    config = real.registry.config
    secondaries = [
        SecondaryRegistry(SecondaryRegistryDict(), key_source=s.key_source, attr_name=s.attr_name)
        for s in config.secondary_registries
    ]
    registry = LazyDiscoveryDict()
    registry._configure(real.registry.base_class, config.replace(secondary_registries=secondaries))
    return registry


def read_as_a_start(real, raw: bytes) -> tuple[str, str]:
    """Put ``raw`` where the cache belongs and read it as a start does; (state, reason). Never raises."""
    path = Path(real.registry.cache.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(raw)
    registry = _fresh_registry(real)
    cache = registry.cache
    loaded = registry._serve_from_cache(cache)
    status = cache.startup_status
    assert status.state in ("corrupt", "stale", "valid"), status
    assert isinstance(status.reason, str)
    doc, read_status = cache.manager.read()
    on_disk = cache.status()
    if status.state == "valid":
        assert loaded is True and doc is not None and on_disk.state == "valid"
        assert dict.__len__(registry) <= len(doc["items"])  # placeholders only for accepted items
        report = registry.report  # rebuilt from the document on first read
        assert report.source == "cache"
        report.summary()
        for name in ("alpha", "NoKey", f"{PKG}.p_broken", "no_such_plugin"):  # explain reads the cached report
            assert str(registry.explain(name))
        json.dumps(registry_document(registry))  # what the CLI and the inspector show
    else:
        assert loaded is False
        assert status.reason.strip(), status
        assert on_disk.state in ("corrupt", "stale") and on_disk.reason.strip(), on_disk
        assert dict.__len__(registry) == 0  # nothing from a rejected document leaks in
    return status.state, status.reason


def _count(name: str) -> None:
    EXAMPLES[name] = EXAMPLES.get(name, 0) + 1


def _report(name: str, minimum: int) -> None:
    print(f"\n[reliability-fuzz] {name}: {EXAMPLES.get(name, 0)} examples; so far {sum(EXAMPLES.values())}")
    assert EXAMPLES.get(name, 0) >= minimum


# -- strategies ---------------------------------------------------------------------------------

SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
JSON_VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(max_size=12), inner, max_size=5),
    max_leaves=25,
)
REQUIRED = ["format", "kind", "identity", "version", "created", "environment", "items"]
FIELDS = ["format", "kind", "identity", "version", "created", "environment", "files", "entry_points", "items", "report"]


def _dumps(value) -> bytes:
    return json.dumps(value, allow_nan=True).encode()


def _paths(node, prefix=()):
    """Every node below the root of a JSON document, as a path of keys/indices."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield prefix + (key,)
            yield from _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield prefix + (index,)
            yield from _paths(value, prefix + (index,))


def _mutate(doc, path, op, value):
    doc = copy.deepcopy(doc)
    parent = doc
    for step in path[:-1]:
        parent = parent[step]
    last = path[-1]
    if op == "replace":
        parent[last] = value
    elif op == "delete":
        del parent[last]
    elif isinstance(parent, dict):
        parent[f"added_{len(parent)}"] = value
    else:
        parent.insert(last, value)
    return doc


# -- hypothesis ---------------------------------------------------------------------------------

N_BYTES, N_JSON, N_FIELDS, N_MUTATIONS = 250, 250, 200, 400  # 1100 in all


def test_fuzz_random_bytes(real):
    assert read_as_a_start(real, real.raw)[0] == "valid"  # the harness accepts the real file

    @settings(max_examples=N_BYTES, **SETTINGS)
    @given(st.binary(max_size=3000) | st.binary(max_size=200).map(lambda b: real.raw[: len(real.raw) // 2] + b))
    def check(raw):
        _count("random bytes")
        state, reason = read_as_a_start(real, raw)
        assert state == "corrupt", (raw[:80], reason)

    check()
    _report("random bytes", N_BYTES)


def test_fuzz_random_json(real):
    @settings(max_examples=N_JSON, **SETTINGS)
    @given(JSON_VALUES)
    def check(value):
        _count("random JSON")
        state, reason = read_as_a_start(real, _dumps(value))
        assert state == "corrupt", (value, reason)

    check()
    _report("random JSON", N_JSON)


def test_fuzz_documents_with_random_field_values(real):
    @settings(max_examples=N_FIELDS, **SETTINGS)
    @given(
        st.fixed_dictionaries({}, optional={field: JSON_VALUES for field in FIELDS}),
        st.lists(st.sampled_from(FIELDS), unique=True),
    )
    def check(random_fields, keep_real):
        _count("random field values")
        doc = dict(random_fields)
        for field in keep_real:  # the rest of the real document, to reach the deeper checks
            doc[field] = real.doc[field]
        state, reason = read_as_a_start(real, _dumps(doc))
        if not set(REQUIRED) <= set(keep_real):  # files, entry_points and report are optional
            assert state in ("corrupt", "stale"), (doc, reason)

    check()
    _report("random field values", N_FIELDS)


def test_fuzz_mutations_of_the_real_document(real):
    paths = sorted(_paths(real.doc), key=repr)
    assert len(paths) > 50

    @settings(max_examples=N_MUTATIONS, **SETTINGS)
    @given(st.sampled_from(paths), st.sampled_from(["replace", "replace", "delete", "add"]), JSON_VALUES)
    def check(path, op, value):
        _count("mutations")
        mutated = _mutate(real.doc, path, op, value)
        state, reason = read_as_a_start(real, _dumps(mutated))
        if state == "valid":
            # Accepted: then it really still describes this registry.
            registry = _fresh_registry(real)
            assert registry._serve_from_cache(registry.cache)
            assert set(dict.keys(registry)) <= set(KEYS) | {k for k in mutated.get("items", {})}

    check()
    _report("mutations", N_MUTATIONS)


# -- every truncation ------------------------------------------------------------------------------


def test_every_truncation_of_a_real_cache_is_corrupt(real):
    raw = real.raw
    reasons = set()
    for length in range(len(raw)):
        state, reason = read_as_a_start(real, raw[:length])
        assert state == "corrupt", (length, reason)
        reasons.add(reason.split(" (")[0])
    assert read_as_a_start(real, raw)[0] == "valid"
    EXAMPLES["truncations (not hypothesis)"] = len(raw)
    print(f"\n[reliability-fuzz] every truncation: {len(raw)} lengths; reasons: {sorted(reasons)}")
    assert reasons <= {"empty file", "not valid JSON"}, reasons


# -- targeted nasties ------------------------------------------------------------------------------


def _with(edit):
    def make(real):
        doc = copy.deepcopy(real.doc)
        edit(doc)
        return _dumps(doc)

    return make


def _raw_replace(field: str, literal: str):
    """Set a top-level field to a JSON literal Python's json module would not write itself."""

    def make(real):
        doc = copy.deepcopy(real.doc)
        doc[field] = "@@HERE@@"
        return _dumps(doc).replace(b'"@@HERE@@"', literal.encode())

    return make


def _first_file_entry(doc):
    return next(iter(doc["files"]["roots"].values()))[0]


def _file_entry(doc):
    return next(e for e in next(iter(doc["files"]["roots"].values())) if e[0].endswith(".py"))


HUGE = "x" * 5_000_000
DEEP_LIST = "[" * 100_000 + "]" * 100_000
DEEP_DICT = '{"a":' * 100_000 + "1" + "}" * 100_000
BIG_INT = "9" * 400
TOO_MANY_DIGITS = "7" * 5000  # beyond Python's default int conversion limit (4300 digits)

NASTY = {
    # huge strings
    "huge_item_doc": (_with(lambda d: d["items"]["alpha"].__setitem__(2, HUGE)), {"valid"}),
    "huge_item_key": (_with(lambda d: d["items"].__setitem__(HUGE, d["items"]["alpha"])), {"valid"}),
    "huge_identity_name": (_with(lambda d: d["identity"].__setitem__("name", HUGE)), {"stale"}),
    "huge_version": (_with(lambda d: d.__setitem__("version", HUGE)), {"stale"}),
    "huge_module_name": (_with(lambda d: d["items"]["alpha"].__setitem__(0, "." + "m" * 1_000_000)), {"valid"}),
    # deeply nested values
    "deep_list_in_items": (_raw_replace("items", DEEP_LIST), {"corrupt"}),
    "deep_dict_in_report": (_raw_replace("report", DEEP_DICT), {"corrupt"}),
    "deep_list_top_level": (lambda real: DEEP_LIST.encode(), {"corrupt"}),
    "nested_just_parseable": (_raw_replace("report", "[" * 500 + "]" * 500), {"corrupt"}),
    # NaN / Infinity everywhere numbers live
    "created_nan": (_raw_replace("created", "NaN"), {"corrupt"}),
    "created_infinity": (_raw_replace("created", "Infinity"), {"corrupt"}),
    "created_minus_infinity": (_raw_replace("created", "-Infinity"), {"corrupt"}),
    "format_nan": (_raw_replace("format", "NaN"), {"corrupt"}),
    "format_infinity": (_raw_replace("format", "Infinity"), {"corrupt"}),
    "file_mtime_nan": (_with(lambda d: _first_file_entry(d).__setitem__(2, math.nan)), {"corrupt"}),
    "file_size_infinity": (_with(lambda d: _first_file_entry(d).__setitem__(1, math.inf)), {"corrupt"}),
    "entry_point_mtime_nan": (
        _with(lambda d: d["entry_points"]["paths"][0].__setitem__(1, math.nan)),
        {"stale", "corrupt"},
    ),
    "item_key_nan": (_with(lambda d: d["items"]["alpha"].append(math.nan)), {"valid", "corrupt"}),
    "duration_infinity": (_with(lambda d: d["report"].__setitem__("duration_s", math.inf)), {"valid"}),
    # huge integers
    "created_huge_int": (_raw_replace("created", BIG_INT), {"corrupt"}),
    "created_minus_huge_int": (_raw_replace("created", "-" + BIG_INT), {"corrupt"}),
    "format_huge_int": (_raw_replace("format", BIG_INT), {"stale", "corrupt"}),
    "created_too_many_digits": (_raw_replace("created", TOO_MANY_DIGITS), {"corrupt"}),
    # the package folder's stamp: a folder whose listing did not change is still valid (stamp refreshed)
    "folder_mtime_huge_int": (_with(lambda d: _first_file_entry(d).__setitem__(2, int(BIG_INT))), {"valid"}),
    "file_mtime_huge_int": (_with(lambda d: _file_entry(d).__setitem__(2, int(BIG_INT))), {"stale"}),
    "file_size_huge_int": (_with(lambda d: _file_entry(d).__setitem__(1, int(BIG_INT))), {"stale"}),
    "entry_point_path_huge_int": (
        _with(lambda d: d["entry_points"]["paths"][0].__setitem__(0, int(BIG_INT))),
        {"stale", "corrupt"},
    ),
    "entry_point_path_null_byte": (
        _with(lambda d: d["entry_points"]["paths"][0].__setitem__(0, "/tmp/\x00x")),
        {"stale", "corrupt"},
    ),
    "file_root_null_byte": (
        _with(lambda d: d["files"]["roots"].__setitem__("/tmp/\x00root", [["a.py", 1, 1]])),
        {"stale", "corrupt"},
    ),
    "report_module_name_null": (
        _with(lambda d: d["report"]["modules"][0].__setitem__("name", None)),
        {"valid", "corrupt"},
    ),
    "report_modules_mixed_names": (
        _with(lambda d: d["report"]["modules"].extend([{"name": 5}, {"name": None}])),
        {"valid", "corrupt"},
    ),
    # duplicate keys: the last one wins, as in every JSON reader Python ships
    "duplicate_items_bad_last": (lambda real: real.raw[:-1] + b',"items":7}', {"corrupt"}),
    "duplicate_items_good_last": (lambda real: b'{"items":7,' + real.raw[1:], {"valid"}),
    "duplicate_format": (lambda real: real.raw[:-1] + b',"format":2}', {"stale"}),
    "duplicate_item_key": (lambda real: real.raw.replace(b'"items":{', b'"items":{"alpha":5,', 1), {"valid"}),
}


@pytest.mark.parametrize("case", sorted(NASTY))
def test_targeted_nasty_documents(real, case):
    make, allowed = NASTY[case]
    raw = make(real)
    assert raw != real.raw
    state, reason = read_as_a_start(real, raw)
    assert state in allowed, (case, state, reason[:300])
    _count("targeted")


def test_a_corrupt_cache_is_rebuilt_by_the_next_fresh_start(real, tmp_path):
    """After all the in-process reading: one real start on a file the fuzz showed to be corrupt."""
    path = Path(real.registry.cache.path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_raw_replace("created", BIG_INT)(real))
    code = f"""
        from {PKG}.base import REGISTRY as R
        keys = sorted(R)
        print(json.dumps({{"keys": keys, "startup": _st(R.cache.startup_status), "source": R.report.source,
                          "now": _st(R.cache_status()), "values": [R[k].plugin_key for k in keys]}}))
    """
    env = cache_env(tmp_path / "cache")
    data = child(real.site, code, env=env)
    assert data["startup"][0] == "corrupt" and data["startup"][1]
    assert data["source"] == "discovery" and data["keys"] == KEYS and data["values"] == KEYS
    assert data["now"][0] == "valid"
    again = child(real.site, code, env=env)
    assert again["startup"][0] == "valid" and again["source"] == "cache" and again["keys"] == KEYS
    total = sum(n for name, n in EXAMPLES.items() if "not hypothesis" not in name)
    print(f"\n[reliability-fuzz] examples: {EXAMPLES}; total (hypothesis + targeted): {total}")
