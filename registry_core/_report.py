"""What discovery found, as plain data: one outcome per module and per class.

A broken plugin is something to show, not a crash or a silent skip: every
reader (explain, the CLI, the app, the cache) works from these objects.
"""

from __future__ import annotations

import time

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~14 ms to import; annotations are strings
    from collections.abc import Iterable, Iterator
    from typing import Any

# Module outcomes.
IMPORTED = "imported"
FAILED = "failed"
EXCLUDED = "excluded"

# Class outcomes.
REGISTERED = "registered"
ROOT = "root"
ABSTRACT = "abstract"
NO_KEY = "no_key"
INHERITED_KEY = "inherited_key"
INVALID_KEY = "invalid_key"
DUPLICATE = "duplicate"
MODULE_FAILED = "module_failed"

CLASS_STATUSES = (REGISTERED, ROOT, ABSTRACT, NO_KEY, INHERITED_KEY, INVALID_KEY, DUPLICATE, MODULE_FAILED)
MODULE_STATUSES = (IMPORTED, FAILED, EXCLUDED)

# Where a module came from.
SOURCE_PACKAGE = "package"
SOURCE_ENTRY_POINT = "entry point"


class _Record:
    """Slots-based record with dict round-trip; dataclasses costs ~20 ms to import."""

    __slots__: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__ if name not in _TRANSIENT}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Any:
        if not isinstance(data, dict):
            raise TypeError(f"{cls.__name__} data must be an object, got {type(data).__name__}")
        obj = cls.__new__(cls)
        for name in cls.__slots__:
            setattr(obj, name, data.get(name, _DEFAULTS.get(name)) if name not in _TRANSIENT else False)
        return obj

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and self.to_dict() == other.to_dict()

    def __repr__(self) -> str:
        fields = ", ".join(f"{k}={v!r}" for k, v in self.to_dict().items() if v not in (None, "", [], 0.0))
        return f"{type(self).__name__}({fields})"


_DEFAULTS: dict[str, Any] = {
    "abstract_methods": [],
    "secondary": {},
    "outside_package": False,
    "source": "package",
    "detail": "",
    "duration_s": 0.0,
}
# Facts about this process, never written to a cache.
_TRANSIENT = {"live"}


class ModuleOutcome(_Record):
    """One module discovery tried to import (or chose not to)."""

    __slots__ = (
        "name",
        "status",
        "file",
        "source",
        "entry_point",
        "distribution",
        "error_type",
        "error_message",
        "traceback",
        "detail",
        "duration_s",
    )

    def __init__(
        self,
        name: str,
        status: str,
        *,
        file: str | None = None,
        source: str = SOURCE_PACKAGE,
        entry_point: str | None = None,
        distribution: str | None = None,
        error_type: str | None = None,
        error_message: str | None = None,
        traceback: str | None = None,
        detail: str = "",
        duration_s: float = 0.0,
    ) -> None:
        self.name = name
        self.status = status
        self.file = file
        self.source = source
        self.entry_point = entry_point
        self.distribution = distribution
        self.error_type = error_type
        self.error_message = error_message
        self.traceback = traceback
        self.detail = detail
        self.duration_s = duration_s

    @property
    def reason(self) -> str:
        if self.status == FAILED:
            return f"import failed: {self.error_type}: {self.error_message}"
        if self.status == EXCLUDED:
            return f"excluded: {self.detail}"
        return "imported"


class ClassOutcome(_Record):
    """One class the metaclass saw, and what became of it."""

    __slots__ = (
        "module",
        "qualname",
        "file",
        "status",
        "key",
        "reason",
        "key_attribute",
        "abstract_methods",
        "holder",
        "holder_file",
        "secondary",
        "outside_package",
        "doc",
        "live",
    )

    def __init__(
        self,
        module: str,
        qualname: str,
        status: str,
        reason: str,
        *,
        file: str | None = None,
        key: Any = None,
        key_attribute: str | None = None,
        abstract_methods: list[str] | None = None,
        holder: str | None = None,
        holder_file: str | None = None,
        secondary: dict[str, Any] | None = None,
        outside_package: bool = False,
        doc: str = "",
        live: bool = False,
    ) -> None:
        self.module = module
        self.qualname = qualname
        self.file = file
        self.status = status
        self.key = key
        self.reason = reason
        self.key_attribute = key_attribute
        self.abstract_methods = abstract_methods or []
        self.holder = holder
        self.holder_file = holder_file
        self.secondary = secondary or {}
        self.outside_package = outside_package
        self.doc = doc
        #: True when the class was defined in this process (not read back from a cache).
        self.live = live

    @property
    def name(self) -> str:
        return f"{self.module}:{self.qualname}"

    @property
    def class_name(self) -> str:
        return self.qualname.rsplit(".", 1)[-1]


class DiscoveryReport:
    """Everything one registry's discovery saw, in the order it saw it.

    Appends come from the metaclass while modules import; list.append is atomic,
    and only the discovering thread imports, so no lock is needed here.
    """

    def __init__(self, registry_name: str = "", package: str | None = None) -> None:
        self.registry_name = registry_name
        self.package = package
        self.entry_point_group: str | None = None
        self.modules: list[ModuleOutcome] = []
        self.classes: list[ClassOutcome] = []
        self._index: dict[tuple[str, str], int] = {}
        self.package_error: str | None = None
        #: Why the registry threw its cache away and re-discovered, if it did.
        self.healed: str | None = None
        self.started: float | None = None
        self.duration_s: float | None = None
        # "discovery" when modules were scanned and imported; "cache" when served from a cache.
        self.source: str = "none"

    # -- writers ----------------------------------------------------------
    def add_module(self, outcome: ModuleOutcome) -> None:
        self.modules.append(outcome)

    def add_class(self, outcome: ClassOutcome) -> None:
        """Record a class; a reloaded module's class replaces its earlier outcome in place."""
        key = (outcome.module, outcome.qualname)
        index = self._index
        if len(index) != len(self.classes):  # ``classes`` was assigned wholesale: re-index once
            index.clear()
            index.update(((c.module, c.qualname), i) for i, c in enumerate(self.classes))
        position = index.get(key)
        if position is not None:
            self.classes[position] = outcome
        else:
            index[key] = len(self.classes)
            self.classes.append(outcome)

    def begin(self) -> None:
        # A discovery retried after an interrupted one rescans every module: drop the stale module outcomes.
        # Class outcomes stay: they are recorded at class creation, whether or not discovery imported the class.
        self.started = time.time()
        self.modules = []
        self.package_error = None

    # -- readers ----------------------------------------------------------
    def classes_with(self, *statuses: str) -> list[ClassOutcome]:
        return [c for c in self.classes if c.status in statuses]

    def modules_with(self, *statuses: str) -> list[ModuleOutcome]:
        return [m for m in self.modules if m.status in statuses]

    @property
    def registered(self) -> list[ClassOutcome]:
        return self.classes_with(REGISTERED)

    @property
    def failures(self) -> list[ModuleOutcome]:
        """Modules that raised while importing."""
        return self.modules_with(FAILED)

    @property
    def skipped(self) -> list[ClassOutcome]:
        """Concrete-looking classes that were not registered, with the reason."""
        return self.classes_with(ABSTRACT, NO_KEY, INHERITED_KEY, INVALID_KEY, DUPLICATE, MODULE_FAILED)

    @property
    def duplicates(self) -> list[ClassOutcome]:
        return self.classes_with(DUPLICATE)

    def find_classes(self, name: str) -> list[ClassOutcome]:
        """Outcomes for a class given as ``Name``, ``qual.Name`` or ``module:qualname``."""
        return [c for c in self.classes if name in (c.class_name, c.qualname, c.name, f"{c.module}.{c.qualname}")]

    def find_module(self, name: str) -> ModuleOutcome | None:
        for outcome in reversed(self.modules):
            if outcome.name == name:
                return outcome
        return None

    def __iter__(self) -> Iterator[ClassOutcome]:
        return iter(self.classes)

    def summary(self) -> str:
        return (
            f"{self.registry_name}: {len(self.registered)} registered, {len(self.failures)} failed modules, "
            f"{len(self.skipped)} skipped classes ({len(self.modules)} modules scanned)"
        )

    # -- round trip (the cache stores the report so a warm start still explains) --
    def to_dict(self) -> dict[str, Any]:
        return {
            "registry_name": self.registry_name,
            "package": self.package,
            "entry_point_group": self.entry_point_group,
            "package_error": self.package_error,
            "started": self.started,
            "duration_s": self.duration_s,
            "source": self.source,
            "modules": [m.to_dict() for m in self.modules],
            "classes": [_jsonable_class(c) for c in self.classes],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DiscoveryReport:
        report = cls(data.get("registry_name", ""), data.get("package"))
        report.entry_point_group = data.get("entry_point_group")
        report.package_error = data.get("package_error")
        report.started = data.get("started")
        report.duration_s = data.get("duration_s")
        report.source = data.get("source", "none")
        report.modules = [ModuleOutcome.from_dict(m) for m in data.get("modules", [])]
        report.classes = [ClassOutcome.from_dict(c) for c in data.get("classes", [])]
        return report


def _jsonable_class(outcome: ClassOutcome) -> dict[str, Any]:
    data = outcome.to_dict()
    data["key"] = _jsonable(data["key"])
    data["secondary"] = {k: _jsonable(v) for k, v in data["secondary"].items()}
    return data


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return repr(value)


def first_line(doc: str | None) -> str:
    """The summary line of a docstring (what a UI shows beside a plugin)."""
    if not doc:
        return ""
    for line in doc.strip().splitlines():
        if line.strip():
            return line.strip()
    return ""


def describe(names: Iterable[str]) -> str:
    return ", ".join(sorted(names))
