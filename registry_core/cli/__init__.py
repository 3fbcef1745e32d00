"""``registry-inspector`` subcommands: the headless twin of the inspector window.

Every subcommand renders the same documents (``registry_core.diagnostics``) as
text or as ``--json``. Nothing here imports Qt. Exit codes: 0 ok, 1 findings,
2 usage or target error. The subcommands are the rows of ``commands.COMMANDS``.
"""

from __future__ import annotations

import argparse
import os
import sys

from ._common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE
from .commands import COMMANDS, REMOTE_COMMANDS, command_names, remote_arguments

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Collection
    from typing import Any

__all__ = [
    "COMMANDS",
    "EXIT_FINDINGS",
    "EXIT_OK",
    "EXIT_USAGE",
    "build_parser",
    "command_names",
    "default_version",
    "main",
]


#: Commands that only look: they never write, whatever the inspected program would do when loaded.
_LOOKING = ("status", "explain")
#: Commands whose point is to write.
_WRITING = ("clear-cache", "rebuild", "bundle")


def build_parser(
    epilog: str | None = None, version: str | Callable[[], str] | None = None, *, words: Collection[str] | None = None
) -> Any:
    """The parser of every subcommand; ``epilog``: more help after the commands' (an application's own
    entry points, such as a window); ``version``: what ``--version`` prints (a callable is asked only then).

    ``words``, the command line's: only the subcommands named among them get their arguments (a subcommand
    not on the command line is never parsed, and the top-level help lists names and help only); None builds
    them all. Building every subcommand's parser cost a warm command ~4 ms (argparse looks up a translation
    for every title).
    """
    parser = _Parser(
        prog="registry-inspector",
        description="Inspect plugin registries: what they discovered, what their caches hold and why.",
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action=_Version, help="print the versions and exit")
    parser.version_text = version or default_version
    common = _Parser(add_help=False)
    common.add_argument(
        "--target",
        action="append",
        metavar="MODULE",
        help="module that declares registries (repeatable); default: the embedded demo and "
        "modules advertised in the registry_core.targets entry-point group",
    )
    common.add_argument("-v", "--verbose", action="store_true", help="tracebacks and more detail")
    common.add_argument("--json", action="store_true", help="print a stable, versioned JSON document (errors too)")
    common.add_argument(
        "--no-write",
        action="store_true",
        help="write nothing anywhere: no cache, stamp, history or log (status and explain "
        "never write; list and verify write only what the inspected program would)",
    )
    common.add_argument(
        "--python",
        metavar="PATH",
        help="inspect another environment: a virtual environment's folder or its interpreter "
        "(the command runs there; nothing is installed into it)",
    )
    # Accepted before the subcommand too: ``registry-inspector --target pkg.mod list``.
    parser.add_argument("--target", action="append", metavar="MODULE", dest="global_targets", help=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="store_true", dest="global_verbose", help=argparse.SUPPRESS)
    parser.add_argument("--python", metavar="PATH", dest="global_python", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for command in COMMANDS:
        if words is not None and command.name not in words:
            sub.add_parser(command.name, help=command.help, add_help=False)
            continue
        subparser = sub.add_parser(command.name, parents=[common], help=command.help)
        command.arguments(subparser)
        if command.name in REMOTE_COMMANDS:
            remote_arguments(subparser)
    return parser


def default_version() -> str:
    """``registry_core 0.1.0 (Python 3.12.3)``: what ``--version`` prints without an application's own."""
    import platform

    from .._version import __version__

    return f"registry_core {__version__} (Python {platform.python_version()})"


class _Version(argparse.Action):
    """``--version``: prints the version text (asked of a callable only now) and exits 0."""

    def __init__(self, option_strings: Any, dest: str = "version", **kwargs: Any) -> None:
        super().__init__(option_strings, dest=argparse.SUPPRESS, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser: Any, namespace: Any, values: Any, option_string: Any = None) -> None:
        version = parser.version_text
        text = version() if callable(version) else version
        print(text)
        parser.exit()


class _Parser(argparse.ArgumentParser):
    """argparse's parser; when ``json_errors`` (``--json`` is on the command line), a usage error is also a
    JSON document on stdout."""

    json_errors = False
    version_text: str | Callable[[], str] = ""

    def _get_formatter(self) -> Any:
        # argparse makes a formatter at every add_argument (to check a metavar), and HelpFormatter asks shutil
        # for the terminal's width: importing shutil (zlib, bz2, lzma) costs a command that prints no help ~3 ms.
        return self.formatter_class(prog=self.prog, width=_help_width())  # type: ignore[call-arg]

    def error(self, message: str) -> Any:
        if self.json_errors:
            from ._common import fail

            # ("registry-inspector bundle" -> "bundle: ...": fail() says "registry-inspector: " already)
            command = self.prog.partition(" ")[2]
            fail(f"{command}: {message}" if command else message, as_json=True, kind="usage")
            self.exit(EXIT_USAGE)
        super().error(message)


def _help_width() -> int:
    """The width argparse's HelpFormatter gives itself: ``shutil.get_terminal_size().columns - 2`` (COLUMNS
    when a positive number, else the width of the terminal on stdout, else 80), read as shutil reads it."""
    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns or 80  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):  # no stdout, closed, detached, or not a terminal
            columns = 80
    return columns - 2


def _json_errors(parser: Any) -> None:
    """Usage errors of ``parser`` and of its subcommands' parsers as JSON documents."""
    parser.json_errors = True
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                child.json_errors = True


def _load_registries(targets: list[str] | None, default_targets: Callable[[], Any] | None) -> list[Any]:
    """The targets' registries, for a command that loads them only when it needs them; TargetError else."""
    from ..sources.targets import TargetError, load_targets, nothing_declared

    registries = load_targets(targets, default_targets)
    if not registries:
        raise TargetError(nothing_declared(targets))
    return list(registries)


def main(
    argv: list[str] | None = None,
    default_targets: Callable[[], Any] | None = None,
    *,
    epilog: str | None = None,
    version: str | Callable[[], str] | None = None,
) -> int:
    """Run one subcommand; ``default_targets`` loads the registries used when no ``--target`` is given;
    ``epilog`` and ``version``: see :func:`build_parser`."""
    arguments = list(sys.argv[1:] if argv is None else argv)
    if "--json" not in arguments:
        return _main(arguments, default_targets, epilog, version)
    from . import _common

    # With --json stdout carries one document: whatever plugin code prints while the targets import (or a
    # library's discovery runs) goes to stderr, where a script reading the document does not trip over it.
    real = sys.stdout
    _common.json_stream, sys.stdout = real, sys.stderr
    try:
        return _main(arguments, default_targets, epilog, version)
    finally:
        sys.stdout, _common.json_stream = real, None


def _main(
    arguments: list[str],
    default_targets: Callable[[], Any] | None,
    epilog: str | None,
    version: str | Callable[[], str] | None,
) -> int:
    parser = build_parser(epilog, version, words=arguments)
    if "--json" in arguments:
        _json_errors(parser)
    args = parser.parse_args(arguments)
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    args.target = (args.global_targets or []) + (args.target or []) or None
    args.verbose = args.verbose or args.global_verbose
    if args.no_write and args.command in _WRITING:
        from ._common import fail

        return fail(f"{args.command} writes by definition; --no-write forbids it", as_json=args.json)
    if args.no_write or args.command in _LOOKING:
        from ..cache.paths import set_read_only

        set_read_only()  # (inherited by every child it starts, --python's included)
    python = args.python or args.global_python
    if getattr(args, "remote", None):
        from .remote import run_remote  # (ssh code only when asked for)

        return run_remote(args, arguments, python)
    if python:
        from ..sources.environment import PythonEnvironmentError, run_cli, strip_python

        try:
            return run_cli(python, strip_python(arguments)[1])
        except PythonEnvironmentError as exc:
            from ._common import fail

            return fail(str(exc), as_json=args.json, kind="environment")
    from ..diagnostics.logs import configure_cli_logging

    configure_cli_logging(args.verbose)
    from .commands import find_command

    if find_command(args.command).lazy_targets:
        args.registries = None
        args.load_registries = lambda: _load_registries(args.target, default_targets)
        return _run(args)
    from ..sources.targets import TargetError, load_targets
    from ._common import fail

    try:
        registries = load_targets(args.target, default_targets)
    except TargetError as exc:
        fail(str(exc), as_json=args.json, kind="target", details=exc.details)
        if args.verbose:
            print(exc.details, file=sys.stderr)
        return EXIT_USAGE
    if not registries:
        from ..sources.targets import nothing_declared

        return fail(nothing_declared(args.target), as_json=args.json, kind="target")
    args.registries = registries
    return _run(args)


def _run(args: Any) -> int:
    from ._common import fail
    from .commands import find_command

    try:
        return find_command(args.command).run(args)
    except BrokenPipeError:
        # ``registry-inspector list | head``: the reader left; that is not an error.
        import os

        from ._common import stdout

        os.dup2(os.open(os.devnull, os.O_WRONLY), stdout().fileno())
        return EXIT_OK
    except LookupError as exc:
        return fail(str(exc.args[0] if exc.args else exc), as_json=args.json, kind="registry")
