"""The import hook behind ``registry_core.compat.install()``."""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from types import ModuleType

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~5 ms to import; annotations are strings
    from typing import Any

_ALIASED = "metaclass_registry"
_TARGET = "registry_core.compat.metaclass_registry"


class AlreadyImportedError(RuntimeError):
    """The real metaclass_registry was imported before ``install()``: its classes already exist."""


# Plain classes with the finder/loader methods: importlib.abc alone would add ~30 ms (importlib.resources) to
# every program that installs the hook.
class _AliasLoader:
    """Hands out the compat module itself, so ``metaclass_registry.core`` and the compat ``core`` are one object
    (one registry state, one ``AutoRegisterMeta``)."""

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(_TARGET + spec.name[len(_ALIASED) :])

    def exec_module(self, module: ModuleType) -> None:
        pass  # already executed under its own name


class _AliasFinder:
    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> importlib.machinery.ModuleSpec | None:
        if fullname != _ALIASED and not fullname.startswith(_ALIASED + "."):
            return None
        target_name = _TARGET + fullname[len(_ALIASED) :]
        try:
            module = importlib.import_module(target_name)
        except ModuleNotFoundError as exc:
            if exc.name == target_name:
                return None  # metaclass_registry.<something it does not have>: the usual ModuleNotFoundError
            raise
        loader: Any = _AliasLoader()  # a Loader by its methods (see above)
        return importlib.machinery.ModuleSpec(fullname, loader, is_package=hasattr(module, "__path__"))


_FINDER = _AliasFinder()


def installed() -> bool:
    """Whether ``import metaclass_registry`` resolves to the compat layer in this process."""
    return _FINDER in sys.meta_path


def install() -> None:
    """From now on, ``import metaclass_registry`` (and its submodules) gives registry_core's compat layer.

    Call it before anything imports metaclass_registry. If the real library is already imported, its
    classes exist and registries built on them cannot move: ``AlreadyImportedError`` names who imported it.
    Calling it twice is harmless.
    """
    if installed():
        return
    already = sys.modules.get(_ALIASED)
    if already is not None and getattr(already, "__name__", "") != _TARGET:
        users = _importers_of(already)
        raise AlreadyImportedError(
            f"metaclass_registry was already imported from {getattr(already, '__file__', '?')}"
            + (f" (by {', '.join(users)})" if users else "")
            + ": call registry_core.compat.install() before anything imports it, e.g. first thing in the "
            "program, in a sitecustomize.py, or run the program with `python -m registry_core.compat run …`"
        )
    sys.meta_path.insert(0, _FINDER)


def uninstall() -> None:
    """Stop aliasing (modules already imported keep what they imported). For tests."""
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)
    for name in [n for n in sys.modules if n == _ALIASED or n.startswith(_ALIASED + ".")]:
        if getattr(sys.modules[name], "__name__", "").startswith(_TARGET):
            del sys.modules[name]


def _importers_of(library: ModuleType) -> list[str]:
    """Modules outside the library that hold it or something defined in it (who imported it, most likely)."""
    prefix = _ALIASED
    found: list[str] = []
    for name, module in list(sys.modules.items()):
        if module is None or name == prefix or name.startswith(prefix + "."):
            continue
        try:
            values = list(vars(module).values())
        except TypeError:
            continue
        for value in values:
            owner = value.__name__ if isinstance(value, ModuleType) else getattr(value, "__module__", None)
            if isinstance(owner, str) and (owner == prefix or owner.startswith(prefix + ".")):
                found.append(name)
                break
    return sorted(found)[:5]
