"""Sources: where registries come from, each turned into the same registries and report documents.

Today one source, registry_core's own registries, found by importing the target
modules (``load_targets``). ``set_default_targets`` is how an application names
the registries used when no target is given.
"""

from .targets import TargetError, default_targets, load_targets, set_default_targets

__all__ = ["TargetError", "default_targets", "load_targets", "set_default_targets"]
