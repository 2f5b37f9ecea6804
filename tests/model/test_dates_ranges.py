"""Numeric and weekday ranges: read with their honest precision, one day-or-month order per story."""

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from viewer.model import DateSpan, Precision, Severity, YearlessDate, parse_date, parse_story
from viewer.model.dates import NumericDate

D = Precision.DAY


def story_of(*lines: str):
    return parse_story("Story\nTimeline\n" + "\n".join(lines) + "\n", "s.txt")


def spans(story) -> list[tuple[str, str]]:
    return [(e.span.start.isoformat(), e.span.end.isoformat()) for e in story.events]


@pytest.mark.parametrize("text", ["11/10/2017 – 12/10/2017", "11/10/2017-12/10/2017", "11/10/2017 - 12/10/2017",
                                  "11/10/2017 to 12/10/2017", "11/10/2017—12/10/2017", "11-10-2017 – 12-10-2017",
                                  "Wed 11/10/2017 – Thu 12/10/2017"])
def test_a_numeric_range_is_read_both_ends_in_one_order(text):
    result = parse_date(text)
    assert isinstance(result, NumericDate) and result.ambiguous and result.settles is None
    assert result.read("day-first") == DateSpan(date(2017, 10, 11), date(2017, 10, 12), D)
    assert result.read("month-first") == DateSpan(date(2017, 11, 10), date(2017, 12, 10), D)


def test_either_end_of_a_numeric_range_can_settle_its_order():
    assert parse_date("11/10/2017 – 13/10/2017").settles == "day-first"  # 13 is no month
    assert parse_date("10/11/2017 – 10/13/2017").settles == "month-first"
    # Read the other way, this range would end before it starts.
    assert parse_date("12/10/2017 – 11/12/2017").settles == "day-first"
    # Ends written in different orders, or a range backwards both ways: no date.
    assert parse_date("20/10/2017 – 10/25/2017") is None
    assert parse_date("12/12/2017 – 11/11/2017") is None


@pytest.mark.parametrize(("text", "start", "end"), [
    ("11.10.2017 – 12.10.2017", date(2017, 10, 11), date(2017, 10, 12)),  # dots: always day first
    ("2017-10-11 – 2017-10-12", date(2017, 10, 11), date(2017, 10, 12)),
    ("2017-10-11/2017-10-12", date(2017, 10, 11), date(2017, 10, 12)),  # an ISO 8601 interval
    ("2017-10-11 to 2017-10-12", date(2017, 10, 11), date(2017, 10, 12)),
    ("2017-10-11–2017-10-12", date(2017, 10, 11), date(2017, 10, 12)),
])
def test_ranges_that_say_their_order_are_read_at_once(text, start, end):
    assert parse_date(text) == DateSpan(start, end, D)


def test_a_time_of_day_needs_a_single_numeric_day():
    assert parse_date("11/10/2017, 4:00 PM") == NumericDate(11, 10, 2017, 16 * 3600)
    assert parse_date("11/10/2017 – 12/10/2017, 4:00 PM") is None


def test_the_story_reads_both_ends_of_a_range_in_the_order_its_other_dates_settle():
    story, problems = story_of("11/10/2017 – 12/10/2017 – Protests.", "20/09/2017 – Vote.")
    assert spans(story) == [("2017-10-11", "2017-10-12"), ("2017-09-20", "2017-09-20")]
    assert story.events[0].text == "Protests." and problems == []
    story, problems = story_of("11/10/2017-12/10/2017 – Protests.", "10/25/2017 – Vote.")
    assert spans(story)[0] == ("2017-11-10", "2017-12-10") and problems == []


def test_a_range_can_settle_the_story_for_its_other_dates():
    story, problems = story_of("18/03/2017 to 02/06/2017 – Making Ends Meet.", "03/06/2017 – A Chilean Experience.")
    assert spans(story) == [("2017-03-18", "2017-06-02"), ("2017-06-03", "2017-06-03")]
    assert problems == []


def test_an_ambiguous_range_nothing_settles_says_both_readings_on_its_line():
    story, problems = story_of("11/10/2017 – 12/10/2017 – Protests.")
    assert spans(story) == [("2017-11-10", "2017-12-10")]
    [warning] = problems
    assert warning.severity is Severity.WARNING and warning.line == 3
    assert "Nov 10, 2017 – Dec 10, 2017" in warning.message and "Oct 11, 2017 – Oct 12, 2017" in warning.message


def test_a_range_whose_ends_disagree_is_not_read_as_one():
    story, problems = story_of("20/10/2017 – 10/25/2017 – Hearing.")
    assert story.events[0].date_text == "20/10/2017"
    assert any("not a range that can be read" in p.message for p in problems)


@settings(max_examples=200, deadline=None)
@given(st.dates(date(1900, 1, 1), date(2098, 12, 31)), st.integers(0, 365), st.sampled_from(["day", "month"]),
       st.sampled_from([" – ", "-", " - ", " to "]))
def test_any_numeric_range_reads_as_written_in_a_story_that_settles_its_order(first, length, order, joiner):
    last = first + timedelta(days=length)

    def written(day: date) -> str:
        a, b = (day.day, day.month) if order == "day" else (day.month, day.day)
        return f"{a:02d}/{b:02d}/{day.year}"

    settler = "25/12/2000" if order == "day" else "12/25/2000"
    story, problems = story_of(f"{written(first)}{joiner}{written(last)} – Talks.", f"{settler} – Christmas.")
    assert spans(story)[0] == (first.isoformat(), last.isoformat())
    assert story.events[0].text == "Talks." and problems == []


@pytest.mark.parametrize(("text", "start", "end"), [
    ("Monday, March 3, 2025", date(2025, 3, 3), date(2025, 3, 3)),
    ("Mon 3 – Wed 5 March 2025", date(2025, 3, 3), date(2025, 3, 5)),
    ("Tuesday 4 March – Thursday 6 March 2025", date(2025, 3, 4), date(2025, 3, 6)),
    ("Mon 3rd – Wed 5th March 2025", date(2025, 3, 3), date(2025, 3, 5)),
    ("Monday–Wednesday, March 3–5, 2025", date(2025, 3, 3), date(2025, 3, 5)),
    ("Monday the 3rd of March 2025", date(2025, 3, 3), date(2025, 3, 3)),
    ("Weds 5 March 2025", date(2025, 3, 5), date(2025, 3, 5)),
    ("Friday, Feb. 28 – Monday, March 3, 2025", date(2025, 2, 28), date(2025, 3, 3)),
    ("Monday 14 January 2019 to Friday 15 March 2019", date(2019, 1, 14), date(2019, 3, 15)),
])
def test_weekday_forms_and_ranges_read_at_day_precision(text, start, end):
    assert parse_date(text) == DateSpan(start, end, D)


def test_a_year_less_weekday_range_goes_to_the_story_for_its_year():
    assert parse_date("Monday 24th to Wednesday 26th September") == YearlessDate(9, 24, 9, 26)
    story, _ = story_of("Sep 1, 2018 – Announced.", "Monday 24th to Wednesday 26th September – Hearings.")
    assert spans(story)[1] == ("2018-09-24", "2018-09-26") and story.events[1].year_inferred


@pytest.mark.parametrize("line", [
    "Mon 3 – Wed 5 March 2025 – Summit held.",
    "Tuesday 4 March – Thursday 6 March 2025 – Summit held.",
    "11/10/2017 – 12/10/2017 – Summit held.",
    "2017-10-11 – 2017-10-12 – Summit held.",
])
def test_the_separator_never_splits_a_range(line):
    story, _ = story_of(line)
    event = story.events[0]
    assert event.text == "Summit held." and event.span is not None and line.startswith(event.date_text + " – ")


def test_a_weekday_the_day_was_not_is_kept_as_written_with_a_warning():
    # As a council's meeting calendar wrote it: 17 October 2017 was a Tuesday.
    story, problems = story_of("Thursday           17 October 2017 – Council meeting.",
                               "Tuesday 24 October 2017 – Committee.")
    assert spans(story)[0] == ("2017-10-17", "2017-10-17")
    [warning] = problems
    assert warning.line == 3 and warning.severity is Severity.WARNING
    assert "Oct 17, 2017 was a Tuesday, not a Thursday" in warning.message


def test_each_end_of_a_weekday_range_is_checked():
    _, problems = story_of("Mon 3 – Wed 5 March 2025 – Right.", "Mon 3 – Thu 5 March 2025 – Wrong end.")
    [warning] = problems
    assert warning.line == 4 and "Mar 5, 2025 was a Wednesday, not a Thursday" in warning.message


def test_a_weekday_that_disagrees_with_an_assumed_year_says_the_year_may_be_wrong():
    story, problems = story_of("Sep 1, 2018 – Announced.", "Tuesday 25th September – Heard.",
                               "Tuesday 30th April – Decided.", "Jun 1, 2019 – Closed.")
    assert [e.year_inferred for e in story.events] == [False, True, True, False]
    weekday = [p for p in problems if "weekday" in p.message]
    # 25 September 2018 was a Tuesday; 30 April 2019 was one too: nothing to say.
    assert weekday == []
    story, problems = story_of("Sep 1, 2018 – Announced.", "Tuesday 25th April – Decided.", "Jun 1, 2019 – Closed.")
    [warning] = [p for p in problems if "weekday" in p.message]
    assert "Apr 25, 2019 was a Thursday, not a Tuesday" in warning.message and "year assumed (2019)" in warning.message
