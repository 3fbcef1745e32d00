"""Cache file names carry ``stable_hash``: the same in every process and release, and distinct for distinct names."""

from __future__ import annotations

import itertools
import subprocess
import sys

from registry_core.cache.manager import stable_hash

NAMES = ("", "microscope handler|openhcs_demo.microscopes|/usr|cpython-311", "é\udcff surrogate")


def test_pinned_values_never_change_between_releases():
    # A changed formula renames every cache file: the old ones would linger as orphans.
    assert [stable_hash(name) for name in NAMES] == ["0000000000000001", "250deae63370946e", "c7d4f3328a9d0a09"]


def test_the_same_in_another_process_whatever_its_hash_seed():
    code = f"from registry_core.cache.manager import stable_hash; print([stable_hash(n) for n in {NAMES!r}])"
    outputs = {
        subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, check=True, env={"PYTHONHASHSEED": seed}
        ).stdout
        for seed in ("1", "2")
    }
    assert outputs == {f"{[stable_hash(n) for n in NAMES]!r}\n"}


def test_sixteen_hex_digits_and_distinct_for_distinct_names():
    names = ["", "\0", "\0\0", "a", "a\0", *("|".join(parts) for parts in itertools.product("ab", "xyz", "/usr"))]
    names += [f"registry {i}|pkg.sub{i % 7}|/opt/env{i % 3}|cpython-31{i % 4}" for i in range(5000)]
    hashes = [stable_hash(name) for name in names]
    assert all(len(h) == 16 and int(h, 16) >= 0 for h in hashes)
    assert len(set(hashes)) == len(set(names))
