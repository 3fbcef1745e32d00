"""Which bundle members make a snapshot: the table both the bundle writer and the snapshot reader use.

Kept apart from ``diagnostics.snapshot`` so that the writer (which names the parts in its manifest) and the
reader (which assembles a snapshot from them) depend on this table, not on each other.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SCHEMA = 1
FORMAT = "registry-inspector-snapshot"

#: (part, Gathered attribute, bundle member, bundle section id, the keys a reader needs in it)
PARTS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("list", "inventory", "registries.json", "registries", ("registries",)),
    ("status", "status", "status.json", "status", ("caches",)),
    ("environment", "environment", "environment.json", "environment", ("python",)),
    ("profile", "profile", "profile.json", "profile", ("registries",)),
)
PART_NAMES = tuple(part for part, *_rest in PARTS)
#: The bundle sections a snapshot is made of (``build_bundle`` sections).
SECTION_IDS = tuple(section for _p, _a, _m, section, _k in PARTS)


def bundle_manifest_entry(absent: dict[str, str]) -> dict[str, Any]:
    """The manifest's ``"snapshot"``: which members make the bundle's snapshot, and which are not there."""
    return {
        "schema": SCHEMA,
        "format": FORMAT,
        "host": host(),
        "parts": {part: member for part, _a, member, _s, _k in PARTS},
        "absent": {part: why for part, why in absent.items() if part in PART_NAMES},
    }


def part_absences(sections: list[dict[str, Any]]) -> dict[str, str]:
    """``{part: why}`` for the parts whose bundle section produced nothing (from the manifest's sections)."""
    by_id = {s.get("id"): s for s in sections}
    absent = {}
    for part, _a, _member, section_id, _k in PARTS:
        section = by_id.get(section_id)
        if section is None:
            absent[part] = f"this bundle has no {section_id!r} section"
        elif not section.get("included"):
            absent[part] = _absence_words(section_id, section.get("note"))
    return absent


def _absence_words(section_id: str, note: str | None) -> str:
    if note == "not selected" or note is None:
        return f"the {section_id!r} section was left out when the bundle was made"
    return note


def host() -> str:
    """This machine's network name: where a snapshot was taken (a cluster has many)."""
    import platform

    return platform.node() or "?"
