"""The inspector on an environment whose programs run on registry_core.compat (a sitecustomize installs it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from real_stack import ROOT, real_stack_python


def _cli(tmp_path, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "XDG_", "REGISTRY_CORE"))}
    env["PYTHONPATH"] = str(tmp_path / "site")
    env["XDG_CACHE_HOME"] = str(tmp_path / "xdg")
    return subprocess.run(
        [sys.executable, "-m", "registry_core.cli", "--python", real_stack_python(), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        cwd=ROOT,
    )


def test_switched_registries_are_listed_as_the_compat_layers_and_served_from_its_cache(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text("import registry_core.compat\nregistry_core.compat.install()\n")
    cold = _cli(tmp_path, "list", "--json", "--target", "polystore")
    assert cold.returncode == 0, cold.stderr[-3000:]
    registries = {r["name"]: r for r in json.loads(cold.stdout)["registries"]}
    backend = registries["backend"]
    assert backend["library"]["name"] == "metaclass_registry on registry_core.compat"
    assert len(backend["plugins"]) == 9 and not backend["partial"]
    implicit = registries["r o i json shape decoder"]
    assert implicit["partial"] and implicit["state"] == "discovered" and "no discovery" in implicit["note"]
    warm = _cli(tmp_path, "explain", "--target", "polystore", "zarr")
    assert warm.returncode == 0, warm.stderr[-3000:]
    assert "polystore.zarr.ZarrStorageBackend (listed from the cache; not imported yet)" in warm.stdout
