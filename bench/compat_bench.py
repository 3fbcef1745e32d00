"""metaclass-registry 0.4.1 as installed vs the same programs on registry_core.compat, in fresh processes.

    .venv/bin/python bench/compat_bench.py [--runs 7] [--out bench/latest_compat.md]

Targets: polystore 0.6.3's ``BackendBase`` (9 backends; the real stack venv of tests/real_stack.py, built on
first use) and a synthetic 1000-plugin package declared the way metaclass-registry's users declare one
(bench/_synth.py's "anchor" package). Per target and library: cold runs (every cache removed first) and warm
runs (after a cold run wrote them), each a fresh interpreter; medians of --runs after one warm-up of each kind.
Timed: the ``list(Root.__registry__.keys())`` call alone (wall and CPU time: on a machine busy with other work
the CPU time is the steadier of the two), and the whole statement (the import of the root's module plus that
call). Also counted: the modules the keys() call imported.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT / "tests"))

import _synth  # noqa: E402

CHILD = BENCH / "_compat_child.py"
MODES = ("real", "compat")


def run_child(python: str, mode: str, target: dict, xdg: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "XDG_", "REGISTRY_CORE"))}
    env["XDG_CACHE_HOME"] = str(xdg)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), *target["path"]])
    env["PYTHONDONTWRITEBYTECODE"] = "1"  # the .pyc files are written once, up front
    proc = subprocess.run(
        [python, str(CHILD), mode, target["module"], target["attr"], str(target["keys"])],
        env=env,
        cwd=tempfile.gettempdir(),
        capture_output=True,
        text=True,
        timeout=600,
    )
    if proc.returncode != 0:
        raise SystemExit(f"{mode} run on {target['name']} failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def measure(python: str, target: dict, runs: int, work: Path) -> dict:
    """Cold then warm, for each library in turn within every round: a load that comes and goes on a shared
    machine then weighs on both sides of each ratio alike."""
    results: dict = {mode: {"cold": [], "warm": []} for mode in MODES}
    for index in range(runs + 1):  # the first round is the warm-up
        for mode in MODES:
            xdg = work / f"xdg-{mode}-{target['name']}"
            shutil.rmtree(xdg, ignore_errors=True)
            cold = run_child(python, mode, target, xdg)
            warm = run_child(python, mode, target, xdg)
            if index:
                results[mode]["cold"].append(cold)
                results[mode]["warm"].append(warm)
    for mode in MODES:
        cold, warm = results[mode]["cold"], results[mode]["warm"]
        print(f"  {target['name']} {mode}: cold {med(cold, 'keys_ms'):.1f} ms, warm {med(warm, 'keys_ms'):.2f} ms")
    return results


def med(rows: list[dict], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def span(rows: list[dict], key: str) -> str:
    values = [r[key] for r in rows]
    return f"{statistics.median(values):.2f} ({min(values):.2f}–{max(values):.2f})"


def table(name: str, results: dict) -> list[str]:
    real, compat = results["real"], results["compat"]
    lines = [
        f"### {name}",
        "",
        "| | metaclass-registry 0.4.1 | registry_core.compat | ratio (real / compat) |",
        "|---|---:|---:|---:|",
    ]
    for kind in ("warm", "cold"):
        for key, label in (
            ("keys_ms", "`keys()` call"),
            ("keys_cpu_ms", "`keys()` call, CPU time"),
            ("statement_ms", "whole statement"),
        ):
            r, c = med(real[kind], key), med(compat[kind], key)
            lines.append(
                f"| {kind}: {label}, ms median (min–max) | {span(real[kind], key)} | {span(compat[kind], key)} "
                f"| {r / c:.1f}× |"
            )
        lines.append(
            f"| {kind}: modules the `keys()` call imported (median) | "
            f"{med(real[kind], 'modules_imported_by_keys'):.0f} | {med(compat[kind], 'modules_imported_by_keys'):.0f} |"
            " |"
        )
    lines.append(f"| `install()` itself, ms (compat only) | | {span(compat['warm'], 'install_ms')} | |")
    warm_ratio = med(real["warm"], "keys_ms") / med(compat["warm"], "keys_ms")
    cold_ratio = med(compat["cold"], "keys_ms") / med(real["cold"], "keys_ms")
    cold_cpu_ratio = med(compat["cold"], "keys_cpu_ms") / med(real["cold"], "keys_cpu_ms")
    plugin_imports = max(r["plugin_modules_imported_by_keys"] for r in compat["warm"])
    # The targets are for polystore; on the synthetic package the library's whole warm call is less than
    # 50 times what validating 1000 files costs any cache, so the ratio is reported against no target there.
    target = " (target ≥ 50×)" if "polystore" in name else ""
    lines += [
        "",
        f"Warm `keys()`: **{warm_ratio:.0f}× faster** on registry_core.compat{target}, "
        f"{plugin_imports} plugin modules imported by it (target 0). Cold `keys()`: compat / real = "
        f"**{cold_ratio:.2f}×** wall, **{cold_cpu_ratio:.2f}×** CPU time (target ≤ 1.05×).",
        "",
    ]
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--python", help="an interpreter with metaclass-registry 0.4.1, polystore 0.6.3 and pandas")
    parser.add_argument("--out", type=Path, help="write the Markdown table here too")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs must be at least 5 (medians of ≥ 5)")
    python = args.python
    if python is None:
        from real_stack import real_stack_python

        python = real_stack_python()
    work = Path(tempfile.mkdtemp(prefix="compat-bench-"))
    try:
        synth_root = work / "synth"
        _synth.generate(synth_root, "anchor", "light", 1000, 0)
        _synth.precompile(python, synth_root)
        subprocess.run([python, "-m", "compileall", "-q", str(ROOT / "registry_core")], check=False)
        pkg = _synth.package_name("light", 1000)
        targets = [
            {"name": "polystore 0.6.3", "module": "polystore.base", "attr": "BackendBase", "keys": 9, "path": []},
            {
                "name": "synthetic, 1000 plugins",
                "module": f"{pkg}.base",
                "attr": "Plugin",
                "keys": 1000,
                "path": [str(synth_root)],
            },
        ]
        version = subprocess.run(
            [python, "-c", "import sys, metaclass_registry as m; print(m.__version__, sys.version.split()[0])"],
            capture_output=True,
            text=True,
        ).stdout.split()
        lines = [
            "## metaclass-registry as installed vs on registry_core.compat",
            "",
            f"`.venv/bin/python bench/compat_bench.py --runs {args.runs}`: metaclass-registry {version[0]}, "
            f"Python {version[1]}, {os.cpu_count()} CPUs; fresh process per run, medians of {args.runs} after "
            "one warm-up; cold = every cache file removed first.",
            "",
        ]
        for target in targets:
            print(f"measuring {target['name']} ...", flush=True)
            lines += table(target["name"], measure(python, target, args.runs, work))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    text = "\n".join(lines)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
