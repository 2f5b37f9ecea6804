"""Calendar ticks over proleptic day ordinals, year 1 to 9999.

Which ticks a time axis shows and how they read: centuries, decades, years,
months or days, whichever fits the pixels available (the same idea as
pyqtgraph's ``DateAxisItem.setZoomLevelForDensity``). ``DateAxisItem``
works in Unix seconds, which breaks before 1970 on some platforms and cannot
reach year 1, so the arithmetic is done here on ``date.toordinal()`` days.
Pure Python, no Qt: the axis item in ``viewer.ui.timeline.axis`` and the
grid lines of the events item both draw from it, and it is tested without
a widget.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date

MIN_ORDINAL = date(1, 1, 1).toordinal()
MAX_ORDINAL = date(9999, 12, 31).toordinal()
DAYS_PER_YEAR = 365.2425
# The width a tick label needs, in pixels, so neighbours never collide.
MIN_LABEL_SPACING_PX = 90


@dataclass(frozen=True)
class TickLevel:
    """One kind of tick: every ``step`` years, months or days."""

    unit: str  # "year", "month" or "day"
    step: int

    @property
    def approx_days(self) -> float:
        """Rough length of one step in days, to compare with pixels per day."""
        return {"year": DAYS_PER_YEAR, "month": DAYS_PER_YEAR / 12, "day": 1.0}[self.unit] * self.step


LEVELS = [
    TickLevel("year", 1000), TickLevel("year", 500), TickLevel("year", 200), TickLevel("year", 100),
    TickLevel("year", 50), TickLevel("year", 20), TickLevel("year", 10), TickLevel("year", 5),
    TickLevel("year", 2), TickLevel("year", 1), TickLevel("month", 6), TickLevel("month", 3),
    TickLevel("month", 1), TickLevel("day", 14), TickLevel("day", 7), TickLevel("day", 2),
    TickLevel("day", 1),
]


def choose_levels(days_per_px: float, min_spacing_px: float = MIN_LABEL_SPACING_PX
                  ) -> tuple[TickLevel, TickLevel | None]:
    """The finest labelled level whose ticks are far enough apart, and the next finer one.

    Args:
        days_per_px: how many days one pixel spans at the current zoom.
        min_spacing_px: the least distance between two labels.

    Returns:
        (major level, minor level or None).
    """
    major_index = 0
    for i, level in enumerate(LEVELS):
        if level.approx_days / days_per_px >= min_spacing_px:
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
    d0 = date.fromordinal(math.floor(first))
    d1 = date.fromordinal(math.floor(last))
    ticks: list[float] = []
    if level.unit == "year":
        y = math.ceil(d0.year / level.step) * level.step
        if y == d0.year and d0 != date(y, 1, 1):
            y += level.step
        y = max(y, level.step)
        while y <= d1.year and len(ticks) < limit:
            ticks.append(float(date(y, 1, 1).toordinal()))
            y += level.step
    elif level.unit == "month":
        index = d0.year * 12 + (d0.month - 1)
        if d0.day != 1:
            index += 1
        index = math.ceil(index / level.step) * level.step
        while len(ticks) < limit:
            y, m = divmod(index, 12)
            if y > 9999 or y < 1:
                break
            ordinal = date(y, m + 1, 1).toordinal()
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


def major_ticks(first: float, last: float, size_px: float) -> list[float]:
    """The labelled ticks for a view of ``[first, last]`` over ``size_px`` pixels (for grid lines)."""
    if size_px <= 0 or last <= first:
        return []
    major, _ = choose_levels((last - first) / size_px)
    return tick_ordinals(major, first, last)


def tick_label(ordinal: float, level: TickLevel) -> str:
    """The label of one tick: as much of the date as the level shows."""
    try:
        d = date.fromordinal(int(round(ordinal)))  # noqa: RUF046 - NumPy 1's round() gives a float
    except (ValueError, OverflowError):
        return ""
    if level.unit == "year":
        return str(d.year)
    if level.unit == "month":
        return str(d.year) if d.month == 1 else calendar.month_abbr[d.month]
    if d.day == 1:
        return f"{calendar.month_abbr[d.month]} {d.year}" if d.month == 1 else calendar.month_abbr[d.month]
    return f"{calendar.month_abbr[d.month]} {d.day}"
