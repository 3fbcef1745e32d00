"""AutoRegisterMeta: how a class statement turns into (or does not turn into) a registry entry.

Every test writes its own tiny package (a unique top-level name per test, so
module caching cannot leak between tests), imports its base module, and reads
the registry; the registry's report says what happened to every class.
"""

from __future__ import annotations

import importlib
import sys

import pytest
from helpers import BASE_MODULE, run_python

from registry_core import (
    AutoRegisterMeta,
    LazyDiscoveryDict,
    RegistryKeyMissingError,
)

ABSTRACT_BASE = """
from abc import abstractmethod
from registry_core import AutoRegisterMeta, LazyDiscoveryDict
REGISTRY = LazyDiscoveryDict()
class Plugin(metaclass=AutoRegisterMeta):
    __registry__ = REGISTRY
    __registry_key__ = "plugin_key"
    plugin_key = None

    @abstractmethod
    def run(self): ...

    @abstractmethod
    def stop(self): ...
"""

HANDLER_BASE = """
from registry_core import AutoRegisterMeta, LazyDiscoveryDict, make_suffix_extractor
REGISTRY = LazyDiscoveryDict()
class MicroscopeHandler(metaclass=AutoRegisterMeta):
    __registry__ = REGISTRY
    __registry_key__ = "_microscope_type"
    __key_extractor__ = make_suffix_extractor("Handler")
    _microscope_type = None
"""


def make_plugins(make_package, pkg: str, base: str = BASE_MODULE, **modules: str):
    """``pkg/base.py`` holding ``base`` plus one module per keyword; returns the imported base module."""
    files = {f"{pkg}/__init__.py": "", f"{pkg}/base.py": base}
    files.update({f"{pkg}/{name}.py": source for name, source in modules.items()})
    make_package(files)
    return importlib.import_module(f"{pkg}.base")


def outcome_of(registry, class_name: str):
    """The report's (single) outcome for a class, after discovery has run."""
    found = registry.discover().report.find_classes(class_name)
    assert len(found) == 1, f"expected one outcome for {class_name}, got {found}"
    return found[0]


# -- where the key comes from --------------------------------------------------


def test_key_comes_from_the_attribute_named_by_registry_key(make_package):
    base = make_plugins(
        make_package,
        "reg_keyattr",
        alpha="""
        from .base import Plugin
        class Alpha(Plugin):
            plugin_key = "alpha"
    """,
    )
    registry = base.REGISTRY

    alpha = registry["alpha"]

    assert alpha.__name__ == "Alpha"
    assert alpha.__module__ == "reg_keyattr.alpha"
    assert list(registry) == ["alpha"]
    outcome = outcome_of(registry, "Alpha")
    assert outcome.status == "registered"
    assert outcome.key == "alpha"
    assert outcome.key_attribute == "plugin_key"


def test_key_from_suffix_extractor_is_derived_and_stamped_on_the_class(make_package):
    base = make_plugins(
        make_package,
        "reg_suffix",
        HANDLER_BASE,
        imagexpress="""
        from .base import MicroscopeHandler
        class ImageXpressHandler(MicroscopeHandler):
            pass
        class OperaPhenixHandler(MicroscopeHandler):
            _microscope_type = "opera_phenix"   # an explicit key wins over the extractor
    """,
    )
    registry = base.REGISTRY

    handler = registry["imagexpress"]

    assert handler.__name__ == "ImageXpressHandler"
    assert handler._microscope_type == "imagexpress"
    assert "_microscope_type" in vars(handler), "the derived key is stamped on the class itself"
    assert registry["opera_phenix"].__name__ == "OperaPhenixHandler"
    assert sorted(registry) == ["imagexpress", "opera_phenix"]
    # The base declares no key and is the registry's root, not a plugin.
    assert outcome_of(registry, "MicroscopeHandler").status == "root"


def test_lambda_key_extractor(make_package):
    base = make_plugins(
        make_package,
        "reg_lambda",
        """
        from registry_core import AutoRegisterMeta, LazyDiscoveryDict
        REGISTRY = LazyDiscoveryDict()
        class Server(metaclass=AutoRegisterMeta):
            __registry__ = REGISTRY
            __registry_key__ = "server_type"
            __key_extractor__ = lambda name, cls: name.removesuffix("Server").upper()
    """,
        servers="""
        from .base import Server
        class NapariServer(Server):
            pass
    """,
    )
    registry = base.REGISTRY

    assert list(registry) == ["NAPARI"]
    assert registry["NAPARI"].server_type == "NAPARI"


# -- classes without a key -------------------------------------------------------


def test_class_without_key_is_skipped_and_reported(make_package):
    base = make_plugins(
        make_package,
        "reg_nokey",
        plugins="""
        from .base import Plugin
        class Keyed(Plugin):
            plugin_key = "keyed"
        class Keyless(Plugin):
            pass
    """,
    )
    registry = base.REGISTRY

    assert list(registry) == ["keyed"]
    outcome = outcome_of(registry, "Keyless")
    assert outcome.status == "no_key"
    assert "plugin_key" in outcome.reason
    assert outcome in registry.report.classes
    assert outcome in registry.report.skipped


def test_class_without_key_raises_when_skip_if_no_key_is_false(make_package):
    strict_base = BASE_MODULE + "    __skip_if_no_key__ = False\n"
    base = make_plugins(
        make_package,
        "reg_strict",
        strict_base,
        keyless="""
        from .base import Plugin
        class Keyless(Plugin):
            pass
    """,
    )

    assert issubclass(RegistryKeyMissingError, ValueError)
    with pytest.raises(RegistryKeyMissingError, match="Keyless"):
        importlib.import_module("reg_strict.keyless")

    # Discovery meets the same module: it is recorded as failed, not raised.
    assert len(base.REGISTRY) == 0
    module = base.REGISTRY.report.find_module("reg_strict.keyless")
    assert module.status == "failed"
    assert module.error_type == "RegistryKeyMissingError"
    assert outcome_of(base.REGISTRY, "Keyless").status == "no_key"


# -- abstract classes and inheritance -------------------------------------------------


def test_abstract_class_is_not_registered_and_outcome_names_the_methods(make_package):
    base = make_plugins(
        make_package,
        "reg_abstract",
        ABSTRACT_BASE,
        plugins="""
        from .base import Plugin
        class HalfDone(Plugin):
            plugin_key = "half"
            def run(self): ...
        class Done(Plugin):
            plugin_key = "done"
            def run(self): ...
            def stop(self): ...
    """,
    )
    registry = base.REGISTRY

    assert list(registry) == ["done"]
    outcome = outcome_of(registry, "HalfDone")
    assert outcome.status == "abstract"
    assert outcome.abstract_methods == ["stop"]
    assert "stop" in outcome.reason
    # The root, with both methods abstract, is recorded as the root.
    assert outcome_of(registry, "Plugin").status == "root"


def test_abstract_outcome_lists_every_abstract_method(make_package):
    base = make_plugins(
        make_package,
        "reg_abstract_all",
        ABSTRACT_BASE,
        plugins="""
        from .base import Plugin
        class Empty(Plugin):
            plugin_key = "empty"
    """,
    )

    outcome = outcome_of(base.REGISTRY, "Empty")

    assert len(base.REGISTRY) == 0
    assert outcome.abstract_methods == ["run", "stop"]
    assert "run" in outcome.reason and "stop" in outcome.reason


def test_subclasses_share_the_base_registry(make_package):
    base = make_plugins(
        make_package,
        "reg_shared",
        one="""
        from .base import Plugin
        class One(Plugin):
            plugin_key = "one"
    """,
        two="""
        from .one import One
        class Two(One):
            plugin_key = "two"
    """,
    )
    registry = base.REGISTRY

    assert sorted(registry) == ["one", "two"]
    assert registry["one"].__registry__ is registry
    assert registry["two"].__registry__ is registry
    assert base.Plugin.__registry__ is registry


def test_subclass_of_registered_class_does_not_take_the_parent_key(make_package):
    base = make_plugins(
        make_package,
        "reg_inherit",
        plugins="""
        from .base import Plugin
        class Parent(Plugin):
            plugin_key = "parent"
        class Child(Parent):
            pass
    """,
    )
    registry = base.REGISTRY

    assert list(registry) == ["parent"]
    assert registry["parent"].__name__ == "Parent"
    outcome = outcome_of(registry, "Child")
    assert outcome.status == "inherited_key"
    assert "Parent" in outcome.reason
    # Not a duplicate: the child never tried to claim the key.
    assert registry.report.duplicates == []


def test_subclass_of_registered_class_gets_its_own_derived_key(make_package):
    base = make_plugins(
        make_package,
        "reg_inherit_derived",
        HANDLER_BASE,
        handlers="""
        from .base import MicroscopeHandler
        class OperaHandler(MicroscopeHandler):
            pass
        class OperaPhenixHandler(OperaHandler):
            pass
    """,
    )
    registry = base.REGISTRY

    assert sorted(registry) == ["opera", "operaphenix"]
    assert registry["operaphenix"].__name__ == "OperaPhenixHandler"
    assert registry["operaphenix"]._microscope_type == "operaphenix"
    assert registry["opera"]._microscope_type == "opera"


def test_key_declared_on_abstract_intermediate_counts_for_concrete_subclass(make_package):
    base = make_plugins(
        make_package,
        "reg_intermediate",
        ABSTRACT_BASE,
        plugins="""
        from .base import Plugin
        class StreamingBase(Plugin):
            plugin_key = "streaming"
            def stop(self): ...
        class NapariStream(StreamingBase):
            def run(self): ...
    """,
    )
    registry = base.REGISTRY

    assert list(registry) == ["streaming"]
    assert registry["streaming"].__name__ == "NapariStream"
    assert outcome_of(registry, "StreamingBase").status == "abstract"


# -- ways to declare a registry ----------------------------------------------------


def test_registry_is_created_when_root_omits_registry(make_package):
    base = make_plugins(
        make_package,
        "reg_implicit",
        """
        from registry_core import AutoRegisterMeta
        class Plugin(metaclass=AutoRegisterMeta):
            __registry_key__ = "plugin_key"
    """,
        plugins="""
        from .base import Plugin
        class Found(Plugin):
            plugin_key = "found"
    """,
    )
    registry = base.Plugin.__registry__

    assert isinstance(registry, LazyDiscoveryDict)
    assert registry.base_class is base.Plugin
    assert registry["found"].__name__ == "Found"


def test_registry_config_form_with_explicit_settings(make_package):
    make_package(
        {
            "reg_config/__init__.py": "",
            "reg_config/core.py": """
            from registry_core import AutoRegisterMeta, LazyDiscoveryDict, RegistryConfig
            WIDGETS = LazyDiscoveryDict()
            class Widget(metaclass=AutoRegisterMeta):
                __registry_config__ = RegistryConfig(
                    registry_dict=WIDGETS,
                    key_attribute="kind",
                    registry_name="widget makers",
                    discovery_package="reg_config.widgets",
                    exclude_patterns=["reg_config.widgets.draft_*"],
                )
                kind = None
        """,
            "reg_config/outside.py": """
            from .core import Widget
            class Outside(Widget):
                kind = "outside"
        """,
            "reg_config/widgets/__init__.py": "",
            "reg_config/widgets/button.py": """
            from ..core import Widget
            class Button(Widget):
                kind = "button"
        """,
            "reg_config/widgets/draft_slider.py": """
            from ..core import Widget
            class Slider(Widget):
                kind = "slider"
        """,
        }
    )
    core = importlib.import_module("reg_config.core")
    registry = core.WIDGETS

    assert core.Widget.__registry__ is registry
    assert list(registry) == ["button"]
    assert registry.name == "widget makers"
    assert registry.config.discovery_package == "reg_config.widgets"
    assert registry.config.key_attribute == "kind"
    assert registry.entry_point_group == "reg_config.widget_makers"
    assert registry.report.find_module("reg_config.widgets.draft_slider").status == "excluded"
    assert "reg_config.widgets.draft_slider" not in sys.modules
    assert "reg_config.outside" not in sys.modules, "only the discovery package is scanned"


def test_domain_metaclass_form(make_package):
    base = make_plugins(
        make_package,
        "reg_domainmeta",
        """
        from registry_core import AutoRegisterMeta, LazyDiscoveryDict, RegistryConfig
        FORMATS = LazyDiscoveryDict()
        CONFIG = RegistryConfig(registry_dict=FORMATS, key_attribute="format_name")

        class FormatMeta(AutoRegisterMeta):
            def __new__(mcs, n, b, a):
                return super().__new__(mcs, n, b, a, registry_config=CONFIG)

        class FormatBase(metaclass=FormatMeta):
            format_name = None
    """,
        formats="""
        from .base import FormatBase
        class CX5(FormatBase):
            format_name = "cx5"
        class MetaXpress(FormatBase):
            format_name = "metaxpress"
    """,
    )
    registry = base.FORMATS

    assert sorted(registry) == ["cx5", "metaxpress"]
    assert registry.base_class is base.FormatBase
    assert type(registry["cx5"]) is base.FormatMeta
    assert outcome_of(registry, "FormatBase").status == "root"


def test_unhashable_key_is_reported_and_the_rest_of_the_module_registers(make_package):
    base = make_plugins(
        make_package,
        "reg_unhashable",
        plugins="""
        from .base import Plugin
        class Before(Plugin):
            plugin_key = "before"
        class ListKey(Plugin):
            plugin_key = ["not", "hashable"]
        class After(Plugin):
            plugin_key = "after"
    """,
    )
    registry = base.REGISTRY

    assert sorted(registry) == ["after", "before"]
    outcome = outcome_of(registry, "ListKey")
    assert outcome.status == "invalid_key"
    assert "hashable" in outcome.reason
    assert registry.report.find_module("reg_unhashable.plugins").status == "imported"


def test_spec_declaration_form_in_a_fresh_interpreter(make_package):
    root = make_package(
        {
            "reg_specform/__init__.py": "",
            "reg_specform/base.py": BASE_MODULE,
            "reg_specform/plugins/__init__.py": "",
            "reg_specform/plugins/disk.py": """
            from ..base import Plugin
            class Disk(Plugin):
                plugin_key = "disk"
        """,
        }
    )

    result = run_python(
        """
        import sys
        from reg_specform.base import REGISTRY, Plugin
        assert "reg_specform.plugins.disk" not in sys.modules, "nothing is imported before the first read"
        assert REGISTRY.state == "pending"
        print(sorted(REGISTRY), REGISTRY["disk"].__name__, Plugin.__registry__ is REGISTRY, REGISTRY.state)
    """,
        path=[str(root)],
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["['disk']", "Disk", "True", "discovered"]


def test_autoregistermeta_is_an_abc_meta():
    # Abstract methods are honoured because the metaclass is an ABCMeta.
    from abc import ABCMeta

    assert issubclass(AutoRegisterMeta, ABCMeta)
