"""Entry-point groups as registries: ``--target entry-points:GROUP`` loads each entry point of one group,
``--target entry-points`` lists every group without loading anything.

The fixture is a distribution of its own (``epfix-1.4.0.dist-info`` with METADATA and
entry_points.txt, and its package) in a folder on the runner's PYTHONPATH: a group
holding a good, a slow (0.3 s at import) and a broken entry point. Each module notes
its import in a marker file, so a test sees what was loaded.
"""

from __future__ import annotations

import os
import textwrap

import pytest
from cli_helpers import FAILURE_FIELDS, PLUGIN_FIELDS, check_fields, keys
from source_helpers import by_name, schema_errors

GROUP = "registry_inspector_fixture.widgets"
DISTRIBUTION = "epfix 1.4.0"
FILES = {
    "epfix-1.4.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: epfix\nVersion: 1.4.0\n",
    "epfix-1.4.0.dist-info/entry_points.txt": f"""
        [{GROUP}]
        good = epfix.good:GoodWidget
        slow = epfix.slow:SlowWidget
        broken = epfix.broken:BrokenWidget
        """,
    "epfix/__init__.py": """
        import os


        def note(name):
            with open(os.environ["EPFIX_MARKER"], "a") as handle:
                handle.write(name + "\\n")
        """,
    "epfix/good.py": """
        from epfix import note

        note("good")


        class GoodWidget:
            \"\"\"A widget that loads.\"\"\"
        """,
    "epfix/slow.py": """
        import time

        from epfix import note

        note("slow")
        time.sleep(0.3)


        class SlowWidget:
            \"\"\"A widget whose module takes 0.3 s to import.\"\"\"
        """,
    "epfix/broken.py": """
        from epfix import note

        note("broken")
        raise RuntimeError("epfix.broken fails on purpose")
        """,
}


@pytest.fixture
def cli(cli, tmp_path):
    """The runner, with the fixture distribution on its PYTHONPATH and a marker file for imports."""
    site = tmp_path / "ep-site"
    for rel, text in FILES.items():
        path = site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip())
    cli.path.append(str(site))
    cli.marker = tmp_path / "imported.txt"
    return cli


def imported(cli) -> list[str]:
    return sorted(cli.marker.read_text().split()) if cli.marker.exists() else []


def listing(cli, target: str) -> dict:
    """``list --target TARGET --json``, the document."""
    return cli("list", "--target", target, "--json", env={"EPFIX_MARKER": str(cli.marker)}).json()


def run(cli, target: str) -> dict:
    """{registry name: registry document}, each plugin and failure with the fields every view reads."""
    registries = by_name(listing(cli, target))
    for reg in registries.values():
        for plugin in reg["plugins"]:
            check_fields(plugin, PLUGIN_FIELDS, f"{reg['name']} plugin")
        for failure in reg["failures"]:
            check_fields(failure, FAILURE_FIELDS, f"{reg['name']} failure")
    return registries


def test_group_loads_each_entry_point_with_its_distribution(cli):
    reg = run(cli, f"entry-points:{GROUP}")[GROUP]
    assert imported(cli) == ["broken", "good", "slow"]
    assert reg["library"]["name"] == "entry_points"
    assert reg["entry_point_group"] == GROUP
    assert reg["partial"] is False
    assert keys(reg) == ["good", "slow"]
    plugins = {p["key"]: p for p in reg["plugins"]}
    assert plugins["good"]["class"] == "GoodWidget"
    assert plugins["good"]["module"] == "epfix.good"
    assert plugins["good"]["distribution"] == DISTRIBUTION
    assert plugins["good"]["loaded"] is True
    assert plugins["good"]["doc"] == "A widget that loads."
    assert plugins["slow"]["distribution"] == DISTRIBUTION
    assert reg["discovery_s"] >= 0.3, "the slow entry point was not imported (or not timed)"


def test_group_broken_entry_point_is_a_failure_with_its_traceback(cli):
    reg = run(cli, f"entry-points:{GROUP}")[GROUP]
    failures = {f["module"]: f for f in reg["failures"]}
    assert sorted(failures) == ["epfix.broken"]
    failure = failures["epfix.broken"]
    assert failure["error"] == "RuntimeError: epfix.broken fails on purpose"
    assert failure["traceback"].startswith("Traceback (most recent call last)")
    assert "broken.py" in failure["traceback"]
    assert failure["entry_point"] == "broken = epfix.broken:BrokenWidget"
    assert failure["distribution"] == DISTRIBUTION


def test_all_groups_listed_without_loading(cli):
    registries = run(cli, "entry-points")
    assert imported(cli) == [], "listing every group imported entry points"
    reg = registries[GROUP]
    assert reg["partial"] is True
    assert reg["note"] == f"not loaded: --target entry-points:{GROUP} loads and checks each one"
    assert keys(reg) == ["broken", "good", "slow"]
    assert reg["failures"] == []
    assert not any(p["loaded"] for p in reg["plugins"])
    assert {p["key"]: f"{p['module']}:{p['class']}" for p in reg["plugins"]} == {
        "good": "epfix.good:GoodWidget",
        "slow": "epfix.slow:SlowWidget",
        "broken": "epfix.broken:BrokenWidget",
    }
    assert all(r["partial"] for r in registries.values())


def test_unknown_group_says_what_was_looked_for(cli):
    result = cli("list", "--target", "entry-points:no.such.group", "--json", expect=None)
    assert result.returncode != 0 or not result.json()["registries"]
    assert "no.such.group" in result.stderr + result.stdout
    assert not os.path.exists(cli.marker)


def test_all_groups_name_the_distribution_of_each_entry_point(cli):
    """Which distribution advertises an entry point is known without loading it."""
    reg = run(cli, "entry-points")[GROUP]
    distributions = {p["key"]: p["distribution"] for p in reg["plugins"]}
    assert distributions == dict.fromkeys(["good", "slow", "broken"], DISTRIBUTION)


def test_explain_the_broken_entry_point(cli):
    marker = {"EPFIX_MARKER": str(cli.marker)}
    result = cli("explain", "--target", f"entry-points:{GROUP}", "broken", expect=1, env=marker)
    assert "epfix.broken" in result.stdout
    assert "RuntimeError: epfix.broken fails on purpose" in result.stdout
    assert "broken.py" in result.stdout


@pytest.mark.parametrize("target", [f"entry-points:{GROUP}", "entry-points"])
def test_documents_keep_to_the_published_schema(cli, target):
    assert schema_errors("list", listing(cli, target)) == []
