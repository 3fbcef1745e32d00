"""What differs between two snapshots: a pure function from two snapshot documents to a diff document.

Only what changes which plugins a process gets is compared: registries and keys present on one side,
a key served by another ``module:Class`` or another distribution version, modules that fail on one
side only, cache states, and the environment that steers discovery (Python, the variables such as
``<NAMESPACE>_SUBPROCESS_NO_GPU``, the import path, the versions of plugin distributions and registry
libraries). Creation times, ages, durations and sizes always differ between two runs, and paths differ
between two machines' home folders: comparing them would drown the one line that matters.

Either side may come from anywhere (a file, a bundle, this process, a remote worker): the inputs are
snapshot documents (``diagnostics.snapshot``), nothing else.
"""

from __future__ import annotations

import json
import re

from .stamp import tool_stamp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

SCHEMA = 1
#: The kinds of difference, in the order they are listed (the environment explains the rest).
KINDS = ("environment", "registry", "key", "plugin", "failure", "cache")
KIND_TITLES = {
    "environment": "Environment that changes discovery",
    "registry": "Registries on one side only",
    "key": "Keys on one side only",
    "plugin": "The same key served differently",
    "failure": "Modules failing on one side only",
    "cache": "Cache states",
}
#: What is never compared, and why it is safe to leave out (said in the document, so a reader knows).
IGNORED = (
    "creation times and cache ages",
    "discovery and profile durations",
    "file sizes",
    "paths under the home folder (compared as ~)",
)
#: Environment variables that change discovery, by suffix or by name (``bundle.environment`` lists more).
_DISCOVERY_ENV_SUFFIXES = ("_SUBPROCESS_NO_GPU", "_DISABLE_REGISTRY_CACHE")
_DISCOVERY_ENV_NAMES = ("REGISTRY_CORE_CACHE_CONTENT_HASH", "REGISTRY_CORE_DISABLE_CACHE")
_HOME = re.compile(r"^(?:/home/[^/]+|/Users/[^/]+|/var/home/[^/]+|/root|[A-Za-z]:[\\/]Users[\\/][^\\/]+)(?=[\\/]|$)")


def diff_snapshots(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """The diff document of snapshots ``a`` and ``b``: ``same`` is True when every part was compared and nothing
    differs; ``complete`` False when a part was absent on a side (a bundle with a section left out): then nothing
    can be said to be the same."""
    from .snapshot import describe_source

    differences: list[dict[str, Any]] = []
    not_compared: list[str] = []
    for part in ("environment", "list", "status"):
        for side, snapshot in (("A", a), ("B", b)):
            if snapshot.get(part) is None:
                why = (snapshot.get("absent") or {}).get(part) or "not in it"
                not_compared.append(f"{part}: absent in {side} ({why})")
    targets_a, targets_b = sorted(a.get("targets") or []), sorted(b.get("targets") or [])
    if targets_a != targets_b:
        # Not an environment difference but a different question: said first, so that the registries of one side
        # only read as what they are.
        shown_a, shown_b = ", ".join(targets_a) or "the default targets", ", ".join(targets_b) or "the default targets"
        differences.append(
            _difference("environment", None, "targets", targets_a, targets_b, f"targets: {shown_a} -> {shown_b}")
        )
    if a.get("environment") is not None and b.get("environment") is not None:
        differences += _environment(a["environment"], b["environment"])
    one_sided: set[str] = set()
    if a.get("list") is not None and b.get("list") is not None:
        found = _registries(a["list"], b["list"])
        one_sided = {d["registry"] for d in found if d["kind"] == "registry"}
        differences += found
    if a.get("status") is not None and b.get("status") is not None:
        # (a registry on one side only is said once, above, not again as "no cache -> valid")
        differences += [d for d in _caches(a["status"], b["status"]) if d["registry"] not in one_sided]
    differences.sort(key=lambda d: KINDS.index(d["kind"]))
    counts = {kind: sum(1 for d in differences if d["kind"] == kind) for kind in KINDS}
    return {
        "schema": SCHEMA,
        "tool": tool_stamp(),
        "a": _side(a, describe_source(a)),
        "b": _side(b, describe_source(b)),
        "same": not differences and not not_compared,
        "complete": not not_compared,
        "counts": counts,
        "differences": differences,
        "not_compared": not_compared,
        "ignored": list(IGNORED),
    }


def verdict(document: dict[str, Any]) -> str:
    """The diff's one-line answer: same, how many differences, or that a part could not be compared."""
    total = len(document.get("differences") or [])
    if document.get("same"):
        return "same: nothing that changes discovery differs"
    missing = sorted({line.partition(":")[0] for line in document.get("not_compared") or []})
    unknown = f"not known to be the same: {' and '.join(missing)} could not be compared" if missing else ""
    if not total:
        return unknown
    found = f"{total} difference{'s' if total != 1 else ''}"
    return f"{found}; {unknown}" if unknown else found


def _side(snapshot: dict[str, Any], label: str) -> dict[str, Any]:
    source = snapshot.get("source") or {}
    return {
        "label": label,
        "kind": source.get("kind"),
        "path": source.get("path"),
        "host": source.get("host"),
        "created_utc": snapshot.get("created_utc"),
        "tool": snapshot.get("tool"),
        "notes": list(snapshot.get("notes") or []),
    }


def _difference(kind: str, registry: str | None, name: str, a: Any, b: Any, summary: str) -> dict[str, Any]:
    return {"kind": kind, "registry": registry, "name": name, "a": a, "b": b, "summary": summary}


# -- the environment -------------------------------------------------------------------------------------
def _environment(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    found = []
    for field in ("version", "implementation"):
        left, right = (a.get("python") or {}).get(field), (b.get("python") or {}).get(field)
        if left != right:
            found.append(_difference("environment", None, f"Python {field}", left, right, f"Python {left} -> {right}"))
    env_a, env_b = _discovery_env(a.get("env") or {}), _discovery_env(b.get("env") or {})
    for name in sorted(set(env_a) | set(env_b)):
        left, right = env_a.get(name), env_b.get(name)
        if left != right:
            found.append(
                _difference("environment", None, name, left, right, f"{name}: {_shown(left)} -> {_shown(right)}")
            )
    path_a, path_b = import_path(a), import_path(b)
    only_a = [p for p in path_a if p not in path_b]
    only_b = [p for p in path_b if p not in path_a]
    for entry in only_a:
        found.append(_difference("environment", None, "import path", entry, None, f"import path: {entry} only in A"))
    for entry in only_b:
        found.append(_difference("environment", None, "import path", None, entry, f"import path: {entry} only in B"))
    if not only_a and not only_b and path_a != path_b:
        # The same folders in another order: the first portion of a package wins, so order is behaviour.
        found.append(
            _difference(
                "environment", None, "import path order", path_a, path_b, "import path: same folders, order differs"
            )
        )
    versions_a, versions_b = _distribution_versions(a), _distribution_versions(b)
    for name in sorted(set(versions_a) | set(versions_b)):
        left, right = versions_a.get(name), versions_b.get(name)
        if left != right:
            found.append(
                _difference(
                    "environment",
                    None,
                    f"distribution {name}",
                    left,
                    right,
                    f"{name}: {_shown(left, 'not installed')} -> {_shown(right, 'not installed')}",
                )
            )
    return found


def _discovery_env(env: dict[str, Any]) -> dict[str, str]:
    return {
        name: str(value)
        for name, value in env.items()
        if name.endswith(_DISCOVERY_ENV_SUFFIXES) or name in _DISCOVERY_ENV_NAMES
    }


def import_path(environment: dict[str, Any]) -> list[str]:
    """``sys.path`` as compared: home folders as ``~``, without the script's own folder (``sys.path[0]``:
    the ``bin`` folder of whichever command started the process, which says nothing about discovery)."""
    interpreter = environment.get("interpreter") or {}
    entries = [str(p) for p in interpreter.get("sys_path") or []]
    executable = str(interpreter.get("executable") or "")
    if entries and (entries[0] in ("", ".") or entries[0] == executable.rpartition("/")[0]):
        entries = entries[1:]
    return [home_relative(p) for p in entries]


def home_relative(path: str) -> str:
    """``/home/ann/x`` -> ``~/x`` (also macOS and Windows home folders); other paths unchanged."""
    return _HOME.sub("~", path)


def _distribution_versions(environment: dict[str, Any]) -> dict[str, str | None]:
    found: dict[str, str | None] = {}
    for dist in environment.get("plugin_distributions") or []:
        if isinstance(dist, dict) and dist.get("name"):
            found[str(dist["name"])] = dist.get("version")
    for library, version in (environment.get("registry_libraries") or {}).items():
        found.setdefault(str(library), version)
    return found


def _shown(value: Any, missing: str = "unset") -> str:
    return missing if value is None else repr(value) if isinstance(value, str) and not value else str(value)


# -- registries, keys, plugins, failures ---------------------------------------------------------------------
def _registries(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    by_a = {r.get("name"): r for r in a.get("registries") or []}
    by_b = {r.get("name"): r for r in b.get("registries") or []}
    found = []
    for name in [n for n in by_a if n not in by_b]:
        count = len(by_a[name].get("plugins") or [])
        found.append(
            _difference("registry", name, name, _count(count), None, f"registry {name!r} only in A ({count} plugins)")
        )
    for name in [n for n in by_b if n not in by_a]:
        count = len(by_b[name].get("plugins") or [])
        found.append(
            _difference("registry", name, name, None, _count(count), f"registry {name!r} only in B ({count} plugins)")
        )
    for name in [n for n in by_a if n in by_b]:
        found += _plugins(name, by_a[name], by_b[name])
        found += _failures(name, by_a[name], by_b[name])
    return found


def _count(count: int) -> str:
    return f"{count} plugins"


def _plugins(registry: str, a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    keys_a = {_key_id(p.get("key")): p for p in a.get("plugins") or []}
    keys_b = {_key_id(p.get("key")): p for p in b.get("plugins") or []}
    found = []
    for key_id, plugin in keys_a.items():
        if key_id not in keys_b:
            found.append(
                _difference(
                    "key", registry, _key_text(plugin), served_by(plugin), None, f"{_key_text(plugin)!r} only in A"
                )
            )
    for key_id, plugin in keys_b.items():
        if key_id not in keys_a:
            found.append(
                _difference(
                    "key", registry, _key_text(plugin), None, served_by(plugin), f"{_key_text(plugin)!r} only in B"
                )
            )
    for key_id, left in keys_a.items():
        right = keys_b.get(key_id)
        if right is None:
            continue
        class_a, class_b = served_by(left), served_by(right)
        dist_a, dist_b = left.get("distribution"), right.get("distribution")
        key = _key_text(left)
        if class_a != class_b:
            found.append(_difference("plugin", registry, key, class_a, class_b, f"{key!r}: {class_a} -> {class_b}"))
        elif dist_a != dist_b:
            found.append(
                _difference(
                    "plugin",
                    registry,
                    key,
                    dist_a,
                    dist_b,
                    f"{key!r}: {_shown(dist_a, 'no distribution')} -> {_shown(dist_b, 'no distribution')}",
                )
            )
    return found


def served_by(plugin: dict[str, Any]) -> str:
    """``module:Class`` of a plugin entry of a ``list`` document."""
    return f"{plugin.get('module')}:{plugin.get('class')}"


def _key_id(key: Any) -> str:
    return json.dumps(key, sort_keys=True, default=repr)


def _key_text(plugin: dict[str, Any]) -> str:
    key = plugin.get("key")
    return key if isinstance(key, str) else json.dumps(key, default=repr)


def _failures(registry: str, a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    fail_a = {f.get("module"): f for f in a.get("failures") or []}
    fail_b = {f.get("module"): f for f in b.get("failures") or []}
    found = []
    for module, failure in fail_a.items():
        if module not in fail_b:
            error = failure.get("error")
            found.append(
                _difference("failure", registry, str(module), error, None, f"{module} fails only in A: {error}")
            )
    for module, failure in fail_b.items():
        if module not in fail_a:
            error = failure.get("error")
            found.append(
                _difference("failure", registry, str(module), None, error, f"{module} fails only in B: {error}")
            )
    return found


# -- caches ------------------------------------------------------------------------------------------------
def _caches(a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    by_a = {_cache_name(c): c for c in a.get("caches") or []}
    by_b = {_cache_name(c): c for c in b.get("caches") or []}
    found = []
    for name in list(by_a) + [n for n in by_b if n not in by_a]:
        left, right = by_a.get(name), by_b.get(name)
        state_a = left.get("state") if left else None
        state_b = right.get("state") if right else None
        # (a cache file that is missing and one that is not listed at all: no file either way)
        if state_a == state_b or {state_a, state_b} == {"missing", None}:
            continue
        found.append(
            _difference(
                "cache",
                name,
                name,
                _cache_words(left),
                _cache_words(right),
                f"{name}: {_shown(state_a, 'no cache')} -> {_shown(state_b, 'no cache')}",
            )
        )
    return found


def _cache_name(cache: dict[str, Any]) -> str:
    return str(cache.get("registry") or cache.get("name") or "?")


def _cache_words(cache: dict[str, Any] | None) -> str | None:
    """``state: reason`` of one cache, the reason as the status document gives it (None: no cache there)."""
    if cache is None:
        return None
    reason = cache.get("reason") or cache.get("detail") or ""
    return f"{cache.get('state')}: {reason}" if reason else str(cache.get("state"))
