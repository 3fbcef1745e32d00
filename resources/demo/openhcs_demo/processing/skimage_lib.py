"""scikit-image functions wrapped as OpenHCS steps."""

from openhcs_demo.processing.library_base import LibraryRegistryBase


class SkimageRegistry(LibraryRegistryBase):
    """scikit-image filters, thresholds and labelling on CPU arrays."""

    _registry_name = "skimage"
    FUNCTION_MODULE = "openhcs_demo.processing.functions.skimage_funcs"
    MEMORY_TYPE = "numpy"

    @classmethod
    def is_library_available(cls) -> bool:
        """Whether scikit-image is installed."""
        return cls._installed("skimage")
