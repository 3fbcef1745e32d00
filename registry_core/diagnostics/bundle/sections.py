"""The bundle's sections as one table: id, title, the member it writes, the documents it needs, its producer.

A new section is one row here (and one producer); ``build_bundle`` gathers only the
documents the chosen sections need and asks each row for its members.
"""

from __future__ import annotations

import json
import os
import stat

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

SCHEMA = 1
FORMAT = "registry-inspector-bundle"
#: Cache files larger than this are cut (with a note) in the bundle.
MAX_CACHE_FILE_BYTES = 8 * 1024 * 1024
#: The member that names the files of the cache folders left out of ``caches/``, and why.
NOT_INCLUDED_MEMBER = "caches/not-included.txt"
#: registry_core's cache file names, each with the ``kind`` its header must carry (``cache/manager.py``
#: writes ``{"format": <int>, "kind": <str>, ...}``; ``registry_cache``, ``enums`` and ``functions`` name them).
_OUR_CACHE_NAMES = (
    (r"registry_[a-z0-9_]+-[0-9a-f]{16}\.json", "registry"),
    (r"(?:colormap_enum|component_enums)\.json", "enum"),
    (r"[A-Za-z0-9_.\-]+_function_metadata\.json", "functions"),
)
_OUR_HEADER = r'\A\s*\{\s*"format"\s*:\s*(\d+)\s*,\s*"kind"\s*:\s*"([A-Za-z0-9_\-]+)"'


class Gathered:
    """The documents a bundle is made of, each built once (None when no chosen section needs it).

    ``build_bundle(..., dry_run=True)`` returns it (``BundleResult.documents``) so that a preview, then the
    export, can reuse what was built (a fresh discovery takes seconds); ``built`` names what is there.
    The documents are unredacted: redaction happens when members are made.
    """

    __slots__ = (
        "inventory",
        "status",
        "environment",
        "profile",
        "verified",
        "distributions",
        "built",
        "redactor",
        "chosen",
        "redact",
        "report",
        "included",
        "left_out",
    )

    def __init__(self, redactor: Any = None, chosen: list[str] | None = None, redact: bool = True) -> None:
        self.inventory: dict | None = None
        self.status: dict | None = None
        self.environment: dict | None = None
        self.profile: dict | None = None
        self.verified: dict | None = None
        self.distributions: dict | None = None
        self.built: set[str] = set()
        self.redactor = redactor
        self.chosen = chosen or []
        self.redact = redact
        #: What the reporter wrote (``title``, ``what_happened``, ``steps``): the top of report.md.
        self.report: dict[str, str] = {}
        #: Set before a ``summary`` section is produced: the sections that produced members, and why the
        #: others did not (``{id: note}``), as the manifest will say.
        self.included: list[str] = []
        self.left_out: dict[str, str] = {}

    def for_members(self, redactor: Any, chosen: list[str], redact: bool, report: dict[str, str] | None) -> Gathered:
        """A copy sharing the documents, set up for one set of members (the environment's values redacted)."""
        copy = Gathered(redactor, chosen, redact)
        for name in ("inventory", "status", "profile", "verified", "distributions"):
            setattr(copy, name, getattr(self, name))
        copy.built = set(self.built)
        if self.environment is not None:
            env = dict(self.environment)
            # Listed variables with secret-looking names are hidden whatever their length.
            env["env"] = {k: redactor.env_value(k, v) for k, v in env["env"].items()}
            copy.environment = env
        copy.report = {k: str(v) for k, v in (report or {}).items() if v and str(v).strip()}
        return copy


class Section:
    """One row of the table. ``produce(gathered)`` returns ``(members, note)``: a note says why it is empty.

    A ``summary`` section (report.md) is produced after all the others, so that it can say which were included.
    """

    __slots__ = ("id", "title", "member", "needs", "produce", "summary")

    def __init__(
        self,
        id: str,
        title: str,
        member: str,
        needs: tuple[str, ...],
        produce: Callable[[Gathered], tuple[list[tuple[str, str]], str | None]],
        summary: bool = False,
    ) -> None:
        self.id = id
        self.title = title
        self.member = member
        self.needs = needs
        self.produce = produce
        self.summary = summary

    def owns(self, member_name: str) -> bool:
        return member_name == self.member or (self.member.endswith("/") and member_name.startswith(self.member))


def dump(document: Any) -> str:
    return json.dumps(document, indent=2, default=repr) + "\n"


def _json_member(name: str, attribute: str) -> Callable[[Gathered], tuple[list[tuple[str, str]], str | None]]:
    def produce(gathered: Gathered) -> tuple[list[tuple[str, str]], str | None]:
        return [(name, dump(getattr(gathered, attribute)))], None

    return produce


def _report(gathered: Gathered) -> tuple[list[tuple[str, str]], str | None]:
    from ..render.markdown import report_markdown

    assert gathered.environment is not None and gathered.inventory is not None and gathered.status is not None
    return [
        (
            "report.md",
            report_markdown(
                gathered.environment,
                gathered.inventory,
                gathered.status,
                gathered.profile,
                gathered.included,
                gathered.redact,
                gathered.verified,
                gathered.left_out,
                distributions=gathered.distributions,
                details=gathered.report,
            ),
        )
    ], None


def _caches(gathered: Gathered) -> tuple[list[tuple[str, str]], str | None]:
    assert gathered.status is not None
    members = cache_members(gathered.status, gathered.redactor)
    return members, None if members else "no cache file on disk"


def _profile(gathered: Gathered) -> tuple[list[tuple[str, str]], str | None]:
    if gathered.profile is None:
        from ..history import NO_PROFILE

        return [], NO_PROFILE
    return [("profile.json", dump(gathered.profile))], None


def _log(gathered: Gathered) -> tuple[list[tuple[str, str]], str | None]:
    from ..logs import log_path, recent_log

    log = recent_log()
    return ([("log.txt", log)], None) if log else ([], f"no log at {log_path()}")


#: In the order the app previews them and the zip holds them.
SECTIONS: tuple[Section, ...] = (
    Section(
        "report",
        "Summary for the maintainer (report.md)",
        "report.md",
        ("environment", "inventory", "status", "profile", "distributions"),
        _report,
        summary=True,
    ),
    Section(
        "environment",
        "Python, platform, versions, paths and relevant environment variables",
        "environment.json",
        ("environment",),
        _json_member("environment.json", "environment"),
    ),
    Section(
        "distributions",
        "Every installed distribution (name, version, location, editable) and their conflicts (like pip check)",
        "distributions.json",
        ("distributions",),
        _json_member("distributions.json", "distributions"),
    ),
    Section(
        "registries",
        "Registries, plugins, failures and skips (list --json)",
        "registries.json",
        ("inventory",),
        _json_member("registries.json", "inventory"),
    ),
    Section(
        "status",
        "Cache states with reasons (status --json)",
        "status.json",
        ("status",),
        _json_member("status.json", "status"),
    ),
    Section(
        "verify",
        "Each registry against a fresh discovery in a new process (verify --json)",
        "verify.json",
        ("verified",),
        _json_member("verify.json", "verified"),
    ),
    Section("caches", "The cache files themselves", "caches/", ("status",), _caches),
    Section("profile", "The latest discovery profile", "profile.json", ("profile",), _profile),
    Section("log", "The recent log", "log.txt", (), _log),
)


def bundle_sections() -> list[tuple[str, str]]:
    """``[(section id, human title)]`` of every optional section, in bundle order (all are on by default)."""
    return [(section.id, section.title) for section in SECTIONS]


def cache_members(status: dict[str, Any], redactor: Any) -> list[tuple[str, str]]:
    """The cache files the status document names (and orphans), each as a member under ``caches/<namespace>/``.

    Only files recognisable as caches are read (:func:`read_cache_file`): registry_core's (name pattern and a
    ``format``/``kind`` header that agree) and metaclass-registry's (``<name>_registry.json`` with its
    ``cache_version``). Anything else in those folders (an application's ``oauth_tokens.json``, a symlink, a
    FIFO) is not read into the bundle; ``caches/not-included.txt`` names it and says why.
    """
    entries = [(c["path"], c.get("kind")) for c in status["caches"] if c.get("path")]
    entries += [(o["path"], None) for o in status.get("orphans", []) if o.get("path")]
    members = []
    left: list[str] = []
    seen: set[str] = set()
    for path, kind in entries:
        if path in seen:
            continue
        seen.add(path)
        text, why = read_cache_file(path, kind)
        if why is not None:
            left.append(f"- {path}: {why}")
        if text is None:
            continue
        namespace = os.path.basename(os.path.dirname(path))
        members.append((f"caches/{redactor.text(namespace)}/{redactor.text(os.path.basename(path))}", text))
    left += _others_in_folders(seen)
    if left:
        members.append(
            (
                NOT_INCLUDED_MEMBER,
                "Files in the cache folders that this bundle did not read (only recognised cache files are\n"
                "included; symbolic links are never followed, only regular files are read):\n\n"
                + "\n".join(left)
                + "\n",
            )
        )
    return members


def _others_in_folders(seen: set[str]) -> list[str]:
    """``- path: what it is`` for everything else in the folders of the files in ``seen`` (an application's notes,
    a subfolder): named, never read. Lock and temporary files of ours are not worth a line."""
    import stat

    lines = []
    for folder in sorted({os.path.dirname(p) for p in seen}):
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            path = os.path.join(folder, name)
            if path in seen or name.endswith((".lock", ".tmp")):
                continue
            try:
                mode = os.lstat(path).st_mode
            except OSError:
                continue
            what = "a folder" if stat.S_ISDIR(mode) else "a symbolic link" if stat.S_ISLNK(mode) else "a file"
            lines.append(f"- {path}: {what} that is not a cache file (named only, not read)")
    return lines


def read_cache_file(path: str, kind: str | None = None) -> tuple[str | None, str | None]:
    """``(text, None)`` for a recognised cache file (cut at :data:`MAX_CACHE_FILE_BYTES`), else
    ``(None, why it was left out)``; ``(None, None)`` when there is no file.

    Never follows a symlink and reads only regular files: ``lstat`` first, then ``open`` with ``O_NOFOLLOW``
    and ``O_NONBLOCK`` (a FIFO swapped in meanwhile cannot block the bundle), and the open file must be the
    one ``lstat`` saw. ``kind``: the status document's kind for this path, if it named one.
    """
    try:
        seen = os.lstat(path)
    except FileNotFoundError:
        return None, None
    except OSError as exc:
        return None, f"cannot be examined ({exc.strerror or exc})"
    if stat.S_ISLNK(seen.st_mode):
        try:
            target = os.readlink(path)
        except OSError:
            target = "?"
        return None, f"a symbolic link (to {target}): not followed"
    if not stat.S_ISREG(seen.st_mode):
        return None, f"{file_kind(seen.st_mode)}: only regular files are read"
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    flags |= getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or exc})"
    try:
        opened = os.fstat(fd)
        if not stat.S_ISREG(opened.st_mode) or (opened.st_dev, opened.st_ino) != (seen.st_dev, seen.st_ino):
            return None, "replaced while the bundle was being made: not read"
        chunks = []
        left = MAX_CACHE_FILE_BYTES + 1
        while left > 0:
            chunk = os.read(fd, min(left, 1024 * 1024))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
    except OSError as exc:
        return None, f"cannot be read ({exc.strerror or exc})"
    finally:
        os.close(fd)
    raw = b"".join(chunks)
    cut = len(raw) > MAX_CACHE_FILE_BYTES
    raw = raw[:MAX_CACHE_FILE_BYTES]
    why = _unrecognised(path, raw, cut, kind)
    if why is not None:
        return None, f"not recognised as a cache file ({why}): not read"
    text = raw.decode("utf-8", "replace")
    if cut:
        text += f"\n[cut at {MAX_CACHE_FILE_BYTES} bytes]\n"
    return text, None


def _unrecognised(path: str, raw: bytes, cut: bool, kind: str | None) -> str | None:
    """Why ``raw`` is not a cache file registry_core or metaclass-registry wrote, or None if it is one."""
    import re

    from ...sources.metaclass_registry_cache import CACHE_FOLDER, CACHE_VERSION

    name = os.path.basename(path)
    expected = next((k for pattern, k in _OUR_CACHE_NAMES if re.fullmatch(pattern, name)), None)
    metaclass = name.endswith("_registry.json") and (
        kind == "metaclass-registry" or os.path.basename(os.path.dirname(path)) == CACHE_FOLDER
    )
    if expected is None and not metaclass:
        return "its name is not one a cache is given"
    doc: Any = None
    if not cut:
        try:
            doc = json.loads(raw.decode("utf-8"))
        except (ValueError, RecursionError):
            return "not JSON"
        if not isinstance(doc, dict):
            return "not a JSON object"
    if expected is not None:
        if doc is not None:
            found_format, found_kind = doc.get("format"), doc.get("kind")
        else:  # too big to parse whole: the header our writer puts first
            head = re.match(_OUR_HEADER, raw[:256].decode("utf-8", "replace"))
            found_format, found_kind = (int(head.group(1)), head.group(2)) if head else (None, None)
        if not isinstance(found_format, int) or isinstance(found_format, bool):
            return "no integer 'format' in its header"
        if found_kind != expected:
            return f"its 'kind' is {found_kind!r}, a {expected!r} cache has this name"
        return None
    if doc is not None:
        version = doc.get("cache_version")
    else:
        head = re.search(r'"cache_version"\s*:\s*"([^"]{1,32})"', raw[:4096].decode("utf-8", "replace"))
        version = head.group(1) if head else None
    if not isinstance(version, str):
        return f"no 'cache_version' (metaclass-registry writes {CACHE_VERSION!r})"
    return None


def file_kind(mode: int) -> str:
    for test, words in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISLNK, "a symbolic link"),
    ):
        if test(mode):
            return words
    return "not a regular file"
