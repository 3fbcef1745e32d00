"""Shortcuts the warm paths take answer exactly as the general code they stand in for.

Each one skips a cost on the common input (a regex compile, a Python loop per
character or colour, ``os.path.normpath``, ``import shutil``) and falls back to
the general code otherwise; these tests hold them to the general code's answers.
"""

from __future__ import annotations

import itertools
import os
import posixpath
import shutil
from fnmatch import fnmatchcase

import pytest

from registry_core import enums
from registry_core.cache.fingerprint import _normal
from registry_core.cache.registry_cache import _excluded
from registry_core.cli import _help_width

NAMES = [
    "viridis", "CET-L1", "CET-C1s", "PAL-relaxed_bright", "2x", "__a", "a__b", "ab_", "Ab", "AB", "ab", "é-x", "",
    "x y", "_", "-", "9", "a-", "-a", "A_B", "a.b", "MAP", "map", "Ω", "a\u00a0b",
]  # fmt: skip


def _reference_members(names: list[str]) -> dict[str, str]:
    members: dict[str, str] = {}
    for name in names:
        members[enums.member_name(name, members)] = name
    return members


@pytest.mark.parametrize("order", [NAMES, NAMES[::-1], sorted(NAMES)])
def test_colormap_member_names_are_member_name_s(order):
    items = {name: {"source": "local", "swatch": ["#000000"]} for name in order}
    cls = enums._colormap_class(items, "test_fast_paths")
    assert {m.name: m.value for m in cls} == _reference_members(list(items))


def _reference_check(item: object) -> bool:
    """The colour check as it was written first: one Python test per colour."""
    if not isinstance(item, dict) or not isinstance(item.get("source"), str):
        return False
    swatch = item.get("swatch")
    return isinstance(swatch, list) and all(isinstance(c, str) and len(c) == 7 and c[0] == "#" for c in swatch)


SWATCHES = [
    [], ["#000000"], ["#000000"] * 8, ["#00000"], ["#0000000"], ["#00000", "#0000000"], ["#abcdef", "x#abcde"],
    ["000000#"], ["#abcde", "x#abcdef"], [1], ["#000000", None], [["#00000"]], "#000000", None, ["#ab#cde"],
]  # fmt: skip


@pytest.mark.parametrize("swatch", SWATCHES, ids=repr)
@pytest.mark.parametrize("source", ["local", None, 3])
def test_colormap_items_check_is_the_per_colour_check(swatch, source):
    item = {"swatch": swatch} if source is None else {"source": source, "swatch": swatch}
    expected = _reference_check(item)
    for items in ({"m": item}, {"ok": {"source": "local", "swatch": ["#123456"]}, "m": item}):
        try:
            enums._check_colormap_items(items)
        except ValueError:
            accepted = False
        else:
            accepted = True
        assert accepted is expected


PATTERNS = ["a.b*", "a.b", "a*", "*", "", "a.[bc]*", "a?b", "a.b.*", "x*y", "a.b**", "[a]*", "a.b?"]
MODULES = ["", "a", "a.b", "a.bc", "a.b.c", "x", "xay", "a.c", "ab", "a.b*", "a.[bc]", "axb"]


def test_exclude_patterns_match_as_fnmatchcase():
    for pattern, module in itertools.product(PATTERNS, MODULES):
        assert _excluded(module, [pattern]) is fnmatchcase(module, pattern), (module, pattern)
    assert _excluded("a.b", ["zz", "a.*"]) and not _excluded("a.b", ["zz", "b*"]) and not _excluded("a", [])


def test_paths_taken_as_normal_are_what_normpath_returns():
    parts = ["", ".", "..", "a", ".a", "a.", "..b", "b..", "..."]
    checked = 0
    for size in range(1, 5):
        for combo in itertools.product(parts, repeat=size):
            for path in ("/" + "/".join(combo), "//" + "/".join(combo), "/" + "/".join(combo) + "/"):
                if _normal(path):
                    assert posixpath.normpath(path) == path, path
                    checked += 1
    assert checked > 100


@pytest.mark.parametrize("columns", [None, "100", "0", "-3", "wide"])
def test_help_width_is_argparse_s(monkeypatch, columns):
    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    monkeypatch.delenv("LINES", raising=False)
    assert _help_width() == shutil.get_terminal_size().columns - 2
    assert os.environ.get("COLUMNS") == columns
