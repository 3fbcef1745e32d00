"""Generated enums, cached as JSON: pyqtgraph's colormaps and image-component enums.

Enum generation caching (from the seed). Listing colormaps means importing
pyqtgraph, which pulls in Qt (~0.5 s); a warm start reads one JSON file
instead and imports neither. Component enums (``AllComponents``,
``VariableComponents``, ``GroupBy``) are generated from a components table and
cached as one JSON structure.

Cold and warm paths build the classes with the same code from the same plain
data (the cache items), so custom members such as ``GroupBy.component`` exist
either way. Generated classes pickle by value: a class reduces to a function
of this module and the data that regenerates it, and the same data always
yields the same class object in a process, so members compare equal (they
are identical) across processes, under ``multiprocessing`` spawn too.
"""

from __future__ import annotations

import copyreg
import sys
from enum import Enum
from enum import EnumMeta as EnumType  # (the name EnumType is 3.11+; EnumMeta is it on 3.10 too)

from .cache.fingerprint import distributions_stamp, distributions_unchanged
from .cache.manager import CacheConfig, RegistryCacheManager, stable_hash
from .cache.status import VALID

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator
    from typing import Any

    from .cache.status import CacheStatus

#: Bump when what is stored (or how members are named) changes: older caches become stale.
SCHEMA = 1
#: Colours sampled along each colormap for its swatch.
SWATCH_SIZE = 8
#: The sources ``pyqtgraph.colormap.listMaps(source)`` knows, in the order names are taken.
#: "local" (None to pyqtgraph) ships with pyqtgraph; the others exist when that package is installed.
COLORMAP_SOURCES = ("local", "matplotlib", "colorcet")
COLORMAP_MAX_AGE_DAYS = 30
COMPONENT_MAX_AGE_DAYS = 7
COMPONENT_ENUM_NAMES = ("AllComponents", "VariableComponents", "GroupBy")
DEFAULT_NAMESPACE = "registry_core"

_COMPONENT_KEYS = ("all_components", "variable_components", "group_by", "descriptions")

#: One class (or tuple of classes) per distinct generated content: equal data, identical class.
_CLASSES: dict[tuple, Any] = {}
#: Every enum cache this process has used, by (namespace, file name); the latest manager of a file wins.
_MANAGERS: dict[tuple[str, str], RegistryCacheManager] = {}
#: How to write each remembered enum cache afresh (``rebuild_enum_caches``): its items regenerated and saved.
_REBUILDERS: dict[tuple[str, str], Callable[[], object]] = {}


# -- the classes --------------------------------------------------------------------
class GeneratedEnumType(EnumType):
    """Metaclass of generated enums: a class pickles as the call that regenerates it."""


def _reduce_generated(cls: type) -> Any:
    recipe = cls.__dict__.get("__registry_core_recipe__")
    if recipe is None:
        return cls.__qualname__  # a hand-written base class: by reference, as usual
    return recipe


copyreg.pickle(GeneratedEnumType, _reduce_generated)


class ColormapMember(Enum, metaclass=GeneratedEnumType):
    """A colormap: the value is the name ``pyqtgraph.colormap.get()`` takes."""

    @property
    def swatch(self) -> list[str]:
        """``SWATCH_SIZE`` ``#rrggbb`` colours sampled evenly along the map."""
        return list(type(self).__dict__["_swatches"][self._value_])

    @property
    def source(self) -> str:
        """Where pyqtgraph gets it: "local" (ships with pyqtgraph), "matplotlib" or "colorcet"."""
        return type(self).__dict__["_sources"][self._value_]

    def __str__(self) -> str:
        return self._value_


class ComponentMember(Enum, metaclass=GeneratedEnumType):
    """An image component (well, site, channel, ...); the value is its name in the components table."""

    @property
    def description(self) -> str:
        return type(self).__dict__["_descriptions"].get(self._value_, "")

    def __str__(self) -> str:
        return self._value_


class GroupByMember(Enum, metaclass=GeneratedEnumType):
    """A way to group images: ``NONE`` (value None) or one groupable component."""

    @property
    def component(self) -> ComponentMember | None:
        """The matching ``AllComponents`` member; None for ``NONE``."""
        if self._value_ is None:
            return None
        return type(self).__dict__["_all_components"](self._value_)

    def __str__(self) -> str:
        return str(self._value_)


def _make_enum(name: str, base: type, members: dict[str, Any], attrs: dict[str, Any], recipe: tuple) -> type:
    classdict = GeneratedEnumType.__prepare__(name, (base,))
    for member, value in members.items():
        classdict[member] = value
    classdict["__module__"] = __name__
    classdict["__qualname__"] = name
    cls = GeneratedEnumType(name, (base,), classdict)
    for key, value in attrs.items():
        type.__setattr__(cls, key, value)
    type.__setattr__(cls, "__registry_core_recipe__", recipe)
    return cls


#: Every ASCII character that is not a letter or digit, to "_" (``str.translate``: one C call per name).
_NOT_ALNUM = {code: "_" for code in range(128) if not chr(code).isalnum()}
#: A member name starting with one of these is fixed by member_name (stripped, or "MAP_" put first).
_FIX_FIRST = frozenset("_0123456789")


def member_name(text: str, taken: Collection[str] = ()) -> str:
    """An upper-case identifier for ``text`` not in ``taken``: "CET-C1s" -> "CET_C1S", "2x" -> "MAP_2X"."""
    text = str(text)
    if text.isascii():  # the common case, a warm start's 71 colormap names: no per-character Python loop
        out = text.translate(_NOT_ALNUM).upper()
    else:
        out = "".join(ch if ch.isascii() and ch.isalnum() else "_" for ch in text).upper()
    while "__" in out:
        out = out.replace("__", "_")
    out = out.strip("_") or "MAP"
    if out[0].isdigit():
        out = "MAP_" + out
    candidate, n = out, 2
    while candidate in taken:
        candidate, n = f"{out}_{n}", n + 1
    return candidate


def _config_key(config: Any) -> str:
    import json

    return stable_hash(json.dumps(config, separators=(",", ":"), default=str))


# -- distribution versions, read without importing the distribution ------------------------
def distribution_version(name: str, folders: list[tuple[str, list[str]]] | None = None) -> str | None:
    """The version of installed distribution ``name``, from its dist-info folder's name.

    The first sys.path entry holding it wins, as with importlib.metadata;
    nothing of the distribution is imported. None when no folder names it.
    """
    from ._entry_points import _normalize, distribution_folders

    wanted = _normalize(name)
    for _entry, names in distribution_folders() if folders is None else folders:
        for folder in names:
            stem = folder.rsplit(".", 1)[0]
            dist, _, version = stem.partition("-")
            if _normalize(dist) == wanted and version:
                return version.partition("-")[0]
    return None


def _colormap_version() -> str:
    from ._entry_points import distribution_folders

    folders = distribution_folders()
    pyqtgraph = distribution_version("pyqtgraph", folders)
    if pyqtgraph is None:  # installed without a dist-info folder (rare): ask importlib.metadata
        try:
            from importlib.metadata import PackageNotFoundError, version
        except ImportError:  # pragma: no cover - stdlib
            pyqtgraph = "unknown"
        else:
            try:
                pyqtgraph = version("pyqtgraph")
            except PackageNotFoundError:
                pyqtgraph = "not installed"
    optional = "; ".join(f"{dist} {distribution_version(dist, folders) or 'absent'}" for dist in COLORMAP_SOURCES[1:])
    return f"pyqtgraph {pyqtgraph}; {optional}; schema {SCHEMA}"


def _colormap_version_stamp() -> dict:
    """What :func:`_colormap_version` reads: the schema, and the distributions on sys.path (checking that stamp
    costs a ``stat`` per sys.path folder; reading the version lists every folder, ~0.4 ms of a warm start)."""
    return {"schema": SCHEMA, **distributions_stamp()}


def _colormap_stamp_holds(stamp: dict) -> bool:
    return stamp["schema"] == SCHEMA and distributions_unchanged(stamp)


# -- colormaps -------------------------------------------------------------------------
def colormap_cache_manager(namespace: str = DEFAULT_NAMESPACE, enable_cache: bool = True) -> RegistryCacheManager:
    """The manager of the colormap enum's cache file (``colormap_enum.json``): status, clear, path."""
    manager = RegistryCacheManager(
        "colormap_enum",
        _colormap_version,
        deserializer=_check_colormap_item,
        items_deserializer=_check_colormap_items,
        config=CacheConfig(max_age_days=COLORMAP_MAX_AGE_DAYS, check_mtimes=False),
        namespace=namespace,
        kind="enum",
        identity={"name": "ColormapEnum", "enums": ["ColormapEnum"]},
        enabled=enable_cache,
        version_stamp_getter=_colormap_version_stamp,
        version_stamp_holds=_colormap_stamp_holds,
    )
    return _remember(manager, lambda: colormaps_possible() and manager.save_cache(discover_colormaps()))


def colormaps_possible() -> bool:
    """Whether this environment can have the colormap enum at all: it is generated from pyqtgraph.

    An environment inspected with ``--python`` usually has no pyqtgraph: there the
    colormap enum is not a cache to show (or to rebuild), only noise.
    """
    from importlib.util import find_spec

    return "pyqtgraph" in sys.modules or find_spec("pyqtgraph") is not None


def _remember(manager: RegistryCacheManager, rebuild: Callable[[], object]) -> RegistryCacheManager:
    if manager.enabled:
        key = (manager.namespace, manager.cache_name)
        _MANAGERS[key] = manager
        _REBUILDERS[key] = rebuild
    return manager


def _check_colormap_item(data: Any) -> dict:
    """One cached colormap item, checked: ``{"source": str, "swatch": ["#rrggbb", ...]}``."""
    return _check_colormap_items({"": data})[""]


def _check_colormap_items(items: dict) -> dict:
    """Every cached colormap item, checked (JSON's own types: nothing else comes out of the cache file).

    A warm start checks 71 items of 8 colours each, so the colours are checked
    all at once with C loops (one join, one slice, one set of lengths) rather
    than one Python test per colour.
    """
    colours: list = []
    for data in items.values():
        if type(data) is not dict:
            raise ValueError("colormap item is not an object")
        if type(data.get("source")) is not str:
            raise ValueError("colormap item lacks its source")
        swatch = data.get("swatch")
        if type(swatch) is not list:
            raise ValueError("colormap swatch is not a list of #rrggbb colours")
        colours += swatch
    try:
        joined = "".join(colours)
    except TypeError:  # a colour that is not a string
        joined = ""
    count = len(colours)
    if len(joined) != 7 * count or joined[::7] != "#" * count or {len(c) for c in colours} - {7}:
        raise ValueError("colormap swatch is not a list of #rrggbb colours")
    return items


def discover_colormaps() -> dict[str, dict]:
    """{name: {"source", "swatch"}} of every colormap pyqtgraph lists, read through pyqtgraph (the cold path).

    ``listMaps()`` lists the maps shipped with pyqtgraph; ``listMaps("matplotlib")``
    and ``listMaps("colorcet")`` are empty unless those packages are installed. A
    name already taken by an earlier source is skipped, so each value is unique.
    """
    import numpy as np
    from pyqtgraph import colormap

    positions = np.linspace(0.0, 1.0, SWATCH_SIZE)
    found: dict[str, dict] = {}
    for source in COLORMAP_SOURCES:
        pg_source = None if source == "local" else source
        try:
            names = sorted(colormap.listMaps(pg_source))
        except Exception as exc:  # an optional source's package can fail to import in any way
            _warn(f"cannot list {source} colormaps: {type(exc).__name__}: {exc}")
            continue
        for name in names:
            if name in found:
                continue
            try:
                cmap = colormap.get(name, source=pg_source)
                rgba = None if cmap is None else cmap.map(positions, mode="byte")
            except Exception as exc:  # one unreadable map file must not lose the others
                _warn(f"skipping {source} colormap {name!r}: {type(exc).__name__}: {exc}")
                continue
            if rgba is None:
                continue
            swatch = [f"#{int(px[0]):02x}{int(px[1]):02x}{int(px[2]):02x}" for px in rgba]
            found[name] = {"source": source, "swatch": swatch}
    return found


def _warn(message: str) -> None:
    from ._log import get_logger

    get_logger("enums").warning("%s", message)


def _colormap_items(namespace: str, enable_cache: bool) -> dict[str, dict]:
    manager = colormap_cache_manager(namespace, enable_cache)
    items = manager.load_cache()
    if items is None:
        items = discover_colormaps()
        manager.save_cache(items)  # False (nothing written) when caching is off
    return items


def _colormap_class(items: dict[str, dict], namespace: str) -> type:
    swatches = {name: tuple(item["swatch"]) for name, item in items.items()}
    sources = {name: item["source"] for name, item in items.items()}
    # The data itself is the key (names in order, sources, swatches): equal exactly when the data is.
    key = ("colormap", namespace, tuple(sources.items()), tuple(swatches.items()))
    cls = _CLASSES.get(key)
    if cls is None:
        members: dict[str, str] = {}
        for name in items:
            # member_name's answer when nothing needs fixing (most names), without its call and loops.
            simple = name.translate(_NOT_ALNUM).upper() if name.isascii() else ""
            if simple and simple[0] not in _FIX_FIRST and simple[-1] != "_" and "__" not in simple:
                if simple not in members:
                    members[simple] = name
                    continue
            members[member_name(name, members)] = name
        attrs = {"_swatches": swatches, "_sources": sources}
        built = _make_enum("ColormapEnum", ColormapMember, members, attrs, (_colormap_enum, (namespace,)))
        cls = _CLASSES.setdefault(key, built)  # another thread may have built it first: keep one class
    return cls


def _colormap_enum(namespace: str) -> Any:
    """Unpickling entry point: this process's ColormapEnum (warm from the cache when valid)."""
    return create_colormap_enum(namespace=namespace)


def create_colormap_enum(
    enable_cache: bool = True, lazy: bool = False, *, namespace: str = DEFAULT_NAMESPACE
) -> type[Enum] | LazyEnum:
    """An Enum of every colormap pyqtgraph provides: ``VIRIDIS = "viridis"``, ``CET_L1 = "CET-L1"``, ...

    Warm (a valid ``colormap_enum.json``, at most 30 days old, written for this
    pyqtgraph version): imports neither pyqtgraph nor Qt. ``enable_cache=False``
    always rediscovers and writes nothing. ``lazy=True`` returns a :class:`LazyEnum`
    that discovers on first use, without the cache (as in the seed).
    Members have ``.swatch`` (``#rrggbb`` colours) and ``.source``.
    """
    if lazy:
        return LazyEnum("ColormapEnum", lambda: _colormap_class(discover_colormaps(), namespace))
    return _colormap_class(_colormap_items(namespace, enable_cache), namespace)


def colormap_swatches(enable_cache: bool = True, *, namespace: str = DEFAULT_NAMESPACE) -> dict[str, list[str]]:
    """{colormap name: ``SWATCH_SIZE`` ``#rrggbb`` colours}, for drawing swatches without pyqtgraph."""
    return {name: list(item["swatch"]) for name, item in _colormap_items(namespace, enable_cache).items()}


# -- component enums -------------------------------------------------------------------------
def component_definitions(config: dict[str, dict]) -> dict[str, dict]:
    """The JSON the three component enums are built from (what the cache stores).

    ``config`` maps a component name to ``{"variable": bool, "groupable": bool,
    "description": str}``; its order is kept.
    """
    if not isinstance(config, dict):
        raise TypeError(f"components config must be a dict, not {type(config).__name__}")
    all_components: dict[str, str] = {}
    variable: dict[str, str] = {}
    group_by: dict[str, str | None] = {"NONE": None}
    descriptions: dict[str, str] = {}
    for key, spec in config.items():
        if not isinstance(key, str) or not isinstance(spec, dict):
            raise TypeError(f"components config entry {key!r} must map a name to a dict")
        member = member_name(key, all_components)
        all_components[member] = key
        if spec.get("variable"):
            variable[member] = key
        if spec.get("groupable"):
            group_by[member_name(key, group_by) if member in group_by else member] = key
        descriptions[key] = str(spec.get("description") or "")
    return {
        "all_components": all_components,
        "variable_components": variable,
        "group_by": group_by,
        "descriptions": descriptions,
    }


def _check_component_item(data: Any) -> dict:
    if not isinstance(data, dict) or not all(isinstance(k, str) for k in data):
        raise ValueError("component enum definition is not an object")
    if not all(v is None or isinstance(v, str) for v in data.values()):
        raise ValueError("component enum values must be strings (or null for GroupBy.NONE)")
    return data


def component_cache_manager(
    config: dict[str, dict], *, namespace: str, version: str, enable_cache: bool = True
) -> RegistryCacheManager:
    """The manager of ``component_enums.json`` in ``namespace``: valid for 7 days, for this
    ``version`` and this exact components table."""
    config_hash = _config_key(config)
    manager = RegistryCacheManager(
        "component_enums",
        lambda: f"{version}; components {config_hash}; schema {SCHEMA}",
        deserializer=_check_component_item,
        config=CacheConfig(max_age_days=COMPONENT_MAX_AGE_DAYS, check_mtimes=False),
        namespace=namespace,
        kind="enum",
        identity={"name": "/".join(COMPONENT_ENUM_NAMES), "enums": list(COMPONENT_ENUM_NAMES)},
        enabled=enable_cache,
    )
    return _remember(manager, lambda: manager.save_cache(component_definitions(config)))


def _component_classes(items: dict[str, dict], namespace: str, version: str) -> tuple[type, type, type]:
    # The definitions themselves are the key (plain strings, order kept): equal exactly when they are.
    key = ("components", namespace, version, tuple((name, tuple(table.items())) for name, table in items.items()))
    classes = _CLASSES.get(key)
    if classes is None:
        recipe = lambda which: (_component_enum, (which, namespace, version, items))  # noqa: E731
        descriptions = {"_descriptions": dict(items["descriptions"])}
        all_cls = _make_enum(
            "AllComponents", ComponentMember, items["all_components"], descriptions, recipe("AllComponents")
        )
        variable_cls = _make_enum(
            "VariableComponents",
            ComponentMember,
            items["variable_components"],
            descriptions,
            recipe("VariableComponents"),
        )
        group_cls = _make_enum(
            "GroupBy", GroupByMember, items["group_by"], {"_all_components": all_cls}, recipe("GroupBy")
        )
        classes = _CLASSES.setdefault(key, (all_cls, variable_cls, group_cls))
    return classes


def _component_enum(which: str, namespace: str, version: str, items: dict[str, dict]) -> type:
    """Unpickling entry point: the class built from ``items`` (no cache or config needed)."""
    return _component_classes(items, namespace, version)[COMPONENT_ENUM_NAMES.index(which)]


def create_component_enums(
    config: dict[str, dict], *, namespace: str, version: str, enable_cache: bool = True
) -> tuple[type[Enum], type[Enum], type[Enum]]:
    """``(AllComponents, VariableComponents, GroupBy)`` generated from a components table.

    ``AllComponents`` has a member per component, ``VariableComponents`` one per
    ``variable`` component, ``GroupBy`` ``NONE = None`` plus one per ``groupable``
    component (``.component`` gives the ``AllComponents`` member; ``str()`` the
    value). Cached in ``<cache dir of namespace>/component_enums.json`` (7 days;
    stale when ``version`` or the table changes).
    """
    manager = component_cache_manager(config, namespace=namespace, version=version, enable_cache=enable_cache)
    items = manager.load_cache()
    if items is None or set(items) != set(_COMPONENT_KEYS):
        items = component_definitions(config)
        manager.save_cache(items)
    return _component_classes(items, namespace, version)


# -- status ------------------------------------------------------------------------------------
def enum_cache_managers(namespace: str = DEFAULT_NAMESPACE) -> list[RegistryCacheManager]:
    """The colormap cache of ``namespace`` and every other enum cache this process has used."""
    colormap = colormap_cache_manager(namespace)
    return [colormap, *(m for m in _MANAGERS.values() if m is not colormap)]


def rebuild_enum_caches(namespace: str = DEFAULT_NAMESPACE) -> list[CacheStatus]:
    """Write afresh each enum cache of ``namespace`` this process has used that is not valid now (what
    "Invalidate all" or ``clear-cache --all`` removed: the enum classes live on in the process, so nothing
    else would write them before the next start); the status of each one rewritten. The colormap enum's
    only where pyqtgraph is installed (it is generated from pyqtgraph)."""
    rewritten = []
    for manager in enum_cache_managers(namespace):
        rebuild = _REBUILDERS.get((manager.namespace, manager.cache_name))
        if rebuild is None or manager.status().state == VALID:
            continue
        if rebuild():
            rewritten.append(manager.status())
    return rewritten


def enum_cache_status(namespace: str = DEFAULT_NAMESPACE) -> list[CacheStatus]:
    """Each enum cache's state now (validated on disk): ``status.name`` lists the enums it holds."""
    return [manager.status() for manager in enum_cache_managers(namespace)]


# -- lazy ----------------------------------------------------------------------------------------
class LazyEnum:
    """Stands for an enum class and generates it on first attribute access, iteration, lookup or call."""

    __slots__ = ("_name", "_factory", "_enum")

    def __init__(self, name: str, factory: Callable[[], type[Enum]]) -> None:
        object.__setattr__(self, "_name", name)
        object.__setattr__(self, "_factory", factory)
        object.__setattr__(self, "_enum", None)

    @property
    def resolved(self) -> bool:
        """Whether the enum has been generated yet."""
        return self._enum is not None

    def resolve(self) -> type[Enum]:
        """The real enum class (generated now if it was not yet)."""
        if self._enum is None:
            object.__setattr__(self, "_enum", self._factory())
        return self._enum

    def __getattr__(self, name: str) -> Any:
        return getattr(self.resolve(), name)

    def __iter__(self) -> Iterator[Enum]:
        return iter(self.resolve())

    def __len__(self) -> int:
        return len(self.resolve())

    def __contains__(self, item: Any) -> bool:
        return item in self.resolve()

    def __getitem__(self, name: str) -> Enum:
        return self.resolve()[name]

    def __call__(self, value: Any) -> Enum:
        return self.resolve()(value)

    def __dir__(self) -> list[str]:
        return dir(self.resolve())

    def __reduce__(self) -> Any:
        return _same, (self.resolve(),)

    def __repr__(self) -> str:
        state = "generated" if self._enum is not None else "not generated yet"
        return f"<LazyEnum {self._name} ({state})>"


def _same(obj: Any) -> Any:
    return obj


def __getattr__(name: str) -> Any:
    """``registry_core.enums.ColormapEnum``: the colormap enum of the default namespace."""
    if name == "ColormapEnum":
        return create_colormap_enum()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
