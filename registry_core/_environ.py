"""Reading one environment variable for about the price of a dict lookup.

A warm start reads five or so variables per registry (the cache folder, the
switches that disable caching, the environment a cache was written for), and
``os.environ.get`` costs ~1.4 us each here: four Python-level calls to encode the
name and decode the value. On POSIX, ``os.environ`` keeps its variables in a dict
of bytes that every change through ``os.environ`` (``monkeypatch.setenv`` too)
updates at once; :func:`env_get` reads that dict directly, encoding as
``os.environ`` does, and falls back to ``os.environ.get`` wherever it is not so.
``tests/test_environ.py`` holds the two to the same answers.
"""

from __future__ import annotations

import os
import sys

_ENCODING = sys.getfilesystemencoding()
_ENVIRON = os.environ
#: os.environ's own dict of bytes (POSIX); None where there is none to read directly.
_DATA = _ENVIRON.__dict__.get("_data") if os.name == "posix" else None
if type(_DATA) is not dict:
    _DATA = None


def env_get(name: str, default: str | None = None) -> str | None:
    """``os.environ.get(name, default)``."""
    if _DATA is None or os.environ is not _ENVIRON:  # (a program that replaced os.environ: ask it)
        return os.environ.get(name, default)
    value = _DATA.get(name.encode(_ENCODING, "surrogateescape"))
    return default if value is None else value.decode(_ENCODING, "surrogateescape")


#: Variables this process set for its own plumbing (the metaclass-registry source's private cache folder):
#: name -> the value it had before (None: unset). A bug report shows the user's environment, not the plumbing.
_ORIGINAL: dict[str, str | None] = {}


def set_env_internally(name: str, value: str) -> None:
    """``os.environ[name] = value`` (inherited by children too), remembering the user's value for reports."""
    _ORIGINAL.setdefault(name, os.environ.get(name))
    os.environ[name] = value


def user_environ() -> dict[str, str]:
    """``os.environ`` with every variable :func:`set_env_internally` changed back to the user's value."""
    environ = dict(os.environ)
    for name, value in _ORIGINAL.items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    return environ
