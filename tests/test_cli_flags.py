"""The command line's own flags: ``--version``, ``--help`` naming the window and its flags, and the window's
flags refused in one line before any window opens (``--size abc``, ``--screenshot`` into a missing folder)."""

from __future__ import annotations

import platform
import re
import sys

import pytest

from registry_core import __version__ as CORE_VERSION

VERSION = f"registry-inspector {CORE_VERSION} (registry_core {CORE_VERSION}, Python {platform.python_version()})"
WINDOW_FLAGS = ("gui", "--theme", "--screenshot", "--tab", "--size", "--smoke-test", "--python", "--target")


@pytest.mark.parametrize("argv", [("--version",), ("gui", "--version"), ("--theme", "dark", "--version")])
def test_version_of_the_cli_and_of_the_window_entry(cli, argv):
    result = cli(*argv)
    assert result.stdout == VERSION + "\n"
    assert result.stderr == ""


def test_version_without_the_app_names_the_core():
    """``python -m registry_core.cli`` (what --python runs in another environment) knows no app."""
    import subprocess

    from helpers import ROOT

    out = subprocess.run(
        [sys.executable, "-m", "registry_core.cli", "--version"], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout == f"registry_core {CORE_VERSION} (Python {platform.python_version()})\n"


def test_help_names_the_window_and_every_window_flag(cli):
    text = cli("--help").stdout
    assert text.startswith("usage: registry-inspector")
    assert "--version" in text
    window = text[text.index("window (no COMMAND, or gui, opens it):") :]
    assert "usage: registry-inspector gui" in window
    for flag in WINDOW_FLAGS:
        assert re.search(rf"(^|\s|\[){re.escape(flag)}\b", window), f"{flag} missing from --help"


def test_the_window_help_without_the_cli_help(cli):
    text = cli("gui", "--help").stdout
    assert text.startswith("usage: registry-inspector gui")
    for flag in WINDOW_FLAGS[1:]:
        assert flag in text


@pytest.mark.parametrize(
    "size, words",
    [
        ("abc", "argument --size: expected WIDTHxHEIGHT in pixels such as 1280x800, not 'abc'"),
        ("800", "argument --size: expected WIDTHxHEIGHT in pixels such as 1280x800, not '800'"),
        ("10x10", "argument --size: '10x10' is too small: at least 100x100"),
    ],
)
def test_a_wrong_size_is_one_usage_line_not_a_traceback(cli, size, words):
    result = cli("gui", "--size", size, expect=2)
    assert result.stdout == ""
    assert result.stderr == f"registry-inspector gui: {words} (see registry-inspector gui --help)\n"


@pytest.mark.parametrize(
    "path, words",
    [
        ("/nonexistent/x.png", "the folder /nonexistent does not exist"),
        ("{tmp}/shot.txt", "the file name must end with .png, .jpg, .jpeg, .bmp"),
        ("{tmp}/folder.png", "that is a folder"),
    ],
)
def test_a_screenshot_that_cannot_be_written_fails_before_the_window_opens(cli, tmp_path, path, words):
    (tmp_path / "folder.png").mkdir()
    path = path.format(tmp=tmp_path)
    result = cli("--screenshot", path, "--theme", "light", expect=2)
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"registry-inspector gui: --screenshot {path}: {words}"), line
    assert "Traceback" not in result.stderr


def test_screenshot_and_size_parse_to_what_the_window_uses():
    from app.gui import parse_args

    args = parse_args(["gui", "--size", "1024X640", "--screenshot", "shot.png"])
    assert args.size == (1024, 640) and args.screenshot == "shot.png"
    assert parse_args([]).size == (1280, 800)


def test_cli_version_on_stdout_from_the_subcommand_parser_entry(cli):
    """``registry-inspector --version --target x`` reaches the CLI's own parser (not the window's)."""
    import contextlib
    import io

    from registry_core.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out), pytest.raises(SystemExit) as exit_:
        main(["--version"], version=lambda: "app 9 (core)")
    assert exit_.value.code == 0 and out.getvalue() == "app 9 (core)\n"
