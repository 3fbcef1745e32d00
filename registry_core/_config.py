"""How a registry is declared: RegistryConfig, SecondaryRegistry and key extractors."""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~14 ms to import; annotations are strings
    from collections.abc import Callable, Iterable, Sequence
    from typing import Any

if TYPE_CHECKING:
    KeyExtractor = Callable[[str, type], Any]
    DiscoveryFunction = Callable[[list, str, type], Any]

#: ``SecondaryRegistry(key_source=PRIMARY_KEY)``: key the secondary entry like the primary one.
PRIMARY_KEY = "primary"

_FIELDS = (
    "registry_dict",
    "key_attribute",
    "key_extractor",
    "skip_if_no_key",
    "secondary_registries",
    "log_registration",
    "registry_name",
    "discovery_package",
    "discovery_recursive",
    "discovery_function",
    "exclude_patterns",
    "entry_point_group",
    "cache_namespace",
    "cache_env_vars",
)


class RegistryConfig:
    """Everything that decides how classes register and how a registry discovers them.

    ``cache_env_vars`` names environment variables that change what discovery
    finds (``<NAMESPACE>_SUBPROCESS_NO_GPU`` always does): a cache written under
    other values is stale.

    Immutable; :meth:`replace` returns a changed copy. ``None`` for
    ``discovery_package``, ``discovery_recursive``, ``registry_name``,
    ``entry_point_group`` and ``cache_namespace`` means "derive it": the
    registry stores the resolved config, so ``REGISTRY.config.discovery_package``
    always names the package actually scanned. ``entry_point_group=""`` loads
    no entry points (the resolved config says None).
    """

    __slots__ = _FIELDS
    # Set once in __init__ through object.__setattr__ (the class is immutable); declared for type checkers.
    registry_dict: dict | None
    key_attribute: str | None
    key_extractor: KeyExtractor | None
    skip_if_no_key: bool
    secondary_registries: tuple[SecondaryRegistry, ...]
    log_registration: bool
    registry_name: str | None
    discovery_package: str | None
    discovery_recursive: bool | None
    discovery_function: DiscoveryFunction | None
    exclude_patterns: tuple[str, ...]
    entry_point_group: str | None
    cache_namespace: str | None
    cache_env_vars: tuple[str, ...]

    def __init__(
        self,
        registry_dict: dict | None = None,
        key_attribute: str | None = None,
        key_extractor: KeyExtractor | None = None,
        skip_if_no_key: bool = True,
        secondary_registries: Iterable[SecondaryRegistry] | None = None,
        log_registration: bool = True,
        registry_name: str | None = None,
        discovery_package: str | None = None,
        discovery_recursive: bool | None = None,
        discovery_function: DiscoveryFunction | None = None,
        exclude_patterns: Sequence[str] = (),
        entry_point_group: str | None = None,
        cache_namespace: str | None = None,
        cache_env_vars: Sequence[str] = (),
    ) -> None:
        if key_attribute is not None and not isinstance(key_attribute, str):
            raise TypeError(f"RegistryConfig.key_attribute must be an attribute name (str), got {key_attribute!r}")
        if isinstance(exclude_patterns, str):
            raise TypeError("RegistryConfig.exclude_patterns must be a sequence of patterns, not one string")
        values = {
            "registry_dict": registry_dict,
            "key_attribute": key_attribute,
            "key_extractor": key_extractor,
            "skip_if_no_key": bool(skip_if_no_key),
            "secondary_registries": tuple(secondary_registries or ()),
            "log_registration": bool(log_registration),
            "registry_name": registry_name,
            "discovery_package": discovery_package,
            "discovery_recursive": discovery_recursive,
            "discovery_function": discovery_function,
            "exclude_patterns": tuple(exclude_patterns),
            "entry_point_group": entry_point_group,
            "cache_namespace": cache_namespace,
            "cache_env_vars": tuple(cache_env_vars),
        }
        for name, value in values.items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"RegistryConfig is immutable; use config.replace({name}=...)")

    def replace(self, **changes: Any) -> RegistryConfig:
        unknown = set(changes) - set(_FIELDS)
        if unknown:
            raise TypeError(f"RegistryConfig has no field(s) {sorted(unknown)}; fields are {list(_FIELDS)}")
        values = {name: getattr(self, name) for name in _FIELDS}
        values.update(changes)
        return RegistryConfig(**values)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-friendly description (callables by name) for reports and bundles."""
        return {
            "key_attribute": self.key_attribute,
            "key_extractor": _callable_name(self.key_extractor),
            "skip_if_no_key": self.skip_if_no_key,
            "secondary_registries": [s.attr_name for s in self.secondary_registries],
            "registry_name": self.registry_name,
            "discovery_package": self.discovery_package,
            "discovery_recursive": self.discovery_recursive,
            "discovery_function": _callable_name(self.discovery_function),
            "exclude_patterns": list(self.exclude_patterns),
            "entry_point_group": self.entry_point_group,
            "cache_namespace": self.cache_namespace,
            "cache_env_vars": list(self.cache_env_vars),
        }

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RegistryConfig):
            return NotImplemented
        return all(getattr(self, n) == getattr(other, n) for n in _FIELDS if n != "registry_dict") and (
            self.registry_dict is other.registry_dict
        )

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        shown = {k: v for k, v in self.to_dict().items() if v not in (None, (), [])}
        return "RegistryConfig(" + ", ".join(f"{k}={v!r}" for k, v in shown.items()) + ")"

    def __reduce__(self) -> tuple:
        return (_rebuild_config, (tuple(getattr(self, n) for n in _FIELDS),))


def _rebuild_config(values: tuple) -> RegistryConfig:
    return RegistryConfig(**dict(zip(_FIELDS, values)))


def _callable_name(func: Any) -> str | None:
    if func is None:
        return None
    return f"{getattr(func, '__module__', '?')}.{getattr(func, '__qualname__', repr(func))}"


class SecondaryRegistry:
    """A second dict filled from the primary registry's classes.

    ``registry_dict`` receives ``getattr(cls, attr_name)`` for each registered
    class that sets it, keyed by the primary key (``key_source=PRIMARY_KEY``)
    or by the value of the class attribute named by ``key_source``.
    """

    __slots__ = ("registry_dict", "key_source", "attr_name")
    registry_dict: dict
    key_source: str
    attr_name: str

    def __init__(self, registry_dict: dict, key_source: str = PRIMARY_KEY, attr_name: str = "") -> None:
        if not attr_name:
            raise TypeError("SecondaryRegistry needs attr_name: the class attribute whose value it stores")
        object.__setattr__(self, "registry_dict", registry_dict)
        object.__setattr__(self, "key_source", key_source)
        object.__setattr__(self, "attr_name", attr_name)

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError("SecondaryRegistry is immutable")

    def __repr__(self) -> str:
        return f"SecondaryRegistry(key_source={self.key_source!r}, attr_name={self.attr_name!r})"

    def __reduce__(self) -> tuple:
        return (SecondaryRegistry, (self.registry_dict, self.key_source, self.attr_name))


def make_suffix_extractor(suffix: str) -> KeyExtractor:
    """Key = class name without ``suffix``, lower-cased: ``ImageXpressHandler`` -> ``imagexpress``."""

    def extractor(name: str, cls: type) -> str:
        if suffix and name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
        return name.lower()

    extractor.__qualname__ = f"make_suffix_extractor({suffix!r})"
    return extractor


def extract_key_from_class_name(name: str, cls: type) -> str:
    """Key = the class name itself."""
    return name


extract_key_from_handler_suffix = make_suffix_extractor("Handler")
extract_key_from_backend_suffix = make_suffix_extractor("Backend")


def default_registry_name(class_name: str) -> str:
    """``StorageBackend`` -> ``storage backend``; used when no name is declared."""
    words: list[str] = []
    current = ""
    for index, char in enumerate(class_name):
        boundary = (
            char.isupper()
            and current
            and (not current[-1].isupper() or (index + 1 < len(class_name) and class_name[index + 1].islower()))
        )
        if boundary:
            words.append(current)
            current = ""
        current += char
    if current:
        words.append(current)
    if len(words) > 1 and words[-1] in ("Base", "Meta"):
        words.pop()
    return " ".join(w.lower() for w in words) or class_name.lower()


#: slug's answers (a pure function of its string; every registry's cache asks at each start).
_SLUGS: dict[str, str] = {}


def slug(text: str) -> str:
    """A name safe for entry-point groups, env vars and file names."""
    known = _SLUGS.get(text)
    if known is not None:
        return known
    out = "".join(ch if ch.isalnum() else "_" for ch in text.strip().lower())
    while "__" in out:
        out = out.replace("__", "_")
    _SLUGS[text] = out = out.strip("_") or "registry"
    return out
