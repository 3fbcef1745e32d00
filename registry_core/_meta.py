"""AutoRegisterMeta: classes register themselves when their class statement runs."""

from __future__ import annotations

import sys
from abc import ABCMeta

from ._config import PRIMARY_KEY, RegistryConfig
from ._discovery import running
from ._placeholder import Unloaded, identity_of, live_class, same_declaration
from ._registry import LazyDiscoveryDict
from ._report import (
    ABSTRACT,
    DUPLICATE,
    INHERITED_KEY,
    INVALID_KEY,
    NO_KEY,
    REGISTERED,
    ROOT,
    ClassOutcome,
    first_line,
)

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~14 ms to import; annotations are strings
    from typing import Any

# Stamped into a class's own namespace when it registers, so that a subclass
# can tell an inherited key (its parent's) from one it declares itself.
_REGISTERED_MARK = "__registry_core_key__"

_CLASS_ATTRS = (
    "__registry_key__",
    "__key_extractor__",
    "__skip_if_no_key__",
    "__secondary_registries__",
    "__registry_name__",
)


class RegistryKeyMissingError(ValueError):
    """A class of a registry with ``__skip_if_no_key__ = False`` declared no key."""


class AutoRegisterMeta(ABCMeta):
    """Metaclass that registers each concrete class under its key when it is defined.

    The root class declares the registry, either with class attributes
    (``__registry__``, ``__registry_key__``, ``__key_extractor__``,
    ``__skip_if_no_key__``, ``__secondary_registries__``, ``__registry_name__``)
    or with ``__registry_config__ = RegistryConfig(...)``. Subclasses share the
    root's registry. Every class is recorded in the registry's report, with the
    reason when it is not registered.
    """

    def __new__(
        mcs,
        name: str,
        bases: tuple[type, ...],
        attrs: dict[str, Any],
        registry_config: RegistryConfig | None = None,
        **kwargs: Any,
    ) -> Any:
        cls = super().__new__(mcs, name, bases, attrs, **kwargs)
        root_config = _root_config(cls, attrs, registry_config)
        if root_config is not None:
            registry = _declare_root(cls, attrs, root_config)
            if not _registers_itself(cls, registry):
                registry.report.add_class(_outcome(cls, registry, ROOT, "root of the registry (not a plugin)"))
                return cls
        member_of = _registry_of_class(cls)
        if member_of is None:
            return cls
        _register(cls, member_of)
        return cls

    @staticmethod
    def _register_again(registry: LazyDiscoveryDict, outcome: ClassOutcome) -> None:
        """Register a live class once more (its earlier attempt lost to a cache entry that was wrong)."""
        obj = live_class(outcome.module, outcome.qualname)
        if obj is not None:
            _register(obj, registry)


def _root_config(cls: type, attrs: dict[str, Any], given: RegistryConfig | None) -> RegistryConfig | None:
    """The config this class declares as a new registry root, or None if it is a member or plain class."""
    declared = attrs.get("__registry_config__")
    if declared is not None and not isinstance(declared, RegistryConfig):
        raise TypeError(
            f"{cls.__qualname__}.__registry_config__ must be a RegistryConfig, got {type(declared).__name__}"
        )
    inherited = _registry_of_class(cls)
    if declared is not None:
        return declared
    if given is not None:
        # The domain-metaclass form passes the same config for every class; only the first is the root.
        target = given.registry_dict
        if isinstance(target, LazyDiscoveryDict) and target.config is not None:
            return None
        return given
    if "__registry__" in attrs and (inherited is None or attrs["__registry__"] is not inherited):
        return _config_from_attrs(cls, attrs)
    if inherited is None and "__registry_key__" in attrs:
        return _config_from_attrs(cls, attrs)
    return None


def _config_from_attrs(cls: type, attrs: dict[str, Any]) -> RegistryConfig:
    key_attribute = getattr(cls, "__registry_key__", None)
    if key_attribute is None:
        raise TypeError(
            f"{cls.__qualname__} declares __registry__ but no __registry_key__: "
            "name the class attribute that holds each plugin's key, e.g. __registry_key__ = '_backend_type'"
        )
    return RegistryConfig(
        registry_dict=attrs.get("__registry__"),
        key_attribute=key_attribute,
        key_extractor=getattr(cls, "__key_extractor__", None),
        skip_if_no_key=getattr(cls, "__skip_if_no_key__", True),
        secondary_registries=getattr(cls, "__secondary_registries__", None),
        registry_name=getattr(cls, "__registry_name__", None),
    )


def _declare_root(cls: type, attrs: dict[str, Any], config: RegistryConfig) -> LazyDiscoveryDict:
    registry = config.registry_dict
    declared = attrs.get("__registry__")
    if registry is None:
        registry = declared if declared is not None else LazyDiscoveryDict()
    elif declared is not None and declared is not registry:
        raise TypeError(f"{cls.__qualname__}.__registry__ is not the dict its __registry_config__ names")
    if config.key_attribute is None:
        raise TypeError(f"{cls.__qualname__}'s RegistryConfig needs key_attribute (e.g. '_backend_type')")
    if not isinstance(registry, LazyDiscoveryDict):
        raise TypeError(
            f"{cls.__qualname__}.__registry__ must be a registry_core.LazyDiscoveryDict "
            f"(LazyDiscoveryDict(enable_cache=False) opts out of caching), got {type(registry).__name__}"
        )
    if registry.config is not None and registry.base_class is not cls:
        raise TypeError(
            f"{cls.__qualname__} declares a registry that already belongs to "
            f"{registry.base_class.__qualname__}; subclass it instead of re-declaring __registry__"  # type: ignore[union-attr]
        )
    registry._configure(cls, config)
    type.__setattr__(cls, "__registry__", registry)
    type.__setattr__(cls, "__registry_config__", registry.config)
    # Class-attribute spelling of the resolved config, for code that reads them.
    for attr, value in (("__registry_key__", config.key_attribute), ("__skip_if_no_key__", config.skip_if_no_key)):
        if attr not in vars(cls):
            type.__setattr__(cls, attr, value)
    return registry


def _registers_itself(cls: type, registry: LazyDiscoveryDict) -> bool:
    """A root registers only if it is concrete and declares a key of its own."""
    attr = registry.config.key_attribute  # type: ignore[union-attr]
    return not getattr(cls, "__abstractmethods__", None) and attr is not None and vars(cls).get(attr) is not None


def _registry_of_class(cls: type) -> LazyDiscoveryDict | None:
    registry = getattr(cls, "__registry__", None)
    if isinstance(registry, LazyDiscoveryDict) and registry.config is not None:
        return registry
    return None


def _register(cls: type, registry: LazyDiscoveryDict) -> None:
    config: RegistryConfig = registry.config  # type: ignore[assignment]
    attr: str = config.key_attribute  # type: ignore[assignment]
    report = registry.report

    abstract = sorted(getattr(cls, "__abstractmethods__", ()) or ())
    if abstract:
        report.add_class(
            _outcome(
                cls,
                registry,
                ABSTRACT,
                f"abstract: does not implement {', '.join(abstract)}",
                abstract_methods=abstract,
            )
        )
        return

    key, inherited_from = _own_key(cls, attr)
    derived = False
    if key is None and config.key_extractor is not None:
        try:
            key = config.key_extractor(cls.__name__, cls)
        except Exception as exc:  # a user extractor; report, do not break the module
            report.add_class(_outcome(cls, registry, INVALID_KEY, f"key extractor raised {type(exc).__name__}: {exc}"))
            return
        derived = key is not None
    if key is None:
        if inherited_from is not None:
            value = getattr(cls, attr)
            status, reason = (
                INHERITED_KEY,
                (
                    f"no key of its own: {attr} = {value!r} is inherited from {inherited_from.__qualname__}, "
                    f"which is registered under it; set {attr} on {cls.__name__}"
                ),
            )
        else:
            status, reason = (
                NO_KEY,
                (
                    f"no key: class attribute {attr} is not set"
                    + ("" if config.key_extractor is None else " and the key extractor returned None")
                ),
            )
        report.add_class(_outcome(cls, registry, status, reason))
        if not config.skip_if_no_key:
            raise RegistryKeyMissingError(
                f"{cls.__module__}.{cls.__qualname__} has no registry key: set {attr} on it "
                f"(its registry, {registry.name}, has __skip_if_no_key__ = False)"
            )
        return
    try:
        hash(key)
    except TypeError:
        report.add_class(_outcome(cls, registry, INVALID_KEY, f"invalid key: {attr} = {key!r} is not hashable"))
        return

    holder = registry._add(key, cls)
    if holder is not None:
        report.add_class(
            _outcome(
                cls,
                registry,
                DUPLICATE,
                f"duplicate key {key!r}: already registered to {_name(holder)} ({_file_of(holder) or '?'})",
                key=key,
                holder=_name(holder),
                holder_file=_file_of(holder),
            )
        )
        return
    if derived:
        type.__setattr__(cls, attr, key)
    type.__setattr__(cls, _REGISTERED_MARK, key)
    secondary = _register_secondary(cls, key, registry)
    report.add_class(_outcome(cls, registry, REGISTERED, f"registered under key {key!r}", key=key, secondary=secondary))
    if config.log_registration:
        from ._log import debug

        debug("registry", "registered %s.%s as %r in %s", cls.__module__, cls.__qualname__, key, registry.name)


def _own_key(cls: type, attr: str) -> tuple[Any, type | None]:
    """(key, None) when the class has a key of its own; (None, parent) when its key is a registered parent's."""
    for klass in cls.__mro__:
        if attr in vars(klass):
            value = vars(klass)[attr]
            if klass is cls or value is None:
                return value, None
            if _REGISTERED_MARK in vars(klass):
                return None, klass
            # Declared on an ancestor that never registered (an abstract or keyless base): it is a default.
            return value, None
    return None, None


def _register_secondary(cls: type, key: Any, registry: LazyDiscoveryDict) -> dict[str, Any]:
    stored: dict[str, Any] = {}
    for secondary in registry.config.secondary_registries:  # type: ignore[union-attr]
        value = getattr(cls, secondary.attr_name, None)
        if value is None:
            continue
        secondary_key = key if secondary.key_source == PRIMARY_KEY else getattr(cls, secondary.key_source, None)
        if secondary_key is None:
            from ._log import get_logger

            get_logger("registry").warning(
                "%s sets %s but not %s, so it is not in that secondary registry",
                cls.__qualname__,
                secondary.attr_name,
                secondary.key_source,
            )
            continue
        target = secondary.registry_dict
        existing = dict.get(target, secondary_key)
        # A cache placeholder stands for this class's own entry: the class, now real, says what it is.
        ours = type(existing) is Unloaded and existing.primary_key == key
        if existing is not None and existing is not value and not same_declaration(existing, value) and not ours:
            stored[secondary.attr_name] = f"duplicate: {secondary_key!r} already holds {_name(existing)}"
            continue
        dict.__setitem__(target, secondary_key, value)
        stored[secondary.attr_name] = _name(value)
    return stored


def _outcome(cls: type, registry: LazyDiscoveryDict, status: str, reason: str, **extra: Any) -> ClassOutcome:
    config = registry.config
    package = config.discovery_package if config else None
    discovery = running(registry)
    module = cls.__module__
    inside = package is not None and (module == package or module.startswith(package + "."))
    return ClassOutcome(
        module,
        cls.__qualname__,
        status,
        reason,
        file=_file_of(cls),
        key_attribute=config.key_attribute if config else None,
        outside_package=not inside and (discovery is None or discovery.loading_entry_point is None),
        doc=first_line(cls.__doc__),
        live=True,
        **extra,
    )


def _name(obj: Any) -> str:
    module, qualname = identity_of(obj)
    return f"{module or '?'}.{qualname or repr(obj)}"


def _file_of(obj: Any) -> str | None:
    if type(obj) is Unloaded:
        return obj.file
    module = sys.modules.get(getattr(obj, "__module__", "") or "")
    return getattr(module, "__file__", None)
