"""Progress of ``registry-inspector profile`` on stderr: a line rewritten in place on a terminal, a line per step
with ``-v``, nothing on a pipe. A profile of a real package runs for minutes; it used to print nothing until
the end unless ``-v`` was given.
"""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time

from cache_helpers import plugin_files

from registry_core.cli._progress import Progress

PKG = "progresspkg"
ERASE = "\r\x1b[K"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_terminal_sees_one_line_rewritten_and_cleared_at_the_end(monkeypatch):
    monkeypatch.setenv("COLUMNS", "30")
    stream = _Terminal()
    progress = Progress(verbose=False, stream=stream)
    progress(0, 4, "microscope handler: cold run 1/2")
    progress(1, 4, "warm")
    progress.close()
    # Each step overwrites the last, cut to the terminal's width; the result starts on a clean line.
    assert stream.getvalue() == f"{ERASE}[0/4] microscope handler: co…{ERASE}[1/4] warm{ERASE}"
    assert len("[0/4] microscope handler: co…") == 29


def test_verbose_prints_a_line_per_step_and_a_pipe_gets_nothing():
    verbose = io.StringIO()
    progress = Progress(verbose=True, stream=verbose)
    progress(0, 2, "cold run 1/1")
    progress(1, 2, "warm run 1/1")
    progress.close()
    assert verbose.getvalue() == "[0/2] cold run 1/1\n[1/2] warm run 1/1\n"

    pipe = io.StringIO()  # (not a terminal)
    quiet = Progress(verbose=False, stream=pipe)
    quiet(0, 2, "cold run 1/1")
    quiet.close()
    assert pipe.getvalue() == ""


def test_profile_on_a_terminal_shows_each_step(cli, make_package):
    """The real command, its stderr a pseudo-terminal as in a user's shell."""
    root = make_package(plugin_files(PKG, ("alpha", "beta")))
    cli.path.append(str(root))
    main, child = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "app", "profile", "--target", f"{PKG}.base", "--runs", "1", "--no-history"],
        stdout=subprocess.PIPE,
        stderr=child,
        cwd=cli.cwd,
        env=cli.env(),
    )
    os.close(child)
    seen = b""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        ready, _, _ = select.select([main], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(main, 4096)
            except OSError:  # (the child closed its end: Linux says EIO)
                break
            if not chunk:
                break
            seen += chunk
        elif process.poll() is not None:
            break
    stdout, _ = process.communicate(timeout=60)
    os.close(main)
    assert process.returncode == 0, stdout
    text = seen.decode()
    assert f"{ERASE}[0/" in text and "plugin: cold run 1/1" in text and "plugin: warm run 1/1" in text, text
    assert text.endswith(ERASE)  # cleared before the result
    assert b"Discovery profile" in stdout and b"\r" not in stdout
