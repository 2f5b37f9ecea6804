"""The application state, without Qt: what each change tells the views, and what a reload keeps."""

from __future__ import annotations

import pytest

from tests.conftest import library_of, story_text
from viewer.core.state import AppState, EventRef

A = story_text("Story A", ["2001", "2002", "2003"])
B = story_text("Story B", ["2010", "2011"])


@pytest.fixture
def state() -> AppState:
    return AppState()


@pytest.fixture
def heard(state: AppState) -> list[str]:
    """The names of the signals the state emitted, in order."""
    names: list[str] = []
    for name in ("library_changed", "story_changed", "event_changed", "source_changed",
                 "query_changed", "hidden_changed", "sort_changed"):
        getattr(state, name).connect(lambda *args, name=name: names.append(name))
    return names


def test_a_new_folder_shows_its_first_story_with_nothing_selected(state, heard):
    state.set_library(library_of({"a.txt": A, "b.txt": B}))
    assert state.story is not None and state.story.file == "a.txt"
    assert state.event_ref is None and state.source_number is None
    assert heard == ["library_changed"]


def test_selecting_an_event_of_another_story_makes_that_story_current(state, heard):
    state.set_library(library_of({"a.txt": A, "b.txt": B}))
    state.select_source(1)
    heard.clear()
    state.select_event(EventRef("b.txt", 1))
    assert state.story.file == "b.txt" and state.selected_event().date_text == "2011"
    assert state.source_number is None
    assert heard == ["story_changed", "source_changed", "event_changed"]


def test_setting_the_same_value_again_emits_nothing(state, heard):
    state.set_library(library_of({"a.txt": A}))
    state.select_event(EventRef("a.txt", 0))
    state.select_source(1)
    state.set_query("orban")
    heard.clear()
    state.select_event(EventRef("a.txt", 0))
    state.select_source(1)
    state.set_story("a.txt")
    state.set_query("  orban ")
    state.set_sort("file")
    state.set_hidden(set())
    assert heard == []


def test_a_reload_keeps_the_selected_event_even_if_it_moved(state):
    state.set_library(library_of({"a.txt": A, "b.txt": B}))
    state.select_event(EventRef("a.txt", 2))  # "2003"
    state.select_source(1)
    moved = "Story A\nTimeline\n2000 – New first\n" + A.split("Timeline\n", 1)[1]  # one event added before it
    state.set_library(library_of({"a.txt": moved, "b.txt": B}), keep_selection=True)
    assert state.event_ref == EventRef("a.txt", 3)
    assert state.selected_event().date_text == "2003"
    assert state.source_number == 1


def test_a_reload_that_removed_the_event_clears_it_but_keeps_the_story(state):
    state.set_library(library_of({"a.txt": A, "b.txt": B}))
    state.select_event(EventRef("b.txt", 1))
    state.set_library(library_of({"a.txt": A, "b.txt": story_text("Story B", ["2010"])}), keep_selection=True)
    assert state.event_ref is None
    assert state.story.file == "b.txt"


def test_another_folder_starts_afresh(state, heard):
    state.set_library(library_of({"a.txt": A, "b.txt": B}))
    state.select_event(EventRef("b.txt", 0))
    state.set_story_hidden("a.txt", True)
    heard.clear()
    state.set_library(library_of({"a.txt": A, "b.txt": B}), keep_selection=False)
    assert state.event_ref is None and state.story.file == "a.txt"
    assert state.hidden == frozenset()
    assert heard == ["library_changed", "hidden_changed"]


def test_hidden_stories_stay_hidden_through_a_reload_until_their_file_goes(state, heard):
    state.set_library(library_of({"a.txt": A, "b.txt": B}))
    state.set_story_hidden("b.txt", True)
    state.set_story_hidden("nowhere.txt", True)  # not a story here: ignored
    assert state.hidden == {"b.txt"}
    state.set_library(library_of({"a.txt": A, "b.txt": B}), keep_selection=True)
    assert state.hidden == {"b.txt"}
    heard.clear()
    state.set_library(library_of({"a.txt": A}), keep_selection=True)
    assert state.hidden == frozenset()
    assert heard == ["library_changed", "hidden_changed"]


def test_the_events_citing_a_source_are_highlighted(state):
    story = "S\nTimeline\n2001 – One [1]\n2002 – Two [2]\n2003 – Three [1][2]\n"
    state.set_library(library_of({"s.txt": story}))
    state.select_source(2)
    assert state.highlighted_events() == [EventRef("s.txt", 1), EventRef("s.txt", 2)]
    state.set_story(None)
    assert state.highlighted_events() == []


def test_lanes_by_problems_count_the_problems_of_the_library_being_laid_out(state):
    # The loader lays out the next library on its worker with the current order: b gains two problems.
    state.set_library(library_of({"a.txt": story_text("A", ["2001", "Sometime"]), "b.txt": story_text("B", ["2001"])}))
    state.set_sort("-problems")
    assert [s.file for s in state.lanes()] == ["a.txt", "b.txt"]
    following = library_of({"a.txt": story_text("A", ["2001", "Sometime"]),
                            "b.txt": story_text("B", ["2001", "Sometime", "Never"])})
    assert [s.file for s in state.lanes(following)] == ["b.txt", "a.txt"]
