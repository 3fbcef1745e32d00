"""Drive ``registry-inspector`` the way a user does: a fresh process, ``python -m app ...``.

Every run gets ``PYTHONPATH`` = the project root (+ throw-away package folders),
``cwd`` = a temp folder, the per-test cache folders the autouse fixture set in
``os.environ``, and ``XDG_STATE_HOME`` = a temp folder so the CLI's log file
(platformdirs' ``user_log_dir``) never lands in the real home.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from helpers import DEMO_REGISTRIES, ROOT  # noqa: F401  (DEMO_REGISTRIES: re-exported for the CLI tests)

PLUGIN_FIELDS = {"key": (str, int, float, bool), "class": str, "module": str, "file": (str, type(None)), "loaded": bool}
FAILURE_FIELDS = {"module": str, "reason": str, "error": str, "traceback": str}
SKIPPED_FIELDS = {"class": str, "reason": str}
CACHE_FIELDS = {
    "registry": str,
    "path": str,
    "state": str,
    "reason": (str, type(None)),
    "size": (int, type(None)),
    "age_s": (int, float, type(None)),
    "items": (int, type(None)),
}


class Result:
    def __init__(self, proc: subprocess.CompletedProcess, seconds: float) -> None:
        self.returncode = proc.returncode
        self.stdout = proc.stdout
        self.stderr = proc.stderr
        self.seconds = seconds

    def json(self) -> dict:
        return json.loads(self.stdout)

    def __repr__(self) -> str:
        return f"<exit {self.returncode}>\n--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"


class Cli:
    """``cli("list", "--json", expect=0)`` runs ``python -m app list --json`` in a fresh interpreter."""

    def __init__(self, tmp_path: Path) -> None:
        self.cwd = tmp_path / "cwd"
        self.cwd.mkdir()
        self.state_home = tmp_path / "state"
        self.cache_root = Path(os.environ["REGISTRY_CORE_CACHE_DIR"])
        self.path: list[str] = []  # extra PYTHONPATH entries (throw-away packages)

    @property
    def log_file(self) -> Path:
        return self.state_home / "registry-inspector" / "log" / "registry-inspector.log"

    def env(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *self.path])
        env["XDG_STATE_HOME"] = str(self.state_home)
        env.pop("PYTHONSTARTUP", None)
        env.update(extra or {})
        return env

    def __call__(
        self,
        *args: str,
        expect: int | None = 0,
        flags: tuple[str, ...] = (),
        env: dict[str, str] | None = None,
        exe: list[str] | None = None,
    ) -> Result:
        command = (exe or [sys.executable, *flags, "-m", "app"]) + list(args)
        started = time.perf_counter()
        proc = subprocess.run(command, capture_output=True, text=True, cwd=self.cwd, env=self.env(env), timeout=60)
        result = Result(proc, time.perf_counter() - started)
        if expect is not None:
            assert result.returncode == expect, f"{' '.join(args)}: expected exit {expect}\n{result!r}"
        return result


def check_fields(item: dict, fields: dict, where: str) -> None:
    for name, types in fields.items():
        assert name in item, f"{where}: missing {name!r} in {sorted(item)}"
        assert isinstance(item[name], types), f"{where}.{name}: {item[name]!r} is not {types}"


def check_inventory(doc: dict) -> dict:
    """``list --json`` has the stable schema-1 shape; returns {registry name: registry document}."""
    assert doc["schema"] == 1
    assert isinstance(doc["registries"], list) and doc["registries"]
    assert isinstance(doc["enums"], list)
    by_name = {}
    for reg in doc["registries"]:
        check_fields(
            reg,
            {"name": str, "base": str, "plugins": list, "secondary": list, "failures": list, "skipped": list},
            "registry",
        )
        for plugin in reg["plugins"]:
            check_fields(plugin, PLUGIN_FIELDS, f"{reg['name']} plugin")
        for failure in reg["failures"]:
            check_fields(failure, FAILURE_FIELDS, f"{reg['name']} failure")
        for skipped in reg["skipped"]:
            check_fields(skipped, SKIPPED_FIELDS, f"{reg['name']} skipped")
        for secondary in reg["secondary"]:
            assert isinstance(secondary, dict) and isinstance(secondary.get("entries"), dict), secondary
        by_name[reg["name"]] = reg
    assert len(by_name) == len(doc["registries"]), "registry names repeat"
    return by_name


def check_status(doc: dict) -> dict:
    """``status --json`` has the stable schema-1 shape; returns {registry label: cache document}."""
    assert doc["schema"] == 1
    assert isinstance(doc["caches"], list)
    assert isinstance(doc["orphans"], list)
    for cache in doc["caches"]:
        check_fields(cache, CACHE_FIELDS, "cache")
    return {c["registry"]: c for c in doc["caches"]}


def keys(reg: dict) -> list:
    return sorted(p["key"] for p in reg["plugins"])
