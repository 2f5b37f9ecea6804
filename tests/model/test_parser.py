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


# --- Reading real-world timelines (issue 9) ------------------------------------------

def _story(*events: str):
    text = "A Story\nTimeline\n" + "\n".join(events) + "\n"
    story, problems = parse_story(text, "s.txt")
    assert story is not None
    return story, problems


def test_a_range_across_the_era_boundary_is_never_split_at_its_dash():
    story, problems = _story(
        "206 BC – 9 AD – The Western Han rule from Chang'an [1].",
        "June 2019 (2019-06) – May 2020 (2020-05) – The review runs.",
        "206 BCE – 220 CE: The Han dynasty.",
    )
    han, review, dynasty = story.events
    assert (han.date_text, han.text) == ("206 BC – 9 AD", "The Western Han rule from Chang'an.")
    assert (han.span.start.isoformat(), han.span.end.isoformat()) == ("-0205-01-01", "0009-12-31")
    assert (review.date_text, review.text) == ("June 2019 (2019-06) – May 2020 (2020-05)", "The review runs.")
    assert (dynasty.date_text, dynasty.text) == ("206 BCE – 220 CE", "The Han dynasty.")
    assert problems == []


def test_numeric_dates_follow_the_order_the_story_settles():
    story, problems = _story("20/09/2017 – Filed.", "11/10/2017 – Heard.", "03/11/2017 – Decided.")
    assert [e.span.start.isoformat() for e in story.events] == ["2017-09-20", "2017-10-11", "2017-11-03"]
    assert problems == []  # 20/09/2017 settles it: no guess
    story, problems = _story("09/20/2017 – Filed.", "11/10/2017 – Heard.")
    assert story.events[1].span.start.isoformat() == "2017-11-10"
    assert problems == []


def test_an_ambiguous_numeric_date_nothing_settles_is_read_month_first_with_a_warning_on_its_line():
    story, problems = _story("11/10/2017 – Heard.", "12/10/2017 – Decided.", "12/12/2017 – Same either way.")
    assert [e.span.start.isoformat() for e in story.events] == ["2017-11-10", "2017-12-10", "2017-12-12"]
    assert [p.line for p in problems] == [3, 4]
    assert all(p.severity is Severity.WARNING and "month first" in p.message and "day first" in p.message
               for p in problems)


def test_a_year_less_date_never_takes_its_year_from_a_present_end():
    story, problems = _story(
        "Jan 2019 – present – The inquiry sits.",
        "Mar 5 – A witness is heard.",
        "Mar 10, 2019 – The first report.",
    )
    inferred = story.events[1]
    assert inferred.year_inferred and inferred.span.start.isoformat() == "2019-03-05"
    assert not story.events[0].year_inferred and not story.events[2].year_inferred
    [warning] = problems
    assert warning.line == 4 and "assumed 2019" in warning.message


def test_a_year_less_date_keeps_the_story_in_order_with_its_written_neighbours():
    story, _ = _story("Dec 30, 2019 – A.", "Dec 31 – B.", "Jan 1 – C.", "Jan 3, 2020 – D.")
    assert [e.span.start.isoformat() for e in story.events] == ["2019-12-30", "2019-12-31", "2020-01-01",
                                                                "2020-01-03"]
    assert [e.year_inferred for e in story.events] == [False, True, True, False]
    # Newest first: the same dates read the other way round.
    story, _ = _story("Jan 3, 2020 – D.", "Jan 1 – C.", "Dec 31 – B.", "Dec 30, 2019 – A.")
    assert [e.span.start.isoformat() for e in story.events] == ["2020-01-03", "2020-01-01", "2019-12-31",
                                                                "2019-12-30"]


def test_times_of_day_stay_in_the_date_as_written():
    story, problems = _story("March 3, 2024, 4:15 PM EST – Polls close.", "2024-03-03T09:05Z – Polls open.")
    close, open_ = story.events
    assert close.date_text == "March 3, 2024, 4:15 PM EST" and close.text == "Polls close."
    assert close.span.precision.value == "day" and close.span.time_of_day == 16 * 3600 + 15 * 60
    assert open_.span.time_of_day == 9 * 3600 + 5 * 60 and open_.span.start == close.span.start
    assert problems == []


def test_a_date_earlier_than_the_supported_range_is_undated_with_a_clear_error():
    story, problems = _story("200,000 BC – Homo sapiens in Africa.", "10,000 BC – Farming begins.")
    assert story.events[0].span is None and story.events[1].span.start.year == -9999
    [error] = problems
    assert error.line == 3 and error.severity is Severity.ERROR and "earlier than 100,000 BC" in error.message
