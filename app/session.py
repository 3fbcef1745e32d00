"""What the window works on: the targets' registries, and the core calls behind each button.

Every function here runs on a worker thread and returns plain report
documents (``registry_core.diagnostics.documents``); the window only presents them.
"""

from __future__ import annotations

import time
from typing import Any

from registry_core.diagnostics import cache_inventory, inventory
from registry_core.sources import load_targets, nothing_declared

from .demo import load_demo


class Session:
    """The inspected registries and the latest documents about them."""

    #: Live registry objects in this process (``registry(name)``); ``EnvironmentSession`` has none.
    live = True
    #: The inspected environment's interpreter as the user gave it; None: the inspector's own.
    python: str | None = None

    def __init__(self, targets: list[str] | None = None) -> None:
        self.targets = targets
        #: Why the targets gave no registry, and what to try (None while there are registries).
        self.empty_reason: str | None = None
        self.registries: list[Any] = []
        self.inventory: dict[str, Any] | None = None
        self.caches: dict[str, Any] | None = None
        self.enums: list[dict[str, Any]] = []
        self.discovered_at: float | None = None
        self.discovery_s: float | None = None

    # -- worker functions: (state, ...) -> result ---------------------------------
    def load(self, state: Any) -> dict[str, Any]:
        """Import the targets, discover every registry, and describe registries, caches and enums."""
        state.progress(0, 1, "importing targets")
        started = time.perf_counter()
        self.registries = load_targets(self.targets, load_demo)
        total = len(self.registries)
        for index, registry in enumerate(self.registries):
            if state.cancelled():
                break
            state.progress(index, total, f"discovering {registry.name}")
            registry.discover()
        self.discovery_s = time.perf_counter() - started
        self.discovered_at = time.time()
        self.empty_reason = None if self.registries else nothing_declared(self.targets)
        return self.describe(state)

    def describe(self, state: Any) -> dict[str, Any]:
        from registry_core.diagnostics import enum_cache_statuses, enum_documents

        state.progress(0, 1, "reading caches")
        # The window may build the colormap enum (it has Qt anyway); this also imports pyqtgraph here,
        # off the GUI thread, before the charts need it.
        self.enums = enum_documents(build_colormaps=True)
        self.inventory = inventory(self.registries, self.enums)
        self.caches = cache_inventory(self.registries, enum_cache_statuses())
        return {"inventory": self.inventory, "caches": self.caches}

    def cache_status(self, state: Any) -> dict[str, Any]:
        """Re-validate every cache file now (a stat per plugin file: cheap)."""
        from registry_core.diagnostics import enum_cache_statuses

        self.caches = cache_inventory(self.registries, enum_cache_statuses())
        return {"caches": self.caches}

    def invalidate(self, state: Any, names: list[str] | None) -> dict[str, Any]:
        """Delete the cache files of the named registries (all when None)."""
        removed = 0
        for registry in self._named(names):
            removed += bool(registry.clear_cache())
        result = self.cache_status(state)
        result["removed"] = removed
        return result

    def rebuild(self, state: Any, names: list[str] | None) -> dict[str, Any]:
        """Discover the named registries again (all when None) and rewrite their caches."""
        chosen = self._named(names)
        started = time.perf_counter()
        for index, registry in enumerate(chosen):
            if state.cancelled():
                break
            state.progress(index, len(chosen), f"rebuilding {registry.name}")
            registry.rebuild()
        self.discovery_s = time.perf_counter() - started
        self.discovered_at = time.time()
        return self.describe(state)

    def profile(self, state: Any, runs: int) -> dict[str, Any]:
        from registry_core.diagnostics import profile_registries

        return profile_registries(
            self.registries, self.targets, runs=runs, progress=state.progress, cancelled=state.cancelled
        )

    def verify(self, state: Any) -> dict[str, Any]:
        from registry_core.diagnostics import Cancelled, verify_registries

        state.progress(0, 0, "verifying: discovering every registry afresh in a new process…")
        try:
            return verify_registries(self.registries, self.targets, cancelled=state.cancelled)
        except Cancelled:
            return {"cancelled": True}

    def export(self, state: Any, path: str, redact: bool, sections: list[str] | None) -> Any:
        from registry_core.diagnostics import build_bundle

        state.progress(0, 1, "writing bundle (a fresh discovery in a new process for its verify section)…")
        return build_bundle(path, self.registries, redact=redact, sections=sections, force=True, targets=self.targets)

    def _named(self, names: list[str] | None) -> list[Any]:
        if not names:
            return list(self.registries)
        return [r for r in self.registries if r.name in names]

    def registry(self, name: str) -> Any:
        for registry in self.registries:
            if registry.name == name:
                return registry
        return None

    def explain(self, registry_name: str, name: str) -> str:
        """Why ``name`` is (not) registered in ``registry_name``, in words; "" when there is nothing to say."""
        registry = self.registry(registry_name)
        if registry is None or not name:
            return ""
        return str(registry.explain(name).message)

    def cache_path(self, name: str | None) -> str | None:
        """The cache file of the registry ``name`` (None: the first registry's), or None without one."""
        registry = self.registry(name) if name else (self.registries[0] if self.registries else None)
        return getattr(registry, "cache_path", None) if registry is not None else None
