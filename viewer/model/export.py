"""The JSON document that shows exactly what the parser understood."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from viewer.model.story import Event, Library, Problem, Story

if TYPE_CHECKING:
    from viewer.model.pool import ParsePool

__all__ = ["export_folder", "library_to_dict", "story_line", "write_json"]


def library_to_dict(library: Library) -> dict[str, Any]:
    """The export document: folder, stories (by file) and problems.

    Args:
        library: the loaded folder.

    Returns:
        Plain JSON-ready data; dates as ISO strings, inclusive at both ends
        (before AD 1 as ISO 8601 expanded years in astronomical numbering:
        ``-0205-01-01`` is 1 January 206 BC, ``0000-12-31`` the last day of 1 BC).
    """
    return {
        "folder": _path_text(str(library.folder)),
        "stories": [_story(s) for s in library.stories],
        "problems": [_problem(p) for p in library.problems],
    }


def _problem(problem: Problem) -> dict[str, Any]:
    return {"file": _path_text(problem.file), "line": problem.line, "severity": problem.severity.value,
            "message": problem.message}


def _path_text(name: str) -> str:
    """A path as UTF-8 text: bytes of a file name that were not UTF-8 become U+FFFD.

    Python keeps such bytes as lone surrogates ("surrogate escapes"), which
    no UTF-8 output can hold: the export would stop at the first one.
    """
    if name.isascii():
        return name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return name


def _story(story: Story) -> dict[str, Any]:
    return {
        "file": _path_text(story.file),
        "title": story.title,
        "article_count": story.article_count,
        "sections": [
            {"heading": s.heading, "body": s.body, "citations": list(s.citations)}
            for s in story.sections
        ],
        "events": [_event(e) for e in story.events],
        "sources": [{"number": s.number, "title": s.title, "url": s.url} for s in story.sources],
    }


def _event(event: Event) -> dict[str, Any]:
    span = event.span
    return {
        "date_text": event.date_text,
        "start": span.start.isoformat() if span else None,
        "end": span.end.isoformat() if span else None,
        "precision": span.precision.value if span else None,
        "year_inferred": event.year_inferred,
        "text": event.text,
        "citations": list(event.citations),
        "line": event.line,
    }


_encode = json.JSONEncoder(ensure_ascii=False).encode


def story_line(story: Story) -> str:
    """One story of the export document, as ``write_json`` writes it (one line of JSON)."""
    return _encode(_story(story))


def write_json(library: Library, out: TextIO) -> None:
    """Write the export document, UTF-8 text kept as is (not \\u-escaped).

    One story or problem per line: readable, diffable, and written by the C
    encoder (``indent`` would switch json to its pure-Python encoder, six
    times slower on a 10,000-file folder).

    Args:
        library: the loaded folder.
        out: where to write.
    """
    out.write(f'{{"folder": {_encode(_path_text(str(library.folder)))},\n "stories": [')
    for i, story in enumerate(library.stories):
        out.write(("\n  " if i == 0 else ",\n  ") + story_line(story))
    out.write('\n ],\n "problems": [')
    for i, problem in enumerate(library.problems):
        out.write(("\n  " if i == 0 else ",\n  ") + _encode(_problem(problem)))
    out.write("\n ]}\n")


def export_folder(folder: Path | str, out: TextIO, pool: ParsePool | None = None) -> Library:
    """Load a folder and write its export document (``--export-json``).

    Returns:
        The library that was written.

    Raises:
        NotADirectoryError: the folder does not exist or is not a folder.
    """
    from viewer.model.loader import load_folder  # the loader's pool workers import this package

    library = load_folder(folder, pool=pool)
    write_json(library, out)
    return library
