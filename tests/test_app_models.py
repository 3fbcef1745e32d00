"""The Qt item models are thin, correct adapters over the core's report documents."""

from __future__ import annotations

from PyQt6.QtCore import QModelIndex, Qt

from app.models import DATA_ROLE, KIND_ROLE, SORT_ROLE
from app.models.cache_table import CacheTableModel
from app.models.registry_tree import RegistryTreeModel
from app.widgets.filter_bar import count_leaves, make_proxy


def _registry(name: str, plugins: int, failures: int = 0, skipped: int = 0) -> dict:
    return {
        "name": name,
        "base": f"pkg.{name}.Base",
        "package": f"pkg.{name}",
        "entry_point_group": f"pkg.{name}",
        "key_attribute": "_key",
        "state": "discovered",
        "source": "cache",
        "discovery_s": 0.01,
        "healed": None,
        "modules_scanned": plugins,
        "cache_at_start": {"state": "valid", "reason": ""},
        "plugins": [
            {
                "key": f"k{i:05d}",
                "class": f"P{i}",
                "module": f"pkg.{name}.p{i}",
                "file": f"/x/p{i}.py",
                "loaded": i % 2 == 0,
                "doc": f"plugin {i}",
                "outside_package": False,
                "secondary": {"_meta": f"pkg.{name}.p{i}.Meta{i}"} if i < 2 else {},
            }
            for i in range(plugins)
        ],
        "secondary": [{"attr_name": "_meta", "key_source": "primary", "name": "META", "entries": {}}],
        "failures": [
            {
                "module": f"pkg.{name}.bad{i}",
                "reason": "import failed",
                "error": "ImportError: x",
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
                "reason": "no key",
                "file": None,
                "key": None,
                "holder": None,
            }
            for i in range(skipped)
        ],
        "excluded": [],
    }


def test_registry_tree_passes_the_model_tester(qtmodeltester):
    model = RegistryTreeModel()
    model.set_registries([_registry("alpha", 3, failures=1, skipped=2), _registry("beta", 2)])
    qtmodeltester.check(model)


def test_registry_tree_shape_roles_and_sorting():
    model = RegistryTreeModel()
    model.set_registries([_registry("alpha", 3, failures=1, skipped=2), _registry("beta", 12)])
    assert model.rowCount() == 2
    alpha = model.index(0, 0)
    assert model.rowCount(alpha) == 3 + 1 + 2
    assert model.data(alpha, KIND_ROLE) == "registry"
    first_plugin = model.index(0, 0, alpha)
    assert model.data(first_plugin) == "k00000"
    assert model.data(model.index(0, 2, alpha)) == "loaded"
    assert model.data(model.index(1, 2, alpha)) == "from cache"
    assert model.rowCount(first_plugin) == 1  # its secondary entry
    assert model.data(model.index(3, 0, alpha), KIND_ROLE) == "failure"
    assert model.data(model.index(5, 0, alpha), KIND_ROLE) == "duplicate"
    assert model.data(model.index(0, 1), SORT_ROLE) == 3  # numbers sort as numbers
    assert model.data(first_plugin, DATA_ROLE)["registry"] == "alpha"
    proxy = make_proxy(model, SORT_ROLE)
    proxy.sort(1, Qt.SortOrder.DescendingOrder)
    assert proxy.data(proxy.index(0, 0)) == "beta"  # 12 plugins > 3, not "3" > "12"


def test_filter_is_recursive_and_counts_shown_rows():
    model = RegistryTreeModel()
    model.set_registries([_registry("alpha", 30), _registry("beta", 5, failures=1)])
    proxy = make_proxy(model, SORT_ROLE)
    assert count_leaves(proxy) == 36
    proxy.setFilterRegularExpression("ImportError")
    assert count_leaves(proxy) == 1
    proxy.setFilterRegularExpression("k0000[12]")
    assert count_leaves(proxy) == 4  # k00001 and k00002 in each registry


def test_cache_table_passes_the_model_tester(qtmodeltester):
    model = CacheTableModel()
    model.set_document(
        {
            "caches": [
                {
                    "registry": "alpha",
                    "state": "valid",
                    "reason": "",
                    "path": "/c/a.json",
                    "size": 100,
                    "age_s": 5.0,
                    "items": 3,
                },
                {
                    "registry": "beta",
                    "state": "stale",
                    "reason": "modified: b.py",
                    "path": "/c/b.json",
                    "size": 2048,
                    "age_s": 7200.0,
                    "items": 12,
                },
            ],
            "orphans": [{"path": "/c/old.json", "registry": "gamma", "size": 10}],
        }
    )
    qtmodeltester.check(model)
    assert model.rowCount() == 3
    assert model.data(model.index(1, 1)) == "stale"
    assert model.data(model.index(1, 2)) == "modified: b.py"
    assert model.data(model.index(2, 1)) == "orphan"
    assert model.data(model.index(1, 3), SORT_ROLE) == 2048
    assert model.data(model.index(0, 1), Qt.ItemDataRole.BackgroundRole) is not None
    assert model.rowCount(model.index(0, 0)) == 0
    assert not model.index(5, 0).isValid()
    assert model.data(QModelIndex()) is None
