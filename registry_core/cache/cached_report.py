"""The discovery report inside a cache document: written compactly, read back whole (and only when asked for).

What the items already say is left out; everything unusual (failures, skips,
entry-point modules) is kept whole. Reading tolerates any damage: a record with
the wrong types is skipped, never an exception.
"""

from __future__ import annotations

import os

from .._log import get_logger
from .._report import IMPORTED, REGISTERED, SOURCE_ENTRY_POINT, ClassOutcome, DiscoveryReport, ModuleOutcome
from .status import JSON_KEY_TYPES as JSON_KEY_TYPES  # (defined there, for registry_cache's warm path)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def from_entry_point(report: DiscoveryReport, module: str) -> bool:
    return any(m.name == module and m.source == SOURCE_ENTRY_POINT and m.status == IMPORTED for m in report.modules)


def report_to_cache(report: DiscoveryReport, item_names: set) -> dict[str, Any]:
    """The report, compactly: what the items already say is left out, everything unusual is kept whole."""
    plugin_modules = {c.module for c in report.registered}
    imported, other = [], []
    for module in report.modules:
        if module.status == IMPORTED and module.source != SOURCE_ENTRY_POINT and not module.detail:
            if module.name not in plugin_modules:
                imported.append(module.name)
        else:
            other.append(module.to_dict())
    return {
        "package_error": report.package_error,
        "duration_s": report.duration_s,
        "started": report.started,
        "imported": imported,
        "modules": other,
        "classes": [_class_dict(c) for c in report.classes if c.status != REGISTERED],
        # Top-level packages of the distributions whose entry points loaded: their modules may be cached.
        "entry_point_modules": sorted(
            {
                m.name.partition(".")[0]
                for m in report.modules
                if m.source == SOURCE_ENTRY_POINT and m.status == IMPORTED
            }
        ),
    }


def _class_dict(outcome: ClassOutcome) -> dict[str, Any]:
    data = outcome.to_dict()
    if data["key"] is not None and not isinstance(data["key"], JSON_KEY_TYPES):
        data["key"] = repr(data["key"])
    return data


def report_from_cache(registry: Any, doc: dict, live: DiscoveryReport) -> DiscoveryReport:
    """Rebuild the full report from a cache document (when something reads it)."""
    cached = doc.get("report") or {}
    package = registry.config.discovery_package
    report = DiscoveryReport(registry.name, package)
    report.entry_point_group = registry.entry_point_group
    report.source = "cache"
    report.package_error = _typed(cached.get("package_error"), str)
    report.duration_s = _typed(cached.get("duration_s"), (int, float))
    report.started = _typed(cached.get("started"), (int, float))
    files = _FileIndex(doc.get("files"))
    key_attribute = registry.config.key_attribute
    modules = cached.get("modules")
    ep_modules = (
        {m["name"]: m for m in modules if isinstance(m, dict) and isinstance(m.get("name"), str)}
        if isinstance(modules, list)
        else {}
    )
    seen_modules = set()
    codec = getattr(registry, "_cache_key_codec", None)
    try:
        for name, item in doc["items"].items():
            module = item[0] if item[0][0] != "." else (package if item[0] == "." else package + item[0])
            key = item[4] if len(item) > 4 else name
            if not isinstance(key, JSON_KEY_TYPES) and codec is not None:
                key = codec.decode(key)  # (validated when the cache was read: it decodes)
            secondary = item[3] if len(item) > 3 and item[3] else {}
            inside = module == package or module.startswith(package + ".")
            file = files.find(module, package) if inside else _entry_point_file(module, ep_modules)
            report.classes.append(
                ClassOutcome(
                    module,
                    item[1],
                    REGISTERED,
                    f"registered under key {key!r}",
                    file=file,
                    key=key,
                    key_attribute=key_attribute,
                    doc=item[2] if len(item) > 2 else "",
                    # Only discovery's finds are cached (package or entry point): none is "outside", as live.
                    secondary={k: f"{v[1]}.{v[2]}" for k, v in secondary.items()},
                    outside_package=False,
                )
            )
            if inside and module not in seen_modules:
                seen_modules.add(module)
                report.modules.append(ModuleOutcome(module, IMPORTED, file=file))
        report.modules += [
            ModuleOutcome(name, IMPORTED, file=files.find(name, package)) for name in cached.get("imported", [])
        ]
        report.modules += [
            ModuleOutcome.from_dict(_record(ModuleOutcome, m, "name", "status")) for m in cached.get("modules", [])
        ]
        report.classes += [
            ClassOutcome.from_dict(_record(ClassOutcome, c, "module", "qualname", "status"))
            for c in cached.get("classes", [])
        ]
    except (TypeError, AttributeError, IndexError, KeyError):
        get_logger("cache").warning(
            "%s: the cached discovery report is unreadable; showing what was read", registry.name
        )
    report.modules.sort(key=lambda m: m.name)
    report._index.clear()
    for outcome in live.classes:  # classes defined in this process keep their live outcome
        if outcome.live:
            report.add_class(outcome)
    return report


_FIELD_TYPES: dict[str, Any] = {
    "duration_s": (int, float),
    "abstract_methods": (list,),
    "secondary": (dict,),
    "outside_package": (bool,),
    "key": (str, int, float, bool),
}


def _typed(value: Any, types: Any) -> Any:
    return value if isinstance(value, types) else None


def _record(kind: Any, data: Any, *names: str) -> Any:
    """``data`` if its fields have the types readers expect (``names`` are strings), else TypeError."""
    if isinstance(data, dict):
        for field in kind.__slots__:
            value = data.get(field)
            if value is None and field not in names:
                continue
            if not isinstance(value, _FIELD_TYPES.get(field, str)) or (
                field == "abstract_methods" and not all(isinstance(m, str) for m in value)
            ):
                raise TypeError(f"cached report record: {field} is {type(value).__name__}")
    return data


def _entry_point_file(module: str, ep_modules: dict) -> str | None:
    """Source file of an entry-point plugin: the entry point's module, or a submodule its hook package imported."""
    if module in ep_modules:
        return ep_modules[module].get("file")
    for name, info in ep_modules.items():
        init = info.get("file") or ""
        if module.startswith(name + ".") and os.path.basename(init) == "__init__.py":
            base = os.path.join(os.path.dirname(init), *module[len(name) + 1 :].split("."))
            for candidate in (base + ".py", os.path.join(base, "__init__.py")):
                if os.path.isfile(candidate):
                    return candidate
    return None


class _FileIndex:
    """Source file of a module, from the cache's file fingerprint (so items need not store paths)."""

    def __init__(self, files: Any) -> None:
        self.known: set[str] = set()
        roots = (files or {}).get("roots") or {}
        self.roots = list(roots)
        for root, entries in roots.items():
            for entry in entries:
                self.known.add(os.path.join(root, entry[0]))

    def find(self, module: str, package: str) -> str | None:
        rest = module[len(package) + 1 :].split(".") if module != package else []
        for root in self.roots:
            base = os.path.join(root, *rest)
            for candidate in (base + ".py", os.path.join(base, "__init__.py")):
                if candidate in self.known:
                    return candidate
        return None
