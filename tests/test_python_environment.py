"""``--python PATH``: any subcommand run by another environment's interpreter (the real stack's venv).

A virtual environment's folder or its interpreter both work, before or after the
subcommand; anything else (no such path, a file that is not Python, a Python older
than the inspector needs) is one line on stderr and exit 2; and the inspected
environment is left as it was (nothing installed into it).
"""

from __future__ import annotations

import glob
import os
import subprocess
import sys
from pathlib import Path

import pytest
from real_stack import real_stack_python
from source_helpers import by_name

ZMQRUNTIME = {"transport declaration", "endpoint audience", "background process platform"}


@pytest.fixture(scope="module")
def stack() -> str:
    return real_stack_python()


def venv_folder(python: str) -> str:
    return str(Path(python).parent.parent)


def one_line_error(result) -> str:
    """The message of a refused --python: exit 2 and exactly one line on stderr, nothing on stdout."""
    assert result.returncode == 2, result
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result
    assert result.stdout == "", result
    assert lines[0].startswith("registry-inspector: --python "), lines[0]
    return lines[0]


@pytest.mark.parametrize(
    "form",
    ["venv folder", "interpreter after the subcommand", "interpreter before the subcommand", "--python=interpreter"],
)
def test_python_runs_the_subcommand_in_that_environment(cli, stack, form):
    argv = {
        "venv folder": ["list", "--python", venv_folder(stack)],
        "interpreter after the subcommand": ["list", "--python", stack],
        "interpreter before the subcommand": ["--python", stack, "list"],
        "--python=interpreter": ["list", f"--python={stack}"],
    }[form]
    registries = by_name(cli(*argv, "--target", "zmqruntime", "--json").json())
    assert ZMQRUNTIME <= set(registries), sorted(registries)
    prefix = venv_folder(stack) + os.sep
    files = [p["file"] for reg in registries.values() for p in reg["plugins"]]
    assert files and all(f.startswith(prefix) for f in files), files


def test_zmqruntime_is_not_in_the_inspectors_own_environment(cli):
    """What makes the test above mean something: without --python the target is not found."""
    result = cli("list", "--target", "zmqruntime", expect=None)
    assert result.returncode != 0
    assert "zmqruntime" in result.stderr


def test_no_such_path(cli, tmp_path):
    missing = tmp_path / "nowhere" / "python"
    line = one_line_error(cli("list", "--python", str(missing), expect=None))
    assert str(missing) in line


def test_a_folder_that_is_no_environment(cli, tmp_path):
    folder = tmp_path / "not-a-venv"
    folder.mkdir()
    line = one_line_error(cli("status", "--python", str(folder), expect=None))
    assert str(folder) in line and "bin/python" in line


def test_a_file_that_is_not_python(cli, tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("not an interpreter\n")
    line = one_line_error(cli("list", "--python", str(notes), expect=None))
    assert str(notes) in line


def test_an_executable_that_is_not_python(cli, tmp_path):
    script = tmp_path / "python"
    script.write_text("#!/bin/sh\necho hello\n")
    script.chmod(0o755)
    line = one_line_error(cli("list", "--python", str(script), expect=None))
    assert str(script) in line and "not a Python interpreter" in line


def test_a_script_that_only_prints_a_version_is_not_taken_for_python(cli, tmp_path):
    """It used to pass the version check, then 'list --json' printed its '3 11' and exited 0."""
    script = tmp_path / "python"
    script.write_text("#!/bin/sh\necho 3 11\n")
    script.chmod(0o755)
    line = one_line_error(cli("list", "--python", str(script), expect=None))
    assert "not a Python interpreter: asked to run one line of Python, it answered '3 11' (exit status 0)" in line
    document = cli("list", "--python", str(script), "--json", expect=2).json()
    assert document["error"]["kind"] == "environment"


def test_a_wrapper_that_prints_a_banner_first_is_python(cli, tmp_path):
    """A site's wrapper (module load, a banner) that then runs the real interpreter is accepted."""
    wrapper = tmp_path / "python"
    wrapper.write_text(f'#!/bin/sh\necho "loading site modules..."\nexec {sys.executable} "$@"\n')
    wrapper.chmod(0o755)
    result = cli("list", "--python", str(wrapper), "--target", "json", expect=2)
    # (json declares no registry: the error is about the target, so the interpreter itself was accepted)
    assert "not a Python interpreter" not in result.stderr
    assert "json declares no registries" in result.stderr, result


def test_no_target_in_another_environment_says_what_to_give(cli):
    line = cli("status", "--python", sys.executable, expect=2).stderr.strip()
    assert "no --target given, and nothing in this environment (" in line
    assert "the embedded demo comes with the inspector, not with this environment: give --target MODULE" in line


def _old_python() -> str | None:
    """A real interpreter older than 3.10 on this machine, if there is one."""
    candidates = sorted(
        glob.glob(os.path.expanduser("~/.pyenv/versions/3.*/bin/python3"))
        + glob.glob("/usr/bin/python3.[0-9]")
        + glob.glob("/usr/local/bin/python3.[0-9]")
    )
    for candidate in candidates:
        try:
            out = subprocess.run(
                [candidate, "-c", "import sys; print('%d %d' % sys.version_info[:2])"],
                capture_output=True,
                text=True,
                timeout=10,
            ).stdout.split()
        except (OSError, subprocess.TimeoutExpired):
            continue
        if len(out) == 2 and (3, 0) <= (int(out[0]), int(out[1])) < (3, 10):
            return candidate
    return None


def test_too_old_a_python(cli, tmp_path):
    # A real old interpreter where this machine has one (pyenv's 3.6-3.9 here); elsewhere a stand-in that
    # answers the version question as Python 3.9 would, which is all the check asks.
    old = _old_python()
    if old is None:
        stand_in = tmp_path / "python3.9"
        stand_in.write_text("#!/bin/sh\necho 3 9\n")
        stand_in.chmod(0o755)
        old = str(stand_in)
    line = one_line_error(cli("list", "--python", old, expect=None))
    assert old in line and "3.10" in line


def _listing(prefix: str) -> list[str]:
    """Every file and folder of an environment's site-packages and bin/, bytecode caches aside."""
    found = []
    roots = glob.glob(os.path.join(prefix, "lib", "python3*", "site-packages")) + [os.path.join(prefix, "bin")]
    for root in roots:
        for folder, dirs, files in os.walk(root):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            found.extend(os.path.join(folder, name) for name in dirs + files)
    return sorted(found)


def test_nothing_is_installed_into_the_inspected_environment(cli, stack):
    prefix = venv_folder(stack)
    before = _listing(prefix)
    assert any(p.endswith("site-packages" + os.sep + "polystore") for p in before)
    cli("list", "--python", prefix, "--target", "polystore", "--json")
    cli("status", "--python", prefix, "--target", "polystore")
    assert _listing(prefix) == before


def test_a_cancelled_child_stops_at_once_with_every_process_it_started(tmp_path, monkeypatch):
    import time

    from helpers import DEMO_PATH

    from registry_core.sources import Cancelled, run_json

    monkeypatch.setenv("PYTHONPATH", str(DEMO_PATH))
    started = time.monotonic()
    asked = []

    def cancelled() -> bool:
        asked.append(time.monotonic())
        return time.monotonic() - started > 1.5

    # A profile starts fresh-process children of its own: all of them go when it is cancelled.
    target = ["--target", "openhcs_demo.microscopes.microscope_base"]
    with pytest.raises(Cancelled):
        run_json(sys.executable, ["profile", "--runs", "9", "--no-history", *target], cancelled=cancelled)
    took = time.monotonic() - started
    assert took < 6, f"cancel took {took:.1f} s"
    assert len(asked) >= 5  # polled while the child ran
    # Neither the child nor the fresh processes it started (their argv names the target too) are left, once
    # the killed ones are reaped (a moment: they were SIGKILLed).
    deadline = time.monotonic() + 5
    while True:
        leftovers = subprocess.run(
            ["pgrep", "-f", "openhcs_demo.microscopes.microscope_base"], capture_output=True, text=True
        ).stdout.split()
        if not leftovers or time.monotonic() > deadline:
            break
    details = (
        subprocess.run(["ps", "-o", "pid,stat,args", "-p", ",".join(leftovers)], capture_output=True, text=True).stdout
        if leftovers
        else ""
    )
    assert leftovers == [], details
