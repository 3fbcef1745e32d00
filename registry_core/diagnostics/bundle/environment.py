"""The environment section: Python, platform, interpreter, versions and paths (read, never imported)."""

from __future__ import annotations

import os
import sys

from ..stamp import tool_stamp
from .sections import SCHEMA

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

_RELEVANT_ENV_EXACT = ("QT_QPA_PLATFORM", "PYTHONPATH")
_RELEVANT_ENV_PREFIXES = ("REGISTRY_CORE_", "REGISTRY_INSPECTOR_", "XDG_")
_RELEVANT_ENV_SUFFIXES = ("_DISABLE_REGISTRY_CACHE", "_SUBPROCESS_NO_GPU")
_TOOL_DISTRIBUTIONS = ("registry-inspector", "PyQt6", "pyqtgraph", "platformdirs")
#: Set in the inspected environment's process (``--python``, ``--remote``): the folder registry_core is run from.
_BRIDGE_VAR = "REGISTRY_INSPECTOR_BRIDGE"


def dist_version(name: str) -> str | None:
    """A distribution's version from its metadata (nothing of it is imported), or None."""
    from importlib import metadata

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None
    except Exception:  # noqa: BLE001 - a broken dist-info must not stop the bundle
        return None


def plugin_distributions(registries: Iterable[Any]) -> list[dict[str, Any]]:
    """Each distribution that provided plugins through entry points, with the registries it serves."""
    found: dict[str, dict[str, Any]] = {}
    for registry in registries:
        report = registry.report
        for module in report.modules:
            dist = getattr(module, "distribution", None)
            if not dist:
                continue
            name, _, version = dist.partition(" ")
            entry = found.setdefault(
                name, {"name": name, "version": version or None, "registries": [], "entry_points": []}
            )
            if registry.name not in entry["registries"]:
                entry["registries"].append(registry.name)
            if module.entry_point and module.entry_point not in entry["entry_points"]:
                entry["entry_points"].append(module.entry_point)
        last = getattr(registry, "last_discovery", None)
        for ep in last.advertised if last is not None else ():
            entry = found.setdefault(
                ep.dist, {"name": ep.dist, "version": ep.version or None, "registries": [], "entry_points": []}
            )
            if registry.name not in entry["registries"]:
                entry["registries"].append(registry.name)
            value = f"{ep.name} = {ep.value}"
            if value not in entry["entry_points"]:
                entry["entry_points"].append(value)
        if getattr(registry, "library", None) is not None:
            # Another library's registry: its plugins come from whichever distribution holds their modules.
            for name, version in _owning_distributions(c.module for c in registry.report.registered):
                entry = found.setdefault(name, {"name": name, "version": version, "registries": [], "entry_points": []})
                if registry.name not in entry["registries"]:
                    entry["registries"].append(registry.name)
    return [found[k] for k in sorted(found)]


def _owning_distributions(modules: Iterable[str]) -> list[tuple[str, str | None]]:
    """(distribution, version) of the installed distributions that hold ``modules`` (by top-level package)."""
    from importlib import metadata

    try:
        owners = metadata.packages_distributions()
    except Exception:  # noqa: BLE001 - a broken dist-info must not stop the bundle
        return []
    names = sorted({dist for module in modules for dist in owners.get(module.partition(".")[0], ())})
    return [(name, dist_version(name)) for name in names]


def libraries(registries: Iterable[Any]) -> dict[str, str]:
    """``{library: version}`` of every registry library the registries were built with."""
    from ..documents import library_of

    found: dict[str, str] = {}
    for registry in registries:
        library = library_of(registry)
        found[str(library.get("name"))] = str(library.get("version"))
    return dict(sorted(found.items()))


def relevant_env(environ: dict[str, str] | None = None) -> dict[str, str]:
    """The variables that change what registries and caches do, as the user set them (``environ``: this process's
    environment with the inspector's own plumbing undone: the metaclass-registry source's private cache folder,
    and the ``--python`` bridge that makes registry_core importable in the inspected environment)."""
    if environ is None:
        from ..._environ import user_environ

        environ = user_environ()
    source = dict(environ)
    bridge = source.pop(_BRIDGE_VAR, None)
    if bridge and "PYTHONPATH" in source:
        kept = [p for p in source["PYTHONPATH"].split(os.pathsep) if p and p != bridge]
        if kept:
            source["PYTHONPATH"] = os.pathsep.join(kept)
        else:
            del source["PYTHONPATH"]
    chosen = {}
    for name, value in source.items():
        if (
            name in _RELEVANT_ENV_EXACT
            or name.startswith(_RELEVANT_ENV_PREFIXES)
            or name.endswith(_RELEVANT_ENV_SUFFIXES)
        ):
            chosen[name] = value
    return dict(sorted(chosen.items()))


def os_release(read: Callable[[], dict[str, str]] | None = None) -> dict[str, str] | None:
    """The OS distribution from os-release (``NAME``, ``VERSION_ID``, ``ID``, ``PRETTY_NAME``...), None elsewhere.

    ``platform.freedesktop_os_release()`` (Python 3.10+) reads ``/etc/os-release``, else ``/usr/lib/os-release``.
    """
    import platform

    if read is None and sys.platform != "linux":
        return None
    try:
        found = (read or platform.freedesktop_os_release)()
    except OSError:
        return None
    keys = ("NAME", "VERSION_ID", "VERSION", "ID", "ID_LIKE", "PRETTY_NAME", "VERSION_CODENAME")
    return {key: found[key] for key in keys if found.get(key)}


def environment_document(registries: list[Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Python, platform, interpreter paths, versions, paths used and the relevant environment (unredacted).

    ``extra``: what only the caller knows, kept under ``"runtime"`` (the window passes Qt's runtime version
    and platform plugin: the core never imports Qt).
    """
    import platform
    import time

    from ..._version import __version__
    from ...cache.paths import get_cache_dir, user_cache_dir, user_data_dir
    from ..history import history_path
    from ..logs import log_dir, log_path

    namespaces = sorted(
        {r.config.cache_namespace for r in registries if r.config is not None and r.config.cache_namespace}
        | {"registry_core"}
    )
    versions = {name: dist_version(name) for name in _TOOL_DISTRIBUTIONS}
    versions["registry_core"] = __version__
    try:
        import platformdirs

        platformdirs_paths = {
            "user_data_dir": platformdirs.user_data_dir("registry-inspector", appauthor=False),
            "user_log_dir": platformdirs.user_log_dir("registry-inspector", appauthor=False),
            "user_cache_dir": {ns: platformdirs.user_cache_dir(ns, appauthor=False) for ns in namespaces},
        }
    except Exception as exc:  # noqa: BLE001
        platformdirs_paths = {"error": f"{type(exc).__name__}: {exc}"}
    return {
        "schema": SCHEMA,
        "tool": tool_stamp(),
        "created": time.time(),
        "python": {
            "version": platform.python_version(),
            "implementation": platform.python_implementation(),
            "build": " ".join(platform.python_build()),
            "compiler": platform.python_compiler(),
            "cache_tag": sys.implementation.cache_tag,
        },
        "platform": {
            "platform": platform.platform(),
            "system": platform.system(),
            "release": platform.release(),
            "machine": platform.machine(),
            "byteorder": sys.byteorder,
            "filesystem_encoding": sys.getfilesystemencoding(),
            "cpu_count": os.cpu_count(),
            "os_release": os_release(),
        },
        "runtime": dict(extra or {}),
        "interpreter": {
            "executable": sys.executable,
            "prefix": sys.prefix,
            "base_prefix": sys.base_prefix,
            "exec_prefix": sys.exec_prefix,
            "virtualenv": sys.prefix != sys.base_prefix,
            "frozen": bool(getattr(sys, "frozen", False)),
            "cwd": os.getcwd(),
            "sys_path": list(sys.path),
            # registry_core run here by the inspector (--python/--remote), not installed: the tool's other
            # distributions (registry-inspector, PyQt6, pyqtgraph) are the inspector's, not this environment's.
            "bridged": bool(os.environ.get(_BRIDGE_VAR)),
        },
        "versions": versions,
        "registry_libraries": libraries(registries),
        "plugin_distributions": plugin_distributions(registries),
        "paths": {
            "cache_dirs": {ns: get_cache_dir(ns) for ns in namespaces},
            # Other libraries' own cache folders (metaclass-registry's), where their registries keep their files.
            "library_cache_dirs": _library_cache_dirs(registries),
            "user_cache_dirs": {ns: user_cache_dir(ns) for ns in namespaces},
            "user_data_dir": user_data_dir(),
            "log_dir": log_dir(),
            "log_file": log_path(),
            "profile_history": history_path(),
            "platformdirs": platformdirs_paths,
        },
        "env": relevant_env(),
    }


def _library_cache_dirs(registries: Iterable[Any]) -> dict[str, str]:
    """``{library: folder}`` of the caches other libraries' registries keep (the user's folder, as they use it)."""
    found: dict[str, str] = {}
    for registry in registries:
        library = getattr(registry, "library", None)
        path = getattr(registry, "cache_path", None) if library else None
        if path:
            found.setdefault(str(library.get("name") if isinstance(library, dict) else library), os.path.dirname(path))
    return dict(sorted(found.items()))
