#!/usr/bin/env python3
"""Inspector window benchmark: start-up, a 10 000-plugin tree, filter keystrokes, GUI stalls during tasks.

    .venv/bin/python bench/app_bench.py                 # everything, markdown table on stdout
    .venv/bin/python bench/app_bench.py --json out.json --profile-dir /tmp/prof

Measurements (targets from the project brief):

- start-up: ``python -m app gui --smoke-test`` in fresh processes (offscreen), median of ``--runs``
  after one unmeasured warm-up run (writes the caches, warms the page cache). Two numbers: the
  smoke test's own ``seconds`` (``gui.main()`` entry to the first ``loaded``) and the wall time
  from spawning the process to its ``loaded`` line on stdout (interpreter start included).
- tree: a synthetic registry document of ``--plugins`` plugins (built in memory, shaped like
  ``inventory()["registries"]``; the plugin files exist in a temp folder, as the window watches
  them) shown by the window's own ``_show_documents`` in an offscreen ``MainWindow`` (model reset,
  proxy, expanded view, column widths, filter count, file watcher), until the view has painted.
- filter keystroke: at that size, one ``FilterBar.apply()`` (proxy filter + "shown x of y" count)
  plus the view's relayout and paint; each keystroke of typing and erasing a word.
- stalls: the longest gap between ticks of a 10 ms GUI-thread ``QTimer`` while Rebuild, and
  Profile (runs=2), run on the embedded demo.

Everything runs with private cache, state, config and data folders (temp), never the user's.
``--profile-dir`` saves a cProfile of the tree and filter steps (``.pstats``) to study a miss.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as _dt
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent

TARGET_START_S = 1.5
TARGET_TREE_S = 1.0
TARGET_KEYSTROKE_MS = 100.0
TARGET_STALL_MS = 100.0


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


PLATFORM = "offscreen"  # --platform


def isolated_env(root: Path) -> dict[str, str]:
    env = dict(os.environ)
    for name in (
        "REGISTRY_CORE_CACHE_DIR",
        "XDG_CACHE_HOME",
        "XDG_STATE_HOME",
        "XDG_CONFIG_HOME",
        "REGISTRY_INSPECTOR_DATA_DIR",
    ):
        path = root / name.lower()
        path.mkdir(parents=True, exist_ok=True)
        env[name] = str(path)
    env["QT_QPA_PLATFORM"] = PLATFORM
    env["PYTHONPATH"] = str(REPO_ROOT)
    env.pop("PYTHONSTARTUP", None)
    env.pop("PYTHONPROFILEIMPORTTIME", None)
    return env


# -- 1. start-up, in fresh processes -----------------------------------------------------------------


def one_start(env: dict[str, str]) -> dict[str, Any]:
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app", "gui", "--smoke-test"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=REPO_ROOT,
    )
    line = proc.stdout.readline()  # printed on ``loaded``
    to_loaded = time.perf_counter() - started
    rest, err = proc.communicate(timeout=120)
    total = time.perf_counter() - started
    if proc.returncode != 0 or not line.strip():
        raise RuntimeError(f"smoke test failed (exit {proc.returncode}):\n{line}{rest}\n{err}")
    summary = json.loads(line)
    if not summary.get("ok") or summary.get("registries") != 5 or summary.get("plugins") != 22:
        raise RuntimeError(f"unexpected smoke summary: {summary}")
    return {"smoke_seconds": summary["seconds"], "wall_to_loaded_s": to_loaded, "wall_exit_s": total}


def bench_startup(runs: int, root: Path) -> dict[str, Any]:
    env = isolated_env(root / "startup")
    _say("start-up: warm-up run")
    one_start(env)
    samples = []
    for index in range(runs):
        samples.append(one_start(env))
        _say(f"start-up {index + 1}/{runs}: {samples[-1]['wall_to_loaded_s']:.3f} s to loaded")
    return {
        "runs": samples,
        "smoke_seconds_median": statistics.median(s["smoke_seconds"] for s in samples),
        "wall_to_loaded_median": statistics.median(s["wall_to_loaded_s"] for s in samples),
        "wall_exit_median": statistics.median(s["wall_exit_s"] for s in samples),
    }


# -- 2-4. in one offscreen GUI process ----------------------------------------------------------------


def synthetic_registry(name: str, plugins: int, folder: Path, failures: int = 3, skipped: int = 5) -> dict:
    """An ``inventory()`` registry document with ``plugins`` plugins whose files exist under ``folder``."""
    package = folder / name
    package.mkdir(parents=True, exist_ok=True)
    files = []
    for i in range(plugins):
        path = package / f"p{i:05d}.py"
        path.write_text(f"# plugin {i}\n")
        files.append(str(path))
    return {
        "name": name,
        "base": f"pkg.{name}.Base",
        "package": f"pkg.{name}",
        "entry_point_group": f"pkg.{name}",
        "key_attribute": "_key",
        "state": "discovered",
        "source": "cache",
        "discovery_s": 0.01,
        "healed": None,
        "modules_scanned": plugins,
        "cache_at_start": {"state": "valid", "reason": ""},
        "plugins": [
            {
                "key": f"k{i:05d}",
                "class": f"Plugin{i}",
                "module": f"pkg.{name}.p{i:05d}",
                "file": files[i],
                "loaded": i % 2 == 0,
                "doc": f"plugin {i}",
                "outside_package": False,
                "secondary": {"_meta": f"pkg.{name}.p{i:05d}.Meta{i}"} if i % 100 == 0 else {},
            }
            for i in range(plugins)
        ],
        "secondary": [{"attr_name": "_meta", "key_source": "primary", "name": "META", "entries": {}}],
        "failures": [
            {
                "module": f"pkg.{name}.bad{i}",
                "reason": "import failed",
                "error": "ImportError: nope",
                "error_type": "ImportError",
                "traceback": "Traceback...",
                "file": None,
                "source": "package",
                "entry_point": None,
                "distribution": None,
            }
            for i in range(failures)
        ],
        "skipped": [
            {
                "class": f"Skipped{i}",
                "module": f"pkg.{name}.s{i}",
                "status": "duplicate" if i else "no_key",
                "reason": "no key",
                "file": None,
                "key": None,
                "holder": None,
            }
            for i in range(skipped)
        ],
        "excluded": [],
    }


def _settle(app: Any, view: Any) -> None:
    """Run the posted layout work and paint the view now, as the next frame would."""
    app.processEvents()
    view.viewport().repaint()
    app.processEvents()


def longest_gap(done: Any, timeout_s: float = 60.0) -> float:
    """Spin the event loop until ``done()``; the longest gap (ms) between ticks of a 10 ms timer."""
    from PyQt6.QtCore import QElapsedTimer, QEventLoop, Qt, QTimer

    loop, clock, tick, gaps = QEventLoop(), QElapsedTimer(), QTimer(), [0.0]
    deadline = time.perf_counter() + timeout_s

    def on_tick() -> None:
        gaps.append(clock.restart() * 1.0)
        if done() or time.perf_counter() > deadline:
            loop.quit()

    tick.setTimerType(Qt.TimerType.PreciseTimer)
    tick.setInterval(10)
    tick.timeout.connect(on_tick)
    clock.start()
    tick.start()
    loop.exec()
    tick.stop()
    if not done():
        raise RuntimeError(f"not done within {timeout_s:.0f} s")
    return max(gaps)


def bench_gui(plugins: int, root: Path, profile_dir: Path | None, profile_runs: int, repeat: int) -> dict[str, Any]:
    os.environ.update(
        {k: v for k, v in isolated_env(root / "gui").items() if k.startswith(("REGISTRY_", "XDG_", "QT_QPA"))}
    )
    sys.path.insert(0, str(REPO_ROOT))
    from PyQt6.QtCore import QElapsedTimer, QEventLoop, QSettings, Qt, QTimer
    from PyQt6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setStyle("Fusion")
    from app.main_window import MainWindow
    from app.session import Session

    results: dict[str, Any] = {}
    settings_path = str(root / "gui" / "inspector.ini")

    # -- the 10 000-plugin tree --------------------------------------------------------------------------
    _say(f"tree: writing {plugins} plugin files")
    doc = {"registries": [synthetic_registry("synthetic", plugins, root / "synthetic")]}
    leaves = plugins + 3 + 5
    window = MainWindow(Session([]), dark=False, settings=QSettings(settings_path, QSettings.Format.IniFormat))
    window.resize(1280, 800)
    window.show()
    app.processEvents()
    # One-time costs the demo's first load pays anyway (pyqtgraph, chart and enum panels): not this number.
    window.session.inventory = {"registries": []}
    window._show_documents({"inventory": {"registries": []}, "caches": None})
    window.side_tabs.build_now()  # (built a step per tick otherwise, into the numbers below)
    while window.charts.is_drawing():
        app.processEvents()
    _settle(app, window.tree)

    def show_tree() -> None:
        window.session.inventory = doc
        window._show_documents({"inventory": doc, "caches": None})
        _settle(app, window.tree)

    profiler = cProfile.Profile() if profile_dir else None
    started = time.perf_counter()
    if profiler:
        profiler.enable()
    show_tree()
    if profiler:
        profiler.disable()
        profiler.dump_stats(str(profile_dir / "tree.pstats"))
    results["tree_s"] = time.perf_counter() - started
    assert window.filter_bar.total == leaves, window.filter_bar.total
    # Showing it again (Rebuild on a big target replaces the same tree).
    started = time.perf_counter()
    show_tree()
    results["tree_again_s"] = time.perf_counter() - started
    # File watches are added in batches between events after the tree shows: how long, and the longest
    # wait a timer (or a keystroke) sees meanwhile.
    window._watcher.removePaths(window._watcher.files() + window._watcher.directories())
    started = time.perf_counter()
    window._watcher.watch(doc)
    results["watch_stall_ms"] = longest_gap(lambda: not window._watcher.unwatched)
    results["watch_drain_s"] = time.perf_counter() - started
    # The bare model + proxy, for reference.
    from app.widgets.filter_bar import count_leaves

    started = time.perf_counter()
    window.tree_model.set_registries(doc["registries"])
    count_leaves(window.tree_proxy)
    results["model_only_s"] = time.perf_counter() - started
    window._show_documents({"inventory": doc, "caches": None})
    _settle(app, window.tree)
    _say(f"tree: {results['tree_s'] * 1000:.0f} ms (again {results['tree_again_s'] * 1000:.0f} ms)")

    # -- filter keystrokes at that size ------------------------------------------------------------------
    bar = window.filter_bar
    word = "k0999"
    keystrokes = [word[:n] for n in range(1, len(word) + 1)] + [word[:n] for n in range(len(word) - 1, -1, -1)]
    per_key: dict[int, list[tuple[float, float]]] = {i: [] for i in range(len(keystrokes))}
    profiler = cProfile.Profile() if profile_dir else None
    for _pass in range(repeat):
        for i, text in enumerate(keystrokes):
            bar.edit.blockSignals(True)  # no debounce timer: time apply() itself, as the timer would call it
            bar.edit.setText(text)
            bar.edit.blockSignals(False)
            if profiler:
                profiler.enable()
            started = time.perf_counter()
            bar.apply()  # proxy filter + "shown x of y" count
            applied = time.perf_counter()
            _settle(app, window.tree)  # the view's relayout and paint
            done = time.perf_counter()
            if profiler:
                profiler.disable()
            per_key[i].append(((applied - started) * 1000, (done - started) * 1000))
    if profiler:
        profiler.dump_stats(str(profile_dir / "filter.pstats"))
    rows = []
    for i, text in enumerate(keystrokes):
        rows.append(
            {
                "text": text,
                "apply_ms": statistics.median(a for a, _t in per_key[i]),
                "total_ms": statistics.median(t for _a, t in per_key[i]),
            }
        )
    results["keystrokes"] = rows
    results["keystroke_apply_max_ms"] = max(r["apply_ms"] for r in rows)
    results["keystroke_apply_median_ms"] = statistics.median(r["apply_ms"] for r in rows)
    results["keystroke_total_max_ms"] = max(r["total_ms"] for r in rows)
    results["keystroke_total_median_ms"] = statistics.median(r["total_ms"] for r in rows)
    _say(
        "filter (apply / with view): "
        + ", ".join(f"{r['text'] or '<empty>'} {r['apply_ms']:.0f}/{r['total_ms']:.0f}" for r in rows)
    )
    window.close()
    window.deleteLater()
    app.processEvents()
    doc = window = None  # (not del: the show_tree closure above still names them)
    import gc

    gc.collect()  # the 10 000-plugin documents must not make the demo's numbers (a full GC of them: ~0.1 s)

    # -- stalls during Rebuild and Profile on the demo ---------------------------------------------------------
    demo = MainWindow(Session(None), dark=False, settings=QSettings(settings_path, QSettings.Format.IniFormat))
    demo.resize(1280, 800)
    demo.show()

    def run(signal: Any, start: Any, timeout_ms: int = 120_000, name: str | None = None) -> dict[str, float]:
        """Run ``start()`` and spin until ``signal`` (for ``name``), timing the GUI thread's ticks."""
        loop = QEventLoop()
        gaps: list[float] = []
        clock = QElapsedTimer()
        tick = QTimer()
        tick.setTimerType(Qt.TimerType.PreciseTimer)
        tick.setInterval(10)

        def on_tick() -> None:
            gaps.append(clock.nsecsElapsed() / 1e6)
            clock.restart()

        def done(*args: Any) -> None:
            if name is None or (args and args[0] == name):
                loop.quit()

        tick.timeout.connect(on_tick)
        signal.connect(done)
        watchdog = QTimer()
        watchdog.setSingleShot(True)
        watchdog.timeout.connect(loop.quit)
        watchdog.start(timeout_ms)
        clock.start()
        tick.start()
        started = time.perf_counter()
        start()
        loop.exec()
        seconds = time.perf_counter() - started
        gaps.append(clock.nsecsElapsed() / 1e6)  # the stretch up to the end signal
        tick.stop()
        signal.disconnect(done)
        if not watchdog.isActive():
            raise RuntimeError(f"{name or 'task'} did not finish within {timeout_ms / 1000:.0f} s")
        watchdog.stop()
        return {
            "max_gap_ms": max(gaps),
            "ticks": len(gaps),
            "seconds": seconds,
            "p95_gap_ms": sorted(gaps)[int(len(gaps) * 0.95)] if gaps else 0.0,
        }

    slot_ms: dict[str, list[float]] = {}
    for slot in ("_show_documents", "_show_caches", "_show_profile"):  # where the GUI thread's time goes
        original = getattr(demo, slot)

        def timed(*a: Any, _original: Any = original, _slot: str = slot) -> Any:
            started = time.perf_counter()
            try:
                return _original(*a)
            finally:
                slot_ms.setdefault(_slot, []).append((time.perf_counter() - started) * 1000)

        setattr(demo, slot, timed)

    results["stall_load"] = run(demo.loaded, demo.start_loading)
    if demo.last_error:
        raise RuntimeError(f"demo load failed: {demo.last_error}")
    _say(f"load: max gap {results['stall_load']['max_gap_ms']:.0f} ms")
    for key, label, start, count in (
        ("stall_rebuild", "Rebuild", lambda: demo.rebuild(None), repeat),
        ("stall_profile", "Profile", lambda: demo.profile(runs=profile_runs), max(1, repeat - 1)),
    ):
        slot_ms.clear()
        runs = [run(demo.task_done, start, name=label) for _ in range(count)]
        results[key] = {
            "runs": runs,
            "max_gap_ms": max(r["max_gap_ms"] for r in runs),
            "median_max_gap_ms": statistics.median(r["max_gap_ms"] for r in runs),
            "p95_gap_ms": max(r["p95_gap_ms"] for r in runs),
            "seconds": statistics.median(r["seconds"] for r in runs),
            "slots_ms": {k: round(max(v), 1) for k, v in slot_ms.items()},
        }
        gaps = ", ".join(f"{r['max_gap_ms']:.0f}" for r in runs)
        _say(f"{label}: max gaps {gaps} ms; slowest GUI slots {results[key]['slots_ms']}")
        if demo.last_error:
            raise RuntimeError(f"a demo task failed: {demo.last_error}")
    demo.close()
    app.processEvents()
    from PyQt6.QtCore import QThreadPool

    QThreadPool.globalInstance().waitForDone(30_000)
    return results


# -- report --------------------------------------------------------------------------------------------


def _row(metric: str, value: float, unit: str, target: float, note: str = "") -> str:
    ok = "yes" if value <= target else "**NO**"
    shown = f"{value * 1000:.0f} ms" if unit == "s" else f"{value:.0f} ms"
    goal = f"≤ {target * 1000:.0f} ms" if unit == "s" else f"≤ {target:.0f} ms"
    return f"| {metric} | {shown} | {goal} | {ok} | {note} |"


def render(start: dict[str, Any], gui: dict[str, Any], args: argparse.Namespace, command: str) -> str:
    try:
        from PyQt6.QtCore import PYQT_VERSION_STR, QT_VERSION_STR
    except ImportError:  # pragma: no cover
        PYQT_VERSION_STR = QT_VERSION_STR = "?"
    lines = [
        "## Registry Inspector window benchmark",
        "",
        f"- command: `{command}`",
        f"- date: {_dt.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"- machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
        f"Qt {QT_VERSION_STR} / PyQt {PYQT_VERSION_STR}, QT_QPA_PLATFORM={PLATFORM}",
        "",
        "| measurement | measured | target | met | notes |",
        "|---|---|---|---|---|",
    ]
    if start:
        runs = ", ".join(f"{r['wall_to_loaded_s'] * 1000:.0f}" for r in start["runs"])
        lines.append(
            _row(
                f"start → window loaded, wall (median of {args.runs} fresh processes)",
                start["wall_to_loaded_median"],
                "s",
                TARGET_START_S,
                f"runs: {runs} ms",
            )
        )
        lines.append(
            _row(
                "start → loaded, `--smoke-test` `seconds` (median)",
                start["smoke_seconds_median"],
                "s",
                TARGET_START_S,
                "from `gui.main()`; excludes interpreter start",
            )
        )
    if gui:
        lines.append(
            _row(
                f"{args.plugins:,} plugins: tree shown (model, proxy, view, widths, count, watcher)",
                gui["tree_s"],
                "s",
                TARGET_TREE_S,
                f"again: {gui['tree_again_s'] * 1000:.0f} ms; model+proxy alone: {gui['model_only_s'] * 1000:.0f} ms",
            )
        )
        lines.append(
            _row(
                f"… then {args.plugins:,} file watches added in batches: longest GUI stall meanwhile",
                gui["watch_stall_ms"],
                "ms",
                TARGET_STALL_MS,
                f"all added after {gui['watch_drain_s'] * 1000:.0f} ms; 10 ms timer",
            )
        )
        lines.append(
            _row(
                f"filter keystroke at {args.plugins:,} rows: proxy filter + count (worst keystroke)",
                gui["keystroke_apply_max_ms"],
                "ms",
                TARGET_KEYSTROKE_MS,
                f"median {gui['keystroke_apply_median_ms']:.0f} ms; {len(gui['keystrokes'])} keystrokes, "
                f"median of {args.repeat} passes each",
            )
        )
        lines.append(
            _row(
                "… the same keystroke including the expanded view's relayout and paint",
                gui["keystroke_total_max_ms"],
                "ms",
                TARGET_KEYSTROKE_MS,
                f"median {gui['keystroke_total_median_ms']:.0f} ms",
            )
        )
        for key, label in (("stall_rebuild", "Rebuild"), ("stall_profile", f"Profile (runs={args.profile_runs})")):
            stall = gui[key]
            slots = ", ".join(f"{k} {v:.0f} ms" for k, v in stall["slots_ms"].items())
            lines.append(
                _row(
                    f"longest GUI stall during {label}, demo (worst of {len(stall['runs'])})",
                    stall["max_gap_ms"],
                    "ms",
                    TARGET_STALL_MS,
                    f"median {stall['median_max_gap_ms']:.0f} ms; 10 ms timer; task "
                    f"{stall['seconds']:.2f} s; slowest GUI slots: {slots}",
                )
            )
        stall = gui["stall_load"]
        lines.append(
            f"| (info) longest GUI stall during first load, demo | {stall['max_gap_ms']:.0f} ms | – | – "
            f"| task {stall['seconds']:.2f} s |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="fresh processes for start-up (default 5)")
    parser.add_argument("--plugins", type=int, default=10_000, help="synthetic plugins (default 10000)")
    parser.add_argument("--profile-runs", type=int, default=2, help="Profile runs while measuring stalls")
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        help="passes over the keystrokes, and Rebuilds (Profiles: one fewer) for the stalls",
    )
    parser.add_argument(
        "--platform",
        default="offscreen",
        choices=("offscreen", "xcb"),
        help="Qt platform; xcb needs an X server: xvfb-run -a ... --platform xcb",
    )
    parser.add_argument("--skip-startup", action="store_true")
    parser.add_argument("--skip-gui", action="store_true")
    parser.add_argument("--json", metavar="OUT", help="also write every raw number as JSON")
    parser.add_argument("--profile-dir", metavar="DIR", help="save cProfile stats of the tree and filter steps")
    args = parser.parse_args(argv)
    global PLATFORM
    PLATFORM = args.platform
    if PLATFORM == "xcb" and not os.environ.get("DISPLAY"):
        parser.error("--platform xcb needs an X server (DISPLAY is not set): run it under xvfb-run -a")
    command = " ".join(
        shlex.quote(a)
        for a in [
            os.path.relpath(sys.executable, os.getcwd()) if sys.executable.startswith(os.getcwd()) else sys.executable,
            os.path.relpath(__file__, os.getcwd()),
            *(argv or sys.argv[1:]),
        ]
    )
    profile_dir = Path(args.profile_dir) if args.profile_dir else None
    if profile_dir:
        profile_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="app-bench-") as tmp:
        root = Path(tmp)
        start = {} if args.skip_startup else bench_startup(args.runs, root)
        gui = {} if args.skip_gui else bench_gui(args.plugins, root, profile_dir, args.profile_runs, args.repeat)
    print(render(start, gui, args, command))
    if args.json:
        Path(args.json).write_text(json.dumps({"startup": start, "gui": gui}, indent=2, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
