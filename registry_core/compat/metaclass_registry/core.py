"""metaclass-registry 0.4.1's core API (``metaclass_registry.core``), on registry_core's engine.

What follows the library: how a class statement declares a registry or joins one
(``__registry_config__``, a metaclass ``registry_config=``, ``__registry__`` on a
base, ``__registry_key__``/``RegistryFamily`` on the class or a mixin, the old
metaclass ``__registry_dict__``), key resolution (an extractor-derived key is not
inherited), one class per key (``DuplicateRegistryKeyError``, same declaration
and ``__replaces_registered__`` excepted), no discovery unless a
``discovery_package`` is configured, and the first discovery failure raised.

What is registry_core's: ``LazyDiscoveryDict`` *is* a registry_core registry
(catalog, lock, discovery bookkeeping, the report ``registry_core.explain``
reads, the validated cache whose warm start imports no plugin module, and
healing a cache that lied). Registration here records each class's outcome in
that report, so the inspector sees a compat registry like any other.
"""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, replace
from enum import Enum, EnumMeta
from typing import Any, cast

from ... import _meta as _engine_meta
from ..._config import RegistryConfig as _EngineConfig
from ..._config import SecondaryRegistry as _EngineSecondary
from ..._placeholder import Unloaded, identity_of, live_class
from ..._registry import LazyDiscoveryDict as _EngineDict
from ..._report import ABSTRACT, DUPLICATE, NO_KEY, REGISTERED, ROOT
from ..._secondary import SecondaryRegistryDict as _EngineSecondaryDict
from .._names import library_registry_name
from . import discovery as _discovery_module
from ._keys import CACHE_KEY_CODEC
from .discovery import (
    discover_registry_classes,
    discover_registry_classes_recursive,
    import_module_preserving_root_logging,
)
from .exceptions import DiscoveryError, DuplicateRegistryKeyError

logger = logging.getLogger(__name__)

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


class SecondaryRegistryDict(_EngineSecondaryDict):
    """A secondary registry: reading it runs its primary registry's ``_discover()``."""

    def __init__(self, primary_registry: LazyDiscoveryDict) -> None:
        super().__init__()
        # Bound without enrolling: the primary enrols it when its configuration names it.
        self._primary = primary_registry

    @property
    def _primary_registry(self) -> Any:
        return self._primary

    def _ensure_discovered(self) -> None:
        primary = self._primary
        if primary is not None and hasattr(primary, "_discover"):
            primary._discover()


class LazyDiscoveryDict(_EngineDict):
    """A registry that discovers its ``discovery_package`` on first read (when one is configured).

    A registry_core registry underneath: concurrent first reads share one
    discovery; a valid cache fills the keys without importing plugin modules (a
    value imports on first access); discovery's first failure is raised, nothing
    is cached, and the next read tries again.
    """

    # Enum and tuple keys survive the cache, as in the library.
    _cache_key_codec = CACHE_KEY_CODEC

    def __init__(self, enable_cache: bool = True) -> None:
        self._mr_config: RegistryConfig | None = None
        self._discovery_package: str | None = None
        super().__init__(enable_cache)

    # The library's attribute names.
    @property
    def _config(self) -> RegistryConfig | None:  # type: ignore[override]
        return self._mr_config

    @property
    def _discovery_lock(self) -> Any:
        return self._lock

    def _set_config(self, base_class: type, config: RegistryConfig) -> None:
        self._mr_config = config
        self._discovery_package = config.discovery_package
        secondaries = [
            _EngineSecondary(s.registry_dict, s.key_source, s.attr_name) for s in config.secondary_registries or ()
        ]
        self._configure(
            base_class,
            _EngineConfig(
                registry_dict=self,
                key_attribute=config.key_attribute,
                key_extractor=config.key_extractor,
                skip_if_no_key=config.skip_if_no_key,
                secondary_registries=secondaries,
                log_registration=config.log_registration,
                registry_name=config.registry_name,
                discovery_package=config.discovery_package,
                discovery_recursive=config.discovery_recursive,
                discovery_function=config.discovery_function,
            ),
        )

    def _has_discovery_configuration(self) -> bool:
        config = self._mr_config
        if config is None or not config.discovery_package:
            return False
        if self._base_class is None:
            raise RuntimeError("Discovery configuration has no nominal registry root")
        return True

    @property
    def cache(self) -> Any:
        # Only a registry that discovers has something to cache.
        if not self._has_discovery_configuration():
            return None
        return super().cache

    def _get_version(self) -> str:
        """The discovery package's root ``__version__`` (``"unknown"`` without one), as the library reports it."""
        try:
            if self._discovery_package:
                root = __import__(self._discovery_package.split(".")[0])
                return getattr(root, "__version__", "unknown")
        except Exception:
            return "unknown"
        return "unknown"

    def _get_discovery_file_mtimes(self) -> dict[str, float]:
        if not self._discovery_package or self._mr_config is None:
            return {}
        from .cache import get_package_file_mtimes

        return get_package_file_mtimes(self._discovery_package, recursive=self._mr_config.discovery_recursive)

    def _scope_paths(self) -> Iterable[str] | None:
        """Import the discovery scope; a plain module has no child modules (None)."""
        config = cast(RegistryConfig, self._mr_config)
        # Looked up in this module at call time: the library's tests (and programs) patch it here.
        module = import_module_preserving_root_logging(cast(str, config.discovery_package))
        spec = module.__spec__
        if spec is None:
            raise DiscoveryError(f"Discovery scope has no module spec: {module.__name__}")
        return spec.submodule_search_locations

    def _discovery_failed(self) -> None:
        self._discovered = False

    def _ensure_discovered(self) -> None:
        if not self._has_discovery_configuration():
            return
        super()._ensure_discovered()

    def _discover(self) -> None:
        """Discover once (from a valid cache, else by importing the scope); raise the first failure."""
        self._ensure_discovered()

    def _discover_now(self) -> Any:
        from ..._discovery import run_discovery

        result = run_discovery(self, self._report, body=_discover_scope)
        self._last_discovery = result
        return result

    def discover_matching(self, module_filter: Callable[[str], bool]) -> None:
        """Import only the scope's modules that ``module_filter`` admits; never counts as (or caches) discovery."""
        if not self._has_discovery_configuration():
            return
        config = cast(RegistryConfig, self._mr_config)
        if config.discovery_recursive or config.discovery_function:
            raise ValueError("Selected discovery requires the flat discovery owner")
        with self._lock:
            if self._discovered:
                return
            paths = self._scope_paths()
            if paths is None:
                return
            discover_registry_classes(
                paths, f"{config.discovery_package}.", cast(type, self._base_class), module_filter=module_filter
            )


def _discover_scope(registry: LazyDiscoveryDict, result: Any) -> None:
    """The library's discovery, step for step, with every outcome recorded in registry_core's report.

    Import the scope, then each module under it (flat: no subpackages; recursive:
    the whole tree, a failing subpackage raising ``DiscoveryError``), or hand the
    paths to the configured ``discovery_function``. The first failure propagates:
    the registry keeps what registered, stays undiscovered and writes no cache.
    """
    from ..._discovery import _failure, _fingerprint_files, _module_file, import_plugin_module
    from ..._scan import scan_package

    config = cast(RegistryConfig, registry._mr_config)
    report = result.report
    report.begin()
    started = time.perf_counter()
    package = cast(str, config.discovery_package)
    try:
        paths = registry._scope_paths()
    except BaseException as exc:
        failure = _failure(package, None, exc)
        report.package_error = f"{failure.error_type}: {failure.error_message}"
        report.add_module(failure)
        raise
    prefix = package + "."
    if paths is None:
        _fingerprint_files(result, [_module_file(package)])
    elif config.discovery_function is not None:
        config.discovery_function(paths, prefix, registry._base_class)
        scan_package(list(paths), prefix, config.discovery_recursive, result.files)
    else:
        for scanned in scan_package(list(paths), prefix, config.discovery_recursive, result.files):
            try:
                import_plugin_module(
                    registry,
                    result,
                    scanned.name,
                    scanned.file,
                    importer=_discovery_module.import_module_preserving_root_logging,
                    strict=True,
                )
            except ImportError as exc:
                if scanned.is_package:
                    raise DiscoveryError(f"Cannot discover package {scanned.name}") from exc
                raise
    base = registry._base_class
    if base is not None:
        _fingerprint_files(result, [_module_file(base.__module__)])
    report.duration_s = time.perf_counter() - started
    report.source = "discovery"


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
    def _register_class(cls: type, key: RegistryKey, config: RegistryConfig, replaces: object = None) -> type | None:
        """Register ``cls`` in the primary registry; return the class it took the key from."""
        superseded: type | None = register_once(
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
    if "__skip_if_no_key__" in attrs:
        skip_if_no_key = attrs["__skip_if_no_key__"]
    elif isinstance(family, RegistryFamily):
        skip_if_no_key = family.skip_if_no_key
    elif mixin is not None:
        skip_if_no_key = getattr(mixin, "__skip_if_no_key__", True)
    else:
        skip_if_no_key = True
    secondary_registries = attrs.get("__secondary_registries__")
    if secondary_registries is None and mixin is not None:
        secondary_registries = getattr(mixin, "__secondary_registries__", None)
    if "__registry_name__" in attrs:
        registry_name = attrs["__registry_name__"]
    elif isinstance(family, RegistryFamily):
        registry_name = family.registry_name
    elif mixin is not None:
        registry_name = getattr(mixin, "__registry_name__", None)
    else:
        registry_name = None
    return registry_dict, key_attribute, key_extractor, skip_if_no_key, secondary_registries, registry_name


def _derived_registry_name(new_class: type) -> str:
    """Named after the class that owns the registry, one suffix off, every capital a word: "StorageBackend" ->
    "storage backend", "ROIJsonShapeDecoder" -> "r o i json shape decoder" (the library's spelling, which its
    messages and cache file names use)."""
    owner = next((base for base in new_class.__mro__ if "__registry__" in vars(base)), new_class)
    return library_registry_name(owner.__name__)


class RegisteredEnumMeta(AutoRegisterMeta, EnumMeta):
    """Metaclass for enum families that also register their leaves."""


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
