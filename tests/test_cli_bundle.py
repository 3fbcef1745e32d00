"""``registry-inspector bundle``: the bug-report zip, redacted by default, driven as a user drives it.

The environment carries planted secrets, ``HOME`` is a temp folder that also
holds the caches, the log and the profile history (so their paths name it), and
two plugins fail with the home path, URL credentials and a token in their
messages. Every member of the zip is read back as text.
"""

from __future__ import annotations

import json
import os
import re
import zipfile

import pytest
from cache_helpers import plugin_files
from cli_helpers import Cli, check_inventory, check_status

PKG = "bugpkg"
TARGET = f"{PKG}.base"
SECRETS = {
    "MY_SERVICE_TOKEN": "s3cr3t-value",
    "DB_PASSWORD": "hunter2hunter2",
    "REGISTRY_CORE_AUTH_TOKEN": "tok-abc123456",
}  # the last is also a listed (REGISTRY_CORE_*) variable
SECTIONS = ["report", "environment", "distributions", "registries", "status", "verify", "caches", "profile", "log"]

BROKEN = """
import os
raise RuntimeError(f"cannot open {os.path.expanduser('~')}/data via https://alice:pw123@example.org")
"""
LEAKY = """
import os
raise RuntimeError("login refused for token " + os.environ["MY_SERVICE_TOKEN"])
"""


@pytest.fixture
def cli(cli, tmp_path, make_package):
    root = make_package(
        plugin_files(PKG, ("alpha", "beta"), extra={f"{PKG}/p_broken.py": BROKEN, f"{PKG}/p_leaky.py": LEAKY})
    )
    home = tmp_path / "home-of-tester"
    home.mkdir()
    runner = cli
    runner.path.append(str(root))
    runner.home = home
    runner.out = tmp_path / "out"
    runner.out.mkdir()
    runner.extra = {
        "HOME": str(home),
        "REGISTRY_CORE_CACHE_DIR": str(home / ".cache" / "rc"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "REGISTRY_INSPECTOR_DATA_DIR": str(home / ".local" / "share" / "registry-inspector"),
        **SECRETS,
    }
    runner.log_path = home / ".local" / "state" / "registry-inspector" / "log" / "registry-inspector.log"
    return runner


def run(cli: Cli, *args: str, expect: int = 0):
    return cli(*args, "--target", TARGET, env=cli.extra, expect=expect)


def read_members(path) -> dict[str, str]:
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode("utf-8") for name in archive.namelist()}


def assert_safe_names(names) -> None:
    for name in names:
        assert not name.startswith(("/", "\\")) and not re.match(r"^[A-Za-z]:", name), name
        assert ".." not in name.split("/") and "\\" not in name, name


def test_bundle_is_redacted_everywhere_and_complete(cli):
    run(cli, "profile", "--runs", "1")  # a recorded profile for profile.json / report.md
    run(cli, "list")  # writes the cache (with both failures and their tracebacks) and the log
    bundle = cli.out / "report.zip"
    result = run(cli, "bundle", "-o", str(bundle))
    assert f"wrote {bundle}" in result.stdout

    members = read_members(bundle)
    assert_safe_names(members)
    assert {
        "manifest.json",
        "redactions.txt",
        "report.md",
        "environment.json",
        "registries.json",
        "status.json",
        "profile.json",
        "log.txt",
    } <= set(members)
    caches = [n for n in members if n.startswith("caches/")]
    assert any(n.startswith("caches/bugpkg/registry_plugin-") for n in caches), caches

    # Nothing private in ANY member, cache files and tracebacks included.
    for name, text in members.items():
        for secret in SECRETS.values():
            assert secret not in text, f"{secret!r} in {name}"
        assert str(cli.home) not in text, f"home path in {name}"
        assert "pw123" not in text and "alice:" not in text, f"URL credentials in {name}"
    # ... yet what was there is still readable.
    registries = json.loads(members["registries.json"])
    failures = {f["module"]: f for r in registries["registries"] for f in r["failures"]}
    assert "~/data via https://<redacted>@example.org" in failures[f"{PKG}.p_broken"]["error"]
    assert "<redacted:MY_SERVICE_TOKEN>" in failures[f"{PKG}.p_leaky"]["error"]
    assert "Traceback" in failures[f"{PKG}.p_broken"]["traceback"]
    cache_text = members[next(n for n in caches if "registry_plugin-" in n)]
    assert "https://<redacted>@example.org" in cache_text and "~/" in cache_text
    env = json.loads(members["environment.json"])
    assert env["env"]["REGISTRY_CORE_AUTH_TOKEN"] == "<redacted:REGISTRY_CORE_AUTH_TOKEN>"
    assert env["env"]["REGISTRY_CORE_CACHE_DIR"] == "~/.cache/rc"
    assert env["versions"]["registry-inspector"] and "PyQt6" in env["versions"] and "pyqtgraph" in env["versions"]
    assert "<redacted>@example.org" in members["log.txt"]
    assert env["platform"]["os_release"] is None or env["platform"]["os_release"]["NAME"]
    # distributions.json: pip inspect's list (this project is installed editable) and pip check's verdict.
    dists = json.loads(members["distributions.json"])
    ours = [d for d in dists["distributions"] if d["name"] == "registry-inspector"]
    assert any(d["editable"] for d in ours) and all(d["version"] and d["location"] for d in ours)
    assert [d.get("shadowed", False) for d in ours] == [False] + [True] * (len(ours) - 1)  # the checkout's egg-info
    assert dists["count"] == len(dists["distributions"]) and isinstance(dists["conflicts"], list)

    redactions = members["redactions.txt"]
    for kind in ("home directory", "environment variables", "credentials in URLs"):
        assert kind in redactions
    assert "MY_SERVICE_TOKEN" in redactions  # names only, never values

    manifest = json.loads(members["manifest.json"])
    assert manifest["schema"] == 1 and manifest["redacted"] is True
    assert [s["id"] for s in manifest["sections"]] == SECTIONS
    assert all(s["included"] and s["members"] for s in manifest["sections"]), manifest["sections"]
    assert {m["name"] for m in manifest["members"]} == set(members) - {"manifest.json", "redactions.txt"}
    assert manifest["tool"]["registry-inspector"] and manifest["tool"]["python"]

    # registries.json / status.json are the list --json / status --json documents.
    listed = run(cli, "list", "--json").json()
    assert sorted(check_inventory(registries)) == sorted(check_inventory(listed))
    status = json.loads(members["status.json"])
    assert set(check_status(status)) == set(check_status(run(cli, "status", "--json").json()))

    # verify.json: the registry as this process listed it, against a fresh discovery of the same target.
    verified = json.loads(members["verify.json"])
    assert verified["agree"] is True and [e["qualified_name"] for e in verified["registries"]] == [f"{PKG}.base.Plugin"]

    report = members["report.md"]
    assert report.startswith("# Registry Inspector bug report")
    assert "**Against a fresh discovery:** every registry agrees (1)." in report
    for needle in (
        "## Environment",
        "## Registries",
        "## Caches",
        "## Profile",
        f"`{PKG}.p_broken`",
        "RuntimeError",
        "```\nTraceback",
        "| plugin |",
        "cold median",
        "valid",
        "- Installed distributions: ",
    ):
        assert needle in report, needle


def test_no_redact_keeps_everything(cli):
    run(cli, "list")
    bundle = cli.out / "raw.zip"
    run(cli, "bundle", "-o", str(bundle), "--no-redact")
    members = read_members(bundle)
    everything = "\n".join(members.values())
    assert str(cli.home) in members["registries.json"]
    assert "https://alice:pw123@example.org" in members["registries.json"]
    assert SECRETS["MY_SERVICE_TOKEN"] in members["registries.json"]
    assert json.loads(members["environment.json"])["env"]["REGISTRY_CORE_AUTH_TOKEN"] == "tok-abc123456"
    assert "pw123" in members["log.txt"]
    assert "<redacted" not in everything
    assert "OFF" in members["redactions.txt"]
    manifest = json.loads(members["manifest.json"])
    assert manifest["redacted"] is False
    # No profile recorded in this test: the section is left out, and says why.
    profile = next(s for s in manifest["sections"] if s["id"] == "profile")
    assert not profile["included"] and "no profile" in profile["note"]
    assert "profile.json" not in members


def test_existing_output_needs_force_and_is_replaced_atomically(cli):
    bundle = cli.out / "bundle.zip"
    bundle.write_bytes(b"not a zip, and precious")
    refused = run(cli, "bundle", "-o", str(bundle), expect=2)
    assert "exists" in refused.stderr and "--force" in refused.stderr
    assert bundle.read_bytes() == b"not a zip, and precious"

    done = run(cli, "bundle", "-o", str(bundle), "--force", "--json").json()
    assert done["path"] == str(bundle) and done["redacted"] is True
    assert done["members"][:2] == ["manifest.json", "redactions.txt"]
    assert done["sections"] == [s for s in SECTIONS if s != "profile"]
    members = read_members(bundle)
    assert set(members) == set(done["members"])
    assert sorted(os.listdir(cli.out)) == ["bundle.zip"]  # no temp file left behind

    missing = run(cli, "bundle", "-o", str(cli.out / "no-such-folder" / "b.zip"), expect=2)
    assert "does not exist" in missing.stderr
    usage = cli("bundle", "--target", TARGET, env=cli.extra, expect=2)  # -o is required
    assert "-o" in usage.stderr


def test_library_api_sections_and_member_names(tmp_path, monkeypatch):
    from registry_core.diagnostics import bundle

    ids = [sid for sid, _title in bundle.bundle_sections()]
    assert ids == SECTIONS and all(title for _sid, title in bundle.bundle_sections())
    for bad in ("../etc/passwd", "/abs/path.json", "C:\\x\\..\\y.txt", "caches/../../z"):
        safe = bundle.safe_member_name(bad)
        assert_safe_names([safe])
    redactor = bundle.Redactor(
        environ={"API_KEY": "abcdef123", "SHORT_TOKEN": "x1"}, homes=["/home/zed"], users=["zed"]
    )
    text = redactor.text("zed at /home/zed/x and /home/zedd; key abcdef123; ftp://u:p@h/x?a=1&token=zz9")
    assert text == ("zed at ~/x and /home/zedd; key <redacted:API_KEY>; ftp://<redacted>@h/x?a=1&token=<redacted>")
    assert redactor.env_value("SHORT_TOKEN", "x1") == "<redacted:SHORT_TOKEN>"
    with pytest.raises(ValueError):
        bundle.build_bundle(str(tmp_path / "x.zip"), [], sections=["nope"])


def test_an_unwritable_folder_is_named_not_a_temporary_file(cli, tmp_path):
    from cache_helpers import read_only

    folder = tmp_path / "locked"
    folder.mkdir()
    with read_only(folder) as refused:
        assert refused, "this machine cannot make a folder refuse new files (chattr or chmod)"
        result = run(cli, "bundle", "-o", str(folder / "bug.zip"), expect=2)
    line = result.stderr.strip().splitlines()[-1]
    assert f"folder {folder} is not writable" in line and "choose another folder" in line
    assert ".tmp" not in line and "bug.zip." not in line
