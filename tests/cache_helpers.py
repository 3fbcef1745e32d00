"""Helpers shared by the ``test_cache_*`` files: plugin packages and fresh-process starts.

Warm and cold starts are only meaningful in fresh interpreters, so every start
runs ``run_python`` and reads one line of JSON the child prints last.
"""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from helpers import BASE_MODULE, ROOT, run_python


def plugin_source(pkg: str, cls: str, key: str) -> str:
    return f"from {pkg}.base import Plugin\nclass {cls}(Plugin):\n    plugin_key = {key!r}\n"


def plugin_files(
    pkg: str, keys=("alpha", "beta", "gamma"), extra: dict | None = None, base: str = BASE_MODULE
) -> dict[str, str]:
    """``pkg/__init__.py``, ``pkg/base.py`` (the registry) and one module ``p_<key>.py`` per key."""
    files = {f"{pkg}/__init__.py": "", f"{pkg}/base.py": base}
    for key in keys:
        files[f"{pkg}/p_{key}.py"] = plugin_source(pkg, f"Plugin_{key}", key)
    files.update(extra or {})
    return files


def cache_env(cache_dir: Path, **extra: str) -> dict[str, str]:
    env = {"REGISTRY_CORE_CACHE_DIR": str(cache_dir)}
    env.update(extra)
    return env


PRELUDE = """
import json, logging, os, sys
WARNINGS = []
class _Collect(logging.Handler):
    def emit(self, record):
        WARNINGS.append([record.name, record.getMessage()])
logging.getLogger("registry_core").addHandler(_Collect(logging.WARNING))
def _st(status):
    return None if status is None else [status.state, status.reason]
def _plugins(pkg):
    return sorted(m for m in sys.modules if m.startswith(pkg + ".") and m != pkg + ".base")
"""


def child(
    root: Path, code: str, *, env: dict[str, str] | None = None, path: list[str] | None = None, cwd: Path | None = None
) -> dict:
    """Run ``code`` in a fresh interpreter with ``root`` importable; the JSON of its last stdout line."""
    result = run_python(
        PRELUDE + textwrap.dedent(code), path=[str(root), *(path or [])], env=env, cwd=None if cwd is None else str(cwd)
    )
    assert result.returncode == 0, f"child failed:\n{result.stdout}\n{result.stderr}"
    lines = result.stdout.strip().splitlines()
    assert lines, f"child printed nothing:\n{result.stderr}"
    data = json.loads(lines[-1])
    data["_stderr"] = result.stderr
    return data


START = """
from {pkg}.base import REGISTRY as R
before = _st(R.cache_status())  # validates the file on disk; does not discover
keys = sorted(R)
plugins_after_keys = _plugins({pkg!r})
startup = _st(R.cache.startup_status)
now = _st(R.cache_status())
print(json.dumps({{"keys": keys, "before": before, "startup": startup, "now": now, "source": R.report.source,
                  "path": R.cache_path, "group": R.entry_point_group, "plugins": plugins_after_keys,
                  "healed": R.cache.healed, "warnings": WARNINGS}}))
"""


def start(root: Path, pkg: str, cache_dir: Path, **env: str) -> dict:
    """One fresh start reading ``pkg.base.REGISTRY``: keys, startup state, state on disk afterwards."""
    return child(root, START.format(pkg=pkg), env=cache_env(cache_dir, **env))


def read_cache(path: str) -> dict:
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def write_cache(path: str, doc: dict) -> None:
    """Rewrite a cache document, keeping the file's mtime out of the question."""
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(doc, handle)


def set_mtime(path: Path | str, mtime_ns: int) -> None:
    os.utime(path, ns=(mtime_ns, mtime_ns))


def bump_mtime(path: Path | str, by_ns: int = 2_000_000_000) -> None:
    """Move a file's or folder's mtime forward (no sleeping: coarse clocks cannot hide the change)."""
    st = os.stat(path)
    set_mtime(path, st.st_mtime_ns + by_ns)


def spawn(code: str, root: Path, env: dict[str, str], pass_fds=(), stdin=None) -> subprocess.Popen:
    """Like helpers.run_python, but not waiting: the same interpreter, path and environment, plus PRELUDE."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = os.pathsep.join([str(root), str(ROOT)])
    full_env.update(env)
    return subprocess.Popen(
        [sys.executable, "-c", PRELUDE + textwrap.dedent(code)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=stdin,
        text=True,
        env=full_env,
        pass_fds=pass_fds,
    )


def start_together(
    template: str, count: int, root: Path, env: dict[str, str], timeout: float = 120, **fields: str
) -> list[tuple[int, str, str]]:
    """Start ``count`` children, let all reach a barrier, release them at once; (returncode, out, err) each.

    ``template`` is formatted with ``ready`` and ``go`` (pipe fds: write one byte to ``ready``, then read
    ``go`` until it closes) and ``fields``.
    """
    ready_r, ready_w = os.pipe()
    go_r, go_w = os.pipe()
    procs = []
    try:
        for _ in range(count):
            procs.append(spawn(template.format(ready=ready_w, go=go_r, **fields), root, env, pass_fds=(ready_w, go_r)))
        os.close(ready_w)
        os.close(go_r)
        ready = 0
        while ready < count:
            got = os.read(ready_r, count)
            if not got:
                break  # every child closed its end: one died before the barrier
            ready += len(got)
        assert ready == count, [p.communicate(timeout=timeout) for p in procs]
    finally:
        os.close(go_w)  # release everybody at once
        os.close(ready_r)
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=timeout)
        results.append((proc.returncode, out, err))
    return results


def is_writable(folder: Path) -> bool:
    probe = folder / "probe.tmp"
    try:
        probe.write_text("x")
    except OSError:
        return False
    probe.unlink()
    return True


@contextlib.contextmanager
def read_only(folder: Path):
    """Make ``folder`` refuse new files at the OS level; yields whether that took effect; always undone.

    Permission bits do not stop root (these tests run as root here), so as root
    the folder is made immutable (``chattr +i``), which stops root too.
    """
    if os.geteuid() != 0:
        os.chmod(folder, 0o555)
        try:
            yield not is_writable(folder)
        finally:
            os.chmod(folder, 0o755)
        return
    try:
        done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True).returncode == 0
    except OSError:
        done = False
    try:
        yield done and not is_writable(folder)
    finally:
        if done:
            subprocess.run(["chattr", "-i", str(folder)], capture_output=True)
