"""In-memory backend: intermediate pipeline results kept in a dict between steps."""

from openhcs_demo.io.backend_base import StorageBackend


class MemoryStorageBackend(StorageBackend):
    """Keeps data in a process-local dict keyed by normalised path; nothing touches the disk."""

    _backend_type = "memory"

    def __init__(self) -> None:
        self._store: dict[str, object] = {}

    def load(self, path: str) -> object:
        """Return the stored object itself (no copy)."""
        key = self.normalize(path)
        if key not in self._store:
            raise FileNotFoundError(path)
        return self._store[key]

    def save(self, data: object, path: str) -> None:
        """Store the object under its normalised path."""
        self._store[self.normalize(path)] = data

    def exists(self, path: str) -> bool:
        """Whether a value is stored at the path."""
        return self.normalize(path) in self._store

    def clear_prefix(self, prefix: str) -> int:
        """Drop everything stored under a folder-like prefix and return how many entries went."""
        root = self.normalize(prefix).rstrip("/") + "/"
        doomed = [k for k in self._store if k.startswith(root)]
        for key in doomed:
            del self._store[key]
        return len(doomed)
