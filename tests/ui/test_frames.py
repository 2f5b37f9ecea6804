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


def test_coverage_made_in_pieces_matches_coverage_made_at_once():
    """A drag makes the coverage columns that come into view on their own: they must join up seamlessly."""
    from viewer.core.layout import LayoutBuilder
    from viewer.ui.timeline.events_item import _coverage_counts

    layout = LayoutBuilder().build(library_of(many_events(6000)))
    first, last = layout.x_range
    width, height = 900, 300
    sx = width / (last - first)
    top = -0.2
    for sy in (height / layout.row_count, 3.0):  # thin rows (per pixel row) and tall ones (per row)
        bottom = top + height / sy
        index = layout.visible_indices(first, last, top, bottom)
        whole = _coverage_counts(layout, index, sx, sy, first, top, width, height)
        assert whole.any()
        for a, b in ((0, 256), (256, 270), (270, 900)):
            x0 = first + a / sx
            part = _coverage_counts(layout, layout.visible_indices(x0, first + b / sx, top, bottom),
                                    sx, sy, x0, top, b - a, height)
            assert np.array_equal(part, whole[:, a:b])
