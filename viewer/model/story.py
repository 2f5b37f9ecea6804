"""The typed, immutable story model that every view is built from.

The classes are immutable so that one parsed story can be shared by the
loader's cache, the views and the JSON export without anyone changing it under
the others' feet; a reload replaces whole stories instead of editing them.
The numerous ones (events, date spans, sections, stories, file results) are
named tuples, the rest frozen dataclasses: see ``Event`` for why.
"""

from __future__ import annotations

import enum
import functools
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple


class Precision(str, enum.Enum):
    """How exactly a written date pins down time, finest first.

    The order matters: a range takes the finer of its endpoints' precisions.
    """

    DAY = "day"
    MONTH = "month"
    YEAR_PART = "year-part"
    YEAR = "year"
    DECADE = "decade"
    CENTURY = "century"

    @property
    def rank(self) -> int:
        """0 for the finest precision, growing as precision gets coarser."""
        return _PRECISION_RANK[self]


_PRECISION_RANK = {p: i for i, p in enumerate(Precision)}


class Severity(str, enum.Enum):
    """How bad a problem is: an error lost information, a warning did not."""

    ERROR = "error"
    WARNING = "warning"


class AncientDate:
    """A day before 1 January AD 1, in astronomical year numbering (1 BC is year 0).

    ``datetime.date`` stops at year 1, and history timelines do not. The
    calendar is the proleptic Gregorian one, as in ISO 8601, and day numbers
    go on below ``date.toordinal()``'s: 0 is 31 December 1 BC, -365 is
    1 January 1 BC. The class offers what the viewer asks of a ``date``
    (``year``, ``month``, ``day``, ``toordinal()``, ``isoformat()``, ordering
    against dates), so spans mix the two freely; ``make_day`` and
    ``day_from_ordinal`` choose the right one. Years of AD 1 and later are
    always ``date`` objects, so the common case keeps C speed.
    """

    __slots__ = ("_ordinal", "day", "month", "year")

    year: int
    month: int
    day: int
    _ordinal: int

    def __init__(self, year: int, month: int, day: int) -> None:
        if year > 0:
            raise ValueError(f"year {year} is not before AD 1: use datetime.date")
        cycles = (1 - year) // 400 + 1  # the calendar repeats every 400 years
        ordinal = date(year + 400 * cycles, month, day).toordinal() - _DAYS_PER_400_YEARS * cycles
        object.__setattr__(self, "year", year)
        object.__setattr__(self, "month", month)
        object.__setattr__(self, "day", day)
        object.__setattr__(self, "_ordinal", ordinal)

    def __setattr__(self, name: str, value: object) -> None:
        raise AttributeError("AncientDate is immutable")

    def __reduce__(self) -> tuple[type, tuple[int, int, int]]:
        return AncientDate, (self.year, self.month, self.day)

    @classmethod
    def fromordinal(cls, ordinal: int) -> AncientDate:
        """The day numbered ``ordinal`` (at most 0) on ``date.toordinal()``'s scale."""
        cycles = (1 - ordinal) // _DAYS_PER_400_YEARS + 1
        shifted = date.fromordinal(ordinal + _DAYS_PER_400_YEARS * cycles)
        return cls(shifted.year - 400 * cycles, shifted.month, shifted.day)

    def toordinal(self) -> int:
        """The day number, continuing ``date.toordinal()`` below 1."""
        return self._ordinal

    def isoformat(self) -> str:
        """ISO 8601 with an expanded year: ``-0205-01-01`` is 1 January 206 BC, ``0000-12-31`` the last day of 1 BC."""
        sign = "-" if self.year < 0 else ""
        return f"{sign}{abs(self.year):04d}-{self.month:02d}-{self.day:02d}"

    def __repr__(self) -> str:
        return f"AncientDate({self.year}, {self.month}, {self.day})"

    def __hash__(self) -> int:
        return hash(self._ordinal)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, (date, AncientDate)):
            return self._ordinal == other.toordinal()
        return NotImplemented

    def __lt__(self, other: object) -> bool:
        if isinstance(other, (date, AncientDate)):
            return self._ordinal < other.toordinal()
        return NotImplemented

    def __le__(self, other: object) -> bool:
        if isinstance(other, (date, AncientDate)):
            return self._ordinal <= other.toordinal()
        return NotImplemented

    def __gt__(self, other: object) -> bool:
        if isinstance(other, (date, AncientDate)):
            return self._ordinal > other.toordinal()
        return NotImplemented

    def __ge__(self, other: object) -> bool:
        if isinstance(other, (date, AncientDate)):
            return self._ordinal >= other.toordinal()
        return NotImplemented


_DAYS_PER_400_YEARS = 146_097

FIRST_YEAR = -99_999
"""The earliest year a span may start in (astronomical: 100,000 BC); prehistory timelines go that far."""

Day = date | AncientDate
"""A day of a span: a ``date`` from AD 1 on, an ``AncientDate`` before."""


def make_day(year: int, month: int, day: int) -> Day:
    """The day ``year-month-day`` (astronomical year: 0 is 1 BC).

    Raises:
        ValueError: no such day (Feb 30), or a year after 9999.
    """
    return date(year, month, day) if year > 0 else AncientDate(year, month, day)


def day_from_ordinal(ordinal: int) -> Day:
    """The day with ``toordinal() == ordinal``, before AD 1 too."""
    return date.fromordinal(ordinal) if ordinal > 0 else AncientDate.fromordinal(ordinal)


class DateSpan(NamedTuple):
    """An inclusive range of days and how precisely the text gave it.

    ``start`` and ``end`` are both inclusive, so a single day has
    ``start == end``; a decade written ``1960s`` spans 1960-01-01 to
    1969-12-31 with ``Precision.DECADE``. Before AD 1 they are
    ``AncientDate`` objects: ``206 BC`` spans -0205-01-01 to -0205-12-31.

    ``time_of_day`` is the time the text gave with a day (``4:15 PM``), in
    seconds after midnight as written (the zone, if any, stays in the text):
    it orders the events of one day. None when no time was given.

    A named tuple rather than a frozen dataclass, like ``Event``: see there.
    """

    start: Day
    end: Day
    precision: Precision
    time_of_day: int | None = None

    @property
    def is_point(self) -> bool:
        """True when the span is a single day, drawn as a marker, not a bar."""
        return self.start == self.end


class Section(NamedTuple):
    """One summary paragraph: a Title-Case heading (or None) and its body.

    The split of ``text`` into heading and body is computed on first use:
    nothing on the timeline needs it, and it is the costliest step of
    parsing, so loading a 10,000-file folder does not pay for it up front.
    A named tuple, like ``Event`` (see there).
    """

    text: str
    citations: tuple[int, ...]
    line: int

    @property
    def heading(self) -> str | None:
        """The Title-Case heading, or None where no split is credible."""
        return _heading_and_body(self.text)[0]

    @property
    def body(self) -> str:
        """The paragraph after the heading (the whole text without a heading)."""
        return _heading_and_body(self.text)[1]


@functools.lru_cache(maxsize=4096)
def _heading_and_body(text: str) -> tuple[str | None, str]:
    """``split_heading``, remembered: the detail pane asks for a section's heading and body often."""
    from viewer.model.headings import split_heading  # headings imports this module

    return split_heading(text)


class Event(NamedTuple):
    """One line of a story's timeline.

    ``span`` is None when the date could not be read; the event is kept (and
    shown as undated) so that nothing written in the file is lost.

    A named tuple rather than a frozen dataclass, because a folder holds a
    hundred thousand of them: a tuple is made in one C call, where a frozen
    dataclass's ``__init__`` sets each field through ``object.__setattr__``,
    four times slower (0.52 against 0.12 µs). That is a tenth of parsing a
    folder, and a quarter of reopening it from the model cache. It is just as
    immutable; compare events with each other, not with plain tuples.
    """

    date_text: str
    span: DateSpan | None
    text: str
    citations: tuple[int, ...]
    line: int
    # True when the text gave no year and the parser took it from the
    # neighbouring events: the timeline and the detail pane say so.
    year_inferred: bool = False


@dataclass(frozen=True, slots=True)
class Source:
    """A numbered source. Title and url are None when the file does not give them.

    ``line`` is None for sources known only from citation markers.
    """

    number: int
    title: str | None
    url: str | None
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Problem:
    """Something in a file that could not be understood as written."""

    file: str
    line: int | None
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        return f"{where}: {self.severity.value}: {self.message}"


class Story(NamedTuple):
    """One story file, parsed.

    ``file`` is the path relative to the opened folder with ``/`` separators,
    which identifies the story across reloads. A named tuple, like ``Event``
    (see there).
    """

    file: str
    title: str
    article_count: int | None
    sections: tuple[Section, ...]
    events: tuple[Event, ...]
    sources: tuple[Source, ...]

    def source(self, number: int) -> Source | None:
        """The source with this number, or None if the story has none such."""
        for candidate in self.sources:
            if candidate.number == number:
                return candidate
        return None


class FileResult(NamedTuple):
    """What one file yielded: a story (None when unusable) and its problems."""

    file: str
    story: Story | None
    problems: tuple[Problem, ...]


@dataclass(frozen=True, slots=True)
class Library:
    """Everything loaded from one folder: stories sorted by file, and all problems."""

    folder: Path
    stories: tuple[Story, ...] = ()
    problems: tuple[Problem, ...] = ()
    results: dict[str, FileResult] = field(default_factory=dict, compare=False, repr=False)
    event_count: int = field(init=False, compare=False)
    # Size and mtime of each file as the load saw them before reading it, so
    # that whoever watches the folder notices an edit made during the load.
    # None when the load did not scan the folder.
    stamps: dict[str, tuple[int, int] | None] | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        # Counted once: the status bar asks after every live update, and
        # summing 10,000 stories each time costs milliseconds.
        object.__setattr__(self, "event_count", sum(len(s.events) for s in self.stories))

    @classmethod
    def from_results(cls, folder: Path, results: dict[str, FileResult],
                     stamps: dict[str, tuple[int, int] | None] | None = None) -> Library:
        """Assemble a library from per-file results, ordered by relative path."""
        ordered = {name: results[name] for name in sorted(results)}
        stories = tuple(r.story for r in ordered.values() if r.story is not None)
        # Within a file, problems in line order (whole-file ones, line None, first).
        problems = tuple(p for r in ordered.values()
                         for p in sorted(r.problems, key=lambda p: -1 if p.line is None else p.line))
        return cls(folder=folder, stories=stories, problems=problems, results=ordered, stamps=stamps)

    def story(self, file: str) -> Story | None:
        """The story read from ``file`` (relative path), or None."""
        result = self.results.get(file)
        return result.story if result is not None else None

