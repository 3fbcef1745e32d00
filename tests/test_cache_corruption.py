"""A corrupt cache is never an exception to the caller: it is reported, discovery runs, the next start rebuilds.

Each case damages a real cache written by a cold start, then starts a fresh
interpreter: the registry must be complete, the state ``corrupt`` with a reason,
the file rewritten, and the start after that valid again.
"""

from __future__ import annotations

import importlib
import json
import os
import re
from pathlib import Path

import pytest
from cache_helpers import cache_env, child, plugin_files, read_cache, read_only, start

KEYS = ["alpha", "beta", "gamma"]


def _json(doc) -> bytes:
    return json.dumps(doc).encode()


def _doc_edit(edit):
    def make(raw: bytes) -> bytes:
        doc = json.loads(raw)
        edit(doc)
        return _json(doc)

    return make


def _set(field, value):
    return _doc_edit(lambda doc: doc.__setitem__(field, value))


CORRUPTIONS = {
    # name: (damaged bytes from the real cache's bytes, words in the reason, seen by cache_status() before discovery)
    "truncated_to_1_byte": (lambda raw: raw[:1], ["not valid JSON", "truncated"], True),
    "truncated_quarter": (lambda raw: raw[: len(raw) // 4], ["not valid JSON", "truncated"], True),
    "truncated_half": (lambda raw: raw[: len(raw) // 2], ["not valid JSON", "truncated"], True),
    "truncated_last_byte": (lambda raw: raw[:-1], ["not valid JSON", "truncated"], True),
    "empty": (lambda raw: b"", ["empty file"], True),
    "whitespace_only": (lambda raw: b"  \n\t\n", ["empty file"], True),
    "not_utf8": (lambda raw: b"\xff\xfe\x00" + raw[3:], ["not UTF-8"], True),
    "deeply_nested": (lambda raw: b"[" * 200_000, ["JSON"], True),
    "top_level_list": (lambda raw: _json([json.loads(raw)]), ["wrong shape", "top level is list"], True),
    "items_not_a_dict": (
        _doc_edit(lambda d: d.__setitem__("items", list(d["items"].values()))),
        ["wrong shape", "'items'"],
        True,
    ),
    "created_is_a_string": (_set("created", "yesterday"), ["wrong shape", "'created'", "str"], True),
    "created_is_nan": (
        lambda raw: re.sub(rb'"created":\s*[0-9.eE+-]+', b'"created": NaN', raw),
        ["'created' is not a finite time"],
        True,
    ),
    "no_format": (_doc_edit(lambda d: d.pop("format")), ["unknown schema", "no format version"], True),
    "wrong_kind": (_set("kind", "enum"), ["wrong shape", "'enum'"], True),
    "files_malformed": (_set("files", {"roots": 1}), ["wrong shape", "'files'"], True),
    "file_entry_malformed": (
        _doc_edit(lambda d: [e.__setitem__(1, "big") for es in d["files"]["roots"].values() for e in es]),
        ["wrong shape", "file fingerprint"],
        True,
    ),
    # Item-level problems are found when the items are read at start (cache.startup_status); the
    # document-level check behind cache_status() does not look inside items.
    "item_not_a_list": (
        _doc_edit(lambda d: d["items"].__setitem__("alpha", "pkg.Plugin_alpha")),
        ["wrong shape", "'alpha'", "not a [module, qualname"],
        False,
    ),
    "item_without_qualname": (
        _doc_edit(lambda d: d["items"].__setitem__("alpha", [".p_alpha", 7])),
        ["wrong shape", "'alpha'", "module/qualname"],
        False,
    ),
}


@pytest.mark.parametrize("case", sorted(CORRUPTIONS))
def test_corrupt_cache_is_reported_and_rebuilt(make_package, tmp_path, case):
    damage, words, seen_before = CORRUPTIONS[case]
    pkg = f"ccr_{case}"
    root = make_package(plugin_files(pkg))
    cache_dir = tmp_path / "cache"
    cold = start(root, pkg, cache_dir)
    path = Path(cold["path"])
    damaged = damage(path.read_bytes())
    assert damaged != path.read_bytes()
    path.write_bytes(damaged)

    data = start(root, pkg, cache_dir)
    assert data["keys"] == KEYS  # the caller never sees the damage
    assert "Traceback" not in data["_stderr"]
    fields = ("before", "startup") if seen_before else ("startup",)
    for field in fields:
        state, reason = data[field]
        assert state == "corrupt", (field, data[field])
        for word in words:
            assert word in reason, (field, word, reason)
    assert data["source"] == "discovery"
    assert data["now"] == ["valid", ""]  # rewritten by this start
    assert read_cache(str(path))["format"] == 1

    again = start(root, pkg, cache_dir)
    assert again["startup"] == ["valid", ""]
    assert again["keys"] == KEYS
    assert again["plugins"] == []


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_folder_in_place_of_the_cache_file(make_package, tmp_path):
    pkg = "ccr_folder_at_file"
    root = make_package(plugin_files(pkg))
    cache_dir = tmp_path / "cache"
    cold = start(root, pkg, cache_dir)
    path = Path(cold["path"])
    path.unlink()
    path.mkdir()
    (path / "keep.txt").write_text("somebody's data")

    data = child(
        root,
        f"""
        from {pkg}.base import REGISTRY as R
        keys = sorted(R)
        print(json.dumps({{"keys": keys, "startup": _st(R.cache.startup_status), "now": _st(R.cache_status()),
                          "cleared": R.clear_cache(), "klass": R["beta"].__name__, "warnings": WARNINGS}}))
    """,
        env=cache_env(cache_dir),
    )
    assert data["keys"] == KEYS
    assert data["klass"] == "Plugin_beta"
    assert data["startup"][0] == "corrupt"
    assert "a folder stands where the cache file should be" in data["startup"][1]
    assert data["now"][0] == "corrupt"
    assert "a folder stands where the cache file should be" in data["now"][1]
    assert "cannot be rewritten" in data["now"][1]
    assert data["cleared"] is False
    # Nothing deleted, nothing half-written left behind; one warning says the cache is off.
    assert path.is_dir() and (path / "keep.txt").read_text() == "somebody's data"
    assert _leftovers(path.parent) == []
    assert len(data["warnings"]) == 1 and data["warnings"][0][0].startswith("registry_core")


def test_file_in_place_of_the_cache_folder(make_package, tmp_path):
    pkg = "ccr_file_at_folder"
    root = make_package(plugin_files(pkg))
    blocker = tmp_path / "not_a_folder"
    blocker.write_text("a regular file where the cache root should be")

    data = child(
        root,
        f"""
        from {pkg}.base import REGISTRY as R
        before = _st(R.cache_status())
        keys = sorted(R)
        print(json.dumps({{"keys": keys, "before": before, "startup": _st(R.cache.startup_status),
                          "now": _st(R.cache_status()), "source": R.report.source, "cleared": R.clear_cache(),
                          "klass": R["gamma"].__name__, "warnings": WARNINGS}}))
    """,
        env=cache_env(blocker),
    )
    assert data["keys"] == KEYS
    assert data["klass"] == "Plugin_gamma"
    assert data["source"] == "discovery"
    for field in ("before", "startup", "now"):
        state, reason = data[field]
        assert state == "disabled", (field, data[field])
        assert "a file stands in its place" in reason and str(blocker) in reason
    assert data["cleared"] is False
    assert len(data["warnings"]) == 1, data["warnings"]
    name, message = data["warnings"][0]
    assert name.startswith("registry_core.") and "cache disabled for this process" in message
    assert blocker.read_text() == "a regular file where the cache root should be"


# -- a read-only cache folder holding a corrupt file ------------------------------------------


GARBAGE = b'{"format": 1, "kind": "registry", "items": {'


def test_read_only_folder_with_corrupt_file(make_package, tmp_path, monkeypatch):
    pkg = "ccr_read_only"
    root = make_package(plugin_files(pkg))
    cache_dir = tmp_path / "cache"
    cold = start(root, pkg, cache_dir)
    path = Path(cold["path"])
    for leftover in path.parent.glob("*.lock"):
        leftover.unlink()  # so the lock file must be created too
    path.write_bytes(GARBAGE)

    with read_only(path.parent) as enforced:
        if enforced:
            data = start(root, pkg, cache_dir)
        else:
            # Neither chmod nor chattr can stop this user: simulate the refusal in-process instead.
            data = _simulated_read_only_start(monkeypatch, pkg, path.parent)
        assert data["keys"] == KEYS
        assert data["startup"][0] == "corrupt" and "not valid JSON" in data["startup"][1]
        assert data["now"][0] == "corrupt"
        assert "not valid JSON" in data["now"][1] and "cannot be rewritten" in data["now"][1]
        assert len(data["warnings"]) == 1
        assert path.read_bytes() == GARBAGE  # the corrupt file is NOT deleted
        assert _leftovers(path.parent) == []

    # Writable again: the next start rebuilds, the one after is valid.
    rebuilt = start(root, pkg, cache_dir)
    assert rebuilt["startup"][0] == "corrupt" and rebuilt["now"] == ["valid", ""]
    assert start(root, pkg, cache_dir)["startup"] == ["valid", ""]


def _simulated_read_only_start(monkeypatch, pkg: str, folder: Path) -> dict:
    import logging

    real_open = os.open

    def refusing_open(file, flags, *args, **kwargs):
        if flags & os.O_CREAT and os.path.dirname(os.fspath(file)) == str(folder):
            raise PermissionError(13, "Permission denied", os.fspath(file))
        return real_open(file, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", refusing_open)
    warnings = []

    class Collect(logging.Handler):
        def emit(self, record):
            warnings.append(record.getMessage())

    handler = Collect(logging.WARNING)
    logging.getLogger("registry_core").addHandler(handler)
    try:
        registry = importlib.import_module(f"{pkg}.base").REGISTRY
        keys = sorted(registry)
        startup = registry.cache.startup_status
        now = registry.cache_status()
    finally:
        logging.getLogger("registry_core").removeHandler(handler)
    return {
        "keys": keys,
        "startup": [startup.state, startup.reason],
        "now": [now.state, now.reason],
        "warnings": warnings,
    }


def test_simulated_read_only_folder_in_process(make_package, tmp_path, monkeypatch):
    """The same refusal, simulated by failing every file creation in the folder (runs for any user)."""
    pkg = "ccr_read_only_simulated"
    make_package(plugin_files(pkg))
    registry = importlib.import_module(f"{pkg}.base").REGISTRY
    path = Path(registry.cache_path)  # computing the path does not discover
    path.parent.mkdir(parents=True)
    path.write_bytes(GARBAGE)
    data = _simulated_read_only_start(monkeypatch, pkg, path.parent)
    assert data["keys"] == KEYS
    assert data["startup"][0] == "corrupt" and "not valid JSON" in data["startup"][1]
    assert data["now"][0] == "corrupt" and "cannot be rewritten" in data["now"][1]
    assert len(data["warnings"]) == 1 and "cache disabled for this process" in data["warnings"][0]
    assert path.read_bytes() == GARBAGE
    assert sorted(p.name for p in path.parent.iterdir()) == [path.name]
