"""The Qt item models are thin, correct adapters over the core's report documents."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from app_documents import DocumentSite, registry_documents, touch_later
from PyQt6.QtCore import QModelIndex, Qt

from app.models import DATA_ROLE, KIND_ROLE, SORT_ROLE
from app.models.cache_table import CacheTableModel
from app.models.registry_tree import CLASS, COUNT, STATUS, RegistryTreeModel
from app.widgets.filter_bar import count_leaves, make_proxy
from registry_core.diagnostics import cache_inventory


@pytest.fixture(scope="module")
def documents(document_site):
    """Real ``inventory()`` documents: "alpha" (3 plugins, each with a secondary entry, served from its cache with
    the even ones loaded since; a failed import, a class without a key and a duplicate) and "beta" (12 plugins);
    for the filter, "alpha" with 30 plugins and "beta" with 5 and a failed import."""
    with document_site.live():
        shapes = registry_documents(
            [
                document_site.registry(
                    "alpha", 3, failures=1, skipped=2, meta_every=1, warm=True, load=lambda i: i % 2 == 0
                ),
                document_site.registry("beta", 12),
            ]
        )
        filtered = registry_documents(
            [document_site.registry("alpha", 30), document_site.registry("beta", 5, failures=1)]
        )
    return SimpleNamespace(shapes=shapes, filtered=filtered)


@pytest.fixture(scope="module")
def caches(tmp_path_factory):
    """A real ``cache_inventory()``: alpha's cache valid, beta's stale (a plugin file edited since it was
    written), and gamma's an orphan (its registry is not among those described)."""
    site = DocumentSite(tmp_path_factory.mktemp("caches"))
    with site.live():
        alpha = site.registry("alpha", 3)
        beta = site.registry("beta", 12)
        site.registry("gamma", 1)
        touch_later(site.maker.root / beta.config.discovery_package / "p1.py")
        return cache_inventory([alpha, beta])


def test_registry_tree_passes_the_model_tester(qtmodeltester, documents):
    model = RegistryTreeModel()
    model.set_registries(documents.shapes)
    qtmodeltester.check(model)


def test_registry_tree_shape_roles_and_sorting(documents):
    model = RegistryTreeModel()
    model.set_registries(documents.shapes)
    assert model.rowCount() == 2
    alpha = model.index(0, 0)
    assert model.rowCount(alpha) == 3 + 1 + 2
    assert model.data(alpha, KIND_ROLE) == "registry"
    first_plugin = model.index(0, 0, alpha)
    assert model.data(first_plugin) == "k00000"
    assert model.data(model.index(0, STATUS, alpha)) == "loaded"
    assert model.data(model.index(1, STATUS, alpha)) == "from cache"
    assert model.rowCount(first_plugin) == 1  # its secondary entry
    assert model.data(model.index(3, 0, alpha), KIND_ROLE) == "failure"
    assert model.data(model.index(5, 0, alpha), KIND_ROLE) == "duplicate"
    # The counts have a column of their own (numbers sort as numbers); the Class column holds the base class.
    assert model.data(model.index(0, COUNT)) == "3 (+3)"
    assert model.data(model.index(0, COUNT), SORT_ROLE) == 3
    assert "3 plugins, 3 modules or classes not registered" in model.data(
        model.index(0, COUNT), Qt.ItemDataRole.ToolTipRole
    )
    assert model.data(model.index(0, CLASS)) == documents.shapes[0]["base"]
    assert model.data(model.index(0, COUNT, alpha)) == ""
    assert model.data(first_plugin, DATA_ROLE)["registry"] == "alpha"
    proxy = make_proxy(model, SORT_ROLE)
    proxy.sort(COUNT, Qt.SortOrder.DescendingOrder)
    assert proxy.data(proxy.index(0, 0)) == "beta"  # 12 plugins > 3, not "3" > "12"


def test_filter_is_recursive_and_counts_shown_rows(documents):
    model = RegistryTreeModel()
    model.set_registries(documents.filtered)
    proxy = make_proxy(model, SORT_ROLE)
    assert count_leaves(proxy) == 36
    proxy.setFilterRegularExpression("ImportError")
    assert count_leaves(proxy) == 1
    proxy.setFilterRegularExpression("k0000[12]")
    assert count_leaves(proxy) == 4  # k00001 and k00002 in each registry


def test_cache_table_passes_the_model_tester(qtmodeltester, caches):
    model = CacheTableModel()
    model.set_document(caches)
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert [model.data(model.index(row, 0)) for row in range(3)] == ["alpha", "beta", "gamma"]
    assert model.data(model.index(0, 1)) == "valid"
    assert model.data(model.index(1, 1)) == "stale"
    assert model.data(model.index(1, 2)) == caches["caches"][1]["reason"] and "p1.py" in model.data(model.index(1, 2))
    assert model.data(model.index(2, 1)) == "orphan"
    assert model.data(model.index(1, 3), SORT_ROLE) == caches["caches"][1]["size"] > 0  # bytes sort as numbers
    assert model.data(model.index(0, 1), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.rowCount(model.index(0, 0)) == 0
    assert not model.index(5, 0).isValid()
    assert model.data(QModelIndex()) is None


def test_plugins_show_the_distribution_that_provides_them(demo_in_process):
    from app.demo import load_demo
    from app.models.registry_tree import COLUMNS, DISTRIBUTION, LIBRARY, RegistryTreeModel
    from registry_core.diagnostics import inventory

    model = RegistryTreeModel()
    model.set_registries(inventory(load_demo())["registries"])
    assert COLUMNS[DISTRIBUTION] == "Distribution"
    rows = {}
    for r in range(model.rowCount()):
        registry = model.index(r, 0)
        rows[registry.data()] = model.index(r, LIBRARY).data()
        for p in range(model.rowCount(registry)):
            plugin = model.index(p, 0, registry)
            rows[plugin.data()] = plugin.siblingAtColumn(DISTRIBUTION).data()
    # An entry point's plugin names its distribution and version; the package's own plugins have none.
    assert rows["acme_cellinsight"] == "acme-hcs-plugins 0.3.0"
    assert rows["zeiss_czi"] == "zeiss-hcs-hook 1.1.0"
    assert rows["imagexpress"] == ""
    assert rows["microscope handler"] == "registry_core 0.1.0"  # (registries: the library that built them)
