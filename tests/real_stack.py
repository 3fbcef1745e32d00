"""The real metaclass-registry ecosystem, installed from the package registry once and reused.

``real_stack_python()``: a virtual environment (``.venv-real-stack`` in the checkout,
or ``$REGISTRY_INSPECTOR_REAL_STACK``) with the pinned distributions below; built
on first use (about a minute), then reused by every test and every later run while
the pins are unchanged. ``metaclass_registry_022()``: metaclass-registry 0.2.2 (no
dependencies) installed with ``pip --target`` into a folder, for ``PYTHONPATH``.

Where the package registry cannot be reached and ``CI`` is unset, the tests that
need these skip with the reason; under CI they fail, so CI always runs them.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The versions the tests know the answers for (polystore's 9 backends need pandas, from its omero extra).
PINS = ("metaclass-registry==0.4.1", "polystore==0.6.3", "zmqruntime==0.6.5", "pandas")
PIN_022 = "metaclass-registry==0.2.2"
#: The library's source distribution: its own test suite runs against registry_core.compat.
SDIST_PIN = "metaclass-registry==0.4.1"


def _home() -> Path:
    return Path(os.environ.get("REGISTRY_INSPECTOR_REAL_STACK") or ROOT / ".venv-real-stack")


def _unavailable(what: str, output: str) -> None:
    message = f"{what} could not be installed from the package registry:\n{output[-2000:]}"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(f"{message}\n(CI installs it; this machine could not)")


def _pip(args: list[str], timeout: float = 900) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, timeout=timeout)


def real_stack_python() -> str:
    """The interpreter of the reused venv with the real stack (built now if missing or its pins changed)."""
    home = _home() / "stack"
    python = home / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    stamp = home / "pins.txt"
    wanted = "\n".join(PINS) + "\n"
    if python.is_file() and stamp.is_file() and stamp.read_text() == wanted:
        return str(python)
    made = subprocess.run([sys.executable, "-m", "venv", "--clear", str(home)], capture_output=True, text=True)
    if made.returncode != 0:
        _unavailable("a virtual environment", made.stderr)
    installed = _pip(["--python", str(python), "install", "--no-input", "--quiet", *PINS])
    if installed.returncode != 0:
        _unavailable(" ".join(PINS), installed.stderr + installed.stdout)
    stamp.write_text(wanted)
    return str(python)


def metaclass_registry_022() -> str:
    """A folder holding metaclass-registry 0.2.2, for PYTHONPATH (``pip install --target``)."""
    folder = _home() / "mr022"
    stamp = folder / "pin.txt"
    if stamp.is_file() and stamp.read_text() == PIN_022:
        return str(folder)
    installed = _pip(["install", "--no-input", "--quiet", "--no-deps", "--upgrade", "--target", str(folder), PIN_022])
    if installed.returncode != 0:
        _unavailable(PIN_022, installed.stderr + installed.stdout)
    stamp.write_text(PIN_022)
    return str(folder)


def metaclass_registry_sdist() -> Path:
    """metaclass-registry 0.4.1's source distribution, unpacked (its ``tests/`` included); downloaded once."""
    import tarfile

    folder = _home() / "sdist"
    unpacked = folder / "metaclass_registry-0.4.1"
    if (unpacked / "tests" / "conftest.py").is_file():
        return unpacked
    downloaded = _pip(
        ["download", "--no-input", "--quiet", "--no-deps", "--no-binary", ":all:", "--dest", str(folder), SDIST_PIN]
    )
    archives = sorted(folder.glob("metaclass_registry-0.4.1.tar.gz"))
    if downloaded.returncode != 0 or not archives:
        _unavailable(f"the source distribution of {SDIST_PIN}", downloaded.stderr + downloaded.stdout)
    with tarfile.open(archives[0]) as archive:
        archive.extractall(folder, filter="data")
    return unpacked
