"""The inspector window: layout, actions, menus and status bar. Orchestration only.

Every button calls one core function through a worker (``session.Session``)
and re-reads the resulting documents; no registry logic lives here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from typing import Any, Callable

from PyQt6.QtCore import QByteArray, QFileSystemWatcher, QModelIndex, QSettings, Qt, QTimer, pyqtSignal
from PyQt6.QtGui import QAction, QGuiApplication, QKeySequence
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSplitter,
    QStyle,
    QTableView,
    QTabWidget,
    QTreeView,
    QVBoxLayout,
    QWidget,
)

from . import theme
from .models import DATA_ROLE, SORT_ROLE
from .models.cache_table import CacheTableModel
from .models.registry_tree import RegistryTreeModel
from .session import Session
from .widgets.details import DetailsPane
from .desktop import open_path
from .widgets.filter_bar import FilterBar, make_proxy
from .workers import Worker, start

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
        self._workers: list[Worker] = []
        self._busy: Worker | None = None
        self._profile: dict[str, Any] | None = None
        self.last_error: str | None = None
        self.setWindowTitle("Registry Inspector")
        self.resize(1280, 800)
        self._build_models()
        self._build_ui()
        self._build_actions()
        self._watcher = QFileSystemWatcher(self)
        self._unwatched: list[str] = []
        self._batch_timer = QTimer(self)  # a child: no batch runs after the window is gone
        self._batch_timer.setSingleShot(True)
        self._batch_timer.setInterval(self.WATCH_GAP_MS)
        self._batch_timer.timeout.connect(self._watch_batch)
        self._watch_timer = QTimer(self)
        self._watch_timer.setSingleShot(True)
        self._watch_timer.setInterval(300)
        self._watch_timer.timeout.connect(self.refresh_cache_status)
        self._watcher.directoryChanged.connect(lambda _p: self._watch_timer.start())
        self._watcher.fileChanged.connect(lambda _p: self._watch_timer.start())
        self._restore_state()

    # -- construction ----------------------------------------------------------------
    def _build_models(self) -> None:
        self.tree_model = RegistryTreeModel(self)
        style = self.style()
        icons = {
            "registry": style.standardIcon(QStyle.StandardPixmap.SP_DirIcon),
            "plugin": style.standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton),
            "secondary": style.standardIcon(QStyle.StandardPixmap.SP_ArrowRight),
            "failure": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxCritical),
            "skipped": style.standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning),
            "duplicate": style.standardIcon(QStyle.StandardPixmap.SP_BrowserStop),
            "excluded": style.standardIcon(QStyle.StandardPixmap.SP_DialogCancelButton),
        }
        self.tree_model.set_icons(icons)
        self.tree_proxy = make_proxy(self.tree_model, SORT_ROLE)
        self.cache_model = CacheTableModel(self)
        self.cache_proxy = make_proxy(self.cache_model, SORT_ROLE)

    def _build_ui(self) -> None:
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        # Registries: filter + tree | details.
        page = QWidget(self)
        self.filter_bar = FilterBar(self.tree_proxy, page)
        self.tree = QTreeView(page)
        self.tree.setObjectName("registryTree")
        self.tree.setModel(self.tree_proxy)
        self.tree.setSortingEnabled(True)
        # Source order until the user clicks a header: plugins first, then what did not register.
        self.tree.header().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.tree_proxy.sort(-1)
        self.tree.setUniformRowHeights(True)
        self.tree.setAlternatingRowColors(True)
        self.tree.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.tree.customContextMenuRequested.connect(self._tree_menu)
        self.tree.selectionModel().currentChanged.connect(self._selection_changed)
        header = self.tree.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Column widths from the rows on screen and a few more, not 1000 rows per column (~0.3 s at 10 000).
        header.setResizeContentsPrecision(100)
        self.filter_bar.applied.connect(lambda shown, _total: self._expand_small_registries(shown))
        self.details = DetailsPane(self._explain_text, page)
        self.details.message.connect(self._say)
        self.splitter = QSplitter(Qt.Orientation.Horizontal, page)
        left = QWidget(self.splitter)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self.filter_bar)
        left_layout.addWidget(self.tree, 1)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.details)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([820, 460])
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.splitter)
        self.tabs.addTab(page, "Registries")
        # Caches.
        self.cache_view = QTableView(self)
        self.cache_view.setObjectName("cacheTable")
        self.cache_view.setModel(self.cache_proxy)
        self.cache_view.setSortingEnabled(True)
        self.cache_view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.cache_proxy.sort(-1)
        self.cache_view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.cache_view.setAlternatingRowColors(True)
        # One line per cache; long paths lose their middle, not their file name.
        self.cache_view.setWordWrap(False)
        self.cache_view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.cache_view.verticalHeader().setVisible(False)
        self.cache_view.horizontalHeader().setStretchLastSection(True)
        self.cache_view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.cache_view.customContextMenuRequested.connect(self._cache_menu)
        self.tabs.addTab(self.cache_view, "Caches")
        # Timing and enums: their widgets import pyqtgraph, so they are built after the first paint.
        self.timing_page = QWidget(self)
        QVBoxLayout(self.timing_page).addWidget(QLabel("Charts load after discovery…", self.timing_page))
        self.tabs.addTab(self.timing_page, "Timing")
        self.enums_page = QWidget(self)
        QVBoxLayout(self.enums_page).addWidget(QLabel("Enums load after discovery…", self.enums_page))
        self.tabs.addTab(self.enums_page, "Enums")
        self.charts: Any = None
        self.enums_panel: Any = None
        self._side_steps: Iterator[None] | None = None  # the staged build of both tabs, while it runs
        self._side_timer = QTimer(self)
        self._side_timer.setSingleShot(True)
        self._side_timer.setInterval(self.SIDE_STEP_GAP_MS)
        self._side_timer.timeout.connect(self._next_side_step)
        self._load_pending = self._announce_loaded = False
        self.setCentralWidget(self.tabs)
        # Status bar: counts, last discovery, cache summary, busy state.
        bar = self.statusBar()
        self.counts_label = QLabel("Discovering…", self)
        self.cache_label = QLabel("", self)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(180)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel", self)
        self.cancel_button.clicked.connect(self.cancel_task)
        bar.addWidget(self.counts_label, 1)
        bar.addPermanentWidget(self.cache_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)
        self._set_busy(None)

    def _action(self, text: str, slot: Callable[[], Any], shortcut: Any = None, icon: Any = None,
                tip: str = "") -> QAction:
        action = QAction(text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if icon is not None:
            action.setIcon(self.style().standardIcon(icon))
        action.setStatusTip(tip or text)
        action.setToolTip(f"{tip or text}" + (f" ({action.shortcut().toString()})" if shortcut is not None else ""))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        sp = QStyle.StandardPixmap
        self.act_rebuild = self._action("&Rebuild", lambda: self.rebuild(None), "F5", sp.SP_BrowserReload,
                                        "Discover every registry again and rewrite its cache")
        self.act_invalidate = self._action("&Invalidate selected", self.invalidate_selected, "Ctrl+I",
                                           sp.SP_TrashIcon, "Delete the selected registry's cache file")
        self.act_invalidate_all = self._action("Invalidate &all", lambda: self.invalidate(None), "Ctrl+Shift+I",
                                               sp.SP_DialogDiscardButton, "Delete every cache file")
        self.act_profile = self._action("&Profile…", self.profile, "Ctrl+P", None,
                                        "Time cold and warm discovery in fresh processes")
        self.act_profile.setIcon(_play_icon(theme.colors(self.dark)["cold"]))
        self.act_verify = self._action("&Verify", self.verify_caches, "Ctrl+Shift+V", sp.SP_DialogApplyButton,
                                       "Compare every registry, as listed from its cache, with a fresh discovery "
                                       "in a new process")
        self.act_export = self._action("&Export diagnostics…", self.export_bundle, "Ctrl+E", sp.SP_DialogSaveButton,
                                       "Write a bug-report bundle (zip)")
        self.act_open_cache = self._action("Open cache &folder", self.open_cache_folder, None, sp.SP_DirOpenIcon,
                                           "Open the folder holding the selected registry's cache")
        self.act_copy = self._action("&Copy as text", lambda: self.copy_selection(as_json=False),
                                     QKeySequence.StandardKey.Copy, None, "Copy the selection as text")
        self.act_copy_json = self._action("Copy as &JSON", lambda: self.copy_selection(as_json=True), "Ctrl+Shift+C",
                                          None, "Copy the selection as JSON")
        self.act_filter = self._action("&Filter", self.focus_filter, QKeySequence.StandardKey.Find, None,
                                       "Filter the registry tree")
        self.act_quit = self._action("&Quit", self.close, QKeySequence.StandardKey.Quit, None, "Quit")
        self.act_quit.setShortcut(QKeySequence("Ctrl+Q"))
        self.act_export_chart = self._action("Export &charts…", self.export_charts, None, None,
                                             "Save the timing charts as PNG or SVG")
        toolbar = self.addToolBar("Main")
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for action in (self.act_rebuild, self.act_invalidate, self.act_invalidate_all, self.act_verify,
                       self.act_profile, self.act_export, self.act_open_cache):
            toolbar.addAction(action)
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addActions([self.act_export, self.act_export_chart, self.act_open_cache])
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        edit_menu = menu.addMenu("&Edit")
        edit_menu.addActions([self.act_copy, self.act_copy_json, self.act_filter])
        cache_menu = menu.addMenu("&Cache")
        cache_menu.addActions([self.act_rebuild, self.act_invalidate, self.act_invalidate_all])
        tools_menu = menu.addMenu("&Tools")
        tools_menu.addActions([self.act_verify, self.act_profile])
        self.task_actions = [self.act_rebuild, self.act_invalidate, self.act_invalidate_all, self.act_verify,
                             self.act_profile, self.act_export]

    # -- tasks -----------------------------------------------------------------------------
    def run_task(self, name: str, func: Callable[..., Any], *args: Any,
                 on_result: Callable[[Any], None] | None = None, exclusive: bool = True) -> Worker | None:
        """Run ``func(state, *args)`` on the pool; exclusive tasks disable the conflicting buttons."""
        if exclusive and self._busy is not None:
            self.statusBar().showMessage(f"{self._busy.name} is still running", 4000)
            return None
        worker = Worker(func, *args, name=name)
        self._workers.append(worker)
        if exclusive:
            self._set_busy(worker)
            worker.signals.progress.connect(self._on_progress)
        if on_result is not None:
            worker.signals.returned.connect(on_result)
        worker.signals.errored.connect(self._on_error)
        outcome = {"ok": False}
        worker.signals.returned.connect(lambda _r: outcome.update(ok=True))
        worker.signals.finished.connect(lambda: self._finished(worker, exclusive, outcome["ok"]))
        start(worker)
        return worker

    def _finished(self, worker: Worker, exclusive: bool, ok: bool = True) -> None:
        if exclusive and self._busy is worker:
            self._set_busy(None)
        if worker in self._workers:
            self._workers.remove(worker)
        # Last, once the buttons are back: a slot on task_done (or loaded) may start the next task straight away.
        self.task_done.emit(worker.name, ok)
        if self._load_pending:
            self._load_pending = False
            self._announce_loaded = True
            self._maybe_announce_loaded()

    def _set_busy(self, worker: Worker | None) -> None:
        self._busy = worker
        busy = worker is not None
        for action in getattr(self, "task_actions", []):
            action.setEnabled(not busy)
        self.progress.setVisible(busy)
        self.cancel_button.setVisible(busy)
        if busy:
            self.progress.setRange(0, 0)  # busy indicator until the task reports progress
            self._task_message = f"{worker.name}…"  # type: ignore[union-attr]
            self.statusBar().showMessage(self._task_message)
        elif self.statusBar().currentMessage() == getattr(self, "_task_message", None):
            # Clear only the task's own progress text: keep the result its slot just showed
            # ("Removed 5 cache file(s)", "Diagnostics bundle written: ...").
            self.statusBar().clearMessage()

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(done)
        if message:
            self._task_message = message
            self.statusBar().showMessage(message)

    def cancel_task(self) -> None:
        if self._busy is not None:
            self._busy.state.cancel()
            self._task_message = f"cancelling {self._busy.name}…"
            self.statusBar().showMessage(self._task_message)

    def _on_error(self, message: str, details: str) -> None:
        self.last_error = message
        show_error(self, message, details)

    @property
    def busy(self) -> bool:
        return self._busy is not None

    # -- loading and refreshing -------------------------------------------------------
    def start_loading(self) -> None:
        self.run_task("Discovery", self.session.load, on_result=self._show_documents)

    def _show_documents(self, result: dict[str, Any]) -> None:
        first = self.tree_model.leaf_count() == 0 and not getattr(self, "_loaded_once", False)
        inventory = result["inventory"]
        self.tree_model.set_registries(inventory["registries"])
        self._expand_small_registries()
        for column, widest in enumerate((240, 320, 110, 300)):
            self.tree.resizeColumnToContents(column)
            self.tree.setColumnWidth(column, min(self.tree.columnWidth(column), widest))
        if not self.tree.currentIndex().isValid() and self.tree_proxy.rowCount():
            # Start with something in the details pane rather than an empty one.
            self.tree.setCurrentIndex(self.tree_proxy.index(0, 0))
        self.filter_bar.set_total(self.tree_model.leaf_count())
        self._show_caches(result)
        self._update_counts()
        self._watch_plugin_folders(inventory)
        self._build_side_panels_soon()
        if first:
            self._loaded_once = True
            self._load_pending = True  # ``loaded`` once the task is over, so buttons work in its slots

    #: A registry with more rows than this starts collapsed: laying out thousands of expanded rows on every
    #: filter keystroke costs more than the 100 ms a keystroke may take. A filter showing fewer expands all.
    EXPAND_LIMIT = 500

    def _expand_small_registries(self, shown: int | None = None) -> None:
        proxy = self.tree_proxy
        if shown is not None and shown <= self.EXPAND_LIMIT:
            self.tree.expandToDepth(0)
            return
        for row in range(proxy.rowCount()):
            index = proxy.index(row, 0)
            self.tree.setExpanded(index, proxy.rowCount(index) <= self.EXPAND_LIMIT)

    def _show_caches(self, result: dict[str, Any]) -> None:
        caches = result.get("caches")
        if caches is None:
            return
        self.cache_model.set_document(caches)
        # Fit every column but the path, which takes what is left (eliding its middle) instead of scrolling.
        for column in range(6):
            self.cache_view.resizeColumnToContents(column)
        self.cache_view.setColumnWidth(0, min(self.cache_view.columnWidth(0), 260))
        self.cache_view.setColumnWidth(2, min(self.cache_view.columnWidth(2), 360))
        self.cache_view.horizontalHeader().setSectionResizeMode(6, QHeaderView.ResizeMode.Stretch)
        states: dict[str, int] = {}
        for row in caches.get("caches", []):
            states[row["state"]] = states.get(row["state"], 0) + 1
        summary = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
        self.cache_label.setText(f"Caches: {summary or 'none'}")
        self.caches_updated.emit()

    def _update_counts(self) -> None:
        inventory = self.session.inventory or {"registries": []}
        regs = inventory["registries"]
        plugins = sum(len(r["plugins"]) for r in regs)
        failures = sum(len(r["failures"]) for r in regs)
        skipped = sum(len(r["skipped"]) for r in regs)
        when = ""
        if self.session.discovered_at:
            import time

            when = time.strftime("%H:%M:%S", time.localtime(self.session.discovered_at))
            when = f" · last discovery {when} ({(self.session.discovery_s or 0) * 1000:.0f} ms)"
        self.counts_label.setText(f"{_count(len(regs), 'registry', 'registries')} · {_count(plugins, 'plugin')} · "
                                  f"{_count(failures, 'failed import')} · {_count(skipped, 'skipped class', 'skipped classes')}"
                                  f"{when}")

    def _watch_plugin_folders(self, inventory: dict[str, Any]) -> None:
        """Watch the folders plugin files live in, so cache badges turn stale without a refresh."""
        folders = set()
        for reg in inventory["registries"]:
            for item in [*reg["plugins"], *reg["failures"], *reg["skipped"]]:
                if item.get("file"):
                    folders.add(os.path.dirname(item["file"]))
        files = {p["file"] for reg in inventory["registries"] for p in reg["plugins"] if p.get("file")}
        watched = set(self._watcher.directories()) | set(self._watcher.files())
        # Folders now, files in batches between events: adding 10 000 watches at once froze the GUI ~0.45 s.
        self._unwatched = sorted(folders - watched) + sorted(files - watched)
        self._watch_batch()

    #: Paths added per batch (~10 ms here), and the pause between batches. Not a zero-delay call: Qt
    #: delivers those back to back, so 10 000 files held timers and input back ~0.3 s.
    WATCH_BATCH = 250
    WATCH_GAP_MS = 10

    def _watch_batch(self) -> None:
        batch, self._unwatched = self._unwatched[:self.WATCH_BATCH], self._unwatched[self.WATCH_BATCH:]
        if batch:
            self._watcher.addPaths(batch)
        if self._unwatched:
            self._batch_timer.start()

    def refresh_cache_status(self) -> None:
        # Not exclusive: it only stats files, and must run while the user is doing other things.
        self.run_task("Cache check", self.session.cache_status, on_result=self._show_caches, exclusive=False)
        # Editors replace files (new inode): re-add what the watcher dropped.
        if self.session.inventory:
            self._watch_plugin_folders(self.session.inventory)

    #: Pause between the steps that build the Timing and Enums tabs after the first load (each ≤ ~50 ms).
    SIDE_STEP_GAP_MS = 15

    def _build_side_panels_soon(self) -> None:
        """Build the Timing and Enums tabs a step per timer tick: in one go it froze the window ~110 ms."""
        if self._side_steps is None:
            self._side_steps = self._side_panel_steps()
        self._side_timer.start()

    def _next_side_step(self) -> None:
        if self._side_steps is None:
            return
        if next(self._side_steps, _DONE) is _DONE:
            self._side_steps = None
            self._maybe_announce_loaded()
        else:
            self._side_timer.start()

    def _ensure_side_panels(self) -> None:
        """Both tabs built now (the rest of a staged build included), and the enums tab up to date."""
        self._side_timer.stop()
        steps, self._side_steps = self._side_steps or self._side_panel_steps(), None
        for _step in steps:
            pass
        self._maybe_announce_loaded()

    def _side_panel_steps(self) -> Iterator[None]:
        if self.charts is None:
            from .widgets.charts import ChartsPanel  # imports pyqtgraph

            yield
            self.charts = ChartsPanel(self.timing_page, dark=self.dark)
            layout = self.timing_page.layout()
            while layout.count():
                item = layout.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
            layout.addWidget(self.charts)
            yield
            from registry_core.diagnostics import profiling

            # Drawn a chart per tick too (unless someone needs them sooner: show_profile/export redraw).
            self.charts.show_profile(profiling.latest_profile(), profiling.load_history())
            yield
        if self.enums_panel is None:
            from .widgets.enums_panel import EnumsPanel

            self.enums_panel = EnumsPanel(self.enums_page)
            layout = self.enums_page.layout()
            while layout.count():
                item = layout.takeAt(0)
                if item.widget() is not None:
                    item.widget().deleteLater()
            layout.addWidget(self.enums_panel)
            yield
        if self.session.enums != getattr(self, "_shown_enums", None):
            # Redrawing 70-odd swatches costs ~40 ms: only when the enums really changed (not on every rebuild).
            self._shown_enums = self.session.enums
            self.enums_panel.set_enums(self.session.enums)

    def _maybe_announce_loaded(self) -> None:
        """``loaded``, once: after the first discovery's task is over and every tab is built."""
        if self._announce_loaded and self._side_steps is None:
            self._announce_loaded = False
            self.loaded.emit()

    # -- actions -----------------------------------------------------------------------------
    def selected_registry(self) -> str | None:
        index = self.tree.currentIndex()
        item = index.data(DATA_ROLE) if index.isValid() else None
        if item:
            return item.get("registry") or item.get("name")
        row = self.cache_view.currentIndex()
        data = row.data(DATA_ROLE) if row.isValid() else None
        return data.get("registry") if data else None

    def invalidate_selected(self) -> None:
        name = self.selected_registry()
        if name is None:
            self.statusBar().showMessage("Select a registry (or one of its rows) to invalidate its cache", 5000)
            return
        self.invalidate([name])

    def invalidate(self, names: list[str] | None) -> None:
        self.run_task("Invalidate", self.session.invalidate, names, on_result=self._after_invalidate)

    def _after_invalidate(self, result: dict[str, Any]) -> None:
        self._show_caches(result)
        self.statusBar().showMessage(f"Removed {result.get('removed', 0)} cache file(s)", 5000)

    def rebuild(self, names: list[str] | None) -> None:
        self.run_task("Rebuild", self.session.rebuild, names, on_result=self._show_documents)

    def profile(self, runs: int | None = None) -> None:
        if runs is None:
            from PyQt6.QtWidgets import QInputDialog

            runs, ok = QInputDialog.getInt(self, "Profile discovery", "Fresh-process runs per measurement:",
                                           5, 1, 50)
            if not ok:
                return
        self.run_task("Profile", self.session.profile, runs, on_result=self._show_profile)

    def verify_caches(self) -> None:
        self.run_task("Verify", self.session.verify, on_result=self._after_verify)

    def _after_verify(self, document: dict[str, Any]) -> None:
        from registry_core.diagnostics.verify import describe

        if document.get("cancelled"):
            self._say("Verify cancelled")
            return
        if document.get("error"):
            show_error(self, f"Verify could not run a fresh discovery: {document['error']}",
                       document.get("details") or "")
            return
        entries = document["registries"]
        wrong = [e for e in entries if not e["agrees"]]
        if not wrong:
            self._say(f"Verified: all {len(entries)} registries agree with a fresh discovery")
            return
        self._say(f"Verify: {len(wrong)} of {len(entries)} registries disagree with a fresh discovery")
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle("Registry Inspector: verify")
        box.setText(f"{len(wrong)} of {len(entries)} registries disagree with a fresh discovery. What their caches "
                    "hold changed in a way the cache's fingerprint cannot see: Rebuild (F5) rewrites them.")
        box.setDetailedText("\n\n".join(f"{e['name']}: {describe(e)}" for e in wrong))
        box.setModal(False)
        box.show()

    def _show_profile(self, profile: dict[str, Any]) -> None:
        self._profile = profile
        if self.charts is None:  # (not every time: that also rebuilds the enums tab, ~40 ms)
            self._ensure_side_panels()
        from registry_core.diagnostics import profiling

        # One chart per event-loop turn: drawing all three at once froze the window ~120-165 ms.
        self.tabs.setCurrentIndex(TAB_TIMING)
        self.charts.show_profile(profile, profiling.load_history())

    def export_bundle(self, path: str | None = None, redact: bool = True, sections: list[str] | None = None) -> None:
        if path is None:
            from registry_core.diagnostics import bundle

            from .widgets.bundle_dialog import BundleDialog

            dialog = BundleDialog(bundle.bundle_sections(), self._default_bundle_path(), self)
            if dialog.exec() != BundleDialog.DialogCode.Accepted:
                return
            path, redact, sections = dialog.values()
        self.run_task("Export", self.session.export, path, redact, sections, on_result=self._after_export)

    def _default_bundle_path(self) -> str:
        import time

        folder = self.settings.value("export/folder", os.path.expanduser("~"))
        return os.path.join(str(folder), time.strftime("registry-inspector-%Y%m%d-%H%M%S.zip"))

    def _after_export(self, result: Any) -> None:
        path = getattr(result, "path", None) or (result.get("path") if isinstance(result, dict) else str(result))
        self.settings.setValue("export/folder", os.path.dirname(path))
        self.statusBar().showMessage(f"Diagnostics bundle written: {path}", 8000)

    def export_charts(self) -> None:
        self._ensure_side_panels()
        from PyQt6.QtWidgets import QFileDialog

        if not self.charts.has_profile():
            self.statusBar().showMessage("No charts to export yet: run Profile (Ctrl+P) first", 8000)
            return
        path, _ = QFileDialog.getSaveFileName(self, "Export charts", os.path.expanduser("~/registry-timing.png"),
                                              "PNG image (*.png);;SVG drawing (*.svg)")
        if not path:
            return
        written = self.charts.export(path)
        if written:
            self.statusBar().showMessage(f"Charts written: {', '.join(written)}", 8000)
        else:
            self.statusBar().showMessage("No charts to export yet: run Profile (Ctrl+P) first", 8000)

    def open_cache_folder(self) -> None:
        name = self.selected_registry()
        registry = self.session.registry(name) if name else (self.session.registries[0]
                                                             if self.session.registries else None)
        if registry is None:
            self._say("No registry loaded yet: nothing has a cache folder")
            return
        folder = os.path.dirname(registry.cache_path)
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError as exc:
            self._say(f"Cannot create the cache folder {folder}: {exc.strerror or exc}")
            return
        open_path(folder, self._say)

    def _say(self, message: str) -> None:
        self.statusBar().showMessage(message, 10000)

    def focus_filter(self) -> None:
        self.tabs.setCurrentIndex(TAB_REGISTRIES)
        self.filter_bar.edit.setFocus()
        self.filter_bar.edit.selectAll()

    def copy_selection(self, as_json: bool) -> str:
        widget = self.cache_view if self.tabs.currentIndex() == TAB_CACHES else self.tree
        index = widget.currentIndex()
        item = index.data(DATA_ROLE) if index.isValid() else None
        if item is None:
            return ""
        if as_json:
            text = json.dumps(item, indent=2, default=repr)
        else:
            text = "\n".join(f"{k}: {v}" for k, v in item.items() if v not in (None, "", [], {}))
        QGuiApplication.clipboard().setText(text)
        self.statusBar().showMessage("Copied", 2000)
        return text

    def _selection_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        self.details.show_item(current.data(DATA_ROLE) if current.isValid() else None)

    def _explain_text(self, registry_name: str, name: str) -> str:
        registry = self.session.registry(registry_name)
        if registry is None or not name:
            return ""
        return registry.explain(name).message

    def _tree_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        menu.addActions([self.act_copy, self.act_copy_json])
        menu.addSeparator()
        menu.addActions([self.act_invalidate, self.act_rebuild, self.act_open_cache])
        index = self.tree.indexAt(pos)
        item = index.data(DATA_ROLE) if index.isValid() else None
        if item and item.get("file"):
            menu.addAction("Open source file", lambda: open_path(item["file"], self._say))
        menu.exec(self.tree.viewport().mapToGlobal(pos))

    def _cache_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        menu.addActions([self.act_invalidate, self.act_rebuild, self.act_open_cache, self.act_copy,
                         self.act_copy_json])
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
        if self._busy is not None:
            self._busy.state.cancel()
        # A closed window watches nothing: no cache check may start (and report) after it is gone.
        self._watch_timer.stop()
        self._watcher.blockSignals(True)
        super().closeEvent(event)

    def apply_theme(self, dark: bool) -> None:
        self.dark = dark
        self.act_profile.setIcon(_play_icon(theme.colors(dark)["cold"]))
        if self.charts is not None:
            self.charts.apply_theme(dark)


_DONE = object()


def _play_icon(colour: str) -> Any:
    """A "run" triangle in the theme's colour: the style's own is black, and vanishes on a dark toolbar."""
    from PyQt6.QtCore import QPointF
    from PyQt6.QtGui import QBrush, QColor, QIcon, QPainter, QPixmap, QPolygonF

    pixmap = QPixmap(32, 32)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(QColor(colour)))
    painter.drawPolygon(QPolygonF([QPointF(8, 5), QPointF(27, 16), QPointF(8, 27)]))
    painter.end()
    return QIcon(pixmap)


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


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
