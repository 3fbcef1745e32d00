"""The cache folder is shared with other people's files and other users: read only what is ours, safely.

Issue 13's tampering and hygiene items: foreign files survive ``clear_all_caches``,
a held lock is never unlinked, world-writable or foreign-owned caches are refused,
symlinks are never followed, and FIFOs, devices and huge files never hang or
exhaust a reader.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from registry_core import RegistryCacheManager, clear_all_caches, get_cache_dir

posix_only = pytest.mark.skipif(os.name != "posix", reason="FIFOs, flock and file modes are POSIX features")


def _manager(namespace: str = "hygiene_test") -> RegistryCacheManager:
    return RegistryCacheManager(
        "registry_hygiene-0123456789abcdef", version_getter=lambda: "1", namespace=namespace, kind="registry"
    )


def _folder(namespace: str = "hygiene_test") -> str:
    folder = get_cache_dir(namespace)
    os.makedirs(folder, exist_ok=True)
    return folder


def test_clear_all_removes_only_recognised_caches_and_says_what_it_left():
    manager = _manager()
    assert manager.save_cache({"a": 1})
    folder = _folder()
    foreign = {
        "recent_files.json": '{"files": ["/home/me/a.tif"]}',
        "settings.json": '\ufeff{"theme": "dark"}',  # a BOM-prefixed settings file of the application
        "empty.json": "",
        "other-tool.lock": "",
        "notes.txt": "mine",
    }
    for name, text in foreign.items():
        with open(os.path.join(folder, name), "w", encoding="utf-8") as handle:
            handle.write(text)
    broken_ours = os.path.join(folder, "registry_old_plugin-fedcba9876543210.json")
    with open(broken_ours, "w") as handle:
        handle.write("{ torn")
    left: list[str] = []
    removed = clear_all_caches(["hygiene_test"], left)
    assert sorted(os.path.basename(p) for p in removed) == sorted(
        [os.path.basename(manager.cache_path), os.path.basename(broken_ours)]
    )
    assert sorted(os.listdir(folder)) == sorted(foreign)
    assert sorted(os.path.basename(p) for p in left) == sorted(foreign)


@posix_only
def test_a_held_lock_is_never_unlinked_and_a_free_one_is(tmp_path):
    manager = _manager()
    assert manager.save_cache({"a": 1})
    lock_path = manager.cache_path + ".lock"
    release = threading.Event()
    holding = threading.Event()

    def hold() -> None:
        with manager.lock() as lock:
            assert lock.acquired
            holding.set()
            release.wait(30)

    holder = threading.Thread(target=hold)
    holder.start()
    assert holding.wait(30)
    try:
        left: list[str] = []
        removed = clear_all_caches(["hygiene_test"], left)
        assert lock_path not in removed and lock_path in left and os.path.exists(lock_path)
    finally:
        release.set()
        holder.join(30)
    assert lock_path in clear_all_caches(["hygiene_test"])  # free now: removed
    assert not os.path.exists(lock_path)


@posix_only
def test_a_world_writable_cache_file_or_folder_is_refused_with_the_fix():
    manager = _manager()
    assert manager.save_cache({"a": 1})
    os.chmod(manager.cache_path, 0o666)
    status = manager.status()
    assert status.state == "corrupt" and "writable by every user" in status.reason and "chmod o-w" in status.reason
    os.chmod(manager.cache_path, 0o644)
    assert manager.status().state == "valid"
    folder = os.path.dirname(manager.cache_path)
    mode = os.stat(folder).st_mode
    os.chmod(folder, 0o777)
    try:
        status = manager.status()
        assert status.state == "corrupt" and "cache folder" in status.reason and "every user" in status.reason
    finally:
        os.chmod(folder, mode)


@posix_only
def test_a_group_writable_cache_is_used_with_a_warning(caplog):
    manager = _manager()
    assert manager.save_cache({"a": 1})
    os.chmod(manager.cache_path, 0o664)
    with caplog.at_level("WARNING"):
        assert manager.status().state == "valid"
    assert "group-writable" in caplog.text


@posix_only
def test_a_symlinked_cache_file_is_never_read(tmp_path):
    secret = tmp_path / "id_rsa"
    secret.write_text(json.dumps({"format": 1, "private": "key"}))
    manager = _manager()
    os.makedirs(os.path.dirname(manager.cache_path), exist_ok=True)
    os.symlink(secret, manager.cache_path)
    status = manager.status()
    assert status.state == "corrupt" and "symbolic link" in status.reason
    # And a rebuild replaces the link itself, never writing through it.
    assert manager.save_cache({"a": 1})
    assert not os.path.islink(manager.cache_path) and json.loads(secret.read_text())["private"] == "key"


@posix_only
def test_a_dangling_lock_symlink_is_not_followed(tmp_path):
    manager = _manager()
    planted = tmp_path / "victim-file"
    os.makedirs(os.path.dirname(manager.cache_path), exist_ok=True)
    os.symlink(planted, manager.cache_path + ".lock")
    with manager.lock(timeout=0) as lock:
        assert not lock.acquired and "cannot create the cache lock" in (lock.error or "")
    assert not planted.exists()


@posix_only
@pytest.mark.parametrize("where", ["cache", "orphan"])
def test_a_fifo_never_blocks_a_reader(where):
    manager = _manager()
    folder = _folder()
    fifo = manager.cache_path if where == "cache" else os.path.join(folder, "registry_x-0123456789abcdef.json")
    os.mkfifo(fifo)
    code = (
        "import sys, json\n"
        "from registry_core import RegistryCacheManager, clear_all_caches, list_cache_files\n"
        "m = RegistryCacheManager('registry_hygiene-0123456789abcdef', version_getter=lambda: '1', "
        "namespace='hygiene_test', kind='registry')\n"
        "print(m.status().state)\n"
        "print(len(list_cache_files(['hygiene_test'])))\n"
        "print(len(clear_all_caches(['hygiene_test'])))\n"
    )
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=dict(os.environ)
    )
    assert result.returncode == 0, result.stderr
    assert time.monotonic() - started < 30
    lines = result.stdout.split()
    assert lines[0] == ("corrupt" if where == "cache" else "missing")
    assert os.path.exists(fifo)  # not ours to delete: a FIFO is no cache


def test_a_huge_cache_file_is_corrupt_at_once_not_read(monkeypatch):
    from registry_core.cache import safe_files

    manager = _manager()
    assert manager.save_cache({"a": "x" * 5000})
    monkeypatch.setattr(safe_files, "MAX_CACHE_BYTES", 1024)
    status = manager.status()
    assert status.state == "corrupt" and "over the 1024-byte limit" in status.reason


@posix_only
def test_a_device_where_the_cache_belongs_is_refused():
    manager = _manager()
    os.makedirs(os.path.dirname(manager.cache_path), exist_ok=True)
    os.symlink("/dev/zero", manager.cache_path)  # through a link: refused as a link, never read
    assert "symbolic link" in manager.status().reason
