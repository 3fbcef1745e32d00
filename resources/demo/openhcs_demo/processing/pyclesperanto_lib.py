"""pyclesperanto functions wrapped as OpenHCS steps that run through OpenCL."""

from openhcs_demo.processing.library_base import LibraryRegistryBase


class PyclesperantoRegistry(LibraryRegistryBase):
    """clEsperanto morphology and label measurements on OpenCL devices."""

    _registry_name = "pyclesperanto"
    FUNCTION_MODULE = "openhcs_demo.processing.functions.pyclesperanto_funcs"
    MEMORY_TYPE = "pyclesperanto"

    @classmethod
    def is_library_available(cls) -> bool:
        """Whether pyclesperanto is installed."""
        return cls._installed("pyclesperanto")
