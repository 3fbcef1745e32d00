"""The window with a remote environment: File ▸ Add remote environment… against a real sshd on 127.0.0.1.

This machine is the ``local`` environment of ``remote_stack`` (inspected with ``--python``: an
EnvironmentSession), the worker its ``worker`` environment behind the test's sshd. Adding the worker lists it
in the toolbar's Environment box and shows the diff in the Compare tab: exactly the one distribution and the
one variable. Choosing the worker shows its registries read-only. Tests wait for signals, never sleep.
"""

from __future__ import annotations

import os

import pytest
from PyQt6.QtCore import QSettings
from remote_stack import EXTRA, NO_GPU, TARGET, remote_stack, worker_setenv
from ssh_server import sshd_or_skip
from test_app_window import TASK_TIMEOUT_MS, find_row, open_window, task

from app.env_session import EnvironmentSession
from app.remote_session import RemoteSession
from app.remote_view import LOCAL_LABEL
from app.widgets.open_dialogs import AddRemoteDialog, check_remote


@pytest.fixture(scope="module")
def homes():
    return remote_stack()


@pytest.fixture(scope="module")
def sshd(homes, tmp_path_factory):
    server = sshd_or_skip(tmp_path_factory.mktemp("sshd"), worker_setenv(homes))
    yield server
    server.stop()


@pytest.fixture
def as_local_user(homes, sshd, monkeypatch):
    """This process as the ``local`` home's user (the --python child inherits it), ssh reaching the sshd."""
    for name in [n for n in os.environ if n.startswith("XDG_")] + ["REGISTRY_CORE_CACHE_DIR", NO_GPU]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(homes["local"]))
    monkeypatch.setenv("REGISTRY_INSPECTOR_SSH_COMMAND", sshd.env_value)
    return homes


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "inspector.ini"), QSettings.Format.IniFormat)


def test_add_a_remote_environment_compare_it_and_show_it(qtbot, settings, as_local_user):
    local = EnvironmentSession([TARGET], "~/venv")
    window = open_window(qtbot, local, settings)
    box = window.remotes.combo
    assert box.count() == 1 and box.itemText(0) == LOCAL_LABEL
    assert window.act_add_remote.isEnabled()

    with qtbot.waitSignal(window.snapshots.compare_view.compared, timeout=TASK_TIMEOUT_MS):
        with task(qtbot, window, "Remote worker (~/venv)") as done:
            window.add_remote_environment("worker", "~/venv", [TARGET])
    assert done.args == ["Remote worker (~/venv)", True], window.last_error
    differences = window.snapshots.compare_view.document["differences"]
    summaries = [d["summary"] for d in differences]
    assert summaries and all(EXTRA in s or NO_GPU in s for s in summaries), summaries
    assert {d["name"] for d in differences} >= {NO_GPU, f"distribution {EXTRA}"}
    assert [box.itemText(i) for i in range(box.count())] == [LOCAL_LABEL, "worker (~/venv) (ssh)"]
    assert window.session is local  # the views still show this machine; the worker is one choice away

    with task(qtbot, window, "Discovery") as shown:
        window.remotes.show_environment(1)
    assert shown.args == ["Discovery", True], window.last_error
    assert isinstance(window.session, RemoteSession) and box.currentIndex() == 1
    extra = find_row(window, "plugin", "extra")
    assert "1.1" in " ".join(str(extra.siblingAtColumn(c).data()) for c in range(6))
    assert window.snapshots.banner.isVisibleTo(window) and "worker" in window.snapshots.banner.label.text()
    assert not window.act_rebuild.isEnabled() and not window.act_invalidate_all.isEnabled()
    assert "remote worker, read-only" in window.act_rebuild.toolTip()

    with task(qtbot, window, "Discovery"):
        window.remotes.show_environment(0)
    assert window.session is local and box.currentIndex() == 0
    assert not window.snapshots.banner.isVisibleTo(window) and window.act_rebuild.isEnabled()


def test_an_unreachable_worker_is_one_line_and_lists_nothing(qtbot, settings, as_local_user, monkeypatch, tmp_path):
    from ssh_server import free_port

    window = open_window(qtbot, EnvironmentSession([TARGET], "~/venv"), settings)
    config = tmp_path / "closed"
    config.write_text("")  # nothing of the user's ssh config: a closed port on 127.0.0.1
    monkeypatch.setenv("REGISTRY_INSPECTOR_SSH_COMMAND", f"ssh -F {config} -p {free_port()}")
    shown = []
    monkeypatch.setattr("app.main_window.show_error", lambda _parent, message, _details: shown.append(message))
    with task(qtbot, window, "Remote 127.0.0.1") as done:
        window.add_remote_environment("127.0.0.1", None, [TARGET], compare=False)
    assert done.args == ["Remote 127.0.0.1", False]
    assert len(shown) == 1 and "--remote 127.0.0.1" in shown[0] and "connection refused" in shown[0], shown
    assert window.remotes.combo.count() == 1


def test_the_dialog_refuses_what_ssh_cannot_take(qtbot):
    assert check_remote("", "") and check_remote("-oProxyCommand=x", "") and check_remote("a b", "")
    assert check_remote("worker", "not/a/module")
    assert check_remote("user@gpu-3", "rdemo.base polystore") == ""
    dialog = AddRemoteDialog(["worker\t~/venv\trdemo.base"], "rdemo.base")
    qtbot.addWidget(dialog)
    dialog.recent.setCurrentRow(0)
    assert dialog.values() == ("worker", "~/venv", ["rdemo.base"], True)
    dialog.host.setText("bad host")
    dialog.accept()
    assert dialog.result() != AddRemoteDialog.DialogCode.Accepted and "not a host name" in dialog.error.text()


def test_cancel_stops_the_worker_and_lists_nothing(qtbot, settings, as_local_user, tmp_path):
    import subprocess

    marker = f"hangs{os.getpid()}"
    (tmp_path / f"{marker}.py").write_text("import time\ntime.sleep(600)\n")
    wrapper = tmp_path / "python"
    wrapper.write_text(f'#!/bin/sh\nPYTHONPATH={tmp_path} exec {as_local_user["worker"]}/venv/bin/python "$@"\n')
    wrapper.chmod(0o755)
    window = open_window(qtbot, EnvironmentSession([TARGET], "~/venv"), settings)
    name = f"Remote worker ({wrapper})"
    with qtbot.waitSignal(window.tasks.busy_changed, timeout=TASK_TIMEOUT_MS, check_params_cb=bool):
        window.add_remote_environment("worker", str(wrapper), [marker], compare=False)

    def worker_started() -> None:
        assert subprocess.run(["pgrep", "-f", marker], capture_output=True).returncode == 0

    qtbot.waitUntil(worker_started, timeout=TASK_TIMEOUT_MS)  # the hanging import runs on the worker now
    with task(qtbot, window, name, timeout=10_000) as done:
        window.cancel_task()
    assert done.args == [name, True] and window.remotes.combo.count() == 1
    assert "Cancelled" in window.statusBar().currentMessage()

    def worker_stopped() -> None:
        assert subprocess.run(["pgrep", "-f", marker], capture_output=True).returncode == 1

    qtbot.waitUntil(worker_stopped, timeout=10_000)


def test_back_to_live_from_a_worker_is_this_machine(qtbot, settings, as_local_user):
    local = EnvironmentSession([TARGET], "~/venv")
    window = open_window(qtbot, local, settings)
    with task(qtbot, window, "Remote worker (~/venv)"):
        window.add_remote_environment("worker", "~/venv", [TARGET], compare=False)
    with task(qtbot, window, "Discovery"):
        window.remotes.show_environment(1)
    with task(qtbot, window, "Discovery") as back:
        window.snapshots.banner.back.click()
    assert back.args == ["Discovery", True] and window.session is local
    assert window.remotes.combo.currentIndex() == 0 and not window.snapshots.banner.isVisibleTo(window)


class _State:
    """What ``RemoteSession.take_snapshot`` reads of a task's state: progress and whether it is cancelled."""

    def progress(self, *_args):
        pass

    def cancelled(self):
        return False


def test_a_worker_without_targets_and_a_malformed_ssh_command_are_one_line(as_local_user, monkeypatch):
    """The same lines as the CLI's: the window names the target to give, and the variable to fix."""
    from registry_core.sources import RemoteError

    with pytest.raises(RemoteError) as raised:
        RemoteSession("worker", "~/venv", targets=None).take_snapshot(_State())
    said = str(raised.value)
    assert said.startswith("--remote worker: no --target given, and nothing in this environment ("), said
    assert "the embedded demo comes with the inspector, not with this environment: give --target MODULE" in said
    monkeypatch.setenv("REGISTRY_INSPECTOR_SSH_COMMAND", "ssh -F '/tmp/ut/sshcfg")
    said = check_remote("worker", "")
    assert said.startswith("--remote worker: REGISTRY_INSPECTOR_SSH_COMMAND has a quote that is never closed"), said
