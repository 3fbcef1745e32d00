"""metaclass-registry's own spelling of a registry's name, shared by the compat layer and the source that
observes the real library (both must name a registry, and its cache file, as the library does)."""

from __future__ import annotations

import re

#: How the inspector names the library of a registry that runs on the compat layer.
COMPAT_LIBRARY = "metaclass_registry on registry_core.compat"
#: What the inspector says of a metaclass-registry registry without a discovery package (implicit or plain dict).
PARTIAL_NOTE = "no discovery of its own: lists what registered once the modules that declare it were imported"


def library_registry_name(owner_name: str) -> str:
    """ "StorageBackend" -> "storage backend", "ROIJsonShapeDecoder" -> "r o i json shape decoder": one suffix
    of Base/Meta/Handler/Registry off, then every capital starts a word."""
    for suffix in ("Base", "Meta", "Handler", "Registry"):
        if owner_name.endswith(suffix):
            owner_name = owner_name[: -len(suffix)]
            break
    return re.sub(r"([A-Z])", r" \1", owner_name).strip().lower()
