"""File ▸ Open target…, File ▸ Open environment… and File ▸ Add remote environment…: what to inspect, with which
Python, on which machine.

``parse_targets`` and ``RecentList`` are plain functions and data (the tests call them); the dialogs only
show them. Recent targets and environments live in the window's ``QSettings``.
"""

from __future__ import annotations

import os

from PyQt6.QtCore import QSettings, QStringListModel, Qt
from PyQt6.QtWidgets import (
    QCheckBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

__all__ = [
    "AddRemoteDialog",
    "OpenEnvironmentDialog",
    "OpenTargetDialog",
    "RecentList",
    "check_environment",
    "check_remote",
    "parse_targets",
]

ENTRY_POINTS = "entry-points"


def parse_targets(text: str) -> tuple[list[str], str]:
    """(the targets in ``text``, "") or ([], why they are not targets); several are separated by spaces or commas."""
    targets = [part for part in text.replace(",", " ").split() if part]
    if not targets:
        return [], "Type a module name (e.g. polystore) or entry-points:GROUP"
    for target in targets:
        if target == ENTRY_POINTS:
            continue
        if target.startswith(ENTRY_POINTS + ":"):
            if not target.partition(":")[2]:
                return [], f"{target}: name the group after the colon (entry-points:GROUP), or drop the colon"
            continue
        if "/" in target or "\\" in target or target.endswith(".py"):
            return [], f"{target}: a module name, not a file path (e.g. mypackage.plugins)"
        if not all(part.isidentifier() for part in target.split(".")):
            return [], f"{target}: not a module name (dotted Python identifiers, e.g. mypackage.plugins)"
    return targets, ""


class RecentList:
    """Most recent first, at most ``LIMIT`` entries, kept in ``settings`` under ``key``."""

    LIMIT = 10

    def __init__(self, settings: QSettings, key: str) -> None:
        self.settings = settings
        self.key = key

    def items(self) -> list[str]:
        value = self.settings.value(self.key, [])
        if isinstance(value, str):  # (an INI file stores a one-item list as a string)
            value = [value]
        return [str(v) for v in value or [] if v]

    def add(self, item: str) -> None:
        items = [item, *(i for i in self.items() if i != item)][: self.LIMIT]
        self.settings.setValue(self.key, items)


def check_environment(path: str) -> tuple[str | None, str]:
    """(the interpreter for ``path``, "") or (None, why it is not usable); ``("", "")`` for the inspector's own."""
    from registry_core.sources import PythonEnvironmentError, interpreter

    if not path.strip():
        return "", ""
    try:
        return interpreter(path.strip()), ""
    except PythonEnvironmentError as exc:
        return None, str(exc)


def _recent_list(dialog: QDialog, recent: list[str], edit: QLineEdit, height: int) -> QListWidget:
    """The recent entries; a click puts one in the line edit."""
    widget = QListWidget(dialog)
    widget.addItems(recent)
    widget.setMaximumHeight(height)
    widget.itemClicked.connect(lambda item: edit.setText(item.text()))
    return widget


def _open_cancel(dialog: QDialog) -> QDialogButtonBox:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Open | QDialogButtonBox.StandardButton.Cancel, dialog)
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.reject)
    return buttons


class OpenTargetDialog(QDialog):
    """A line edit with completion from the inspected environment's modules, and the recent targets."""

    def __init__(self, recent: list[str], current: str = "", where: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open target")
        self.setObjectName("openTargetDialog")
        intro = QLabel(
            "A module that declares registries (registry_core or metaclass-registry), "
            "<code>entry-points:GROUP</code> for an entry-point group, or <code>entry-points</code> for every group. "
            "Several targets: separate them with spaces." + (f"<br>Inspected with: {where}" if where else ""),
            self,
        )
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.edit = QLineEdit(current, self)
        self.edit.setObjectName("targetEdit")
        self.edit.setPlaceholderText("polystore, mypackage.plugins or entry-points:console_scripts")
        self.modules = QStringListModel([ENTRY_POINTS, ENTRY_POINTS + ":"], self)
        completer = QCompleter(self.modules, self)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setModelSorting(QCompleter.ModelSorting.CaseInsensitivelySortedModel)
        self.edit.setCompleter(completer)
        self.error = QLabel(self)
        self.error.setObjectName("targetError")
        self.error.setWordWrap(True)
        self.recent = _recent_list(self, recent, self.edit, 140)
        self.recent.setObjectName("recentTargets")
        self.recent.itemDoubleClicked.connect(lambda item: (self.edit.setText(item.text()), self.accept()))
        self.buttons = _open_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.edit)
        layout.addWidget(self.error)
        layout.addWidget(QLabel("Recent targets:" if recent else "No recent targets yet.", self))
        layout.addWidget(self.recent)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())
        self.edit.textChanged.connect(self._update)
        self._update()

    def set_modules(self, names: list[str]) -> None:
        """The completer's names: the environment's top-level modules (after the child listing them returns)."""
        self.modules.setStringList([ENTRY_POINTS, ENTRY_POINTS + ":", *names])

    def targets(self) -> list[str]:
        return parse_targets(self.edit.text())[0]

    def accept(self) -> None:
        if self.targets():
            super().accept()

    def _update(self) -> None:
        targets, why = parse_targets(self.edit.text())
        self.error.setText(why)
        self.error.setStyleSheet("" if not self.edit.text() else "color: #c0392b")
        self.buttons.button(QDialogButtonBox.StandardButton.Open).setEnabled(bool(targets))


class OpenEnvironmentDialog(QDialog):
    """A virtual environment's folder or an interpreter; empty for the inspector's own Python."""

    def __init__(self, recent: list[str], current: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Open environment")
        self.setObjectName("openEnvironmentDialog")
        intro = QLabel(
            "The Python environment whose registries to inspect: a virtual environment's folder or its "
            "interpreter. Commands run there in a child process; nothing is installed into it. "
            "Leave empty for the inspector's own environment.",
            self,
        )
        intro.setWordWrap(True)
        self.edit = QLineEdit(current, self)
        self.edit.setObjectName("environmentEdit")
        self.edit.setPlaceholderText("~/project/.venv  or  /usr/bin/python3")
        folder = QPushButton("&Folder…", self)
        folder.clicked.connect(self._pick_folder)
        python = QPushButton("&Interpreter…", self)
        python.clicked.connect(self._pick_interpreter)
        row = QHBoxLayout()
        row.addWidget(self.edit, 1)
        row.addWidget(folder)
        row.addWidget(python)
        self.error = QLabel(self)
        self.error.setObjectName("environmentError")
        self.error.setWordWrap(True)
        self.recent = _recent_list(self, recent, self.edit, 120)
        self.buttons = _open_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(QLabel("Recent environments:" if recent else "No recent environments yet.", self))
        layout.addWidget(self.recent)
        layout.addWidget(self.buttons)
        self.resize(620, self.sizeHint().height())
        self.edit.textChanged.connect(lambda _text: self.error.clear())

    def path(self) -> str:
        return self.edit.text().strip()

    def accept(self) -> None:
        """Only a usable interpreter closes the dialog; otherwise it says why and stays open."""
        found, why = check_environment(self.path())
        if found is None:
            self.error.setText(why)
            self.error.setStyleSheet("color: #c0392b")
            return
        super().accept()

    def _pick_folder(self) -> None:
        start = self.path() or os.path.expanduser("~")
        folder = QFileDialog.getExistingDirectory(self, "Virtual environment folder", start)
        if folder:
            self.edit.setText(folder)

    def _pick_interpreter(self) -> None:
        start = os.path.dirname(self.path()) if self.path() else os.path.expanduser("~")
        path, _ = QFileDialog.getOpenFileName(self, "Python interpreter", start)
        if path:
            self.edit.setText(path)


def check_remote(host: str, targets: str) -> str:
    """Why ``host`` and ``targets`` cannot be asked of a worker, or "" when they can."""
    from registry_core.sources import RemoteError, RemoteHost

    if not host.strip():
        return "Type the worker's ssh destination (a Host of your ssh config, host or user@host)"
    try:
        RemoteHost(host.strip())
    except RemoteError as exc:
        return str(exc)
    return parse_targets(targets)[1] if targets.strip() else ""


class AddRemoteDialog(QDialog):
    """An ssh destination, the Python there (optional), the targets, and whether to compare with this machine.

    Recent entries are ``host<TAB>python<TAB>targets``; a click fills the three fields.
    """

    def __init__(self, recent: list[str], targets: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Add remote environment")
        self.setObjectName("addRemoteDialog")
        intro = QLabel(
            "A worker reached with your ssh set-up (config, keys, agent; ssh never asks for a password here). "
            "Nothing is installed there: it needs Python 3.10 or newer, and this inspector's core is sent over "
            "the connection. The worker's environment is shown read-only beside this one.",
            self,
        )
        intro.setWordWrap(True)
        self.host = QLineEdit(self)
        self.host.setObjectName("remoteHostEdit")
        self.host.setPlaceholderText("gpu-node-3  or  user@gpu-node-3")
        self.python = QLineEdit(self)
        self.python.setObjectName("remotePythonEdit")
        self.python.setPlaceholderText("empty: python3 there; or ~/project/.venv, /opt/conda/bin/python")
        self.targets = QLineEdit(targets, self)
        self.targets.setObjectName("remoteTargetsEdit")
        self.targets.setPlaceholderText("empty: the modules the worker's installed applications advertise")
        self.compare = QCheckBox("Compare with this window's environment once it has answered", self)
        self.compare.setChecked(True)
        form = QFormLayout()
        form.addRow("&Host:", self.host)
        form.addRow("&Python there:", self.python)
        form.addRow("&Targets:", self.targets)
        self.error = QLabel(self)
        self.error.setObjectName("remoteError")
        self.error.setWordWrap(True)
        shown = [entry.replace("\t", "  ").strip() for entry in recent]
        self._recent = recent
        self.recent = QListWidget(self)
        self.recent.addItems(shown)
        self.recent.setMaximumHeight(120)
        self.recent.currentRowChanged.connect(self._fill)
        self.buttons = _open_cancel(self)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.compare)
        layout.addWidget(self.error)
        layout.addWidget(QLabel("Recent workers:" if recent else "No recent workers yet.", self))
        layout.addWidget(self.recent)
        layout.addWidget(self.buttons)
        self.resize(620, self.sizeHint().height())
        for edit in (self.host, self.targets):
            edit.textChanged.connect(lambda _text: self.error.clear())

    def values(self) -> tuple[str, str | None, list[str] | None, bool]:
        """(host, the Python there or None, the targets or None, compare)."""
        targets = parse_targets(self.targets.text())[0] if self.targets.text().strip() else None
        return self.host.text().strip(), self.python.text().strip() or None, targets, self.compare.isChecked()

    def entry(self) -> str:
        """The recent-list entry for what is in the fields."""
        return "\t".join([self.host.text().strip(), self.python.text().strip(), self.targets.text().strip()])

    def accept(self) -> None:
        """Only a usable host name (and targets) closes the dialog; otherwise it says why and stays open."""
        why = check_remote(self.host.text(), self.targets.text())
        if why:
            self.error.setText(why)
            self.error.setStyleSheet("color: #c0392b")
            return
        super().accept()

    def _fill(self, row: int) -> None:
        if 0 <= row < len(self._recent):
            host, python, targets = ([*self._recent[row].split("\t"), "", ""])[:3]
            self.host.setText(host)
            self.python.setText(python)
            self.targets.setText(targets)
