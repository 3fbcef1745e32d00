"""Desktop integration files agree with the app and the project: one app id, one name, one version, every icon."""

from __future__ import annotations

import configparser
import re
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET

import pytest
from helpers import ROOT

PACKAGING = ROOT / "packaging"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def _gui():
    from app import gui

    return gui


def _desktop_file():
    return PACKAGING / f"{_gui().DESKTOP_FILE}.desktop"


def _metainfo_file():
    return PACKAGING / f"{_gui().DESKTOP_FILE}.metainfo.xml"


def _desktop_entry() -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str
    parser.read(_desktop_file(), encoding="utf-8")
    return dict(parser["Desktop Entry"])


def _pyproject(key: str) -> str:
    match = re.search(rf'^{key}\s*=\s*"([^"]+)"', (ROOT / "pyproject.toml").read_text(), re.MULTILINE)
    assert match, key
    return match.group(1)


def _png_size(path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    return struct.unpack(">II", data[16:24])


def test_desktop_file_matches_the_app():
    gui = _gui()
    assert _desktop_file().is_file(), f"the .desktop file must be named after setDesktopFileName({gui.DESKTOP_FILE!r})"
    entry = _desktop_entry()
    assert entry["Type"] == "Application"
    assert entry["Name"] == gui.APP_NAME
    assert entry["Icon"] == gui.DESKTOP_FILE
    assert entry["Exec"].split()[0] == "registry-inspector"
    assert 'registry-inspector = "app.__main__:main"' in (ROOT / "pyproject.toml").read_text()


def test_icon_theme_has_every_size_of_the_desktop_icon():
    icon = _desktop_entry()["Icon"]
    assert (ROOT / "resources" / "icons" / "registry-inspector.svg").is_file()
    for size in ICON_SIZES:
        png = ROOT / "resources" / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{icon}.png"
        assert png.is_file(), f"{png} missing: run packaging/make_icons.py"
        assert _png_size(png) == (size, size), png


def test_metainfo_matches_the_app_and_the_project():
    gui = _gui()
    root = ET.parse(_metainfo_file()).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == gui.DESKTOP_FILE
    assert root.findtext("name") == gui.APP_NAME
    assert root.find("launchable").text == _desktop_file().name
    assert root.findtext("project_license") == _pyproject("license")
    releases = [r.get("version") for r in root.iter("release")]
    assert releases and releases[0] == _pyproject("version"), "add a <release> for the project's version"
    assert [b.text for b in root.iter("binary")] == ["registry-inspector"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="desktop-file-utils not installed")
def test_desktop_file_validates():
    result = subprocess.run(["desktop-file-validate", str(_desktop_file())], capture_output=True, text=True)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="appstream not installed")
def test_metainfo_validates():
    result = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(_metainfo_file())], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
