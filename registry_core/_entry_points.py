"""Entry points of installed distributions, read straight from their dist-info folders.

``importlib.metadata`` costs ~50 ms to import here (email, zipfile, csv, ...),
a third of a cold start's budget at 1000 plugins; reading ``entry_points.txt``
of each ``*.dist-info``/``*.egg-info`` folder on sys.path is all that entry
points need. ``tests/test_entry_points.py`` checks the two agree.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

_SUFFIXES = (".dist-info", ".egg-info")


class EntryPoint:
    """One advertised plugin: ``name = module[:attr.path]`` from distribution ``dist``."""

    __slots__ = ("name", "value", "group", "dist", "version", "path")

    def __init__(self, name: str, value: str, group: str, dist: str, version: str, path: str) -> None:
        self.name = name
        self.value = value
        self.group = group
        self.dist = dist
        self.version = version
        self.path = path  # the entry_points.txt that says so

    @property
    def module(self) -> str:
        return self.value.partition(":")[0].strip()

    def load(self) -> Any:
        import importlib

        module_name, _, attrs = self.value.partition(":")
        obj: Any = importlib.import_module(module_name.strip())
        for part in attrs.split("[")[0].strip().split(".") if attrs.strip() else ():
            obj = getattr(obj, part)
        return obj

    def __repr__(self) -> str:
        return f"EntryPoint({self.name!r}, {self.value!r}, group={self.group!r}, dist={self.dist!r})"


def _normalize(name: str) -> str:
    """The form distribution names are compared in: lower case, each "-", "_" and "." made "-"."""
    return name.lower().replace("_", "-").replace(".", "-")


def distribution_folders(path_entries: list[str] | None = None) -> list[tuple[str, list[str]]]:
    """[(sys.path entry, [its dist-info/egg-info folder names])] for entries that are folders."""
    found = []
    for entry in sys.path if path_entries is None else path_entries:
        folder = entry or "."
        try:
            # listdir, not scandir: only names are needed, and a warm start lists every sys.path folder
            # (the standard library's hundreds of entries too) to tell which distributions are installed.
            names = sorted(name for name in os.listdir(folder) if name.endswith(_SUFFIXES))
        except OSError:
            continue
        found.append((entry, names))
    return found


def entry_points(group: str, folders: list[tuple[str, list[str]]] | None = None) -> list[EntryPoint]:
    """Entry points in ``group``, first distribution of each name winning, as importlib.metadata does."""
    seen: set[str] = set()
    result: list[EntryPoint] = []
    for entry, names in distribution_folders() if folders is None else folders:
        for name in names:
            stem = name.rsplit(".", 1)[0]
            dist, _, version = stem.partition("-")
            key = _normalize(dist)
            if key in seen:
                continue
            seen.add(key)
            path = os.path.join(entry or ".", name, "entry_points.txt")
            try:
                with open(path, encoding="utf-8") as handle:
                    text = handle.read()
            except (OSError, UnicodeDecodeError):
                continue
            found = _parse(text, group, dist, version.partition("-")[0], path)
            if found:
                real = _metadata_name(os.path.join(entry or ".", name))
                for ep in found:
                    ep.dist = real or ep.dist
                result.extend(found)
    return result


def _metadata_name(folder: str) -> str | None:
    """The distribution's own spelling of its name (folder names are normalized)."""
    for file in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, file), encoding="utf-8", errors="replace") as handle:
                for line in handle:
                    if line.lower().startswith("name:"):
                        return line.split(":", 1)[1].strip()
                    if not line.strip():
                        break
        except OSError:
            continue
    return None


def _parse(text: str, group: str, dist: str, version: str, path: str) -> list[EntryPoint]:
    found = []
    current = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1].strip()
            continue
        if current != group or "=" not in line:
            continue
        name, _, value = line.partition("=")
        found.append(EntryPoint(name.strip(), value.strip(), group, dist, version, path))
    return found
