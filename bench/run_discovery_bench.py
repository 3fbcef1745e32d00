#!/usr/bin/env python3
"""Discovery start-up benchmark: registry_core vs. metaclass-registry 0.4.1.

Every measurement is taken inside a fresh interpreter (see _child.py); the
parent only generates packages, isolates caches, runs children and reports.
See bench/README.md for what each column means.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as _dt
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
sys.path.insert(0, str(BENCH_DIR))

import _synth  # noqa: E402  (needs BENCH_DIR on sys.path)

CHILD = BENCH_DIR / "_child.py"
ANCHOR_VENV = BENCH_DIR / ".anchor-venv"
ANCHOR_REQUIREMENT = "metaclass-registry==0.4.1"
OURS_MODULE = "registry_core"
ANCHOR_MODULE = "metaclass_registry"
# Attributes the synthetic base modules use; importing a directory without
# them (e.g. an empty registry_core/ namespace package) is not "our library".
OURS_REQUIRED_ATTRS = "AutoRegisterMeta,LazyDiscoveryDict"
ANCHOR_REQUIRED_ATTRS = "AutoRegisterMeta,LazyDiscoveryDict,RegistryConfig"

# Targets from the project brief; printed beside the measured ratios.
TARGET_SPEEDUP_AT = 1000
TARGET_SPEEDUP = 50.0
TARGET_WARM_OVER_FLOOR = 1.5
TARGET_COLD_OVER_PLAIN = 1.25

# Environment variables that would leak the caller's cache, path or start-up
# configuration into children.
_SCRUBBED_ENV = (
    "PYTHONPATH",
    "PYTHONHOME",
    "PYTHONSTARTUP",
    "PYTHONDONTWRITEBYTECODE",
    "PYTHONPYCACHEPREFIX",
    "PYTHONPROFILEIMPORTTIME",
    "REGISTRY_CORE_CACHE_DIR",
    "XDG_CACHE_HOME",
)

CHILD_TIMEOUT_S = 300

# Working directory for every interpreter we start. `python -c` puts the cwd
# on sys.path, so probing from the repository root would find registry_core
# there while the children (started elsewhere) would not. An empty directory
# makes probes and children see the same path.
_NEUTRAL_CWD = tempfile.mkdtemp(prefix="rc-bench-cwd-")
atexit.register(shutil.rmtree, _NEUTRAL_CWD, True)


# --------------------------------------------------------------------------
# Child processes


@dataclass
class ChildResult:
    data: dict[str, Any] | None
    wall_ms: float
    error: str | None


def _last_line(text: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return lines[-1].strip() if lines else ""


def run_child(python: str, args: list[str], env: dict[str, str]) -> ChildResult:
    """Run one scenario in a fresh interpreter; never raises for child failure."""
    command = [python, str(CHILD), *args]
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            command,
            env=env,
            cwd=_NEUTRAL_CWD,
            capture_output=True,
            text=True,
            timeout=CHILD_TIMEOUT_S,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        elapsed_ms = (time.perf_counter() - start) * 1000.0
        return ChildResult(None, elapsed_ms, f"{type(exc).__name__}: {exc}")
    wall_ms = (time.perf_counter() - start) * 1000.0
    if proc.returncode != 0:
        # The exception line is the one a reader needs; the traceback is noise
        # in a table cell.
        message = _last_line(proc.stderr) or f"exit status {proc.returncode}"
        return ChildResult(None, wall_ms, message)
    try:
        return ChildResult(json.loads(_last_line(proc.stdout)), wall_ms, None)
    except json.JSONDecodeError:
        return ChildResult(None, wall_ms, f"unparsable child output: {_last_line(proc.stdout)!r}")


def child_env(pythonpath: list[Path | str], cache_dirs: CacheDirs | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in _SCRUBBED_ENV}
    env["PYTHONPATH"] = os.pathsep.join(str(p) for p in pythonpath)
    if cache_dirs is not None:
        env["HOME"] = str(cache_dirs.home)
        env["XDG_CACHE_HOME"] = str(cache_dirs.xdg)
        env["REGISTRY_CORE_CACHE_DIR"] = str(cache_dirs.ours)
    return env


# --------------------------------------------------------------------------
# Cache isolation


@dataclass(frozen=True)
class CacheDirs:
    """Per-library, per-package cache locations, all under one removable root."""

    root: Path

    @property
    def home(self) -> Path:
        return self.root / "home"

    @property
    def xdg(self) -> Path:
        return self.root / "xdg"

    @property
    def ours(self) -> Path:
        return self.root / "registry-core"

    def reset(self) -> None:
        """Remove every cached file; keep the (empty) configured directories.

        The directories exist on a real machine too (~/.cache, a configured
        cache dir); what a first run lacks is the library's cache content.
        """
        shutil.rmtree(self.root, ignore_errors=True)
        for directory in (self.home, self.xdg, self.ours):
            directory.mkdir(parents=True)

    def cache_files(self) -> list[Path]:
        return sorted(p for p in self.root.rglob("*.json") if p.is_file())

    def fingerprint(self) -> dict[str, tuple[int, int]]:
        """mtime and size of every cache file: tells whether a run rewrote it."""
        return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in self.cache_files()}


# --------------------------------------------------------------------------
# Interpreters


@dataclass
class Interpreters:
    ours_python: str
    ours_extra_path: list[str]
    ours_probe_error: str | None
    anchor_python: str
    anchor_version: str | None


def _probe(python: str, module: str, attrs: str, extra_path: list[str]) -> str | None:
    """None if `module` imports with `attrs` present, else the error line."""
    code = (
        f"import {module} as m\n"
        f"missing = [a for a in {attrs.split(',')!r} if not hasattr(m, a)]\n"
        f"assert not missing, f'{module} lacks ' + ', '.join(missing)\n"
    )
    try:
        proc = subprocess.run(
            [python, "-c", code],
            env=child_env(extra_path, None),
            cwd=_NEUTRAL_CWD,
            capture_output=True,
            text=True,
        )
    except OSError as exc:  # a wrong --ours-python path should not end the run
        return f"{type(exc).__name__}: {exc}"
    return None if proc.returncode == 0 else (_last_line(proc.stderr) or "import failed")


def resolve_ours(python: str) -> tuple[list[str], str | None]:
    """Find a PYTHONPATH under which `python` imports registry_core.

    An installed (e.g. editable .venv) registry_core needs no extra path;
    otherwise the repository root is added so a plain dev venv works.
    """
    error = _probe(python, OURS_MODULE, OURS_REQUIRED_ATTRS, [])
    if error is None:
        return [], None
    error = _probe(python, OURS_MODULE, OURS_REQUIRED_ATTRS, [str(REPO_ROOT)])
    return [str(REPO_ROOT)], error


def ensure_anchor_venv() -> str:
    """Create bench/.anchor-venv with the anchor release on first use.

    An existing venv whose install failed half-way is repaired rather than
    trusted, so an interrupted first run doesn't poison later ones.
    """
    python = ANCHOR_VENV / "bin" / "python"
    if not python.exists():
        _log(f"creating {ANCHOR_VENV} ...")
        subprocess.run([sys.executable, "-m", "venv", str(ANCHOR_VENV)], check=True)
    if anchor_version(str(python)) is None:
        _log(f"installing {ANCHOR_REQUIREMENT} into {ANCHOR_VENV} ...")
        install = subprocess.run([str(python), "-m", "pip", "install", "--quiet", ANCHOR_REQUIREMENT])
        if install.returncode != 0:
            raise SystemExit(
                f"pip could not install {ANCHOR_REQUIREMENT}; pass --anchor-python with an interpreter that has it"
            )
    return str(python)


def anchor_version(python: str) -> str | None:
    proc = subprocess.run(
        [python, "-c", f"import {ANCHOR_MODULE} as m; print(m.__version__)"],
        env=child_env([], None),
        cwd=_NEUTRAL_CWD,
        capture_output=True,
        text=True,
    )
    return proc.stdout.strip() if proc.returncode == 0 else None


def python_version(python: str) -> str:
    try:
        proc = subprocess.run(
            [python, "-c", "import platform; print(platform.python_version())"],
            cwd=_NEUTRAL_CWD,
            capture_output=True,
            text=True,
        )
    except OSError:
        return "unknown"
    return proc.stdout.strip() or "unknown"


# --------------------------------------------------------------------------
# Measurement


@dataclass
class Series:
    """All runs of one scenario in one cell, in the order they ran."""

    results: list[ChildResult] = field(default_factory=list)

    def add(self, result: ChildResult) -> None:
        self.results.append(result)

    @property
    def runs(self) -> list[dict[str, Any]]:
        return [r.data for r in self.results if r.error is None and r.data is not None]

    @property
    def errors(self) -> list[str]:
        return [r.error for r in self.results if r.error is not None]

    @property
    def wall_ms(self) -> list[float]:
        return [r.wall_ms for r in self.results]

    def last(self, key: str) -> float | None:
        """The latest run's value, None if that run failed."""
        if not self.results or self.results[-1].data is None:
            return None
        return self.results[-1].data.get(key)

    def values(self, key: str) -> list[float]:
        return [run[key] for run in self.runs if key in run]

    def as_json(self) -> dict[str, Any]:
        return {"runs": self.runs, "wall_ms": self.wall_ms, "errors": self.errors}


@dataclass
class Cell:
    size: int
    flavour: str
    series: dict[str, Series] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    # Where each library actually wrote its cache: evidence the isolation
    # worked, and the file floor A parses.
    cache_files: dict[str, list[str]] = field(default_factory=dict)

    def get(self, name: str) -> Series:
        return self.series.setdefault(name, Series())


@dataclass
class Workspace:
    """Generated packages and cache roots of one cell."""

    pkg: str
    roots: dict[str, Path]  # library -> PYTHONPATH root holding its copy
    caches: dict[str, CacheDirs]  # library -> isolated cache dirs


def prepare_cell(tmp: Path, size: int, flavour: str, interp: Interpreters, iterations: int) -> Workspace:
    pkg = _synth.package_name(flavour, size)
    # The plain loop runs under our interpreter: same start-up as ours' runs.
    pythons = {
        "ours": interp.ours_python,
        "anchor": interp.anchor_python,
        "plain": interp.ours_python,
    }
    roots: dict[str, Path] = {}
    for library in _synth.LIBRARIES:
        root = tmp / "pkgs" / library / pkg
        _synth.generate(root, library, flavour, size, iterations)
        error = _synth.precompile(pythons[library], root)
        if error is not None:
            _log(f"  {library}: could not precompile ({error}); runs will show the failure")
        roots[library] = root
    caches = {lib: CacheDirs(tmp / "cache" / lib / pkg) for lib in ("ours", "anchor")}
    return Workspace(pkg=pkg, roots=roots, caches=caches)


def _discovery_pair(cell: Cell, library: str, python: str, module: str, extra_path: list[str], ws: Workspace) -> None:
    """One cold run (cache removed) and the warm run it makes possible."""
    caches = ws.caches[library]
    env = child_env([ws.roots[library], *extra_path], caches)
    args = ["discovery", module, ws.pkg, str(cell.size)]
    caches.reset()
    cold = run_child(python, args, env)
    cell.get(f"{library}_cold").add(cold)
    written = caches.cache_files()
    if cold.error is None and not written:
        cell.notes.append(f"{library}: cold run wrote no *.json under {caches.root}")
    cell.cache_files.setdefault(library, [str(p.relative_to(caches.root)) for p in written])
    before = caches.fingerprint()
    warm = run_child(python, args, env)
    cell.get(f"{library}_warm").add(warm)
    # A warm run that rewrites the cache took the cold path: its number would
    # silently measure the wrong thing.
    if warm.error is None and caches.fingerprint() != before:
        cell.notes.append(f"{library}: warm run rewrote its cache (cache miss?)")


def run_cell(ws: Workspace, cell: Cell, interp: Interpreters, runs: int) -> None:
    for run in range(runs):
        _discovery_pair(cell, "ours", interp.ours_python, OURS_MODULE, interp.ours_extra_path, ws)
        _discovery_pair(cell, "anchor", interp.anchor_python, ANCHOR_MODULE, [], ws)
        floor_args = ["floor", str(ws.roots["ours"] / ws.pkg), str(ws.caches["ours"].root)]
        cell.get("floor").add(run_child(interp.ours_python, floor_args, child_env([], None)))
        plain_args = ["plain", ws.pkg, str(cell.size)]
        plain_env = child_env([ws.roots["plain"]], None)
        cell.get("plain").add(run_child(interp.ours_python, plain_args, plain_env))
        _log(f"  run {run + 1}/{runs}: " + _run_summary(cell))


def _run_summary(cell: Cell) -> str:
    parts = []
    for label, name, key in (
        ("ours_cold", "ours_cold", "total_ms"),
        ("ours_warm", "ours_warm", "total_ms"),
        ("anchor_cold", "anchor_cold", "total_ms"),
        ("anchor_warm", "anchor_warm", "total_ms"),
        ("plain", "plain", "total_ms"),
        ("floorA+B", "floor", "ab_ms"),
        ("floorB", "floor", "b_ms"),
    ):
        value = cell.get(name).last(key)
        parts.append(f"{label}={'n/a' if value is None else fmt_ms(value)}")
    return " ".join(parts)


def measure_imports(tmp: Path, interp: Interpreters, runs: int) -> dict[str, Series]:
    """`import <library>` alone, fresh process each time, interleaved."""
    result = {"ours": Series(), "anchor": Series()}
    caches = CacheDirs(tmp / "cache" / "import-only")
    caches.reset()
    for run in range(runs):
        result["ours"].add(
            run_child(
                interp.ours_python,
                ["import", OURS_MODULE, OURS_REQUIRED_ATTRS],
                child_env(interp.ours_extra_path, caches),
            )
        )
        result["anchor"].add(
            run_child(
                interp.anchor_python,
                ["import", ANCHOR_MODULE, ANCHOR_REQUIRED_ATTRS],
                child_env([], caches),
            )
        )
        _log(f"  import-only run {run + 1}/{runs}")
    return result


# --------------------------------------------------------------------------
# Reporting


@dataclass(frozen=True)
class Stat:
    median: float
    low: float
    high: float

    @classmethod
    def of(cls, values: list[float]) -> Stat | None:
        if not values:
            return None
        return cls(statistics.median(values), min(values), max(values))


@dataclass
class Report:
    """Everything the markdown and JSON outputs are rendered from."""

    argv: list[str]
    interp: Interpreters
    calibration: _synth.Calibration
    runs: int
    cells: list[Cell]
    imports: dict[str, Series]


def fmt_ms(value: float) -> str:
    return f"{value:.2f}" if value < 100 else f"{value:.1f}"


def fmt_stat(stat: Stat | None) -> str:
    if stat is None:
        return "n/a"
    return f"{fmt_ms(stat.median)} ({fmt_ms(stat.low)}–{fmt_ms(stat.high)})"


def _table_safe(text: str, limit: int = 120) -> str:
    text = text.replace("|", "/")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def series_stat(cell: Cell, name: str, key: str = "total_ms") -> Stat | None:
    """Stats over all runs, or None unless every run produced the value."""
    series = cell.get(name)
    values = series.values(key)
    if series.errors or len(values) != len(series.results):
        return None
    return Stat.of(values)


def series_text(cell: Cell, name: str, label: str, key: str = "total_ms") -> str:
    series = cell.get(name)
    if series.errors:
        # A cell with any failed run is reported as failed: a median over the
        # survivors would hide the failure.
        return f"{label}: {_table_safe(series.errors[0])}"
    values = series.values(key)
    if not values:
        reasons = [run.get("missing", {}).get(key) for run in series.runs]
        reason = next((r for r in reasons if r), None)
        return f"{label}: {_table_safe(reason)}" if reason else "n/a"
    return fmt_stat(Stat.of(values))


def ratio(numerator: Stat | None, denominator: Stat | None) -> float | None:
    """Ratio of medians; None when either side is missing."""
    if numerator is None or denominator is None or denominator.median <= 0:
        return None
    return numerator.median / denominator.median


def ratio_text(value: float | None, passed: bool | None = None) -> str:
    """Format a ratio; `passed` (None = no target applies) adds a ✓/✗ mark."""
    if value is None:
        return "n/a"
    text = f"{value:.1f}×" if value >= 10 else f"{value:.2f}×"
    if passed is not None:
        text += " ✓" if passed else " ✗"
    return text


def modules_text(cell: Cell) -> str:
    parts = []
    for library in ("ours", "anchor"):
        series = cell.get(f"{library}_warm")
        counts = sorted(set(series.values("plugin_modules_loaded")))
        parts.append("err" if series.errors or not counts else "/".join(map(str, counts)))
    return " / ".join(parts)


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(row) + " |" for row in rows]


def main_row(cell: Cell) -> list[str]:
    ours_cold = series_stat(cell, "ours_cold")
    ours_warm = series_stat(cell, "ours_warm")
    anchor_cold = series_stat(cell, "anchor_cold")
    anchor_warm = series_stat(cell, "anchor_warm")
    plain = series_stat(cell, "plain")
    # The floor is what any JSON cache costs a fresh process: import json, json.load, stat
    # the files; it is compared with the warm keys() call, which does exactly that work.
    floor_ab = series_stat(cell, "floor", "fresh_ab_ms")
    keys_only = series_stat(cell, "ours_warm", "keys_ms")
    speedup = ratio(anchor_warm, ours_warm)
    warm_floor = ratio(keys_only, floor_ab)
    cold_plain = ratio(ours_cold, plain)
    warm_floor_ok = None if warm_floor is None else warm_floor <= TARGET_WARM_OVER_FLOOR
    cold_plain_ok = None if cold_plain is None else cold_plain <= TARGET_COLD_OVER_PLAIN
    # The speed-up target is stated for the 1000-plugin package only.
    speedup_passed = speedup >= TARGET_SPEEDUP if speedup is not None and cell.size >= TARGET_SPEEDUP_AT else None
    return [
        str(cell.size),
        cell.flavour,
        series_text(cell, "ours_cold", "ours"),
        series_text(cell, "ours_warm", "ours"),
        series_text(cell, "anchor_cold", "anchor"),
        series_text(cell, "anchor_warm", "anchor"),
        series_text(cell, "plain", "plain"),
        series_text(cell, "ours_warm", "ours", "keys_ms"),
        series_text(cell, "floor", "floor", "fresh_ab_ms"),
        ratio_text(speedup, speedup_passed),
        ratio_text(warm_floor, warm_floor_ok),
        ratio_text(cold_plain, cold_plain_ok),
        ratio_text(ratio(anchor_cold, plain)),
        modules_text(cell),
    ]


def main_table(cells: list[Cell]) -> list[str]:
    header = [
        "size",
        "flavour",
        "ours cold",
        "ours warm",
        "anchor cold",
        "anchor warm",
        "plain loop",
        "ours warm keys()",
        "floor: import json + json.load + stat",
        f"speed-up anchor warm / ours warm (≥{TARGET_SPEEDUP:g}× at {TARGET_SPEEDUP_AT})",
        f"ours warm keys() / floor (≤{TARGET_WARM_OVER_FLOOR:g})",
        f"ours cold / plain (≤{TARGET_COLD_OVER_PLAIN:g})",
        "anchor cold / plain",
        "plugin modules imported warm ours / anchor",
    ]
    return _table(header, [main_row(cell) for cell in cells])


def warm_split_text(cell: Cell) -> str:
    """Where ours' warm time goes; the floor only covers the keys() part."""
    keys = ("lib_import_ms", "base_import_ms", "keys_ms")
    parts = [series_stat(cell, "ours_warm", key) for key in keys]
    if any(part is None for part in parts):
        return "n/a"
    return " + ".join(fmt_ms(part.median) for part in parts if part is not None)


def detail_row(cell: Cell) -> list[str]:
    floor = cell.get("floor")
    sizes = floor.values("cache_bytes")
    statted = sorted(set(floor.values("paths_statted")))
    keys_only = series_stat(cell, "ours_warm", "keys_ms")
    row = [
        str(cell.size),
        cell.flavour,
        series_text(cell, "floor", "floor", "a_ms"),
        series_text(cell, "floor", "floor", "b_ms"),
        series_text(cell, "floor", "floor", "ab_ms"),
        f"{statistics.median(sizes) / 1024:.1f}" if sizes and not floor.errors else "n/a",
        "/".join(str(int(s)) for s in statted) if statted and not floor.errors else "n/a",
    ]
    for name in ("ours_cold", "ours_warm", "anchor_cold", "anchor_warm", "plain"):
        row.append(fmt_stat(Stat.of(cell.get(name).wall_ms)))
    row.append(warm_split_text(cell))
    row.append(ratio_text(ratio(keys_only, series_stat(cell, "floor", "ab_ms"))))
    # Measured because it dwarfs the floor on slow-syscall machines: any
    # library that imports json pays it on every warm start.
    row.append(series_text(cell, "floor", "floor", "json_import_ms"))
    return row


def detail_table(cells: list[Cell]) -> list[str]:
    header = [
        "size",
        "flavour",
        "floor A: json.load ours cache",
        "floor B: stat package",
        "A+B",
        "ours cache KiB",
        "paths statted",
        "wall ours cold",
        "wall ours warm",
        "wall anchor cold",
        "wall anchor warm",
        "wall plain",
        "ours warm split: lib import + base import + keys()",
        "ours warm keys() / floor",
        "import json (fresh process)",
    ]
    return _table(header, [detail_row(cell) for cell in cells])


def import_table(imports: dict[str, Series]) -> list[str]:
    rows = []
    for library, module in (("ours", OURS_MODULE), ("anchor", ANCHOR_MODULE)):
        series = imports[library]
        in_process = (
            f"{library}: {_table_safe(series.errors[0])}"
            if series.errors
            else fmt_stat(Stat.of(series.values("total_ms")))
        )
        rows.append([f"`import {module}`", in_process, fmt_stat(Stat.of(series.wall_ms))])
    return _table(["import alone", "in-process", "process wall"], rows)


def header_lines(report: Report) -> list[str]:
    interp, calibration = report.interp, report.calibration
    command = shlex.join([sys.executable, *report.argv])
    extra = interp.ours_extra_path
    ours_path = f" with PYTHONPATH+={os.pathsep.join(extra)}" if extra else ""
    now = _dt.datetime.now().astimezone().isoformat(timespec="seconds")
    lines = [
        "# Discovery start-up benchmark",
        "",
        f"command: `{command}`  ",
        f"date: {now}, host: {platform.node()} ({platform.machine()}), CPUs: {os.cpu_count()}  ",
        f"ours: Python {python_version(interp.ours_python)} `{interp.ours_python}`{ours_path}  ",
        f"anchor: metaclass-registry {interp.anchor_version or '?'} on Python "
        f"{python_version(interp.anchor_python)} `{interp.anchor_python}`  ",
        f"heavy flavour: {calibration.iterations} loop iterations per module, measured "
        f"{fmt_ms(calibration.measured_ms)} ms each (target {calibration.target_ms:g} ms)  ",
        f"each cell: median (min–max) of {report.runs} fresh processes, ms",
    ]
    if interp.ours_probe_error:
        lines.append(f"  \n**ours not importable**: {interp.ours_probe_error}")
    return lines


def render(report: Report) -> str:
    lines = header_lines(report)
    lines += ["", "## Discovery", "", *main_table(report.cells)]
    lines += ["", "## Floors and process wall time", "", *detail_table(report.cells)]
    lines += ["", "## Library import alone", "", *import_table(report.imports)]
    notes = [f"- {cell.size} {cell.flavour}: {note}" for cell in report.cells for note in dict.fromkeys(cell.notes)]
    if notes:
        lines += ["", "## Notes", "", *notes]
    return "\n".join(lines) + "\n"


def to_json(report: Report) -> dict[str, Any]:
    interp = report.interp
    return {
        "command": [sys.executable, *report.argv],
        "date": _dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "cpu_count": os.cpu_count(),
        "runs": report.runs,
        "ours_python": interp.ours_python,
        "ours_extra_path": interp.ours_extra_path,
        "ours_probe_error": interp.ours_probe_error,
        "anchor_python": interp.anchor_python,
        "anchor_version": interp.anchor_version,
        "calibration": report.calibration.__dict__,
        "imports": {lib: s.as_json() for lib, s in report.imports.items()},
        "cells": [
            {
                "size": c.size,
                "flavour": c.flavour,
                "notes": list(dict.fromkeys(c.notes)),
                "cache_files": c.cache_files,
                "series": {name: s.as_json() for name, s in c.series.items()},
            }
            for c in report.cells
        ],
    }


# --------------------------------------------------------------------------
# Driver


def _log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per scenario (default 5)")
    parser.add_argument("--sizes", default="10,100,1000", help="plugin counts (default 10,100,1000)")
    parser.add_argument("--flavours", default="light,heavy", help="light and/or heavy (default both)")
    parser.add_argument(
        "--ours-python",
        default=sys.executable,
        help="interpreter that imports registry_core (default: this one)",
    )
    parser.add_argument(
        "--anchor-python",
        default=None,
        help=f"interpreter with {ANCHOR_REQUIREMENT} (default: create {ANCHOR_VENV})",
    )
    parser.add_argument("--json", dest="json_out", type=Path, default=None, help="also write raw numbers here")
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s]
    args.flavours = [f for f in args.flavours.split(",") if f]
    unknown = set(args.flavours) - set(_synth.FLAVOURS)
    if unknown:
        parser.error(f"unknown flavour(s): {', '.join(sorted(unknown))}")
    if args.runs < 1:
        parser.error("--runs must be >= 1")
    return args


def resolve_interpreters(args: argparse.Namespace) -> Interpreters:
    anchor_python = args.anchor_python or ensure_anchor_venv()
    version = anchor_version(anchor_python)
    if version is None:
        raise SystemExit(f"{anchor_python} cannot import {ANCHOR_MODULE}")
    extra, probe_error = resolve_ours(args.ours_python)
    if probe_error:
        _log(f"ours: {OURS_MODULE} not importable ({probe_error}); its columns will say why")
    return Interpreters(args.ours_python, extra, probe_error, anchor_python, version)


def measure(args: argparse.Namespace, interp: Interpreters, started: float) -> Report:
    _log("calibrating heavy flavour ...")
    calibration = _synth.calibrate()
    _log(f"  {calibration.iterations} iterations ≈ {calibration.measured_ms:.3f} ms")
    cells: list[Cell] = []
    with tempfile.TemporaryDirectory(prefix="rc-discovery-bench-") as tmp_name:
        tmp = Path(tmp_name)
        _log("import-only ...")
        imports = measure_imports(tmp, interp, args.runs)
        combos = [(size, flavour) for size in args.sizes for flavour in args.flavours]
        for index, (size, flavour) in enumerate(combos, 1):
            _log(f"[{index}/{len(combos)}] size={size} flavour={flavour}: generating ...")
            ws = prepare_cell(tmp, size, flavour, interp, calibration.iterations)
            cell = Cell(size, flavour)
            run_cell(ws, cell, interp, args.runs)
            cells.append(cell)
            _log(f"  elapsed {time.perf_counter() - started:.0f} s")
    return Report(sys.argv, interp, calibration, args.runs, cells, imports)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    started = time.perf_counter()
    interp = resolve_interpreters(args)
    report = measure(args, interp, started)
    print(render(report))
    if args.json_out is not None:
        args.json_out.write_text(json.dumps(to_json(report), indent=2))
        _log(f"raw numbers written to {args.json_out}")
    _log(f"total {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
