"""Profile a metaclass-registry target both ways: as installed, and on registry_core (``registry_core.compat``).

``profile --engine both`` times each metaclass-registry registry that discovers in fresh children twice: with
the library as installed, and with ``registry_core.compat.install()`` called first in the child (the same
unmodified program on registry_core's engine). The real stack (``real_stack.real_stack_python()``:
metaclass-registry 0.4.1, polystore 0.6.3) gives the real numbers; the window's chart and Profile dialog
show the two side by side.
"""

from __future__ import annotations

import io
import os

import pyqtgraph as pg
import pytest
from jsonschema import Draft202012Validator
from real_stack import real_stack_python

from app.widgets.chart_data import engine_summaries, engine_timings, ratio_text, registry_rows
from app.widgets.charts import ChartsPanel
from app.widgets.profile_dialog import ProfileDialog, switchable_names
from registry_core.diagnostics.children import child_env, child_pythonpath, run_child
from registry_core.diagnostics.json_schemas import load_schema
from registry_core.diagnostics.profiling import BOTH, INSTALLED, REGISTRY_CORE, plan_engines, profile_registries
from registry_core.diagnostics.render.profile import render_profile

BACKEND = "polystore.base.BackendBase"


@pytest.fixture(scope="module")
def stack_python() -> str:
    return real_stack_python()


# -- the core: which registries get two engines, the child on each engine ---------------------------------
class _Registry:
    def __init__(self, library: str | None, partial: bool = False) -> None:
        if library is not None:
            self.library = {"name": library, "version": "0.4.1"}
        self.partial = partial


def test_only_metaclass_registry_registries_that_discover_get_two_engines():
    library = _Registry("metaclass_registry")
    assert plan_engines(library, INSTALLED) == [INSTALLED]
    assert plan_engines(library, REGISTRY_CORE) == [REGISTRY_CORE]
    assert plan_engines(library, BOTH) == [INSTALLED, REGISTRY_CORE]
    for one_way in (_Registry(None), _Registry("registry_core"), _Registry("metaclass_registry", partial=True)):
        assert plan_engines(one_way, BOTH) == [INSTALLED]
    with pytest.raises(ValueError, match="engine must be one of"):
        profile_registries([], ["x"], engine="fast")


def test_a_registry_core_target_is_timed_once_with_engine_both(make_package, tmp_path, monkeypatch):
    from cache_helpers import plugin_files

    from registry_core._catalog import scoped
    from registry_core.sources.targets import load_targets

    monkeypatch.setenv("REGISTRY_INSPECTOR_DATA_DIR", str(tmp_path / "data"))
    make_package(plugin_files("enginepkg", ("one", "two")))
    with scoped():
        registries = load_targets(["enginepkg.base"])
        doc = profile_registries(registries, ["enginepkg.base"], runs=1, engine=BOTH, record=False)
    assert doc["engine"] == BOTH
    [entry] = doc["registries"]
    assert entry["engine"] == INSTALLED and "engines" not in entry and "engine_speedup" not in entry
    assert entry["keys"] == 2 and entry["warm_source"] == "cache"
    assert not list(Draft202012Validator(load_schema("profile")).iter_errors(doc))


def _discover(python: str, engine: str, cache: str, cwd: str) -> dict:
    env = child_env(child_pythonpath(["polystore"]), cache, 0, engine)
    result = run_child(["discover", "polystore", "", BACKEND], env, cwd, 240, None, python)
    assert result.data is not None and result.returncode == 0, result.stderr[-3000:]
    return result.data["registries"][0]


def test_on_registry_core_the_child_finds_the_same_registry_once_and_warm_starts_from_its_cache(stack_python, tmp_path):
    """With compat installed in the child, polystore still loads; its backend registry is one registry (the
    compat one, not also an observed copy), under the same qualified name; cold discovers, warm is a cache hit."""
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    installed = _discover(stack_python, INSTALLED, str(tmp_path / "cache-installed"), str(cwd))
    cold = _discover(stack_python, REGISTRY_CORE, str(tmp_path / "cache-rc"), str(cwd))
    warm = _discover(stack_python, REGISTRY_CORE, str(tmp_path / "cache-rc"), str(cwd))
    assert installed["keys"] == cold["keys"] == warm["keys"] == 9
    assert cold["source"] == "discovery" and cold["cache_state"] == "missing"
    assert warm["source"] == "cache" and warm["cache_state"] == "valid"
    assert warm["failures"] == 0
    # registry_core's cache and the library's files share the child's one private folder: removing it is cold.
    assert any("registry_backend" in name for _d, _s, files in os.walk(tmp_path / "cache-rc") for name in files)


# -- the CLI on the real stack: both engines side by side, valid against the schema --------------------------
def test_cli_profile_engine_both_on_polystore(cli, stack_python, tmp_path):
    env = {"REGISTRY_INSPECTOR_DATA_DIR": str(tmp_path / "data")}
    argv = ("--python", stack_python, "profile", "--target", "polystore", "--registry", "backend", "--runs", "1")
    doc = cli(*argv, "--engine", "both", "--no-history", "--json", env=env).json()
    assert not list(Draft202012Validator(load_schema("profile")).iter_errors(doc))
    assert doc["engine"] == BOTH
    [entry] = doc["registries"]
    assert entry["qualified_name"] == BACKEND and entry["engine"] == INSTALLED
    mine, ours = entry["engines"][INSTALLED], entry["engines"][REGISTRY_CORE]
    assert entry["cold"] == mine["cold"] and entry["warm"] == mine["warm"]  # the top level stays as installed
    assert mine["error"] is None and ours["error"] is None
    assert mine["keys"] == ours["keys"] == 9
    assert ours["warm_source"] == "cache" and ours["warm_cache_state"] == "valid"
    # The library imports every backend (zarr, pandas...) on a warm start; registry_core reads its cache.
    assert ours["warm"]["median_s"] * 20 < mine["warm"]["median_s"], (ours["warm"], mine["warm"])
    assert entry["engine_speedup"]["warm"] == pytest.approx(mine["warm"]["median_s"] / ours["warm"]["median_s"])

    out = io.StringIO()
    render_profile(doc, out)  # what the same command prints without --json
    text = out.getvalue()
    assert "as installed vs on registry_core" in text
    assert "warm registry_core" in text and "ratio" in text
    line = next(row for row in text.splitlines() if row.strip().startswith("backend") and "x " in row[40:])
    assert line.split()[-1] == "valid"


# -- the window: the chart's numbers, the chart, the Profile dialog -------------------------------------------
def _timing(median_ms: float) -> dict:
    runs = [median_ms * 0.9, median_ms, median_ms * 1.1]
    return {"median_s": median_ms / 1000, "min_s": runs[0] / 1000, "max_s": runs[2] / 1000, "runs": runs}


def _block(cold_ms: float, warm_ms: float, **extra) -> dict:
    block = {"cold": _timing(cold_ms), "warm": _timing(warm_ms), "speedup": cold_ms / warm_ms, "keys": 9}
    return {**block, "failures": 0, "timed_out": None, "error": None, **extra}


def two_engine_profile() -> dict:
    """A profile of polystore as ``--engine both`` makes it (the figures of a real run, rounded)."""
    mine, ours = _block(1950, 610), _block(2050, 2.1)
    backend = {"name": "backend", "qualified_name": BACKEND, **mine, "engine": INSTALLED}
    backend["engines"] = {INSTALLED: mine, REGISTRY_CORE: ours}
    backend["engine_speedup"] = {"cold": 1950 / 2050, "warm": 610 / 2.1}
    # A partial registry (no discovery of its own): its "times" are a dict read, flagged so (profiling's entry).
    partial = {"name": "zarr compressor factory", "qualified_name": "polystore.config.ZarrCompressorFactory"}
    partial.update(_block(0.005, 0.004), keys=5, engine=INSTALLED, partial=True)
    return {
        "schema": 1,
        "created": 1.7e9,
        "python": "3.11.7",
        "runs": 3,
        "engine": BOTH,
        "registries": [backend, partial],
    }


def test_chart_rows_carry_both_engines_and_the_ratio():
    rows = registry_rows(two_engine_profile())
    backend, partial = rows
    assert partial["engines"] is None  # one engine: a plain cold/warm pair
    engines = backend["engines"]
    assert engines["installed"]["warm"]["median"] == pytest.approx(610)
    assert engines["registry_core"]["warm"]["median"] == pytest.approx(2.1)
    assert engines["ratio"]["warm"] == pytest.approx(610 / 2.1)
    assert engines["ratio"]["cold"] == pytest.approx(1950 / 2050)
    assert ratio_text(engines["ratio"]["warm"]) == "290× faster"
    assert ratio_text(engines["ratio"]["cold"]) == "about the same"
    assert ratio_text(0.5) == "2.0× slower" and ratio_text(None) == ""
    assert engine_summaries({"registries": [two_engine_profile()["registries"][0]]}) == [
        "backend: warm 2.1 ms vs 610 ms (290× faster), cold 2.05 s vs 1.95 s (about the same)"
    ]
    # A failure on registry_core is said, and gives no ratio; garbage gives no engines.
    broken = two_engine_profile()["registries"][0]
    broken["engines"][REGISTRY_CORE].update(error="boom", cold=_timing(1)["runs"])
    timings = engine_timings(broken)
    assert timings["registry_core"]["problem"] == "error" and timings["ratio"]["warm"] is None
    for garbage in (
        None,
        {},
        {"engines": "x"},
        {"engines": {INSTALLED: {}}},
        {"engines": {INSTALLED: 1, REGISTRY_CORE: 2}},
    ):
        assert engine_timings(garbage) is None


def test_the_cold_warm_chart_shows_the_two_engines_side_by_side(qtbot):
    panel = ChartsPanel(None, dark=False)
    qtbot.addWidget(panel)
    panel.resize(1200, 720)
    profile = two_engine_profile()
    panel.set_history([profile])
    panel.set_profile(profile)
    panel.show()
    qtbot.waitExposed(panel)
    plot = panel.plots["discovery"]
    bars = {item.name(): item for item in plot.getPlotItem().items if isinstance(item, pg.BarGraphItem)}
    assert len(bars) == 4
    cold, warm = bars["cold (no cache), as installed"], bars["warm (from cache), as installed"]
    rc_cold, rc_warm = bars["cold, on registry_core"], bars["warm, on registry_core"]
    # backend: four bars left to right (installed cold, warm, registry_core cold, warm); the partial registry,
    # with no discovery of its own, none (named under the axis instead).
    assert cold.opts["x"][0] < warm.opts["x"][0] < rc_cold.opts["x"][0] < rc_warm.opts["x"][0] < 0.5
    assert len(cold.opts["x"]) == len(warm.opts["x"]) == len(rc_cold.opts["x"]) == 1
    assert plot.getPlotItem().getAxis("bottom").categories == ["backend"]
    assert list(rc_warm.opts["height"]) == pytest.approx([2.1])
    legend = plot.getPlotItem().legend
    qtbot.waitUntil(lambda: len(legend.items) == 4)
    texts = [label.text for label in plot.labels.labels]
    assert "warm 290× faster on registry_core" in texts
    # Above the charts, in words: what switching would give.
    summary = "backend: warm 2.1 ms vs 610 ms (290× faster), cold 2.05 s vs 1.95 s (about the same)"
    assert summary in panel.notes.text()
    hover = panel._hover["discovery"](0, 10)
    assert "on registry_core, warm: 2.10 ms" in hover and "warm: registry_core is 290× faster" in hover


def test_profile_dialog_offers_both_engines_only_for_metaclass_registry_targets(qtbot):
    inventory = {
        "registries": [
            {"name": "backend", "library": {"name": "metaclass_registry"}, "partial": False},
            {"name": "zarr compressor factory", "library": {"name": "metaclass_registry"}, "partial": True},
            {"name": "plugin", "library": {"name": "registry_core"}, "partial": False},
        ]
    }
    assert switchable_names(inventory) == ["backend"]
    assert switchable_names(None) == [] == switchable_names({"registries": "x"})
    dialog = ProfileDialog(None, switchable_names(inventory), runs=2)
    qtbot.addWidget(dialog)
    assert not dialog.both.isChecked() and dialog.choice() == (2, "installed")
    dialog.both.setChecked(True)
    assert dialog.choice() == (2, "both")
    assert "backend" in dialog.about.text()
    plain = ProfileDialog(None, [], both=True)
    qtbot.addWidget(plain)
    assert plain.both.isHidden() and plain.choice() == (5, "installed")


def test_the_window_and_an_environment_pass_the_engine_to_the_core(monkeypatch):
    from app.env_session import EnvironmentSession

    asked = []
    session = EnvironmentSession.__new__(EnvironmentSession)
    monkeypatch.setattr(EnvironmentSession, "interpreter_label", "stack", raising=False)
    session._document = lambda argv, cancelled=None: asked.append(argv) or {"registries": []}

    class State:
        def progress(self, *args):
            pass

        def cancelled(self):
            return False

    session.profile(State(), 2, "both")
    session.profile(State(), 1)
    assert asked == [["profile", "--runs", "2", "--engine", "both"], ["profile", "--runs", "1"]]


def test_the_profile_action_asks_for_the_engines_and_the_timing_tab_shows_them(qtbot, tmp_path, monkeypatch):
    from PyQt6.QtCore import QSettings
    from test_app_window import open_window

    from app.main_window import TAB_TIMING
    from app.session import Session
    from app.widgets import profile_dialog

    window = open_window(qtbot, Session(None), QSettings(str(tmp_path / "inspector.ini"), QSettings.Format.IniFormat))
    offered = []
    monkeypatch.setattr(
        profile_dialog, "ask_profile", lambda _parent, inventory, both: offered.append(both) or (2, BOTH)
    )
    asked = []
    monkeypatch.setattr(
        window.session, "profile", lambda _state, runs, engine: asked.append((runs, engine)) or two_engine_profile()
    )
    with qtbot.waitSignal(window.task_done, timeout=30_000, check_params_cb=lambda name, _ok: name == "Profile"):
        window.act_profile.trigger()
    assert asked == [(2, BOTH)] and offered == [False]
    assert window.tabs.currentIndex() == TAB_TIMING
    qtbot.waitUntil(lambda: not window.charts.is_drawing())
    assert "290× faster" in window.charts.notes.text()
    # The dialog remembers the choice for next time.
    with qtbot.waitSignal(window.task_done, timeout=30_000, check_params_cb=lambda name, _ok: name == "Profile"):
        window.act_profile.trigger()
    assert offered == [False, True]


def test_the_text_says_which_engine_ran_and_pairs_the_two():
    both = io.StringIO()
    render_profile(two_engine_profile(), both)
    row = next(line for line in both.getvalue().splitlines() if line.strip().startswith("backend") and "290x" in line)
    assert row.split()[1:8] == ["1.95", "s", "2.05", "s", "0.95x", "610.0", "ms"]
    alone = io.StringIO()
    render_profile({**two_engine_profile(), "engine": REGISTRY_CORE}, alone)
    assert "ran on registry_core (each child called registry_core.compat.install() first)" in alone.getvalue()
    assert "ran on registry_core" not in both.getvalue()


def _text(profile: dict) -> str:
    out = io.StringIO()
    render_profile(profile, out)
    return out.getvalue()


def _row(text: str, name: str) -> str:
    """The registry's row in the first table (cold, warm, speed-up...)."""
    return next(line for line in text.splitlines() if line.strip().startswith(name))


def test_a_range_shows_its_unit_on_both_ends_when_they_differ():
    """The user's trial printed ``953.1-1.14 s`` for a warm range of 953 ms to 1.14 s (read: 953 seconds)."""
    profile = two_engine_profile()
    backend = profile["registries"][0]
    backend["warm"].update(min_s=0.9531, max_s=1.14)
    row = _row(_text(profile), "backend")
    assert "953.1 ms-1.14 s" in row and "953.1-1.14 s" not in row
    assert "1.75-2.15 s" in row  # one unit for both ends when they share it: cold, 1755-2145 ms
    backend["warm"].update(min_s=0.549, max_s=0.671)
    assert "549.0-671.0 ms" in _row(_text(profile), "backend")
    backend["warm"].update(min_s=0.0095, max_s=0.0105)  # 9.50 ms and 10.5 ms: both in ms, one unit
    assert "9.50-10.5 ms" in _row(_text(profile), "backend")
    backend["warm"].update(min_s=None)
    assert _row(_text(profile), "backend").split()[7] == "-"  # no range without both ends


def test_a_registry_with_no_discovery_of_its_own_shows_no_times_and_no_ratio():
    """polystore's partial registries (implicit or plain dicts) list what registered at import: their figures
    time a dict read (µs), and their "speed-ups" are noise; the text says what they are instead."""
    from registry_core.diagnostics.bundle.environment import environment_document
    from registry_core.diagnostics.render.markdown import report_markdown

    profile = two_engine_profile()
    text = _text(profile)
    row = _row(text, "zarr compressor factory")
    assert row.split()[3:] == ["-", "-", "-", "-", "-", "5", "no", "discovery", "of", "its", "own"]
    assert "ms" not in row and "x " not in row
    assert "no discovery of its own: a partial registry (implicit, or a plain dict)" in text
    assert "0.8x" not in text and "1.2x" not in text  # (its cold/warm ratio: 0.005 / 0.004 ms)
    assert "610.0 ms" in _row(text, "backend")  # the registry that discovers keeps its figures
    # In the bundle's report.md too.
    report = report_markdown(environment_document([]), {"registries": []}, {"caches": []}, profile, [], False)
    assert "| zarr compressor factory | - | - | - | no discovery of its own |" in report
    # A partial registry that could not be listed (its target failed) says so: the flag hides no failure.
    profile["registries"][1].update(error="ImportError: boom")
    assert _row(_text(profile), "zarr compressor factory").split()[-1] == "ERROR"
    # A profile recorded before the flag is shown as it was.
    del profile["registries"][1]["partial"]
    profile["registries"][1]["error"] = None
    assert "1.2x" in _row(_text(profile), "zarr compressor factory")


def test_cli_profile_flags_a_partial_registry_of_polystore(cli, stack_python, tmp_path):
    """On the real stack, the registry's own ``partial`` attribute reaches the entry: timed once, whatever
    the engine, and printed without times."""
    env = {"REGISTRY_INSPECTOR_DATA_DIR": str(tmp_path / "data")}
    argv = ("--python", stack_python, "profile", "--target", "polystore", "--registry", "zarr compressor factory")
    doc = cli(*argv, "--runs", "1", "--engine", "both", "--no-history", "--json", env=env).json()
    assert not list(Draft202012Validator(load_schema("profile")).iter_errors(doc))
    [entry] = doc["registries"]
    assert entry["partial"] is True and entry["error"] is None
    assert "engines" not in entry and "engine_speedup" not in entry
    row = _row(_text(doc), "zarr compressor factory")
    assert row.endswith("no discovery of its own") and " ms" not in row
