"""Text output for people: tables fitted to the terminal (key columns whole, long paths elided keeping the
file name, full width into a pipe), counts that read right for 1 and for many, a status table that ends its
last line."""

from __future__ import annotations

import os
import re

import pytest
from cli_helpers import DEMO_REGISTRIES, check_status

from registry_core.diagnostics.render.actions import render_cleared, render_rebuilt
from registry_core.diagnostics.render.text import Fit, count, elide_path, table, terminal_width, wrap


def table_lines(text: str) -> list[str]:
    """The lines of every table in ``text`` (from a header line through its rows)."""
    out, inside = [], False
    for line in text.splitlines():
        if re.match(r"^\s*(key|registry)\s+(class|state)\b", line):
            inside = True
        elif inside and (not line.strip() or re.match(r"^\s*(secondary|FAILED|SKIPPED|EXCLUDED|orphan)\b", line)):
            inside = False
        if inside:
            out.append(line)
    return out


def test_list_and_status_fit_80_columns_keeping_keys_classes_and_file_names(cli):
    cli("list")  # caches written, so status has paths to show
    wide = cli("status", "--json").json()
    narrow_list = cli("list", env={"COLUMNS": "80"}).stdout
    narrow_status = cli("status", env={"COLUMNS": "80"}).stdout
    for text in (narrow_list, narrow_status):
        lines = table_lines(text)
        assert lines, text
        assert max(map(len, lines)) <= 80, "\n".join(line for line in lines if len(line) > 80)
    listed = cli("list", "--json").json()
    for reg in listed["registries"]:
        for plugin in reg["plugins"]:
            assert re.search(rf"^  {re.escape(str(plugin['key']))}\s", narrow_list, re.M), plugin["key"]
            # The class, wrapped at its dots or colon, is all there.
            assert plugin["class"] in narrow_list and plugin["module"].split(".")[-1] in narrow_list
            if plugin["file"]:
                assert os.path.basename(plugin["file"]) in narrow_list
    for cache in check_status(wide).values():
        assert os.path.basename(cache["path"]) in narrow_status
        assert re.search(rf"\b{cache['state']}\b", narrow_status)
    for name in DEMO_REGISTRIES:
        assert re.search(rf"^{re.escape(name)}\s+valid\s", narrow_status, re.M), name


def test_piped_output_is_full_width(cli):
    """No tty and no COLUMNS: one row per plugin and per cache, whole paths on the row."""
    cli("list")
    env = {"COLUMNS": ""}
    status = cli("status", env=env).stdout
    for cache in check_status(cli("status", "--json").json()).values():
        assert re.search(rf"\s{re.escape(cache['path'])}$", status, re.M), cache["path"]
    listed = cli("list", env=env).stdout
    for reg in cli("list", "--json").json()["registries"]:
        for plugin in reg["plugins"]:
            row = rf"^  {re.escape(str(plugin['key']))}\s+{re.escape(plugin['module'] + ':' + plugin['class'])}\s"
            assert re.search(rf"{row}.*{re.escape(plugin['file'])}$", listed, re.M), plugin["key"]


def test_status_ends_its_last_line(cli):
    assert cli("status").stdout.endswith("\n")
    assert cli("status", env={"COLUMNS": "60"}).stdout.endswith("\n")


def test_terminal_width(monkeypatch):
    class Tty:
        def isatty(self):
            return True

    class Pipe:
        def isatty(self):
            return False

    monkeypatch.setenv("COLUMNS", "77")
    assert terminal_width(Pipe()) == 77
    monkeypatch.delenv("COLUMNS")
    assert terminal_width(Pipe()) is None
    assert isinstance(terminal_width(Tty()), int)


def test_table_elides_and_wraps_only_the_columns_that_may_give_way():
    rows = [["k", "pkg.module.deep.name:ClassName", "/home/u/projects/some/deep/folder/plugin_file.py"]]
    fit = {1: Fit("wrap", 12, level=1), 2: Fit("path", 20)}
    full = table(["key", "class", "file"], rows)
    assert full == table(["key", "class", "file"], rows, width=None, fit=fit)
    assert rows[0][2] in full
    narrow = table(["key", "class", "file"], rows, width=60, fit=fit).splitlines()
    assert max(map(len, narrow)) <= 60
    assert narrow[2].endswith("/plugin_file.py") and "..." in narrow[2]
    assert "pkg.module.deep.name:ClassName" in narrow[2]
    # Narrower: the file goes under its row, the class wraps at its dots.
    lines = table(["key", "class", "file"], rows, width=30, fit=fit, below=2).splitlines()
    assert lines[1] == "      file"
    assert max(map(len, lines)) <= 30
    assert "".join(line.strip() for line in lines[3:-1]).replace(" ", "") == "kpkg.module.deep.name:ClassName"
    assert lines[-1].strip().endswith("plugin_file.py")


@pytest.mark.parametrize(
    "path, width, expected",
    [
        ("/a/b/c.json", 20, "/a/b/c.json"),
        ("/tmp/cache/openhcs_demo/registry_zmq.json", 30, "/tmp/cach.../registry_zmq.json"),
        ("/tmp/x/a_very_long_file_name_indeed.json", 16, "a_very_...d.json"),
    ],
)
def test_elide_path_keeps_the_file_name(path, width, expected):
    shown = elide_path(path, width)
    assert len(shown) <= width
    assert shown == expected


def test_wrap_breaks_at_spaces_then_inside_dotted_names():
    assert wrap("matches all 10 source files and folders", 16) == ["matches all 10", "source files and", "folders"]
    assert wrap("written for pyqtgraph 0.14.0; schema 1", 12) == ["written for", "pyqtgraph", "0.14.0;", "schema 1"]
    assert wrap("enum AllComponents/VariableComponents/GroupBy", 20) == [
        "enum",
        "AllComponents/",
        "VariableComponents/",
        "GroupBy",
    ]


def test_counts_read_right_for_one_and_many():
    assert [count(n, "plugin") for n in (0, 1, 2)] == ["0 plugins", "1 plugin", "2 plugins"]
    assert count(1, "skipped class", "skipped classes") == "1 skipped class"
    assert count(3, "skipped class", "skipped classes") == "3 skipped classes"

    import io

    out = io.StringIO()
    item = {"registry": "r", "seconds": 0.01, "state": "valid", "path": "/c.json"}
    render_rebuilt({"rebuilt": [{**item, "plugins": 1, "failures": 1, "skipped": 1}]}, out)
    render_rebuilt({"rebuilt": [{**item, "plugins": 2, "failures": 2, "skipped": 2}]}, out)
    assert out.getvalue().splitlines() == [
        "rebuilt r: 1 plugin, 1 failed module, 1 skipped class in 10 ms -> valid (/c.json)",
        "rebuilt r: 2 plugins, 2 failed modules, 2 skipped classes in 10 ms -> valid (/c.json)",
    ]
    out = io.StringIO()
    render_cleared({"removed": ["/c.json"], "caches_removed": 1, "left": ["notes.txt"]}, out)
    render_cleared({"removed": ["/a.json", "/b.json", "/a.lock"], "caches_removed": 2}, out)
    assert out.getvalue().splitlines() == [
        "removed /c.json",
        "left 1 file that is not a cache of this library: notes.txt",
        "1 cache file removed",
        "removed /a.json",
        "removed /b.json",
        "2 cache files removed (and 1 lock/temp file)",
    ]


def test_list_header_says_1_plugin(cli, make_package):
    from helpers import BASE_MODULE

    root = make_package(
        {
            "one_plugin/__init__.py": "",
            "one_plugin/base.py": BASE_MODULE,
            "one_plugin/only.py": "from one_plugin.base import Plugin\nclass Only(Plugin):\n    plugin_key = 'only'\n",
        }
    )
    cli.path.append(str(root))
    text = cli("list", "--target", "one_plugin.base").stdout
    assert ", 1 plugin, " in text
