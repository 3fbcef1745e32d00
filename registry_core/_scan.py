"""Listing a plugin package: every module and subpackage, and what the cache fingerprints of each file read.

pkgutil skips folders without ``__init__.py`` (namespace packages); this lists
folders itself, and a package inside a zip archive through its importer.
"""

from __future__ import annotations

import os

from ._log import get_logger

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable


class FileStat:
    """What the scan read of one file or folder; the cache fingerprints these."""

    __slots__ = ("path", "is_dir", "size", "mtime_ns")

    def __init__(self, path: str, is_dir: bool, size: int, mtime_ns: int) -> None:
        self.path = path
        self.is_dir = is_dir
        self.size = size
        self.mtime_ns = mtime_ns


class ScannedModule:
    __slots__ = ("name", "file", "is_package")

    def __init__(self, name: str, file: str | None, is_package: bool) -> None:
        self.name = name
        self.file = file
        self.is_package = is_package


def scan_package(
    paths: Iterable[str], prefix: str, recursive: bool = True, stats: list[FileStat] | None = None
) -> list[ScannedModule]:
    """Every module and subpackage under ``paths``, namespace packages included.

    pkgutil skips folders without ``__init__.py``; we list folders ourselves,
    which also hands the cache the size and mtime of every file and folder read.
    """
    found: list[ScannedModule] = []
    for path in paths:
        _scan_dir(path, prefix, recursive, found, stats)
    return found


def _scan_dir(
    path: str, prefix: str, recursive: bool, found: list[ScannedModule], stats: list[FileStat] | None
) -> None:
    try:
        with os.scandir(path) as it:
            entries = sorted(it, key=lambda e: e.name)
        if stats is not None:
            st = os.stat(path)
            stats.append(FileStat(path, True, 0, st.st_mtime_ns))
    except OSError as exc:
        if isinstance(exc, NotADirectoryError) and _scan_archive(path, prefix, recursive, found, stats):
            return
        get_logger("discovery").warning("cannot list plugin folder %s: %s", path, exc)
        return
    for entry in entries:
        name = entry.name
        try:
            is_dir = entry.is_dir()
        except OSError:
            continue
        if is_dir:
            if not recursive or not name.isidentifier():
                continue  # __pycache__ is an identifier, but holds no sources
            if name == "__pycache__":
                continue
            init = os.path.join(entry.path, "__init__.py")
            found.append(ScannedModule(prefix + name, init if os.path.exists(init) else None, True))
            _scan_dir(entry.path, f"{prefix}{name}.", recursive, found, stats)
        elif name.endswith(".py"):
            stem = name[:-3]
            if stats is not None:
                try:
                    st = entry.stat()
                except OSError:
                    continue
                stats.append(FileStat(entry.path, False, st.st_size, st.st_mtime_ns))
            if stem != "__init__" and stem.isidentifier():
                found.append(ScannedModule(prefix + stem, entry.path, False))


def _scan_archive(
    path: str, prefix: str, recursive: bool, found: list[ScannedModule], stats: list[FileStat] | None
) -> bool:
    """A package inside a zip archive (a zipapp such as pex, an egg): listed through its importer.

    The archive itself is what the cache fingerprints: rebuilding it changes its size or mtime.
    """
    import pkgutil

    archive = getattr(pkgutil.get_importer(path), "archive", None)
    if not archive:
        return False
    if stats is not None and not any(st.path == archive for st in stats):
        try:
            st = os.stat(archive)
        except OSError:
            return False
        stats.append(FileStat(archive, False, st.st_size, st.st_mtime_ns))
    for info in sorted(pkgutil.iter_modules([path]), key=lambda info: info.name):
        if info.ispkg and not recursive:
            continue
        inner = os.path.join(path, info.name)
        found.append(
            ScannedModule(
                prefix + info.name, os.path.join(inner, "__init__.py") if info.ispkg else inner + ".py", info.ispkg
            )
        )
        if info.ispkg:
            _scan_dir(inner, f"{prefix}{info.name}.", recursive, found, stats)
    return True
