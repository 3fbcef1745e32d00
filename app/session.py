"""What the window works on: the targets' registries, and the core calls behind each button.

Every function here runs on a worker thread and returns plain report
documents (``registry_core.diagnostics.documents``); the window only presents them.
"""

from __future__ import annotations

import sys
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

    def profile_subject(self) -> tuple[str, tuple[str, ...]]:
        """Whose profiles the Timing tab shows: the inspected interpreter's, of these targets."""
        from registry_core.diagnostics import profile_subject

        return profile_subject(self._interpreter(), self.targets)

    def _interpreter(self) -> str:
        """The interpreter that runs this session's profiles (the inspector's own, here)."""
        return sys.executable

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
        """Delete the cache files of the named registries; None: ``invalidate_all``.

        The result adds ``removed`` (how many cache files went), ``asked`` (the names, None for all) and
        ``cleared`` (the named registries that had a file to remove).
        """
        if not names:
            removed = len(invalidate_all(self.registries))
            cleared: list[str] = []
        else:
            cleared = [r.name for r in self._named(names) if r.clear_cache()]
            removed = len(cleared)
        result = self.cache_status(state)
        result.update(removed=removed, asked=names, cleared=cleared)
        return result

    def rebuild(self, state: Any, names: list[str] | None) -> dict[str, Any]:
        """Discover the named registries again (all when None) and rewrite their caches."""
        chosen = self._named(names)
        started = time.perf_counter()
        rebuilt = []
        for index, registry in enumerate(chosen):
            if state.cancelled():
                break
            state.progress(index, len(chosen), f"rebuilding {registry.name}")
            registry.rebuild()
            rebuilt.append(registry.name)
        if not names and not state.cancelled():
            from registry_core.enums import rebuild_enum_caches

            # What Invalidate all removed of the enum caches: their classes live on here, so nothing else writes them.
            state.progress(len(chosen), len(chosen) + 1, "rewriting the enum caches")
            rebuild_enum_caches()
        self.discovery_s = time.perf_counter() - started
        self.discovered_at = time.time()
        return {**self.describe(state), "rebuilt": rebuilt, "seconds": self.discovery_s, "cancelled": state.cancelled()}

    def profile(self, state: Any, runs: int, engine: str = "installed") -> dict[str, Any]:
        """``engine``: what metaclass-registry registries run on (installed, registry_core or both)."""
        from registry_core.diagnostics import profile_registries

        return profile_registries(
            self.registries, self.targets, runs=runs, progress=state.progress, cancelled=state.cancelled, engine=engine
        )

    def verify(self, state: Any) -> dict[str, Any]:
        from registry_core.diagnostics import Cancelled, verify_registries

        state.progress(0, 0, "verifying: discovering every registry afresh in a new process…")
        try:
            return verify_registries(self.registries, self.targets, cancelled=state.cancelled)
        except Cancelled:
            return {"cancelled": True}

    def export(
        self,
        state: Any,
        path: str,
        redact: bool,
        sections: list[str] | None,
        report: dict[str, str] | None = None,
        extra_environment: dict[str, str] | None = None,
    ) -> Any:
        """The bundle, with what the reporter wrote and what only the window knows (Qt's runtime)."""
        from registry_core.diagnostics import build_bundle

        state.progress(0, 1, "writing bundle (a fresh discovery in a new process for its verify section)…")
        return build_bundle(
            path,
            self.registries,
            redact=redact,
            sections=sections,
            force=True,
            targets=self.targets,
            report=report,
            extra_environment=extra_environment,
        )

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


def invalidate_all(registries: list[Any]) -> list[str]:
    """Invalidate all: what ``registry-inspector clear-cache --all`` removes (``registry_core/cli/caches.py``).

    Every cache file this library wrote in the inspected registries' namespace folders (our header or file-name
    pattern only; what another tool keeps there stays), each registry's own file where another library keeps
    it, and every enum cache (colormaps, components) this process uses. Returns the removed paths.
    """
    from registry_core import clear_all_caches
    from registry_core.enums import enum_cache_managers

    namespaces = sorted({r.config.cache_namespace for r in registries if r.config.cache_namespace})
    removed = clear_all_caches(namespaces) if namespaces else []
    for registry in registries:
        if not registry.config.cache_namespace and registry.cache_path and registry.clear_cache():
            removed.append(registry.cache_path)
    removed += [m.cache_path for m in enum_cache_managers() if m.cache_path not in removed and m.clear_cache()]
    return [path for path in removed if path.endswith(".json")]
