"""The bundle's sections as one table: id, title, the member it writes, the documents it needs, its producer.

A new section is one row here (and one producer); ``build_bundle`` gathers only the
documents the chosen sections need and asks each row for its members.
"""

from __future__ import annotations

import json
import os

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

SCHEMA = 1
FORMAT = "registry-inspector-bundle"
#: Cache files larger than this are cut (with a note) in the bundle.
MAX_CACHE_FILE_BYTES = 8 * 1024 * 1024


class Gathered:
    """The documents a bundle is made of, each built once (None when no chosen section needs it)."""

    __slots__ = ("inventory", "status", "environment", "profile", "verified", "redactor", "chosen", "redact")

    def __init__(self, redactor: Any, chosen: list[str], redact: bool) -> None:
        self.inventory: dict | None = None
        self.status: dict | None = None
        self.environment: dict | None = None
        self.profile: dict | None = None
        self.verified: dict | None = None
        self.redactor = redactor
        self.chosen = chosen
        self.redact = redact


class Section:
    """One row of the table. ``produce(gathered)`` returns ``(members, note)``: a note says why it is empty."""

    __slots__ = ("id", "title", "member", "needs", "produce")

    def __init__(
        self,
        id: str,
        title: str,
        member: str,
        needs: tuple[str, ...],
        produce: Callable[[Gathered], tuple[list[tuple[str, str]], str | None]],
    ) -> None:
        self.id = id
        self.title = title
        self.member = member
        self.needs = needs
        self.produce = produce

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
                gathered.chosen,
                gathered.redact,
                gathered.verified,
            ),
        )
    ], None


def _caches(gathered: Gathered) -> tuple[list[tuple[str, str]], str | None]:
    assert gathered.status is not None
    members = cache_members(gathered.status, gathered.redactor)
    return members, None if members else "no cache file on disk"


def _profile(gathered: Gathered) -> tuple[list[tuple[str, str]], str | None]:
    if gathered.profile is None:
        return [], "no profile recorded yet (registry-inspector profile records one)"
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
        ("environment", "inventory", "status", "profile"),
        _report,
    ),
    Section(
        "environment",
        "Python, platform, versions, paths and relevant environment variables",
        "environment.json",
        ("environment",),
        _json_member("environment.json", "environment"),
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
    """The cache files the status document names (and orphans), each as a member under ``caches/<namespace>/``."""
    paths = [c["path"] for c in status["caches"] if c.get("path")]
    paths += [o["path"] for o in status.get("orphans", []) if o.get("path")]
    members = []
    seen: set[str] = set()
    for path in paths:
        if path in seen or not os.path.isfile(path):
            continue
        seen.add(path)
        try:
            with open(path, "rb") as handle:
                raw = handle.read(MAX_CACHE_FILE_BYTES + 1)
        except OSError as exc:
            members.append((f"caches/{os.path.basename(path)}.unreadable.txt", f"cannot read {path}: {exc}\n"))
            continue
        text = raw[:MAX_CACHE_FILE_BYTES].decode("utf-8", "replace")
        if len(raw) > MAX_CACHE_FILE_BYTES:
            text += f"\n[cut at {MAX_CACHE_FILE_BYTES} bytes]\n"
        namespace = os.path.basename(os.path.dirname(path))
        members.append((f"caches/{redactor.text(namespace)}/{redactor.text(os.path.basename(path))}", text))
    return members
