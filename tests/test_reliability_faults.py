"""Faults: a writer killed mid-write, a full disk, unwritable or missing cache folders, an upgrade.

* ``kill -9`` of a process rebuilding and writing the cache in a loop, 200 times at seeded random
  moments: the file on disk is always absent (before the first write) or a complete, valid cache,
  never older than the last one seen; a lock left by a killed process never makes the next start wait.
* ENOSPC from ``fsync``/``replace``/``write``/``open`` while saving: the discovery result is still
  returned, one warning, no partial or temporary file, and an existing cache is left intact.
* Cache folder read-only, missing, a file in its place, ``XDG_CACHE_HOME`` unwritable: works uncached,
  state "disabled" with a reason (a missing folder is simply created).
* A package upgrade while a cache exists (version bump, a plugin removed, one added, an entry point
  removed): the next start is exact, and every advertised key gives its class.

(``test_cache_concurrency`` kills a process that merely holds the lock; ``test_cache_corruption``
covers a file standing where the cache *root* should be and a read-only folder holding a corrupt file.)
"""

from __future__ import annotations

import contextlib
import errno
import importlib
import json
import logging
import os
import random
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from cache_helpers import (
    PRELUDE,
    bump_mtime,
    cache_env,
    child,
    is_writable,
    plugin_files,
    plugin_source,
    read_only,
    start,
)
from helpers import ROOT

KILLS = 200
KILL_SEED = 1234
#: Figures of the kill test, printed (``-s``) so they can be quoted.
KILL_FIGURES: dict = {}


# -- kill -9 in the middle of writing -------------------------------------------------------------

WRITER = """
import importlib, os, sys
from {pkg}.base import REGISTRY as R
for name in sorted(os.listdir(os.path.dirname(sys.modules[{pkg!r}].__file__))):
    if name.startswith("p_"):
        importlib.import_module({pkg!r} + "." + name[:-3])  # so each rebuild is mostly the write
os.write({ready}, b"r")
os.close({ready})
sorted(R)  # a cold start discovers and writes under the lock; a warm one loads the file
while True:
    R.rebuild()  # discover again and rewrite the cache, under the lock
"""


def _writer(code: str, root: Path, ready_w: int) -> subprocess.Popen:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(root), str(ROOT)])
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        pass_fds=(ready_w,),
    )


FRESH_START = """
import time
began = time.monotonic()
from {pkg}.base import REGISTRY as R
keys = sorted(R)
elapsed = time.monotonic() - began
print(json.dumps({{"keys": keys, "elapsed": elapsed, "startup": _st(R.cache.startup_status),
                  "source": R.report.source, "now": _st(R.cache_status()), "warnings": WARNINGS,
                  "values": all(R[k].plugin_key == k for k in keys)}}))
"""


@pytest.mark.slow
def test_kill_9_while_writing_the_cache_200_times(make_package, tmp_path, monkeypatch):
    pkg = "rf_kill"
    keys = sorted(f"k{i:02d}" for i in range(50))
    root = make_package(plugin_files(pkg, keys=keys))
    # The file is validated in this process, entry points included: see sys.path as the writers do
    # (other tests may have left folders holding distributions on this process's sys.path).
    writers_path = child(root, "print(json.dumps({'path': sys.path}))", env=cache_env(tmp_path / "cache"))["path"]
    monkeypatch.setattr(sys, "path", writers_path)
    registry = importlib.import_module(f"{pkg}.base").REGISTRY  # for reading the file in-process; never touched
    cache = registry.cache
    path = Path(cache.path)
    folder = path.parent
    rng = random.Random(KILL_SEED)
    lock_timeout = cache.manager.config.lock_timeout
    killed_pids: set[int] = set()
    last_created = None
    absent_after_kill = 0
    lock_waits: list[float] = []
    fresh_elapsed: list[float] = []
    began = time.monotonic()

    for kill in range(1, KILLS + 1):
        ready_r, ready_w = os.pipe()
        proc = _writer(WRITER.format(pkg=pkg, ready=ready_w), root, ready_w)
        os.close(ready_w)
        try:
            assert os.read(ready_r, 1) == b"r", proc.communicate(timeout=30)
        finally:
            os.close(ready_r)
        time.sleep(rng.uniform(0, 0.030))  # the kill moment (not a synchronisation)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        err = proc.stderr.read().decode()
        proc.stderr.close()
        assert proc.returncode == -signal.SIGKILL, (proc.returncode, err)  # it was still running: really killed
        killed_pids.add(proc.pid)

        # The file: absent only before the first complete write; otherwise complete and valid.
        if not path.exists():
            assert last_created is None, f"kill {kill}: the cache vanished after a complete write"
            absent_after_kill += 1
        else:
            doc = json.loads(path.read_bytes())  # never torn: parses in full
            assert sorted(doc["items"]) == keys, f"kill {kill}: incomplete items"
            assert last_created is None or doc["created"] >= last_created, f"kill {kill}: an older file came back"
            last_created = doc["created"]
            status = cache.status()  # format, identity, version, environment, files, entry points, items
            assert status.state == "valid", (kill, status)
        # Leftovers can only be temporary files of killed writers, never anything a reader would take.
        for name in os.listdir(folder):
            if name.endswith(".tmp"):
                assert name.startswith(path.name + ".") and int(name.split(".")[-3]) in killed_pids, name
            else:
                assert name in (path.name, path.name + ".lock"), name

        # The killed process's lock never blocks the next one: the kernel dropped it.
        waited = time.monotonic()
        with cache.manager.lock() as lock:
            lock_waits.append(time.monotonic() - waited)
            assert lock.acquired, (kill, lock.error)

        if kill % 50 == 0:
            # A fresh process that must rebuild (no file), right after a kill: it takes the lock at once.
            path.unlink(missing_ok=True)
            last_created = None
            data = child(root, FRESH_START.format(pkg=pkg), env=cache_env(tmp_path / "cache"))
            assert data["keys"] == keys and data["values"] is True
            assert data["startup"][0] == "missing" and data["source"] == "discovery"
            assert data["now"][0] == "valid" and data["warnings"] == []
            assert data["elapsed"] < lock_timeout / 3, data
            fresh_elapsed.append(round(data["elapsed"], 3))
            last_created = json.loads(path.read_bytes())["created"]  # it wrote a new file

    leftovers = [n for n in os.listdir(folder) if n.endswith(".tmp")]
    KILL_FIGURES.update(
        kills=KILLS,
        seconds=round(time.monotonic() - began, 1),
        mid_write_tmp_leftovers=len(leftovers),
        max_lock_wait_s=round(max(lock_waits), 4),
        fresh_start_s=fresh_elapsed,
        absent_after_kill=absent_after_kill,
    )
    print(f"\n[reliability-faults] kill -9: {KILL_FIGURES}")
    assert len(lock_waits) == KILLS
    assert max(lock_waits) < 1.0, lock_waits  # far below the 30 s lock timeout
    assert last_created is not None  # writes did complete between kills
    # Killed mid-write, a writer leaves its temporary file (nothing can clean up after SIGKILL); it is
    # never read, and clear_all_caches removes it.
    from registry_core import clear_all_caches

    clear_all_caches([pkg])
    assert [n for n in os.listdir(folder) if n.endswith(".tmp")] == []
    final = child(root, FRESH_START.format(pkg=pkg), env=cache_env(tmp_path / "cache"))
    assert final["keys"] == keys and final["now"][0] == "valid" and final["warnings"] == []


# -- a full disk ------------------------------------------------------------------------------


class _Warnings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def _collect_warnings():
    handler = _Warnings()
    logger = logging.getLogger("registry_core")
    logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)


def _enospc(*args, **kwargs):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


class _FullDiskFile:
    """What ``os.fdopen`` returns on a full disk: writes fail."""

    def __init__(self, handle):
        self._handle = handle

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self._handle.close()

    def write(self, data):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    def __getattr__(self, name):
        return getattr(self._handle, name)


def _full_disk(monkeypatch, where: str, folder: Path) -> None:
    if where == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(os, "fdopen", lambda fd, *a, **k: _FullDiskFile(real_fdopen(fd, *a, **k)))
    elif where == "open":
        real_open = os.open

        def refusing(file, flags, *args, **kwargs):
            if str(file).endswith(".tmp"):
                raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(file))
            return real_open(file, flags, *args, **kwargs)

        monkeypatch.setattr(os, "open", refusing)
    else:
        monkeypatch.setattr(os, where, _enospc)


def _forget(pkg: str) -> None:
    for name in [m for m in sys.modules if m == pkg or m.startswith(pkg + ".")]:
        del sys.modules[name]
    importlib.invalidate_caches()


@pytest.mark.parametrize("existing", ["no_cache_yet", "replacing_a_stale_cache"])
@pytest.mark.parametrize("where", ["write", "fsync", "replace", "open"])
def test_disk_full_while_saving(make_package, where, existing):
    pkg = f"rf_full_{where}_{existing}"
    root = make_package(plugin_files(pkg))
    keys = ["alpha", "beta", "gamma"]
    old_bytes = None
    if existing == "replacing_a_stale_cache":
        registry = importlib.import_module(f"{pkg}.base").REGISTRY
        assert sorted(registry) == keys  # writes a valid cache
        path = Path(registry.cache_path)
        old_bytes = path.read_bytes()
        _forget(pkg)
        (root / pkg / "p_delta.py").write_text(plugin_source(pkg, "Plugin_delta", "delta"))
        st = os.stat(root / pkg)
        os.utime(root / pkg, ns=(st.st_mtime_ns + 2_000_000_000, st.st_mtime_ns + 2_000_000_000))
        keys = sorted(keys + ["delta"])
    registry = importlib.import_module(f"{pkg}.base").REGISTRY  # a new registry: the "next start"
    path = Path(registry.cache_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    before = set(os.listdir(path.parent))

    with _collect_warnings() as warnings, pytest.MonkeyPatch.context() as patch:
        _full_disk(patch, where, path.parent)
        got = sorted(registry)  # discovery, then the save fails
    assert got == keys  # the discovery result is returned all the same
    assert [registry[k].plugin_key for k in keys] == keys
    assert len(warnings) == 1, warnings
    assert "No space left on device" in warnings[0] and "cache disabled for this process" in warnings[0]
    after = set(os.listdir(path.parent))
    assert not [n for n in after if n.endswith(".tmp")], after  # no temporary file left
    assert after - before <= {path.name + ".lock"}, after
    status = registry.cache_status()
    if old_bytes is None:
        assert not path.exists()  # no partial file
        assert status.state == "disabled" and "No space left on device" in status.reason
    else:
        assert path.read_bytes() == old_bytes  # the old cache is intact, not half-overwritten
        assert status.state == "stale" and "cannot be rewritten" in status.reason
        assert "No space left on device" in status.reason
    # Still one warning however often the process reads or re-checks.
    with _collect_warnings() as later:
        sorted(registry)
        registry.cache_status()
    assert later == []


# -- unusable cache folders ------------------------------------------------------------------------


FOLDER_START = """
from {pkg}.base import REGISTRY as R
before = _st(R.cache_status())
keys = sorted(R)
print(json.dumps({{"keys": keys, "before": before, "startup": _st(R.cache.startup_status),
                  "now": _st(R.cache_status()), "source": R.report.source, "path": R.cache_path,
                  "values": [R[k].plugin_key for k in keys], "warnings": WARNINGS}}))
"""

FOLDER_CASES = [
    "read_only_folder",
    "missing_folder",
    "file_as_namespace_folder",
    "xdg_read_only",
    "xdg_is_a_file",
    "xdg_in_proc",
]


@pytest.mark.parametrize("case", FOLDER_CASES)
def test_unusable_cache_folder_works_uncached(make_package, tmp_path, monkeypatch, case):
    pkg = f"rf_folder_{case}"
    root = make_package(plugin_files(pkg))
    keys = ["alpha", "beta", "gamma"]
    cache_dir = tmp_path / "cache"
    guard = contextlib.nullcontext()
    if case == "read_only_folder":
        (cache_dir / pkg).mkdir(parents=True)
        guard = read_only(cache_dir / pkg)
    elif case == "missing_folder":
        cache_dir = tmp_path / "not" / "yet" / "there"
    elif case == "file_as_namespace_folder":
        cache_dir.mkdir()
        (cache_dir / pkg).write_text("a regular file where the namespace folder belongs")
    else:
        monkeypatch.delenv("REGISTRY_CORE_CACHE_DIR")  # the children inherit os.environ
        xdg = {
            "xdg_read_only": tmp_path / "xdg-ro",
            "xdg_is_a_file": tmp_path / "xdg-file",
            "xdg_in_proc": Path("/proc/registry-core-no-such-folder"),
        }[case]
        if case == "xdg_read_only":
            xdg.mkdir()
            guard = read_only(xdg)
        elif case == "xdg_is_a_file":
            xdg.write_text("not a folder")
        monkeypatch.setenv("XDG_CACHE_HOME", str(xdg))

    env = {} if case.startswith("xdg") else cache_env(cache_dir)
    with guard:
        if case in ("read_only_folder", "xdg_read_only"):
            assert not is_writable(cache_dir / pkg if case == "read_only_folder" else xdg)
        runs = [child(root, FOLDER_START.format(pkg=pkg), env=env) for _ in range(2)]
    for data in runs:
        assert data["keys"] == keys and data["values"] == keys
        assert data["source"] == ("cache" if case == "missing_folder" and data is runs[1] else "discovery")
        assert "Traceback" not in data["_stderr"]
    if case == "missing_folder":
        # A missing folder is no fault: it is created, and the second start is warm.
        assert runs[0]["now"][0] == "valid" and runs[1]["startup"][0] == "valid"
        assert runs[0]["warnings"] == runs[1]["warnings"] == []
        assert Path(runs[0]["path"]).is_file()
        return
    for data in runs:
        state, reason = data["now"]
        assert state == "disabled", data
        assert reason, data
        assert len(data["warnings"]) == 1, data["warnings"]
        assert "cache disabled for this process" in data["warnings"][0][1]
        assert data["startup"][0] in ("missing", "disabled"), data
        assert not Path(data["path"]).is_file()  # nothing written anywhere
    reason = runs[0]["now"][1]
    if case in ("file_as_namespace_folder", "xdg_is_a_file"):
        assert "file" in reason, reason
    else:
        assert "cache" in reason and ("lock" in reason or "folder" in reason), reason
    if case == "read_only_folder":
        assert os.listdir(cache_dir / pkg) == []


# -- a package upgrade while a cache exists ------------------------------------------------------

UPGRADE_CHECK = """
from registry_core import RegistryKeyError
from {pkg}.base import REGISTRY as R
before = _st(R.cache_status())
keys = sorted(R)
values, errors = {{}}, []
for k in keys:  # every advertised key gives its class
    try:
        values[k] = [R[k].__name__, R[k].plugin_key, R[k].__module__]
    except RegistryKeyError as exc:
        errors.append(str(exc))
print(json.dumps({{"keys": keys, "values": values, "errors": errors, "before": before,
                  "startup": _st(R.cache.startup_status), "source": R.report.source,
                  "now": _st(R.cache_status()), "ext_imported": {ext!r} in sys.modules,
                  "beta_imported": {pkg!r} + ".p_beta" in sys.modules, "warnings": WARNINGS}}))
"""


@pytest.mark.parametrize("bump", ["version_bumped", "same_version"])
def test_package_upgrade_under_an_existing_cache(make_package, tmp_path, bump):
    pkg, ext = f"rf_upgrade_{bump}", f"rf_upgrade_ext_{bump}"
    root = make_package(
        plugin_files(
            pkg,
            keys=("alpha", "beta", "gamma", "delta"),
            extra={
                f"{pkg}/__init__.py": '__version__ = "1.0"\n',
                f"{ext}/__init__.py": "",
                f"{ext}/plugins.py": f"from {pkg}.base import Plugin\nclass Ext(Plugin):\n    plugin_key = 'ext'\n",
            },
        )
    )
    dist = make_package.dist_info(ext, "1.0", {f"{pkg}.plugin": {"ext": f"{ext}.plugins:Ext"}})
    cache_dir = tmp_path / "cache"
    code = UPGRADE_CHECK.format(pkg=pkg, ext=ext)
    cold = child(root, code, env=cache_env(cache_dir))
    assert cold["keys"] == ["alpha", "beta", "delta", "ext", "gamma"] and cold["errors"] == []
    warm = child(root, code, env=cache_env(cache_dir))
    assert warm["startup"][0] == "valid" and warm["source"] == "cache"

    # The upgrade, as an installer does it: no mtime is nudged by hand.
    if bump == "version_bumped":
        (root / pkg / "__init__.py").write_text('__version__ = "2.0"\n')
        # Same size, same second: Python's own .pyc check (whole seconds + size) would run the old __init__.
        bump_mtime(root / pkg / "__init__.py")
    (root / pkg / "p_beta.py").unlink()
    for pyc in (root / pkg / "__pycache__").glob("p_beta.*"):
        pyc.unlink()
    (root / pkg / "p_zeta.py").write_text(plugin_source(pkg, "Plugin_zeta", "zeta"))
    (root / pkg / "p_gamma.py").write_text(plugin_source(pkg, "Plugin_gamma_v2", "gamma"))
    shutil.rmtree(dist)  # the extension's entry point is gone (its modules stay importable)

    expected = ["alpha", "delta", "gamma", "zeta"]
    after = child(root, code, env=cache_env(cache_dir))
    assert after["before"][0] == "stale" and after["startup"][0] == "stale", after
    if bump == "version_bumped":
        assert "package version changed" in after["startup"][1]
    assert after["source"] == "discovery"
    assert after["keys"] == expected  # no stale plugin, the new one present
    assert after["errors"] == []
    assert after["values"]["gamma"][0] == "Plugin_gamma_v2"
    assert after["values"]["zeta"] == ["Plugin_zeta", "zeta", f"{pkg}.p_zeta"]
    assert after["ext_imported"] is False and after["beta_imported"] is False
    assert after["now"][0] == "valid"
    again = child(root, code, env=cache_env(cache_dir))
    assert again["startup"][0] == "valid" and again["source"] == "cache"
    assert again["keys"] == expected and again["errors"] == [] and again["values"] == after["values"]
    assert again["ext_imported"] is False


MID_RUN = """
from registry_core import RegistryKeyError
from {pkg}.base import REGISTRY as R
listed = sorted(R)  # warm: placeholders only
print(json.dumps({{"listed": listed}}), flush=True)
sys.stdin.readline()  # the parent upgrades the package now
values, errors = {{}}, {{}}
for k in listed:
    try:
        values[k] = R[k].__name__
    except RegistryKeyError as exc:
        errors[k] = type(exc).__name__
print(json.dumps({{"values": values, "errors": errors, "keys": sorted(R), "healed": R.report.healed,
                  "now": _st(R.cache_status()), "ext_imported": {ext!r} in sys.modules}}))
"""


def test_package_upgraded_under_a_running_warm_process(make_package, tmp_path):
    """Keys listed from the cache, then the package changes before any value is read: the process heals."""
    pkg, ext = "rf_midrun", "rf_midrun_ext"
    root = make_package(
        plugin_files(
            pkg,
            keys=("alpha", "beta", "gamma"),
            extra={
                f"{ext}/__init__.py": "",
                f"{ext}/plugins.py": f"from {pkg}.base import Plugin\nclass Ext(Plugin):\n    plugin_key = 'ext'\n",
            },
        )
    )
    dist = make_package.dist_info(ext, "1.0", {f"{pkg}.plugin": {"ext": f"{ext}.plugins:Ext"}})
    cache_dir = tmp_path / "cache"
    assert start(root, pkg, cache_dir)["keys"] == ["alpha", "beta", "ext", "gamma"]

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(root), str(ROOT)]), **cache_env(cache_dir))
    proc = subprocess.Popen(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(MID_RUN.format(pkg=pkg, ext=ext))],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        listed = json.loads(proc.stdout.readline())["listed"]
        assert listed == ["alpha", "beta", "ext", "gamma"]
        (root / pkg / "p_beta.py").unlink()
        (root / pkg / "p_zeta.py").write_text(plugin_source(pkg, "Plugin_zeta", "zeta"))
        shutil.rmtree(dist)
        out, err = proc.communicate("go\n", timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0, err
    data = json.loads(out.strip().splitlines()[-1])
    # What still exists comes back as the real class; what was removed is a clean RegistryKeyError.
    assert data["values"] == {"alpha": "Plugin_alpha", "gamma": "Plugin_gamma"}
    assert data["errors"] == {"beta": "RegistryKeyError", "ext": "RegistryKeyError"}
    assert data["keys"] == ["alpha", "gamma", "zeta"]  # healed: the package as it is now
    assert data["healed"]
    assert data["ext_imported"] is False  # no longer advertised: never imported
    assert data["now"][0] == "valid"
    assert start(root, pkg, cache_dir)["keys"] == ["alpha", "gamma", "zeta"]
