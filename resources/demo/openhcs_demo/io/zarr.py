"""Zarr-style chunked backend: splits 2-D images into chunks and keeps the chunk index itself."""

from openhcs_demo.io.backend_base import StorageBackend


class ZarrStorageBackend(StorageBackend):
    """Stores nested-list images as fixed-size chunks, mimicking a zarr store's ``row.col`` chunk keys."""

    _backend_type = "zarr"

    def __init__(self, chunk_shape: tuple[int, int] = (256, 256)) -> None:
        self.chunk_shape = chunk_shape
        self._chunks: dict[str, dict[str, list[list]]] = {}
        self._shapes: dict[str, tuple[int, int]] = {}

    def chunk_keys(self, shape: tuple[int, int]) -> list[str]:
        """Return the ``row.col`` keys of every chunk an image of ``shape`` occupies."""
        rows = -(-shape[0] // self.chunk_shape[0])
        cols = -(-shape[1] // self.chunk_shape[1])
        return [f"{r}.{c}" for r in range(rows) for c in range(cols)]

    def save(self, data: object, path: str) -> None:
        """Split a 2-D nested list into chunks and record its shape."""
        image = [list(row) for row in data]  # type: ignore[union-attr]
        shape = (len(image), len(image[0]) if image else 0)
        ch, cw = self.chunk_shape
        chunks = {}
        for key in self.chunk_keys(shape):
            r, c = map(int, key.split("."))
            chunks[key] = [row[c * cw:(c + 1) * cw] for row in image[r * ch:(r + 1) * ch]]
        store = self.normalize(path)
        self._chunks[store] = chunks
        self._shapes[store] = shape

    def load(self, path: str) -> list[list]:
        """Reassemble the image from its chunks."""
        store = self.normalize(path)
        if store not in self._chunks:
            raise FileNotFoundError(path)
        height, width = self._shapes[store]
        image = [[0] * width for _ in range(height)]
        ch, cw = self.chunk_shape
        for key, block in self._chunks[store].items():
            r, c = map(int, key.split("."))
            for i, row in enumerate(block):
                image[r * ch + i][c * cw:c * cw + len(row)] = row
        return image

    def exists(self, path: str) -> bool:
        """Whether an array is stored at the path."""
        return self.normalize(path) in self._chunks
