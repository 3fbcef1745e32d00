"""Sources: where registries come from, each turned into the same registries and report documents.

- registry_core's own registries: the target modules are imported (``load_targets``);
- metaclass-registry 0.2-0.4 (``metaclass_registry``): observed, never changed, its caches untouched;
- entry-point groups (``entry_point_groups``): ``--target entry-points:GROUP``;
- another Python environment (``environment``): the same subcommands run by that interpreter, as JSON;
- another machine (``remote``): the same subcommands run there through ssh, as JSON (imported when first used).

``set_default_targets`` is how an application names the registries used when no target is given.
"""

from .environment import Cancelled, PythonEnvironmentError, interpreter, run_json
from .targets import TargetError, default_targets, load_targets, nothing_declared, set_default_targets

TYPE_CHECKING = False
if TYPE_CHECKING:
    from .remote import RemoteAnswer, RemoteError, RemoteHost, remote_json, worker_error_line

#: Names served by ``remote``, imported on first use (the CLI never loads the ssh code without --remote).
_REMOTE = ("RemoteAnswer", "RemoteError", "RemoteHost", "remote_json", "worker_error_line")


def __getattr__(name: str) -> object:
    if name in _REMOTE:
        from . import remote

        return getattr(remote, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Cancelled",
    "PythonEnvironmentError",
    "RemoteAnswer",
    "RemoteError",
    "RemoteHost",
    "TargetError",
    "default_targets",
    "interpreter",
    "load_targets",
    "nothing_declared",
    "remote_json",
    "run_json",
    "set_default_targets",
    "worker_error_line",
]
