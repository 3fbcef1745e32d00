"""``verify``: does what each registry holds now agree with a fresh discovery in a fresh process?

A valid cache is trusted on its fingerprint: files, entry points, import path and
environment. Whatever a fingerprint cannot see (a plugin whose key comes from a
file outside its package, a registration that depends on the time of day) makes
a cache that is valid and wrong. ``verify`` asks: this process lists each
registry (from its cache when valid, importing nothing), a child with an empty
private cache folder discovers it from scratch, and every key is compared with
the module and class behind it.
"""

from __future__ import annotations

import os
import sys

from .children import (
    Cancelled,
    child_env,
    child_pythonpath,
    default_factory,
    hung_module,
    run_child,
    watchdog_after,
)
from .defaults import VERIFY_TIMEOUT_S as DEFAULT_TIMEOUT_S
from .stamp import tool_stamp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

SCHEMA = 1

__all__ = ["Cancelled", "verify_registries"]


def verify_registries(
    registries: list[Any],
    targets: list[str] | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT_S,
    cancelled: Callable[[], bool] | None = None,
    python: str | None = None,
    default_targets: str | None = None,
) -> dict[str, Any]:
    """Compare each registry's keys (and the class behind each) with a fresh discovery; a JSON-ready dict.

    ``document["agree"]`` is True when every registry agrees, False when one does not, None when the
    fresh discovery could not run (``document["error"]`` says why). Raises ``Cancelled`` on cancel.
    """
    import shutil
    import tempfile
    import time

    from .._placeholder import identity_of

    registries = [r for r in registries if getattr(r, "config", None) is not None]
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "tool": tool_stamp(),
        "created": time.time(),
        "registries": [],
        "agree": None,
        "error": None,
        "details": "",
    }
    ours: dict[str, dict[str, list]] = {}
    for registry in registries:
        keys = list(registry.keys())  # from a valid cache this imports nothing
        ours[registry.qualified_name] = {repr(k): list(identity_of(dict.__getitem__(registry, k))) for k in keys}
    work = tempfile.mkdtemp(prefix="registry-inspector-verify-")
    try:
        cwd = os.path.join(work, "cwd")  # an empty working directory: ``-c`` puts it on sys.path
        os.makedirs(cwd)
        env = child_env(child_pythonpath(targets), os.path.join(work, "cache"), watchdog_after(timeout))
        argv = [
            "verify",
            ",".join(targets or []),
            "" if targets else (default_targets or default_factory()),
            *[r.qualified_name for r in registries],
        ]
        result = run_child(argv, env, cwd, timeout, cancelled, python or sys.executable)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    data = result.data
    if result.timed_out or not isinstance(data, dict) or not isinstance(data.get("registries"), list):
        module, stack = hung_module(result.stderr)
        if result.timed_out:
            document["error"] = f"the fresh discovery timed out after {timeout:g} s" + (
                f" while importing {module}" if module else ""
            )
        elif isinstance(data, dict) and data.get("error"):
            document["error"] = str(data["error"])
        else:
            document["error"] = f"the fresh discovery exited with {result.returncode}"
        document["details"] = stack or "\n".join(result.stderr.strip().splitlines()[-20:])
        return document
    fresh = {entry.get("name"): entry for entry in data["registries"] if isinstance(entry, dict)}
    for registry in registries:
        name = registry.qualified_name
        cached = ours[name]
        found = {str(e[0]): list(e[1:3]) for e in fresh.get(name, {}).get("entries", []) if len(e) >= 3}
        status = registry.cache.startup_status if registry.cache is not None else None
        changed = [
            {"key": key, "now": _dotted(cached[key]), "fresh": _dotted(found[key])}
            for key in sorted(set(cached) & set(found))
            if cached[key] != found[key]
        ]
        entry = {
            "name": registry.name,
            "qualified_name": name,
            "source": registry.report.source,
            "cache_state": None if status is None else status.state,
            "keys": len(cached),
            "only_now": sorted(set(cached) - set(found)),
            "only_fresh": sorted(set(found) - set(cached)),
            "changed": changed,
        }
        entry["agrees"] = not (entry["only_now"] or entry["only_fresh"] or changed)
        document["registries"].append(entry)
    document["agree"] = all(e["agrees"] for e in document["registries"])
    return document


def _dotted(identity: list) -> str:
    module, qualname = (identity + [None, None])[:2]
    return f"{module or '?'}.{qualname or '?'}"
