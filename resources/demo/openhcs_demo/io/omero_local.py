"""OMERO local backend: reads image planes straight from an OMERO server's managed repository."""

import re
from pathlib import Path

from openhcs_demo.io.backend_base import StorageBackend

_OMERO_PATH = re.compile(r"^omero:/+image/(?P<image>\d+)/plane/(?P<plane>\d+)$")


class OMEROLocalBackend(StorageBackend):
    """Maps ``omero://image/<id>/plane/<n>`` paths to files under the server's binary repository."""

    _backend_type = "omero_local"

    def __init__(self, repository_root: str = "/OMERO/ManagedRepository") -> None:
        self.repository_root = Path(repository_root)

    def resolve(self, path: str) -> Path:
        """Translate an OMERO plane path into the on-disk file the server keeps for it."""
        match = _OMERO_PATH.match(path)
        if match is None:
            raise ValueError(f"Not an OMERO plane path: {path!r}")
        image = int(match["image"])
        # OMERO fans images out over sub-folders of 1000 to keep directories small.
        return self.repository_root / f"{image // 1000:04d}" / str(image) / f"plane_{int(match['plane']):05d}.bin"

    def load(self, path: str) -> bytes:
        """Read the plane's raw bytes."""
        target = self.resolve(path)
        if not target.is_file():
            raise FileNotFoundError(path)
        return target.read_bytes()

    def save(self, data: object, path: str) -> None:
        """Write raw plane bytes (used when importing analysis results back into OMERO)."""
        target = self.resolve(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(bytes(data))  # type: ignore[arg-type]

    def exists(self, path: str) -> bool:
        """Whether the plane file is present in the repository."""
        return self.resolve(path).is_file()
