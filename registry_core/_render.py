"""Plain-text rendering of registries for terminals (the CLI's table renderer)."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Iterable, TextIO


def print_registries(registries: "Iterable", *, verbose: bool = False, file: "TextIO | None" = None) -> None:
    """Each registry, its plugins, its secondary registries, and every failure or skip with its reason."""
    import sys

    out = file or sys.stdout
    for registry in registries:
        registry.discover()
        report = registry.report
        out.write(f"{registry.name}  ({registry.qualified_name}; package {registry.config.discovery_package})\n")
        registered = report.registered
        width = max((len(str(c.key)) for c in registered), default=0)
        for outcome in registered:
            origin = "" if not outcome.outside_package else "  [outside package]"
            out.write(f"  {str(outcome.key):<{width}}  {outcome.module}:{outcome.qualname}{origin}\n")
        for secondary in registry.secondary_registries:
            keys = ", ".join(sorted(str(k) for k in dict.keys(secondary.registry_dict)))
            out.write(f"  secondary {secondary.attr_name}: {keys or '(empty)'}\n")
        for failure in report.failures:
            out.write(f"  FAILED  {failure.name}: {failure.error_type}: {failure.error_message}\n")
            if verbose and failure.traceback:
                out.write("".join(f"      {line}\n" for line in failure.traceback.rstrip().splitlines()))
        for skipped in report.skipped:
            out.write(f"  SKIPPED {skipped.module}:{skipped.qualname}: {skipped.reason}\n")
        out.write("\n")
