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
    from typing import Any


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


def module_stem(name: str) -> str | None:
    """The module a file in a plugin folder would be imported as, or None: Python sources, sourceless
    ``.pyc`` files beside them, and extension modules (``.so``/``.pyd`` with their ABI tags)."""
    if name.endswith(".py"):
        return name[:-3]
    if name.endswith(".pyc"):
        return name[:-4]
    global _EXTENSION_SUFFIXES
    if _EXTENSION_SUFFIXES is None:
        from importlib.machinery import EXTENSION_SUFFIXES

        _EXTENSION_SUFFIXES = tuple(sorted(EXTENSION_SUFFIXES, key=len, reverse=True))
    for suffix in _EXTENSION_SUFFIXES:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return None


_EXTENSION_SUFFIXES: tuple[str, ...] | None = None
#: Modules never imported by discovery: ``__main__`` runs a package's command line with the host's argv.
_NEVER = ("__init__", "__main__")


def scan_package(
    paths: Iterable[str], prefix: str, recursive: bool = True, stats: list[FileStat] | None = None
) -> list[ScannedModule]:
    """Every module and subpackage under ``paths``, namespace packages included.

    pkgutil skips folders without ``__init__.py``; we list folders ourselves,
    which also hands the cache the size and mtime of every file and folder read.
    A folder reached twice (a symlink loop, or a link to a folder already scanned)
    is scanned once, by its real path.
    """
    found: list[ScannedModule] = []
    seen: set[str] = set()
    for path in paths:
        _scan_dir(path, prefix, recursive, found, stats, seen)
    return found


def _scan_dir(
    path: str,
    prefix: str,
    recursive: bool,
    found: list[ScannedModule],
    stats: list[FileStat] | None,
    seen: set[str] | None = None,
) -> None:
    if seen is not None:
        real = os.path.realpath(path)
        if real in seen:
            get_logger("discovery").warning(
                "not scanning %s again: it is %s, already scanned (a symlink loop?)", path, real
            )
            return
        seen.add(real)
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
    # The file imported for each module name: a source beside its .pyc (or an extension) is the one shown.
    chosen: dict[str, str] = {}
    for entry in entries:
        stem = module_stem(entry.name)
        if stem is not None and stem not in _NEVER and stem.isidentifier():
            if stem not in chosen or entry.name.endswith(".py"):
                chosen[stem] = entry.path
    for entry in entries:  # in name order, folders and files interleaved, as imports always ran
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
            _scan_dir(entry.path, f"{prefix}{name}.", recursive, found, stats, seen)
            continue
        stem = module_stem(name)
        if stem is None:
            continue
        if stats is not None:
            try:
                st = entry.stat()
            except OSError:
                continue
            stats.append(FileStat(entry.path, False, st.st_size, st.st_mtime_ns))
        if chosen.get(stem) == entry.path:
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


#: sys.meta_path's own finders: PathFinder was asked already; built-in and frozen modules have no source files.
_STANDARD_FINDERS = ("BuiltinImporter", "FrozenImporter", "PathFinder")


def _from_other_finders(top: str) -> Any:
    """The spec of a top-level name that only another finder on ``sys.meta_path`` knows: a project installed with
    ``pip install -e`` through setuptools' editable finder (``__editable___<name>_finder``), not on sys.path. For
    a top-level name finding runs nothing of the package."""
    import sys

    for finder in sys.meta_path:
        find_spec = getattr(finder, "find_spec", None)
        if find_spec is None or getattr(finder, "__name__", None) in _STANDARD_FINDERS:
            continue
        try:
            spec = find_spec(top, None)
        except Exception:  # noqa: BLE001 - a broken finder must not stop a scan
            continue
        if spec is not None and (spec.submodule_search_locations or (spec.origin and os.path.isfile(spec.origin))):
            return spec
    return None


def locate(target: str) -> tuple[list[str], bool] | None:
    """(source paths, is a package) for a dotted module name, found as the import system would, without importing
    anything (``importlib.util.find_spec`` would run the parent packages); None when it is not on ``sys.path``.

    The top-level name goes through ``PathFinder`` (zip archives, eggs, .pth folders); below it, folders are
    looked at directly, because ``PathFinder`` wants a namespace package's parent imported first.
    """
    from importlib.machinery import PathFinder

    parts = target.split(".")
    spec = PathFinder.find_spec(parts[0])
    if spec is None:
        spec = _from_other_finders(parts[0])
        if spec is None:
            return None
    if len(parts) == 1:
        if spec.submodule_search_locations:
            return list(spec.submodule_search_locations), True
        return ([spec.origin], False) if spec.origin and os.path.isfile(spec.origin) else None
    search = list(spec.submodule_search_locations or [])
    for depth, part in enumerate(parts[1:], start=1):
        last = depth == len(parts) - 1
        packages: list[str] = []
        portions: list[str] = []
        module_file = None
        for folder in search:
            candidate = os.path.join(folder, part)
            if os.path.isfile(os.path.join(candidate, "__init__.py")):
                packages.append(candidate)
                break
            if os.path.isdir(candidate) and part.isidentifier():
                portions.append(candidate)
                continue
            if last and module_file is None and os.path.isdir(folder):
                try:
                    names = os.listdir(folder)
                except OSError:
                    continue
                for name in sorted(names):
                    if module_stem(name) == part and os.path.isfile(os.path.join(folder, name)):
                        module_file = os.path.join(folder, name)
                        if name.endswith(".py"):
                            break
        if packages:
            search = packages
        elif module_file is not None and last:
            return [module_file], False
        elif portions:
            search = portions  # a namespace package: every portion along the path
        else:
            return None
    return search, True
