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


class DateSpan(NamedTuple):
    """An inclusive range of days and how precisely the text gave it.

    ``start`` and ``end`` are both inclusive, so a single day has
    ``start == end``; a decade written ``1960s`` spans 1960-01-01 to
    1969-12-31 with ``Precision.DECADE``.

    A named tuple rather than a frozen dataclass, like ``Event``: see there.
    """

    start: date
    end: date
    precision: Precision

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

