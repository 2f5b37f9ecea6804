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

Everything is drawn in device pixels (the painter's transform is applied
by hand), so markers and text keep their size while zooming.
"""

from __future__ import annotations

import html
import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QImage, QPainter, QPen, QPolygonF, QStaticText

from viewer.core.labels import place_labels
from viewer.core.layout import DAY_RANK, TimelineLayout
from viewer.core.ticks import MAX_ORDINAL, MIN_ORDINAL, major_ticks
from viewer.model import describe_span
from viewer.ui.text import TITLE_CHARS, TOOLTIP_CHARS, capped, short_label

if TYPE_CHECKING:
    from pyqtgraph.GraphicsScene.mouseEvents import HoverEvent, MouseClickEvent
    from PySide6.QtWidgets import QStyleOptionGraphicsItem, QWidget

# Colour-blind-safe qualitative palette (Okabe–Ito, then Tableau), one per story.
STORY_COLOURS = [
    "#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C564B", "#7F7F7F",
    "#1F77B4", "#BCBD22", "#17BECF", "#9467BD",
]
# Vaguer dates are drawn fainter: a reader sees at a glance what is exact.
# By Precision.rank: day, month, part of a year, year, decade, century.
PRECISION_ALPHA = (255, 210, 175, 140, 105, 80)
SELECTED_COLOUR = QColor("#111111")
HIGHLIGHT_COLOUR = QColor("#FFB000")
TITLE_BAND = QColor(0, 0, 0, 14)
GRID_COLOUR = QColor(0, 0, 0, 28)
LANE_BAND = QColor(0, 0, 0, 6)
# Where more events are in view than pixels: one colour for all stories, more opaque where more meet.
COVERAGE_COLOUR = QColor("#4A6FA5")
DENSE_LIMIT = 6000  # more visible events than this: draw pixel coverage
MARK_PX = 11.0  # diamond size
NARROW_PX = 12.0  # bars narrower than this are marks: they cluster with their neighbours


class EventsItem(pg.GraphicsObject):
    """Draws all events of a ``TimelineLayout``; reports clicks and hovers.

    Signals:
        event_clicked(int): index into the layout's arrays of the clicked event.
        cluster_clicked(float, float): x range (day ordinals) of a clicked cluster.
        empty_clicked(): a click that hit no event.
    """

    event_clicked = Signal(int)
    cluster_clicked = Signal(float, float)
    empty_clicked = Signal()

    def __init__(self) -> None:
        super().__init__()
        self.setAcceptHoverEvents(True)
        self._layout = TimelineLayout()
        self._bounds = QRectF()
        self._selected: int | None = None
        self._highlighted = np.zeros(0, dtype=np.int64)
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
        self._titles: dict[int, QStaticText] = {}
        self._colours = [QColor(c) for c in STORY_COLOURS]
        self._brushes: dict[tuple[int, int], QBrush] = {}
        self._notice = ""
        self._coverage: tuple | None = None  # (key, image, x0, x1): the last coverage image
        # Selected or highlighted events drawn inside a cluster: (x, y, radius) of the cluster.
        self._in_cluster: dict[int, tuple[float, float, float]] = {}

    # --- data --------------------------------------------------------------

    @property
    def layout(self) -> TimelineLayout:
        """The arrays being drawn."""
        return self._layout

    def set_layout(self, layout: TimelineLayout) -> None:
        """Draw another layout (after a load or a reload)."""
        self.prepareGeometryChange()
        self._layout = layout
        self._coverage = None
        self._labels.clear()
        self._elided.clear()
        self._titles.clear()
        self._selected = None
        self._highlighted = np.zeros(0, dtype=np.int64)
        # Lane bands and titles are drawn across whatever part of time is in
        # view, so the item spans all of it, not just its events.
        rows = max(layout.row_count, 1)
        self._bounds = QRectF(float(MIN_ORDINAL), 0.0, float(MAX_ORDINAL + 1 - MIN_ORDINAL), float(rows))
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

    def set_highlighted(self, indices: list[int]) -> None:
        """Ring the events citing the selected source."""
        self._highlighted = np.asarray(sorted(indices), dtype=np.int64)
        self.update()

    # --- geometry ------------------------------------------------------------

    def boundingRect(self) -> QRectF:
        """The data extent, cached when the layout changes (a float rect)."""
        return QRectF(self._bounds)

    def _story_colour(self, story: int) -> QColor:
        return self._colours[story % len(self._colours)]

    def _brush(self, story: int, precision: int) -> QBrush:
        key = (story % len(self._colours), precision)
        brush = self._brushes.get(key)
        if brush is None:
            colour = QColor(self._colours[key[0]])
            colour.setAlpha(PRECISION_ALPHA[precision])
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

        index = layout.visible_indices(left, right, top, bottom)
        self._in_cluster = {}
        if len(index) > DENSE_LIMIT or row_px < 3:
            self._paint_coverage(painter, layout, index, sx, sy, dx, dy, left, right, top, bottom)
        else:
            self._paint_detail(painter, layout, index, sx, sy, dx, dy, row_px, left * sx + dx, right * sx + dx)
        self._paint_marks_of_interest(painter, layout, sx, sy, dx, dy, row_px, left, right, top, bottom)
        if not len(layout.x0):
            self._paint_notice(painter, left * sx + dx, right * sx + dx, top * sy + dy, bottom * sy + dy,
                               "No dated events" + (f": {len(layout.undated)} undated, listed at the right"
                                                    if layout.undated else ""))
        painter.restore()

    def _paint_notice(self, painter: QPainter, x0: float, x1: float, y0: float, y1: float, text: str) -> None:
        """A line of grey text in the middle of the view (nothing else to show)."""
        painter.setFont(self._title_font)
        painter.setPen(QColor("#777777"))
        painter.drawText(QRectF(x0, y0, x1 - x0, y1 - y0), Qt.AlignmentFlag.AlignCenter, text)

    def _paint_grid(self, painter: QPainter, sx: float, dx: float, left: float, right: float,
                    y_top: float, y_bottom: float) -> None:
        """Vertical lines at the axis's labelled ticks.

        Drawn here rather than by pyqtgraph's axis grid, which costs several
        milliseconds a frame: a few unantialiased lines cost microseconds.
        """
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(QPen(GRID_COLOUR, 1.0))
        for ordinal in major_ticks(left, right, (right - left) * sx):
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
                painter.fillRect(QRectF(x_left, y0, width, n * row_px), LANE_BAND)
            painter.fillRect(QRectF(x_left, y0, width, row_px), TITLE_BAND)
        if row_px < 11:
            return
        painter.setFont(self._title_font)
        for lane in range(first, last):
            title = self._titles.get(lane)
            if title is None:
                story = layout.stories[lane]
                title = QStaticText(capped(story.title, TITLE_CHARS))
                title.setTextFormat(Qt.TextFormat.PlainText)  # story text is never markup
                title.prepare(font=self._title_font)
                self._titles[lane] = title
            y0 = int(layout.lane_row[lane]) * sy + dy
            painter.setPen(self._story_colour(lane).darker(140))
            h = title.size().height()
            painter.drawStaticText(QPointF(x_left + 6, y0 + (row_px - h) / 2), title)

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

        # Wide bars: drawn as bars, never clustered (sub-rows keep them apart).
        wide = np.flatnonzero(~narrow)
        painter.setPen(Qt.PenStyle.NoPen)
        for k in wide.tolist():
            i = int(index[k])
            painter.setBrush(self._brush(int(layout.story[i]), int(layout.precision[i])))
            painter.drawRoundedRect(QRectF(px0[k], py[k] + (row_px - bar_h) / 2, width[k], bar_h), 2, 2)

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
        outline = QPen(QColor(255, 255, 255, 220), 1.0)
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
                painter.setPen(outline)
                painter.setBrush(self._brush(int(layout.story[i]), int(layout.precision[i])))
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
            i = int(index[marks[s]])
            colour = self._story_colour(int(layout.story[i]))
            painter.setPen(QPen(colour.darker(130), 1.2))
            painter.setBrush(QColor(255, 255, 255, 235))
            painter.drawEllipse(QPointF(centre, y), radius, radius)
            painter.setPen(colour.darker(160))
            text = str(e - s) if e - s < 1000 else "1k+"
            painter.drawText(QRectF(centre - radius, y - radius, 2 * radius, 2 * radius),
                             Qt.AlignmentFlag.AlignCenter, text)

        if row_px < self._label_metrics.height() + 2:
            return
        # Labels: beside single marks and above bars, only where they fit (see place_labels).
        items = np.concatenate([wide, np.asarray(singles, dtype=np.int64)])
        if not len(items):
            return
        own_start = np.where(narrow[items], (px0[items] + px1[items]) / 2 - mark / 2, px0[items])
        # A bar that starts left of the view keeps its label at the view's left edge.
        label_x = np.where(narrow[items], (px0[items] + px1[items]) / 2 + mark / 2 + 3,
                           np.maximum(px0[items], left_px) + 4)
        events = index[items]
        placed = place_labels(rows[items], label_x, own_start, np.asarray(cluster_rows, dtype=np.int64),
                              np.asarray(cluster_left, dtype=np.float64), right_px,
                              width_of=lambda j: self._label(int(events[j]))[1],
                              elided_width_of=lambda j, room: self._elided_label(int(events[j]), room)[1])
        painter.setFont(self._label_font)
        painter.setPen(QColor("#222222"))
        text_h = self._label_metrics.height()
        for label in placed:
            k = int(items[label.item])
            i = int(index[k])
            static = self._label(i)[0] if label.room is None else self._elided_label(i, label.room)[0]
            y = float(py[k]) + (row_px - text_h) / 2
            if not narrow[k]:
                # Above the bar, clear of the outline a highlighted bar gets.
                y = float(py[k]) + (row_px - bar_h) / 2 - text_h - 4 if row_px > 2 * text_h + 8 else y
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

    def _paint_coverage(self, painter: QPainter, layout: TimelineLayout, index: np.ndarray,
                        sx: float, sy: float, dx: float, dy: float,
                        left: float, right: float, top: float, bottom: float) -> None:
        """More events than pixels: one image of how many events cover each pixel.

        The image is made a quarter of the view wider on each side and kept:
        a pan at the same zoom only moves it, which is what makes dragging
        smooth at 100,000 events; a zoom or a new layout makes a new one.
        """
        if not len(index):
            return
        cached = self._coverage
        if cached is not None:
            key, image, cx0, cx1 = cached
            if key == (id(layout), sx, sy, top, bottom) and cx0 <= left and right <= cx1:
                painter.drawImage(QPointF(cx0 * sx + dx, top * sy + dy), image)
                return
        margin = (right - left) * 0.25
        cx0, cx1 = left - margin, right + margin
        keep = layout.visible_indices(cx0, cx1, top, bottom)
        image = self._coverage_image(layout, keep, sx, sy, cx0, cx1, top, bottom)
        if image is None:
            return
        self._coverage = ((id(layout), sx, sy, top, bottom), image, cx0, cx1)
        painter.drawImage(QPointF(cx0 * sx + dx, top * sy + dy), image)

    @staticmethod
    def _coverage_image(layout: TimelineLayout, index: np.ndarray, sx: float, sy: float,
                        cx0: float, cx1: float, top: float, bottom: float) -> QImage | None:
        width = max(1, math.ceil((cx1 - cx0) * sx))
        height = max(1, math.ceil((bottom - top) * sy))
        if width > 16384 or height > 8192:
            return None
        c0 = ((layout.x0[index] - cx0) * sx).astype(np.int64)
        np.clip(c0, 0, width - 1, out=c0)
        c1 = ((layout.x1[index] - cx0) * sx).astype(np.int64) + 1
        np.clip(c1, 1, width, out=c1)
        np.maximum(c1, c0 + 1, out=c1)
        row_top = (layout.row[index] - top) * sy
        r0 = (row_top + sy * 0.25).astype(np.int64)
        np.clip(r0, 0, height - 1, out=r0)
        r1 = np.ceil(row_top + sy * 0.75).astype(np.int64)
        np.clip(r1, 1, height, out=r1)
        # Difference array along x, one pixel row per event (rows of a lane
        # rarely span more than a pixel when this many events are in view).
        stride = width + 1
        cells = height * stride
        diff = np.bincount(r0 * stride + c0, minlength=cells)
        diff -= np.bincount(r0 * stride + c1, minlength=cells)
        coverage = np.cumsum(diff.reshape(height, stride)[:, :width], axis=1)
        tall = np.flatnonzero(r1 - r0 > 1)
        if len(tall):
            # Thicker rows: copy each event's coverage row down its height.
            for k in tall[:2000].tolist():
                coverage[r0[k] + 1: r1[k], c0[k]: c1[k]] += 1
        np.minimum(coverage, len(_COVERAGE_LUT) - 1, out=coverage)
        pixels = _COVERAGE_LUT[coverage]  # a colour per count: darker where more events meet
        # The QImage must own its pixels: the numpy buffer goes away with this frame.
        return QImage(pixels.data, width, height, width * 4, QImage.Format.Format_ARGB32).copy()

    def _paint_marks_of_interest(self, painter: QPainter, layout: TimelineLayout, sx: float, sy: float,
                                 dx: float, dy: float, row_px: float, left: float, right: float,
                                 top: float, bottom: float) -> None:
        """Rings around the events citing the selected source and the selected event."""
        mark = min(MARK_PX, max(row_px * 0.7, 6.0))
        wanted = [(int(i), HIGHLIGHT_COLOUR, 2.5) for i in self._highlighted.tolist()]
        if self._selected is not None:
            wanted.append((self._selected, SELECTED_COLOUR, 2.0))
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

    def mouseClickEvent(self, ev: MouseClickEvent) -> None:
        """Select the clicked event; a click on a cluster zooms to its events."""
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        pos = ev.pos()
        hits = self.hits_at(pos.x(), pos.y())
        ev.accept()
        if not len(hits):
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
            self.setToolTip("")
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
                f" <span style='color:#666'>({html.escape(span)})</span><br>"
                f"{html.escape(capped(event.text, TOOLTIP_CHARS))}<br>"
                f"<i style='color:#666'>{html.escape(capped(story.title, TITLE_CHARS))}</i></p>"
            )
        if len(hits) > 5:
            parts.append(f"<p>… and {len(hits) - 5} more: click to zoom in</p>")
        return "".join(parts)


def _bar_height(row_px: float) -> float:
    """How tall a bar is drawn in a row of ``row_px`` pixels (its outline follows it)."""
    return max(2.0, min(row_px * 0.45, 14.0))


def _coverage_lut() -> np.ndarray:
    """ARGB colours for 0, 1, 2, … events on one pixel: transparent, then ever more opaque."""
    counts = np.arange(64)
    alpha = np.where(counts > 0, np.minimum(255, 70 + 45 * np.log2(counts + 1)), 0).astype(np.uint32)
    return (alpha << 24) | np.uint32(COVERAGE_COLOUR.rgb() & 0xFFFFFF)


_COVERAGE_LUT = _coverage_lut()


def _diamond(x: float, y: float, size: float) -> QPolygonF:
    h = size / 2
    return QPolygonF([QPointF(x, y - h), QPointF(x + h, y), QPointF(x, y + h), QPointF(x - h, y)])
