"""Fingerprints a cache is validated against: source files, entry points, environment.

Validation must cost about one ``stat`` per file (the warm-start floor), so the
fast path compares numbers only; names and reasons are worked out only once
something differs.
"""

from __future__ import annotations

import os
import sys
import time
from stat import S_ISLNK

from .._environ import env_get

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any


# -- source files ---------------------------------------------------------
def files_fingerprint(file_stats: Iterable[Any], recursive: bool = True, content_hash: bool = False) -> dict[str, Any]:
    """``{"recursive": bool, "roots": {root: [[relpath, size, mtime_ns(, sha256)], ...]}}``.

    Folders end with "/" and are stat-ed now.

    Folders are stat-ed at save time, after discovery's imports, so the
    ``__pycache__`` those imports created does not make the next start stale;
    but when a module file appeared (or went) in a folder while discovery ran,
    the folder keeps the mtime discovery saw, so the next start lists it and
    finds the file discovery never imported.
    """
    by_root: dict[str, list] = {}
    roots: list[str] = []
    moved: list[tuple[str, list, int]] = []  # folders whose mtime moved since discovery listed them
    stats = list(file_stats)
    for st in stats:
        if st.is_dir and not any(st.path.startswith(r + os.sep) for r in roots):
            roots = [r for r in roots if not r.startswith(st.path + os.sep)] + [st.path]
    for st in stats:
        root = next((r for r in roots if st.path == r or st.path.startswith(r + os.sep)), None)
        if root is None:
            root = os.path.dirname(st.path)
            roots.append(root)
        rel = st.path[len(root) + 1 :] if st.path != root else ""
        if st.is_dir:
            try:
                mtime = os.stat(st.path).st_mtime_ns
            except OSError:
                continue
            entry: list = [rel + "/" if rel else "/", 0, mtime]
            if mtime != st.mtime_ns:
                moved.append((root, entry, st.mtime_ns))
        else:
            entry = [rel, st.size, st.mtime_ns]
            if content_hash:
                entry.append(_sha256(st.path))
        by_root.setdefault(root, []).append(entry)
    for root, entry, seen_mtime in moved:
        if _folder_change(root, entry[0], by_root[root], recursive):
            entry[2] = seen_mtime
    return {"recursive": recursive, "roots": by_root}


def _sha256(path: str) -> str:
    import hashlib

    with open(path, "rb") as handle:
        return hashlib.sha256(handle.read()).hexdigest()


def check_files(fingerprint: dict[str, Any], content_hash: bool = False) -> tuple[str | None, bool]:
    """(first change in words or None, whether folder stamps need refreshing).

    A folder's mtime moves when an entry is added, removed or renamed; then the
    folder is listed to name the change, and if no source file or subpackage
    changed (a ``__pycache__`` or editor file did), the cache is still valid.
    """
    stat = os.stat
    refresh = False
    recursive = fingerprint["recursive"]
    for root, entries in fingerprint["roots"].items():
        prefix = root + os.sep
        for entry in entries:
            rel = entry[0]
            is_dir = rel.endswith("/")
            path = root if rel == "/" else prefix + (rel[:-1] if is_dir else rel)
            try:
                st = stat(path)
            except OSError:
                return f"removed: {_show(root, rel)}", False
            if is_dir:
                if st.st_mtime_ns != entry[2]:
                    change = _folder_change(root, rel, entries, recursive)
                    if change:
                        return change, False
                    refresh = True
                continue
            if st.st_size != entry[1]:
                return f"modified: {_show(root, rel)} (size {entry[1]} -> {st.st_size} bytes)", False
            if st.st_mtime_ns != entry[2]:
                if content_hash and len(entry) > 3 and _sha256(path) == entry[3]:
                    refresh = True
                    continue
                return f"modified: {_show(root, rel)} (modification time changed)", False
            if content_hash and len(entry) > 3 and _sha256(path) != entry[3]:
                return f"modified: {_show(root, rel)} (content changed; size and mtime kept)", False
    return None, refresh


def _show(root: str, rel: str) -> str:
    return os.path.join(os.path.basename(root), rel.rstrip("/")) if rel != "/" else root


def _folder_change(root: str, rel: str, entries: list, recursive: bool) -> str | None:
    from .._scan import module_stem

    folder = root if rel == "/" else os.path.join(root, rel[:-1])
    base = "" if rel == "/" else rel
    recorded = set()
    for entry in entries:
        name = entry[0]
        if name == "/" or not name.startswith(base) or name == base:
            continue
        child = name[len(base) :]
        if "/" in child.rstrip("/"):
            continue
        recorded.add(child.rstrip("/") + ("/" if child.endswith("/") else ""))
    try:
        current = set()
        with os.scandir(folder) as it:
            for item in it:
                if item.is_dir():
                    if recursive and item.name.isidentifier() and item.name != "__pycache__":
                        current.add(item.name + "/")
                elif module_stem(item.name) is not None:
                    current.add(item.name)
    except OSError as exc:
        return f"folder unreadable: {folder} ({exc.strerror})"
    added = sorted(current - recorded)
    removed = sorted(recorded - current)
    where = os.path.join(os.path.basename(root), base)
    if added and removed:
        return f"renamed: {where}{removed[0]} -> {where}{added[0]}"
    if added:
        return f"added: {where}{added[0]}"
    if removed:
        return f"removed: {where}{removed[0]}"
    return None


# -- entry points ----------------------------------------------------------
def entry_points_fingerprint(group: str | None, folders: list | None, advertised: Iterable[Any] = ()) -> dict:
    """What an install, uninstall or edit of a distribution changes.

    Every sys.path folder is recorded; those holding distributions with their
    mtime (a dist-info appears or goes there on install/uninstall) and a digest
    of their distributions, so a file created next to them (a project root that
    holds an editable install's egg-info) is told apart from an install. Each
    entry_points.txt advertising our group is stamped too (an edit in place).
    """
    if folders is None:
        from .._entry_points import distribution_folders

        folders = distribution_folders()
    paths: list[list[Any]] = []
    for entry, names in folders:
        try:
            mtime = os.stat(entry or ".").st_mtime_ns
        except OSError:
            continue
        # A folder without distributions keeps its mtime third: only a dist-info appearing there matters.
        paths.append([entry, mtime, _distributions_digest(entry, names)] if names else [entry, None, mtime])
    # sys.path entries that are no folder (python311.zip, usually absent) are recorded too, as holding no
    # distribution: otherwise every warm start would find them "new" and list them again.
    recorded = {path[0] for path in paths}
    paths += [[entry, None, None] for entry in sys.path if isinstance(entry, str) and entry not in recorded]
    files = []
    for ep in advertised:
        try:
            st = os.stat(ep.path)
        except OSError:
            continue
        record = [ep.path, st.st_size, st.st_mtime_ns]
        if record not in files:
            files.append(record)
    return {"group": group, "paths": paths, "files": files}


def check_entry_points(fingerprint: dict[str, Any], seen: dict | None = None) -> str | None:
    """What changed in the distributions installed along sys.path, or None. The sys.path folders' ``os.stat``
    results go into ``seen`` (by path; None: it failed), for the checks of the same validation after it."""
    return check_distribution_folders(fingerprint.get("paths", []), seen) or check_entry_point_files(
        fingerprint.get("files", [])
    )


def check_distribution_folders(paths: list, seen: dict | None = None) -> str | None:
    """The part of :func:`check_entry_points` every registry of a process shares: whether a distribution was
    installed, removed or reinstalled along sys.path (``paths``: the fingerprint's), or sys.path gained an entry
    holding distributions."""
    known = set()
    if seen is None:
        seen = {}
    for path, mtime, *rest in paths:
        known.add(path)
        if mtime is None:
            # Held no distributions when the cache was written: stale only if one was installed there since.
            if rest and _first_distribution_installed(path, rest[0], seen):
                return f"entry points changed: a distribution was installed in {path}"
            continue
        if type(mtime) is not int or (rest and type(rest[0]) is not int):
            raise TypeError(f"sys.path folder stamp {[mtime, *rest]!r} is not a pair of integers")
        st = _stat(path, seen)
        if st is None:
            return f"entry points changed: {path} is gone"
        if st.st_mtime_ns == mtime:
            continue
        # The folder changed. Its distributions too, or only other files in it? (Caches written before
        # the digest existed have none: any change is an install there.)
        if not (rest and _same_distributions(path, rest[0])):
            return f"entry points changed: a distribution was installed, removed or reinstalled in {path}"
    new = [entry for entry in sys.path if entry not in known]
    if new:
        from .._entry_points import distribution_folders

        for entry, names in distribution_folders(new):
            if names:
                return f"entry points changed: new sys.path entry with distributions: {entry}"
    return None


def check_entry_point_files(files: list) -> str | None:
    """Whether an ``entry_points.txt`` that advertised the registry's group was edited or uninstalled."""
    for path, size, mtime in files:
        try:
            st = os.stat(path)
        except OSError:
            return f"entry points changed: {os.path.basename(os.path.dirname(path))} was uninstalled"
        if st.st_size != size or st.st_mtime_ns != mtime:
            return f"entry points changed: {os.path.basename(os.path.dirname(path))}/entry_points.txt was edited"
    return None


def _distributions_digest(folder: str, names: Iterable[str]) -> int:
    """A checksum of the distributions' folder names and mtimes: install, uninstall, upgrade and reinstall
    (pip writes a new dist-info folder) change it; other files created in ``folder`` do not."""
    import zlib

    parts = []
    for name in names:
        try:
            stamp = os.stat(os.path.join(folder or ".", name)).st_mtime_ns
        except OSError:
            stamp = -1
        parts.append(f"{name}\0{stamp}")
    return zlib.crc32("\n".join(parts).encode("utf-8", "surrogateescape"))


def _same_distributions(path: str, digest: int) -> bool:
    from .._entry_points import distribution_folders

    found = distribution_folders([path])
    return bool(found) and _distributions_digest(path, found[0][1]) == digest


def _first_distribution_installed(path: str, mtime: int | None, seen: dict) -> bool:
    st = _stat(path, seen)
    if st is None or st.st_mtime_ns == mtime:
        return False
    from .._entry_points import distribution_folders

    return any(names for _, names in distribution_folders([path]))


# -- what installed distributions a version is read from -----------------------------------
def distributions_stamp(folders: list | None = None) -> dict[str, Any]:
    """What a version read from installed distributions' dist-info folder names depends on: sys.path (in
    order: the first entry holding a distribution wins) and the distributions in each of its folders (see
    :func:`entry_points_fingerprint`). :func:`distributions_unchanged` checks it with a ``stat`` per folder
    where reading the names again lists every folder (the standard library's hundreds of entries too)."""
    return {"path": list(sys.path), "folders": entry_points_fingerprint(None, folders)}


def distributions_unchanged(stamp: dict[str, Any]) -> bool:
    """Whether sys.path and every distribution on it are as :func:`distributions_stamp` recorded them."""
    return stamp["path"] == sys.path and check_entry_points(stamp["folders"]) is None


# -- where the package imports from ---------------------------------------------
#: A folder modified this recently (ns) when its stamp is taken may change again within the file system's
#: timestamp granularity (a coarse clock tick, or a second) without its stamp moving: such stamps are not kept.
RECENT_NS = 2_000_000_000


def import_paths_fingerprint(package: str) -> dict[str, Any]:
    """Where ``package``'s top-level name is found along sys.path, up to the entry that wins.

    Every folder of that name before the first regular package (or module) is a
    portion of a namespace package. A sys.path entry added later (PYTHONPATH, a
    .pth file, another working directory) that brings a new portion, or a copy of
    the package that shadows ours, makes the cache stale: its plugins differ.

    With the answer, what it depends on (see :func:`_search`): while that holds, a later
    start knows the answer without looking for the name again (:func:`stamps_hold`).
    """
    top = package.partition(".")[0]
    found, stamps, looked = _search(top, {})
    fingerprint: dict[str, Any] = {"top": top, "found": found}
    searched = sys.path[:looked]
    if stamps is not None and all(type(entry) is str for entry in searched) and _settled(stamps):
        fingerprint["searched"] = searched
        fingerprint["stamps"] = [[path, *stamp] if stamp else [path] for path, stamp in stamps]
    return fingerprint


def check_import_paths(fingerprint: dict[str, Any], seen: dict | None = None) -> str | None:
    """Why the package is found elsewhere along sys.path now, or None. ``seen`` holds the ``os.stat`` results
    (None: it failed) this validation already took, by path."""
    top = fingerprint["top"]
    if not isinstance(top, str):
        raise TypeError(f"package name {top!r} is not a string")
    if stamps_hold(fingerprint, {} if seen is None else seen):
        return None
    recorded = [tuple(item) for item in fingerprint["found"]]
    current = _where_found(top)
    if current == recorded:
        return None
    before, now = {path: kind for path, kind in recorded}, dict(current)
    for path, kind in current:
        if path not in before:
            what = "a namespace portion" if kind == "portion" else f"a {kind} that takes precedence"
            return f"import path changed: {top} is now also found at {path} ({what})"
    for path, _kind in recorded:
        if path not in now:
            return f"import path changed: {top} is no longer found at {path}"
    return f"import path changed: {top} resolves differently along sys.path"


def _normal(path: str) -> bool:
    """Whether ``os.path.normpath`` leaves ``path`` (absolute, POSIX) as it is: no empty, "." or ".." part,
    no trailing separator. A few substring tests, where normpath costs ~2 us a call in Python."""
    return "//" not in path and "/./" not in path and "/../" not in path and not path.endswith(("/", "/.", "/.."))


_NORMAL = _normal if os.sep == "/" and os.altsep is None else (lambda path: False)


def _where_found(top: str) -> list[tuple[str, str]]:
    """``(path, "portion" | "package" | "module")`` per sys.path entry holding ``top``, up to the winner."""
    return _search(top, None)[0]


def _search(top: str, seen: dict | None) -> tuple[list[tuple[str, str]], list | None, int]:
    """:func:`_where_found`'s answer; with ``seen`` (stat results, by path), also what the answer depends on:
    ``(path, stamp)`` of each sys.path entry looked in, taken before looking there, and of each folder named
    ``top`` found. What decides the answer is which names those folders hold (``top``, ``top.py``,
    ``top/__init__.py``): adding, removing or renaming one moves its folder's times, as the import system's
    own finders assume. None instead of the stamps when the answer depends on anything they do not cover: the
    working directory (a relative entry), or a symbolic link on the way (its target can change without any of
    them moving). Third, how many sys.path entries were looked in (those after the winner are not)."""
    stamps: list | None = [] if seen is not None else None
    probe = os.stat if seen is None else os.lstat  # (lstat: a symbolic link is seen as one)
    found = []
    looked = 0
    for entry in sys.path:
        looked += 1
        try:
            # Absolute: "" (the working directory) and the .pth entry of an editable install can name the
            # same folder; started from the project root or elsewhere, the answer must be the same.
            base = os.path.join(entry, top)
            if not (base[:1] == os.sep and _NORMAL(base)):  # (abspath of a normal absolute path is itself)
                base = os.path.abspath(base)
                stamps = None
        except (TypeError, ValueError):
            continue
        if stamps is not None and seen is not None:
            stamps.append((entry, _stamp(entry, seen)))
        try:
            st = probe(base)
        except OSError:
            try:
                st = probe(base + ".py")
            except OSError:
                continue
            if seen is not None and S_ISLNK(st.st_mode):
                return _search(top, None)
            found.append((base + ".py", "module"))
            break
        except (TypeError, ValueError):  # a non-string or NUL-holding sys.path entry: the import system skips it
            continue
        if seen is not None:
            if S_ISLNK(st.st_mode):
                return _search(top, None)
            if stamps is not None:
                stamps.append((base, _stamp_of(st)))
        try:
            st = probe(os.path.join(base, "__init__.py"))
        except OSError:
            if (base, "portion") not in found:  # one folder reached through two entries is one portion
                found.append((base, "portion"))
            continue
        if seen is not None and S_ISLNK(st.st_mode):
            return _search(top, None)
        found.append((base, "package"))
        break
    return found, stamps, looked


def _settled(stamps: list) -> bool:
    """Whether no folder among ``stamps`` changed within ``RECENT_NS`` (see there) of now: two changes within
    one timestamp tick look like one."""
    now = time.time_ns()
    return all(stamp is None or stamp[2] < now - RECENT_NS for _, stamp in stamps)


def sys_path_stamps() -> dict[str, Any] | None:
    """What whether a top-level module is importable depends on: which names each sys.path entry holds, so each
    entry's stamp (adding, removing or renaming a name moves it; None: absent), with sys.path itself. None when
    a stamp cannot be trusted (see :func:`_search`): a relative entry, or a folder changed just now."""
    entries = list(sys.path)
    if not all(type(entry) is str and os.path.isabs(entry) for entry in entries):
        return None
    seen: dict = {}
    stamps = [(entry, _stamp(entry, seen)) for entry in entries]
    if not _settled(stamps):
        return None
    return {"searched": entries, "stamps": [[path, *stamp] if stamp else [path] for path, stamp in stamps]}


def stamps_hold(fingerprint: dict[str, Any], seen: dict) -> bool:
    """Whether what :func:`import_paths_fingerprint` or :func:`sys_path_stamps` recorded an answer to depend on
    holds now: sys.path begins with the entries that were looked in, in that order, and every stamped path
    (those entries, the folders named ``top`` found) has the same stamp, or is still absent. Then looking
    again would find what was found. ``seen``: the stat results taken so far, by path (see :func:`_stat`)."""
    try:
        searched = fingerprint.get("searched")
        stamps = fingerprint.get("stamps")
        if not (searched and stamps and sys.path[: len(searched)] == searched):
            return False
        for stamp in stamps:
            path = stamp[0]
            st = _stat(path, seen)
            if st is None:
                if len(stamp) != 1:
                    return False
            elif len(stamp) != 5 or (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns) != tuple(stamp[1:]):
                return False
    except (TypeError, ValueError, IndexError, KeyError, AttributeError):  # a malformed record: look again
        return False
    return True


def _stamp_of(st: os.stat_result) -> tuple[int, int, int, int]:
    return (st.st_dev, st.st_ino, st.st_mtime_ns, st.st_ctime_ns)


def _stamp(path: str, seen: dict) -> tuple[int, int, int, int] | None:
    """``path``'s stamp, from the stat this validation took of it (``seen``), else stat-ed now (and kept)."""
    st = _stat(path, seen)
    return None if st is None else _stamp_of(st)


def _stat(path: str, seen: dict) -> os.stat_result | None:
    """``os.stat(path)`` ("": the working directory; None: it failed), from ``seen`` (the stats this validation,
    or this window of validations, took), else taken now and kept there."""
    if path in seen:
        return seen[path]
    try:
        st = os.stat(path or ".")
    except (OSError, ValueError):
        st = None
    seen[path] = st
    return st


# -- environment -------------------------------------------------------------
def environment_fingerprint(env_vars: Iterable[str]) -> dict[str, Any]:
    return {**_INTERPRETER, "prefix": sys.prefix, "env": {name: env_get(name) for name in sorted(set(env_vars))}}


#: What environment_fingerprint records of the interpreter, fixed for the life of a process (sys.prefix is
#: read each time: a program may point it elsewhere).
_INTERPRETER = {"python": "{}.{}.{}".format(*sys.version_info[:3]), "implementation": sys.implementation.cache_tag}


def check_environment(recorded: dict[str, Any], env_vars: Iterable[str]) -> str | None:
    old_env = recorded.get("env") or {}
    if (
        recorded.get("python") == _INTERPRETER["python"]
        and recorded.get("implementation") == _INTERPRETER["implementation"]
        and recorded.get("prefix") == sys.prefix
    ):
        for name in env_vars:
            if old_env.get(name) != env_get(name):
                break
        else:
            return None  # (the usual answer, without building the current fingerprint to name a difference)
    current = environment_fingerprint(env_vars)
    for field in ("python", "implementation", "prefix"):
        if recorded.get(field) != current[field]:
            return f"environment changed: {field} {recorded.get(field)!r} -> {current[field]!r}"
    for name, value in current["env"].items():
        if old_env.get(name) != value:
            return f"environment changed: {name} {_env_value(old_env.get(name))} -> {_env_value(value)}"
    return None


def _env_value(value: str | None) -> str:
    return "unset" if value is None else repr(value)
