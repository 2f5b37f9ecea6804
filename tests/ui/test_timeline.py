"""The timeline widget on screen: what is drawn, hit-tested and labelled.

The arithmetic behind it (lanes, culling, ticks, which labels fit) is tested
without Qt in ``tests/core``; these tests check what a user sees.
"""

from datetime import date

import numpy as np
import pytest

from tests.conftest import library_of
from viewer.model import load_folder

pytestmark = pytest.mark.gui


def story(title: str, dates: list[str]) -> str:
    lines = [title, "Timeline"] + [f"{d} – Event number {i} happened somewhere [1]" for i, d in enumerate(dates)]
    return "\n".join(lines) + "\n"


def story_with(dates: list[str], texts: list[str]) -> str:
    return "A\nTimeline\n" + "".join(f"{d} – {t} [1]\n" for d, t in zip(dates, texts))


def show(qtbot, timeline, folder):
    selection, widget = timeline
    selection.set_library(load_folder(folder))
    widget.plot.grab()  # paint once
    return widget


def picture(timeline, dates: list[str], texts: list[str]):
    """The plot as drawn for one story with these event texts, at the zoom on screen.

    The library is always of the same folder, so the widget keeps its zoom:
    two pictures differ only in what the texts change, that is the labels.
    """
    selection, widget = timeline
    selection.set_library(library_of({"a.txt": story_with(dates, texts)}))
    return widget.plot.grab().toImage()


def in_view(widget) -> np.ndarray:
    """Indices of the events inside the view on screen (what the item draws from)."""
    (x0, x1), (y0, y1) = widget.view_box.viewRange()
    return widget.timeline_layout.visible_indices(x0, x1, y0, y1)


def test_labels_show_when_zoomed_in_and_hide_when_crowded(qtbot, timeline):
    _, widget = timeline
    dates = [f"Jan {d}, 2020" for d in range(1, 29)] + ["Jan 2, 2020", "Jan 3, 2020"]
    texts = [f"Event number {i} happened somewhere" for i in range(len(dates))]

    def changed(k: int) -> list[str]:
        return [*texts[:k], "Quite another thing took place", *texts[k + 1:]]

    picture(timeline, dates, texts)  # the first load zooms to fit
    # Zoomed out to two years, the marks cluster: no event's text is on screen,
    # so other texts draw the very same picture.
    widget.view_box.setRange(xRange=(date(2019, 1, 1).toordinal(), date(2021, 1, 1).toordinal()), padding=0)
    assert len(in_view(widget)) == len(dates)
    assert picture(timeline, dates, texts) == picture(timeline, dates, ["Something else entirely"] * len(dates))
    # Zoomed in to three days: the events in view are labelled, each with its own text.
    start = date(2020, 1, 1).toordinal()
    widget.view_box.setRange(xRange=(start, start + 3), yRange=(-0.2, 4), padding=0)
    before = picture(timeline, dates, texts)
    visible = sorted(int(widget.timeline_layout.event[i]) for i in in_view(widget))
    labelled = [k for k in visible if picture(timeline, dates, changed(k)) != before]
    assert len(labelled) >= 3
    # An event out of view (Jan 20) draws nothing, label included.
    assert 19 not in visible and picture(timeline, dates, changed(19)) == before


def test_dense_view_switches_to_pixel_coverage(qtbot, timeline):
    from PySide6.QtGui import QColor, QImage

    from viewer.ui.timeline.events_item import COVERAGE_COLOUR, DENSE_LIMIT

    _, widget = timeline
    rng = np.random.default_rng(1)
    days = rng.integers(date(1950, 1, 1).toordinal(), date(2020, 1, 1).toordinal(), 8000)
    dates = [date.fromordinal(int(d)).strftime("%b %d, %Y").replace(" 0", " ") for d in days]
    texts = [f"Event number {i} happened somewhere" for i in range(len(dates))]
    picture(timeline, dates, texts)
    widget.zoom_to_fit(all_rows=True)
    assert len(in_view(widget)) == 8000 > DENSE_LIMIT
    image = picture(timeline, dates, texts)
    # The events are drawn as coverage: a good part of the plot has the coverage
    # colour's hue (blending with the white or grey background keeps the hue),
    # which no story colour has.
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(rgb.constBits(), np.uint8).reshape(rgb.height(), rgb.bytesPerLine())
    b, g, r = (pixels[:, : rgb.width() * 4].reshape(rgb.height(), rgb.width(), 4)[..., c].astype(int)
               for c in range(3))
    hi, lo = np.maximum(np.maximum(r, g), b), np.minimum(np.minimum(r, g), b)
    blue_top = (b == hi) & (hi - lo >= 35)  # the hues between cyan and violet
    hue = 240 + 60 * (r - g) / np.maximum(hi - lo, 1)
    coverage = blue_top & (np.abs(hue - COVERAGE_COLOUR.hsvHue()) <= 6)
    assert coverage.sum() > 5000
    assert QColor("#0072B2").hsvHue() < COVERAGE_COLOUR.hsvHue() - 10  # the first story's colour is not counted
    # And no labels: other texts draw the same picture.
    assert picture(timeline, dates, ["Something else entirely"] * len(dates)) == image


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
