"""Manual cache management: list every cache file with its owner, clear one or all, rebuild."""

from __future__ import annotations

import os
import re

from .paths import get_cache_dir

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class CacheFile:
    """One cache file on disk: where, whose, what kind, and whether a live registry owns it."""

    __slots__ = ("path", "namespace", "kind", "owner", "registry", "size", "created", "owned", "problem")

    def __init__(
        self,
        path: str,
        namespace: str,
        kind: str | None,
        owner: str | None,
        registry: str | None,
        size: int,
        created: float | None,
        owned: bool,
        problem: str | None,
    ) -> None:
        self.path = path
        self.namespace = namespace
        self.kind = kind
        self.owner = owner  # identity written in the file (e.g. module.BaseClass)
        self.registry = registry  # human registry name written in the file
        self.size = size
        self.created = created
        self.owned = owned  # a registry alive in this process claims it
        self.problem = problem  # why the header could not be read, if it could not

    @property
    def orphan(self) -> bool:
        """No registry in this process writes this file (renamed, removed, or simply not imported)."""
        return not self.owned

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__} | {"orphan": self.orphan}

    def __repr__(self) -> str:
        return f"CacheFile({self.path!r}, owner={self.owner!r}, orphan={self.orphan})"


def _namespaces(extra: list[str] | None = None) -> list[str]:
    from .._catalog import all_registries

    names = {r.config.cache_namespace for r in all_registries() if r.config is not None and r.config.cache_namespace}
    names.update(extra or ())
    return sorted(names)


def list_cache_files(namespaces: list[str] | None = None) -> list[CacheFile]:
    """Every cache file under the cache folders of ``namespaces`` (default: of every live registry)."""
    from .._catalog import all_registries

    live_paths = {r.cache_path for r in all_registries() if r.config is not None}
    return [
        _describe(path, namespace, path in live_paths)
        for namespace, name, path in _folder_entries(namespaces)
        if name.endswith(".json")
    ]


def _folder_entries(namespaces: list[str] | None) -> list[tuple[str, str, str]]:
    """(namespace, file name, path) of everything in the namespaces' cache folders (default: all live ones)."""
    entries: list[tuple[str, str, str]] = []
    for namespace in namespaces if namespaces is not None else _namespaces():
        folder = get_cache_dir(namespace)
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        entries.extend((namespace, name, os.path.join(folder, name)) for name in names)
    return entries


def _describe(path: str, namespace: str, owned: bool) -> CacheFile:
    import json

    from .safe_files import Refused, read_cache_file

    try:
        size = os.path.getsize(path)
        doc = json.loads(read_cache_file(path, check_owner=False).decode("utf-8"))
        identity = doc.get("identity") or {}
        created = doc.get("created") if isinstance(doc.get("created"), (int, float)) else None
        return CacheFile(
            path, namespace, doc.get("kind"), identity.get("name"), identity.get("registry"), size, created, owned, None
        )
    except (OSError, ValueError, AttributeError, RecursionError, Refused) as exc:
        return CacheFile(
            path, namespace, None, None, None, _size(path), None, owned, f"unreadable: {type(exc).__name__}"
        )


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:
        return 0


def clear_cache(registry: Any) -> bool:
    """Delete one registry's cache file; True if there was one."""
    return registry.clear_cache()


def clear_all_caches(namespaces: list[str] | None = None, left: list[str] | None = None) -> list[str]:
    """Delete every cache file this library wrote in the given namespaces' folders (default: all live ones).

    Removes only what is recognisably ours: ``*.json`` caches with our header (or,
    unreadable, with our file-name pattern), their ``.lock`` files that no process
    holds, and leftover ``.tmp`` files of interrupted writes. Anything else (an
    application's own settings, another tool's files, a symlink) stays; its path is
    appended to ``left`` when given.
    """
    from .paths import read_only

    if read_only():
        raise PermissionError("not deleting caches: this process writes nothing (--no-write)")
    removed = []
    for _namespace, name, path in _folder_entries(namespaces):
        if os.path.islink(path):
            doomed = False
        elif name.endswith(".json"):
            doomed = _is_ours(path, name)
        elif name.endswith(".json.lock"):
            if _remove_unheld_lock(path):
                removed.append(path)
            elif left is not None:
                left.append(path)
            continue
        else:
            doomed = name.endswith(".tmp") and ".json." in name and not _write_in_progress(path, name)
        if not doomed:
            if left is not None:
                left.append(path)
            continue
        try:
            os.unlink(path)
        except OSError:
            continue
        removed.append(path)
    return removed


def _remove_unheld_lock(path: str) -> bool:
    """Unlink a lock file nobody holds (taking it proves it; it is unlinked while held); True if removed.

    A held one is never unlinked, or two processes starting cold would each get a
    lock of their own and rebuild twice."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): a lock file is left alone
        return False
    try:
        fd = os.open(path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return False
    # Unlinked while we hold it (closing below releases it): a process that opens the path now makes a new file.
    try:
        os.unlink(path)
    except OSError:
        os.close(fd)
        return False
    os.close(fd)
    return True


def _write_in_progress(path: str, name: str) -> bool:
    """``<cache>.json.<pid>.<n>.tmp`` whose writer still runs: deleting it would fail that write."""
    try:
        pid = int(name.rsplit(".", 3)[-3])
    except (ValueError, IndexError):
        return False
    if pid == os.getpid():
        return True
    if os.name != "posix":  # no harmless liveness probe (os.kill would terminate): only old files are leftovers
        try:
            import time

            return time.time() - os.path.getmtime(path) < 600
        except OSError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # alive, but another user's
        return True
    return True


#: Names registry_core gives its cache files (an unreadable file with such a name is a broken cache of ours).
_OUR_NAMES = re.compile(
    r"^(?:registry_[a-z0-9_]*-[0-9a-f]{16}|colormap_enum|component_enums[\w-]*|functions[\w-]*)\.json$"
)
#: The kinds of document this library writes.
_OUR_KINDS = ("registry", "enum", "functions")


def _is_ours(path: str, name: str) -> bool:
    """A cache of ours: our header (``format`` and a known ``kind``), or our file-name pattern if unreadable."""
    import json

    from .safe_files import Refused, read_cache_file

    try:
        doc = json.loads(read_cache_file(path, check_owner=False).decode("utf-8"))
    except (OSError, Refused):
        return False
    except (ValueError, RecursionError):
        return bool(_OUR_NAMES.match(name))
    if isinstance(doc, dict) and isinstance(doc.get("format"), int) and doc.get("kind") in _OUR_KINDS:
        return True
    return False


def rebuild_cache(registry: Any) -> Any:
    """Discover ``registry`` again now and rewrite its cache; returns the registry."""
    return registry.rebuild()
