"""metaclass-registry 0.4.1's exceptions (``metaclass_registry.exceptions``)."""


class RegistryError(Exception):
    """Base exception for registry-related errors."""


class DiscoveryError(RegistryError):
    """Plugin discovery failed (a package of the discovery scope could not be walked)."""


class CacheError(RegistryError):
    """A cache operation failed."""


class DuplicateRegistryKeyError(RegistryError):
    """A registry key that names one class was claimed by another."""
