"""Virtual workspace backend: presents renamed files without copying them."""

from pathlib import Path

from openhcs_demo.io.backend_base import StorageBackend


class VirtualWorkspaceBackend(StorageBackend):
    """Maps virtual file names (as a pipeline expects them) to real files with vendor names."""

    _backend_type = "virtual_workspace"

    def __init__(self, mapping: dict[str, str] | None = None) -> None:
        self.mapping: dict[str, str] = {self.normalize(k): v for k, v in (mapping or {}).items()}

    def real_path(self, path: str) -> Path:
        """Return the real file behind a virtual name."""
        key = self.normalize(path)
        if key not in self.mapping:
            raise FileNotFoundError(f"{path} is not in the virtual workspace")
        return Path(self.mapping[key])

    def load(self, path: str) -> bytes:
        """Read the real file behind the virtual name."""
        return self.real_path(path).read_bytes()

    def save(self, data: object, path: str) -> None:
        """Point a virtual name at a real file; ``data`` is the real file's path."""
        self.mapping[self.normalize(path)] = str(data)

    def exists(self, path: str) -> bool:
        """Whether the virtual name is mapped and its real file exists."""
        key = self.normalize(path)
        return key in self.mapping and Path(self.mapping[key]).exists()
