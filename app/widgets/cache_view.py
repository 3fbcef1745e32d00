"""The Caches tab: one row per cache file, its state as a badge, the selected cache's details below; and the
status bar's one-line summary."""

from __future__ import annotations

import html
import os
from typing import Any

from PyQt6.QtCore import QModelIndex, Qt, QUrl
from PyQt6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSplitter,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QTextBrowser,
    QWidget,
)

from registry_core.diagnostics import human_age, human_size

from .. import theme
from ..models import DATA_ROLE, SORT_ROLE, home_short
from ..models.cache_table import CacheTableModel, _library
from .filter_bar import make_proxy

#: The path column (the file name is what tells caches apart: it is kept, the folder is cut).
PATH_COLUMN = 7


class _PathDelegate(QStyledItemDelegate):
    """One line, cut on the left: ``…/openhcs_demo/registry_microscope_handler-69bef….json`` keeps the file name."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex) -> None:  # noqa: N802 - Qt's name
        super().initStyleOption(option, index)
        option.textElideMode = Qt.TextElideMode.ElideLeft
        option.features &= ~QStyleOptionViewItem.ViewItemFeature.WrapText


class CacheView(QTableView):
    """A sortable table over ``cache_inventory()``; names and reasons wrap, paths lose their folder, not their name."""

    #: Widest the Cache and Reason columns start (they wrap beyond; the full text is in the tooltip).
    NAME_WIDTH, REASON_WIDTH = 220, 320

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cacheTable")
        self.cache_model = CacheTableModel(self)
        self.proxy = make_proxy(self.cache_model, SORT_ROLE)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setAlternatingRowColors(True)
        # Long names and reasons wrap (rows grow to fit them); the path keeps one line (its delegate).
        self.setWordWrap(True)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self._path_delegate = _PathDelegate(self)
        self.setItemDelegateForColumn(PATH_COLUMN, self._path_delegate)
        self.verticalHeader().setVisible(False)
        self.horizontalHeader().setStretchLastSection(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def show_document(self, caches: dict[str, Any]) -> None:
        current = self.current_item()
        self.cache_model.set_document(caches)
        # Fit every column but the path, which takes what is left (losing its folder first) instead of scrolling.
        for column in range(PATH_COLUMN):
            self.resizeColumnToContents(column)
        self.setColumnWidth(0, min(self.columnWidth(0), self.NAME_WIDTH))
        self.setColumnWidth(2, min(self.columnWidth(2), self.REASON_WIDTH))
        self.horizontalHeader().setSectionResizeMode(PATH_COLUMN, QHeaderView.ResizeMode.Stretch)
        self.resizeRowsToContents()
        self._reselect(current)

    def _reselect(self, previous: dict[str, Any] | None) -> None:
        """The same cache current again after a refresh (else the first row): the details pane keeps its subject."""
        proxy = self.proxy
        for row in range(proxy.rowCount()):
            data = proxy.index(row, 0).data(DATA_ROLE)
            if previous is None or (data.get("path"), data.get("registry")) == (
                previous.get("path"),
                previous.get("registry"),
            ):
                self.selectRow(row)
                return
        if proxy.rowCount():
            self.selectRow(0)

    def current_item(self) -> dict[str, Any] | None:
        """The current row's document, or None."""
        index = self.currentIndex()
        return index.data(DATA_ROLE) if index.isValid() else None


class CacheDetails(QTextBrowser):
    """Every field of the selected cache's status document, in words; the path links to its folder."""

    #: Whether to read the cache file on this disk (off while a snapshot from elsewhere is on show: a file at
    #: that path here is not the one the snapshot describes).
    read_disk = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("cacheDetails")
        self.setOpenExternalLinks(False)
        self.setOpenLinks(False)
        self.show_row(None)

    def show_row(self, row: dict[str, Any] | None) -> None:
        from registry_core.diagnostics import cache_contents

        # What the file validates against, beside the disk now (a stat per file, at most a few hundred).
        path = (row or {}).get("path")
        contents = cache_contents(path) if self.read_disk and path and os.path.isfile(path) else None
        self.setHtml(cache_details_html(row) + contents_html(contents))


def cache_details_html(row: dict[str, Any] | None) -> str:
    """The status document's fields of one cache row (``status --json``'s ``caches[i]``) as an HTML table."""
    if not row:
        return "<p style='color:gray'>Select a cache file to see its details.</p>"

    def esc(value: Any) -> str:
        return html.escape("" if value is None else str(value))

    path = row.get("path") or ""
    folder_url = QUrl.fromLocalFile(os.path.dirname(path)).toString() if path else ""
    kind = row.get("reason_kind")
    fields = [
        ("Path", f'<a href="{esc(folder_url)}">{esc(home_short(path))}</a>' if path else "<i>none</i>"),
        ("State", f"<b>{esc(row.get('state'))}</b>"),
        # As the table's Reason column: a valid cache has no reason, only what it was checked against.
        ("Reason", esc(home_short(row.get("reason") or row.get("detail") or "")) or "—"),
        *([("Detail", esc(home_short(row["detail"])))] if row.get("reason") and row.get("detail") else []),
        ("Reason kind", esc(getattr(kind, "value", kind)) if kind else "—"),
        ("Size", esc(human_size(row["size"])) if row.get("size") is not None else "—"),
        ("Age", esc(human_age(row["age_s"])) if row.get("age_s") is not None else "—"),
        ("Items", esc(row.get("items")) if row.get("items") is not None else "—"),
        ("Library", esc(_library(row)) or "—"),
        ("Kind", esc(row.get("kind")) or "—"),
        ("Name", esc(row.get("name")) or "—"),
    ]
    body = "".join(f"<tr><td><b>{name}</b></td><td>{value}</td></tr>" for name, value in fields)
    colour = theme.state_colour(row.get("state"))
    return (
        f"<h3>{esc(row.get('registry'))} <span style='background:{colour}; color:{theme.BADGE_TEXT_COLOUR}'>"
        f"&nbsp;{esc(row.get('state'))}&nbsp;</span></h3><table cellspacing=4>{body}</table>"
    )


def contents_html(contents: dict[str, Any] | None) -> str:
    """The files a cache watches, recorded beside now (changed ones first and marked), its entry points and the
    environment values it recorded (``registry_core.diagnostics.cache_contents``)."""
    if not contents:
        return ""
    if contents.get("problem"):
        return f"<p><i>{html.escape(contents['problem'])}</i></p>"

    def stamp(size: Any, mtime_ns: Any) -> str:
        import time

        if mtime_ns is None:
            return "<i>gone</i>"
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(mtime_ns / 1e9))
        return html.escape(when + ("" if size is None else f", {size} B"))

    files = contents["files"]
    rows = "".join(
        f"<tr><td>{'<b>changed</b>' if f['changed'] else ''}</td><td>{html.escape(home_short(f['path']))}"
        f"{'/' if f['folder'] else ''}</td><td>{stamp(f['recorded_size'], f['recorded_mtime_ns'])}</td>"
        f"<td>{stamp(f['size'], f['mtime_ns'])}</td></tr>"
        for f in files
    )
    more = f"<p>… and {contents['more']} more</p>" if contents.get("more") else ""
    parts = [
        f"<h4>Watched files and folders: {len(files) + contents.get('more', 0)}, {contents['changed']} changed</h4>",
        "<table cellspacing=4><tr><th></th><th align=left>file</th><th align=left>recorded</th>"
        f"<th align=left>now</th></tr>{rows}</table>{more}",
    ]
    entry_points = contents.get("entry_points") or {}
    if entry_points:
        advertised = ", ".join(entry_points.get("advertised") or []) or "none"
        parts.append(
            f"<h4>Entry points</h4><p>group <b>{html.escape(str(entry_points.get('group')))}</b>: "
            f"{html.escape(advertised)}; {entry_points.get('folders', 0)} import-path folders watched</p>"
        )
    environment = contents.get("environment") or {}
    if environment:
        items = "".join(
            f"<tr><td><b>{html.escape(k)}</b></td><td>{html.escape(home_short(str(v)))}</td></tr>"
            for k, v in environment.items()
        )
        parts.append(f"<h4>Environment it was written for</h4><table cellspacing=4>{items}</table>")
    return "".join(parts)


class CachePage(QSplitter):
    """The Caches tab: the table above, the selected cache's details below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Vertical, parent)
        self.setObjectName("cachePage")
        self.table = CacheView(self)
        self.details = CacheDetails(self)
        self.addWidget(self.table)
        self.addWidget(self.details)
        self.setStretchFactor(0, 1)
        self.setStretchFactor(1, 1)
        self.table.selectionModel().currentRowChanged.connect(
            lambda current, _previous: self.details.show_row(current.data(DATA_ROLE) if current.isValid() else None)
        )


def cache_summary(caches: dict[str, Any]) -> str:
    """``Caches: 5 valid, 2 stale`` (counts per state, by state name)."""
    states: dict[str, int] = {}
    for row in caches.get("caches", []):
        states[row["state"]] = states.get(row["state"], 0) + 1
    summary = ", ".join(f"{n} {s}" for s, n in sorted(states.items()))
    return f"Caches: {summary or 'none'}"
