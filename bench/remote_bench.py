"""How long ``registry-inspector snapshot --remote`` takes, on loopback and with added latency.

Starts a throw-away sshd on 127.0.0.1 (``tests/ssh_server.py``) and the two small environments of the remote
tests (``tests/remote_stack.py``), then times, in fresh processes (wall clock, median of ``--runs``):

- ``ssh worker true`` (the floor: connecting and authenticating) and the same snapshot run locally;
- ``snapshot --remote worker`` straight to sshd, and through ``bench/delay_relay.py`` as ssh's
  ``ProxyCommand`` with 0 ms (the relay's own cost) and ``--delay-ms`` added each way, the latter also with
  ssh's connection sharing (``ControlMaster``/``ControlPersist``, as a user's ssh config may set);
- each first with the worker's cache of our sources emptied (registry_core sent over the connection),
  then warm (already there).

    .venv/bin/python bench/remote_bench.py [--runs 5] [--delay-ms 100] [--markdown bench/latest_remote.md]
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from remote_stack import TARGET, home_env, remote_stack, worker_setenv  # noqa: E402
from ssh_server import start_sshd  # noqa: E402


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)
    took = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"failed: {shlex.join(command)}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}")
    return took


def series(label: str, command: list[str], env: dict[str, str], runs: int, clear: Path | None = None) -> dict:
    """``runs`` timings of ``command``; with ``clear``, a cold run first (that folder emptied)."""
    cold = None
    if clear is not None:
        shutil.rmtree(clear, ignore_errors=True)
        cold = timed(command, env)
    times = [timed(command, env) for _ in range(runs)]
    row = {"label": label, "median": statistics.median(times), "min": min(times), "max": max(times), "cold": cold}
    print(f"{label}: median {row['median']:.3f} s ({row['min']:.3f}-{row['max']:.3f})"
          + (f", first with the core sent {cold:.3f} s" if cold is not None else ""), file=sys.stderr)  # fmt: skip
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--delay-ms", type=float, default=100.0)
    parser.add_argument("--markdown", metavar="FILE", help="also write the table to FILE")
    args = parser.parse_args()
    homes = remote_stack()
    worker_home = homes["worker"]
    folder = Path(tempfile.mkdtemp(prefix="remote-bench-"))
    relay = f"{sys.executable} {ROOT / 'bench' / 'delay_relay.py'}"
    setenv = worker_setenv(homes)
    direct = start_sshd(folder, setenv=setenv)
    shared: list[str] = []
    control: list[str] = []
    try:
        configs = {"loopback": direct.env_value}
        for delay in (0.0, args.delay_ms):
            proxy = f"{relay} --delay-ms {delay:g} 127.0.0.1 {direct.port}"
            configs[f"loopback + relay, +{delay:g} ms each way"] = direct.through(proxy, f"delay{delay:g}")
        # The same delay with ssh's connection sharing (a user's ControlMaster/ControlPersist): the handshake
        # is paid by the first run only; the master is ended below.
        shared = shlex.split(configs[f"loopback + relay, +{args.delay_ms:g} ms each way"])
        control = ["-o", "ControlMaster=auto", "-o", f"ControlPath={folder}/cm-%C", "-o", "ControlPersist=120"]
        configs[f"loopback + relay, +{args.delay_ms:g} ms each way, ssh connection shared"] = shlex.join(
            shared + control
        )
        output = folder / "snapshot.json"
        local_env = home_env(homes["local"])
        rows = [
            series(
                "local: snapshot --python ~/venv (no ssh)",
                [
                    sys.executable,
                    "-m",
                    "app",
                    "snapshot",
                    "--target",
                    TARGET,
                    "--python",
                    "~/venv",
                    "-o",
                    str(output),
                    "--force",
                ],
                local_env,
                args.runs,
            ),  # fmt: skip
        ]
        cached = worker_home / ".cache" / "registry-inspector" / "remote"
        for label, ssh in configs.items():
            env = home_env(homes["local"], REGISTRY_INSPECTOR_SSH_COMMAND=ssh)
            rows.append(
                series(
                    f"{label}: ssh worker true",
                    [*shlex.split(ssh), "-o", "BatchMode=yes", "worker", "true"],
                    env,
                    args.runs,
                )
            )
            command = [sys.executable, "-m", "app", "snapshot", "--target", TARGET, "--remote", "worker",
                       "--remote-python", "~/venv", "-o", str(output), "--force"]  # fmt: skip
            rows.append(series(f"{label}: snapshot --remote worker", command, env, args.runs, clear=cached))
    finally:
        if shared:
            subprocess.run([*shared, *control, "-O", "exit", "worker"], capture_output=True, timeout=30)
        direct.stop()
        shutil.rmtree(folder, ignore_errors=True)
    lines = [
        "## Remote snapshot timings",
        "",
        f"- command: `.venv/bin/python bench/remote_bench.py --runs {args.runs} --delay-ms {args.delay_ms:g}`",
        f"- date: {datetime.datetime.now(datetime.timezone.utc).isoformat(timespec='seconds')}",
        f"- machine: {os.cpu_count()} CPUs, {platform.platform()}, Python {platform.python_version()}, "
        f"{subprocess.run(['ssh', '-V'], capture_output=True, text=True).stderr.strip()}",
        f"- wall clock of a fresh `registry-inspector` process, median (min-max) of {args.runs}; "
        "'core sent' = the first run with the worker's cache of our sources emptied",
        "",
        "| what | median | min-max | first run, core sent |",
        "|---|---|---|---|",
    ]
    for row in rows:
        cold = f"{row['cold']:.2f} s" if row["cold"] is not None else "-"
        lines.append(f"| {row['label']} | {row['median']:.2f} s | {row['min']:.2f}-{row['max']:.2f} s | {cold} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.markdown:
        Path(args.markdown).write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
