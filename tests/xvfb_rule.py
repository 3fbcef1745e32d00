"""Whether a real-X-server test runs, skips or fails: Xvfb present runs; missing skips on a developer's machine
(loudly, with the install command) and fails under CI (``CI`` set to anything but empty/0/false), which installs it.

The two Quick-start commands must pass on a fresh machine; CI must still prove the real window.
"""

from __future__ import annotations

import os
import shutil

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

INSTALL = "Debian/Ubuntu: sudo apt-get install xvfb xauth; Fedora: sudo dnf install xorg-x11-server-Xvfb"


def running_in_ci(environ: Mapping[str, str] | None = None) -> bool:
    value = (os.environ if environ is None else environ).get("CI", "").strip().lower()
    return value not in ("", "0", "false", "no")


def find_xvfb(which: Callable[[str], str | None] = shutil.which) -> str | None:
    return which("Xvfb")


def xvfb_decision(
    environ: Mapping[str, str] | None = None, which: Callable[[str], str | None] = shutil.which
) -> tuple[str, str]:
    """``("run", path to Xvfb)``, ``("skip", reason)`` or ``("fail", reason)``."""
    exe = find_xvfb(which)
    if exe is not None:
        return "run", exe
    if running_in_ci(environ):
        return "fail", (
            "Xvfb is not installed, and CI is set: the real-X-server GUI test must run in CI "
            f"(.ci/run installs it). {INSTALL}"
        )
    return "skip", (
        "XVFB MISSING - the real-X-server GUI test did NOT run (the window is tested offscreen only). "
        f"Install Xvfb to run it: {INSTALL}. Under CI=true this fails instead."
    )


def require_xvfb() -> str:
    """The path to Xvfb; otherwise skip or fail the calling test by :func:`xvfb_decision`."""
    import pytest

    verdict, detail = xvfb_decision()
    if verdict == "fail":
        pytest.fail(detail, pytrace=False)
    if verdict == "skip":
        pytest.skip(detail)
    return detail
