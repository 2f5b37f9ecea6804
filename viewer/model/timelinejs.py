"""Stories as a TimelineJS3 document, the format newsrooms publish web timelines in.

TimelineJS (Knight Lab, https://timeline.knightlab.com/docs/json-format.html)
reads one JSON object: a ``title`` slide and a list of ``events``, each with a
``start_date`` (and maybe an ``end_date``) given as ``year``/``month``/``day``
numbers, ``text.headline`` and ``text.text`` as HTML, and a ``group``.

What this module promises:

- A date says no more than the story does: a year-precision event has only a
  ``year``, a month one no ``day``. TimelineJS cannot say "mid-2022" or "the
  1960s", so those give their years only; the date as written goes to
  ``display_date``, which TimelineJS shows instead of its own rendering.
- Story text is HTML-escaped everywhere TimelineJS reads HTML: a headline
  holding ``<script>`` is shown as those characters.
- Sources become links only when their url is ``http(s)``; the page opens them
  in a new tab without giving them a reference to itself.
- Undated events cannot be placed on a timeline and are left out (counted in
  ``TimelineDocument.undated``).

Pure Python: the CLI's ``--export-timelinejs`` runs without Qt.
"""

from __future__ import annotations

import html
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TextIO

from viewer.model.story import DateSpan, Day, Event, Precision, Story

__all__ = ["TimelineDocument", "timeline_document", "write_timelinejs"]

HEADLINE_CHARS = 80  # an event's slide headline: the start of its text, cut at a word


@dataclass
class TimelineDocument:
    """A TimelineJS3 document and what could not go into it."""

    data: dict[str, Any]
    events: int  # slides for dated events
    undated: int  # undated events left out


def _date(day: Day, precision: Precision) -> dict[str, Any]:
    # Astronomical years (0 is 1 BC, -43 is 44 BC), as JavaScript's Date and TimelineJS count them.
    if precision is Precision.DAY:
        return {"year": day.year, "month": day.month, "day": day.day}
    if precision is Precision.MONTH:
        return {"year": day.year, "month": day.month}
    return {"year": day.year}


def _same_at(span: DateSpan) -> bool:
    """Whether the span starts and ends on the same date as far as its precision tells."""
    return _date(span.start, span.precision) == _date(span.end, span.precision)


def _short(text: str) -> str:
    if len(text) <= HEADLINE_CHARS:
        return text
    cut = text.rfind(" ", 0, HEADLINE_CHARS)
    return text[: cut if cut > 30 else HEADLINE_CHARS].rstrip(",;:") + "…"


def _sources_html(story: Story, citations: Sequence[int]) -> str:
    links = []
    for number in citations:
        source = story.source(number)
        if source is None:
            continue
        title = html.escape(source.title or source.url or f"Source {number}")
        url = source.url or ""
        if url.lower().startswith(("http://", "https://")):
            links.append(f'<a href="{html.escape(url, quote=True)}" target="_blank" '
                         f'rel="noopener noreferrer">{title}</a>')
        else:
            links.append(title)
    return f"<p>Sources: {'; '.join(links)}</p>" if links else ""


def _summary_html(story: Story) -> str:
    paragraphs = []
    for section in story.sections:
        heading = section.heading
        body = html.escape(section.body)
        paragraphs.append(f"<p><b>{html.escape(heading)}</b> {body}</p>" if heading else f"<p>{body}</p>")
    return "".join(paragraphs)


def _slide(story: Story, event: Event, group: str | None) -> dict[str, Any]:
    span = event.span
    assert span is not None
    slide: dict[str, Any] = {
        "start_date": _date(span.start, span.precision),
        "display_date": event.date_text,
        "text": {
            "headline": html.escape(_short(event.text)),
            "text": f"<p>{html.escape(event.text)}</p>{_sources_html(story, event.citations)}",
        },
        "unique_id": _unique_id(story, event),
    }
    if not _same_at(span):
        slide["end_date"] = _date(span.end, span.precision)
    if group is not None:
        slide["group"] = group
    return slide


def _unique_id(story: Story, event: Event) -> str:
    # TimelineJS uses it as an HTML id and in the page's #fragment: letters, digits and dashes only.
    stem = "".join(c if c.isascii() and c.isalnum() else "-" for c in story.file)
    return f"{stem}-line-{event.line}"


def timeline_document(stories: Sequence[Story], title: str | None = None) -> TimelineDocument:
    """The TimelineJS3 document of one or more stories.

    Args:
        stories: the stories, in the order their groups should appear.
        title: the title slide's headline when several stories are exported
            (one story's title slide is its own headline and summary).

    Returns:
        The document, with the number of slides and of undated events left out.
    """
    several = len(stories) > 1
    events: list[dict[str, Any]] = []
    undated = 0
    for story in stories:
        group = story.title if several else None
        for event in story.events:
            if event.span is None:
                undated += 1
                continue
            events.append(_slide(story, event, group))
    if several or not stories:
        listing = "".join(f"<li>{html.escape(s.title)}</li>" for s in stories)
        title_slide = {"text": {"headline": html.escape(title or "Timeline"),
                                "text": f"<ul>{listing}</ul>" if listing else ""}}
    else:
        story = stories[0]
        title_slide = {"text": {"headline": html.escape(story.title), "text": _summary_html(story)}}
    return TimelineDocument({"title": title_slide, "events": events}, len(events), undated)


def write_timelinejs(document: TimelineDocument, out: TextIO) -> None:
    """Write the document as UTF-8 JSON text (not ``\\u``-escaped), indented for a reader."""
    json.dump(document.data, out, ensure_ascii=False, indent=1)
    out.write("\n")
