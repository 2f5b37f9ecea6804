"""The stories panel: one row per story, sort (the lanes follow), filter, hide and show, remembered per folder."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QTextDocumentFragment

from tests.conftest import SEEDS, library_of, story_text
from viewer.core.state import EventRef

pytestmark = pytest.mark.gui


def lanes(window) -> list[str]:
    return [s.title for s in window.timeline.timeline_layout.stories]


def rows(window) -> list[str]:
    proxy = window.stories_panel.proxy
    return [proxy.index(r, 0).data() for r in range(proxy.rowCount())]


@pytest.fixture
def seeded(window, open_folder):
    open_folder(window, SEEDS)
    return window


def test_one_row_per_story_with_its_counts(seeded):
    library = seeded.state.library
    assert sorted(rows(seeded)) == sorted(s.title for s in library.stories)
    model = seeded.stories_panel.proxy
    header = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert header == ["Headline", "First", "Last", "Ev.", "Art.", "Pr.", "New"]
    tips = [model.headerData(c, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole) for c in range(6)]
    assert tips[3:] == ["Events", "Articles", "Problems"]
    for r in range(model.rowCount()):
        story = next(s for s in library.stories if s.title == model.index(r, 0).data())
        assert model.index(r, 3).data() == len(story.events)


def test_a_narrow_panel_hides_counts_before_it_squeezes_the_headlines(qtbot):
    from viewer.core.state import AppState
    from viewer.ui.stories_panel import MIN_HEADLINE_PX, StoriesPanel

    state = AppState()
    panel = StoriesPanel(state)
    qtbot.addWidget(panel)
    state.set_library(library_of({"a.txt": "A story\nUpdated (3 articles)\nTimeline\n2001 – One [1]\n"}))
    panel.resize(440, 400)
    panel.show()
    qtbot.waitUntil(lambda: panel.proxy.rowCount() == 1)
    header = panel.table.horizontalHeader()
    qtbot.waitUntil(lambda: header.isSectionHidden(5))  # problems first
    assert header.sectionSize(0) >= MIN_HEADLINE_PX - 40
    assert not header.isSectionHidden(6) and not header.isSectionHidden(3)  # news and events stay
    tip = panel.proxy.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    lines = QTextDocumentFragment.fromHtml(tip).toPlainText().splitlines()
    assert lines[:2] == ["A story", "a.txt"]  # one per line, not run together
    assert "3 articles" in lines[2] and "0 problems" in lines[2]  # what is hidden is in the row's tooltip
    # A date column holds a full date: "Sep 30, 2025" is not cut to "Sep 30, …".
    assert header.sectionSize(1) >= panel.fontMetrics().horizontalAdvance("Sep 30, 2025") + 8
    panel.resize(900, 400)
    qtbot.waitUntil(lambda: not any(header.isSectionHidden(c) for c in range(header.count())))
    assert header.sectionSize(0) >= MIN_HEADLINE_PX
    # The header's menu: what the reader shows stays shown when narrow, what they hide stays hidden.
    panel.choose_column(1, False)
    assert header.isSectionHidden(1)
    panel.choose_column(5, True)
    panel.resize(360, 400)
    qtbot.waitUntil(lambda: panel.table.viewport().width() < 380)
    assert not header.isSectionHidden(5) and header.isSectionHidden(1)  # asked for: shown; hidden: hidden
    assert header.isSectionHidden(4)  # the articles, not asked for, give the headline room


def test_sorting_the_panel_orders_the_lanes(seeded):
    seeded.stories_panel.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # most events first
    by_events = sorted(seeded.state.library.stories, key=lambda s: -len(s.events))
    assert lanes(seeded) == [s.title for s in by_events]
    assert rows(seeded) == [s.title for s in by_events]
    seeded.stories_panel.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
    assert lanes(seeded) == sorted(lanes(seeded), key=str.casefold)


def test_rows_with_equal_values_come_in_the_lanes_order_whatever_was_sorted_before(
        window, open_folder, story_folder):
    # Equal first dates and event counts; headlines in another order than the files.
    names = {"a.txt": "Zeta", "b.txt": "Alpha", "c.txt": "Mid", "d.txt": "Beta"}
    open_folder(window, story_folder({f: story_text(t, ["2001", "2005"]) for f, t in names.items()}))
    table = window.stories_panel.table
    for column, order in [(0, Qt.SortOrder.AscendingOrder), (1, Qt.SortOrder.AscendingOrder),
                          (0, Qt.SortOrder.DescendingOrder), (3, Qt.SortOrder.DescendingOrder),
                          (2, Qt.SortOrder.DescendingOrder)]:
        table.sortByColumn(column, order)
        assert rows(window) == lanes(window), (column, order)


def test_the_filter_narrows_the_rows_not_the_lanes(qtbot, seeded):
    qtbot.keyClicks(seeded.stories_panel.filter, "sputnik")
    assert len(rows(seeded)) == 1 and "Sputnik" in rows(seeded)[0]
    assert len(lanes(seeded)) == len(seeded.state.library.stories)


def test_the_highlighted_row_is_always_the_story_on_show(qtbot, seeded):
    panel = seeded.stories_panel
    seeded.state.set_story("pandemic.txt")

    def highlighted() -> list[str]:
        selected = panel.table.selectionModel().selectedRows()
        return [panel.model.file_at(panel.proxy.mapToSource(i).row()) for i in selected]

    assert highlighted() == ["pandemic.txt"]
    qtbot.keyClicks(panel.filter, "sputnik")  # filters the story on show out: no other row takes its place
    assert highlighted() == []
    panel.filter.clear()
    assert highlighted() == ["pandemic.txt"]


def test_unchecking_hides_the_lane_and_show_all_brings_it_back(seeded):
    panel = seeded.stories_panel
    first = panel.proxy.index(0, 0)
    title = first.data()
    panel.proxy.setData(first, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert title not in lanes(seeded)
    assert first.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    panel.show_all()
    assert title in lanes(seeded)
    file = panel.model.file_at(panel.proxy.mapToSource(first).row())
    panel.hide_others(file)
    assert lanes(seeded) == [title]
    _, (y0, y1) = seeded.timeline.view_box.viewRange()
    assert y1 - y0 < 5  # the one lane fills the view
    panel.show_all()
    _, (y0, y1) = seeded.timeline.view_box.viewRange()
    assert y1 - y0 >= seeded.timeline.timeline_layout.row_count  # every lane back at its height, not stretched


def test_hiding_the_first_lane_leaves_no_empty_band_above_the_others(seeded):
    view = seeded.timeline
    first = lanes(seeded)[0]
    seeded.state.set_story_hidden(seeded.state.lanes()[0].file, True)
    assert first not in lanes(seeded)
    _, (top, bottom) = view.view_box.viewRange()
    assert -0.5 <= top <= 0  # the first lane shown starts at the top of the view
    assert bottom <= view.timeline_layout.row_count + 0.5  # and the rows are not pushed down


def test_clicking_a_row_selects_the_story_and_scrolls_to_its_lane(qtbot, window, open_folder, story_folder):
    files = {f"s{i:02d}.txt": story_text(f"Story {i:02d}", ["2001", "2002"]) for i in range(40)}
    open_folder(window, story_folder(files))
    panel = window.stories_panel
    row = next(r for r in range(panel.proxy.rowCount()) if panel.proxy.index(r, 0).data() == "Story 35")
    rect = panel.table.visualRect(panel.proxy.index(row, 1))
    panel.table.scrollTo(panel.proxy.index(row, 1))
    rect = panel.table.visualRect(panel.proxy.index(row, 1))
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.state.story.title == "Story 35"
    layout = window.timeline.timeline_layout
    lane = layout.story_index["s35.txt"]
    _, (y0, y1) = window.timeline.view_box.viewRange()
    assert y0 <= layout.lane_row[lane] and layout.lane_row[lane] + layout.lane_rows[lane] <= y1


def test_hidden_stories_and_order_are_remembered_per_folder_and_survive_a_reload(
        qtbot, window, open_folder, story_folder, tmp_path_factory):
    first = story_folder({"a.txt": story_text("Alpha", ["2001"]), "b.txt": story_text("Beta", ["2002", "2003"])})
    other = tmp_path_factory.mktemp("other")
    (other / "x.txt").write_text(story_text("Other", ["1999"]), encoding="utf-8")
    open_folder(window, first)
    window.state.set_story_hidden("a.txt", True)
    window.stories_panel.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)
    assert lanes(window) == ["Beta"]
    window.reload()
    qtbot.waitUntil(lambda: not window.loader.busy, timeout=10000)
    assert lanes(window) == ["Beta"]
    open_folder(window, other)
    assert lanes(window) == ["Other"] and window.state.hidden == frozenset()
    open_folder(window, first)
    assert window.state.hidden == {"a.txt"} and window.state.sort == "-events"
    assert lanes(window) == ["Beta"]


def test_the_filter_takes_words_in_any_order_and_ignores_accents(qtbot, window, open_folder, story_folder):
    open_folder(window, story_folder({"hu.txt": story_text("Orbán Meets Leaders In Brussels", ["2024"]),
                                      "x.txt": story_text("Leaders Meet Elsewhere", ["2024"])}))
    qtbot.keyClicks(window.stories_panel.filter, "brussels orban")
    assert rows(window) == ["Orbán Meets Leaders In Brussels"]


def test_dates_are_shown_as_written_and_a_tick_does_not_select(qtbot, window, open_folder, story_folder):
    open_folder(window, story_folder({"a.txt": story_text("Alpha", ["1960s", "Nov 2023"]),
                                      "b.txt": story_text("Beta", ["2001"])}))
    panel = window.stories_panel
    row = next(r for r in range(panel.proxy.rowCount()) if panel.proxy.index(r, 0).data() == "Alpha")
    assert panel.proxy.index(row, 1).data() == "1960s"  # not "Jan 1, 1960": no day is invented
    assert panel.proxy.index(row, 2).data() == "Nov 2023"
    window.state.set_story("b.txt")
    rect = panel.table.visualRect(panel.proxy.index(row, 0))
    box = rect.topLeft() + QPoint(12, rect.height() // 2)  # the check box, left in the cell
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=box)
    assert window.state.hidden == {"a.txt"}
    assert window.state.story.file == "b.txt"  # hiding Alpha did not make it current


def test_the_panel_follows_the_current_story(window, open_folder, story_folder):
    open_folder(window, story_folder({f"s{i}.txt": story_text(f"Story {i}", ["2001"]) for i in range(5)}))
    window.state.select_event(EventRef("s3.txt", 0))
    table = window.stories_panel.table
    [selected] = table.selectionModel().selectedRows()
    assert selected.data() == "Story 3"


def test_a_live_update_changes_its_rows_and_keeps_the_readers_place(qtbot, window, open_folder, story_folder):
    from tests.conftest import library_of
    from viewer.model import Library

    files = {f"s{i:03d}.txt": story_text(f"Story {i:03d}", [str(1900 + d) for d in range(1 + i % 7)])
             for i in range(300)}
    open_folder(window, story_folder(files))
    panel, state = window.stories_panel, window.state
    panel.table.sortByColumn(3, Qt.SortOrder.DescendingOrder)  # most events first
    state.set_story("s150.txt")
    scroll = panel.table.verticalScrollBar()
    position = scroll.value()
    assert position > 0  # row 150 of 300 is far down the list
    # Like a live update: s010 gains events, s020 is removed, s999 is added; the other stories are the same objects.
    library = state.library
    changed = library_of({"s010.txt": story_text("Story 010 edited", [str(1900 + d) for d in range(20)]),
                          "s999.txt": story_text("Story 999", ["2001"])}, library.folder)
    results = {**library.results, **changed.results}
    del results["s020.txt"]
    with qtbot.waitSignal(panel.model.reset_done, timeout=5000):
        state.set_library(Library.from_results(library.folder, results), keep_selection=True)
    shown = rows(window)
    assert len(shown) == 300
    assert shown[0] == "Story 010 edited"  # re-sorted: it has the most events now
    assert "Story 020" not in shown and "Story 999" in shown
    counts = [panel.proxy.index(r, 3).data() for r in range(panel.proxy.rowCount())]
    assert counts == sorted(counts, reverse=True)
    [selected] = panel.table.selectionModel().selectedRows()
    assert selected.data() == "Story 150"
    assert abs(scroll.value() - position) <= 1  # one row above it moved: the list did not jump to the top


def test_arrow_keys_in_the_table_show_the_next_story(qtbot, seeded):
    panel = seeded.stories_panel
    first = panel.proxy.index(0, 0)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton,
                     pos=panel.table.visualRect(panel.proxy.index(0, 1)).center())
    assert seeded.state.story.title == first.data()
    qtbot.keyClick(panel.table, Qt.Key.Key_Down)
    assert seeded.state.story.title == panel.proxy.index(1, 0).data()  # the detail pane follows the highlight
    # A filter that hides the row on show moves the table's current row: that selects nothing.
    shown = seeded.state.story.file
    qtbot.keyClicks(panel.filter, "sputnik")
    assert seeded.state.story.file == shown


def test_after_a_sort_the_story_on_show_is_still_in_view_in_the_panel_and_on_the_lanes(
        qtbot, window, open_folder, story_folder):
    files = {f"s{i:02d}.txt": story_text(f"Story {i:02d}", ["2001"] * (1 + i % 3)) for i in range(60)}
    open_folder(window, story_folder(files))
    panel, state = window.stories_panel, window.state
    state.set_story("s02.txt")  # near the top of both
    panel.table.sortByColumn(0, Qt.SortOrder.DescendingOrder)  # headline, Z to A: now near the end
    index = panel.proxy.index(next(r for r in range(panel.proxy.rowCount())
                                   if panel.proxy.index(r, 0).data() == "Story 02"), 0)
    assert panel.table.viewport().rect().contains(panel.table.visualRect(index).center())
    layout = window.timeline.timeline_layout
    lane = layout.story_index["s02.txt"]
    _, (y0, y1) = window.timeline.view_box.viewRange()
    assert y0 <= layout.lane_row[lane] and layout.lane_row[lane] + layout.lane_rows[lane] <= y1


def test_the_problems_column_orders_the_lanes_too(window, open_folder, story_folder):
    files = {"a.txt": story_text("A", ["2001"]), "b.txt": story_text("B", ["2001", "Sometime", "Never"]),
             "c.txt": story_text("C", ["2001", "Sometime"])}
    open_folder(window, story_folder(files))
    window.stories_panel.table.sortByColumn(5, Qt.SortOrder.DescendingOrder)  # most problems first
    assert rows(window) == lanes(window) == ["B", "C", "A"]


def test_hiding_a_lane_leaves_a_reader_scrolled_elsewhere_where_they_are(qtbot, window, open_folder, story_folder):
    files = {f"s{i:02d}.txt": story_text(f"Story {i:02d}", ["2001", "2002"]) for i in range(60)}
    open_folder(window, story_folder(files))
    window.state.set_story("s00.txt")  # on show, its lane at the top
    view = window.timeline.view_box
    layout = window.timeline.timeline_layout
    top = float(layout.lane_row[layout.story_index["s40.txt"]])
    _, (y0, y1) = view.viewRange()
    view.setYRange(top - 0.2, top - 0.2 + (y1 - y0), padding=0)  # scrolled down to story 40
    window.state.set_story_hidden("s41.txt", True)
    layout = window.timeline.timeline_layout
    _, (y0, y1) = view.viewRange()
    assert y0 <= layout.lane_row[layout.story_index["s40.txt"]] < y1  # still there, not back at story 00


def test_space_on_a_check_box_then_a_click_on_a_row_selects_that_story(qtbot, seeded):
    panel = seeded.stories_panel
    panel.table.setFocus()
    panel.table.setCurrentIndex(panel.proxy.index(0, 0))
    qtbot.keyClick(panel.table, Qt.Key.Key_Space)  # the lane hidden from the keyboard: no click follows
    assert len(seeded.state.hidden) == 1
    third = panel.proxy.index(2, 1)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=panel.table.visualRect(third).center())
    assert seeded.state.story.title == panel.proxy.index(2, 0).data()


def test_a_header_click_sorts_the_rows_once(qtbot, seeded, monkeypatch):
    model = seeded.stories_panel.model
    sorts: list[tuple[int, object]] = []
    real = model.sort
    monkeypatch.setattr(model, "sort", lambda column, order=Qt.SortOrder.AscendingOrder: (
        sorts.append((column, order)), real(column, order)))
    header = seeded.stories_panel.table.horizontalHeader()
    qtbot.mouseClick(header.viewport(), Qt.MouseButton.LeftButton,
                     pos=header.viewport().rect().topLeft() + QPoint(header.sectionViewportPosition(3) + 5, 5))
    assert len(sorts) == 1 and sorts[0][0] == 3
