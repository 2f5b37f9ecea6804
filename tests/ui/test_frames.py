"""A pan or a zoom step paints the timeline once, and a dragged dense view is drawn as a fresh one would be.

Speed itself is measured by ``tests/benchmarks/bench_frames.py``, never here.
"""

from datetime import date

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from tests.conftest import library_of

pytestmark = pytest.mark.gui


class PaintCounter(QObject):
    def __init__(self, widget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched, event) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def quiet() -> None:
    """Everything the last change posted, processed (one pass may post work for the next)."""
    for _ in range(4):
        QApplication.processEvents()


def many_events(n: int) -> dict[str, str]:
    rng = np.random.default_rng(3)
    days = rng.integers(date(1950, 1, 1).toordinal(), date(2020, 1, 1).toordinal(), n)
    files = {}
    for story in range(n // 20):
        lines = [f"Story {story}", "Timeline"]
        for d in days[story * 20:(story + 1) * 20]:
            lines.append(f"{date.fromordinal(int(d)).strftime('%b %d, %Y')} – Something happened [1]")
        files[f"s{story:04d}.txt"] = "\n".join(lines) + "\n"
    return files


@pytest.mark.parametrize("dense", [True, False], ids=["coverage", "each event"])
def test_each_pan_and_zoom_step_paints_once(qtbot, timeline, dense):
    selection, widget = timeline
    selection.set_library(library_of(many_events(8000)))
    widget.zoom_to_fit(all_rows=True)
    view = widget.view_box
    if not dense:
        start = date(1990, 1, 1).toordinal()
        view.setRange(xRange=(start, start + 365), yRange=(0, 20), padding=0)
    quiet()
    counter = PaintCounter(widget.plot.viewport())
    (x0, x1), (y0, y1) = view.viewRange()
    width = x1 - x0
    paints = []
    for i in range(1, 13):
        if i % 2:
            view.setRange(xRange=(x0 + width * 0.01 * i, x1 + width * 0.01 * i), yRange=(y0, y1), padding=0)
        else:
            view.setRange(xRange=(x0 + width * 0.05 * i, x1 - width * 0.05 * i), yRange=(y0, y1), padding=0)
        before = counter.count
        quiet()
        paints.append(counter.count - before)
    # Not twice (pyqtgraph's deferred transform change used to ask for a second paint), not zero.
    assert paints == [1] * 12


def coverage(layout, sx, sy, left, right, top, bottom, width):
    """The coverage counts as the timeline makes them for a view (``width`` columns from ``left``)."""
    from viewer.ui.timeline.events_item import _CoverageRows

    return _CoverageRows(layout, sy, top, bottom).counts(sx, left, right, width)


def coverage_by_hand(layout, sx, sy, left, right, top, bottom, width):
    """The same, one event at a time: each covers the middle half of its row, from its start's column to its end's."""
    height = max(1, int(np.ceil((bottom - top) * sy)))
    counts = np.zeros((height, width), dtype=np.int64)
    for i in layout.visible_indices(left, right, top, bottom).tolist():
        c0 = min(max(int((layout.x0[i] - left) * sx), 0), width - 1)
        c1 = max(min(max(int((layout.x1[i] - left) * sx) + 1, 1), width), c0 + 1)
        row_top = (layout.row[i] - top) * sy
        r0, r1 = int(row_top + sy * 0.25), int(np.ceil(row_top + sy * 0.75))
        if sy < 2:  # a pixel row at least
            r0, r1 = min(max(r0, 0), height - 1), min(max(r1, 1), height)
        counts[max(r0, 0):max(r1, 0), c0:c1] += 1
    return np.minimum(counts, 63)


@pytest.mark.parametrize("tall", [False, True], ids=["thin rows", "tall rows"])
def test_coverage_counts_each_event_where_it_is_drawn(tall):
    """The dense view's image: every event in view counted on every pixel it covers, no other."""
    from viewer.core.layout import LayoutBuilder

    layout = LayoutBuilder().build(library_of(many_events(3000)))
    first, last = layout.x_range
    width, height = 700, 200
    left, right = first + (last - first) * 0.2, first + (last - first) * 0.7
    sx = width / (right - left)
    sy = 3.0 if tall else height / layout.row_count * 0.7
    top = 4.3
    bottom = top + height / sy
    made = coverage(layout, sx, sy, left, right, top, bottom, width)
    assert made.any()
    assert np.array_equal(made, coverage_by_hand(layout, sx, sy, left, right, top, bottom, width))


def test_coverage_made_in_pieces_matches_coverage_made_at_once():
    """A drag makes the coverage columns that come into view on their own: they must join up seamlessly."""
    from viewer.core.layout import LayoutBuilder

    layout = LayoutBuilder().build(library_of(many_events(6000)))
    first, last = layout.x_range
    width, height = 900, 300
    sx = width / (last - first)
    top = -0.2
    for sy in (height / layout.row_count, 3.0):  # thin rows (per pixel row) and tall ones (per row)
        bottom = top + height / sy
        whole = coverage(layout, sx, sy, first, last, top, bottom, width)
        assert whole.any()
        for a, b in ((0, 256), (256, 270), (270, 900)):
            part = coverage(layout, sx, sy, first + a / sx, first + b / sx, top, bottom, b - a)
            assert np.array_equal(part, whole[:, a:b])


def test_overview_strip_draws_the_new_density_after_a_change(qtbot, timeline):
    """The strip's curve is drawn from a cache between frames: a new folder or a new width draws it again."""
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QColor

    selection, widget = timeline
    files = {f"s{i}.txt": f"Story {i}\nTimeline\nMar 3, {1900 + 3 * i} – Something happened\n" for i in range(34)}
    strip = widget.overview

    def density_drawn_at(year: int) -> bool:
        """Whether the strip has something other than its background above the axis at ``year``."""
        widget.view_box.setXRange(date(1900, 1, 1).toordinal(), date(1910, 1, 1).toordinal(), padding=0)
        quiet()  # the region (in its own colour) away from the year
        image = strip.grab().toImage()
        scene = strip.getViewBox().mapViewToScene(QPointF(date(year, 7, 1).toordinal(), 0))
        x = round(strip.mapFromScene(scene).x())
        background = QColor(widget.colours.background)
        axis_top = round(strip.getAxis("bottom").sceneBoundingRect().top())
        return any(image.pixelColor(x + dx, y) != background for dx in (-1, 0, 1) for y in range(axis_top))

    selection.set_library(library_of(files))
    assert not density_drawn_at(1950)
    many = {f"t{i}.txt": f"Then {i}\nTimeline\nMar 3, 1950 – Something else\n" for i in range(200)}
    selection.set_library(library_of({**files, **many}))
    assert density_drawn_at(1950)
    widget.resize(widget.width() * 2 // 3, widget.height())
    assert density_drawn_at(1950)
