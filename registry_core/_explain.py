"""Answer "why is X (not) in this registry?" from the discovery report.

The vocabulary is the seed's troubleshooting list: import error, no key
attribute, abstract, wrong location, wrong base class, not found at all.
"""

from __future__ import annotations

import sys

from ._report import (
    ABSTRACT,
    DUPLICATE,
    EXCLUDED,
    FAILED,
    INHERITED_KEY,
    INVALID_KEY,
    MODULE_FAILED,
    NO_KEY,
    REGISTERED,
    ROOT,
    ClassOutcome,
    ModuleOutcome,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~14 ms to import; annotations are strings
    from typing import Any

# Causes.
CAUSE_REGISTERED = "registered"
CAUSE_IMPORT_ERROR = "import error"
CAUSE_NO_KEY = "no key attribute"
CAUSE_ABSTRACT = "abstract"
CAUSE_WRONG_LOCATION = "wrong location"
CAUSE_WRONG_BASE = "wrong base class"
CAUSE_DUPLICATE = "duplicate key"
CAUSE_EXCLUDED = "excluded"
CAUSE_INVALID_KEY = "invalid key"
CAUSE_ROOT = "registry root"
CAUSE_NOT_FOUND = "not found"

_CLASS_CAUSE = {
    REGISTERED: CAUSE_REGISTERED,
    ABSTRACT: CAUSE_ABSTRACT,
    NO_KEY: CAUSE_NO_KEY,
    INHERITED_KEY: CAUSE_NO_KEY,
    INVALID_KEY: CAUSE_INVALID_KEY,
    DUPLICATE: CAUSE_DUPLICATE,
    MODULE_FAILED: CAUSE_IMPORT_ERROR,
    ROOT: CAUSE_ROOT,
}


class Explanation:
    """The answer: ``registered`` (bool), ``cause`` (one of the causes above), ``message`` in plain words."""

    __slots__ = ("subject", "registry", "registered", "cause", "message", "details", "outcome")

    def __init__(
        self,
        subject: Any,
        registry: str,
        registered: bool,
        cause: str,
        message: str,
        details: list[str] | None = None,
        outcome: Any = None,
    ) -> None:
        self.subject = subject
        self.registry = registry
        self.registered = registered
        self.cause = cause
        self.message = message
        self.details = details or []
        self.outcome = outcome

    def __str__(self) -> str:
        return "\n".join([self.message, *("  " + d for d in self.details)])

    def __repr__(self) -> str:
        return f"Explanation({self.subject!r}, cause={self.cause!r}, registered={self.registered})"

    def to_dict(self) -> dict[str, Any]:
        outcome = self.outcome.to_dict() if hasattr(self.outcome, "to_dict") else None
        return {
            "subject": repr(self.subject) if not isinstance(self.subject, str) else self.subject,
            "registry": self.registry,
            "registered": self.registered,
            "cause": self.cause,
            "message": self.message,
            "details": self.details,
            "outcome": outcome,
        }


def explain(registry: Any, name: Any) -> Explanation:
    """Why ``name`` (a key, a class name, ``module:Class`` or a module name) is or is not in ``registry``."""
    registry.discover()
    report = registry.report
    label = registry.name
    if isinstance(name, type):
        name = f"{name.__module__}:{name.__qualname__}"

    if isinstance(name, str) and not dict.__contains__(registry, name):
        name = _key_written_as(registry, name)
    if hashable(name) and dict.__contains__(registry, name):
        holder = dict.__getitem__(registry, name)
        holder_outcome = _class_outcome_for(report, holder)
        if holder_outcome is not None and holder_outcome.outside_package:
            return _from_class(name, label, holder_outcome)  # registered only because something imported it
        from ._placeholder import identity_of

        module, qualname = identity_of(holder)
        where = f"{module}.{qualname}" if qualname else repr(holder)
        loaded = "" if registry.is_loaded(name) else " (listed from the cache; not imported yet)"
        return Explanation(
            name,
            label,
            True,
            CAUSE_REGISTERED,
            f"{name!r} is registered in {_the(label)}: {where}{loaded}.",
            outcome=holder_outcome,
        )

    if isinstance(name, str):
        by_class = report.find_classes(name)
        if by_class:
            return _from_class(name, label, by_class[-1])
    by_key = [c for c in report.classes if c.key == name and c.status != REGISTERED]
    if by_key:
        return _from_class(name, label, by_key[-1])
    if not isinstance(name, str):
        return _not_found(registry, repr(name))

    module = report.find_module(name)
    if module is not None:
        return _from_module(name, label, module, report)

    failed = [m for m in report.failures if name.lower() in m.name.rsplit(".", 1)[-1].lower()]
    if failed:
        m = failed[-1]
        return Explanation(
            name,
            label,
            False,
            CAUSE_IMPORT_ERROR,
            f"{name!r} is not registered; the module that likely defines it, {m.name}, failed to import: "
            f"{m.error_type}: {m.error_message}",
            _traceback_lines(m),
            m,
        )

    located = _search_loaded_classes(registry, name)
    if located is not None:
        return located
    return _not_found(registry, name)


def _key_written_as(registry: Any, text: str) -> Any:
    """The registry's key that ``text`` names as the views write it (an enum key: ``ZarrCompressor.NONE``, its
    ``repr``, or its name alone), else ``text`` itself: a command line has only strings to give."""
    from enum import Enum

    for key in dict.keys(registry):
        if type(key) is str:
            continue
        if text == str(key) or text == repr(key):
            return key
        if isinstance(key, Enum) and text in (key.name, f"{type(key).__name__}.{key.name}"):
            return key
    return text


def hashable(value: Any) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _class_outcome_for(report: Any, cls: Any) -> ClassOutcome | None:
    from ._placeholder import identity_of

    module, qualname = identity_of(cls)
    for outcome in reversed(report.classes):
        if outcome.module == module and outcome.qualname == qualname:
            return outcome
    return None


def _the(label: str) -> str:
    """``the storage backend registry``, but ``the library registry`` (not "registry registry")."""
    return f"the {label}" if label.endswith("registry") else f"the {label} registry"


def _from_class(subject: str, label: str, outcome: ClassOutcome) -> Explanation:
    cause = _CLASS_CAUSE.get(outcome.status, CAUSE_NOT_FOUND)
    registered = outcome.status == REGISTERED
    if registered and outcome.outside_package:
        # In this process it is registered, but discovery would not find it in a fresh one.
        cause = CAUSE_WRONG_LOCATION
    where = f"{outcome.module}.{outcome.qualname}" + (f" ({outcome.file})" if outcome.file else "")
    verb = "is registered in" if registered else "is not registered in"
    details = [f"defined in {where}"]
    if outcome.outside_package:
        details.append(
            "defined outside the registry's discovery package: a fresh process finds it only if "
            "something imports its module (wrong location for discovery)"
        )
    if outcome.status == DUPLICATE and outcome.holder:
        details.append(f"the key is held by {outcome.holder} ({outcome.holder_file or '?'})")
    return Explanation(
        subject,
        label,
        registered,
        cause,
        f"{outcome.class_name} {verb} {_the(label)}: {outcome.reason}.",
        details,
        outcome,
    )


def _from_module(subject: str, label: str, module: ModuleOutcome, report: Any) -> Explanation:
    if module.status == FAILED:
        return Explanation(
            subject,
            label,
            False,
            CAUSE_IMPORT_ERROR,
            f"module {module.name} failed to import, so none of its classes registered: "
            f"{module.error_type}: {module.error_message}",
            _traceback_lines(module),
            module,
        )
    if module.status == EXCLUDED:
        return Explanation(
            subject,
            label,
            False,
            CAUSE_EXCLUDED,
            f"module {module.name} was not imported: {module.detail}.",
            [],
            module,
        )
    classes = [c for c in report.classes if c.module == module.name]
    registered = [c for c in classes if c.status == REGISTERED]
    details = [f"{c.class_name}: {c.reason}" for c in classes]
    if registered:
        keys = ", ".join(repr(c.key) for c in registered)
        return Explanation(
            subject,
            label,
            True,
            CAUSE_REGISTERED,
            f"module {module.name} was imported and registered {keys}.",
            details,
            module,
        )
    cause = _CLASS_CAUSE.get(classes[-1].status, CAUSE_WRONG_BASE) if classes else CAUSE_WRONG_BASE
    message = f"module {module.name} was imported but registered nothing" + (
        ": " + "; ".join(details)
        if details
        else ": it defines no subclass of the registry's base class (wrong base class?)"
    )
    return Explanation(subject, label, False, cause, message + ".", details, module)


def _traceback_lines(module: ModuleOutcome) -> list[str]:
    return (module.traceback or "").rstrip().splitlines()


def _search_loaded_classes(registry: Any, name: str) -> Explanation | None:
    """A class called ``name`` that was imported somewhere, but not through discovery."""
    base = registry.base_class
    package = registry.config.discovery_package
    label = registry.name
    for module_name, module in list(sys.modules.items()):
        candidate = getattr(module, name, None) if module is not None else None
        if not isinstance(candidate, type) or candidate.__module__ != module_name:
            continue
        inside = package is not None and (module_name == package or module_name.startswith(package + "."))
        if base is not None and not issubclass(candidate, base):
            if inside:
                return Explanation(
                    name,
                    label,
                    False,
                    CAUSE_WRONG_BASE,
                    f"{name} in {module_name} is not a subclass of {base.__qualname__}, so it never "
                    f"registered in {_the(label)} (wrong base class).",
                )
            continue
        if not inside:
            return Explanation(
                name,
                label,
                False,
                CAUSE_WRONG_LOCATION,
                f"{name} is a {base.__qualname__ if base else 'registry'} subclass defined in "
                f"{module_name}, outside the discovery package {package} (wrong location); move it "
                f"into {package} or advertise it in entry-point group {registry.entry_point_group}.",
            )
    return None


def _not_found(registry: Any, name: str) -> Explanation:
    import difflib

    report = registry.report
    candidates = (
        [str(k) for k in dict.keys(registry)]
        + [c.class_name for c in report.classes]
        + [m.name for m in report.modules]
    )
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    details = [scanned(registry)]
    if close:
        details.append("did you mean: " + ", ".join(close))
    return Explanation(
        name,
        registry.name,
        False,
        CAUSE_NOT_FOUND,
        f"{name!r} is not a key, class or module known to {_the(registry.name)} (not found at "
        "all): check the file is inside the discovery package, or advertised as an entry point.",
        details,
    )


def scanned(registry: Any) -> str:
    """What ``registry``'s discovery looked at: its package (how many modules) and its entry-point group."""
    package = registry.config.discovery_package
    group = registry.entry_point_group
    if not package and not group:
        return "no discovery of its own: it holds what registered once the modules declaring it were imported"
    if not package:
        return f"discovery scanned entry-point group {group} (no package)"
    looked = f"discovery scanned package {package} ({len(registry.report.modules)} modules)"
    return f"{looked} and entry-point group {group}" if group else f"{looked}; no entry-point group"
