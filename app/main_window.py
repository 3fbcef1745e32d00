"""The inspector window: layout, actions, menus and status bar. Orchestration only.

Every button calls one core function through a worker (``session.Session``, run by a
``workers.TaskRunner``) and re-reads the resulting documents; no registry logic lives here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from functools import partial
from typing import Any

from PyQt6.QtCore import QByteArray, QSettings, pyqtSignal
from PyQt6.QtGui import QGuiApplication
from PyQt6.QtWidgets import QLabel, QMainWindow, QTabWidget

from . import task_results, theme
from .actions import CACHE_MENU, TASK_ACTIONS, TREE_MENU, build_actions, context_menu
from .desktop import open_path
from .env_session import installed_modules, session_for
from .models import DATA_ROLE
from .plugin_watcher import PluginWatcher
from .remote_view import RemoteController
from .session import Session
from .side_tabs import SideTabs
from .snapshot_view import SnapshotController
from .widgets.cache_view import CachePage, cache_summary
from .widgets.dialogs import show_error
from .widgets.registry_page import RegistryPage
from .widgets.task_status import TaskStatus
from .workers import TaskRunner, Worker

__all__ = ["MainWindow", "show_error", "TAB_REGISTRIES", "TAB_CACHES", "TAB_TIMING", "TAB_ENUMS"]

TAB_REGISTRIES, TAB_CACHES, TAB_TIMING, TAB_ENUMS = range(4)


class MainWindow(QMainWindow):
    """Registries, caches, timings and enums of the inspected targets."""

    #: Emitted once the first discovery has been shown (smoke test, screenshots, tests wait on it).
    loaded = pyqtSignal()
    #: Emitted when a task finishes: its name and whether it succeeded.
    task_done = pyqtSignal(str, bool)
    #: Emitted after the cache panel shows new states.
    caches_updated = pyqtSignal()

    def __init__(self, session: Session, *, dark: bool | None = None, settings: QSettings | None = None) -> None:
        super().__init__()
        self.session = session
        self.settings = settings or QSettings()
        self.dark = theme.system_is_dark() if dark is None else dark
        self.forced_theme = dark is not None
        self._profile: dict[str, Any] | None = None
        self._profile_engine = "installed"  # the Profile dialog's last choice
        self._loaded_once = self._load_pending = self._announce_loaded = False
        self.last_error: str | None = None
        self.setWindowTitle(task_results.window_title(session))
        self.resize(1280, 800)
        self.tasks = TaskRunner(self)
        self.tasks.errored.connect(self._on_error)
        self.tasks.finished.connect(self._task_finished)
        self._build_ui()
        # The banner above the tabs, the Compare tab, drops and the read-only state (snapshot_view.py).
        self.snapshots = SnapshotController(self)
        # Toolbar, menus and shortcuts: the table in actions.py; the buttons also as ``self.act_<id>``.
        self.action_by_id = build_actions(self, self.dark)
        self.task_actions = [self.action_by_id[i] for i in TASK_ACTIONS]
        # Remote workers beside this machine: File ▸ Add remote environment…, the toolbar's Environment box.
        self.remotes = RemoteController(self)
        # Status bar: counts, last discovery, cache summary, busy state.
        bar = self.statusBar()
        self.task_status = TaskStatus(self.tasks, bar, self.task_actions)
        self.progress, self.cancel_button = self.task_status.progress, self.task_status.cancel_button
        bar.addWidget(self.counts_label, 1)
        bar.addPermanentWidget(self.cache_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        # After TaskStatus (it enables every task button once a task ends): what cannot work goes grey again.
        self.tasks.busy_changed.connect(lambda _worker: self._update_availability())
        self._watcher = PluginWatcher(self)
        self._watcher.settled.connect(self.refresh_cache_status)
        self._restore_state()

    # -- construction ----------------------------------------------------------------
    def _build_ui(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.registry_page = page = RegistryPage(self._explain_text, self)
        self.tree_model, self.tree_proxy, self.tree = page.model, page.proxy, page.tree
        self.filter_bar, self.details, self.splitter = page.filter_bar, page.details, page.splitter
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.details.message.connect(self._say)
        self.tabs.addTab(page, "Registries")
        self.cache_page = CachePage(self)
        self.cache_view, self.cache_details = self.cache_page.table, self.cache_page.details
        self.cache_model, self.cache_proxy = self.cache_view.cache_model, self.cache_view.proxy
        self.cache_view.customContextMenuRequested.connect(self._cache_menu)
        self.cache_details.anchorClicked.connect(lambda url: open_path(url.toLocalFile(), self._say))
        self.tabs.addTab(self.cache_page, "Caches")
        # Timing and enums: their widgets import pyqtgraph, so they are built after the first paint.
        self.side_tabs = SideTabs(self, dark=self.dark, profiles=self._saved_profiles, enums=lambda: self.session.enums)
        self.side_tabs.built.connect(self._maybe_announce_loaded)
        self.tabs.addTab(self.side_tabs.timing_page, "Timing")
        self.tabs.addTab(self.side_tabs.enums_page, "Enums")
        self.setCentralWidget(self.tabs)
        self.counts_label = QLabel("Discovering…", self)
        self.cache_label = QLabel("", self)

    @property
    def charts(self) -> Any:
        """The Timing tab's ``ChartsPanel``, or None until it is built."""
        return self.side_tabs.charts

    @property
    def enums_panel(self) -> Any:
        """The Enums tab's ``EnumsPanel``, or None until it is built."""
        return self.side_tabs.enums_panel

    # -- tasks -----------------------------------------------------------------------------
    def run_task(
        self,
        name: str,
        func: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None] | None = None,
        exclusive: bool = True,
    ) -> Worker | None:
        """Run ``func(state, *args)`` on the pool; exclusive tasks disable the conflicting buttons."""
        worker = self.tasks.run(name, func, *args, on_result=on_result, exclusive=exclusive)
        if worker is None:
            self.statusBar().showMessage(f"{self.tasks.busy.name} is still running", 4000)
        return worker

    @property
    def busy(self) -> bool:
        return self.tasks.busy is not None

    def cancel_task(self) -> None:
        self.task_status.cancel()

    def _task_finished(self, worker: Worker, ok: bool) -> None:
        if worker.name == "Discovery" and not ok:
            # Never "Discovering…" over an empty tree: the failure, explained, in the tree's place.
            self.session.inventory = self.session.inventory or {"schema": 1, "registries": [], "enums": []}
            self.session.empty_reason = self.last_error or "discovery failed"
            self.registry_page.show_registries([], self.session.empty_reason, task_results.looked_for(self.session))
            self.counts_label.setText(f"Discovery failed: {self.last_error or 'see the Registries tab'}")
            self._update_availability()
            self.side_tabs.build_soon()
        # After the buttons are back (busy_changed came first): a slot on task_done (or loaded) may start
        # the next task straight away.
        self.task_done.emit(worker.name, ok)
        if self._load_pending:
            self._load_pending = False
            self._announce_loaded = True
            self._maybe_announce_loaded()

    def _on_error(self, message: str, details: str) -> None:
        self.last_error = message
        show_error(self, message, details)

    # -- loading and refreshing -------------------------------------------------------
    def start_loading(self) -> None:
        self.run_task("Discovery", self.session.load, on_result=self._show_documents)

    def _show_documents(self, result: dict[str, Any]) -> None:
        first = not self._loaded_once
        inventory = result["inventory"]
        self.registry_page.show_registries(
            inventory["registries"],
            self.session.empty_reason,
            task_results.looked_for(self.session),
            from_file=bool(getattr(self.session, "read_only", False)),
        )
        self._show_caches(result)
        self._update_counts()
        self._update_availability()
        self._watcher.watch(inventory)
        self.side_tabs.build_soon()
        if first:
            self._loaded_once = True
            self._load_pending = True  # ``loaded`` once the task is over, so buttons work in its slots

    def _show_caches(self, result: dict[str, Any]) -> None:
        caches = result.get("caches")
        if caches is None:
            return
        self.cache_view.show_document(caches)
        self.cache_label.setText(cache_summary(caches))
        self.caches_updated.emit()

    def _update_counts(self) -> None:
        self.counts_label.setText(
            task_results.inventory_summary(self.session.inventory, self.session.discovered_at, self.session.discovery_s)
        )

    def refresh_cache_status(self) -> None:
        # Not exclusive: it only stats files, and must run while the user is doing other things.
        self.run_task("Cache check", self.session.cache_status, on_result=self._show_caches, exclusive=False)
        # Editors replace files (new inode): re-add what the watcher dropped.
        if self.session.inventory:
            self._watcher.watch(self.session.inventory)

    def _saved_profiles(self) -> tuple[dict[str, Any] | None, list[dict[str, Any]], str | None]:
        """The profile and history the Timing tab shows, and what it says without one (None: its default)."""
        if getattr(self.session, "read_only", False):
            # The file's, not this machine's history; and no "press Profile": it is greyed out here.
            return self.session.profile_document, [], self.session.no_profile_text
        from registry_core.diagnostics import load_history

        # This session's interpreter and targets only: the history file holds every project profiled here.
        history = load_history(subject=self.session.profile_subject())
        return (history[-1] if history else None), history, None

    def _maybe_announce_loaded(self) -> None:
        """``loaded``, once: after the first discovery's task is over and every tab is built."""
        if self._announce_loaded and not self.side_tabs.is_building():
            self._announce_loaded = False
            self.loaded.emit()

    # -- actions -----------------------------------------------------------------------------
    def selected_registry(self) -> str | None:
        """The registry of the row the user sees selected, on the Registries or the Caches tab; None elsewhere,
        and for a row the filter hid: "Invalidate selected" never acts on what is not on screen."""
        tab = self.tabs.currentIndex()
        if tab == TAB_CACHES:
            data = self.cache_view.current_item()
            return data.get("registry") if data else None
        item = self.registry_page.current_item() if tab == TAB_REGISTRIES else None
        return (item.get("registry") or item.get("name")) if item else None

    def invalidate_selected(self) -> None:
        name = self.selected_registry()
        if name is None:
            self.statusBar().showMessage(
                "Select a registry (or one of its rows) on the Registries or Caches tab to invalidate its cache", 5000
            )
            return
        self.invalidate([name])

    def invalidate(self, names: list[str] | None) -> None:
        self.run_task("Invalidate", self.session.invalidate, names, on_result=self._after_invalidate)

    def _after_invalidate(self, result: dict[str, Any]) -> None:
        self._show_caches(result)
        task_results.after_invalidate(self, result)

    def rebuild(self, names: list[str] | None) -> None:
        self.run_task("Rebuild", self.session.rebuild, names, on_result=self._after_rebuild)

    def _after_rebuild(self, result: dict[str, Any]) -> None:
        self._show_documents(result)
        task_results.after_rebuild(self, result)

    def profile(self, runs: int | None = None, engine: str = "installed") -> None:
        """Tools ▸ Profile…; ``engine`` "both" also times metaclass-registry registries on registry_core."""
        if runs is None:
            from .widgets.profile_dialog import ask_profile

            chosen = ask_profile(self, getattr(self.session, "inventory", None), both=self._profile_engine == "both")
            if chosen is None:
                return
            runs, engine = chosen
            self._profile_engine = engine
        self.run_task("Profile", self.session.profile, runs, engine, on_result=self._show_profile)

    def verify_caches(self) -> None:
        self.run_task("Verify", self.session.verify, on_result=partial(task_results.after_verify, self))

    def _show_profile(self, profile: dict[str, Any]) -> None:
        if profile.get("cancelled"):
            # The core records no cancelled profile: the charts and the history stay as they were.
            self._say("Profile cancelled")
            return
        self._profile = profile
        if self.charts is None:  # (not every time: that also rebuilds the enums tab, ~40 ms)
            self.side_tabs.build_now()
        from registry_core.diagnostics import load_history

        # One chart per event-loop turn: drawing all three at once froze the window ~120-165 ms.
        self.tabs.setCurrentIndex(TAB_TIMING)
        self.charts.show_profile(profile, load_history(subject=self.session.profile_subject()))
        self._say(task_results.profile_summary(profile))

    def export_bundle(self, path: str | None = None, redact: bool = True, sections: list[str] | None = None) -> None:
        if path is None:
            from registry_core.diagnostics import bundle_sections

            from .widgets.bundle_dialog import BundleDialog, session_preview

            dialog = BundleDialog(
                bundle_sections(), self._default_bundle_path(), self, preview=session_preview(self.session)
            )
            if dialog.exec() != BundleDialog.DialogCode.Accepted:
                return
            path, redact, sections = dialog.values()
            report: dict[str, str] | None = dialog.details()
        else:
            report = None
        from .widgets.bundle_dialog import qt_runtime

        self.run_task(
            "Export",
            self.session.export,
            path,
            redact,
            sections,
            report,
            qt_runtime(),
            on_result=partial(task_results.after_export, self),
        )

    def _default_bundle_path(self) -> str:
        import time

        folder = self.settings.value("export/folder", os.path.expanduser("~"))
        return os.path.join(str(folder), time.strftime("registry-inspector-%Y%m%d-%H%M%S.zip"))

    def export_charts(self) -> None:
        self.side_tabs.build_now()
        from PyQt6.QtWidgets import QFileDialog

        if not self.charts.has_profile():
            self.statusBar().showMessage("No charts to export yet: run Profile (Ctrl+P) first", 8000)
            return
        path, _ = QFileDialog.getSaveFileName(
            self, "Export charts", os.path.expanduser("~/registry-timing.png"), "PNG image (*.png);;SVG drawing (*.svg)"
        )
        if not path:
            return
        written = self.charts.export(path)
        if written:
            self.statusBar().showMessage(f"Charts written: {', '.join(written)}", 8000)
        else:
            self.statusBar().showMessage("No charts to export yet: run Profile (Ctrl+P) first", 8000)

    # -- what to inspect --------------------------------------------------------------------------------------
    def open_target(self, text: str | None = None) -> None:
        """File ▸ Open target…: inspect other targets in the same environment (``text``: no dialog)."""
        from .widgets.open_dialogs import OpenTargetDialog, RecentList, parse_targets

        recent = RecentList(self.settings, "targets/recent")
        if text is None:
            where = self.session.python or ""
            dialog = OpenTargetDialog(recent.items(), " ".join(self.session.targets or []), where, self)
            # The completer's names come from the inspected environment: a child process, off the GUI thread.
            python = self.session.python
            self.run_task(
                "Module list", lambda _state: installed_modules(python), on_result=dialog.set_modules, exclusive=False
            )
            if dialog.exec() != OpenTargetDialog.DialogCode.Accepted:
                return
            targets = dialog.targets()
        else:
            targets, why = parse_targets(text)
            if not targets:
                self._say(why)
                return
        recent.add(" ".join(targets))
        self.switch_session(targets, self.session.python)

    def open_environment(self, path: str | None = None) -> None:
        """File ▸ Open environment…: the same targets in another Python environment ("": the inspector's own)."""
        from .widgets.open_dialogs import OpenEnvironmentDialog, RecentList, check_environment

        recent = RecentList(self.settings, "environments/recent")
        if path is None:
            dialog = OpenEnvironmentDialog(recent.items(), self.session.python or "", self)
            if dialog.exec() != OpenEnvironmentDialog.DialogCode.Accepted:
                return
            path = dialog.path()
        else:
            found, why = check_environment(path)
            if found is None:
                from .widgets.dialogs import show_error

                show_error(self, why, "")
                return
        if path:
            recent.add(path)
        self.switch_session(self.session.targets, path or None)

    def switch_session(self, targets: list[str] | None, python: str | None) -> None:
        """Inspect ``targets`` in ``python`` from now on: a new session, loaded as at start."""
        self.use_session(session_for(targets, python))

    def open_snapshot(self, path: str | None = None) -> None:
        """File ▸ Open bundle or snapshot…: a file shown read-only in the same views (``snapshot_view``)."""
        self.snapshots.open_snapshot(path)

    def compare_with(self, spec: str | None = None) -> None:
        """File ▸ Compare with…: this view against a snapshot, a bundle or ``"live"`` (the Compare tab)."""
        self.snapshots.compare_with(spec)

    def add_remote_environment(
        self, host: str | None = None, python: str | None = None, targets: list[str] | None = None, compare: bool = True
    ) -> None:
        """File ▸ Add remote environment…: a worker's registries over ssh, read-only (``remote_view``)."""
        self.remotes.add(host, python, targets, compare)

    def use_session(self, session: Session) -> None:
        """Show ``session`` from now on (live, another environment, a file), loaded as at start."""
        if self.busy:
            self._say(f"{self.tasks.busy.name} is still running: open it again once it is done")
            return
        self.session = session
        self.setWindowTitle(task_results.window_title(self.session))
        self._watcher.forget()
        self.tree_model.set_registries([])
        self.details.show_message("Discovering…")
        self.counts_label.setText("Discovering…")
        self.start_loading()

    def open_cache_folder(self) -> None:
        name = self.selected_registry()
        path = self.session.cache_path(name)
        if path is None:
            self._say("No registry loaded yet: nothing has a cache folder")
            return
        folder = os.path.dirname(path)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            self._say(f"Cannot create the cache folder {folder}: {exc.strerror or exc}")
            return
        open_path(folder, self._say)

    def _say(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    #: The buttons that need at least one loaded registry, and why they are grey without one.
    NEEDS_REGISTRIES = {
        "rebuild": "Nothing to rebuild",
        "invalidate": "No cache to invalidate",
        "invalidate_all": "No cache to invalidate",
        "verify": "Nothing to verify",
        "profile": "Nothing to profile",
        "export": "Nothing to export",
        "open_cache": "No cache folder",
    }

    def _update_availability(self) -> None:
        """Grey out what cannot work without a registry (with the reason as its tooltip); restore it after."""
        inventory = self.session.inventory
        empty = inventory is not None and not inventory.get("registries")
        for action_id, what in self.NEEDS_REGISTRIES.items():
            action = self.action_by_id[action_id]
            tip = action.property("normalTip")
            if tip is None:
                tip = action.toolTip()
                action.setProperty("normalTip", tip)
            if empty:
                action.setEnabled(False)
                action.setToolTip(f"{what}: no registry is loaded (the Registries tab says why); File ▸ Open target…")
            else:
                action.setToolTip(tip)
                if not self.busy:
                    action.setEnabled(True)
        self.snapshots.update_availability()

    def focus_filter(self) -> None:
        self.tabs.setCurrentIndex(TAB_REGISTRIES)
        self.filter_bar.edit.setFocus()
        self.filter_bar.edit.selectAll()

    def copy_selection(self, as_json: bool) -> str:
        page = self.cache_view if self.tabs.currentIndex() == TAB_CACHES else self.registry_page
        item = page.current_item()
        if item is None:
            return ""
        if as_json:
            text = json.dumps(item, indent=2, default=repr)
        else:
            text = "\n".join(f"{k}: {v}" for k, v in item.items() if v not in (None, "", [], {}))
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage("Copied", 2000)
        return text

    def _explain_text(self, registry_name: str, name: str) -> str:
        return self.session.explain(registry_name, name)

    def _tree_menu(self, pos: Any) -> None:
        menu = context_menu(self, self.action_by_id, TREE_MENU)
        index = self.tree.indexAt(pos)
        item = index.data(DATA_ROLE) if index.isValid() else None
        if item and item.get("file"):
            menu.addAction("Open source file", lambda: open_path(item["file"], self._say))
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _cache_menu(self, pos: Any) -> None:
        menu = context_menu(self, self.action_by_id, CACHE_MENU)
        menu.exec(self.cache_view.viewport().mapToGlobal(pos))

    # -- window state ------------------------------------------------------------------------------
    def _restore_state(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        splitter = self.settings.value("window/splitter")
        if isinstance(splitter, QByteArray):
            self.splitter.restoreState(splitter)

    def closeEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/splitter", self.splitter.saveState())
        # A closed window starts nothing more: its running task is cancelled and shows no late result, it
        # watches no file (no cache check may start and report after it is gone), builds and draws no tab.
        self.tasks.close()
        self._watcher.stop()
        self.side_tabs.stop()
        super().closeEvent(event)

    def apply_theme(self, dark: bool) -> None:
        self.dark = self.side_tabs.dark = dark
        self.act_profile.setIcon(theme.play_icon(dark))
        if self.charts is not None:
            self.charts.apply_theme(dark)
