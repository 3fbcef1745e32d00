"""Tools ▸ Profile…: how many fresh-process runs, and whether metaclass-registry registries are also timed on
registry_core (``profile --engine both``: what ``registry_core.compat.install()`` would give, before switching)."""

from __future__ import annotations

from typing import Any

from PyQt6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

DEFAULT_RUNS = 5
MAX_RUNS = 50


def switchable_names(inventory: Any) -> list[str]:
    """The registries of a ``list`` document that can run on either engine: metaclass-registry's, with a
    discovery of their own (a partial one lists what registered at import, whatever the engine)."""
    names = []
    for reg in (inventory or {}).get("registries") or [] if isinstance(inventory, dict) else []:
        if not isinstance(reg, dict) or reg.get("partial"):
            continue
        library = reg.get("library")
        if isinstance(library, dict) and library.get("name") == "metaclass_registry":
            names.append(str(reg.get("name")))
    return names


class ProfileDialog(QDialog):
    """Runs per measurement and, when the targets use metaclass-registry, the engines to time them on."""

    def __init__(self, parent: QWidget | None, switchable: list[str], runs: int = DEFAULT_RUNS, both: bool = False):
        super().__init__(parent)
        self.switchable = list(switchable)
        self.setWindowTitle("Profile discovery")
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.runs = QSpinBox()
        self.runs.setRange(1, MAX_RUNS)
        self.runs.setValue(runs)
        form.addRow("Fresh-process runs per measurement:", self.runs)
        layout.addLayout(form)
        self.both = QCheckBox("Also time them on registry_core (registry_core.compat.install())")
        self.both.setChecked(both and bool(switchable))
        self.both.setVisible(bool(switchable))
        shown = ", ".join(switchable[:4]) + (f" and {len(switchable) - 4} more" if len(switchable) > 4 else "")
        self.about = QLabel(
            f"{len(switchable)} metaclass-registry registr{'y' if len(switchable) == 1 else 'ies'} ({shown}) can "
            "run unmodified on registry_core's engine. Timed both ways, the chart shows them side by side: what "
            "switching would give, before switching (their runs take twice as long)."
        )
        self.about.setWordWrap(True)
        self.about.setVisible(bool(switchable))
        layout.addWidget(self.both)
        layout.addWidget(self.about)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    def choice(self) -> tuple[int, str]:
        """(runs, engine): ``"both"`` when asked for, else ``"installed"``."""
        return self.runs.value(), "both" if self.switchable and self.both.isChecked() else "installed"


def ask_profile(parent: QWidget | None, inventory: Any, both: bool = False) -> tuple[int, str] | None:
    """The user's choice, or None when cancelled."""
    switchable = switchable_names(inventory)
    dialog = ProfileDialog(parent, switchable, both=both)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.choice()
