"""Where caches live, and every environment variable registry_core reads (one place for both)."""

from __future__ import annotations

import os
import sys

from .._environ import env_get
from .fingerprint import _NORMAL

#: Overrides the cache root for every namespace: ``$REGISTRY_CORE_CACHE_DIR/<namespace>/``.
CACHE_DIR_VAR = "REGISTRY_CORE_CACHE_DIR"
#: ``=1`` disables every registry cache in the process.
DISABLE_ALL_VAR = "REGISTRY_CORE_DISABLE_CACHE"

_TRUE = {"1", "true", "yes", "on"}


def env_flag(name: str) -> bool:
    return (env_get(name) or "").strip().lower() in _TRUE


#: ``=1``: nothing is written anywhere (caches, their stamps, the profile history, the log): looking only.
NO_WRITE_VAR = "REGISTRY_CORE_NO_WRITE"


def read_only() -> bool:
    """Whether this process must write nothing (``--no-write``, and ``status``/``explain`` always)."""
    return env_flag(NO_WRITE_VAR)


def set_read_only(on: bool = True) -> None:
    """Write nothing from now on, in this process and the children it starts (the variable is inherited)."""
    if on:
        os.environ[NO_WRITE_VAR] = "1"
    else:
        os.environ.pop(NO_WRITE_VAR, None)


#: namespace_var's answers (a pure function of its two strings; every cache read asks).
_NAMESPACE_VARS: dict[tuple[str, str], str] = {}


def namespace_var(namespace: str, suffix: str) -> str:
    """``openhcs`` + ``DISABLE_REGISTRY_CACHE`` -> ``OPENHCS_DISABLE_REGISTRY_CACHE``."""
    name = _NAMESPACE_VARS.get((namespace, suffix))
    if name is None:
        if namespace.isascii() and namespace.replace("_", "").isalnum():
            prefix = namespace.upper()  # (the usual namespace, a Python name: every character stays)
        else:
            prefix = "".join(ch if ch.isalnum() else "_" for ch in namespace).upper()
        name = _NAMESPACE_VARS[namespace, suffix] = f"{prefix}_{suffix}"
    return name


def disable_var(namespace: str) -> str:
    return namespace_var(namespace, "DISABLE_REGISTRY_CACHE")


def no_gpu_var(namespace: str) -> str:
    return namespace_var(namespace, "SUBPROCESS_NO_GPU")


def cache_disabled_reason(namespace: str, enable_cache: bool = True) -> str | None:
    """Why caching is off for this namespace, or None when it is on."""
    if not enable_cache:
        return "disabled by enable_cache=False"
    if env_flag(DISABLE_ALL_VAR):
        return f"disabled by {DISABLE_ALL_VAR}=1"
    var = disable_var(namespace)
    if env_flag(var):
        return f"disabled by {var}=1"
    return None


def get_cache_dir(namespace: str = "registry_core") -> str:
    """The folder holding every cache of ``namespace``; ``shutil.rmtree`` of it clears them all.

    The seed's ``get_openhcs_cache_dir()`` is ``get_cache_dir("openhcs")``.
    """
    override = env_get(CACHE_DIR_VAR)
    if override:
        # (abspath of a normal absolute path is itself: every cache read asks, and normpath is the cost)
        if not (override[:1] == "/" and _NORMAL(override)):
            override = os.path.abspath(os.path.expanduser(override))
        return join(override, namespace)
    return user_cache_dir(namespace)


_POSIX_PATHS = os.sep == "/" and os.altsep is None


def join(folder: str, name: str) -> str:
    """``os.path.join(folder, name)``, for a ``name`` that is not absolute, in one concatenation on POSIX (every
    cache read asks twice; posixpath.join is ~50 bytecode steps)."""
    if _POSIX_PATHS and name[:1] != "/":
        return folder + name if not folder or folder[-1] == "/" else folder + "/" + name
    return os.path.join(folder, name)


def user_cache_dir(namespace: str) -> str:
    """platformdirs' user cache dir, without importing platformdirs on Linux.

    platformdirs' Unix backend imports pathlib and tempfile (~12 ms here), more
    than half the warm-start budget; on Linux its rule is the XDG one below, and
    ``tests/test_cache_location.py`` checks the two agree.
    """
    if sys.platform.startswith("linux"):
        base = env_get("XDG_CACHE_HOME") or ""  # used verbatim when absolute, as platformdirs does
        if not os.path.isabs(base):
            home = os.path.expanduser("~")
            if not os.path.isabs(os.environ.get("HOME", "/")):  # an empty/relative HOME counts as unset
                import pwd

                home = pwd.getpwuid(os.getuid()).pw_dir
            base = os.path.join(home, ".cache")
        return os.path.join(base, namespace)
    import platformdirs

    return platformdirs.user_cache_dir(namespace, appauthor=False)


#: Overrides the inspector's data folder (profile history): ``$REGISTRY_INSPECTOR_DATA_DIR``.
DATA_DIR_VAR = "REGISTRY_INSPECTOR_DATA_DIR"


def user_data_dir(namespace: str = "registry-inspector") -> str:
    """Where the inspector keeps profile history (platformdirs' user data dir, or ``$REGISTRY_INSPECTOR_DATA_DIR``)."""
    override = os.environ.get(DATA_DIR_VAR)
    if override and namespace == "registry-inspector":
        return os.path.abspath(os.path.expanduser(override))
    import platformdirs

    return platformdirs.user_data_dir(namespace, appauthor=False)
