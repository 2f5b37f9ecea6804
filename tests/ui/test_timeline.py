"""The timeline item tested by numbers: what is drawn, hit-tested and labelled."""

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from viewer.model import load_folder
from viewer.ui.timeline.axis import TickLevel, choose_levels, tick_label, tick_ordinals
from viewer.ui.timeline.layout import build_layout

pytestmark = pytest.mark.gui


def story(title: str, dates: list[str]) -> str:
    lines = [title, "Timeline"] + [f"{d} – Event number {i} happened somewhere [1]" for i, d in enumerate(dates)]
    return "\n".join(lines) + "\n"


def show(qtbot, timeline, folder):
    selection, widget = timeline
    selection.set_library(load_folder(folder))
    widget.plot.grab()  # paint once
    return widget


def test_overlapping_events_of_one_story_get_their_own_sub_rows(story_folder):
    folder = story_folder({"a.txt": story("A", ["2020", "Mar 2020", "Mar 5, 2020", "Mar 5, 2020", "2021"])})
    layout = build_layout(load_folder(folder))
    rows = {int(layout.event[i]): int(layout.row[i]) for i in range(len(layout.x0))}
    # 2020, Mar 2020 and the two Mar 5 overlap: four different rows; 2021 reuses the first.
    assert len({rows[0], rows[1], rows[2], rows[3]}) == 4
    assert rows[4] == rows[0]
    assert layout.lane_rows.tolist() == [5]  # title row + four sub-rows


def test_only_visible_events_are_considered_long_bars_included(story_folder):
    dates = [f"{y}" for y in range(1900, 2000)]
    folder = story_folder({"a.txt": story("A", dates), "b.txt": story("B", ["1930s", "20th century"])})
    layout = build_layout(load_folder(folder))
    left, right = date(1950, 6, 1).toordinal(), date(1952, 6, 1).toordinal()
    drawn = {(layout.stories[int(layout.story[i])].file, int(layout.event[i]))
             for i in layout.visible_indices(left, right)}
    # The years that overlap the window, and the century bar that started long before it;
    # nothing that ends before the window (the 1930s) or starts after it.
    assert drawn == {("a.txt", 50), ("a.txt", 51), ("a.txt", 52), ("b.txt", 1)}


def test_labels_never_overlap_and_hide_when_crowded(qtbot, timeline, story_folder):
    dates = [f"Jan {d}, 2020" for d in range(1, 29)] + ["Jan 2, 2020", "Jan 3, 2020"]
    widget = show(qtbot, timeline, story_folder({"a.txt": story("A", dates)}))
    item = widget.events_item
    # Zoomed out: the marks cluster, no labels.
    widget.view_box.setRange(xRange=(date(2019, 1, 1).toordinal(), date(2021, 1, 1).toordinal()), padding=0)
    widget.plot.grab()
    assert item._last_paint_counts[1] == 0
    # Zoomed in to a few days: labels appear, never overlapping each other or the plot edge.
    for days in (3, 6, 12):
        start = date(2020, 1, 1).toordinal()
        widget.view_box.setRange(xRange=(start, start + days), yRange=(-0.2, 4), padding=0)
        widget.plot.grab()
        in_view, labels = item._last_paint_counts
        rects = item._last_label_rects
        assert len(rects) == labels
        for a in range(len(rects)):
            assert rects[a].right() <= widget.plot.viewport().width()
            for b in range(a + 1, len(rects)):
                assert not rects[a].intersects(rects[b])
        if days == 3:
            assert labels >= 3
        assert labels <= in_view


def test_dense_view_switches_to_pixel_coverage(qtbot, timeline, story_folder):
    rng = np.random.default_rng(1)
    days = rng.integers(date(1950, 1, 1).toordinal(), date(2020, 1, 1).toordinal(), 8000)
    dates = [date.fromordinal(int(d)).strftime("%b %d, %Y").replace(" 0", " ") for d in days]
    widget = show(qtbot, timeline, story_folder({"a.txt": story("A", dates)}))
    widget.zoom_to_fit(all_rows=True)
    image = widget.plot.grab().toImage()
    in_view, labels = widget.events_item._last_paint_counts
    assert in_view == 8000 and labels == 0
    # Something was drawn: the coverage colour appears in the plot.
    colours = {image.pixel(x, y) for x in range(0, image.width(), 7) for y in range(0, image.height(), 7)}
    assert len(colours) > 5


def test_hover_tooltip_and_hit_test(qtbot, timeline, story_folder):
    widget = show(qtbot, timeline, story_folder({"a.txt": story("A", ["Jan 3, 2026", "2025"])}))
    layout = widget.timeline_layout
    i = layout.index_of("a.txt", 0)
    widget.view_box.setRange(xRange=(layout.x0[i] - 20, layout.x1[i] + 20), padding=0)
    hits = widget.events_item.hits_at(float(layout.x0[i]) + 0.5, float(layout.row[i]) + 0.5)
    assert hits.tolist()[:1] == [i]
    tip = widget.events_item.tooltip_html(hits)
    assert "Jan 3, 2026" in tip and "Event number 0 happened somewhere" in tip
    assert widget.events_item.hits_at(float(layout.x0[i]) + 0.5, float(layout.row[i]) + 5.5).tolist() == []


def test_wheel_zooms_time_only(qtbot, timeline):
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QWheelEvent

    from tests.conftest import SEEDS

    selection, widget = timeline
    selection.set_library(load_folder(SEEDS))
    (x0, x1), (y0, y1) = widget.view_box.viewRange()
    viewport = widget.plot.viewport()
    centre = QPointF(viewport.width() / 2, viewport.height() / 2)
    event = QWheelEvent(centre, viewport.mapToGlobal(centre), QPoint(0, 0), QPoint(0, 240),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    from PySide6.QtWidgets import QApplication

    QApplication.sendEvent(viewport, event)
    (nx0, nx1), (ny0, ny1) = widget.view_box.viewRange()
    assert nx1 - nx0 < (x1 - x0) * 0.9
    assert (ny0, ny1) == pytest.approx((y0, y1))


@pytest.mark.parametrize(("days_per_px", "unit"), [(20000, "year"), (30, "year"), (2, "month"), (0.05, "day")])
def test_axis_levels_follow_the_zoom(days_per_px, unit):
    major, _ = choose_levels(days_per_px)
    assert major.unit == unit
    # Neighbouring labels are at least 90 px apart.
    assert major.approx_days / days_per_px >= 90 or major == TickLevel("year", 1000)


def test_axis_labels_reach_year_one_and_before_1970():
    ticks = tick_ordinals(TickLevel("year", 100), date(1, 1, 1).toordinal(), date(450, 1, 1).toordinal())
    assert [tick_label(t, TickLevel("year", 100)) for t in ticks] == ["100", "200", "300", "400"]
    ticks = tick_ordinals(TickLevel("month", 1), date(1969, 11, 15).toordinal(), date(1970, 3, 1).toordinal())
    assert [tick_label(t, TickLevel("month", 1)) for t in ticks] == ["Dec", "1970", "Feb", "Mar"]


@pytest.mark.parametrize("new_dates", [
    ["1999", "Mar 2020", "Mar 5, 2020", "Mar 5, 2020", "1850s"],  # more events, more sub-rows
    ["2001"],  # fewer events
    [],  # no dated events left
])
def test_patched_layout_equals_a_fresh_one(story_folder, new_dates):
    from viewer.model import load_file
    from viewer.ui.timeline.layout import LayoutBuilder

    folder = story_folder({
        "a.txt": story("A", ["2020", "1990", "Jan 3, 2026"]),
        "b.txt": story("B", ["2020", "Mar 2020", "sometime"]),
        "c.txt": story("C", ["1960s", "2005", "1999", "Mar 5, 2020"]),
    })
    library = load_folder(folder)
    builder = LayoutBuilder()
    builder.build(library)
    (folder / "b.txt").write_text(story("B2", new_dates), encoding="utf-8")
    updated = library.with_result(load_file(folder, "b.txt"))
    patched = builder.build(updated)
    fresh = build_layout(updated)
    for name in ("x0", "x1", "row", "precision", "story", "event", "end_max", "lane_row", "lane_rows"):
        assert getattr(patched, name).tolist() == getattr(fresh, name).tolist(), name
    assert patched.undated == fresh.undated
    assert [patched.index_of("b.txt", i) for i in range(len(new_dates))] == [
        fresh.index_of("b.txt", i) for i in range(len(new_dates))]


def test_overview_region_and_main_view_follow_each_other(qtbot, timeline):
    from tests.conftest import SEEDS

    selection, widget = timeline
    selection.set_library(load_folder(SEEDS))
    overview = widget.overview
    # The strip's histogram covers every event.
    xs, heights = overview.curve.getData()
    assert heights.sum() > 0 and xs[0] <= widget.timeline_layout.x0.min() and xs[-1] >= widget.timeline_layout.x1.max()
    # Dragging the region (setting it, as a drag does) pans and zooms the main view.
    lo, hi = date(1960, 1, 1).toordinal(), date(1975, 1, 1).toordinal()
    overview.region.setRegion((lo, hi))
    (x0, x1), _ = widget.view_box.viewRange()
    assert (x0, x1) == pytest.approx((lo, hi), abs=1)
    # Zooming the main view resizes the region.
    widget.zoom(0.5)
    r0, r1 = overview.region.getRegion()
    assert r1 - r0 == pytest.approx((hi - lo) / 2, rel=0.01)


def test_many_lanes_get_a_scroll_bar(qtbot, timeline, story_folder):
    selection, widget = timeline
    files = {f"s{i:02d}.txt": story(f"Story {i}", ["2001", "2002"]) for i in range(30)}
    selection.set_library(load_folder(story_folder(files)))
    bar = widget.lane_scroll
    assert bar.isVisible()  # 60 rows, 40 shown
    _, (y0, _) = widget.view_box.viewRange()
    bar.setValue(bar.maximum())
    _, (ny0, ny1) = widget.view_box.viewRange()
    assert ny1 >= widget.timeline_layout.row_count - 0.5 and ny0 > y0 + 10
    # Scrolling the view (Shift+wheel or a drag) moves the bar back.
    widget.view_box.setYRange(0, 40, padding=0)
    assert bar.value() == 0


def test_few_lanes_need_no_scroll_bar(qtbot, timeline, story_folder):
    selection, widget = timeline
    selection.set_library(load_folder(story_folder({"a.txt": story("A", ["2001"])})))
    assert not widget.lane_scroll.isVisible()


YEARS = st.lists(st.sampled_from(["1990", "1999", "2000", "Mar 2000", "Mar 5, 2000", "1990s", "2000–2003",
                                  "undatable", "Early 2001"]), max_size=6)


@settings(max_examples=60, deadline=None)
@given(st.lists(YEARS, min_size=1, max_size=6), st.data())
def test_patching_any_lanes_equals_building_afresh(lanes, data):
    from viewer.model import FileResult, Library, parse_story
    from viewer.ui.timeline.layout import LayoutBuilder

    def result(i: int, dates: list[str]) -> FileResult:
        name = f"s{i}.txt"
        parsed, problems = parse_story(story(f"S{i}", dates), name)
        return FileResult(name, parsed, tuple(problems))

    results = {f"s{i}.txt": result(i, dates) for i, dates in enumerate(lanes)}
    library = Library.from_results(Path("/nowhere"), results)
    builder = LayoutBuilder()
    builder.build(library)
    for _ in range(3):
        changed = data.draw(st.lists(st.integers(0, len(lanes) - 1), unique=True, max_size=len(lanes)))
        for i in changed:
            results[f"s{i}.txt"] = result(i, data.draw(YEARS))
        library = Library.from_results(Path("/nowhere"), dict(results))
        patched = builder.build(library)
        fresh = build_layout(library)
        for name in ("x0", "x1", "row", "precision", "story", "event", "lane_row", "lane_rows"):
            assert getattr(patched, name).tolist() == getattr(fresh, name).tolist(), name
        assert patched.undated == fresh.undated


def test_an_empty_folder_says_so(qtbot, timeline, tmp_path):
    selection, widget = timeline
    selection.set_library(load_folder(tmp_path))
    widget.plot.grab()
    assert widget.events_item._notice == "No story files (*.txt) in this folder"
    # The overview strip spans the same years as the (empty) timeline.
    assert widget.overview.viewRange()[0] == pytest.approx(widget.view_box.viewRange()[0])


def test_thousands_of_undated_events_list_the_first_ones(qtbot, timeline, story_folder):
    from viewer.ui.timeline.view import MAX_UNDATED_LISTED

    selection, widget = timeline
    lines = "\n".join(f"someday – event {i}" for i in range(MAX_UNDATED_LISTED + 20))
    selection.set_library(load_folder(story_folder({"a.txt": f"A\nTimeline\n{lines}\n"})))
    items = widget.undated_list
    assert items.count() == MAX_UNDATED_LISTED + 1
    assert items.item(items.count() - 1).text().startswith("… and 20 more")
    assert widget.undated_label.text().endswith(f"({MAX_UNDATED_LISTED + 20})")
