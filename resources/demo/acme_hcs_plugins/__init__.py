"""ACME HCS plugins: third-party OpenHCS handlers, advertised through entry points."""

__version__ = "0.3.0"
