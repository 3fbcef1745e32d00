"""metaclass-registry 0.4.1's core API (``metaclass_registry.core``), on registry_core's engine.

What follows the library: how a class statement declares a registry or joins one
(``__registry_config__``, a metaclass ``registry_config=``, ``__registry__`` on a
base, ``__registry_key__``/``RegistryFamily`` on the class or a mixin, the old
metaclass ``__registry_dict__``), key resolution (an extractor-derived key is not
inherited), one class per key (``DuplicateRegistryKeyError``, same declaration
and ``__replaces_registered__`` excepted), no discovery unless a
``discovery_package`` is configured, and the first discovery failure raised.

The declaration objects and ``register_once`` live in ``_declarations``, the lazy dicts in ``_lazy``; this
module is where programs import them from, as from the library's ``core``.

What is registry_core's: ``LazyDiscoveryDict`` *is* a registry_core registry
(catalog, lock, discovery bookkeeping, the report ``registry_core.explain``
reads, the validated cache whose warm start imports no plugin module, and
healing a cache that lied). Registration here records each class's outcome in
that report, so the inspector sees a compat registry like any other.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Hashable
from dataclasses import replace
from enum import EnumMeta
from typing import Any, cast

from ... import _meta as _engine_meta
from ..._placeholder import live_class
from ..._report import ABSTRACT, DUPLICATE, NO_KEY, REGISTERED, ROOT
from .._names import library_registry_name
from ._declarations import (
    _DECLARATION_TOKEN,
    _DERIVED_KEY_MARKER,
    PRIMARY_KEY,
    REPLACES_REGISTERED_ATTRIBUTE,
    SUPERSEDED_ON_ARRIVAL,
    KeyExtractor,
    RegistryConfig,
    RegistryDict,
    RegistryFamily,
    RegistryKey,
    RegistryKeyAttribute,
    SecondaryRegistry,
    _describe,
    extract_key_from_backend_suffix,
    extract_key_from_class_name,
    extract_key_from_handler_suffix,
    is_same_declaration,
    make_suffix_extractor,
    register_once,
)
from ._lazy import LazyDiscoveryDict, SecondaryRegistryDict
from .discovery import (
    discover_registry_classes,
    discover_registry_classes_recursive,
    import_module_preserving_root_logging,
)
from .exceptions import DuplicateRegistryKeyError

# The library's logger names: programs that configure "metaclass_registry" still get these messages.
logger = logging.getLogger("metaclass_registry.core")


__all__ = [
    "PRIMARY_KEY",
    "REPLACES_REGISTERED_ATTRIBUTE",
    "AutoRegisterMeta",
    "KeyExtractor",
    "LazyDiscoveryDict",
    "RegisteredEnumMeta",
    "RegistryConfig",
    "RegistryDict",
    "RegistryFamily",
    "RegistryKey",
    "RegistryKeyAttribute",
    "SecondaryRegistry",
    "SecondaryRegistryDict",
    "discover_registry_classes",
    "discover_registry_classes_recursive",
    "extract_key_from_backend_suffix",
    "extract_key_from_class_name",
    "extract_key_from_handler_suffix",
    "import_module_preserving_root_logging",
    "is_same_declaration",
    "make_suffix_extractor",
    "register_once",
]


def _inherited_config(name: str, bases: tuple[type, ...]) -> RegistryConfig | None:
    found: list[RegistryConfig] = []
    for base in bases:
        config = getattr(base, "__registry_config__", None)
        if isinstance(config, RegistryConfig) and all(config is not seen for seen in found):
            found.append(config)
    if len(found) > 1:
        raise TypeError(f"{name} inherits multiple registry configuration authorities")
    return found[0] if found else None


def _wrap_secondaries(new_class: type, config: RegistryConfig) -> RegistryConfig:
    """Plain-dict secondary registries become ``SecondaryRegistryDict``s, rebinding the module global that held
    the plain dict, so reading the secondary discovers the primary (the library does the same)."""
    if not config.secondary_registries:
        return config
    module = sys.modules.get(new_class.__module__)
    wrapped: list[SecondaryRegistry] = []
    for secondary in config.secondary_registries:
        target = secondary.registry_dict
        if isinstance(target, dict) and not isinstance(target, SecondaryRegistryDict):
            lazy = SecondaryRegistryDict(cast(LazyDiscoveryDict, config.registry_dict))
            dict.update(lazy, target)
            if module is not None:
                for var_name, var_value in vars(module).items():
                    if var_value is target:
                        setattr(module, var_name, lazy)
                        break
            wrapped.append(SecondaryRegistry(lazy, secondary.key_source, secondary.attr_name))
        else:
            wrapped.append(secondary)
    return replace(config, secondary_registries=wrapped)


def _record(cls: type, registry: Any, status: str, reason: str, **extra: Any) -> None:
    """The class's outcome in the registry's report (what ``registry_core.explain`` and the inspector read)."""
    if isinstance(registry, LazyDiscoveryDict) and registry.config is not None:
        registry.report.add_class(_engine_meta._outcome(cls, registry, status, reason, **extra))


class AutoRegisterMeta(_engine_meta.AutoRegisterMeta):
    """metaclass-registry's ``AutoRegisterMeta``: a concrete class registers under its key when it is defined.

    A subclass of registry_core's metaclass (``isinstance`` checks and the
    inspector treat compat families as registry_core's), with the library's rules.
    """

    def __new__(
        mcs,
        name: str,
        bases: tuple[type, ...],
        attrs: dict[str, Any],
        registry_config: RegistryConfig | None = None,
        **class_kwargs: Any,
    ) -> Any:
        family = attrs.get("__registry_family__")
        declared = attrs.get("__registry_config__")
        if declared is not None:
            if not isinstance(declared, RegistryConfig):
                raise TypeError("__registry_config__ must be a RegistryConfig")
            if registry_config is not None and registry_config is not declared:
                raise ValueError("Registry configuration must have one authoritative declaration")
            registry_config = declared
        elif registry_config is None:
            registry_config = _inherited_config(name, bases)

        # Past registry_core's own registration: the class statement itself (ABCMeta, and EnumMeta for enums).
        new_class: type = super(_engine_meta.AutoRegisterMeta, mcs).__new__(mcs, name, bases, attrs, **class_kwargs)
        if isinstance(family, RegistryFamily):
            family.apply_to_class(new_class, attrs)
        if declared is not None:
            if "__registry__" in attrs and attrs["__registry__"] is not declared.registry_dict:
                raise ValueError(f"{name}.__registry__ must be the registry owned by its __registry_config__")
            setattr(new_class, "__registry__", declared.registry_dict)  # noqa: B010

        if registry_config is None:
            registry_config = mcs._auto_configure_registry(new_class, attrs)
            if registry_config is None:
                mcs._reject_replacement_without_registration(new_class, attrs, "it belongs to no registry")
                return new_class

        registry = registry_config.registry_dict
        is_root = False
        if isinstance(registry, LazyDiscoveryDict) and registry._mr_config is None:
            registry._set_config(new_class, _wrap_secondaries(new_class, registry_config))
            is_root = True

        if not bases or getattr(new_class, "__abstractmethods__", None):
            if is_root:
                _record(new_class, registry, ROOT, "root of the registry (not a plugin)")
            else:
                missing = ", ".join(sorted(getattr(new_class, "__abstractmethods__", ()) or ()))
                _record(new_class, registry, ABSTRACT, f"abstract: does not implement {missing}")
            mcs._reject_replacement_without_registration(new_class, attrs, "it is abstract and does not register")
            return new_class

        key = mcs._get_registration_key(name, new_class, registry_config)
        if key is None:
            mcs._reject_replacement_without_registration(new_class, attrs, "it has no registry key")
            _record(new_class, registry, NO_KEY, f"no key: class attribute {registry_config.key_attribute} is not set")
            return mcs._handle_missing_key(name, registry_config, new_class)

        replaces = attrs.get(REPLACES_REGISTERED_ATTRIBUTE)
        if replaces is not None and not isinstance(replaces, type):
            raise TypeError(
                f"{_describe(new_class)} declares {REPLACES_REGISTERED_ATTRIBUTE} = {replaces!r}; "
                "it must be the registered class this class replaces."
            )
        try:
            superseded = mcs._register_class(new_class, key, registry_config, replaces=replaces)
        except DuplicateRegistryKeyError as exc:
            holder = dict.get(registry, key)
            _record(new_class, registry, DUPLICATE, str(exc), key=key, holder=_describe(holder))
            raise
        if superseded is SUPERSEDED_ON_ARRIVAL:
            # A warm start: the class that took this key over holds it already (its placeholder); this one
            # arrived first because that class's module imports it, as in the discovery the cache froze.
            holder = _describe(dict.get(registry, key))
            _record(
                new_class,
                registry,
                DUPLICATE,
                f"replaced under key {key!r} by {holder} ({REPLACES_REGISTERED_ATTRIBUTE})",
                key=key,
                holder=holder,
            )
            return new_class
        secondary: dict[str, Any] = {}
        if registry_config.secondary_registries:
            secondary = mcs._register_secondary(
                new_class, key, registry_config.secondary_registries, superseded=superseded
            )
        if superseded is not None and not is_same_declaration(superseded, new_class):
            _record(
                superseded,
                registry,
                DUPLICATE,
                f"replaced under key {key!r} by {_describe(new_class)} ({REPLACES_REGISTERED_ATTRIBUTE})",
                key=key,
                holder=_describe(new_class),
            )
        _record(new_class, registry, REGISTERED, f"registered under key {key!r}", key=key, secondary=secondary or {})
        if registry_config.log_registration:
            logger.debug("Auto-registered %s as %r %s", name, key, registry_config.registry_name)
        return new_class

    @staticmethod
    def _register_again(registry: Any, outcome: Any) -> None:
        """registry_core's healing put a live class back under its key: record it as registered again."""
        obj = live_class(outcome.module, outcome.qualname)
        if obj is not None:
            _record(obj, registry, REGISTERED, f"registered under key {outcome.key!r}", key=outcome.key)

    @staticmethod
    def _get_registration_key(name: str, cls: type, config: RegistryConfig) -> RegistryKey | None:
        """The class's declared key, else what the extractor derives. A key an extractor derived for an
        ancestor (and registration stamped on it) is that ancestor's, not a declaration to inherit."""
        key = getattr(cls, config.key_attribute, None)
        if key is not None and config.key_extractor is not None:
            owner = next((base for base in cls.__mro__ if config.key_attribute in vars(base)), None)
            if owner is not None and owner is not cls and vars(owner).get(_DERIVED_KEY_MARKER, False):
                key = None
        if key is not None:
            if not isinstance(key, Hashable):
                raise TypeError(f"Registry key {key!r} declared by {cls.__name__} is not hashable")
            return key
        if config.key_extractor is not None:
            derived = config.key_extractor(name, cls)
            if derived is not None:
                setattr(cls, _DERIVED_KEY_MARKER, True)
            return derived
        return None

    @staticmethod
    def _handle_missing_key(name: str, config: RegistryConfig, new_class: type) -> type:
        if config.skip_if_no_key:
            if config.log_registration:
                logger.debug("Skipping registration for %s - no %s", name, config.key_attribute)
            return new_class
        raise ValueError(
            f"Class {name} must have {config.key_attribute} attribute or provide a key_extractor in registry config"
        )

    @classmethod
    def _auto_configure_registry(mcs, new_class: type, attrs: dict[str, Any]) -> RegistryConfig | None:
        """A configuration from attributes: the metaclass's ``__registry_dict__`` (old style), else the first
        base with ``__registry__`` (join it), else a key attribute declared here or by a mixin (a new registry)."""
        registry_dict = getattr(mcs, "__registry_dict__", None)
        if registry_dict is not None:
            key_attribute = getattr(mcs, "__registry_key__", "_registry_key")
            key_extractor = getattr(mcs, "__key_extractor__", None)
            skip_if_no_key = getattr(mcs, "__skip_if_no_key__", True)
            secondary_registries = getattr(mcs, "__secondary_registries__", None)
            registry_name = getattr(mcs, "__registry_name__", None)
        else:
            owner = next((base for base in new_class.__mro__[1:] if hasattr(base, "__registry__")), None)
            if owner is not None:
                registry_dict = getattr(owner, "__registry__")  # noqa: B009
                key_attribute = getattr(owner, "__registry_key__", None)
                key_extractor = getattr(owner, "__key_extractor__", None)
                skip_if_no_key = getattr(owner, "__skip_if_no_key__", True)
                secondary_registries = getattr(owner, "__secondary_registries__", None)
                registry_name = getattr(owner, "__registry_name__", None)
            else:
                declared = _declared_registry(new_class, attrs)
                if declared is None:
                    return None
                (
                    registry_dict,
                    key_attribute,
                    key_extractor,
                    skip_if_no_key,
                    secondary_registries,
                    registry_name,
                ) = declared
        if registry_name is None:
            registry_name = _derived_registry_name(new_class)
        if not isinstance(key_attribute, str):
            raise TypeError(f"Registry key attribute for {new_class.__name__} must be a string")
        logger.debug(
            "Auto-configured registry for %s: key_attribute=%s, registry_name=%s",
            new_class.__name__,
            key_attribute,
            registry_name,
        )
        return RegistryConfig(
            registry_dict=registry_dict,
            key_attribute=key_attribute,
            key_extractor=key_extractor,
            skip_if_no_key=skip_if_no_key,
            secondary_registries=secondary_registries,
            registry_name=registry_name,
        )

    @staticmethod
    def _reject_replacement_without_registration(cls: type, attrs: dict[str, Any], reason: str) -> None:
        """A declared replacement that replaces nothing is an error, not a no-op."""
        replaces = attrs.get(REPLACES_REGISTERED_ATTRIBUTE)
        if replaces is not None:
            raise DuplicateRegistryKeyError(
                f"{_describe(cls)} declares {REPLACES_REGISTERED_ATTRIBUTE} = {_describe(replaces)}, but {reason}."
            )

    @staticmethod
    def _register_class(cls: type, key: RegistryKey, config: RegistryConfig, replaces: object = None) -> Any:
        """Register ``cls`` in the primary registry; return the class it took the key from (or
        ``SUPERSEDED_ON_ARRIVAL``: it was not stored, the class that took the key over from it holds it)."""
        superseded: Any = register_once(
            config.registry_dict, key, cls, registry_name=config.registry_name, replaces=replaces
        )
        setattr(cls, config.key_attribute, key)
        if _DECLARATION_TOKEN not in vars(cls):
            setattr(cls, _DECLARATION_TOKEN, object())
        return superseded

    @staticmethod
    def _register_secondary(
        cls: type,
        primary_key: RegistryKey,
        secondary_registries: list[SecondaryRegistry],
        superseded: type | None = None,
    ) -> dict[str, Any]:
        """Each secondary registry gets the class's ``attr_name`` value (classes without it are left out)."""
        stored: dict[str, Any] = {}
        for secondary in secondary_registries:
            value = getattr(cls, secondary.attr_name, None)
            if value is None:
                continue
            if secondary.key_source == PRIMARY_KEY:
                secondary_key: RegistryKey = primary_key
            else:
                declared = getattr(cls, secondary.key_source, None)
                if declared is None:
                    logger.warning(
                        "Cannot register %s for %s - no %s attribute",
                        secondary.attr_name,
                        cls.__name__,
                        secondary.key_source,
                    )
                    continue
                if not isinstance(declared, Hashable):
                    raise TypeError(f"Secondary registry key {declared!r} declared by {cls.__name__} is not hashable")
                secondary_key = declared
            # The value the replaced class registered goes with its key.
            old = None if superseded is None else getattr(superseded, secondary.attr_name, None)
            register_once(
                secondary.registry_dict,
                secondary_key,
                value,
                registry_name=f"{secondary.attr_name} (secondary registry of {cls.__name__})",
                superseded_values=() if old is None else (old,),
            )
            stored[secondary.attr_name] = _describe(value)
        return stored


def _declared_registry(new_class: type, attrs: dict[str, Any]) -> tuple | None:
    """A new registry declared by this class's body (``__registry_key__``, ``__registry_family__``) or by a
    protocol mixin that carries ``__registry_key__`` without owning a registry; None when there is none."""
    family = attrs.get("__registry_family__")
    key_attribute = attrs.get("__registry_key__")
    if key_attribute is None and isinstance(family, RegistryFamily):
        key_attribute = family.key_attribute_name
    mixin = None
    if key_attribute is None:
        for base in new_class.__mro__[1:]:
            inherited = getattr(base, "__registry_key__", None)
            if inherited is not None:
                mixin, key_attribute = base, inherited
                break
    if key_attribute is None:
        return None
    if "__registry__" in attrs:
        registry_dict = attrs["__registry__"]  # a plain dict opts out of lazy discovery
    else:
        registry_dict = LazyDiscoveryDict()
        setattr(new_class, "__registry__", registry_dict)  # noqa: B010
    # Explicit legacy attributes in the body win over the family, which wins over the mixin.
    key_extractor = attrs.get("__key_extractor__")
    if key_extractor is None and mixin is not None:
        key_extractor = getattr(mixin, "__key_extractor__", None)
    secondary_registries = attrs.get("__secondary_registries__")
    if secondary_registries is None and mixin is not None:
        secondary_registries = getattr(mixin, "__secondary_registries__", None)

    def declared(attr: str, family_field: str, default: Any) -> Any:
        if attr in attrs:
            return attrs[attr]
        if isinstance(family, RegistryFamily):
            return getattr(family, family_field)
        return getattr(mixin, attr, default) if mixin is not None else default

    skip_if_no_key = declared("__skip_if_no_key__", "skip_if_no_key", True)
    registry_name = declared("__registry_name__", "registry_name", None)
    return registry_dict, key_attribute, key_extractor, skip_if_no_key, secondary_registries, registry_name


def _derived_registry_name(new_class: type) -> str:
    """Named after the class that owns the registry, one suffix off, every capital a word: "StorageBackend" ->
    "storage backend", "ROIJsonShapeDecoder" -> "r o i json shape decoder" (the library's spelling, which its
    messages and cache file names use)."""
    owner = next((base for base in new_class.__mro__ if "__registry__" in vars(base)), new_class)
    return library_registry_name(owner.__name__)


class RegisteredEnumMeta(AutoRegisterMeta, EnumMeta):
    """Metaclass for enum families that also register their leaves."""
