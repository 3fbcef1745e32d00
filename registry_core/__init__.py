"""registry_core: classes register themselves; registries discover them lazily and say why not.

The public facade: every public name is re-exported here and listed in ``__all__``.
Nothing here imports Qt, pyqtgraph or numpy.
"""

from ._catalog import all_registries, find_registry
from ._config import (
    PRIMARY_KEY,
    RegistryConfig,
    SecondaryRegistry,
    extract_key_from_backend_suffix,
    extract_key_from_class_name,
    extract_key_from_handler_suffix,
    make_suffix_extractor,
)
from ._lazy_reads import RegistryKeyError
from ._meta import AutoRegisterMeta, RegistryKeyMissingError
from ._registry import LazyDiscoveryDict
from ._report import ClassOutcome, DiscoveryReport, ModuleOutcome
from ._secondary import SecondaryRegistryDict
from ._version import __version__ as __version__
from .cache.admin import CacheFile, clear_all_caches, clear_cache, list_cache_files, rebuild_cache
from .cache.manager import CacheConfig, CacheStatus, RegistryCacheManager
from .cache.paths import get_cache_dir

TYPE_CHECKING = False
if TYPE_CHECKING:  # the annotation only; _explain loads when explain() is first called
    from ._explain import Explanation


def explain(registry: LazyDiscoveryDict, name: object) -> "Explanation":
    """Why ``name`` (a key, class name, ``module:Class`` or module name) is or is not in ``registry``."""
    from ._explain import explain as _explain

    return _explain(registry, name)


def discover_registry_classes(*args, **kwargs):
    """Import the modules directly under a package's paths (for custom discovery functions)."""
    from ._discovery import discover_registry_classes as _impl

    return _impl(*args, **kwargs)


def discover_registry_classes_recursive(*args, **kwargs):
    """Import every module under a package's paths, subpackages included (for custom discovery functions)."""
    from ._discovery import discover_registry_classes_recursive as _impl

    return _impl(*args, **kwargs)


#: Exported names whose modules load on first use (enums and function caches): ``import registry_core`` stays light.
_LAZY = {
    "FunctionMetadata": "functions",
    "colormap_swatches": "enums",
    "create_colormap_enum": "enums",
    "create_component_enums": "enums",
    "enum_cache_status": "enums",
    "function_cache_status": "functions",
    "load_function_metadata": "functions",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'registry_core' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AutoRegisterMeta",
    "CacheConfig",
    "CacheFile",
    "CacheStatus",
    "ClassOutcome",
    "DiscoveryReport",
    "FunctionMetadata",
    "LazyDiscoveryDict",
    "ModuleOutcome",
    "PRIMARY_KEY",
    "RegistryCacheManager",
    "RegistryConfig",
    "RegistryKeyError",
    "RegistryKeyMissingError",
    "SecondaryRegistry",
    "SecondaryRegistryDict",
    "all_registries",
    "clear_all_caches",
    "clear_cache",
    "colormap_swatches",
    "create_colormap_enum",
    "create_component_enums",
    "discover_registry_classes",
    "discover_registry_classes_recursive",
    "enum_cache_status",
    "explain",
    "extract_key_from_backend_suffix",
    "extract_key_from_class_name",
    "extract_key_from_handler_suffix",
    "find_registry",
    "function_cache_status",
    "get_cache_dir",
    "list_cache_files",
    "load_function_metadata",
    "make_suffix_extractor",
    "rebuild_cache",
]
