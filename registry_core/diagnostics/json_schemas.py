"""The published JSON Schemas (draft 2020-12) of every ``--json`` document and of the bundle's manifest.

The schema files live in ``registry_core/diagnostics/schemas/`` (package data, no code):
``<name>.schema.json`` for each CLI subcommand (``list``, ``status``, ``explain``,
``clear-cache``, ``rebuild``, ``profile``, ``verify``, ``bundle``, ``snapshot``, ``diff``) and
``bundle-manifest`` for the bundle's ``manifest.json``. Schema 1 documents only
gain keys, so every schema allows properties it does not name.

Nothing here validates: that needs a validator library (the tests use ``jsonschema``).
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: The schema of the bundle's ``manifest.json`` (not a subcommand's output).
BUNDLE_MANIFEST = "bundle-manifest"

__all__ = ["BUNDLE_MANIFEST", "load_schema", "schema_names", "schema_path"]


def _folder() -> Any:
    from importlib.resources import files

    return files(__package__).joinpath("schemas")


def schema_names() -> list[str]:
    """Every published schema name, sorted (``bundle-manifest``, ``clear-cache``, ``explain``, ...)."""
    suffix = ".schema.json"
    return sorted(entry.name[: -len(suffix)] for entry in _folder().iterdir() if entry.name.endswith(suffix))


def schema_path(name: str) -> str:
    """The file of schema ``name`` (a subcommand name or ``bundle-manifest``); LookupError when there is none.

    A real path for an installed or checked-out package (not inside a zip import).
    """
    entry = _folder().joinpath(f"{name}.schema.json")
    if not entry.is_file():
        raise LookupError(f"no JSON schema named {name!r}; known: {', '.join(schema_names())}")
    return str(entry)


def load_schema(name: str) -> dict[str, Any]:
    """Schema ``name`` as a dict (see :func:`schema_path`)."""
    import json

    entry = _folder().joinpath(f"{name}.schema.json")
    if not entry.is_file():
        schema_path(name)  # raises, naming the known schemas
    return json.loads(entry.read_text(encoding="utf-8"))
