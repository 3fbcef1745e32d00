"""Amazon S3 backend: objects in a bucket addressed by ``s3://bucket/key`` paths."""

import re

from openhcs_demo.io.backend_base import StorageBackend

_S3_PATH = re.compile(r"^s3://(?P<bucket>[a-z0-9.\-]{3,63})/(?P<key>.+)$")


class S3Backend(StorageBackend):
    """Stores objects in S3; requests are recorded so they can be replayed by an uploader."""

    # Deliberately no ``_backend_type``: this backend was shipped without a registry key.

    def __init__(self) -> None:
        self._objects: dict[tuple[str, str], bytes] = {}
        self.requests: list[dict] = []

    @staticmethod
    def split(path: str) -> tuple[str, str]:
        """Split ``s3://bucket/key`` into bucket and key."""
        match = _S3_PATH.match(path)
        if match is None:
            raise ValueError(f"Not an S3 path: {path!r}")
        return match["bucket"], match["key"]

    def load(self, path: str) -> bytes:
        """Fetch an object's bytes (GetObject)."""
        bucket, key = self.split(path)
        self.requests.append({"op": "GetObject", "Bucket": bucket, "Key": key})
        if (bucket, key) not in self._objects:
            raise FileNotFoundError(path)
        return self._objects[(bucket, key)]

    def save(self, data: object, path: str) -> None:
        """Upload an object (PutObject); text is encoded as UTF-8."""
        bucket, key = self.split(path)
        body = data if isinstance(data, bytes) else str(data).encode("utf-8")
        self.requests.append({"op": "PutObject", "Bucket": bucket, "Key": key, "ContentLength": len(body)})
        self._objects[(bucket, key)] = body

    def exists(self, path: str) -> bool:
        """Check for an object (HeadObject)."""
        bucket, key = self.split(path)
        self.requests.append({"op": "HeadObject", "Bucket": bucket, "Key": key})
        return (bucket, key) in self._objects
