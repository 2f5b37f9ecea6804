"""Stories → flat numpy arrays that the timeline items paint from.

Numpy only, no Qt: lanes, sub-rows and culling are plain arithmetic, so
they are tested without a widget. Built once when the library changes,
never in ``paint()``. Time is a proleptic Gregorian day ordinal
(``date.toordinal()``: day 1 is 0001-01-01), which every platform handles
from year 1 to 9999, unlike Unix timestamps before 1970.

Rows: each story gets a title row, then as many sub-rows as it needs so
that none of its events hides another. Row ``r`` is drawn between y = r and
y = r + 1, so all rows have the same height and a pixel row of the view maps
to at most one row when zoomed in.
"""

from __future__ import annotations

import heapq
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from itertools import chain
from operator import attrgetter
from typing import NamedTuple

import numpy as np

from viewer.model import Event, Library, Precision, Story

DAY_RANK = Precision.DAY.rank


@dataclass
class TimelineLayout:
    """Arrays for every dated event, sorted by start, plus lane bookkeeping.

    Attributes:
        x0: start of each event (day ordinal, float).
        x1: end of each event, exclusive (the day after the last day).
        row: the event's row (y), an int.
        precision: ``Precision.rank`` of each event (0 for a day).
        story: index of the event's story in ``stories``.
        event: index of the event in its story's events.
        end_max: running maximum of ``x1`` in start order, for culling long
            bars that start before the view.
        stories: the stories, in lane order.
        lane_row: the title row of each story's lane.
        lane_rows: how many rows (title row included) each lane has.
        undated: (story index, event index) of events without a span.
    """

    x0: np.ndarray = field(default_factory=lambda: np.zeros(0))
    x1: np.ndarray = field(default_factory=lambda: np.zeros(0))
    row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    precision: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int8))
    story: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    event: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    end_max: np.ndarray = field(default_factory=lambda: np.zeros(0))
    stories: list[Story] = field(default_factory=list)
    lane_row: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    lane_rows: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))
    undated: list[tuple[int, int]] = field(default_factory=list)
    story_index: dict[str, int] = field(default_factory=dict)
    _inverse: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)
    _base: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64), repr=False)
    _lanes: list = field(default_factory=list, repr=False)
    # Every event of every lane, dated or not, at _event_base[lane] + its index: its place in
    # the arrays, or -1 (undated). Built with the layout, off the GUI thread.
    _event_base: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64), repr=False)
    _event_table: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64), repr=False)

    def positions(self, lanes: np.ndarray, events: np.ndarray) -> np.ndarray:
        """Where events sit in the arrays, for many at once (-1: undated, or not in the layout).

        Args:
            lanes: each event's lane (its story's index in ``stories``; -1: not shown).
            events: each event's index in its story's events.
        """
        if not len(lanes) or not len(self._event_table):
            return np.full(len(lanes), -1, dtype=np.int64)
        shown = (lanes >= 0) & (lanes < len(self._event_base) - 1)
        slots = np.full(len(lanes), -1, dtype=np.int64)
        slots[shown] = self._event_base[lanes[shown]] + events[shown]
        inside = shown & (events >= 0) & (slots < self._event_base[np.minimum(lanes, len(self._event_base) - 2) + 1])
        found = np.full(len(lanes), -1, dtype=np.int64)
        found[inside] = self._event_table[slots[inside]]
        return found

    def index_of(self, file: str, event: int) -> int | None:
        """Where event ``event`` of the story from ``file`` sits in the arrays (None: undated)."""
        si = self.story_index.get(file)
        if si is None:
            return None
        events = self._lanes[si].event
        if event not in events:
            return None
        return int(self._inverse[self._base[si] + events.index(event)])

    @property
    def row_count(self) -> int:
        """Rows in all lanes together."""
        return int(self.lane_row[-1] + self.lane_rows[-1]) if len(self.lane_row) else 0

    @property
    def x_range(self) -> tuple[float, float] | None:
        """The first start and last end over all events, or None without events."""
        if not len(self.x0):
            return None
        return float(self.x0[0]), float(self.end_max[-1])

    def event_at(self, i: int) -> tuple[Story, Event]:
        """The story and event drawn as element ``i`` of the arrays."""
        story = self.stories[int(self.story[i])]
        return story, story.events[int(self.event[i])]

    def visible_indices(self, left: float, right: float, top: float = -np.inf,
                        bottom: float = np.inf) -> np.ndarray:
        """Indices of the events that overlap the window [left, right] × [top, bottom]."""
        lo, hi = self.visible_range(left, right)
        rows = self.row[lo:hi]
        keep = (self.x1[lo:hi] >= left) & (rows >= top - 1) & (rows <= bottom + 1)
        return np.flatnonzero(keep) + lo

    def visible_range(self, left: float, right: float) -> tuple[int, int]:
        """Indices [lo, hi) of events that may overlap [left, right] in time.

        Starts are sorted, so ``hi`` is a binary search; ``end_max`` is
        non-decreasing, so is ``lo``: long bars that start before the view
        but reach into it are kept.
        """
        lo = int(np.searchsorted(self.end_max, left, side="left"))
        hi = int(np.searchsorted(self.x0, right, side="right"))
        return lo, max(lo, hi)


class _LanePieces(NamedTuple):
    """One story's events in start order, packed into sub-rows.

    Plain tuples, not arrays: a folder of 100,000 one-event stories would
    otherwise create half a million tiny numpy arrays (2.8 s on the GUI
    thread); the builder turns all lanes into arrays at once.
    """

    x0: tuple[float, ...]
    x1: tuple[float, ...]
    precision: tuple[int, ...]
    event: tuple[int, ...]
    sub_row: tuple[int, ...]
    sub_rows: int
    undated: tuple[int, ...]


@dataclass
class _Built:
    """What the builder keeps of its last layout to patch it cheaply."""

    stories: list[Story]
    lanes: list[_LanePieces]
    counts: np.ndarray  # dated events per lane
    base: np.ndarray  # where each lane starts in the unsorted arrays (len = lanes + 1)
    unsorted: dict[str, np.ndarray]  # x0, x1, precision, event, sub_row in lane order
    story_of: np.ndarray  # lane of each unsorted element
    by_start: np.ndarray  # unsorted indices in start order
    story_index: dict[str, int]


_FIELDS = ("x0", "x1", "precision", "event", "sub_row")
_DTYPES = {"x0": np.float64, "x1": np.float64, "precision": np.int8, "event": np.int32, "sub_row": np.int32}


def _column(lanes: list[_LanePieces], name: str, total: int) -> np.ndarray:
    """One field of all ``lanes``, one after the other, as an array."""
    values: Iterable[Sequence[float]] = map(attrgetter(name), lanes)
    return np.fromiter(chain.from_iterable(values), dtype=_DTYPES[name], count=total)


class LayoutBuilder:
    """Builds layouts, reusing what did not change.

    Stories are immutable and a live reload replaces only the story of the
    file that changed. When the stories are the same files as last time with
    a few of them replaced, the builder re-packs those lanes and splices
    their events into the sorted arrays instead of sorting everything again,
    so one edited file in a 100,000-event folder costs milliseconds.
    """

    MAX_PATCHED_LANES = 16

    def __init__(self) -> None:
        self._built: _Built | None = None
        self._lock = threading.Lock()
        self._lanes: list[Story] | None = None
        self._layout = TimelineLayout()

    def build(self, stories: Library | Sequence[Story] | None) -> TimelineLayout:
        """Lay out stories in lanes and sub-rows, in the order given.

        Thread-safe, and the last layout is remembered: the loader builds the
        layout of a large folder on its worker thread (100,000 lanes take
        seconds), and the timeline's own call for the same stories is then
        immediate.

        Args:
            stories: the lanes in order (the shown stories), or a whole
                library's stories; None gives an empty layout.

        Returns:
            The arrays the timeline paints from.
        """
        lanes = list(stories.stories if isinstance(stories, Library) else stories or ())
        with self._lock:
            # Compared element by element, by identity first: milliseconds for 100,000 lanes.
            if self._lanes is None or lanes != self._lanes:
                self._layout = self._build(lanes)
                self._lanes = lanes
            return self._layout

    def _build(self, stories: list[Story]) -> TimelineLayout:
        if not stories:
            self._built = None
            return TimelineLayout()
        built = self._built
        if built is not None and len(built.stories) == len(stories):
            changed = [i for i, (a, b) in enumerate(zip(built.stories, stories)) if a is not b]
            if len(changed) <= self.MAX_PATCHED_LANES and all(
                    stories[i].file == built.stories[i].file for i in changed):
                return self._patch(built, stories, changed)
        return self._full(stories)

    def _full(self, stories: list[Story]) -> TimelineLayout:
        # A lane's pieces depend only on its story: sorted again, or lanes hidden or shown, the
        # stories of the last build keep theirs (packing 10,000 lanes anew took 0.4 s).
        built = self._built
        known = {id(story): lane for story, lane in zip(built.stories, built.lanes)} if built is not None else {}
        lanes = [_known_or_packed(known, story) for story in stories]
        counts = np.fromiter((len(lane.x0) for lane in lanes), dtype=np.int64, count=len(lanes))
        total = int(counts.sum())
        unsorted = {name: _column(lanes, name, total) for name in _FIELDS}
        story_of = np.repeat(np.arange(len(stories), dtype=np.int32), counts)
        by_start = np.argsort(unsorted["x0"], kind="stable")
        story_index = {story.file: i for i, story in enumerate(stories)}
        return self._finish(_Built(stories, lanes, counts, _bases(counts), unsorted, story_of, by_start,
                                   story_index))

    def _patch(self, old: _Built, stories: list[Story], changed: list[int]) -> TimelineLayout:
        lanes = list(old.lanes)
        counts = old.counts.copy()
        for i in changed:
            lanes[i] = _lane_pieces(stories[i])
            counts[i] = len(lanes[i].x0)
        base = _bases(counts)
        unsorted = {}
        for name in _FIELDS:
            pieces, position = [], 0
            for i in changed:
                pieces.append(old.unsorted[name][position: old.base[i]])
                pieces.append(np.asarray(getattr(lanes[i], name), dtype=_DTYPES[name]))
                position = old.base[i + 1]
            pieces.append(old.unsorted[name][position:])
            unsorted[name] = np.concatenate(pieces)
        story_of = np.repeat(np.arange(len(stories), dtype=np.int32), counts)
        # Keep the order of every unchanged event (moved by its lane's new
        # offset), then insert the changed lanes' events where they belong.
        lane_of_old = old.story_of[old.by_start]
        keep = ~np.isin(lane_of_old, changed)
        kept = old.by_start[keep] + (base - old.base)[lane_of_old[keep]]
        fresh = np.concatenate([np.arange(base[i], base[i + 1]) for i in changed]) if changed else \
            np.zeros(0, dtype=np.int64)
        fresh = fresh[np.argsort(unsorted["x0"][fresh], kind="stable")]
        # Ties in start go by lane, as in a full build's stable sort (starts
        # are whole days, so start × lanes + lane is exact in a float).
        lanes_count = float(len(stories))
        kept_key = unsorted["x0"][kept] * lanes_count + story_of[kept]
        fresh_key = unsorted["x0"][fresh] * lanes_count + story_of[fresh]
        at = np.searchsorted(kept_key, fresh_key, side="right")
        by_start = np.insert(kept, at, fresh)
        return self._finish(_Built(stories, lanes, counts, base, unsorted, story_of, by_start, old.story_index))

    def _finish(self, built: _Built) -> TimelineLayout:
        self._built = built
        lanes = built.lanes
        lane_rows = np.fromiter((lane.sub_rows + 1 for lane in lanes), dtype=np.int32, count=len(lanes))
        lane_row = np.zeros(len(lanes), dtype=np.int32)
        if len(lanes) > 1:
            lane_row[1:] = np.cumsum(lane_rows)[:-1]
        layout = TimelineLayout()
        by_start = built.by_start
        if len(by_start):
            u = built.unsorted
            story_idx = built.story_of[by_start]
            layout.x0 = u["x0"][by_start]
            layout.x1 = u["x1"][by_start]
            layout.row = (lane_row[story_idx] + 1 + u["sub_row"][by_start]).astype(np.int32)
            layout.precision = u["precision"][by_start]
            layout.story = story_idx
            layout.event = u["event"][by_start]
            layout.end_max = np.maximum.accumulate(layout.x1)
            inverse = np.empty(len(by_start), dtype=np.int64)
            inverse[by_start] = np.arange(len(by_start))
            layout._inverse = inverse
            event_base = np.zeros(len(built.stories) + 1, dtype=np.int64)
            np.cumsum(np.fromiter((len(story.events) for story in built.stories), dtype=np.int64,
                                  count=len(built.stories)), out=event_base[1:])
            table = np.full(int(event_base[-1]), -1, dtype=np.int64)
            table[event_base[built.story_of] + u["event"]] = inverse
            layout._event_base = event_base
            layout._event_table = table
        layout._base = built.base
        layout._lanes = lanes
        layout.stories = built.stories
        layout.story_index = built.story_index
        layout.lane_row = lane_row
        layout.lane_rows = lane_rows
        layout.undated = [(si, ei) for si, lane in enumerate(lanes) for ei in lane.undated]
        return layout


def _known_or_packed(known: dict[int, _LanePieces], story: Story) -> _LanePieces:
    found = known.get(id(story))  # (the last build holds its stories: an id there is that story)
    return found if found is not None else _lane_pieces(story)


def _bases(counts: np.ndarray) -> np.ndarray:
    base = np.zeros(len(counts) + 1, dtype=np.int64)
    np.cumsum(counts, out=base[1:])
    return base


def _lane_pieces(story: Story) -> _LanePieces:
    dated = [(i, e.span) for i, e in enumerate(story.events) if e.span is not None]
    undated = tuple(i for i, e in enumerate(story.events) if e.span is None)
    if not dated:
        return _LanePieces((), (), (), (), (), 1, undated)
    if any(span.time_of_day is not None for _, span in dated):
        # Events of one day follow their times ("4:15 PM" after "9:00 AM"); untimed ones come first.
        dated.sort(key=lambda item: (item[1].start, -1 if item[1].time_of_day is None else item[1].time_of_day))
    else:
        dated.sort(key=lambda item: item[1].start)
    starts = [float(span.start.toordinal()) for _, span in dated]
    ends = [float(span.end.toordinal() + 1) for _, span in dated]
    # Interval partitioning: each event goes into the lowest sub-row that is
    # free by its start, so no event hides another in its lane. Heaps keep it
    # O(n log n) for a story with thousands of overlapping events.
    busy: list[tuple[float, int]] = []  # (end, row) of rows in use
    free: list[int] = []  # rows that are free again
    rows: list[int] = []
    row_count = 0
    for start, end in zip(starts, ends):
        while busy and busy[0][0] <= start:
            heapq.heappush(free, heapq.heappop(busy)[1])
        if free:
            row = heapq.heappop(free)
        else:
            row = row_count
            row_count += 1
        rows.append(row)
        heapq.heappush(busy, (end, row))
    return _LanePieces(
        x0=tuple(starts),
        x1=tuple(ends),
        precision=tuple(span.precision.rank for _, span in dated),
        event=tuple(i for i, _ in dated),
        sub_row=tuple(rows),
        sub_rows=max(1, row_count),
        undated=undated,
    )


CLUSTER_GAP_PX = 24.0
"""Marks closer than about 16 px are drawn as one cluster; this much apart they are surely not."""


def range_showing(layout: TimelineLayout, index: int, current: tuple[float, float],
                  width_px: float) -> tuple[float, float]:
    """The time range to show so that event ``index`` is in view and drawn on its own.

    The range keeps its width if the event is wholly in it and far enough
    from its neighbours in its row; otherwise it is centred on the event and
    narrowed just enough that the nearest other mark of its row is
    ``CLUSTER_GAP_PX`` away (a bar wider than that never clusters), or widened
    to the whole of a bar longer than the view: a reader who picks "the
    1910s" sees where it begins and ends, not a bar filling the lane.

    Returns:
        ``current`` itself when nothing needs to move.
    """
    x0, x1 = current
    start, end = float(layout.x0[index]), float(layout.x1[index])
    width = x1 - x0
    centre = (start + end) / 2
    same_row = np.flatnonzero(layout.row == layout.row[index])
    others = same_row[same_row != index]
    needed = width
    if len(others) and (end - start) * width_px / max(width, 1e-9) < CLUSTER_GAP_PX:
        centres = (layout.x0[others] + layout.x1[others]) / 2
        nearest = float(np.min(np.abs(centres - centre)))
        if nearest > 0:
            needed = min(width, nearest * width_px / CLUSTER_GAP_PX)
        # Events on the same day cannot be told apart at any zoom: a day in view is enough.
        needed = max(needed, 3.0)
    inside = start >= x0 and end <= x1
    if inside and needed >= width:
        return current
    span = min(needed, width)
    if end - start > span:  # longer than the view: all of it, a margin on each side
        span = (end - start) * 1.1
    return _within_data(layout, centre - span / 2, centre + span / 2, start, end)


def _within_data(layout: TimelineLayout, lo: float, hi: float, start: float, end: float) -> tuple[float, float]:
    """``(lo, hi)`` shifted, as far as the event ``start``–``end`` stays well in it, not to show empty time.

    Centred on the latest event, a wide view would otherwise be half years
    in which nothing happened (and an exported "current view" with it).
    """
    span = hi - lo
    margin = span * 0.05
    first, last = float(np.min(layout.x0)), float(np.max(layout.x1))
    if hi > last + margin:  # empty time after the last event: back, the event staying a margin inside
        shift = min(hi - (last + margin), max(0.0, hi - margin - end))
        lo, hi = lo - shift, hi - shift
    if lo < first - margin:  # empty time before the first event: on, likewise
        shift = min((first - margin) - lo, max(0.0, start - lo - margin))
        lo, hi = lo + shift, hi + shift
    return lo, hi
