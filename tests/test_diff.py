"""``diff``: what changes discovery between two snapshots, and nothing else; exit 0 same, 1 different, 2 error.

The pure function gets two snapshot documents (here the committed bundle, read, then changed the way a
worker differs from a desktop); the CLI gets files, bundles and ``live``.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from registry_core.diagnostics import diff_snapshots, load_snapshot

OLD_BUNDLE = Path(__file__).parent / "fixtures" / "bundle-v1-2026-12-02.zip"


@pytest.fixture(scope="module")
def base() -> dict:
    return load_snapshot(str(OLD_BUNDLE))


def changed(base: dict) -> dict:
    other = copy.deepcopy(base)
    other["source"]["path"] = "worker.json"
    env = other["environment"]
    env["env"]["OPENHCS_DEMO_SUBPROCESS_NO_GPU"] = "1"
    env["plugin_distributions"][0]["version"] = "0.4.0"
    env["interpreter"]["sys_path"].append("/opt/extra")
    registries = other["list"]["registries"]
    handlers = registries[0]
    handlers["plugins"] = [p for p in handlers["plugins"] if p["key"] != "imagexpress"]
    omero = next(p for p in handlers["plugins"] if p["key"] == "omero")
    omero["class"] = "PatchedHandler"
    handlers["failures"] = []
    del registries[-1]
    cache = other["status"]["caches"][1]
    cache.update(state="stale", reason="a plugin file modified: io/disk.py")
    return other


def rows(diff: dict) -> list[tuple]:
    return [(d["kind"], d["registry"], d["name"], d["a"], d["b"]) for d in diff["differences"]]


def test_a_snapshot_is_the_same_as_itself(base):
    diff = diff_snapshots(base, copy.deepcopy(base))
    assert diff["same"] is True and diff["differences"] == [] and set(diff["counts"].values()) == {0}


def test_each_kind_of_difference_is_named_once_in_order(base):
    diff = diff_snapshots(base, changed(base))
    assert diff["same"] is False
    assert rows(diff) == [
        ("environment", None, "OPENHCS_DEMO_SUBPROCESS_NO_GPU", None, "1"),
        ("environment", None, "import path", None, "/opt/extra"),
        ("environment", None, "distribution acme-hcs-plugins", "0.3.0", "0.4.0"),
        ("registry", "format registry", "format registry", "2 plugins", None),
        ("key", "microscope handler", "imagexpress", "openhcs_demo.microscopes.imagexpress:ImageXpressHandler", None),
        (
            "plugin",
            "microscope handler",
            "omero",
            "openhcs_demo.microscopes.omero:OMEROHandler",
            "openhcs_demo.microscopes.omero:PatchedHandler",
        ),
        (
            "failure",
            "microscope handler",
            "openhcs_demo.microscopes.cellvoyager",
            "ModuleNotFoundError: No module named 'cv7000_sdk'",
            None,
        ),
        (
            "cache",
            "storage backend",
            "storage backend",
            "valid: matches all 14 source files and folders",
            "stale: a plugin file modified: io/disk.py",
        ),
    ]
    assert diff["counts"] == {"environment": 3, "registry": 1, "key": 1, "plugin": 1, "failure": 1, "cache": 1}


def test_times_ages_durations_sizes_and_home_folders_are_ignored(base):
    other = copy.deepcopy(base)
    other["created"] += 3600
    for registry in other["list"]["registries"]:
        registry["discovery_s"] = 9.9
        for plugin in registry["plugins"]:
            plugin["file"] = "/home/someone/elsewhere.py"
    for cache in other["status"]["caches"]:
        cache.update(age_s=1e6, size=1, created=0, path="/home/someone/.cache/x.json")
    interpreter = other["environment"]["interpreter"]
    interpreter["sys_path"] = [p.replace("~", "/home/someone") for p in interpreter["sys_path"]]
    other["environment"]["created"] = 0
    other["profile"] = None
    assert diff_snapshots(base, other)["same"] is True


def test_a_key_served_by_another_distribution_version(base):
    other = copy.deepcopy(base)
    plugin = next(p for p in other["list"]["registries"][0]["plugins"] if p["distribution"])
    plugin["distribution"] = "acme-hcs-plugins 0.4.0"
    assert rows(diff_snapshots(base, other)) == [
        ("plugin", "microscope handler", plugin["key"], "acme-hcs-plugins 0.3.0", "acme-hcs-plugins 0.4.0")
    ]


def test_the_cli_exit_codes(cli, tmp_path):
    same = cli("diff", str(OLD_BUNDLE), str(OLD_BUNDLE))
    assert same.returncode == 0 and "same: nothing that changes discovery differs" in same.stdout
    worker = tmp_path / "worker.json"
    worker.write_text(json.dumps(changed(load_snapshot(str(OLD_BUNDLE)))))
    different = cli("diff", str(OLD_BUNDLE), str(worker), expect=1)
    assert "Cache states (1):\n  storage backend: valid -> stale\n" in different.stdout
    assert different.stdout.rstrip().endswith("8 differences")
    broken = cli("diff", str(OLD_BUNDLE), str(tmp_path / "nope.json"), "--json", expect=2)
    assert broken.json()["error"]["kind"] == "snapshot"
    assert broken.stderr.strip() == f"registry-inspector: {tmp_path / 'nope.json'}: no such file"


def test_a_part_left_out_is_never_called_the_same(cli, tmp_path):
    """A bundle made without its registries section: nothing compared differs, yet nothing can be said to be the
    same (it said 'same' and exited 0, and a maintainer's script took the two environments for equal)."""
    partial = copy.deepcopy(load_snapshot(str(OLD_BUNDLE)))
    partial["list"] = None
    partial["absent"] = {"list": "the 'registries' section was left out when the bundle was made"}
    path = tmp_path / "partial.json"
    path.write_text(json.dumps(partial))
    result = cli("diff", str(OLD_BUNDLE), str(path), expect=1)
    assert "not compared: list: absent in B (the 'registries' section was left out" in result.stdout
    assert result.stdout.rstrip().endswith("not known to be the same: list could not be compared")
    document = cli("diff", str(OLD_BUNDLE), str(path), "--json", expect=1).json()
    assert (document["same"], document["complete"], document["differences"]) == (False, False, [])


def test_other_targets_are_said_once_and_a_missing_cache_equals_none(base):
    """Two snapshots of different targets: 'targets' said first, each one-sided registry once (not again as
    'no cache -> valid'); a cache that is missing on one side and not listed on the other is no difference."""
    other = copy.deepcopy(base)
    other["targets"] = ["uaplug.base"]
    gone = other["list"]["registries"].pop()
    other["status"]["caches"] = [c for c in other["status"]["caches"] if c.get("registry") != gone["name"]]
    listed = next(c for c in base["status"]["caches"] if c.get("registry") != gone["name"])
    mine = copy.deepcopy(base)
    next(c for c in mine["status"]["caches"] if c is not None and c["registry"] == listed["registry"])["state"] = (
        "missing"
    )
    other["status"]["caches"] = [c for c in other["status"]["caches"] if c.get("registry") != listed["registry"]]
    diff = diff_snapshots(mine, other)
    kinds = [(d["kind"], d["name"]) for d in diff["differences"]]
    assert kinds[0] == ("environment", "targets")
    assert diff["differences"][0]["summary"] == "targets: the default targets -> uaplug.base"
    assert ("registry", gone["name"]) in kinds
    assert not [d for d in diff["differences"] if d["kind"] == "cache"], diff["differences"]


def test_a_reader_that_leaves_early_does_not_turn_different_into_same(cli, tmp_path):
    """``diff A B | true``: the answer (1, different) stands; it was 0 ("same") once the pipe closed."""
    import subprocess
    import sys

    worker = tmp_path / "worker.json"
    worker.write_text(json.dumps(changed(load_snapshot(str(OLD_BUNDLE)))))
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "diff", str(OLD_BUNDLE), str(worker)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=cli.cwd,
        env=cli.env(),
    )
    assert process.stdout is not None
    process.stdout.close()  # (before the child writes a byte: every write meets a closed pipe)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 1, stderr
    assert b"Traceback" not in stderr


def test_live_against_a_snapshot_of_itself_is_the_same(cli, tmp_path):
    snapshot = tmp_path / "now.json"
    written = cli("snapshot", "-o", str(snapshot))
    assert written.stdout.startswith(f"wrote {snapshot} (")
    assert cli("diff", "live", str(snapshot)).returncode == 0


def test_a_truncated_bundle_is_one_line_with_the_fix(cli, tmp_path):
    """``head -c 5000 bundle.zip > trunc.zip; registry-inspector diff trunc.zip live``: exit 2, one line."""
    truncated = tmp_path / "trunc.zip"
    truncated.write_bytes(OLD_BUNDLE.read_bytes()[:5000])
    result = cli("diff", str(truncated), "live", expect=2)
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        f"registry-inspector: {truncated} is a damaged or truncated zip (bundle): it starts as a zip, but its end, "
        "the zip's table of contents, is missing (5000 bytes: cut short?); copy the whole file again, or export "
        "the bundle again (registry-inspector bundle -o FILE.zip)"
    ]
    document = cli("diff", str(truncated), "live", "--json", expect=2).json()
    assert document["error"]["kind"] == "snapshot" and "damaged or truncated zip" in document["error"]["message"]


def test_a_truncated_json_snapshot_is_said_to_be_cut_short(cli, tmp_path):
    """As a truncated bundle is: the size, 'cut short?', and the fix."""
    whole = json.dumps(load_snapshot(str(OLD_BUNDLE)), indent=2)
    truncated = tmp_path / "trunc.json"
    truncated.write_text(whole[:5000])
    line = cli("diff", str(truncated), "live", expect=2).stderr.strip().splitlines()[-1]
    assert line.startswith(f"registry-inspector: {truncated} is neither a bundle (zip) nor a JSON snapshot: ")
    assert line.endswith(
        "(5000 bytes: cut short?); copy the whole file again, or take the snapshot again "
        "(registry-inspector snapshot -o FILE.json)"
    ), line
    other = tmp_path / "other.json"
    other.write_text('{"a": 1} trailing words')  # (broken otherwise: no such guess)
    assert "cut short" not in cli("diff", str(other), "live", expect=2).stderr
