"""Parse the text of one story file into a ``Story`` and its problems.

The format, line by line: the headline; an optional ``Updated (N articles)``;
summary paragraphs (Title-Case heading glued to its body); a ``Timeline``
header and ``DATE – text [n]`` lines; an optional ``Sources`` (or
``References``) header and ``[n] title — url`` lines.

The parser never raises on text and never drops a line: every non-blank line
becomes the title, the article count, a section, an event, a source, a section
header, or a problem at that line. What it cannot read it keeps (an event
without a date) and reports.
"""

from __future__ import annotations

import itertools
import re

from viewer.model.dates import (
    MAX_YEAR,
    MIN_YEAR,
    NumericDate,
    YearlessDate,
    describe_span,
    named_weekdays,
    parse_date,
    unreadable_reason,
    weekday_conflict,
)
from viewer.model.decoding import split_lines
from viewer.model.story import DateSpan, Day, Event, Problem, Section, Severity, Source, Story

__all__ = ["MAX_DATE_LENGTH", "parse_story", "strip_citations"]

# A date is short; a longer prefix before a dash is text that contains a dash.
MAX_DATE_LENGTH = 48

_UPDATED = re.compile(r"updated\b.*?\((\d[\d,]*)\s+articles?\)\s*\.?", re.I)
_CITATION = re.compile(r"\[(\d{1,4}(?:\s*[,;–-]\s*\d{1,4})*)\]")
_TAIL_MARKERS = re.compile(r"((?:\[\d{1,4}\]\s*)+)([.!?;:]?)\s*")
_CITATION_NUMBER = re.compile(r"\d+|[–-]")
_SEPARATOR = re.compile(r"\s+[–—-]+\s+|\t+")
_FIRST_SEPARATOR = re.compile(rf"(\S.{{0,{MAX_DATE_LENGTH - 1}}}?)\s+[–—-]+\s+")
_COLON_SEPARATOR = re.compile(r":\s+")
# "[1] Title — url"; numbered lists ("1. Title — url", "1) …") are read too.
_SOURCE = re.compile(r"(?:\[(\d{1,4})\]|(\d{1,4})[.)])\s*(.*)")
# The url is the last word; the title, if any, is separated from it by a dash.
_URL_AT_END = re.compile(r"(?:^|\s+[–—-]\s+|\s+)<?((?:https?|ftp)://\S+?|www\.\S+?)>?$", re.I)
_HEADERS = {
    "timeline": "timeline",
    "sources": "sources",
    "references": "sources",
    "source": "sources",
    "citations": "sources",
}


def strip_citations(text: str) -> tuple[str, tuple[int, ...]]:
    """Remove citation markers from text and list their numbers.

    Args:
        text: text that may contain ``[1]``, ``[1][3]``, ``[1, 3]`` or ``[2–4]``.

    Returns:
        The text without the markers (and the spaces before them), and the
        cited numbers in order of first appearance, without duplicates.
    """
    first = text.find("[")
    if first < 0:
        return text, ()
    tail = _TAIL_MARKERS.fullmatch(text, first)
    if tail is not None:
        # The usual case: every marker at the end ("… networks [1][3].").
        return text[:first].rstrip() + tail.group(2), _marker_numbers(tail.group(1))
    numbers: list[int] = []
    pieces: list[str] = []
    position = 0
    for match in _CITATION.finditer(text):
        # The marker goes, and so do the spaces before it ("fell [1]." → "fell.").
        pieces.append(text[position: match.start()].rstrip())
        position = match.end()
        numbers.extend(_marker_numbers(match.group(0)))
    if not numbers:
        return text, ()
    pieces.append(text[position:])
    return "".join(pieces).strip(), tuple(dict.fromkeys(numbers))


_marker_cache: dict[str, tuple[int, ...]] = {}


def _marker_numbers(markers: str) -> tuple[int, ...]:
    """The numbers in a run of markers (``[1][3]``, ``[1, 3]``, ``[2–4]``), without repeats.

    The same few runs recur in every file, so they are read once.
    """
    cached = _marker_cache.get(markers)
    if cached is not None:
        return cached
    numbers: list[int] = []
    for body in _CITATION.findall(markers):
        previous: int | None = None
        ranged = False
        for token in _CITATION_NUMBER.findall(body):
            if token in "–-":
                ranged = True
                continue
            n = int(token)
            if ranged and previous is not None and previous < n <= previous + 50:
                numbers.extend(range(previous + 1, n + 1))
            else:
                numbers.append(n)
            previous, ranged = n, False
    result = tuple(dict.fromkeys(numbers))
    if len(_marker_cache) < 10_000:
        _marker_cache[markers] = result
    return result


def parse_story(text: str, file: str) -> tuple[Story | None, list[Problem]]:
    """Parse one story file's text.

    Args:
        text: the decoded text (any line endings already split by the caller
            is fine too: LF, CRLF and CR are all handled here).
        file: the file's path relative to the folder, used in problems.

    Returns:
        The story (None only when the text has no non-blank line) and every
        problem found, each with its 1-based line number.
    """
    return _StoryParser(file).parse(split_lines(text))


class _StoryParser:
    """One pass over the lines of one file; collects results and problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []
        self.sections: list[Section] = []
        self.events: list[Event] = []
        self.sources: list[Source] = []
        self.yearless: list[tuple[int, YearlessDate]] = []
        self.numeric: list[tuple[int, NumericDate]] = []
        self.with_weekday: list[int] = []  # events whose date names a weekday, to check once their spans are known

    def problem(self, line: int | None, severity: Severity, message: str) -> None:
        self.problems.append(Problem(self.file, line, severity, message))

    def parse(self, lines: list[str]) -> tuple[Story | None, list[Problem]]:
        title: str | None = None
        article_count: int | None = None
        expect_updated = False
        mode = "summary"
        seen_timeline = False
        seen_sources = False
        events = self.events
        append_event = events.append
        for number, raw in enumerate(lines, 1):
            line = raw.strip()
            if not line:
                continue
            if title is None:
                title = line.lstrip("\ufeff")
                if _HEADERS.get(title.rstrip(":").lower()):
                    self.problem(number, Severity.WARNING,
                                 f"the first line should be the headline, not {title[:80]!r}")
                expect_updated = True
                continue
            if expect_updated:
                expect_updated = False
                match = _UPDATED.fullmatch(line)
                if match:
                    article_count = int(match.group(1).replace(",", ""))
                    continue
            if len(line) < 14:
                header = _HEADERS.get(line.rstrip(":").strip().lower())
                if header is not None:
                    if header == "timeline":
                        if seen_timeline:
                            self.problem(number, Severity.WARNING,
                                         "a second 'Timeline' header; its events are added")
                        seen_timeline = True
                    else:
                        if seen_sources:
                            self.problem(number, Severity.WARNING,
                                         "a second 'Sources' header; its sources are added")
                        seen_sources = True
                    mode = header
                    continue
            if mode == "timeline":
                # Fast path for the usual line: one separator near the start
                # and a date the grammar reads; anything else takes the
                # careful path that tries every separator.
                match = _FIRST_SEPARATOR.match(line)
                window = line[match.end(): MAX_DATE_LENGTH + 4] if match is not None else ""
                if match is not None and not (" –" in window or " —" in window or " -" in window
                                              or "\t" in window or ": " in window):
                    date_text = match.group(1)
                    span = parse_date(date_text)
                    if type(span) is DateSpan:
                        if named_weekdays and date_text in named_weekdays:
                            self.with_weekday.append(len(events))
                        text, citations = strip_citations(line[match.end():])
                        append_event(Event(date_text, span, text, citations, number))
                        continue
                event = self.parse_event(number, line)
                if named_weekdays and event.date_text in named_weekdays:
                    self.with_weekday.append(len(events))
                append_event(event)
            elif mode == "sources":
                self.parse_source(number, line)
            else:
                self.parse_section(number, line)
        if title is None:
            self.problem(None, Severity.ERROR, "empty file (no text); not a story file")
            return None, self.problems
        if not seen_timeline:
            self.problem(None, Severity.WARNING, "no 'Timeline' section; the story has no events")
        elif not self.events:
            self.problem(None, Severity.WARNING, "the 'Timeline' section is empty")
        if self.numeric:
            self.read_numeric_dates()
        if self.yearless:
            self.infer_years()
        if self.with_weekday:
            self.check_weekdays()
        sources = self.complete_sources(seen_sources)
        story = Story(
            file=self.file,
            title=strip_citations(title)[0] or title,
            article_count=article_count,
            sections=tuple(self.sections),
            events=tuple(self.events),
            sources=sources,
        )
        return story, self.problems

    def parse_section(self, number: int, line: str) -> None:
        text, citations = strip_citations(line)
        self.sections.append(Section(text, citations, number))

    def parse_event(self, number: int, line: str) -> Event:
        date_text, rest, span = self.split_event_line(line)
        if span is not None:
            self.check_unread_range(number, date_text, rest)
        text, citations = strip_citations(rest)
        if isinstance(span, YearlessDate):
            self.yearless.append((len(self.events), span))
            span = None
        elif isinstance(span, NumericDate):
            self.numeric.append((len(self.events), span))
            span = None
        elif span is None:
            if date_text:
                reason = unreadable_reason(date_text)
                self.problem(number, Severity.ERROR,
                             f"cannot read the date {date_text!r}{f' ({reason})' if reason else ''}; "
                             "the event is shown as undated")
            else:
                self.problem(number, Severity.ERROR,
                             "timeline line without a 'DATE – text' separator; shown as undated")
        return Event(date_text, span, text, citations, number)

    def check_unread_range(self, number: int, date_text: str, rest: str) -> None:
        """Warn when the text goes on with another date: a range that could not be read.

        ``Oct 1, 2020 – Sep 1, 2020 – text`` (the end before the start) reads
        as the first date with the second in the text; say so, so the reader
        knows the range was not understood.
        """
        match = _SEPARATOR.search(rest, 0, MAX_DATE_LENGTH + 4)
        if match is None:
            return
        head = rest[: match.start()].strip()
        if head and parse_date(head) is not None:
            self.problem(number, Severity.WARNING,
                         f"'{date_text} – {head}' is not a range that can be read (does it end before "
                         f"it starts?); the date is read as {date_text!r}")

    def split_event_line(self, line: str) -> tuple[str, str, DateSpan | YearlessDate | NumericDate | None]:
        """Find the separator after the date: the longest prefix that reads as a date.

        Dashes also occur inside dates (``Sep 14 – 16, 2025``, ``206 BC –
        9 AD``) and inside the text, so the first dash is not always the
        separator; a colon after a range (``206 BC – 9 AD: the Han``) wins
        over the dash inside it.
        """
        best: tuple[str, str, DateSpan | YearlessDate | NumericDate | None] | None = None
        first: tuple[str, str] | None = None
        for match in _SEPARATOR.finditer(line, 0, MAX_DATE_LENGTH + 4):
            date_text = line[: match.start()].strip()
            if not date_text or len(date_text) > MAX_DATE_LENGTH:
                continue
            rest = line[match.end():].strip()
            if first is None:
                first = (date_text, rest)
            span = parse_date(date_text)
            if span is not None:
                best = (date_text, rest, span)
        colon = _COLON_SEPARATOR.search(line, 0, MAX_DATE_LENGTH + 2)
        if colon is not None and (best is None or colon.start() > len(best[0])):
            date_text = line[: colon.start()].strip()
            span = parse_date(date_text)
            if span is not None:
                return date_text, line[colon.end():].strip(), span
        if best is not None:
            return best
        if first is not None:
            return first[0], first[1], None
        return "", line, None

    def parse_source(self, number: int, line: str) -> None:
        match = _SOURCE.fullmatch(line)
        if match is None:
            self.problem(number, Severity.WARNING,
                         f"not a source line ('[n] title — url'): {line[:80]!r}")
            return
        n = int(match.group(1) or match.group(2))
        body = match.group(3).strip()
        title: str | None = body or None
        url: str | None = None
        found = _URL_AT_END.search(body)
        if found is not None:
            url = found.group(1)
            title = body[: found.start()].strip() or None
        if any(s.number == n for s in self.sources):
            self.problem(number, Severity.WARNING, f"source [{n}] is listed twice; the first is kept")
            return
        self.sources.append(Source(n, title, url, number))

    def complete_sources(self, listed: bool) -> tuple[Source, ...]:
        """The story's sources: the listed ones, plus any cited but not listed."""
        cited: set[int] = set()
        for section in self.sections:
            cited.update(section.citations)
        for event in self.events:
            cited.update(event.citations)
        known = {s.number for s in self.sources}
        missing = sorted(cited - known)
        if not missing and not self.sources:
            return ()
        sources = list(self.sources)
        for n in missing:
            if listed:
                self.problem(self._first_citing_line(n), Severity.WARNING,
                             f"cites source [{n}], which the 'Sources' section does not list")
            sources.append(Source(n, None, None, None))
        sources.sort(key=lambda s: s.number)
        return tuple(sources)

    def _first_citing_line(self, number: int) -> int | None:
        lines = [s.line for s in self.sections if number in s.citations]
        lines += [e.line for e in self.events if number in e.citations]
        return min(lines) if lines else None

    def read_numeric_dates(self) -> None:
        """Read ``11/10/2017`` day first or month first, as the story's other numeric dates settle it.

        A date whose first number is above 12 (``20/09/2017``) can only be
        day first; one whose second is can only be month first. The story's
        ambiguous dates follow the order its settled ones use (the more
        common one if it uses both). With none to settle it, month first is
        assumed, and each ambiguous line says so.
        """
        events = self.events
        settled: dict[str, list[int]] = {"day-first": [], "month-first": []}
        for index, date_of in self.numeric:
            if date_of.settles is not None:
                settled[date_of.settles].append(events[index].line)
        days, months = settled["day-first"], settled["month-first"]
        order = "day-first" if len(days) > len(months) else "month-first"
        for index, date_of in self.numeric:
            event = events[index]
            read_as = date_of.settles or order
            span = date_of.read(read_as)
            if span is None:  # cannot happen: a NumericDate has at least one reading
                continue
            events[index] = event._replace(span=span)
            if not date_of.ambiguous:
                continue
            other = date_of.read("month-first" if read_as == "day-first" else "day-first")
            other_text = f" rather than {describe_span(other).rsplit(',', 1)[0]}" if other is not None else ""
            read = describe_span(span).rsplit(",", 1)[0]
            evidence = settled[read_as]
            if evidence and not settled["month-first" if read_as == "day-first" else "day-first"]:
                continue  # the story settles it: no guess
            if evidence:
                why = (f"this story writes numeric dates both ways; {read_as.replace('-', ' ')}, as on "
                       f"{len(evidence)} of its lines (e.g. line {evidence[0]})")
            else:
                why = "no date in this story settles the order; month first is assumed"
            self.problem(event.line, Severity.WARNING,
                         f"the date {event.date_text!r} could be day first or month first: {why}, "
                         f"so it is read as {read}{other_text}")

    def check_weekdays(self) -> None:
        """Warn where a date names a weekday its day was not ("Thursday 17 October 2017", a Tuesday).

        The date is kept as written; when its year was assumed, the weekday
        says the assumption may be wrong.
        """
        for index in self.with_weekday:
            event = self.events[index]
            if event.span is None:
                continue
            conflict = weekday_conflict(event.date_text, event.span)
            if conflict is None:
                continue
            if event.year_inferred:
                then = f"the year assumed ({event.span.start.year}) may be wrong"
            else:
                then = "one of the two is a mistake; the date is read as written"
            self.problem(event.line, Severity.WARNING,
                         f"the date {event.date_text!r} names the wrong weekday ({conflict}): {then}")

    def infer_years(self) -> None:
        """Give yearless dates (``Dec 12``) a year from the neighbouring events written with one.

        Only dates whose year is written count as neighbours: the start of
        each (never a range's end, which may be "present", today). The year
        chosen keeps the story in order: on or after the event before it
        (which may itself have had its year assumed) and on or before the next
        event written with a year. A story written newest first is read the
        other way round. The event is marked ``year_inferred``, with a warning
        naming the year.
        """
        events = self.events
        yearless = dict(self.yearless)
        written = [None if i in yearless else (e.span.start if e.span is not None else None)
                   for i, e in enumerate(events)]
        anchors = [day for day in written if day is not None]
        rising = sum(1 for a, b in itertools.pairwise(anchors) if b > a)
        falling = sum(1 for a, b in itertools.pairwise(anchors) if b < a)
        order = list(range(len(events)))
        if falling > rising:
            order.reverse()  # newest first: walk it oldest first
        following: dict[int, Day | None] = {}
        next_day: Day | None = None
        for i in reversed(order):
            following[i] = next_day
            if written[i] is not None:
                next_day = written[i]
        previous: Day | None = None  # the event before, its year written or assumed
        last_written: Day | None = None
        for index in order:
            event = events[index]
            date_of = yearless.get(index)
            if date_of is None:
                if written[index] is not None:
                    previous = last_written = written[index]
                continue
            span, year, in_order = _year_between(date_of, previous, following[index])
            if span is None:
                reason = ("no neighbouring event with a written year to infer it from" if year is None
                          else f"and the year inferred from its neighbours ({year}) is not a valid date")
                self.problem(event.line, Severity.ERROR,
                             f"the date {event.date_text!r} has no year, {reason}; "
                             "the event is shown as undated")
                continue
            events[index] = event._replace(span=span, year_inferred=True)
            previous = span.start
            around = " and ".join(describe_span(DateSpan(day, day, span.precision)).rsplit(",", 1)[0]
                                  for day in (last_written, following[index]) if day is not None)
            note = "" if in_order else " (the neighbouring events are not in order here)"
            self.problem(event.line, Severity.WARNING,
                         f"the date {event.date_text!r} has no year; assumed {year} from the neighbouring "
                         f"events ({around}){note}")


def _year_between(date_of: YearlessDate, after: Day | None, before: Day | None
                  ) -> tuple[DateSpan | None, int | None, bool]:
    """The year that puts ``date_of`` on or after ``after`` and on or before ``before``.

    Returns:
        The span, the year (None when there is no neighbour at all), and
        whether both neighbours could be kept in order (when not, the year
        follows the event before, or failing that the one after).
    """
    if after is None and before is None:
        return None, None, True
    if after is not None:
        last = before.year if before is not None and before.year >= after.year else after.year + 1
        for year in range(after.year, min(last, after.year + 8) + 1):
            span = _in_year(date_of, year)
            if span is not None and span.start >= after and (before is None or span.start <= before):
                return span, year, True
        if before is None or before < after:
            for year in range(after.year, after.year + 9):
                span = _in_year(date_of, year)
                if span is not None and span.start >= after:
                    return span, year, before is None
    assert before is not None or after is not None
    if before is not None:
        for year in range(before.year, before.year - 9, -1):
            span = _in_year(date_of, year)
            if span is not None and span.start <= before:
                return span, year, after is None
    fallback = (after or before).year  # type: ignore[union-attr]
    return _in_year(date_of, fallback), fallback, False


def _in_year(date_of: YearlessDate, year: int) -> DateSpan | None:
    return date_of.in_year(year) if MIN_YEAR <= year <= MAX_YEAR else None
