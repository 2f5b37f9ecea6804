"""Which event labels the timeline draws, and where: the rule without the painting.

Labels are what makes a zoomed timeline unreadable first: they overlap each
other, run into the next mark, or are cut by the plot's edge. The events
item measures text with Qt and draws it; deciding which labels fit is plain
arithmetic on pixel positions, kept here so that it is tested without a
widget (``tests/core/test_labels.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import numpy as np

LABEL_GAP_PX = 8.0  # least space between two labels of one row
OBSTACLE_GAP_PX = 6.0  # least space between a label and the next mark, bar or cluster of its row
EDGE_PX = 4.0  # a label ends this far inside the plot's right edge, or is cut to fit
MIN_ELIDED_PX = 70.0  # less room than this: no label rather than "Th…"
MAX_LABELS = 600  # per paint: past this the text is unreadable anyway, and costs time


class PlacedLabel(NamedTuple):
    """One label to draw (device pixels)."""

    item: int  # index into the arrays given to ``place_labels``
    x: float  # left edge
    width: float  # width as drawn
    room: float | None  # None: the whole label; otherwise it is cut to fit this many pixels


def place_labels(rows: np.ndarray, label_x: np.ndarray, own_start: np.ndarray,
                 obstacle_rows: np.ndarray, obstacle_left: np.ndarray, right_px: float,
                 width_of: Callable[[int], float], elided_width_of: Callable[[int, float], float],
                 max_labels: int = MAX_LABELS) -> list[PlacedLabel]:
    """Choose the labels that fit: left to right in each row, none touching another.

    A label is drawn only where it collides with neither the previous label
    of its row nor the next mark, bar or cluster of that row, and ends
    inside the plot. A label that is too long is cut to the room it has,
    unless that room is under ``MIN_ELIDED_PX``.

    Args:
        rows: the row of each labelled event (marks and bars that carry a label).
        label_x: where each one's label would start.
        own_start: the left edge of each one's own mark or bar.
        obstacle_rows: rows of the other things drawn that carry no label (clusters).
        obstacle_left: their left edges.
        right_px: the plot's right edge.
        width_of: event (index into ``rows``) → width of its whole label. Called
            only for events whose label may be drawn, since measuring text costs.
        elided_width_of: (event, room) → width of its label cut to at most ``room``.
        max_labels: stop after this many labels.

    Returns:
        The labels to draw, by row, then left to right.
    """
    if not len(rows):
        return []
    rows = np.asarray(rows, dtype=np.int64)
    order = np.lexsort((label_x, rows))
    item_rows = rows[order]
    xs = np.asarray(label_x, dtype=np.float64)[order]
    starts = np.asarray(own_start, dtype=np.float64)[order]
    # Everything drawn, as one sorted key per (row, left edge), to find what
    # follows each event in its row with one binary search.
    keys = np.sort(np.concatenate([item_rows, np.asarray(obstacle_rows, dtype=np.int64)]).astype(np.float64) * 1e8
                   + np.concatenate([starts, np.asarray(obstacle_left, dtype=np.float64)]))
    after = np.searchsorted(keys, item_rows * 1e8 + starts + 0.5, side="right")
    next_key = np.where(after < len(keys), keys[np.minimum(after, len(keys) - 1)], np.inf)
    next_start = np.where(np.floor((next_key + 5e7) / 1e8) == item_rows, next_key - item_rows * 1e8, np.inf)

    view_right = right_px - EDGE_PX
    placed: list[PlacedLabel] = []
    last_row = None
    last_end = -np.inf
    for j, item in enumerate(order.tolist()):
        if len(placed) >= max_labels:
            break
        row = int(item_rows[j])
        if row != last_row:
            last_row, last_end = row, -np.inf
        x = float(xs[j])
        if x < last_end + LABEL_GAP_PX:
            continue
        limit = min(float(next_start[j]) - OBSTACLE_GAP_PX, view_right)
        width = width_of(item)
        room = None
        if x + width > limit:
            room = limit - x
            if room < MIN_ELIDED_PX:
                continue
            width = elided_width_of(item, room)
        placed.append(PlacedLabel(item, x, width, room))
        last_end = x + width
    return placed
