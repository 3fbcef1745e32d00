"""Smoke test of the frozen app (packaging/build.sh): the GUI and the CLI twin run, find the demo, no traceback.

    .venv/bin/python packaging/smoke_frozen.py [dist/frozen/registry-inspector] [--runs 3] [--xvfb]

- the GUI ``registry-inspector --smoke-test`` (offscreen) ``--runs`` times: ok, 5 registries; the wall
  time of each run (the first with empty caches) and their median are printed: the start-up figure;
- the CLI twin ``registry-inspector-cli list --json``: the 5 demo registries, the entry-point plugin of
  the demo's dist-info, every plugin file inside the frozen folder;
- ``registry-inspector-cli status --json``: every cache valid after those runs;
- ``registry-inspector-cli profile --runs 1 --json``: the frozen executable runs profile's children, and the
  slowest-imports table has the demo's plugin modules in it;
- ``registry-inspector-cli verify --json``: every demo registry agrees with a fresh discovery run by the
  frozen executable;
- ``registry-inspector-cli`` alone prints the help;
- with ``--xvfb``, the GUI smoke test once more on X11 (``QT_QPA_PLATFORM=xcb``) under ``xvfb-run``.

Everything runs from a temporary working directory with temporary caches, data and config folders, and
without PYTHONPATH; any "Traceback" on stderr fails. Exit code 0 when all pass; the last line is a JSON
summary (times, folder size).
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
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = ROOT / "dist" / "frozen" / "registry-inspector"
DEMO_REGISTRIES = ["microscope handler", "storage backend", "zmq server", "library registry", "format registry"]


class SmokeFailure(Exception):
    pass


def folder_size(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file() and not p.is_symlink())


def run(exe: Path, args: list[str], env: dict[str, str], cwd: Path, timeout: float = 180) -> tuple[str, float]:
    started = time.perf_counter()
    try:
        result = subprocess.run(
            [str(exe), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=cwd,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired as exc:
        raise SmokeFailure(f"{exe.name} {' '.join(args)}: no answer after {timeout} s") from exc
    took = time.perf_counter() - started
    label = f"{exe.name} {' '.join(args)}"
    if result.stderr.strip():
        print(f"--- stderr of {label}:\n{result.stderr.rstrip()}", file=sys.stderr)
    if "Traceback" in result.stderr:
        raise SmokeFailure(f"{label}: traceback on stderr")
    if result.returncode != 0:
        raise SmokeFailure(f"{label}: exit code {result.returncode}\n{result.stdout[-2000:]}")
    return result.stdout, took


def last_json(stdout: str, label: str) -> dict:
    try:
        return json.loads(stdout)  # an indented document
    except ValueError:
        pass
    try:
        return json.loads(stdout.strip().splitlines()[-1])  # a summary line after other output
    except (ValueError, IndexError) as exc:
        raise SmokeFailure(f"{label}: no JSON on stdout: {stdout[-500:]!r}") from exc


def check(condition: bool, message: str) -> None:
    if not condition:
        raise SmokeFailure(message)


def smoke(folder: Path, runs: int, xvfb: bool = False) -> dict:
    gui = folder / ("registry-inspector.exe" if os.name == "nt" else "registry-inspector")
    cli = folder / ("registry-inspector-cli.exe" if os.name == "nt" else "registry-inspector-cli")
    for exe in (gui, cli):
        check(exe.is_file() and os.access(exe, os.X_OK), f"{exe} is missing or not executable")
    with tempfile.TemporaryDirectory(prefix="ri-frozen-smoke-") as tmp:
        base = Path(tmp)
        cwd = base / "cwd"
        cwd.mkdir()
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
        env.update(
            QT_QPA_PLATFORM="offscreen",
            HOME=str(base / "home"),
            XDG_CACHE_HOME=str(base / "xdg-cache"),
            XDG_STATE_HOME=str(base / "xdg-state"),
            XDG_DATA_HOME=str(base / "xdg-data"),
            XDG_CONFIG_HOME=str(base / "xdg-config"),
            REGISTRY_CORE_CACHE_DIR=str(base / "cache"),
            REGISTRY_INSPECTOR_DATA_DIR=str(base / "data"),
        )

        times = []
        for _ in range(runs):
            stdout, took = run(gui, ["--smoke-test"], env, cwd)
            summary = last_json(stdout, "--smoke-test")
            check(summary.get("ok") is True, f"--smoke-test: {summary}")
            check(summary.get("registries") == len(DEMO_REGISTRIES), f"--smoke-test: {summary}")
            times.append(took)

        xcb_s = None
        if xvfb:  # the real X11 platform plugin and its libraries, after the spec's pruning
            xvfb_run = shutil.which("xvfb-run")
            check(xvfb_run is not None, "--xvfb: xvfb-run not found")
            started = time.perf_counter()
            stdout, _ = run(Path(xvfb_run), ["-a", "env", "QT_QPA_PLATFORM=xcb", str(gui), "--smoke-test"], env, cwd)
            xcb_s = round(time.perf_counter() - started, 3)
            summary = last_json(stdout, "--smoke-test under xvfb")
            check(summary.get("ok") is True, f"--smoke-test under xvfb: {summary}")

        stdout, list_s = run(cli, ["list", "--json"], env, cwd)
        document = last_json(stdout, "list --json")
        names = [r["name"] for r in document["registries"]]
        check(names == DEMO_REGISTRIES, f"list --json: registries {names}")
        keys = {r["name"]: [p["key"] for p in r["plugins"]] for r in document["registries"]}
        check("acme_cellinsight" in keys["microscope handler"], f"no entry-point plugin: {keys}")
        frozen = folder.resolve()
        outside = [
            p["file"]
            for r in document["registries"]
            for p in r["plugins"]
            if p.get("file") and not Path(p["file"]).resolve().is_relative_to(frozen)
        ]
        check(not outside, f"plugins loaded from outside the frozen folder: {outside}")

        stdout, status_s = run(cli, ["status", "--json"], env, cwd)
        caches = last_json(stdout, "status --json")["caches"]
        check(bool(caches), "status --json: no cache")
        not_valid = {c["name"]: c["state"] for c in caches if c["state"] != "valid"}
        check(not not_valid, f"status --json: caches not valid: {not_valid}")

        stdout, profile_s = run(cli, ["profile", "--runs", "1", "--json", "--no-history"], env, cwd)
        profile = last_json(stdout, "profile --json")
        failed = [
            r["name"]
            for r in profile["registries"]
            if r.get("error") or r.get("timed_out") or not r.get("cold") or not r.get("warm")
        ]
        check(not failed and len(profile["registries"]) == len(DEMO_REGISTRIES), f"profile: {failed}")
        # No -X importtime in a frozen app: registry_core.diagnostics.importtime stands in, so this table is not empty.
        demo_imports = [m["module"] for m in profile.get("top_modules") or [] if m["module"].startswith("openhcs_demo")]
        check(
            bool(demo_imports), f"profile: no import times for the demo's plugin modules: {profile.get('top_modules')}"
        )

        stdout, verify_s = run(cli, ["verify", "--json"], env, cwd)
        verified = last_json(stdout, "verify --json")
        check(verified.get("agree") is True, f"verify: {verified.get('error') or verified.get('registries')}")

        # --python from the frozen app: another interpreter runs the same subcommand with the bundle's sources.
        stdout, _ = run(cli, ["list", "--json", "--python", sys.executable, "--target", "entry-points"], env, cwd)
        groups = last_json(stdout, "list --python --json")["registries"]
        check(
            bool(groups) and all(g["library"]["name"] == "entry_points" for g in groups),
            f"list --python from the frozen app: {groups[:2]}",
        )

        stdout, _ = run(cli, [], env, cwd)
        check("usage:" in stdout, "registry-inspector-cli without arguments printed no help")

    return {
        "ok": True,
        "gui_smoke_s": [round(t, 3) for t in times],
        "gui_smoke_median_s": round(statistics.median(times), 3),
        "gui_smoke_xcb_s": xcb_s,
        "cli_list_s": round(list_s, 3),
        "cli_status_s": round(status_s, 3),
        "cli_profile_s": round(profile_s, 3),
        "cli_verify_s": round(verify_s, 3),
        "folder": str(folder),
        "folder_mib": round(folder_size(folder) / 2**20, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Smoke test of the frozen app.")
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    parser.add_argument("--runs", type=int, default=3, help="GUI --smoke-test runs timed (default 3)")
    parser.add_argument(
        "--xvfb", action="store_true", help="also run the GUI on X11 (QT_QPA_PLATFORM=xcb) under xvfb-run"
    )
    args = parser.parse_args(argv)
    try:
        summary = smoke(args.folder, max(1, args.runs), xvfb=args.xvfb)
    except SmokeFailure as exc:
        print(f"frozen smoke test FAILED: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
