"""The generic persistent cache: one JSON file, validated before use, written atomically.

Plugin registries, generated enums and function registries all use
:class:`RegistryCacheManager`. A cache is used only when valid; every other
state (missing, disabled, stale, corrupt) comes with a reason in words and is
never an exception to the caller. No pickle anywhere: JSON only.
"""

from __future__ import annotations

import os
import time
from itertools import accumulate

from .._log import get_logger
from .fingerprint import (
    check_entry_points,
    check_environment,
    check_files,
    check_import_paths,
    environment_fingerprint,
)
from .paths import cache_disabled_reason, get_cache_dir

# Every read goes through it (symlink, owner and size checks): loaded with the manager, not by the first read.
from .safe_files import Refused, read_cache_file
from .status import CORRUPT, DISABLED, MISSING, STALE, VALID, CacheConfig, CacheStatus, Reason, ReasonKind

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from .lock import CacheLock

#: Version of the file layout below; a file with another version is stale.
FORMAT_VERSION = 1
#: How far in the future a cache's ``created`` may be (clock adjustments between processes) before it is stale.
_FUTURE_TOLERANCE_DAYS = 60 / 86400

_REQUIRED: dict[str, Any] = {
    "format": int,
    "kind": str,
    "identity": dict,
    "version": str,
    "created": (int, float),
    "environment": dict,
    "items": dict,
}


def stable_hash(text: str) -> str:
    """A short, stable name component: zlib's CRC-32 and Adler-32 of ``text``, computed below in Python (this is
    not security). hashlib costs ~5 ms to import and zlib ~0.5 ms, a tenth of a warm start of five registries,
    to hash a hundred bytes; here, in a module every cache read loads anyway, they cost no import at all."""
    data = text.encode("utf-8", "surrogatepass")
    return f"{crc32(data):08x}{adler32(data):08x}"


# -- zlib's checksums, in Python (tests/test_checksums.py holds them to zlib's numbers) ------------------
#: The reflected CRC-32 table of polynomial 0xEDB88320 (zlib's), written out: building it costs ~0.4 ms.
# fmt: off
_CRC_TABLE = (
    0x00000000, 0x77073096, 0xee0e612c, 0x990951ba, 0x076dc419, 0x706af48f, 0xe963a535, 0x9e6495a3,
    0x0edb8832, 0x79dcb8a4, 0xe0d5e91e, 0x97d2d988, 0x09b64c2b, 0x7eb17cbd, 0xe7b82d07, 0x90bf1d91,
    0x1db71064, 0x6ab020f2, 0xf3b97148, 0x84be41de, 0x1adad47d, 0x6ddde4eb, 0xf4d4b551, 0x83d385c7,
    0x136c9856, 0x646ba8c0, 0xfd62f97a, 0x8a65c9ec, 0x14015c4f, 0x63066cd9, 0xfa0f3d63, 0x8d080df5,
    0x3b6e20c8, 0x4c69105e, 0xd56041e4, 0xa2677172, 0x3c03e4d1, 0x4b04d447, 0xd20d85fd, 0xa50ab56b,
    0x35b5a8fa, 0x42b2986c, 0xdbbbc9d6, 0xacbcf940, 0x32d86ce3, 0x45df5c75, 0xdcd60dcf, 0xabd13d59,
    0x26d930ac, 0x51de003a, 0xc8d75180, 0xbfd06116, 0x21b4f4b5, 0x56b3c423, 0xcfba9599, 0xb8bda50f,
    0x2802b89e, 0x5f058808, 0xc60cd9b2, 0xb10be924, 0x2f6f7c87, 0x58684c11, 0xc1611dab, 0xb6662d3d,
    0x76dc4190, 0x01db7106, 0x98d220bc, 0xefd5102a, 0x71b18589, 0x06b6b51f, 0x9fbfe4a5, 0xe8b8d433,
    0x7807c9a2, 0x0f00f934, 0x9609a88e, 0xe10e9818, 0x7f6a0dbb, 0x086d3d2d, 0x91646c97, 0xe6635c01,
    0x6b6b51f4, 0x1c6c6162, 0x856530d8, 0xf262004e, 0x6c0695ed, 0x1b01a57b, 0x8208f4c1, 0xf50fc457,
    0x65b0d9c6, 0x12b7e950, 0x8bbeb8ea, 0xfcb9887c, 0x62dd1ddf, 0x15da2d49, 0x8cd37cf3, 0xfbd44c65,
    0x4db26158, 0x3ab551ce, 0xa3bc0074, 0xd4bb30e2, 0x4adfa541, 0x3dd895d7, 0xa4d1c46d, 0xd3d6f4fb,
    0x4369e96a, 0x346ed9fc, 0xad678846, 0xda60b8d0, 0x44042d73, 0x33031de5, 0xaa0a4c5f, 0xdd0d7cc9,
    0x5005713c, 0x270241aa, 0xbe0b1010, 0xc90c2086, 0x5768b525, 0x206f85b3, 0xb966d409, 0xce61e49f,
    0x5edef90e, 0x29d9c998, 0xb0d09822, 0xc7d7a8b4, 0x59b33d17, 0x2eb40d81, 0xb7bd5c3b, 0xc0ba6cad,
    0xedb88320, 0x9abfb3b6, 0x03b6e20c, 0x74b1d29a, 0xead54739, 0x9dd277af, 0x04db2615, 0x73dc1683,
    0xe3630b12, 0x94643b84, 0x0d6d6a3e, 0x7a6a5aa8, 0xe40ecf0b, 0x9309ff9d, 0x0a00ae27, 0x7d079eb1,
    0xf00f9344, 0x8708a3d2, 0x1e01f268, 0x6906c2fe, 0xf762575d, 0x806567cb, 0x196c3671, 0x6e6b06e7,
    0xfed41b76, 0x89d32be0, 0x10da7a5a, 0x67dd4acc, 0xf9b9df6f, 0x8ebeeff9, 0x17b7be43, 0x60b08ed5,
    0xd6d6a3e8, 0xa1d1937e, 0x38d8c2c4, 0x4fdff252, 0xd1bb67f1, 0xa6bc5767, 0x3fb506dd, 0x48b2364b,
    0xd80d2bda, 0xaf0a1b4c, 0x36034af6, 0x41047a60, 0xdf60efc3, 0xa867df55, 0x316e8eef, 0x4669be79,
    0xcb61b38c, 0xbc66831a, 0x256fd2a0, 0x5268e236, 0xcc0c7795, 0xbb0b4703, 0x220216b9, 0x5505262f,
    0xc5ba3bbe, 0xb2bd0b28, 0x2bb45a92, 0x5cb36a04, 0xc2d7ffa7, 0xb5d0cf31, 0x2cd99e8b, 0x5bdeae1d,
    0x9b64c2b0, 0xec63f226, 0x756aa39c, 0x026d930a, 0x9c0906a9, 0xeb0e363f, 0x72076785, 0x05005713,
    0x95bf4a82, 0xe2b87a14, 0x7bb12bae, 0x0cb61b38, 0x92d28e9b, 0xe5d5be0d, 0x7cdcefb7, 0x0bdbdf21,
    0x86d3d2d4, 0xf1d4e242, 0x68ddb3f8, 0x1fda836e, 0x81be16cd, 0xf6b9265b, 0x6fb077e1, 0x18b74777,
    0x88085ae6, 0xff0f6a70, 0x66063bca, 0x11010b5c, 0x8f659eff, 0xf862ae69, 0x616bffd3, 0x166ccf45,
    0xa00ae278, 0xd70dd2ee, 0x4e048354, 0x3903b3c2, 0xa7672661, 0xd06016f7, 0x4969474d, 0x3e6e77db,
    0xaed16a4a, 0xd9d65adc, 0x40df0b66, 0x37d83bf0, 0xa9bcae53, 0xdebb9ec5, 0x47b2cf7f, 0x30b5ffe9,
    0xbdbdf21c, 0xcabac28a, 0x53b39330, 0x24b4a3a6, 0xbad03605, 0xcdd70693, 0x54de5729, 0x23d967bf,
    0xb3667a2e, 0xc4614ab8, 0x5d681b02, 0x2a6f2b94, 0xb40bbe37, 0xc30c8ea1, 0x5a05df1b, 0x2d02ef8d,
)
# fmt: on

#: Adler-32's modulus.
_ADLER_MOD = 65521


def crc32(data: bytes) -> int:
    """``zlib.crc32(data)``."""
    table = _CRC_TABLE
    crc = 0xFFFFFFFF
    for byte in data:
        crc = table[(crc ^ byte) & 0xFF] ^ (crc >> 8)
    return crc ^ 0xFFFFFFFF


def adler32(data: bytes) -> int:
    """``zlib.adler32(data)``: A = 1 + the bytes' sum, B = the sum of every prefix's A, both modulo 65521 (Python's
    integers never overflow, so reducing once at the end gives zlib's numbers; the sums run in C)."""
    return ((len(data) + sum(accumulate(data))) % _ADLER_MOD) << 16 | (1 + sum(data)) % _ADLER_MOD


class RegistryCacheManager:
    """Load, validate, save, clear and report one JSON cache file.

    ``cache_name`` names the file; ``version_getter()`` is the version the
    cache must match; ``serializer(item)``/``deserializer(data)`` turn one item
    into JSON data and back (``items_deserializer(items)``, when given, checks and
    turns all of them at once: fewer Python steps for many small items); ``config``
    sets maximum age and mtime checking.
    ``files_getter()``, when given, returns the source-file fingerprint to
    store; ``env_vars`` are environment variables whose values change the
    result; ``entry_points_getter()`` returns the entry-point fingerprint.
    ``version_stamp_getter()``, when given, returns a stamp of everything
    ``version_getter()`` reads, stored with the cache; ``version_stamp_holds(stamp)``
    says cheaply whether a stored stamp still holds (default: equal to a fresh
    one). While it holds, so does the version, and the costly getter is not
    called; when it no longer holds but the version is the same, the new stamp is
    stored.
    """

    def __init__(
        self,
        cache_name: str,
        version_getter: Callable[[], str],
        serializer: Callable[[Any], Any] = lambda item: item,
        deserializer: Callable[[Any], Any] = lambda data: data,
        config: CacheConfig | None = None,
        *,
        namespace: str = "registry_core",
        kind: str = "generic",
        identity: dict[str, Any] | None = None,
        env_vars: tuple[str, ...] | list[str] = (),
        files_getter: Callable[[], dict | None] | None = None,
        entry_points_getter: Callable[[], dict | None] | None = None,
        enabled: bool = True,
        version_stamp_getter: Callable[[], Any] | None = None,
        version_stamp_holds: Callable[[Any], bool] | None = None,
        items_deserializer: Callable[[dict], dict] | None = None,
    ) -> None:
        self.cache_name = cache_name
        self.version_getter = version_getter
        self.serializer = serializer
        self.deserializer = deserializer
        self.items_deserializer = items_deserializer
        self.config = config or CacheConfig()
        self.namespace = namespace
        self.kind = kind
        self.identity = dict(identity or {"name": cache_name})
        self.env_vars = tuple(env_vars)
        self.files_getter = files_getter
        self.entry_points_getter = entry_points_getter
        self.enabled = enabled
        self.version_stamp_getter = version_stamp_getter
        self.version_stamp_holds = version_stamp_holds
        #: The current version stamp, when the stored one moved but the version held: store it when convenient.
        self._restamp: Any = None
        self._write_failure: str | None = None
        self._warned = False
        self.last_status: CacheStatus | None = None

    # -- location -----------------------------------------------------------
    @property
    def cache_path(self) -> str:
        """The cache file (``_cache_path`` in the seed's troubleshooting)."""
        return os.path.join(get_cache_dir(self.namespace), self.cache_name + ".json")

    _cache_path = cache_path

    def disabled_reason(self) -> str | None:
        reason = cache_disabled_reason(self.namespace, self.enabled)
        return reason or self._write_failure

    # -- reading ---------------------------------------------------------------
    def read(self) -> tuple[dict | None, CacheStatus]:
        """The validated document (or None) and the status that says why."""
        path = self.cache_path
        disabled = cache_disabled_reason(self.namespace, self.enabled)
        if disabled:
            return None, self._status(DISABLED, disabled, path)
        try:
            raw = read_cache_file(path)
        except Refused as exc:
            return None, self._status(CORRUPT, Reason(f"refused: {exc}", ReasonKind.TAMPERED), path)
        except FileNotFoundError:
            return None, self._status(MISSING, "no cache file yet", path)
        except IsADirectoryError:
            return None, self._status(CORRUPT, "a folder stands where the cache file should be", path)
        except NotADirectoryError:
            # No file is wrong: the cache folder cannot exist. Uncached for this process (one warning).
            self._fail(
                f"cache folder {os.path.dirname(path)} cannot be created: a file stands in its place "
                "or in the place of a folder above it"
            )
            return None, self._status(DISABLED, self._write_failure or "", path)
        except OSError as exc:
            return None, self._status(CORRUPT, f"cannot read the cache file: {exc.strerror or exc}", path)
        doc, problem = _parse(raw)
        if doc is None:
            return None, self._status(CORRUPT, Reason(problem, ReasonKind.WRONG_SHAPE), path, size=len(raw))
        created = doc["created"]
        items = len(doc["items"])
        reason = self._invalid_reason(doc)
        if reason is not None:
            state = CORRUPT if reason.kind is ReasonKind.WRONG_SHAPE else STALE
            return None, self._status(state, reason, path, size=len(raw), created=created, items=items)
        if self.config.content_hash and doc.get("files") and not _has_content_hashes(doc["files"]):
            reason = Reason(
                "written without content hashes; REGISTRY_CORE_CACHE_CONTENT_HASH=1 asks for them",
                ReasonKind.ENVIRONMENT,
            )
            return None, self._status(STALE, reason, path, size=len(raw), created=created, items=items)
        status = self._status(VALID, "", path, size=len(raw), created=created, items=items)
        if self.config.check_mtimes and doc.get("files"):
            try:
                change, status.refresh = check_files(doc["files"], self.config.content_hash)
            except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
                return None, self._status(
                    CORRUPT,
                    Reason(f"wrong shape: file fingerprint unreadable ({exc})", ReasonKind.WRONG_SHAPE),
                    path,
                    size=len(raw),
                    created=created,
                    items=items,
                )
            if change is not None:
                return None, self._status(
                    STALE, Reason(change, ReasonKind.FILES), path, size=len(raw), created=created, items=items
                )
        files = doc.get("files")
        if self.config.check_mtimes and files:
            checked = sum(len(entries) for entries in files["roots"].values())
            status.detail = f"matches all {checked} source files and folders"
        else:
            status.detail = f"written for {doc['version']}"
        if self._write_failure:
            status.reason = f"valid, but not writable: {self._write_failure}"
        return doc, status

    def _invalid_reason(self, doc: dict) -> Reason | None:
        if doc["format"] != FORMAT_VERSION:
            return Reason(
                f"cache format version {doc['format']}, this library reads version {FORMAT_VERSION}", ReasonKind.FORMAT
            )
        if doc["kind"] != self.kind:
            return Reason(
                f"wrong shape: a {doc['kind']!r} cache where a {self.kind!r} cache belongs", ReasonKind.WRONG_SHAPE
            )
        if doc["identity"].get("name") != self.identity.get("name"):
            return Reason(
                f"written for {doc['identity'].get('name')!r}, not {self.identity.get('name')!r}", ReasonKind.IDENTITY
            )
        self._restamp = None
        if not self._stamp_holds(doc.get("version_stamp")):
            # The stamp first, as when writing: what changes while the version is read makes the stamp old.
            stamp = self.version_stamp_getter() if self.version_stamp_getter is not None else None
            version = self.version_getter()
            if doc["version"] != version:
                return Reason(f"package version changed: {doc['version']} -> {version}", ReasonKind.VERSION)
            self._restamp = stamp
        age_days = (time.time() - doc["created"]) / 86400.0
        if age_days < -_FUTURE_TOLERANCE_DAYS:
            # A clock set back (or a tampered stamp) would otherwise keep it "0 s old" for ever.
            return Reason(f"written {-age_days * 86400:.0f} s in the future (clock changed?)", ReasonKind.AGE)
        if self.config.max_age_days is not None and age_days > self.config.max_age_days:
            return Reason(
                f"older than {self.config.max_age_days:g} days (written {age_days:.1f} days ago)", ReasonKind.AGE
            )
        try:
            changed = check_environment(doc["environment"], self.env_vars)
            if changed:
                return Reason(changed, ReasonKind.ENVIRONMENT)
            seen: dict = {}  # (the sys.path folders' stats, taken by the first check, read by the second)
            entry_points = doc.get("entry_points")
            if entry_points:
                changed = check_entry_points(entry_points, seen)
                if changed:
                    return Reason(changed, ReasonKind.ENTRY_POINTS)
            import_paths = doc.get("import_paths")
            if import_paths:
                changed = check_import_paths(import_paths, seen)
                if changed:
                    return Reason(changed, ReasonKind.IMPORT_PATH)
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError) as exc:
            return Reason(f"wrong shape: fingerprint unreadable ({exc})", ReasonKind.WRONG_SHAPE)
        return None

    def _stamp_holds(self, stored: Any) -> bool:
        """Whether the version stamp stored with the cache still holds (so the version does too)."""
        if stored is None or self.version_stamp_getter is None:
            return False
        try:
            if self.version_stamp_holds is not None:
                return bool(self.version_stamp_holds(stored))
            return bool(stored == self.version_stamp_getter())
        except (KeyError, TypeError, ValueError, AttributeError, OverflowError):
            return False  # a malformed stamp: the version getter decides

    def _store_stamp(self, doc: dict) -> None:
        """The version held while its stamp moved (a package installed beside): store the new stamp, so that
        the next start skips the version getter again (best effort: never waits for the lock)."""
        from .paths import read_only

        stamp, self._restamp = self._restamp, None
        if read_only():
            return
        doc["version_stamp"] = stamp
        with self.lock(timeout=0) as lock:
            if lock.acquired:
                self.write_document(doc)

    def _status(self, state: str, reason: str, path: str, **kw: Any) -> CacheStatus:
        status = CacheStatus(state, reason, path, name=self.identity.get("name", self.cache_name), kind=self.kind, **kw)
        self.last_status = status
        return status

    def status(self) -> CacheStatus:
        """Validate the file on disk now and say what state it is in."""
        doc, status = self.read()
        failure = self._write_failure
        if failure and status.state != VALID and failure not in status.reason:
            status.reason = f"{status.reason}; and cannot be rewritten: {failure}"
            if status.state == MISSING:
                status.state, status.reason = DISABLED, failure
        return status

    def load_cache(self) -> dict | None:
        """The deserialized items of a valid cache, else None (``status()`` says why)."""
        doc, status = self.read()
        if doc is None:
            return None
        try:
            if self.items_deserializer is not None:
                items = self.items_deserializer(doc["items"])
            else:
                items = {key: self.deserializer(value) for key, value in doc["items"].items()}
        except Exception as exc:  # a deserializer meeting data it does not understand
            self._status(
                CORRUPT,
                f"wrong shape: an item does not deserialize ({type(exc).__name__}: {exc})",
                status.path or self.cache_path,
            )
            return None
        if self._restamp is not None:
            self._store_stamp(doc)
        return items

    load = load_cache

    # -- writing ---------------------------------------------------------------
    def build_document(self, items: dict, *, files: dict | None = None, extra: dict | None = None) -> dict:
        # The stamp first: a package installed while the version is read makes the stored stamp old, not new.
        stamp = self.version_stamp_getter() if self.version_stamp_getter else None
        doc: dict[str, Any] = {
            "format": FORMAT_VERSION,
            "kind": self.kind,
            "identity": self.identity,
            "version": self.version_getter(),
            "created": time.time(),
            "environment": environment_fingerprint(self.env_vars),
            "files": files if files is not None else (self.files_getter() if self.files_getter else None),
            "entry_points": self.entry_points_getter() if self.entry_points_getter else None,
            "version_stamp": stamp,
            "items": {str(k): self.serializer(v) for k, v in items.items()},
        }
        doc.update(extra or {})
        return doc

    def save_cache(self, items: dict, file_mtimes: dict | None = None, *, extra: dict | None = None) -> bool:
        """Write a new cache atomically; False (with one warning) when it cannot be written."""
        if cache_disabled_reason(self.namespace, self.enabled):
            return False
        return self.write_document(self.build_document(items, files=file_mtimes, extra=extra))

    save = save_cache

    def write_document(self, doc: dict) -> bool:
        import json

        from .paths import read_only

        if read_only():
            return False  # looking only: the cache stays as it was (a state, not a failure worth a warning)
        path = self.cache_path
        try:
            text = json.dumps(doc, separators=(",", ":"), allow_nan=False, default=repr)
        except (TypeError, ValueError) as exc:
            self._fail(f"cache content is not JSON-serializable: {exc}")
            return False
        failure = atomic_write(path, text.encode("utf-8"))
        if failure:
            self._fail(failure)
            return False
        self._write_failure = None
        return True

    def _fail(self, reason: str) -> None:
        self._write_failure = reason
        if not self._warned:
            self._warned = True
            get_logger("cache").warning("%s cache disabled for this process: %s", self.identity.get("name"), reason)

    def lock(self, timeout: float | None = None) -> CacheLock:
        """A cross-process lock beside the cache file (held while rebuilding)."""
        from .lock import CacheLock

        return CacheLock(self.cache_path + ".lock", self.config.lock_timeout if timeout is None else timeout)

    def clear_cache(self) -> bool:
        """Delete this cache file; True if there was one."""
        from .paths import read_only

        if read_only():
            raise PermissionError(f"not deleting {self.cache_path}: this process writes nothing (--no-write)")
        try:
            os.unlink(self.cache_path)
        except (FileNotFoundError, NotADirectoryError):  # no file; or the cache folder is not a folder
            return False
        except IsADirectoryError:
            return False
        return True

    clear = clear_cache


def _has_content_hashes(files: Any) -> bool:
    """Whether every file of a fingerprint carries its sha256 (folders never do)."""
    try:
        return all(
            len(entry) > 3 for entries in files["roots"].values() for entry in entries if not entry[0].endswith("/")
        )
    except (KeyError, TypeError, AttributeError):
        return False  # (a malformed fingerprint is reported as such by the file check)


def _parse(raw: bytes) -> tuple[dict | None, str]:
    import json

    if not raw.strip():
        return None, "empty file"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, f"not UTF-8 text (byte {exc.start})"
    try:
        doc = json.loads(text)
    except RecursionError:
        return None, "not valid JSON: nested too deeply"
    except json.JSONDecodeError as exc:
        return None, f"not valid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); truncated?"
    except ValueError as exc:  # e.g. an integer of more digits than Python converts (4300)
        return None, f"not valid JSON: {exc}"
    if not isinstance(doc, dict):
        return None, f"wrong shape: top level is {type(doc).__name__}, expected an object"
    if "format" not in doc:
        return None, "unknown schema: no format version"
    for field, kind in _REQUIRED.items():
        value = doc.get(field)
        if not isinstance(value, kind) or isinstance(value, bool):
            return None, f"wrong shape: {field!r} is {type(value).__name__}, expected {_kind_name(kind)}"
    created = doc["created"]
    if not -1e300 < created < 1e300:  # NaN, infinities, and integers too large for a float time
        return None, "wrong shape: 'created' is not a finite time"
    for field in ("files", "entry_points", "report"):
        if doc.get(field) is not None and not isinstance(doc[field], dict):
            return None, f"wrong shape: {field!r} is {type(doc[field]).__name__}, expected object"
    if doc.get("files") is not None:
        files = doc["files"]
        if not isinstance(files.get("roots"), dict) or not isinstance(files.get("recursive"), bool):
            return None, "wrong shape: 'files' lacks roots/recursive"
        for root, entries in files["roots"].items():
            if not isinstance(entries, list):
                return None, f"wrong shape: file fingerprint of {root!r} is malformed"
            for e in entries:  # (a loop, not all() of a generator: a warm start checks every entry of every root)
                if not (
                    isinstance(e, list)
                    and len(e) >= 3
                    and isinstance(e[0], str)
                    and isinstance(e[1], int)
                    and isinstance(e[2], int)
                ):
                    return None, f"wrong shape: file fingerprint of {root!r} is malformed"
    return doc, ""


def _kind_name(kind: Any) -> str:
    if isinstance(kind, tuple):
        return " or ".join(k.__name__ for k in kind)
    return {"dict": "object", "str": "string", "int": "integer"}.get(kind.__name__, kind.__name__)


def atomic_write(path: str, data: bytes) -> str | None:
    """Write ``data`` to ``path`` so readers see the old file or the new one, never a torn one.

    Returns None on success, else why it failed (nothing partial is left behind).
    """
    folder = os.path.dirname(path)
    try:
        os.makedirs(folder, exist_ok=True)
    except FileExistsError:
        return f"cache folder {folder} is a file, not a folder"
    except OSError as exc:
        return f"cannot create cache folder {folder}: {exc.strerror or exc}"
    if not os.path.isdir(folder):
        return f"cache folder {folder} is not a folder"
    tmp = f"{path}.{os.getpid()}.{time.monotonic_ns() % 1_000_000_007}.tmp"
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except OSError as exc:
        return f"cache folder {folder} is not writable: {exc.strerror or exc}"
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException as exc:  # nothing partial is left behind, whatever stopped the write
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, OSError):
            return f"cannot write {path}: {exc.strerror or exc}"
        raise
    return None
