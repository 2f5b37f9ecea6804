"""Real date strings, copied verbatim from public chronologies, read as a careful reader reads them.

``tests/data/date_corpus.json`` names the page each string comes from and what
it means: the span (ISO 8601, astronomical years before AD 1), its precision
and any time of day; or that it is rightly left undated (two ranges in one,
a minus sign that may mean BC or astronomical, a time with no date, a year
earlier than 100,000 BC), or read without a year for its story to place, or
all-numeric (``18/03/2017 to 02/06/2017``), with each reading (day first,
month first) the story may settle on, or none where that reading is no date.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from viewer.model import DateSpan, YearlessDate, parse_date
from viewer.model.dates import NumericDate

CORPUS = json.loads((Path(__file__).parents[1] / "data" / "date_corpus.json").read_text(encoding="utf-8"))
ENTRIES = CORPUS["entries"]


def test_the_corpus_is_large_and_varied():
    assert len(ENTRIES) >= 150
    assert len({e["source"] for e in ENTRIES}) >= 40
    assert sum("BC" in e["text"] or "B.C" in e["text"] for e in ENTRIES) >= 50
    assert sum("time" in e for e in ENTRIES) >= 10
    assert sum(e.get("expect") == "numeric" for e in ENTRIES) >= 5
    assert sum(e["text"].split()[0].rstrip(",").lower() in WEEKDAYS for e in ENTRIES) >= 30


WEEKDAYS = {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
            "mon", "tue", "wed", "thu", "fri", "sat", "sun"}


def _seconds(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 3600 + int(minutes) * 60


@pytest.mark.parametrize("entry", ENTRIES, ids=[f"{i}:{e['text']}" for i, e in enumerate(ENTRIES)])
def test_each_real_date_reads_as_written(entry):
    result = parse_date(entry["text"])
    expect = entry.get("expect")
    if expect == "undated":
        assert result is None, entry["why"]
        return
    if expect == "yearless":
        assert isinstance(result, YearlessDate)
        assert (result.month, result.day) == (entry["month"], entry["day"])
        assert (result.end_month, result.end_day) == (entry.get("end_month", entry["month"]),
                                                      entry.get("end_day", entry["day"]))
        assert result.time_of_day == (_seconds(entry["time"]) if "time" in entry else None)
        return
    if expect == "numeric":
        assert isinstance(result, NumericDate)
        for order, key in (("day-first", "day_first"), ("month-first", "month_first")):
            span = result.read(order)
            assert (None if span is None else [span.start.isoformat(), span.end.isoformat()]) == entry[key], order
        return
    assert isinstance(result, DateSpan), result
    end = date.today().isoformat() if entry["end"] == "present" else entry["end"]
    assert (result.start.isoformat(), result.end.isoformat(), result.precision.value) == (
        entry["start"], end, entry["precision"])
    assert result.time_of_day == (_seconds(entry["time"]) if "time" in entry else None)
