"""Message boxes the window shows without blocking it: an error with its traceback, a verify report."""

from __future__ import annotations

from PyQt6.QtWidgets import QMessageBox, QWidget


def show_error(parent: QWidget | None, message: str, details: str) -> None:
    """An error as a dialog with the traceback under "Show Details…", never a dead window."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("Registry Inspector: error")
    box.setText(message)
    box.setDetailedText(details)
    box.setStandardButtons(QMessageBox.StandardButton.Ok)
    box.setModal(False)
    box.show()


def show_verify_disagreement(parent: QWidget | None, wrong: int, total: int, details: str) -> None:
    """``wrong`` of ``total`` registries disagree with a fresh discovery; ``details`` says how, per registry."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Registry Inspector: verify")
    box.setText(
        f"{wrong} of {total} registries disagree with a fresh discovery. What their caches "
        "hold changed in a way the cache's fingerprint cannot see: Rebuild (F5) rewrites them."
    )
    box.setDetailedText(details)
    box.setModal(False)
    box.show()
