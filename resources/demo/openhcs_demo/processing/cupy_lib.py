"""CuPy functions wrapped as OpenHCS steps that run on the GPU."""

from openhcs_demo.processing.library_base import LibraryRegistryBase


class CupyRegistry(LibraryRegistryBase):
    """CuPy/cuCIM array operations on CUDA device memory."""

    _registry_name = "cupy"
    FUNCTION_MODULE = "openhcs_demo.processing.functions.cupy_funcs"
    MEMORY_TYPE = "cupy"

    @classmethod
    def is_library_available(cls) -> bool:
        """Whether CuPy is installed (a CUDA device is only checked when a step runs)."""
        return cls._installed("cupy")
