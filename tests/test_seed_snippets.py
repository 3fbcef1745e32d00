"""The seed's troubleshooting snippets work with only the package name changed."""

from __future__ import annotations

import importlib
import inspect

from helpers import BASE_MODULE


def test_troubleshooting_snippets(make_package):
    make_package(
        {
            "seed_pkg/__init__.py": "",
            "seed_pkg/base.py": BASE_MODULE,
            "seed_pkg/plugins/__init__.py": "",
            "seed_pkg/plugins/good.py": (
                "from seed_pkg.base import Plugin\nclass Good(Plugin):\n    plugin_key = 'good'\n"
            ),
            "seed_pkg/plugins/half.py": (
                "from abc import abstractmethod\nfrom seed_pkg.base import Plugin\n"
                "class Half(Plugin):\n    plugin_key = 'half'\n    @abstractmethod\n    def run(self): ...\n"
            ),
        }
    )
    base = importlib.import_module("seed_pkg.base")
    REGISTRY = base.REGISTRY
    # "Check discovery package"
    assert REGISTRY._config.discovery_package == "seed_pkg"
    assert REGISTRY.config.discovery_package == REGISTRY._config.discovery_package
    # "Force discovery"
    keys = list(REGISTRY.keys())
    assert keys == ["good"]
    # "Is the class abstract?"
    half = importlib.import_module("seed_pkg.plugins.half").Half
    assert inspect.isabstract(half)
    assert REGISTRY.explain("Half").cause == "abstract"
    # Public equivalents of private attributes.
    assert REGISTRY.base_class is REGISTRY._base_class is base.Plugin
    assert REGISTRY.is_discovered is REGISTRY._discovered is True
