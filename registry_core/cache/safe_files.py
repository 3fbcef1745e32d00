"""Reading a cache folder that someone else may have tampered with: regular files only, never a symlink,
never one another user could have written, and never more than a cache can be.

The checks cost one ``fstat`` of the open file and one ``stat`` of its folder: the
warm path pays about nothing for them. Like SSH with its keys, a file or folder
that anyone can write (or that belongs to another user) is refused, with the
reason and the fix; a group-writable one (a shared cache on a cluster) is used,
with one warning.
"""

from __future__ import annotations

import os
import stat

from .validation_window import shared_answer

#: A cache file larger than this is not a cache of ours (a corrupt state, never a 40 s read of 1 GB).
MAX_CACHE_BYTES = 32 * 1024 * 1024

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_NONBLOCK = getattr(os, "O_NONBLOCK", 0)  # (a FIFO opened for reading would block until a writer comes)
_WARNED: set[str] = set()
_POSIX = os.name == "posix"


def _posix_dirname(path: str) -> str:
    """``os.path.dirname`` of a path without repeated separators, as cache paths are (posixpath's is ~45 steps)."""
    head, sep, _ = path.rpartition("/")
    return head or sep


_dirname = _posix_dirname if os.sep == "/" and os.altsep is None else os.path.dirname
_WRITABLE_BY_OTHERS = stat.S_IWOTH | stat.S_IWGRP


class Refused(Exception):
    """The path is there but must not be read; ``str()`` says why and what to do."""


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISLNK, "a symbolic link"),
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
    ):
        if test(mode):
            return name
    return "not a regular file"


def ownership_problem(path: str, st: os.stat_result, what: str) -> str | None:
    """Why ``path`` must not be trusted (world-writable, another user's), or None; warns once if group-writable."""
    if os.name != "posix":
        return None
    if st.st_mode & stat.S_IWOTH:
        return f"{what} {path} is writable by every user, who could plant plugin entries in it (chmod o-w {path})"
    uid = os.getuid()
    if st.st_uid not in (uid, 0):
        return f"{what} {path} belongs to another user (uid {st.st_uid}); remove it or set REGISTRY_CORE_CACHE_DIR"
    if st.st_mode & stat.S_IWGRP and path not in _WARNED:
        _WARNED.add(path)
        from .._log import get_logger

        get_logger("cache").warning("%s %s is group-writable: every member of its group can change it", what, path)
    return None


def read_cache_file(path: str, *, check_owner: bool = True) -> bytes:
    """The file's bytes. FileNotFoundError (and other OSErrors) as ``open`` raises them; ``Refused`` for a
    symlink, a FIFO or device, a file over ``MAX_CACHE_BYTES``, or one another user could have written."""
    if not _NOFOLLOW and os.path.islink(path):  # (no O_NOFOLLOW here: look first)
        raise Refused(f"{path} is a symbolic link; a cache file is never read through one (delete it)")
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK)
    except OSError as exc:
        import errno

        if exc.errno == errno.ELOOP:
            raise Refused(f"{path} is a symbolic link; a cache file is never read through one (delete it)") from None
        raise
    try:
        st = os.fstat(fd)
        if stat.S_ISDIR(st.st_mode):
            raise IsADirectoryError(21, "Is a directory", path)
        if not stat.S_ISREG(st.st_mode):
            raise Refused(f"{path} is {_kind(st.st_mode)}, not a cache file (delete it)")
        if st.st_size > MAX_CACHE_BYTES:
            raise Refused(f"{path} is {st.st_size} bytes, over the {MAX_CACHE_BYTES}-byte limit of a cache file")
        if check_owner:
            # (ours and writable by us alone, the usual case, answered here; anything else by ownership_problem)
            plain = not _POSIX or (st.st_uid == os.getuid() and not st.st_mode & _WRITABLE_BY_OTHERS)
            problem = None if plain else ownership_problem(path, st, "cache file")
            if problem is None:
                folder = _dirname(path)
                # (one look per burst: every cache of a namespace lives in this folder)
                problem = shared_answer(
                    "cache folder", folder, lambda: ownership_problem(folder, os.stat(folder), "cache folder")
                )
            if problem:
                raise Refused(problem)
        size = st.st_size
        data = os.read(fd, size + 1)
        if len(data) != size:
            # A short read (some network and FUSE file systems), or a file that grew since fstat (only a
            # writer that does not replace the file, as ours do, can make it grow): read on to its end.
            chunks = [data]
            total = len(data)
            while total <= MAX_CACHE_BYTES:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    break
                chunks.append(chunk)
                total += len(chunk)
            data = b"".join(chunks)
        if len(data) > MAX_CACHE_BYTES:
            raise Refused(f"{path} grew past the {MAX_CACHE_BYTES}-byte limit of a cache file while being read")
        return data
    finally:
        os.close(fd)


def is_regular(path: str) -> bool:
    """A regular file, not through a symlink (``lstat``)."""
    try:
        return stat.S_ISREG(os.lstat(path).st_mode)
    except OSError:
        return False
