"""Registry keys in registry_core's cache for compat registries: enum members and tuples survive a warm start.

registry_core's own registries cache ``str``/``int``/``float``/``bool`` keys only;
metaclass-registry keys families by enum members too (and tuples of them), and a
warm start must hand back the same objects, not their values.
"""

from __future__ import annotations

import importlib
import sys
from enum import Enum
from typing import Any

_SCALARS = (str, int, float, bool)


class _KeyCodec:
    """``encode``: a key -> a JSON value (raises ValueError for a key it cannot keep); ``decode``: back."""

    def encode(self, key: Any) -> Any:
        if isinstance(key, Enum):
            cls = type(key)
            if "<locals>" in cls.__qualname__:
                raise ValueError(f"enum {cls.__qualname__} is defined inside a function; a warm start cannot find it")
            return {"enum": [cls.__module__, cls.__qualname__, key.name]}
        if type(key) is tuple:
            return {"tuple": [self.encode(item) for item in key]}
        if key is None or type(key) in _SCALARS:
            return key
        raise ValueError(f"a {type(key).__name__} key cannot be cached (str, int, float, bool, enum or tuple)")

    def decode(self, data: Any) -> Any:
        if data is None or type(data) in _SCALARS:
            return data
        if type(data) is dict and len(data) == 1:
            if "tuple" in data and type(data["tuple"]) is list:
                return tuple(self.decode(item) for item in data["tuple"])
            parts = data.get("enum")
            if type(parts) is list and len(parts) == 3 and all(type(p) is str for p in parts):
                module_name, qualname, member = parts
                obj: Any = sys.modules.get(module_name) or importlib.import_module(module_name)
                for attr in qualname.split("."):
                    obj = getattr(obj, attr)
                if not (isinstance(obj, type) and issubclass(obj, Enum)):
                    raise ValueError(f"{module_name}.{qualname} is not an Enum")
                return obj[member]
        raise ValueError(f"not an encoded registry key: {data!r}")


CACHE_KEY_CODEC = _KeyCodec()
