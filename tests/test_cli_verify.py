"""``registry-inspector verify``: each registry, as this process lists it, against a fresh discovery."""

from __future__ import annotations

import pytest
from cli_helpers import Cli
from helpers import BASE_MODULE

PKG = "vfypkg"
TARGET = f"{PKG}.base"
#: A plugin whose key comes from a file outside its package: a change there is invisible to the cache.
KEY_FROM_FILE = (
    f"from {PKG}.base import Plugin\nimport os\n"
    "class FromFile(Plugin):\n    plugin_key = open(os.environ['VFY_KEY_FILE']).read().strip()\n"
)


@pytest.fixture
def cli(cli, tmp_path, make_package):
    runner = cli
    root = make_package(
        {
            f"{PKG}/__init__.py": "",
            f"{PKG}/base.py": BASE_MODULE,
            f"{PKG}/p_alpha.py": f"from {PKG}.base import Plugin\nclass Alpha(Plugin):\n    plugin_key = 'alpha'\n",
            f"{PKG}/p_file.py": KEY_FROM_FILE,
        }
    )
    runner.path = [str(root)]
    runner.key_file = tmp_path / "key.txt"
    runner.key_file.write_text("one")
    return runner


def run(cli: Cli, *args: str, expect: int = 0):
    return cli("verify", "--target", TARGET, *args, expect=expect, env={"VFY_KEY_FILE": str(cli.key_file)})


def test_a_valid_cache_that_agrees_and_one_the_fingerprint_cannot_see_is_wrong(cli):
    first = run(cli, "--json").json()
    [entry] = first["registries"]
    assert first["agree"] is True and first["error"] is None
    assert (entry["source"], entry["keys"], entry["agrees"]) == ("discovery", 2, True)  # nothing cached yet
    warm = run(cli)
    assert "cache (valid)" in warm.stdout and "agrees: 2 keys, each with the same class, in its cache" in warm.stdout

    cli.key_file.write_text("two")  # outside the package: the cache stays valid, and wrong
    wrong = run(cli, expect=1)
    assert "cache (valid)" in wrong.stdout
    assert (
        "DISAGREES: listed here but not found by a fresh discovery: 'one'; found by a fresh discovery but "
        "missing here: 'two' (rebuild rewrites the cache)"
    ) in wrong.stdout
    doc = run(cli, "--json", expect=1).json()
    assert doc["agree"] is False
    assert (doc["registries"][0]["only_now"], doc["registries"][0]["only_fresh"]) == (["'one'"], ["'two'"])

    cli("rebuild", "--target", TARGET, env={"VFY_KEY_FILE": str(cli.key_file)})
    assert run(cli, "--json").json()["agree"] is True


def test_a_key_served_by_another_class_is_named_with_both(cli, make_package):
    # Which class takes 'switch' depends on the key file: the cache keeps the one it saw.
    make_package(
        {
            f"{PKG}/p_switch.py": f"import os\nfrom {PKG}.base import Plugin\n"
            "WHICH = open(os.environ['VFY_KEY_FILE']).read().strip()\n"
            "class First(Plugin):\n    plugin_key = 'switch' if WHICH == 'one' else None\n"
            "class Second(Plugin):\n    plugin_key = 'switch' if WHICH == 'two' else None\n"
        }
    )
    run(cli)
    cli.key_file.write_text("two")
    changed = run(cli, expect=1)
    assert f"'switch' is {PKG}.p_switch.First here, {PKG}.p_switch.Second when discovered afresh" in changed.stdout
    [entry] = run(cli, "--json", expect=1).json()["registries"]
    assert entry["changed"] == [{"key": "'switch'", "now": f"{PKG}.p_switch.First", "fresh": f"{PKG}.p_switch.Second"}]


def test_a_fresh_discovery_that_cannot_finish_is_an_error_not_a_verdict(cli, make_package):
    # Hangs only in verify's child (its private cache folder), as a plugin stuck on a network share would.
    make_package(
        {
            f"{PKG}/p_slow.py": "import os, time\n"
            "if 'registry-inspector-verify-' in os.environ['REGISTRY_CORE_CACHE_DIR']:\n"
            "    time.sleep(60)\n"
        }
    )
    stuck = run(cli, "--timeout", "3", expect=2)
    assert stuck.stdout == (
        f"verify could not run a fresh discovery: the fresh discovery timed out after 3 s "
        f"while importing {PKG}.p_slow\n"
    )
    assert stuck.seconds < 30
    doc = run(cli, "--timeout", "3", "--json", expect=2).json()
    assert doc["agree"] is None and doc["registries"] == [] and "timed out" in doc["error"]
