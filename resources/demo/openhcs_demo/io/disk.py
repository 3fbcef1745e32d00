"""Local file system backend: bytes and text go straight to files through pathlib."""

from pathlib import Path

from openhcs_demo.io.backend_base import StorageBackend


class DiskStorageBackend(StorageBackend):
    """Stores data as files on the local disk, creating parent folders as needed."""

    _backend_type = "disk"

    def load(self, path: str) -> bytes:
        """Read the file's bytes."""
        target = Path(path)
        if not target.is_file():
            raise FileNotFoundError(path)
        return target.read_bytes()

    def save(self, data: object, path: str) -> None:
        """Write bytes as-is and anything else as UTF-8 text."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, (bytes, bytearray, memoryview)):
            target.write_bytes(bytes(data))
        else:
            target.write_text(str(data), encoding="utf-8")

    def exists(self, path: str) -> bool:
        """Whether the file exists."""
        return Path(path).exists()

    def list_files(self, directory: str, extensions: tuple[str, ...] = (".tif", ".tiff")) -> list[str]:
        """List the image files directly inside a folder, sorted so wells and sites come out in order."""
        folder = Path(directory)
        return sorted(str(p) for p in folder.iterdir() if p.is_file() and p.suffix.lower() in extensions)
