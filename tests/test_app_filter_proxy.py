"""The tree filter (matched in Python, for speed at 10 000 rows) shows exactly the rows Qt's recursive filter does."""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest
from app_documents import derived, registry_documents
from PyQt6.QtCore import QModelIndex, QSortFilterProxyModel, Qt

from app.models import SORT_ROLE
from app.models.enum_tree import EnumTreeModel
from app.models.registry_tree import COLUMNS, RegistryTreeModel
from app.widgets.filter_bar import TreeFilterProxy, count_leaves, make_proxy


@pytest.fixture(scope="module")
def documents(document_site):
    """Real ``inventory()`` documents: "alpha" (30 plugins, every 7th with a secondary entry, served from its cache
    with the even ones loaded since; 2 failed imports, 3 skipped classes, an excluded module), "beta" (12 plugins,
    a failed import) and "Gamma" (none); "delta" (3) to swap in; "big" (10 000 plugins, 3 failed imports,
    5 skipped classes, an excluded module)."""
    site = document_site
    with site.live():
        tree = registry_documents(
            [
                site.registry(
                    "alpha",
                    30,
                    failures=2,
                    skipped=3,
                    excluded=True,
                    meta_every=7,
                    warm=True,
                    load=lambda i: i % 2 == 0,
                ),
                site.registry("beta", 12, failures=1, excluded=True),
                site.registry("Gamma", 0),
            ]
        )
        delta = registry_documents([site.registry("delta", 3)])
        big = registry_documents([site.registry("big", 10_000, failures=3, skipped=5, excluded=True, one_module=True)])
    return SimpleNamespace(tree=tree, delta=delta, big=big)


@pytest.fixture(scope="module")
def enums(demo_enums):
    """The demo's enums, and a copy of a component enum turned stale with numeric values: the demo's caches
    are valid and its values strings, and the filter must match Qt's on those cells too."""
    components = next(d for d in demo_enums if d["name"] == "AllComponents")
    members = [*components["members"], {"name": "Z", "value": 3}, {"name": "T", "value": 12}]
    stale = derived(components, name="StaleComponents", cache_state="stale", cache_reason="config changed")
    stale["members"] = members
    return [*demo_enums, stale]


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
    r"docs_alpha\d*\.p1\d$",
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
def test_regex_filter_matches_qts_recursive_filter(pattern, documents):
    model = RegistryTreeModel()
    model.set_registries(documents.tree)
    ours, reference = _pair(model)
    ours.setFilterRegularExpression(pattern)
    reference.setFilterRegularExpression(pattern)
    assert _rows(ours) == _rows(reference)
    assert count_leaves(ours) == count_leaves(reference)


@pytest.mark.parametrize("text", ["k0000", "a.b", "S1", "ImportError: No", "(", "Meta14", "  "])
def test_fixed_string_and_wildcard_and_case_sensitivity(text, documents):
    model = RegistryTreeModel()
    model.set_registries(documents.tree)
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


def test_key_column_and_model_reset(documents):
    model = RegistryTreeModel()
    model.set_registries(documents.tree)
    ours, reference = _pair(model)
    for proxy in (ours, reference):
        proxy.setFilterKeyColumn(0)
        proxy.setFilterRegularExpression("docs_")  # only in other columns
    assert _rows(ours) == _rows(reference) == set()
    for proxy in (ours, reference):
        proxy.setFilterKeyColumn(COLUMNS.index("Module"))
    assert _rows(ours) == _rows(reference) != set()
    # A new tree under the same filter: nothing remembered from the old one.
    model.set_registries(documents.delta)
    assert _rows(ours) == _rows(reference)
    assert {path[0] for path in _rows(ours)} == {"delta"}


@pytest.mark.parametrize("text", ["viridis", "3", "12", "stale", "site", "colormap", "xyz"])
def test_enum_tree_filter_matches_qt(text, enums):
    model = EnumTreeModel()
    model.set_enums(enums)
    ours, reference = _pair(model)
    for proxy in (ours, reference):
        proxy.setFilterFixedString(text)
    assert _rows(ours) == _rows(reference)


def test_filtering_10000_rows_is_fast(documents):
    model = RegistryTreeModel()
    model.set_registries(documents.big)
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
