"""What the bundle adds for a maintainer: the reporter's words, Qt's runtime, the OS, every distribution and its
conflicts (``pip inspect`` / ``pip check``), and a dry run that previews every member exactly as the zip holds it."""

from __future__ import annotations

import json
import os
import zipfile

import pytest

from registry_core.diagnostics.bundle import build_bundle, distributions, environment
from registry_core.diagnostics.render.markdown import distributions_line

QUICK = ["report", "environment", "distributions"]  # no fresh-process section: fast


def _dist_info(site, name, version, requires=(), editable=None):
    folder = site / f"{name.replace('-', '_')}-{version}.dist-info"
    folder.mkdir(parents=True)
    lines = ["Metadata-Version: 2.1", f"Name: {name}", f"Version: {version}"]
    lines += [f"Requires-Dist: {r}" for r in requires]
    (folder / "METADATA").write_text("\n".join(lines) + "\n")
    (folder / "INSTALLER").write_text("pip\n")
    if editable is not None:
        (folder / "direct_url.json").write_text(
            json.dumps({"url": f"file://{site}/src/{name}", "dir_info": {"editable": editable}})
        )
    return folder


@pytest.fixture
def site(tmp_path):
    site = tmp_path / "site"
    needs = ["beta>=2.0", "gamma", "delta>=1; extra == 'docs'", "eps>=9; sys_platform == 'nope'"]
    _dist_info(site, "alpha", "1.0", needs)
    _dist_info(site, "beta", "1.5")
    _dist_info(site, "My_Tool", "0.3", ["beta (>=1.0,<2)"], editable=True)
    shadow = tmp_path / "later"
    _dist_info(shadow, "beta", "3.0")
    return [str(site), str(shadow)]


def test_installed_distributions_like_pip_inspect(site):
    found = distributions.installed_distributions(site)
    assert [(d["name"], d["version"], d.get("shadowed", False)) for d in found] == [
        ("alpha", "1.0", False),
        ("beta", "1.5", False),
        ("beta", "3.0", True),  # a later path entry: not the one imported
        ("My_Tool", "0.3", False),
    ]
    tool = next(d for d in found if d["name"] == "My_Tool")
    assert tool["editable"] is True and tool["location"] == site[0] and tool["installer"] == "pip"
    assert tool["editable_project_location"].endswith("/src/My_Tool")
    assert not next(d for d in found if d["name"] == "alpha")["editable"]


@pytest.mark.parametrize("parser", ["packaging", "built-in"])
def test_conflicts_like_pip_check(site, monkeypatch, parser):
    if parser == "built-in":
        monkeypatch.setattr(distributions, "_requirement_parser", lambda: (distributions._parse_requirement, "x"))
    check = distributions.conflicts(distributions.installed_distributions(site))
    found = {(c["name"], c["requires"], c["kind"], c["installed"]) for c in check["conflicts"]}
    # beta 1.5 (not the shadowed 3.0) breaks alpha's >=2.0; gamma is missing; the extra and the marker that
    # does not apply here are not checked; My_Tool's beta (>=1.0,<2) is met.
    assert found == {("alpha", "beta", "version", "1.5"), ("alpha", "gamma", "missing", None)}
    message = next(c["message"] for c in check["conflicts"] if c["requires"] == "beta")
    assert message == "alpha 1.0 requires beta>=2.0, but beta 1.5 is installed"


@pytest.mark.parametrize(
    ("requirement", "version", "applies", "ok"),
    [
        ("foo>=1.2", "1.10", True, True),
        ("foo (>=1.2,<2)", "2.0", True, False),
        ("foo[extra]~=1.4", "1.9.1", True, True),
        ("foo~=1.4.2", "1.5", True, False),
        ("foo==1.*", "1.7rc1", True, True),
        ("foo!=1.0", "1.0.0", True, False),
        ('foo; python_version >= "3.0" and os_name == "posix"', "0.1", True, True),
        ('foo>=5; python_version < "3.0" or sys_platform == "win32"', "1", False, False),
        ('foo; extra == "test"', "1", False, True),
    ],
)
def test_the_built_in_parser(requirement, version, applies, ok):
    env = dict(distributions.default_environment(), python_version="3.11", os_name="posix", sys_platform="linux")
    name, does_apply, contains = distributions._parse_requirement(requirement, env)
    assert name == "foo" and does_apply is applies and contains(version) is ok


def test_the_built_in_parser_skips_what_it_cannot_read():
    env = distributions.default_environment()
    assert distributions._parse_requirement('foo; (os_name == "posix")', env) is None
    assert distributions._parse_requirement("foo >= ???", env) is None
    assert distributions._parse_requirement('foo; weird_var == "1"', env) is None


def test_distributions_line():
    doc = {"count": 3, "editable": 1, "checker": "packaging 24", "conflicts": []}
    expected = "3 (1 editable; see distributions.json); conflicts, checked with packaging 24: none"
    assert distributions_line(doc) == expected
    doc["conflicts"] = [{"message": "a 1 requires b>=2, but b 1 is installed"}]
    assert distributions_line(doc).endswith("**1**: a 1 requires b>=2, but b 1 is installed")


def test_os_release_from_the_reader():
    fake = {"NAME": "Fedora Linux", "VERSION_ID": "40", "ID": "fedora", "HOME_URL": "https://x", "LOGO": ""}
    assert environment.os_release(lambda: fake) == {"NAME": "Fedora Linux", "VERSION_ID": "40", "ID": "fedora"}

    def missing():
        raise OSError("no os-release")

    assert environment.os_release(missing) is None


def _zip(path):
    with zipfile.ZipFile(path) as archive:
        return {name: archive.read(name).decode() for name in archive.namelist()}


REPORT = {
    "title": "Cache  stays stale\nafter upgrade",
    "what_happened": f"The cache in {os.path.expanduser('~')}/proj was stale. token=ghp_" + "a" * 36,
    "steps": "1. pip install -U foo\n2. registry-inspector status",
}
QT = {"qt_version": "6.11.0", "pyqt_version": "6.11.0", "qt_platform": "xcb"}


def test_report_fields_qt_runtime_and_os_go_into_the_bundle(tmp_path, monkeypatch):
    monkeypatch.setattr(environment, "os_release", lambda: {"NAME": "Debian GNU/Linux", "VERSION_ID": "12"})
    result = build_bundle(str(tmp_path / "b.zip"), [], sections=QUICK, report=REPORT, extra_environment=QT)
    members = _zip(result.path)
    assert {"distributions.json", "report.md", "environment.json"} <= set(members)
    report = members["report.md"]
    assert report.startswith("# Registry Inspector bug report: Cache stays stale after upgrade\n")
    assert "## What happened\n\nThe cache in ~/proj was stale. token=<redacted" in report  # redacted like the rest
    assert "ghp_" not in report
    assert "## Steps to reproduce\n\n1. pip install -U foo\n2. registry-inspector status\n" in report
    assert "- Runtime: qt_version 6.11.0, pyqt_version 6.11.0, qt_platform xcb" in report
    assert "- OS: Debian GNU/Linux (NAME Debian GNU/Linux, VERSION_ID 12)" in report
    assert "- Installed distributions: " in report and "editable" in report
    env = json.loads(members["environment.json"])
    assert env["runtime"] == QT and env["platform"]["os_release"]["VERSION_ID"] == "12"
    manifest = json.loads(members["manifest.json"])
    assert next(s for s in manifest["sections"] if s["id"] == "distributions")["members"] == ["distributions.json"]


def test_the_environment_is_the_users_not_the_inspectors_plumbing(monkeypatch):
    """The --python bridge and the variables the inspector set for itself are not what the user set."""
    from registry_core import _environ

    monkeypatch.setattr(_environ, "_ORIGINAL", {})
    monkeypatch.setenv("XDG_CACHE_HOME", "/home/me/.cache")
    monkeypatch.delenv("REGISTRY_CORE_CACHE_DIR", raising=False)
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(["/bridge/registry_core", "/home/me/src"]))
    monkeypatch.setenv("REGISTRY_INSPECTOR_BRIDGE", "/bridge/registry_core")
    _environ.set_env_internally("XDG_CACHE_HOME", "/tmp/registry-inspector-mr-x")
    _environ.set_env_internally("REGISTRY_CORE_CACHE_DIR", "/home/me/.cache")
    _environ.set_env_internally("XDG_CACHE_HOME", "/tmp/second")  # (the first original is the user's)
    assert os.environ["XDG_CACHE_HOME"] == "/tmp/second"  # the process itself still uses its own
    shown = environment.relevant_env()
    assert shown["XDG_CACHE_HOME"] == "/home/me/.cache"
    assert "REGISTRY_CORE_CACHE_DIR" not in shown and "REGISTRY_INSPECTOR_BRIDGE" not in shown
    assert shown["PYTHONPATH"] == "/home/me/src"
    monkeypatch.setenv("PYTHONPATH", "/bridge/registry_core")
    assert "PYTHONPATH" not in environment.relevant_env()  # the bridge alone: the user set none


def test_without_details_the_report_is_as_before(tmp_path):
    members = _zip(build_bundle(str(tmp_path / "b.zip"), [], sections=QUICK).path)
    assert members["report.md"].startswith("# Registry Inspector bug report\n")
    assert "## What happened" not in members["report.md"] and "- Runtime:" not in members["report.md"]


def test_dry_run_previews_every_member_exactly_and_writes_nothing(tmp_path):
    target = tmp_path / "b.zip"
    preview = build_bundle(str(target), [], sections=QUICK, report=REPORT, extra_environment=QT, dry_run=True)
    assert not target.exists() and os.listdir(tmp_path) == []
    assert preview.dry_run and preview.to_dict()["dry_run"] is True
    names = [name for name, _text in preview.contents]
    assert names == preview.members and names[:2] == ["manifest.json", "redactions.txt"]
    # The export reuses the previewed documents: the same members with the same text (timestamps aside).
    written = build_bundle(str(target), [], sections=QUICK, report=REPORT, documents=preview.documents)
    members = _zip(written.path)
    assert list(members) == names
    for name, text in preview.contents:
        if name not in ("manifest.json", "report.md"):
            assert members[name] == text, name
    assert json.loads(members["environment.json"])["runtime"] == QT  # from the reused documents
    assert preview.contents[names.index("report.md")][1].splitlines()[2:] == members["report.md"].splitlines()[2:]


def test_dry_run_reuses_documents_and_builds_only_what_is_missing(tmp_path, monkeypatch):
    calls = []
    real = distributions.distributions_document
    monkeypatch.setattr(distributions, "distributions_document", lambda: calls.append(1) or real())
    first = build_bundle("", [], sections=["environment"], dry_run=True)
    assert "distributions" not in first.documents.built and calls == []
    second = build_bundle("", [], sections=QUICK, dry_run=True, documents=first.documents, redact=False)
    assert calls == [1] and {"environment", "distributions"} <= second.documents.built
    assert second.documents.environment is first.documents.environment  # reused, not rebuilt
    build_bundle("", [], sections=QUICK, dry_run=True, documents=second.documents)
    assert calls == [1]


def test_a_registry_served_from_its_cache_says_whose_discovery_time_the_report_shows(cli, tmp_path):
    """No discovery ran in the process that made the bundle: the figure is the run that wrote the cache."""
    cli("list")  # the caches written
    cli("list")  # (and any folder stamp a __pycache__ moved, stored)
    path = tmp_path / "warm.zip"
    cli("bundle", "-o", str(path))
    report = _zip(str(path))["report.md"]
    rows = [line for line in report.splitlines() if line.startswith("| zmq server | openhcs_demo.runtime.servers |")]
    assert len(rows) == 1 and "| cache | " in rows[0] and " ms (the run that wrote the cache) |" in rows[0], rows
