"""The rule for real-X-server tests: run with Xvfb; without it skip on a developer's machine, fail under CI."""

from __future__ import annotations

import pytest
from xvfb_rule import find_xvfb, require_xvfb, running_in_ci, xvfb_decision


def _none(_name):
    return None


@pytest.mark.parametrize(
    ("ci", "expected"),
    [(None, False), ("", False), ("0", False), ("false", False), ("true", True), ("1", True), ("yes", True)],
)
def test_running_in_ci(ci, expected):
    assert running_in_ci({} if ci is None else {"CI": ci}) is expected


def test_present_runs_whatever_ci_says():
    found = lambda name: "/opt/x/bin/Xvfb" if name == "Xvfb" else None  # noqa: E731
    assert xvfb_decision({}, found) == ("run", "/opt/x/bin/Xvfb")
    assert xvfb_decision({"CI": "true"}, found) == ("run", "/opt/x/bin/Xvfb")


def test_missing_skips_loudly_without_ci():
    verdict, reason = xvfb_decision({}, _none)
    assert verdict == "skip"
    assert reason.startswith("XVFB MISSING") and "did NOT run" in reason and "apt-get install xvfb" in reason


def test_missing_fails_under_ci():
    verdict, reason = xvfb_decision({"CI": "true"}, _none)
    assert verdict == "fail" and "CI is set" in reason and ".ci/run installs it" in reason


def test_require_xvfb_with_a_path_without_xvfb(monkeypatch, tmp_path):
    """The real lookup: PATH holding no Xvfb skips, or fails with CI=true."""
    monkeypatch.setenv("PATH", str(tmp_path))
    assert find_xvfb() is None
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="XVFB MISSING"):
        require_xvfb()
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI is set"):
        require_xvfb()


def test_require_xvfb_finds_one_on_path(monkeypatch, tmp_path):
    fake = tmp_path / "Xvfb"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("CI", "true")
    assert require_xvfb() == str(fake)
