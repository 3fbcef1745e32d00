"""A warm ``registry-inspector list --json`` loads only what it uses.

Its start-up is interpreter start-up plus ``import registry_core`` plus this
command's own work (issue 17: at most twice ``python -c "import registry_core"``);
modules that only other paths need (logging with nothing to log, the text
renderer, the profile and verify tools, importlib.resources, shutil for a
help text nobody prints) stay unloaded. ``bench/seed_headlines.py`` times it.
"""

from __future__ import annotations

import json

import pytest
from helpers import run_python

#: Modules a warm ``list --json`` must not load, and who needs them instead.
NOT_LOADED_WARM = {
    "logging": "only a run that logs (deferred until the first record)",
    "shutil": "argparse's help width, read without it",
    "importlib.resources": "the demo's folder, found on disk without it",
    "registry_core.diagnostics.profiling": "the profile command (its defaults live in diagnostics.defaults)",
    "registry_core.diagnostics.verify": "the verify command",
    "registry_core.diagnostics.render.inventory": "text output, not --json",
    "zlib": "cache names, hashed in Python",
    "PyQt6": "the window",
}

PROBE = f"""
    import contextlib, io, json, sys
    from app.__main__ import main
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["list", "--json"])
    loaded = [m for m in {list(NOT_LOADED_WARM)!r} if m in sys.modules]
    document = json.loads(out.getvalue())
    print("RESULT " + json.dumps({{"code": code, "loaded": loaded, "registries": len(document["registries"])}}))
"""


def _list(tmp_path) -> dict:
    proc = run_python(PROBE, env={"XDG_STATE_HOME": str(tmp_path / "state")})
    assert proc.returncode == 0, proc.stderr
    return json.loads(next(x for x in proc.stdout.splitlines() if x.startswith("RESULT "))[len("RESULT ") :])


def test_warm_list_json_loads_only_what_it_uses(tmp_path):
    cold = _list(tmp_path)  # writes the caches (and logs the demo's broken plugin: logging is loaded then)
    assert cold["code"] == 0 and "logging" in cold["loaded"]
    warm = _list(tmp_path)
    assert warm["code"] == 0 and warm["registries"] == cold["registries"] == 5
    assert {m: NOT_LOADED_WARM[m] for m in warm["loaded"]} == {}


COMMAND_LINES = [
    ["list", "--json"],
    ["--target", "status", "list", "-v"],  # a command's name as another option's value
    ["explain", "list", "--registry", "zmq server"],
    ["profile", "--runs", "2", "--timeout", "3"],
    ["verify", "--json", "--timeout", "9"],
    ["clear-cache", "--all"],
    ["status", "--check", "--no-write"],
]


@pytest.mark.parametrize("line", COMMAND_LINES, ids=" ".join)
def test_a_parser_built_for_the_command_line_parses_it_as_the_full_parser_does(line):
    from registry_core.cli import build_parser

    assert build_parser(words=line).parse_args(line) == build_parser().parse_args(line)


def test_the_top_level_help_is_the_same_whichever_commands_are_built():
    from registry_core.cli import build_parser

    assert build_parser(words=["list"]).format_help() == build_parser().format_help()
