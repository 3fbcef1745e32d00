"""``profile``: cold and warm discovery timed in fresh processes, slowest imports, and a history of runs.

Timings taken in this process are worthless once its modules are imported, so
every figure comes from a fresh interpreter (the *child*, ``_children.CHILD_CODE``) that
imports the same targets with the same ``sys.path``, finds the registry by its
qualified name and times ``list(registry.keys())``:

- cold: an empty private cache folder (``REGISTRY_CORE_CACHE_DIR`` points at a
  temporary folder, so the user's caches are never read nor written);
- warm: the same folder again after a cold run wrote it;
- imports: one more cold child under ``python -X importtime`` that discovers
  every registry, giving each module's self and cumulative import time;
- ``import registry_core`` alone, in a fresh process.

A child that runs past the timeout is killed and reported with the module it
was importing (it prints ``importing <name>`` to stderr as discovery imports
each plugin, through ``registry_core._discovery.on_import``) and, where the
platform allows, its Python stack.

Everything here returns plain JSON-ready dicts (the app charts them from a
worker thread); ``run_command`` is the CLI. Results are appended to
``profile_history.jsonl`` in the inspector's data folder
(``$REGISTRY_INSPECTOR_DATA_DIR`` overrides it).
"""

from __future__ import annotations

import os
import sys

from .children import Cancelled as ProfileCancelled
from .children import DEFAULT_TARGETS_FACTORY, ChildResult, child_env, child_pythonpath, hung_module, run_child, watchdog_after

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable

SCHEMA = 1
DEFAULT_RUNS = 5
DEFAULT_TIMEOUT_S = 60.0
TOP_MODULES = 20
#: Modules kept per registry (slowest first) in a profile document; the history file stays small.
MODULES_PER_REGISTRY = 50
HISTORY_NAME = "profile_history.jsonl"
#: When the history file grows past this, it is rewritten with its newest ``HISTORY_KEEP`` entries.
HISTORY_MAX_BYTES = 4 * 1024 * 1024
HISTORY_KEEP = 200

# -- where results go ------------------------------------------------------------------------------
def history_path() -> str:
    """``<user data dir>/profile_history.jsonl`` (``$REGISTRY_INSPECTOR_DATA_DIR`` overrides the folder)."""
    from ..cache.paths import user_data_dir

    return os.path.join(user_data_dir(), HISTORY_NAME)


def load_history(limit: "int | None" = None) -> list[dict[str, Any]]:
    """Every recorded profile, oldest first (the newest ``limit`` when given); unreadable lines are skipped."""
    import json

    try:
        with open(history_path(), encoding="utf-8", errors="replace") as handle:
            lines = handle.readlines()
    except OSError:
        return []
    history = []
    for line in lines:
        line = line.strip()
        if not line:
            continue
        try:
            doc = json.loads(line)
        except ValueError:
            continue
        if isinstance(doc, dict):
            history.append(doc)
    return history[-limit:] if limit else history


def latest_profile() -> dict[str, Any] | None:
    """The newest recorded profile, or None when there is none."""
    history = load_history()
    return history[-1] if history else None


def append_history(document: dict[str, Any]) -> str:
    """Append one profile as one JSON line (a single O_APPEND write); return the file's path."""
    import json

    path = history_path()
    os.makedirs(os.path.dirname(path), exist_ok=True)
    line = (json.dumps(document, separators=(",", ":"), default=repr) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    try:
        if os.path.getsize(path) > HISTORY_MAX_BYTES:
            _trim_history(path)
    except OSError:
        pass
    return path


def _trim_history(path: str) -> None:
    import json

    keep = load_history()[-HISTORY_KEEP:]
    from ..cache.manager import atomic_write

    data = "".join(json.dumps(d, separators=(",", ":"), default=repr) + "\n" for d in keep)
    atomic_write(path, data.encode("utf-8"))


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _stats(values: list[float]) -> dict[str, Any]:
    import statistics

    if not values:
        return {"median_s": None, "min_s": None, "max_s": None, "runs": []}
    return {"median_s": statistics.median(values), "min_s": min(values), "max_s": max(values),
            "runs": list(values)}


# -- import times ----------------------------------------------------------------------------------
def parse_importtime(stderr: str) -> list[dict[str, Any]]:
    """Every ``-X importtime`` line as {module, self_us, cumulative_us, depth, registry}, in output order.

    ``registry`` is the qualified name of the registry whose discovery imported
    the module (the child prints ``registry <name>`` before each), or None for
    imports before discovery (interpreter start-up, registry_core, the targets).
    """
    import re

    pattern = re.compile(r"^import time:\s*(\d+)\s*\|\s*(\d+)\s*\|( *)(\S.*?)\s*$")
    current = None
    rows = []
    for line in stderr.splitlines():
        if line.startswith("registry "):
            current = line[len("registry "):].strip()
            continue
        match = pattern.match(line)
        if match is None:
            continue
        rows.append({"module": match.group(4), "self_us": int(match.group(1)),
                     "cumulative_us": int(match.group(2)), "depth": len(match.group(3)) // 2,
                     "registry": current})
    return rows


def top_modules(rows: list[dict[str, Any]], count: int = TOP_MODULES) -> list[dict[str, Any]]:
    ranked = sorted(rows, key=lambda r: r["self_us"], reverse=True)[:count]
    return [{"module": r["module"], "self_us": r["self_us"], "cumulative_us": r["cumulative_us"]} for r in ranked]


# -- the profile -----------------------------------------------------------------------------------
def profile_registries(
    registries: "list[Any]",
    targets: "list[str] | None" = None,
    *,
    runs: int = DEFAULT_RUNS,
    timeout: float = DEFAULT_TIMEOUT_S,
    progress: "Callable[[int, int, str], None] | None" = None,
    cancelled: "Callable[[], bool] | None" = None,
    record: bool = True,
    python: "str | None" = None,
    default_targets: "str | None" = DEFAULT_TARGETS_FACTORY,
) -> dict[str, Any]:
    """Time cold and warm discovery of each registry in fresh processes; return the profile document.

    ``targets`` are the modules the children import (None: what installed
    applications advertise plus ``default_targets``, a ``module:function``, as
    the CLI does). ``progress(done, total, message)`` is called before each child;
    ``cancelled()`` is polled between and during children: a cancelled profile
    comes back with ``"cancelled": True`` and is not recorded. ``record`` appends
    a finished profile to the history file.
    """
    import platform
    import shutil
    import tempfile
    import time

    if runs < 1:
        raise ValueError("runs must be at least 1")
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    python = python or sys.executable
    registries = [r for r in registries if getattr(r, "config", None) is not None]
    names = [r.qualified_name for r in registries]
    target_arg = ",".join(targets or [])
    factory = "" if targets else (default_targets or "")
    pythonpath = child_pythonpath(targets)
    total = len(registries) * 2 * runs + 1 + runs
    done = 0

    def step(message: str) -> None:
        nonlocal done
        if cancelled is not None and cancelled():
            raise ProfileCancelled()
        if progress is not None:
            progress(done, total, message)
        done += 1

    document: dict[str, Any] = {
        "schema": SCHEMA,
        "created": time.time(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": python,
        "platform": platform.platform(),
        "runs": runs,
        "timeout_s": timeout,
        "targets": list(targets) if targets else None,
        "registries": [],
        "import_registry_core_s": None,
        "import_registry_core": _stats([]),
        "top_modules": [],
        "cancelled": False,
        "history_path": None,
        "notes": [],
    }
    if os.environ.get("PYTHONDONTWRITEBYTECODE"):
        document["notes"].append("PYTHONDONTWRITEBYTECODE is set: a module whose .pyc is missing or stale is "
                                 "compiled again in every run, cold and warm")
    work = tempfile.mkdtemp(prefix="registry-inspector-profile-")
    watchdog = watchdog_after(timeout)
    try:
        cwd = os.path.join(work, "cwd")  # an empty working directory: ``-c`` puts it on sys.path
        os.makedirs(cwd)
        target_failure: dict[str, Any] | None = None
        for position, (registry, name) in enumerate(zip(registries, names)):
            done = position * 2 * runs
            entry = _empty_entry(registry, name)
            document["registries"].append(entry)
            if target_failure is not None:
                entry.update(target_failure)
                continue
            cache_dir = os.path.join(work, "cache-" + str(len(document["registries"])))
            env = child_env(pythonpath, cache_dir, watchdog)
            argv = [target_arg, factory, name]
            cold: list[float] = []
            warm: list[float] = []
            cold_start: list[float] = []
            warm_start: list[float] = []
            try:
                for phase, values, starts in (("cold", cold, cold_start), ("warm", warm, warm_start)):
                    for index in range(runs):
                        step(f"{registry.name}: {phase} run {index + 1}/{runs}")
                        if phase == "cold":
                            shutil.rmtree(cache_dir, ignore_errors=True)
                        result = run_child(["discover", *argv], env, cwd, timeout, cancelled, python)
                        problem = _problem(result, phase, index, timeout)
                        if problem is not None:
                            entry.update(problem)
                            if problem.get("timed_out") and problem["timed_out"].get("during") == "targets":
                                target_failure = problem
                            elif problem.get("error", "").startswith("cannot import target"):
                                target_failure = problem
                            break
                        child = result.data["registries"][0]
                        values.append(child["keys_s"])
                        starts.append(child["start_s"])
                        entry["keys"] = child["keys"]
                        entry["failures"] = child["failures"]
                        entry[f"{phase}_source"] = child["source"]
                        entry[f"{phase}_cache_state"] = child["cache_state"]
                        entry[f"{phase}_cache_reason"] = child["cache_reason"]
                    if entry["error"] or entry["timed_out"]:
                        break
            finally:  # a cancelled profile keeps the runs it finished
                _summarise(entry, cold, warm, cold_start, warm_start)
        # One cold child under -X importtime discovers every registry that did not hang or fail.
        done = len(registries) * 2 * runs
        step("import times (python -X importtime)")
        healthy = [e["qualified_name"] for e in document["registries"] if not e["timed_out"] and not e["error"]]
        if healthy:
            cache_dir = os.path.join(work, "cache-importtime")
            env = child_env(pythonpath, cache_dir, watchdog)
            result = run_child(["importtime", target_arg, factory, *healthy], env, cwd, timeout, cancelled, python,
                                flags=("-X", "importtime"))
            rows = parse_importtime(result.stderr)
            discovery_rows = [r for r in rows if r["registry"] is not None]
            document["top_modules"] = top_modules(discovery_rows)
            document["import_modules_total"] = len(rows)
            by_registry: dict[str, list[dict[str, Any]]] = {}
            for row in discovery_rows:
                by_registry.setdefault(row["registry"], []).append(row)
            for entry in document["registries"]:
                mine = by_registry.get(entry["qualified_name"], [])
                entry["modules"] = top_modules(mine, MODULES_PER_REGISTRY)
                entry["modules_imported"] = len(mine)
            if result.timed_out or result.data is None:
                module, _stack = hung_module(result.stderr)
                document["importtime_error"] = ("timed out" if result.timed_out else "failed") + (
                    f" while importing {module}" if module else "") + (
                    "" if result.timed_out else f": {_tail(result.stderr, 5)}")
        imports: list[float] = []
        for index in range(runs):
            step(f"import registry_core {index + 1}/{runs}")
            env = child_env(pythonpath, os.path.join(work, "cache-import"), 0)
            result = run_child(["import", "", ""], env, cwd, timeout, cancelled, python)
            if result.data is not None:
                imports.append(result.data["import_s"])
        document["import_registry_core"] = _stats(imports)
        document["import_registry_core_s"] = document["import_registry_core"]["median_s"]
    except ProfileCancelled:
        document["cancelled"] = True
    finally:
        shutil.rmtree(work, ignore_errors=True)
    if progress is not None:
        progress(total, total, "cancelled" if document["cancelled"] else "done")
    if record and not document["cancelled"]:
        try:
            document["history_path"] = append_history(document)
        except OSError as exc:
            document["history_error"] = f"cannot append to {history_path()}: {exc}"
    return document


def _summarise(entry: dict[str, Any], cold: list[float], warm: list[float], cold_start: list[float],
               warm_start: list[float]) -> None:
    entry["cold"] = _stats(cold)
    entry["cold"]["start_median_s"] = _stats(cold_start)["median_s"]
    entry["warm"] = _stats(warm)
    entry["warm"]["start_median_s"] = _stats(warm_start)["median_s"]
    cm, wm = entry["cold"]["median_s"], entry["warm"]["median_s"]
    entry["speedup"] = cm / wm if cm and wm else None
    if warm and entry.get("warm_cache_state") not in ("valid", None):
        reason = entry.get("warm_cache_reason")
        entry["note"] = (f"warm runs found the cache {entry['warm_cache_state']}{': ' + reason if reason else ''}; "
                         "warm figures are not cache hits")


def _empty_entry(registry: Any, qualified_name: str) -> dict[str, Any]:
    return {
        "name": registry.name,
        "qualified_name": qualified_name,
        "cold": _stats([]),
        "warm": _stats([]),
        "speedup": None,
        "keys": None,
        "failures": None,
        "timed_out": None,
        "error": None,
        "modules": [],
    }


def _problem(result: ChildResult, phase: str, index: int, timeout: float) -> dict[str, Any] | None:
    """None for a good child; else the entry fields that say what went wrong."""
    if result.timed_out:
        module, stack = hung_module(result.stderr)
        during = "targets" if module is not None and _importing_target(result.stderr) else "discovery"
        where = (f"while importing {'target ' if during == 'targets' else ''}{module}" if module
                 else "before importing any plugin module")
        return {"timed_out": {"phase": phase, "run": index + 1, "after_s": timeout, "module": module,
                              "during": during, "stack": stack},
                "error": f"timed out after {timeout:g} s {where} ({phase} run {index + 1})"}
    data = result.data
    if result.returncode != 0 or not isinstance(data, dict) or not data.get("registries"):
        if isinstance(data, dict) and data.get("error"):
            return {"error": data["error"], "details": _tail(data.get("details", ""), 20)}
        return {"error": f"the {phase} child exited with {result.returncode}: {_tail(result.stderr, 3)}",
                "details": _tail(result.stderr, 20)}
    return None


def _importing_target(stderr: str) -> bool:
    last = ""
    for line in stderr.splitlines():
        if line.startswith(("importing ", "registry ")):
            last = line
    return last.startswith("importing target ")


# -- CLI -------------------------------------------------------------------------------------------
def add_parser(sub: Any, common: Any) -> Any:
    from ..cli.argtypes import positive_float, positive_int

    parser = sub.add_parser("profile", parents=[common],
                            help="time cold and warm discovery in fresh processes; slowest imports; history")
    parser.add_argument("--runs", type=positive_int, default=DEFAULT_RUNS, metavar="N",
                        help=f"fresh-process runs per measurement (default {DEFAULT_RUNS})")
    parser.add_argument("--timeout", type=positive_float, default=DEFAULT_TIMEOUT_S, metavar="SECONDS",
                        help=f"cut off a child (e.g. a plugin hanging at import) after this long "
                             f"(default {DEFAULT_TIMEOUT_S:g})")
    parser.add_argument("--registry", metavar="NAME", help="only this registry (default: all)")
    parser.add_argument("--no-history", action="store_true", help="do not append the result to the history file")
    return parser


def run_command(args: Any) -> int:
    from ..cli import EXIT_FINDINGS, EXIT_OK, _emit_json

    registries = args.registries
    if getattr(args, "registry", None):
        from .._registry import find_registry

        registries = [find_registry(args.registry)]

    def progress(done: int, total: int, message: str) -> None:
        if args.verbose:
            print(f"[{done}/{total}] {message}", file=sys.stderr, flush=True)

    document = profile_registries(registries, args.target, runs=args.runs, timeout=args.timeout,
                                  progress=progress, record=not args.no_history)
    if args.json:
        _emit_json(document)
    else:
        render_profile(document, sys.stdout, verbose=args.verbose)
    bad = any(r["timed_out"] or r["error"] for r in document["registries"])
    return EXIT_FINDINGS if bad else EXIT_OK


def _ms(seconds: "float | None") -> str:
    if seconds is None:
        return "-"
    ms = seconds * 1000
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms" if ms < 1000 else f"{seconds:.2f} s"


def _us(us: "float | None") -> str:
    return "-" if us is None else _ms(us / 1e6)


def render_profile(document: dict[str, Any], out: Any, verbose: bool = False) -> None:
    """The profile as readable tables."""
    import time

    from .render import table

    regs = document["registries"]
    when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(document["created"]))
    out.write(f"Discovery profile, {when}: {len(regs)} registries, {document['runs']} fresh-process run(s) each, "
              f"Python {document['python']}\n")
    out.write("cold = empty cache, warm = valid cache; the time of list(registry.keys()) in a fresh process "
              "(median, min-max)\n\n")
    rows = []
    for r in regs:
        cold, warm = r["cold"], r["warm"]
        speedup = r["speedup"]
        rows.append([
            r["name"],
            _ms(cold["median_s"]), _range(cold),
            _ms(warm["median_s"]), _range(warm),
            "-" if speedup is None else f"{speedup:.1f}x",
            "-" if r["keys"] is None else r["keys"],
            "TIMED OUT" if r["timed_out"] else "ERROR" if r["error"] else (r.get("warm_cache_state") or "-"),
        ])
    out.write(table(["registry", "cold", "cold min-max", "warm", "warm min-max", "speedup", "keys", "warm cache"],
                    rows))
    for r in regs:
        if r["timed_out"]:
            t = r["timed_out"]
            what = (f"while importing {'target ' if t.get('during') == 'targets' else ''}{t['module']}" if t["module"]
                    else "before importing any plugin module")
            out.write(f"  TIMED OUT {r['name']}: cut off after {t['after_s']:g} s {what} "
                      f"({t['phase']} run {t['run']})\n")
            if verbose and t.get("stack"):
                out.write("".join(f"            {line}\n" for line in t["stack"].splitlines()))
        elif r["error"]:
            out.write(f"  ERROR     {r['name']}: {r['error']}\n")
            if verbose and r.get("details"):
                out.write("".join(f"            {line}\n" for line in r["details"].splitlines()))
        if r.get("note"):
            out.write(f"  NOTE      {r['name']}: {r['note']}\n")
    imp = document.get("import_registry_core") or {}
    out.write(f"\nimport registry_core (fresh process): {_ms(document.get('import_registry_core_s'))} median"
              f"{' (' + _range(imp) + ')' if imp.get('runs') else ''}\n")
    top = document.get("top_modules") or []
    if top:
        out.write(f"\nSlowest imports during cold discovery (python -X importtime, top {len(top)} by self time):\n")
        out.write(table(["module", "self", "cumulative"],
                        [[m["module"], _us(m["self_us"]), _us(m["cumulative_us"])] for m in top]))
    if document.get("importtime_error"):
        out.write(f"  import times incomplete: {document['importtime_error']}\n")
    for note in document.get("notes") or []:
        out.write(f"\nnote: {note}\n")
    if document.get("cancelled"):
        out.write("\nCancelled: the figures above are partial and were not recorded.\n")
    elif document.get("history_path"):
        count = len(load_history())
        out.write(f"\nRecorded in {document['history_path']} ({count} profile{'' if count == 1 else 's'} so far)\n")
    elif document.get("history_error"):
        out.write(f"\nNot recorded: {document['history_error']}\n")


def _range(block: dict[str, Any]) -> str:
    low, high = block.get("min_s"), block.get("max_s")
    if low is None or high is None:
        return "-"
    return f"{_ms(low)}-{_ms(high)}".replace(" ms-", "-")
