"""Zeiss HCS hook: importing this package registers its OpenHCS plugins (module entry point)."""

# The entry point names this package, not a class: importing it is the hook, so every
# plugin module must be imported here for its classes to register.
from . import czi_backend

__version__ = "1.1.0"
__all__ = ["czi_backend"]
