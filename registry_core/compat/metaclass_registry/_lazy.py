"""metaclass-registry's lazy registry dicts, as registry_core registries: ``LazyDiscoveryDict`` and
``SecondaryRegistryDict``, and the discovery body that follows the library's rules on the engine."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from typing import Any, cast

from ..._config import RegistryConfig as _EngineConfig
from ..._config import SecondaryRegistry as _EngineSecondary
from ..._registry import LazyDiscoveryDict as _EngineDict
from ..._secondary import SecondaryRegistryDict as _EngineSecondaryDict
from . import discovery as _discovery_module
from ._declarations import RegistryConfig
from ._keys import CACHE_KEY_CODEC
from .discovery import discover_registry_classes
from .exceptions import DiscoveryError


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
                # metaclass-registry loads no entry points: neither does its stand-in (nor says it scans a group)
                entry_point_group="",
            ),
        )

    # How the inspector's documents describe it (the attributes an observed registry of the real library has).
    @property
    def library(self) -> dict[str, str]:
        from .._names import COMPAT_LIBRARY

        return {"name": COMPAT_LIBRARY, "version": "0.4.1"}

    @property
    def partial(self) -> bool:
        """No discovery of its own: it holds what registered once the modules that declare it were imported."""
        config = self._mr_config
        return config is not None and not config.discovery_package

    @property
    def note(self) -> str:
        from .._names import PARTIAL_NOTE

        return PARTIAL_NOTE if self.partial else ""

    @property
    def state(self) -> str:
        # A registry without discovery holds all it will hold: never "pending" in the inspector.
        return "discovered" if self.partial else super().state

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
        # Looked up in ``core`` at call time: the library's tests (and programs) patch it there. Through
        # sys.modules, not an import: core imports this module (and is always loaded before a registry exists).
        core = sys.modules[__package__ + ".core"]
        module = core.import_module_preserving_root_logging(cast(str, config.discovery_package))
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
        namespaces: list[str] = []
        for scanned in scan_package(list(paths), prefix, config.discovery_recursive, result.files):
            if any(scanned.name.startswith(folder) for folder in namespaces):
                continue
            if scanned.is_package and scanned.file is None:
                # A folder without __init__.py: pkgutil.walk_packages does not descend into it, so neither does
                # the library's discovery (its files are still fingerprinted: adding an __init__.py is a change).
                namespaces.append(scanned.name + ".")
                continue
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
