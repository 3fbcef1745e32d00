"""Writing the bundle: gather the documents the chosen sections need, redact every member, zip atomically."""

from __future__ import annotations

import os
import sys

from .sections import FORMAT, SCHEMA, SECTIONS, Gathered, dump

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import Any

#: How long the bundle's fresh discovery (the verify section) may take; a hang is itself worth reporting.
VERIFY_TIMEOUT_S = 30.0


class BundleExistsError(FileExistsError):
    """The output file exists and ``force`` was not given."""


class BundleTargetError(OSError):
    """The output path is a symlink, a FIFO, a device or a socket: never written through or replaced."""


class BundleResult:
    """What ``build_bundle`` wrote (or, with ``dry_run``, would write: ``contents`` holds every member's text)."""

    __slots__ = (
        "path",
        "members",
        "sections",
        "skipped",
        "redacted",
        "redaction_kinds",
        "size",
        "contents",
        "documents",
        "dry_run",
    )

    def __init__(
        self,
        path: str,
        members: list[str],
        sections: list[str],
        skipped: dict[str, str],
        redacted: bool,
        redaction_kinds: list[str],
        size: int,
        contents: list[tuple[str, str]] | None = None,
        documents: Gathered | None = None,
        dry_run: bool = False,
    ) -> None:
        self.path = path
        self.members = members
        self.sections = sections
        self.skipped = skipped
        self.redacted = redacted
        self.redaction_kinds = redaction_kinds
        self.size = size
        #: ``[(member name, redacted text)]`` in zip order, manifest.json and redactions.txt first.
        self.contents = contents or []
        #: The documents gathered (unredacted): pass them back as ``build_bundle(documents=...)`` to reuse them.
        self.documents = documents
        self.dry_run = dry_run

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema": SCHEMA,
            "path": self.path,
            "members": self.members,
            "sections": self.sections,
            "skipped": self.skipped,
            "redacted": self.redacted,
            "redaction_kinds": self.redaction_kinds,
            "size": self.size,
            **({"dry_run": True} if self.dry_run else {}),
        }

    def __repr__(self) -> str:
        return f"BundleResult({self.path!r}, {len(self.members)} members, redacted={self.redacted})"


def safe_member_name(name: str) -> str:
    """A relative, normalised zip member name: no absolute path, drive, ``..`` or odd characters."""
    import re

    parts = []
    for part in re.split(r"[\\/]+", name):
        part = re.sub(r"[^A-Za-z0-9._\-]", "_", part).strip(".") if part not in (".", "..") else ""
        if part:
            parts.append(part)
    if not parts:
        raise ValueError(f"no usable member name in {name!r}")
    return "/".join(parts)


def build_bundle(
    path: str,
    registries: list[Any],
    *,
    redact: bool = True,
    sections: Iterable[str] | None = None,
    force: bool = False,
    targets: list[str] | None = None,
    report: dict[str, str] | None = None,
    extra_environment: dict[str, Any] | None = None,
    dry_run: bool = False,
    documents: Gathered | None = None,
) -> BundleResult:
    """Write the bug-report bundle to ``path`` (a zip); return what was written.

    ``sections``: ids from :func:`bundle_sections` (None: all); ``targets``: the modules the registries came
    from (None: the default targets), for the fresh discovery of the verify section. ``report``: what the
    reporter wrote (``title``, ``what_happened``, ``steps``), at the top of report.md (redacted like the rest).
    ``extra_environment``: what only the caller knows (the window: Qt's version and platform plugin), under
    ``"runtime"`` in environment.json and in report.md. ``dry_run``: write nothing (``path`` is not checked);
    the result's ``contents`` hold every member exactly as the zip would. ``documents``: a previous result's
    ``documents``, reused instead of gathering them again (only the missing ones are built).

    Raises :class:`BundleExistsError` when ``path`` exists and ``force`` is false,
    :class:`BundleTargetError` when ``path`` is not a regular file (a symlink, a FIFO, a device: even
    with ``force``), ``ValueError`` for an unknown section, ``OSError`` when the folder is not writable.
    """
    known = [section.id for section in SECTIONS]
    chosen = known if sections is None else list(dict.fromkeys(sections))
    unknown = [s for s in chosen if s not in known]
    if unknown:
        raise ValueError(f"unknown bundle section(s): {', '.join(unknown)}; known: {', '.join(known)}")
    chosen = [s for s in known if s in chosen]
    if not dry_run:
        path = os.path.abspath(os.path.expanduser(path))
        folder = os.path.dirname(path)
        exists = check_target(path)
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"folder {folder} does not exist")
        if exists and not force:
            raise BundleExistsError(f"{path} exists; pass --force to replace it")

    gathered = gather_documents(
        registries, [s for s in SECTIONS if s.id in chosen], targets, extra_environment, documents
    )
    final, included, skipped, kinds = _members(gathered, chosen, redact, report)
    if dry_run:
        size = sum(len(text.encode("utf-8")) for _name, text in final)
    else:
        size = _write_zip_atomically(path, final, force)
    return BundleResult(path, [n for n, _t in final], included, skipped, redact, kinds, size, final, gathered, dry_run)


def _members(
    documents: Gathered, chosen: list[str], redact: bool, report: dict[str, str] | None
) -> tuple[list[tuple[str, str]], list[str], dict[str, str], list[str]]:
    """Every member, redacted, in zip order: ``(members, sections included, {section: why empty}, kinds)``."""
    import time

    from ..stamp import tool_stamp
    from .environment import dist_version
    from .redaction import Redactor
    from .snapshot_parts import bundle_manifest_entry, part_absences

    redactor = Redactor(enabled=redact)
    created = time.time()
    gathered = documents.for_members(redactor, chosen, redact, report)
    produced: dict[str, list[tuple[str, str]]] = {}
    skipped: dict[str, str] = {}
    # Summary sections (report.md) last: they say which of the others were included, as the manifest does.
    for section in sorted((s for s in SECTIONS if s.id in chosen), key=lambda s: s.summary):
        if section.summary:
            gathered.included = [sid for sid in chosen if produced.get(sid) or sid == section.id]
            gathered.left_out = {
                s.id: skipped.get(s.id, "not selected") for s in SECTIONS if s.id not in gathered.included
            }
        produced[section.id], note = section.produce(gathered)
        if note:
            skipped[section.id] = note
    members = [member for section in SECTIONS for member in produced.get(section.id, [])]
    redacted_members = []
    used: set[str] = set()
    for name, text in members:
        safe = safe_member_name(redactor.text(name))
        while safe in used:
            stem, dot, ext = safe.rpartition(".")
            safe = f"{stem}-1.{ext}" if dot else safe + "-1"
        used.add(safe)
        redacted_members.append((safe, redactor.text(text)))
    by_section: dict[str, list[str]] = {sid: [] for sid in chosen}
    for name, _text in redacted_members:
        owner = next((s.id for s in SECTIONS if s.owns(name)), None)
        if owner in by_section:
            by_section[owner].append(name)
    manifest: dict[str, Any] = {
        "schema": SCHEMA,
        "format": FORMAT,
        "created": created,
        "created_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(created)),
        # name and version: the stamp every document carries; the rest as bundles always said it.
        "tool": {
            **tool_stamp(),
            "registry-inspector": dist_version("registry-inspector"),
            "registry_core": _core_version(),
            "python": sys.version.split()[0],
            "platform": sys.platform,
        },
        "redacted": redact,
        "redaction_kinds": redactor.kinds(),
        "sections": [
            {
                "id": s.id,
                "title": s.title,
                "included": s.id in chosen and bool(by_section.get(s.id)),
                "members": by_section.get(s.id, []),
                **({"note": skipped[s.id]} if s.id in skipped else {}),
                **({"note": "not selected"} if s.id not in chosen else {}),
            }
            for s in SECTIONS
        ],
        "members": [{"name": n, "bytes": len(t.encode("utf-8"))} for n, t in redacted_members],
        "read_first": "report.md" if "report" in chosen else None,
    }
    # No second copy of the documents: the snapshot a reader opens is assembled from these members.
    manifest["snapshot"] = bundle_manifest_entry(part_absences(manifest["sections"]))
    summary = redactor.summary()  # after every text pass: its counts are final
    manifest["redaction_kinds"] = redactor.kinds()
    final = [("manifest.json", redactor.text(dump(manifest))), ("redactions.txt", summary), *redacted_members]
    return final, [s for s in chosen if by_section.get(s)], skipped, redactor.kinds()


def gather_documents(
    registries: list[Any],
    sections: list,
    targets: list[str] | None,
    extra_environment: dict[str, Any] | None = None,
    have: Gathered | None = None,
) -> Gathered:
    """Build each document the chosen sections need, once; those already in ``have`` are reused."""
    need = {name for section in sections for name in section.needs}
    gathered = Gathered()
    if have is not None:
        for name in have.built:
            setattr(gathered, name, getattr(have, name))
        gathered.built = set(have.built)
    need -= gathered.built
    if "inventory" in need:
        from ..documents import inventory
        from ..enum_reports import enum_documents

        gathered.inventory = inventory(registries, enum_documents())
    if "status" in need:
        from ..documents import cache_inventory
        from ..enum_reports import enum_cache_statuses

        gathered.status = cache_inventory(registries, enum_cache_statuses())
    if "environment" in need:
        from .environment import environment_document

        gathered.environment = environment_document(registries, extra_environment)
    if "profile" in need:
        from ..history import latest_profile, profile_subject

        # This interpreter's profile of these targets: the history file holds every project profiled here.
        gathered.profile = latest_profile(profile_subject(sys.executable, targets))
    if "verified" in need:
        from ..verify import verify_registries

        gathered.verified = verify_registries(registries, targets, timeout=VERIFY_TIMEOUT_S)
    if "distributions" in need:
        from .distributions import distributions_document

        gathered.distributions = distributions_document()
    gathered.built |= need
    return gathered


def _core_version() -> str:
    from ..._version import __version__

    return __version__


def check_target(path: str) -> bool:
    """Whether ``path`` exists as a regular file (one ``--force`` may replace); raises for anything else.

    ``lstat``, never ``stat``: a symlink is refused whatever it points to (even nothing), so the bundle
    never writes through one, nor replaces a device, a FIFO or a socket with a regular file.
    """
    import stat

    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return False
    if stat.S_ISREG(found.st_mode):
        return True
    if stat.S_ISDIR(found.st_mode):
        raise IsADirectoryError(f"{path} is a folder; name the .zip file to write")
    if stat.S_ISLNK(found.st_mode):
        try:
            what = f"a symbolic link (to {os.readlink(path)})"
        except OSError:
            what = "a symbolic link"
        raise BundleTargetError(
            f"{path} is {what}; the bundle never writes through or over a link: choose another file name, "
            "or remove the link first if you mean to replace it"
        )
    from .sections import file_kind

    raise BundleTargetError(
        f"{path} is {file_kind(found.st_mode)}, not a regular file; the bundle replaces only regular files: "
        "choose another file name"
    )


def _write_zip_atomically(path: str, members: list[tuple[str, str]], force: bool) -> int:
    import time
    import zipfile

    def write(handle: Any) -> None:
        stamp = time.localtime()[:6]
        with zipfile.ZipFile(handle, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in members:
                info = zipfile.ZipInfo(name, date_time=stamp)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                archive.writestr(info, text.encode("utf-8"))

    return write_atomically(path, write, force)


def write_atomically(path: str, write: Callable[[Any], None], force: bool) -> int:
    """Temp file in the same folder, ``write(binary handle)``, fsync, then into place (never over an existing
    file unless ``force``); the size written. The bundle's zip and the snapshot file both land this way."""
    import tempfile

    folder = os.path.dirname(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=folder)
    except OSError as exc:  # name the folder the user chose, not our temporary file's name
        raise OSError(f"folder {folder} is not writable ({exc.strerror}); choose another folder") from None
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        size = os.path.getsize(tmp)
        if force:
            check_target(path)  # again: something may have appeared there while the file was made
            os.replace(tmp, path)
        else:
            try:
                os.link(tmp, path)  # fails if the file appeared meanwhile: never clobbered
            except FileExistsError:
                raise BundleExistsError(f"{path} exists; pass --force to replace it") from None
            except OSError:  # no hard links here (some file systems): the check above must do
                if os.path.exists(path):
                    raise BundleExistsError(f"{path} exists; pass --force to replace it") from None
                os.replace(tmp, path)
            else:
                os.unlink(tmp)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    return size
