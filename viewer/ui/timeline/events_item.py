"""The one graphics item that draws every event of every story.

A ``TextItem`` or ``ScatterPlotItem`` per event makes panning crawl past a
few thousand events (pyqtgraph issue #1191). This item paints from the numpy
arrays of a ``TimelineLayout`` and only what is in view:

- ``np.searchsorted`` on the sorted starts (and the running maximum of the
  ends, for long bars) finds the visible slice in O(log n);
- with few events in view it draws each one: a diamond for a day, a bar
  from start to end for anything vaguer (lighter the vaguer it is), a count
  in a circle where marks of one lane would overlap, and short labels where
  they fit without colliding (``viewer.core.labels`` decides which);
- with more events in view than pixels it draws per-row pixel coverage as
  one image, which costs the same for 1,000 or 1,000,000 events.

A story's colour comes from its file (``viewer.core.colours``), so it keeps
it when other files come and go. A label is never drawn over its own bar
in the bar's colour: it goes above the bar when the row has room, else
after the bar's end, else (a bar running out of view) inside it on a light
plate. A search may fade the events it did not match (``set_matches``).

Everything is drawn in device pixels (the painter's transform is applied
by hand), so markers and text keep their size while zooming.
"""

from __future__ import annotations

import html
import itertools
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QGuiApplication,
    QImage,
    QPainter,
    QPalette,
    QPen,
    QPolygonF,
    QStaticText,
)

from viewer.core.colours import (
    GRID_ALPHA,
    LANE_BAND_ALPHA,
    STORY_PALETTE,
    TITLE_BAND_ALPHA,
    TimelineColours,
    colour_slot,
    timeline_colours,
)
from viewer.core.labels import MIN_ELIDED_PX, place_labels
from viewer.core.layout import DAY_RANK, TimelineLayout
from viewer.core.ticks import MAX_ORDINAL, MIN_ORDINAL, major_ticks
from viewer.model import describe_span
from viewer.ui.text import TITLE_CHARS, TOOLTIP_CHARS, capped, one_line, plain_tooltip, short_label

if TYPE_CHECKING:
    from pyqtgraph.GraphicsScene.mouseEvents import HoverEvent, MouseClickEvent
    from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

# A story's colour: Paul Tol's colour-blind-safe 12-colour palette, chosen by the
# story's file (see viewer.core.colours), never by its lane; on a dark
# background its dark variants. All colours follow the palette (set_colours):
# the constants here are the light scheme's.
STORY_COLOURS = list(STORY_PALETTE)
# Vaguer dates are drawn fainter: a reader sees at a glance what is exact.
# By Precision.rank: day, month, part of a year, year, decade, century.
PRECISION_ALPHA = (255, 210, 175, 140, 105, 80)
# Events a search did not match (see EventsItem.set_matches): washed out and fainter.
FADED_ALPHA = 0.6  # times the precision's alpha (but at least FADED_MIN_ALPHA)
FADED_MIN_ALPHA = 60
LABEL_PLATE = QColor(255, 255, 255, 160)  # behind a label drawn inside its own bar: the bar shows through
CLUSTER_FILL_ALPHA = 235  # a cluster's circle: the background, nearly opaque
MARK_OUTLINE_ALPHA = 220  # around a diamond: the background, so that touching marks stay apart
# Where more events are in view than pixels: one colour for all stories, more opaque where more meet.
COVERAGE_COLOUR = QColor("#4A6FA5")
NEWS_COLOUR = QColor("#C2410C")  # new since last read: a burnt orange none of the story colours is close to
FADED_COVERAGE_COLOUR = QColor("#9A9A9A")  # coverage of the events a search did not match
DENSE_LIMIT = 6000  # more visible events than this: draw pixel coverage
COVERAGE_LEVELS = 64  # coverage counts are capped here: 63 events on a pixel look like more
COVERAGE_BAND_LINES = 8  # lines of the coverage image counted at once (see _CoverageRows.counts)
COVERAGE_CHUNK_PX = 256  # a pan makes this many coverage columns ahead of the view's edge
MARK_PX = 11.0  # diamond size
NARROW_PX = 12.0  # bars narrower than this are marks: they cluster with their neighbours
TITLE_INSET_PX = 6.0  # a lane's headline starts (and, cut, ends) this far inside the view
# Where the grid lines go: (first day, last day, view width in px) → days (see EventsItem.set_grid_ticks).
GridTicks = Callable[[float, float, float], list[float]]


class EventsItem(pg.GraphicsObject):
    """Draws all events of a ``TimelineLayout``; reports clicks and hovers.

    Signals:
        event_clicked(int): index into the layout's arrays of the clicked event.
        cluster_clicked(float, float): x range (day ordinals) of a clicked cluster.
        story_clicked(str): a click on a lane's title band (its headline's row): the story's file.
        empty_clicked(): a click that hit no event and no title band.
    """

    event_clicked = Signal(int)
    cluster_clicked = Signal(float, float)
    story_clicked = Signal(str)
    empty_clicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptHoverEvents(True)
        self._layout = TimelineLayout()
        self._bounds = QRectF()
        self._shown_bounds = QRectF()
        self._selected: int | None = None
        self._highlighted = np.zeros(0, dtype=np.int64)
        self._news: np.ndarray | None = None  # new (1) / updated (2) marks (set_news)
        self._news_outline = QColor("#FFFFFF")
        self._label_font = QFont()
        self._label_font.setPointSizeF(8.5)
        self._label_metrics = QFontMetricsF(self._label_font)
        self._title_font = QFont()
        self._title_font.setPointSizeF(9.5)
        self._title_font.setBold(True)
        self._count_font = QFont()
        self._count_font.setPointSizeF(7.5)
        self._count_font.setBold(True)
        self._labels: dict[int, tuple[QStaticText, float]] = {}
        self._elided: dict[tuple[int, int], tuple[QStaticText, float]] = {}
        self._title_metrics = QFontMetricsF(self._title_font)
        self._titles: dict[tuple[int, int], tuple[QStaticText, float]] = {}
        self._brushes: dict[tuple[int, int, bool], QBrush] = {}
        palette = QGuiApplication.palette()
        self.set_colours(timeline_colours(palette.color(QPalette.ColorRole.Base).name(),
                                          palette.color(QPalette.ColorRole.Text).name()))
        self._slots = np.zeros(0, dtype=np.int16)  # palette slot of each story, -1 until asked for
        # Search fading (set_matches): which events are matched, and which lanes have any.
        self._matches: np.ndarray | None = None
        self._lane_matched: np.ndarray | None = None
        self._match_version = 0  # part of the coverage image's key
        self._notice = ""
        self._coverage: _CoverageRuns | None = None  # the coverage columns made at the last scale
        self._coverage_rows: _CoverageRows | None = None  # the events' lines at the last vertical scale
        # Selected or highlighted events drawn inside a cluster: (x, y, radius) of the cluster.
        self._in_cluster: dict[int, tuple[float, float, float]] = {}
        self._grid_ticks: GridTicks = major_ticks

    # --- data --------------------------------------------------------------

    @property
    def layout(self) -> TimelineLayout:
        """The arrays being drawn."""
        return self._layout

    def set_layout(self, layout: TimelineLayout) -> None:
        """Draw another layout (after a load or a reload).

        Clears the selection, the highlighted events and the search mask
        (``set_matches``): their indices are into the old layout's arrays, so
        whoever set them sets them again for the new one.
        """
        self.prepareGeometryChange()
        self._layout = layout
        self._coverage = None
        self._coverage_rows = None
        self._labels.clear()
        self._elided.clear()
        self._titles.clear()
        self._selected = None
        self._highlighted = np.zeros(0, dtype=np.int64)
        self._slots = np.full(len(layout.stories), -1, dtype=np.int16)
        self._matches = None
        self._news = None
        self._lane_matched = None
        self._match_version += 1
        # Lane bands and titles are drawn across whatever part of time is in
        # view, so the item spans all of it, not just its events.
        rows = max(layout.row_count, 1)
        self._bounds = QRectF(float(MIN_ORDINAL), 0.0, float(MAX_ORDINAL + 1 - MIN_ORDINAL), float(rows))
        self._shown_bounds = self._bounds_near_view()
        self.update()

    def viewTransformChanged(self) -> None:
        """Follow the view (its range or size changed) with the bounding rect (see ``_bounds_near_view``)."""
        super().viewTransformChanged()  # forgets the cached view rect first
        bounds = self._bounds_near_view()
        if bounds != self._shown_bounds:
            self.prepareGeometryChange()
            self._shown_bounds = bounds

    def _bounds_near_view(self) -> QRectF:
        """All of time, cut to the view and a view's width either side.

        Qt culls an item by its bounds in whole device pixels: all of time
        since 100,000 BC at a few days per view is beyond 2^31 pixels, and the
        item would vanish when zoomed in.
        """
        view = self.viewRect()
        if view is None or self._bounds.isEmpty():
            return QRectF(self._bounds)
        margin = max(view.width(), 1.0)
        left = max(self._bounds.left(), view.left() - margin)
        right = min(self._bounds.right(), view.right() + margin)
        if right <= left:
            return QRectF(self._bounds)
        return QRectF(left, self._bounds.top(), right - left, self._bounds.height())

    def set_colours(self, colours: TimelineColours) -> None:
        """Draw with another scheme's colours (the palette changed: light to dark or back)."""
        self.colours = colours
        self._colours = [QColor(c) for c in colours.stories]
        # Text in a story's colour (titles, cluster counts): darkened (lightened on
        # a dark background) where the colour is too pale to read on the title band.
        self._text_colours = [QColor(c) for c in colours.story_text]
        self._faded_colours = [QColor(c) for c in colours.faded]
        background, text = QColor(colours.background), QColor(colours.text)
        self._label_text = text
        self._muted_text = QColor(colours.muted)
        self._selected_colour = text
        self._highlight_colour = QColor(colours.highlight)
        self._label_plate = QColor(background)
        self._label_plate.setAlpha(LABEL_PLATE.alpha())
        self._cluster_fill = QColor(background)
        self._cluster_fill.setAlpha(CLUSTER_FILL_ALPHA)
        self._mark_outline = QColor(background)
        self._mark_outline.setAlpha(MARK_OUTLINE_ALPHA)
        self._lane_band, self._title_band, self._grid_colour = (QColor(text), QColor(text), QColor(text))
        self._lane_band.setAlpha(LANE_BAND_ALPHA[colours.dark])
        self._title_band.setAlpha(TITLE_BAND_ALPHA[colours.dark])
        self._grid_colour.setAlpha(GRID_ALPHA[colours.dark])
        self._coverage_lut = _coverage_lut(QColor(colours.coverage))
        self._faded_coverage_lut = _coverage_lut(QColor(colours.faded_coverage), 0.5)
        self._brushes.clear()
        self._coverage = None
        self.update()

    def set_grid_ticks(self, ticks: GridTicks) -> None:
        """Where to draw the vertical grid lines: the days of the axis's labelled ticks.

        Args:
            ticks: gives the days for a view of ``[first, last]`` over a width
                in pixels, as the axis under the plot chooses them (its labels'
                widths in its font set how far apart they are). Without it, the
                grid spaces them ``MIN_LABEL_SPACING_PX`` apart.
        """
        self._grid_ticks = ticks
        self.update()

    def set_notice(self, text: str) -> None:
        """What to say in the empty plot when there are no stories (e.g. an empty folder)."""
        self._notice = text
        self.update()

    def set_selected(self, index: int | None) -> None:
        """Outline one event (index into the arrays), or none."""
        if index != self._selected:
            self._selected = index
            self.update()

    def set_news(self, news: np.ndarray | None) -> None:
        """Mark the events new (1) or updated (2) since the reader last read their story.

        Args:
            news: an array over the current layout's event indices (as for
                ``set_matches``): 0 for nothing to mark; None for no marks.
                ``set_layout`` clears it.
        """
        self._news = None if news is None or not news.any() else news
        self.update()

    @property
    def news(self) -> np.ndarray | None:
        """The new/updated marks being drawn (see ``set_news``), or None."""
        return self._news

    def _paint_news(self, painter: QPainter, layout: TimelineLayout, index: np.ndarray,
                    sx: float, sy: float, dx: float, dy: float, row_px: float) -> None:
        """A dot at the top right of each new event's mark (a ring for an updated one)."""
        news = self._news
        if news is None or not len(index):
            return
        marked = index[news[index] > 0]
        if not len(marked):
            return
        radius = max(3.0, min(5.0, row_px * 0.18))
        x = np.maximum(layout.x1[marked] * sx + dx, (layout.x0[marked] + layout.x1[marked]) / 2 * sx + dx + 4)
        y = layout.row[marked] * sy + dy + row_px * 0.22
        painter.save()
        try:
            for xi, yi, kind in zip(x.tolist(), y.tolist(), news[marked].tolist(), strict=True):
                if kind == 1:
                    painter.setPen(QPen(self._news_outline, 1.0))
                    painter.setBrush(NEWS_COLOUR)
                else:
                    painter.setPen(QPen(NEWS_COLOUR, 2.0))
                    painter.setBrush(self._news_outline)
                painter.drawEllipse(QPointF(xi, yi), radius, radius)
        finally:
            painter.restore()

    def set_highlighted(self, indices: list[int]) -> None:
        """Ring the events citing the selected source."""
        self._highlighted = np.asarray(sorted(indices), dtype=np.int64)
        self.update()

    def set_matches(self, mask: np.ndarray | None, lanes: np.ndarray | None = None) -> None:
        """Fade the events a search did not match, or (``None``) draw all as usual.

        Args:
            mask: a boolean array over the current layout's event indices
                (``len(layout.x0)``, the order of the layout's arrays, as
                ``layout.index_of`` gives them): True for a matched event.
                Unmatched events are drawn washed out and faint, with no
                label; matched ones keep their colour and label and get a
                dark outline; a cluster is drawn in full when any of its
                events matched. Lanes without a match get a grey title. In
                the dense (coverage) view, matched events are drawn in the
                coverage colour over a grey coverage of the others.
                ``None`` draws every event as usual.

        ``lanes``: lanes (indices into ``layout.stories``) whose story's own
        text matched, drawn as matching even without a matching event.

        ``set_layout`` resets the mask to ``None``: after a reload or a live
        update, the caller sets the mask for the new layout again.

        Raises:
            ValueError: the mask's length is not the layout's event count.
        """
        if mask is None:
            if self._matches is None:
                return
            self._matches = None
            self._lane_matched = None
        else:
            matches = np.asarray(mask, dtype=bool).ravel()
            layout = self._layout
            if len(matches) != len(layout.x0):
                raise ValueError(f"a mask of {len(matches)} events for a layout of {len(layout.x0)}")
            self._matches = matches
            self._lane_matched = np.bincount(layout.story[matches], minlength=len(layout.stories)) > 0
            if lanes is not None and len(lanes):
                # Stories whose own text matched (a headline, say) keep their colour too.
                self._lane_matched[np.asarray(lanes, dtype=np.int64)] = True
        self._match_version += 1
        self._coverage = None
        self.update()

    @property
    def matches(self) -> np.ndarray | None:
        """The search mask being drawn (see ``set_matches``), or None."""
        return self._matches

    # --- geometry ------------------------------------------------------------

    def boundingRect(self) -> QRectF:
        """The lanes over the part of time near the view, cached when the layout or the view changes."""
        return QRectF(self._shown_bounds)

    def _slot(self, story: int) -> int:
        """The palette slot of story ``story`` (its file's hash, computed once per layout)."""
        slot = int(self._slots[story])
        if slot < 0:
            slot = colour_slot(self._layout.stories[story].file, len(self._colours))
            self._slots[story] = slot
        return slot

    def _story_colour(self, story: int) -> QColor:
        """The colour of story ``story`` (index into ``layout.stories``), chosen by its file."""
        return self._colours[self._slot(story)]

    def _story_text_colour(self, story: int) -> QColor:
        """The story's colour, dark enough for text."""
        return self._text_colours[self._slot(story)]

    def _brush(self, story: int, precision: int, fade: bool = False) -> QBrush:
        key = (self._slot(story), precision, fade)
        brush = self._brushes.get(key)
        if brush is None:
            colour = QColor((self._faded_colours if fade else self._colours)[key[0]])
            alpha = PRECISION_ALPHA[precision]
            colour.setAlpha(max(FADED_MIN_ALPHA, round(alpha * FADED_ALPHA)) if fade else alpha)
            brush = QBrush(colour)
            self._brushes[key] = brush
        return brush

    # --- painting ------------------------------------------------------------

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        """Draw what is in view, in device pixels."""
        layout = self._layout
        view = self.viewRect()
        if view is None:
            return
        transform = painter.transform()
        sx, sy = transform.m11(), transform.m22()
        dx, dy = transform.m31(), transform.m32()
        if sx == 0 or sy == 0:
            return
        left, right = view.left(), view.right()
        top, bottom = view.top(), view.bottom()
        painter.save()
        painter.resetTransform()
        if not layout.stories:
            if self._notice:
                self._paint_notice(painter, left * sx + dx, right * sx + dx, top * sy + dy, bottom * sy + dy,
                                   self._notice)
            painter.restore()
            return
        row_px = abs(sy)
        self._paint_lanes(painter, layout, top, bottom, sx, sy, dx, dy, left, right, row_px)
        self._paint_grid(painter, sx, dx, left, right, top * sy + dy, bottom * sy + dy)

        self._in_cluster = {}
        # Rows under 3 px are drawn as coverage however few events are in view: no need to find them
        # (a pass over every event in the view's time, milliseconds a frame at 1,000,000).
        index = None if row_px < 3 else layout.visible_indices(left, right, top, bottom)
        if index is None or len(index) > DENSE_LIMIT:
            self._paint_coverage(painter, layout, sx, sy, dx, dy, left, right, top, bottom)
        else:
            self._paint_detail(painter, layout, index, sx, sy, dx, dy, row_px, left * sx + dx, right * sx + dx)
            self._paint_news(painter, layout, index, sx, sy, dx, dy, row_px)
        self._paint_marks_of_interest(painter, layout, sx, sy, dx, dy, row_px, left, right, top, bottom)
        if not len(layout.x0):
            self._paint_notice(painter, left * sx + dx, right * sx + dx, top * sy + dy, bottom * sy + dy,
                               "No dated events" + (f": {len(layout.undated)} undated, listed at the right"
                                                    if layout.undated else ""))
        painter.restore()

    def _paint_notice(self, painter: QPainter, x0: float, x1: float, y0: float, y1: float, text: str) -> None:
        """A line of grey text in the middle of the view (nothing else to show)."""
        painter.setFont(self._title_font)
        painter.setPen(self._muted_text)
        painter.drawText(QRectF(x0, y0, x1 - x0, y1 - y0), Qt.AlignmentFlag.AlignCenter, text)

    def _paint_grid(self, painter: QPainter, sx: float, dx: float, left: float, right: float,
                    y_top: float, y_bottom: float) -> None:
        """Vertical lines at the axis's labelled ticks.

        Drawn here rather than by pyqtgraph's axis grid, which costs several
        milliseconds a frame: a few unantialiased lines cost microseconds.
        """
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(QPen(self._grid_colour, 1.0))
        for ordinal in self._grid_ticks(left, right, (right - left) * sx):
            x = round(ordinal * sx + dx) + 0.5
            painter.drawLine(QPointF(x, y_top), QPointF(x, y_bottom))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    def _paint_lanes(self, painter: QPainter, layout: TimelineLayout, top: float, bottom: float,
                     sx: float, sy: float, dx: float, dy: float, left: float, right: float,
                     row_px: float) -> None:
        """Lane bands and each story's title, pinned to the view's left edge."""
        first = max(0, int(np.searchsorted(layout.lane_row, math.floor(top), side="right")) - 1)
        last = int(np.searchsorted(layout.lane_row, math.ceil(bottom), side="right"))
        if last - first > 400:
            return  # thousands of lanes in view: bands would only add noise
        x_left = left * sx + dx
        width = (right - left) * sx
        painter.setPen(Qt.PenStyle.NoPen)
        for lane in range(first, last):
            r0 = int(layout.lane_row[lane])
            n = int(layout.lane_rows[lane])
            y0 = r0 * sy + dy
            if lane % 2 == 0:
                painter.fillRect(QRectF(x_left, y0, width, n * row_px), self._lane_band)
            painter.fillRect(QRectF(x_left, y0, width, row_px), self._title_band)
        if row_px < 11:
            return
        painter.setFont(self._title_font)
        room = width - 2 * TITLE_INSET_PX
        lane_matched = self._lane_matched
        for lane in range(first, last):
            title, _ = self._title(lane, room)
            y0 = int(layout.lane_row[lane]) * sy + dy
            if lane_matched is not None and not lane_matched[lane]:
                painter.setPen(self._muted_text)
            else:
                painter.setPen(self._story_text_colour(lane))
            h = title.size().height()
            painter.drawStaticText(QPointF(x_left + TITLE_INSET_PX, y0 + (row_px - h) / 2), title)

    def _title(self, lane: int, room: float) -> tuple[QStaticText, float]:
        """A lane's headline cut with "…" to ``room`` pixels (cached in 16 px steps) and its width.

        Cut to the view's width, a long headline never runs under the plot's
        edge unseen: the reader sees that it goes on, and its tooltip (see
        ``title_at``) has all of it.
        """
        bucket = max(0, int(room // 16) * 16)
        key = (lane, bucket)
        cached = self._titles.get(key)
        if cached is None:
            if len(self._titles) > 4000:
                self._titles.clear()
            text = one_line(self._layout.stories[lane].title)  # isolated: right-to-left reads right
            text = self._title_metrics.elidedText(text, Qt.TextElideMode.ElideRight, bucket)
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)  # story text is never markup
            static.prepare(font=self._title_font)
            cached = (static, static.size().width())
            self._titles[key] = cached
        return cached

    def title_at(self, x: float, y: float) -> int | None:
        """The lane whose headline is drawn under a point (data coordinates), or None."""
        view = self.viewRect()
        px = self.pixelWidth()
        lane = self.lane_of_title_row(y)
        if view is None or not px or lane is None:
            return None
        room = view.width() / px - 2 * TITLE_INSET_PX
        offset = (x - view.left()) / px - TITLE_INSET_PX
        if 0 <= offset <= self._title(lane, room)[1]:
            return lane
        return None

    def _paint_detail(self, painter: QPainter, layout: TimelineLayout, index: np.ndarray,
                      sx: float, sy: float, dx: float, dy: float, row_px: float,
                      left_px: float, right_px: float) -> None:
        """Each event: bars, diamonds, cluster counts and the labels that fit."""
        if not len(index):
            return
        px0 = layout.x0[index] * sx + dx
        px1 = layout.x1[index] * sx + dx
        rows = layout.row[index]
        py = rows * sy + dy  # top of the row
        width = px1 - px0
        narrow = width < NARROW_PX
        mark = min(MARK_PX, row_px * 0.7)
        bar_h = _bar_height(row_px)
        # With a search mask: which events in view it matched (all, without one).
        matched = self._matches[index] if self._matches is not None else None
        searching = matched is not None

        # Wide bars: drawn as bars, never clustered (sub-rows keep them apart).
        wide = np.flatnonzero(~narrow)
        painter.setPen(Qt.PenStyle.NoPen)
        for k in wide.tolist():
            i = int(index[k])
            story = int(layout.story[i])
            hit = matched is None or bool(matched[k])
            painter.setBrush(self._brush(story, int(layout.precision[i]), fade=not hit))
            if searching and hit:
                painter.setPen(QPen(self._story_text_colour(story), 1.5))
            assumed = layout.stories[story].events[int(layout.event[i])].year_inferred
            if assumed:  # hollow, as its mark: the year was assumed from the neighbouring events
                painter.setPen(QPen(self._story_colour(story) if hit else self._faded_colours[self._slot(story)], 2.0))
                painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(QRectF(px0[k], py[k] + (row_px - bar_h) / 2, width[k], bar_h), 2, 2)
            if (searching and hit) or assumed:
                painter.setPen(Qt.PenStyle.NoPen)

        # Narrow marks: single-linkage clusters per row where they would overlap.
        marks = np.flatnonzero(narrow)
        centres = (px0[marks] + px1[marks]) / 2
        order = np.lexsort((centres, rows[marks]))
        marks, centres = marks[order], centres[order]
        mark_rows = rows[marks]
        new_cluster = np.ones(len(marks), dtype=bool)
        if len(marks) > 1:
            # Marks closer than a cluster circle is wide join it, so nothing peeks out from under it.
            new_cluster[1:] = (mark_rows[1:] != mark_rows[:-1]) | (np.diff(centres) > max(mark * 1.2, 16.0))
        starts = np.flatnonzero(new_cluster)
        ends = np.append(starts[1:], len(marks))
        outline = QPen(self._mark_outline, 1.0)
        interest = self._highlighted if self._selected is None else np.append(self._highlighted, self._selected)
        singles: list[int] = []
        cluster_rows: list[int] = []
        cluster_left: list[float] = []
        painter.setFont(self._count_font)
        for s, e in zip(starts.tolist(), ends.tolist()):
            y = py[marks[s]] + row_px / 2
            if e - s == 1:
                k = int(marks[s])
                singles.append(k)
                i = int(index[k])
                story = int(layout.story[i])
                hit = matched is None or bool(matched[k])
                painter.setPen(QPen(self._story_text_colour(story), 1.5) if searching and hit else outline)
                painter.setBrush(self._brush(story, int(layout.precision[i]), fade=not hit))
                if layout.stories[story].events[int(layout.event[i])].year_inferred:
                    # Hollow: the year was assumed from the neighbouring events, not written.
                    painter.setPen(QPen(self._story_colour(story) if hit else self._faded_colours[self._slot(story)],
                                        2.0))
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                if int(layout.precision[i]) == DAY_RANK:
                    painter.drawPolygon(_diamond(centres[s], y, mark))
                else:
                    w = max(float(width[k]), 4.0)
                    painter.drawRoundedRect(QRectF(centres[s] - w / 2, y - bar_h / 2, w, bar_h), 2, 2)
                continue
            centre = (centres[s] + centres[e - 1]) / 2
            radius = max(mark * 0.65, 7.0 if e - s < 10 else 9.0)
            if len(interest):
                # A selected or highlighted event inside this cluster rings the cluster.
                for member in np.intersect1d(index[marks[s:e]], interest).tolist():
                    self._in_cluster[int(member)] = (centre, y, radius)
            cluster_rows.append(int(mark_rows[s]))
            cluster_left.append(centre - radius)
            story = int(layout.story[int(index[marks[s]])])
            hit = matched is None or bool(matched[marks[s:e]].any())
            if hit:
                ring = QPen(self._story_colour(story).darker(130), 2.0 if searching else 1.2)
                text_colour = self._story_text_colour(story)
            else:
                ring = QPen(self._faded_colours[self._slot(story)], 1.0)
                text_colour = self._muted_text
            painter.setPen(ring)
            painter.setBrush(self._cluster_fill)
            painter.drawEllipse(QPointF(centre, y), radius, radius)
            painter.setPen(text_colour)
            text = str(e - s) if e - s < 1000 else "1k+"
            painter.drawText(QRectF(centre - radius, y - radius, 2 * radius, 2 * radius),
                             Qt.AlignmentFlag.AlignCenter, text)

        text_h = self._label_metrics.height()
        if row_px < text_h + 2:
            return
        # Labels, only where they fit (see place_labels): beside single marks;
        # above a bar when the row has room for it, else after the bar's end,
        # never over the bar in a colour that cannot be read on it. With a
        # search mask, only matched events are labelled; the others stay obstacles.
        items = np.concatenate([wide, np.asarray(singles, dtype=np.int64)])
        if matched is not None:
            unlabelled = items[~matched[items]]
            cluster_rows.extend(rows[unlabelled].tolist())
            cluster_left.extend(np.where(narrow[unlabelled], (px0[unlabelled] + px1[unlabelled]) / 2 - mark / 2,
                                         px0[unlabelled]).tolist())
            items = items[matched[items]]
        if not len(items):
            return
        bar_top = (row_px - bar_h) / 2  # below the row's top
        # Room above a bar: the label ends 4 px above it (clear of the ring a
        # highlighted bar gets) and may reach a few pixels into the row above,
        # where it still clears that row's bars and centred labels.
        above = row_px > 2 * text_h + 8
        own_start = np.where(narrow[items], (px0[items] + px1[items]) / 2 - mark / 2, px0[items])
        if above:
            # A bar that starts left of the view keeps its label at the view's left edge.
            bar_x = np.maximum(px0[items], left_px) + 4
            plate = np.zeros(len(items), dtype=bool)
        else:
            # After the bar's end; a bar that runs (almost) out of view has no
            # room there, so its label goes inside it, on a light plate.
            after = px1[items] + 6
            plate = after > right_px - MIN_ELIDED_PX
            bar_x = np.where(plate, np.maximum(px0[items], left_px) + 4, after)
        label_x = np.where(narrow[items], (px0[items] + px1[items]) / 2 + mark / 2 + 3, bar_x)
        events = index[items]
        placed = place_labels(rows[items], label_x, own_start, np.asarray(cluster_rows, dtype=np.int64),
                              np.asarray(cluster_left, dtype=np.float64), right_px,
                              width_of=lambda j: self._label(int(events[j]))[1],
                              elided_width_of=lambda j, room: self._elided_label(int(events[j]), room)[1])
        painter.setFont(self._label_font)
        for label in placed:
            k = int(items[label.item])
            i = int(index[k])
            static = self._label(i)[0] if label.room is None else self._elided_label(i, label.room)[0]
            y = float(py[k]) + (row_px - text_h) / 2
            if not narrow[k]:
                if above:
                    y = float(py[k]) + bar_top - text_h - 4
                elif plate[label.item]:
                    painter.setPen(Qt.PenStyle.NoPen)
                    painter.setBrush(self._label_plate)
                    painter.drawRoundedRect(QRectF(label.x - 3, y, label.width + 6, text_h), 3, 3)
            painter.setPen(self._label_text)
            painter.drawStaticText(QPointF(label.x, y), static)

    def _label(self, i: int) -> tuple[QStaticText, float]:
        cached = self._labels.get(i)
        if cached is None:
            _, event = self._layout.event_at(i)
            static = QStaticText(short_label(event.text))
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(font=self._label_font)
            cached = (static, static.size().width())
            if len(self._labels) > 20_000:
                self._labels.clear()  # panning across 100,000 events must not keep them all
            self._labels[i] = cached
        return cached

    def _elided_label(self, i: int, width: float) -> tuple[QStaticText, float]:
        """The label cut to ``width`` pixels with an ellipsis (cached in 24 px steps)."""
        bucket = int(width // 24) * 24
        key = (i, bucket)
        cached = self._elided.get(key)
        if cached is None:
            if len(self._elided) > 4000:
                self._elided.clear()
            _, event = self._layout.event_at(i)
            text = self._label_metrics.elidedText(short_label(event.text), Qt.TextElideMode.ElideRight, bucket)
            static = QStaticText(text)
            static.setTextFormat(Qt.TextFormat.PlainText)
            static.prepare(font=self._label_font)
            cached = (static, static.size().width())
            self._elided[key] = cached
        return cached

    def _paint_coverage(self, painter: QPainter, layout: TimelineLayout,
                        sx: float, sy: float, dx: float, dy: float,
                        left: float, right: float, top: float, bottom: float) -> None:
        """More events than pixels: images of how many events cover each pixel.

        The pixel columns lie on a grid fixed for one scale (``_CoverageRuns``)
        and the runs of columns already made are kept: a pan at the same zoom
        draws them where they now are and makes only the columns that came
        into view (and ``COVERAGE_CHUNK_PX`` more ahead), so that dragging at
        100,000 events paints in a few milliseconds. A zoom, a new layout or
        a new search mask starts again with exactly the view's columns. With
        a mask, the matched events are drawn in the coverage colour over a
        grey coverage of all the others.
        """
        lo, hi = layout.visible_range(left, right)
        if lo >= hi:
            return
        height = max(1, math.ceil((bottom - top) * sy))
        if height > 8192:
            return
        rows = self._coverage_rows
        if rows is None or rows.key != (id(layout), sy, top, bottom):
            rows = self._coverage_rows = _CoverageRows(layout, sy, top, bottom)
        key = (id(layout), self._match_version, sx, sy, top, bottom)
        runs = self._coverage
        if runs is None or runs.key != key:
            runs = self._coverage = _CoverageRuns(key, left)
        first = math.floor((left - runs.origin) * sx)
        last = math.ceil((right - runs.origin) * sx)  # one past the last column in view
        if last - first > 16384:
            return
        made = bool(runs.runs)
        for a, b in runs.missing(first, last):
            # A pan: going on past the view's edge, the next pans that way find their columns made.
            if made and b == last and a > first:
                b += COVERAGE_CHUNK_PX
            elif made and a == first and b < last:
                a -= COVERAGE_CHUNK_PX
            x0, x1 = runs.origin + a / sx, runs.origin + b / sx
            pixels = _coverage_pixels(rows, sx, x0, x1, b - a, self._matches,
                                      (self._coverage_lut, self._faded_coverage_lut))
            runs.add(a, pixels)
        runs.forget_outside(first - 2 * (last - first), last + 2 * (last - first))
        # Whole device pixels: the runs abut exactly and stay sharp.
        x_origin = round(runs.origin * sx + dx)
        y = top * sy + dy
        for a, pixels, image in runs.runs:
            lo, hi = max(a, first - 1), min(a + pixels.shape[1], last + 1)
            if lo < hi:
                painter.drawImage(QPointF(x_origin + lo, y), image, QRectF(lo - a, 0, hi - lo, height))

    def _paint_marks_of_interest(self, painter: QPainter, layout: TimelineLayout, sx: float, sy: float,
                                 dx: float, dy: float, row_px: float, left: float, right: float,
                                 top: float, bottom: float) -> None:
        """Rings around the events citing the selected source and the selected event."""
        mark = min(MARK_PX, max(row_px * 0.7, 6.0))
        wanted = [(int(i), self._highlight_colour, 2.5) for i in self._highlighted.tolist()]
        if self._selected is not None:
            wanted.append((self._selected, self._selected_colour, 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        for i, colour, width in wanted:
            if i >= len(layout.x0):
                continue
            if layout.x1[i] < left or layout.x0[i] > right or layout.row[i] < top - 1 or layout.row[i] > bottom:
                continue
            painter.setPen(QPen(colour, width))
            cluster = self._in_cluster.get(i)
            if cluster is not None:
                cx, cy, radius = cluster
                painter.drawEllipse(QPointF(cx, cy), radius + 3, radius + 3)
                continue
            x0 = layout.x0[i] * sx + dx
            x1 = layout.x1[i] * sx + dx
            y = layout.row[i] * sy + dy + row_px / 2
            if x1 - x0 < NARROW_PX:
                c = (x0 + x1) / 2
                painter.drawEllipse(QPointF(c, y), mark * 0.8, mark * 0.8)
            else:
                h = _bar_height(row_px) + 6
                painter.drawRoundedRect(QRectF(x0 - 3, y - h / 2, x1 - x0 + 6, h), 3, 3)

    # --- hit testing -------------------------------------------------------

    def hits_at(self, x: float, y: float, tolerance_px: float = 7.0) -> np.ndarray:
        """Indices of the events drawn under a point (data coordinates), nearest first."""
        layout = self._layout
        if not len(layout.x0):
            return np.zeros(0, dtype=np.int64)
        px = self.pixelWidth() or 1.0
        tol = tolerance_px * px
        row = math.floor(y)
        lo, hi = layout.visible_range(x - tol, x + tol)
        candidates = np.flatnonzero(layout.row[lo:hi] == row) + lo
        if not len(candidates):
            return candidates
        x0 = layout.x0[candidates]
        x1 = layout.x1[candidates]
        narrow = (x1 - x0) / px < NARROW_PX
        centre = (x0 + x1) / 2
        near_mark = narrow & (np.abs(centre - x) <= tol)
        in_bar = ~narrow & (x0 <= x) & (x <= x1)
        hit = candidates[near_mark | in_bar]
        distance = np.abs((layout.x0[hit] + layout.x1[hit]) / 2 - x)
        return hit[np.argsort(distance, kind="stable")]

    def lane_of_title_row(self, y: float) -> int | None:
        """The lane whose title band (its first row, the headline's) is at ``y`` (data coordinates), or None."""
        layout = self._layout
        if not len(layout.lane_row):
            return None
        row = math.floor(y)
        lane = int(np.searchsorted(layout.lane_row, row, side="right")) - 1
        if lane < 0 or int(layout.lane_row[lane]) != row:
            return None
        return lane

    def mouseClickEvent(self, ev: MouseClickEvent) -> None:
        """Select the clicked event or story; a click on a cluster zooms to its events."""
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        pos = ev.pos()
        hits = self.hits_at(pos.x(), pos.y())
        ev.accept()
        if not len(hits):
            lane = self.lane_of_title_row(pos.y())
            if lane is not None:
                self.story_clicked.emit(self._layout.stories[lane].file)
            else:
                self.empty_clicked.emit()
            return
        narrow_hits = [i for i in hits.tolist()
                       if (self._layout.x1[i] - self._layout.x0[i]) / (self.pixelWidth() or 1) < NARROW_PX]
        if len(narrow_hits) > 1:
            x0 = float(self._layout.x0[narrow_hits].min())
            x1 = float(self._layout.x1[narrow_hits].max())
            self.cluster_clicked.emit(x0, x1)
            return
        self.event_clicked.emit(int(hits[0]))

    def hoverEvent(self, ev: HoverEvent) -> None:
        """Show the full text of the event under the pointer as a tooltip."""
        if ev.isExit():
            self.setToolTip("")
            return
        pos = ev.pos()
        hits = self.hits_at(pos.x(), pos.y())
        if not len(hits):
            # Over a lane's headline (cut to the view's width): all of it.
            lane = self.title_at(pos.x(), pos.y())
            self.setToolTip("" if lane is None else plain_tooltip(self._layout.stories[lane].title))
            return
        self.setToolTip(self.tooltip_html(hits))

    def tooltip_html(self, hits: np.ndarray) -> str:
        """Rich text for a tooltip, every piece of story text escaped."""
        parts = []
        for i in hits[:5].tolist():
            story, event = self._layout.event_at(i)
            span = describe_span(event.span) if event.span is not None else "undated"
            parts.append(
                f"<p style='margin:0 0 6px 0; max-width:420px'>"
                f"<b>{html.escape(capped(event.date_text, TITLE_CHARS))}</b>"
                f" ({html.escape(span)})<br>"
                f"{html.escape(capped(event.text, TOOLTIP_CHARS))}<br>"
                f"<i>{html.escape(capped(story.title, TITLE_CHARS))}</i></p>"
            )
        if len(hits) > 5:
            parts.append(f"<p>… and {len(hits) - 5} more: click to zoom in</p>")
        return "".join(parts)


def _bar_height(row_px: float) -> float:
    """How tall a bar is drawn in a row of ``row_px`` pixels (its outline follows it)."""
    return max(2.0, min(row_px * 0.45, 14.0))


class _CoverageRuns:
    """The coverage columns made at one scale: runs of pixel columns on one fixed grid.

    Column ``k`` covers the days ``[origin + k / sx, origin + (k + 1) / sx)``
    for the whole life of the key (layout, search mask, scale, rows in view),
    so a run made for one view lines up with one made for the next pan.
    """

    def __init__(self, key: tuple, origin: float) -> None:
        self.key = key
        self.origin = origin
        # (first column, ARGB32 premultiplied pixels, the QImage over those pixels), by first column.
        self.runs: list[tuple[int, np.ndarray, QImage]] = []

    def missing(self, first: int, last: int) -> list[tuple[int, int]]:
        """The column ranges of ``[first, last)`` no run has."""
        gaps = []
        at = first
        for a, pixels, _ in self.runs:
            b = a + pixels.shape[1]
            if b <= at:
                continue
            if a >= last:
                break
            if a > at:
                gaps.append((at, a))
            at = max(at, b)
        if at < last:
            gaps.append((at, last))
        return gaps

    def add(self, first: int, pixels: np.ndarray) -> None:
        """Keep a run of columns starting at column ``first``."""
        # The QImage reads the array's memory, which the run keeps alive beside it.
        height, width = pixels.shape
        image = QImage(pixels.data, width, height, width * 4, QImage.Format.Format_ARGB32_Premultiplied)
        self.runs.append((first, pixels, image))
        self.runs.sort(key=lambda run: run[0])

    def forget_outside(self, first: int, last: int) -> None:
        """Drop the runs wholly outside ``[first, last)`` (a long drag must not keep them all)."""
        self.runs = [run for run in self.runs if run[0] < last and run[0] + run[1].shape[1] > first]


def _coverage_pixels(rows: _CoverageRows, sx: float, left: float, right: float, width: int,
                     matches: np.ndarray | None, luts: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """The premultiplied ARGB pixels of the coverage of the events of ``rows`` in ``[left, right]``.

    ``width`` columns from ``left`` at ``sx`` pixels a day. With a search mask
    (``matches``) the matched events in the first colour over the others in
    the faded one.
    """
    lut, faded_lut = luts
    if matches is None:
        return lut.take(rows.counts(sx, left, right, width))
    hit = matches[rows.events]
    pixels = faded_lut.take(rows.counts(sx, left, right, width, ~hit))
    found = rows.counts(sx, left, right, width, hit)
    return np.where(found > 0, lut.take(found), pixels)


class _CoverageRows:
    """The events of the rows in view, grouped by the lines of the coverage image they are counted on.

    A line is a pixel row where rows are under two pixels tall (an event covers
    the middle half of its row's height, so it is counted on the pixel rows
    that reaches); where rows are taller, no two share a pixel row and a line
    is a row, counted once and copied down its pixel rows. Which lines an event
    is counted on depends only on the vertical scale and position, which pans
    and zoom steps keep: that is worked out here once for all of them, so that
    a frame does only the arithmetic along time.

    The events are kept grouped in bands of ``COVERAGE_BAND_LINES`` lines, each
    counted on its own (see ``counts``).
    """

    def __init__(self, layout: TimelineLayout, sy: float, top: float, bottom: float) -> None:
        # With a million events each temporary array here is megabytes that the allocator takes
        # fresh from the system: the arithmetic is done in place where it can be, and the lines
        # are worked out as int32.
        self.key = (id(layout), sy, top, bottom)
        height = max(1, math.ceil((bottom - top) * sy))
        row = layout.row
        events = np.flatnonzero((row >= top - 1) & (row <= bottom + 1))  # as visible_indices keeps them
        self.line_at: np.ndarray | None = None  # each pixel row's line, where lines are rows
        if sy >= 2:
            rows = row[events]
            first = int(rows.min(initial=0))
            self.lines = int(rows.max(initial=0)) - first + 1
            line = (rows - first).astype(np.int32)
            row_top = (np.arange(first, first + self.lines) - top) * sy
            r0 = np.clip((row_top + sy * 0.25).astype(np.int64), 0, height)
            r1 = np.clip(np.ceil(row_top + sy * 0.75).astype(np.int64), 0, height)
            self.line_at = np.full(height, self.lines, dtype=np.intp)  # past the last line: between rows
            for k in np.flatnonzero(r1 > r0).tolist():
                self.line_at[r0[k]: r1[k]] = k
        else:
            self.lines = height
            row_top = row[events].astype(np.float64)
            row_top -= top
            row_top *= sy
            first_row = row_top + sy * 0.25
            np.clip(first_row, 0, height - 1, out=first_row)
            line = first_row.astype(np.int32)
            # Rows of under two pixels reach into a second (or third) pixel row now
            # and then: those events are counted there too.
            row_top += sy * 0.75
            np.ceil(row_top, out=row_top)
            np.clip(row_top, 1, height, out=row_top)
            reach = row_top.astype(np.int32)
            reach -= line
            repeated, lines = [events], [line]
            for extra in range(1, int(reach.max(initial=1))):
                more = np.flatnonzero(reach > extra)
                repeated.append(events[more])
                lines.append(line[more] + extra)
            if len(lines) > 1:
                events, line = np.concatenate(repeated), np.concatenate(lines)
        band = line // COVERAGE_BAND_LINES
        bands = -(-self.lines // COVERAGE_BAND_LINES)
        band = band.astype(np.uint8 if bands <= 256 else np.uint16)
        # A stable sort of small integers is a radix sort: linear in the events.
        order = np.argsort(band, kind="stable")
        self.events = events[order]  # into the layout's arrays; an event more than once if on several lines
        self.x0 = layout.x0[self.events]
        self.x1 = layout.x1[self.events]
        self.band_line = (line % COVERAGE_BAND_LINES).astype(np.intp)[order]  # the line within its band
        # Where each band starts in the arrays above, and where the last ends.
        self.band_edges = np.concatenate(([0], np.cumsum(np.bincount(band, minlength=bands))))

    def counts(self, sx: float, left: float, right: float, width: int,
               only: np.ndarray | None = None) -> np.ndarray:
        """How many events cover each pixel of the image (capped at ``COVERAGE_LEVELS - 1``), as uint8.

        Args:
            sx: pixels per day.
            left: the day at the left edge of the first of the ``width`` columns.
            right: the last day in view: events that end before ``left`` or
                start after ``right`` are not counted (as ``visible_indices``).
            width: columns.
            only: a mask over ``self.events``: count only these.

        An event covers the columns from the one its start falls in to the one
        its end falls in. Counted as difference arrays (``np.bincount`` of the
        starts less that of the ends, then ``np.cumsum``) a band of lines at a
        time: the int64 arrays of a whole image are megabytes, which the
        allocator took fresh from the system and gave back every frame
        (thousands of page faults, half of a zoom step at 100,000 events); a
        band's stay in the memory it keeps.
        """
        keep = (self.x1 >= left) & (self.x0 <= right)
        if only is not None:
            keep &= only
        x0, x1, band_line = self.x0, self.x1, self.band_line
        if keep.all():  # all of time in view (a fit, a scroll through the lanes): nothing to pick out
            kept = self.band_edges.tolist()
        else:
            kept = np.concatenate(([0], np.cumsum(keep)))[self.band_edges].tolist()
            x0, x1, band_line = x0[keep], x1[keep], band_line[keep]
        c0 = ((x0 - left) * sx).astype(np.intp)
        np.clip(c0, 0, width - 1, out=c0)
        c1 = ((x1 - left) * sx).astype(np.intp) + 1
        np.clip(c1, 1, width, out=c1)
        np.maximum(c1, c0 + 1, out=c1)
        stride = width + 1  # a column past the last: each line's differences sum to zero within it
        cell = band_line * stride
        c0 += cell
        c1 += cell
        limit = COVERAGE_LEVELS - 1
        lines = self.lines
        out = np.zeros((lines + 1, width), dtype=np.uint8)  # the last line empty (see line_at)
        for band, (lo, hi) in enumerate(itertools.pairwise(kept)):
            if lo == hi:
                continue
            first = band * COVERAGE_BAND_LINES
            n = min(COVERAGE_BAND_LINES, lines - first)
            cells = n * stride
            diff = np.bincount(c0[lo:hi], minlength=cells)
            diff -= np.bincount(c1[lo:hi], minlength=cells)
            np.cumsum(diff, out=diff)
            np.minimum(diff, limit, out=diff)
            out[first:first + n] = diff.reshape(n, stride)[:, :width]
        if self.line_at is not None:
            return out[self.line_at]
        return out[:-1]


def _coverage_lut(colour: QColor, strength: float = 1.0) -> np.ndarray:
    """Premultiplied ARGB for 0, 1, 2, … events on one pixel: transparent, then ever more opaque."""
    counts = np.arange(COVERAGE_LEVELS)
    alpha = np.where(counts > 0, np.minimum(255, 70 + 45 * np.log2(counts + 1)) * strength, 0).astype(np.uint32)
    rgb = colour.rgb() & 0xFFFFFF
    red, green, blue = ((alpha * ((rgb >> shift) & 0xFF) + 127) // 255 for shift in (16, 8, 0))
    return (alpha << 24) | (red << 16) | (green << 8) | blue




def _diamond(x: float, y: float, size: float) -> QPolygonF:
    h = size / 2
    return QPolygonF([QPointF(x, y - h), QPointF(x + h, y), QPointF(x, y + h), QPointF(x - h, y)])
