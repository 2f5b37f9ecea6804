"""Calendar tick arithmetic of the time axis: which ticks, and how they read (no Qt)."""

import itertools
from datetime import date

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from viewer.core.ticks import (
    DAYS_PER_YEAR,
    LEVELS,
    MAX_ORDINAL,
    MIN_LABEL_SPACING_PX,
    MIN_ORDINAL,
    TickLevel,
    century_label,
    choose_levels,
    first_full_label,
    label_spacing,
    major_ticks,
    names_centuries,
    tick_label,
    tick_labels,
    tick_ordinals,
    widest_labels,
    year_label,
)
from viewer.model.story import day_from_ordinal, make_day

CHAR_PX = 7.0  # a stand-in font: every character this wide


def text_width(text: str) -> float:
    return len(text) * CHAR_PX


def spacing(level: TickLevel) -> float:
    return label_spacing(level, text_width, gap_px=2 * CHAR_PX)


def labels(level: TickLevel, first: date, last: date) -> list[str]:
    """The labels of a level's ticks between two dates, the first one in full."""
    return tick_labels(tick_ordinals(level, first.toordinal(), last.toordinal()), level)


def axis_labels(first: date, last: date, size_px: float = 1200) -> list[str]:
    """What an axis ``size_px`` wide over ``[first, last]`` labels its ticks, as the axis item does."""
    x0, x1 = first.toordinal(), last.toordinal()
    major, _ = choose_levels((x1 - x0) / size_px, spacing)
    ticks = tick_ordinals(major, x0, x1)
    return tick_labels(ticks, major, first_full_label(ticks, major, x0, x1, size_px, text_width))


@pytest.mark.parametrize(("days_per_px", "unit"), [(20000, "year"), (30, "year"), (2, "month"), (0.05, "day")])
def test_axis_levels_follow_the_zoom(days_per_px, unit):
    major, _ = choose_levels(days_per_px)
    assert major.unit == unit
    # Neighbouring labels are at least 90 px apart.
    assert major.approx_days / days_per_px >= MIN_LABEL_SPACING_PX or major == LEVELS[0]


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
    # A hundred millennia on a few hundred pixels: even ten millennia are closer than a label is wide.
    assert choose_levels(400_000) == (LEVELS[0], None)


def test_axis_labels_reach_year_one_and_before_1970():
    assert labels(TickLevel("year", 50), date(1, 1, 1), date(210, 1, 1)) == ["50", "100", "150", "200"]
    assert labels(TickLevel("month", 1), date(1969, 11, 15), date(1970, 3, 1)) == ["Dec 1969", "Jan 1970", "Feb", "Mar"]


def test_labels_show_as_much_of_the_date_as_the_level_needs():
    # Years read as years; the first month tick gives its year, and so does every January.
    assert labels(TickLevel("year", 10), date(1995, 6, 1), date(2021, 1, 1)) == ["2000", "2010", "2020"]
    assert labels(TickLevel("month", 3), date(2023, 8, 1), date(2024, 8, 1)) == ["Oct 2023", "Jan 2024", "Apr", "Jul"]
    # Day ticks name month and day; the first one and the first of each new year also give the year.
    assert labels(TickLevel("day", 7), date(2024, 2, 26), date(2024, 3, 20)) == ["Mar 3, 2024", "Mar 10", "Mar 17"]
    assert labels(TickLevel("day", 1), date(2024, 2, 28), date(2024, 3, 2)) == ["Feb 28, 2024", "Feb 29", "Mar 1",
                                                                                "Mar 2"]
    assert labels(TickLevel("day", 1), date(2023, 12, 30), date(2024, 1, 2)) == ["Dec 30, 2023", "Dec 31",
                                                                                "Jan 1, 2024", "Jan 2"]


def test_a_day_zoom_says_the_year_and_month():
    # Mar 3-10, 2026 on 1200 pixels: a tick a day, and the first one drawn says when
    # (the label of Mar 3, on the very edge, would stick out of the axis: it is not drawn).
    texts = axis_labels(date(2026, 3, 3), date(2026, 3, 10))
    assert texts == ["", "Mar 4, 2026"] + [f"Mar {d}" for d in range(5, 11)]
    # On a narrow axis, fewer ticks, still with the year.
    assert any("2026" in t and "Mar" in t for t in axis_labels(date(2026, 3, 3), date(2026, 3, 10), size_px=300))


def test_a_range_across_new_year_shows_both_years():
    days = axis_labels(date(2026, 12, 25), date(2027, 1, 5))
    assert days[1] == "Dec 26, 2026" and "Jan 1, 2027" in days
    assert sum("20" in t for t in days) == 2  # the other days read short
    months = axis_labels(date(2026, 8, 20), date(2027, 4, 20))
    assert months[0] == "Sep 2026" and "Jan 2027" in months
    assert axis_labels(date(2026, 2, 10), date(2027, 3, 20))[:2] == ["Mar 2026", "Apr"]  # month zoom: the year first


def test_the_full_label_goes_to_the_first_tick_it_fits_at():
    level = TickLevel("day", 1)
    x0, x1 = date(2026, 3, 2).toordinal() - 0.05, date(2026, 3, 12).toordinal()
    ticks = tick_ordinals(level, x0, x1)
    # Mar 2 is 6 px from the left edge: "Mar 2, 2026" centred there would stick out (and not be drawn).
    assert first_full_label(ticks, level, x0, x1, 1200, text_width) == 1
    # Mar 2 is not labelled: "Mar 2" left of "Mar 3, 2026" would be the only date without its year.
    assert tick_labels(ticks, level, 1)[:3] == ["", "Mar 3, 2026", "Mar 4"]
    assert first_full_label(ticks[:1], level, x0, x1, 1200, text_width) is None
    assert tick_labels(ticks[:2], level, None) == ["Mar 2", "Mar 3"]
    assert first_full_label(ticks, level, x1, x0, 1200, text_width) is None  # no view


def test_spacing_comes_from_the_widest_label_of_the_level():
    assert "Sep 28, 2888" in widest_labels(TickLevel("day", 1))
    assert spacing(TickLevel("day", 7)) == len("Sep 28, 2888") * CHAR_PX + 2 * CHAR_PX
    assert spacing(TickLevel("year", 1)) < spacing(TickLevel("month", 1)) < spacing(TickLevel("day", 1))
    # A bigger font needs more room: the same zoom shows coarser ticks.
    big = lambda level: label_spacing(level, lambda text: len(text) * 20.0, gap_px=40)  # noqa: E731
    assert choose_levels(0.005, spacing)[0] == TickLevel("day", 1)  # 200 px a day
    assert choose_levels(0.005, big)[0] == TickLevel("day", 2)
    assert LEVELS.index(choose_levels(30, big)[0]) < LEVELS.index(choose_levels(30, spacing)[0])


def test_ticks_land_on_calendar_boundaries():
    for ordinal in tick_ordinals(TickLevel("month", 6), date(1900, 3, 1).toordinal(), date(1910, 1, 1).toordinal()):
        d = date.fromordinal(int(ordinal))
        assert d.day == 1 and d.month in (1, 7)
    for ordinal in tick_ordinals(TickLevel("year", 50), date(1, 1, 1).toordinal(), date(1000, 1, 1).toordinal()):
        d = date.fromordinal(int(ordinal))
        assert (d.month, d.day) == (1, 1) and d.year % 50 == 0


def test_ticks_outside_100000_bc_to_9999_are_dropped_and_labels_never_fail():
    assert tick_ordinals(TickLevel("year", 1000), -1e9, MIN_ORDINAL - 1) == []
    ticks = tick_ordinals(TickLevel("year", 1000), -1e6, 1e7)  # from about 2738 BC
    assert [tick_label(t, TickLevel("year", 1000)) for t in ticks] == (
        ["2000 BC", "1000 BC"] + [str(y) for y in range(1000, 10000, 1000)])
    assert tick_label(MAX_ORDINAL + 10, TickLevel("day", 1)) == ""
    assert tick_label(MIN_ORDINAL - 10, TickLevel("day", 1)) == ""
    assert tick_label(-5, TickLevel("year", 1)) == "1 BC"


def bc(year: int, month: int = 1, day: int = 1) -> int:
    """The ordinal of a day in ``year`` BC."""
    return make_day(1 - year, month, day).toordinal()


def test_years_before_ad_1_read_as_a_reader_writes_them():
    assert labels_between(TickLevel("year", 200), bc(450), date(450, 1, 1).toordinal()) == [
        "400 BC", "200 BC", "200", "400"]
    assert labels_between(TickLevel("year", 1), bc(3, 6), date(3, 1, 1).toordinal()) == [
        "2 BC", "1 BC", "1", "2", "3"]
    assert labels_between(TickLevel("month", 3), bc(206, 6), bc(204)) == [
        "Jul 206 BC", "Oct", "Jan 205 BC", "Apr", "Jul", "Oct", "Jan 204 BC"]
    assert labels_between(TickLevel("day", 1), bc(44, 3, 14), bc(44, 3, 16)) == [
        "Mar 14, 44 BC", "Mar 15", "Mar 16"]
    assert labels_between(TickLevel("year", 10000), bc(30000), bc(5000)) == ["30,000 BC", "20,000 BC", "10,000 BC"]


def test_bc_ticks_fall_on_round_bc_years_and_1_bc_is_year_0():
    for ordinal in tick_ordinals(TickLevel("year", 50), bc(1000), date(200, 1, 1).toordinal()):
        d = day_from_ordinal(int(ordinal))
        assert (d.month, d.day) == (1, 1)
        assert (1 - d.year) % 50 == 0 if d.year <= 0 else d.year % 50 == 0
    assert day_from_ordinal(bc(1)).year == 0 and day_from_ordinal(0).isoformat() == "0000-12-31"


@pytest.mark.parametrize("level", [TickLevel("year", 1), TickLevel("year", 10), TickLevel("century", 1),
                                   TickLevel("year", 200)])
def test_panning_across_the_era_boundary_keeps_ticks_in_order_and_labelled(level):
    years = round(level.approx_days / DAYS_PER_YEAR)
    width = 40 * level.approx_days
    for left in range(bc(30 * years), date(9 * years, 1, 1).toordinal(), int(width / 7)):
        ticks = tick_ordinals(level, left, left + width)
        texts = tick_labels(ticks, level)
        assert ticks == sorted(set(ticks)) and all(texts)
        assert [reader_number(t) for t in texts] == sorted(reader_number(t) for t in texts)


def reader_number(label: str) -> int:
    """A year or century label as a signed number, BC negative: "206 BC" → -206, "2nd century BC" → -2."""
    number = int(label.split()[0].rstrip("stndrh").replace(",", ""))
    return -number if label.endswith("BC") else number


def test_a_view_reaching_before_ad_1_spaces_its_ticks_for_bc_labels():
    assert "Sep 28, 8888 BC" in widest_labels(TickLevel("day", 1), earliest=bc(206))
    assert "88,888 BC" in widest_labels(TickLevel("year", 1), earliest=bc(12000))
    assert spacing(TickLevel("year", 1)) < label_spacing(TickLevel("year", 1), text_width, 2 * CHAR_PX, bc(206))


def labels_between(level: TickLevel, first: float, last: float) -> list[str]:
    return tick_labels(tick_ordinals(level, first, last), level)


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


@settings(max_examples=300, deadline=None)
@given(st.floats(MIN_ORDINAL, MAX_ORDINAL - 10), st.floats(4, 3_000_000), st.floats(200, 4000),
       st.floats(4, 14))
def test_labels_as_drawn_never_overlap_and_one_says_the_year(first, length, size_px, char_px):
    last = min(first + length, MAX_ORDINAL)
    days_per_px = (last - first) / size_px

    def width(text: str) -> float:
        return len(text) * char_px

    def level_spacing(level: TickLevel) -> float:
        return label_spacing(level, width, gap_px=2 * char_px, earliest=first)

    major, _ = choose_levels(days_per_px, level_spacing)
    assume(major.approx_days / days_per_px >= level_spacing(major))  # zoomed out past every level
    ticks = tick_ordinals(major, first, last)
    first_full = first_full_label(ticks, major, first, last, size_px, width)
    texts = tick_labels(ticks, major, first_full)
    # Neighbouring labels, centred on their ticks, are apart, however long the full ones are.
    for (a, ta), (b, tb) in itertools.pairwise(zip(ticks, texts, strict=True)):
        assert (b - a) / days_per_px >= (width(ta) + width(tb)) / 2
    # The first full label is drawn (inside the view) and gives the year.
    if first_full is not None:
        x = (ticks[first_full] - first) / days_per_px
        assert width(texts[first_full]) / 2 <= x <= size_px - width(texts[first_full]) / 2
        year = day_from_ordinal(int(ticks[first_full])).year
        if major.unit == "century" and names_centuries(ticks):
            assert texts[first_full] == century_label(year)
        else:
            assert texts[first_full].endswith(str(year) if year > 0 else year_label(year))
