"""The warm path's one-pass check (``read_plainly_valid``) accepts nothing the whole validation rejects.

A warm start first tries the one pass; anything it does not find plainly valid goes the whole way (``read``:
``_parse``, ``_invalid_reason``, ``check_files``; then the items and the frozen failures), which names the
reason. So the one pass may decline more than it must, never accept more. Here a real cache written by a
cold discovery is damaged every way a document can be (each field missing or of every JSON type, each
fingerprint entry, each item), and each time: if the one pass accepts it, the whole validation accepts it
too, with the same document and the same entries.
"""

from __future__ import annotations

import copy
import importlib
import json
import math
import os
import time

import pytest
from cache_helpers import plugin_files
from helpers import BASE_WITH_SECONDARY

from registry_core.cache.manager import RegistryCacheManager
from registry_core.cache.registry_cache import RegistryCache
from registry_core.cache.validation_window import look_again

PKG = "plainpkg"
#: Every JSON type, and the values a sloppy writer confuses with them (bool for int, float for int).
SAMPLES = [None, True, False, 0, 1, -1, 1.0, 2**70, "", "x", "/", [], [1], ["a", 1, 2], {}, {"a": 1}]


@pytest.fixture
def registry(make_package):
    """A registry with a secondary registry, cold-discovered once (its cache written), folders aged an hour
    so that the import-path and failure stamps are recorded too."""
    files = plugin_files(PKG, extra={f"{PKG}/p_broken.py": "import plainpkg_missing_sdk\n"}, base=BASE_WITH_SECONDARY)
    for key in ("alpha", "beta", "gamma"):
        files[f"{PKG}/p_{key}.py"] += f"    meta = {key + '-meta'!r}\n"
    root = make_package(files)
    past = time.time() - 3600
    for folder in (root, root / PKG):
        os.utime(folder, (past, past))
    base = importlib.import_module(f"{PKG}.base")
    registry = base.REGISTRY
    assert sorted(registry) == ["alpha", "beta", "gamma"]
    assert os.path.exists(registry.cache_path)
    return registry


def _outcomes(registry, monkeypatch) -> tuple:
    """(the one pass's answer, the whole validation's answer) for the file on disk now."""
    look_again()
    cache = RegistryCache(registry)
    plain = cache._load_plainly_valid()
    look_again()
    with monkeypatch.context() as patch:
        patch.setattr(RegistryCache, "_load_plainly_valid", lambda self: None)
        patch.setattr(RegistryCacheManager, "_read_plainly_valid", lambda self, path: None)
        whole = RegistryCache(registry).load()
    return plain, whole


def _mutations(doc: dict) -> list[tuple[str, dict]]:
    """(what was done, the damaged document) for every field and fingerprint entry of ``doc``."""
    found: list[tuple[str, dict]] = []

    def vary(label: str, getter, key) -> None:
        parent = getter(doc)
        if isinstance(parent, list) and key > len(parent):
            return
        if isinstance(parent, dict) and key in parent or isinstance(parent, list) and key < len(parent):
            removed = copy.deepcopy(doc)
            target = getter(removed)
            if isinstance(target, dict):
                del target[key]
            else:
                target.pop(key)
            found.append((f"{label} removed", removed))
        present = isinstance(parent, dict) and key in parent or isinstance(parent, list) and key < len(parent)
        original = parent[key] if present else None
        values = list(SAMPLES)
        if type(original) is int and not isinstance(original, bool):
            values += [float(original), original + 1, bool(original), str(original)]
        if type(original) is str:
            values += [original + "x", original.upper(), original.encode().hex()]
        for value in values:
            if value == original and type(value) is type(original):
                continue
            changed = copy.deepcopy(doc)
            target = getter(changed)
            if isinstance(target, list) and key == len(target):
                target.append(value)  # (one element more than written)
            else:
                target[key] = value
            found.append((f"{label} = {value!r}", changed))

    top = lambda d: d  # noqa: E731
    for field in list(doc):
        vary(field, top, field)
    for field in list(doc["identity"]):
        vary(f"identity.{field}", lambda d: d["identity"], field)
    for field in list(doc["environment"]):
        vary(f"environment.{field}", lambda d: d["environment"], field)
    vary("files.recursive", lambda d: d["files"], "recursive")
    vary("files.roots", lambda d: d["files"], "roots")
    for root, entries in doc["files"]["roots"].items():
        vary(f"files.roots[{root}]", lambda d, r=root: d["files"]["roots"], root)
        for i, entry in enumerate(entries):
            for j in range(len(entry) + 1):
                vary(f"files.roots[..][{i}][{j}]", lambda d, r=root, i=i: d["files"]["roots"][r][i], j)
    for field in ("paths", "files", "group"):
        vary(f"entry_points.{field}", lambda d: d["entry_points"], field)
    for i in range(len(doc["entry_points"]["paths"])):
        for j in range(3):
            vary(f"entry_points.paths[{i}][{j}]", lambda d, i=i: d["entry_points"]["paths"][i], j)
    for field in list(doc["import_paths"]):
        vary(f"import_paths.{field}", lambda d: d["import_paths"], field)
    for i in range(len(doc["import_paths"].get("stamps", []))):
        for j in range(5):
            vary(f"import_paths.stamps[{i}][{j}]", lambda d, i=i: d["import_paths"]["stamps"][i], j)
    for field in list(doc["failures"]):
        vary(f"failures.{field}", lambda d: d["failures"], field)
    for name, item in doc["items"].items():
        vary(f"items[{name}]", lambda d: d["items"], name)
        for j in range(len(item) + 2):
            vary(f"items[{name}][{j}]", lambda d, n=name: d["items"][n], j)
    for seconds in (-3600, -86400 * 8, 3600, math.inf, -math.inf, math.nan, 10.0**300):
        changed = copy.deepcopy(doc)
        changed["created"] = doc["created"] + seconds if math.isfinite(seconds) and abs(seconds) < 1e9 else seconds
        found.append((f"created {seconds:+}", changed))
    return found


def test_the_one_pass_takes_the_pristine_cache(registry, monkeypatch):
    plain, whole = _outcomes(registry, monkeypatch)
    assert plain is not None, "the warm path's one pass declined a valid cache"
    assert whole is not None
    doc = json.loads(open(registry.cache_path, "rb").read())
    assert "stamps" in doc["import_paths"] and "stamps" in doc["failures"]  # (the stamped checks are exercised)
    assert plain[1] == whole[1]


def test_accepts_nothing_the_whole_validation_rejects(registry, monkeypatch):
    path = registry.cache_path
    pristine = open(path, "rb").read()
    doc = json.loads(pristine)
    mutations = _mutations(doc)
    assert len(mutations) > 300
    declined = accepted_by_both = 0
    for label, changed in mutations:
        with open(path, "w", encoding="utf-8") as handle:
            json.dump(changed, handle)
        plain, whole = _outcomes(registry, monkeypatch)
        if plain is None:
            declined += 1
            continue
        assert whole is not None, f"{label}: the one pass accepted what the whole validation rejects"
        assert plain[1] == whole[1], f"{label}: the one pass read other entries"
        accepted_by_both += 1
    # Both kinds occur: the one pass is neither a stub that declines everything nor one that checks nothing.
    print(f"{len(mutations)} damaged documents: {declined} declined by the one pass, {accepted_by_both} by both")
    assert declined > 250 and accepted_by_both > 5, (declined, accepted_by_both)


@pytest.mark.parametrize(
    "damage",
    [
        lambda raw: raw.decode().encode("utf-16"),
        lambda raw: b"\xef\xbb\xbf" + raw,
        lambda raw: raw[:-1],
        lambda raw: raw + b"\n[]",
        lambda raw: b"",
        lambda raw: raw.replace(b'"format":1,', b'"format":1.0,'),
    ],
    ids=["utf-16", "bom", "truncated", "two-documents", "empty", "format-float"],
)
def test_bytes_the_whole_validation_rejects(registry, monkeypatch, damage):
    path = registry.cache_path
    raw = open(path, "rb").read()
    with open(path, "wb") as handle:
        handle.write(damage(raw))
    plain, whole = _outcomes(registry, monkeypatch)
    assert whole is None and plain is None
