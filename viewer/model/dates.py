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

from viewer.model.story import FIRST_YEAR, DateSpan, Day, Precision, make_day

__all__ = ["MAX_YEAR", "MIN_YEAR", "NumericDate", "YearlessDate", "describe_span", "parse_date", "unreadable_reason",
           "weekday_conflict", "year_text"]

MIN_YEAR = FIRST_YEAR
"""The earliest year placed, astronomically numbered: 100,000 BC (prehistory timelines go that far)."""
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
_DECADE = re.compile(rf"(?:{_PART})?(?P<dec>\d{{2,3}}0)(?:\s?['’‘`]s|s)")
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
    r"^(?:c\.(?!\s?e\b)|ca\.|circa|around|about|approx\.|approximately|~|in|on|the|by)\s*", re.I
)
_WEEKDAY_NAME = r"(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)(?:day|sday|nesday|rsday|urday)?\.?"
# "Monday, ", "Tue 4", and a run of days before the dates: "Monday–Wednesday, March 3–5, 2025".
_WEEKDAY = re.compile(
    rf"^(?:{_WEEKDAY_NAME}\s*(?:[–—-]|\sto\s)\s*)?{_WEEKDAY_NAME},?\s+",
    re.I,
)
_RANGE_SPLIT = re.compile(r"\s*[–—→]\s*|\s+-\s+|(?<=[\w.])-(?=\w)|\s+(?:to|through|until|till|and)\s+")
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
    time_of_day: int | None = None

    def in_year(self, year: int) -> DateSpan | None:
        """The span this date covers when it falls in ``year`` (end may roll over)."""
        end_year = year + 1 if self.end_month < self.month else year
        try:
            start = _cal_start(year, self.month, self.day)
            end = _cal_end(end_year, self.end_month, self.end_day)
        except ValueError:
            return None
        precision = Precision.DAY if self.day is not None or self.end_day is not None else Precision.MONTH
        return DateSpan(start, end, precision, self.time_of_day)


@dataclass(frozen=True, slots=True)
class NumericDate:
    """An all-numeric date such as ``11/10/2017``: day first or month first, as the story writes them.

    ``20/09/2017`` can only be day first and ``09/20/2017`` only month first;
    ``11/10/2017`` could be either, and only the story's other dates can
    tell. The parser decides the order once per story (``settles``) and reads
    every such date of the story the same way.

    A range (``11/10/2017 – 12/10/2017``) holds its end's three numbers in
    ``end``; both ends are read in the one order, and a reading whose end
    comes before its start is no reading (so ``12/10/2017 – 11/12/2017``
    can only be day first).
    """

    first: int
    second: int
    year: int
    time_of_day: int | None = None
    end: tuple[int, int, int] | None = None

    @property
    def settles(self) -> str | None:
        """``"day-first"`` or ``"month-first"`` when this date can be read only one way, else None."""
        day_first, month_first = self.read("day-first"), self.read("month-first")
        if day_first is not None and month_first is None:
            return "day-first"
        if month_first is not None and day_first is None:
            return "month-first"
        return None

    @property
    def ambiguous(self) -> bool:
        """True when the two readings are two different spans."""
        return self.settles is None and self.read("day-first") != self.read("month-first")

    def read(self, order: str) -> DateSpan | None:
        """The day (or days) this date is in ``order`` (``"day-first"`` or ``"month-first"``), None if none."""
        start = _numeric_day(self.first, self.second, self.year, order)
        if start is None:
            return None
        if self.end is None:
            return DateSpan(start, start, Precision.DAY, self.time_of_day)
        end = _numeric_day(*self.end, order)
        if end is None or end < start:
            return None
        return DateSpan(start, end, Precision.DAY)


def _numeric_day(first: int, second: int, year: int, order: str) -> Day | None:
    day, month = (first, second) if order == "day-first" else (second, first)
    try:
        return make_day(year, month, day)
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class _Cal:
    """A calendar point with any of its parts missing (None)."""

    y: int | None
    m: int | None
    d: int | None


Parsed = DateSpan | YearlessDate | NumericDate | None

_cache: dict[str, Parsed] = {}
_CACHE_LIMIT = 200_000


def parse_date(text: str) -> Parsed:
    """Read a written date.

    Args:
        text: the date as written, e.g. ``"Jan 3, 2026"``, ``"1960s"``,
            ``"206 BC – 9 AD"`` or ``"March 3, 2024, 4:15 PM EST"``.

    Returns:
        A ``DateSpan``; a ``YearlessDate`` when the text gives no year (the
        caller infers one from neighbouring events); a ``NumericDate`` for
        ``11/10/2017`` (the caller decides day or month first for the whole
        story); None when the text is not a date this module can read without
        guessing.
    """
    try:
        return _cache[text]
    except KeyError:
        pass
    result: Parsed = _parse_fast(text)
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


def _parse_uncached(text: str) -> Parsed:
    s = _SPACES.sub(" ", text.strip().lower()).rstrip(":,;. ")
    s = s.replace("‑", "-").replace("‐", "-").replace("−", "-")
    if not s or len(s) > 60:
        return None
    s = _QUALIFIER.sub("", s)
    if _WEEKDAY_FIRST.match(s) or _WEEKDAY_AFTER_JOINER.search(s):
        _note_weekdays(text, s)
    s = _WEEKDAY.sub("", s)
    if s.startswith("the "):
        s = s[4:]  # "Monday the 3rd of March 2025"
    if s.startswith("(") and s.endswith(")") and s.count("(") == 1:
        s = s[1:-1].strip()  # "Tuesday (July 5)": the date after a weekday
    if ":" in s or "m" in s or "noon" in s or "midnight" in s:
        timed = _split_time(s)
        if timed is not None:
            return _with_time(_parse_text(timed[0]), timed[1])
    return _parse_text(s)


# --- Weekdays: "Thursday 17 October 2017" names a day that was a Tuesday ----------------

_WEEKDAY_FIRST = re.compile(rf"(?P<a>{_WEEKDAY_NAME})(?:\s*(?:[–—-]|\sto\s)\s*(?P<b>{_WEEKDAY_NAME}))?,?\s")
_WEEKDAY_AFTER_JOINER = re.compile(rf"(?:\s[–—→-]|[–—→]|\s(?:to|until|till|through))\s*(?P<b>{_WEEKDAY_NAME}),?\s")
_WEEKDAY_NUMBERS = {"mo": 0, "tu": 1, "we": 2, "th": 3, "fr": 4, "sa": 5, "su": 6}
_WEEKDAY_NAMES = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# Date texts that name a weekday: the weekday of their first and of their last day (None: not named).
# Filled as dates are read; the parser checks them once their spans are known (a year may be assumed).
named_weekdays: dict[str, tuple[int | None, int | None]] = {}


def _note_weekdays(text: str, s: str) -> None:
    first = _WEEKDAY_FIRST.match(s)
    after = _WEEKDAY_AFTER_JOINER.search(s)
    start = _WEEKDAY_NUMBERS[first["a"][:2]] if first else None
    end_name = (first["b"] if first else None) or (after["b"] if after else None)
    end = _WEEKDAY_NUMBERS[end_name[:2]] if end_name else None
    if len(named_weekdays) < _CACHE_LIMIT:
        named_weekdays[text] = (start, end)


def weekday_conflict(text: str, span: DateSpan) -> str | None:
    """What is wrong when a date names a weekday its day was not: "Oct 17, 2017 was a Tuesday, not a Thursday".

    A weekday adds nothing to a date that gives its day, but when the two
    disagree one of them is a mistake, and the reader should know. Only
    dates after AD 1 are checked (weekdays of the proleptic calendar before
    then are nobody's).

    Args:
        text: the date as written (``parse_date`` has read it).
        span: what it was read as, its year assumed or not.

    Returns:
        The disagreement in words, or None when the weekdays agree or none is named.
    """
    named = named_weekdays.get(text)
    start, end = span.start, span.end
    if named is None or span.precision is not Precision.DAY or not isinstance(start, date) or \
            not isinstance(end, date):
        return None  # AncientDate: before AD 1
    wrong = [f"{_day_text(day)} was a {_WEEKDAY_NAMES[day.weekday()]}, not a {_WEEKDAY_NAMES[weekday]}"
             for weekday, day in zip(named, (start, end))
             if weekday is not None and day.weekday() != weekday]
    return "; ".join(wrong) or None


def _parse_text(s: str) -> Parsed:
    """A normalised date without a time of day."""
    if _HAS_ERA.search(s):
        return _parse_era(s)  # an era the grammar cannot place is not handed to dateutil
    numeric = _NUMERIC.fullmatch(s)
    if numeric is not None:
        return _numeric(numeric)
    numeric = _NUMERIC_RANGE.fullmatch(s)
    if numeric is not None:
        return _numeric(numeric)
    point: DateSpan | YearlessDate | _Cal | None = _parse_point(s)
    if point is None:
        point = _parse_range(s)
    if point is None and "/" in s:
        point = _parse_alternatives(s)
    if point is None:
        point = _parse_with_dateutil(s)
    if isinstance(point, _Cal):
        return _cal_to_result(point, point)
    return point


# --- Times of day -------------------------------------------------------------------

_CLOCK = (
    r"(?:(?P<h>[01]?\d|2[0-3])(?:[:.](?P<mi>[0-5]\d)(?:[:.](?P<se>[0-5]\d)(?:\.\d+)?)?)?"
    r"\s*(?P<ap>[ap]\.?\s?m\b\.?)?|(?P<noon>noon|midnight))"
)
# A zone as news writes it: "EST", "ET", "GMT", "UTC+2", "+05:30", "Z", "(local time)".
_ZONE = (
    r"(?:\s*\(?(?:z|utc|gmt|[a-z]{1,4}t|msk|wib|local(?: time)?|(?:utc|gmt)?\s?[+-]\d{1,2}(?::?\d\d)?)\)?)?"
)
_TIME_AFTER = re.compile(rf"(?P<date>.+?)(?:,| at| @| -)? (?P<time>{_CLOCK}{_ZONE})")
_TIME_BEFORE = re.compile(rf"(?P<time>{_CLOCK}{_ZONE})(?:,| on)? (?P<date>.+)")
_ISO_TIME = re.compile(
    r"(?P<date>\d{4}-\d\d-\d\d)[t ](?P<h>[01]\d|2[0-3]):(?P<mi>[0-5]\d)(?::(?P<se>[0-5]\d)(?:[.,]\d+)?)?"
    r"(?:z|[+-]\d\d(?::?\d\d)?)?"
)


def _split_time(s: str) -> tuple[str, int] | None:
    """The date part and the seconds after midnight of a date written with a time of day."""
    m = _ISO_TIME.fullmatch(s)
    if m is not None:
        return m["date"], int(m["h"]) * 3600 + int(m["mi"]) * 60 + int(m["se"] or 0)
    for pattern in (_TIME_AFTER, _TIME_BEFORE):
        m = pattern.fullmatch(s)
        if m is None:
            continue
        seconds = _clock_seconds(m)
        if seconds is not None:
            return m["date"], seconds
    return None


def _clock_seconds(m: re.Match[str]) -> int | None:
    """Seconds after midnight of a matched clock time; None for a bare number ("4" is no time)."""
    if m["noon"]:
        return 12 * 3600 if m["noon"] == "noon" else 0
    hour = int(m["h"])
    if m["ap"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if m["ap"].startswith("p") else 0)
    elif m["mi"] is None:
        return None
    return hour * 3600 + int(m["mi"] or 0) * 60 + int(m["se"] or 0)


def _with_time(result: Parsed, seconds: int) -> Parsed:
    """A single day read with its time of day; anything coarser than a day cannot have one."""
    if isinstance(result, DateSpan):
        if result.precision is Precision.DAY and result.start == result.end:
            return result._replace(time_of_day=seconds)
        return None
    if isinstance(result, YearlessDate):
        if result.day is not None and (result.month, result.day) == (result.end_month, result.end_day):
            return YearlessDate(result.month, result.day, result.end_month, result.end_day, seconds)
        return None
    if isinstance(result, NumericDate) and result.end is None:
        return NumericDate(result.first, result.second, result.year, seconds)
    return None


# --- Numeric dates: 11/10/2017 ------------------------------------------------------

_NUMERIC = re.compile(r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})")
# "11/10/2017 – 12/10/2017", "11/10/2017-12/10/2017", "18/03/2017 to 02/06/2017": both ends written alike.
_NUMERIC_RANGE = re.compile(
    r"(?P<a>\d{1,2})(?P<sep>[/.-])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4})"
    rf"(?:\s*[–—→]\s*|\s+-\s+|-|\s+(?:to|through|until|till)\s+)(?:{_WEEKDAY_NAME},?\s+)?"
    r"(?P<c>\d{1,2})(?P=sep)(?P<d>\d{1,2})(?P=sep)(?P<y2>\d{4})"
)


def _numeric(m: re.Match[str]) -> Parsed:
    a, b, y = int(m["a"]), int(m["b"]), int(m["y"])
    end: tuple[int, int, int] | None = None
    if m.re is _NUMERIC_RANGE:
        end = (int(m["c"]), int(m["d"]), int(m["y2"]))
    if not all(MIN_YEAR <= year <= MAX_YEAR and year >= 1 for year in (y, end[2] if end else y)):
        return None
    date_of = NumericDate(a, b, y, end=end)
    if m["sep"] == ".":
        # 11.10.2017 is written day first wherever dots are used.
        return date_of.read("day-first")
    if date_of.read("day-first") is None and date_of.read("month-first") is None:
        return None  # 13/13/2017, or a range that ends before it starts whichever way it is read
    # Even "20/09/2017" goes to the story: it is what settles the order of the others.
    return date_of


# --- Alternatives: "Late March/Early April 2022", "2021/22" --------------------------

def _parse_alternatives(s: str) -> DateSpan | None:
    """Two readings joined by a slash: the span that covers both, at the coarser precision."""
    if s.count("/") != 1:
        return None
    left, right = (part.strip() for part in s.split("/"))
    if not left or not right:
        return None
    if len(left) == 4 and _is_number(left) and len(right) == 2 and _is_number(right):
        # "2021/22": a season or financial year across two years.
        year = int(left)
        if (year + 1) % 100 != int(right):
            return None
        return _span(year, 1, 1, year + 1, 12, 31, Precision.YEAR)
    rs = _as_span(_parse_point(right))
    if rs is None:
        return None
    ls = _as_span(_parse_point(left))
    if ls is None and _is_number(left) and len(left) == 2 and rs.precision is Precision.YEAR:
        return None  # "21/2022": not a form anyone writes
    if ls is None and _is_number(right) and len(right) == 2:
        return None
    if ls is None and not _HAS_DIGIT.search(left):
        # "Late March/Early April 2022": the left one takes the right one's year.
        ls = _as_span(_parse_point(f"{left} {_year_of(rs.start)}"))
    if ls is None:
        return None
    start, end = min(ls.start, rs.start), max(ls.end, rs.end)
    return DateSpan(start, end, max(ls.precision, rs.precision, key=lambda p: p.rank))


def _year_of(day: Day) -> int:
    return day.year


def _as_span(point: DateSpan | _Cal | None) -> DateSpan | None:
    if isinstance(point, _Cal):
        return _cal_to_span(point)
    return point


# --- Eras: 206 BC, 5th century BCE, A.D. 800, 101–44 BC -----------------------------

_BC = r"(?:b\.?\s?c\.?(?:\s?e\b\.?)?|bce)"
_AD = r"(?:a\.?\s?d\b\.?|c\.?\s?e\b\.?)"
_HAS_ERA = re.compile(rf"(?:^|(?<=[\s\d–—-]))(?:{_BC}|{_AD})(?=$|[\s–—-])")
_ERA_AFTER = re.compile(rf"(?P<body>.*?(?:\d|\S\s))\s*(?P<era>{_BC}|{_AD})")
_ERA_BEFORE = re.compile(rf"(?P<era>{_AD})\s*(?P<body>\d.*)")
_ERA_YEAR = r"\d{1,3}(?:,\d{3})+|\d{1,6}"
_ERA_INSIDE = re.compile(rf"(?P<head>.*?[a-z.,])\s+(?P<era>{_AD})\s*(?P<y>{_ERA_YEAR})")
_ORDINAL_WORDS = {
    word: n for n, word in enumerate(
        "first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth fourteenth "
        "fifteenth sixteenth seventeenth eighteenth nineteenth twentieth twenty-first".split(), 1)
}
_ORDINAL = r"(?:\d{1,3}(?:st|nd|rd|th)|" + "|".join(sorted(_ORDINAL_WORDS, key=len, reverse=True)) + ")"
_ERA_FORMS: list[tuple[str, re.Pattern[str]]] = [
    ("year", re.compile(rf"(?:{_PART})?(?P<y>{_ERA_YEAR})")),
    ("decade", re.compile(rf"(?:{_PART})?(?P<y>\d{{2,5}}0)(?:\s?['’‘`]s|s)")),
    ("century", re.compile(rf"(?:{_PART})?(?P<n>{_ORDINAL})[- ]centur(?:y|ies)")),
    ("millennium", re.compile(rf"(?:{_PART})?(?P<n>{_ORDINAL})[- ]millenn?ium")),
    ("month", re.compile(rf"(?P<M>{_MONTH}),? (?P<y>{_ERA_YEAR})")),
    ("day", re.compile(rf"(?P<M>{_MONTH}) (?P<d>{_DAY}),? (?P<y>{_ERA_YEAR})")),
    ("day", re.compile(rf"(?P<d>{_DAY}) (?:of )?(?P<M>{_MONTH}),? (?P<y>{_ERA_YEAR})")),
]
_BARE_ORDINAL = re.compile(_ORDINAL)


def _parse_era(s: str) -> DateSpan | None:
    """A date with an era: one point, or a range whose era may be written once.

    ``101–44 BC`` and ``58–75 AD`` give both ends the era written after the
    second; ``AD 41–54`` gives both ends the era written before the first;
    ``206 BC – 9 AD`` gives each end its own. ``63 BC – 14`` says nothing of
    the second end's era and is left unread rather than guessed.
    """
    body, era, _leading = _split_era(s)
    if era is not None:
        span = _era_point(body, era)
        if span is not None:
            return span
    for m in _RANGE_SPLIT.finditer(body):
        left, right = body[: m.start()].strip(), body[m.end():].strip()
        if not left or not right:
            continue
        left_body, left_era, _ = _split_era(_QUALIFIER.sub("", left))
        right_body, right_era, _ = _split_era(_QUALIFIER.sub("", right))
        if right in _PRESENT and left_era is not None:
            # "3500 BC - Present": from the start to today.
            first = _era_point(left_body, left_era)
            return None if first is None else DateSpan(first.start, date.today(), first.precision)
        left_era = left_era or era
        right_era = right_era or era
        if left_era is None or right_era is None:
            continue
        if _BARE_ORDINAL.fullmatch(left_body):
            unit = re.search(r"centur(?:y|ies)|millenn?ium", right_body)
            if unit is not None:
                left_body = f"{left_body} {unit.group()}"  # "3rd–2nd century BC", "8th to 6th centuries BC"
        first, last = _era_point(left_body, left_era), _era_point(right_body, right_era)
        if first is None or last is None or last.end < first.start:
            continue
        return DateSpan(first.start, last.end, min(first.precision, last.precision, key=lambda p: p.rank))
    return None


def _split_era(s: str) -> tuple[str, str | None, bool]:
    """The text without its era, the era ("bc" or "ad", None if none written), and whether it came first."""
    m = _ERA_AFTER.fullmatch(s)
    if m is not None:
        return m["body"].strip(), "bc" if m["era"].startswith("b") else "ad", False
    m = _ERA_BEFORE.fullmatch(s)
    if m is not None:
        return m["body"].strip(), "ad", True
    m = _ERA_INSIDE.fullmatch(s)
    if m is not None:  # "25 December AD 800"
        return f"{m['head'].strip()} {m['y']}", "ad", False
    return s, None, False


def _era_point(body: str, era: str) -> DateSpan | None:
    """One end with its era: a year, decade, century, millennium, month or day."""
    body = body.removeprefix("the ")
    bc = era == "bc"
    for kind, pattern in _ERA_FORMS:
        m = pattern.fullmatch(body)
        if m is None:
            continue
        g = m.groupdict()
        part = g.get("part")
        if kind == "century" or kind == "millennium":
            n = _ordinal_value(g["n"])
            size = 100 if kind == "century" else 1000
            if n < 1:
                return None
            if bc:  # the 5th century BC is 500–401 BC
                first, last = 1 - size * n, -size * (n - 1)
            else:  # as for dates without an era: the 20th century is 1900–1999
                first, last = max(1, size * (n - 1)), size * n - 1
            return _era_span(first, last, part, Precision.CENTURY)
        number = int(g["y"].replace(",", ""))
        if number < 1:
            return None
        if kind == "decade":
            if len(g["y"]) < 3:
                return None  # "the 30s BC": which century?
            first, last = (1 - (number + 9), 1 - number) if bc else (number, number + 9)
            return _era_span(first, last, part, Precision.DECADE)
        year = 1 - number if bc else number
        if not MIN_YEAR <= year <= MAX_YEAR:
            return None
        if kind == "year":
            if part is not None:
                third = _PART_KEY[part]
                return _span(year, 4 * third + 1, 1, year, 4 * third + 4, None, Precision.YEAR_PART)
            return _era_span(year, year, None, Precision.YEAR)
        month = _MONTHS[g["M"].rstrip(".")]
        if kind == "month":
            return _span(year, month, 1, year, month, None, Precision.MONTH)
        day = int(_strip_ordinal(g["d"]))
        return _span(year, month, day, year, month, day, Precision.DAY)
    return None


def _ordinal_value(text: str) -> int:
    return int(text[:-2]) if _is_number(text[0]) else _ORDINAL_WORDS[text]


def _era_span(first: int, last: int, part: str | None, precision: Precision) -> DateSpan | None:
    """Whole years ``first``..``last`` (astronomical), or their early/mid/late third."""
    if first < MIN_YEAR or last > MAX_YEAR:
        return None
    if part is not None:
        return _part_of(first, last, part, precision)
    return _span(first, 1, 1, last, 12, 31, precision)


def unreadable_reason(text: str) -> str | None:
    """Why a date that looks like one was not read, when the reason is not its form; else None.

    Args:
        text: a date as written that ``parse_date`` returned None for.
    """
    for m in _BC_NUMBER.finditer(text.lower()):
        if 1 - int(m["y"].replace(",", "")) < MIN_YEAR:
            return f"it is earlier than {year_text(MIN_YEAR)}, the earliest year the timeline places"
    return None


_BC_NUMBER = re.compile(rf"(?P<y>{_ERA_YEAR})\s*{_BC}")


def _parse_point(s: str) -> DateSpan | _Cal | None:
    """Parse one endpoint: a fixed span, a partial calendar date, or None."""
    if s.endswith(")"):
        return _parse_parenthesized(s)
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


_PARENTHESIZED = re.compile(r"(?P<a>[^()]+?)\s*\((?P<b>[^()]+)\)")
_ASIDES = frozenset(("approx", "approx.", "approximately", "est", "est.", "estimated", "circa", "c.", "ca."))


def _parse_parenthesized(s: str) -> DateSpan | _Cal | None:
    """A date with a second reading in parentheses: ``2001 (Sept)``, ``April 2021 (2021-04)``.

    A month after a year says which month; a restated date must agree with
    the first (the finer of the two is kept); anything else in the
    parentheses is not a date this module reads.
    """
    m = _PARENTHESIZED.fullmatch(s)
    if m is None:
        return None
    a, b = m["a"].strip(), m["b"].strip().rstrip(".")
    if b in _ASIDES or f"{b}." in _ASIDES:
        return _parse_point(a)
    if re.fullmatch(_MONTH, b) and re.fullmatch(r"\d{4}", a):
        return _parse_point(f"{b} {a}")
    first, second = _as_span(_parse_point(a)), _as_span(_parse_point(b))
    if first is None or second is None:
        return None
    inner, outer = (first, second) if first.precision.rank <= second.precision.rank else (second, first)
    if outer.start <= inner.start and inner.end <= outer.end:
        return inner
    return None


def _parse_vague(s: str) -> DateSpan | None:
    """Decades, centuries and parts of years: always carry their own year."""
    m = _DECADE.fullmatch(s)
    if m:
        start_year = int(m["dec"])
        if start_year % 100 == 0 and start_year not in (0, 2000) and len(m["dec"]) == 4:
            # "1800s" is the nineteenth century in common use; "2000s" the decade.
            return _part_of(start_year, start_year + 99, m["part"], Precision.CENTURY)
        return _part_of(max(1, start_year), start_year + 9, m["part"], Precision.DECADE)
    m = _CENTURY.fullmatch(s)
    if m:
        c = int(m["c"])
        if c < 1 or c > 100:
            return None
        # Popular usage: the 20th century is 1900-1999 (and the 1st starts in AD 1).
        return _part_of(max(1, (c - 1) * 100), c * 100 - 1, m["part"], Precision.CENTURY)
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
        last = _days_in_month(y, month)
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
    return _span(first, 1, 1, last, 12, 31, precision)


def _span(y1: int, m1: int, d1: int | None, y2: int, m2: int, d2: int | None,
          precision: Precision) -> DateSpan | None:
    try:
        return DateSpan(_cal_start(y1, m1, d1), _cal_end(y2, m2, d2), precision)
    except ValueError:
        return None


def _cal_start(y: int, m: int, d: int | None) -> Day:
    return make_day(y, m, d or 1)


def _cal_end(y: int, m: int, d: int | None) -> Day:
    return make_day(y, m, d if d is not None else _days_in_month(y, m))


def _days_in_month(year: int, month: int) -> int:
    """Days in a month of any year, 1 BC (year 0) too: ``calendar.monthrange`` stops at year 1."""
    if month == 2:
        return 29 if calendar.isleap(year) else 28
    return 30 if month in (4, 6, 9, 11) else 31


def _is_number(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also accepts "²", which ``int`` refuses."""
    return text.isascii() and text.isdigit()


def _strip_ordinal(day: str) -> str:
    return day.rstrip("stndrh") if not _is_number(day) else day


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
    # "21 September until Tuesday 12 October 2021": a weekday on either end says nothing more.
    left, right = _WEEKDAY.sub("", left), _WEEKDAY.sub("", right)
    lp = _parse_point(left)
    if lp is None and _BARE_DAY.fullmatch(left):
        lp = _Cal(None, None, int(_strip_ordinal(left)))  # "14–16 September 2025", "24th to 26th September"
    if lp is None:
        return None
    rp = _parse_point(right)
    if rp is None and isinstance(lp, _Cal) and lp.m is not None:
        # "Sep 14–16, 2025": the right end borrows the left end's month.
        bare = right.split(",")[0].strip()
        rest = right[len(bare):].lstrip(", ")
        if _BARE_DAY.fullmatch(bare):
            rp = _Cal(None, lp.m, int(_strip_ordinal(bare)))
            if rest:
                tail = _parse_point(rest)
                if not isinstance(tail, _Cal) or tail.y is None or tail.m is not None:
                    return None
                rp = _Cal(tail.y, lp.m, int(_strip_ordinal(bare)))
    if rp is None and isinstance(lp, _Cal) and lp.y is not None and _is_number(right) and len(right) == 2:
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


_BARE_DAY = re.compile(_DAY)


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
    """A reader's description of a span, e.g. ``"1960 – 1969, decade"`` or ``"206 BC, year"``.

    Args:
        span: the span to describe.

    Returns:
        The start and end written at the span's precision, and the precision.
    """
    p = span.precision
    if p in (Precision.DECADE, Precision.CENTURY, Precision.YEAR):
        a, b = year_text(span.start.year), year_text(span.end.year)
    elif p in (Precision.YEAR_PART, Precision.MONTH):
        a, b = _month_year(span.start), _month_year(span.end)
    else:
        a, b = _day_text(span.start), _day_text(span.end)
    text = a if a == b else f"{a} – {b}"
    return f"{text}, {p.value.replace('-', ' ')}"


def year_text(year: int) -> str:
    """An astronomical year as a reader writes it: ``2026``, ``AD 9``, ``206 BC`` (0 is 1 BC), ``10,000 BC``."""
    if year > 0:
        return str(year) if year >= 100 else f"AD {year}"
    bc = 1 - year
    return f"{bc:,} BC" if bc >= 10_000 else f"{bc} BC"


# English, as the dates are read: calendar.month_abbr follows the locale, and costs a strftime each time.
_MONTH_ABBR = ("", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _month_year(d: Day) -> str:
    return f"{_MONTH_ABBR[d.month]} {year_text(d.year)}"


def _day_text(d: Day) -> str:
    return f"{_MONTH_ABBR[d.month]} {d.day}, {year_text(d.year)}"
