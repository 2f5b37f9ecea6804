"""Every fact of the real story file in ``seeds/`` comes out of the parser."""

from datetime import date

import pytest

from tests.conftest import SHARED_SEED
from viewer.model import Precision, load_folder, parse_story


@pytest.fixture(scope="module")
def story():
    parsed, problems = parse_story(SHARED_SEED.read_text(encoding="utf-8"), SHARED_SEED.name)
    assert problems == []
    return parsed


def test_title_and_article_count(story):
    assert story.title == "Colombian President Gustavo Petro to Meet Donald Trump at White House on Feb 6"
    assert story.article_count == 3


def test_the_four_headings_are_split_from_their_bodies(story):
    assert [s.heading for s in story.sections] == [
        "Petro’s First In‑Person White House Visit Set for Feb 6",
        "Agenda Focuses on Venezuela, ELN Border Threats, and Drug Trafficking",
        "Trump Accuses Petro of Counter‑Narcotics Failures, Threatens Strikes",
        "Rand Paul Mediated Call, Political Stakes Heighten Ahead of August Election",
    ]
    assert [s.body.split(" ", 3)[:3] for s in story.sections] == [
        ["Colombian", "President", "Gustavo"],
        ["The", "leaders", "will"],
        ["Trump", "has", "publicly"],
        ["Senator", "Rand", "Paul"],
    ]
    assert all(s.citations == (1,) for s in story.sections)
    assert all("[1]" not in s.body for s in story.sections)


EXPECTED_EVENTS = [
    ("1960s", date(1960, 1, 1), date(1969, 12, 31), Precision.DECADE, (2,), 8),
    ("2025", date(2025, 1, 1), date(2025, 12, 31), Precision.YEAR, (2,), 9),
    ("Jan 3, 2026", date(2026, 1, 3), date(2026, 1, 3), Precision.DAY, (1, 3), 10),
    ("Jan 5, 2026", date(2026, 1, 5), date(2026, 1, 5), Precision.DAY, (3,), 11),
    ("Jan 13, 2026", date(2026, 1, 13), date(2026, 1, 13), Precision.DAY, (2,), 12),
    ("Feb 3, 2026", date(2026, 2, 3), date(2026, 2, 3), Precision.DAY, (1,), 13),
    ("Feb 6, 2026", date(2026, 2, 6), date(2026, 2, 6), Precision.DAY, (1,), 14),
]


def test_the_seven_events(story):
    got = [
        (e.date_text, e.span.start, e.span.end, e.span.precision, e.citations, e.line)
        for e in story.events
    ]
    assert got == EXPECTED_EVENTS


def test_event_text_loses_only_its_markers(story):
    first = story.events[0].text
    assert first.startswith("The National Liberation Army (ELN) originates as a left‑wing")
    assert first.endswith("mineral trafficking networks.")
    assert "[" not in "".join(e.text for e in story.events)


def test_sources_are_the_cited_numbers(story):
    assert [(s.number, s.title, s.url) for s in story.sources] == [(1, None, None), (2, None, None), (3, None, None)]


def test_folder_loader_finds_the_seed(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "a.txt").write_bytes(SHARED_SEED.read_bytes())
    (tmp_path / "notes.md").write_text("not a story")
    library = load_folder(tmp_path)
    assert [s.file for s in library.stories] == ["sub/a.txt"]
    assert library.event_count == 7
