"""Whose profile is shown: one history file holds every project profiled on the machine, and the Timing tab,
a bundle and a snapshot show only the profiles of the inspected interpreter and targets.

Before, the demo's window charted the newest profile in the file (another project's), and the History chart
drew the demo's 8 ms and a real project's 2 s on one line as if they were one trend.
"""

from __future__ import annotations

import copy
import json
import os
import sys
import zipfile

import pytest
from PyQt6.QtCore import QSettings, QThreadPool
from PyQt6.QtWidgets import QApplication, QMessageBox

from app.env_session import EnvironmentSession
from app.main_window import TAB_TIMING, MainWindow
from app.session import Session
from registry_core.diagnostics import build_bundle, latest_profile, load_history, profile_subject
from registry_core.diagnostics.history import append_history

TASK_TIMEOUT_MS = 30_000
PROFILE_TIMEOUT_MS = 60_000
ELSEWHERE = "/elsewhere/project/.venv/bin/python"


def _record(executable: str | None, targets: list[str] | None, created: float) -> dict:
    return {"schema": 1, "created": created, "executable": executable, "targets": targets, "registries": []}


# -- the core ------------------------------------------------------------------------------------------------


def test_history_is_filtered_by_interpreter_and_targets():
    demo_old = _record(sys.executable, None, 1.0)
    other = _record(ELSEWHERE, ["polystore"], 2.0)
    demo_new = _record(sys.executable, None, 3.0)
    reordered = _record(sys.executable, ["b", "a"], 4.0)
    unsaid = _record(None, None, 5.0)  # (an old or hand-made line that does not say whose it is)
    for doc in (demo_old, other, demo_new, reordered, unsaid):
        append_history(doc)

    assert [d["created"] for d in load_history()] == [1.0, 2.0, 3.0, 4.0, 5.0]
    assert [d["created"] for d in load_history(subject=profile_subject())] == [1.0, 3.0]
    assert latest_profile(profile_subject())["created"] == 3.0
    assert latest_profile(profile_subject(ELSEWHERE, ["polystore"]))["created"] == 2.0
    # Targets are a set: their order and repeats do not make another subject.
    assert latest_profile(profile_subject(sys.executable, ["a", "b", "a"]))["created"] == 4.0
    assert latest_profile(profile_subject("/nowhere/bin/python", None)) is None
    assert latest_profile()["created"] == 5.0  # unfiltered: the newest line, as before


def test_two_virtual_environments_on_one_binary_are_two_subjects(tmp_path):
    """A venv's bin/python links to the base interpreter: resolving the link would merge two projects."""
    for name in ("one", "two"):
        (tmp_path / name / "bin").mkdir(parents=True)
        os.symlink(sys.executable, tmp_path / name / "bin" / "python")
    one, two = (str(tmp_path / name / "bin" / "python") for name in ("one", "two"))
    assert os.path.realpath(one) == os.path.realpath(two)
    assert profile_subject(one, None) != profile_subject(two, None)


def test_an_environment_session_names_the_interpreter_its_child_runs(tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    python = venv / "bin" / "python"
    python.write_text("#!/bin/sh\n")
    python.chmod(0o755)
    # --python may name the venv's folder; the profile records the interpreter the child ran as.
    session = EnvironmentSession(["polystore"], str(venv))
    assert session.profile_subject() == profile_subject(str(python), ["polystore"])
    assert Session(None).profile_subject() == profile_subject(sys.executable, None)


# -- the window and the bundle ----------------------------------------------------------------------------------


def _drain(window: MainWindow) -> None:
    window.close()
    assert QThreadPool.globalInstance().waitForDone(30_000), "a worker was still running at teardown"
    QApplication.processEvents()
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, QMessageBox):
            widget.close()


@pytest.fixture
def window(qtbot, tmp_path):
    window = MainWindow(
        Session(None), dark=False, settings=QSettings(str(tmp_path / "i.ini"), QSettings.Format.IniFormat)
    )
    qtbot.addWidget(window, before_close_func=_drain)
    window.show()
    qtbot.waitExposed(window)
    with qtbot.waitSignal(window.loaded, timeout=TASK_TIMEOUT_MS):
        window.start_loading()
    return window


def _foreign(profile: dict, created: float) -> dict:
    """The same document as another project's: another interpreter, another target, its own registries."""
    doc = copy.deepcopy(profile)
    doc.update(executable=ELSEWHERE, targets=["polystore"], created=created)
    for registry in doc["registries"]:
        registry["name"] = "backend"
    return doc


def test_the_timing_tab_and_a_bundle_show_this_sessions_profiles_only(qtbot, window, tmp_path):
    with qtbot.waitSignal(window.task_done, timeout=PROFILE_TIMEOUT_MS, check_params_cb=lambda n, ok: n == "Profile"):
        window.profile(runs=1)
    demo = window._profile
    assert demo["executable"] == sys.executable and demo["targets"] is None
    # Another project profiled on this machine after it: the newest line of the shared file.
    foreign = _foreign(demo, demo["created"] + 1)
    append_history(foreign)
    assert load_history()[-1]["executable"] == ELSEWHERE

    # The tab as it is drawn when the window opens (and after a file is closed): this session's profile only.
    window.tabs.setCurrentIndex(TAB_TIMING)
    window.charts.show_profile(*window._saved_profiles())
    qtbot.waitUntil(lambda: not window.charts.is_drawing(), timeout=TASK_TIMEOUT_MS)
    assert window.charts.profile["created"] == demo["created"]
    assert window.charts.history and all(d["executable"] == sys.executable for d in window.charts.history)

    # A new profile run: its History chart leaves the other project out too.
    with qtbot.waitSignal(window.task_done, timeout=PROFILE_TIMEOUT_MS, check_params_cb=lambda n, ok: n == "Profile"):
        window.profile(runs=1)
    qtbot.waitUntil(lambda: not window.charts.is_drawing(), timeout=TASK_TIMEOUT_MS)
    assert [d["created"] for d in window.charts.history] == [demo["created"], window._profile["created"]]
    append_history(_foreign(demo, window._profile["created"] + 1))

    # The bug-report bundle of the demo carries the demo's latest profile, not the newest line of the file.
    path = tmp_path / "bundle.zip"
    build_bundle(str(path), window.session.registries, sections=["profile"])
    with zipfile.ZipFile(path) as bundle:
        [member] = [n for n in bundle.namelist() if n.endswith("profile.json")]
        carried = json.loads(bundle.read(member))
    assert carried["created"] == window._profile["created"]
    assert {r["name"] for r in carried["registries"]} != {"backend"}
