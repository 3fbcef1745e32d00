"""Where a registry finds its plugins: its package (scanned lazily), and entry points.

Each test writes a host package (the registry's base plus plugin modules) and,
for entry points, a third-party package *outside* the host package plus a
minimal ``.dist-info`` advertising it. Nothing is imported until the registry
is first read, which the tests check through ``sys.modules``.
"""

from __future__ import annotations

import importlib
import sys

from helpers import BASE_MODULE

CONFIG_BASE = """
from registry_core import AutoRegisterMeta, RegistryConfig
{prelude}
class Plugin(metaclass=AutoRegisterMeta):
    __registry_config__ = RegistryConfig(key_attribute="plugin_key", {options})
    plugin_key = None
"""


def plugin_module(key: str, class_name: str, base_import: str = "from ..base import Plugin") -> str:
    """Source of a module defining one plugin class with ``key``."""
    return f"{base_import}\nclass {class_name}(Plugin):\n    plugin_key = {key!r}\n"


def host_package(make_package, pkg: str, files: dict[str, str], base: str = BASE_MODULE):
    """``pkg/__init__.py``, ``pkg/base.py`` (the registry) and ``files`` (paths relative to ``pkg``)."""
    layout = {f"{pkg}/__init__.py": "", f"{pkg}/base.py": base}
    layout.update({f"{pkg}/{rel}": text for rel, text in files.items()})
    make_package(layout)
    return importlib.import_module(f"{pkg}.base")


def config_base(options: str, prelude: str = "") -> str:
    """A base module declaring its registry with ``RegistryConfig(key_attribute="plugin_key", <options>)``."""
    return CONFIG_BASE.format(prelude=prelude, options=options)


def third_party(make_package, top: str, host: str, modules: dict[str, str]) -> None:
    """A package ``top`` outside the host package; ``modules`` ({file: source}) may say ``HOST`` for the host."""
    files = {f"{top}/__init__.py": ""}
    files.update({f"{top}/{rel}": text.replace("HOST", host) for rel, text in modules.items()})
    make_package(files)


def module_outcome(registry, name: str):
    outcome = registry.discover().report.find_module(name)
    assert outcome is not None, f"no outcome for module {name}; modules: {registry.report.modules}"
    return outcome


# -- the package -----------------------------------------------------------------


def test_default_discovery_package_is_the_base_class_package(make_package):
    make_package(
        {
            "disc_default/__init__.py": "",
            "disc_default/sibling.py": plugin_module("sibling", "Sibling", "from .formats.base import Plugin"),
            "disc_default/formats/__init__.py": "",
            "disc_default/formats/base.py": BASE_MODULE,
            "disc_default/formats/cx5.py": plugin_module("cx5", "CX5", "from .base import Plugin"),
        }
    )
    base = importlib.import_module("disc_default.formats.base")
    registry = base.REGISTRY

    assert registry.config.discovery_package == "disc_default.formats"
    assert list(registry) == ["cx5"]
    assert registry.report.package == "disc_default.formats"
    assert "disc_default.sibling" not in sys.modules


def test_recursive_scan_covers_regular_and_namespace_subpackages(make_package):
    base = host_package(
        make_package,
        "disc_recursive",
        {
            "top.py": plugin_module("top", "Top", "from .base import Plugin"),
            "regular/__init__.py": "",
            "regular/inner.py": plugin_module("regular", "Regular", "from ..base import Plugin"),
            # No __init__.py: namespace subpackages, one nested in the other.
            "namespace/loose.py": plugin_module("namespace", "Loose", "from ..base import Plugin"),
            "namespace/deeper/deepest.py": plugin_module("deepest", "Deepest", "from ...base import Plugin"),
        },
    )
    registry = base.REGISTRY

    assert sorted(registry) == ["deepest", "namespace", "regular", "top"]
    assert module_outcome(registry, "disc_recursive.namespace").status == "imported"
    assert module_outcome(registry, "disc_recursive.namespace.deeper.deepest").status == "imported"


def test_non_recursive_discovery_scans_only_the_top_level(make_package):
    base = host_package(
        make_package,
        "disc_flat",
        {
            "top.py": plugin_module("top", "Top", "from .base import Plugin"),
            "sub/__init__.py": "",
            "sub/nested.py": plugin_module("nested", "Nested", "from ..base import Plugin"),
            "loose/nested_ns.py": plugin_module("nested_ns", "NestedNs", "from ..base import Plugin"),
        },
        base=config_base("discovery_recursive=False"),
    )
    registry = base.Plugin.__registry__

    assert list(registry) == ["top"]
    assert registry.config.discovery_recursive is False
    for name in ("disc_flat.sub", "disc_flat.sub.nested", "disc_flat.loose.nested_ns"):
        assert name not in sys.modules
        assert registry.report.find_module(name) is None


def test_classes_defined_in_a_package_init_are_found(make_package):
    base = host_package(
        make_package,
        "disc_init",
        {
            "bundled/__init__.py": plugin_module("bundled", "Bundled"),
        },
    )
    registry = base.REGISTRY

    assert registry["bundled"].__module__ == "disc_init.bundled"
    assert module_outcome(registry, "disc_init.bundled").status == "imported"


def test_exclude_patterns_skip_modules_and_whole_subpackages(make_package):
    base = host_package(
        make_package,
        "disc_exclude",
        {
            "good.py": plugin_module("good", "Good", "from .base import Plugin"),
            "slow_test.py": plugin_module("slow", "Slow", "from .base import Plugin"),
            "experimental/__init__.py": "",
            "experimental/wip.py": plugin_module("wip", "Wip", "from ..base import Plugin"),
        },
        base=config_base('exclude_patterns=["disc_exclude.*_test", "disc_exclude.experimental"]'),
    )
    registry = base.Plugin.__registry__

    assert list(registry) == ["good"]

    single = module_outcome(registry, "disc_exclude.slow_test")
    assert single.status == "excluded"
    assert "disc_exclude.*_test" in single.detail
    package = module_outcome(registry, "disc_exclude.experimental")
    assert package.status == "excluded"
    assert "disc_exclude.experimental" in package.detail
    assert package.reason.startswith("excluded")
    for name in ("disc_exclude.slow_test", "disc_exclude.experimental", "disc_exclude.experimental.wip"):
        assert name not in sys.modules
    # Modules inside an excluded subpackage are not even listed.
    assert registry.report.find_module("disc_exclude.experimental.wip") is None


def test_custom_discovery_function_with_module_filter(make_package):
    prelude = """
from registry_core import discover_registry_classes_recursive
def public_only(paths, prefix, base_class):
    discover_registry_classes_recursive(
        paths, prefix, base_class,
        module_filter=lambda name: not name.rsplit(".", 1)[-1].startswith("_"),
    )
"""
    base = host_package(
        make_package,
        "disc_custom",
        {
            "public.py": plugin_module("public", "Public", "from .base import Plugin"),
            "_private.py": plugin_module("private", "Private", "from .base import Plugin"),
            "nested/__init__.py": "",
            "nested/_hidden.py": plugin_module("hidden", "Hidden", "from ..base import Plugin"),
            "nested/shown.py": plugin_module("shown", "Shown", "from ..base import Plugin"),
        },
        base=config_base("discovery_function=public_only", prelude),
    )
    registry = base.Plugin.__registry__

    assert sorted(registry) == ["public", "shown"]
    for name in ("disc_custom._private", "disc_custom.nested._hidden"):
        outcome = module_outcome(registry, name)
        assert outcome.status == "excluded"
        assert "discovery function" in outcome.detail
        assert name not in sys.modules


# -- entry points ----------------------------------------------------------------------


def test_entry_points_in_the_default_group_load_lazily(make_package):
    group = "disc_ep_host.plugin"  # "<root package>.<registry name slug>"; the registry name is "plugin"
    third_party(
        make_package,
        "disc_ep_vendor",
        "disc_ep_host",
        {
            "formats.py": """
            from HOST.base import Plugin
            class VendorFormat(Plugin):
                plugin_key = "vendor_format"
        """,
            "extras.py": """
            from HOST.base import Plugin
            class VendorExtra(Plugin):
                plugin_key = "vendor_extra"
        """,
        },
    )
    make_package.dist_info(
        "disc-ep-vendor",
        "2.0.1",
        {
            group: {
                "vendor_format": "disc_ep_vendor.formats:VendorFormat",
                "vendor_extra": "disc_ep_vendor.extras",
            }
        },
    )
    base = host_package(
        make_package, "disc_ep_host", {"local.py": plugin_module("local", "Local", "from .base import Plugin")}
    )
    registry = base.REGISTRY

    assert registry.entry_point_group == group
    assert registry.state == "pending"
    for name in ("disc_ep_vendor", "disc_ep_vendor.formats", "disc_ep_vendor.extras", "disc_ep_host.local"):
        assert name not in sys.modules, f"{name} imported before the registry was read"

    assert sorted(registry) == ["local", "vendor_extra", "vendor_format"]

    for module, value in (
        ("disc_ep_vendor.formats", "disc_ep_vendor.formats:VendorFormat"),
        ("disc_ep_vendor.extras", "disc_ep_vendor.extras"),
    ):
        outcome = module_outcome(registry, module)
        assert outcome.status == "imported"
        assert outcome.source == "entry point"
        assert outcome.distribution == "disc-ep-vendor 2.0.1"
        assert value in outcome.entry_point
        assert outcome.file.endswith(module.rsplit(".", 1)[-1] + ".py")
    assert module_outcome(registry, "disc_ep_host.local").source == "package"
    vendor = registry.report.find_classes("VendorFormat")[0]
    assert vendor.status == "registered"
    assert vendor.outside_package is False, "an entry point is a proper place for a plugin"


def test_entry_point_group_is_configurable(make_package):
    third_party(
        make_package,
        "disc_epgroup_vendor",
        "disc_epgroup_host",
        {
            "chosen.py": """
            from HOST.base import Plugin
            class Chosen(Plugin):
                plugin_key = "chosen"
        """,
            "ignored.py": """
            from HOST.base import Plugin
            class Ignored(Plugin):
                plugin_key = "ignored"
        """,
        },
    )
    make_package.dist_info(
        "disc-epgroup-vendor",
        "1.0",
        {
            "disc_epgroup.custom_plugins": {"chosen": "disc_epgroup_vendor.chosen:Chosen"},
            "disc_epgroup_host.plugin": {"ignored": "disc_epgroup_vendor.ignored:Ignored"},
        },
    )
    base = host_package(
        make_package, "disc_epgroup_host", {}, base=config_base('entry_point_group="disc_epgroup.custom_plugins"')
    )
    registry = base.Plugin.__registry__

    assert registry.entry_point_group == "disc_epgroup.custom_plugins"
    assert list(registry) == ["chosen"]
    assert "disc_epgroup_vendor.ignored" not in sys.modules


def test_broken_entry_point_is_recorded_and_discovery_goes_on(make_package):
    group = "disc_epbroken_host.plugin"
    third_party(
        make_package,
        "disc_epbroken_vendor",
        "disc_epbroken_host",
        {
            "broken.py": """
            from HOST.base import Plugin
            class Doomed(Plugin):
                plugin_key = "doomed"
            raise RuntimeError("vendor SDK licence expired")
        """,
            "fine.py": """
            from HOST.base import Plugin
            class Fine(Plugin):
                plugin_key = "fine"
        """,
        },
    )
    make_package.dist_info(
        "disc-epbroken-vendor",
        "0.1",
        {
            group: {
                "a_broken": "disc_epbroken_vendor.broken:Doomed",
                "b_fine": "disc_epbroken_vendor.fine:Fine",
            }
        },
    )
    base = host_package(
        make_package, "disc_epbroken_host", {"local.py": plugin_module("local", "Local", "from .base import Plugin")}
    )
    registry = base.REGISTRY

    assert sorted(registry) == ["fine", "local"]
    outcome = module_outcome(registry, "disc_epbroken_vendor.broken")
    assert outcome.status == "failed"
    assert outcome.source == "entry point"
    assert outcome.distribution == "disc-epbroken-vendor 0.1"
    assert outcome.error_type == "RuntimeError"
    assert "licence expired" in outcome.error_message
    assert "broken.py" in outcome.traceback
    # The class defined before the module raised is rolled back.
    assert registry.report.find_classes("Doomed")[0].status == "module_failed"


def test_entry_point_to_a_class_of_the_wrong_base(make_package):
    group = "disc_epwrong_host.plugin"
    third_party(
        make_package,
        "disc_epwrong_vendor",
        "disc_epwrong_host",
        {
            "stray.py": """
            class NotAPlugin:
                plugin_key = "not_a_plugin"
        """,
        },
    )
    make_package.dist_info("disc-epwrong-vendor", "3.0", {group: {"stray": "disc_epwrong_vendor.stray:NotAPlugin"}})
    base = host_package(make_package, "disc_epwrong_host", {})
    registry = base.REGISTRY

    assert len(registry) == 0
    outcome = module_outcome(registry, "disc_epwrong_vendor.stray")
    assert outcome.status == "imported"
    assert outcome.source == "entry point"
    assert "wrong base class" in outcome.detail
    assert "NotAPlugin" in outcome.detail and "Plugin" in outcome.detail


HOOK_PACKAGE = {
    "__init__.py": """
        from . import zeiss_czi, zeiss_lsm  # importing the hook registers its plugins
    """,
    "zeiss_czi.py": """
        from HOST.base import Plugin
        class ZeissCzi(Plugin):
            plugin_key = "zeiss_czi"
    """,
    "zeiss_lsm.py": """
        from HOST.base import Plugin
        class ZeissLsm(Plugin):
            plugin_key = "zeiss_lsm"
    """,
}


def test_importing_a_discovery_hook_package_registers_its_plugins(make_package):
    third_party(make_package, "disc_hook_vendor", "disc_hook_host", HOOK_PACKAGE)
    base = host_package(
        make_package, "disc_hook_host", {"local.py": plugin_module("local", "Local", "from .base import Plugin")}
    )

    importlib.import_module("disc_hook_vendor")

    assert sorted(base.REGISTRY) == ["local", "zeiss_czi", "zeiss_lsm"]
    assert base.REGISTRY["zeiss_czi"].__module__ == "disc_hook_vendor.zeiss_czi"


def test_discovery_hook_advertised_as_a_module_entry_point(make_package):
    third_party(make_package, "disc_hookep_vendor", "disc_hookep_host", HOOK_PACKAGE)
    make_package.dist_info("disc-hookep-vendor", "1.1.0", {"disc_hookep_host.plugin": {"zeiss": "disc_hookep_vendor"}})
    base = host_package(make_package, "disc_hookep_host", {})
    registry = base.REGISTRY

    assert "disc_hookep_vendor" not in sys.modules
    assert sorted(registry) == ["zeiss_czi", "zeiss_lsm"]
    outcome = module_outcome(registry, "disc_hookep_vendor")
    assert outcome.source == "entry point"
    assert outcome.distribution == "disc-hookep-vendor 1.1.0"


def _zip_package(folder, archive) -> None:
    import zipfile

    with zipfile.ZipFile(archive, "w") as zipped:
        for path in sorted(folder.rglob("*.py")):
            zipped.write(path, path.relative_to(folder.parent).as_posix())


def test_a_package_inside_a_zip_archive_is_discovered_and_cached(make_package, tmp_path):
    """Zipapps (pex) and eggs import packages from an archive; the archive is what the cache watches."""
    from cache_helpers import bump_mtime, plugin_files, start

    pkg = "dsz_zipped"
    sources = tmp_path / "sources"
    files = plugin_files(
        pkg,
        extra={
            f"{pkg}/sub/__init__.py": "",
            f"{pkg}/sub/p_deep.py": f"from {pkg}.base import Plugin\nclass Deep(Plugin):\n    plugin_key = 'deep'\n",
        },
    )
    for rel, text in files.items():
        (sources / "site" / rel).parent.mkdir(parents=True, exist_ok=True)
        (sources / "site" / rel).write_text(text)
    archive = tmp_path / "plugins.pyz"
    _zip_package(sources / "site" / pkg, archive)
    cache_dir = tmp_path / "cache"

    cold = start(archive, pkg, cache_dir)
    assert cold["keys"] == ["alpha", "beta", "deep", "gamma"], cold["_stderr"]
    assert cold["source"] == "discovery" and cold["warnings"] == []
    warm = start(archive, pkg, cache_dir)
    assert warm["startup"] == ["valid", ""] and warm["source"] == "cache"
    assert warm["keys"] == cold["keys"] and warm["plugins"] == []  # nothing imported from the archive

    # A rebuilt archive (a new release of the zipapp) is a change: one plugin fewer.
    (sources / "site" / pkg / "p_beta.py").unlink()
    _zip_package(sources / "site" / pkg, archive)
    bump_mtime(archive)
    rebuilt = start(archive, pkg, cache_dir)
    assert rebuilt["startup"][0] == "stale" and "plugins.pyz" in rebuilt["startup"][1], rebuilt["startup"]
    assert rebuilt["keys"] == ["alpha", "deep", "gamma"]
