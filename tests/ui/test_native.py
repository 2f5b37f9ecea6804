"""A native desktop app: light and dark, high-DPI and small screens, only our controls, accessible.

Text is checked as a reader sees it: the window is rendered in each scheme
and the pixels of a label are compared with those of the background behind
it (WCAG 2.1 contrast, at least 4.5:1). The high-DPI check runs the app in a
subprocess, since the scale factor is read once, when Qt starts.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, Qt, QTimer
from PySide6.QtGui import QAccessible, QContextMenuEvent, QGuiApplication, QImage
from PySide6.QtWidgets import QApplication, QMenu, QWidget

from tests.conftest import ROOT, SEEDS
from viewer.core.colours import contrast, hex_colour
from viewer.core.state import EventRef
from viewer.ui.app import ColourSchemeFollower

pytestmark = pytest.mark.gui

AA = 4.5  # WCAG 2.1 SC 1.4.3, normal text


def pixels(widget: QWidget, rect: QRect | None = None) -> np.ndarray:
    """The widget as drawn (``rect`` of it, in its logical pixels): an array of (r, g, b) rows."""
    image = widget.grab(rect if rect is not None else QRect()).toImage()
    image = image.convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    data = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height).reshape(height, stride)
    return data[:, : width * 3].reshape(height, width, 3).copy()


def text_contrast(rgb: np.ndarray) -> tuple[float, str, str]:
    """The contrast of the text in a patch with its background: (ratio, text colour, background colour).

    The background is the patch's most common colour; the text is the pixel
    that differs from it most (the cores of the glyphs' stems, drawn in the
    text's full colour; their antialiased edges are paler).
    """
    flat = [tuple(int(c) for c in p) for p in rgb.reshape(-1, 3)]
    background = hex_colour(*Counter(flat).most_common(1)[0][0])
    best = max(set(flat), key=lambda p: contrast(hex_colour(*p), background))
    text = hex_colour(*best)
    return contrast(text, background), text, background


@pytest.fixture
def follower(qapp):
    """The app's colour-scheme follower, back to light (and disconnected) after the test."""
    follower = ColourSchemeFollower(qapp)
    yield follower
    follower.apply(Qt.ColorScheme.Light)
    follower.setParent(None)
    follower.deleteLater()


def set_scheme(qtbot, scheme: Qt.ColorScheme) -> None:
    """The system switches its colour scheme (as QStyleHints reports it)."""
    QGuiApplication.styleHints().colorSchemeChanged.emit(scheme)
    qtbot.wait(50)  # a repaint


def title_rect(widget, lane: int) -> QRect:
    """Where a lane's headline is drawn, in the plot's coordinates: the middle of its title band's start.

    Only the middle of the band: a label above a bar in the next row may
    reach a few pixels into it.
    """
    x0 = widget.view_box.viewRange()[0][0]
    row = int(widget.timeline_layout.lane_row[lane])
    top = widget.plot.mapFromScene(widget.view_box.mapViewToScene(QPointF(x0, row)))
    bottom = widget.plot.mapFromScene(widget.view_box.mapViewToScene(QPointF(x0, row + 1)))
    middle, height = (top.y() + bottom.y()) // 2, min(bottom.y() - top.y() - 10, 14)
    return QRect(top.x() + 4, middle - height // 2, 240, height)


@pytest.mark.parametrize("scheme", [Qt.ColorScheme.Light, Qt.ColorScheme.Dark])
def test_both_schemes_keep_every_text_readable(qtbot, seeds_window, follower, scheme):
    win = seeds_window
    set_scheme(qtbot, scheme)
    timeline = win.timeline
    plot_background = pixels(timeline.plot, QRect(5, 5, 4, 4))[0, 0]
    assert (plot_background.mean() < 80) == (scheme == Qt.ColorScheme.Dark)  # the plot follows the scheme

    patches: dict[str, tuple[QWidget, QRect]] = {}
    legend = timeline.legend
    patches["legend"] = (legend, legend.contentsRect())
    # The legend's hints, in its secondary colour, wrap onto a line of their own at this width.
    line = legend.fontMetrics().lineSpacing()
    last = legend.contentsRect().adjusted(0, legend.contentsRect().height() - line, 0, 0)
    patches["legend hints"] = (legend, last)
    for lane in range(len(timeline.timeline_layout.stories)):
        patches[f"title of lane {lane}"] = (timeline.plot, title_rect(timeline, lane))
    axis = timeline.axis
    axis_rect = timeline.plot.mapFromScene(axis.sceneBoundingRect()).boundingRect()
    patches["time axis"] = (timeline.plot, axis_rect.adjusted(40, 6, -40, 0))
    overview_axis = timeline.overview.getAxis("bottom")
    patches["overview axis"] = (timeline.overview,
                                timeline.overview.mapFromScene(overview_axis.sceneBoundingRect()).boundingRect()
                                .adjusted(40, 4, -40, 0))
    table = win.stories_panel.table
    patches["stories table"] = (table.viewport(), table.visualRect(table.model().index(1, 1)))
    patches["event details"] = (win.detail.viewport(), QRect(0, 0, win.detail.viewport().width(), 60))
    # The empty search field's hint (placeholder text), inside its frame.
    patches["search field hint"] = (win.search_field, win.search_field.rect().adjusted(8, 6, -40, -6))
    # A list's line that cannot be selected ("Nothing new…") is still read: not in a disabled grey.
    news = win.whats_new
    assert news.count() and news.isVisible()
    patches["what's new"] = (news.viewport(), news.visualItemRect(news.item(0)))
    failures = {}
    for name, (widget, rect) in patches.items():
        ratio, text, background = text_contrast(pixels(widget, rect))
        if ratio < AA:
            failures[name] = (round(ratio, 2), text, background)
    assert not failures

    # A search: the lanes without a match get their headline in a grey, which is read as well.
    win.search_field.setText("ARPANET")
    qtbot.waitUntil(lambda: timeline.events_item.matches is not None, timeout=10000)
    for lane in range(len(timeline.timeline_layout.stories)):
        ratio, text, background = text_contrast(pixels(timeline.plot, title_rect(timeline, lane)))
        assert ratio >= AA, (lane, ratio, text, background)


def test_the_problems_tables_error_colour_is_readable_in_both_schemes(qtbot, follower):
    from viewer.model import Problem, Severity
    from viewer.ui.problems import ProblemsDialog

    dialog = ProblemsDialog()
    qtbot.addWidget(dialog)
    dialog.set_problems((Problem("a.txt", 3, Severity.ERROR, "cannot read the date"),
                         Problem("a.txt", 9, Severity.WARNING, "no year")))
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    for scheme in (Qt.ColorScheme.Light, Qt.ColorScheme.Dark):
        set_scheme(qtbot, scheme)
        for row in (0, 1):
            rect = table.visualRect(table.model().index(row, 2))
            ratio, text, background = text_contrast(pixels(table.viewport(), rect))
            assert ratio >= AA, (scheme, row, ratio, text, background)
        assert (pixels(table.viewport(), QRect(2, 2, 2, 2))[0, 0].mean() < 80) == (scheme == Qt.ColorScheme.Dark)


def test_a_scheme_change_while_running_recolours_the_timeline_and_back(qtbot, seeds_window, follower):
    timeline = seeds_window.timeline

    def backgrounds() -> list[float]:
        return [float(pixels(w, QRect(3, 3, 2, 2))[0, 0].mean())
                for w in (timeline.plot, timeline.overview, timeline.legend)]

    assert min(backgrounds()) > 200
    set_scheme(qtbot, Qt.ColorScheme.Dark)
    assert max(backgrounds()) < 60
    set_scheme(qtbot, Qt.ColorScheme.Light)
    assert min(backgrounds()) > 200


# The app started on a small screen, the samples open and an event with eight
# sources selected: what a reader sees of the window, its legend, the event's
# text and the sources table. Printed as JSON; the window's picture saved.
SMALL_SCREEN_PROBE = """
import json, sys, tempfile
from pathlib import Path
from PySide6.QtCore import QSettings
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QLabel
app = QApplication([])
from viewer.core.state import EventRef
from viewer.ui.main_window import MainWindow
from viewer.ui.text import ElidedLabel
settings = QSettings(str(Path(tempfile.mkdtemp()) / "s.ini"), QSettings.Format.IniFormat)
window = MainWindow(settings)
window.show()
QTest.qWaitForWindowExposed(window)
loaded = []
window.loader.loaded.connect(lambda *_: loaded.append(True))
window.loader.failed.connect(lambda message: sys.exit(f"the load failed: {message}"))
window.open_folder(Path(sys.argv[1]))
for _ in range(3000):  # a minute at most
    if loaded:
        break
    QTest.qWait(20)
else:
    sys.exit("the samples did not load within a minute")
story = max(window.state.library.stories, key=lambda s: len(s.sources))
index = next(i for i, event in enumerate(story.events) if event.citations)
window.state.select_event(EventRef(story.file, index))
QTest.qWait(200)
legend = window.timeline.legend
available, frame = window.screen().availableGeometry(), window.frameGeometry()
# Labels cut without a sign of it (an ElidedLabel ends in "…" and shows the whole text as its tooltip).
cut = [label.text() for label in window.findChildren(QLabel)
       if label.isVisible() and label.text() and not label.wordWrap() and not isinstance(label, ElidedLabel)
       and label.sizeHint().width() > label.width() + 1]
table = window.citations.table
rows = [table.visualRect(table.model().index(row, 1)) for row in range(table.model().rowCount())]
detail = window.detail
start = detail.document().find(story.events[index].text[:40])
central = window.centralWidget()
window.grab().save(sys.argv[2])
print(json.dumps({
    "ratio": window.devicePixelRatioF(),
    "available": [available.x(), available.y(), available.width(), available.height()],
    "frame": [frame.x(), frame.y(), frame.width(), frame.height()],
    "panes_scroll": central.verticalScrollBar().maximum() + central.horizontalScrollBar().maximum(),
    # Wrapped, it needs its height for its width; on one line, its width.
    "legend_fits": legend.heightForWidth(legend.width()) <= legend.height() if legend.wordWrap()
                   else legend.sizeHint().width() <= legend.width(),
    "legend_visible": legend.isVisible() and not legend.visibleRegion().isEmpty(),
    "plot_height": window.timeline.plot.height(),
    "cut_labels": cut,
    "sources": len(rows),
    "sources_shown": sum(table.viewport().rect().contains(rect) for rect in rows),
    "event_text_shown": not start.isNull() and detail.viewport().rect().contains(detail.cursorRect(start)),
    "event_text_chars_per_line": detail.viewport().width() // detail.fontMetrics().averageCharWidth(),
}))
window.close()
"""


@pytest.mark.parametrize(("scale", "screen", "sources"), [
    ("1", (1280, 720), 5),  # a small laptop
    ("2", (1920, 1080), 3),  # 960×540 logical pixels
    ("2", (1280, 720), 1),  # 640×360
    ("3", (1920, 1080), 1),  # 640×360
])
def test_the_first_window_fits_a_small_screen_and_shows_what_matters(tmp_path, scale, screen, sources):
    config = tmp_path / "screen.json"
    config.write_text(json.dumps({"screens": [{"name": "probe", "x": 0, "y": 0, "width": screen[0],
                                               "height": screen[1], "logicalDpi": 96, "logicalBaseDpi": 96,
                                               "dpr": 1}]}))
    env = {**os.environ, "QT_SCALE_FACTOR": scale, "QT_QPA_PLATFORM": f"offscreen:configfile={config}"}
    run = subprocess.run([sys.executable, "-c", SMALL_SCREEN_PROBE, str(SEEDS), str(tmp_path / "window.png")],
                         capture_output=True, text=True, env=env, cwd=ROOT, timeout=240, check=False)
    assert run.returncode == 0, run.stderr[-2000:]
    probe = json.loads(run.stdout.strip().splitlines()[-1])
    assert probe["ratio"] == float(scale)
    ax, ay, aw, ah = probe["available"]
    fx, fy, fw, fh = probe["frame"]
    assert aw == screen[0] / float(scale) and ah == screen[1] / float(scale)
    assert ax <= fx and ay <= fy and fx + fw <= ax + aw and fy + fh <= ay + ah, probe
    assert probe["panes_scroll"] == 0, probe  # the panes fit the window as it opens: no scroll bar
    assert probe["plot_height"] >= 120, probe  # room for two lanes and the axis, whatever the screen
    assert probe["cut_labels"] == []
    assert probe["sources"] >= 5
    assert probe["sources_shown"] >= sources, probe  # whole rows
    # Every line of the legend shown, never cut off; at 640×360 the lanes need its room more:
    # there it is left out (Help → Story File Format says what the marks mean).
    assert probe["legend_fits"], probe
    if aw >= 960:
        assert probe["legend_visible"], probe
        assert probe["event_text_shown"], probe  # the selected event's text, without scrolling to it
        assert probe["event_text_chars_per_line"] >= 40, probe
    # At 640×360 the event's text begins below the detail pane's fold (under
    # its story and date): the panes are at their least heights there.


@pytest.mark.qt_log_ignore("This plugin does not support grabbing")  # a popup menu, offscreen
def test_no_pyqtgraph_buttons_or_menus_only_ours(qtbot, seeds_window):
    win = seeds_window
    timeline = win.timeline
    plot, overview = timeline.plot, timeline.overview
    # Hover and drag over both plots: pyqtgraph shows its "A" button after such a change of range.
    for widget in (plot, overview):
        view = widget.viewport()
        centre = view.rect().center()
        qtbot.mouseMove(view, centre)
        qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=centre)
        for step in range(1, 6):
            qtbot.mouseMove(view, centre + QPoint(15 * step, 5 * step))
        qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=centre + QPoint(75, 25))
        qtbot.mouseMove(view, centre)
        assert not widget.getPlotItem().autoBtn.isVisible()

    # A right click on an event: it is selected, and our menu opens with the menus' own actions.
    story = win.state.library.stories[0]
    win.state.select_event(EventRef(story.file, 0))  # brought into view, on its own
    target = timeline.timeline_layout.index_of(story.file, 0)
    win.state.select_event(None)
    seen: list[list[str]] = []

    def read_menu() -> None:
        menu = QApplication.activePopupWidget()
        seen.append([a.text() for a in menu.actions() if not a.isSeparator()] if isinstance(menu, QMenu) else [])
        if menu is not None:
            menu.close()

    for widget, pos in ((plot, timeline.event_position(target)), (overview, overview.viewport().rect().center())):
        QTimer.singleShot(100, read_menu)
        event = QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, widget.viewport().mapToGlobal(pos))
        menus = len(seen)
        QApplication.sendEvent(widget.viewport(), event)
        qtbot.waitUntil(lambda: len(seen) > menus)  # noqa: B023 (waited for here, in this turn of the loop)
    ours = ["Zoom to &Fit", "Zoom to &Selection", "Export &Figure…", "&Copy Event Text"]
    assert seen == [ours, ours]
    assert win.state.event_ref is not None  # the right click selected the event under the pointer
    # The Menu key (or Shift+F10) on the focused timeline opens the same menu.
    QTimer.singleShot(100, read_menu)
    plot.setFocus()
    QApplication.sendEvent(plot, QContextMenuEvent(QContextMenuEvent.Reason.Keyboard, QPoint(0, 0),
                                                   plot.mapToGlobal(QPoint(0, 0))))
    qtbot.waitUntil(lambda: len(seen) == 3)
    assert seen[2] == ours


# Containers that only lay out their children (the area that scrolls the panes
# on a screen too small for them among them), grips worked by the mouse alone
# (a screen reader passes them by), and the tab bar of docks sharing a place,
# whose tabs are named by the docks' titles: they need no name of their own.
LAYOUT_ONLY = {"QWidget", "QSplitter", "QSplitterHandle", "QSizeGrip", "QStackedWidget", "QTabBar", "QScrollArea"}


def accessible_tree(interface, path: tuple[str, ...] = ()):
    """Every visible accessible interface under ``interface``, with the names above it, depth first.

    Cells, rows and menu items are left out: a table or list names them itself.
    """
    role = QAccessible.Role
    if interface is None or not interface.isValid() or interface.state().invisible:
        return
    if interface.role() in (role.Cell, role.Row, role.ListItem, role.ColumnHeader, role.RowHeader, role.MenuItem):
        return
    name = interface.text(QAccessible.Text.Name)
    yield interface, path
    for i in range(interface.childCount()):
        yield from accessible_tree(interface.child(i), (*path, name or interface.role().name))


def test_every_pane_and_control_has_an_accessible_name(qtbot, seeds_window):
    win = seeds_window
    unnamed = []
    names = set()
    for interface, path in accessible_tree(QAccessible.queryAccessibleInterface(win)):
        widget = interface.object()
        kind = type(widget).__name__
        name = interface.text(QAccessible.Text.Name)
        names.add(name)
        if widget is None:
            continue  # a part of a table (its corner), described by the table
        if not name and kind not in LAYOUT_ONLY and interface.role() not in (
                QAccessible.Role.MenuBar, QAccessible.Role.StatusBar, QAccessible.Role.ScrollBar):
            unnamed.append((" / ".join(path), interface.role().name, kind))
    assert unnamed == []
    # The panes a reader goes between, by the names a screen reader says.
    assert {"Timeline pane", "Timeline", "Legend", "Overview", "Stories", "Filter stories", "Search",
            "Event details", "Sources", "Sources table", "Events citing the source"} <= names
    # Described, not only named.
    for widget in (win.timeline, win.timeline.plot, win.timeline.overview, win.stories_panel.table, win.detail,
                   win.citations.table, win.citations.citing_list, win.timeline.legend):
        assert QAccessible.queryAccessibleInterface(widget).text(QAccessible.Text.Description), widget


def test_every_menu_entry_is_reachable_from_the_keyboard(seeds_window):
    def entries(menu):
        for action in menu.actions():
            if action.isSeparator():
                continue
            yield menu, action
            if action.menu() is not None:
                yield from entries(action.menu())

    for menu, action in entries(seeds_window.menuBar()):
        if menu is seeds_window.recent_menu:
            continue  # filled when opened: folders, reached with the arrow keys
        assert "&" in action.text() or action.shortcuts(), action.text()


def test_the_selected_event_is_told_to_assistive_technology_and_copied(qtbot, seeds_window):
    win = seeds_window
    plot = QAccessible.queryAccessibleInterface(win.timeline.plot)
    assert plot.text(QAccessible.Text.Name) == "Timeline"
    assert "No event selected" in plot.text(QAccessible.Text.Description)
    assert not win.timeline.copy_event_action.isEnabled()
    story = win.state.library.stories[1]
    event = story.events[2]
    win.state.select_event(EventRef(story.file, 2))
    description = plot.text(QAccessible.Text.Description)
    assert event.date_text in description and event.text in description
    # Edit → Copy Event Text: the same words on the clipboard.
    assert win.timeline.copy_event_action.isEnabled()
    win.timeline.copy_event_action.trigger()
    copied = QGuiApplication.clipboard().text()
    assert copied.startswith(f"{event.date_text} – {event.text}") and story.title in copied
    win.state.select_event(None)
    assert "No event selected" in plot.text(QAccessible.Text.Description)


def drag(qtbot, view: QWidget, start: QPoint, end: QPoint, steps: int = 10) -> None:
    """Press the left button at ``start``, move to ``end`` in steps, release.

    Steps come at a hand's pace: pyqtgraph drops a move that follows the last
    one it took by less than its rate limit (10 ms), so steps sent at once
    left only the first, and a drag whose first step was shorter than the
    drag distance was taken for a click (the test then failed at random).
    """
    qtbot.mousePress(view, Qt.MouseButton.LeftButton, pos=start)
    for step in range(1, steps + 1):
        qtbot.wait(1000 // max(1, pg.getConfigOption("mouseRateLimit")) + 5)
        qtbot.mouseMove(view, start + (end - start) * step / steps)
    qtbot.mouseRelease(view, Qt.MouseButton.LeftButton, pos=end)


def test_a_diagonal_drag_on_the_timeline_pans_time_only(qtbot, seeds_window):
    timeline = seeds_window.timeline
    (x0, x1), (y0, y1) = timeline.view_box.viewRange()
    view = timeline.plot.viewport()
    centre = view.rect().center()
    drag(qtbot, view, centre, centre + QPoint(-120, 80))
    (n0, n1), (m0, m1) = timeline.view_box.viewRange()
    assert (m0, m1) == pytest.approx((y0, y1))  # the lanes stay put: no gap above the first
    days_per_px = (x1 - x0) / timeline.view_box.width()
    assert n0 - x0 == pytest.approx(120 * days_per_px, rel=0.05)
    assert n1 - n0 == pytest.approx(x1 - x0)
    # The right button does not zoom (pyqtgraph's right drag): it is for the menu.
    qtbot.mousePress(view, Qt.MouseButton.RightButton, pos=centre)
    qtbot.mouseMove(view, centre + QPoint(60, 60))
    qtbot.mouseRelease(view, Qt.MouseButton.RightButton, pos=centre + QPoint(60, 60))
    assert timeline.view_box.viewRange()[0] == pytest.approx([n0, n1])


def test_the_overview_region_moves_inside_resizes_on_its_edges_and_centres_elsewhere(qtbot, seeds_window):
    timeline = seeds_window.timeline
    overview = timeline.overview
    view = overview.viewport()
    (s0, s1), _ = overview.viewRange()
    px_per_day = overview.getViewBox().width() / (s1 - s0)

    def at(day: float) -> QPoint:
        return overview.mapFromScene(overview.getViewBox().mapViewToScene(QPointF(day, 0.3)))

    # A quarter of the strip, in its middle.
    timeline.view_box.setXRange(s0 + (s1 - s0) * 0.4, s0 + (s1 - s0) * 0.65, padding=0)
    r0, r1 = overview.region.getRegion()
    # Inside: moved by the drag, its width (the timeline's zoom) kept.
    drag(qtbot, view, at((r0 + r1) / 2), at((r0 + r1) / 2) + QPoint(-60, 0))
    m0, m1 = overview.region.getRegion()
    assert (m1 - m0) == pytest.approx(r1 - r0)
    assert (r0 - m0) * px_per_day == pytest.approx(60, abs=2)
    assert timeline.view_box.viewRange()[0] == pytest.approx([m0, m1])
    # The right edge: resized, the left edge stays; the timeline zooms with it.
    drag(qtbot, view, at(m1), at(m1) + QPoint(50, 0))
    e0, e1 = overview.region.getRegion()
    assert e0 == pytest.approx(m0)
    assert (e1 - m1) * px_per_day == pytest.approx(50, abs=2)
    assert timeline.view_box.viewRange()[0] == pytest.approx([e0, e1])
    # Elsewhere: a click centres it there; a fast drag from there goes on moving it.
    far = s0 + (s1 - s0) * 0.1
    qtbot.mouseClick(view, Qt.MouseButton.LeftButton, pos=at(far))
    c0, c1 = overview.region.getRegion()
    assert (c0 + c1) / 2 == pytest.approx(far, abs=2 / px_per_day)
    assert c1 - c0 == pytest.approx(e1 - e0)
    start = s0 + (s1 - s0) * 0.8
    drag(qtbot, view, at(start), at(start) + QPoint(-40, 25), steps=2)
    f0, f1 = overview.region.getRegion()
    assert (f0 + f1) / 2 == pytest.approx(start - 40 / px_per_day, abs=3 / px_per_day)
    assert overview.viewRange()[0] == pytest.approx([s0, s1])  # the strip itself never pans
    assert not overview.getPlotItem().autoBtn.isVisible()
