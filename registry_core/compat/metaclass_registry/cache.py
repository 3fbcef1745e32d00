"""metaclass-registry 0.4.1's cache module (``metaclass_registry.cache``), file format and location included.

Programs and the library's own tests use :class:`RegistryCacheManager` and
:func:`get_cache_file_path` directly, for caches of their own (function
registries, for instance), so this module keeps the library's file where the
library keeps it and as it writes it::

    $XDG_CACHE_HOME/metaclass-registry/<cache_name>.json   (else ~/.cache/metaclass-registry/)
    {"cache_version": "1.0", "version": ..., "timestamp": <time.time()>,
     "item_entries": [{"key": <CacheKeyCodec payload>, "item": <serializer(item)>}, ...],
     "file_mtimes": {"/abs/path.py": <st_mtime>, ...}}        (only when there are any)

and uses it only when the library would: same format version, same package
version, younger than ``max_age_days``, and (with ``check_mtimes``) the same
source files with mtimes within a second. A real metaclass-registry and this
module read each other's files.

The compat registries' own discovery caches are not these files: they are
registry_core's validated caches (see ``core``).

Where this module deliberately differs, nothing a reader of the file can see changes:

- the file is written atomically (a temporary file renamed over it), so a reader
  never sees half a file and a crash leaves the previous cache in place; that is
  also why deleting a file that does not parse is safe here;
- a cache that cannot be read back (a key or an entry that does not decode, a
  document that is not a JSON object, an unreadable file) is not used, where the
  library would raise out of ``load_cache`` and so fail every later discovery
  until someone deleted the file.
"""

from __future__ import annotations

import importlib
import json
import logging
import os
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import Enum, EnumMeta
from pathlib import Path
from typing import Any, Generic, TypeVar

from ...cache.manager import atomic_write
from ...sources.metaclass_registry_cache import CACHE_FOLDER, CACHE_VERSION, MAX_AGE_DAYS, MTIME_TOLERANCE_S
from . import _home
from .exceptions import DiscoveryError

# The library's logger name, so that a program configuring "metaclass_registry" loggers still reaches these messages.
logger = logging.getLogger("metaclass_registry.cache")

T = TypeVar("T")

_SECONDS_PER_DAY = 24 * 3600


def get_cache_file_path(cache_name: str, *, create: bool = True) -> Path:
    """``<cache home>/metaclass-registry/<cache_name>``; the folder is created unless ``create=False``.

    The cache home is ``$XDG_CACHE_HOME`` when set and not empty, else ``~/.cache``
    (on every platform, as the library does). The variable is read at each call:
    a registry's file is fixed when its manager is created.
    """
    cache_home_value = os.environ.get("XDG_CACHE_HOME")
    cache_home = Path(cache_home_value) if cache_home_value else Path(_home.get_home_dir()) / ".cache"
    cache_dir = cache_home / CACHE_FOLDER
    if create:
        cache_dir.mkdir(parents=True, exist_ok=True)
    return cache_dir / cache_name


class CacheKeyCodec:
    """Registry keys as JSON data and back: primitives as they are, enum members by name, tuples item by item.

    The order of the checks is the library's: a member of a ``str`` or ``int``
    enum is a ``str``/``int`` first, so it is stored (and read back) as its plain
    value, which compares and hashes equal to the member.
    """

    PRIMITIVE_KIND = "primitive"
    ENUM_KIND = "enum"
    TUPLE_KIND = "tuple"

    @classmethod
    def encode(cls, key: Any) -> dict[str, Any]:
        """The JSON payload of ``key``; TypeError for a key of any other type."""
        if key is None or isinstance(key, (str, int, float, bool)):
            return {"kind": cls.PRIMITIVE_KIND, "value": key}
        if isinstance(key, Enum):
            enum_type = type(key)
            return {
                "kind": cls.ENUM_KIND,
                "module": enum_type.__module__,
                "class_name": enum_type.__name__,
                "member_name": key.name,
            }
        if isinstance(key, tuple):
            return {"kind": cls.TUPLE_KIND, "items": [cls.encode(item) for item in key]}
        raise TypeError(f"Unsupported registry cache key type: {type(key)!r}")

    @classmethod
    def decode(cls, payload: dict[str, Any]) -> Hashable:
        """The key ``payload`` stands for (an enum key imports its module); ValueError for an unknown kind."""
        kind = payload["kind"]
        decoder = CACHE_KEY_DECODERS.get(kind)
        if decoder is None:
            raise ValueError(f"Unsupported registry cache key kind: {kind!r}")
        return decoder(payload)


def _decode_primitive_cache_key(payload: dict[str, Any]) -> Hashable:
    value = payload["value"]
    # JSON has lists and objects too; neither can be a dict key.
    if not isinstance(value, Hashable):
        raise TypeError(f"Cached primitive key {value!r} is not hashable")
    return value


def _decode_enum_cache_key(payload: dict[str, Any]) -> Enum:
    module = importlib.import_module(payload["module"])
    # The library records the enum's __name__, so only a module-level enum can be found again.
    enum_type = vars(module)[payload["class_name"]]
    if not isinstance(enum_type, EnumMeta):
        raise TypeError(f"Cached enum owner {enum_type!r} is not an Enum type")
    member: Enum = enum_type[payload["member_name"]]
    return member


def _decode_tuple_cache_key(payload: dict[str, Any]) -> tuple[Any, ...]:
    return tuple(CacheKeyCodec.decode(item) for item in payload["items"])


#: One decoder per payload ``kind``.
CACHE_KEY_DECODERS: dict[str, Callable[[dict[str, Any]], Hashable]] = {
    CacheKeyCodec.PRIMITIVE_KIND: _decode_primitive_cache_key,
    CacheKeyCodec.ENUM_KIND: _decode_enum_cache_key,
    CacheKeyCodec.TUPLE_KIND: _decode_tuple_cache_key,
}


@dataclass
class CacheConfig:
    """When a cache file is still good: its age, its source files, its format version."""

    max_age_days: int = MAX_AGE_DAYS
    #: Compare the ``file_mtimes`` recorded in the file with the files now (off unless asked for).
    check_mtimes: bool = False
    cache_version: str = CACHE_VERSION


class RegistryCacheManager(Generic[T]):
    """One cache file: save items, load them back only while the file is still valid, clear it.

    ``version_getter()`` is the version the file must have been written for;
    ``serializer(item)`` / ``deserializer(data)`` turn one item into JSON data and
    back. ``file_mtimes_getter()``, when given, is the complete current inventory
    of the source files: then a file added since the save invalidates the cache
    too, not only a file modified or removed. The file's path is fixed here.
    """

    def __init__(
        self,
        cache_name: str,
        version_getter: Callable[[], str],
        serializer: Callable[[T], dict[str, Any]],
        deserializer: Callable[[dict[str, Any]], T],
        config: CacheConfig | None = None,
        file_mtimes_getter: Callable[[], dict[str, float]] | None = None,
    ) -> None:
        self.cache_name = cache_name
        self.version_getter = version_getter
        self.serializer = serializer
        self.deserializer = deserializer
        self.config = config or CacheConfig()
        self.file_mtimes_getter = file_mtimes_getter
        self._cache_path = get_cache_file_path(f"{cache_name}.json")

    def load_cache(self) -> dict[Hashable, T] | None:
        """The cached items, or None when there is no file or it is not valid any more (never raises for that)."""
        document = self._read_document()
        if document is None or not self._is_current(document):
            return None
        items = self._decode_items(document)
        if items is not None:
            logger.debug("Loaded %d items from %s cache", len(items), self.cache_name)
        return items

    def _read_document(self) -> dict[str, Any] | None:
        path = self._cache_path
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            logger.debug("No cache found for %s", self.cache_name)
            return None
        except OSError as exc:
            # Someone else's file or a folder in its place: not ours to delete.
            logger.warning("Cannot read cache file %s (%s), rebuilding", path, exc)
            return None
        try:
            document = json.loads(raw)
        except ValueError:  # JSONDecodeError, and UnicodeDecodeError for bytes that are not text
            document = None
        if not isinstance(document, dict):
            # Our writes are atomic, so this is no half-written file of ours; if the real library is writing it
            # in place right now, deleting it only costs the next start a rebuild.
            logger.warning("Corrupt cache file %s, rebuilding", path)
            path.unlink(missing_ok=True)
            return None
        return document

    def _is_current(self, document: dict[str, Any]) -> bool:
        """The library's checks, in its order: format version, package version, age, source files."""
        if document.get("cache_version") != self.config.cache_version:
            logger.debug("Cache version mismatch for %s", self.cache_name)
            return False
        cached_version = document.get("version", "unknown")
        current_version = self.version_getter()
        if cached_version != current_version:
            logger.info(
                "%s version changed (%s → %s) - cache invalid", self.cache_name, cached_version, current_version
            )
            return False
        timestamp = document.get("timestamp", 0)
        if not isinstance(timestamp, (int, float)):
            logger.debug("Cache for %s has no valid timestamp - rebuilding", self.cache_name)
            return False
        # A timestamp in the future passes, as in the library.
        age_days = (time.time() - timestamp) / _SECONDS_PER_DAY
        if age_days > self.config.max_age_days:
            logger.debug("Cache for %s is %.1f days old - rebuilding", self.cache_name, age_days)
            return False
        # A file saved without file_mtimes records no inventory: there is nothing to compare.
        if self.config.check_mtimes and "file_mtimes" in document:
            recorded = document["file_mtimes"]
            current = self.file_mtimes_getter() if self.file_mtimes_getter is not None else None
            if not isinstance(recorded, dict) or not self._validate_mtimes(recorded, current_mtimes=current):
                logger.debug("File modifications detected for %s", self.cache_name)
                return False
        return True

    def _decode_items(self, document: dict[str, Any]) -> dict[Hashable, T] | None:
        entries = document.get("item_entries")
        if entries is None:
            # Files written before item_entries: {"items": {key: item}}, keys as JSON object keys (strings).
            legacy = document.get("items", {})
            if not isinstance(legacy, dict):
                logger.warning("Cache for %s has malformed items - rebuilding", self.cache_name)
                return None
            entries = [{"key": CacheKeyCodec.encode(key), "item": item} for key, item in legacy.items()]
        items: dict[Hashable, T] = {}
        try:
            for entry in entries:
                key = CacheKeyCodec.decode(entry["key"])
                item_data = entry["item"]
                try:
                    items[key] = self.deserializer(item_data)
                except Exception as exc:  # the deserializer is the caller's: any failure means "not this cache"
                    logger.warning("Failed to deserialize %s from cache: %s", key, exc)
                    return None
        except Exception as exc:  # a malformed entry, or an enum key whose module or member is gone
            logger.warning("Cache for %s has an entry that cannot be read (%s) - rebuilding", self.cache_name, exc)
            return None
        return items

    def save_cache(self, items: dict[Hashable, T], file_mtimes: dict[str, float] | None = None) -> None:
        """Write ``items`` (and the source files' ``file_mtimes``) to the cache file; failures are logged, not raised.

        An item whose key or value cannot be serialized is left out, with a warning.
        """
        document: dict[str, Any] = {
            "cache_version": self.config.cache_version,
            "version": self.version_getter(),
            "timestamp": time.time(),
            "item_entries": [],
        }
        if file_mtimes:
            document["file_mtimes"] = file_mtimes
        for key, item in items.items():
            try:
                entry = {"key": CacheKeyCodec.encode(key), "item": self.serializer(item)}
            except Exception as exc:  # the serializer is the caller's: one bad item must not lose the others
                logger.warning("Failed to serialize %s for cache: %s", key, exc)
                continue
            document["item_entries"].append(entry)
        try:
            # Encoding first: JSON that cannot be produced leaves the old file in place, not half of a new one.
            data = json.dumps(document, indent=2).encode("utf-8")
        except (TypeError, ValueError) as exc:
            logger.warning("Failed to save %s cache: %s", self.cache_name, exc)
            return
        failure = atomic_write(str(self._cache_path), data)
        if failure is not None:
            logger.warning("Failed to save %s cache: %s", self.cache_name, failure)
            return
        logger.debug("Saved %d items to %s cache", len(items), self.cache_name)

    def clear_cache(self) -> None:
        """Delete the cache file if there is one."""
        try:
            self._cache_path.unlink()
        except FileNotFoundError:
            return
        logger.info("Cleared %s cache", self.cache_name)

    def _validate_mtimes(
        self,
        cached_mtimes: dict[str, float],
        *,
        current_mtimes: dict[str, float] | None = None,
    ) -> bool:
        """Whether every recorded source file still exists with its mtime (within a second).

        ``current_mtimes`` is the complete inventory now; when given, its paths
        must be exactly the recorded ones (a file added or removed invalidates).
        """
        if current_mtimes is not None and current_mtimes.keys() != cached_mtimes.keys():
            return False
        for file_path, cached_mtime in cached_mtimes.items():
            path = Path(file_path)
            if not path.exists():
                return False
            current = current_mtimes[file_path] if current_mtimes is not None else path.stat().st_mtime
            if not isinstance(cached_mtime, (int, float)) or abs(current - cached_mtime) > MTIME_TOLERANCE_S:
                return False
        return True


# -- a registry's items: its classes ------------------------------------------------------------------------


def serialize_plugin_class(plugin_class: type) -> dict[str, Any]:
    """A class as JSON data: its module, its name and its qualified name (which finds a nested class again)."""
    return {
        "module": plugin_class.__module__,
        "class_name": plugin_class.__name__,
        "qualname": plugin_class.__qualname__,
    }


def deserialize_plugin_class(data: dict[str, Any]) -> type:
    """The class ``data`` names, imported: ImportError, AttributeError or TypeError when it cannot be found.

    The qualified name is followed from the module attribute by attribute; a
    class defined inside a function (``<locals>``) cannot be reached that way.
    """
    declaration: Any = importlib.import_module(data["module"])
    for part in data["qualname"].split("."):
        if part == "<locals>":
            raise AttributeError("Function-local classes cannot be restored from a registry cache")
        declaration = getattr(declaration, part)
    if not isinstance(declaration, type):
        raise TypeError(f"Cached plugin declaration {data['qualname']!r} is not a class")
    return declaration


def get_package_file_mtimes(package_path: str, *, recursive: bool = True) -> dict[str, float]:
    """``{source path: mtime}`` of what discovering ``package_path`` reads (the module is imported to find it).

    A package: its ``*.py`` files in every folder of its path, subfolders
    included when ``recursive``. A plain module: its own file (none for a
    built-in or frozen one). ModuleNotFoundError when it does not exist.
    """
    module = importlib.import_module(package_path)
    spec = module.__spec__
    if spec is None:
        raise DiscoveryError(f"Discovery scope has no module spec: {module.__name__}")
    if spec.submodule_search_locations is None:
        if not spec.has_location or spec.origin is None:
            return {}
        source = Path(spec.origin)
        return {str(source): source.stat().st_mtime}
    mtimes: dict[str, float] = {}
    for location in spec.submodule_search_locations:
        folder = Path(location)
        for source in folder.rglob("*.py") if recursive else folder.glob("*.py"):
            mtimes[str(source)] = source.stat().st_mtime
    return mtimes
