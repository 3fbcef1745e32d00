"""metaclass-registry 0.4.1's public API, on registry_core's engine.

``registry_core.compat.install()`` makes ``import metaclass_registry`` (and its
submodules) resolve here; see ``registry_core.compat`` for how to switch a whole
program over without editing it.
"""

# The API version this package stands in for: programs and caches compare it with the library's.
__version__ = "0.4.1"

from .cache import RegistryCacheManager
from .core import (
    PRIMARY_KEY,
    REPLACES_REGISTERED_ATTRIBUTE,
    AutoRegisterMeta,
    LazyDiscoveryDict,
    RegisteredEnumMeta,
    RegistryConfig,
    RegistryFamily,
    RegistryKeyAttribute,
    SecondaryRegistry,
    SecondaryRegistryDict,
    extract_key_from_backend_suffix,
    extract_key_from_class_name,
    extract_key_from_handler_suffix,
    is_same_declaration,
    make_suffix_extractor,
    register_once,
)
from .discovery import (
    discover_registry_classes,
    discover_registry_classes_recursive,
    import_module_preserving_root_logging,
)
from .exceptions import CacheError, DiscoveryError, DuplicateRegistryKeyError, RegistryError

__all__ = [
    "AutoRegisterMeta",
    "RegistryConfig",
    "RegistryFamily",
    "RegistryKeyAttribute",
    "RegisteredEnumMeta",
    "PRIMARY_KEY",
    "REPLACES_REGISTERED_ATTRIBUTE",
    "register_once",
    "is_same_declaration",
    "SecondaryRegistry",
    "LazyDiscoveryDict",
    "SecondaryRegistryDict",
    "extract_key_from_class_name",
    "extract_key_from_handler_suffix",
    "extract_key_from_backend_suffix",
    "make_suffix_extractor",
    "discover_registry_classes",
    "discover_registry_classes_recursive",
    "import_module_preserving_root_logging",
    "RegistryCacheManager",
    "RegistryError",
    "DuplicateRegistryKeyError",
    "DiscoveryError",
    "CacheError",
]
