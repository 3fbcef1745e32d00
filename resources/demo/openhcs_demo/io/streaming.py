"""Shared base for write-only backends that push images to a live viewer instead of storing them."""

import time
from abc import abstractmethod

from openhcs_demo.io.backend_base import StorageBackend


class StreamingBackend(StorageBackend):
    """Turns ``save`` into a viewer message; abstract, so it is not registered itself."""

    viewer_name = "viewer"
    default_port = 0

    def __init__(self, host: str = "localhost", port: int | None = None) -> None:
        self.host = host
        self.port = port or self.default_port
        # Stands in for the ZMQ PUB socket: the messages that would have been sent.
        self.outbox: list[dict] = []

    @property
    def address(self) -> str:
        """The ZMQ endpoint the viewer listens on."""
        return f"tcp://{self.host}:{self.port}"

    @abstractmethod
    def build_message(self, data: object, path: str) -> dict:
        """Describe one image for the viewer."""

    def save(self, data: object, path: str) -> None:
        """Queue the viewer message for ``data``."""
        message = self.build_message(data, self.normalize(path))
        message.setdefault("sent_at", time.time())
        self.outbox.append(message)

    def load(self, path: str) -> object:
        """Streaming is write-only: images shown in a viewer cannot be read back."""
        raise PermissionError(f"{self.viewer_name} streaming backend is write-only: {path}")

    def exists(self, path: str) -> bool:
        """Whether an image for the path has been streamed in this session."""
        key = self.normalize(path)
        return any(m.get("path") == key for m in self.outbox)

    @staticmethod
    def shape_of(data: object) -> list[int]:
        """Shape of a nested-list image, e.g. [512, 512] for a 512x512 plane."""
        shape = []
        while isinstance(data, (list, tuple)):
            shape.append(len(data))
            data = data[0] if data else None
        return shape
