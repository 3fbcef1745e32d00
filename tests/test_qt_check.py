"""Before the window opens: Qt's platform plugin must load, else the missing libraries and the install command."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from app import qt_check

LDD_MISSING = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PyQt6/Qt6/lib/libQt6XcbQpa.so.6 (0x00007f3e)
\tlibxcb-cursor.so.0 => /lib/x86_64-linux-gnu/libxcb-cursor.so.0 (0x00007f3e)
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibweird-thing.so.2 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007f3e)
"""
LOADER_ERROR = "libxcb-icccm.so.4: cannot open shared object file: No such file or directory"


def test_parse_ldd_lists_each_missing_library_once_in_order():
    assert qt_check.parse_ldd(LDD_MISSING) == ["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libweird-thing.so.2"]
    assert qt_check.parse_ldd("\tlibc.so.6 => /lib/libc.so.6 (0x1)\n") == []


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "xcb"),
        ({"QT_QPA_PLATFORM": "offscreen"}, "offscreen"),
        ({"QT_QPA_PLATFORM": "xcb:display=:1"}, "xcb"),
        ({"QT_QPA_PLATFORM": "wayland;xcb"}, "wayland"),
        ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "wayland"}, "wayland"),
        ({"WAYLAND_DISPLAY": "wayland-0", "XDG_SESSION_TYPE": "x11"}, "xcb"),
    ],
)
def test_platform_name(environ, expected):
    assert qt_check.platform_name(environ) == expected


def _check(environ, ldd_output=LDD_MISSING, family="unknown", system="linux", error=LOADER_ERROR):
    return qt_check.check_platform_libraries(
        environ,
        system=system,
        find_plugin=lambda name: f"/fake/PyQt6/Qt6/plugins/platforms/{qt_check.PLUGIN_FILES[name]}",
        load=lambda path: error,
        ldd=lambda path: ldd_output,
        family=family,
    )


def test_message_names_the_libraries_and_one_command_per_family():
    text = _check({"QT_QPA_PLATFORM": "xcb"})
    assert text is not None
    assert '"xcb" platform plugin cannot load (/fake/PyQt6/Qt6/plugins/platforms/libqxcb.so)' in text
    assert "Missing system libraries: libxcb-icccm.so.4, libxcb-keysyms.so.1, libweird-thing.so.2" in text
    assert "Debian/Ubuntu: sudo apt-get install libxcb-icccm4 libxcb-keysyms1\n" in text
    assert "Fedora:        sudo dnf install xcb-util-wm xcb-util-keysyms\n" in text
    assert "dnf provides '*/NAME'`: libweird-thing.so.2" in text  # unknown to the table: how to find it
    assert "QT_QPA_PLATFORM=offscreen" in text


def test_the_distribution_picks_its_own_command():
    debian = _check({}, family="debian")
    assert "apt-get install" in debian and "dnf install" not in debian
    fedora = _check({}, family="fedora")
    assert "dnf install" in fedora and "apt-get install" not in fedora
    assert qt_check.distribution_family("ID=ubuntu\nID_LIKE=debian\n") == "debian"
    assert qt_check.distribution_family('ID="rocky"\nID_LIKE="rhel centos fedora"\n') == "fedora"
    assert qt_check.distribution_family("ID=arch\n") is None


def test_without_ldd_the_loader_message_names_the_first_library():
    text = _check({"QT_QPA_PLATFORM": "offscreen"}, ldd_output=None, family="debian")
    assert "libqoffscreen.so" in text
    assert "Missing system libraries: libxcb-icccm.so.4" in text and "apt-get install libxcb-icccm4" in text
    assert "QT_QPA_PLATFORM=offscreen" not in text  # already offscreen
    odd = _check({}, ldd_output="", error="undefined symbol: foo")
    assert "The loader says: undefined symbol: foo" in odd


def test_not_checked_elsewhere():
    assert _check({}, system="darwin") is None
    assert _check({}, system="win32") is None
    assert _check({"QT_QPA_PLATFORM": "wayland"}) is None
    assert _check({"QT_QPA_PLATFORM": "xcb"}, error=None) is None  # it loads
    assert qt_check.check_platform_libraries({}, system="linux", find_plugin=lambda name: None) is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check runs on Linux only")
def test_this_machine_loads_both_plugins():
    for name in ("xcb", "offscreen"):
        path = qt_check.plugin_path(name)
        assert path is not None and path.endswith(qt_check.PLUGIN_FILES[name])
        assert qt_check.try_load(path) is None
        assert qt_check.check_platform_libraries({"QT_QPA_PLATFORM": name}) is None


@pytest.mark.skipif(
    not sys.platform.startswith("linux") or shutil.which("cc") is None or shutil.which("ldd") is None,
    reason="needs a C compiler and ldd to build a plugin with a missing library",
)
def test_a_real_library_with_a_missing_dependency(tmp_path):
    """A shared library linked against one that is then deleted: the real ctypes and ldd path end to end."""
    (tmp_path / "a.c").write_text("int f(void) { return 1; }\n")
    gone = "libregistry-inspector-gone.so.1"
    subprocess.run(["cc", "-shared", "-fPIC", "-o", gone, f"-Wl,-soname,{gone}", "a.c"], cwd=tmp_path, check=True)
    subprocess.run(
        ["cc", "-shared", "-fPIC", "-o", "libqxcb.so", "a.c", "-Wl,--no-as-needed", f"./{gone}"],
        cwd=tmp_path,
        check=True,
    )
    os.unlink(tmp_path / gone)
    plugin = str(tmp_path / "libqxcb.so")
    assert gone in (qt_check.try_load(plugin) or "")
    text = qt_check.check_platform_libraries({"QT_QPA_PLATFORM": "xcb"}, find_plugin=lambda name: plugin)
    assert text is not None and f"Missing system libraries: {gone}" in text


def test_the_window_exits_with_the_message_instead_of_a_qt_abort(monkeypatch, capsys):
    """gui.main checks before creating QApplication: it prints the message and returns non-zero."""
    from app import gui

    monkeypatch.setattr(qt_check, "check_platform_libraries", lambda: "registry-inspector: missing libfoo.so.1")
    assert gui.main([]) == qt_check.EXIT_MISSING_LIBRARIES
    assert "missing libfoo.so.1" in capsys.readouterr().err


def test_no_display_is_said_with_what_to_do_instead():
    """Qt's own words for it blame libxcb-cursor0 (installed) and abort."""
    said = qt_check.check_display({}, system="linux")
    assert said is not None and "no display to open the window on (DISPLAY is not set)" in said
    assert "xvfb-run -a registry-inspector" in said and "--screenshot FILE.png" in said
    assert qt_check.check_display({"DISPLAY": ":0"}, system="linux") is None
    assert qt_check.check_display({"WAYLAND_DISPLAY": "wayland-0"}, system="linux") is None
    assert qt_check.check_display({"QT_QPA_PLATFORM": "offscreen"}, system="linux") is None
    assert qt_check.check_display({}, system="darwin") is None


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check runs on Linux only")
def test_without_a_display_the_window_says_so_and_a_screenshot_draws_offscreen(cli, tmp_path):
    env = {"XDG_CONFIG_HOME": str(tmp_path / "config")}
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        env[name] = ""  # (empty: unset for the check; the runner passes the rest of this environment)
    result = cli("gui", env=env, expect=2)
    assert "no display to open the window on" in result.stderr and "Aborted" not in result.stderr
    shot = tmp_path / "shot.png"
    cli("gui", "--screenshot", str(shot), "--size", "900x600", env=env)
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
