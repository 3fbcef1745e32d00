"""Sources: where registries come from, each turned into the same registries and report documents.

- registry_core's own registries: the target modules are imported (``load_targets``);
- metaclass-registry 0.2-0.4 (``metaclass_registry``): observed, never changed, its caches untouched;
- entry-point groups (``entry_point_groups``): ``--target entry-points:GROUP``;
- another Python environment (``environment``): the same subcommands run by that interpreter, as JSON.

``set_default_targets`` is how an application names the registries used when no target is given.
"""

from .environment import Cancelled, PythonEnvironmentError, interpreter, run_json
from .targets import TargetError, default_targets, load_targets, nothing_declared, set_default_targets

__all__ = [
    "Cancelled",
    "PythonEnvironmentError",
    "TargetError",
    "default_targets",
    "interpreter",
    "load_targets",
    "nothing_declared",
    "run_json",
    "set_default_targets",
]
