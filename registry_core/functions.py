"""The function-registry cache: what a library's processing functions are, without importing them.

Cold path: import the library's function module and introspect its public
functions (signature, docstring summary, the ``input_type``/``output_type``
a ``@contract`` decorator sets). The result goes to
``<cache dir>/<library>_function_metadata.json`` with the size and mtime of
the module's source file; while that file is unchanged (and the cache is at
most 7 days old), a warm start reads the JSON and never imports the module.
"""

from __future__ import annotations

import os
import sys

from .cache.manager import CacheConfig, RegistryCacheManager

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .cache.manager import CacheStatus

#: Bump when what is stored changes: older caches become stale.
SCHEMA = 1
MAX_AGE_DAYS = 7

_FIELDS = ("name", "module", "qualname", "signature", "summary", "input_type", "output_type")


class FunctionMetadata:
    """One processing function as the cache knows it (plain strings; the function is not imported)."""

    __slots__ = _FIELDS

    def __init__(
        self,
        name: str,
        module: str,
        qualname: str,
        signature: str,
        summary: str = "",
        input_type: str | None = None,
        output_type: str | None = None,
    ) -> None:
        self.name = name
        self.module = module
        self.qualname = qualname
        self.signature = signature  # "(image: list[list[float]], sigma: float = 1.0) -> list[list[float]]"
        self.summary = summary  # first line of the docstring
        self.input_type = input_type  # from @contract, None when the function has none
        self.output_type = output_type

    @property
    def display(self) -> str:
        """``name(params) -> result``."""
        return self.name + self.signature

    def to_dict(self) -> dict[str, Any]:
        return {field: getattr(self, field) for field in _FIELDS}

    @classmethod
    def from_dict(cls, data: Any) -> FunctionMetadata:
        """The inverse of :meth:`to_dict`; ValueError on anything else (a corrupt cache)."""
        if not isinstance(data, dict):
            raise ValueError(f"function metadata is {type(data).__name__}, expected an object")
        for field in ("name", "module", "qualname", "signature", "summary"):
            if not isinstance(data.get(field), str):
                raise ValueError(f"function metadata field {field!r} is not a string")
        for field in ("input_type", "output_type"):
            if data.get(field) is not None and not isinstance(data[field], str):
                raise ValueError(f"function metadata field {field!r} is not a string or null")
        return cls(**{field: data.get(field) for field in _FIELDS})  # type: ignore[arg-type]  # checked above

    def __eq__(self, other: object) -> bool:
        if type(other) is not FunctionMetadata:
            return NotImplemented
        return all(getattr(self, f) == getattr(other, f) for f in _FIELDS)

    def __hash__(self) -> int:
        return hash(tuple(getattr(self, f) for f in _FIELDS))

    def __repr__(self) -> str:
        contract = f" [{self.input_type} -> {self.output_type}]" if self.input_type or self.output_type else ""
        return f"<FunctionMetadata {self.module}.{self.qualname}{self.signature}{contract}>"


def _version() -> str:
    from ._version import __version__

    return f"registry_core {__version__}; schema {SCHEMA}"


def _module_file(module_name: str) -> str | None:
    module = sys.modules.get(module_name)
    path = getattr(module, "__file__", None)
    return os.path.abspath(path) if isinstance(path, str) else None


def source_fingerprint(path: str | None) -> dict | None:
    """The files fingerprint of one source file (size and mtime), or None without a file."""
    if path is None:
        return None
    from ._scan import FileStat
    from .cache.fingerprint import files_fingerprint

    try:
        st = os.stat(path)
    except OSError:
        return None
    return files_fingerprint([FileStat(path, False, st.st_size, st.st_mtime_ns)], recursive=False)


def function_cache_manager(
    library: str, module_name: str, *, namespace: str, enable_cache: bool = True
) -> RegistryCacheManager:
    """The manager of ``<library>_function_metadata.json``: status, clear, path."""
    if not library or not all(ch.isalnum() or ch in "_-." for ch in library) or library.startswith("."):
        raise ValueError(f"library name {library!r} cannot name a cache file")
    return RegistryCacheManager(
        f"{library}_function_metadata",
        _version,
        serializer=FunctionMetadata.to_dict,
        deserializer=FunctionMetadata.from_dict,
        config=CacheConfig(max_age_days=MAX_AGE_DAYS, check_mtimes=True),
        namespace=namespace,
        kind="functions",
        # The module is part of the name: a library pointed at another module gets a new cache.
        identity={"name": f"{library}_function_metadata:{module_name}", "library": library, "module": module_name},
        files_getter=lambda: source_fingerprint(_module_file(module_name)),
        enabled=enable_cache,
    )


def introspect_functions(module_name: str) -> dict[str, FunctionMetadata]:
    """Import ``module_name`` and describe its public functions in source order (the cold path).

    Public: not starting with "_", a plain function, defined in that module
    (imported helpers are not its functions).
    """
    import importlib
    import inspect
    from types import FunctionType

    module = importlib.import_module(module_name)
    found: dict[str, FunctionMetadata] = {}
    for name, obj in vars(module).items():
        if name.startswith("_") or not isinstance(obj, FunctionType) or obj.__module__ != module.__name__:
            continue
        try:
            signature = str(inspect.signature(obj))
        except (TypeError, ValueError):  # signature not introspectable
            signature = "(...)"
        doc = inspect.getdoc(obj) or ""
        summary = next((line.strip() for line in doc.splitlines() if line.strip()), "")
        found[name] = FunctionMetadata(
            name,
            module.__name__,
            obj.__qualname__,
            signature,
            summary,
            _contract_type(getattr(obj, "input_type", None)),
            _contract_type(getattr(obj, "output_type", None)),
        )
    return found


def _contract_type(value: Any) -> str | None:
    if value is None:
        return None
    return value if isinstance(value, str) else getattr(value, "__name__", None) or str(value)


def load_function_metadata(
    library: str, module_name: str, *, namespace: str, enable_cache: bool = True
) -> dict[str, FunctionMetadata]:
    """{function name: FunctionMetadata} of ``module_name``'s public functions.

    Warm (a valid cache, the module's source file unchanged): ``module_name`` is
    not imported. Otherwise the module is imported, introspected and the cache
    rewritten. ``enable_cache=False`` always introspects and writes nothing.
    """
    manager = function_cache_manager(library, module_name, namespace=namespace, enable_cache=enable_cache)
    items = manager.load_cache()
    if items is not None:
        return items
    # Stat the source before importing it: an edit racing the import makes the next start stale, not wrong.
    source = _find_source(module_name)
    files = source_fingerprint(source)
    metadata = introspect_functions(module_name)
    if source is None or _module_file(module_name) != source:
        files = None  # imported from elsewhere than found: save_cache stamps what was imported
    manager.save_cache(metadata, file_mtimes=files)
    return metadata


def _find_source(module_name: str) -> str | None:
    """The file ``module_name`` will be imported from (its parent packages are imported, it is not)."""
    if module_name in sys.modules:
        return _module_file(module_name)
    import importlib.util

    try:
        spec = importlib.util.find_spec(module_name)
    except (ImportError, ValueError):
        return None
    origin = getattr(spec, "origin", None)
    if spec is None or not spec.has_location or not isinstance(origin, str):
        return None
    return os.path.abspath(origin)


def function_cache_status(library: str, module_name: str, *, namespace: str) -> CacheStatus:
    """The state of a library's function-metadata cache now (validated on disk)."""
    return function_cache_manager(library, module_name, namespace=namespace).status()
