"""Which event labels fit on the timeline, checked on pixel positions (no Qt)."""

import itertools

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from viewer.core.labels import EDGE_PX, LABEL_GAP_PX, MIN_ELIDED_PX, OBSTACLE_GAP_PX, place_labels

RIGHT = 1000.0


def place(rows, label_x, own_start, widths, clusters=(), right=RIGHT, max_labels=600):
    """Place labels of the given full widths; a cut label takes all the room it is given."""
    asked = []

    def width_of(j):
        asked.append(j)
        return widths[j]

    placed = place_labels(np.asarray(rows, dtype=np.int64), np.asarray(label_x, dtype=float),
                          np.asarray(own_start, dtype=float),
                          np.asarray([r for r, _ in clusters], dtype=np.int64),
                          np.asarray([x for _, x in clusters], dtype=float), right,
                          width_of=width_of, elided_width_of=lambda j, room: room, max_labels=max_labels)
    return placed, asked


def test_marks_far_apart_each_get_their_whole_label():
    placed, _ = place([1, 1, 1], [10, 300, 600], [0, 290, 590], [100, 100, 100])
    assert [(p.item, p.x, p.width, p.room) for p in placed] == [(0, 10, 100, None), (1, 300, 100, None),
                                                               (2, 600, 100, None)]


def test_a_label_is_cut_before_the_next_mark_or_dropped_when_too_little_is_left():
    # Room before the next mark: 200 - 6 - 10 = 184 px for a 300 px label, so it is cut to that.
    placed, _ = place([1, 1], [10, 210], [0, 200], [300, 50])
    assert [(p.item, p.room) for p in placed] == [(0, 200 - OBSTACLE_GAP_PX - 10), (1, None)]
    # Only 40 px before the next mark: better no label than "Th…".
    placed, _ = place([1, 1], [10, 60], [0, 50], [300, 50])
    assert [p.item for p in placed] == [1]


def test_a_cluster_stops_a_label_like_a_mark():
    placed, _ = place([2], [10], [0], [300], clusters=[(2, 150), (3, 20)])  # the cluster in row 3 is elsewhere
    assert [(p.item, p.room) for p in placed] == [(0, 150 - OBSTACLE_GAP_PX - 10)]


def test_labels_stop_inside_the_right_edge_of_the_plot():
    placed, _ = place([1, 4], [800, RIGHT - 50], [790, RIGHT - 60], [400, 400])
    assert [(p.item, p.room) for p in placed] == [(0, RIGHT - EDGE_PX - 800)]  # the other had 46 px


def test_a_label_that_would_start_under_the_previous_one_is_skipped_unmeasured():
    # Two marks on the same spot of row 1 (neither is "next" to the other): the first label wins,
    # and the second's text is never measured, since measuring text is what costs.
    placed, asked = place([1, 1], [10, 30], [0, 0.2], [100, 100])
    assert [p.item for p in placed] == [0] and asked == [0]
    # The same in another row does not interfere: rows are independent.
    placed, _ = place([1, 2], [10, 30], [0, 0.2], [100, 100])
    assert [p.item for p in placed] == [0, 1]


def test_no_more_than_max_labels():
    n = 50
    placed, _ = place([1] * n, [i * 100.0 + 10 for i in range(n)], [i * 100.0 for i in range(n)], [20] * n,
                      right=1e6, max_labels=7)
    assert len(placed) == 7


EVENTS = st.lists(st.tuples(st.integers(0, 3), st.floats(-50, RIGHT + 50), st.floats(0, 30), st.floats(1, 400)),
                  max_size=60)


@settings(max_examples=300, deadline=None)
@given(EVENTS, st.lists(st.tuples(st.integers(0, 3), st.floats(-50, RIGHT + 50)), max_size=10))
def test_placed_labels_never_overlap_each_other_the_next_thing_drawn_or_the_edge(events, clusters):
    rows = [r for r, _, _, _ in events]
    own_start = [s for _, s, _, _ in events]
    label_x = [s + gap for _, s, gap, _ in events]
    widths = [w for _, _, _, w in events]
    placed, _ = place(rows, label_x, own_start, widths, clusters)
    things = [(r, s) for r, s in zip(rows, own_start)] + list(clusters)
    by_row: dict[int, list] = {}
    for p in placed:
        j = p.item
        assert p.x == label_x[j]
        assert p.x + p.width <= RIGHT - EDGE_PX  # never cut by the plot's edge
        if p.room is None:
            assert p.width == widths[j]
        else:
            assert MIN_ELIDED_PX <= p.room < widths[j] and p.width <= p.room
        # Ends before whatever is drawn next in its row (its own mark excepted).
        for r, s in things:
            # (1e-6: positions are searched as row × 1e8 + x, exact to far less than a pixel.)
            if r == rows[j] and s > own_start[j] + 0.5 + 1e-6:
                assert p.x + p.width <= s - OBSTACLE_GAP_PX + 1e-6
        by_row.setdefault(rows[j], []).append(p)
    for row_labels in by_row.values():
        row_labels.sort(key=lambda p: p.x)
        for a, b in itertools.pairwise(row_labels):
            assert b.x >= a.x + a.width + LABEL_GAP_PX
