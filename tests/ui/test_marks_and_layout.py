"""Marks a reader can tell apart, search fading, and layouts that hold against long text.

- a story's colour comes from its file, so it keeps it when files are added;
- ``EventsItem.set_matches`` fades what a search did not match, in the
  detailed and the dense (coverage) drawing;
- a 300-character headline, with spaces or as one word, neither widens the
  window nor squeezes a pane: it is cut with "…" (whole in a tooltip) or wrapped.
"""

from datetime import date

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage

from tests.conftest import library_of, story_text
from viewer.core.colours import STORY_PALETTE, story_colour

pytestmark = pytest.mark.gui

SPACED_HEADLINE = ("Parliament votes again on the long disputed northern border treaty while ministers argue "
                   "over fishing rights, " * 4)[:300]
WORD_HEADLINE = ("Supercalifragilistic" * 15)[:300]
MAX_MIN_WIDTH = 600  # no pane may ask for more than this


def test_the_long_headlines_are_300_characters():
    assert len(SPACED_HEADLINE) == len(WORD_HEADLINE) == 300
    assert " " in SPACED_HEADLINE and " " not in WORD_HEADLINE


def _rgb_array(image: QImage) -> np.ndarray:
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    pixels = np.frombuffer(rgb.constBits(), np.uint8).reshape(rgb.height(), rgb.bytesPerLine())
    return pixels[:, : rgb.width() * 4].reshape(rgb.height(), rgb.width(), 4)[..., 2::-1].astype(int)  # r, g, b


def _pixel_of(widget, x: float, y: float) -> tuple[int, int]:
    """The plot widget's pixel (column, row) showing data point (x, y)."""
    scene = widget.view_box.mapViewToScene(QPointF(x, y))
    point = widget.plot.mapFromScene(scene)
    return point.x(), point.y()


def _colour_at(image: np.ndarray, column: int, row: int) -> np.ndarray:
    """The median colour of a 3 × 3 patch (robust to one antialiased pixel)."""
    return np.median(image[row - 1: row + 2, column - 1: column + 2].reshape(-1, 3), axis=0)


# --- A: colours by file ------------------------------------------------------


def test_a_story_keeps_its_colour_when_a_file_is_added_before_it(qtbot, timeline):
    selection, widget = timeline
    item = widget.events_item
    story = story_text("Mid story", ["Mar 2020", "Jan 5, 2021"])
    selection.set_library(library_of({"m.txt": story}))
    lane = [s.file for s in item.layout.stories].index("m.txt")
    before = QColor(item._story_colour(lane))
    selection.set_library(library_of({"a.txt": story_text("First story", ["Jun 2020"]), "m.txt": story}))
    moved = [s.file for s in item.layout.stories].index("m.txt")
    assert moved != lane  # another lane now…
    assert item._story_colour(moved) == before == QColor(story_colour("m.txt"))  # …the same colour

    # And it is what is drawn: the middle of its month bar is in its colour (at the month's alpha).
    widget.view_box.setRange(xRange=(date(2019, 12, 1).toordinal(), date(2021, 3, 1).toordinal()),
                             yRange=(-0.2, item.layout.row_count + 0.2), padding=0)
    image = _rgb_array(widget.plot.grab().toImage())
    i = item.layout.index_of("m.txt", 0)
    column, row = _pixel_of(widget, (item.layout.x0[i] + item.layout.x1[i]) / 2, item.layout.row[i] + 0.5)
    drawn = _colour_at(image, column, row)
    colour = np.array(QColor(story_colour("m.txt")).getRgb()[:3])
    alpha = 210 / 255  # PRECISION_ALPHA of a month, over a white or lightly banded background
    expected = alpha * colour + (1 - alpha) * 250
    assert np.abs(drawn - expected).max() < 16, (drawn, expected)


def test_the_palette_has_twelve_colours_and_the_item_uses_them():
    from viewer.ui.timeline.events_item import STORY_COLOURS

    assert len(set(STORY_COLOURS)) >= 12
    assert list(STORY_COLOURS) == list(STORY_PALETTE)


# --- B: search fading ----------------------------------------------------------


def _two_bars(qtbot, timeline):
    """Two stories with one month bar each, zoomed so both are drawn in detail."""
    selection, widget = timeline
    selection.set_library(library_of({
        "hit.txt": story_text("Matched story", ["Mar 2020"]),
        "miss.txt": story_text("Unmatched story", ["Mar 2020"]),
    }))
    layout = widget.events_item.layout
    widget.view_box.setRange(xRange=(date(2020, 1, 1).toordinal(), date(2020, 6, 1).toordinal()),
                             yRange=(-0.2, layout.row_count + 0.2), padding=0)
    hit, miss = layout.index_of("hit.txt", 0), layout.index_of("miss.txt", 0)
    points = {}
    for name, i in (("hit", hit), ("miss", miss)):
        points[name] = _pixel_of(widget, (layout.x0[i] + layout.x1[i]) / 2, layout.row[i] + 0.5)
    return widget, hit, miss, points


def test_a_mask_fades_unmatched_events_and_keeps_matched_ones(qtbot, timeline):
    widget, hit, miss, points = _two_bars(qtbot, timeline)
    item = widget.events_item
    plain = widget.plot.grab().toImage()
    before = _rgb_array(plain)
    mask = np.zeros(len(item.layout.x0), dtype=bool)
    mask[hit] = True
    item.set_matches(mask)
    assert item.matches is not None and item.matches[hit] and not item.matches[miss]
    after = _rgb_array(widget.plot.grab().toImage())

    hit_before, hit_after = (_colour_at(a, *points["hit"]) for a in (before, after))
    miss_before, miss_after = (_colour_at(a, *points["miss"]) for a in (before, after))
    # The matched bar keeps its colour.
    assert np.abs(hit_after - hit_before).max() <= 2, (hit_before, hit_after)
    # The unmatched one is lighter and greyer: closer to the background, less saturated.
    assert miss_after.sum() > miss_before.sum() + 60, (miss_before, miss_after)
    assert np.ptp(miss_after) < np.ptp(miss_before), (miss_before, miss_after)

    # None draws it all as before.
    item.set_matches(None)
    assert item.matches is None
    assert widget.plot.grab().toImage() == plain


def test_a_new_layout_drops_the_mask_and_a_wrong_mask_is_refused(qtbot, timeline):
    selection, widget = timeline
    item = widget.events_item
    selection.set_library(library_of({"a.txt": story_text("A", ["Jan 1, 2020", "Feb 2, 2020"])}))
    with pytest.raises(ValueError):
        item.set_matches(np.ones(len(item.layout.x0) + 1, dtype=bool))
    item.set_matches(np.array([True, False]))
    selection.set_library(library_of({"a.txt": story_text("A", ["Jan 1, 2020", "Feb 2, 2020", "Mar 3, 2020"])}))
    assert item.matches is None  # indices of the old layout mean nothing in the new one
    widget.plot.grab()


def test_the_dense_coverage_view_shows_only_matched_events_in_colour(qtbot, timeline):
    from viewer.ui.timeline.events_item import COVERAGE_COLOUR, DENSE_LIMIT

    selection, widget = timeline
    rng = np.random.default_rng(3)
    days = rng.integers(date(1950, 1, 1).toordinal(), date(2020, 1, 1).toordinal(), 8000)
    dates = [date.fromordinal(int(d)).strftime("%b %d, %Y").replace(" 0", " ") for d in days]
    selection.set_library(library_of({"a.txt": story_text("Many", dates)}))
    widget.zoom_to_fit(all_rows=True)
    item = widget.events_item
    (x0, x1), (y0, y1) = widget.view_box.viewRange()
    assert len(item.layout.visible_indices(x0, x1, y0, y1)) > DENSE_LIMIT

    def coverage_pixels() -> int:
        r, g, b = np.moveaxis(_rgb_array(widget.plot.grab().toImage()), 2, 0)
        hi, lo = np.maximum(np.maximum(r, g), b), np.minimum(np.minimum(r, g), b)
        hue = 240 + 60 * (r - g) / np.maximum(hi - lo, 1)
        return int(((b == hi) & (hi - lo >= 35) & (np.abs(hue - COVERAGE_COLOUR.hsvHue()) <= 6)).sum())

    everything = coverage_pixels()
    # Matched: the events of the 1950s only.
    item.set_matches(item.layout.x0 < date(1960, 1, 1).toordinal())
    matched_only = coverage_pixels()
    # A seventh of the span, drawn in colour; the rest grey.
    assert everything * 0.08 < matched_only < everything * 0.3, (matched_only, everything)
    item.set_matches(np.zeros(len(item.layout.x0), dtype=bool))
    assert coverage_pixels() < everything * 0.02
    item.set_matches(None)
    assert coverage_pixels() == everything


# --- C: layouts that hold ------------------------------------------------------


@pytest.mark.parametrize("headline", [SPACED_HEADLINE, WORD_HEADLINE], ids=["spaces", "one-word"])
def test_a_300_character_headline_widens_nothing(qtbot, window, open_folder, story_folder, headline):
    from PySide6.QtWidgets import QApplication

    from viewer.core.state import EventRef

    folder = story_folder({
        "a_short.txt": story_text("A short headline", ["Jan 3, 2020", "Mar 2020"]),
        "b_long.txt": story_text(headline, ["Jan 3, 2020", "Mar 2020"]),
    })
    open_folder(window, folder)
    window.state.set_story("a_short.txt")
    QApplication.processEvents()
    sizes = (window.width(), window.detail.width(), window.citations.width(), window.timeline.width())

    for select in (lambda: window.state.set_story("b_long.txt"),
                   lambda: window.state.select_event(EventRef("b_long.txt", 0))):
        select()
        QApplication.processEvents()
        assert (window.width(), window.detail.width(), window.citations.width(), window.timeline.width()) == sizes
        for pane in (window, window.detail, window.citations, window.timeline, window.main_splitter):
            assert pane.minimumSizeHint().width() <= MAX_MIN_WIDTH, pane.objectName()
            assert pane.minimumWidth() <= MAX_MIN_WIDTH, pane.objectName()
        # The detail pane wraps it: no horizontal scrolling.
        assert window.detail.horizontalScrollBar().maximum() == 0
        assert window.detail.document().idealWidth() <= window.detail.viewport().width()

    # "Sources of: …" is cut with "…" to the panel's width, and whole in its tooltip.
    title = window.citations.title
    assert title.text() == f"Sources of: {headline}"
    assert title.is_elided() and title.elided_text().endswith("…")
    assert title.fontMetrics().horizontalAdvance(title.elided_text()) <= title.contentsRect().width()
    assert headline in title.toolTip()

    # The window can still be made narrow: nothing holds it wide.
    window.resize(640, 700)
    QApplication.processEvents()
    assert window.width() == 640


def test_a_short_sources_title_is_whole_and_has_no_tooltip(qtbot, window, open_folder, story_folder):
    from PySide6.QtWidgets import QApplication

    open_folder(window, story_folder({"a.txt": story_text("Short", ["Jan 3, 2020"])}))
    window.state.set_story("a.txt")
    QApplication.processEvents()
    title = window.citations.title
    assert title.elided_text() == "Sources of: Short" and not title.is_elided() and title.toolTip() == ""


@pytest.mark.parametrize("headline", [SPACED_HEADLINE, WORD_HEADLINE], ids=["spaces", "one-word"])
def test_lane_headlines_are_cut_to_the_view_with_the_whole_one_in_a_tooltip(qtbot, timeline, headline):
    selection, widget = timeline
    selection.set_library(library_of({"a.txt": story_text(headline, ["Jan 3, 2020", "Mar 2020"])}))
    item = widget.events_item
    widget.plot.grab()
    view = item.viewRect()
    view_px = view.width() / item.pixelWidth()
    static, drawn = item._title(0, view_px - 12)
    assert drawn <= view_px - 12
    assert static.text().endswith("…") and len(static.text()) < 300

    class Hover:  # the little of pyqtgraph's HoverEvent that the item reads
        def __init__(self, x: float, y: float) -> None:
            self._pos = QPointF(x, y)

        def isExit(self) -> bool:  # noqa: N802 (pyqtgraph's name)
            return False

        def pos(self) -> QPointF:
            return self._pos

    title_row = float(item.layout.lane_row[0]) + 0.5
    item.hoverEvent(Hover(view.left() + 20 * item.pixelWidth(), title_row))
    assert headline in item.toolTip()
    assert item.title_at(view.left() + 20 * item.pixelWidth(), title_row) == 0
    item.hoverEvent(Hover(view.left() + 20 * item.pixelWidth(), title_row + 3))  # below the lane: nothing
    assert item.toolTip() == ""


def test_a_label_never_sits_on_its_own_bar_without_a_plate(qtbot, timeline):
    """In rows too low for a label above its bar, it goes after the bar, or inside on a light plate."""
    from viewer.ui.timeline.events_item import LABEL_PLATE

    selection, widget = timeline
    texts = {"a.txt": story_text("A", ["2019–2021"], text="A long war that ran for years"),
             "b.txt": story_text("B", ["Mar 2020"], text="A month of something"),
             # Two more lanes, events out of view: more rows, each lower.
             "c.txt": story_text("C", ["Jan 1, 2010"]), "d.txt": story_text("D", ["Jan 1, 2010"])}
    selection.set_library(library_of(texts))
    item = widget.events_item
    layout = item.layout
    rows = layout.row_count
    # Rows too low for a label above a bar.
    widget.resize(1200, 320)
    qtbot.wait(20)
    widget.view_box.setRange(xRange=(date(2018, 6, 1).toordinal(), date(2022, 1, 1).toordinal()),
                             yRange=(-0.2, rows + 0.2), padding=0)
    row_px = widget.plot.height() / (rows + 0.4)
    assert row_px < 2 * item._label_metrics.height() + 8
    image = _rgb_array(widget.plot.grab().toImage())
    # The month bar ends well inside the view: its label follows it, on the background.
    b = layout.index_of("b.txt", 0)
    end_col, row = _pixel_of(widget, layout.x1[b], layout.row[b] + 0.5)
    start_col, _ = _pixel_of(widget, layout.x0[b], layout.row[b] + 0.5)
    inside = image[row - 2: row + 3, start_col + 2: end_col - 2]
    colour = np.array(QColor(story_colour("b.txt")).getRgb()[:3])
    assert (np.abs(inside - (0.82 * colour + 0.18 * 250)).max(axis=2) < 24).mean() > 0.9  # the bar, no text on it
    after = image[row - 8: row + 8, end_col + 4: end_col + 120]
    assert (after.max(axis=2) < 90).sum() > 30  # dark text right after the bar
    # The long bar runs (almost) out of view: its label is inside, on a light plate
    # through which the bar shows: dark text on a lighter tint of the bar.
    a = layout.index_of("a.txt", 0)
    start_a, row_a = _pixel_of(widget, layout.x0[a], layout.row[a] + 0.5)
    strip = image[row_a - 1: row_a + 2, start_a + 2: start_a + 90]
    assert (strip.max(axis=2) < 90).sum() > 20  # text
    far_col, _ = _pixel_of(widget, date(2021, 6, 1).toordinal(), layout.row[a] + 0.5)
    bar = _colour_at(image, far_col, row_a)
    under_text = np.median(strip[strip.max(axis=2) >= 90].reshape(-1, 3), axis=0)
    assert under_text.sum() > bar.sum() + 60  # the plate: lighter than the bar
    assert np.argmax(under_text) == np.argmax(bar)  # yet of its hue
    assert LABEL_PLATE.alpha() < 255
