"""The Enums tab: a correct tree model with cache-state badges and colormap swatches, and its panel."""

from __future__ import annotations

import pytest
from app_documents import derived
from PyQt6.QtCore import Qt
from PyQt6.QtGui import QBrush, QColor, QPixmap

from app.models import DATA_ROLE, KIND_ROLE, SORT_ROLE
from app.models.enum_tree import SWATCH_HEIGHT, SWATCH_WIDTH, EnumTreeModel, swatch_pixmap
from app.theme import STATE_COLOURS, UNKNOWN_STATE_COLOUR
from app.widgets.enums_panel import EMPTY_TEXT, EnumsPanel

#: A swatch for ``swatch_pixmap`` itself (a function of a colour list, not a document).
VIRIDIS = ["#440154", "#46327e", "#365c8d", "#277f8e", "#1fa187", "#4ac16d", "#a0da39", "#fde725"]


@pytest.fixture
def enums(demo_enums) -> list[dict]:
    """The demo's real colormap enum, and real component enums changed (copies) into cases the demo lacks."""
    colormap, components = (
        next(d for d in demo_enums if d["name"] == name) for name in ("ColormapEnum", "AllComponents")
    )
    # A member whose swatch holds no colour: the core writes colours only; a hand-edited cache might not.
    broken = derived(colormap["members"][0], name="BROKEN", value="broken", swatch=["not a colour"])
    # Stale, with numeric values: the demo's caches are valid and its component values are strings.
    stale = derived(components, cache_state="stale", cache_reason="config changed")
    stale["members"] += [{"name": "Z", "value": 3}, {"name": "T", "value": 12}]
    # A state this app does not know and no members list: what a later schema or a broken document may bring.
    weird = derived(components, name="Weird", cache_state="exotic", members=None)
    return [derived(colormap, members=[*colormap["members"], broken]), stale, weird]


def member_row(model, parent, name: str):
    """The index of the member called ``name`` under the enum row ``parent``."""
    for row in range(model.rowCount(parent)):
        if model.data(model.index(row, 0, parent)) == name:
            return model.index(row, 0, parent)
    raise AssertionError(f"no member {name!r}")


def test_enum_tree_passes_the_model_tester(qtmodeltester, enums):
    model = EnumTreeModel()
    model.set_enums(enums)
    qtmodeltester.check(model)
    model.set_enums([])
    qtmodeltester.check(model)


def test_shape_kinds_and_data(qapp, enums):
    colormap, stale, _weird = enums
    count = len(colormap["members"])
    model = EnumTreeModel()
    model.set_enums(enums + [None, "junk"])  # non-dicts are skipped
    assert model.rowCount() == 3 and model.enum_count() == 3
    assert model.member_count() == count + len(stale["members"])
    cmap = model.index(0, 0)
    assert model.data(cmap) == "ColormapEnum"
    assert model.data(cmap, KIND_ROLE) == "enum"
    assert model.data(model.index(0, 1)) == f"{count} members · colormap"
    assert model.rowCount(cmap) == count
    assert model.rowCount(model.index(0, 1)) == 0  # only column 0 has children
    viridis = member_row(model, cmap, "VIRIDIS")
    assert model.data(viridis) == "VIRIDIS" and model.data(viridis, KIND_ROLE) == "member"
    member = next(m for m in colormap["members"] if m["name"] == "VIRIDIS")
    assert model.data(viridis, DATA_ROLE) == {**member, "enum": "ColormapEnum"}
    assert model.data(cmap, DATA_ROLE)["cache_path"] == colormap["cache_path"]
    assert model.parent(viridis) == cmap
    assert model.rowCount(model.index(2, 0)) == 0  # members: None
    assert "ColormapEnum.VIRIDIS" in model.data(viridis, Qt.ItemDataRole.ToolTipRole)
    assert stale["cache_path"] in model.data(model.index(1, 0), Qt.ItemDataRole.ToolTipRole)


def test_colormap_members_have_a_gradient_swatch(qapp, enums):
    model = EnumTreeModel()
    model.set_enums(enums)
    cmap = model.index(0, 0)
    pixmap = model.data(member_row(model, cmap, "VIRIDIS"), Qt.ItemDataRole.DecorationRole)
    assert isinstance(pixmap, QPixmap) and not pixmap.isNull()
    assert (pixmap.width(), pixmap.height()) == (SWATCH_WIDTH, SWATCH_HEIGHT)
    image = pixmap.toImage()
    middle = SWATCH_HEIGHT // 2
    left, right = QColor(image.pixel(3, middle)), QColor(image.pixel(SWATCH_WIDTH - 4, middle))
    assert left.blue() > left.green()  # viridis starts purple...
    assert right.red() > 200 and right.green() > 200 and right.blue() < 100  # ...and ends yellow
    greys = model.data(member_row(model, cmap, "CET_L1"), Qt.ItemDataRole.DecorationRole).toImage()  # black..white
    assert QColor(greys.pixel(3, middle)).lightness() < QColor(greys.pixel(SWATCH_WIDTH - 4, middle)).lightness()
    # The pixmap is drawn once and reused.
    assert model.data(member_row(model, cmap, "VIRIDIS"), Qt.ItemDataRole.DecorationRole) is pixmap
    # No colour, no swatch; component members and enum rows have none either.
    assert model.data(member_row(model, cmap, "BROKEN"), Qt.ItemDataRole.DecorationRole) is None
    components = model.index(1, 0)
    assert model.data(model.index(0, 0, components), Qt.ItemDataRole.DecorationRole) is None
    assert model.data(cmap, Qt.ItemDataRole.DecorationRole) is None
    assert model.data(model.index(0, 1, cmap), Qt.ItemDataRole.DecorationRole) is None


def test_swatch_pixmap_edge_cases(qapp):
    assert swatch_pixmap([]) is None
    assert swatch_pixmap(["nope", 3]) is None  # type: ignore[list-item]
    solid = swatch_pixmap(["#ff0000"])
    assert solid is not None and QColor(solid.toImage().pixel(30, 6)).name() == "#ff0000"
    sharp = swatch_pixmap(VIRIDIS, ratio=2.0)
    assert sharp is not None and (sharp.width(), sharp.height()) == (2 * SWATCH_WIDTH, 2 * SWATCH_HEIGHT)
    assert sharp.devicePixelRatio() == 2.0


def test_cache_state_badges(qapp, enums):
    model = EnumTreeModel()
    model.set_enums(enums)
    for row, state in ((0, "valid"), (1, "stale")):
        index = model.index(row, 2)
        assert model.data(index) == state
        brush = model.data(index, Qt.ItemDataRole.BackgroundRole)
        assert isinstance(brush, QBrush) and brush.color().name() == STATE_COLOURS[state]
        assert model.data(index, Qt.ItemDataRole.ForegroundRole).color().name() == "#ffffff"
        assert model.data(index, Qt.ItemDataRole.TextAlignmentRole) == Qt.AlignmentFlag.AlignCenter
    unknown = model.index(2, 2)
    assert model.data(unknown) == "exotic"
    assert model.data(unknown, Qt.ItemDataRole.BackgroundRole).color().name() == UNKNOWN_STATE_COLOUR
    assert model.data(model.index(1, 3)) == "config changed"
    member_state = model.index(0, 2, model.index(0, 0))
    assert model.data(member_state) == "" and model.data(member_state, Qt.ItemDataRole.BackgroundRole) is None


def test_sort_role_sorts_numbers_as_numbers(qapp, enums):
    model = EnumTreeModel()
    model.set_enums(enums)
    assert model.data(model.index(0, 1), SORT_ROLE) == len(enums[0]["members"])
    components = model.index(1, 0)
    last = model.rowCount(components) - 1
    assert model.data(model.index(last, 1, components), SORT_ROLE) == 12  # "T": 12
    assert model.data(model.index(0, 0, components), SORT_ROLE) == enums[1]["members"][0]["name"].lower()


def test_panel_empty_state_then_tree(qtbot, enums):
    panel = EnumsPanel()
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    assert panel.stack.currentWidget() is panel.empty_label
    assert panel.empty_label.text() == EMPTY_TEXT
    panel.set_enums(enums)
    assert panel.stack.currentIndex() == 1
    members = len(enums[0]["members"]) + len(enums[1]["members"])
    assert panel.count_label.text() == f"3 enums · {members} members"
    assert panel.tree.iconSize().width() == SWATCH_WIDTH  # swatches are not squeezed into 16 px icons
    assert panel.tree.isExpanded(panel.proxy.index(0, 0))
    panel.set_enums(None)
    assert panel.stack.currentWidget() is panel.empty_label


def test_panel_filter_and_details(qtbot, enums):
    panel = EnumsPanel()
    qtbot.addWidget(panel)
    panel.set_enums(enums)
    panel.show()
    qtbot.waitExposed(panel)
    panel.filter_edit.setText("viridis")
    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 1)
    cmap = panel.proxy.index(0, 0)
    assert panel.proxy.data(cmap) == "ColormapEnum"
    assert panel.proxy.rowCount(cmap) == 1
    member = panel.proxy.index(0, 0, cmap)
    panel.tree.setCurrentIndex(member)
    cache_file = enums[0]["cache_path"].rpartition("/")[2]
    qtbot.waitUntil(lambda: cache_file in panel.details.text())
    assert "valid" in panel.details.text()
    panel.filter_edit.clear()
    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 3)


def test_panel_paints_badges_and_swatches(qtbot, enums):
    panel = EnumsPanel()
    qtbot.addWidget(panel)
    panel.resize(900, 500)
    panel.set_enums(enums)
    panel.show()
    qtbot.waitExposed(panel)
    panel.tree.setCurrentIndex(panel.proxy.index(0, 2))  # a selected badge is painted too
    image = panel.grab().toImage()
    assert not image.isNull()
    colours = {
        QColor(image.pixel(x, y)).name() for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
    }
    assert STATE_COLOURS["valid"] in colours or STATE_COLOURS["stale"] in colours
