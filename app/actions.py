"""The window's actions as data: one row per toolbar button and menu item, and where each one goes.

``build_actions`` turns the rows into ``QAction``s (``window.act_<id>``), the toolbar and the menu bar;
``context_menu`` builds the tree's and the cache table's right-click menus from the same actions. A row
names its slot, a window method, so the table stays plain data and the window keeps the behaviour.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from PyQt6.QtCore import Qt
from PyQt6.QtGui import QAction, QIcon, QKeySequence
from PyQt6.QtWidgets import QMainWindow, QMenu, QStyle

from . import theme

__all__ = ["ACTIONS", "CACHE_MENU", "MENUS", "TASK_ACTIONS", "TREE_MENU", "ActionRow", "build_actions", "context_menu"]

_SP = QStyle.StandardPixmap
_KEY = QKeySequence.StandardKey


@dataclass(frozen=True)
class ActionRow:
    """One action: ``window.act_<id>``, calling ``window.<slot>(*args)`` when triggered."""

    id: str
    text: str
    slot: str
    tip: str
    shortcut: str | QKeySequence.StandardKey | None = None
    #: A standard style icon, or a function of ``dark`` for an icon drawn to match the theme.
    icon: QStyle.StandardPixmap | Callable[[bool], QIcon] | None = None
    args: tuple[Any, ...] = ()
    toolbar: bool = False
    menu: str | None = None
    separator_before: bool = False  # in its menu
    #: Disabled while an exclusive task runs (``TaskStatus``): it would start a conflicting one.
    task: bool = False


# Toolbar and menus show their rows in this order. Not formatted by ruff: it would put every field of a row on a
# line of its own, and the table would no longer read as one.
# fmt: off
ACTIONS: tuple[ActionRow, ...] = (
    ActionRow(
        "open_target", "Open &target…", "open_target",
        "Inspect another module's registries, or an entry-point group (entry-points:GROUP)",
        "Ctrl+O", _SP.SP_DirOpenIcon, menu="&File", task=True,
    ),
    ActionRow(
        "open_environment", "Open &environment…", "open_environment",
        "Inspect the registries of another Python environment (a virtual environment or an interpreter)",
        "Ctrl+Shift+O", _SP.SP_ComputerIcon, menu="&File", task=True,
    ),
    ActionRow(
        "open_snapshot", "Open &bundle or snapshot…", "open_snapshot",
        "Show a bug-report bundle (.zip) or a snapshot (.json) read-only in the same views (or drop it on the window)",
        "Ctrl+Shift+B", _SP.SP_FileDialogContentsView, menu="&File", task=True,
    ),
    ActionRow(
        "compare", "Co&mpare with…", "compare_with",
        "Compare what this window shows with a snapshot, a bug-report bundle or the live environment (Compare tab)",
        "Ctrl+Shift+D", _SP.SP_FileDialogDetailedView, menu="&File", task=True,
    ),
    ActionRow(
        "add_remote", "Add &remote environment…", "add_remote_environment",
        "Inspect a worker over ssh (nothing installed there), read-only beside this machine, and compare the two",
        None, _SP.SP_DriveNetIcon, menu="&File", task=True,
    ),
    ActionRow(
        "rebuild", "&Rebuild", "rebuild", "Discover every registry again and rewrite its cache",
        "F5", _SP.SP_BrowserReload, args=(None,), toolbar=True, menu="&Cache", task=True,
    ),
    ActionRow(
        "invalidate", "&Invalidate selected", "invalidate_selected", "Delete the selected registry's cache file",
        "Ctrl+I", _SP.SP_TrashIcon, toolbar=True, menu="&Cache", task=True,
    ),
    ActionRow(
        "invalidate_all", "Invalidate &all", "invalidate",
        "Delete every cache file this library wrote for the inspected targets: each registry's and the enum caches "
        "(colormaps, components); the same as clear-cache --all",
        "Ctrl+Shift+I", _SP.SP_DialogDiscardButton, args=(None,), toolbar=True, menu="&Cache", task=True,
    ),
    ActionRow(
        "verify", "&Verify", "verify_caches",
        "Compare every registry, as listed from its cache, with a fresh discovery in a new process",
        "Ctrl+Shift+V", _SP.SP_DialogApplyButton, toolbar=True, menu="&Tools", task=True,
    ),
    ActionRow(
        "profile", "&Profile…", "profile", "Time cold and warm discovery in fresh processes",
        "Ctrl+P", theme.play_icon, toolbar=True, menu="&Tools", task=True,
    ),
    ActionRow(
        "export", "&Export diagnostics…", "export_bundle", "Write a bug-report bundle (zip)",
        # Not Ctrl+E: text fields take it (end of line) on Linux desktops, so it did nothing from the filter box.
        "Ctrl+Shift+E", _SP.SP_DialogSaveButton, toolbar=True, menu="&File", task=True, separator_before=True,
    ),
    ActionRow(
        "export_chart", "Export &charts…", "export_charts", "Save the timing charts as PNG or SVG", menu="&File",
    ),
    ActionRow(
        "open_cache", "Open cache &folder", "open_cache_folder",
        "Open the folder holding the selected registry's cache", None, _SP.SP_DirOpenIcon, toolbar=True, menu="&File",
    ),
    # Ctrl+Q, not StandardKey.Quit: that one is empty on Windows and without a desktop (offscreen).
    ActionRow("quit", "&Quit", "close", "Quit", "Ctrl+Q", menu="&File", separator_before=True),
    ActionRow(
        "copy", "&Copy as text", "copy_selection", "Copy the selection as text",
        _KEY.Copy, args=(False,), menu="&Edit",
    ),
    ActionRow(
        "copy_json", "Copy as &JSON", "copy_selection", "Copy the selection as JSON",
        "Ctrl+Shift+C", args=(True,), menu="&Edit",
    ),
    ActionRow("filter", "&Filter", "focus_filter", "Filter the registry tree", _KEY.Find, menu="&Edit"),
)
# fmt: on

#: The menu bar, left to right.
MENUS = ("&File", "&Edit", "&Cache", "&Tools")
TASK_ACTIONS = tuple(row.id for row in ACTIONS if row.task)
#: Right-click menus, by action id; None is a separator.
TREE_MENU = ("copy", "copy_json", None, "invalidate", "rebuild", "open_cache")
CACHE_MENU = ("invalidate", "rebuild", "open_cache", "copy", "copy_json")


def build_actions(window: QMainWindow, dark: bool) -> dict[str, QAction]:
    """Every row's ``QAction`` (also set as ``window.act_<id>``), in the toolbar and the menu bar; by id."""
    actions = {row.id: _make_action(window, row, dark) for row in ACTIONS}
    for row_id, action in actions.items():
        setattr(window, f"act_{row_id}", action)
    toolbar = window.addToolBar("Main")
    toolbar.setObjectName("mainToolbar")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.addActions([actions[row.id] for row in ACTIONS if row.toolbar])
    menu_bar = window.menuBar()
    for title in MENUS:
        menu = menu_bar.addMenu(title)
        for row in ACTIONS:
            if row.menu == title:
                if row.separator_before:
                    menu.addSeparator()
                menu.addAction(actions[row.id])
    return actions


def context_menu(parent: QMainWindow, actions: dict[str, QAction], ids: Sequence[str | None]) -> QMenu:
    """A right-click menu of ``actions`` in the order of ``ids`` (``TREE_MENU``, ``CACHE_MENU``)."""
    menu = QMenu(parent)
    for row_id in ids:
        if row_id is None:
            menu.addSeparator()
        else:
            menu.addAction(actions[row_id])
    return menu


def _make_action(window: QMainWindow, row: ActionRow, dark: bool) -> QAction:
    action = QAction(row.text, window)
    if row.shortcut is not None:
        action.setShortcut(QKeySequence(row.shortcut))
        # From any widget of the window (the filter box, a table), not only the one that has focus.
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
    if isinstance(row.icon, QStyle.StandardPixmap):
        action.setIcon(window.style().standardIcon(row.icon))
    elif row.icon is not None:
        action.setIcon(row.icon(dark))
    action.setStatusTip(row.tip)
    action.setToolTip(row.tip + (f" ({action.shortcut().toString()})" if row.shortcut is not None else ""))
    # The slot is looked up when triggered, not bound now: a window method replaced later (a test, the bench)
    # is the one that runs.
    action.triggered.connect(lambda _checked=False: getattr(window, row.slot)(*row.args))
    return action
