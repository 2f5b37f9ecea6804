"""Sources across stories, without Qt: which sources are one, and what selecting one highlights."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import library_of
from viewer.core.sources import FolderSources, SourceIndex, normalise_url, source_key
from viewer.core.state import AppState, EventRef
from viewer.model import Library, Source

REUTERS = "https://www.reuters.com/world/europe/budget-row-2024-03-03/"


def grouped(library: Library) -> FolderSources:
    """A library's sources grouped from scratch (a fresh index: nothing reused)."""
    return SourceIndex().build(library)


def story(title: str, sources: list[str], events: list[str]) -> str:
    """A story file: events as "DATE – text [n]" lines, sources as "[n] title — url" lines."""
    return "\n".join([title, "Timeline", *events, "Sources", *sources]) + "\n"


HUNGARY = story("Orbán Meets EU Leaders Over Frozen Funds",
                [f"[1] Reuters: Budget row — {REUTERS}?utm_source=newsletter&utm_medium=email",
                 "[2] Politico — https://www.politico.eu/article/x"],
                ["2010 – Viktor Orbán becomes prime minister again [2]",
                 "Mar 3, 2024 – Talks on the budget stall in Brussels [1]",
                 "2025 – The government announces new measures [1][2]"])
BUDGET = story("EU Budget Talks",
               ["[1] Politico Europe — https://politico.eu/article/y",
                "[2] Budget row (Reuters) — HTTPS://WWW.REUTERS.COM/world/europe/budget-row-2024-03-03?fbclid=IwAR0"],
               ["Mar 3, 2024 – Talks stall [2]",
                "Mar 4, 2024 – Ministers meet again [1]"])
PRINT = story("Print Only",
              ["[1] The Economist, print edition, 9 March 2024", "[2] Reuters: Budget row"],
              ["Mar 9, 2024 – A column on the row [1]"])
PRINT_TOO = story("Print Too",
                  ["[1]   the economist, PRINT edition, 9 March 2024.", "[2] Other"],
                  ["Mar 10, 2024 – A letter [1]", "Mar 11, 2024 – Another [2]"])


@pytest.mark.parametrize(("written", "same_as"), [
    (f"{REUTERS}?utm_source=newsletter&utm_medium=email&utm_campaign=daily", REUTERS),
    ("HTTPS://WWW.Reuters.COM/world/europe/budget-row-2024-03-03", REUTERS),
    ("http://reuters.com/world/europe/budget-row-2024-03-03", REUTERS),
    ("https://www.reuters.com:443/world/europe/budget-row-2024-03-03/#comments", REUTERS),
    ("www.reuters.com/world/europe/budget-row-2024-03-03/", REUTERS),
    (f"  {REUTERS}?fbclid=IwAR0abc&gclid=x&mc_cid=1&mc_eid=2&igshid=3&ref_src=twsrc%5Etfw  ", REUTERS),
    ("https://example.com/a?id=3&utm_source=x&page=2", "https://example.com/a?id=3&page=2"),
    ("https://example.com/a?UTM_Source=x&id=3", "https://example.com/a/?id=3"),
    ("http://example.com:80/a", "https://example.com/a"),
    ("https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"),
])
def test_the_ways_one_page_is_linked_are_one_source(written, same_as):
    assert normalise_url(written) == normalise_url(same_as)


@pytest.mark.parametrize(("one", "other"), [
    ("https://example.com/a?id=3", "https://example.com/a?id=4"),  # a parameter that names the page
    ("https://example.com/a?id=3&page=2", "https://example.com/a?page=2&id=3"),  # order kept: some sites care
    ("https://example.com/A", "https://example.com/a"),  # paths are case-sensitive
    ("https://example.com:8080/a", "https://example.com/a"),  # a port that is not the default
    ("https://news.example.com/a", "https://example.com/a"),  # another host
    ("https://example.com/a/b", "https://example.com/a"),
])
def test_different_pages_stay_different(one, other):
    assert normalise_url(one) != normalise_url(other)


def test_a_source_without_url_is_known_by_its_folded_title_and_never_equals_a_url():
    assert source_key(Source(1, "The Economist, print edition", None)) == \
        source_key(Source(4, "  the  ECONOMIST, print edition.", None))
    assert source_key(Source(1, "Économie", None)) == source_key(Source(2, "economie", None))
    assert source_key(Source(1, "Reuters", None)) != source_key(Source(1, "Reuters", "https://reuters.com"))
    assert source_key(Source(1, "https://reuters.com", None)) != source_key(Source(1, None, "https://reuters.com"))
    assert source_key(Source(1, "n/a", None)) != source_key(Source(2, None, "n/a"))
    assert source_key(Source(3, None, None)) is None  # known only from a marker: nothing to match by
    assert source_key(Source(3, "  ", "  ")) is None


# --- hypothesis: the key of a url and of its variations -----------------------------------

_label = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=8)
_segment = st.text("abcdefghijklmnopqrstuvwxyzABC0123456789-_.~%", min_size=1, max_size=10)
_param = st.tuples(st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=6),
                   st.text("abcdefghijklmnopqrstuvwxyz0123456789", max_size=6))
_tracking = st.sampled_from(["utm_source", "utm_medium", "utm_campaign", "utm_content", "fbclid", "gclid",
                             "mc_cid", "mc_eid", "igshid", "ref_src"])


@st.composite
def page_urls(draw: st.DrawFn) -> tuple[str, list[tuple[str, str]], str]:
    """A web address as (scheme://host, its path, its parameters)."""
    host = ".".join(draw(st.lists(_label, min_size=1, max_size=3))) + draw(st.sampled_from([".com", ".co.uk", ".org"]))
    path = "".join("/" + s for s in draw(st.lists(_segment, max_size=4)))
    params = [p for p in draw(st.lists(_param, max_size=4)) if not p[0].startswith("utm_")]
    return f"https://{host}", params, path  # type: ignore[return-value]


def _join(base: str, path: str, params: list[tuple[str, str]]) -> str:
    query = "&".join(f"{k}={v}" for k, v in params)
    return f"{base}{path}{'?' + query if query else ''}"


@settings(max_examples=300, deadline=None)
@given(page_urls(), st.data())
def test_the_key_is_stable_under_every_listed_variation_and_idempotent(page, data):
    base, params, path = page
    plain = _join(base, path, params)
    key = normalise_url(plain)
    assert normalise_url(key) == key  # idempotent: a key read as a url is itself
    host = base.split("://")[1]
    variant_host = data.draw(st.sampled_from([host, host.upper(), f"www.{host}", f"WWW.{host.upper()}", f"{host}."]))
    variant_scheme = data.draw(st.sampled_from(["https", "http", "HTTPS", "Http"]))
    port = data.draw(st.sampled_from(["", ":443"])) if variant_scheme.lower() == "https" else ""
    slash = data.draw(st.sampled_from(["", "/"]))
    tracking = data.draw(st.lists(st.tuples(_tracking, st.text("abc123", max_size=5)), max_size=3))
    mixed = list(params)
    for parameter in tracking:  # tracking parameters anywhere among the others, which keep their order
        mixed.insert(data.draw(st.integers(0, len(mixed))), parameter)
    fragment = data.draw(st.sampled_from(["", "#", "#top", "#!/x?y=1"]))
    variant = _join(f"{variant_scheme}://{variant_host}{port}", path + slash, mixed) + fragment
    assert normalise_url(variant) == key, variant


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=40))
def test_any_text_in_the_url_gives_a_key_without_raising(text):
    key = source_key(Source(1, None, text))
    assert key is None if not text.strip() else isinstance(key, str)


# --- the folder's sources -------------------------------------------------------------------

def test_one_url_written_two_ways_by_two_stories_is_one_source_with_both_stories_and_their_events():
    sources = grouped(library_of({"hu.txt": HUNGARY, "budget.txt": BUDGET}))
    reuters = sources.shared("hu.txt", 1)
    assert reuters is not None and reuters is sources.shared("budget.txt", 2)
    assert reuters.stories == ("budget.txt", "hu.txt")  # library order
    assert reuters.events == (("budget.txt", 0), ("hu.txt", 1), ("hu.txt", 2))
    assert set(reuters.citations) == {("hu.txt", 1), ("budget.txt", 2)}
    assert sources.other_stories("hu.txt", 1) == ("budget.txt",)
    # Two articles of one site are two sources.
    assert sources.shared("hu.txt", 2) is not sources.shared("budget.txt", 1)
    assert sources.other_stories("hu.txt", 2) == ()
    assert len(sources) == 3


def test_the_title_and_url_shown_are_the_most_common_ones():
    third = story("Third", [f"[1] Budget row (Reuters) — {REUTERS}"], ["2024 – Again [1]"])
    sources = grouped(library_of({"a.txt": HUNGARY, "b.txt": BUDGET, "c.txt": third}))
    reuters = sources.shared("a.txt", 1)
    assert reuters.title == "Budget row (Reuters)"
    # Three spellings once each: the first story's (in library order) is shown.
    assert reuters.url == f"{REUTERS}?utm_source=newsletter&utm_medium=email"


def test_sources_without_url_match_by_title_and_never_a_url_source_of_that_title():
    sources = grouped(library_of({"hu.txt": HUNGARY, "p.txt": PRINT, "q.txt": PRINT_TOO}))
    economist = sources.shared("p.txt", 1)
    assert economist.stories == ("p.txt", "q.txt")
    assert economist.events == (("p.txt", 0), ("q.txt", 0))
    # "Reuters: Budget row" without a url is not the Reuters article with one.
    assert sources.other_stories("p.txt", 2) == ()


def test_a_story_listing_one_source_under_two_numbers_counts_once():
    twice = story("Twice", [f"[1] Reuters — {REUTERS}", f"[2] Reuters again — {REUTERS}?utm_source=x"],
                  ["2024 – Both [1][2]", "2025 – One [2]"])
    sources = grouped(library_of({"t.txt": twice, "hu.txt": HUNGARY}))
    reuters = sources.shared("t.txt", 2)
    assert reuters is sources.shared("t.txt", 1)
    assert reuters.stories == ("hu.txt", "t.txt")
    assert reuters.events == (("hu.txt", 1), ("hu.txt", 2), ("t.txt", 0), ("t.txt", 1))


def _shape(sources: FolderSources) -> dict[str, tuple]:
    return {e.key: (e.title, e.url, e.stories, sorted(e.citations), e.events) for e in sources}


def test_a_live_update_regroups_only_what_changed_and_gives_what_a_fresh_build_gives():
    rng = random.Random(4)
    urls = [f"https://site{i % 7}.example/article-{i}" for i in range(40)]

    def random_story(name: str) -> str:
        chosen = rng.sample(urls, rng.randint(1, 5))
        lines = [f"[{n}] Title {rng.randint(0, 2)} — {url}{rng.choice(['', '/', '?utm_source=x'])}"
                 for n, url in enumerate(chosen, 1)]
        events = [f"{2000 + i} – Event {i} [{rng.randint(1, len(chosen))}]" for i in range(rng.randint(0, 4))]
        return story(name, lines, events)

    files = {f"s{i:02d}.txt": random_story(f"Story {i}") for i in range(30)}
    index = SourceIndex()
    library = library_of(files)
    index.build(library)
    for _ in range(25):
        old_files, files = files, dict(files)
        for name in rng.sample(sorted(files), rng.randint(1, 3)):
            if rng.random() < 0.2:
                del files[name]
            else:
                files[name] = random_story(name)
        if rng.random() < 0.3:
            files[f"new{rng.randint(0, 99):02d}.txt"] = random_story("New")
        # A live update: the stories of unchanged files are the same objects as before.
        fresh = library_of(files)
        results = {name: result if old_files.get(name) != files[name] else library.results[name]
                   for name, result in fresh.results.items()}
        library = Library.from_results(library.folder, results)
        assert _shape(index.build(library)) == _shape(grouped(library))


# --- the state: a source selected across stories ---------------------------------------------

@pytest.fixture
def state() -> AppState:
    state = AppState()
    state.set_library(library_of({"hu.txt": HUNGARY, "budget.txt": BUDGET, "p.txt": PRINT}))
    return state


def test_selecting_a_folder_source_highlights_its_events_in_every_story(state):
    heard: list[str] = []
    state.folder_source_changed.connect(lambda: heard.append("folder_source_changed"))
    key = state.folder_sources().key_of("hu.txt", 1)
    state.set_folder_source(key)
    assert state.folder_source == key
    assert state.highlighted_events() == [EventRef("budget.txt", 0), EventRef("hu.txt", 1), EventRef("hu.txt", 2)]
    state.set_folder_source(key)  # the same again: no signal
    assert heard == ["folder_source_changed"]
    state.set_folder_source(None)
    assert state.highlighted_events() == [] and heard == ["folder_source_changed"] * 2


def test_one_source_is_selected_at_a_time_and_escape_clears_the_folder_source(state):
    state.set_story("hu.txt")
    state.select_source(2)
    key = state.folder_sources().key_of("hu.txt", 1)
    heard: list[str] = []
    state.source_changed.connect(lambda: heard.append("source"))
    state.folder_source_changed.connect(lambda: heard.append("folder"))
    state.set_folder_source(key)
    assert state.source_number is None and heard == ["folder", "source"]
    state.select_event(EventRef("budget.txt", 1))  # reading another story keeps the folder-wide source
    assert state.folder_source == key
    state.select_source(None)  # what Esc on the timeline does
    assert state.folder_source is None
    state.set_folder_source(key)
    state.select_source(1)  # a source of the current story replaces it
    assert state.folder_source is None and state.source_number == 1


def test_the_folder_source_survives_a_reload_while_a_story_lists_it(state):
    key = state.folder_sources().key_of("hu.txt", 1)
    state.set_folder_source(key)
    library = state.library
    edited = story("EU Budget Talks", ["[1] Politico Europe — https://politico.eu/article/y"],
                   ["Mar 4, 2024 – Ministers meet again [1]"])
    heard: list[str] = []
    state.folder_source_changed.connect(lambda: heard.append("folder"))
    state.set_library(library_of({"hu.txt": HUNGARY, "budget.txt": edited, "p.txt": PRINT}, library.folder),
                      keep_selection=True)
    assert state.folder_source == key and heard == []
    assert state.highlighted_events() == [EventRef("hu.txt", 1), EventRef("hu.txt", 2)]
    state.set_library(library_of({"budget.txt": edited, "p.txt": PRINT}, library.folder), keep_selection=True)
    assert state.folder_source is None and heard == ["folder"] and state.highlighted_events() == []


def test_another_folder_clears_the_folder_source(state):
    state.set_folder_source(state.folder_sources().key_of("hu.txt", 1))
    state.set_library(library_of({"hu.txt": HUNGARY}, Path("/elsewhere")))
    assert state.folder_source is None
