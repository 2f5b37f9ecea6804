"""Calendar tick arithmetic of the time axis: which ticks, and how they read (no Qt)."""

import itertools
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from viewer.core.ticks import (
    LEVELS,
    MAX_ORDINAL,
    MIN_LABEL_SPACING_PX,
    MIN_ORDINAL,
    TickLevel,
    choose_levels,
    major_ticks,
    tick_label,
    tick_ordinals,
)


def labels(level: TickLevel, first: date, last: date) -> list[str]:
    return [tick_label(t, level) for t in tick_ordinals(level, first.toordinal(), last.toordinal())]


@pytest.mark.parametrize(("days_per_px", "unit"), [(20000, "year"), (30, "year"), (2, "month"), (0.05, "day")])
def test_axis_levels_follow_the_zoom(days_per_px, unit):
    major, _ = choose_levels(days_per_px)
    assert major.unit == unit
    # Neighbouring labels are at least 90 px apart.
    assert major.approx_days / days_per_px >= MIN_LABEL_SPACING_PX or major == TickLevel("year", 1000)


@pytest.mark.parametrize("days_per_px", [0.01, 0.3, 1, 5, 40, 400, 4000])
def test_major_level_is_the_finest_whose_labels_do_not_collide(days_per_px):
    major, minor = choose_levels(days_per_px)
    assert major.approx_days / days_per_px >= MIN_LABEL_SPACING_PX
    finer = LEVELS[LEVELS.index(major) + 1:]
    # The next finer level would put labels closer than they may be.
    assert not finer or finer[0].approx_days / days_per_px < MIN_LABEL_SPACING_PX
    # Minor ticks, when shown, are the next finer level and at least 8 px apart.
    assert minor is None or (minor == finer[0] and minor.approx_days / days_per_px >= 8)


def test_zoomed_out_past_every_level_the_coarsest_is_used():
    # Ten millennia on a few hundred pixels: even millennia are closer than a label is wide.
    assert choose_levels(40000) == (LEVELS[0], None)


def test_axis_labels_reach_year_one_and_before_1970():
    assert labels(TickLevel("year", 100), date(1, 1, 1), date(450, 1, 1)) == ["100", "200", "300", "400"]
    assert labels(TickLevel("month", 1), date(1969, 11, 15), date(1970, 3, 1)) == ["Dec", "1970", "Feb", "Mar"]


def test_labels_show_as_much_of_the_date_as_the_level_needs():
    # Years read as years; a month tick reads as its month, and January as the year it starts.
    assert labels(TickLevel("year", 10), date(1995, 6, 1), date(2021, 1, 1)) == ["2000", "2010", "2020"]
    assert labels(TickLevel("month", 3), date(2023, 11, 1), date(2024, 8, 1)) == ["2024", "Apr", "Jul"]
    # Day ticks name month and day; the first of a month reads as the month, and 1 January
    # also gives the year, so a reader zoomed in to days still sees which year it is.
    assert labels(TickLevel("day", 7), date(2024, 2, 26), date(2024, 3, 20)) == ["Mar 3", "Mar 10", "Mar 17"]  # Sundays
    assert labels(TickLevel("day", 1), date(2024, 2, 29), date(2024, 3, 2)) == ["Feb 29", "Mar", "Mar 2"]
    assert labels(TickLevel("day", 1), date(2023, 12, 31), date(2024, 1, 2)) == ["Dec 31", "Jan 2024", "Jan 2"]


def test_ticks_land_on_calendar_boundaries():
    for ordinal in tick_ordinals(TickLevel("month", 6), date(1900, 3, 1).toordinal(), date(1910, 1, 1).toordinal()):
        d = date.fromordinal(int(ordinal))
        assert d.day == 1 and d.month in (1, 7)
    for ordinal in tick_ordinals(TickLevel("year", 50), date(1, 1, 1).toordinal(), date(1000, 1, 1).toordinal()):
        d = date.fromordinal(int(ordinal))
        assert (d.month, d.day) == (1, 1) and d.year % 50 == 0


def test_ticks_outside_year_1_to_9999_are_dropped_and_labels_never_fail():
    assert tick_ordinals(TickLevel("year", 1000), -1e6, MIN_ORDINAL - 1) == []
    ticks = tick_ordinals(TickLevel("year", 1000), -1e6, 1e7)
    assert [tick_label(t, TickLevel("year", 1000)) for t in ticks] == [str(y) for y in range(1000, 10000, 1000)]
    assert tick_label(MAX_ORDINAL + 10, TickLevel("day", 1)) == ""
    assert tick_label(-5, TickLevel("year", 1)) == ""


def test_an_empty_or_degenerate_view_has_no_ticks():
    assert major_ticks(1000.0, 1000.0, 800) == []
    assert major_ticks(1000.0, 2000.0, 0) == []


@settings(max_examples=300, deadline=None)
@given(st.sampled_from(LEVELS), st.floats(MIN_ORDINAL - 1000, MAX_ORDINAL + 1000),
       st.floats(0, 50_000), st.integers(1, 60))
def test_ticks_are_sorted_inside_the_range_and_at_most_limit(level, first, length, limit):
    last = first + length
    ticks = tick_ordinals(level, first, last, limit=limit)
    assert ticks == sorted(set(ticks))
    assert all(first <= t <= last and MIN_ORDINAL <= t <= MAX_ORDINAL for t in ticks)
    assert len(ticks) <= limit
    assert all(tick_label(t, level) for t in ticks)  # every tick in range has a label


@settings(max_examples=200, deadline=None)
@given(st.floats(MIN_ORDINAL, MAX_ORDINAL - 10), st.floats(10, 3_000_000), st.floats(200, 4000))
def test_major_ticks_never_crowd_the_view_nor_leave_it_bare(first, length, size_px):
    last = min(first + length, MAX_ORDINAL)
    days_per_px = (last - first) / size_px
    assume(LEVELS[0].approx_days / days_per_px >= MIN_LABEL_SPACING_PX)  # past that, see the test above
    ticks = major_ticks(first, last, size_px)
    # Calendar steps vary (months of 28-31 days, leap years), so allow them a little slack.
    min_gap = MIN_LABEL_SPACING_PX * days_per_px * 0.9
    assert all(b - a >= min_gap for a, b in itertools.pairwise(ticks))
    assert len(ticks) <= size_px / (MIN_LABEL_SPACING_PX * 0.9) + 1
    # ... and a view two steps wide always shows one.
    major, _ = choose_levels(days_per_px)
    assert ticks or last - first < 2.2 * major.approx_days
