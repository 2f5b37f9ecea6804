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

import re

from viewer.model.dates import YearlessDate, parse_date
from viewer.model.decoding import split_lines
from viewer.model.story import DateSpan, Event, Problem, Section, Severity, Source, Story

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
                                              or "\t" in window):
                    date_text = match.group(1)
                    span = parse_date(date_text)
                    if type(span) is DateSpan:
                        text, citations = strip_citations(line[match.end():])
                        append_event(Event(date_text, span, text, citations, number))
                        continue
                append_event(self.parse_event(number, line))
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
        if self.yearless:
            self.infer_years()
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
        elif span is None:
            if date_text:
                self.problem(number, Severity.ERROR,
                             f"cannot read the date {date_text!r}; the event is shown as undated")
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

    def split_event_line(self, line: str) -> tuple[str, str, DateSpan | YearlessDate | None]:
        """Find the separator after the date: the longest prefix that reads as a date.

        Dashes also occur inside dates (``Sep 14 – 16, 2025``) and inside the
        text, so the first dash is not always the separator.
        """
        best: tuple[str, str, DateSpan | YearlessDate | None] | None = None
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
        if best is not None:
            return best
        colon = _COLON_SEPARATOR.search(line, 0, MAX_DATE_LENGTH + 2)
        if colon is not None:
            date_text = line[: colon.start()].strip()
            span = parse_date(date_text)
            if span is not None:
                return date_text, line[colon.end():].strip(), span
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

    def infer_years(self) -> None:
        """Give yearless dates (``Dec 12``) the year of their neighbours.

        The nearest earlier dated event gives the year; a month earlier than
        that event's month means the timeline rolled over into the next year
        (Dec → Jan). Without an earlier one, the nearest later one is used.
        One pass each way, so a file of thousands of yearless dates stays fast.
        """
        events = self.events
        yearless = dict(self.yearless)
        following: list[DateSpan | None] = [None] * len(events)
        next_span: DateSpan | None = None
        for i in range(len(events) - 1, -1, -1):
            following[i] = next_span
            if events[i].span is not None:
                next_span = events[i].span
        previous: DateSpan | None = None
        for index, event in enumerate(events):
            date_of = yearless.get(index)
            if date_of is None:
                if event.span is not None:
                    previous = event.span
                continue
            year: int | None = None
            after = following[index]
            if previous is not None:
                year = previous.end.year + (1 if date_of.month < previous.end.month else 0)
                basis = f"the event before it ({previous.end.isoformat()})"
            elif after is not None:
                year = after.start.year - (1 if date_of.month > after.start.month else 0)
                basis = f"the event after it ({after.start.isoformat()})"
            span = date_of.in_year(year) if year is not None and 1 <= year <= 9999 else None
            if span is None:
                reason = ("no dated neighbour to infer it from" if year is None
                          else f"and the year inferred from its neighbours ({year}) is not a valid date")
                self.problem(event.line, Severity.ERROR,
                             f"the date {event.date_text!r} has no year, {reason}; "
                             "the event is shown as undated")
                continue
            events[index] = Event(event.date_text, span, event.text, event.citations, event.line)
            previous = span
            self.problem(event.line, Severity.WARNING,
                         f"the date {event.date_text!r} has no year; assumed {year} from {basis}")
