"""Calendar ticks over proleptic day ordinals, 100,000 BC to AD 9999.

Which ticks a time axis shows and how they read: centuries, decades, years,
months or days, whichever fits the pixels available (the same idea as
pyqtgraph's ``DateAxisItem.setZoomLevelForDensity``). ``DateAxisItem``
works in Unix seconds, which breaks before 1970 on some platforms and cannot
reach year 1, so the arithmetic is done here on ``date.toordinal()`` days,
continued below 1 for dates before the common era (``AncientDate``: 0 is
31 December 1 BC). Years before AD 1 read as a reader writes them, "206 BC",
and their ticks fall on round BC years (100 BC, not "101 BC" for astronomical
year -100). Zoomed out to centuries, a view that reaches back before the
common era names the century that starts at each tick, as a reader writes
it: "2nd century BC", "1st century BC", "1st century", "2nd century" (AD
years carry no era on this axis, and neither do their centuries); a view of
the common era only reads the years of its ticks, "1800", "1900", "2000", as
timelines of modern history do (a "21st century" at the tick of 2000, with
the 1900s left of it unlabelled, was read as naming the 1900s). The
centuries are the ones the date grammar reads: BC ones as counted (the 1st
century BC is 100-1 BC), AD ones as commonly used (the 20th century is
1900-1999, the 1st starts in AD 1).
Labels always say when: the first label in view reads in full ("Mar 3,
2026", "Mar 2026") and so does every tick where the year changes, so a
reader zoomed in to days still sees the year. How far apart ticks must be
comes from the widest label of their level as the axis font draws it.

Pure Python, no Qt: the axis item in ``viewer.ui.timeline.axis`` and the
grid lines of the events item both draw from it, and it is tested without
a widget (text widths come in as a function).
"""

from __future__ import annotations

import calendar
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from viewer.model.story import FIRST_YEAR, Day, day_from_ordinal, make_day

MIN_ORDINAL = make_day(FIRST_YEAR, 1, 1).toordinal()
MAX_ORDINAL = date(9999, 12, 31).toordinal()
DAYS_PER_YEAR = 365.2425
# The width a tick label needs, in pixels, so neighbours never collide, when no
# font is at hand to measure the labels with (see ``label_spacing``).
MIN_LABEL_SPACING_PX = 90
# A sample year and day for measuring the widest label of a level: four digits,
# and a two-digit day (digits are the same width in the usual fonts).
_SAMPLE_YEAR = 2888
_SAMPLE_DAY = 28


@dataclass(frozen=True)
class TickLevel:
    """One kind of tick: every ``step`` centuries, years, months or days."""

    unit: str  # "century", "year", "month" or "day"
    step: int

    @property
    def approx_days(self) -> float:
        """Rough length of one step in days, to compare with pixels per day."""
        return _UNIT_DAYS[self.unit] * self.step


_UNIT_DAYS = {"century": 100 * DAYS_PER_YEAR, "year": DAYS_PER_YEAR, "month": DAYS_PER_YEAR / 12, "day": 1.0}


# No 50-year level: its labels ("150 BC") are half as wide as a century's
# ("2nd century BC"), so it would fit at every zoom where centuries do and the
# axis would never name a century.
LEVELS = [
    TickLevel("year", 10000), TickLevel("year", 5000), TickLevel("year", 2000),
    TickLevel("year", 1000), TickLevel("year", 500), TickLevel("year", 200), TickLevel("century", 1),
    TickLevel("year", 20), TickLevel("year", 10), TickLevel("year", 5),
    TickLevel("year", 2), TickLevel("year", 1), TickLevel("month", 6), TickLevel("month", 3),
    TickLevel("month", 1), TickLevel("day", 14), TickLevel("day", 7), TickLevel("day", 2),
    TickLevel("day", 1),
]


Spacing = float | Callable[[TickLevel], float]


def choose_levels(days_per_px: float, min_spacing_px: Spacing = MIN_LABEL_SPACING_PX
                  ) -> tuple[TickLevel, TickLevel | None]:
    """The finest labelled level whose ticks are far enough apart, and the next finer one.

    Args:
        days_per_px: how many days one pixel spans at the current zoom.
        min_spacing_px: the least distance between two labels: one figure for
            every level, or a function giving it for each level (its widest
            label as drawn, see ``label_spacing``).

    Returns:
        (major level, minor level or None).
    """
    major_index = 0
    for i, level in enumerate(LEVELS):
        needed = min_spacing_px(level) if callable(min_spacing_px) else min_spacing_px
        if level.approx_days / days_per_px >= needed:
            major_index = i
    major = LEVELS[major_index]
    minor = LEVELS[major_index + 1] if major_index + 1 < len(LEVELS) else None
    if minor is not None and minor.approx_days / days_per_px < 8:
        minor = None
    return major, minor


def tick_ordinals(level: TickLevel, first: float, last: float, limit: int = 2000) -> list[float]:
    """Ordinals of the ticks of ``level`` between two ordinals (inclusive)."""
    first = max(first, MIN_ORDINAL)
    last = min(last, MAX_ORDINAL)
    if last < first:
        return []
    d0 = day_from_ordinal(math.floor(first))
    d1 = day_from_ordinal(math.floor(last))
    ticks: list[float] = []
    if level.unit == "year":
        ticks = _year_ticks(level.step, d0.year, d1.year, limit)
    elif level.unit == "century":
        ticks = _century_ticks(d0.year, d1.year, limit)
    elif level.unit == "month":
        index = d0.year * 12 + (d0.month - 1)
        if d0.day != 1:
            index += 1
        index = math.ceil(index / level.step) * level.step
        while len(ticks) < limit:
            y, m = divmod(index, 12)
            if y > 9999 or y < FIRST_YEAR:
                break
            ordinal = make_day(y, m + 1, 1).toordinal()
            if ordinal > last:
                break
            ticks.append(float(ordinal))
            index += level.step
    else:
        o = math.ceil(first)
        if level.step > 1:
            o = math.ceil(o / level.step) * level.step
        while o <= last and len(ticks) < limit:
            ticks.append(float(o))
            o += level.step
    return [t for t in ticks if first <= t <= last]


def _year_ticks(step: int, first_year: int, last_year: int, limit: int) -> list[float]:
    """1 January of each round year from ``first_year`` to ``last_year`` (astronomical).

    AD years are round as numbers (100, 200); BC years as a reader counts
    them (100 BC is astronomical year -99), so that labels read "200 BC",
    "100 BC", "100" across the boundary.
    """
    ticks: list[float] = []
    if first_year <= 0:
        # BC years n from the largest (earliest) down: astronomical year 1 - n.
        latest_bc = 1 - min(last_year, 0)
        n = (1 - first_year) // step * step
        while n >= latest_bc and n >= 1 and len(ticks) < limit:
            ticks.append(float(make_day(1 - n, 1, 1).toordinal()))
            n -= step
    y = max(math.ceil(max(first_year, 1) / step) * step, step)
    while y <= last_year and len(ticks) < limit:
        ticks.append(float(date(y, 1, 1).toordinal()))
        y += step
    return ticks


def _century_ticks(first_year: int, last_year: int, limit: int) -> list[float]:
    """1 January of the first year of each century from ``first_year`` to ``last_year`` (astronomical).

    BC centuries start at 100 BC, 200 BC, ... (astronomical -99, -199); AD
    ones at AD 1, then 100, 200, ..., where the date grammar starts them.
    """
    ticks = _year_ticks(100, first_year, min(last_year, 0), limit)
    if first_year <= 1 <= last_year and len(ticks) < limit:
        ticks.append(float(date(1, 1, 1).toordinal()))
    if last_year >= 100:
        ticks += _year_ticks(100, max(first_year, 100), last_year, limit - len(ticks))
    return ticks


def major_ticks(first: float, last: float, size_px: float,
                min_spacing_px: Spacing = MIN_LABEL_SPACING_PX) -> list[float]:
    """The labelled ticks for a view of ``[first, last]`` over ``size_px`` pixels (for grid lines)."""
    if size_px <= 0 or last <= first:
        return []
    major, _ = choose_levels((last - first) / size_px, min_spacing_px)
    return tick_ordinals(major, first, last)


def _month(d: Day) -> str:
    return calendar.month_abbr[d.month]


def year_label(year: int) -> str:
    """An astronomical year on the axis: "2026", "9", "206 BC" (year 0 is 1 BC), "10,000 BC"."""
    if year > 0:
        return str(year)
    bc = 1 - year
    return f"{bc:,} BC" if bc >= 10_000 else f"{bc} BC"


def century_number(year: int) -> tuple[int, bool]:
    """The century an astronomical year falls in, and whether it is BC: (1, True) for 100-1 BC.

    As the date grammar reads centuries: BC ones as counted (100-1 BC is the
    1st century BC), AD ones as commonly used (1900-1999 is the 20th).
    """
    if year <= 0:
        return (1 - year - 1) // 100 + 1, True
    return year // 100 + 1, False


def _ordinal_suffix(n: int) -> str:
    if n % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def century_label(year: int) -> str:
    """The century of an astronomical year as a reader writes it: "21st century", "1st century BC"."""
    return _century_text(*century_number(year))


def _century_text(n: int, bc: bool) -> str:
    return f"{n:,}{_ordinal_suffix(n)} century{' BC' if bc else ''}"


def tick_label(ordinal: float, level: TickLevel, full: bool = False, centuries: bool = True) -> str:
    """The label of one tick: as much of the date as the level shows.

    Short labels name what changes from one tick to the next: "2026", "Mar",
    "Mar 3". A full label also names what encloses it, so that the reader of
    that tick alone knows when it is: "Mar 2026" for a month, "Mar 3, 2026"
    for a day (a year says it all already). A century tick names its
    century, or if not ``centuries`` reads its year (see ``names_centuries``).
    """
    if not MIN_ORDINAL <= ordinal <= MAX_ORDINAL + 0.5:
        return ""
    try:
        d = day_from_ordinal(int(round(ordinal)))  # noqa: RUF046 - NumPy 1's round() gives a float
    except (ValueError, OverflowError):
        return ""
    if level.unit == "century":
        return century_label(d.year) if centuries else year_label(d.year)
    if level.unit == "year":
        return year_label(d.year)
    if level.unit == "month":
        return f"{_month(d)} {year_label(d.year)}" if full else _month(d)
    return f"{_month(d)} {d.day}, {year_label(d.year)}" if full else f"{_month(d)} {d.day}"


def names_centuries(ordinals: Sequence[float]) -> bool:
    """Whether century ticks name their centuries: where the first of them is before AD 1."""
    if not len(ordinals):
        return False
    try:
        return day_from_ordinal(int(round(ordinals[0]))).year <= 0  # noqa: RUF046 - see tick_label
    except (ValueError, OverflowError):
        return True


def tick_labels(ordinals: Sequence[float], level: TickLevel, first_full: int | None = 0) -> list[str]:
    """The labels of a row of ticks (in order), so that the row always says when it is.

    The tick at index ``first_full`` (the first one whose label is drawn) reads
    in full, "Mar 3, 2026" or "Mar 2026", and so does every later tick where
    the year changes ("Jan 2027", "Jan 1, 2027"). Every day label names its
    month, so a new month shows too ("Apr 1"). Ticks before ``first_full`` are
    not labelled: their full label would stick out of the view, and a short
    one ("Jul") left of "Jan 1967" would be read as July 1967. If
    ``first_full`` is None (no full label fits anywhere), all read short.
    """
    result: list[str] = []
    previous_year: int | None = None
    centuries = names_centuries(ordinals)
    for i, ordinal in enumerate(ordinals):
        try:
            year: int | None = day_from_ordinal(int(round(ordinal))).year  # noqa: RUF046 - see tick_label
        except (ValueError, OverflowError):
            year = None
        if first_full is not None and i < first_full:
            result.append("")
            continue
        full = first_full is not None and (i == first_full or year != previous_year)
        result.append(tick_label(ordinal, level, full=full, centuries=centuries))
        previous_year = year
    return result


def first_full_label(ordinals: Sequence[float], level: TickLevel, first: float, last: float,
                     size_px: float, text_width: Callable[[str], float]) -> int | None:
    """Index of the first tick whose full label, centred on it, fits inside the view.

    Labels that would stick out of the view are not drawn (pyqtgraph drops
    them), so the full label goes to the first tick where it is seen.

    Args:
        ordinals: the ticks, in order.
        level: their level.
        first, last: the ordinals at the view's edges.
        size_px: the view's width in pixels.
        text_width: the width of a text in pixels, as drawn.

    Returns:
        The index, or None when no full label fits.
    """
    if size_px <= 0 or last <= first:
        return None
    px_per_day = size_px / (last - first)
    centuries = names_centuries(ordinals)
    for i, ordinal in enumerate(ordinals):
        x = (ordinal - first) * px_per_day
        half = text_width(tick_label(ordinal, level, full=True, centuries=centuries)) / 2 + 1  # slack: rounding
        if x - half >= 0 and x + half <= size_px:
            return i
    return None


def widest_labels(level: TickLevel, earliest: float | None = None) -> list[str]:
    """The labels to measure for a level's widest: each month's, in full, with a long year and day.

    Args:
        level: the level.
        earliest: the ordinal at the view's left edge. A view reaching back
            before AD 1 also measures BC labels as long as its earliest year's
            ("2888 BC", "88,888 BC"); other views keep the narrower spacing of
            four-digit years.
    """
    years = [_SAMPLE_YEAR]
    if earliest is not None and earliest < 1:
        bc = 1 - day_from_ordinal(max(MIN_ORDINAL, math.floor(earliest))).year
        years.append(1 - min(int("8" * max(4, len(str(bc)))), 1 - FIRST_YEAR))
    if level.unit == "century":
        if earliest is None or earliest >= 1:  # the common era only: its ticks read years
            return [year_label(_SAMPLE_YEAR)]
        # The widest century of as many digits as the years above, with each ordinal suffix.
        return [_century_text(n, year <= 0) for year in years for n in _sample_centuries(year)]
    return [tick_label(make_day(year, month, _SAMPLE_DAY).toordinal(), level, full=True)
            for year in years for month in range(1, 13)]


def _sample_centuries(year: int) -> list[int]:
    """Centuries whose labels are as long as those near the sample ``year``: "88th", "81st", "82nd", "83rd".

    The sample years are all eights ("2888", "8888 BC"), as long as any
    year the view shows; their centuries have as many figures as the
    centuries shown, and each ordinal suffix is measured.
    """
    figures = len(str(century_number(year)[0]))
    return [int("8" * (figures - 1) + last) for last in "8123"] if figures > 1 else [8, 1, 2, 3]


def label_spacing(level: TickLevel, text_width: Callable[[str], float], gap_px: float,
                  earliest: float | None = None) -> float:
    """The least distance between two ticks of ``level``: its widest label plus a gap.

    ``earliest`` is the ordinal at the view's left edge (see ``widest_labels``).
    """
    return max(text_width(text) for text in widest_labels(level, earliest)) + gap_px
