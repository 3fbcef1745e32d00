"""The embedded demo plugin ecosystem, the inspector's default target.

It is package data of ``app._resources`` (built from the repository's top-level
``resources/`` folder, see ``pyproject.toml``) and is found through
``importlib.resources``, so a wheel, an editable install and a frozen app all
find it the same way. Discovery scans the demo's folders on disk, so the demo
must be real files: ``as_file`` gives that path (a no-op for an ordinary
install; a temporary copy if the package were ever imported from a zip).
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

#: The package whose data holds the demo (``resources/`` in the repository).
RESOURCES_PACKAGE = "app._resources"
_demo_root: Path | None = None


def demo_root() -> Path:
    """The demo folder on disk: the ``sys.path`` entry that holds its packages and dist-info folders."""
    global _demo_root
    if _demo_root is None:
        _demo_root = _folder_on_disk(RESOURCES_PACKAGE, "demo")
    if _demo_root is None:
        import atexit
        import contextlib
        from importlib.resources import as_file, files

        try:
            resource = files(RESOURCES_PACKAGE).joinpath("demo")
        except ModuleNotFoundError as exc:
            raise ModuleNotFoundError(
                f"{exc}: the demo is package data of {RESOURCES_PACKAGE}, built from"
                " resources/; install the project (pip install -e .)",
                name=exc.name,
            ) from exc
        stack = contextlib.ExitStack()
        _demo_root = Path(stack.enter_context(as_file(resource)))
        atexit.register(stack.close)
    return _demo_root


def _folder_on_disk(package: str, name: str) -> Path | None:
    """``files(package) / name`` when ``package`` is plain files on disk (``as_file`` would hand that path back
    unchanged), found without importing importlib.resources, which costs a warm ``registry-inspector list``
    ~10 ms (zipfile, tempfile, ...); None for anything else (a zip, a frozen app), which takes the general way."""
    import importlib.util
    from importlib.machinery import SourceFileLoader, SourcelessFileLoader

    try:
        spec = importlib.util.find_spec(package)
    except (ImportError, ValueError):
        return None
    if (
        spec is None
        or not isinstance(spec.loader, (SourceFileLoader, SourcelessFileLoader))
        or not isinstance(spec.origin, str)
    ):
        return None
    folder = Path(spec.origin).parent / name  # (importlib.resources' FileReader: the folder of the package's file)
    return folder if folder.is_dir() else None


def __getattr__(name: str) -> Path:
    if name == "DEMO_ROOT":  # the former module constant, resolved on first use
        return demo_root()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: Modules that declare the demo's registries; importing them creates the registries (lazily).
DEMO_TARGETS = (
    "openhcs_demo.microscopes.microscope_base",
    "openhcs_demo.io.backend_base",
    "openhcs_demo.runtime.servers.server_base",
    "openhcs_demo.processing.library_base",
    "openhcs_demo.formats.format_base",
)


def ensure_importable() -> Path:
    """Put the demo (and its third-party plugin distributions) on sys.path."""
    root = demo_root()
    path = str(root)
    if path not in sys.path:
        sys.path.append(path)
        importlib.invalidate_caches()
    return root


def load_demo() -> list:
    """Import the demo's registry modules and return their registries (not yet discovered)."""
    from registry_core import LazyDiscoveryDict
    from registry_core.sources import set_default_targets

    root = ensure_importable()
    # Fresh-process children (profile, verify) load the same default: this function, with the demo importable.
    set_default_targets(f"{__name__}:load_demo", [str(root)])
    registries = []
    for target in DEMO_TARGETS:
        module = importlib.import_module(target)
        for value in vars(module).values():
            # Identity, not ``in``: == on a registry discovers it and imports every plugin.
            if isinstance(value, LazyDiscoveryDict) and not any(value is r for r in registries):
                registries.append(value)
    demo_component_enums()
    return registries


def demo_component_enums(enable_cache: bool = True) -> tuple:
    """The demo's component enums (AllComponents, VariableComponents, GroupBy), from its components table."""
    ensure_importable()
    import openhcs_demo
    from openhcs_demo.components import COMPONENTS

    from registry_core.enums import create_component_enums

    return create_component_enums(
        COMPONENTS, namespace="openhcs_demo", version=openhcs_demo.__version__, enable_cache=enable_cache
    )
