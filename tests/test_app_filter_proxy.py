"""The tree filter (matched in Python, for speed at 10 000 rows) shows exactly the rows Qt's recursive filter does."""

from __future__ import annotations

import time

import pytest
from PyQt6.QtCore import QModelIndex, QSortFilterProxyModel, Qt

from app.models import SORT_ROLE
from app.models.enum_tree import EnumTreeModel
from app.models.registry_tree import RegistryTreeModel
from app.widgets.filter_bar import TreeFilterProxy, count_leaves, make_proxy


def _registry(name: str, plugins: int, failures: int = 0, skipped: int = 0) -> dict:
    return {
        "name": name,
        "base": f"pkg.{name}.Base",
        "package": f"pkg.{name}",
        "entry_point_group": None,
        "key_attribute": "_key",
        "state": "discovered",
        "source": "discovery",
        "discovery_s": 0.01,
        "healed": None,
        "modules_scanned": plugins,
        "cache_at_start": {"state": "valid", "reason": ""},
        "plugins": [
            {
                "key": f"k{i:05d}",
                "class": f"P{i}",
                "module": f"pkg.{name}.p{i}",
                "file": f"/x/{name}/p{i}.py",
                "loaded": i % 2 == 0,
                "doc": None,
                "outside_package": False,
                "secondary": {"_meta": f"pkg.{name}.p{i}.Meta{i}"} if i % 7 == 0 else {},
            }
            for i in range(plugins)
        ],
        "secondary": [{"attr_name": "_meta", "key_source": "primary", "name": "META", "entries": {}}],
        "failures": [
            {
                "module": f"pkg.{name}.bad{i}",
                "reason": "import failed",
                "error": "ImportError: No module x",
                "error_type": "ImportError",
                "traceback": "Traceback...",
                "file": None,
                "source": "package",
                "entry_point": None,
                "distribution": None,
            }
            for i in range(failures)
        ],
        "skipped": [
            {
                "class": f"S{i}",
                "module": f"pkg.{name}.s{i}",
                "status": "duplicate" if i else "no_key",
                "reason": "no key" if i == 0 else "duplicate key 'k00001'",
                "file": None,
                "key": None,
                "holder": None,
            }
            for i in range(skipped)
        ],
        "excluded": [{"module": f"pkg.{name}.tests", "reason": "matches exclude pattern 'pkg.*.tests'"}],
    }


REGISTRIES = [_registry("alpha", 30, failures=2, skipped=3), _registry("beta", 12, failures=1), _registry("Gamma", 0)]
ENUMS = [
    {
        "name": "ColormapEnum",
        "kind": "colormap",
        "cache_state": "valid",
        "cache_reason": "",
        "cache_path": "/c.json",
        "members": [
            {"name": "VIRIDIS", "value": "viridis", "swatch": ["#440154", "#fde725"]},
            {"name": "GREYS", "value": "greys", "swatch": ["#000000", "#ffffff"]},
        ],
    },
    {
        "name": "AllComponents",
        "kind": "component",
        "cache_state": "stale",
        "cache_reason": "config changed",
        "cache_path": "/d.json",
        "members": [{"name": "SITE", "value": "site"}, {"name": "Z", "value": 3}, {"name": "T", "value": 12}],
    },
]


def _rows(model, parent: QModelIndex = QModelIndex(), path: tuple = ()) -> set:
    """Every row the model shows, as the path of first-column texts down to it."""
    found = set()
    for row in range(model.rowCount(parent)):
        index = model.index(row, 0, parent)
        here = (*path, index.data())
        found.add(here)
        found |= _rows(model, index, here)
    return found


def _reference(source) -> QSortFilterProxyModel:
    proxy = QSortFilterProxyModel()
    proxy.setSourceModel(source)
    proxy.setRecursiveFilteringEnabled(True)
    proxy.setFilterKeyColumn(-1)
    proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
    return proxy


def _pair(source):
    ours = make_proxy(source, SORT_ROLE)
    assert isinstance(ours, TreeFilterProxy)
    return ours, _reference(source)


REGEXES = [
    "",
    "k0000[12]",
    "^k00001$",
    "IMPORTERROR",
    r"pkg\.alpha\.p1\d$",
    "meta",
    "META3",
    "no key",
    r"\d{5}$",
    "from cache",
    "duplicate|excluded",
    "gamma",
    "^$",
    "nothing-matches-this",
    "(",
    r"[",
    "a.b",
    r"p(?=2)",
    "(?i)K00003",
    r"\bbad1\b",
]


@pytest.mark.parametrize("pattern", REGEXES)
def test_regex_filter_matches_qts_recursive_filter(pattern):
    model = RegistryTreeModel()
    model.set_registries(REGISTRIES)
    ours, reference = _pair(model)
    ours.setFilterRegularExpression(pattern)
    reference.setFilterRegularExpression(pattern)
    assert _rows(ours) == _rows(reference)
    assert count_leaves(ours) == count_leaves(reference)


@pytest.mark.parametrize("text", ["k0000", "a.b", "S1", "ImportError: No", "(", "Meta14", "  "])
def test_fixed_string_and_wildcard_and_case_sensitivity(text):
    model = RegistryTreeModel()
    model.set_registries(REGISTRIES)
    ours, reference = _pair(model)
    for proxy in (ours, reference):
        proxy.setFilterFixedString(text)
    assert _rows(ours) == _rows(reference)
    for proxy in (ours, reference):
        proxy.setFilterWildcard(f"*{text}*")  # Qt's wildcard regex uses \z: ours falls back to Qt's matching
    assert _rows(ours) == _rows(reference)
    for proxy in (ours, reference):
        proxy.setFilterCaseSensitivity(Qt.CaseSensitivity.CaseSensitive)
        proxy.setFilterFixedString(text.upper())
    assert _rows(ours) == _rows(reference)


def test_key_column_and_model_reset():
    model = RegistryTreeModel()
    model.set_registries(REGISTRIES)
    ours, reference = _pair(model)
    for proxy in (ours, reference):
        proxy.setFilterKeyColumn(0)
        proxy.setFilterRegularExpression("pkg")  # only in other columns
    assert _rows(ours) == _rows(reference) == set()
    for proxy in (ours, reference):
        proxy.setFilterKeyColumn(3)
    assert _rows(ours) == _rows(reference) != set()
    # A new tree under the same filter: nothing remembered from the old one.
    model.set_registries([_registry("delta", 3)])
    assert _rows(ours) == _rows(reference)
    assert {path[0] for path in _rows(ours)} == {"delta"}


@pytest.mark.parametrize("text", ["viridis", "3", "12", "stale", "site", "colormap", "xyz"])
def test_enum_tree_filter_matches_qt(text):
    model = EnumTreeModel()
    model.set_enums(ENUMS)
    ours, reference = _pair(model)
    for proxy in (ours, reference):
        proxy.setFilterFixedString(text)
    assert _rows(ours) == _rows(reference)


def test_filtering_10000_rows_is_fast():
    model = RegistryTreeModel()
    model.set_registries([_registry("big", 10_000, failures=3, skipped=5)])
    proxy = make_proxy(model, SORT_ROLE)
    assert count_leaves(proxy) == 10_000 + 3 + 5 + 1
    slowest = 0.0
    for text in ("k", "k0", "k09", "k099", "k0999", "k09", ""):
        started = time.perf_counter()
        proxy.setFilterRegularExpression(text)
        shown = count_leaves(proxy)
        slowest = max(slowest, time.perf_counter() - started)
    assert shown == 10_009
    proxy.setFilterRegularExpression("k0999")
    assert count_leaves(proxy) == 10
    # Qt's own matching took 0.6-1.3 s per keystroke here; generous bound for a busy CI machine.
    assert slowest < 0.5, f"slowest keystroke {slowest * 1000:.0f} ms"
