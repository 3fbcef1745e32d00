"""Secondary registries fill from the primary's classes and trigger its discovery."""

from __future__ import annotations

import importlib

from helpers import run_python

FILES = {
    "sec_pkg/__init__.py": "",
    "sec_pkg/base.py": """
        from registry_core import (AutoRegisterMeta, LazyDiscoveryDict, SecondaryRegistry,
                                   SecondaryRegistryDict, PRIMARY_KEY, make_suffix_extractor)
        HANDLERS = LazyDiscoveryDict()
        METADATA = SecondaryRegistryDict()
        BY_VENDOR = SecondaryRegistryDict()
        class Handler(metaclass=AutoRegisterMeta):
            __registry__ = HANDLERS
            __registry_key__ = "_type"
            __key_extractor__ = make_suffix_extractor("Handler")
            __secondary_registries__ = [
                SecondaryRegistry(METADATA, key_source=PRIMARY_KEY, attr_name="_metadata_class"),
                SecondaryRegistry(BY_VENDOR, key_source="_vendor", attr_name="_metadata_class"),
            ]
            _type = None
            _metadata_class = None
            _vendor = None
    """,
    "sec_pkg/imagexpress.py": """
        from sec_pkg.base import Handler
        class ImageXpressMetadata:
            pass
        class ImageXpressHandler(Handler):
            _metadata_class = ImageXpressMetadata
            _vendor = "molecular devices"
    """,
    "sec_pkg/phenix.py": """
        from sec_pkg.base import Handler
        class PhenixMetadata:
            pass
        class OperaPhenixHandler(Handler):
            _type = "opera_phenix"
            _metadata_class = PhenixMetadata
    """,
}


def test_secondary_filled_and_reading_it_discovers_primary(make_package):
    make_package(FILES)
    base = importlib.import_module("sec_pkg.base")
    assert base.HANDLERS.state == "pending"
    # Read the secondary first: it must run the primary's discovery.
    assert sorted(base.METADATA) == ["imagexpress", "opera_phenix"]
    assert base.HANDLERS.state == "discovered"
    assert base.METADATA["imagexpress"].__name__ == "ImageXpressMetadata"
    assert dict(base.BY_VENDOR) == {"molecular devices": base.METADATA["imagexpress"]}


def test_module_level_name_is_the_filled_dict(make_package):
    make_package(FILES)
    base = importlib.import_module("sec_pkg.base")
    held = base.METADATA
    len(base.HANDLERS)
    assert base.METADATA is held
    assert len(held) == 2
    assert base.HANDLERS.secondary_registries[0].registry_dict is held


def test_secondary_triggers_discovery_in_a_fresh_subprocess(make_package):
    root = make_package(FILES)
    result = run_python(
        """
        from sec_pkg.base import METADATA, HANDLERS
        print(sorted(METADATA), HANDLERS.state)
        """,
        path=[str(root)],
    )
    assert result.returncode == 0, result.stderr
    assert "['imagexpress', 'opera_phenix'] discovered" in result.stdout
