"""The command table: every subcommand is one row (name, help, its arguments, its runner).

The parser, ``app.__main__``'s choice between the window and the CLI, and the
tests all read this table, so a new subcommand is one row and one runner.
Runners are named as ``module:function`` and imported only when their command
runs: ``registry-inspector list`` never imports the bundle or profiling code.
"""

from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


class Command:
    __slots__ = ("name", "help", "arguments", "runner", "lazy_targets")

    def __init__(
        self, name: str, help: str, arguments: Callable[[Any], None], runner: str, lazy_targets: bool = False
    ) -> None:
        self.name = name
        self.help = help
        self.arguments = arguments
        self.runner = runner
        #: The runner loads the targets only if it needs them (``args.load_registries()``): ``diff`` of two
        #: files imports nothing it inspects.
        self.lazy_targets = lazy_targets

    def run(self, args: Any) -> int:
        import importlib

        module, _, function = self.runner.partition(":")
        return getattr(importlib.import_module(module, __package__), function)(args)


def _no_arguments(parser: Any) -> None:
    pass


def _status(parser: Any) -> None:
    parser.add_argument("--check", action="store_true", help="exit 1 when any cache is stale or corrupt")


def _explain(parser: Any) -> None:
    parser.add_argument("name", help="a key, class name, module:Class or module name")
    parser.add_argument("--registry", metavar="NAME", help="only this registry")


def _clear(parser: Any) -> None:
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--registry", metavar="NAME", help="one registry's cache")
    which.add_argument("--all", action="store_true", help="every cache of every target's namespace")


def _rebuild(parser: Any) -> None:
    parser.add_argument("--registry", metavar="NAME", help="only this registry (default: all)")


def _profile(parser: Any) -> None:
    from ..diagnostics.defaults import PROFILE_RUNS as DEFAULT_RUNS
    from ..diagnostics.defaults import PROFILE_TIMEOUT_S as DEFAULT_TIMEOUT_S
    from .argtypes import positive_float, positive_int

    parser.add_argument(
        "--runs",
        type=positive_int,
        default=DEFAULT_RUNS,
        metavar="N",
        help=f"fresh-process runs per measurement (default {DEFAULT_RUNS})",
    )
    parser.add_argument(
        "--timeout",
        type=positive_float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"cut off a child (e.g. a plugin hanging at import) after this long (default {DEFAULT_TIMEOUT_S:g})",
    )
    parser.add_argument("--registry", metavar="NAME", help="only this registry (default: all)")
    parser.add_argument(
        "--engine",
        choices=("installed", "registry_core", "both"),
        default="installed",
        help="what metaclass-registry targets run on: the library as installed (default), registry_core.compat, "
        "or both side by side",
    )
    parser.add_argument("--no-history", action="store_true", help="do not append the result to the history file")


def _verify(parser: Any) -> None:
    from ..diagnostics.defaults import VERIFY_TIMEOUT_S as DEFAULT_TIMEOUT_S
    from .argtypes import positive_float

    parser.add_argument("--registry", metavar="NAME", help="only this registry (default: all)")
    parser.add_argument(
        "--timeout",
        type=positive_float,
        default=DEFAULT_TIMEOUT_S,
        metavar="SECONDS",
        help=f"cut off the fresh discovery after this long (default {DEFAULT_TIMEOUT_S:g})",
    )


def _bundle(parser: Any) -> None:
    parser.add_argument("-o", "--output", required=True, metavar="FILE.zip", help="the zip file to write")
    parser.add_argument(
        "--no-redact",
        action="store_true",
        help="keep home directory, user name, secrets and URL credentials (redacted by default)",
    )
    parser.add_argument("--force", action="store_true", help="replace FILE.zip if it exists")


#: The subcommands that also run on another machine (``--remote HOST``), answering with their --json document.
REMOTE_COMMANDS = ("list", "status", "snapshot", "verify", "profile")


def remote_arguments(parser: Any) -> None:
    """``--remote HOST`` and its companions, on the subcommands of :data:`REMOTE_COMMANDS`."""
    group = parser.add_argument_group("another machine (through the system's ssh; nothing installed there)")
    group.add_argument("--remote", metavar="HOST", help="run this on HOST (an ssh destination) and show its answer")
    group.add_argument(
        "--remote-python", metavar="PATH", help="the worker's interpreter or venv folder (default: python3 there)"
    )
    group.add_argument(
        "--remote-installed",
        action="store_true",
        help="use the registry_core installed on the worker (same version) instead of sending this one",
    )
    group.add_argument(
        "--remote-timeout",
        type=float,
        default=600.0,
        metavar="SECONDS",
        help="give up on the worker after this long (default 600; connecting alone: 15)",
    )


def _snapshot(parser: Any) -> None:
    parser.add_argument("-o", "--output", metavar="FILE", help="write it to FILE (default: print it)")
    parser.add_argument(
        "--no-redact",
        action="store_true",
        help="keep home directory, user name, secrets and URL credentials (redacted by default)",
    )
    parser.add_argument("--force", action="store_true", help="replace FILE if it exists")


def _diff(parser: Any) -> None:
    for side in ("a", "b"):
        parser.add_argument(side, metavar=side.upper(), help="a snapshot file, a bundle (.zip), or live")
    parser.add_argument("--no-redact", action="store_true", help="do not redact the live side")


COMMANDS: tuple[Command, ...] = (
    Command(
        "list", "registries, plugins, secondaries, enums, failures and skips", _no_arguments, ".inventory:run_list"
    ),
    Command("status", "every cache: state, reason, size, age, items", _status, ".inventory:run_status"),
    Command("explain", "why a key, class or module is or is not registered", _explain, ".inventory:run_explain"),
    Command("clear-cache", "delete cache files", _clear, ".caches:run_clear"),
    Command("rebuild", "discover from scratch and rewrite caches", _rebuild, ".caches:run_rebuild"),
    Command(
        "profile",
        "time cold and warm discovery in fresh processes; slowest imports; history",
        _profile,
        ".profile:run_profile",
    ),
    Command(
        "verify",
        "compare each registry (from its cache) with a fresh discovery in a fresh process",
        _verify,
        ".verify:run_verify",
    ),
    Command(
        "bundle",
        "write a bug-report zip: summary, environment, registries, caches, profile, log",
        _bundle,
        ".bundle:run_bundle",
    ),
    Command(
        "snapshot",
        "one JSON document: list, status, environment and latest profile, redacted like a bundle",
        _snapshot,
        ".snapshot:run_snapshot",
    ),
    Command(
        "diff",
        "what differs between two snapshots, bundles or live (exit 0 same, 1 different, 2 error)",
        _diff,
        ".snapshot:run_diff",
        lazy_targets=True,
    ),
)


def command_names() -> tuple[str, ...]:
    return tuple(command.name for command in COMMANDS)


def find_command(name: str) -> Command:
    for command in COMMANDS:
        if command.name == name:
            return command
    raise LookupError(f"no subcommand {name!r}; known: {', '.join(command_names())}")
