"""The main window driven like a user would: open, click, type; check what is shown."""


import numpy as np
import pytest
from PySide6.QtCore import Qt

from tests.conftest import SEEDS, story_text
from viewer.core.state import EventRef
from viewer.model import load_folder

pytestmark = pytest.mark.gui


def plot_click(qtbot, win, index: int) -> None:
    """Click where event ``index`` (in the layout's arrays) is drawn."""
    timeline = win.timeline
    layout = timeline.timeline_layout
    x0, x1 = float(layout.x0[index]), float(layout.x1[index])
    timeline.view_box.setRange(xRange=(x0 - 30, x1 + 30), padding=0)
    pos = timeline.event_position(index)
    qtbot.mouseClick(timeline.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)


def test_opening_a_folder_shows_its_stories_everywhere(seeds_window):
    win = seeds_window
    library = load_folder(SEEDS)
    assert win.windowTitle() == "seeds — Timeline Viewer"
    layout = win.timeline.timeline_layout
    assert [s.title for s in layout.stories] == [s.title for s in library.stories]
    assert len(layout.x0) == library.event_count
    first = library.stories[0]
    assert first.title in win.detail.toPlainText()
    assert first.sections[0].heading in win.detail.toPlainText()
    assert win.citations.model.rowCount() == len(first.sources)
    assert win.summary_button.text() == f"4 stories · {library.event_count} events · 0 problems"


def test_on_a_wide_window_the_lanes_start_right_under_the_legend(qtbot, seeds_window):
    seeds_window.resize(1920, 1080)
    legend, plot = seeds_window.timeline.legend, seeds_window.timeline.plot
    qtbot.waitUntil(lambda: legend.width() > 1200)
    needed = legend.heightForWidth(legend.width())
    assert legend.height() <= needed + 2  # no blank band of legend above the lanes
    assert plot.mapTo(seeds_window.timeline, plot.rect().topLeft()).y() <= needed + 2


def test_clicking_an_event_on_the_plot_shows_its_text(qtbot, seeds_window):
    win = seeds_window
    layout = win.timeline.timeline_layout
    index = layout.index_of("pandemic.txt", 6)
    story, event = layout.event_at(index)
    plot_click(qtbot, win, index)
    assert win.state.event_ref == EventRef("pandemic.txt", 6)
    text = win.detail.toPlainText()
    assert event.text in text
    assert event.date_text in text and "day" in text
    assert story.title in text
    assert win.citations.model.rowCount() == len(story.sources)


def test_clicking_a_cluster_zooms_in(qtbot, seeds_window):
    win = seeds_window
    timeline = win.timeline
    layout = timeline.timeline_layout
    # The four January–February 2026 events of the shared seed are one cluster at fit zoom.
    timeline.zoom_to_fit()
    index = layout.index_of("000_51bcd602038b18d9.txt", 3)
    before = timeline.view_box.viewRange()[0]
    pos = timeline.event_position(index)
    qtbot.mouseClick(timeline.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    after = timeline.view_box.viewRange()[0]
    assert after[1] - after[0] < (before[1] - before[0]) / 20
    assert win.state.event_ref is None  # a cluster zooms; it selects nothing


def test_selecting_a_source_highlights_and_lists_the_events_citing_it(qtbot, seeds_window):
    win = seeds_window
    win.state.set_story("pandemic.txt")
    table = win.citations.table
    model = win.citations.model
    row = model.row_of(3)
    rect = table.visualRect(model.index(row, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    story = win.state.story
    citing = [i for i, e in enumerate(story.events) if 3 in e.citations]
    assert win.state.source_number == 3
    layout = win.timeline.timeline_layout
    assert sorted(win.timeline.events_item._highlighted.tolist()) == sorted(
        layout.index_of("pandemic.txt", i) for i in citing)
    listed = [win.citations.citing_list.item(i).text() for i in range(win.citations.citing_list.count())]
    assert len(listed) == len(citing)
    assert all(text.startswith(story.events[i].date_text) for text, i in zip(listed, citing))
    # Clicking a listed event selects it and the detail pane shows it.
    item = win.citations.citing_list.item(1)
    qtbot.mouseClick(win.citations.citing_list.viewport(), Qt.MouseButton.LeftButton,
                     pos=win.citations.citing_list.visualItemRect(item).center())
    assert win.state.event_ref == EventRef("pandemic.txt", citing[1])
    assert story.events[citing[1]].text in win.detail.toPlainText()


def test_citation_link_in_the_detail_pane_selects_the_source(qtbot, seeds_window):
    win = seeds_window
    win.state.select_event(EventRef("spaceflight.txt", 5))
    event = win.state.selected_event()
    assert len(event.citations) >= 1
    from PySide6.QtCore import QUrl

    win.detail.anchorClicked.emit(QUrl(f"cite:{event.citations[-1]}"))
    assert win.state.source_number == event.citations[-1]
    assert win.citations.table.currentIndex().row() == win.citations.model.row_of(event.citations[-1])


def test_opening_a_second_folder_replaces_everything(qtbot, seeds_window, open_folder, story_folder):
    win = seeds_window
    win.state.select_event(EventRef("internet.txt", 2))
    other = story_folder({"only.txt": "Only Story\nTimeline\n2001 – A thing happened [1]\n"})
    open_folder(win, other)
    layout = win.timeline.timeline_layout
    assert [s.title for s in layout.stories] == ["Only Story"]
    assert win.state.event_ref is None
    assert "Only Story" in win.detail.toPlainText()
    assert win.citations.model.rowCount() == 1
    assert win.windowTitle() == f"{other.name} — Timeline Viewer"
    assert win.summary_button.text() == "1 story · 1 event · 0 problems"


MARKUP = (
    "Headline <b>not bold</b>\n"
    "Markup Test Heading Here The body has <img src=\"http://example.com/x.png\"> in it [1].\n"
    "Timeline\n"
    "2020 – <script>alert('x')</script> and <a href=\"javascript:alert(1)\">link</a> [1]\n"
)


def test_story_markup_is_shown_literally_and_nothing_is_fetched(qtbot, window, open_folder, story_folder):
    folder = story_folder({"m.txt": MARKUP})
    open_folder(window, folder)
    summary = window.detail.toPlainText()
    assert "Headline <b>not bold</b>" in summary
    assert '<img src="http://example.com/x.png">' in summary
    window.state.select_event(EventRef("m.txt", 0))
    text = window.detail.toPlainText()
    assert "<script>alert('x')</script>" in text
    assert '<a href="javascript:alert(1)">link</a>' in text
    html = window.detail.toHtml()
    assert "<img" not in html.replace("&lt;img", "")
    assert "javascript:" not in html.replace('&quot;javascript:', "")
    tip = window.timeline.events_item.tooltip_html(np.array([0]))
    assert "&lt;script&gt;" in tip and "<script>" not in tip


def test_control_characters_in_a_story_are_shown_as_symbols(qtbot, window, open_folder, story_folder):
    folder = story_folder({"c.txt": "Bell\x07 Headline\nTimeline\n"
                                     "2020 – Colour codes \x1b[31mred\x1b[0m and a form\x0cfeed [1]\n"})
    open_folder(window, folder)
    assert "Bell␇ Headline" in window.detail.toPlainText()
    window.state.select_event(EventRef("c.txt", 0))
    text = window.detail.toPlainText()
    assert "Colour codes ␛[31mred␛[0m and a form␌feed" in text
    assert not any(ord(c) < 0x20 and c not in "\n\t" for c in text)
    tip = window.timeline.events_item.tooltip_html(np.array([0]))
    assert "␛[31mred" in tip and "\x1b" not in tip


def test_keyboard_navigation(qtbot, seeds_window):
    win = seeds_window
    plot = win.timeline.plot
    plot.setFocus()
    layout = win.timeline.timeline_layout
    win.state.select_event(EventRef("internet.txt", 0))
    qtbot.keyClick(plot, Qt.Key.Key_Right)
    # The next event in time in the same lane.
    lane = np.flatnonzero(layout.story == layout.story[layout.index_of("internet.txt", 0)])
    expected_next = int(layout.event[lane[1]])
    assert win.state.event_ref == EventRef("internet.txt", expected_next)
    qtbot.keyClick(plot, Qt.Key.Key_Left)
    assert win.state.event_ref == EventRef("internet.txt", 0)
    qtbot.keyClick(plot, Qt.Key.Key_Down)
    assert win.state.event_ref.file == "pandemic.txt"
    qtbot.keyClick(plot, Qt.Key.Key_Up)
    assert win.state.event_ref.file == "internet.txt"
    qtbot.keyClick(plot, Qt.Key.Key_Return)
    (x0, x1), _ = win.timeline.view_box.viewRange()
    event = win.state.selected_event()
    assert x0 <= event.span.start.toordinal() <= x1
    assert x1 - x0 < 20000
    qtbot.keyClick(plot, Qt.Key.Key_Escape)
    assert win.state.event_ref is None
    assert "select an event" in win.detail.toPlainText()


def test_recent_folders_newest_first_and_missing_removed(qtbot, window, open_folder, story_folder,
                                                          tmp_path, monkeypatch):
    a = tmp_path / "a"
    b = tmp_path / "b"
    for folder in (a, b):
        folder.mkdir()
        (folder / "s.txt").write_text(f"Story {folder.name}\nTimeline\n2001 – x\n", encoding="utf-8")
    open_folder(window, a)
    open_folder(window, b)
    open_folder(window, a)
    assert window.recent.folders() == [a.resolve(), b.resolve()]
    window.recent_menu.aboutToShow.emit()  # as when the menu opens
    assert [act.text() for act in window.recent_menu.actions()][:2] == [str(a.resolve()), str(b.resolve())]
    shown = []
    monkeypatch.setattr(window, "show_message", lambda icon, text: shown.append(text))
    (b / "s.txt").unlink()
    b.rmdir()
    window.open_recent(b.resolve())
    assert window.recent.folders() == [a.resolve()]
    assert shown and "no longer exists" in shown[0]


def test_problems_in_status_bar_and_table(qtbot, window, open_folder, story_folder):
    folder = story_folder({
        "good.txt": "Good\nTimeline\n2001 – fine\nwhenever – no date here\n",
        "bin.txt": b"\x00\x01\x02",
    })
    open_folder(window, folder)
    assert window.summary_button.text() == "1 story · 2 events · 2 problems"
    qtbot.mouseClick(window.summary_button, Qt.MouseButton.LeftButton)
    dialog = window.problems_dialog
    assert dialog.isVisible()
    rows = [[dialog.proxy.index(r, c).data() for c in range(4)] for r in range(dialog.proxy.rowCount())]
    assert rows[0][:3] == ["bin.txt", "1", "error"]
    assert rows[1][:3] == ["good.txt", "4", "error"]
    # The undated event is listed beside the plot.
    assert window.timeline.undated_box.isVisibleTo(window)
    assert "no date here" in window.timeline.undated_list.item(0).text()
    # Double-clicking the problem selects its event.
    rect = dialog.table.visualRect(dialog.proxy.index(1, 3))
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert window.state.event_ref == EventRef("good.txt", 1)
    assert "undated" in window.detail.toPlainText()


def test_item_models_pass_the_model_tester(qtmodeltester, seeds_window):
    qtmodeltester.check(seeds_window.citations.model)
    seeds_window.problems_dialog.set_problems(load_folder(SEEDS).problems)
    qtmodeltester.check(seeds_window.problems_dialog.model)


def test_window_geometry_is_remembered(qtbot, settings, window):
    # The offscreen screen is 800×600; stay inside it so the size is not clamped.
    window.resize(701, 503)
    window.close()
    from viewer.ui.main_window import MainWindow

    again = MainWindow(settings)
    qtbot.addWidget(again)
    assert (again.width(), again.height()) == (701, 503)


def test_dropping_a_folder_opens_it(qtbot, window, story_folder):
    from PySide6.QtCore import QMimeData, QPointF, QUrl
    from PySide6.QtGui import QDropEvent

    folder = story_folder({"d.txt": "Dropped\nTimeline\n2001 – x\n"})
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(window.loader.loaded, timeout=20000):
        window.dropEvent(event)
    assert window.timeline.timeline_layout.stories[0].title == "Dropped"


@pytest.mark.parametrize(("url", "safe"), [
    ("https://example.com/a", True), ("http://example.com", True), ("www.example.com/x", True),
    ("javascript:alert(1)", False), ("file:///etc/passwd", False), ("ftp://example.com/x", False),
    ("", False), (None, False),
])
def test_only_web_urls_are_safe(url, safe):
    from viewer.ui.citations import is_safe_url

    assert is_safe_url(url) is safe


def test_activating_a_source_opens_only_web_urls(qtbot, window, open_folder, story_folder, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    folder = story_folder({"s.txt": "S\nTimeline\n2001 – x [1][2][3]\nSources\n"
                                    "[1] Good — https://example.com/a\n[2] Bad — javascript:alert(1)\n"
                                    "[3] Not the web — ftp://example.com/file\n"})
    open_folder(window, folder)
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()))
    table = window.citations.table
    model = window.citations.model
    assert opened == []  # nothing opens by itself
    for row in range(model.rowCount()):
        table.setCurrentIndex(model.index(row, 1))
        qtbot.keyClick(table, Qt.Key.Key_Return)
    assert opened == ["https://example.com/a"]


def test_standard_shortcuts(window):
    from PySide6.QtGui import QKeySequence

    assert QKeySequence(QKeySequence.StandardKey.Open) in window.open_action.shortcuts()
    assert QKeySequence("F5") in window.reload_action.shortcuts()
    quit_keys = QKeySequence.keyBindings(QKeySequence.StandardKey.Quit) or [QKeySequence("Ctrl+Q")]
    assert window.quit_action.shortcuts() == quit_keys
    assert QKeySequence(QKeySequence.StandardKey.ZoomIn) in window.zoom_in_action.shortcuts()


def test_markup_in_lists_and_problem_tooltips_stays_text(qtbot, window, open_folder, story_folder):
    folder = story_folder({"m.txt": "T\nTimeline\n<b>when</b> – <img src='http://x/y.png'> [1]\n"
                                    "2001 – <i>cited</i> [1]\nSources\n<b>not a source</b>\n"})
    open_folder(window, folder)
    undated_tip = window.timeline.undated_list.item(0).toolTip()
    assert "&lt;img src=&#x27;http://x/y.png&#x27;&gt;" in undated_tip and "<img" not in undated_tip
    window.state.select_source(1)
    citing_tip = window.citations.citing_list.item(1).toolTip()
    assert "&lt;i&gt;cited&lt;/i&gt;" in citing_tip
    model = window.problems_dialog.model
    tips = [model.data(model.index(r, 3), Qt.ItemDataRole.ToolTipRole) for r in range(model.rowCount())]
    assert any("&lt;b&gt;" in tip for tip in tips) and not any("<b>" in tip for tip in tips)


def test_a_huge_line_is_shown_capped_and_the_window_stays_responsive(qtbot, window, open_folder, story_folder):
    folder = story_folder({"big.txt": "W" * 1_000_000 + "\nTimeline\n2001 – " + "x" * 500_000 + "\n"})
    open_folder(window, folder)
    text = window.detail.toPlainText()
    assert "more characters" in text and len(text) < 5_000
    window.state.select_event(EventRef("big.txt", 0))
    text = window.detail.toPlainText()
    assert "480,000 more characters" in text


def test_right_arrow_without_a_selection_picks_an_event_in_view(qtbot, seeds_window):
    from datetime import date

    win = seeds_window
    timeline = win.timeline
    timeline.view_box.setXRange(date(1990, 1, 1).toordinal(), date(2010, 1, 1).toordinal(), padding=0)
    timeline.plot.setFocus()
    qtbot.keyClick(timeline.plot, Qt.Key.Key_Right)
    event = win.state.selected_event()
    assert event is not None and event.span.end.year >= 1990 and event.span.start.year <= 2010


def test_the_detail_pane_shows_a_450_character_headline_whole(window, open_folder, story_folder):
    headline = " ".join(f"Word{i:03d}" for i in range(56))  # 447 characters
    open_folder(window, story_folder({"long.txt": story_text(headline, ["Jan 3, 2020"])}))
    window.state.set_story("long.txt")
    assert headline in window.detail.toPlainText().replace("\n", " ")
    window.state.select_event(EventRef("long.txt", 0))
    assert headline in window.detail.toPlainText().replace("\n", " ")


def test_a_problem_chosen_in_the_table_brings_its_story_and_undated_event_into_view(window, open_folder,
                                                                                    story_folder):
    files = {f"s{i:02d}.txt": story_text(f"Story {i:02d}", ["2001", "2002"]) for i in range(40)}
    files["s35.txt"] = story_text("Story 35", ["2001", "Sometime soon", "2002"])
    open_folder(window, story_folder(files))
    problem = next(p for p in window.state.library.problems if p.file == "s35.txt")
    window.problems_dialog.problem_activated.emit(problem)
    assert window.state.event_ref == EventRef("s35.txt", 1)
    listed = window.timeline.undated_list.selectedItems()
    assert [item.data(Qt.ItemDataRole.UserRole) for item in listed] == [("s35.txt", 1)]
    layout = window.timeline.timeline_layout
    lane = layout.story_index["s35.txt"]
    _, (y0, y1) = window.timeline.view_box.viewRange()
    assert y0 <= layout.lane_row[lane] and layout.lane_row[lane] + layout.lane_rows[lane] <= y1


def test_clicking_a_long_bar_at_a_months_zoom_keeps_the_zoom(qtbot, seeds_window):
    win = seeds_window
    timeline = win.timeline
    layout = timeline.timeline_layout
    index = next(i for i in range(len(layout.x0)) if layout.event_at(i)[1].date_text == "20th century")
    middle = (float(layout.x0[index]) + float(layout.x1[index])) / 2
    timeline.view_box.setRange(xRange=(middle - 15, middle + 15), padding=0)  # a month inside the century
    before = timeline.view_box.viewRange()[0]
    qtbot.mouseClick(timeline.plot.viewport(), Qt.MouseButton.LeftButton, pos=timeline.event_position(index))
    assert win.state.event_ref is not None and win.state.selected_event().date_text == "20th century"
    assert timeline.view_box.viewRange()[0] == before  # clicked where it is: nothing moves
