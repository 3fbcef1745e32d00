"""What every command module shares: exit codes, JSON output, choosing registries. Imports no command module."""

from __future__ import annotations

import json
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


#: The real stdout while a ``--json`` command runs (``main`` sends ``sys.stdout`` to stderr then: what plugin code
#: prints as its modules import must not come before the document); None otherwise.
json_stream: Any = None


def stdout() -> Any:
    """Where the command's own output goes: the real stdout, also while ``--json`` diverts ``sys.stdout``."""
    return json_stream or sys.stdout


def emit_json(document: Any) -> None:
    out = stdout()
    json.dump(stamped(document), out, indent=2, default=repr)
    out.write("\n")


def stamped(document: Any) -> Any:
    """``document`` with the ``"tool"`` stamp right after ``"schema"`` (kept when it has one: a child's own)."""
    if not isinstance(document, dict) or "schema" not in document or "tool" in document:
        return document
    from ..diagnostics.stamp import tool_stamp

    out = {"schema": document["schema"], "tool": tool_stamp()}
    out.update(document)
    return out


#: What went wrong, for the ``kind`` of a ``--json`` error document (``schemas/error.schema.json``).
ERROR_KINDS = ("usage", "target", "registry", "environment", "bundle", "rebuild", "snapshot")


def fail(
    message: str, *, as_json: bool = False, kind: str = "usage", details: str | None = None, code: int = EXIT_USAGE
) -> int:
    """A usage or target error, said once on stderr; the exit code to return.

    With ``as_json`` (the command's ``--json``) it is also a document on stdout,
    ``{"schema": 1, "error": {"message", "kind", "details"}}``, so a script reading stdout gets JSON either way.
    """
    print(f"registry-inspector: {message}", file=sys.stderr)
    if as_json:
        emit_json(error_document(message, kind, details))
    return code


def error_document(message: str, kind: str = "usage", details: str | None = None) -> dict[str, Any]:
    return {"schema": 1, "error": {"message": message, "kind": kind, "details": details or None}}


def wants_json(args: Any) -> bool:
    return bool(getattr(args, "json", False))


def select(args: Any) -> list[Any]:
    """The registries a command acts on: ``--registry NAME``, else every registry of the targets."""
    name = getattr(args, "registry", None)
    if not name:
        return args.registries
    from .._catalog import find_registry

    return [find_registry(name)]
