"""Compatibility shim for pipelines saved before the scikit-image registry was renamed."""

# Importing the real registry first is what an old shim would do to reuse its settings;
# it also makes the real class own "skimage" whatever order discovery visits modules in.
from openhcs_demo.processing.library_base import LibraryRegistryBase
from openhcs_demo.processing.skimage_lib import SkimageRegistry


class SkimageCompatRegistry(LibraryRegistryBase):
    """Legacy alias of the scikit-image registry that still claims the ``skimage`` key."""

    # Deliberately the same key as SkimageRegistry: a second class may not take a registered key.
    _registry_name = "skimage"
    FUNCTION_MODULE = SkimageRegistry.FUNCTION_MODULE
    MEMORY_TYPE = SkimageRegistry.MEMORY_TYPE

    @classmethod
    def is_library_available(cls) -> bool:
        """Same requirement as the registry it aliases."""
        return SkimageRegistry.is_library_available()
