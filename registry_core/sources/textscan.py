"""Which registry library a target uses, and which of its modules declare registries, read from its source text.

Nothing of the target is imported: its files are found along ``sys.path`` the way
the import system would (``PathFinder``), and read. A package whose ``__init__``
imports its submodules lazily (polystore) is scanned all the same.
"""

from __future__ import annotations

import os
import re

from .._scan import locate

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator

METACLASS_REGISTRY = "metaclass_registry"
REGISTRY_CORE = "registry_core"

#: A module that names one of these declares, or may declare, registries of that library.
_TOKENS = {
    METACLASS_REGISTRY: re.compile(r"^\s*(?:from|import)\s+metaclass_registry\b", re.MULTILINE),
    REGISTRY_CORE: re.compile(r"^\s*(?:from|import)\s+registry_core\b", re.MULTILINE),
}
#: Plugin libraries the inspector does not read: named when a target uses one of them and declares nothing else.
OTHER_LIBRARIES = {
    "pluggy": re.compile(r"^\s*(?:from|import)\s+pluggy\b", re.MULTILINE),
    "stevedore": re.compile(r"^\s*(?:from|import)\s+stevedore\b", re.MULTILINE),
    "npe2": re.compile(r"^\s*(?:from|import)\s+npe2\b", re.MULTILINE),
    "class-registry": re.compile(r"^\s*(?:from|import)\s+class_registry\b", re.MULTILINE),
}
#: Folders never scanned: their modules are not part of what the package declares at run time.
_SKIPPED_FOLDERS = {"tests", "test", "__pycache__", "examples", "docs", "benchmarks"}


class ScanResult:
    """``modules``: library -> the target's modules that import it, in file order; ``files`` scanned; ``found``."""

    __slots__ = ("target", "found", "is_package", "modules", "files", "others")

    def __init__(self, target: str) -> None:
        self.target = target
        self.found = False
        self.is_package = False
        self.modules: dict[str, list[str]] = {}
        self.files = 0
        #: Unsupported plugin libraries the target imports.
        self.others: set[str] = set()

    def libraries(self) -> list[str]:
        return sorted(self.modules)


def _python_files(root: str) -> Iterator[tuple[str, list[str]]]:
    """(path, dotted parts below root) of every .py file, skipping test and hidden folders, sorted."""
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(d for d in dirs if d not in _SKIPPED_FOLDERS and not d.startswith(".") and d.isidentifier())
        rel = os.path.relpath(folder, root)
        prefix = [] if rel == "." else rel.split(os.sep)
        for name in sorted(files):
            if name.endswith(".py") and name[:-3].isidentifier():
                stem = name[:-3]
                yield os.path.join(folder, name), prefix + ([] if stem == "__init__" else [stem])


def scan(target: str) -> ScanResult:
    """Read the target's files and note, per library, the modules that import it."""
    result = ScanResult(target)
    located = locate(target)
    if located is None:
        return result
    result.found = True
    paths, result.is_package = located
    sources = [item for root in paths for item in _python_files(root)] if result.is_package else [(paths[0], [])]
    for path, parts in sources:
        try:
            with open(path, encoding="utf-8", errors="replace") as handle:
                text = handle.read()
        except OSError:
            continue
        result.files += 1
        module = ".".join([target, *parts])
        for library, pattern in _TOKENS.items():
            if pattern.search(text):
                result.modules.setdefault(library, []).append(module)
        for library, pattern in OTHER_LIBRARIES.items():
            if pattern.search(text):
                result.others.add(library)
    return result
