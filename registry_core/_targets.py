"""Which registries to inspect: modules named with --target, and those installed applications advertise."""

from __future__ import annotations

import importlib

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

#: Entry-point group where an installed application names the modules that declare its registries.
TARGETS_GROUP = "registry_core.targets"


class TargetError(Exception):
    """A target module could not be imported; ``str()`` is the one-line message, ``details`` the traceback."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


def advertised_targets() -> list[str]:
    from ._entry_points import entry_points

    return [ep.module for ep in entry_points(TARGETS_GROUP)]


def import_target(module: str) -> None:
    try:
        importlib.import_module(module)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # a target may raise anything at import; turn it into one line
        import traceback

        raise TargetError(
            f"cannot import target {module!r}: {type(exc).__name__}: {exc}",
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        ) from None


def load_targets(modules: "list[str] | None", default: "Callable[[], Any] | None" = None) -> list[Any]:
    """Import the targets and return every configured registry in the process catalog.

    With no modules named: what installed applications advertise in
    ``registry_core.targets``, plus ``default()`` (the inspector's embedded demo).
    """
    from ._registry import all_registries

    if modules:
        for module in modules:
            import_target(module)
    else:
        for module in advertised_targets():
            import_target(module)
        if default is not None:
            default()
    return [r for r in all_registries() if r.config is not None]
