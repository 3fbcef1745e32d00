"""Another Python environment (``--python PATH``): the same subcommands run by that interpreter, as JSON.

Users' plugins live in their own virtual environment, not in the inspector's.
The child is that environment's interpreter running ``python -m registry_core.cli``;
``registry_core`` (pure Python) and its one dependency, platformdirs, are made
importable there through ``PYTHONPATH`` pointing at a folder that holds only those
two packages, so nothing is installed into the user's environment and nothing else
of the inspector's (Qt, the app) leaks into it. A crashing or hanging plugin stays
in the child.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: The oldest Python registry_core runs on.
MIN_VERSION = (3, 10)


class PythonEnvironmentError(Exception):
    """``--python`` names no usable interpreter; ``str()`` says which and what to give instead."""


def interpreter(path: str) -> str:
    """The interpreter for ``path``: itself, or a virtual environment folder's ``bin/python``."""
    path = os.path.abspath(os.path.expanduser(path))
    if os.path.isdir(path):
        for candidate in (
            os.path.join(path, "bin", "python"),
            os.path.join(path, "Scripts", "python.exe"),
            os.path.join(path, "bin", "python3"),
        ):
            if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
                return candidate
        raise PythonEnvironmentError(
            f"--python {path}: a folder without bin/python; give a virtual environment's folder or its interpreter"
        )
    if not os.path.isfile(path):
        raise PythonEnvironmentError(
            f"--python {path}: no such interpreter; give a virtual environment's folder or the path of its python"
        )
    if not os.access(path, os.X_OK):
        raise PythonEnvironmentError(
            f"--python {path}: not executable; give a virtual environment's folder or its python"
        )
    return path


def core_sources() -> dict[str, str]:
    """The folders of the registry_core and platformdirs packages' sources (what another interpreter needs)."""
    import sys

    frozen_sources = os.path.join(getattr(sys, "_MEIPASS", ""), "registry_core_src")
    if getattr(sys, "frozen", False) and os.path.isdir(frozen_sources):
        # The frozen app's modules live in its archive; the bundle ships their sources for this (the spec).
        return {name: os.path.join(frozen_sources, name) for name in ("registry_core", "platformdirs")}
    import platformdirs

    return {
        "registry_core": os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
        "platformdirs": os.path.dirname(os.path.abspath(platformdirs.__file__)),
    }


def bridge_folder() -> str:
    """A folder holding only registry_core and platformdirs (links, or copies where links cannot be made)."""
    import hashlib
    import shutil

    from .._version import __version__

    sources = core_sources()
    digest = hashlib.sha256("|".join([__version__, *sources.values()]).encode()).hexdigest()[:16]
    from ..cache.paths import read_only, user_cache_dir

    if read_only():  # nothing in the user's folders: a temporary bridge, gone at exit
        import atexit
        import tempfile

        folder = tempfile.mkdtemp(prefix="registry-inspector-bridge-")
        atexit.register(shutil.rmtree, folder, True)
    else:
        folder = os.path.join(user_cache_dir("registry-inspector"), "python-bridge", digest)
    for name, source in sources.items():
        link = os.path.join(folder, name)
        if os.path.lexists(link):
            continue
        os.makedirs(folder, exist_ok=True)
        try:
            os.symlink(source, link, target_is_directory=True)
        except OSError:  # no symlinks (Windows without the privilege): a copy, made once per version
            shutil.copytree(source, link, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


#: What the other interpreter runs (instead of ``-m registry_core.cli``, which would put the current folder
#: first on sys.path): the inspector's own entries (the ``-c`` script's, the bridge) are taken off sys.path
#: once registry_core and platformdirs are imported, so the import path it reports is the environment's own
#: and two environments compare equal when only their bridges differ. (Children still get PYTHONPATH.)
CLI_MAIN = """import os, sys
if sys.path and sys.path[0] in ("", "."):
    del sys.path[0]
import platformdirs, registry_core.cli
ours = os.environ.get("REGISTRY_INSPECTOR_BRIDGE")
sys.path[:] = [p for p in sys.path if p != ours]
sys.exit(registry_core.cli.main())
"""


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    bridge = bridge_folder()
    paths = [bridge] + [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["REGISTRY_INSPECTOR_BRIDGE"] = bridge
    env.pop("PYTHONHOME", None)  # ours would point that interpreter at the wrong standard library
    env.update(extra or {})
    return env


def check_version(python: str, timeout: float = 30.0) -> None:
    import secrets
    import subprocess

    # A token to echo back: only a program that really runs the code can (a script that prints "3 11" cannot),
    # and its line is found after whatever a wrapper printed first.
    token = secrets.token_hex(8)
    try:
        result = subprocess.run(
            [python, "-c", "import sys; print(sys.argv[1], '%d %d' % sys.version_info[:2])", token],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PythonEnvironmentError(f"--python {python}: it does not run ({type(exc).__name__}: {exc})") from None
    answer = [line.split()[1:] for line in result.stdout.splitlines() if line.startswith(token + " ")]
    try:
        version = tuple(int(part) for part in answer[-1]) if answer else ()
    except ValueError:
        version = ()
    if len(version) != 2:
        said = (result.stderr.strip() or result.stdout.strip())[:200]
        raise PythonEnvironmentError(
            f"--python {python}: not a Python interpreter: asked to run one line of Python, it "
            + (f"answered {said!r}" if said else "printed nothing")
            + f" (exit status {result.returncode}); give a virtual environment's folder or its bin/python"
        )
    if version < MIN_VERSION:
        raise PythonEnvironmentError(
            f"--python {python}: Python {version[0]}.{version[1]}; the inspector needs "
            f"{MIN_VERSION[0]}.{MIN_VERSION[1]} or newer in the inspected environment"
        )


def run_cli(python: str, argv: list[str]) -> int:
    """Run ``registry-inspector ARGV`` with ``python``; its output is this process's. The exit code."""
    import subprocess

    python = interpreter(python)
    check_version(python)
    try:
        return subprocess.call([python, "-c", CLI_MAIN, *argv], env=child_env())
    except KeyboardInterrupt:
        return 130


class Cancelled(Exception):
    """``cancelled()`` turned true while the child ran: it was stopped, with every process it started."""


def run_json(python: str, argv: list[str], timeout: float | None = None, cancelled: Any = None) -> tuple[int, Any, str]:
    """Run ``registry-inspector ARGV --json`` with ``python``: (exit code, the document or None, stderr).

    ``cancelled()``, polled ten times a second, stops the child and its own children (profile's and verify's
    fresh processes: the child leads a process group of its own) and raises :class:`Cancelled`.
    """
    import json
    import subprocess
    import time

    python = interpreter(python)
    check_version(python)
    process = subprocess.Popen(
        [python, "-c", CLI_MAIN, *argv, "--json"],
        env=child_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=os.name == "posix",
    )
    deadline = None if timeout is None else time.monotonic() + timeout
    while True:
        try:
            stdout, stderr = process.communicate(timeout=0.1)
            break
        except subprocess.TimeoutExpired:
            if (cancelled is not None and cancelled()) or (deadline is not None and time.monotonic() > deadline):
                _stop(process)
                if cancelled is not None and cancelled():
                    raise Cancelled(f"stopped: {' '.join(argv)}") from None
                raise subprocess.TimeoutExpired(process.args, timeout or 0) from None

    try:
        document = json.loads(stdout) if stdout.strip() else None
    except ValueError:
        document = None
    return process.returncode, document, stderr


def strip_python(argv: list[str]) -> tuple[str | None, list[str]]:
    """(the ``--python`` value, argv without it)."""
    out: list[str] = []
    python = None
    skip = False
    for index, arg in enumerate(argv):
        if skip:
            skip = False
            continue
        if arg == "--python":
            if index + 1 < len(argv):
                python = argv[index + 1]
            skip = True
        elif arg.startswith("--python="):
            python = arg.partition("=")[2]
        else:
            out.append(arg)
    return python, out


def _stop(process: Any) -> None:
    """Kill the child and every process it started (its process group, on POSIX), then reap it."""
    import signal

    try:
        if os.name == "posix":
            os.killpg(process.pid, signal.SIGKILL)
        else:
            process.kill()
    except OSError:
        pass
    try:
        process.communicate(timeout=10)
    except Exception:  # noqa: BLE001 - it is being thrown away
        pass


__all__ = ["Cancelled", "PythonEnvironmentError", "interpreter", "run_cli", "run_json", "strip_python"]
