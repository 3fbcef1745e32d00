"""Cache names are hashed without zlib, to the same numbers zlib gives (existing cache files keep their names)."""

from __future__ import annotations

import random
import zlib

import pytest

from registry_core.cache.manager import adler32, crc32, stable_hash

#: Around Adler-32's reduction block (5552 bytes) and the sizes cache names and config tables have.
SIZES = (0, 1, 2, 7, 100, 255, 256, 5551, 5552, 5553, 11104, 20000)


@pytest.mark.parametrize("size", SIZES)
def test_crc32_and_adler32_match_zlib(size):
    data = random.Random(size).randbytes(size)
    assert crc32(data) == zlib.crc32(data)
    assert adler32(data) == zlib.adler32(data)
    assert crc32(b"\xff" * size) == zlib.crc32(b"\xff" * size)  # the largest sums Adler-32 must reduce
    assert adler32(b"\xff" * size) == zlib.adler32(b"\xff" * size)


def test_stable_hash_is_the_zlib_formula_it_always_was():
    for text in ("", "microscope handler|openhcs_demo.microscopes|/usr|cpython-311", "é\udcff surrogate"):
        data = text.encode("utf-8", "surrogatepass")
        assert stable_hash(text) == f"{zlib.crc32(data):08x}{zlib.adler32(data):08x}"
