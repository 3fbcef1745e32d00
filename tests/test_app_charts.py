"""The Timing tab's charts: grouped bars with whiskers and speed-ups, slowest imports, history, themes, export."""

from __future__ import annotations

import math
import os
import time
from xml.dom import minidom

import pyqtgraph as pg
import pytest
from helpers import DEMO_REGISTRIES
from PyQt6.QtGui import QColor, QImage

from app import theme
from app.widgets.chart_axes import CategoryAxis
from app.widgets.chart_data import (
    MAX_MODULE_LABEL,
    discovering_rows,
    export_paths,
    history_points,
    registry_rows,
    shorten_modules,
    speedup_text,
    top_modules,
)
from app.widgets.charts import EMPTY_TEXT, ChartsPanel

#: The profile documents made here time the demo's registries, by their names (the one table in helpers).
REGISTRIES = tuple(DEMO_REGISTRIES)


def _timing(median_ms: float, spread: float = 0.1) -> dict:
    runs = [median_ms * (1 - spread), median_ms, median_ms * (1 + spread)]
    return {
        "median_s": median_ms / 1000,
        "min_s": runs[0] / 1000,
        "max_s": runs[-1] / 1000,
        "runs": [r / 1000 for r in runs],
    }


def make_profile(created: float | None = None, scale: float = 1.0, modules: int = 22) -> dict:
    registries = []
    for i, name in enumerate(REGISTRIES):
        cold, warm = (20 + 15 * i) * scale, (1 + 0.5 * i) * scale
        registries.append(
            {
                "name": name,
                "cold": _timing(cold),
                "warm": _timing(warm),
                "speedup": cold / warm,
                "timed_out": False,
                "error": None,
            }
        )
    top = [
        {"module": f"openhcs_demo.io.module_{i:02d}", "self_us": 500.0 + 400 * i, "cumulative_us": 9000.0 + i}
        for i in range(modules)
    ]
    return {
        "schema": 1,
        "registries": registries,
        "import_registry_core_s": 0.031,
        "top_modules": top,
        "created": created if created is not None else time.time(),
        "python": "3.11.9 (main)",
        "runs": 3,
    }


def with_partial(profile: dict, count: int = 8) -> dict:
    """``profile`` plus ``count`` partial registries (no discovery of their own, as polystore has 8): the few µs of
    reading a dict, a meaningless ratio, and the ``partial`` flag the profiler's entry carries."""
    for i in range(count):
        cold, warm = 0.002 + 0.001 * i, 0.0025
        profile["registries"].append(
            {
                "name": f"converter {i}",
                "partial": True,
                "cold": _timing(cold),
                "warm": _timing(warm),
                "speedup": cold / warm,
                "timed_out": None,
                "error": None,
            }
        )
    return profile


def make_history(count: int = 4) -> list[dict]:
    now = time.time()
    return [make_profile(now - (count - i) * 3600, scale=1 + 0.1 * i) for i in range(count)]


def _items(panel: ChartsPanel, name: str, kind: type) -> list:
    return [item for item in panel.plots[name].getPlotItem().items if isinstance(item, kind)]


def _labels(panel: ChartsPanel, name: str) -> list:
    return panel.plots[name].labels.labels


def _texts(panel: ChartsPanel, name: str) -> list[str]:
    return [label.text for label in _labels(panel, name)]


@pytest.fixture
def panel(qtbot):
    widget = ChartsPanel(None, dark=False)
    qtbot.addWidget(widget)
    widget.resize(1200, 700)
    return widget


# -- pure functions ---------------------------------------------------------------------------
def test_rows_tolerate_missing_none_and_errors():
    profile = make_profile()
    profile["registries"][1] = {
        "name": "storage backend",
        "cold": None,
        "warm": None,
        "speedup": None,
        "timed_out": True,
        "error": None,
    }
    profile["registries"][2].update(error="ImportError: boom", cold={"median_s": None}, speedup=None)
    profile["registries"][3].update(speedup=None, warm={"median_s": 0.002})  # speed-up derived, min/max missing
    profile["registries"].append({"cold": "n/a"})  # no name, junk values
    rows = registry_rows(profile)
    assert [r["problem"] for r in rows] == [None, "timed out", "error", None, None, "no timing"]
    assert rows[3]["speedup"] == pytest.approx(rows[3]["cold"]["median"] / 2.0)
    assert rows[3]["warm"]["min"] == rows[3]["warm"]["max"] == pytest.approx(2.0)
    assert rows[5]["name"] == "registry 6"
    assert rows[1]["speedup"] is None and rows[2]["speedup"] is None
    assert registry_rows(None) == [] and registry_rows({"registries": None}) == []


def test_speedup_text_and_module_labels():
    assert speedup_text(12.34) == "12.3×"
    assert speedup_text(250.0) == "250×"
    assert speedup_text(None) == ""
    labels, prefix = shorten_modules(["openhcs_demo.io.napari_stream", "openhcs_demo.formats.tiff"])
    assert prefix == "openhcs_demo." and labels == ["io.napari_stream", "formats.tiff"]
    labels, prefix = shorten_modules(["json", "registry_core.cache.manager"])
    assert prefix == "" and labels == ["json", "registry_core.cache.manager"]
    labels, _ = shorten_modules(["a.b", "a.b"])  # never an empty label
    assert labels == ["b", "b"]
    long = "pkg." + ".".join(f"component{i}" for i in range(8)) + ".leaf"
    (label,), _ = shorten_modules([long], limit=40)
    assert len(label) <= 40 and label.startswith("pkg…") and label.endswith(".leaf")
    # Two modules that would elide alike keep what tells them apart.
    twins = ["scipy.special._support_alternative_backends", "scipy.ndimage._support_alternative_backends"]
    labels, _ = shorten_modules([*twins, "dask.array.ufunc"])
    assert len(set(labels)) == 3 and "special" in labels[0] and "ndimage" in labels[1]
    assert all(len(label) <= MAX_MODULE_LABEL for label in labels) and labels[2] == "dask.array.ufunc"


def test_top_modules_sorted_and_capped():
    profile = make_profile(modules=30)
    profile["top_modules"].append({"module": "bad", "self_us": None})
    rows = top_modules(profile)
    assert len(rows) == 20
    assert [r["self_ms"] for r in rows] == sorted((r["self_ms"] for r in rows), reverse=True)


def test_history_points_use_medians_over_healthy_registries():
    docs = make_history(3)
    docs[1]["registries"][0]["error"] = "boom"
    docs.append({"created": None})  # skipped
    points = history_points(docs)
    assert len(points) == 3
    assert points[1]["registries"] == 4
    assert all(p["cold"] > p["warm"] > 0 for p in points)


def test_partial_registries_give_no_ratio_and_no_bars(panel, qtbot):
    """A registry with no discovery of its own: no speed-up (its ratio is noise), no bars of a few µs; named
    under the chart and above the charts instead, so the registries that discover keep the width and the scale."""
    profile = with_partial(make_profile(), 3)
    rows = registry_rows(profile)
    partial = [r for r in rows if r["partial"]]
    assert [r["name"] for r in partial] == ["converter 0", "converter 1", "converter 2"]
    assert all(r["speedup"] is None and r["problem"] is None for r in partial)
    assert [r["name"] for r in discovering_rows(rows)] == list(REGISTRIES)
    assert all(r["speedup"] for r in discovering_rows(rows))
    panel.set_profile(profile)
    panel.show()
    qtbot.waitExposed(panel)
    item = panel.plots["discovery"].getPlotItem()
    assert item.getAxis("bottom").categories == list(REGISTRIES)
    cold, warm = _items(panel, "discovery", pg.BarGraphItem)
    assert len(cold.opts["x"]) == len(warm.opts["x"]) == len(REGISTRIES)
    speedups = [t for t in _texts(panel, "discovery") if t.endswith("×")]
    assert speedups == ["20.0×", "23.3×", "25.0×", "26.0×", "26.7×"]  # the demo's, none for the partial ones
    assert "not drawn: 3 registries with no discovery of their own" in item.getAxis("bottom").labelString()
    assert "Not charted, no discovery of their own" in panel.notes.text()
    assert "converter 0, converter 1, converter 2" in panel.notes.text()
    assert panel._hover["discovery"](0.1, 10).startswith(f"<b>{REGISTRIES[0]}</b>")  # hover follows the slots
    # One that failed to be listed is a labelled gap like any other (the flag hides no failure).
    profile["registries"][-1].update(error="ImportError: boom")
    assert registry_rows(profile)[-1]["partial"] is False and registry_rows(profile)[-1]["problem"] == "error"
    # None discovers: the chart says so instead of drawing noise.
    panel.set_profile(with_partial({"registries": [], "created": time.time()}, 2))
    assert "No registry here discovers: 2 registries with no discovery of its own, nothing to time" in _texts(
        panel, "discovery"
    )
    assert not [t for t in _texts(panel, "discovery") if t.endswith("×")]


def test_the_log_axis_labels_plain_numbers():
    from app.widgets.chart_axes import PlainLogAxis

    axis = PlainLogAxis("left")
    assert axis.logTickStrings([0, 1, 3, 3.30103, math.log10(0.002), 7], 1, 1) == [
        "1",
        "10",
        "1000",
        "2000",  # a backend's 2 s in ms: not 2e+03
        "0.002",
        "1e+07",
    ]


def test_history_median_is_over_registries_that_discover():
    """polystore: one registry that discovers (2.9 s cold, 1.05 s warm) and eight partial ones (µs): the median
    over all nine was ~0.002 ms; over those that discover it is the backend's."""
    profile = make_profile(time.time())
    profile["registries"] = [dict(profile["registries"][0], name="backend", cold=_timing(2900), warm=_timing(1050))]
    with_partial(profile, 8)
    [point] = history_points([profile])
    assert point["cold"] == pytest.approx(2900) and point["warm"] == pytest.approx(1050)
    assert point["registries"] == 1 and point["partial"] == 8
    # None discovers: no median (not the partial ones' µs).
    [empty] = history_points([with_partial({"created": 1.7e9, "registries": []}, 3)])
    assert empty["cold"] is None and empty["warm"] is None and empty["registries"] == 0 and empty["partial"] == 3


def test_the_history_chart_plots_the_median_of_registries_that_discover(panel):
    profile = make_profile(time.time())
    profile["registries"] = [dict(profile["registries"][0], name="backend", cold=_timing(2900), warm=_timing(1050))]
    with_partial(profile, 8)
    panel.set_history([profile])
    panel.set_profile(profile)
    item = panel.plots["history"].getPlotItem()
    cold, warm = item.listDataItems()
    assert list(cold.getOriginalDataset()[1]) == pytest.approx([2900])  # (getData() is log10 on this axis)
    assert list(warm.getOriginalDataset()[1]) == pytest.approx([1050])
    assert "median over registries that discover" in panel.plots["history"].title_variants[0]
    hover = panel._hover["history"](profile["created"], 1)
    assert "cold 2900.00 ms" in hover and "median of 1 registry that discovers; 8 with no discovery of their" in hover
    # None discovers: said, and nothing plotted.
    nothing = with_partial({"created": time.time(), "registries": []}, 3)
    panel.set_history([nothing])
    panel.set_profile(nothing)
    assert all(line.getData()[0] is None or not len(line.getData()[0]) for line in item.listDataItems())
    assert any("No registry in these profiles discovers" in t for t in _texts(panel, "history"))


def test_export_paths_by_suffix():
    assert [p for _n, p, _f in export_paths("/x/timing.png")] == [
        "/x/timing-discovery.png",
        "/x/timing-imports.png",
        "/x/timing-history.png",
    ]
    assert {f for _n, _p, f in export_paths("/x/t.SVG")} == {"svg"}
    assert export_paths("/x/t")[0][1] == "/x/t-discovery.png"


# -- the widget -------------------------------------------------------------------------------
def test_empty_state_without_profile(panel, qtbot, tmp_path):
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.stack.currentWidget() is panel.empty_label
    assert panel.empty_label.text() == EMPTY_TEXT
    assert "Ctrl+P" in panel.empty_label.text()
    assert not panel.has_profile()
    assert panel.export(str(tmp_path / "charts.png")) == []
    panel.set_history([])
    panel.set_profile(None)
    assert panel.stack.currentWidget() is panel.empty_label


def test_discovery_chart_groups_bars_whiskers_and_speedups(panel, qtbot):
    panel.set_history(make_history(3))
    panel.set_profile(make_profile())
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.stack.currentIndex() == 1
    bars = _items(panel, "discovery", pg.BarGraphItem)
    assert len(bars) == 2  # cold and warm, side by side
    cold, warm = bars
    assert len(cold.opts["x"]) == len(warm.opts["x"]) == 5
    assert all(w > c for c, w in zip(cold.opts["x"], warm.opts["x"]))  # grouped: cold left of warm
    assert QColor(cold.opts["brush"].color()).name() == theme.LIGHT["cold"]
    assert QColor(warm.opts["brush"].color()).name() == theme.LIGHT["warm"]
    assert len(_items(panel, "discovery", pg.ErrorBarItem)) == 2
    speedups = [t for t in _texts(panel, "discovery") if t.endswith("×")]
    assert speedups == ["20.0×", "23.3×", "25.0×", "26.0×", "26.7×"]
    legend = panel.plots["discovery"].getPlotItem().legend
    assert [label.text for _sample, label in legend.items][0].startswith("cold")
    axis = panel.plots["discovery"].getPlotItem().getAxis("bottom")
    assert isinstance(axis, CategoryAxis) and axis.categories == list(REGISTRIES)
    left = panel.plots["discovery"].getPlotItem().getAxis("left")
    assert "discovery time (ms)" in left.labelString()
    qtbot.waitUntil(lambda: axis._slot_px > 0)  # painted: the axis measured its slots
    strings = axis.tickStrings(axis.tickValues(-0.6, 4.6, 700)[0][1], 1, 1)
    assert [s.replace("\n", " ") for s in strings] == list(REGISTRIES)
    assert "Profile of" in panel.header.text() and "31.0 ms" in panel.header.text()


def test_crowded_registry_names_rotate_instead_of_overlapping(qtbot):
    axis = CategoryAxis("bottom")
    names = [f"registry name {i}" for i in range(14)]
    axis.set_categories(names)
    axis.tickValues(-0.6, 13.4, 1400)  # 100 px per slot: two lines fit
    assert not axis.rotated
    axis.tickValues(-0.6, 13.4, 420)  # 30 px per slot: rotated, and thinned out
    assert axis.rotated
    ((step, values),) = axis.tickValues(-0.6, 13.4, 300)
    assert step >= 2 and len(values) < len(names)
    assert axis.tickStrings(values, 1, step) == [" "] * len(values)  # drawn rotated by drawPicture


def test_imports_chart_is_horizontal_top_20_with_short_names(panel, qtbot):
    panel.set_profile(make_profile(modules=25))
    bars = _items(panel, "imports", pg.BarGraphItem)
    assert len(bars) == 1
    opts = bars[0].opts
    assert len(opts["width"]) == 20 and all(x == 0 for x in opts["x0"])  # bars grow to the right
    axis = panel.plots["imports"].getPlotItem().getAxis("left")
    assert axis.categories[-1] == "module_24"  # slowest at the top, common prefix dropped...
    assert "module in openhcs_demo.io" in axis.labelString()  # ...and named once
    bottom = panel.plots["imports"].getPlotItem().getAxis("bottom")
    assert "self import time (ms)" in bottom.labelString()
    assert len(_texts(panel, "imports")) == 20  # a value at the end of each bar


def test_history_lines_with_date_axis(panel):
    history = make_history(5)
    panel.set_history(history)
    panel.set_profile(history[-1])
    item = panel.plots["history"].getPlotItem()
    assert isinstance(item.getAxis("bottom"), pg.DateAxisItem)
    lines = item.listDataItems()
    assert [line.name() for line in lines] == ["cold", "warm"]
    xs, _ys = lines[0].getData()
    assert len(xs) == 5 and list(xs) == sorted(xs)
    assert lines[0].opts["symbol"] is not None
    assert item.legend is not None and len(item.legend.items) == 2
    # A profile not yet in the history still shows as the newest point.
    panel.set_profile(make_profile(time.time() + 60))
    assert len(panel.plots["history"].getPlotItem().listDataItems()[0].getData()[0]) == 6


def test_errors_and_timeouts_are_labelled_gaps(panel, qtbot):
    profile = make_profile()
    profile["registries"][1].update(timed_out=True, cold=None, warm=None, speedup=None)
    profile["registries"][3].update(error="ModuleNotFoundError: No module named 'cupy'")
    profile["top_modules"] = None
    panel.set_profile(profile)
    panel.show()
    qtbot.waitExposed(panel)
    texts = _texts(panel, "discovery")
    assert "timed out" in texts and "error" in texts
    cold = _items(panel, "discovery", pg.BarGraphItem)[0]
    assert len(cold.opts["x"]) == 3
    assert len([t for t in texts if t.endswith("×")]) == 3
    assert panel.notes.isVisible() and "cupy" in panel.notes.text()
    assert "no import timings" in " ".join(_texts(panel, "imports"))


def test_garbage_documents_do_not_crash(panel):
    panel.set_history([None, {}, {"created": "yesterday"}, {"created": 1.0, "registries": [None, 3]}])
    panel.set_profile({"registries": [{"name": "x", "cold": {"median_s": float("nan")}}], "top_modules": [{}]})
    assert panel.stack.currentIndex() == 1
    assert "no timing" in _texts(panel, "discovery")
    panel.set_profile({"registries": []})
    assert "This profile times no registry" in _texts(panel, "discovery")


def test_theme_switch_restyles_every_chart(panel):
    panel.set_profile(make_profile())
    plot = panel.plots["discovery"]
    assert plot.backgroundBrush().color().name() == theme.LIGHT["background"]
    assert plot.getPlotItem().getAxis("left").textPen().color().name() == theme.LIGHT["foreground"]
    panel.apply_theme(True)
    for chart in panel.plots.values():
        assert chart.backgroundBrush().color().name() == theme.DARK["background"]
        assert chart.getPlotItem().getAxis("bottom").textPen().color().name() == theme.DARK["foreground"]
    cold = _items(panel, "discovery", pg.BarGraphItem)[0]
    assert QColor(cold.opts["brush"].color()).name() == theme.DARK["cold"]
    speedup = next(label for label in _labels(panel, "discovery") if label.text.endswith("×"))
    assert speedup.colour.name() == theme.DARK["foreground"]
    panel.apply_theme(False)
    assert plot.backgroundBrush().color().name() == theme.LIGHT["background"]


@pytest.mark.parametrize("suffix", [".png", ".svg"])
def test_export_writes_one_file_per_chart(panel, tmp_path, suffix):
    history = make_history(3)
    panel.set_history(history)
    panel.set_profile(history[-1])
    written = panel.export(str(tmp_path / "out" / f"timing{suffix}"))
    assert [os.path.basename(p) for p in written] == [
        f"timing-{n}{suffix}" for n in ("discovery", "imports", "history")
    ]
    for path in written:
        assert os.path.getsize(path) > 1000
        if suffix == ".png":
            image = QImage(path)
            assert not image.isNull() and image.width() >= 600
        else:
            document = minidom.parse(path)
            texts = "".join(node.toxml() for node in document.getElementsByTagName("text"))
            assert texts  # labels are text, not paths
    if suffix == ".svg":
        assert "×" in open(written[0], encoding="utf-8").read()


def test_hover_explains_the_bar_under_the_mouse(panel, qtbot):
    profile = make_profile()
    profile["registries"][4].update(error="ImportError: no cupy")
    panel.set_history(make_history(2))
    panel.set_profile(profile)
    panel.show()
    qtbot.waitExposed(panel)
    discovery = panel._hover["discovery"]
    assert "microscope handler" in discovery(0.1, 10) and "faster" in discovery(0.1, 10)
    assert "no cupy" in discovery(4, 5)
    assert discovery(0.5, 10) is None  # between two pairs
    imports = panel._hover["imports"]
    assert "openhcs_demo.io.module_21" in imports(1, 19)  # the full name, slowest at the top
    assert panel._hover["history"](profile["created"], 1) is not None
    # The scene hook itself: a mouse move over the view does not raise.
    view = panel.plots["discovery"].getPlotItem().getViewBox()
    panel._on_hover("discovery", view.mapViewToScene(pg.Point(0, 10)))
    axis = panel.plots["imports"].getPlotItem().getAxis("left")
    assert axis.tickStrings([19.0, 0.0], 1, 1) == ["module_21", "module_02"]


def test_value_labels_sit_on_their_bars_and_hide_when_their_slot_is_too_narrow(panel, qtbot):
    panel.set_profile(make_profile())
    panel.show()
    qtbot.waitExposed(panel)
    plot = panel.plots["discovery"]
    labels = plot.labels
    speedups = [label for label in labels.labels if label.text.endswith("×")]
    warm_ms = [label for label in labels.labels if label.text.endswith(" ms")]
    assert len(speedups) == len(warm_ms) == 5

    def shown() -> set[int]:
        return set(map(id, labels.shown()))

    qtbot.waitUntil(lambda: shown() >= set(map(id, speedups + warm_ms)))  # wide: all fit
    # Each speed-up is centred over its pair, just above it, in pixels of the painted view.
    transform = labels.deviceTransform_()
    view = plot.getPlotItem().getViewBox()
    for i, label in enumerate(speedups):
        box = labels.box(label, transform)
        assert abs(box.center().x() - transform.map(pg.Point(i, 0)).x()) < 1
        assert view.mapRectToDevice(view.rect()).contains(box)  # inside the plot, not cut off
    # Painting draws the labels: the chart's pixels change when they go.
    image = plot.grab().toImage()
    kept = list(labels.labels)
    labels.labels = []
    labels.update()
    qtbot.waitUntil(lambda: plot.grab().toImage() != image)
    labels.labels = kept
    # Narrow: the warm-time labels (half a slot each) hide rather than overlap; the bars stay.
    panel.resize(560, 500)
    qtbot.waitUntil(lambda: not shown() & set(map(id, warm_ms)))
    assert len(_items(panel, "discovery", pg.BarGraphItem)) == 2


def test_show_profile_draws_one_chart_per_tick_and_a_deleted_panel_draws_nothing(qtbot):
    panel = ChartsPanel(None, dark=False)
    qtbot.addWidget(panel)
    history = make_history(3)
    drawn: list[tuple[str, int]] = []
    draw = panel._draw
    panel._draw = lambda name, plot: (drawn.append((name, len(panel._pending))), draw(name, plot))
    panel.show_profile(history[-1], history)
    assert panel.is_drawing() and drawn == []  # nothing drawn inside the call
    qtbot.waitUntil(lambda: not panel.is_drawing())
    # One chart per tick: when each was drawn, the others were still queued.
    assert drawn == [("discovery", 2), ("imports", 1), ("history", 0)]
    assert len(_texts(panel, "imports")) == 20
    # A staged draw still pending when the panel is deleted must not touch the deleted plots.
    other = ChartsPanel(None, dark=False)
    other.show_profile(history[-1], history)
    assert other.is_drawing()
    other.deleteLater()
    with qtbot.waitSignal(other.destroyed):
        pass
    panel.show_profile(history[-1], history)  # and the live one still finishes
    qtbot.waitUntil(lambda: not panel.is_drawing())
