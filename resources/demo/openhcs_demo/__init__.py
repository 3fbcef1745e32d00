"""OpenHCS demo plugin ecosystem for Registry Inspector."""

# Nothing else is imported here: every registry must be discovered lazily.
__version__ = "1.4.0"
