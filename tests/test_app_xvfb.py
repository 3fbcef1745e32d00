"""The window in a real X server (Xvfb + the xcb platform plugin), clicked through its toolbar.

The pytest process stays offscreen; a fresh interpreter runs ``xvfb_driver.py`` against an Xvfb this
module starts (``-displayfd``: the server picks a free display itself and tells us which, so parallel
runs and a developer's own X server are never disturbed). Without Xvfb these tests skip with a loud reason on a
developer's machine and fail under ``CI=true`` (``.ci/run`` installs it): ``xvfb_rule.py``.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from helpers import DEMO_REGISTRIES, ROOT
from PyQt6.QtGui import QImage
from xvfb_rule import require_xvfb

DRIVER = Path(__file__).resolve().parent / "xvfb_driver.py"
SCREEN = (1280, 800)


def _xvfb_executable() -> str:
    return require_xvfb()


@pytest.fixture
def xvfb(tmp_path):
    """A private Xvfb server for one test: yields its DISPLAY (":N"); terminated afterwards."""
    exe = _xvfb_executable()
    read_fd, write_fd = os.pipe()
    log = open(tmp_path / "xvfb.log", "wb")
    proc = subprocess.Popen(
        [
            exe,
            "-displayfd",
            str(write_fd),
            "-screen",
            "0",
            f"{SCREEN[0]}x{SCREEN[1]}x24",
            "-nolisten",
            "tcp",
            "-noreset",
        ],
        pass_fds=(write_fd,),
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=log,
    )
    os.close(write_fd)
    try:
        data = b""
        while not data.endswith(b"\n"):
            ready, _, _ = select.select([read_fd], [], [], 15)
            chunk = os.read(read_fd, 32) if ready else b""
            if not chunk:
                break
            data += chunk
        if not data.strip().isdigit():
            proc.kill()
            proc.wait()
            pytest.fail(
                f"Xvfb did not start (exit {proc.poll()}):\n{(tmp_path / 'xvfb.log').read_text()}", pytrace=False
            )
        yield f":{data.strip().decode()}"
    finally:
        os.close(read_fd)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        log.close()


def _run_driver(display: str, out: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.update(
        {
            "DISPLAY": display,
            "QT_QPA_PLATFORM": "xcb",
            "PYTHONPATH": str(ROOT),
            "XDG_CONFIG_HOME": str(out / "config"),
            "XDG_RUNTIME_DIR": str(out / "runtime"),
        }
    )
    env.pop("WAYLAND_DISPLAY", None)
    (out / "runtime").mkdir(mode=0o700)
    return subprocess.run(
        [sys.executable, str(DRIVER), str(out)], capture_output=True, text=True, env=env, cwd=out, timeout=180
    )


def _distinct_colours(image: QImage, step: int = 16) -> int:
    return len({image.pixel(x, y) for x in range(0, image.width(), step) for y in range(0, image.height(), step)})


def test_toolbar_click_through_in_a_real_x_server(xvfb, tmp_path):
    out = tmp_path / "run"
    out.mkdir()
    proc = _run_driver(xvfb, out)
    assert proc.returncode == 0, f"driver exit {proc.returncode}\n--- stdout\n{proc.stdout}\n--- stderr\n{proc.stderr}"
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert report["ok"] is True
    assert report["platform"] == "xcb"  # really the X server, not offscreen
    assert report["dialog"] == "Export diagnostics bundle"

    steps = {step["task"]: step["states"] for step in report["steps"]}
    assert list(steps) == ["Invalidate", "Rebuild", "Export"]
    demo = list(DEMO_REGISTRIES)
    assert {steps["Invalidate"][name] for name in demo} == {"missing"}
    assert {steps["Rebuild"][name] for name in demo} == {"valid"}

    bundle = Path(report["bundle"])
    assert bundle.is_file()
    with zipfile.ZipFile(bundle) as archive:
        names = set(archive.namelist())
        assert {"manifest.json", "report.md", "registries.json"} <= names
        registries = json.loads(archive.read("registries.json"))
    assert sorted(r["name"] for r in registries["registries"]) == sorted(demo)
    assert "Diagnostics bundle written" in report["status"]

    # Screenshots of the real window, kept in tmp_path for a human to look at.
    window_png, screen_png = out / "window.png", out / "screen.png"
    for png in (window_png, screen_png):
        assert png.is_file() and png.stat().st_size > 1000, png
    window_image, screen_image = QImage(str(window_png)), QImage(str(screen_png))
    assert (window_image.width(), window_image.height()) == tuple(report["window_size"])
    assert (screen_image.width(), screen_image.height()) == SCREEN
    assert _distinct_colours(window_image) > 8, "the window screenshot is blank"
    assert _distinct_colours(screen_image) > 8, "the X server shows nothing: the window was not mapped"
    shutil.copy(window_png, tmp_path / "xvfb-window.png")
