"""Generated enums as report documents (for ``list``, the app's Enums tab and the bundle).

The colormap enum is shown from its cache only: building it imports pyqtgraph
(and so Qt), which the headless CLI never does. Component enums are shown as
this process generated them.
"""

from __future__ import annotations

from ..enums import colormaps_possible

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def _members(cls: Any) -> list[dict[str, Any]]:
    members = []
    for member in cls:
        entry: dict[str, Any] = {"name": member.name, "value": member.value}
        swatch = getattr(member, "swatch", None)
        if swatch:
            entry["swatch"] = list(swatch)
        description = getattr(member, "description", None)
        if description:
            entry["description"] = description
        members.append(entry)
    return members


def _state(status: Any) -> dict[str, Any]:
    return {"cache_state": status.state, "cache_reason": status.reason, "cache_path": status.path}


def enum_documents(build_colormaps: bool = False) -> list[dict[str, Any]]:
    """Every generated enum known here: the colormap enum and the component enums of this process.

    ``build_colormaps=True`` (the app) builds the colormap enum when its cache is
    not valid, which imports pyqtgraph; otherwise only a valid cache is shown.
    """
    from .. import enums

    documents: list[dict[str, Any]] = []
    if colormaps_possible():
        documents.append(_colormap_document(build_colormaps))
    # The other enum caches' states now (the colormap's, first, was just read: not validated a second time).
    statuses = {s.name: s for s in (m.status() for m in enums.enum_cache_managers()[1:])}
    for key, value in list(enums._CLASSES.items()):
        if key[0] != "components":
            continue
        namespace = key[1]
        component_status = statuses.get("/".join(enums.COMPONENT_ENUM_NAMES))
        for cls in value:
            entry = {"name": cls.__name__, "kind": "component", "namespace": namespace, "members": _members(cls)}
            if component_status is not None:
                entry.update(_state(component_status))
            documents.append(entry)
    return documents


def _colormap_document(build_colormaps: bool) -> dict[str, Any]:
    from .. import enums

    manager = enums.colormap_cache_manager()
    items = manager.load_cache()  # (validated once: the enum is built from these, as create_colormap_enum does)
    status = manager.last_status
    colormap_doc: dict[str, Any] = {"name": "ColormapEnum", "kind": "colormap", "members": []}
    if items is not None:
        colormap_doc["members"] = _members(enums._colormap_class(items, enums.DEFAULT_NAMESPACE))
    elif build_colormaps:
        colormap_doc["members"] = _members(enums.create_colormap_enum())
        status = manager.status()  # built just now (and cached, when it can be): its state after that
    colormap_doc.update(_state(status))
    if not colormap_doc["members"]:
        colormap_doc["note"] = "not built yet: building it imports pyqtgraph; open the inspector window once"
    return colormap_doc


def enum_cache_statuses() -> list[tuple[str, Any]]:
    """(label, CacheStatus) of each enum cache, for ``status`` and the cache panel."""
    from .. import enums

    statuses = enums.enum_cache_status()
    if not colormaps_possible():
        colormap = enums.colormap_cache_manager().cache_path
        statuses = [s for s in statuses if s.path != colormap]
    return [(f"enum {s.name}", s) for s in statuses]
