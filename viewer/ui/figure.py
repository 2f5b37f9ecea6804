"""The timeline as a figure for a report: PNG, SVG, PDF or paper, from one renderer.

The window's timeline is made for exploring (a few lanes at a time, labels
that come and go with the zoom, hints for the mouse); a grab of it shows a
half-cut lane and no headlines. This module draws a figure instead: a title
and the date range, a legend of the marks, then every chosen story as a
lane headed by its full headline (wrapped, never cut), with each event's
date and the start of its text beside its mark. Labels never collide: where
the window would draw a cluster, the figure gives the lane another sub-row
(first fit, left to right). The axis with years comes from the same tick
rules as the window (``viewer.core.ticks``). Colours are always the light
print ones, whatever the desktop's theme.

Everything is laid out once, in logical pixels (1/96 inch), and painted by
``paint_page`` with any ``QPainter``: on a ``QImage`` (PNG), a
``QSvgGenerator`` (SVG, text kept as text), a ``QPdfWriter`` or a ``QPrinter``
(pages of lanes with the axis repeated on each). Text is drawn with
``drawText``, which never reads markup: a headline holding ``<b>`` shows
those characters.
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QMarginsF, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPagedPaintDevice,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QPolygonF,
)

from viewer.core.colours import readable_on, story_colour
from viewer.core.ticks import MAX_ORDINAL, MIN_ORDINAL, choose_levels, label_spacing, tick_labels, tick_ordinals
from viewer.model import Story
from viewer.model.dates import year_text
from viewer.model.story import day_from_ordinal
from viewer.ui.text import TITLE_CHARS, capped, short_label, visible

__all__ = ["Figure", "FigurePage", "FigureRequest", "day_text", "page_width", "pdf_writer", "save_figure"]

# Logical pixels: 1/96 inch, what a QImage at scale 1 and the fonts' pixel sizes mean.
LOGICAL_DPI = 96
PNG_WIDTH = 1800
# Past this a PNG or SVG stops and says how many stories it left out (a PDF has them all): about
# 130 lanes, 1800 × 20,000 pixels, which takes 3 s to compress; taller ones are unwieldy anyway.
MAX_IMAGE_HEIGHT = 20_000
PNG_QUALITY = 80  # zlib's faster levels: half the time of the default, and no larger on a figure
MARGIN = 28.0
ROW_PX = 19.0  # one sub-row of marks and labels
LANE_GAP = 10.0
HEAD_GAP = 4.0  # between a lane's headline block and its first row
AXIS_PX = 30.0
LABEL_GAP = 10.0  # least space between a label and the next thing in its sub-row
MARK_PX = 9.0
BAR_PX = 8.0
MIN_BAR_PX = 3.0
LABEL_MAX_FRACTION = 0.3  # a label takes at most this much of the plot's width

INK = QColor("#222222")
GREY_INK = QColor("#666666")
AXIS_INK = QColor("#444444")
GRID = QColor(0, 0, 0, 30)
LANE_BAND = QColor("#F4F4F4")
LABEL_PLATE = QColor(255, 255, 255, 215)
# Vaguer dates are fainter, as on screen: by Precision.rank (day, month, part of a year, year, decade, century).
PRECISION_ALPHA = (255, 210, 175, 140, 105, 80)
LEGEND_COLOUR = "#555555"


def _font(pixels: float, bold: bool = False) -> QFont:
    font = QFont()
    font.setPixelSize(round(pixels))
    font.setBold(bold)
    return font


class _Mark(NamedTuple):
    """One event as drawn: its mark, and its label's place (logical px, x only; the row gives y)."""

    x0: float  # bar's left edge, or the diamond's centre for a day
    x1: float  # bar's right edge (== x0 for a diamond)
    point: bool
    alpha: int
    date: str
    text: str
    label_x: float
    date_w: float
    inside: bool  # the label lies on the bar, on a light plate


@dataclass
class _Lane:
    story: Story
    colour: str
    ink: str  # the story's colour, dark enough to read as text on white
    headline: str
    headline_h: float
    note: str
    rows: list[list[_Mark]] = field(default_factory=list)

    @property
    def head_h(self) -> float:
        return self.headline_h + 16.0 + HEAD_GAP


class _Block(NamedTuple):
    """One piece of the flow of lanes: a lane's head (``row`` -1) or one of its rows."""

    lane: int
    row: int  # -1: the head; else the sub-row
    continued: bool  # a head repeated at the top of a page


@dataclass
class FigurePage:
    """The blocks one page (or the whole image) shows."""

    blocks: list[_Block]
    first: bool


class Figure:
    """A laid-out timeline figure of some stories over a range of days.

    Args:
        stories: the lanes, in order.
        title: the figure's title (the folder's name, or the user's).
        first, last: the days (proleptic ordinals) the axis spans; by
            default the stories' first and last dated days, with a margin.
        width: the figure's width in logical pixels.
        max_height: stop adding lanes once the flow is this tall (a PNG
            cannot grow without end); None for all of them (PDF pages).
    """

    def __init__(self, stories: Sequence[Story], title: str, first: int | None = None,
                 last: int | None = None, width: float = PNG_WIDTH, max_height: float | None = None) -> None:
        self.title = title
        self.width = float(width)
        self.story_count = len(stories)
        self.left = MARGIN
        self.right = self.width - MARGIN
        self._title_font = _font(22, bold=True)
        self._subtitle_font = _font(13)
        self._head_font = _font(14, bold=True)
        self._note_font = _font(11)
        self._date_font = _font(11, bold=True)
        self._label_font = _font(11)
        self._axis_font = _font(11)
        self._title_metrics = QFontMetricsF(self._title_font)
        self._head_metrics = QFontMetricsF(self._head_font)
        self._date_metrics = QFontMetricsF(self._date_font)
        self._label_metrics = QFontMetricsF(self._label_font)
        self._axis_metrics = QFontMetricsF(self._axis_font)
        data_first, data_last = _data_range(stories)
        if first is None or last is None:
            span = max((data_last - data_first) if data_last >= data_first else 0, 30)
            pad = span * 0.02
            first = first if first is not None else math.floor(data_first - pad)
            last = last if last is not None else math.ceil(data_last + pad)
        self.first = max(MIN_ORDINAL, min(first, last))
        self.last = min(MAX_ORDINAL, max(first, last))
        self.event_count = 0
        self._tick_cache: tuple[list[float], list[str]] | None = None
        self.lanes: list[_Lane] = []
        self.empty_lanes = 0  # stories with no dated event in the range (not drawn)
        self.left_out = 0  # stories not drawn because the image would grow too tall
        height = self.header_height() + AXIS_PX * 2 + MARGIN
        for i, story in enumerate(stories):
            in_range = [e for e in story.events if e.span is not None and e.span.end.toordinal() >= self.first
                        and e.span.start.toordinal() <= self.last]
            if not in_range:
                self.empty_lanes += 1
                continue
            if max_height is not None and height > max_height:
                self.left_out = len(stories) - i
                break
            lane = self._lay_out_lane(story, in_range)
            self.lanes.append(lane)
            self.event_count += sum(len(row) for row in lane.rows)
            height += self.lane_height(lane)

    # --- layout ------------------------------------------------------------

    def x_of(self, day: float) -> float:
        """Where a day's start lies on the plot."""
        return self.left + (day - self.first) / max(self.last + 1 - self.first, 1) * (self.right - self.left)

    def header_height(self) -> float:
        """The first page's title, subtitle and legend."""
        title_h = self._title_metrics.boundingRect(QRectF(0, 0, self.right - self.left, 1e6),
                                                   Qt.TextFlag.TextWordWrap, self._title_text()).height()
        return MARGIN + title_h + 6 + 18 + 8 + 18 + 10

    def lane_height(self, lane: _Lane) -> float:
        """A lane's head and rows, with the gap after it."""
        return lane.head_h + len(lane.rows) * ROW_PX + LANE_GAP

    def _title_text(self) -> str:
        return capped(self.title, TITLE_CHARS)

    def _lay_out_lane(self, story: Story, events: list) -> _Lane:
        colour = story_colour(story.file)
        headline = capped(story.title, TITLE_CHARS * 2)
        indent = 16.0
        headline_h = self._head_metrics.boundingRect(QRectF(0, 0, self.right - self.left - indent, 1e6),
                                                     Qt.TextFlag.TextWordWrap, headline).height()
        dated = sum(1 for e in story.events if e.span is not None)
        undated = len(story.events) - dated
        parts = [visible(story.file), f"{len(events):,} of {dated:,} dated events shown"
                 if len(events) != dated else f"{dated:,} events"]
        if undated:
            parts.append(f"{undated:,} undated, not shown")
        lane = _Lane(story, colour, readable_on(colour), headline, headline_h, " · ".join(parts))
        label_max = (self.right - self.left) * LABEL_MAX_FRACTION
        ends: list[float] = []  # the right end of what each sub-row holds so far
        marks: list[tuple[float, float, _Mark]] = []
        for event in sorted(events, key=lambda e: (e.span.start, e.span.end)):
            span = event.span
            start, end = span.start.toordinal(), span.end.toordinal()
            point = start == end and span.precision.rank == 0
            x0 = self.x_of(max(start, self.first))
            x1 = self.x_of(min(end, self.last) + 1)
            if point:
                x0 = x1 = self.x_of(start + 0.5)
            elif x1 - x0 < MIN_BAR_PX:
                centre = (x0 + x1) / 2
                x0, x1 = centre - MIN_BAR_PX / 2, centre + MIN_BAR_PX / 2
            date_text = visible(event.date_text)
            date_w = self._date_metrics.horizontalAdvance(date_text) + 5
            text = short_label(event.text)
            text_room = max(label_max - date_w, 40.0)
            text_w = self._label_metrics.horizontalAdvance(text)
            if text_w > text_room:
                text = self._elided_at_word(text, text_room)
                text_w = self._label_metrics.horizontalAdvance(text)
            label_w = date_w + text_w
            mark_left = x0 - (MARK_PX / 2 if point else 0)
            mark_right = x1 + (MARK_PX / 2 if point else 0)
            inside = False
            if not point and x1 - x0 >= label_w + 10:
                label_x, inside = x0 + 5, True  # on the bar itself
                occupied = (mark_left, mark_right)
            elif mark_right + 4 + label_w <= self.right:
                label_x = mark_right + 4
                occupied = (mark_left, label_x + label_w)
            elif mark_left - 4 - label_w >= self.left:
                label_x = mark_left - 4 - label_w
                occupied = (label_x, mark_right)
            else:  # a bar across the whole plot, too short for its label: the label on the bar's start
                label_x, inside = max(x0, self.left) + 5, True
                occupied = (min(mark_left, label_x), max(mark_right, label_x + label_w))
            alpha = PRECISION_ALPHA[min(span.precision.rank, len(PRECISION_ALPHA) - 1)]
            marks.append((occupied[0], occupied[1],
                          _Mark(x0, x1, point, alpha, date_text, text, label_x, date_w, inside)))
        # In the order of time, so that sub-rows read from the top down as the story goes. Any
        # order is safe: a mark joins a sub-row only to the right of everything already in it.
        for left, right, mark in marks:
            for row, end_x in enumerate(ends):
                if left >= end_x:
                    ends[row] = right + LABEL_GAP
                    lane.rows[row].append(mark)
                    break
            else:
                ends.append(right + LABEL_GAP)
                lane.rows.append([mark])
        return lane

    def _elided_at_word(self, text: str, room: float) -> str:
        """``text`` cut to ``room`` pixels with "…", at the end of a word where one is near."""
        cut = self._label_metrics.elidedText(text, Qt.TextElideMode.ElideRight, room)
        if cut.endswith("…") and len(cut) > 1:
            stem = cut[:-1]
            space = stem.rfind(" ")
            if space > len(stem) // 2 and not text[len(stem):].startswith(" "):
                stem = stem[:space]
            cut = stem.rstrip(" ,;:") + "…"
        return cut

    def flow(self) -> list[_Block]:
        """Every lane's head and rows, in order."""
        blocks: list[_Block] = []
        for i, lane in enumerate(self.lanes):
            blocks.append(_Block(i, -1, False))
            blocks.extend(_Block(i, r, False) for r in range(len(lane.rows)))
        return blocks

    def block_height(self, block: _Block) -> float:
        """A block's height, with the gap after a lane's last row."""
        lane = self.lanes[block.lane]
        if block.row < 0:
            return lane.head_h
        return ROW_PX + (LANE_GAP if block.row == len(lane.rows) - 1 else 0)

    def image_height(self) -> float:
        """The height of the one page of a PNG or SVG: header, axis, every lane, axis again."""
        lanes = sum(self.lane_height(lane) for lane in self.lanes)
        return self.header_height() + AXIS_PX + lanes + self._footer_height() + AXIS_PX + MARGIN

    def _footer_height(self) -> float:
        return 22.0 if self.left_out or self.empty_lanes or not self.lanes else 0.0

    def pages(self, page_height: float) -> list[FigurePage]:
        """The flow cut into pages of ``page_height``: a head stays with its first row,
        and a lane cut by a page break has its head again, marked as continued."""
        pages: list[FigurePage] = []
        blocks: list[_Block] = []
        used = self.header_height() + AXIS_PX
        room = page_height
        flow = self.flow()
        i = 0
        while i < len(flow):
            block = flow[i]
            need = self.block_height(block)
            if block.row < 0:
                lane_h = self.lane_height(self.lanes[block.lane])
                if self._running_head_height() + AXIS_PX + lane_h <= room:
                    need = lane_h  # a lane that fits on a page is not cut
                elif i + 1 < len(flow):
                    need += self.block_height(flow[i + 1])  # a head is never last on its page
            if blocks and used + need > room:
                pages.append(FigurePage(blocks, not pages))
                blocks = []
                used = self._running_head_height() + AXIS_PX
                if block.row >= 0:
                    blocks.append(_Block(block.lane, -1, True))
                    used += self.lanes[block.lane].head_h
                continue
            blocks.append(block)
            used += self.block_height(block)
            i += 1
        pages.append(FigurePage(blocks, not pages))
        return pages

    def _running_head_height(self) -> float:
        return MARGIN + 20.0

    # --- painting ------------------------------------------------------------

    def paint_page(self, painter: QPainter, page: FigurePage, page_height: float,
                   number: int = 1, count: int = 1) -> None:
        """Draw one page (the whole figure for PNG and SVG) in logical pixels, on white."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
        painter.fillRect(QRectF(0, 0, self.width, page_height), QColor("white"))
        y = self._paint_header(painter) if page.first else self._paint_running_head(painter)
        axis_y = y
        y += AXIS_PX
        top = y
        lanes_bottom = y + sum(self.block_height(b) for b in page.blocks)
        ticks, labels = self._ticks()
        self._paint_grid(painter, ticks, top, lanes_bottom)
        self._paint_axis(painter, axis_y, ticks, labels, below=False)
        lane_heights: dict[int, float] = {}
        for block in page.blocks:
            lane_heights[block.lane] = lane_heights.get(block.lane, 0.0) + self.block_height(block)
        last_lane = len(self.lanes) - 1
        for block in page.blocks:
            lane = self.lanes[block.lane]
            if block.row < 0:
                if block.lane % 2 == 0:  # every other lane on a light band, to follow it across the page
                    band = QRectF(self.left - 8, y - LANE_GAP / 2, self.right - self.left + 16,
                                  lane_heights[block.lane] - LANE_GAP / 2)
                    painter.fillRect(band, LANE_BAND)
                    self._paint_grid(painter, ticks, band.top(), band.bottom())  # visible on the band too
                self._paint_head(painter, lane, y, block.continued)
            else:
                self._paint_row(painter, lane, lane.rows[block.row], y)
            y += self.block_height(block)
        last = page.blocks[-1] if page.blocks else None
        if last is None or (last.lane == last_lane and last.row == len(self.lanes[last_lane].rows) - 1):
            y = self._paint_footer(painter, y)
        if page.first and count == 1:  # one tall page (PNG, SVG): the axis again below the lanes
            self._paint_axis(painter, y + 4, ticks, labels, below=True)
        if count > 1:
            painter.setFont(self._note_font)
            painter.setPen(GREY_INK)
            painter.drawText(QRectF(self.left, page_height - MARGIN + 6, self.right - self.left, 16),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"page {number} of {count}")

    def _paint_grid(self, painter: QPainter, ticks: list[float], top: float, bottom: float) -> None:
        # Hairlines on whole pixels without antialiasing: as sharp, and a tenth of the time on a tall image.
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setPen(QPen(GRID, 1))
        for tick in ticks:
            x = round(self.x_of(tick)) + 0.5
            painter.drawLine(QPointF(x, top), QPointF(x, bottom))
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)

    def _paint_header(self, painter: QPainter) -> float:
        y = MARGIN
        width = self.right - self.left
        painter.setPen(INK)
        painter.setFont(self._title_font)
        title_h = self._title_metrics.boundingRect(QRectF(0, 0, width, 1e6), Qt.TextFlag.TextWordWrap,
                                                   self._title_text()).height()
        painter.drawText(QRectF(self.left, y, width, title_h), Qt.TextFlag.TextWordWrap, self._title_text())
        y += title_h + 6
        painter.setFont(self._subtitle_font)
        painter.setPen(GREY_INK)
        stories = len(self.lanes)
        drawn = f"{stories:,} of {self.story_count:,} stories" if stories != self.story_count else \
            f"{stories:,} {'story' if stories == 1 else 'stories'}"
        subtitle = (f"{day_text(self.first)} – {day_text(self.last)} · {drawn} · {self.event_count:,} "
                    f"{'event' if self.event_count == 1 else 'events'}")
        painter.drawText(QRectF(self.left, y, width, 18), Qt.AlignmentFlag.AlignVCenter, subtitle)
        y += 18 + 8
        self._paint_legend(painter, y)
        return y + 18 + 10

    def _paint_legend(self, painter: QPainter, y: float) -> None:
        painter.setFont(self._note_font)
        metrics = QFontMetricsF(self._note_font)
        x = self.left
        centre = y + 9
        colour = QColor(LEGEND_COLOUR)
        entries = [("diamond", 255, "exact day"),
                   ("bar", PRECISION_ALPHA[1], "month, part of a year, year or range"),
                   ("bar", PRECISION_ALPHA[4], "decade or century (fainter = vaguer)")]
        for kind, alpha, text in entries:
            colour.setAlpha(alpha)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            if kind == "diamond":
                painter.drawPolygon(_diamond(x + MARK_PX / 2, centre))
                x += MARK_PX + 5
            else:
                painter.drawRect(QRectF(x, centre - BAR_PX / 2, 26, BAR_PX))
                x += 26 + 5
            painter.setPen(GREY_INK)
            painter.drawText(QPointF(x, centre + metrics.ascent() / 2 - 1), text)
            x += metrics.horizontalAdvance(text) + 22
        painter.setPen(GREY_INK)
        painter.drawText(QPointF(x, centre + metrics.ascent() / 2 - 1),
                         "Labels: the date as written, then the start of the event's text.")

    def _paint_running_head(self, painter: QPainter) -> float:
        painter.setFont(self._note_font)
        painter.setPen(GREY_INK)
        metrics = QFontMetricsF(self._note_font)
        text = metrics.elidedText(f"{visible(self.title)} · {day_text(self.first)} – {day_text(self.last)}",
                                  Qt.TextElideMode.ElideRight, self.right - self.left - 90)
        painter.drawText(QRectF(self.left, MARGIN, self.right - self.left, 16), Qt.AlignmentFlag.AlignVCenter,
                         text)
        return self._running_head_height()

    def _ticks(self) -> tuple[list[float], list[str]]:
        if self._tick_cache is None:  # the same on every page; measuring the labels of every level costs
            self._tick_cache = self._compute_ticks()
        return self._tick_cache

    def _compute_ticks(self) -> tuple[list[float], list[str]]:
        width = self.right - self.left
        days_per_px = (self.last + 1 - self.first) / width

        def spacing(level: object) -> float:
            return label_spacing(level, self._axis_metrics.horizontalAdvance, 24,  # type: ignore[arg-type]
                                 self.first)

        level, _minor = choose_levels(days_per_px, spacing)
        ticks = tick_ordinals(level, self.first, self.last + 1)
        return ticks, tick_labels(ticks, level, first_full=0)

    def _paint_axis(self, painter: QPainter, y: float, ticks: list[float], labels: list[str],
                    below: bool) -> None:
        line_y = y + (4 if below else AXIS_PX - 6)
        painter.setPen(QPen(AXIS_INK, 1))
        painter.drawLine(QPointF(self.left, line_y), QPointF(self.right, line_y))
        painter.setFont(self._axis_font)
        for tick, label in zip(ticks, labels, strict=True):
            x = self.x_of(tick)
            painter.setPen(QPen(AXIS_INK, 1))
            painter.drawLine(QPointF(x, line_y - 4), QPointF(x, line_y + 4))
            w = self._axis_metrics.horizontalAdvance(label)
            left = min(max(x - w / 2, self.left), self.right - w)
            text_y = line_y + 6 if below else line_y - 6 - self._axis_metrics.height()
            painter.setPen(INK)
            painter.drawText(QRectF(left, text_y, w + 2, self._axis_metrics.height()),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, label)

    def _paint_head(self, painter: QPainter, lane: _Lane, y: float, continued: bool) -> None:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(lane.colour))
        painter.drawRect(QRectF(self.left, y + 4, 10, 10))
        painter.setPen(INK)
        painter.setFont(self._head_font)
        painter.drawText(QRectF(self.left + 16, y, self.right - self.left - 16, lane.headline_h),
                         Qt.TextFlag.TextWordWrap, lane.headline)
        painter.setFont(self._note_font)
        painter.setPen(GREY_INK)
        note = lane.note + (" · continued" if continued else "")
        painter.drawText(QRectF(self.left + 16, y + lane.headline_h, self.right - self.left - 16, 16),
                         Qt.AlignmentFlag.AlignVCenter,
                         QFontMetricsF(self._note_font).elidedText(note, Qt.TextElideMode.ElideMiddle,
                                                                    self.right - self.left - 16))

    def _paint_row(self, painter: QPainter, lane: _Lane, row: list[_Mark], y: float) -> None:
        centre = y + ROW_PX / 2
        colour = QColor(lane.colour)
        ascent = self._label_metrics.ascent()
        baseline = centre + ascent / 2 - 1
        for mark in row:
            colour.setAlpha(mark.alpha)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(colour)
            if mark.point:
                painter.drawPolygon(_diamond(mark.x0, centre))
            else:
                painter.drawRect(QRectF(mark.x0, centre - BAR_PX / 2, mark.x1 - mark.x0, BAR_PX))
            if mark.inside:
                width = mark.date_w + self._label_metrics.horizontalAdvance(mark.text)
                painter.fillRect(QRectF(mark.label_x - 3, centre - ascent / 2 - 3, width + 6, ascent + 6),
                                 LABEL_PLATE)
            painter.setPen(QColor(lane.ink))
            painter.setFont(self._date_font)
            painter.drawText(QPointF(mark.label_x, baseline), mark.date)
            painter.setPen(INK)
            painter.setFont(self._label_font)
            painter.drawText(QPointF(mark.label_x + mark.date_w, baseline), mark.text)

    def _paint_footer(self, painter: QPainter, y: float) -> float:
        notes = []
        if not self.lanes:
            notes.append("No dated events in this range.")
        if self.empty_lanes:
            notes.append(f"{self.empty_lanes:,} {'story has' if self.empty_lanes == 1 else 'stories have'} "
                         "no dated event in this range (not drawn).")
        if self.left_out:
            notes.append(f"{self.left_out:,} more {'story' if self.left_out == 1 else 'stories'} not drawn: "
                         "the image would be too tall. Export a PDF for every story, or choose fewer.")
        if not notes:
            return y
        painter.setFont(self._note_font)
        painter.setPen(GREY_INK)
        painter.drawText(QRectF(self.left, y, self.right - self.left, 20), Qt.AlignmentFlag.AlignVCenter,
                         " ".join(notes))
        return y + self._footer_height()

    # --- output ------------------------------------------------------------

    def to_image(self) -> QImage:
        """The figure as one tall image, white, at 1 pixel per logical pixel."""
        height = math.ceil(self.image_height())
        image = QImage(QSize(round(self.width), height), QImage.Format.Format_RGB32)
        dots = round(LOGICAL_DPI / 0.0254)
        image.setDotsPerMeterX(dots)
        image.setDotsPerMeterY(dots)
        painter = QPainter(image)  # paint_page fills it white
        try:
            self.paint_page(painter, FigurePage(self.flow(), True), height)
        finally:
            painter.end()
        return image

    def write_svg(self, out: Path) -> bool:
        """Write an SVG drawing, text as text (selectable, searchable, escaped)."""
        from PySide6.QtCore import QRect
        from PySide6.QtSvg import QSvgGenerator

        height = math.ceil(self.image_height())
        generator = QSvgGenerator()
        generator.setFileName(str(out))
        generator.setSize(QSize(round(self.width), height))
        generator.setViewBox(QRect(0, 0, round(self.width), height))
        generator.setResolution(LOGICAL_DPI)
        generator.setTitle(visible(self.title))
        generator.setDescription("Timeline figure made by Timeline Viewer")
        painter = QPainter()
        if not painter.begin(generator):
            return False
        try:
            self.paint_page(painter, FigurePage(self.flow(), True), height)
        finally:
            painter.end()
        return out.exists() and out.stat().st_size > 0

    def paint_paged(self, device: QPagedPaintDevice, painter: QPainter | None = None) -> int:
        """Draw every page on a PDF writer or a printer; return the number of pages.

        The painter is scaled so that a logical pixel is 1/96 inch whatever
        the device's resolution; the figure must have been laid out for the
        page's width (``page_width``).
        """
        own = painter is None
        painter = painter or QPainter()
        if own and not painter.begin(device):
            return 0
        try:
            scale = device.logicalDpiX() / LOGICAL_DPI
            page_height = device.height() / scale
            pages = self.pages(page_height - MARGIN)
            painter.scale(scale, scale)
            for number, page in enumerate(pages, start=1):
                if number > 1:
                    device.newPage()
                self.paint_page(painter, page, page_height, number, len(pages))
        finally:
            if own:
                painter.end()
        return len(pages)


def page_width(device: QPagedPaintDevice) -> float:
    """The printable width of a PDF writer's or printer's page, in logical pixels."""
    return device.width() / (device.logicalDpiX() / LOGICAL_DPI)


def _diamond(x: float, y: float) -> QPolygonF:
    h = MARK_PX / 2
    return QPolygonF([QPointF(x, y - h), QPointF(x + h, y), QPointF(x, y + h), QPointF(x - h, y)])


def _data_range(stories: Sequence[Story]) -> tuple[int, int]:
    first, last = MAX_ORDINAL, MIN_ORDINAL
    for story in stories:
        for event in story.events:
            span = event.span
            if span is not None:
                first = min(first, span.start.toordinal())
                last = max(last, span.end.toordinal())
    if first > last:
        today = date.today().toordinal()
        return today - 365, today
    return first, last


def day_text(ordinal: int) -> str:
    """A day as a reader writes it: "Mar 3, 2026", "Mar 15, 44 BC"."""
    day = day_from_ordinal(ordinal)
    return f"{calendar.month_abbr[day.month]} {day.day}, {year_text(day.year)}"


def pdf_writer(out: Path, title: str) -> QPdfWriter:
    """A PDF writer for an A4 landscape page with 12 mm margins (where long timelines fit best)."""
    writer = QPdfWriter(str(out))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Landscape,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    writer.setResolution(1200)
    writer.setTitle(visible(title))
    writer.setCreator("Timeline Viewer")
    return writer


class FigureRequest(NamedTuple):
    """What to draw: the stories, the title and the range (None: the stories' own)."""

    stories: Sequence[Story]
    title: str
    first: int | None = None
    last: int | None = None


def save_figure(request: FigureRequest, out: Path) -> tuple[bool, Figure]:
    """Write the figure to ``out`` as PNG, SVG or PDF, chosen by its suffix.

    Returns:
        Whether the file was written, and the figure (for its counts and pages).
    """
    suffix = out.suffix.lower()
    if suffix == ".pdf":
        writer = pdf_writer(out, request.title)
        figure = Figure(request.stories, request.title, request.first, request.last, width=page_width(writer))
        pages = figure.paint_paged(writer)
        del writer  # the file is finished when the writer goes
        return pages > 0 and out.exists(), figure
    figure = Figure(request.stories, request.title, request.first, request.last, max_height=MAX_IMAGE_HEIGHT)
    if suffix == ".svg":
        return figure.write_svg(out), figure
    return figure.to_image().save(str(out), "PNG", PNG_QUALITY), figure  # type: ignore[call-overload]


