"""The time axis and the overview strip as drawn: the axis always says when.

Which ticks and labels is tested without Qt in ``tests/core/test_ticks.py``;
here the real timeline widget draws them, with its font, and these tests
read what the axis item draws (pyqtgraph's draw specs: its texts and where).
"""

import itertools
from datetime import date

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import QApplication

from tests.conftest import library_of, story_text
from viewer.ui.timeline.overview import MIN_REGION_PX

pytestmark = pytest.mark.gui

DATES = ["March 3, 2026", "March 5, 2026", "March 10, 2026", "December 30, 2026", "1955", "1987", "2001"]


@pytest.fixture
def widget(timeline):
    """The timeline showing events from 1955 to 2026."""
    selection, widget = timeline
    selection.set_library(library_of({"a.txt": story_text("A story", DATES)}))
    return widget


def drawn_labels(axis) -> list[tuple[float, float, str]]:
    """The tick labels the axis draws at the range on screen: (left, right, text), left to right."""
    image = QImage(10, 10, QImage.Format.Format_ARGB32)
    painter = QPainter(image)  # the same default font as the QPicture the axis paints into
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    assert specs is not None
    _, _, texts = specs
    return sorted((rect.left(), rect.right(), text) for rect, _, text in texts if text)


def show_range(widget, first: date, last: date) -> list[str]:
    widget.view_box.setXRange(first.toordinal(), last.toordinal(), padding=0)
    widget.grab()
    QApplication.processEvents()  # the axis grows to the height of its labels: lay out, then draw again
    widget.grab()
    labels = drawn_labels(widget.axis)
    # No two labels overlap, however long the full ones are.
    for (_, right, _), (left, _, _) in itertools.pairwise(labels):
        assert left >= right
    # ... and what is drawn is what the axis's tickValues / tickStrings give.
    (x0, x1), _ = widget.view_box.viewRange()
    spacing, values = widget.axis.tickValues(x0, x1, widget.axis.geometry().width() + 2)[0]
    assert {text for _, _, text in labels} <= set(widget.axis.tickStrings(values, 1.0, spacing))
    return [text for _, _, text in labels]


def test_a_week_on_screen_says_the_month_and_year(widget):
    texts = show_range(widget, date(2026, 3, 3), date(2026, 3, 10))
    assert any("2026" in t for t in texts)
    assert texts[0] == "Mar 4, 2026"  # Mar 3 is on the left edge: its label would stick out
    assert texts[1:] == [f"Mar {d}" for d in range(5, 10)]  # so is Mar 10, on the right


def test_every_zoom_says_the_year(widget):
    new_year = show_range(widget, date(2026, 12, 25), date(2027, 1, 5))
    assert new_year[0] == "Dec 26, 2026" and "Jan 1, 2027" in new_year
    months = show_range(widget, date(2026, 2, 10), date(2027, 3, 20))
    assert months[:2] == ["Mar 2026", "Apr"] and "Jan 2027" in months
    decades = show_range(widget, date(1950, 1, 1), date(2030, 1, 1))
    assert "1960" in decades and all(t.isdigit() for t in decades)


def test_the_tick_spacing_follows_the_font(widget):
    axis = widget.axis
    font = axis.tick_font()
    normal = show_range(widget, date(2026, 2, 10), date(2027, 3, 20))
    font.setPointSizeF(font.pointSizeF() * 2)
    axis.setTickFont(font)
    big = show_range(widget, date(2026, 2, 10), date(2027, 3, 20))  # also: no overlap at the bigger size
    assert len(big) < len(normal)
    assert big[0].endswith("2026")


def test_the_overview_region_stays_wide_enough_to_see_and_grab(qtbot, widget):
    overview = widget.overview
    day = date(2026, 3, 5).toordinal()
    widget.view_box.setXRange(day, day + 1, padding=0)  # the view's least span is a few days
    widget.grab()
    (s0, s1), _ = overview.viewRange()
    px_per_day = overview.getViewBox().width() / (s1 - s0)
    (x0, x1), _ = widget.view_box.viewRange()
    assert (x1 - x0) * px_per_day < 1  # the view is a sliver of the strip
    r0, r1 = overview.region.getRegion()
    assert (r1 - r0) * px_per_day >= MIN_REGION_PX - 1e-6
    assert (r0 + r1) / 2 == pytest.approx((x0 + x1) / 2)
    # Dragging the widened region pans the view and keeps its zoom.
    shift = 400.0
    overview.region.setRegion((r0 + shift, r1 + shift))
    (n0, n1), _ = widget.view_box.viewRange()
    assert (n0, n1) == pytest.approx((x0 + shift, x1 + shift))
    r0, r1 = overview.region.getRegion()
    assert (r1 - r0) * px_per_day == pytest.approx(MIN_REGION_PX)
    # The same with the mouse: press on the region and drag it 100 px to the left.
    view = overview.viewport()
    centre = overview.mapFromScene(overview.getViewBox().mapViewToScene(QPointF((r0 + r1) / 2, 0.3)))
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=centre)
    for step in range(1, 11):
        qtbot.mouseMove(view, centre - QPoint(10 * step, 0))
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=centre - QPoint(100, 0))
    (m0, m1), _ = widget.view_box.viewRange()
    assert m1 - m0 == pytest.approx(n1 - n0)  # the zoom is kept
    assert (n0 + n1) / 2 - (m0 + m1) / 2 == pytest.approx(100 / px_per_day, rel=0.05)
    # Zoomed out again, the region is the view again.
    widget.view_box.setXRange(date(1980, 1, 1).toordinal(), date(2000, 1, 1).toordinal(), padding=0)
    assert overview.region.getRegion() == pytest.approx(widget.view_box.viewRange()[0])
