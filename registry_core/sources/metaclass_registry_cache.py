"""metaclass-registry's own cache files: where the library keeps them, their state by its rules, clear, rebuild.

The library keeps ``$XDG_CACHE_HOME/metaclass-registry/<name>_registry.json`` (or
``~/.cache``), reading the variable when a registry's root class is created. To
look without changing anything, the source points the library at a private copy
of that folder before importing a target (``private_cache``); ``status`` validates
the user's own file with the library's rules; ``clear`` deletes exactly that
file; ``rebuild`` lets the library rewrite it in a fresh process.
"""

from __future__ import annotations

import os
import sys
import time

from .._environ import set_env_internally

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from .observed import ObservedRegistry

#: The cache folder's name under $XDG_CACHE_HOME (or ~/.cache), and the format version the library writes.
CACHE_FOLDER = "metaclass-registry"
CACHE_VERSION = "1.0"
MAX_AGE_DAYS = 7
#: The library compares file mtimes within a second.
MTIME_TOLERANCE_S = 1.0
#: Set to ``"user"`` (rebuild's child) to let the library read and write the user's own cache folder.
CACHE_MODE_VAR = "REGISTRY_CORE_MR_CACHE_MODE"
#: A folder to use as the library's ``XDG_CACHE_HOME`` as it is (profile and verify children: their private one).
CACHE_HOME_VAR = "REGISTRY_CORE_MR_CACHE_HOME"

_STATE: dict[str, Any] = {"user_cache_home": None, "private": None}


def user_cache_home() -> str:
    """Where the library keeps its caches for the user (as it resolves it), whatever this process redirected."""
    home = _STATE["user_cache_home"]
    if home is None:
        home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return home


def private_cache() -> None:
    """Point the library at a private copy of the user's cache folder, once, before any root class exists."""
    if _STATE["private"] is not None or os.environ.get(CACHE_MODE_VAR) == "user":
        return
    given = os.environ.get(CACHE_HOME_VAR)
    if given:
        os.environ["XDG_CACHE_HOME"] = _STATE["user_cache_home"] = _STATE["private"] = given
        return
    import shutil
    import tempfile

    _STATE["user_cache_home"] = user_cache_home()
    if not os.environ.get("REGISTRY_CORE_CACHE_DIR"):
        # registry_core's own caches (and platformdirs users) keep resolving to the user's folder.
        from ..cache.paths import user_cache_dir

        set_env_internally("REGISTRY_CORE_CACHE_DIR", os.path.dirname(user_cache_dir("registry_core")))
    private = tempfile.mkdtemp(prefix="registry-inspector-mr-")
    source = os.path.join(_STATE["user_cache_home"], CACHE_FOLDER)
    target = os.path.join(private, CACHE_FOLDER)
    try:
        shutil.copytree(source, target, symlinks=False, ignore=shutil.ignore_patterns("*.lock", "*.tmp"))
    except OSError:
        os.makedirs(target, exist_ok=True)
    set_env_internally("XDG_CACHE_HOME", private)
    _STATE["private"] = private
    import atexit

    atexit.register(shutil.rmtree, private, True)
    _relay_library_log(private, _STATE["user_cache_home"])


def _relay_library_log(private: str, user_home: str) -> None:
    """The library's own warnings ("Corrupt cache file /tmp/...-mr-x/..., rebuilding") as ours: said through
    registry_core's log (its prefix, its log file), naming the user's file, and saying that only the private
    copy is touched. Without this Python's last-resort handler printed them bare, with a temporary path."""
    import logging

    class Relay(logging.Handler):
        _registry_inspector = True

        def emit(self, record: logging.LogRecord) -> None:
            try:
                message = record.getMessage()
            except Exception:  # noqa: BLE001 - a bad format in the library's record must not break ours
                message = str(record.msg)
            if private in message:
                message = (
                    message.replace(private, user_home)
                    + " (in the inspector's private copy of the folder: yours is left as it is)"
                )
            from .._log import get_logger

            get_logger("metaclass_registry").log(record.levelno, "metaclass-registry: %s", message)

    library = logging.getLogger("metaclass_registry")
    if not any(getattr(h, "_registry_inspector", False) for h in library.handlers):
        library.addHandler(Relay(logging.WARNING))
        library.propagate = False


def file_name(name: str) -> str:
    """The library's file name for the registry ``name`` (``backend`` -> ``backend_registry.json``)."""
    return f"{name.replace(' ', '_')}_registry.json"


def file_stamp(name: str) -> tuple[int, int, int] | None:
    """(inode, size, mtime) of the file the library reads and writes in this process for the registry ``name``
    (the private copy while inspecting), or None when there is none: the same stamp before and after its
    ``keys()`` means it served that file; a new one, that it discovered and wrote it."""
    home = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    try:
        st = os.stat(os.path.join(home, CACHE_FOLDER, file_name(name)))
    except OSError:
        return None
    return st.st_ino, st.st_size, st.st_mtime_ns


# -- the library's cache files ----------------------------------------------------------------------------
class MetaclassRegistryCache:
    """One registry's ``<name>_registry.json`` in the user's folder: status computed here, clear, path."""

    def __init__(self, name: str, package: str, recursive: bool, root_version: str | None) -> None:
        self.name = name
        self.file_name = file_name(name)
        self.package = package
        self.recursive = recursive
        self.root_version = root_version
        self.shared_with: list[str] = []
        self.startup_status: Any = None

    @property
    def path(self) -> str:
        return os.path.join(user_cache_home(), CACHE_FOLDER, self.file_name)

    def status(self) -> Any:
        from ..cache.status import CORRUPT, MISSING, STALE, VALID, CacheStatus, Reason, ReasonKind

        path = self.path

        def make(state: str, reason: Any, **kw: Any) -> CacheStatus:
            status = CacheStatus(state, reason, path, name=self.name, kind="metaclass-registry", **kw)
            if self.shared_with:
                status.detail = (f"{status.detail}; " if status.detail else "") + (
                    "shared with " + ", ".join(self.shared_with) + " (metaclass-registry names its files after "
                    "the registry name, so these registries overwrite each other's cache)"
                )
            return status

        import json

        try:
            if not os.path.isfile(path) or os.path.islink(path):
                return make(MISSING, "no cache file yet" if not os.path.lexists(path) else "not a regular file")
            size = os.path.getsize(path)
            with open(path, "rb") as handle:
                doc = json.loads(handle.read(16 * 1024 * 1024).decode("utf-8"))
        except (OSError, ValueError) as exc:
            return make(
                CORRUPT, Reason(f"wrong shape: unreadable ({type(exc).__name__}: {exc})", ReasonKind.WRONG_SHAPE)
            )
        if not isinstance(doc, dict):
            return make(CORRUPT, Reason("wrong shape: not a JSON object", ReasonKind.WRONG_SHAPE), size=size)
        created = doc.get("timestamp") if isinstance(doc.get("timestamp"), (int, float)) else None
        entries = doc.get("item_entries", doc.get("items"))
        items = len(entries) if isinstance(entries, (list, dict)) else None
        common = {"size": size, "created": created, "items": items}
        if doc.get("cache_version") != CACHE_VERSION:
            return make(
                STALE,
                Reason(
                    f"cache format version {doc.get('cache_version')!r}, the library reads {CACHE_VERSION!r}",
                    ReasonKind.FORMAT,
                ),
                **common,
            )
        if self.root_version is not None and doc.get("version") != self.root_version:
            return make(
                STALE,
                Reason(f"package version changed: {doc.get('version')} -> {self.root_version}", ReasonKind.VERSION),
                **common,
            )
        if created is None:
            return make(CORRUPT, Reason("wrong shape: no timestamp", ReasonKind.WRONG_SHAPE), **common)
        age_days = (time.time() - created) / 86400
        if age_days > MAX_AGE_DAYS:
            return make(
                STALE,
                Reason(f"older than {MAX_AGE_DAYS} days (written {age_days:.1f} days ago)", ReasonKind.AGE),
                **common,
            )
        if age_days < -1 / 24:
            return make(
                STALE,
                Reason("written in the future (clock skew): the library would use it for ever", ReasonKind.AGE),
                **common,
            )
        recorded = doc.get("file_mtimes")
        if isinstance(recorded, dict):
            change = self._files_changed(recorded)
            if change:
                return make(STALE, Reason(change, ReasonKind.FILES), **common)
            status = make(VALID, "", **common)
            status.detail = f"matches all {len(recorded)} source files" + (
                f"; {status.detail}" if status.detail else ""
            )
            return status
        status = make(VALID, "", **common)
        status.detail = f"written for {doc.get('version')} (no file times recorded)" + (
            f"; {status.detail}" if status.detail else ""
        )
        return status

    def _files_changed(self, recorded: dict) -> str | None:
        current = _package_mtimes(self.package, self.recursive)
        added = sorted(set(current) - set(recorded))
        removed = sorted(set(recorded) - set(current))
        if added:
            return f"a plugin file was added: {added[0]}" + (f" (and {len(added) - 1} more)" if len(added) > 1 else "")
        if removed:
            return f"a plugin file was removed: {removed[0]}"
        for path, mtime in sorted(recorded.items()):
            if not isinstance(mtime, (int, float)) or abs(current[path] - mtime) > MTIME_TOLERANCE_S:
                return f"a plugin file was modified: {path}"
        return None

    def clear(self) -> bool:
        """Delete exactly this registry's file (never the folder, never another file); True if it existed."""
        from ..cache.paths import read_only

        path = self.path
        if read_only():
            raise PermissionError(f"not deleting {path}: this process writes nothing (--no-write)")
        if os.path.islink(path) or not os.path.isfile(path):
            return False
        os.unlink(path)
        return True


def _package_mtimes(package: str, recursive: bool) -> dict[str, float]:
    """``{path: mtime}`` of the package's .py files, as the library lists them (flat, or every subfolder)."""
    from .textscan import locate

    found = locate(package)
    if found is None:
        return {}
    paths, is_package = found
    mtimes: dict[str, float] = {}
    for root in paths if is_package else [os.path.dirname(paths[0])]:
        if recursive:
            for folder, _dirs, files in os.walk(root):
                for name in files:
                    if name.endswith(".py"):
                        path = os.path.join(folder, name)
                        mtimes[str(path)] = os.stat(path).st_mtime
        else:
            for name in os.listdir(root):
                if name.endswith(".py"):
                    path = os.path.join(root, name)
                    mtimes[str(path)] = os.stat(path).st_mtime
    return mtimes


def cache_for(registry: dict, name: str, owner: type, package: str) -> MetaclassRegistryCache | None:
    if not getattr(registry, "_enable_cache", True):
        return None
    config = getattr(registry, "_config", None)
    root = sys.modules.get(package.partition(".")[0])
    version = getattr(root, "__version__", None)
    cache = MetaclassRegistryCache(
        name,
        package,
        bool(getattr(config, "discovery_recursive", False)),
        str(version) if version is not None else "unknown",
    )
    cache.startup_status = cache.status()
    return cache


def mark_shared_cache_files(registries: list[ObservedRegistry]) -> None:
    by_file: dict[str, list[ObservedRegistry]] = {}
    for registry in registries:
        if registry.cache is not None:
            by_file.setdefault(registry.cache.file_name, []).append(registry)
    for group in by_file.values():
        for registry in group:
            registry.cache.shared_with = [r.qualified_name for r in group if r is not registry]


# -- rebuild: the library rewrites its own file, in a fresh process --------------------------------------
def rebuild(registry: ObservedRegistry, timeout: float = 300.0) -> str | None:
    """Delete the registry's file, then let the library discover and write it in a fresh process with the
    user's cache folder; None on success, else why not."""
    import subprocess

    if registry.cache is not None:
        registry.cache.clear()
    env = dict(os.environ)
    env[CACHE_MODE_VAR] = "user"
    env["XDG_CACHE_HOME"] = user_cache_home()
    # The same import path as here (the target may be importable only through PYTHONPATH or a test's folder).
    env["PYTHONPATH"] = os.pathsep.join(p for p in sys.path if p and os.path.isdir(p))
    base = registry.base_class
    assert base is not None
    code = (
        "import importlib, sys\n"
        f"owner = importlib.import_module({base.__module__!r})\n"
        f"for part in {base.__qualname__!r}.split('.'): owner = getattr(owner, part)\n"
        "config = vars(owner).get('__registry_config__')\n"
        "registry = config.registry_dict if config is not None else owner.__registry__\n"
        "print(len(list(registry.keys())))\n"
    )
    try:
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return f"the library's discovery did not finish within {timeout:g} s"
    if result.returncode != 0:
        last = (result.stderr.strip().splitlines() or ["(no output)"])[-1]
        return f"the library's discovery failed: {last}"
    return None
