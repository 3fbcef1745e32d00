"""The ``"tool"`` stamp every JSON document carries: which program, at which version, wrote it.

A document read later (a snapshot, a bundle, a remote worker's answer) says who made it, so a reader
can name a version mismatch instead of guessing from missing keys. Imports nothing but the version.
"""

from __future__ import annotations

TOOL_NAME = "registry-inspector"


def tool_stamp() -> dict[str, str]:
    """``{"name": "registry-inspector", "version": registry_core.__version__}`` (a fresh dict each call)."""
    from .._version import __version__

    return {"name": TOOL_NAME, "version": __version__}
