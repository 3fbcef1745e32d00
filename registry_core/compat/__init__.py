"""registry_core as a drop-in engine for other registry libraries' programs.

``install()`` makes ``import metaclass_registry`` (and ``metaclass_registry.core``,
``.cache``, ``.discovery``, ``.strategies``…) resolve to
``registry_core.compat.metaclass_registry``, metaclass-registry 0.4.1's API on
registry_core's engine, for the rest of the process. A whole program switches
over without being edited:

    python -m registry_core.compat run -m mypackage.cli --flag …
    python -m registry_core.compat run script.py …

or, for every process of an environment, a ``sitecustomize.py`` (or a ``.pth``
file's ``import`` line) that calls ``registry_core.compat.install()``.
"""

from __future__ import annotations

from ._install import AlreadyImportedError, install, installed, uninstall

__all__ = ["AlreadyImportedError", "install", "installed", "uninstall"]
