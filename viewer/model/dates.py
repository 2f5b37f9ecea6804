"""The date grammar: written dates of mixed precision to inclusive day spans.

Story files write dates as people do: ``1960s``, ``2025``, ``Mid-2022``,
``Nov 2023``, ``Jan 3, 2026``, ``Sep 14–16, 2025``. A span keeps the precision
the text gave and never invents a day it did not give.

The common forms go through compiled regular expressions (about a microsecond
each), because loading 100,000 events must take well under a second and
python-dateutil costs about 35 µs a date. Only what the grammar does not know
is handed to dateutil, and then without its fuzzy mode: fuzzy parsing turns
``1960s`` into a date of the current year and fills missing parts from today,
which is exactly the invention this module exists to avoid.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, datetime

from viewer.model.story import DateSpan, Precision

__all__ = ["MAX_YEAR", "MIN_YEAR", "YearlessDate", "describe_span", "parse_date"]

MIN_YEAR = 1
MAX_YEAR = 9999

_MONTHS = {
    "jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
    "apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
    "aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10,
    "october": 10, "nov": 11, "november": 11, "dec": 12, "december": 12,
}
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
)
_DAY = r"(?:[0-2]?\d|3[01])(?:st|nd|rd|th)?"
_YEAR = r"\d{3,4}"

# Calendar forms: each gives some of year, month and day.
_CALENDAR_FORMS: list[re.Pattern[str]] = [
    re.compile(r"(?P<y>\d{4})-(?P<m>\d{1,2})-(?P<d>\d{1,2})"),
    re.compile(r"(?P<y>\d{4})/(?P<m>\d{1,2})/(?P<d>\d{1,2})"),
    re.compile(rf"(?P<M>{_MONTH}),? (?P<d>{_DAY}),? (?P<y>{_YEAR})"),
    re.compile(rf"(?P<d>{_DAY}) (?:of )?(?P<M>{_MONTH}),? (?P<y>{_YEAR})"),
    re.compile(rf"(?P<M>{_MONTH}),? (?P<y>{_YEAR})"),
    re.compile(r"(?P<y>\d{4})-(?P<m>0[1-9]|1[0-2])"),
    re.compile(r"(?:(?:ad|a\.d\.|ce) (?P<y0>\d{1,4})|(?P<y1>\d{1,4}) (?:ad|a\.d\.|ce))"),
    re.compile(rf"(?P<y>{_YEAR})"),
    re.compile(rf"(?P<M>{_MONTH}),? (?P<d>{_DAY})"),
    re.compile(rf"(?P<d>{_DAY}) (?:of )?(?P<M>{_MONTH})"),
    re.compile(rf"(?P<M>{_MONTH})"),
]

_PART = r"(?P<part>early|mid|middle|late|end of|start of|beginning of)[- ]?(?:the )?"
# Three or four digits: "90s" or "'90s" does not say which century, and the
# grammar does not guess one.
_DECADE = re.compile(rf"(?:{_PART})?(?P<dec>\d{{2,3}}0)['’]?s")
_PRESENT = frozenset(("present", "now", "today", "ongoing", "the present", "date"))
_CENTURY = re.compile(
    rf"(?:{_PART})?(?P<c>\d{{1,2}})(?:st|nd|rd|th)[- ]century(?: (?:ad|ce))?"
)
_YEAR_PART = re.compile(rf"{_PART}(?P<y>{_YEAR})")
_MONTH_PART = re.compile(rf"{_PART}(?P<M>{_MONTH}),? (?P<y>{_YEAR})")
_SEASON = re.compile(rf"(?P<s>spring|summer|autumn|fall|winter),? (?P<y>{_YEAR})")
# "Winter 2023–24" (or 2023/24): the winter that starts in December 2023.
_SPLIT_WINTER = re.compile(r"winter,? (?P<y>\d{4}) ?[–/-] ?(?P<y2>\d{2}|\d{4})")
_QUARTER = re.compile(rf"(?:q(?P<q>[1-4])|(?P<qn>first|second|third|fourth) quarter(?: of)?),? (?P<y>{_YEAR})")
_HALF = re.compile(rf"(?:h(?P<h>[12])|(?P<hn>first|second) half(?: of)?),? (?P<y>{_YEAR})")

_QUALIFIER = re.compile(
    r"^(?:c\.|ca\.|circa|around|about|approx\.|approximately|~|in|on|the|by)\s*", re.I
)
_WEEKDAY = re.compile(
    r"^(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?,?\s+",
    re.I,
)
_RANGE_SPLIT = re.compile(r"\s*[–—]\s*|\s+-\s+|(?<=[\w.])-(?=\w)|\s+(?:to|through|until|till|and)\s+")
_PART_KEY = {
    "early": 0, "start of": 0, "beginning of": 0, "mid": 1, "middle": 1, "late": 2, "end of": 2,
}
_ORDINAL_WORD = {"first": 1, "second": 2, "third": 3, "fourth": 4}
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class YearlessDate:
    """A date written without a year (``Dec 12``), resolved later from neighbours.

    ``end_month``/``end_day`` describe the end of a yearless range
    (``Sep 14–16``); for a single date they equal the start.
    """

    month: int
    day: int | None
    end_month: int
    end_day: int | None

    def in_year(self, year: int) -> DateSpan | None:
        """The span this date covers when it falls in ``year`` (end may roll over)."""
        end_year = year + 1 if self.end_month < self.month else year
        try:
            start = _cal_start(year, self.month, self.day)
            end = _cal_end(end_year, self.end_month, self.end_day)
        except ValueError:
            return None
        precision = Precision.DAY if self.day is not None or self.end_day is not None else Precision.MONTH
        return DateSpan(start, end, precision)


@dataclass(frozen=True, slots=True)
class _Cal:
    """A calendar point with any of its parts missing (None)."""

    y: int | None
    m: int | None
    d: int | None


_cache: dict[str, DateSpan | YearlessDate | None] = {}
_CACHE_LIMIT = 200_000


def parse_date(text: str) -> DateSpan | YearlessDate | None:
    """Read a written date.

    Args:
        text: the date as written, e.g. ``"Jan 3, 2026"`` or ``"1960s"``.

    Returns:
        A ``DateSpan``; a ``YearlessDate`` when the text gives no year (the
        caller infers one from neighbouring events); None when the text is not
        a date this module can read without guessing.
    """
    try:
        return _cache[text]
    except KeyError:
        pass
    result: DateSpan | YearlessDate | None = _parse_fast(text)
    if result is None:
        result = _parse_uncached(text)
    if len(_cache) < _CACHE_LIMIT:
        _cache[text] = result
    return result


# The forms most timelines use, read without normalising the text first.
_FAST = re.compile(
    r"(?P<M>[A-Za-z]{3,9})\.? (?P<d>\d{1,2}), (?P<y>\d{4})"
    r"|(?P<y2>\d{4})"
    r"|(?P<M3>[A-Za-z]{3,9}) (?P<y3>\d{4})"
    r"|(?P<iy>\d{4})-(?P<im>\d\d)-(?P<id>\d\d)"
    r"|(?P<dd>\d{1,2}) (?P<dM>[A-Za-z]{3,9}) (?P<dy>\d{4})"
    r"|(?P<part>Early|Mid|Late|early|mid|late)[- ](?P<py>\d{4})"
    r"|(?P<dec>\d{3}0)s"
    r"|(?P<rM>[A-Za-z]{3,9})\.? (?P<rd1>\d{1,2})[–-](?P<rd2>\d{1,2}), (?P<ry>\d{4})"
    r"|(?P<ya>\d{4})[–-](?P<yb>\d{4})"
)


def _parse_fast(text: str) -> DateSpan | None:
    """The common forms in about a microsecond; None hands over to the full grammar."""
    m = _FAST.fullmatch(text)
    if m is None:
        return None
    try:
        if m["y"]:
            return _named_day(m["y"], m["M"], m["d"])
        if m["y2"]:
            y = int(m["y2"])
            return DateSpan(date(y, 1, 1), date(y, 12, 31), Precision.YEAR)
        if m["y3"]:
            month = _MONTHS.get(m["M3"].lower())
            if month is None:
                return None
            y = int(m["y3"])
            return DateSpan(date(y, month, 1), _cal_end(y, month, None), Precision.MONTH)
        if m["iy"]:
            day = date(int(m["iy"]), int(m["im"]), int(m["id"]))
            return DateSpan(day, day, Precision.DAY)
        if m["dy"]:
            return _named_day(m["dy"], m["dM"], m["dd"])
        if m["py"]:
            y = int(m["py"])
            third = _PART_KEY[m["part"].lower()]
            return DateSpan(date(y, 4 * third + 1, 1), _cal_end(y, 4 * third + 4, None), Precision.YEAR_PART)
        if m["dec"]:
            y = int(m["dec"])
            if y % 100 == 0 and y != 2000:
                return None  # "1800s" is a century: the full grammar decides
            return DateSpan(date(y, 1, 1), date(y + 9, 12, 31), Precision.DECADE)
        if m["ya"]:
            ya, yb = int(m["ya"]), int(m["yb"])
            return DateSpan(date(ya, 1, 1), date(yb, 12, 31), Precision.YEAR) if ya <= yb else None
        month = _MONTHS.get(m["rM"].lower())
        if month is None:
            return None
        y = int(m["ry"])
        first, last = date(y, month, int(m["rd1"])), date(y, month, int(m["rd2"]))
        return DateSpan(first, last, Precision.DAY) if first <= last else None
    except ValueError:
        return None  # the full grammar decides (and rejects Feb 30 the same way)


def _named_day(year: str, month_name: str, day: str) -> DateSpan | None:
    """One day written with a month name ("Jan 3, 2026", "3 January 2026").

    Raises:
        ValueError: no such day (Feb 30); the caller hands over to the full grammar.
    """
    month = _MONTHS.get(month_name.lower())
    if month is None:
        return None
    one = date(int(year), month, int(day))
    return DateSpan(one, one, Precision.DAY)


def _parse_uncached(text: str) -> DateSpan | YearlessDate | None:
    s = _SPACES.sub(" ", text.strip().lower()).rstrip(":,;. ")
    s = s.replace("‑", "-").replace("‐", "-")
    if not s or len(s) > 60:
        return None
    s = _WEEKDAY.sub("", _QUALIFIER.sub("", s))
    point: DateSpan | YearlessDate | _Cal | None = _parse_point(s)
    if point is None:
        point = _parse_range(s)
    if point is None:
        point = _parse_with_dateutil(s)
    if isinstance(point, _Cal):
        return _cal_to_result(point, point)
    return point


def _parse_point(s: str) -> DateSpan | _Cal | None:
    """Parse one endpoint: a fixed span, a partial calendar date, or None."""
    for pattern in _CALENDAR_FORMS:
        m = pattern.fullmatch(s)
        if m is None:
            continue
        g = m.groupdict()
        year = g.get("y") or g.get("y0") or g.get("y1")
        y = int(year) if year else None
        if "M" in g and g["M"] is not None:
            month: int | None = _MONTHS[g["M"].rstrip(".")]
        elif g.get("m"):
            month = int(g["m"])
        else:
            month = None
        d = int(_strip_ordinal(g["d"])) if g.get("d") else None
        if y is not None and not MIN_YEAR <= y <= MAX_YEAR:
            return None
        if month is not None and not 1 <= month <= 12:
            return None
        return _Cal(y, month, d)
    return _parse_vague(s)


def _parse_vague(s: str) -> DateSpan | None:
    """Decades, centuries and parts of years: always carry their own year."""
    m = _DECADE.fullmatch(s)
    if m:
        start_year = int(m["dec"])
        if start_year % 100 == 0 and start_year not in (0, 2000) and len(m["dec"]) == 4:
            # "1800s" is the nineteenth century in common use; "2000s" the decade.
            return _part_of(start_year, start_year + 99, m["part"], Precision.CENTURY)
        return _part_of(start_year, start_year + 9, m["part"], Precision.DECADE)
    m = _CENTURY.fullmatch(s)
    if m:
        c = int(m["c"])
        if c < 1 or c > 100:
            return None
        # Popular usage: the 20th century is 1900-1999 (year 0 does not exist).
        return _part_of((c - 1) * 100, c * 100 - 1, m["part"], Precision.CENTURY)
    m = _YEAR_PART.fullmatch(s)
    if m:
        y = int(m["y"])
        third = _PART_KEY[m["part"]]
        return _span(y, 4 * third + 1, 1, y, 4 * third + 4, None, Precision.YEAR_PART)
    m = _MONTH_PART.fullmatch(s)
    if m:
        y = int(m["y"])
        month = _MONTHS[m["M"].rstrip(".")]
        third = _PART_KEY[m["part"]]
        last = calendar.monthrange(y, month)[1] if MIN_YEAR <= y <= MAX_YEAR else 31
        first_day, last_day = ((1, 10), (11, 20), (21, last))[third]
        return _span(y, month, first_day, y, month, last_day, Precision.MONTH)
    m = _SPLIT_WINTER.fullmatch(s)
    if m:
        y = int(m["y"])
        if int(m["y2"]) % 100 != (y + 1) % 100:
            return None
        return _winter(y)
    m = _SEASON.fullmatch(s)
    if m:
        y = int(m["y"])
        season = m["s"]
        if season == "winter":
            return _winter(y)
        first = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9}[season]
        return _span(y, first, 1, y, first + 2, None, Precision.YEAR_PART)
    m = _QUARTER.fullmatch(s)
    if m:
        q = int(m["q"]) if m["q"] else _ORDINAL_WORD[m["qn"]]
        y = int(m["y"])
        return _span(y, 3 * q - 2, 1, y, 3 * q, None, Precision.YEAR_PART)
    m = _HALF.fullmatch(s)
    if m:
        h = int(m["h"]) if m["h"] else _ORDINAL_WORD[m["hn"]]
        y = int(m["y"])
        return _span(y, 6 * h - 5, 1, y, 6 * h, None, Precision.YEAR_PART)
    return None


def _winter(year: int) -> DateSpan | None:
    """Winter ``year`` is the winter that begins in December of that year."""
    return _span(year, 12, 1, year + 1, 2, None, Precision.YEAR_PART)


def _part_of(first: int, last: int, part: str | None, precision: Precision) -> DateSpan | None:
    """The early/mid/late third of a year range, or all of it."""
    if part is not None:
        length = last - first + 1
        third = _PART_KEY[part]
        cut1 = first + round(length * 0.3)
        cut2 = first + round(length * 0.7)
        first, last = ((first, cut1 - 1), (cut1, cut2 - 1), (cut2, last))[third]
    return _span(max(first, MIN_YEAR), 1, 1, last, 12, 31, precision)


def _span(y1: int, m1: int, d1: int | None, y2: int, m2: int, d2: int | None,
          precision: Precision) -> DateSpan | None:
    try:
        return DateSpan(_cal_start(y1, m1, d1), _cal_end(y2, m2, d2), precision)
    except ValueError:
        return None


def _cal_start(y: int, m: int, d: int | None) -> date:
    return date(y, m, d or 1)


def _cal_end(y: int, m: int, d: int | None) -> date:
    return date(y, m, d if d is not None else calendar.monthrange(y, m)[1])


def _strip_ordinal(day: str) -> str:
    return day.rstrip("stndrh") if not day.isdigit() else day


def _cal_to_result(a: _Cal, b: _Cal) -> DateSpan | YearlessDate | None:
    """Turn a pair of calendar endpoints (equal for a single date) into a result."""
    if a.y is None or b.y is None:
        if a.m is None or b.m is None or a.y is not None or b.y is not None:
            return None
        try:
            # Validate day numbers against a leap year so Feb 29 is allowed.
            _cal_start(2000, a.m, a.d)
            _cal_start(2000, b.m, b.d)
        except ValueError:
            return None
        return YearlessDate(a.m, a.d, b.m, b.d)
    if a.m is None and a.d is not None:
        return None
    if b.m is None and b.d is not None:
        return None
    try:
        start = _cal_start(a.y, a.m or 1, a.d)
        end = _cal_end(b.y, b.m or 12, b.d if b.m is not None else None)
    except ValueError:
        return None
    if end < start:
        return None
    return DateSpan(start, end, min(_cal_precision(a), _cal_precision(b), key=lambda p: p.rank))


def _cal_precision(c: _Cal) -> Precision:
    if c.d is not None:
        return Precision.DAY
    if c.m is not None:
        return Precision.MONTH
    return Precision.YEAR


def _parse_range(s: str) -> DateSpan | YearlessDate | None:
    """Ranges such as ``2019–2021``, ``Sep 14–16, 2025`` or ``Sep 30 – Oct 2, 2025``.

    The right end is read first because it usually carries the year (and for
    ``14–16 September`` the month) that the left end leaves out.
    """
    for m in _RANGE_SPLIT.finditer(s):
        left, right = s[: m.start()].strip(), s[m.end():].strip()
        if not left or not right:
            continue
        result = _combine_range(left, right)
        if result is not None:
            return result
    return None


def _combine_range(left: str, right: str) -> DateSpan | YearlessDate | None:
    lp = _parse_point(left)
    if lp is None and left.isdigit() and len(left) <= 2:
        lp = _Cal(None, None, int(left))  # "14–16 September 2025": a bare day
    if lp is None:
        return None
    rp = _parse_point(right)
    if rp is None and isinstance(lp, _Cal) and lp.m is not None:
        # "Sep 14–16, 2025": the right end borrows the left end's month.
        bare = right.split(",")[0].strip()
        rest = right[len(bare):].lstrip(", ")
        if bare.isdigit() and len(bare) <= 2:
            rp = _Cal(None, lp.m, int(bare))
            if rest:
                tail = _parse_point(rest)
                if not isinstance(tail, _Cal) or tail.y is None or tail.m is not None:
                    return None
                rp = _Cal(tail.y, lp.m, int(bare))
    if rp is None and isinstance(lp, _Cal) and lp.y is not None and right.isdigit() and len(right) == 2:
        # "2019–21": the century comes from the left end; "1999–01" rolls over.
        year = lp.y // 100 * 100 + int(right)
        rp = _Cal(year + 100 if year < lp.y else year, None, None)
    if rp is None and right in _PRESENT:
        # "Jan 2020 – present": the range runs to today.
        start = lp if isinstance(lp, DateSpan) else _cal_to_span(lp)
        today = date.today()
        if start is None or start.start > today:
            return None
        return DateSpan(start.start, today, start.precision)
    if rp is None:
        return None
    if isinstance(lp, DateSpan) or isinstance(rp, DateSpan):
        ls = lp if isinstance(lp, DateSpan) else _cal_to_span(lp)
        rs = rp if isinstance(rp, DateSpan) else _cal_to_span(rp)
        if ls is None or rs is None or rs.end < ls.start:
            return None
        return DateSpan(ls.start, rs.end, min(ls.precision, rs.precision, key=lambda p: p.rank))
    # Fill the left end's missing parts from the right end.
    ly, lm = lp.y, lp.m
    if lm is None and lp.d is not None:
        lm = rp.m
    if ly is None and rp.y is not None and lm is not None:
        ly = rp.y
        if rp.m is not None and lm > rp.m:
            ly -= 1  # "Dec 30 – Jan 2, 2026" starts in 2025
    left_cal = _Cal(ly, lm, lp.d)
    if (left_cal.y is None) != (rp.y is None):
        return None
    return _cal_to_result(left_cal, rp)


def _cal_to_span(c: _Cal) -> DateSpan | None:
    result = _cal_to_result(c, c)
    return result if isinstance(result, DateSpan) else None


_DEFAULT_A = datetime(2000, 1, 1)
_DEFAULT_B = datetime(2001, 2, 2)
_HAS_DIGIT = re.compile(r"\d")


def _parse_with_dateutil(s: str) -> _Cal | None:
    """Last resort for forms the grammar lacks (``3/1/2026``, ``2026.01.03``).

    Parsing twice with two different defaults tells which parts the text gave:
    a part that follows the default was not written, and must not be invented.
    """
    if not _HAS_DIGIT.search(s) or len(s) > 40:
        return None
    from dateutil import parser as du_parser

    try:
        a = du_parser.parse(s, default=_DEFAULT_A)
        b = du_parser.parse(s, default=_DEFAULT_B)
    except (ValueError, OverflowError, TypeError):
        return None
    if (a.hour, a.minute, a.second) != (0, 0, 0) or (b.hour, b.minute, b.second) != (0, 0, 0):
        return None  # a time of day: not what a timeline line writes as its date
    y = a.year if a.year == b.year else None
    m = a.month if a.month == b.month else None
    d = a.day if a.day == b.day else None
    if m is None or (y is None and d is None):
        return None
    if y is not None and str(y) not in s:
        return None  # "May '68": dateutil picked the century; the text did not say
    if y is None and not any(c.isalpha() for c in s):
        return None  # "10 10": two bare numbers are not a date
    return _Cal(y, m, d)


def describe_span(span: DateSpan) -> str:
    """A reader's description of a span, e.g. ``"1960 – 1969, decade"``.

    Args:
        span: the span to describe.

    Returns:
        The start and end written at the span's precision, and the precision.
    """
    p = span.precision
    if p in (Precision.DECADE, Precision.CENTURY, Precision.YEAR):
        a, b = str(span.start.year), str(span.end.year)
    elif p in (Precision.YEAR_PART, Precision.MONTH):
        a, b = _month_year(span.start), _month_year(span.end)
    else:
        a, b = _day_text(span.start), _day_text(span.end)
    text = a if a == b else f"{a} – {b}"
    return f"{text}, {p.value.replace('-', ' ')}"


def _month_year(d: date) -> str:
    return f"{calendar.month_abbr[d.month]} {d.year}"


def _day_text(d: date) -> str:
    return f"{calendar.month_abbr[d.month]} {d.day}, {d.year}"
