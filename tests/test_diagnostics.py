"""Diagnostics: broken plugins are recorded (never fatal, never silent) and ``explain`` says why.

A plugin module that raises at import is recorded as ``failed`` with its error
type, message and full traceback, and discovery goes on. ``registry_core.explain``
answers "why is X (not) in this registry?" with one cause from a fixed
vocabulary, and a plain-words message.
"""

from __future__ import annotations

import importlib
import logging
import sys

import pytest
from helpers import BASE_MODULE

import registry_core
from registry_core import RegistryKeyError

GOOD_PLUGIN = """
from .base import Plugin
class GoodPlugin(Plugin):
    plugin_key = "good"
    def run(self): ...
"""


def make_plugins(make_package, pkg: str, base: str = BASE_MODULE, **modules: str):
    """``pkg/base.py`` holding ``base`` plus one module per keyword; returns the imported base module."""
    files = {f"{pkg}/__init__.py": "", f"{pkg}/base.py": base}
    files.update({f"{pkg}/{name}.py": source for name, source in modules.items()})
    make_package(files)
    return importlib.import_module(f"{pkg}.base")


def explain(registry, name):
    return registry_core.explain(registry, name)


# -- import failures --------------------------------------------------------------------

BROKEN_MODULES = {
    "import_error": (
        "import cv7000_vendor_sdk_not_installed\n",
        "ModuleNotFoundError",
        "cv7000_vendor_sdk_not_installed",
    ),
    "syntax_error": ("from .base import Plugin\nclass Broken(Plugin:\n    pass\n", "SyntaxError", ""),
    "runtime_error": ("raise RuntimeError('plugin setup went wrong')\n", "RuntimeError", "plugin setup went wrong"),
    "system_exit": ("import sys\nsys.exit('plugin called sys.exit')\n", "SystemExit", "plugin called sys.exit"),
}


@pytest.mark.parametrize("kind", sorted(BROKEN_MODULES))
def test_module_raising_at_import_is_recorded_and_discovery_goes_on(make_package, kind):
    source, error_type, message = BROKEN_MODULES[kind]
    pkg = f"diag_fail_{kind}"
    base = make_plugins(
        make_package,
        pkg,
        a_good=GOOD_PLUGIN.replace("good", "a_good").replace("Good", "AGood"),
        broken=source,
        z_good=GOOD_PLUGIN.replace("good", "z_good").replace("Good", "ZGood"),
    )
    registry = base.REGISTRY

    assert sorted(registry) == ["a_good", "z_good"], "the plugins on both sides of the broken one are present"
    [failure] = registry.report.failures
    assert failure.name == f"{pkg}.broken"
    assert failure.status == "failed"
    assert failure.error_type == error_type
    assert message in failure.error_message
    assert failure.file.endswith("broken.py")
    assert "broken.py" in failure.traceback
    assert failure.traceback.rstrip().splitlines()[-1].startswith(error_type)
    assert f"{pkg}.broken" not in sys.modules


def test_keyboard_interrupt_propagates_and_a_later_read_retries(make_package):
    base = make_plugins(make_package, "diag_interrupt", good=GOOD_PLUGIN, stopper="raise KeyboardInterrupt\n")
    registry = base.REGISTRY

    with pytest.raises(KeyboardInterrupt):
        registry["good"]
    assert not registry.is_discovered
    assert registry.state == "pending"

    # The user fixes the plugin; the next read runs discovery again.
    (make_package.root / "diag_interrupt" / "stopper.py").write_text(
        "from .base import Plugin\nclass Stopper(Plugin):\n    plugin_key = 'stopper'\n    # fixed\n"
    )
    importlib.invalidate_caches()

    assert sorted(registry) == ["good", "stopper"]
    assert registry.is_discovered
    module_names = [m.name for m in registry.report.modules]
    assert len(module_names) == len(set(module_names)), f"stale outcomes of the interrupted run: {module_names}"


def test_classes_registered_before_the_module_raised_are_rolled_back(make_package):
    base = make_plugins(
        make_package,
        "diag_rollback",
        good=GOOD_PLUGIN,
        partial="""
        from .base import Plugin
        class EarlyBird(Plugin):
            plugin_key = "early"
        raise RuntimeError("failed after defining EarlyBird")
    """,
    )
    registry = base.REGISTRY

    assert list(registry) == ["good"]
    assert "early" not in registry
    [outcome] = registry.report.find_classes("EarlyBird")
    assert outcome.status == "module_failed"
    assert "diag_rollback.partial" in outcome.reason
    assert outcome in registry.report.skipped


def test_rollback_also_removes_the_failed_module_secondary_entries(make_package):
    base = make_plugins(
        make_package,
        "diag_rollback_secondary",
        """
        from registry_core import AutoRegisterMeta, LazyDiscoveryDict, SecondaryRegistry, SecondaryRegistryDict
        REGISTRY = LazyDiscoveryDict()
        BY_KEY = SecondaryRegistryDict()
        BY_VENDOR = SecondaryRegistryDict()
        class Plugin(metaclass=AutoRegisterMeta):
            __registry__ = REGISTRY
            __registry_key__ = "plugin_key"
            __secondary_registries__ = [SecondaryRegistry(BY_KEY, attr_name="reader"),
                                        SecondaryRegistry(BY_VENDOR, key_source="vendor", attr_name="reader")]
            plugin_key = None
    """,
        a_kept="""
        from .base import Plugin
        class KeptReader: pass
        class Kept(Plugin):
            plugin_key = "acme"     # equals the failed plugin's vendor: must survive the rollback
            vendor = "zeiss"
            reader = KeptReader
    """,
        b_partial="""
        from .base import Plugin
        class LostReader: pass
        class Lost(Plugin):
            plugin_key = "lost"
            vendor = "acme"
            reader = LostReader
        raise RuntimeError("failed after registering Lost")
    """,
    )

    assert list(base.REGISTRY) == ["acme"]
    assert sorted(base.BY_KEY) == ["acme"]
    assert base.BY_KEY["acme"].__name__ == "KeptReader"
    assert sorted(base.BY_VENDOR) == ["zeiss"], "the failed module's reader is gone from the vendor-keyed registry"


# -- explain -------------------------------------------------------------------------------


@pytest.fixture
def explained(make_package):
    """One registry with one example of every cause ``explain`` knows."""
    make_package(
        {
            "diag_explain/__init__.py": "",
            "diag_explain/base.py": """
            from abc import abstractmethod
            from registry_core import AutoRegisterMeta, RegistryConfig
            class Plugin(metaclass=AutoRegisterMeta):
                __registry_config__ = RegistryConfig(key_attribute="plugin_key",
                                                     exclude_patterns=["diag_explain.experimental*"])
                plugin_key = None
                @abstractmethod
                def run(self): ...
        """,
            "diag_explain/disk.py": """
            from .base import Plugin
            class DiskBackend(Plugin):
                plugin_key = "disk"
                def run(self): ...
        """,
            "diag_explain/cellvoyager.py": """
            import cv7000_sdk_missing_for_explain
        """,
            "diag_explain/s3.py": """
            from .base import Plugin
            class S3Backend(Plugin):
                def run(self): ...
        """,
            "diag_explain/disk_variants.py": """
            from .disk import DiskBackend
            class FastDiskBackend(DiskBackend):
                pass
        """,
            "diag_explain/streaming.py": """
            from .base import Plugin
            class StreamingBackend(Plugin):
                plugin_key = "streaming"
        """,
            "diag_explain/zz_copy.py": """
            from .base import Plugin
            class DiskBackendCopy(Plugin):
                plugin_key = "disk"
                def run(self): ...
        """,
            "diag_explain/experimental.py": """
            from .base import Plugin
            class Prototype(Plugin):
                plugin_key = "prototype"
                def run(self): ...
        """,
            "diag_explain/helpers.py": """
            class PathHelper:
                plugin_key = "path_helper"
        """,
            "diag_explain_user/__init__.py": "",
            "diag_explain_user/scratch.py": """
            from diag_explain.base import Plugin
            class ScratchBackend(Plugin):
                plugin_key = "scratch"
                def run(self): ...
        """,
        }
    )
    base = importlib.import_module("diag_explain.base")
    registry = base.Plugin.__registry__
    registry.discover()
    importlib.import_module("diag_explain_user.scratch")  # outside the discovery package, imported by hand
    return registry


@pytest.mark.parametrize(
    "name, cause, registered",
    [
        ("disk", "registered", True),  # a key
        ("DiskBackend", "registered", True),  # a class name
        ("diag_explain.disk", "registered", True),  # a module name
        ("diag_explain.cellvoyager", "import error", False),
        ("cellvoyager", "import error", False),  # a key guessed from the failed module's name
        ("S3Backend", "no key attribute", False),
        ("FastDiskBackend", "no key attribute", False),  # its key is inherited from a registered parent
        ("StreamingBackend", "abstract", False),
        ("DiskBackendCopy", "duplicate key", False),
        ("diag_explain.experimental", "excluded", False),
        ("PathHelper", "wrong base class", False),
        ("diag_explain.helpers", "wrong base class", False),
        # Registered in this process only because the test imported it; a fresh process would not find it.
        ("ScratchBackend", "wrong location", True),
        ("scratch", "wrong location", True),
        ("DiskBakend", "not found", False),
    ],
)
def test_explain_cause(explained, name, cause, registered):
    explanation = explain(explained, name)

    assert explanation.cause == cause, str(explanation)
    assert explanation.registered is registered


def test_explain_details(explained):
    failed = explain(explained, "cellvoyager")
    assert "diag_explain.cellvoyager" in failed.message
    assert "ModuleNotFoundError" in failed.message
    assert any("cellvoyager.py" in line for line in failed.details), "the traceback is in the details"

    inherited = explain(explained, "FastDiskBackend")
    assert "inherited" in inherited.message and "DiskBackend" in inherited.message

    abstract = explain(explained, "StreamingBackend")
    assert "run" in abstract.message

    duplicate = explain(explained, "DiskBackendCopy")
    assert any("diag_explain.disk.DiskBackend" in d and "disk.py" in d for d in duplicate.details)

    excluded = explain(explained, "diag_explain.experimental")
    assert "diag_explain.experimental*" in excluded.message
    assert "diag_explain.experimental" not in sys.modules

    location = explain(explained, "ScratchBackend")
    assert "diag_explain_user.scratch" in str(location)
    assert "wrong location" in str(location)

    missing = explain(explained, "DiskBakend")
    assert "not found" in missing.message
    assert any(d.startswith("did you mean") and "DiskBackend" in d for d in missing.details)


def test_explain_accepts_a_class_object(explained):
    explanation = explain(explained, explained["disk"])

    assert explanation.cause == "registered"
    assert explanation.registered is True


def test_str_of_an_explanation_is_plain_words(explained):
    text = str(explain(explained, "StreamingBackend"))

    assert text.startswith("StreamingBackend is not registered in the plugin registry: abstract")
    assert "run" in text
    assert "streaming.py" in text
    for machine_talk in ("ClassOutcome(", "ModuleOutcome(", "<class", "status=", "None"):
        assert machine_talk not in text

    found = str(explain(explained, "disk"))
    assert found == "'disk' is registered in the plugin registry: diag_explain.disk.DiskBackend."


# -- logging and missing keys -------------------------------------------------------------------


def test_failures_are_logged_under_the_registry_core_logger(make_package, caplog):
    base = make_plugins(make_package, "diag_logging", good=GOOD_PLUGIN, broken="raise RuntimeError('log me please')\n")

    with caplog.at_level(logging.WARNING, logger="registry_core"):
        base.REGISTRY.discover()

    warnings = [r for r in caplog.records if r.levelno >= logging.WARNING]
    assert warnings, "a failed plugin module is logged"
    assert all(r.name == "registry_core" or r.name.startswith("registry_core.") for r in warnings)
    [record] = [r for r in warnings if "diag_logging.broken" in r.getMessage()]
    assert "log me please" in record.getMessage()
    assert "RuntimeError" in record.getMessage()


def test_missing_key_raises_registry_key_error(make_package):
    base = make_plugins(make_package, "diag_keyerror", good=GOOD_PLUGIN)

    with pytest.raises(KeyError) as caught:
        base.REGISTRY["nope"]

    error = caught.value
    assert isinstance(error, RegistryKeyError)
    assert error.args[0] == "nope"
    assert "plugin registry" in str(error)
    assert "'good'" in str(error), "the message lists the known keys"
    assert "explain" in str(error)

    with pytest.raises(RegistryKeyError) as caught_tuple:
        base.REGISTRY[("tuple", 1)]
    assert caught_tuple.value.args[0] == ("tuple", 1)


def test_get_and_in_do_not_raise_for_missing_keys(make_package):
    base = make_plugins(make_package, "diag_soft_missing", good=GOOD_PLUGIN)

    assert base.REGISTRY.get("nope") is None
    assert "nope" not in base.REGISTRY
