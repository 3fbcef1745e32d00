"""A cross-process lock beside a cache file; the kernel drops it when its holder dies.

On POSIX this is ``fcntl.flock`` on a lock file, which is what filelock's
UnixFileLock does; importing filelock costs ~55 ms here (it brings asyncio
along), a quarter of a cold start's budget, so filelock is used only where
flock does not exist (Windows). A killed process never leaves a stale lock:
flock locks belong to the open file, and the kernel closes it.
"""

from __future__ import annotations

import os
import time

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


class CacheLock:
    """``with CacheLock(path, timeout) as lock: if lock.acquired: ...``; never raises for lock trouble."""

    def __init__(self, path: str, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self.acquired = False
        self.error: str | None = None
        self.busy = False  # another holder had it (as opposed to a lock that cannot be created)
        self._fd: int | None = None
        self._filelock: Any = None

    def __enter__(self) -> CacheLock:
        try:
            os.makedirs(os.path.dirname(self.path), exist_ok=True)
        except OSError as exc:
            self.error = f"cannot create the cache folder for the lock: {exc.strerror or exc}"
            return self
        try:
            import fcntl
        except ImportError:
            self._acquire_filelock()
        else:
            self._acquire_flock(fcntl)
        return self

    def _acquire_flock(self, fcntl: Any) -> None:
        try:
            # Never through a symlink: a dangling one planted by someone else would make us create their file.
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o644)
        except OSError as exc:
            self.error = f"cannot create the cache lock {self.path}: {exc.strerror or exc}"
            return
        import stat

        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            self.error = f"the cache lock {self.path} is not a regular file"
            return
        deadline = time.monotonic() + self.timeout
        delay = 0.005
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    os.close(fd)
                    self.busy = True
                    self.error = f"another process held the cache lock for over {self.timeout:g} s"
                    return
                time.sleep(delay)
                delay = min(delay * 2, 0.1)
            except OSError as exc:
                os.close(fd)
                self.error = f"cannot lock {self.path}: {exc.strerror or exc}"
                return
            else:
                self._fd = fd
                self.acquired = True
                return

    def _acquire_filelock(self) -> None:
        from filelock import FileLock, Timeout

        try:
            self._filelock = FileLock(self.path, timeout=self.timeout)
            self._filelock.acquire()
            self.acquired = True
        except Timeout:
            self.busy = True
            self.error = f"another process held the cache lock for over {self.timeout:g} s"
        except OSError as exc:
            self.error = f"cannot create the cache lock {self.path}: {exc.strerror or exc}"

    def __exit__(self, *exc: Any) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing drops the flock
            self._fd = None
        if self._filelock is not None:
            self._filelock.release()
            self._filelock = None
        self.acquired = False
