"""The generic persistent cache: one JSON file, validated before use, written atomically.

Plugin registries, generated enums and function registries all use
:class:`RegistryCacheManager`. A cache is used only when valid; every other
state (missing, disabled, stale, corrupt) comes with a reason in words and is
never an exception to the caller. No pickle anywhere: JSON only.
"""

from __future__ import annotations

import os
import time

from .._log import debug, get_logger
from .fingerprint import (
    check_distribution_folders,
    check_entry_point_files,
    check_environment,
    check_files,
    check_import_paths,
    environment_fingerprint,
)
from .paths import cache_disabled_reason, get_cache_dir, join

# Every read goes through it (symlink, owner and size checks): loaded with the manager, not by the first read.
from .safe_files import Refused, read_cache_file
from .status import CORRUPT, DISABLED, MISSING, STALE, VALID, CacheConfig, CacheStatus, Reason, ReasonKind
from .validation_window import current_window, look_again, shared_answer, shared_stats

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
    """A short, stable name component (not security): ``text``'s UTF-8 bytes and a closing 0x01 (so that trailing
    NULs count) read as one little-endian integer, modulo the largest prime below 2**64, in 16 hex digits. One
    integer operation in C, where zlib's CRC-32 written in Python cost every registry ~25 us (and importing zlib
    or hashlib costs ~0.5-5 ms)."""
    number = int.from_bytes(text.encode("utf-8", "surrogatepass") + b"\x01", "little")
    return f"{number % _PRIME_64:016x}"


#: 2**64 - 59, the largest prime below 2**64.
_PRIME_64 = (1 << 64) - 59


#: Write failures already warned of in this process (the reason's text): each cause is said once.
_FAILURES_WARNED: set[str] = set()


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
        return join(get_cache_dir(self.namespace), self.cache_name + ".json")

    _cache_path = cache_path

    def disabled_reason(self) -> str | None:
        reason = cache_disabled_reason(self.namespace, self.enabled)
        return reason or self._write_failure

    # -- reading ---------------------------------------------------------------
    def read(self, *, plainly_first: bool = True) -> tuple[dict | None, CacheStatus]:
        """The validated document (or None) and the status that says why. ``plainly_first=False``: the caller
        tried :func:`read_plainly_valid` already (it read the file and found it not plainly valid)."""
        path = self.cache_path
        disabled = cache_disabled_reason(self.namespace, self.enabled)
        if disabled:
            return None, self._status(DISABLED, disabled, path)
        plain = self._read_plainly_valid(path) if plainly_first else None
        if plain is not None:
            self.last_status = status = plainly_valid_status(
                path, plain, self.identity.get("name", self.cache_name), self.kind
            )
            return plain[0], status
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
            status.detail = _matches_all(sum(len(entries) for entries in files["roots"].values()))
        else:
            status.detail = f"written for {doc['version']}"
        if self._write_failure:
            status.reason = f"valid, but not writable: {self._write_failure}"
        return doc, status

    def _read_plainly_valid(self, path: str) -> tuple[dict, bytes, int] | None:
        """:func:`read_plainly_valid` for this cache; None also where the rest of :meth:`read` has more to do: a
        version stamp, content hashes, no mtime checks, a failed write to report."""
        config = self.config
        if (
            self._write_failure is not None
            or self.version_stamp_getter is not None
            or not config.check_mtimes
            or config.content_hash
        ):
            return None
        plain = read_plainly_valid(
            path, self.kind, self.identity.get("name"), self.version_getter, self.env_vars, config.max_age_days
        )
        if plain is not None:
            self._restamp = None
        return plain

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
            # Both looks are shared by the validations of one burst (validation_window says why it is sound).
            seen = shared_stats()  # (the environment folders' stats, taken once by whichever check comes first)
            entry_points = doc.get("entry_points")
            if entry_points:
                paths = entry_points.get("paths", [])
                changed = shared_answer(
                    "distribution folders", paths, lambda: check_distribution_folders(paths, seen)
                ) or check_entry_point_files(entry_points.get("files", []))
                if changed:
                    return Reason(changed, ReasonKind.ENTRY_POINTS)
            import_paths = doc.get("import_paths")
            if import_paths:
                changed = shared_answer("import_paths", import_paths, lambda: check_import_paths(import_paths, seen))
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
        look_again()  # (asked for explicitly: against the environment as it is now, not as a burst saw it)
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
            # One warning per cause: a folder that cannot be created fails every cache in it the same way (the
            # demo's seven were seven lines); the others say it in their status, and in the log at debug level.
            if reason in _FAILURES_WARNED:
                debug("cache", "%s cache disabled for this process: %s", self.identity.get("name"), reason)
                return
            _FAILURES_WARNED.add(reason)
            get_logger("cache").warning(
                "%s cache disabled for this process: %s (any other cache failing so is not named again)",
                self.identity.get("name"),
                reason,
            )

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


def read_plainly_valid(
    path: str,
    kind: str,
    name: Any,
    version_getter: Callable[[], str],
    env_vars: tuple[str, ...],
    max_age_days: float | None,
) -> tuple[dict, bytes, int] | None:
    """(document, the file's bytes, files checked) of the cache file at ``path`` when it passes every check
    :meth:`RegistryCacheManager.read` makes (``kind``, identity ``name``, version, age, environment, entry
    points, import path, every source file's size and mtime), each passed plainly; else None, for ``read``
    to say why, or to accept what this leaves to it (a folder stamp that moved: a new module, or only a
    ``__pycache__``?).

    The warm path, in one pass with as few Python steps as each check allows: a warm start of five registries
    spent more on checking in small steps than on reading their files and stat-ing their sources. It accepts
    nothing ``read`` rejects; tests/test_plain_validity.py holds the two to that, on every way a cache
    document can be wrong.
    """
    try:
        raw = read_cache_file(path)
        import json

        doc = json.loads(raw.decode("utf-8"))
        fmt = doc["format"]
        identity = doc["identity"]
        created = doc["created"]
        files = doc["files"]
        roots = files["roots"]
        entry_points = doc.get("entry_points")
        report = doc.get("report")
        if (
            type(fmt) is not int
            or fmt != FORMAT_VERSION
            or doc["kind"] != kind
            or type(identity) is not dict
            or identity.get("name") != name
            or type(created) not in (int, float)
            or not -1e300 < created < 1e300
            or type(doc["items"]) is not dict
            or type(doc["environment"]) is not dict
            or type(files) is not dict
            or type(roots) is not dict
            or type(files["recursive"]) is not bool
            or (entry_points is not None and type(entry_points) is not dict)
            or (report is not None and type(report) is not dict)
        ):
            return None
        age_days = (time.time() - created) / 86400.0
        if age_days < -_FUTURE_TOLERANCE_DAYS or (max_age_days is not None and age_days > max_age_days):
            return None
        if doc["version"] != version_getter() or check_environment(doc["environment"], env_vars):
            return None
        window = current_window()
        seen = window.stats
        if entry_points:
            paths = entry_points["paths"]
            if window.answer("distribution folders", paths, lambda: check_distribution_folders(paths, seen)):
                return None
            if check_entry_point_files(entry_points["files"]):
                return None
        import_paths = doc.get("import_paths")
        if import_paths and window.answer("import_paths", import_paths, lambda: check_import_paths(import_paths, seen)):
            return None
        # The source files: one stat each, and the numbers compared (the floor of any validated cache).
        stat = os.stat
        sep = os.sep
        checked = 0
        for root, entries in roots.items():
            if type(entries) is not list:
                return None
            prefix = root + sep
            checked += len(entries)
            # (an entry with a content hash, of a cache written with REGISTRY_CORE_CACHE_CONTENT_HASH=1, does not
            # unpack: read() takes it; a rel that is no string fails at the slice or the concatenation)
            for rel, size, mtime in entries:
                if type(size) is not int or type(mtime) is not int:
                    return None
                if rel[-1:] == "/":
                    # (a folder whose stamp moved: read() tells a new module from a __pycache__)
                    if stat(root if rel == "/" else prefix + rel[:-1]).st_mtime_ns != mtime:
                        return None
                else:
                    st = stat(prefix + rel)
                    if st.st_size != size or st.st_mtime_ns != mtime:
                        return None
    except Exception:  # (any: read() reads the file again and names what is wrong)
        return None
    return doc, raw, checked


def plainly_valid_status(path: str, plain: tuple[dict, bytes, int], name: str, kind: str) -> CacheStatus:
    """The status of the cache :func:`read_plainly_valid` returned ``plain`` (document, bytes, files checked) for."""
    doc, raw, checked = plain
    status = CacheStatus(
        VALID, "", path, size=len(raw), created=doc["created"], items=len(doc["items"]), name=name, kind=kind
    )
    status.detail = _matches_all(checked)
    return status


def _matches_all(checked: int) -> str:
    return f"matches all {checked} source files and folders"


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
