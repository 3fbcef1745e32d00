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


def emit_json(document: Any) -> None:
    json.dump(document, sys.stdout, indent=2, default=repr)
    sys.stdout.write("\n")


def fail(message: str) -> int:
    """A usage or target error, said once on stderr; the exit code to return."""
    print(f"registry-inspector: {message}", file=sys.stderr)
    return EXIT_USAGE


def select(args: Any) -> list[Any]:
    """The registries a command acts on: ``--registry NAME``, else every registry of the targets."""
    name = getattr(args, "registry", None)
    if not name:
        return args.registries
    from .._catalog import find_registry

    return [find_registry(name)]
