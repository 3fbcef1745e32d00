"""Storage backend registry: maps a backend name (disk, memory, zarr...) to its implementation."""

import os
from abc import ABC, abstractmethod
from pathlib import PurePosixPath

from registry_core import (
    AutoRegisterMeta,
    LazyDiscoveryDict,
    RegistryConfig,
    discover_registry_classes_recursive,
)

STORAGE_BACKENDS = LazyDiscoveryDict()

# Viewer-streaming backends pull in GPU viewer stacks in the real product; worker
# subprocesses started without a GPU must not import them.
_GPU_BACKEND_MODULES = frozenset({"napari_stream", "fiji_stream"})


def _discover_backends(paths: list[str], prefix: str, base_class: type) -> None:
    """Import every backend module, leaving out the GPU viewer backends in GPU-less subprocesses."""
    # Read at discovery time, not import time: the flag is set by the parent just before spawning.
    no_gpu = os.environ.get("OPENHCS_DEMO_SUBPROCESS_NO_GPU") == "1"

    def importable_here(module_name: str) -> bool:
        return not (no_gpu and module_name.rsplit(".", 1)[-1] in _GPU_BACKEND_MODULES)

    discover_registry_classes_recursive(paths, prefix, base_class, module_filter=importable_here)


class StorageBackend(ABC, metaclass=AutoRegisterMeta):
    """Reads and writes pipeline data at a path; each backend decides what a path means."""

    __registry_config__ = RegistryConfig(
        registry_dict=STORAGE_BACKENDS,
        key_attribute="_backend_type",
        skip_if_no_key=True,
        registry_name="storage backend",
        discovery_function=_discover_backends,
    )

    _backend_type = None

    @abstractmethod
    def load(self, path: str) -> object:
        """Return the data stored at ``path``; raise FileNotFoundError if there is none."""

    @abstractmethod
    def save(self, data: object, path: str) -> None:
        """Store ``data`` at ``path``, replacing whatever was there."""

    @abstractmethod
    def exists(self, path: str) -> bool:
        """Whether something is stored at ``path``."""

    @staticmethod
    def normalize(path: str) -> str:
        """Normalise a path to forward slashes without redundant separators, so keys compare equal."""
        return str(PurePosixPath(str(path).replace("\\", "/")))
