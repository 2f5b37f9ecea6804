"""The story format: separators, citations, sources, headers."""

import json
from pathlib import Path

import pytest

from viewer.model import Severity, parse_story, strip_citations


def parse(text):
    return parse_story(text, "s.txt")


@pytest.mark.parametrize("separator", [" – ", " — ", " - ", "  –  "])
def test_each_separator(separator):
    story, problems = parse(f"T\nTimeline\nJan 3, 2026{separator}Something happened [1]\n")
    event = story.events[0]
    assert (event.date_text, event.text, event.citations) == ("Jan 3, 2026", "Something happened", (1,))
    assert problems == []


def test_dashes_inside_text_and_date_ranges_are_not_separators():
    story, problems = parse(
        "T\nTimeline\n"
        "Sep 14–16, 2025 – Talks run three days – and end [1]\n"
        "2019–2021 – A two-year plan – funded [2]\n"
        "Sep 30 – Oct 2, 2025 – A summit – with a twist [3]\n"
    )
    assert [(e.date_text, e.text) for e in story.events] == [
        ("Sep 14–16, 2025", "Talks run three days – and end"),
        ("2019–2021", "A two-year plan – funded"),
        ("Sep 30 – Oct 2, 2025", "A summit – with a twist"),
    ]
    assert problems == []


def test_colon_after_a_date_is_accepted():
    story, _problems = parse("T\nTimeline\nJan 3, 2026: Something [1]\n")
    assert (story.events[0].date_text, story.events[0].text) == ("Jan 3, 2026", "Something")


@pytest.mark.parametrize(("text", "clean", "numbers"), [
    ("A [1][3] b [1].", "A b.", (1, 3)),
    ("A [1, 3] b [2]", "A b", (1, 3, 2)),
    ("A [2–4]", "A", (2, 3, 4)),
    ("No markers", "No markers", ()),
    ("Array[x] stays", "Array[x] stays", ()),
])
def test_citation_markers(text, clean, numbers):
    assert strip_citations(text) == (clean, numbers)


def test_sources_section_with_optional_title_and_url():
    story, problems = parse(
        "T\nTimeline\n2020 – a [1][2][3][4]\nSources\n"
        "[1] Reuters report — https://example.com/a\n"
        "[2] Just a title\n"
        "[3] https://example.com/c\n"
        "[4] A title - with a dash – https://example.com/d\n"
    )
    assert [(s.number, s.title, s.url) for s in story.sources] == [
        (1, "Reuters report", "https://example.com/a"),
        (2, "Just a title", None),
        (3, None, "https://example.com/c"),
        (4, "A title - with a dash", "https://example.com/d"),
    ]
    assert problems == []


def test_references_header_and_unlisted_citation_warns():
    story, problems = parse("T\nTimeline\n2020 – a [1][5]\nReferences\n[1] Only one\n")
    assert [s.number for s in story.sources] == [1, 5]
    assert [(p.line, p.severity) for p in problems] == [(3, Severity.WARNING)]


def test_bad_source_line_is_a_problem_at_its_line():
    _story, problems = parse("T\nTimeline\n2020 – a\nSources\nnot a source\n")
    assert [(p.line, p.severity) for p in problems] == [(5, Severity.WARNING)]


def test_updated_line_singular_and_plural():
    assert parse("T\nUpdated (1 article)\nTimeline\n")[0].article_count == 1
    assert parse("T\nUpdated (12 articles)\nTimeline\n")[0].article_count == 12
    assert parse("T\nTimeline\n")[0].article_count is None


def test_summary_line_without_credible_heading_is_all_body():
    story, _ = parse("T\nThe leaders will meet on Friday to talk [1].\nTimeline\n")
    assert (story.sections[0].heading, story.sections[0].body) == (
        None, "The leaders will meet on Friday to talk.")


CASES = Path(__file__).resolve().parent.parent / "data" / "heading_cases.json"


def heading_cases():
    if not CASES.exists():
        return []
    return json.loads(CASES.read_text(encoding="utf-8"))


def test_heading_split_on_a_written_corpus():
    """Most of a corpus of realistic summary lines split where a reader would.

    The boundary is not marked in the text, so this is a measured rate, not a
    promise for every line; the rate may only go up.
    """
    from viewer.model.headings import split_heading

    cases = heading_cases()
    if not cases:
        pytest.skip("no corpus")
    wrong = [c for c in cases if split_heading(c["line"]) != (c["heading"], c["body"])]
    rate = 1 - len(wrong) / len(cases)
    assert rate >= MIN_HEADING_RATE, "\n".join(c["line"][:100] for c in wrong)


MIN_HEADING_RATE = 0.9


def test_a_range_that_cannot_be_read_is_reported():
    story, problems = parse("T\nTimeline\nOct 1, 2020 – Sep 1, 2020 – Talks collapse [1]\n")
    event = story.events[0]
    assert event.date_text == "Oct 1, 2020"
    assert [(p.line, p.severity) for p in problems] == [(3, Severity.WARNING)]
    assert "Sep 1, 2020" in problems[0].message


def test_numbered_source_lists_are_read_too():
    story, problems = parse("T\nTimeline\n2020 – a [1][2]\nReferences\n1. A paper - https://example.org/p\n"
                            "2) Another one\n")
    assert [(s.number, s.title, s.url) for s in story.sources] == [
        (1, "A paper", "https://example.org/p"), (2, "Another one", None)]
    assert problems == []


@pytest.mark.parametrize(("line", "heading"), [
    # A capitalised word before a lower-case noun qualifies the subject …
    ("Death Toll Rises Above 200 in Valencia Region Emergency services in Valencia confirmed 200 deaths [1].",
     "Death Toll Rises Above 200 in Valencia Region"),
    # … while before a verb two capitalised words are a name.
    ("Advertisers Flee After Antisemitic Post Controversy Elon Musk said advertisers would return [1].",
     "Advertisers Flee After Antisemitic Post Controversy"),
])
def test_subject_without_title_or_article(line, heading):
    story, _ = parse(f"T\n{line}\nTimeline\n")
    assert story.sections[0].heading == heading
