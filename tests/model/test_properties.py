"""Property-based tests: the parser never raises and never drops a line."""

import json
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from viewer.model import FileResult, Library, parse_date, parse_story
from viewer.model.cache import pack_results, unpack_results
from viewer.model.decoding import decode_story_bytes, split_lines
from viewer.model.export import library_to_dict
from viewer.model.story import day_from_ordinal

# Pieces that look like the format, so generated files reach deep paths.
FRAGMENTS = st.sampled_from([
    "Timeline", "Sources", "References", "Updated (3 articles)", "Jan 3, 2026 – ", "1960s – ",
    "Sep 14–16, 2025 – ", "Dec 12 – ", "2019–2021 – ", "Early 2025 – ", " – ", " - ", "—",
    "[1]", "[1][3]", "[2, 4]", "[", "]", "[99999]", "The ", "President ", "Of ", "and ",
    "https://example.com", "\t", "\r", "\r\n", "\n", "\ufeff", "\u2028", "\x00", "‑",
])
TEXT = st.lists(st.one_of(FRAGMENTS, st.text(max_size=12)), max_size=40).map("".join)


def accounted_lines(story, problems):
    lines = {p.line for p in problems}
    if story is not None:
        lines |= {s.line for s in story.sections}
        lines |= {e.line for e in story.events}
        lines |= {s.line for s in story.sources}
    return lines


@settings(max_examples=400, deadline=None)
@given(TEXT)
def test_arbitrary_text_never_raises_and_every_line_is_accounted_for(text):
    story, problems = parse_story(text, "x.txt")
    lines = split_lines(text)
    non_blank = [i for i, line in enumerate(lines, 1) if line.strip()]
    if story is None:
        assert not non_blank and problems
        return
    accounted = accounted_lines(story, problems)
    structural = {"timeline", "sources", "references", "source", "citations"}
    title_line = non_blank[0]
    for number in non_blank[1:]:
        line = lines[number - 1].strip()
        if number in accounted or line.rstrip(":").strip().lower() in structural:
            continue
        # The only other place a line may go: the article count right after the title.
        assert number == non_blank[1] and story.article_count is not None, (number, line)
    # The title is the first non-blank line, less only citation markers.
    first = lines[title_line - 1].strip().lstrip("\ufeff")
    assert story.title in (first, first.strip()) or "[" in first


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes_decode_or_report(data):
    decoded = decode_story_bytes(data)
    if decoded.text is None:
        assert decoded.notes
    else:
        parse_story(decoded.text, "x.txt")


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(max_size=40), TEXT))
def test_date_parser_returns_ordered_spans_or_none(text):
    result = parse_date(text)
    start = getattr(result, "start", None)
    if start is not None:
        assert result.start <= result.end


# --- Dates before the common era: order and round trips (issue 9) ---------------------

MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]


def written(year: int, month: int | None, day: int | None) -> str:
    """An astronomical year (and month, day) as a timeline writes it: 206 BC, AD 9, 15 March 44 BC."""
    era = f"{1 - year:,} BC" if year <= 0 else f"AD {year}"
    if month is None:
        return era
    if day is None:
        return f"{MONTH_NAMES[month - 1]} {era}"
    return f"{day} {MONTH_NAMES[month - 1]} {era}"


ERA_DATES = st.tuples(st.integers(-99_999, 9999), st.integers(1, 12), st.integers(1, 28)).flatmap(
    lambda t: st.sampled_from([(t[0], None, None), (t[0], t[1], None), t]))


@settings(max_examples=300, deadline=None)
@given(ERA_DATES, ERA_DATES)
def test_era_dates_order_as_their_astronomical_years(a, b):
    sa, sb = parse_date(written(*a)), parse_date(written(*b))
    assert sa.start.year == a[0] and sb.start.year == b[0]
    assert sa.start <= sa.end and sb.start <= sb.end
    key_a, key_b = (a[0], a[1] or 1, a[2] or 1), (b[0], b[1] or 1, b[2] or 1)
    assert (sa.start < sb.start) == (key_a < key_b)
    assert (sa.start.toordinal() < sb.start.toordinal()) == (key_a < key_b)
    assert day_from_ordinal(sa.start.toordinal()) == sa.start


@settings(max_examples=60, deadline=None)
@given(st.lists(ERA_DATES, min_size=1, max_size=12))
def test_era_spans_round_trip_through_the_json_export_and_the_cache(dates):
    lines = [f"{written(*d)} – Event {i}." for i, d in enumerate(dates)]
    story, problems = parse_story("Deep Time\nTimeline\n" + "\n".join(lines) + "\n", "deep.txt")
    assert story is not None and all(e.span is not None for e in story.events), problems
    result = FileResult("deep.txt", story, tuple(problems))
    library = Library.from_results(Path("/nowhere"), {"deep.txt": result})
    exported = json.loads(json.dumps(library_to_dict(library)))["stories"][0]["events"]
    for event, d, row in zip(story.events, dates, exported, strict=True):
        year = d[0]
        expanded = f"-{-year:04d}" if year < 0 else f"{year:04d}"
        assert row["start"].startswith(expanded + "-") and row["start"] == event.span.start.isoformat()
        assert row["end"] == event.span.end.isoformat() and row["year_inferred"] is False
    assert unpack_results(pack_results([result])) == [result]
