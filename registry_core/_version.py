"""The version of registry_core, in a module of its own so that no submodule imports the facade."""

__version__ = "0.1.0"
