"""Library registry: one entry per processing library whose functions OpenHCS can run."""

import importlib
import importlib.util
from abc import ABC, abstractmethod
from types import FunctionType

from registry_core import AutoRegisterMeta, LazyDiscoveryDict, RegistryConfig

LIBRARY_REGISTRIES = LazyDiscoveryDict()


class LibraryRegistryBase(ABC, metaclass=AutoRegisterMeta):
    """Describes a processing library: where its functions live and which array type they use."""

    __registry_config__ = RegistryConfig(
        registry_dict=LIBRARY_REGISTRIES,
        key_attribute="_registry_name",
        skip_if_no_key=True,
        registry_name="library registry",
        # The function modules stand for heavy libraries; discovery must never import them.
        exclude_patterns=("openhcs_demo.processing.functions*",),
    )

    _registry_name = None
    FUNCTION_MODULE = ""
    MEMORY_TYPE = "numpy"

    @classmethod
    @abstractmethod
    def is_library_available(cls) -> bool:
        """Whether the real library is installed, checked without importing it."""

    @classmethod
    def list_functions(cls) -> list[FunctionType]:
        """Import the library's function module and return its public functions in source order."""
        module = importlib.import_module(cls.FUNCTION_MODULE)
        return [
            obj
            for name, obj in vars(module).items()
            if not name.startswith("_") and isinstance(obj, FunctionType) and obj.__module__ == module.__name__
        ]

    @classmethod
    def function_metadata(cls) -> dict:
        """Name -> FunctionMetadata of the library's functions; from the cache, without importing them, when valid."""
        from registry_core import load_function_metadata

        return load_function_metadata(cls._registry_name, cls.FUNCTION_MODULE, namespace="openhcs_demo")

    @staticmethod
    def _installed(distribution_module: str) -> bool:
        return importlib.util.find_spec(distribution_module) is not None
