"""metaclass-registry 0.4.1's strategy families (``metaclass_registry.strategies``).

Each mixin derives a family's registry key from one declaration on its concrete
members (an enum member, a nominal value type, or a context predicate plus
inheritance) and selects members from the registry itself, so callers keep no
dispatch table beside the family. Built on ``core``'s public API only.

Selections derived from a registry ("projections") are memoized until the next
member of any family is declared (or ``testing.restored_registry`` changes a
registry), which is when they can change.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Mapping, MutableMapping
from dataclasses import dataclass, field
from enum import Enum
from functools import cache
from typing import Any, ClassVar, Generic, TypeGuard, TypeVar, cast

from .core import (
    AutoRegisterMeta,
    LazyDiscoveryDict,
    RegistryConfig,
    RegistryFamily,
    RegistryKeyAttribute,
    extract_key_from_class_name,
)

_EnumT = TypeVar("_EnumT", bound=Enum)
_MemberT = TypeVar("_MemberT")
_ContextT = TypeVar("_ContextT")
_StrategyT = TypeVar("_StrategyT", bound="EnumKeyedStrategyMixin[Any]")
_TypeStrategyT = TypeVar("_TypeStrategyT", bound="NominalTypeKeyedStrategyMixin")
_ContextStrategyT = TypeVar("_ContextStrategyT", bound="MostDerivedContextStrategyMixin[Any]")
ContextStrategyTypes = tuple[type[_ContextStrategyT], ...]

#: What a nominal strategy declares as ``value_type``: one type, or a tuple of alternatives.
NominalTypeMember = type[Any] | tuple[type[Any], ...]


# -- memoized projections of the registries -----------------------------------------------------------------

_FAMILY_PROJECTION_RESETS: list[Callable[[], None]] = []
_ProjectionT = TypeVar("_ProjectionT", bound=Callable[..., Any])


def _family_projection(function: _ProjectionT) -> _ProjectionT:
    """Memoize ``function`` (per class and arguments) until :func:`_invalidate_family_projections`."""
    memoized = cache(function)
    _FAMILY_PROJECTION_RESETS.append(memoized.cache_clear)
    return cast(_ProjectionT, memoized)


def _invalidate_family_projections() -> None:
    """Forget every memoized projection: a registry changed (a member was declared, or a test restored one)."""
    for reset in _FAMILY_PROJECTION_RESETS:
        reset()


class RegisteredStrategyTypesMixin(Generic[_MemberT]):
    """A family's registered classes, each once, in registration order."""

    __registry__: ClassVar[Mapping[Any, type[Any]]]

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        # A new class may be about to register: what was selected before may no longer be the answer.
        _invalidate_family_projections()

    @classmethod
    @_family_projection
    def registered_strategy_types(cls) -> tuple[type[_MemberT], ...]:
        """The registered concrete classes, without repeats (one class may sit under several keys)."""
        return tuple(dict.fromkeys(cast(type[_MemberT], item) for item in cls.__registry__.values()))


# -- families keyed by an enum member ------------------------------------------------------------------------


def enum_key_from_class(name: str, cls: type[EnumKeyedStrategyMixin[Any]]) -> Hashable | None:
    """The registry key of an enum-keyed strategy: the ``.value`` of the enum member declared in its own body.

    None (no key: not registered) for a class that declares no member itself;
    an inherited member is the parent's key, not this class's.
    """
    del name
    member = cls.__dict__.get(cls.__enum_member_attr__)
    if isinstance(member, Enum):
        value: Hashable = member.value
        return value
    return None


class StrategyLabelRegistryMixin:
    """The registry declaration of a strategy root keyed by ``strategy_label`` (members without one are skipped)."""

    __registry_key__ = RegistryKeyAttribute.STRATEGY_LABEL.value
    __skip_if_no_key__ = True
    __registry_family__ = RegistryFamily(RegistryKeyAttribute.STRATEGY_LABEL)
    strategy_label: ClassVar[str | None] = None


class EnumKeyedStrategyMixin(Generic[_EnumT]):
    """A strategy family keyed by enum members: each concrete strategy declares the member it implements.

    The member is declared under ``__enum_member_attr__`` (``strategy_key`` by
    default); the registry key is its JSON-safe ``.value``, derived before the
    metaclass registers the class and stored in ``strategy_label``, so no member
    writes ``strategy_label = SomeEnum.X.value`` by hand.
    """

    __registry_key__ = RegistryKeyAttribute.STRATEGY_LABEL.value
    __skip_if_no_key__ = True
    __registry_family__ = RegistryFamily(RegistryKeyAttribute.STRATEGY_LABEL)
    __enum_member_attr__: ClassVar[str] = "strategy_key"
    __registry__: ClassVar[Mapping[Any, type[Any]]]
    __key_extractor__: ClassVar[Any]
    strategy_label: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        _invalidate_family_projections()
        # Runs inside type.__new__, before the metaclass reads the extractor; a family that names its own keeps it.
        if "__key_extractor__" not in cls.__dict__:
            cls.__key_extractor__ = staticmethod(enum_key_from_class)

    @classmethod
    def for_enum_member(cls: type[_StrategyT], member: _EnumT) -> _StrategyT:
        """A new instance of the strategy registered for ``member``."""
        return cls.strategy_type_for_enum_member(member)()

    @classmethod
    @_family_projection
    def strategy_type_for_enum_member(cls: type[_StrategyT], member: _EnumT) -> type[_StrategyT]:
        """The strategy class registered for ``member`` (KeyError when there is none)."""
        return cast(type[_StrategyT], cls.__registry__[member.value])

    @classmethod
    @_family_projection
    def registered_strategy_types(cls: type[_StrategyT]) -> tuple[type[_StrategyT], ...]:
        """One registered strategy class per declared enum member, in registration order.

        A registry may hold one strategy under two keys (a cache backend can keep
        the JSON-safe string form of a non-string key beside the key itself); the
        enum member a strategy declares is its identity, so such aliases collapse.
        """
        by_identity: dict[tuple[type[Enum], Enum] | int, type[_StrategyT]] = {}
        for strategy_type in cls.__registry__.values():
            member = strategy_type.__dict__.get(cls.__enum_member_attr__)
            identity: tuple[type[Enum], Enum] | int = (
                (type(member), member) if isinstance(member, Enum) else id(strategy_type)
            )
            by_identity.setdefault(identity, cast(type[_StrategyT], strategy_type))
        return tuple(by_identity.values())


# -- families keyed by a nominal value type ------------------------------------------------------------------


class NominalTypeKeyedStrategyMixin(RegisteredStrategyTypesMixin[_TypeStrategyT]):
    """Strategies selected by the runtime type of a value; each declares the type it owns in ``value_type``.

    The registry key is the type's dotted name (``value_type_label``, e.g.
    ``"builtins.int"``, or ``"builtins.str|builtins.bytes"`` for a tuple), never
    the type object, so keys stay JSON-safe and cacheable.
    """

    value_type: ClassVar[NominalTypeMember | None] = None
    value_type_label: ClassVar[str | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        member = cls.value_type
        if _is_nominal_type_member(member) and cls.__dict__.get("value_type_label") is None:
            cls.value_type_label = _nominal_type_key(member)

    @classmethod
    def for_nominal_value(cls: type[_TypeStrategyT], value: object) -> _TypeStrategyT | None:
        """A new instance of the most specific strategy owning ``type(value)``, or None."""
        strategy_types = cls.strategy_types_for_nominal_value(value)
        return strategy_types[0]() if strategy_types else None

    @classmethod
    def require_nominal_value(cls: type[_TypeStrategyT], value: object, *, context: str) -> _TypeStrategyT:
        """Like :meth:`for_nominal_value`, but TypeError (naming ``context`` and the type) when none owns it."""
        strategy = cls.for_nominal_value(value)
        if strategy is None:
            value_type = type(value)
            raise TypeError(
                f"{context} has no registered nominal strategy for {value_type.__module__}.{value_type.__qualname__}."
            )
        return strategy

    @classmethod
    def strategy_types_for_nominal_value(cls: type[_TypeStrategyT], value: object) -> tuple[type[_TypeStrategyT], ...]:
        """The registered strategies owning ``type(value)``, most specific first."""
        value_type: Any = type(value)
        return cls.strategy_types_for_nominal_type(value_type)

    @classmethod
    @_family_projection
    def strategy_types_for_nominal_type(
        cls: type[_TypeStrategyT], value_type: type[Any]
    ) -> tuple[type[_TypeStrategyT], ...]:
        """The registered strategies owning ``value_type``, nearest in its MRO first."""
        return cls.order_nominal_strategy_members(value_type, cls.nominal_strategy_members())

    @classmethod
    def nominal_strategy_members(
        cls: type[_TypeStrategyT],
    ) -> Iterable[tuple[type[_TypeStrategyT], NominalTypeMember | None]]:
        """Each registered strategy with the type it declares (override to derive members differently)."""
        for strategy_type in cls.registered_strategy_types():
            yield strategy_type, strategy_type.value_type

    @classmethod
    def order_nominal_strategy_members(
        cls: type[_TypeStrategyT],
        value_type: type[Any],
        members: Iterable[tuple[type[_TypeStrategyT], NominalTypeMember | None]],
    ) -> tuple[type[_TypeStrategyT], ...]:
        """The strategies of ``members`` whose type ``value_type`` is a subclass of, by MRO distance.

        The sort is stable: strategies at the same distance keep registration order.
        """
        value_mro = value_type.mro()
        owners = [
            (cls.nominal_type_distance(value_mro, member), strategy_type)
            for strategy_type, member in members
            if _is_nominal_type_member(member) and issubclass(value_type, member)
        ]
        owners.sort(key=lambda owner: owner[0])
        return tuple(strategy_type for _, strategy_type in owners)

    @staticmethod
    def nominal_type_distance(value_mro: list[type[Any]], member: NominalTypeMember) -> int:
        """How far up ``value_mro`` the member's type stands (the nearest of a tuple); past the end if absent.

        A type matched only through ``__subclasscheck__`` (an ABC's virtual
        subclass) is not in the MRO: it ranks after every real base.
        """
        if isinstance(member, tuple):
            return min(NominalTypeKeyedStrategyMixin.nominal_type_distance(value_mro, item) for item in member)
        return value_mro.index(member) if member in value_mro else len(value_mro)


def _is_nominal_type_member(value: object) -> TypeGuard[NominalTypeMember]:
    """A type, or a non-empty tuple of types."""
    if isinstance(value, type):
        return True
    return isinstance(value, tuple) and bool(value) and all(isinstance(item, type) for item in value)


def _nominal_type_key(value: NominalTypeMember) -> str:
    if isinstance(value, tuple):
        return "|".join(_nominal_type_key(item) for item in value)
    return f"{value.__module__}.{value.__qualname__}"


class NominalTypeStrategyFamilyMixin(NominalTypeKeyedStrategyMixin):
    """The registry declaration of a nominal-type strategy root: keyed by ``value_type_label``, unkeyed skipped."""

    __registry_key__ = RegistryKeyAttribute.VALUE_TYPE_LABEL.value
    __skip_if_no_key__ = True
    __registry_family__ = RegistryFamily(RegistryKeyAttribute.VALUE_TYPE_LABEL)
    value_type: ClassVar[NominalTypeMember | None] = None
    value_type_label: ClassVar[str | None] = None


# -- families selected by context and inheritance ------------------------------------------------------------


class MostDerivedContextStrategyMeta(AutoRegisterMeta):
    """Gives each direct subclass of a template (``MostDerivedContextStrategyMixin``) a registry of its own.

    A class whose bases include a class marked with ``FAMILY_ROOT_MARKER`` in its
    own body starts a family: a fresh ``LazyDiscoveryDict`` keyed by
    ``__registry_key__`` (``strategy_key`` unless it names another), with the
    key extractor it or a base declares. Every other class is created as
    ``AutoRegisterMeta`` creates it, and so joins the family it inherits.
    """

    REGISTRY_KEY = "strategy_key"
    FAMILY_ROOT_MARKER = "__most_derived_context_strategy_template__"

    def __new__(
        mcs: type[MostDerivedContextStrategyMeta],
        name: str,
        bases: tuple[type, ...],
        attrs: dict[str, Any],
        registry_config: RegistryConfig | None = None,
        **class_kwargs: Any,
    ) -> type:
        if not any(base.__dict__.get(mcs.FAMILY_ROOT_MARKER) is True for base in bases):
            return super().__new__(mcs, name, bases, attrs, registry_config=registry_config, **class_kwargs)
        registry_key = attrs.get("__registry_key__", mcs.REGISTRY_KEY)
        key_extractor = attrs.get("__key_extractor__")
        if key_extractor is None:
            inherited = (getattr(base, "__key_extractor__", None) for base in bases)
            key_extractor = next((extractor for extractor in inherited if extractor is not None), None)
        registry = LazyDiscoveryDict()
        # The class attributes say what the config says, for code that reads the family from the class.
        attrs["__registry__"] = registry
        attrs["__registry_key__"] = registry_key
        attrs["__skip_if_no_key__"] = True
        attrs["__registry_family__"] = RegistryFamily(registry_key)
        family_config = RegistryConfig(
            registry_dict=registry,
            key_attribute=registry_key,
            key_extractor=key_extractor,
            skip_if_no_key=True,
            registry_name=f"{name} most-derived context strategy",
        )
        return super().__new__(mcs, name, bases, attrs, registry_config=family_config, **class_kwargs)


class MostDerivedContextStrategyMixin(
    RegisteredStrategyTypesMixin[Any],
    Generic[_ContextT],
    ABC,
    metaclass=MostDerivedContextStrategyMeta,
):
    """A family whose members say which contexts they own (``matches``) and refine each other by subclassing.

    ``Family.for_context(context)`` builds the one most-derived registered
    strategy that matches: a matching class loses to a matching subclass of it,
    so precedence is plain inheritance, with no priority numbers and no
    if/elif chain at the call site. Each direct subclass of this mixin is a
    family of its own (see :class:`MostDerivedContextStrategyMeta`).
    """

    __registry_key__: ClassVar[str] = "strategy_key"
    __skip_if_no_key__: ClassVar[bool] = True
    __registry_family__ = RegistryFamily("strategy_key")
    __most_derived_context_strategy_template__: ClassVar[bool] = True
    strategy_key: ClassVar[Any | None] = None
    strategy_key_attr: ClassVar[str] = "strategy_key"

    @classmethod
    def for_context(
        cls: type[_ContextStrategyT],
        context: _ContextT,
        *,
        required: bool = True,
        error_subject: str | None = None,
    ) -> _ContextStrategyT | None:
        """The most-derived strategy owning ``context``, built by ``build_for_context``.

        No match: ValueError, or None when not ``required``. Two or more
        unrelated most-derived matches: ValueError naming them (always, since
        choosing one would hide an ambiguity in the family).
        """
        owners = cls.owning_strategy_types(context)
        subject = cls._error_subject(error_subject)
        if not owners:
            if not required:
                return None
            raise ValueError(f"{subject} requires a matching strategy.")
        if len(owners) > 1:
            names = tuple(cls._strategy_name(owner) for owner in owners)
            raise ValueError(f"{subject} requires exactly one most-derived strategy, got {names!r}.")
        return owners[0].build_for_context(context)

    @classmethod
    def owning_strategy_types(
        cls: type[_ContextStrategyT], context: _ContextT
    ) -> ContextStrategyTypes[_ContextStrategyT]:
        """The registered strategies matching ``context`` that no other matching strategy subclasses."""
        matching = tuple(
            strategy_type for strategy_type in cls.registered_strategy_types() if strategy_type.matches_context(context)
        )
        return tuple(
            candidate
            for candidate in matching
            if not any(other is not candidate and issubclass(other, candidate) for other in matching)
        )

    @classmethod
    def _error_subject(cls, explicit_subject: str | None) -> str:
        return explicit_subject or cls.__name__

    @classmethod
    def _strategy_name(cls, strategy_type: type[_ContextStrategyT]) -> object:
        # A strategy's own key names it best; an inherited key would name its parent.
        if cls.strategy_key_attr in strategy_type.__dict__:
            return strategy_type.__dict__[cls.strategy_key_attr]
        return strategy_type.__name__

    @classmethod
    def build_for_context(cls: type[_ContextStrategyT], context: _ContextT) -> _ContextStrategyT:
        """Build this strategy once selected (override to construct it from the context)."""
        del context
        return cls()

    @classmethod
    def matches_context(cls: type[_ContextStrategyT], context: _ContextT) -> bool:
        """Whether this strategy owns ``context``: ``matches`` on an instance built without arguments."""
        return cls().matches(context)

    @abstractmethod
    def matches(self, context: _ContextT) -> bool:
        """Whether this strategy owns ``context``."""


class AlwaysMatchesContextMixin(Generic[_ContextT]):
    """For a terminal strategy that owns every context (its subclasses narrow it down)."""

    def matches(self, context: _ContextT) -> bool:
        del context
        return True


# -- generated leaf classes -----------------------------------------------------------------------------------


class RegisteredLeafClassSpec(ABC, metaclass=AutoRegisterMeta):
    """A declaration of a class to generate (``declare_in``); the kinds of declaration form a registered family.

    Concrete kinds register under their class name (``declaration_key``).
    """

    __registry_family__ = RegistryFamily("declaration_key")
    __key_extractor__ = staticmethod(extract_key_from_class_name)

    declaration_key: ClassVar[str | None] = None
    class_name: str
    base_type: type[object]

    @abstractmethod
    def class_attributes(self) -> Mapping[str, object]:
        """The class attributes of the generated class."""

    def declare_in(self, namespace: MutableMapping[str, object]) -> type[object]:
        """Create the class, bind it under its name in ``namespace`` (a module's globals, say) and return it.

        Its ``__module__`` is the namespace's ``__name__`` when it has one, else the base type's module.
        """
        declared_type = type(
            self.class_name,
            (self.base_type,),
            {"__module__": namespace.get("__name__", self.base_type.__module__), **dict(self.class_attributes())},
        )
        namespace[self.class_name] = declared_type
        return declared_type


@dataclass(frozen=True, slots=True)
class GeneratedLeafClassSpec(RegisteredLeafClassSpec):
    """A generated class given by its name, its base and its class attributes."""

    class_name: str
    base_type: type[object]
    attributes: Mapping[str, object] = field(default_factory=dict, kw_only=True)

    def class_attributes(self) -> Mapping[str, object]:
        return self.attributes


# -- enum members that carry a payload ------------------------------------------------------------------------


def enum_member_with_payload(
    enum_type: type[object], value: object, *, payload_attribute: str, payload: object
) -> object:
    """An enum member for ``value`` with one extra attribute, for use as the enum's ``__new__``.

    The member's value stays ``value`` alone, so ``EnumType(value)`` finds it
    while the payload rides along as ``member.<payload_attribute>``.
    """
    member: Any = object.__new__(enum_type)
    member._value_ = value
    member.__dict__[payload_attribute] = payload
    return member


def str_enum_member_with_payload(enum_type: type[str], value: str, *, payload_attribute: str, payload: object) -> str:
    """:func:`enum_member_with_payload` for a ``str`` enum: the member is also the string ``value``."""
    member = str.__new__(enum_type, value)
    enum_member: Any = member
    enum_member._value_ = value
    enum_member.__dict__[payload_attribute] = payload
    return member
