"""Snapshots: one JSON document holding what a machine's registries looked like at one moment.

A snapshot nests the ``list`` and ``status`` documents, the environment section and the latest profile,
redacted like a bundle. The same four parts are members of a bug-report bundle; a bundle holds no second
copy: its manifest names the members, and :func:`load_snapshot` assembles the same document from them.
Every reader (``diff``, the window, a remote worker's answer) goes through :func:`load_snapshot` or
:func:`resolve_snapshot`, so "a snapshot file, a bundle or live" is decided in one place.

A part that is not there (a bundle section left unticked, no profile recorded yet, a member another
version wrote without the keys this one reads) is ``None``, and ``absent[part]`` says why. ``notes`` says
what a reader should know about the document itself (an older or newer format).
"""

from __future__ import annotations

import json
import os
import time

from .bundle.snapshot_parts import FORMAT, PART_NAMES, PARTS, SCHEMA, SECTION_IDS, host, part_absences
from .stamp import TOOL_NAME, tool_stamp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

BUNDLE_FORMAT = "registry-inspector-bundle"
#: ``resolve_snapshot``'s word for "the environment this process inspects, now".
LIVE = "live"


class SnapshotError(Exception):
    """A file that cannot be read as a snapshot or a bundle; the message says why, in one line."""


def build_snapshot(
    registries: list[Any],
    *,
    redact: bool = True,
    targets: list[str] | None = None,
    extra_environment: dict[str, Any] | None = None,
    documents: Any = None,
) -> dict[str, Any]:
    """The snapshot of ``registries`` now (their ``list``, ``status``, environment and latest profile).

    ``documents``: a bundle's ``Gathered`` (``BundleResult.documents``) to reuse instead of building again.
    ``extra_environment``: what only the caller knows (the window's Qt runtime), as in a bundle.
    """
    from .bundle.sections import SECTIONS
    from .bundle.writer import gather_documents

    sections = [s for s in SECTIONS if s.id in SECTION_IDS]
    gathered = gather_documents(registries, sections, targets, extra_environment, documents)
    return snapshot_from_documents(gathered, redact=redact, targets=targets)


def snapshot_from_documents(gathered: Any, *, redact: bool = True, targets: list[str] | None = None) -> dict[str, Any]:
    """A snapshot of already built documents (a bundle's ``Gathered``), redacted like a bundle's members."""
    from .bundle.redaction import Redactor

    redactor = Redactor(enabled=redact)
    view = gathered.for_members(redactor, [], redact, None)  # the environment's values redacted by name
    created = time.time()
    document: dict[str, Any] = {
        "schema": SCHEMA,
        "format": FORMAT,
        "tool": tool_stamp(),
        "created": created,
        "created_utc": _utc(created),
        "source": {"kind": LIVE, "host": host(), "path": None},
        "targets": list(targets) if targets else None,
        "redacted": redact,
        "redaction_kinds": [],
        "absent": {},
        "notes": [],
    }
    for part, attribute, _member, _section, _keys in PARTS:
        document[part] = getattr(view, attribute)
    if document["profile"] is None:
        from .history import NO_PROFILE

        document["absent"]["profile"] = NO_PROFILE
    python = (document["environment"] or {}).get("interpreter", {}).get("executable")
    document["source"]["python"] = python
    result: dict[str, Any] = json.loads(redactor.text(json.dumps(document, default=repr)))
    result["redaction_kinds"] = redactor.kinds()
    return result


def load_snapshot(path: str) -> dict[str, Any]:
    """The snapshot in ``path``: a snapshot file, a bug-report bundle (zip), or a ``list``/``status`` document.

    Raises :class:`SnapshotError` (one line: what the file is, and why it cannot be read).
    """
    import zipfile
    import zlib

    shown = os.path.expanduser(path)
    if not os.path.exists(shown):
        raise SnapshotError(f"{path}: no such file")
    if os.path.isdir(shown):
        raise SnapshotError(f"{path} is a folder; name a snapshot (.json) or a bundle (.zip)")
    try:
        with open(shown, "rb") as handle:
            starts_as_zip = handle.read(2) == b"PK"  # every zip's first local header (or an empty zip's end)
        if starts_as_zip or zipfile.is_zipfile(shown):  # (is_zipfile: a zip behind a prefix, as zipfile reads it)
            try:
                return _from_bundle(shown, path)
            except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
                raise SnapshotError(_damaged_zip(path, shown, exc)) from None
        with open(shown, encoding="utf-8") as handle:
            document = json.load(handle)
    except OSError as exc:
        raise SnapshotError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        # JSON that stops where the file stops: a copy or download that did not finish, as a truncated zip is said.
        text = exc.doc.strip()
        cut = text[:1] in ("{", "[") and text[-1:] not in ("}", "]") and exc.msg != "Extra data"
        hint = (
            f" ({len(exc.doc.encode('utf-8'))} bytes: cut short?); copy the whole file again, or take the snapshot"
            " again (registry-inspector snapshot -o FILE.json)"
            if cut
            else ""
        )
        raise SnapshotError(f"{path} is neither a bundle (zip) nor a JSON snapshot: {exc}{hint}") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise SnapshotError(f"{path} is neither a bundle (zip) nor a JSON snapshot: {exc}") from None
    return from_document(document, path)


def _damaged_zip(path: str, shown: str, exc: BaseException) -> str:
    """Why a file that starts as a zip cannot be opened as one (cut short, most often: a copy, a download or an
    attachment that did not finish; else damaged inside), and the fix."""
    try:
        size = f"{os.path.getsize(shown)} bytes"
    except OSError:
        size = "its size unknown"
    if str(exc) == "File is not a zip file":  # zipfile found no end of central directory
        why = f"its end, the zip's table of contents, is missing ({size}: cut short?)"
    else:
        why = f"its contents cannot be read ({exc or type(exc).__name__}; {size})"
    return (
        f"{path} is a damaged or truncated zip (bundle): it starts as a zip, but {why}; copy the whole file "
        "again, or export the bundle again (registry-inspector bundle -o FILE.zip)"
    )


def from_document(document: Any, path: str | None = None) -> dict[str, Any]:
    """A snapshot document as read (a file, a remote worker's stdout), checked and completed for readers.

    Also accepts a lone ``list --json`` or ``status --json`` document (the other parts then absent).
    """
    where = path or "the document"
    if not isinstance(document, dict):
        raise SnapshotError(f"{where} is not a snapshot: a JSON {type(document).__name__}, not an object")
    if "error" in document and isinstance(document["error"], dict):
        raise SnapshotError(f"{where} is an error document: {document['error'].get('message')}")
    if document.get("format") == FORMAT:
        snapshot = dict(document)
    elif "registries" in document and "enums" in document:
        snapshot = _partial(document, "list", path)
    elif "caches" in document and "orphans" in document:
        snapshot = _partial(document, "status", path)
    else:
        found = document.get("format") or ", ".join(sorted(document)[:6]) or "nothing"
        raise SnapshotError(f"{where} is not a registry-inspector snapshot (it holds {found})")
    snapshot.setdefault("absent", {})
    snapshot.setdefault("notes", [])
    source = dict(snapshot.get("source") or {})
    if path is not None:
        source.setdefault("kind", "snapshot")
        if source.get("kind") == LIVE:
            source["kind"] = "snapshot"
        source["path"] = path
    snapshot["source"] = source
    _check(snapshot, where)
    return snapshot


def _partial(document: dict[str, Any], part: str, path: str | None) -> dict[str, Any]:
    created = document.get("created")
    snapshot: dict[str, Any] = {
        "schema": SCHEMA,
        "format": FORMAT,
        "tool": document.get("tool"),
        "created": created,
        "created_utc": _utc(created) if isinstance(created, (int, float)) else None,
        "source": {"kind": f"{part} document", "path": path},
        "targets": None,
        "redacted": None,
        "redaction_kinds": [],
        "absent": {p: f"a {part} --json document holds only its own part" for p in PART_NAMES if p != part},
        "notes": [],
    }
    for name in PART_NAMES:
        snapshot[name] = document if name == part else None
    return snapshot


def _check(snapshot: dict[str, Any], where: str) -> None:
    """Mark what this version cannot read as absent, and say why, instead of failing in a view later."""
    schema = snapshot.get("schema")
    notes: list[str] = snapshot["notes"]
    tool = snapshot.get("tool")
    made_by = _tool_words(tool)
    if not isinstance(schema, int):
        notes.append(f"{where} has no schema number; read as schema {SCHEMA}")
    elif schema > SCHEMA:
        notes.append(
            f"written by {made_by} in snapshot schema {schema}; this registry-inspector reads schema {SCHEMA}: "
            "what the newer format added is not shown (upgrade registry-inspector to see it)"
        )
    elif schema < SCHEMA:
        notes.append(f"written in snapshot schema {schema}, older than {SCHEMA}: read as far as it goes")
    if (not isinstance(tool, dict) or "version" not in tool) and not notes:
        notes.append(
            "written by a registry-inspector from before documents named their tool and version: "
            "parts read from their usual places"
        )
    for part, _a, _m, _s, keys in PARTS:
        value = snapshot.get(part)
        if value is None:
            snapshot[part] = None
            snapshot["absent"].setdefault(part, "not in this snapshot")
            continue
        missing = [k for k in keys if not isinstance(value, dict) or k not in value]
        if missing:
            snapshot[part] = None
            snapshot["absent"][part] = (
                f"its {part} part has no {', '.join(repr(k) for k in missing)} "
                f"(a format this version does not read: written by {made_by})"
            )
        elif isinstance(value.get("schema"), int) and value["schema"] > SCHEMA:
            notes.append(f"its {part} part is in schema {value['schema']}: fields added since {SCHEMA} are not shown")


def _tool_words(tool: Any) -> str:
    if isinstance(tool, dict) and tool.get("version"):
        return f"{tool.get('name') or TOOL_NAME} {tool['version']}"
    return "an older registry-inspector"


def _from_bundle(path: str, shown: str) -> dict[str, Any]:
    import zipfile

    with zipfile.ZipFile(path) as archive:
        names = set(archive.namelist())
        if "manifest.json" not in names:
            raise SnapshotError(f"{shown} is a zip without manifest.json: not a registry-inspector bundle")

        def read(member: str) -> Any:
            # Never more than a bundle's own cap per member: a crafted zip cannot exhaust memory.
            info = archive.getinfo(member)
            if info.file_size > 64 * 1024 * 1024:
                raise SnapshotError(f"{shown}: member {member} is {info.file_size} bytes, larger than any bundle's")
            try:
                return json.loads(archive.read(member).decode("utf-8"))
            except (UnicodeDecodeError, ValueError) as exc:
                raise SnapshotError(f"{shown}: {member} is not JSON ({exc})") from None

        manifest = read("manifest.json")
        if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
            raise SnapshotError(f"{shown}: its manifest.json is not a registry-inspector bundle's")
        entry = manifest.get("snapshot") if isinstance(manifest.get("snapshot"), dict) else None
        parts = dict((entry or {}).get("parts") or {})
        absent = dict((entry or {}).get("absent") or part_absences(manifest.get("sections") or []))
        snapshot: dict[str, Any] = {
            "schema": (entry or {}).get("schema", manifest.get("schema")),
            "format": FORMAT,
            "tool": _bundle_tool(manifest.get("tool")),
            "created": manifest.get("created"),
            "created_utc": manifest.get("created_utc"),
            "source": {"kind": "bundle", "path": shown, "host": (entry or {}).get("host")},
            "targets": None,
            "redacted": manifest.get("redacted"),
            "redaction_kinds": manifest.get("redaction_kinds") or [],
            "absent": {},
            "notes": [],
        }
        if entry is None:
            snapshot["notes"].append(
                "a bundle from before snapshots (its manifest names no snapshot): parts read from "
                + ", ".join(member for _p, _a, member, _s, _k in PARTS)
            )
        for part, _a, member, _s, _k in PARTS:
            member = parts.get(part, member)
            if member in names:
                snapshot[part] = read(member)
            else:
                snapshot[part] = None
                snapshot["absent"][part] = absent.get(part) or f"the bundle has no {member}"
    environment = snapshot.get("environment")
    if isinstance(environment, dict):
        snapshot["source"]["python"] = (environment.get("interpreter") or {}).get("executable")
    return from_document(snapshot, shown)


def _bundle_tool(tool: Any) -> Any:
    """The manifest's tool as ``{"name", "version"}``; bundles before the stamp named versions by program."""
    if not isinstance(tool, dict):
        return tool
    if "name" in tool:
        return tool
    # Written before the stamp: ``{"registry-inspector": <dist version>, "registry_core": <version>, ...}``; the
    # absent "name" is what tells the reader it is old, so the version is kept under another key.
    return {"old_versions": dict(tool)}


def resolve_snapshot(spec: str, live: Callable[[], dict[str, Any]] | None = None) -> dict[str, Any]:
    """``spec`` as a snapshot: ``"live"`` (``live()`` builds it) or a snapshot/bundle file path."""
    if spec == LIVE:
        if live is None:
            raise SnapshotError("'live' is not available here")
        return live()
    return load_snapshot(spec)


def describe_source(snapshot: dict[str, Any]) -> str:
    """Where and when a snapshot was taken, in words for a banner or a diff heading."""
    source = snapshot.get("source") or {}
    kind = source.get("kind") or "snapshot"
    where = source.get("host")
    path = source.get("path")
    made = snapshot.get("created_utc") or "an unknown time"
    tool = snapshot.get("tool") or {}
    head = {"live": "live", "bundle": "bug-report bundle", "snapshot": "snapshot"}.get(kind, kind)
    parts = [head]
    if path:
        parts.append(os.path.basename(path))
    words = " ".join(parts)
    if source.get("ssh"):  # taken on a worker through ``--remote``: the name the user gave it first
        words += f" from {source['ssh']} over ssh" + (f" (host {where})" if where and where != source["ssh"] else "")
    elif where:
        words += f" from {where}"
    if source.get("python"):
        words += f" ({source['python']})"
    words += f", taken {made}"
    if isinstance(tool, dict) and tool.get("version"):
        words += f" by {tool.get('name') or TOOL_NAME} {tool['version']}"
    return words


def snapshot_counts(snapshot: dict[str, Any]) -> dict[str, int]:
    """Registries, plugins, failures and caches in a snapshot (0 for absent parts)."""
    registries = (snapshot.get("list") or {}).get("registries") or []
    return {
        "registries": len(registries),
        "plugins": sum(len(r.get("plugins") or []) for r in registries),
        "failures": sum(len(r.get("failures") or []) for r in registries),
        "caches": len((snapshot.get("status") or {}).get("caches") or []),
    }


def write_snapshot(snapshot: dict[str, Any], path: str, *, force: bool = False) -> int:
    """Write ``snapshot`` to ``path`` atomically, as a bundle is (never through a symlink, never over a file
    unless ``force``); the size written. Raises ``BundleExistsError``, ``OSError``."""
    from .bundle.writer import BundleExistsError, check_target, write_atomically

    path = os.path.abspath(os.path.expanduser(path))
    if check_target(path) and not force:
        raise BundleExistsError(f"{path} exists; pass --force to replace it")
    if not os.path.isdir(os.path.dirname(path)):
        raise FileNotFoundError(f"folder {os.path.dirname(path)} does not exist")
    data = (json.dumps(snapshot, indent=2, default=repr) + "\n").encode("utf-8")
    return write_atomically(path, lambda handle: handle.write(data), force)


def _utc(created: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created))
