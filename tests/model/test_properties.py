"""Property-based tests: the parser never raises and never drops a line."""

from hypothesis import given, settings
from hypothesis import strategies as st

from viewer.model import parse_date, parse_story
from viewer.model.decoding import decode_story_bytes, split_lines

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
