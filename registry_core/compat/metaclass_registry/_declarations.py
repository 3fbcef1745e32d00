"""What a registry declaration is in metaclass-registry 0.4.1: its configuration objects, key extractors and
the one-class-per-key rule (``register_once``). Re-exported by ``core``, where programs import them from."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass
from enum import Enum
from typing import Any

from ..._placeholder import Unloaded, identity_of
from ..._report import DUPLICATE
from .exceptions import DuplicateRegistryKeyError

RegistryKey = Hashable
RegistryDict = dict[RegistryKey, Any]
KeyExtractor = Callable[[str, type], RegistryKey]

#: ``SecondaryRegistry(key_source=PRIMARY_KEY)``: key the secondary entry like the primary one.
PRIMARY_KEY = "primary"

#: Declared in a class body: the registered class this class takes the key from.
REPLACES_REGISTERED_ATTRIBUTE = "__replaces_registered__"

# Stamped on a class whose key its family's extractor derived: a subclass derives its own instead of inheriting it.
_DERIVED_KEY_MARKER = "__registry_key_derived__"

# Stamped on a class when it registers. ``dataclass(slots=True)`` rebuilds the class from a copy of its
# namespace, token included; a subclass or an unrelated class of the same name has no such token of its own.
_DECLARATION_TOKEN = "__registry_declaration__"

_ABSENT: Any = object()


def _describe(value: object) -> str:
    if type(value) is Unloaded:
        return f"{value.module}.{value.qualname}"
    module = getattr(value, "__module__", None)
    qualname = getattr(value, "__qualname__", None)
    if module is None or qualname is None:
        return repr(value)
    return f"{module}.{qualname}"


def is_same_declaration(registered: object, candidate: object) -> bool:
    """Whether two class objects come from one class statement (a reload, a re-run, a slots dataclass rebuild)."""
    if not isinstance(registered, type) or not isinstance(candidate, type):
        return False
    if registered.__module__ != candidate.__module__:
        return False
    if registered.__qualname__ == candidate.__qualname__:
        return True
    token = vars(registered).get(_DECLARATION_TOKEN)
    return (
        token is not None
        and vars(candidate).get(_DECLARATION_TOKEN) is token
        and (registered.__name__ == candidate.__name__)
    )


def _stands_for(existing: object, value: object) -> bool:
    """A warm start's placeholder holds the key for the very class now being defined."""
    return type(existing) is Unloaded and identity_of(existing) == identity_of(value)


#: What :func:`register_once` returns for a class that arrives on a warm start to find the key held by the
#: placeholder of the class that took it over from it (``__replaces_registered__``): left as it is.
SUPERSEDED_ON_ARRIVAL: Any = object()


def _taken_over_from(registry_dict: RegistryDict, key: RegistryKey, value: object, holder: object) -> bool:
    """Whether the discovery the cache froze saw ``holder`` take ``key`` over from ``value``: its report (read from
    the cache only now, on this rare path) records ``value`` as replaced under ``key`` by ``holder``. Then ``value``
    arriving first (the holder's module imports it) is that discovery's order, not a second claim on the key."""
    report = getattr(registry_dict, "report", None)
    if report is None:
        return False
    name, holder_name = _describe(value), _describe(holder)
    keys = (key, repr(key))
    return any(
        c.status == DUPLICATE and f"{c.module}.{c.qualname}" == name and c.holder == holder_name and c.key in keys
        for c in report.classes
    )


def register_once(
    registry_dict: RegistryDict,
    key: RegistryKey,
    value: Any,
    *,
    registry_name: str,
    replaces: object = None,
    superseded_values: tuple[object, ...] = (),
) -> Any:
    """Store ``value`` under ``key``; a key never silently changes hands. Returns the value it took over, or None.

    Allowed: the same object again (no-op); a class from the same declaration;
    the class named by ``replaces``; a value in ``superseded_values``. Anything
    else raises ``DuplicateRegistryKeyError`` naming both.
    """
    existing = dict.get(registry_dict, key, _ABSENT)
    if existing is value:
        return None
    if existing is _ABSENT:
        if replaces is not None:
            raise DuplicateRegistryKeyError(
                f"{_describe(value)} declares {REPLACES_REGISTERED_ATTRIBUTE} = {_describe(replaces)}, "
                f"but {registry_name} key {key!r} is not registered."
            )
        registry_dict[key] = value
        return None
    if _stands_for(existing, value):
        registry_dict[key] = value
        return None
    if type(existing) is Unloaded and replaces is None and _taken_over_from(registry_dict, key, value, existing):
        return SUPERSEDED_ON_ARRIVAL
    if (
        is_same_declaration(existing, value)
        or existing is replaces
        or any(existing is old for old in superseded_values)
    ):
        registry_dict[key] = value
        return existing
    if replaces is not None:
        raise DuplicateRegistryKeyError(
            f"{_describe(value)} declares {REPLACES_REGISTERED_ATTRIBUTE} = {_describe(replaces)}, "
            f"but {registry_name} key {key!r} is registered to {_describe(existing)}."
        )
    holder_name = existing.qualname.rpartition(".")[2] if type(existing) is Unloaded else None
    raise DuplicateRegistryKeyError(
        f"{registry_name} key {key!r} is already registered to {_describe(existing)}; "
        f"{_describe(value)} cannot register under the same key. Give it its own key, or declare "
        f"{REPLACES_REGISTERED_ATTRIBUTE} = {holder_name or getattr(existing, '__name__', 'TheOther')} "
        "in its class body if it is meant to take the key over."
    )


class RegistryKeyAttribute(str, Enum):
    """Common class-attribute names used as registry keys."""

    REGISTRY_KEY = "registry_key"
    STRATEGY_KEY = "strategy_key"
    STRATEGY_LABEL = "strategy_label"
    VALUE_TYPE_LABEL = "value_type_label"
    LAYOUT_KEY = "layout_key"


@dataclass(frozen=True)
class SecondaryRegistry:
    """A second dict filled from each registered class's ``attr_name``, keyed by the primary key or ``key_source``."""

    registry_dict: RegistryDict
    key_source: str
    attr_name: str


@dataclass(frozen=True)
class RegistryFamily:
    """One declaration for a registry root; installs the legacy ``__registry_key__``-style attributes."""

    key_attribute: str | RegistryKeyAttribute
    skip_if_no_key: bool = True
    registry_name: str | None = None

    @property
    def key_attribute_name(self) -> str:
        if isinstance(self.key_attribute, RegistryKeyAttribute):
            return self.key_attribute.value
        return self.key_attribute

    def apply_to_class(self, cls: type, explicit_attrs: dict) -> None:
        """Set the legacy attributes the class body did not set itself."""
        if "__registry_key__" not in explicit_attrs:
            setattr(cls, "__registry_key__", self.key_attribute_name)  # noqa: B010 (as the library: through the metaclass)
        if "__skip_if_no_key__" not in explicit_attrs:
            setattr(cls, "__skip_if_no_key__", self.skip_if_no_key)  # noqa: B010
        if self.registry_name is not None and "__registry_name__" not in explicit_attrs:
            setattr(cls, "__registry_name__", self.registry_name)  # noqa: B010


@dataclass(frozen=True)
class RegistryConfig:
    """How classes register (metaclass-registry's fields and defaults: ``skip_if_no_key=False``,
    ``registry_name="plugin"``, no discovery unless ``discovery_package`` names a package or module)."""

    registry_dict: RegistryDict
    key_attribute: str
    key_extractor: KeyExtractor | None = None
    skip_if_no_key: bool = False
    secondary_registries: list[SecondaryRegistry] | None = None
    log_registration: bool = True
    registry_name: str = "plugin"
    discovery_package: str | None = None
    discovery_recursive: bool = False
    discovery_function: Callable[..., Any] | None = None


def extract_key_from_class_name(name: str, cls: type) -> str:
    """Use the concrete class name as its registry key."""
    return name


def make_suffix_extractor(suffix: str) -> KeyExtractor:
    """Key = the class name without ``suffix``, lower-cased (the whole name lower-cased when it lacks it)."""
    size = len(suffix)

    def extractor(name: str, cls: type) -> str:
        return (name[:-size] if name.endswith(suffix) else name).lower()

    return extractor


extract_key_from_handler_suffix = make_suffix_extractor("Handler")
extract_key_from_backend_suffix = make_suffix_extractor("Backend")
