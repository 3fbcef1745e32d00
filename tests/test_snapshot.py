"""Snapshots: written by ``snapshot``, assembled from a bundle's members, read back by ``load_snapshot``.

A bundle holds no second copy of the documents: its manifest names the members that make its snapshot, so a
bundle and a snapshot taken of the same environment read as the same document (and ``diff`` says "same").
A bundle whose sections were left out opens with those parts absent, each with why; the bundle committed
before the format gained ``tool`` and ``snapshot`` (tests/fixtures) still opens.
"""

from __future__ import annotations

import json
import os
import zipfile
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from registry_core.diagnostics import (
    SnapshotError,
    build_bundle,
    build_snapshot,
    describe_snapshot,
    diff_snapshots,
    load_snapshot,
    snapshot_from_document,
)
from registry_core.diagnostics.diff import verdict
from registry_core.diagnostics.json_schemas import load_schema

FIXTURES = Path(__file__).parent / "fixtures"
#: A bundle written by main before snapshots existed (no "tool" name/version, no manifest "snapshot").
OLD_BUNDLE = FIXTURES / "bundle-v1-2026-12-02.zip"


@pytest.fixture
def demo(demo_in_process):
    from app.demo import load_demo

    registries = load_demo()
    for registry in registries:
        registry.discover()
    return registries


def keys(snapshot: dict) -> dict[str, list]:
    return {r["name"]: sorted(p["key"] for p in r["plugins"]) for r in snapshot["list"]["registries"]}


def test_a_snapshot_nests_list_status_environment_and_the_latest_profile_redacted(demo, tmp_path):
    snapshot = build_snapshot(demo)
    assert Draft202012Validator(load_schema("snapshot")).is_valid(snapshot)
    assert snapshot["tool"]["name"] == "registry-inspector"
    assert set(keys(snapshot)) == {r.name for r in demo}
    assert {c["registry"] for c in snapshot["status"]["caches"]} >= {r.name for r in demo}
    assert snapshot["environment"]["python"]["version"]
    assert snapshot["profile"] is None and "profile" in snapshot["absent"]  # none recorded in this test's home
    assert snapshot["redacted"] is True
    assert os.path.expanduser("~") not in json.dumps(snapshot)


def test_a_written_snapshot_reads_back_as_itself(demo, tmp_path):
    from registry_core.diagnostics.snapshot import write_snapshot

    snapshot = build_snapshot(demo)
    path = tmp_path / "s.json"
    write_snapshot(snapshot, str(path))
    loaded = load_snapshot(str(path))
    assert loaded["source"]["kind"] == "snapshot" and loaded["source"]["path"] == str(path)
    assert keys(loaded) == keys(snapshot) and loaded["status"] == snapshot["status"]
    assert loaded["notes"] == []
    assert diff_snapshots(snapshot, loaded)["same"] is True
    assert "snapshot s.json from " in describe_snapshot(loaded)


def test_a_bundle_opens_as_the_same_snapshot_without_holding_a_second_copy(demo, tmp_path):
    path = tmp_path / "b.zip"
    build_bundle(str(path), demo, sections=["registries", "status", "environment"])
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
    assert not any("snapshot" in name for name in names), "the snapshot is assembled from the members"
    assert manifest["snapshot"]["parts"]["list"] == "registries.json"
    loaded = load_snapshot(str(path))
    assert loaded["source"]["kind"] == "bundle" and loaded["tool"]["name"] == "registry-inspector"
    assert keys(loaded) == keys(build_snapshot(demo))
    assert diff_snapshots(build_snapshot(demo), loaded)["same"] is True


def test_a_bundle_with_sections_left_out_opens_with_those_parts_absent(demo, tmp_path):
    path = tmp_path / "b.zip"
    build_bundle(str(path), demo, sections=["registries"])
    loaded = load_snapshot(str(path))
    assert loaded["list"] is not None
    for part, section in (("status", "status"), ("environment", "environment"), ("profile", "profile")):
        assert loaded[part] is None
        assert loaded["absent"][part] == f"the {section!r} section was left out when the bundle was made"
    diff = diff_snapshots(loaded, build_snapshot(demo))
    # Nothing compared differs, but what was not compared may: never "same" (a script would take it for that).
    assert diff["differences"] == [] and diff["same"] is False and diff["complete"] is False
    assert "status: absent in A (the 'status' section was left out when the bundle was made)" in diff["not_compared"]
    assert verdict(diff) == "not known to be the same: environment and status could not be compared"
    assert diff_snapshots(build_snapshot(demo), build_snapshot(demo))["same"] is True


def test_the_bundle_written_before_the_format_changed_still_opens():
    loaded = load_snapshot(str(OLD_BUNDLE))
    assert [r["name"] for r in loaded["list"]["registries"]] == [
        "microscope handler",
        "storage backend",
        "zmq server",
        "library registry",
        "format registry",
    ]
    assert {c["registry"]: c["state"] for c in loaded["status"]["caches"]}["zmq server"] == "valid"
    assert loaded["environment"]["python"]["version"] == "3.11.7" and loaded["profile"] is not None
    assert loaded["absent"] == {}
    assert loaded["created_utc"] == "2026-12-02T02:07:36Z"
    # What it is, said once: older than the snapshot format, its parts read from their usual members.
    assert loaded["notes"] == [
        "a bundle from before snapshots (its manifest names no snapshot): parts read from registries.json, "
        "status.json, environment.json, profile.json"
    ]
    assert "bug-report bundle bundle-v1-2026-12-02.zip" in describe_snapshot(loaded)
    assert diff_snapshots(loaded, loaded)["same"] is True


def test_a_newer_schema_opens_with_what_it_lacks_said(tmp_path):
    old = load_snapshot(str(OLD_BUNDLE))
    newer = {**old, "schema": 2, "tool": {"name": "registry-inspector", "version": "9.0"}}
    newer["status"] = {"schema": 2, "entries": []}  # renamed in that future: this version cannot read it
    newer["absent"], newer["notes"] = {}, []
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(newer))
    loaded = load_snapshot(str(path))
    assert loaded["status"] is None
    assert loaded["absent"]["status"] == (
        "its status part has no 'caches' (a format this version does not read: written by registry-inspector 9.0)"
    )
    assert loaded["notes"][0].startswith(
        "written by registry-inspector 9.0 in snapshot schema 2; this registry-inspector reads schema 1"
    )
    assert loaded["list"] is not None


def test_a_lone_list_document_is_a_snapshot_with_only_that_part(demo):
    from registry_core.diagnostics import inventory

    loaded = snapshot_from_document(inventory(demo))
    assert loaded["list"] is not None and loaded["status"] is None
    assert loaded["absent"]["status"] == "a list --json document holds only its own part"


@pytest.mark.parametrize(
    "content, message",
    [
        (None, "no such file"),
        (b"not json", "is neither a bundle (zip) nor a JSON snapshot"),
        (b"[1, 2]", "is not a snapshot: a JSON list, not an object"),
        (b'{"schema": 1, "rows": []}', "is not a registry-inspector snapshot (it holds rows, schema)"),
        ("zip", "is a zip without manifest.json: not a registry-inspector bundle"),
    ],
)
def test_what_is_not_a_snapshot_is_said_in_one_line(tmp_path, content, message):
    path = tmp_path / "x"
    if content == "zip":
        with zipfile.ZipFile(path, "w") as archive:
            archive.writestr("hello.txt", "hi")
    elif content is not None:
        path.write_bytes(content)
    with pytest.raises(SnapshotError, match="^" + str(path)) as raised:
        load_snapshot(str(path))
    assert message in str(raised.value) and "\n" not in str(raised.value)


@pytest.mark.parametrize("cut", [5000, 2], ids=["cut at 5000 bytes", "only the zip magic"])
def test_a_truncated_bundle_is_said_to_be_one_with_the_fix(tmp_path, cut):
    """A bundle cut short (a copy or a download that did not finish) starts with the zip magic but has no
    end; it is named as a damaged or truncated zip, not read as text ("'utf-8' codec can't decode...")."""
    whole = OLD_BUNDLE.read_bytes()
    assert len(whole) > cut
    path = tmp_path / "trunc.zip"
    path.write_bytes(whole[:cut])
    with pytest.raises(SnapshotError) as raised:
        load_snapshot(str(path))
    message = str(raised.value)
    assert message.startswith(f"{path} is a damaged or truncated zip (bundle): it starts as a zip, but its end")
    assert f"({cut} bytes: cut short?)" in message
    assert "copy the whole file again, or export the bundle again" in message
    assert "utf-8" not in message and "neither" not in message and "\n" not in message


def test_a_bundle_damaged_inside_is_said_to_be_one(tmp_path):
    """The table of contents intact but a member's deflated bytes overwritten: zlib's error, in the same line."""
    path = tmp_path / "damaged.zip"
    with zipfile.ZipFile(OLD_BUNDLE) as archive:
        info = archive.getinfo("registries.json")
    data = bytearray(OLD_BUNDLE.read_bytes())
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    data[start + 10 : start + 80] = b"\xff" * 70
    path.write_bytes(bytes(data))
    with pytest.raises(SnapshotError) as raised:
        load_snapshot(str(path))
    message = str(raised.value)
    assert message.startswith(f"{path} is a damaged or truncated zip (bundle): it starts as a zip, but its contents")
    assert "export the bundle again" in message and "\n" not in message
