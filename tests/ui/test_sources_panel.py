"""All Sources: one row per source across stories, selecting it rings its events in every lane, and the
detail pane says which of an event's sources other stories cite, with links that work."""

from __future__ import annotations

import re

import pytest
from PySide6.QtCore import Qt, QUrl

from viewer.core.state import EventRef

pytestmark = pytest.mark.gui

REUTERS = "https://www.reuters.com/world/europe/budget-row-2024-03-03/"

HUNGARY = f"""Orbán Meets EU Leaders Over Frozen Funds
Timeline
2010 – Viktor Orbán becomes prime minister again [2]
Mar 3, 2024 – Talks on the budget stall in Brussels [1]
2025 – The government announces new measures [1][2]
Sources
[1] Reuters: Budget row — {REUTERS}?utm_source=newsletter&utm_medium=email
[2] Politico — https://www.politico.eu/article/x
"""

# The same Reuters article: other tracking parameters, an upper-case host, no trailing slash. And story text
# that looks like markup.
BUDGET = """EU Budget Talks <b>not bold</b>
Timeline
Mar 3, 2024 – Talks stall again [2]
Mar 4, 2024 – Ministers meet again [1]
Sources
[1] Politico Europe — https://politico.eu/article/y
[2] Budget row <i>(Reuters)</i> — HTTPS://WWW.REUTERS.COM/world/europe/budget-row-2024-03-03?fbclid=IwAR0&utm_campaign=x
"""


@pytest.fixture
def shared(window, open_folder, story_folder, qtbot):
    """The window on a folder where two stories cite one Reuters article, spelt two ways; All Sources shown."""
    open_folder(window, story_folder({"hungary.txt": HUNGARY, "budget.txt": BUDGET}))
    window.sources_dock.show()
    qtbot.waitUntil(lambda: window.all_sources.model.row_count() == 3, timeout=10000)
    return window


def rows(window) -> list[list[object]]:
    model = window.all_sources.model
    return [[model.index(r, c).data() for c in range(model.columnCount())] for r in range(model.row_count())]


def test_one_row_for_the_article_both_stories_cite_however_its_url_is_written(shared):
    table = rows(shared)
    # Shared sources first: 2 stories, 3 events. Each story gives it another title: the first story's
    # (in file order) is shown, as written, markup and all.
    assert table[0] == ["Budget row <i>(Reuters)</i>", "www.reuters.com", 2, 3]
    assert sorted(row[1] for row in table[1:]) == ["politico.eu", "www.politico.eu"]
    assert all(row[2] == 1 for row in table[1:])
    # The full address is in the tooltip; the title shows as written (never markup).
    model = shared.all_sources.model
    tooltip = model.index(0, 1).data(Qt.ItemDataRole.ToolTipRole)
    assert "reuters.com" in tooltip.lower() and "Host:" in tooltip
    assert shared.all_sources.status.text() == "3 sources, 1 cited by more than one story"


def test_the_filter_and_the_header_sort(shared, qtbot):
    panel = shared.all_sources
    qtbot.keyClicks(panel.filter, "politico")
    assert [row[1] for row in rows(shared)] and all("politico" in row[1] for row in rows(shared))
    assert len(rows(shared)) == 2
    panel.filter.clear()
    panel.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # by title, A to Z
    titles = [row[0] for row in rows(shared)]
    assert titles == sorted(titles, key=str.casefold)


def test_selecting_the_shared_source_rings_its_events_in_both_lanes(shared, qtbot):
    panel = shared.all_sources
    with qtbot.waitSignal(shared.state.folder_source_changed):
        panel.table.selectRow(0)
    expected = {EventRef("budget.txt", 0), EventRef("hungary.txt", 1), EventRef("hungary.txt", 2)}
    assert set(shared.state.highlighted_events()) == expected
    layout = shared.timeline.timeline_layout
    ringed = set(shared.timeline.events_item._highlighted.tolist())
    assert ringed == {layout.index_of(ref.file, ref.index) for ref in expected}
    lanes = {layout.event_at(i)[0].file for i in ringed}
    assert lanes == {"budget.txt", "hungary.txt"}
    # Esc on the timeline clears it, and the row is no longer selected.
    shared.timeline.plot.setFocus()
    shared.timeline.handle_key(Qt.Key.Key_Escape)
    assert shared.state.folder_source is None and not shared.timeline.events_item._highlighted.size
    assert not panel.table.selectionModel().selectedRows()


def test_the_events_citing_the_shared_source_are_listed_with_their_stories(shared, qtbot):
    with qtbot.waitSignal(shared.state.folder_source_changed):
        shared.all_sources.table.selectRow(0)
    pane = shared.citations
    listed = [pane.citing_list.item(i).text() for i in range(pane.citing_list.count())]
    assert pane.citing_label.text() == "Events citing “Budget row <i>(Reuters)</i>” in 2 stories: 3"
    assert len(listed) == 3
    assert listed[0].startswith("Mar 3, 2024 – Talks stall again") and "in: EU Budget Talks <b>" in listed[0]
    assert any("Talks on the budget stall" in text and "in: Orbán Meets" in text for text in listed)
    with qtbot.waitSignal(shared.state.event_changed):
        pane.citing_list.itemClicked.emit(pane.citing_list.item(2))
    assert shared.state.event_ref == EventRef("hungary.txt", 2)


def test_enter_on_a_row_brings_its_first_citing_event_into_view(shared, qtbot):
    panel = shared.all_sources
    panel.table.setFocus()
    panel.table.selectRow(0)
    with qtbot.waitSignal(shared.state.event_changed):
        qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    assert shared.state.event_ref == EventRef("budget.txt", 0)
    assert shared.state.folder_source is not None
    layout = shared.timeline.timeline_layout
    (x0, x1), (y0, y1) = shared.timeline.view_box.viewRange()
    assert layout.index_of("budget.txt", 0) in set(layout.visible_indices(x0, x1, y0, y1).tolist())


def test_the_detail_pane_says_which_stories_also_cite_a_source_and_the_link_goes_there(shared, qtbot):
    shared.state.select_event(EventRef("hungary.txt", 1))  # cites [1], the Reuters article
    qtbot.waitUntil(lambda: "also cited by 1 other story" in shared.detail.toPlainText())
    text = shared.detail.toPlainText()
    assert "EU Budget Talks <b>not bold</b>" in text  # the other story's headline, as text
    html = shared.detail.toHtml()
    assert "<b>not bold</b>" not in html
    [href] = re.findall(r"href=[\"'](also:[^\"']*)", html)
    with qtbot.waitSignal(shared.state.event_changed):
        shared.detail.anchorClicked.emit(QUrl(href))
    assert shared.state.event_ref == EventRef("budget.txt", 0)  # that story's event citing the article
    assert set(shared.state.highlighted_events()) >= {EventRef("budget.txt", 0), EventRef("hungary.txt", 1)}
    # An event whose sources no other story cites says nothing of the kind.
    shared.state.select_event(EventRef("hungary.txt", 0))  # cites [2], Politico's article x
    assert "also cited by" not in shared.detail.toPlainText()


def test_a_live_edit_that_drops_the_shared_url_updates_the_row(shared, qtbot):
    folder = shared.state.library.folder
    (folder / "budget.txt").write_text(BUDGET.replace("budget-row-2024-03-03", "another-article"), encoding="utf-8")
    shared.reload()
    qtbot.waitUntil(lambda: len(rows(shared)) == 4 and all(row[2] == 1 for row in rows(shared)), timeout=20000)


def test_the_seeds_sources_are_listed_once_each(seeds_window, qtbot):
    seeds_window.sources_dock.show()
    library = seeds_window.state.library
    qtbot.waitUntil(lambda: seeds_window.all_sources.model.row_count() > 0, timeout=10000)
    # The sample stories are about different things: no source is shared, and each address is one row.
    urls = {source.url for story in library.stories for source in story.sources if source.url}
    assert seeds_window.all_sources.model.row_count() == len(urls)
    assert seeds_window.all_sources.status.text().endswith(", 0 cited by more than one story")


def test_the_sources_are_grouped_only_once_someone_looks_at_them(window, open_folder, story_folder, qtbot):
    """A large folder's grouping costs a worker seconds: not done until the panel is shown or an event selected."""
    open_folder(window, story_folder({"hungary.txt": HUNGARY, "budget.txt": BUDGET}))
    assert not window.sources_dock.isVisible()
    qtbot.wait(200)  # long enough for a build of two stories, had one been started
    assert window.state.sources.built_for(window.state.library) is None
    with qtbot.waitSignal(window.all_sources.sources_ready, timeout=10000):
        window.state.select_event(EventRef("hungary.txt", 1))
    assert "also cited by 1 other story" in window.detail.toPlainText()


def test_all_sources_is_a_tab_beside_search_results_and_typing_brings_the_results_back(shared, qtbot):
    window = shared
    window.sources_dock.hide()
    window.focus_search()
    qtbot.keyClicks(window.search_field, "budget")
    qtbot.waitUntil(lambda: window.state.search is not None and len(window.state.search) > 0)
    window.sources_dock.toggleViewAction().trigger()  # View → All Sources
    assert window.sources_dock in window.tabifiedDockWidgets(window.search_dock)  # not squeezed under it
    qtbot.waitUntil(lambda: not window.all_sources.visibleRegion().isEmpty())
    assert window.sources_dock.height() == window.search_dock.height()
    qtbot.waitUntil(lambda: window.search_results.visibleRegion().isEmpty())  # behind, in its tab
    qtbot.keyClicks(window.search_field, " row")
    qtbot.waitUntil(lambda: not window.search_results.visibleRegion().isEmpty())


def test_in_a_narrow_panel_the_titles_keep_more_room_than_the_sites(qtbot, story_folder):
    from tests.conftest import library_of
    from viewer.core.state import AppState
    from viewer.ui.sources_panel import AllSourcesPanel

    state = AppState()
    panel = AllSourcesPanel(state)
    qtbot.addWidget(panel)
    panel.resize(300, 400)
    panel.show()
    state.set_library(library_of({"hungary.txt": HUNGARY, "budget.txt": BUDGET}))
    qtbot.waitUntil(lambda: panel.model.row_count() == 3, timeout=10000)
    header = panel.table.horizontalHeader()
    assert header.sectionSize(0) > header.sectionSize(1) >= 70  # title, then site
