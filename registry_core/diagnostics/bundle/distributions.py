"""Every installed distribution (like ``pip inspect``) and the requirements they break (like ``pip check``).

Read from the dist-info/egg-info metadata through ``importlib.metadata``; nothing is imported. Each
distribution: name, version, location (the folder holding its metadata), whether it is editable
(``direct_url.json``'s ``dir_info.editable``, PEP 610), its installer, and whether an earlier entry of
``sys.path`` shadows it. Conflicts: each ``Requires-Dist`` of the first (importable) copy of each name,
against the installed versions: ``missing`` (not installed) or ``version`` (installed, outside the
specifier). As in ``pip check``, requirements of extras are not checked (no extra was asked for) and
neither are those whose environment marker does not apply to this interpreter.

Requirements are parsed by ``packaging`` when it is installed (pip, setuptools and most environments have it);
otherwise by :func:`_parse_requirement`, a small parser for ``name (>=x)``, ``name[extra]>=x,<y`` and
markers made of ``variable op "value"`` clauses joined by ``and``/``or`` (no parentheses). A requirement
it cannot read is skipped, never reported: a false conflict would mislead more than a missed one.
"""

from __future__ import annotations

import os
import re
import sys

from ..stamp import tool_stamp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(\[[^\]]*\])?\s*(.*)$")


def canonical_name(name: str) -> str:
    """PEP 503: lower case, runs of ``-_.`` as one ``-``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def installed_distributions(path: list[str] | None = None) -> list[dict[str, Any]]:
    """Each distribution found on ``path`` (default ``sys.path``), in path order, sorted by name afterwards."""
    import json
    from importlib import metadata

    found: list[dict[str, Any]] = []
    seen: set[str] = set()
    for dist in metadata.distributions(path=sys.path if path is None else path):
        try:
            name = dist.metadata["Name"]
        except Exception:  # noqa: BLE001 - a broken dist-info must not stop the bundle: it is listed as such
            name = None
        if not name:
            continue
        location = _location(dist)
        editable = False
        url = None
        try:
            direct = dist.read_text("direct_url.json")
            if direct:
                info = json.loads(direct)
                editable = bool((info.get("dir_info") or {}).get("editable"))
                url = info.get("url")
        except (OSError, ValueError, AttributeError):
            pass
        try:
            installer = (dist.read_text("INSTALLER") or "").strip() or None
        except OSError:
            installer = None
        key = canonical_name(name)
        entry: dict[str, Any] = {
            "name": name,
            "version": dist.version,
            "location": location,
            "editable": editable,
            "installer": installer,
            "requires": list(dist.requires or []),
        }
        if editable and url:
            entry["editable_project_location"] = url
        if key in seen:
            entry["shadowed"] = True  # an earlier sys.path entry holds the copy that is imported
        seen.add(key)
        found.append(entry)
    return sorted(found, key=lambda d: (canonical_name(d["name"]), d.get("shadowed", False)))


def _location(dist: Any) -> str | None:
    path = getattr(dist, "_path", None)  # PathDistribution: the .dist-info / .egg-info folder
    if path is not None:
        return os.path.dirname(str(path))
    try:
        return str(dist.locate_file(""))
    except Exception:  # noqa: BLE001
        return None


def conflicts(distributions: Iterable[dict[str, Any]], environment: dict[str, str] | None = None) -> dict[str, Any]:
    """``pip check``: ``{"checker": ..., "conflicts": [...], "unchecked": [...]}`` for the importable copies."""
    active = [d for d in distributions if not d.get("shadowed")]
    versions = {canonical_name(d["name"]): d["version"] for d in active}
    parse, checker = _requirement_parser()
    env = default_environment() if environment is None else environment
    found: list[dict[str, Any]] = []
    unchecked: list[dict[str, str]] = []
    for dist in active:
        for text in dist.get("requires") or []:
            parsed = parse(text, env)
            if parsed is None:
                unchecked.append({"name": dist["name"], "requirement": text})
                continue
            name, applies, contains = parsed
            if not applies:
                continue
            installed = versions.get(canonical_name(name))
            if installed is None:
                found.append(_conflict(dist, text, name, None, "missing"))
            elif not contains(installed):
                found.append(_conflict(dist, text, name, installed, "version"))
    return {"checker": checker, "conflicts": found, "unchecked": unchecked}


def _conflict(dist: dict[str, Any], text: str, name: str, installed: str | None, kind: str) -> dict[str, Any]:
    requirement = text.split(";")[0].strip()
    said = (
        f"{dist['name']} {dist['version']} requires {requirement}, which is not installed"
        if kind == "missing"
        else f"{dist['name']} {dist['version']} requires {requirement}, but {name} {installed} is installed"
    )
    return {
        "name": dist["name"],
        "version": dist["version"],
        "requirement": requirement,
        "requires": name,
        "installed": installed,
        "kind": kind,
        "message": said,
    }


def distributions_document(path: list[str] | None = None) -> dict[str, Any]:
    """The ``distributions.json`` member: every distribution and the conflict check."""
    from .sections import SCHEMA

    dists = installed_distributions(path)
    check = conflicts(dists)
    return {
        "schema": SCHEMA,
        "tool": tool_stamp(),
        "python": sys.executable,
        "count": len(dists),
        "editable": sum(1 for d in dists if d["editable"]),
        "distributions": dists,
        **check,
    }


# -- requirement parsing ---------------------------------------------------------------------------------------------
def default_environment() -> dict[str, str]:
    """PEP 508 marker variables of this interpreter (``packaging.markers.default_environment``'s values)."""
    import platform

    return {
        "implementation_name": sys.implementation.name,
        "implementation_version": platform.python_version(),
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "platform_python_implementation": platform.python_implementation(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
        "extra": "",
    }


def _requirement_parser() -> tuple[Callable[[str, dict[str, str]], Any], str]:
    """``packaging``'s when installed, else the small one; with the name of the one in use."""
    try:
        from packaging.requirements import Requirement
        from packaging.version import InvalidVersion
    except ImportError:
        return _parse_requirement, "built-in parser (packaging is not installed)"

    def parse(text: str, env: dict[str, str]) -> Any:
        try:
            req = Requirement(text)
            applies = req.marker is None or req.marker.evaluate(dict(env))
        except Exception:  # noqa: BLE001 - InvalidRequirement, or a marker it cannot evaluate: skipped
            return None

        def contains(version: str) -> bool:
            try:
                return req.specifier.contains(version, prereleases=True)
            except InvalidVersion:
                return True  # a version packaging cannot read: not a conflict we can claim

        return req.name, applies, contains

    from importlib.metadata import version

    return parse, f"packaging {version('packaging')}"


def _parse_requirement(text: str, env: dict[str, str]) -> Any:
    """``(name, applies, contains)`` for a PEP 508 requirement, or None when this parser cannot read it."""
    body, _, marker = text.partition(";")
    match = _NAME.match(body)
    if not match:
        return None
    name, rest = match.group(1), match.group(3).strip()
    if rest.startswith("@"):
        return name, _marker_applies(marker, env) is True, lambda _v: True  # a URL requirement: any version
    if rest.startswith("(") and rest.endswith(")"):
        rest = rest[1:-1]
    clauses = [c.strip() for c in rest.split(",") if c.strip()]
    specs = []
    for clause in clauses:
        spec = re.fullmatch(r"(===|==|!=|~=|>=|<=|>|<)\s*([A-Za-z0-9.*+!_-]+)", clause)
        if not spec:
            return None
        specs.append((spec.group(1), spec.group(2)))
    applies = _marker_applies(marker, env)
    if applies is None:
        return None
    return name, applies, lambda version: all(_compare(version, op, want) for op, want in specs)


def _marker_applies(marker: str, env: dict[str, str]) -> bool | None:
    """True/False for ``var op "value"`` clauses joined by and/or (and binds tighter); None if unreadable."""
    marker = marker.strip()
    if not marker:
        return True
    if "(" in marker:
        return None
    any_true = False
    for group in re.split(r"\s+or\s+", marker):
        all_true = True
        for clause in re.split(r"\s+and\s+", group):
            found = re.fullmatch(r"""\s*(\w+)\s*(===|==|!=|~=|>=|<=|>|<|not in|in)\s*(['"])(.*?)\3\s*""", clause)
            if not found or found.group(1) not in env:
                return None
            variable, op, value = found.group(1), found.group(2), found.group(4)
            have = env[variable]
            if variable.endswith("version") and op not in ("in", "not in"):
                result = _compare(have, op, value)
            elif op == "in":
                result = have in value
            elif op == "not in":
                result = have not in value
            elif op in ("==", "==="):
                result = canonical_name(have) == canonical_name(value) if variable == "extra" else have == value
            elif op == "!=":
                result = have != value
            else:
                return None
            all_true = all_true and result
        any_true = any_true or all_true
    return any_true


def _release(version: str) -> tuple[int, ...]:
    """The release numbers of a version (``1.2.3rc1`` -> ``(1, 2, 3)``); epochs and local parts dropped."""
    version = version.split("+")[0].split("!")[-1]
    numbers = re.match(r"v?(\d+(?:\.\d+)*)", version.strip())
    return tuple(int(n) for n in numbers.group(1).split(".")) if numbers else ()


def _padded(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    width = max(len(a), len(b))
    return a + (0,) * (width - len(a)), b + (0,) * (width - len(b))


def _compare(version: str, op: str, want: str) -> bool:
    if op == "===":
        return version == want
    if want.endswith(".*") and op in ("==", "!="):
        prefix = _release(want[:-2])
        same = _release(version)[: len(prefix)] == prefix
        return same if op == "==" else not same
    have, need = _padded(_release(version), _release(want))
    if op == "~=":
        stem = _release(want)[:-1]
        return have >= need and _release(version)[: len(stem)] == stem
    return {
        "==": have == need,
        "!=": have != need,
        ">=": have >= need,
        "<=": have <= need,
        ">": have > need,
        "<": have < need,
    }[op]
