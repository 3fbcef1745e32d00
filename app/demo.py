"""The embedded demo plugin ecosystem (resources/demo), the inspector's default target."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

DEMO_ROOT = Path(__file__).resolve().parent.parent / "resources" / "demo"

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
    path = str(DEMO_ROOT)
    if path not in sys.path:
        sys.path.append(path)
        importlib.invalidate_caches()
    return DEMO_ROOT


def load_demo() -> list:
    """Import the demo's registry modules and return their registries (not yet discovered)."""
    from registry_core import LazyDiscoveryDict

    ensure_importable()
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

    return create_component_enums(COMPONENTS, namespace="openhcs_demo", version=openhcs_demo.__version__,
                                  enable_cache=enable_cache)
