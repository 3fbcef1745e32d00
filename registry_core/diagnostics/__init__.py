"""Diagnostics: the report documents every view renders, and the tools that make them.

The public facade the app, the CLI and other tools use; modules below it load on
first use, so importing this package costs nothing.

- documents: ``inventory`` (``list --json``), ``cache_inventory`` (``status --json``),
  ``enum_documents``, ``enum_cache_statuses``;
- fresh-process tools: ``verify_registries``, ``profile_registries`` (and the
  history: ``latest_profile``, ``load_history``, ``profile_subject``), ``build_bundle``, ``bundle_sections``;
- snapshots: ``build_snapshot``, ``load_snapshot`` (a snapshot file or a bundle), ``resolve_snapshot``
  (also ``"live"``), ``snapshot_from_document`` (a snapshot read elsewhere: a remote worker's answer),
  ``describe_snapshot``, ``snapshot_counts``, ``SnapshotError``; ``diff_snapshots`` (two snapshots -> a
  diff document), ``diff_verdict`` (its one-line answer) and ``diff_kind_titles``; ``tool_stamp`` (the
  ``"tool"`` every document carries);
- words for people: ``describe_verdict`` (one verify verdict), ``human_size``, ``human_age``;
- ``configure_logging`` for a command-line or window process.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Public name -> (module, name in it).
_EXPORTS = {
    "Cancelled": ("children", "Cancelled"),
    "SnapshotError": ("snapshot", "SnapshotError"),
    "build_bundle": ("bundle", "build_bundle"),
    "build_snapshot": ("snapshot", "build_snapshot"),
    "bundle_sections": ("bundle", "bundle_sections"),
    "cache_contents": ("watched", "cache_contents"),
    "cache_inventory": ("documents", "cache_inventory"),
    "configure_logging": ("logs", "configure_cli_logging"),
    "describe_snapshot": ("snapshot", "describe_source"),
    "describe_verdict": ("render.verify", "describe"),
    "diff_kind_titles": ("diff", "KIND_TITLES"),
    "diff_snapshots": ("diff", "diff_snapshots"),
    "diff_verdict": ("diff", "verdict"),
    "snapshot_from_document": ("snapshot", "from_document"),
    "enum_cache_statuses": ("enum_reports", "enum_cache_statuses"),
    "enum_documents": ("enum_reports", "enum_documents"),
    "human_age": ("render.text", "human_age"),
    "human_size": ("render.text", "human_size"),
    "inventory": ("documents", "inventory"),
    "latest_profile": ("history", "latest_profile"),
    "load_history": ("history", "load_history"),
    "profile_subject": ("history", "profile_subject"),
    "load_snapshot": ("snapshot", "load_snapshot"),
    "profile_registries": ("profiling", "profile_registries"),
    "registry_document": ("documents", "registry_document"),
    "resolve_snapshot": ("snapshot", "resolve_snapshot"),
    "snapshot_counts": ("snapshot", "snapshot_counts"),
    "tool_stamp": ("stamp", "tool_stamp"),
    "verify_registries": ("verify", "verify_registries"),
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    try:
        module, attribute = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    import importlib

    value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute)
    globals()[name] = value
    return value
