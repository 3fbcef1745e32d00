"""Two small environments for the remote tests: "this machine" and "the worker", built once and reused.

Each is a home folder holding ``venv`` (``python -m venv --without-pip``) into which pip installs tiny
throw-away wheels made here (``--no-index --no-deps``): ``rdemo`` (a registry_core registry, ``rdemo.base``,
with its plugin ``disk``) and the plugin distribution ``rdemo-extra`` (the key ``extra``, an entry point),
1.0 here and 1.1 on the worker. That version, and ``RDEMO_SUBPROCESS_NO_GPU`` (set by the worker's sshd),
are the only differences between the two: both homes have the same layout, so once paths are shown
relative to the home folder (``~/venv/...``) everything else is equal.

Built under ``.venv-remote-stack`` in the checkout (or ``$REGISTRY_INSPECTOR_REMOTE_STACK``) in a few
seconds, then reused while ``STAMP`` is unchanged.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = "rdemo.base"
NO_GPU = "RDEMO_SUBPROCESS_NO_GPU"
EXTRA = "rdemo-extra"
VERSIONS = {"local": "1.0", "worker": "1.1"}
STAMP = "rdemo 1.0, rdemo-extra 1.0/1.1, schema 2\n"

_BASE = """\
from registry_core import AutoRegisterMeta, LazyDiscoveryDict

REGISTRY = LazyDiscoveryDict()


class Plugin(metaclass=AutoRegisterMeta):
    __registry__ = REGISTRY
    __registry_key__ = "plugin_key"
    plugin_key = None
"""
_DISK = """\
from rdemo.base import Plugin


class Disk(Plugin):
    plugin_key = "disk"
"""
_EXTRA = """\
from rdemo.base import Plugin


class Extra(Plugin):
    plugin_key = "extra"
"""


def _wheel(folder: Path, name: str, version: str, files: dict[str, str], entry_points: str = "") -> Path:
    """A pure-Python wheel holding ``files`` (a RECORD with hashes, as pip checks)."""
    dist = name.replace("-", "_")
    info = f"{dist}-{version}.dist-info"
    members = dict(files)
    members[f"{info}/METADATA"] = f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n"
    members[f"{info}/WHEEL"] = "Wheel-Version: 1.0\nGenerator: remote_stack\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
    if entry_points:
        members[f"{info}/entry_points.txt"] = entry_points
    record = []
    for member, text in members.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(text.encode()).digest()).rstrip(b"=").decode()
        record.append(f"{member},sha256={digest},{len(text.encode())}")
    record.append(f"{info}/RECORD,,")
    members[f"{info}/RECORD"] = "\n".join(record) + "\n"
    path = folder / f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(path, "w") as archive:
        for member, text in members.items():
            archive.writestr(member, text)
    return path


def stack_home() -> Path:
    return Path(os.environ.get("REGISTRY_INSPECTOR_REMOTE_STACK") or ROOT / ".venv-remote-stack")


def remote_stack() -> dict[str, Path]:
    """``{"local": home, "worker": home}``, each home holding ``venv``; built now if missing or outdated."""
    base = stack_home()
    homes = {side: base / side for side in VERSIONS}
    stamp = base / "stamp.txt"
    if (
        stamp.is_file()
        and stamp.read_text() == STAMP
        and all((h / "venv" / "bin" / "python").exists() for h in homes.values())
    ):
        return homes
    shutil.rmtree(base, ignore_errors=True)
    wheels = base / "wheels"
    wheels.mkdir(parents=True)
    core = _wheel(
        wheels,
        "rdemo",
        "1.0",
        {
            "rdemo/__init__.py": "",
            "rdemo/base.py": _BASE,
            "rdemo/plugins/__init__.py": "",
            "rdemo/plugins/disk.py": _DISK,
        },
    )
    for side, home in homes.items():
        version = VERSIONS[side]
        extra = _wheel(
            wheels,
            EXTRA,
            version,
            {"rdemo_extra/__init__.py": _EXTRA},
            "[rdemo.plugin]\nextra = rdemo_extra:Extra\n",
        )
        venv = home / "venv"
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, capture_output=True)
        subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--quiet",
             "--no-index", "--no-deps", "--no-compile", "--disable-pip-version-check", str(core), str(extra)],
            check=True,
            capture_output=True,
        )  # fmt: skip
        (home / ".cache").mkdir(exist_ok=True)
    stamp.write_text(STAMP)
    return homes


def home_env(home: Path, **extra: str) -> dict[str, str]:
    """This process's environment as it would be for a user whose home is ``home`` (no XDG or cache overrides)."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("XDG_") and k not in ("REGISTRY_CORE_CACHE_DIR", "REGISTRY_INSPECTOR_DATA_DIR", NO_GPU)
    }
    env["HOME"] = str(home)
    env.update(extra)
    return env


def worker_setenv(homes: dict[str, Path]) -> dict[str, str]:
    """What the worker's sshd sets in every session: its own home, and the variable this machine lacks."""
    return {"HOME": str(homes["worker"]), NO_GPU: "1", "PATH": os.environ["PATH"]}
