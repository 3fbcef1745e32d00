"""``--remote HOST``: the subcommand runs on a worker through ssh (``sources.remote``) and is rendered here.

The worker answers with the command's ``--json`` document and its exit code; this module renders that
document with the renderer the command uses locally, so a remote answer reads like a local one. What the
worker says on stderr is relayed, each line prefixed with the host; when the command fails there, its error
document becomes this side's one line, ``--remote HOST: MESSAGE``, as every remote failure. ``snapshot -o FILE``
writes FILE here.
"""

from __future__ import annotations

import sys

from ._common import ERROR_KINDS, EXIT_USAGE, emit_json, fail, stdout

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

#: Options that belong to this side only: (with a value, flags). ``-o`` is snapshot's output, written here.
_LOCAL_VALUED = ("--remote", "--remote-python", "--remote-timeout", "-o", "--output")
_LOCAL_FLAGS = ("--remote-installed", "--json")


def run_remote(args: Any, arguments: list[str], python: str | None) -> int:
    """Run ``args.command`` on ``args.remote``; render or print its document; the worker's exit code."""
    from ..cache.paths import read_only
    from ..sources.environment import Cancelled
    from ..sources.remote import RemoteError, RemoteHost, remote_json, worker_error_line

    if python:
        return fail(
            f"--python names an interpreter on this machine; for one on {args.remote} give --remote-python PATH",
            as_json=args.json,
        )
    if args.command == "snapshot" and getattr(args, "output", None):
        refused = _refused_output(args)
        if refused:
            return fail(refused, as_json=args.json, kind="snapshot")
    try:
        worker = RemoteHost(args.remote, args.remote_python, installed=args.remote_installed)
        answer = remote_json(
            worker,
            strip_local(arguments),
            timeout=args.remote_timeout,
            read_only=read_only(),  # (--no-write, status: set by main)
        )
    except RemoteError as exc:
        return fail(str(exc), as_json=args.json, kind="environment")
    except (Cancelled, KeyboardInterrupt):
        return 130
    document = answer.document
    error = _error_of(document)
    for line in answer.stderr.splitlines():
        if line.strip() and not (error and line == f"registry-inspector: {error.get('message')}"):
            said = line.removeprefix("registry-inspector: ")
            prefix = "registry-inspector: " if said != line else ""
            print(f"{prefix}{worker.host}: {said}", file=sys.stderr)
    if not isinstance(document, dict):
        return fail(
            f"--remote {worker.host}: {args.command} gave no document (exit {answer.code}); "
            "run it again with -v to see the worker's messages",
            as_json=args.json,
            kind="environment",
        )
    if error is not None:  # one line, as every remote failure: the worker's own line is not relayed above
        return fail(
            worker_error_line(worker.host, error, args.target),
            as_json=args.json,
            kind=error["kind"] if error.get("kind") in ERROR_KINDS else "environment",
            details=error.get("details") if isinstance(error.get("details"), str) else None,
            code=answer.code or EXIT_USAGE,
        )
    if args.command == "snapshot" and getattr(args, "output", None):
        from .snapshot import write_snapshot_file

        return write_snapshot_file(document, args) or answer.code
    try:
        if args.json:
            emit_json(document)
        else:
            render(args.command, document, args.verbose)
    except BrokenPipeError:  # ``… --remote HOST list | head``: the reader left
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), stdout().fileno())
    return answer.code


def _error_of(document: Any) -> dict[str, Any] | None:
    """The ``error`` of a worker's error document (``error.schema.json``), or None for any other answer."""
    if not isinstance(document, dict) or "schema" not in document or len(document) > 3:
        return None
    error = document.get("error")
    return error if isinstance(error, dict) else None


def strip_local(arguments: list[str]) -> list[str]:
    """``arguments`` without the options that are this side's (the worker gets the rest, plus ``--json``)."""
    out: list[str] = []
    skip = False
    for arg in arguments:
        if skip:
            skip = False
            continue
        if arg in _LOCAL_VALUED:
            skip = True
        elif arg in _LOCAL_FLAGS or any(arg.startswith(option + "=") for option in _LOCAL_VALUED):
            continue
        elif arg.startswith("-o") and not arg.startswith("--"):
            continue  # -oFILE
        else:
            out.append(arg)
    return out


def render(command: str, document: dict[str, Any], verbose: bool = False) -> None:
    """``document`` as ``command`` prints it locally."""
    from ..diagnostics.render.text import terminal_width

    width = terminal_width(sys.stdout)
    if command == "list":
        from ..diagnostics.render.inventory import render_inventory

        render_inventory(document, sys.stdout, verbose=verbose, width=width)
    elif command == "status":
        from ..diagnostics.render.inventory import render_status

        render_status(document, sys.stdout, width=width)
    elif command == "verify":
        from ..diagnostics.render.verify import render_verify

        render_verify(document, sys.stdout)
    elif command == "profile":
        from ..diagnostics.render.profile import render_profile

        render_profile(document, sys.stdout, verbose=verbose)
    else:
        emit_json(document)


def _refused_output(args: Any) -> str | None:
    """Why ``snapshot -o FILE`` cannot be written here (said before the worker is asked), or None."""
    import os

    from ..diagnostics.bundle.writer import check_target

    path = os.path.abspath(os.path.expanduser(args.output))
    if check_target(path) and not args.force:
        return f"{path} exists; pass --force to replace it"
    if not os.path.isdir(os.path.dirname(path)):
        return f"cannot write the snapshot: folder {os.path.dirname(path)} does not exist"
    return None
