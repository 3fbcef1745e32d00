"""The details pane: what the selected row is, where it lives, and why it is (not) registered."""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from typing import Any

from PyQt6.QtCore import QUrl, pyqtSignal
from PyQt6.QtGui import QTextOption
from PyQt6.QtWidgets import QTextBrowser, QWidget

from .. import theme
from ..desktop import open_path
from ..models import home_short

#: What a field with no value reads (every pane, the same mark: an empty cell looks like a missing one).
NONE = "—"


def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value))


#: A word this long may break after a dot, underscore or slash ("openhcs_demo.microscopes." / "microscope_base").
_LONG_WORD = re.compile(r"\S{24,}")
_BREAK_AFTER = re.compile(r"([._/])(?=\w)")
_ZWSP = "\u200b"


def _brk(value: Any) -> str:
    """Escaped, ``~`` for the home folder, and break opportunities (zero-width spaces) in long dotted names."""
    text = _esc(home_short("" if value is None else str(value)))
    return _LONG_WORD.sub(lambda m: _BREAK_AFTER.sub(r"\1" + _ZWSP, m.group(0)), text)


def _file_link(path: str | None) -> str:
    if not path:
        return "<i>unknown</i>"
    url = QUrl.fromLocalFile(path).toString()
    return f'<a href="{_esc(url)}">{_brk(path)}</a>'


def _served_from(reg: dict[str, Any]) -> str:
    """discovery, or the cache; "no plugin imported" only while true (a value read imports its plugin, and
    metaclass-registry imports every cached plugin itself)."""
    if reg.get("source") != "cache":
        return "discovery"
    plugins = reg.get("plugins", [])
    imported = sum(1 for p in plugins if p.get("loaded"))
    return "cache (no plugin imported)" if not imported else f"cache ({imported} of {len(plugins)} plugins imported)"


class DetailsPane(QTextBrowser):
    """Read-only HTML; clicking a source file opens it in the system's editor."""

    message = pyqtSignal(str)  # why a link could not be opened, for the status bar

    def __init__(self, explain: Callable[[str, str], str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._explain = explain
        self.setOpenLinks(False)
        self.anchorClicked.connect(lambda url: open_path(url.toLocalFile(), self.message.emit))
        self.setObjectName("details")
        # Lines break between words only; long dotted names get break points after their dots (``_brk``).
        self.setWordWrapMode(QTextOption.WrapMode.WordWrap)
        self.show_message("Select a registry, plugin, failure or skipped class to see its details.")

    def toPlainText(self) -> str:  # noqa: N802 - Qt's name
        """The text as copied: without the break opportunities added to long names."""
        return super().toPlainText().replace(_ZWSP, "")

    def createMimeDataFromSelection(self) -> Any:  # noqa: N802 - Qt's name
        data = super().createMimeDataFromSelection()
        data.setText(data.text().replace(_ZWSP, ""))
        return data

    def show_message(self, text: str) -> None:
        self.setHtml(f"<p style='color:gray'>{_esc(text)}</p>")

    def show_item(self, item: dict[str, Any] | None) -> None:
        if not item:
            self.show_message("Nothing selected.")
            return
        kind = item.get("kind")
        render = getattr(self, f"_render_{kind}", None)
        self.setHtml(render(item) if render else f"<pre>{_esc(item)}</pre>")

    def _render_registry(self, reg: dict[str, Any]) -> str:
        cache = reg.get("cache_at_start") or {}
        library = reg.get("library") or {}
        rows = [
            ("Library", " ".join(str(library[k]) for k in ("name", "version") if library.get(k)) or NONE),
            ("Base class", reg.get("base") or NONE),
            ("Discovery package", reg.get("package") or NONE),
            ("Key attribute", reg.get("key_attribute") or NONE),
            ("Entry-point group", reg.get("entry_point_group") or NONE),
            ("Plugins", len(reg.get("plugins", []))),
            ("Import failures", len(reg.get("failures", []))),
            ("Skipped classes", len(reg.get("skipped", []))),
            ("Modules scanned", NONE if reg.get("modules_scanned") is None else reg["modules_scanned"]),
            ("Served from", _served_from(reg)),
            (
                "Cache at start",
                f"{cache.get('state') or NONE}: {cache['reason']}"
                if cache.get("reason")
                else cache.get("state") or NONE,
            ),
        ]
        if reg.get("healed"):
            rows.append(("Re-discovered because", reg["healed"]))
        body = "".join(f"<tr><td><b>{_esc(k)}</b></td><td>{_brk(v)}</td></tr>" for k, v in rows)
        partial = ""
        if reg.get("partial"):
            partial = (
                f"<p style='color:{theme.OUTCOME_COLOURS['skipped']}'><b>Partial</b>: "
                f"{_esc(reg.get('note') or 'only what registered once its modules were imported')}</p>"
            )
        elif reg.get("note"):
            partial = f"<p><b>Note</b>: {_esc(reg['note'])}</p>"
        return f"<h3>{_brk(reg.get('name'))} registry</h3>{partial}<table cellspacing=4>{body}</table>"

    def _render_plugin(self, plugin: dict[str, Any]) -> str:
        loaded = "imported" if plugin.get("loaded") else "listed from the cache, not imported yet"
        secondary = "".join(f"<li>{_esc(k)}: {_esc(v)}</li>" for k, v in (plugin.get("secondary") or {}).items())
        return (
            f"<h3>{_brk(plugin.get('key'))}</h3>"
            f"<p>{_esc(plugin.get('doc') or 'No docstring.')}</p>"
            f"<table cellspacing=4>"
            f"<tr><td><b>Class</b></td><td>{_brk(str(plugin.get('module')) + '.' + str(plugin.get('class')))}</td></tr>"
            f"<tr><td><b>Registry</b></td><td>{_brk(plugin.get('registry'))}</td></tr>"
            + (
                f"<tr><td><b>Distribution</b></td><td>{_brk(plugin['distribution'])}</td></tr>"
                if plugin.get("distribution")
                else ""
            )
            + f"<tr><td><b>State</b></td><td>{_esc(loaded)}</td></tr>"
            f"<tr><td><b>Source file</b></td><td>{_file_link(plugin.get('file'))}</td></tr>"
            f"</table>" + (f"<p><b>Secondary registries</b></p><ul>{secondary}</ul>" if secondary else "")
        )

    def _render_failure(self, failure: dict[str, Any]) -> str:
        explanation = self._explain(failure.get("registry", ""), failure.get("module", ""))
        origin = failure.get("entry_point")
        return (
            f"<h3 style='color:{theme.OUTCOME_COLOURS['failure']}'>Import failed: {_brk(failure.get('module'))}</h3>"
            f"<p>{_brk(failure.get('error'))}</p>"
            + (
                f"<p>Entry point <code>{_brk(origin)}</code> of {_brk(failure.get('distribution'))}</p>"
                if origin
                else ""
            )
            + f"<p><b>Source file</b>: {_file_link(failure.get('file'))}</p>"
            f"<p><b>Why</b>: {_brk(explanation)}</p>"
            f"<pre style='font-size:small'>{_esc(failure.get('traceback'))}</pre>"
        )

    def _render_skipped(self, skipped: dict[str, Any]) -> str:
        explanation = self._explain(skipped.get("registry", ""), skipped.get("class", ""))
        holder = skipped.get("holder")
        return (
            f"<h3 style='color:{theme.OUTCOME_COLOURS['skipped']}'>Not registered: {_brk(skipped.get('class'))}</h3>"
            f"<p>{_brk(skipped.get('reason'))}</p>"
            + (f"<p><b>Key held by</b>: {_brk(holder)}</p>" if holder else "")
            + f"<p><b>Source file</b>: {_file_link(skipped.get('file'))}</p>"
            f"<p><b>Explain</b>: {_brk(explanation)}</p>"
        )

    _render_duplicate = _render_skipped

    def _render_excluded(self, excluded: dict[str, Any]) -> str:
        return (
            f"<h3>Excluded: {_brk(excluded.get('module'))}</h3><p>{_brk(excluded.get('reason'))}</p>"
            "<p>Discovery did not import this module on purpose.</p>"
        )

    def _render_secondary(self, entry: dict[str, Any]) -> str:
        return (
            f"<h3>{_brk(entry.get('registry'))}</h3><p>Secondary-registry entry filled from the plugin's "
            f"<code>{_brk(entry.get('attr_name'))}</code>: {_brk(entry.get('value'))}</p>"
        )
