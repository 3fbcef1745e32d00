"""OpenHCS built-in functions: pure-Python steps that work on any backend."""

from openhcs_demo.processing.library_base import LibraryRegistryBase


class OpenHCSRegistry(LibraryRegistryBase):
    """The functions that ship with OpenHCS itself; always available."""

    _registry_name = "openhcs"
    FUNCTION_MODULE = "openhcs_demo.processing.functions.openhcs_funcs"
    MEMORY_TYPE = "numpy"

    @classmethod
    def is_library_available(cls) -> bool:
        """Built-ins need nothing beyond OpenHCS."""
        return True
