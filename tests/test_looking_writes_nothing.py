"""Looking changes nothing (issue 14): ``status`` and ``explain`` write nothing, ``--no-write`` guarantees it for
every subcommand, and the commands whose point is to write refuse it.

"Nothing" is checked as a user would: every file under the cache, data and state folders, with its bytes and
modification time, is the same before and after.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def _snapshot(*folders: Path) -> dict[str, tuple[int, bytes]]:
    found = {}
    for folder in folders:
        for path in sorted(folder.rglob("*")) if folder.exists() else []:
            if path.is_file():
                found[str(path)] = (path.stat().st_mtime_ns, path.read_bytes())
    return found


@pytest.fixture
def folders(tmp_path) -> list[Path]:
    # The autouse isolation fixture points every user folder here (caches, XDG cache, state/log, data).
    return [tmp_path / "cache", tmp_path / "xdg-cache", tmp_path / "xdg-state", tmp_path / "data"]


def test_status_after_clear_all_writes_nothing_and_says_missing(cli, folders):
    cli("list")  # the demo's caches (registries and enums) are written, as the program itself would
    cli("clear-cache", "--all")
    before = _snapshot(*folders)
    status = cli("status", "--json").json()
    assert _snapshot(*folders) == before
    states = {c["registry"]: c["state"] for c in status["caches"]}
    assert states and all(state in ("missing", "valid") for state in states.values())
    assert all(state == "missing" for name, state in states.items() if not name.startswith("enum ColormapEnum"))


def test_explain_writes_nothing_even_from_scratch(cli, folders):
    before = _snapshot(*folders)
    cli("explain", "cellvoyager", expect=1)
    assert _snapshot(*folders) == before == {}


@pytest.mark.parametrize("command", [["list"], ["verify"], ["profile", "--runs", "1"]])
def test_no_write_guarantees_nothing_is_written(cli, folders, command):
    before = _snapshot(*folders)
    result = cli(*command, "--no-write", "--json", expect=None)
    assert result.returncode in (0, 1), result.stderr
    assert _snapshot(*folders) == before == {}


@pytest.mark.parametrize("command", [["clear-cache", "--all"], ["rebuild"], ["bundle", "-o", "x.zip"]])
def test_commands_that_write_refuse_no_write(cli, command):
    result = cli(*command, "--no-write", expect=2)
    assert "--no-write forbids it" in result.stderr


def test_a_process_in_read_only_mode_never_deletes(tmp_path, monkeypatch):
    from registry_core import RegistryCacheManager, clear_all_caches
    from registry_core.cache.paths import set_read_only

    manager = RegistryCacheManager(
        "registry_ro-0123456789abcdef", version_getter=lambda: "1", namespace="ro_test", kind="registry"
    )
    assert manager.save_cache({"a": 1})
    set_read_only()
    try:
        assert not manager.save_cache({"a": 2})  # quietly nothing
        with pytest.raises(PermissionError, match="--no-write"):
            manager.clear_cache()
        with pytest.raises(PermissionError, match="--no-write"):
            clear_all_caches(["ro_test"])
    finally:
        set_read_only(False)
    assert os.path.exists(manager.cache_path) and manager.read()[0]["items"] == {"a": 1}
