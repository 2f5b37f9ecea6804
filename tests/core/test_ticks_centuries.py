"""The axis zoomed out to centuries: ticks name centuries as a reader writes them (no Qt)."""

import itertools
from datetime import date

import pytest

from viewer.core.ticks import (
    LEVELS,
    TickLevel,
    choose_levels,
    first_full_label,
    label_spacing,
    names_centuries,
    tick_labels,
    tick_ordinals,
    widest_labels,
)
from viewer.model import parse_date
from viewer.model.story import day_from_ordinal, make_day

CENTURY = TickLevel("century", 1)
CHAR_PX = 7.0  # a stand-in font: every character this wide


def text_width(text: str) -> float:
    return len(text) * CHAR_PX


def bc(year: int) -> int:
    """The ordinal of 1 January of ``year`` BC."""
    return make_day(1 - year, 1, 1).toordinal()


def ad(year: int) -> int:
    return date(year, 1, 1).toordinal()


def axis(first: float, last: float, size_px: float = 1200,
         width=text_width) -> tuple[TickLevel, list[float], list[str]]:
    """The level, ticks and labels an axis ``size_px`` wide over ``[first, last]`` shows, as the axis item does."""

    def spacing(level: TickLevel) -> float:
        return label_spacing(level, width, gap_px=2 * CHAR_PX, earliest=first)

    major, _ = choose_levels((last - first) / size_px, spacing)
    ticks = tick_ordinals(major, first, last)
    return major, ticks, tick_labels(ticks, major, first_full_label(ticks, major, first, last, size_px, width))


def test_centuries_across_the_era_boundary_read_as_a_reader_writes_them():
    texts = tick_labels(tick_ordinals(CENTURY, bc(450), ad(450)), CENTURY)
    assert texts == ["4th century BC", "3rd century BC", "2nd century BC", "1st century BC",
                     "1st century", "2nd century", "3rd century", "4th century", "5th century"]
    assert tick_labels(tick_ordinals(CENTURY, bc(1250), bc(950)), CENTURY) == [
        "12th century BC", "11th century BC", "10th century BC"]  # 11th, 12th: "th", not "st", "nd"
    # No "AD" on the axis, for centuries as for years ("9", "2026"). A view of the common era only
    # reads its century ticks' years, as modern timelines do: "21st century" at the tick of 2000,
    # with the 1900s to its left and unlabelled, was taken for the 1900s' name.
    assert tick_labels(tick_ordinals(CENTURY, ad(1750), ad(2030)), CENTURY) == ["1800", "1900", "2000"]
    assert tick_labels(tick_ordinals(CENTURY, ad(1050), ad(1350)), CENTURY) == ["1100", "1200", "1300"]


def test_an_axis_zoomed_out_to_centuries_uses_the_century_level():
    # 500 BC to AD 300 on 1200 pixels, in a 7-pixel font: a tick a century, 150 pixels apart.
    major, _, texts = axis(bc(500), ad(300))
    assert major == CENTURY
    assert "1st century BC" in texts and "1st century" in texts and "4th century BC" in texts
    assert not any(t.endswith("00 BC") or t.isdigit() for t in texts)  # no "100 BC" or "200" left


@pytest.mark.parametrize("text", ["5th century BC", "2nd century BC", "1st century BC", "1st century",
                                  "1st century AD", "2nd century", "11th century", "20th century", "21st century"])
def test_each_century_tick_starts_the_century_the_dates_read_as_that_century(text):
    # A story's "5th century BC" lies between the tick labelled so and the next one, on the same days.
    span = parse_date(text)
    ticks = tick_ordinals(CENTURY, span.start.toordinal() - 40_000, span.end.toordinal() + 40_000)
    labels = dict(zip(ticks, tick_labels(ticks, CENTURY), strict=True))
    # Named where the view reaches back before AD 1; a view of the common era reads the year.
    label = text.removesuffix(" AD") if names_centuries(ticks) else str(span.start.year)
    assert labels[span.start.toordinal()] == label
    following = next(t for t in ticks if t > span.start.toordinal())
    assert following == span.end.toordinal() + 1


def test_prehistoric_centuries_have_long_labels_and_the_spacing_measures_them():
    assert tick_labels(tick_ordinals(CENTURY, bc(12_050), bc(11_750)), CENTURY) == [
        "120th century BC", "119th century BC", "118th century BC"]
    assert tick_labels(tick_ordinals(CENTURY, -1e9, bc(99_750)), CENTURY)[0] == "1,000th century BC"
    # Measured as long as the longest century in view: two figures near AD 1, more in prehistory.
    assert {"88th century", "81st century", "88th century BC"} <= set(widest_labels(CENTURY, earliest=bc(206)))
    deep = widest_labels(CENTURY, earliest=bc(100_000))
    assert max(map(len, deep)) >= len("1,000th century BC")
    assert label_spacing(CENTURY, text_width, 0) < label_spacing(CENTURY, text_width, 0, earliest=bc(12_000))


@pytest.mark.parametrize("char_px", [5.0, 7.0, 10.0, 14.0])
@pytest.mark.parametrize(("first", "last"), [(bc(1000), ad(1000)), (bc(12_400), bc(11_400)),
                                             (ad(1300), ad(2100)), (bc(600), ad(300)), (bc(100_000), bc(99_000))])
def test_century_labels_never_overlap_whatever_the_font(first, last, char_px):
    def width(text: str) -> float:
        return len(text) * char_px

    major, ticks, texts = axis(first, last, size_px=1200, width=width)
    px_per_day = 1200 / (last - first)
    for (a, ta), (b, tb) in itertools.pairwise(zip(ticks, texts, strict=True)):
        assert (b - a) * px_per_day >= (width(ta) + width(tb)) / 2
    # A larger font does not squeeze in more ticks: it moves to a coarser level.
    assert LEVELS.index(major) <= LEVELS.index(axis(first, last, width=lambda t: len(t) * 5.0)[0])


def test_a_big_font_gives_up_centuries_for_coarser_ticks():
    assert axis(bc(500), ad(300))[0] == CENTURY
    wide = axis(bc(500), ad(300), width=lambda text: len(text) * 14.0)[0]
    assert wide.approx_days > CENTURY.approx_days


def test_panning_century_ticks_across_the_boundary_keeps_them_in_order():
    width = 12 * CENTURY.approx_days
    for left in range(bc(1500), ad(800), int(width / 9)):
        ticks = tick_ordinals(CENTURY, left, left + width)
        texts = tick_labels(ticks, CENTURY)
        assert ticks == sorted(set(ticks)) and len(set(texts)) == len(texts)
        years = [day_from_ordinal(int(t)).year for t in ticks]
        # Every tick starts a century: 100 BC, 200 BC, ... (astronomical -99, -199), AD 1, 100, 200, ...
        assert all((y - 1) % 100 == 0 if y <= 1 else y % 100 == 0 for y in years)
