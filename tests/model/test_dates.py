"""The date grammar: each written form, its span and precision; nothing invented."""

from datetime import date

import pytest

from viewer.model import DateSpan, Precision, YearlessDate, describe_span, parse_date
from viewer.model.dates import NumericDate

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


# --- Before the common era, times of day and other real-world forms (issue 9) ---------

def iso(span):
    return span.start.isoformat(), span.end.isoformat(), span.precision.value


@pytest.mark.parametrize(("text", "start", "end", "precision"), [
    ("206 BCE", "-0205-01-01", "-0205-12-31", "year"),
    ("44 B.C.", "-0043-01-01", "-0043-12-31", "year"),
    ("1 BC", "0000-01-01", "0000-12-31", "year"),
    ("500 B.C.E.", "-0499-01-01", "-0499-12-31", "year"),
    ("500 C.E.", "0500-01-01", "0500-12-31", "year"),
    ("A.D. 800", "0800-01-01", "0800-12-31", "year"),
    ("AD 9", "0009-01-01", "0009-12-31", "year"),
    ("5th century BC", "-0499-01-01", "-0400-12-31", "century"),
    ("early 3rd century BCE", "-0299-01-01", "-0270-12-31", "century"),
    ("1st century BC", "-0099-01-01", "0000-12-31", "century"),
    ("3rd millennium BC", "-2999-01-01", "-2000-12-31", "century"),
    ("the 430s BC", "-0438-01-01", "-0429-12-31", "decade"),
    ("c. 3100 BC", "-3099-01-01", "-3099-12-31", "year"),
    ("10,000 BC", "-9999-01-01", "-9999-12-31", "year"),
    ("15 March 44 BC", "-0043-03-15", "-0043-03-15", "day"),
    ("206 BC – 9 AD", "-0205-01-01", "0009-12-31", "year"),
    ("58–75 AD", "0058-01-01", "0075-12-31", "year"),
    ("101–44 BC", "-0100-01-01", "-0043-12-31", "year"),
    ("41–54 AD", "0041-01-01", "0054-12-31", "year"),
    ("AD 41–54", "0041-01-01", "0054-12-31", "year"),
    ("3rd–2nd century BC", "-0299-01-01", "-0100-12-31", "century"),
])
def test_dates_before_the_common_era_in_astronomical_years(text, start, end, precision):
    assert iso(parse_date(text)) == (start, end, precision)


@pytest.mark.parametrize("text", ["the 30s BC", "63 BC – 14", "200,000 BC", "0 BC", "-44", "44 BC – 63 BC"])
def test_era_dates_that_do_not_say_enough_are_not_guessed(text):
    assert parse_date(text) is None


def test_bc_spans_order_before_ad_ones_and_know_their_day_numbers():
    bc, ad = parse_date("1 BC"), parse_date("AD 1")
    assert bc.end < ad.start and ad.start.toordinal() - bc.end.toordinal() == 1
    assert bc.end.toordinal() == 0 and parse_date("2 BC").end.toordinal() == -366  # 1 BC is a leap year
    assert min(parse_date("1066").start, parse_date("44 BC").start) == parse_date("44 BC").start


@pytest.mark.parametrize(("text", "described"), [
    ("206 BC", "206 BC, year"),
    ("5th century BC", "500 BC – 401 BC, century"),
    ("Mar 202 BCE", "Mar 202 BC, month"),
    ("AD 79", "AD 79, year"),
    ("10,000 BC", "10,000 BC, year"),
])
def test_bc_descriptions_read_as_a_reader_writes_them(text, described):
    assert describe_span(parse_date(text)) == described


@pytest.mark.parametrize(("text", "day", "seconds"), [
    ("March 3, 2024, 4:15 PM EST", date(2024, 3, 3), 16 * 3600 + 15 * 60),
    ("March 3, 2024 at 4:15 p.m. ET", date(2024, 3, 3), 16 * 3600 + 15 * 60),
    ("2024-03-03T16:15Z", date(2024, 3, 3), 16 * 3600 + 15 * 60),
    ("2024-03-03T16:15:30+01:00", date(2024, 3, 3), 16 * 3600 + 15 * 60 + 30),
    ("3 March 2024, 09:05 GMT", date(2024, 3, 3), 9 * 3600 + 5 * 60),
    ("Jan 5, 2021, 12:00 a.m.", date(2021, 1, 5), 0),
    ("Jan 5, 2021, noon", date(2021, 1, 5), 12 * 3600),
    ("10:30 a.m. ET, Jan 5, 2021", date(2021, 1, 5), 10 * 3600 + 30 * 60),
    ("May 11, 2021, 02:35 AM UTC", date(2021, 5, 11), 2 * 3600 + 35 * 60),
])
def test_a_time_of_day_keeps_day_precision_and_orders_the_day(text, day, seconds):
    assert parse_date(text) == DateSpan(day, day, D, seconds)


@pytest.mark.parametrize("text", ["March 2024, 4:15 PM", "2024, 16:15", "Jan 5, 2021, 13:00 pm", "Jan 5, 2021, 25:00"])
def test_a_time_needs_a_single_day(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(("text", "start", "end", "precision"), [
    ("2001 (Sept)", date(2001, 9, 1), date(2001, 9, 30), M),
    ("April 2021 (2021-04)", date(2021, 4, 1), date(2021, 4, 30), M),
    ("2021 (approx.)", date(2021, 1, 1), date(2021, 12, 31), Y),
    ("June 2019 (2019-06) – May 2020 (2020-05)", date(2019, 6, 1), date(2020, 5, 31), M),
    ("Late March/Early April 2022", date(2022, 3, 21), date(2022, 4, 10), M),
    ("2021/22", date(2021, 1, 1), date(2022, 12, 31), Y),
    ("1920 ’s", date(1920, 1, 1), date(1929, 12, 31), DEC),
    ("1920's", date(1920, 1, 1), date(1929, 12, 31), DEC),
    ("1920’s", date(1920, 1, 1), date(1929, 12, 31), DEC),
    ("11.10.2017", date(2017, 10, 11), date(2017, 10, 11), D),
    ("10 October → 21 October 2015", date(2015, 10, 10), date(2015, 10, 21), D),
])
def test_other_forms_of_real_timelines(text, start, end, precision):
    assert parse_date(text) == DateSpan(start, end, precision)


@pytest.mark.parametrize("text", ["April 2021 (2020-04)", "2001 (Sept) 2002", "2021/23"])
def test_restatements_that_disagree_are_not_read(text):
    assert parse_date(text) is None


def test_numeric_dates_are_left_to_the_story():
    ambiguous, settled = parse_date("11/10/2017"), parse_date("20/09/2017")
    assert isinstance(ambiguous, NumericDate) and ambiguous.ambiguous and ambiguous.settles is None
    assert ambiguous.read("day-first").start == date(2017, 10, 11)
    assert ambiguous.read("month-first").start == date(2017, 11, 10)
    assert settled.settles == "day-first" and not settled.ambiguous
    assert parse_date("09/20/2017").settles == "month-first"
    assert parse_date("13/13/2017") is None and parse_date("3/1/26") is None
