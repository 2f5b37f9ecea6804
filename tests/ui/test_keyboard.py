"""The keyboard and the timeline's own clicks: Tab order, focus frame, lane titles, grid lines.

Tab goes timeline → search field → event detail → sources → stories panel
(filter, table) → search results, and tabbing never selects anything by
itself; the timeline shows a frame while it has the focus; a click on a
lane's title band selects its story; the grid lines stand at the axis's
labelled ticks.
"""

from datetime import date

import pytest
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QWidget

from tests.conftest import library_of, story_text
from viewer.core.state import EventRef
from viewer.core.ticks import TickLevel
from viewer.ui.timeline.view import FOCUS_FRAME_PX

pytestmark = pytest.mark.gui


def tab_cycle(qtbot, start: QWidget, key: Qt.Key = Qt.Key.Key_Tab, presses: int = 60) -> list[QWidget]:
    """The widgets Tab (or Backtab) takes the focus to from ``start``, once round, in order.

    A widget that keeps the focus over several presses (the detail pane goes
    through its citation links first) is listed once.
    """
    start.setFocus(Qt.FocusReason.OtherFocusReason)
    assert QApplication.focusWidget() is start
    visited = [start]
    for _ in range(presses):
        qtbot.keyClick(QApplication.focusWidget(), key)
        focus = QApplication.focusWidget()
        if focus is start:
            return visited
        if focus is not visited[-1]:
            visited.append(focus)
    raise AssertionError(f"Tab never came back to the start: {[w.objectName() for w in visited]}")


def names(widgets: list[QWidget]) -> list[str]:
    return [w.objectName() for w in widgets]


def tab_chain(win) -> list[QWidget]:
    return [win.timeline.plot, win.search_field, win.detail, win.citations.table, win.citations.citing_list,
            win.stories_panel.filter, win.stories_panel.table,
            *([win.whats_new] if win.whats_new.isVisible() else []), win.search_results, win.summary_button]


def test_tab_goes_timeline_search_detail_sources_stories_results(qtbot, seeds_window):
    win = seeds_window
    win.search_dock.show()
    story_before = win.state.story.file
    visited = tab_cycle(qtbot, win.timeline.plot)
    assert names(visited) == names(tab_chain(win))
    # Backwards the same way round; and nothing was selected on the way.
    backwards = tab_cycle(qtbot, win.timeline.plot, Qt.Key.Key_Backtab)
    assert names(backwards) == names([tab_chain(win)[0], *reversed(tab_chain(win)[1:])])
    assert win.state.story.file == story_before
    assert win.state.event_ref is None and win.state.source_number is None


def test_tab_passes_by_closed_docks_and_hidden_lists(qtbot, seeds_window):
    win = seeds_window
    win.search_dock.hide()
    win.stories_dock.hide()
    win.whats_new_dock.hide()
    assert not win.timeline.undated_list.isVisible()  # the seeds have no undated events
    visited = tab_cycle(qtbot, win.timeline.plot)
    assert names(visited) == names([win.timeline.plot, win.search_field, win.detail, win.citations.table,
                                    win.citations.citing_list, win.summary_button])


def test_the_undated_list_comes_right_after_the_timeline(qtbot, window, open_folder, story_folder):
    folder = story_folder({"a.txt": "A\nTimeline\nJan 3, 2020 – Dated [1]\nSometime – Not dated [1]\n"})
    open_folder(window, folder)
    assert window.timeline.undated_list.isVisible()
    visited = tab_cycle(qtbot, window.timeline.plot)
    assert names(visited[:3]) == names([window.timeline.plot, window.timeline.undated_list, window.search_field])
    assert window.state.event_ref is None


def test_tabbing_into_the_sources_table_selects_no_source(qtbot, seeds_window, monkeypatch):
    from PySide6.QtGui import QDesktopServices

    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url))
    win = seeds_window
    win.state.set_story("pandemic.txt")
    table = win.citations.table
    assert win.citations.model.rowCount() >= 2
    win.detail.setFocus()
    while QApplication.focusWidget() is win.detail:  # past the detail pane's citation links
        qtbot.keyClick(win.detail, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is table
    assert win.state.source_number is None
    assert not table.currentIndex().isValid() and not table.selectionModel().hasSelection()
    # Tab leaves the table at once (it does not walk its cells), still selecting nothing.
    qtbot.keyClick(table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is win.citations.citing_list
    assert win.state.source_number is None
    # The first arrow key selects the first source, the next one the second.
    qtbot.keyClick(win.citations.citing_list, Qt.Key.Key_Backtab)
    assert QApplication.focusWidget() is table
    qtbot.keyClick(table, Qt.Key.Key_Down)
    first = win.citations.model.data(win.citations.model.index(0, 0), Qt.ItemDataRole.UserRole)
    assert win.state.source_number == first
    qtbot.keyClick(table, Qt.Key.Key_Down)
    second = win.citations.model.data(win.citations.model.index(1, 0), Qt.ItemDataRole.UserRole)
    assert win.state.source_number == second
    assert opened == []  # moving along the rows opens nothing
    # A source selected elsewhere stays selected when the table gets and loses the focus.
    win.state.select_source(first)
    win.timeline.plot.setFocus()
    tab_cycle(qtbot, win.timeline.plot)
    assert win.state.source_number == first
    assert table.currentIndex().row() == 0
    # Enter on the current row selects its source (and opens its address, if it is a web one).
    win.state.select_source(None)
    table.setFocus()
    model = win.citations.model
    table.selectionModel().setCurrentIndex(model.index(1, 0), table.selectionModel().SelectionFlag.NoUpdate)
    assert win.state.source_number is None
    qtbot.keyClick(table, Qt.Key.Key_Return)
    assert win.state.source_number == second
    assert len(opened) == 1


def test_go_to_timeline_returns_the_focus(qtbot, seeds_window):
    win = seeds_window
    win.activateWindow()
    qtbot.waitUntil(win.isActiveWindow)
    for widget in (win.search_field, win.citations.table, win.stories_panel.table, win.detail):
        widget.setFocus()
        assert QApplication.focusWidget() is widget
        qtbot.keyClick(widget, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
        assert QApplication.focusWidget() is win.timeline.plot
    win.search_field.setFocus()
    win.focus_timeline_action.trigger()
    assert win.timeline.plot.hasFocus()
    # Esc in the search field goes back there too.
    win.search_field.setFocus()
    qtbot.keyClick(win.search_field, Qt.Key.Key_Escape)
    assert win.timeline.plot.hasFocus()


def frame_pixels(image: QImage, colour: QColor) -> float:
    """The share of the image's outermost pixels (all four edges) in ``colour``."""
    w, h = image.width(), image.height()
    edge = [(x, 0) for x in range(w)] + [(x, h - 1) for x in range(w)] + \
           [(0, y) for y in range(h)] + [(w - 1, y) for y in range(h)]
    return sum(image.pixelColor(x, y) == colour for x, y in edge) / len(edge)


def test_the_timeline_shows_a_focus_frame_that_moves_nothing(qtbot, seeds_window, tmp_path):
    win = seeds_window
    plot = win.timeline.plot
    highlight = plot.palette().color(QPalette.ColorRole.Highlight)
    geometry = plot.geometry(), win.timeline.view_box.geometry(), win.timeline.axis.geometry()
    win.search_field.setFocus()
    unfocused = plot.grab().toImage()
    assert frame_pixels(unfocused, highlight) == 0
    plot.setFocus()
    focused = plot.grab().toImage()
    assert frame_pixels(focused, highlight) == 1.0
    # As thick as it says, and no thicker: the plot's content is where it was.
    inner = FOCUS_FRAME_PX
    assert focused.pixelColor(inner - 1, focused.height() // 2) == highlight
    assert focused.pixelColor(inner, focused.height() // 2) == unfocused.pixelColor(inner, focused.height() // 2)
    assert (plot.geometry(), win.timeline.view_box.geometry(), win.timeline.axis.geometry()) == geometry
    # The window as the user sees it has the frame (an exported figure draws no widget: viewer.ui.figure).
    assert win.grab().toImage().pixelColor(plot.mapTo(win, plot.rect().center()).x(),
                                           plot.mapTo(win, plot.rect().topLeft()).y()) == highlight


def title_band_position(timeline, file: str, x_px: float, row: int = 0):
    """Where the title band of ``file``'s lane is (or its ``row``-th row below it), ``x_px`` pixels
    from the plot's left, in the plot viewport's coordinates."""
    layout = timeline.timeline_layout
    lane = layout.story_index[file]
    (x0, x1), _ = timeline.view_box.viewRange()
    x = x0 + (x1 - x0) * x_px / timeline.view_box.width()
    scene = timeline.view_box.mapViewToScene(QPointF(x, float(layout.lane_row[lane] + row) + 0.5))
    return timeline.plot.mapFromScene(scene)


def test_clicking_a_lane_title_selects_its_story(qtbot, seeds_window):
    win = seeds_window
    timeline = win.timeline
    timeline.zoom_to_fit()
    win.state.select_event(EventRef("internet.txt", 0))
    win.state.select_source(1)
    win.search_field.setFocus()
    # On the headline.
    pos = title_band_position(timeline, "pandemic.txt", 30)
    assert timeline.events_item.title_at(*_data(timeline, pos)) == timeline.timeline_layout.story_index[
        "pandemic.txt"]
    with qtbot.waitSignal(timeline.events_item.story_clicked) as clicked:
        qtbot.mouseClick(timeline.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert clicked.args == ["pandemic.txt"]
    assert win.state.story.file == "pandemic.txt"
    assert win.state.event_ref is None and win.state.source_number is None
    assert win.state.story.title in win.detail.toPlainText()
    assert win.citations.model.rowCount() == len(win.state.story.sources)
    assert timeline.plot.hasFocus()
    # Anywhere on the band, past the headline's end, too.
    pos = title_band_position(timeline, "spaceflight.txt", timeline.view_box.width() - 20)
    assert timeline.events_item.title_at(*_data(timeline, pos)) is None
    qtbot.mouseClick(timeline.plot.viewport(), Qt.MouseButton.LeftButton, pos=pos)
    assert win.state.story.file == "spaceflight.txt"
    # Below the band, where no event is, a click clears the event and keeps the story.
    win.state.select_event(EventRef("spaceflight.txt", 0))
    below = title_band_position(timeline, "spaceflight.txt", timeline.view_box.width() - 20, row=1)
    data_x, data_y = _data(timeline, below)
    assert not len(timeline.events_item.hits_at(data_x, data_y))
    qtbot.mouseClick(timeline.plot.viewport(), Qt.MouseButton.LeftButton, pos=below)
    assert win.state.event_ref is None and win.state.story.file == "spaceflight.txt"


def _data(timeline, pos) -> tuple[float, float]:
    point = timeline.view_box.mapSceneToView(timeline.plot.mapToScene(pos))
    return point.x(), point.y()


# --- grid lines --------------------------------------------------------------------------

GRID_STORY = story_text("A", ["Jan 3, 1950", "Mar 5, 1990", "Jun 9, 2020", "Jul 1, 2020"])
WHITE = QColor("white")


def drawn_grid(widget, x0: float, x1: float) -> tuple[list[float], list[int]]:
    """Draw the view ``[x0, x1]``: the axis's labelled ticks (its own tickValues as it drew them), and
    the columns of the grid lines drawn across an empty row of the plot."""
    calls = []
    tick_values = widget.axis.tickValues

    def spy(low: float, high: float, size: float):
        result = tick_values(low, high, size)
        calls.append(result)
        return result

    widget.axis.tickValues = spy
    try:
        widget.view_box.setXRange(x0, x1, padding=0)
        widget.plot.clearFocus()
        image = widget.plot.grab().toImage()
    finally:
        del widget.axis.tickValues
    assert calls, "the axis drew no ticks"
    _, majors = calls[-1][0]
    # A row below the lanes: white but for the grid lines.
    rows = widget.timeline_layout.row_count
    y = widget.plot.mapFromScene(widget.view_box.mapViewToScene(QPointF(x0, rows + 0.5))).y()
    columns = [x for x in range(image.width()) if image.pixelColor(x, y) != WHITE]
    return majors, columns


def column_of(widget, ordinal: float) -> int:
    return widget.plot.mapFromScene(widget.view_box.mapViewToScene(QPointF(ordinal, 0.0))).x()


def test_grid_lines_stand_at_the_axis_labels(qtbot, timeline):
    selection, widget = timeline
    selection.set_library(library_of({"a.txt": GRID_STORY}))
    rows = widget.timeline_layout.row_count
    widget.view_box.setYRange(-0.2, rows + 1, padding=0)
    width = widget.view_box.width()
    # Where the ticks of 14 days need just the axis's length (its width and a pixel beyond each end).
    fortnight = 14 * (width + 1) / widget.axis.label_spacing(TickLevel("day", 14))
    start = date(2020, 6, 1).toordinal()
    views = [(start, start + 88),  # days: labels wider than the old fixed 90 px
             (start, start + fortnight),
             (start, start + 400),  # months
             (date(1950, 1, 1).toordinal(), date(2020, 1, 1).toordinal()),  # years: narrower than 90 px
             (date(1900, 1, 1).toordinal(), date(2030, 1, 1).toordinal())]
    for x0, x1 in views:
        majors, columns = drawn_grid(widget, x0, x1)
        assert len(majors) >= 3
        expected = [column_of(widget, ordinal) for ordinal in majors]
        assert len(columns) == len(expected), (x0, x1, columns, expected)
        for drawn, tick in zip(columns, expected, strict=True):
            assert abs(drawn - tick) <= 1, (x0, x1, columns, expected)
