"""Which registries to inspect: modules named with --target, and those installed applications advertise."""

from __future__ import annotations

import importlib
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

#: Entry-point group where an installed application names the modules that declare its registries.
TARGETS_GROUP = "registry_core.targets"


#: [``module:function`` that loads the registries used when no target is named, sys.path entries it needs].
_DEFAULT: list = [None, ()]


def set_default_targets(factory: str | None, path_entries: Iterable[str] = ()) -> None:
    """Name what loads the registries used when no target is given, for fresh-process children too.

    The caller says it (the app: its embedded demo), so the core never names an
    application. ``path_entries`` are the ``sys.path`` entries a child needs to import ``factory``.
    """
    _DEFAULT[0] = factory
    _DEFAULT[1] = tuple(path_entries)


def default_targets() -> tuple[str | None, tuple[str, ...]]:
    """``(factory, path_entries)`` as last set by :func:`set_default_targets` (``(None, ())`` if never)."""
    return _DEFAULT[0], _DEFAULT[1]


class TargetError(Exception):
    """A target module could not be imported; ``str()`` is the one-line message, ``details`` the traceback."""

    def __init__(self, message: str, details: str = "") -> None:
        super().__init__(message)
        self.details = details


def advertised_targets() -> list[str]:
    from .._entry_points import entry_points

    return [ep.module for ep in entry_points(TARGETS_GROUP)]


def import_target(module: str) -> None:
    if "/" in module or "\\" in module or (module.endswith(".py") and _is_file(module)):
        raise TargetError(_path_given(module))
    try:
        importlib.import_module(module)
    except KeyboardInterrupt:
        raise
    except BaseException as exc:  # a target may raise anything at import; turn it into one line
        import traceback

        raise TargetError(
            f"cannot import target {module!r}: {type(exc).__name__}: {exc}{_hint(module, exc)}",
            "".join(traceback.format_exception(type(exc), exc, exc.__traceback__)),
        ) from None


def _is_file(path: str) -> bool:
    import os

    return os.path.isfile(path)


def _path_given(path: str) -> str:
    """A file path where a module name belongs: the module name and PYTHONPATH that would import it."""
    import os

    stem = os.path.splitext(os.path.abspath(path))[0]
    folder, parts = os.path.dirname(stem), [os.path.basename(stem)]
    while os.path.isfile(os.path.join(folder, "__init__.py")):  # climb out of the package it belongs to
        folder, name = os.path.split(folder)
        parts.insert(0, name)
    if parts[-1] == "__init__":
        parts.pop()
    return (
        f"--target takes an importable module name, not a file path ({path!r}): "
        f"PYTHONPATH={folder} registry-inspector --target {'.'.join(parts)}"
    )


def _hint(module: str, exc: BaseException) -> str:
    """What to do about the commonest failure: a module that is not importable from this interpreter."""
    missing = getattr(exc, "name", None) if isinstance(exc, ModuleNotFoundError) else None
    if not missing:
        return ""
    if module == missing or module.startswith(missing + "."):
        return (
            f" (install it into this environment, {sys.prefix}, or put the folder that holds it on "
            "PYTHONPATH; --target takes a module name, not a file path)"
        )
    return f" (the target needs {missing!r}, which is not installed in this environment, {sys.prefix})"


def load_targets(modules: list[str] | None, default: Callable[[], Any] | None = None) -> list[Any]:
    """Import the targets and return every registry they declare, whichever library built it.

    A target whose modules import ``metaclass_registry`` is read by that source
    (``sources.metaclass_registry``: observed, its caches untouched); any other is
    imported and its registry_core registries listed. With no modules named: what
    installed applications advertise in ``registry_core.targets``, plus
    ``default()`` (the inspector's embedded demo).
    """
    from .._catalog import all_registries

    if modules:
        for module in modules:
            load_target(module)
    else:
        for module in advertised_targets():
            import_target(module)
        if default is not None:
            default()
    return [r for r in all_registries() if r.config is not None]


def load_target(module: str) -> None:
    """Load one target through the source that reads it (registry_core, metaclass-registry, entry points)."""
    if module == "entry-points" or module.startswith("entry-points:"):
        from .entry_point_groups import load as load_group

        load_group(module.partition(":")[2])
        return
    if "/" in module or "\\" in module or (module.endswith(".py") and _is_file(module)):
        raise TargetError(_path_given(module))
    from .textscan import METACLASS_REGISTRY, REGISTRY_CORE, scan

    found = scan(module)
    if found.modules.get(METACLASS_REGISTRY):
        from . import metaclass_registry

        metaclass_registry.load(module)
        if not found.modules.get(REGISTRY_CORE):
            return
    import_target(module)


def nothing_declared(modules: list[str] | None) -> str:
    """Why the targets gave no registry, and what to try: the message for an empty result."""
    if not modules:
        if os.environ.get("REGISTRY_INSPECTOR_BRIDGE"):  # (run in another environment: --python, --remote)
            return (
                f"no --target given, and nothing in this environment ({sys.prefix}) advertises one in the "
                "registry_core.targets entry-point group; the embedded demo comes with the inspector, not with "
                "this environment: give --target MODULE, a module that declares registries (or --target "
                "entry-points:GROUP)"
            )
        return (
            "no --target given, and the default targets (the embedded demo, and what the registry_core.targets "
            "entry-point group advertises) declare no registries: give --target MODULE"
        )
    from .textscan import scan

    parts = []
    for module in modules:
        found = scan(module)
        if module.startswith("entry-points"):
            parts.append(f"{module}: no entry points in that group in this environment ({sys.prefix})")
        elif not found.found:
            parts.append(f"{module}: not found on this interpreter's path ({sys.prefix})")
        elif found.modules:
            parts.append(
                f"{module}: its modules {', '.join(sum(found.modules.values(), []))} import a registry library, "
                "but no registry was found after importing them (run with -v to see import errors)"
            )
        elif found.others:
            parts.append(
                f"{module} uses {', '.join(sorted(found.others))}, which the inspector does not read; it reads "
                "registry_core, metaclass-registry and entry-point groups (--target entry-points:GROUP)"
            )
        else:
            parts.append(
                f"{module} declares no registries: none of its {found.files} file(s) imports registry_core or "
                "metaclass_registry, and importing it created none; try one of its submodules, or "
                "--target entry-points to list the entry-point groups"
            )
    return "; ".join(parts)
