"""Zeiss CZI backend: reads the segment directory of ``.czi`` files written by ZEN."""

import struct
from pathlib import Path

from openhcs_demo.io.backend_base import StorageBackend

_SEGMENT_HEADER = struct.Struct("<16sqq")  # segment id, allocated size, used size
_FILE_MAGIC = b"ZISRAWFILE"


class CZIBackend(StorageBackend):
    """Reads raw image segments out of Zeiss CZI files; writing CZI is left to ZEN."""

    _backend_type = "zeiss_czi"

    def segments(self, data: bytes) -> list[tuple[str, int, int]]:
        """List ``(segment id, offset, used size)`` for every segment in a CZI byte string."""
        found, offset = [], 0
        while offset + _SEGMENT_HEADER.size <= len(data):
            raw_id, allocated, used = _SEGMENT_HEADER.unpack_from(data, offset)
            segment_id = raw_id.rstrip(b"\0").decode("ascii", "replace")
            found.append((segment_id, offset + _SEGMENT_HEADER.size, used))
            if allocated <= 0:
                break
            offset += _SEGMENT_HEADER.size + allocated
        return found

    def load(self, path: str) -> bytes:
        """Read a CZI file, checking its magic, and return the bytes."""
        target = Path(path)
        if not target.is_file():
            raise FileNotFoundError(path)
        data = target.read_bytes()
        if not data.startswith(_FILE_MAGIC):
            raise ValueError(f"{path} is not a CZI file (missing {_FILE_MAGIC!r} header)")
        return data

    def save(self, data: object, path: str) -> None:
        """CZI is a vendor format: OpenHCS reads it but never writes it."""
        raise PermissionError(f"The zeiss_czi backend is read-only; cannot write {path}")

    def exists(self, path: str) -> bool:
        """Whether a ``.czi`` file exists at the path."""
        target = Path(path)
        return target.suffix.lower() == ".czi" and target.is_file()
