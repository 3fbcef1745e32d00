"""``registry-inspector --target MODULE``: throw-away plugin packages inspected from a fresh process.

Covers a broken plugin, targets that fail to import or declare nothing, cache
states seen by ``status`` (missing, valid, stale, corrupt, orphans) and what
``clear-cache`` removes in a target's namespace.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import pytest
from cli_helpers import Cli, check_inventory, check_status
from helpers import BASE_MODULE

from registry_core.diagnostics import tool_stamp

#: The stamp every JSON document carries.
TOOL = tool_stamp()

PKG = "clipkg"
TARGET = f"{PKG}.base"
# Every plugin module appends its name here when imported: proof of what a command imported.
IMPORT_LOG = "CLI_TEST_IMPORT_LOG"
RECORD = f"import os\nwith open(os.environ['{IMPORT_LOG}'], 'a') as _f:\n    _f.write(__name__ + '\\n')\n"


def plugin(cls: str, key: str, head: str = "") -> str:
    return f"{head}{RECORD}from {PKG}.base import Plugin\nclass {cls}(Plugin):\n    plugin_key = {key!r}\n"


@pytest.fixture
def cli(cli, tmp_path, make_package):
    runner = cli
    root = make_package(
        {
            f"{PKG}/__init__.py": "",
            f"{PKG}/base.py": BASE_MODULE,
            f"{PKG}/p_alpha.py": plugin("Alpha", "alpha"),
            f"{PKG}/p_beta.py": plugin("Beta", "beta"),
            f"{PKG}/p_broken.py": plugin("Broken", "broken", head="import no_such_dependency_xyz\n"),
            "cli_bad_target.py": "raise RuntimeError('boom at import')\n",
            "cli_no_registries.py": "from registry_core import LazyDiscoveryDict\nVALUE = 1\n",
            "otherpkg/__init__.py": "",
            "otherpkg/base.py": BASE_MODULE.replace("class Plugin", "class OtherPlugin"),
            "otherpkg/p_one.py": (
                "from otherpkg.base import OtherPlugin\nclass One(OtherPlugin):\n    plugin_key = 'one'\n"
            ),
            # A plugin that talks at import (a banner, a debugging print): stdout under --json is the document's.
            "chattypkg/__init__.py": "",
            "chattypkg/base.py": BASE_MODULE,
            "chattypkg/p_loud.py": (
                "print('loading the loud plugin')\nfrom chattypkg.base import Plugin\n"
                "class Loud(Plugin):\n    plugin_key = 'loud'\n"
            ),
        }
    )
    runner.root = root
    runner.path = [str(root)]
    runner.import_log = tmp_path / "imports.txt"
    runner.import_log.write_text("")
    return runner


def run(cli: Cli, *args: str, expect: int = 0):
    return cli(*args, expect=expect, env={IMPORT_LOG: str(cli.import_log)})


def imported(cli: Cli) -> list[str]:
    """Plugin modules imported since the last call."""
    names = cli.import_log.read_text().split()
    cli.import_log.write_text("")
    return sorted(names)


# -- --target ------------------------------------------------------------------------------------------


def test_target_before_or_after_the_subcommand_lists_the_broken_plugin(cli):
    for args in (("--target", TARGET, "list", "--json"), ("list", "--json", "--target", TARGET)):
        doc = check_inventory(run(cli, *args).json())
        assert list(doc) == ["plugin"]  # only the target's registry: the demo is not loaded
        reg = doc["plugin"]
        assert reg["base"] == f"{TARGET}.Plugin"
        assert [(p["key"], p["class"], p["module"]) for p in reg["plugins"]] == [
            ("alpha", "Alpha", f"{PKG}.p_alpha"),
            ("beta", "Beta", f"{PKG}.p_beta"),
        ]
        [failure] = reg["failures"]
        assert failure["module"] == f"{PKG}.p_broken"
        assert failure["reason"] == "import failed: ModuleNotFoundError: No module named 'no_such_dependency_xyz'"
        assert failure["error"] == "ModuleNotFoundError: No module named 'no_such_dependency_xyz'"
        assert failure["traceback"].startswith("Traceback (most recent call last):")
        assert str(cli.root / PKG / "p_broken.py") in failure["traceback"]
        assert failure["traceback"].rstrip().endswith("No module named 'no_such_dependency_xyz'")
    text = run(cli, "list", "--target", TARGET).stdout
    assert "plugin  [clipkg.base.Plugin]  package clipkg, 2 plugins, served from cache" in text
    assert f"  FAILED   {PKG}.p_broken: ModuleNotFoundError: No module named 'no_such_dependency_xyz'" in text


def test_target_is_repeatable_on_both_sides_of_the_subcommand(cli):
    doc = check_inventory(run(cli, "--target", TARGET, "list", "--json", "--target", "otherpkg.base").json())
    assert sorted(doc) == ["other plugin", "plugin"]
    assert [p["key"] for p in doc["other plugin"]["plugins"]] == ["one"]


@pytest.mark.parametrize("where", ["after", "before"])
def test_target_that_fails_to_import_is_one_line_unless_verbose(cli, where):
    args = ["list", "--target", "cli_bad_target"]
    quiet = run(cli, *args, expect=2)
    assert quiet.stdout == ""
    assert quiet.stderr == "registry-inspector: cannot import target 'cli_bad_target': RuntimeError: boom at import\n"
    verbose = run(cli, *(args + ["-v"] if where == "after" else ["-v", *args]), expect=2)
    assert verbose.stderr.startswith(quiet.stderr)
    assert "Traceback (most recent call last):" in verbose.stderr
    assert 'cli_bad_target.py", line 1, in <module>' in verbose.stderr


def test_missing_target_module_and_target_without_registries(cli):
    missing = run(cli, "status", "--target", "cli_no_such_module", expect=2)
    assert missing.stderr.startswith(
        "registry-inspector: cannot import target 'cli_no_such_module': "
        "ModuleNotFoundError: No module named 'cli_no_such_module' (install it into "
        "this environment, "
    )
    assert "or put the folder that holds it on PYTHONPATH" in missing.stderr and missing.stderr.count("\n") == 1
    empty = run(cli, "list", "--target", "cli_no_registries", expect=2)
    assert empty.stdout == ""
    # The empty result is explained: what was looked for, and what to try.
    assert empty.stderr.startswith("registry-inspector: cli_no_registries: its modules cli_no_registries import a ")
    assert "no registry was found after importing them" in empty.stderr and empty.stderr.count("\n") == 1


def test_a_file_path_as_target_gets_the_module_name_and_pythonpath_that_work(cli, tmp_path):
    package = tmp_path / "src" / "cli_path_pkg"
    (package / "sub").mkdir(parents=True)
    for init in (package / "__init__.py", package / "sub" / "__init__.py"):
        init.write_text("")
    (package / "sub" / "plugins.py").write_text("")
    given = run(cli, "list", "--target", str(package / "sub" / "plugins.py"), expect=2)
    assert given.stderr == (
        "registry-inspector: --target takes an importable module name, not a file path "
        f"({str(package / 'sub' / 'plugins.py')!r}): PYTHONPATH={tmp_path / 'src'} "
        "registry-inspector --target cli_path_pkg.sub.plugins\n"
    )
    # And the suggestion works.
    fixed = cli(
        "list",
        "--target",
        "cli_path_pkg.sub.plugins",
        expect=2,
        env={"PYTHONPATH": os.pathsep.join([*cli.env()["PYTHONPATH"].split(os.pathsep), str(tmp_path / "src")])},
    )
    assert fixed.stderr == (
        "registry-inspector: cli_path_pkg.sub.plugins declares no registries: none of its 1 file(s) imports "
        "registry_core or metaclass_registry, and importing it created none; try one of its submodules, or "
        "--target entry-points to list the entry-point groups\n"
    )


# -- status --------------------------------------------------------------------------------------------


def test_status_does_not_discover_then_valid_then_stale_after_a_plugin_edit(cli):
    first = check_status(run(cli, "status", "--json", "--target", TARGET).json())
    cache = first["plugin"]
    assert (cache["state"], cache["reason"]) == ("missing", "no cache file yet")
    assert not os.path.exists(cache["path"])
    assert imported(cli) == []  # status imported no plugin module

    run(cli, "list", "--target", TARGET)
    assert imported(cli) == [f"{PKG}.p_alpha", f"{PKG}.p_beta"]
    run(cli, "list", "--target", TARGET)
    assert imported(cli) == []  # the second list is served from the cache
    ok = run(cli, "status", "--check", "--target", TARGET)
    assert ok.stdout.splitlines()[2].split()[:2] == ["plugin", "valid"]
    assert check_status(run(cli, "status", "--json", "--target", TARGET).json())["plugin"]["items"] == 2

    with open(cli.root / PKG / "p_alpha.py", "a") as handle:
        handle.write("# edited\n")
    stale = run(cli, "status", "--check", "--target", TARGET, expect=1)
    assert re.search(r"^plugin\s+stale\s+modified: clipkg/p_alpha\.py \(size \d+ -> \d+ bytes\)", stale.stdout, re.M)
    doc = check_status(run(cli, "status", "--json", "--check", "--target", TARGET, expect=1).json())
    assert doc["plugin"]["state"] == "stale" and "p_alpha.py" in doc["plugin"]["reason"]
    assert imported(cli) == []

    run(cli, "list", "--target", TARGET)  # rediscovers and rewrites the cache
    run(cli, "status", "--check", "--target", TARGET, expect=0)


def test_status_lists_an_orphan_cache_file(cli):
    run(cli, "list", "--target", TARGET)
    path = Path(check_status(run(cli, "status", "--json", "--target", TARGET).json())["plugin"]["path"])
    doc = json.loads(path.read_text())
    doc["identity"]["name"] = f"{PKG}.old.RenamedPlugin"
    doc["identity"]["registry"] = "renamed plugin"
    orphan = path.with_name("registry_renamed_plugin-0123456789abcdef.json")
    orphan.write_text(json.dumps(doc))
    shutil.copyfile(path, path.with_name("registry_copy-fedcba9876543210.json"))  # same identity, other name

    status = run(cli, "status", "--json", "--check", "--target", TARGET).json()
    assert [c["registry"] for c in status["caches"] if c["path"] == str(path)] == ["plugin"]
    orphans = {Path(o["path"]).name: o for o in status["orphans"]}
    assert sorted(orphans) == ["registry_copy-fedcba9876543210.json", "registry_renamed_plugin-0123456789abcdef.json"]
    renamed = orphans[orphan.name]
    assert renamed["orphan"] is True and renamed["owned"] is False
    assert renamed["owner"] == f"{PKG}.old.RenamedPlugin" and renamed["registry"] == "renamed plugin"
    assert renamed["namespace"] == PKG
    text = run(cli, "status", "--target", TARGET).stdout
    assert (f"orphan: {orphan} (written by renamed plugin; no registry loaded here claims it)") in text

    (path.parent / "notes.txt").write_text("keep me")
    cleared = run(cli, "clear-cache", "--all", "--json", "--target", TARGET).json()
    assert cleared["caches_removed"] == 3
    assert sorted(Path(p).name for p in cleared["removed"] if p.endswith(".json")) == sorted(
        [path.name, orphan.name, "registry_copy-fedcba9876543210.json"]
    )
    assert sorted(p.name for p in path.parent.iterdir()) == ["notes.txt"]


# -- explain, clear-cache, rebuild on a target ---------------------------------------------------------


def test_explain_on_a_target(cli):
    doc = run(cli, "explain", f"{PKG}.p_broken", "--json", "--target", TARGET, expect=1).json()
    [answer] = doc["answers"]
    assert answer["cause"] == "import error"
    assert "ModuleNotFoundError: No module named 'no_such_dependency_xyz'" in answer["message"]
    assert run(cli, "explain", "Alpha", "--target", TARGET).stdout.startswith(
        "[plugin] Alpha is registered in the plugin registry: registered under key 'alpha'."
    )
    missing = run(cli, "explain", "gamma", "--target", TARGET, expect=1).stdout
    assert "'gamma' is not a key, class or module known to the plugin registry (not found at all)" in missing


def test_clear_cache_and_rebuild_one_registry_of_a_target(cli):
    run(cli, "rebuild", "--target", TARGET, "--target", "otherpkg.base")
    assert imported(cli) == [f"{PKG}.p_alpha", f"{PKG}.p_beta"]
    status = check_status(run(cli, "status", "--json", "--target", TARGET, "--target", "otherpkg.base").json())
    assert {status[n]["state"] for n in ("plugin", "other plugin")} == {"valid"}

    cleared = run(
        cli, "clear-cache", "--registry", "plugin", "--json", "--target", TARGET, "--target", "otherpkg.base"
    ).json()
    assert cleared == {"schema": 1, "tool": TOOL, "removed": [status["plugin"]["path"]], "caches_removed": 1}
    assert os.path.isfile(status["other plugin"]["path"])

    doc = run(cli, "rebuild", "--registry", "plugin", "--json", "--target", TARGET).json()
    [item] = doc["rebuilt"]
    assert (item["registry"], item["plugins"], item["failures"], item["skipped"]) == ("plugin", 2, 1, 0)
    assert (item["state"], item["reason"], item["path"]) == ("valid", "", status["plugin"]["path"])
    run(cli, "status", "--check", "--target", TARGET)

    unknown = run(cli, "rebuild", "--registry", "nope", "--target", TARGET, expect=2)
    assert unknown.stderr.endswith("no registry named 'nope'; known registries: plugin\n")


#: What ``pip install -e`` (setuptools) puts in site-packages: a finder on sys.meta_path that maps the project's
#: top-level name to its checkout, which is not on sys.path.
EDITABLE_FINDER = """
import importlib.util, sys
class EditableFinder:
    @classmethod
    def find_spec(cls, name, path=None, target=None):
        if name != "edpkg":
            return None
        return importlib.util.spec_from_file_location(
            name, {init!r}, submodule_search_locations=[{folder!r}]
        )
sys.meta_path.append(EditableFinder)
from registry_core.cli import main
sys.exit(main(["list", "--target", "edpkg.base", "--json"]))
"""

#: Declared the metaclass-registry way: the target's source text decides which source reads it.
EDITABLE_BASE = """
from metaclass_registry import AutoRegisterMeta, LazyDiscoveryDict, RegistryConfig
class Plugin(metaclass=AutoRegisterMeta):
    __registry_config__ = RegistryConfig(
        registry_dict=LazyDiscoveryDict(), key_attribute="name", skip_if_no_key=True,
        registry_name="edplugin", discovery_package="edpkg.plugins",
    )
    name = None
"""


def test_a_project_installed_editable_is_found(tmp_path):
    """setuptools' editable install keeps the project out of sys.path: a metaclass-registry target was 'not
    found on this interpreter's path' (and read as declaring nothing) although the interpreter imports it."""
    import subprocess

    from real_stack import real_stack_python

    checkout = tmp_path / "checkout" / "edpkg"
    (checkout / "plugins").mkdir(parents=True)
    (checkout / "__init__.py").write_text("")
    (checkout / "base.py").write_text(EDITABLE_BASE)
    (checkout / "plugins" / "__init__.py").write_text("")
    (checkout / "plugins" / "one.py").write_text(
        "from edpkg.base import Plugin\nclass One(Plugin):\n    name = 'one'\n"
    )
    script = EDITABLE_FINDER.format(init=str(checkout / "__init__.py"), folder=str(checkout))
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1])
    result = subprocess.run(
        [real_stack_python(), "-c", script], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert result.returncode == 0, result.stderr
    [registry] = json.loads(result.stdout)["registries"]
    assert registry["library"]["name"] == "metaclass_registry"
    assert [p["key"] for p in registry["plugins"]] == ["one"]


def test_what_plugins_print_at_import_does_not_break_json(cli):
    """`list --json` printed the plugin's line before the document ('Expecting value: line 1 column 1')."""
    result = run(cli, "list", "--target", "chattypkg.base", "--json")
    [registry] = json.loads(result.stdout)["registries"]
    assert [p["key"] for p in registry["plugins"]] == ["loud"]
    assert "loading the loud plugin" in result.stderr  # said, where it does no harm
