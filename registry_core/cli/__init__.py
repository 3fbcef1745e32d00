"""``registry-inspector`` subcommands: the headless twin of the inspector window.

Every subcommand renders the same report model (``_model``) as a table or as
``--json``. Nothing here imports Qt. Exit codes: 0 ok, 1 findings, 2 usage or
target error.
"""

from __future__ import annotations

import json
import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2

COMMANDS = ("list", "status", "explain", "clear-cache", "rebuild", "profile", "bundle")


def build_parser() -> Any:
    import argparse

    parser = argparse.ArgumentParser(
        prog="registry-inspector",
        description="Inspect plugin registries: what they discovered, what their caches hold and why.",
    )
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--target", action="append", metavar="MODULE",
                        help="module that declares registries (repeatable); default: the embedded demo and "
                             "modules advertised in the registry_core.targets entry-point group")
    common.add_argument("-v", "--verbose", action="store_true", help="tracebacks and more detail")
    common.add_argument("--json", action="store_true", help="print a stable, versioned JSON document")
    # Accepted before the subcommand too: ``registry-inspector --target pkg.mod list``.
    parser.add_argument("--target", action="append", metavar="MODULE", dest="global_targets",
                        help=argparse.SUPPRESS)
    parser.add_argument("-v", "--verbose", action="store_true", dest="global_verbose", help=argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.add_parser("list", parents=[common], help="registries, plugins, secondaries, enums, failures and skips")
    status = sub.add_parser("status", parents=[common], help="every cache: state, reason, size, age, items")
    status.add_argument("--check", action="store_true", help="exit 1 when any cache is stale or corrupt")
    explain = sub.add_parser("explain", parents=[common], help="why a key, class or module is or is not registered")
    explain.add_argument("name", help="a key, class name, module:Class or module name")
    explain.add_argument("--registry", metavar="NAME", help="only this registry")
    clear = sub.add_parser("clear-cache", parents=[common], help="delete cache files")
    which = clear.add_mutually_exclusive_group()
    which.add_argument("--registry", metavar="NAME", help="one registry's cache")
    which.add_argument("--all", action="store_true", help="every cache of every target's namespace")
    rebuild = sub.add_parser("rebuild", parents=[common], help="discover from scratch and rewrite caches")
    rebuild.add_argument("--registry", metavar="NAME", help="only this registry (default: all)")
    from ..diagnostics import bundle, profiling, verify

    profiling.add_parser(sub, common)
    verify.add_parser(sub, common)
    bundle.add_parser(sub, common)
    return parser


def main(argv: "list[str] | None" = None, default_targets: "Callable[[], Any] | None" = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is not None:
        args.target = (args.global_targets or []) + (args.target or []) or None
        args.verbose = args.verbose or args.global_verbose
    if args.command is None:
        parser.print_help()
        return EXIT_USAGE
    from ..diagnostics.logs import configure_cli_logging

    configure_cli_logging(args.verbose)
    from ..sources.targets import TargetError, load_targets

    try:
        registries = load_targets(args.target, default_targets)
    except TargetError as exc:
        print(f"registry-inspector: {exc}", file=sys.stderr)
        if args.verbose:
            print(exc.details, file=sys.stderr)
        return EXIT_USAGE
    if not registries:
        print("registry-inspector: the targets declare no registries", file=sys.stderr)
        return EXIT_USAGE
    args.registries = registries
    handler = _HANDLERS.get(args.command)
    if handler is None:
        from ..diagnostics import bundle, profiling, verify

        handler = {"profile": profiling.run_command, "verify": verify.run_command,
                   "bundle": bundle.run_command}[args.command]
    try:
        return handler(args)
    except BrokenPipeError:
        # ``registry-inspector list | head``: the reader left; that is not an error.
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except LookupError as exc:
        print(f"registry-inspector: {exc.args[0] if exc.args else exc}", file=sys.stderr)
        return EXIT_USAGE


def _emit_json(document: Any) -> None:
    json.dump(document, sys.stdout, indent=2, default=repr)
    sys.stdout.write("\n")


def _select(args: Any) -> list[Any]:
    name = getattr(args, "registry", None)
    if not name:
        return args.registries
    from .._registry import find_registry

    registry = find_registry(name)
    return [registry]


def cmd_list(args: Any) -> int:
    from ..diagnostics.documents import inventory
    from ..diagnostics.render import render_inventory
    from ..diagnostics.enum_documents import enum_documents

    document = inventory(args.registries, enum_documents())
    if args.json:
        _emit_json(document)
    else:
        render_inventory(document, sys.stdout, verbose=args.verbose)
    return EXIT_OK


def cmd_status(args: Any) -> int:
    from ..diagnostics.documents import cache_inventory
    from ..diagnostics.render import render_status
    from ..diagnostics.enum_documents import enum_cache_statuses

    document = cache_inventory(args.registries, enum_cache_statuses())
    if args.json:
        _emit_json(document)
    else:
        render_status(document, sys.stdout)
    if args.check and any(c["state"] in ("stale", "corrupt") for c in document["caches"]):
        return EXIT_FINDINGS
    return EXIT_OK


def cmd_explain(args: Any) -> int:
    from .._explain import CAUSE_NOT_FOUND

    answers = [r.explain(args.name) for r in _select(args)]
    known = [a for a in answers if a.cause != CAUSE_NOT_FOUND]
    shown = known or answers
    if args.json:
        _emit_json({"schema": 1, "name": args.name, "answers": [a.to_dict() for a in shown]})
    else:
        for answer in shown:
            print(f"[{answer.registry}] {answer.message}")
            for line in answer.details if args.verbose else _brief(answer.details):
                print(f"    {line}")
    return EXIT_OK if any(a.registered for a in answers) else EXIT_FINDINGS


#: Frames of the import machinery and of registry_core itself: never where a plugin went wrong.
_MACHINERY = ("<frozen importlib.", f"{os.sep}importlib{os.sep}", f"{os.sep}registry_core{os.sep}")


def _brief(details: list[str]) -> list[str]:
    """Details without -v: a traceback cut to its deepest frame outside the import machinery and
    registry_core (where it raised: file, line and source); at most eight lines."""
    out: list[str] = []
    frame: list[str] = []
    in_traceback = False
    for line in details:
        if line.startswith("Traceback (most recent call last)"):
            in_traceback, frame = True, []
            out.append(line)
        elif in_traceback and line.startswith("  File "):
            if not any(part in line for part in _MACHINERY) or not frame:
                frame = [line]
        elif in_traceback and line.startswith("    "):
            if frame and len(frame) == 1 and not line.strip().startswith(("^", "~")):
                frame.append(line)  # the source line under the kept frame
        else:
            if in_traceback:
                out.extend(frame)
                in_traceback = False
            if not line.startswith("  "):
                out.append(line)
    out.extend(frame if in_traceback else [])
    return out[:8]


def cmd_clear(args: Any) -> int:
    from ..cache.admin import clear_all_caches

    if not args.registry and not args.all:
        print("registry-inspector: clear-cache needs --registry NAME or --all", file=sys.stderr)
        return EXIT_USAGE
    if args.all:
        namespaces = sorted({r.config.cache_namespace for r in args.registries})
        removed = clear_all_caches(namespaces)
        caches = [p for p in removed if p.endswith(".json")]
        result = {"schema": 1, "removed": removed, "caches_removed": len(caches)}
    else:
        registry = _select(args)[0]
        path = registry.cache_path
        existed = registry.clear_cache()
        result = {"schema": 1, "removed": [path] if existed else [], "caches_removed": int(existed)}
    if args.json:
        _emit_json(result)
    else:
        for path in result["removed"]:
            if path.endswith(".json"):
                print(f"removed {path}")
        others = len(result["removed"]) - result["caches_removed"]
        print(f"{result['caches_removed']} cache file(s) removed" + (f" (and {others} lock/temp files)" if others else ""))
    return EXIT_OK


def cmd_rebuild(args: Any) -> int:
    import time

    rebuilt = []
    for registry in _select(args):
        started = time.perf_counter()
        if registry.is_discovered:
            registry.rebuild()
        else:
            registry.clear_cache()
            registry.discover()
        elapsed = time.perf_counter() - started
        status = registry.cache_status()
        report = registry.report
        rebuilt.append({"registry": registry.name, "plugins": len(report.registered),
                        "failures": len(report.failures), "skipped": len(report.skipped),
                        "seconds": round(elapsed, 4), "path": registry.cache_path,
                        "state": status.state if status else None, "reason": status.reason if status else None})
    if args.json:
        _emit_json({"schema": 1, "rebuilt": rebuilt})
    else:
        for item in rebuilt:
            print(f"rebuilt {item['registry']}: {item['plugins']} plugins, {item['failures']} failed modules, "
                  f"{item['skipped']} skipped classes in {item['seconds'] * 1000:.0f} ms -> {item['state']} "
                  f"({item['path']})")
    return EXIT_OK


_HANDLERS = {
    "list": cmd_list,
    "status": cmd_status,
    "explain": cmd_explain,
    "clear-cache": cmd_clear,
    "rebuild": cmd_rebuild,
}
