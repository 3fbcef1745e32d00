"""The placeholder a warm start puts in a registry for a plugin known from the cache but not imported yet."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class Unloaded:
    """Stands in the registry for a plugin class known from the cache but not imported yet."""

    __slots__ = ("key", "module", "qualname", "file", "primary_key")

    def __init__(self, key: Any, module: str, qualname: str, file: str | None, primary_key: Any = None) -> None:
        self.key = key
        self.module = module
        self.qualname = qualname
        self.file = file
        self.primary_key = key if primary_key is None else primary_key

    def __repr__(self) -> str:
        return f"<not yet imported: {self.module}.{self.qualname}>"


def identity_of(obj: Any) -> tuple[Any, Any]:
    if type(obj) is Unloaded:
        return obj.module, obj.qualname
    return getattr(obj, "__module__", None), getattr(obj, "__qualname__", None)


def same_declaration(a: Any, b: Any) -> bool:
    """A re-import or reload builds a new class object for the same class statement."""
    return identity_of(a) == identity_of(b)


def live_class(module: str, qualname: str) -> type | None:
    """The class ``module.qualname`` as it is now in this process (None when its module is not imported)."""
    import sys

    obj: Any = sys.modules.get(module)
    for part in qualname.split("."):
        obj = getattr(obj, part, None)
    return obj if isinstance(obj, type) else None
