"""Test helpers: throw-away plugin packages and fresh interpreters."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEMO_PATH = ROOT / "resources" / "demo"

#: The embedded demo: each registry's name (in catalog order) -> its registered keys, sorted.
DEMO_REGISTRIES = {
    "microscope handler": ["acme_cellinsight", "imagexpress", "omero", "openhcsdata", "opera_phenix"],
    "storage backend": [
        "disk",
        "fiji_stream",
        "memory",
        "napari_stream",
        "omero_local",
        "virtual_workspace",
        "zarr",
        "zeiss_czi",
    ],
    "zmq server": ["execution", "fiji", "napari"],
    "library registry": ["cupy", "openhcs", "pyclesperanto", "skimage"],
    "format registry": ["EDDU_CX5", "EDDU_metaxpress"],
}


class PackageMaker:
    """Writes a package tree (``{"pkg/__init__.py": "...", ...}``) under a folder on sys.path."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.names: set[str] = set()

    def __call__(self, files: dict[str, str]) -> Path:
        for rel, text in files.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(textwrap.dedent(text))
            self.names.add(rel.split("/")[0].removesuffix(".py"))
        return self.root

    def dist_info(self, name: str, version: str, entry_points: dict[str, dict[str, str]]) -> Path:
        """A minimal installed distribution advertising ``entry_points`` ({group: {name: value}})."""
        folder = self.root / f"{name.replace('-', '_')}-{version}.dist-info"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: {version}\n")
        lines = []
        for group, eps in entry_points.items():
            lines.append(f"[{group}]")
            lines.extend(f"{k} = {v}" for k, v in eps.items())
            lines.append("")
        (folder / "entry_points.txt").write_text("\n".join(lines))
        return folder


def run_python(
    code: str,
    *,
    path: list[str] | None = None,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    cwd: str | None = None,
) -> subprocess.CompletedProcess:
    """Run ``code`` in a fresh interpreter with the project (and ``path``) importable."""
    full_env = dict(os.environ)
    full_env["PYTHONPATH"] = os.pathsep.join([*(path or []), str(ROOT)])
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        cwd=cwd,
    )


BASE_MODULE = """
from registry_core import AutoRegisterMeta, LazyDiscoveryDict
REGISTRY = LazyDiscoveryDict()
class Plugin(metaclass=AutoRegisterMeta):
    __registry__ = REGISTRY
    __registry_key__ = "plugin_key"
    plugin_key = None
"""


#: BASE_MODULE plus a SecondaryRegistryDict ``METADATA`` filled from each plugin's ``meta``.
BASE_WITH_SECONDARY = """
from registry_core import (AutoRegisterMeta, LazyDiscoveryDict, PRIMARY_KEY, SecondaryRegistry,
                           SecondaryRegistryDict)
REGISTRY = LazyDiscoveryDict()
METADATA = SecondaryRegistryDict()
class Plugin(metaclass=AutoRegisterMeta):
    __registry__ = REGISTRY
    __registry_key__ = "plugin_key"
    __secondary_registries__ = [SecondaryRegistry(METADATA, key_source=PRIMARY_KEY, attr_name="meta")]
    plugin_key = None
    meta = None
"""
