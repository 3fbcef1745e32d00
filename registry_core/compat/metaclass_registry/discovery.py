"""metaclass-registry 0.4.1's discovery helpers (``metaclass_registry.discovery``).

Standalone utilities with the library's signatures and results: they find the
subclasses of any base class in a package, registry or not. A compat registry's
own discovery does not go through them unless its ``RegistryConfig`` names one
as ``discovery_function``; it runs on registry_core's engine, which records
every module and class outcome (``registry_core.explain``) and writes
registry_core's validated cache.
"""

from __future__ import annotations

import importlib
import inspect
import logging
import pkgutil
import threading
from collections.abc import Callable, Iterable
from types import ModuleType
from typing import NoReturn

from .exceptions import DiscoveryError

logger = logging.getLogger("metaclass_registry.discovery")  # the library's name, as in core

# One import at a time swaps the root logger's handlers: two interleaved swaps would restore each other's.
_ROOT_LOGGING_IMPORT_LOCK = threading.RLock()


def import_module_preserving_root_logging(module_name: str, package: str | None = None) -> ModuleType:
    """Import a module; the root logger's handlers, level and disabled state are as before, even on failure.

    Plugins sometimes call ``logging.basicConfig(force=True)`` at import time; the
    host application owns root logging, so whatever the import installed there is
    closed and the host's configuration put back. Named loggers are left alone.
    """
    with _ROOT_LOGGING_IMPORT_LOCK:
        root = logging.getLogger()
        saved_handlers = tuple(root.handlers)
        saved_level = root.level
        saved_disabled = root.disabled
        saved_threshold = root.manager.disable
        # A root logger with a handler makes a plain basicConfig() a no-op.
        root.handlers = [logging.NullHandler()]
        try:
            return importlib.import_module(module_name, package)
        finally:
            installed = tuple(root.handlers)
            root.handlers = list(saved_handlers)
            root.setLevel(saved_level)
            root.disabled = saved_disabled
            logging.disable(saved_threshold)
            kept = {id(handler) for handler in saved_handlers}
            for handler in installed:
                if id(handler) not in kept:
                    handler.close()


def _excluded(module_name: str, exclude_modules: set[str]) -> bool:
    # The library matches substrings, not whole names: {'base'} also skips 'database'.
    return any(part in module_name for part in exclude_modules)


def discover_registry_classes(
    package_path: Iterable[str],
    package_prefix: str,
    base_class: type,
    exclude_modules: set[str] | None = None,
    validation_func: Callable[[type], bool] | None = None,
    skip_packages: bool = True,
    module_filter: Callable[[str], bool] | None = None,
) -> list[type]:
    """The subclasses of ``base_class`` defined in the modules directly under ``package_path``.

    Modules are imported in ``pkgutil.iter_modules`` order; an import error
    propagates (an incomplete result would read as "no such plugin").
    ``exclude_modules`` skips module names containing any of its strings;
    ``module_filter`` decides before import; ``validation_func`` filters classes.
    """
    found: list[type] = []
    excluded = exclude_modules or set()
    for _finder, module_name, is_package in pkgutil.iter_modules(package_path, package_prefix):
        if is_package and skip_packages:
            continue
        if _excluded(module_name, excluded):
            logger.debug("Skipping excluded module: %s", module_name)
            continue
        if module_filter is not None and not module_filter(module_name):
            continue
        module = import_module_preserving_root_logging(module_name)
        for _name, obj in inspect.getmembers(module, inspect.isclass):
            if obj is base_class or not issubclass(obj, base_class) or obj.__module__ != module_name:
                continue
            if validation_func is not None and not validation_func(obj):
                logger.debug("Validation failed for %s", obj.__name__)
                continue
            found.append(obj)
    logger.info(
        "Discovered %d registry classes for %s: %s", len(found), base_class.__name__, [c.__name__ for c in found]
    )
    return found


def _walk_import_failed(module_name: str) -> NoReturn:
    # pkgutil.walk_packages calls this inside its ``except ImportError``: the ImportError becomes __context__.
    raise DiscoveryError(f"Cannot discover package {module_name}")


def discover_registry_classes_recursive(
    package_path: Iterable[str],
    package_prefix: str,
    base_class: type,
    exclude_modules: set[str] | None = None,
    validation_func: Callable[[type], bool] | None = None,
) -> list[type]:
    """Like :func:`discover_registry_classes` over the whole package tree (``pkgutil.walk_packages``).

    A subpackage that fails to import raises ``DiscoveryError`` naming it. As in the
    library, a class counts wherever the module exposes it (imported names too).
    """
    found: list[type] = []
    excluded = exclude_modules or set()
    for _finder, module_name, is_package in pkgutil.walk_packages(
        package_path, prefix=package_prefix, onerror=_walk_import_failed
    ):
        if is_package:
            continue
        if _excluded(module_name, excluded):
            logger.debug("Skipping excluded module: %s", module_name)
            continue
        module = import_module_preserving_root_logging(module_name)
        for attr_name in dir(module):
            obj = getattr(module, attr_name)
            if not isinstance(obj, type) or obj is base_class or not issubclass(obj, base_class):
                continue
            if validation_func is not None and not validation_func(obj):
                logger.debug("Validation failed for %s", obj.__name__)
                continue
            found.append(obj)
    logger.info(
        "Discovered %d registry classes (recursive) for %s: %s",
        len(found),
        base_class.__name__,
        [c.__name__ for c in found],
    )
    return found
