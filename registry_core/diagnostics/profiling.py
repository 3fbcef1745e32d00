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
from .children import ChildResult, child_env, child_pythonpath, default_factory, hung_module, run_child, watchdog_after
from .defaults import PROFILE_RUNS as DEFAULT_RUNS
from .defaults import PROFILE_TIMEOUT_S as DEFAULT_TIMEOUT_S
from .history import append_history, history_path
from .importtime import parse_importtime, top_modules
from .stamp import tool_stamp

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

SCHEMA = 1
#: What metaclass-registry targets run on: the library as installed, registry_core.compat, or each in turn.
INSTALLED = "installed"
REGISTRY_CORE = "registry_core"
BOTH = "both"
ENGINES = (INSTALLED, REGISTRY_CORE, BOTH)
#: Modules kept per registry (slowest first) in a profile document; the history file stays small.
MODULES_PER_REGISTRY = 50


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def _stats(values: list[float]) -> dict[str, Any]:
    import statistics

    if not values:
        return {"median_s": None, "min_s": None, "max_s": None, "runs": []}
    return {"median_s": statistics.median(values), "min_s": min(values), "max_s": max(values), "runs": list(values)}


# -- the profile -----------------------------------------------------------------------------------
def profile_registries(
    registries: list[Any],
    targets: list[str] | None = None,
    *,
    runs: int = DEFAULT_RUNS,
    timeout: float = DEFAULT_TIMEOUT_S,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    record: bool = True,
    python: str | None = None,
    default_targets: str | None = None,
    engine: str = "installed",
) -> dict[str, Any]:
    """Time cold and warm discovery of each registry in fresh processes; return the profile document.

    ``targets`` are the modules the children import (None: what installed
    applications advertise plus ``default_targets``, a ``module:function`` (default: the one
    ``sources.targets.set_default_targets`` named), as
    the CLI does). ``progress(done, total, message)`` is called before each child;
    ``cancelled()`` is polled between and during children: a cancelled profile
    comes back with ``"cancelled": True`` and is not recorded. ``record`` appends
    a finished profile to the history file.

    ``engine`` says what metaclass-registry registries (with a discovery of their own) run on:
    ``"installed"`` (the library as installed), ``"registry_core"`` (each child calls
    ``registry_core.compat.install()`` first: the same unmodified program on registry_core's engine) or
    ``"both"``, timed side by side: such an entry's ``engines`` holds ``{"installed": ..., "registry_core":
    ...}`` (each with ``cold``, ``warm``, ``speedup``, ``keys``...), ``engine_speedup`` how many times faster
    registry_core is, cold and warm, and its top-level figures stay the installed engine's. Other registries
    have one engine and are timed once.
    """
    import platform
    import shutil
    import tempfile
    import time

    if runs < 1:
        raise ValueError("runs must be at least 1")
    if timeout <= 0:
        raise ValueError("timeout must be positive")
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {', '.join(ENGINES)}, not {engine!r}")
    python = python or sys.executable
    registries = [r for r in registries if getattr(r, "config", None) is not None]
    names = [r.qualified_name for r in registries]
    target_arg = ",".join(targets or [])
    factory = "" if targets else (default_targets or default_factory())
    pythonpath = child_pythonpath(targets)
    plan = [plan_engines(r, engine) for r in registries]
    total = sum(len(e) for e in plan) * 2 * runs + 1 + runs
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
        "tool": tool_stamp(),
        "created": time.time(),
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": python,
        "platform": platform.platform(),
        "runs": runs,
        "engine": engine,
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
        document["notes"].append(
            "PYTHONDONTWRITEBYTECODE is set: a module whose .pyc is missing or stale is "
            "compiled again in every run, cold and warm"
        )
    work = tempfile.mkdtemp(prefix="registry-inspector-profile-")
    watchdog = watchdog_after(timeout)
    try:
        cwd = os.path.join(work, "cwd")  # an empty working directory: ``-c`` puts it on sys.path
        os.makedirs(cwd)
        target_failure: dict[str, dict[str, Any]] = {}  # engine -> the failure every later registry shares
        for position, (registry, name, engines) in enumerate(zip(registries, names, plan)):
            done = sum(len(e) for e in plan[:position]) * 2 * runs
            entry = _empty_entry(registry, name)
            entry["engine"] = engines[0]
            document["registries"].append(entry)
            blocks: dict[str, dict[str, Any]] = {}
            if engine != INSTALLED and switchable(registry):
                entry["engines"] = blocks
            for which in engines:
                block = blocks[which] = _empty_block()
                if which in target_failure:
                    block.update(target_failure[which])
                    continue
                cache_dir = os.path.join(work, f"cache-{position + 1}-{which}")
                env = child_env(pythonpath, cache_dir, watchdog, which)
                try:
                    failure = _time_engine(
                        block,
                        step,
                        registry.name,
                        which,
                        len(engines) > 1,
                        [target_arg, factory, name],
                        env,
                        cwd,
                        cache_dir,
                        timeout,
                        cancelled,
                        python,
                        runs,
                    )
                finally:
                    entry.update(blocks[engines[0]])  # the top-level figures: the first engine's (as installed)
                if failure is not None:
                    target_failure[which] = failure
            if len(blocks) == 2:
                entry["engine_speedup"] = _engine_speedup(blocks[INSTALLED], blocks[REGISTRY_CORE])
        # One cold child under -X importtime discovers every registry that did not hang or fail.
        done = sum(len(e) for e in plan) * 2 * runs
        step("import times (python -X importtime)")
        healthy = [e["qualified_name"] for e in document["registries"] if not e["timed_out"] and not e["error"]]
        if healthy:
            cache_dir = os.path.join(work, "cache-importtime")
            # The engine the top-level figures are timed on: registry_core's only when asked for alone.
            env = child_env(pythonpath, cache_dir, watchdog, REGISTRY_CORE if engine == REGISTRY_CORE else INSTALLED)
            result = run_child(
                ["importtime", target_arg, factory, *healthy],
                env,
                cwd,
                timeout,
                cancelled,
                python,
                flags=("-X", "importtime"),
            )
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
                document["importtime_error"] = (
                    ("timed out" if result.timed_out else "failed")
                    + (f" while importing {module}" if module else "")
                    + ("" if result.timed_out else f": {_tail(result.stderr, 5)}")
                )
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
    from ..cache.paths import read_only

    if record and not document["cancelled"] and read_only():
        document["history_error"] = "not recorded: this process writes nothing (--no-write)"
    elif record and not document["cancelled"]:
        try:
            document["history_path"] = append_history(document)
        except OSError as exc:
            document["history_error"] = f"cannot append to {history_path()}: {exc}"
    return document


def switchable(registry: Any) -> bool:
    """Whether ``registry`` can run on either engine: a metaclass-registry registry with a discovery of its own
    (a partial one, with none, lists what registered at import whatever the engine)."""
    library = getattr(registry, "library", None)
    name = library.get("name") if isinstance(library, dict) else None
    return name == "metaclass_registry" and not getattr(registry, "partial", False)


def plan_engines(registry: Any, engine: str) -> list[str]:
    """The engines ``registry`` is timed on, the one its top-level figures describe first."""
    if engine == INSTALLED or not switchable(registry):
        return [INSTALLED]
    if engine == REGISTRY_CORE:
        return [REGISTRY_CORE]
    return [INSTALLED, REGISTRY_CORE]


def _time_engine(
    block: dict[str, Any],
    step: Callable[[str], None],
    label: str,
    engine: str,
    say_engine: bool,
    argv: list[str],
    env: dict[str, str],
    cwd: str,
    cache_dir: str,
    timeout: float,
    cancelled: Callable[[], bool] | None,
    python: str,
    runs: int,
) -> dict[str, Any] | None:
    """Cold then warm runs of one registry on one engine, into ``block``; the problem every later registry
    shares (its target cannot be imported, or hangs) or None."""
    import shutil

    cold: list[float] = []
    warm: list[float] = []
    cold_start: list[float] = []
    warm_start: list[float] = []
    shared: dict[str, Any] | None = None
    on = f" on {'registry_core' if engine == REGISTRY_CORE else 'the installed library'}" if say_engine else ""
    try:
        for phase, values, starts in (("cold", cold, cold_start), ("warm", warm, warm_start)):
            for index in range(runs):
                step(f"{label}{on}: {phase} run {index + 1}/{runs}")
                if phase == "cold":
                    # Both engines' caches (registry_core's and metaclass-registry's files) live in this folder.
                    shutil.rmtree(cache_dir, ignore_errors=True)
                result = run_child(["discover", *argv], env, cwd, timeout, cancelled, python)
                problem = _problem(result, phase, index, timeout)
                if problem is not None:
                    block.update(problem)
                    if problem.get("timed_out") and problem["timed_out"].get("during") == "targets":
                        shared = problem
                    elif problem.get("error_kind") == "target":
                        shared = problem
                    break
                child = result.data["registries"][0]
                values.append(child["keys_s"])
                starts.append(child["start_s"])
                block["keys"] = child["keys"]
                block["failures"] = child["failures"]
                block[f"{phase}_source"] = child["source"]
                block[f"{phase}_cache_state"] = child["cache_state"]
                block[f"{phase}_cache_reason"] = child["cache_reason"]
            if block["error"] or block["timed_out"]:
                break
    finally:  # a cancelled profile keeps the runs it finished
        _summarise(block, cold, warm, cold_start, warm_start)
    return shared


def _engine_speedup(installed: dict[str, Any], ours: dict[str, Any]) -> dict[str, float | None]:
    """How many times faster on registry_core than as installed, cold and warm (median over median)."""
    ratios: dict[str, float | None] = {}
    for phase in ("cold", "warm"):
        a, b = installed[phase]["median_s"], ours[phase]["median_s"]
        ratios[phase] = a / b if a and b else None
    return ratios


def _summarise(
    entry: dict[str, Any], cold: list[float], warm: list[float], cold_start: list[float], warm_start: list[float]
) -> None:
    entry["cold"] = _stats(cold)
    entry["cold"]["start_median_s"] = _stats(cold_start)["median_s"]
    entry["warm"] = _stats(warm)
    entry["warm"]["start_median_s"] = _stats(warm_start)["median_s"]
    cm, wm = entry["cold"]["median_s"], entry["warm"]["median_s"]
    entry["speedup"] = cm / wm if cm and wm else None
    if warm and entry.get("warm_cache_state") not in ("valid", None):
        reason = entry.get("warm_cache_reason")
        entry["note"] = (
            f"warm runs found the cache {entry['warm_cache_state']}{': ' + reason if reason else ''}; "
            "warm figures are not cache hits"
        )


def _empty_block() -> dict[str, Any]:
    """One engine's figures for one registry (the fields an entry has at its top level)."""
    return {
        "cold": _stats([]),
        "warm": _stats([]),
        "speedup": None,
        "keys": None,
        "failures": None,
        "timed_out": None,
        "error": None,
    }


def _empty_entry(registry: Any, qualified_name: str) -> dict[str, Any]:
    """A registry's entry before it is timed; ``partial``: it has no discovery of its own (a metaclass-registry
    registry that is implicit or a plain dict, an entry-point group listed unloaded), so its figures time a read
    of what registered at import, and the renderers and charts leave them out."""
    return {
        "name": registry.name,
        "qualified_name": qualified_name,
        "partial": bool(getattr(registry, "partial", False)),
        **_empty_block(),
        "modules": [],
    }


def _problem(result: ChildResult, phase: str, index: int, timeout: float) -> dict[str, Any] | None:
    """None for a good child; else the entry fields that say what went wrong."""
    if result.timed_out:
        module, stack = hung_module(result.stderr)
        during = "targets" if module is not None and _importing_target(result.stderr) else "discovery"
        where = (
            f"while importing {'target ' if during == 'targets' else ''}{module}"
            if module
            else "before importing any plugin module"
        )
        return {
            "timed_out": {
                "phase": phase,
                "run": index + 1,
                "after_s": timeout,
                "module": module,
                "during": during,
                "stack": stack,
            },
            "error": f"timed out after {timeout:g} s {where} ({phase} run {index + 1})",
        }
    data = result.data
    if result.returncode != 0 or not isinstance(data, dict) or not data.get("registries"):
        if isinstance(data, dict) and data.get("error"):
            return {
                "error": data["error"],
                "error_kind": data.get("error_kind"),
                "details": _tail(data.get("details", ""), 20),
            }
        return {
            "error": f"the {phase} child exited with {result.returncode}: {_tail(result.stderr, 3)}",
            "details": _tail(result.stderr, 20),
        }
    return None


def _importing_target(stderr: str) -> bool:
    last = ""
    for line in stderr.splitlines():
        if line.startswith(("importing ", "registry ")):
            last = line
    return last.startswith("importing target ")
