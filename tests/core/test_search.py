"""Search without Qt: what a query matches, and the snippet shown for it."""

from __future__ import annotations

from tests.conftest import library_of
from viewer.core.search import Hit, SearchIndex, fold, query_words, snippet
from viewer.core.state import AppState
from viewer.model import Library

HUNGARY = """Orbán Meets EU Leaders Over Frozen Funds
Updated (2 articles)
Budget Talks Stall The European Commission keeps funds frozen [1].
Timeline
2010 – Viktor Orbán becomes prime minister again [1]
Mar 3, 2024 – Talks on the budget stall in Brussels [2]
2025 – The government announces new measures [1][2]
Sources
[1] Reuters: Budget row — https://www.reuters.com/world/europe/budget
[2] Politico — https://www.politico.eu/article/x
"""

OTHER = """Trade Deal Signed
Timeline
2019 – Ministers sign a trade deal after talks [1]
2024 – The deal takes effect [1]
"""


def index() -> SearchIndex:
    return SearchIndex(library_of({"hu.txt": HUNGARY, "trade.txt": OTHER}))


def events(result) -> list[tuple[str, int | None]]:
    return [(hit.file, hit.event) for hit in result.hits()]


def test_case_and_accents_do_not_matter():
    assert fold("Orbán MÜLLER Ærø") == "orban muller ærø"
    assert events(index().search("orban")) == [("hu.txt", None), ("hu.txt", 0)]
    assert events(index().search("ORBÁN")) == events(index().search("orban"))


def test_every_word_must_match_within_one_event_in_any_order():
    assert events(index().search("stall talks")) == [("hu.txt", None), ("hu.txt", 1)]
    # "talks" and "sign" are both in trade.txt's first event (event 0).
    assert events(index().search("sign talks")) == [("trade.txt", 0)]
    # Words from two different events of a story do not make an event match.
    assert events(index().search("ministers effect")) == []


def test_words_are_prefixes_and_dates_as_written_match():
    assert events(index().search("gov")) == [("hu.txt", 2)]
    assert events(index().search("2024")) == [("hu.txt", 1), ("trade.txt", 1)]
    assert events(index().search("mar 3")) == [("hu.txt", 1)]


def test_headline_summary_and_sources_match_the_story_itself():
    assert events(index().search("frozen funds")) == [("hu.txt", None)]
    assert events(index().search("reuters.com")) == [("hu.txt", None)]
    assert events(index().search("politico")) == [("hu.txt", None)]


def test_counts_and_empty_queries():
    result = index().search("talks")
    assert len(result) == 3 and result.story_count == 2
    assert result.files() == {"hu.txt", "trade.txt"}
    assert result.hits_at(2) == [Hit("trade.txt", 0)]
    assert len(index().search("   ")) == 0
    assert len(index().search("nothing-like-this")) == 0
    assert query_words("Reuters.com, 2024!") == ["reuters", "com", "2024"]


def test_the_snippet_shows_the_match_in_the_original_text():
    runs = snippet("In 2010 Viktor Orbán became prime minister", "orban")
    assert ("Orbán", True) in runs
    assert "".join(part for part, _ in runs) == "In 2010 Viktor Orbán became prime minister"
    long = "word " * 60 + "Orbán " + "word " * 60
    runs = snippet(long, "orban", width=60)
    assert runs[0] == ("…", False) and runs[-1] == ("…", False)
    assert ("Orbán", True) in runs


def test_the_state_takes_only_the_result_of_the_current_query():
    state = AppState()
    state.set_library(library_of({"hu.txt": HUNGARY, "trade.txt": OTHER}))
    heard: list[str] = []
    state.search_changed.connect(lambda: heard.append("search"))
    state.set_query("talks")
    state.set_search(SearchIndex(state.library).search("tal"))  # typed further meanwhile: dropped
    assert state.search is None and heard == []
    state.set_search(SearchIndex(state.library).search("talks"))
    assert len(state.search) == 3 and heard == ["search"]
    state.set_only_matching(True)
    state.set_query("orban")  # until its result comes, the last one's lanes stay
    state.set_search(SearchIndex(state.library).search("orban"))
    assert [s.file for s in state.lanes()] == ["hu.txt"]
    state.set_query("")
    assert state.search is None and [s.file for s in state.lanes()] == ["hu.txt", "trade.txt"]


def test_an_index_built_on_the_last_one_finds_what_a_fresh_index_finds():
    before = library_of({"hu.txt": HUNGARY, "trade.txt": OTHER})
    old = SearchIndex(before)
    # A live update: trade.txt was rewritten, a file was added, hu.txt is the same story object.
    changed = library_of({"trade.txt": OTHER.replace("trade deal", "tariff pact"),
                          "new.txt": "Harbour Strike\nTimeline\n2024 – Dockers strike [1]\n"})
    after = Library.from_results(before.folder, {**changed.results, "hu.txt": before.results["hu.txt"]})
    assert after.story("hu.txt") is before.story("hu.txt")
    rebuilt = SearchIndex(after, old)
    fresh = SearchIndex(after)
    for query in ("orban", "trade", "tariff pact", "dockers", "budget stall", "2024"):
        assert events(rebuilt.search(query)) == events(fresh.search(query)), query
    assert events(rebuilt.search("trade deal")) == [("trade.txt", None)]  # its headline; no event any more
    assert events(rebuilt.search("tariff")) == [("trade.txt", 0)]


def test_letters_can_be_spelled_out():
    index = SearchIndex(library_of({"de.txt": "Müller Trial\nTimeline\n2024 – Großer Prozess in Ærøskøbing [1]\n"}))
    for query in ("mueller", "muller", "MÜLLER", "grosser", "aeroe"):
        assert events(index.search(query)), query


def test_find_next_goes_through_the_matching_events_and_only_then_the_stories():
    result = index().search("budget")  # hu.txt: its summary and source title, and one event
    hits = result.hits()
    assert hits[0].event is None and any(h.event is not None for h in hits)
    first = result.next_match(-1, 1)
    assert result.hits_at(first)[0].event is not None
    assert result.next_match(first, 1) == first  # the only matching event: Find Next stays there
    only_stories = index().search("politico")  # a source title: the story's own text only
    assert only_stories.next_match(-1, 1) == 0 and only_stories.hits_at(0)[0].event is None
