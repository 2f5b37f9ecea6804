"""The date grammar: each written form, its span and precision; nothing invented."""

from datetime import date

import pytest

from viewer.model import DateSpan, Precision, YearlessDate, describe_span, parse_date

D, M, YP, Y, DEC, C = (Precision.DAY, Precision.MONTH, Precision.YEAR_PART, Precision.YEAR,
                       Precision.DECADE, Precision.CENTURY)


@pytest.mark.parametrize(("text", "start", "end", "precision"), [
    ("1960s", date(1960, 1, 1), date(1969, 12, 31), DEC),
    ("2010s", date(2010, 1, 1), date(2019, 12, 31), DEC),
    ("2025", date(2025, 1, 1), date(2025, 12, 31), Y),
    ("Early 2025", date(2025, 1, 1), date(2025, 4, 30), YP),
    ("Mid-2022", date(2022, 5, 1), date(2022, 8, 31), YP),
    ("Late 2019", date(2019, 9, 1), date(2019, 12, 31), YP),
    ("Nov 2023", date(2023, 11, 1), date(2023, 11, 30), M),
    ("March 2024", date(2024, 3, 1), date(2024, 3, 31), M),
    ("Feb 2024", date(2024, 2, 1), date(2024, 2, 29), M),
    ("Jan 3, 2026", date(2026, 1, 3), date(2026, 1, 3), D),
    ("Aug. 29, 2005", date(2005, 8, 29), date(2005, 8, 29), D),
    ("Sept. 9, 2025", date(2025, 9, 9), date(2025, 9, 9), D),
    ("12 September 2025", date(2025, 9, 12), date(2025, 9, 12), D),
    ("2024-09-19", date(2024, 9, 19), date(2024, 9, 19), D),
    ("Sep 14–16, 2025", date(2025, 9, 14), date(2025, 9, 16), D),
    ("2019–2021", date(2019, 1, 1), date(2021, 12, 31), Y),
    ("2019-2021", date(2019, 1, 1), date(2021, 12, 31), Y),
    ("Sep 30 – Oct 2, 2025", date(2025, 9, 30), date(2025, 10, 2), D),
    ("Dec 30, 2025 – Jan 2, 2026", date(2025, 12, 30), date(2026, 1, 2), D),
    ("Jan–Mar 2024", date(2024, 1, 1), date(2024, 3, 31), M),
    ("14–16 September 2025", date(2025, 9, 14), date(2025, 9, 16), D),
    ("2010s–2020s", date(2010, 1, 1), date(2029, 12, 31), DEC),
    ("2019 – March 2020", date(2019, 1, 1), date(2020, 3, 31), M),
    ("20th century", date(1900, 1, 1), date(1999, 12, 31), C),
    ("1800s", date(1800, 1, 1), date(1899, 12, 31), C),
    ("January 3rd, 2026", date(2026, 1, 3), date(2026, 1, 3), D),
    ("Monday, Jan 5, 2026", date(2026, 1, 5), date(2026, 1, 5), D),
    ("Spring 2020", date(2020, 3, 1), date(2020, 5, 31), YP),
    ("Q3 2024", date(2024, 7, 1), date(2024, 9, 30), YP),
    ("c. 1950", date(1950, 1, 1), date(1950, 12, 31), Y),
    ("1066", date(1066, 1, 1), date(1066, 12, 31), Y),
    ("AD 79", date(79, 1, 1), date(79, 12, 31), Y),
    ("20/09/2017", date(2017, 9, 20), date(2017, 9, 20), D),
    ("09/20/2017", date(2017, 9, 20), date(2017, 9, 20), D),
    ("11.10.2017", date(2017, 10, 11), date(2017, 10, 11), D),
])
def test_written_forms(text, start, end, precision):
    assert parse_date(text) == DateSpan(start, end, precision)


def test_range_takes_the_finer_endpoint_precision():
    span = parse_date("2019 – Mar 3, 2020")
    assert span == DateSpan(date(2019, 1, 1), date(2020, 3, 3), D)


@pytest.mark.parametrize("text", ["1960s", "Nov 2023", "2025", "Early 2025"])
def test_never_invents_a_day_or_the_current_year(text):
    # dateutil's fuzzy mode reads "1960s" as a date in the current year and
    # fills a missing day from today; the grammar must not.
    span = parse_date(text)
    assert span is not None and span.start.day == 1
    assert span.precision is not D
    assert span.start.year != date.today().year or text in ("2025", "Early 2025")


def test_yearless_date_is_returned_for_inference():
    assert parse_date("Dec 12") == YearlessDate(12, 12, 12, 12)
    assert parse_date("Sep 14–16") == YearlessDate(9, 14, 9, 16)


@pytest.mark.parametrize("text", ["", "sometime", "Feb 30, 2025", "soon after", "10:30", "99999",
                                  "2021–2019", "the next day", "[1]"])
def test_unreadable_dates_are_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(("text", "described"), [
    ("1960s", "1960 – 1969, decade"),
    ("Jan 3, 2026", "Jan 3, 2026, day"),
    ("Nov 2023", "Nov 2023, month"),
    ("Mid-2022", "May 2022 – Aug 2022, year part"),
    ("2025", "2025, year"),
])
def test_description_for_readers(text, described):
    assert describe_span(parse_date(text)) == described


@pytest.mark.parametrize("text", ["90s", "'90s", "’00s", "May '68", "Jan 5, 45", "10 10", "3/4"])
def test_no_century_or_year_is_guessed(text):
    # Two-digit years and decades do not say which century; dateutil would
    # pick one from today's date.
    assert parse_date(text) is None


def test_range_to_the_present_ends_today():
    span = parse_date("Jan 2020 – present")
    assert (span.start, span.end, span.precision) == (date(2020, 1, 1), date.today(), M)


def test_two_digit_range_end_rolls_over_the_century():
    assert parse_date("1999–01") == DateSpan(date(1999, 1, 1), date(2001, 12, 31), Y)


def test_a_winter_across_the_new_year():
    assert parse_date("Winter 2023–24") == DateSpan(date(2023, 12, 1), date(2024, 2, 29), YP)
    assert parse_date("Winter 2023–25") is None
