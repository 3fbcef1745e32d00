"""metaclass-registry 0.4.1's ``_home`` module: the user's home folder.

A module of its own because ``cache.get_cache_file_path`` looks the function up
here at call time, so a test or a program can patch it to move the default
cache folder (``~/.cache/metaclass-registry``).
"""

from __future__ import annotations

from pathlib import Path


def get_home_dir() -> str:
    """The user's home folder as a string (``Path.home()``: ``HOME``, else the password database / profile)."""
    return str(Path.home())
