"""``--remote HOST``: subcommands run on a worker through a real sshd on 127.0.0.1 (``ssh_server``).

The worker is this machine seen through ssh, with a home of its own (``remote_stack``): its venv differs
from "this machine"'s in ``rdemo-extra``'s version, and its sshd sets ``RDEMO_SUBPROCESS_NO_GPU=1``. Nothing
is installed for the inspector there: the first command sends registry_core over the connection. Every
way of failing is one line on stderr naming the host, and exit 2, well within the test's timeout.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from remote_stack import EXTRA, NO_GPU, TARGET, home_env, remote_stack, worker_setenv
from ssh_server import sshd_or_skip

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def homes() -> dict[str, Path]:
    return remote_stack()


@pytest.fixture(scope="module")
def sshd(homes, tmp_path_factory):
    server = sshd_or_skip(tmp_path_factory.mktemp("sshd"), worker_setenv(homes))
    yield server
    server.stop()


def inspector(*args: str, env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """``registry-inspector ARGS`` in a fresh process, as a user whose environment is ``env`` (the inspector
    installed, as in .venv: no PYTHONPATH, which ``--python`` would pass on to the inspected environment)."""
    env = {k: v for k, v in env.items() if k != "PYTHONPATH"}
    return subprocess.run(
        [sys.executable, "-m", "app", *args], capture_output=True, text=True, env=env, timeout=timeout, cwd=ROOT
    )


@pytest.fixture()
def local_env(homes, sshd):
    """This machine's user: home ``local``, ssh reaching the test's sshd as ``worker``."""
    return home_env(homes["local"], REGISTRY_INSPECTOR_SSH_COMMAND=sshd.env_value)


def remote(*args: str, env: dict[str, str], python: str = "~/venv", timeout: float = 60) -> subprocess.CompletedProcess:
    return inspector(
        *args, "--target", TARGET, "--remote", "worker", "--remote-python", python, env=env, timeout=timeout
    )


def one_line(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 2, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and result.stdout == "", result
    assert lines[0].startswith("registry-inspector: --remote "), lines[0]
    return lines[0]


def test_list_runs_on_the_worker_and_renders_here(local_env):
    document = json.loads(remote("list", "--json", env=local_env).stdout)
    (registry,) = document["registries"]
    plugins = {p["key"]: p for p in registry["plugins"]}
    assert sorted(plugins) == ["disk", "extra"]
    worker_home = str(remote_stack()["worker"])
    assert plugins["extra"]["file"].startswith(worker_home + "/venv/"), plugins["extra"]
    assert "1.1" in json.dumps(plugins["extra"]), plugins["extra"]
    text = remote("list", env=local_env)
    assert text.returncode == 0, text
    assert "rdemo-extra 1.1" in text.stdout and "rdemo_extra:Extra" in text.stdout, text.stdout


def test_status_verify_and_profile(local_env):
    remote("list", env=local_env)  # the worker's cache written by a look at it
    status = remote("status", "--check", "--json", env=local_env)
    assert status.returncode == 0, status
    assert [c["state"] for c in json.loads(status.stdout)["caches"] if c["registry"] == "plugin"] == ["valid"]
    verify = remote("verify", env=local_env)
    assert verify.returncode == 0 and "agrees: 2 keys" in verify.stdout, verify
    profile = remote("profile", "--runs", "1", "--no-history", env=local_env)
    assert profile.returncode == 0 and "Discovery profile" in profile.stdout, profile
    recorded = remote("profile", "--runs", "1", env=local_env)  # the worker's history, not this machine's count
    assert "Recorded in " + str(remote_stack()["worker"]) in recorded.stdout and "so far" not in recorded.stdout


def test_snapshots_of_both_differ_in_exactly_the_distribution_and_the_variable(homes, local_env, tmp_path):
    diff_module = pytest.importorskip("registry_core.diagnostics.diff", reason="diff (the other half of issue 16)")
    here, there = tmp_path / "here.json", tmp_path / "worker.json"
    made = inspector("snapshot", "--target", TARGET, "--python", "~/venv", "-o", str(here), env=local_env)
    assert made.returncode == 0, made
    made = remote("snapshot", "-o", str(there), env=local_env)
    assert made.returncode == 0, made
    worker_snapshot = json.loads(there.read_text())
    assert worker_snapshot["environment"] and worker_snapshot["source"]["ssh"] == "worker"
    from jsonschema import Draft202012Validator

    from registry_core.diagnostics.json_schemas import load_schema

    Draft202012Validator(load_schema("snapshot")).validate(worker_snapshot)
    result = inspector("diff", str(here), str(there), "--json", env=local_env)
    assert result.returncode == 1, result
    document = json.loads(result.stdout)
    assert "from worker over ssh" in document["b"]["label"] and "over ssh" not in document["a"]["label"], document
    differences = document["differences"]
    summaries = [d["summary"] for d in differences]
    # Exactly those two: no import path, interpreter or cache difference (the bridges are the inspector's own).
    assert all(EXTRA in s or NO_GPU in s for s in summaries), summaries
    by_name = {d["name"]: (d["a"], d["b"]) for d in differences}
    assert by_name[NO_GPU] == (None, "1") and by_name[f"distribution {EXTRA}"] == ("1.0", "1.1"), by_name
    assert diff_module.diff_snapshots(json.loads(here.read_text()), json.loads(there.read_text()))["same"] is False


def test_the_core_travels_once_and_only_where_writing_is_allowed(homes, local_env):
    cached = homes["worker"] / ".cache" / "registry-inspector" / "remote"
    import shutil

    shutil.rmtree(cached, ignore_errors=True)
    status = remote("status", env=local_env)
    assert status.returncode == 0, status
    assert not cached.exists() or not any(cached.iterdir()), "status wrote the core into the worker's cache"
    listed = remote("list", env=local_env)
    assert listed.returncode == 0, listed
    (folder,) = list(cached.iterdir())
    assert (folder / "registry_core" / "__init__.py").is_file() and (folder / "platformdirs").is_dir()


def test_an_unreachable_host(local_env, sshd):
    from ssh_server import free_port

    config = sshd.config.read_text().replace(f"Port {sshd.port}", f"Port {free_port()}")
    closed = sshd.folder / "closed_config"
    closed.write_text(config)
    env = {**local_env, "REGISTRY_INSPECTOR_SSH_COMMAND": f"ssh -F {closed}"}
    line = one_line(remote("list", env=env))
    assert "worker" in line and "connection refused" in line and "sshd" in line, line


def test_an_unknown_host_key_is_refused_not_asked(local_env, sshd, tmp_path):
    config = sshd.config.read_text().replace(str(sshd.folder / "known_hosts"), str(tmp_path / "empty_known_hosts"))
    (tmp_path / "config").write_text(config)
    env = {**local_env, "REGISTRY_INSPECTOR_SSH_COMMAND": f"ssh -F {tmp_path / 'config'}"}
    line = one_line(remote("status", env=env))
    assert "host key" in line and "ssh worker" in line, line


def test_a_host_without_that_python(local_env):
    line = one_line(remote("list", env=local_env, python="/opt/no/such/venv"))
    assert "worker" in line and "/opt/no/such/venv" in line and "--remote-python" in line, line


def _old_pythons() -> list[str]:
    """Real interpreters older than 3.10 on this machine (pyenv's), 2.7 included."""
    import glob

    found = sorted(glob.glob(os.path.expanduser("~/.pyenv/versions/[23].*/bin/python")))

    def version(path: str) -> tuple[int, ...]:
        return tuple(int(part) for part in path.split("/versions/")[1].split("/")[0].split(".")[:2])

    return sorted((p for p in found if version(p) < (3, 10)), key=version)


def test_an_old_python_there(local_env, tmp_path):
    """A real old interpreter where there is one (2.7 and 3.6-3.9 here), else a stand-in that runs the
    bootstrap as Python 3.9 would (the version is all it checks)."""
    olds = _old_pythons()
    if not olds:
        fake = tmp_path / "python3.9"
        fake.write_text(
            f'#!/bin/sh\nexec "{sys.executable}" -c '
            '"import sys; sys.version_info = (3, 9, 18); boot = sys.argv.pop(1); exec(boot)" "$2" "$3" "$4" "$5"\n'
        )
        fake.chmod(0o755)
        olds = [str(fake)]
    for old in olds[:1] + olds[-1:]:
        line = one_line(remote("list", env=local_env, python=old))
        assert "older than 3.10" in line and old in line and "--remote-python" in line, line


def test_a_login_script_that_prints_does_not_confuse_it(local_env, homes, tmp_path):
    chatty = tmp_path / "python"
    chatty.write_text(f'#!/bin/sh\necho "Welcome to the cluster"\nexec {homes["worker"]}/venv/bin/python "$@"\n')
    chatty.chmod(0o755)
    result = remote("status", "--json", env=local_env, python=str(chatty))
    assert result.returncode == 0 and json.loads(result.stdout)["caches"], result


def test_installed_mode_names_a_missing_tool_and_a_version_mismatch(local_env, homes, tmp_path):
    env = local_env
    missing = one_line(remote("list", "--remote-installed", env=env))
    assert "not installed" in missing and "--remote-installed" in missing, missing
    fake = tmp_path / "old-core" / "registry_core"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("__version__ = '0.0.1'\n")
    wrapper = tmp_path / "python"
    wrapper.write_text(f'#!/bin/sh\nPYTHONPATH={fake.parent} exec {homes["worker"]}/venv/bin/python "$@"\n')
    wrapper.chmod(0o755)
    mismatch = one_line(remote("list", "--remote-installed", env=env, python=str(wrapper)))
    assert "0.0.1" in mismatch and "same version" in mismatch, mismatch


def test_a_hanging_worker_times_out_and_is_stopped_there(local_env, homes, tmp_path):
    marker = f"hang{os.getpid()}"
    (tmp_path / f"{marker}.py").write_text("import time\ntime.sleep(600)\n")
    wrapper = tmp_path / "python"
    wrapper.write_text(f'#!/bin/sh\nPYTHONPATH={tmp_path} exec {homes["worker"]}/venv/bin/python "$@"\n')
    wrapper.chmod(0o755)
    started = time.monotonic()
    result = inspector(
        "list", "--target", marker, "--remote", "worker", "--remote-python", str(wrapper), "--remote-timeout", "3",
        env=local_env,
    )  # fmt: skip
    line = one_line(result)
    assert "no answer within 3 s" in line and "did not finish" in line and "--remote-timeout" in line, line
    assert time.monotonic() - started < 20
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the worker saw its stdin close and stopped its work
        running = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True).stdout.split()
        if not running:
            break
        time.sleep(0.1)
    assert not running, f"the worker's process is still running: {running}"


def test_remote_is_refused_with_python_and_on_commands_that_change_things(local_env):
    both = inspector("list", "--remote", "worker", "--python", "/usr/bin/python3", env=local_env)
    assert both.returncode == 2 and "--remote-python" in both.stderr, both
    clear = inspector("clear-cache", "--all", "--remote", "worker", env=local_env)
    assert clear.returncode == 2 and "--remote" in clear.stderr, clear


def test_snapshot_output_is_written_here_and_an_existing_file_kept(local_env, tmp_path):
    existing = tmp_path / "kept.json"
    existing.write_text("{}")
    refused = remote("snapshot", "-o", str(existing), env=local_env)  # refused before ssh is started
    assert refused.returncode == 2 and "exists; pass --force" in refused.stderr, refused
    assert existing.read_text() == "{}"
    written = remote("snapshot", "-o", str(existing), "--force", env=local_env)
    assert written.returncode == 0 and written.stdout.startswith(f"wrote {existing}"), written
    assert json.loads(existing.read_text())["list"]["registries"][0]["name"] == "plugin"


@pytest.mark.parametrize(
    "value, wrong",
    [
        ("ssh -F '/tmp/ut/sshcfg", "has a quote that is never closed (its value: ssh -F '/tmp/ut/sshcfg)"),
        ("ssh -F cfg\\", "ends with a backslash that escapes nothing (its value: ssh -F cfg\\)"),
        ("", "is set but empty"),
        ("  ", "is set but blank"),
    ],
    ids=["unclosed quote", "trailing backslash", "empty", "blank"],
)
def test_a_malformed_ssh_command_variable_is_one_line(tmp_path, value, wrong):
    """Said before ssh is started (no server needed): the variable, what is wrong with it, the fix; exit 2."""
    env = home_env(tmp_path, REGISTRY_INSPECTOR_SSH_COMMAND=value)
    line = one_line(inspector("status", "--remote", "worker", env=env))
    assert line.startswith(f"registry-inspector: --remote worker: REGISTRY_INSPECTOR_SSH_COMMAND {wrong}"), line
    assert "unset it to use ssh" in line and "Traceback" not in line, line
    document = json.loads(inspector("status", "--remote", "worker", "--json", env=env).stdout)
    assert document["error"]["kind"] == "environment" and wrong in document["error"]["message"]


def test_a_worker_without_targets_is_one_line_with_the_remote_prefix_and_the_fix(local_env):
    """No --target: the worker has no embedded demo (it stays on this machine) and nothing advertised there."""
    result = inspector("status", "--remote", "worker", "--remote-python", "~/venv", env=local_env)
    line = one_line(result)
    assert line.startswith(
        "registry-inspector: --remote worker: no --target given, and nothing in this environment ("
    ), line
    assert line.endswith(
        "advertises one in the registry_core.targets entry-point group; the embedded demo comes with the "
        "inspector, not with this environment: give --target MODULE, a module that declares registries (or "
        "--target entry-points:GROUP)"
    ), line
    as_json = inspector("status", "--remote", "worker", "--remote-python", "~/venv", "--json", env=local_env)
    assert as_json.returncode == 2 and as_json.stderr.strip() == line
    error = json.loads(as_json.stdout)["error"]
    assert error["kind"] == "target" and error["message"] == line.removeprefix("registry-inspector: ")
    named = one_line(
        inspector(
            "list", "--target", "no_such_module", "--remote", "worker", "--remote-python", "~/venv", env=local_env
        )
    )
    assert named.startswith("registry-inspector: --remote worker: cannot import target 'no_such_module'"), named
    assert "embedded demo" not in named  # a target was named: the worker's own reason is the fix
