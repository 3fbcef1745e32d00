"""polystore 0.6.3 and zmqruntime 0.6.5, unmodified, on registry_core.compat through ``install()``.

Every registry they (and arraybridge, python-introspect) declare lists the same keys with the same module:class
as with the real metaclass-registry 0.4.1, cold and warm; polystore's ``create_storage_registry()`` (which calls
the private ``_discover``) works; a warm start lists the backends without importing any of them.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from real_stack import ROOT, real_stack_python

PROBE = r"""
import gc, importlib, json, sys
if sys.argv[1] == "compat":
    import registry_core.compat
    registry_core.compat.install()
MODULES = [
    "polystore.base", "polystore.config", "polystore.roi", "polystore.roi_converters",
    "polystore.streaming.viewer_transport", "polystore.backend_registry",
    "zmqruntime.transport_modes", "zmqruntime.messages", "zmqruntime.process_launch",
    "arraybridge.libraries", "arraybridge.conversion", "arraybridge.decorators",
    "python_introspect.signature_analyzer", "python_introspect.docstring_annotations",
    "python_introspect.unified_parameter_analyzer",
]
from polystore.base import BackendBase
before = set(sys.modules)
backends = sorted(BackendBase.__registry__.keys())
keys_imported = sorted(n for n in set(sys.modules) - before if n.startswith("polystore."))
for name in MODULES:
    importlib.import_module(name)
import metaclass_registry
registries = {}
for obj in gc.get_objects():
    if isinstance(obj, type) and isinstance(obj, metaclass_registry.AutoRegisterMeta) and "__registry__" in vars(obj):
        registry = vars(obj)["__registry__"]
        registries[f"{obj.__module__}.{obj.__qualname__}"] = sorted(
            f"{key!r} -> {value.__module__}:{value.__qualname__}" for key, value in registry.items()
        )
from polystore.backend_registry import create_storage_registry
print(json.dumps({
    "library": metaclass_registry.__name__,
    "backends": backends,
    "imported_by_keys": keys_imported,
    "registries": registries,
    "storage_registry": sorted(create_storage_registry()),
}))
"""


def probe(mode: str, tmp_path: Path, xdg: Path) -> dict:
    script = tmp_path / "probe.py"
    script.write_text(PROBE)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "XDG_", "REGISTRY_CORE"))}
    env["PYTHONPATH"] = str(ROOT)
    env["XDG_CACHE_HOME"] = str(xdg)
    proc = subprocess.run(
        [real_stack_python(), str(script), mode], env=env, capture_output=True, text=True, timeout=300, cwd=tmp_path
    )
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout.strip().splitlines()[-1])


def test_every_registry_lists_the_same_plugins_as_the_real_library_cold_and_warm(tmp_path):
    real = probe("real", tmp_path, tmp_path / "xdg-real")
    cold = probe("compat", tmp_path, tmp_path / "xdg-compat")
    warm = probe("compat", tmp_path, tmp_path / "xdg-compat")
    assert real["library"] == "metaclass_registry"
    assert cold["library"] == warm["library"] == "registry_core.compat.metaclass_registry"
    assert len(real["backends"]) == 9, real["backends"]
    assert len(real["registries"]) >= 15, sorted(real["registries"])
    for mode in (cold, warm):
        assert mode["backends"] == real["backends"]
        assert mode["registries"] == real["registries"]
        assert mode["storage_registry"] == real["storage_registry"]
    assert real["storage_registry"], "create_storage_registry() made no backend"
    # The real library imports every backend to list them, even warm; a warm compat start imports none.
    assert len(real["imported_by_keys"]) > 5
    assert warm["imported_by_keys"] == []
