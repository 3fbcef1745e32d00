"""A session whose registries live in a child process: another environment (``--python``), or a target that must
not be imported into the window (metaclass-registry, entry-point groups).

``EnvironmentSession`` has ``Session``'s methods and returns the same documents, but each one is a
``registry-inspector COMMAND --json`` run by the inspected interpreter (``registry_core.sources.run_json``):
a crashing or hanging plugin stays in the child, and nothing of the target is imported here. What needs a
live registry object (``explain``) says how to get it from the command line instead.
"""

from __future__ import annotations

import os
import shlex
import sys
import time
from typing import Any

from registry_core.sources import Cancelled, PythonEnvironmentError, interpreter, run_json

from .session import Session

__all__ = ["ChildCommandError", "EnvironmentSession", "installed_modules", "session_for", "uses_child"]

#: Listing the modules an interpreter can import (for the Open target completer): top-level names only.
_MODULES_SCRIPT = "import json, pkgutil; print(json.dumps(sorted({m.name for m in pkgutil.iter_modules()})))"


class ChildCommandError(Exception):
    """A child ``registry-inspector`` command gave no document; ``str()`` is what it said on stderr."""


def uses_child(targets: list[str] | None, python: str | None) -> bool:
    """Whether the window must inspect ``targets`` in a child process rather than import them itself.

    Another environment always; and any named target, since the facades do not say which library a target
    uses before importing it (metaclass-registry targets and entry-point groups must not be imported here).
    The embedded demo (no target) is registry_core's own and stays in the window's process.
    """
    return bool(python) or bool(targets)


def session_for(targets: list[str] | None, python: str | None) -> Session | EnvironmentSession:
    """The session for ``targets`` in the environment ``python`` (None: the inspector's own)."""
    return EnvironmentSession(targets, python) if uses_child(targets, python) else Session(targets)


def installed_modules(python: str | None) -> list[str]:
    """Top-level modules importable by ``python`` (None: this interpreter), sorted; [] when it cannot say."""
    if not python:
        import pkgutil

        return sorted({m.name for m in pkgutil.iter_modules()})
    import json
    import subprocess

    try:
        result = subprocess.run(
            [interpreter(python), "-c", _MODULES_SCRIPT], capture_output=True, text=True, timeout=60
        )
        names = json.loads(result.stdout)
    except Exception:  # a completer without names is still a working dialog; the load says what is wrong
        return []
    return [n for n in names if isinstance(n, str)]


class EnvironmentSession(Session):
    """The registries of ``targets`` as the interpreter ``python`` sees them, each button one child command."""

    #: Its registries are documents from a child, not objects here (no in-process bundle preview).
    runs_in_child = True

    #: No live registry objects here: views that need one read the documents or say why they cannot.
    live = False

    def __init__(self, targets: list[str] | None = None, python: str | None = None) -> None:
        super().__init__(targets)
        self.python = python

    @property
    def interpreter_label(self) -> str:
        return self.python or sys.executable

    def _interpreter(self) -> str:
        # The child's sys.executable, which a profile records: run_json runs interpreter(--python).
        if not self.python:
            return sys.executable
        try:
            return interpreter(self.python)
        except PythonEnvironmentError:
            return self.python  # (then it has no profile either: it never ran)

    # -- the child --------------------------------------------------------------------------------------------
    def _target_args(self) -> list[str]:
        return [arg for target in self.targets or [] for arg in ("--target", target)]

    def command_line(self, *argv: str) -> str:
        """The command a user runs for the same answer (shown where the window cannot give it)."""
        python = ["--python", self.python] if self.python else []
        return shlex.join(["registry-inspector", *argv, *self._target_args(), *python])

    def _run(self, argv: list[str], cancelled: Any = None) -> tuple[int, Any, str]:
        return run_json(self.python or sys.executable, [*argv, *self._target_args()], cancelled=cancelled)

    def _document(self, argv: list[str], cancelled: Any = None) -> Any:
        code, document, stderr = self._run(argv, cancelled)
        if document is None:
            raise ChildCommandError(_said(stderr) or f"{self.command_line(*argv)} exited {code} without a document")
        if isinstance(document, dict) and set(document) <= {"schema", "tool", "error"} and document.get("error"):
            raise ChildCommandError(_error_text(document))  # an error document: the command did not run
        return document

    # -- worker functions: (state, ...) -> result ---------------------------------------------------------------
    def load(self, state: Any) -> dict[str, Any]:
        return self.describe(state)

    def describe(self, state: Any) -> dict[str, Any]:
        """``list`` then ``status`` in the child; no registry, and the child's words for why, when there is none."""
        state.progress(0, 2, f"listing registries with {self.interpreter_label}")
        started = time.perf_counter()
        code, document, stderr = self._run(["list"])
        self.discovery_s = time.perf_counter() - started
        self.discovered_at = time.time()
        if document is None or "registries" not in document:
            # The child exits 2 without a list when the targets declare nothing or cannot be imported (no
            # document, or an error document): either way an empty result, explained in the child's own words.
            self.registries, self.enums = [], []
            self.inventory = {"schema": 1, "registries": [], "enums": []}
            self.caches = {"schema": 1, "caches": [], "orphans": []}
            fallback = f"{self.command_line('list')} exited {code} without a document"
            self.empty_reason = _error_text(document) or _said(stderr) or fallback
            return {"inventory": self.inventory, "caches": self.caches}
        self.empty_reason = None
        self.inventory = document
        self.enums = list(document.get("enums") or [])
        if state.cancelled():
            return {"inventory": self.inventory, "caches": self.caches}
        state.progress(1, 2, "reading caches")
        return {"inventory": self.inventory, **self.cache_status(state)}

    def cache_status(self, state: Any) -> dict[str, Any]:
        if not self.inventory or not self.inventory.get("registries"):
            return {"caches": self.caches}
        self.caches = self._document(["status"])
        return {"caches": self.caches}

    def invalidate(self, state: Any, names: list[str] | None) -> dict[str, Any]:
        """``clear-cache --all``, or ``clear-cache --registry NAME`` per name."""
        commands = [["clear-cache", "--all"]] if not names else [["clear-cache", "--registry", n] for n in names]
        removed = 0
        cleared = []
        for argv in commands:
            count = int(self._document(argv).get("caches_removed") or 0)
            removed += count
            if names and count:
                cleared.append(argv[-1])
        result = self.cache_status(state)
        result.update(removed=removed, asked=names, cleared=cleared)
        return result

    def rebuild(self, state: Any, names: list[str] | None) -> dict[str, Any]:
        """``rebuild`` (every registry), or ``rebuild --registry NAME`` per name; then the documents again."""
        commands = [["rebuild"]] if not names else [["rebuild", "--registry", n] for n in names]
        started = time.perf_counter()
        rebuilt: list[str] = []
        for index, argv in enumerate(commands):
            if state.cancelled():
                break
            state.progress(index, len(commands), f"rebuilding {argv[-1] if names else 'every registry'}")
            document = self._document(argv)
            rebuilt += [str(entry.get("registry")) for entry in document.get("rebuilt") or []]
        seconds = time.perf_counter() - started
        return {**self.describe(state), "rebuilt": rebuilt, "seconds": seconds, "cancelled": state.cancelled()}

    def profile(self, state: Any, runs: int, engine: str = "installed") -> dict[str, Any]:
        both = " each, metaclass-registry's as installed and on registry_core" if engine == "both" else ""
        state.progress(
            0, 0, f"profiling in {self.interpreter_label}: {runs} fresh-process run(s) per measurement{both}…"
        )
        argv = ["profile", "--runs", str(runs), *([] if engine == "installed" else ["--engine", engine])]
        try:  # Cancel stops the child (and its fresh-process children) at once
            document = self._document(argv, state.cancelled)
        except Cancelled:
            return {"cancelled": True}
        return {"cancelled": True} if state.cancelled() else document

    def verify(self, state: Any) -> dict[str, Any]:
        state.progress(0, 0, "verifying: discovering every registry afresh in a new process…")
        try:
            document = self._document(["verify"], state.cancelled)  # (exit 1 with a document: one disagrees)
        except Cancelled:
            return {"cancelled": True}
        return {"cancelled": True} if state.cancelled() else document

    def export(
        self,
        state: Any,
        path: str,
        redact: bool,
        sections: list[str] | None,
        report: dict[str, str] | None = None,
        extra_environment: dict[str, str] | None = None,
    ) -> Any:
        """``bundle -o PATH --force``: every section (the command has no choice of sections, and no way yet to
        pass the reporter's text or Qt's runtime to the child: those are left out there)."""
        state.progress(0, 1, "writing bundle (a fresh discovery in a new process for its verify section)…")
        return self._document(["bundle", "-o", path, "--force", *([] if redact else ["--no-redact"])])

    # -- what views ask ---------------------------------------------------------------------------------------------
    def registry(self, name: str) -> Any:
        return None

    def explain(self, registry: str, name: str) -> str:
        if not name:
            return ""
        argv = ["explain", name, *(["--registry", registry] if registry else [])]
        return f"the registries live in another process here; run {self.command_line(*argv)}"

    def cache_path(self, name: str | None) -> str | None:
        rows = (self.caches or {}).get("caches") or []
        for row in rows:
            if row.get("path") and (name is None or row.get("registry") == name):
                return str(row["path"])
        return None


def _said(stderr: str) -> str:
    """The child's last message line, without the ``registry-inspector:`` prefix."""
    lines = [line.strip() for line in (stderr or "").splitlines() if line.strip()]
    said = [line for line in lines if line.startswith("registry-inspector:")]
    line = (said or lines or [""])[-1]
    return line.removeprefix("registry-inspector:").strip()


def _error_text(document: Any) -> str:
    """The words of an error document (``{"schema": 1, "error": {"message": ...}}``), or ""."""
    error = document.get("error") if isinstance(document, dict) else None
    if isinstance(error, dict):
        return str(error.get("message") or error.get("detail") or "")
    return str(error or "")


def short_path(path: str) -> str:
    """``~/…`` for a path under the home folder."""
    home = os.path.expanduser("~")
    return "~" + path[len(home) :] if home not in ("", "/") and path.startswith(home + os.sep) else path
