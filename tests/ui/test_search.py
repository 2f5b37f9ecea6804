"""Search in the window: Ctrl+F, typing, the results, Enter and Find Next, Esc; every selection in view."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from tests.conftest import SEEDS
from viewer.core.state import EventRef

pytestmark = pytest.mark.gui


@pytest.fixture
def seeded(window, open_folder):
    open_folder(window, SEEDS)
    return window


def search(qtbot, window, text: str) -> None:
    """Ctrl+F and type, as a user does; wait for the result."""
    window.find_action.trigger()
    assert window.search_field.hasFocus() or window.search_field.isVisible()
    with qtbot.waitSignal(window.state.search_changed, timeout=10000,
                          check_params_cb=lambda *args: window.state.search is not None):
        qtbot.keyClicks(window.search_field, text)
    qtbot.waitUntil(lambda: window.state.search is not None and window.state.search.query == text,
                    timeout=10000)


def test_find_is_bound_to_the_standard_key_and_focuses_the_field(seeded):
    assert QKeySequence(QKeySequence.StandardKey.Find) in seeded.find_action.shortcuts()
    assert QKeySequence(QKeySequence.StandardKey.FindNext) in seeded.find_next_action.shortcuts()
    seeded.find_action.trigger()
    assert seeded.search_field.hasFocus()
    assert seeded.search_dock.isVisible()


def test_typing_lists_and_counts_the_matches(qtbot, seeded):
    search(qtbot, seeded, "sputnik")
    result = seeded.state.search
    assert len(result) >= 2
    files = result.files()
    assert files == {s.file for s in seeded.state.library.stories if "Sputnik" in s.title
                     or any("Sputnik" in e.text for e in s.events)}
    assert seeded.search_status.text() == f"{len(result)} matches in {result.story_count} " + (
        "story" if result.story_count == 1 else "stories")
    model = seeded.search_results.model()
    listed = [model.index(row, 0).data() for row in range(model.rowCount())]
    # Grouped by story: each story's headline, then its matches, each with its date and a snippet.
    headings = [row for row in range(model.rowCount()) if model.row(row)[0] == "story"]
    assert len(headings) == result.story_count and headings[0] == 0
    assert len(listed) == len(result) + result.story_count
    assert any("Sputnik" in text for text in listed)
    event_hit = next(h for h in result.hits() if h.event is not None)
    event = seeded.state.library.story(event_hit.file).events[event_hit.event]
    assert any(text.startswith(event.date_text) for text in listed)


def test_a_click_on_a_result_selects_it(qtbot, seeded):
    search(qtbot, seeded, "sputnik")
    view = seeded.search_results
    model = view.model()
    row = next(r for r in range(model.rowCount()) if model.row(r)[0] == "match" and model.hit(r).event is not None)
    hit = model.hit(row)
    rect = view.visualRect(model.index(row, 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert seeded.state.event_ref == EventRef(hit.file, hit.event)
    assert seeded.state.selected_event().text[:30] in seeded.detail.toPlainText()


def test_results_escape_story_text(qtbot, window, open_folder, story_folder):
    folder = story_folder({"x.txt": "Markup <b>bold</b>\nTimeline\n2020 – <img src=x> sputnik [1]\n"})
    open_folder(window, folder)
    search(qtbot, window, "sputnik")
    model = window.search_results.model()
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == [
        "Markup <b>bold</b>", "2020  <img src=x> sputnik"]


def test_enter_shows_the_first_matching_event_and_find_next_moves_on(qtbot, seeded):
    search(qtbot, seeded, "moon")
    event_hits = [h for h in seeded.state.search.hits() if h.event is not None]
    assert len(event_hits) >= 2 and seeded.state.search.hits()[0].event is None
    # The story's summary matches too, but Enter goes to an event: its text is in the detail pane.
    qtbot.keyClick(seeded.search_field, Qt.Key.Key_Return)
    first, second = event_hits[:2]
    assert seeded.state.event_ref == EventRef(first.file, first.event)
    assert seeded.state.selected_event().text[:30] in seeded.detail.toPlainText()
    seeded.find_next_action.trigger()
    assert seeded.state.event_ref == EventRef(second.file, second.event)
    # The list of results follows: the match Find Next went to is its current row.
    panel = seeded.search_results
    assert panel.model().hit(panel.currentIndex().row()) == second
    text = seeded.state.selected_event().text
    assert text[:30] in seeded.detail.toPlainText()
    # The selected match is in view.
    (x0, x1), _ = seeded.timeline.view_box.viewRange()
    index = seeded.timeline.timeline_layout.index_of(second.file, second.event)
    assert seeded.timeline.timeline_layout.x1[index] > x0 and seeded.timeline.timeline_layout.x0[index] < x1
    seeded.find_previous_action.trigger()
    assert seeded.state.event_ref == EventRef(first.file, first.event)
    seeded.find_previous_action.trigger()  # round to the last
    assert seeded.state.event_ref == EventRef(event_hits[-1].file, event_hits[-1].event)


def test_accents_do_not_matter(qtbot, window, open_folder, story_folder):
    folder = story_folder({"hu.txt": "Hungary\nTimeline\n2010 – Viktor Orbán becomes prime minister [1]\n"
                                     "2014 – Re-elected [1]\n"})
    open_folder(window, folder)
    search(qtbot, window, "orban")
    assert [(h.file, h.event) for h in window.state.search.hits()] == [("hu.txt", 0)]


def test_escape_clears_the_search_and_returns_to_the_timeline(qtbot, seeded):
    search(qtbot, seeded, "sputnik")
    seeded.only_matching_action.setChecked(True)
    qtbot.keyClick(seeded.search_field, Qt.Key.Key_Escape)
    assert not seeded.only_matching_action.isChecked()  # every lane back, and the next search shows them all
    assert seeded.search_field.text() == ""
    assert seeded.state.search is None
    assert seeded.search_status.text() == ""
    assert seeded.timeline.plot.hasFocus()
    assert not seeded.search_dock.isVisible()  # the search opened it; the timeline gets its width back


def test_emptying_the_field_while_typing_keeps_the_results_where_they_are(qtbot, seeded):
    search(qtbot, seeded, "moon")
    width = seeded.timeline.width()
    for _ in "moon":
        qtbot.keyClick(seeded.search_field, Qt.Key.Key_Backspace)
    assert seeded.search_field.text() == "" and seeded.state.search is None
    assert seeded.search_dock.isVisible()  # no dock closing and opening again between two words
    assert seeded.timeline.width() == width
    qtbot.keyClick(seeded.search_field, Qt.Key.Key_Escape)  # Esc closes what the search opened
    assert not seeded.search_dock.isVisible()


def test_only_stories_with_matches(qtbot, seeded):
    search(qtbot, seeded, "sputnik")
    matching = seeded.state.search.files()
    seeded.only_matching_action.setChecked(True)
    assert {s.file for s in seeded.timeline.timeline_layout.stories} == matching
    seeded.only_matching_action.setChecked(False)
    assert len(seeded.timeline.timeline_layout.stories) == len(seeded.state.library.stories)


def test_a_selected_event_is_brought_into_view_and_drawn_on_its_own(qtbot, seeded):
    timeline = seeded.timeline
    layout = timeline.timeline_layout
    # Far out: the whole range, where the COVID story's events are one cluster.
    timeline.zoom_to_fit()
    covid = next(s for s in layout.stories if s.title.startswith("COVID"))
    ref = EventRef(covid.file, 5)
    index = layout.index_of(ref.file, ref.index)
    seeded.state.select_event(ref)
    (x0, x1), (y0, y1) = timeline.view_box.viewRange()
    assert x0 < layout.x0[index] and layout.x1[index] < x1
    assert y0 <= layout.row[index] < y1
    # Its neighbours in its row are far enough apart not to be drawn as one cluster with it.
    px_per_day = timeline.view_box.width() / (x1 - x0)
    row = layout.row == layout.row[index]
    centres = (layout.x0[row] + layout.x1[row]) / 2
    centre = (layout.x0[index] + layout.x1[index]) / 2
    others = centres[centres != centre]
    assert min(abs(others - centre)) * px_per_day >= 16


def in_view_and_alone(window, ref: EventRef) -> bool:
    """The event is in the view's time range and rows, and no other mark of its row is within 16 px."""
    timeline = window.timeline
    layout = timeline.timeline_layout
    index = layout.index_of(ref.file, ref.index)
    (x0, x1), (y0, y1) = timeline.view_box.viewRange()
    if not (layout.x1[index] > x0 and layout.x0[index] < x1 and y0 <= layout.row[index] < y1):
        return False
    px_per_day = timeline.view_box.width() / (x1 - x0)
    row = layout.row == layout.row[index]
    centres = (layout.x0[row] + layout.x1[row]) / 2
    centre = (layout.x0[index] + layout.x1[index]) / 2
    others = centres[centres != centre]
    return not len(others) or min(abs(others - centre)) * px_per_day >= 16


def far_away(window) -> None:
    """Zoomed out over everything, scrolled to the last lanes."""
    window.timeline.zoom_to_fit()
    window.timeline.view_box.setYRange(40, 60, padding=0)


def test_an_event_chosen_from_each_list_ends_up_in_view_on_its_own(qtbot, window, open_folder, story_folder):
    from viewer.model import Problem, Severity

    # Many lanes, each with events a day apart: far out, every lane is one cluster.
    files = {f"s{i:02d}.txt": f"Story {i:02d}\nTimeline\n" + "".join(
        f"Mar {d}, 2024 – Event {d} of story {i} zebra{i}x{d} [{1 + d % 2}]\n" for d in range(1, 9))
        + "1990 – Long ago [1]\n" for i in range(30)}
    open_folder(window, story_folder(files))
    # A search result.
    far_away(window)
    search(qtbot, window, "zebra3x5")
    [hit] = window.state.search.hits()
    window.search_results.hit_activated.emit(hit)  # what a click on the link does
    assert in_view_and_alone(window, EventRef(hit.file, hit.event))
    # The events citing a source.
    far_away(window)
    window.state.select_event(None)
    window.state.set_story("s03.txt")
    window.state.select_source(2)
    item = window.citations.citing_list.item(2)
    qtbot.mouseClick(window.citations.citing_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=window.citations.citing_list.visualItemRect(item).center())
    assert window.state.event_ref is not None and window.state.event_ref.file == "s03.txt"
    assert in_view_and_alone(window, window.state.event_ref)
    # The problems table.
    far_away(window)
    window.go_to_problem(Problem("s20.txt", 5, Severity.WARNING, "a problem on that line"))
    assert window.state.event_ref == EventRef("s20.txt", 2)
    assert in_view_and_alone(window, window.state.event_ref)


def test_esc_leaves_a_results_dock_the_reader_opened_from_the_view_menu(qtbot, seeded):
    search(qtbot, seeded, "moon")  # the search opens the dock
    seeded.search_dock.toggleViewAction().trigger()  # View → Search Results: closed by the reader
    seeded.search_dock.toggleViewAction().trigger()  # and opened again: the reader's now
    assert seeded.search_dock.isVisible()
    qtbot.keyClick(seeded.search_field, Qt.Key.Key_Escape)
    assert seeded.state.search is None and seeded.search_dock.isVisible()  # cleared, and still open
