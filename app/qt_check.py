"""Before Qt starts: can its platform plugin load? If not, name the missing system libraries and the command.

Without this, a machine that lacks (say) ``libxcb-icccm4`` gets Qt's "could not load the Qt platform plugin
xcb ... Aborted" (it names ``libxcb-cursor0`` whatever is really missing) and a core dump. Here the plugin
shipped in PyQt6's wheel (``Qt6/plugins/platforms/libqxcb.so``) is loaded with ``ctypes`` first (a few
milliseconds, and Qt would load it anyway); only when that fails does ``ldd`` list every library that is
"not found", which become one ``apt-get`` / ``dnf`` line. Linux only, and only for the ``xcb`` plugin (a real
X display) and ``offscreen`` (it needs fewer: GL, EGL, fontconfig, xkbcommon and D-Bus through QtGui, no
xcb-util). Nothing here imports Qt.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

#: The exit code of ``registry-inspector`` when Qt cannot start for want of system libraries.
EXIT_MISSING_LIBRARIES = 2

#: The platform plugins checked, by ``QT_QPA_PLATFORM`` name.
PLUGIN_FILES = {"xcb": "libqxcb.so", "offscreen": "libqoffscreen.so"}

#: soname -> (Debian/Ubuntu package, Fedora package): what PyQt6's xcb and offscreen plugins link.
PACKAGES: dict[str, tuple[str, str]] = {
    "libxcb-cursor.so.0": ("libxcb-cursor0", "xcb-util-cursor"),
    "libxcb-icccm.so.4": ("libxcb-icccm4", "xcb-util-wm"),
    "libxcb-keysyms.so.1": ("libxcb-keysyms1", "xcb-util-keysyms"),
    "libxcb-image.so.0": ("libxcb-image0", "xcb-util-image"),
    "libxcb-render-util.so.0": ("libxcb-render-util0", "xcb-util-renderutil"),
    "libxcb-util.so.1": ("libxcb-util1", "xcb-util"),
    "libxcb-randr.so.0": ("libxcb-randr0", "libxcb"),
    "libxcb-shape.so.0": ("libxcb-shape0", "libxcb"),
    "libxcb-xinerama.so.0": ("libxcb-xinerama0", "libxcb"),
    "libxcb-xkb.so.1": ("libxcb-xkb1", "libxcb"),
    "libxcb-shm.so.0": ("libxcb-shm0", "libxcb"),
    "libxcb-sync.so.1": ("libxcb-sync1", "libxcb"),
    "libxcb-xfixes.so.0": ("libxcb-xfixes0", "libxcb"),
    "libxcb-render.so.0": ("libxcb-render0", "libxcb"),
    "libxcb.so.1": ("libxcb1", "libxcb"),
    "libX11-xcb.so.1": ("libx11-xcb1", "libX11-xcb"),
    "libX11.so.6": ("libx11-6", "libX11"),
    "libXau.so.6": ("libxau6", "libXau"),
    "libXdmcp.so.6": ("libxdmcp6", "libXdmcp"),
    "libxkbcommon.so.0": ("libxkbcommon0", "libxkbcommon"),
    "libxkbcommon-x11.so.0": ("libxkbcommon-x11-0", "libxkbcommon-x11"),
    "libGL.so.1": ("libgl1", "libglvnd-glx"),
    "libGLX.so.0": ("libglx0", "libglvnd-glx"),
    "libEGL.so.1": ("libegl1", "libglvnd-egl"),
    "libGLdispatch.so.0": ("libglvnd0", "libglvnd"),
    "libfontconfig.so.1": ("libfontconfig1", "fontconfig"),
    "libfreetype.so.6": ("libfreetype6", "freetype"),
    "libdbus-1.so.3": ("libdbus-1-3", "dbus-libs"),
    "libglib-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libgthread-2.0.so.0": ("libglib2.0-0", "glib2"),
    "libpng16.so.16": ("libpng16-16", "libpng"),
    "libz.so.1": ("zlib1g", "zlib"),
    "libexpat.so.1": ("libexpat1", "expat"),
    "libzstd.so.1": ("libzstd1", "libzstd"),
}


def platform_name(environ: Mapping[str, str] | None = None) -> str:
    """The platform plugin Qt will pick: ``QT_QPA_PLATFORM``'s first choice, else wayland or xcb by the session."""
    env = os.environ if environ is None else environ
    chosen = env.get("QT_QPA_PLATFORM", "").split(";")[0].split(":")[0].strip()
    if chosen:
        return chosen
    if env.get("WAYLAND_DISPLAY") and env.get("XDG_SESSION_TYPE") == "wayland":
        return "wayland"
    return "xcb"


def plugin_path(name: str) -> str | None:
    """PyQt6's own copy of the platform plugin ``name`` (found without importing PyQt6), or None."""
    import importlib.util

    file = PLUGIN_FILES.get(name)
    try:
        spec = importlib.util.find_spec("PyQt6")
    except (ImportError, ValueError):
        return None
    if file is None or spec is None:
        return None
    for folder in spec.submodule_search_locations or ():
        candidate = os.path.join(folder, "Qt6", "plugins", "platforms", file)
        if os.path.isfile(candidate):
            return candidate
    return None


def parse_ldd(output: str) -> list[str]:
    """The libraries ``ldd`` reports as ``not found``, in its order, each once."""
    missing: list[str] = []
    for line in output.splitlines():
        name, arrow, where = line.strip().partition("=>")
        if arrow and where.strip() == "not found" and name.strip() not in missing:
            missing.append(name.strip())
    return missing


def run_ldd(path: str) -> str | None:
    """``ldd path``'s output, or None when there is no ldd (or it fails to run)."""
    import shutil
    import subprocess

    ldd = shutil.which("ldd")
    if ldd is None:
        return None
    try:
        return subprocess.run([ldd, path], capture_output=True, text=True, timeout=20, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None


def try_load(path: str) -> str | None:
    """None when the shared library loads (``ctypes``), else the loader's message."""
    import ctypes

    try:
        ctypes.CDLL(path)
    except OSError as exc:
        return str(exc)
    return None


def _from_loader_message(message: str) -> list[str]:
    """``libfoo.so.1: cannot open shared object file`` -> ``["libfoo.so.1"]`` (ctypes names only the first)."""
    import re

    return re.findall(r"([\w.+-]+\.so(?:\.[\d.]+)?): cannot open shared object file", message)


def distribution_family(os_release: str | None = None) -> str | None:
    """``"debian"`` or ``"fedora"`` from /etc/os-release's ID and ID_LIKE, or None (unknown: show both)."""
    if os_release is None:
        try:
            with open("/etc/os-release", encoding="utf-8") as handle:
                os_release = handle.read()
        except OSError:
            return None
    words: list[str] = []
    for line in os_release.splitlines():
        key, _, value = line.partition("=")
        if key in ("ID", "ID_LIKE"):
            words += value.strip().strip("\"'").split()
    if {"debian", "ubuntu"} & set(words):
        return "debian"
    if {"fedora", "rhel", "centos"} & set(words):
        return "fedora"
    return None


def install_commands(missing: list[str], family: str | None = None) -> list[str]:
    """The one command per family that installs ``missing`` (both when ``family`` is neither debian nor fedora)."""
    both = family not in ("debian", "fedora")
    debian = list(dict.fromkeys(PACKAGES[lib][0] for lib in missing if lib in PACKAGES))
    fedora = list(dict.fromkeys(PACKAGES[lib][1] for lib in missing if lib in PACKAGES))
    lines = []
    if debian and (both or family == "debian"):
        lines.append("Debian/Ubuntu: sudo apt-get install " + " ".join(debian))
    if fedora and (both or family == "fedora"):
        lines.append("Fedora:        sudo dnf install " + " ".join(fedora))
    unknown = [lib for lib in missing if lib not in PACKAGES]
    if unknown:
        lines.append(
            "Other libraries: find their package with `apt-file search NAME` or `dnf provides '*/NAME'`: "
            + ", ".join(unknown)
        )
    return lines


def message(platform: str, path: str, missing: list[str], loader_error: str, family: str | None = None) -> str:
    """What to print: the plugin, the missing libraries, and the command that installs them."""
    lines = [f'registry-inspector: Qt\'s "{platform}" platform plugin cannot load ({path}).']
    if missing:
        lines.append("Missing system libraries: " + ", ".join(missing))
        lines.append("Install them, then run again:")
        lines += ["  " + line for line in install_commands(missing, family)]
    else:
        lines.append(f"The loader says: {loader_error}")
    if platform != "offscreen":
        lines.append("(Headless runs need fewer libraries: QT_QPA_PLATFORM=offscreen registry-inspector --smoke-test)")
    return "\n".join(lines)


def check_platform_libraries(
    environ: Mapping[str, str] | None = None,
    *,
    system: str | None = None,
    find_plugin: Callable[[str], str | None] = plugin_path,
    load: Callable[[str], str | None] = try_load,
    ldd: Callable[[str], str | None] = run_ldd,
    family: str | None = None,
) -> str | None:
    """None when Qt's platform plugin loads (or is not checked here); else the message to print.

    Checked: Linux, the ``xcb`` and ``offscreen`` plugins of PyQt6's own Qt. The keyword arguments are seams
    for tests (a fake plugin path, an injected loader and ldd output); ``family``: None reads /etc/os-release,
    ``"debian"`` or ``"fedora"`` shows that command only, anything else both.
    """
    if (sys.platform if system is None else system) != "linux":
        return None
    name = platform_name(environ)
    if name not in PLUGIN_FILES:
        return None
    path = find_plugin(name)
    if path is None:  # not PyQt6's wheel layout (a distribution's own Qt): let Qt speak for itself
        return None
    error = load(path)
    if error is None:
        return None
    output = ldd(path)
    missing = parse_ldd(output) if output else []
    if not missing:
        missing = _from_loader_message(error)
    return message(name, path, missing, error, family if family is not None else distribution_family())


def has_display(environ: Mapping[str, str] | None = None) -> bool:
    """Whether a window has a screen to go to: an X display or a Wayland session."""
    env = os.environ if environ is None else environ
    return bool(env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))


def check_display(environ: Mapping[str, str] | None = None, *, system: str | None = None) -> str | None:
    """None when the chosen platform has a screen (or needs none); else what to print. Without it Qt aborts with
    "could not connect to display" and blames libxcb-cursor0, which is installed."""
    if (sys.platform if system is None else system) != "linux":
        return None
    if platform_name(environ) not in ("xcb", "wayland") or has_display(environ):
        return None
    return (
        "registry-inspector: no display to open the window on (DISPLAY is not set).\n"
        "On a machine without a screen: xvfb-run -a registry-inspector; or a picture of it, "
        "registry-inspector --screenshot FILE.png (it draws offscreen); or the CLI twin: "
        "registry-inspector list, status, explain, verify, profile, bundle."
    )


def exit_if_qt_cannot_start() -> int | None:
    """``EXIT_MISSING_LIBRARIES`` after printing what to install when Qt's platform plugin cannot load, or that
    there is no display for it, else None."""
    problem = check_platform_libraries() or check_display()
    if problem is None:
        return None
    print(problem, file=sys.stderr)
    return EXIT_MISSING_LIBRARIES
