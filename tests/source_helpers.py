"""Shared by the source tests (metaclass-registry, entry points, --python): isolated folders for module-scoped
runs, and the published JSON Schemas the documents must keep to."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
from cli_helpers import Cli
from jsonschema import Draft202012Validator

from registry_core.diagnostics.json_schemas import load_schema


@contextlib.contextmanager
def isolated(folder: Path):
    """A ``Cli`` whose runs see their own cache/state folders under ``folder`` (for module-scoped fixtures,
    which are set up before the autouse per-test isolation)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("REGISTRY_CORE_CACHE_DIR", str(folder / "cache"))
        mp.setenv("XDG_CACHE_HOME", str(folder / "xdg-cache"))
        mp.setenv("XDG_STATE_HOME", str(folder / "xdg-state"))
        mp.setenv("REGISTRY_INSPECTOR_DATA_DIR", str(folder / "data"))
        yield Cli(folder)


def schema_errors(name: str, document: dict) -> list[str]:
    """Each way ``document`` breaks the published schema ``name`` (``list``, ``status``...), with where."""
    return [
        f"{'/'.join(map(str, e.absolute_path)) or '<root>'}: {e.message}"
        for e in Draft202012Validator(load_schema(name)).iter_errors(document)
    ]


def by_name(document: dict) -> dict:
    """``list --json`` -> {registry name: registry document} (the shape itself is the schema tests' business)."""
    assert document["schema"] == 1
    names = [r["name"] for r in document["registries"]]
    assert len(set(names)) == len(names), f"registry names repeat: {names}"
    return {r["name"]: r for r in document["registries"]}
