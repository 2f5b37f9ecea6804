"""The timeline widget: a pyqtgraph plot of lanes, its navigation and keys.

It observes the ``AppState`` and writes the user's picks back to it;
it never talks to the other views.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QColor,
    QContextMenuEvent,
    QGuiApplication,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
    QTextDocumentFragment,
)
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QScrollBar,
    QSizePolicy,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from viewer.core.colours import TimelineColours, blend, timeline_colours
from viewer.core.layout import LayoutBuilder, TimelineLayout, range_showing
from viewer.core.state import AppState, EventRef
from viewer.core.ticks import MAX_ORDINAL, MIN_ORDINAL, major_ticks
from viewer.ui.text import event_item
from viewer.ui.timeline.axis import CalendarAxisItem, unlink_hidden_axes
from viewer.ui.timeline.events_item import EventsItem
from viewer.ui.timeline.overview import MIN_STRIP_HEIGHT, STRIP_HEIGHT, OverviewStrip

if TYPE_CHECKING:
    from collections.abc import Iterator

    from pyqtgraph.GraphicsScene.mouseEvents import MouseClickEvent, MouseDragEvent
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QFocusEvent, QPaintEvent, QResizeEvent
    from PySide6.QtWidgets import QGraphicsSceneMouseEvent, QGraphicsSceneWheelEvent

MIN_VISIBLE_DAYS = 4.0
# The legend's entries. Each stays on one line (its spaces made non-breaking);
# a narrow window wraps the legend between them rather than cutting it off.
LEGEND_ENTRIES = (
    "<span style='color:{mark}'>◆</span> exact day",
    "<span style='color:{mark}'>▬</span> month, part of a year, year or range",
    "<span style='color:{vague}'>▬</span> decade or century (fainter = vaguer)",
    "<b>③</b> events too close to tell apart: click to zoom",
    "<span style='color:#C2410C'>●</span> new, <span style='color:#C2410C'>○</span> updated since you last read",
    "<span style='color:{muted}'>wheel: zoom · drag: pan · double‑click: fit · ←→↑↓ Enter Esc</span>",
)
NOTHING_SELECTED = ("No event selected. Arrow keys go from event to event, Enter zooms to it, "
                    "the Menu key opens the timeline's menu.")
ROWS_IN_VIEW = 24  # more rows than this: zoom to fit shows the first ones (labels stay readable)
# Nor more than fit this many pixels each (a small screen, a scale factor of 2):
# the lanes' headlines are drawn from rows of 11 px, read well from this.
MIN_FIT_ROW_PX = 20.0
LEGEND_SHARE = 0.2  # of the timeline's height the legend may take before it drops its hints
LEGEND_MAX_SHARE = 0.34  # and without them, before it gives the lanes all its room
MIN_HEIGHT_FOR_OVERVIEW = 180  # px of timeline; less, and the overview strip gives the lanes its room
LANE_SCROLL_SCALE = 10  # scroll bar steps per row
MAX_UNDATED_LISTED = 500
FOCUS_FRAME_PX = 2
# pyqtgraph's AxisItem measures its length from a pixel before its left end to a
# pixel after its right one (AxisItem.generateDrawSpecs); the grid measures the
# view the same way, so that both choose the same ticks at every zoom.
AXIS_OVERHANG_PX = 2.0


class TimelineViewBox(pg.ViewBox):
    """Mouse wheel zooms time only; a drag pans time only; double-click zooms to fit.

    The lanes move only through the scroll bar or Shift+wheel: a diagonal
    drag must not shift them and leave a gap above the first one. The right
    button is the context menu's (TimelineWidget), not pyqtgraph's drag-zoom.
    """

    double_clicked = Signal()

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setMouseMode(pg.ViewBox.PanMode)

    def wheelEvent(self, ev: QGraphicsSceneWheelEvent, axis: int | None = None) -> None:
        """Zoom the time axis about the pointer; the lanes keep their height.

        With Shift held the wheel scrolls through the lanes instead.
        """
        if ev.modifiers() & Qt.KeyboardModifier.ShiftModifier:
            (_, _), (y0, y1) = self.viewRange()
            step = (y1 - y0) * 0.15 * (-1 if ev.delta() > 0 else 1)
            self.setYRange(y0 + step, y1 + step, padding=0)
            ev.accept()
            return
        super().wheelEvent(ev, axis=0)

    def updateViewRange(self, forceX: bool = False, forceY: bool = False) -> None:
        """Apply a new range to the items' transform at once, not while painting.

        pyqtgraph defers the transform to just before the paint; changing it
        there marks the scene dirty again and every pan or zoom painted twice.
        """
        super().updateViewRange(forceX, forceY)
        self.updateMatrix()

    def mouseDragEvent(self, ev: MouseDragEvent, axis: int | None = None) -> None:
        """Left or middle drag: pan the time axis."""
        if ev.button() not in (Qt.MouseButton.LeftButton, Qt.MouseButton.MiddleButton):
            ev.ignore()
            return
        super().mouseDragEvent(ev, axis=0)

    def mouseClickEvent(self, ev: MouseClickEvent) -> None:
        """No pyqtgraph menu: a right click is left to the widget's context menu."""
        ev.ignore()

    def mouseDoubleClickEvent(self, ev: QGraphicsSceneMouseEvent) -> None:
        """Double-click anywhere zooms to fit."""
        ev.accept()
        self.double_clicked.emit()


class TimelinePlot(pg.PlotWidget):
    """The timeline's plot, with a frame in the palette's highlight colour while it has the keyboard focus.

    The frame is painted over the plot's edge, so it takes no room: nothing
    moves when the focus comes or goes.

    Signals:
        context_menu_requested(QPoint, bool): where (in the viewport's
            coordinates) a context menu was asked for, and whether from the
            keyboard (the Menu key or Shift+F10) rather than the mouse.
    """

    context_menu_requested = Signal(QPoint, bool)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._frame_hidden = False

    def contextMenuEvent(self, ev: QContextMenuEvent) -> None:
        """Our menu, not pyqtgraph's (see TimelineWidget.show_context_menu)."""
        ev.accept()
        keyboard = ev.reason() == QContextMenuEvent.Reason.Keyboard
        self.context_menu_requested.emit(self.viewport().mapFrom(self, ev.pos()), keyboard)

    @property
    def focus_frame_shown(self) -> bool:
        """Whether the focus frame is drawn now."""
        return self.hasFocus() and not self._frame_hidden

    @contextmanager
    def focus_frame_hidden(self) -> Iterator[None]:
        """No focus frame while in the block (an exported image shows the timeline, not the focus)."""
        hidden = self._frame_hidden
        self._frame_hidden = True
        try:
            yield
        finally:
            self._frame_hidden = hidden

    def paintEvent(self, ev: QPaintEvent) -> None:
        """The plot, then the focus frame over its edge."""
        super().paintEvent(ev)
        if not self.focus_frame_shown:
            return
        viewport = self.viewport()
        painter = QPainter(viewport)
        try:
            pen = QPen(self.palette().color(QPalette.ColorRole.Highlight), FOCUS_FRAME_PX)
            pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            inset = FOCUS_FRAME_PX / 2
            painter.drawRect(QRectF(viewport.rect()).adjusted(inset, inset, -inset, -inset))
        finally:
            painter.end()

    def focusInEvent(self, ev: QFocusEvent) -> None:
        """Show the focus frame."""
        super().focusInEvent(ev)
        self.viewport().update()

    def focusOutEvent(self, ev: QFocusEvent) -> None:
        """Hide the focus frame."""
        super().focusOutEvent(ev)
        self.viewport().update()


def legend_html(colours: TimelineColours, hints: bool = True) -> str:
    """The legend in the scheme's colours (without the mouse and key hints if not ``hints``).

    The marks are drawn in neutral greys, not in a story's colour: each story
    has its own (by file), and the legend must not suggest one.
    """
    mark = blend(colours.text, 0.67, colours.background)
    vague = blend(colours.text, 0.33, colours.background)
    entries = [entry.replace(" ", "&nbsp;").replace("<span&nbsp;", "<span ")
               .format(mark=mark, vague=vague, muted=colours.muted)
               for entry in (LEGEND_ENTRIES if hints else LEGEND_ENTRIES[:-1])]
    return " &nbsp; ".join(entries)


class TimelineWidget(QWidget):
    """The plot of every story's lane, plus the list of undated events beside it."""

    def __init__(self, state: AppState, parent: QWidget | None = None,
                 builder: LayoutBuilder | None = None) -> None:
        """Observe ``state``; ``builder`` may be shared with whoever builds layouts ahead (the loader)."""
        super().__init__(parent)
        self.setObjectName("timeline")
        self.setAccessibleName("Timeline pane")
        self.setAccessibleDescription("The legend, every story's events on one time axis, "
                                      "the overview strip and the undated events")
        self._state = state
        self._builder = builder if builder is not None else LayoutBuilder()
        self._layout = TimelineLayout()
        self._lane_of: tuple[object, object, np.ndarray] = (None, None, np.zeros(0, dtype=np.int64))
        self._folder: Path | None = None  # the folder of the layout on screen

        self.view_box = TimelineViewBox()
        self.axis = CalendarAxisItem("bottom")
        self.plot = TimelinePlot(viewBox=self.view_box, axisItems={"bottom": self.axis})
        self.plot.setObjectName("timelinePlot")
        self.plot.setAccessibleName("Timeline")
        self.plot.setAccessibleDescription(NOTHING_SELECTED)
        self.plot.hideAxis("left")
        unlink_hidden_axes(self.plot)
        self.plot.hideButtons()  # the "A" auto-range button: double-click does that here
        self.plot.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.plot.setToolTip("")
        self.view_box.invertY(True)
        self.view_box.setLimits(xMin=MIN_ORDINAL, xMax=MAX_ORDINAL + 1, minXRange=MIN_VISIBLE_DAYS)
        self.events_item = EventsItem()
        self.events_item.set_grid_ticks(self.grid_ticks)
        self.plot.addItem(self.events_item)

        self.undated_list = QListWidget()
        self.undated_list.setObjectName("undatedList")
        self.undated_list.setAccessibleName("Undated events")
        self.undated_list.setAccessibleDescription("Events whose date could not be read; click one to read it")
        self.undated_list.setWordWrap(True)
        self.undated_label = QLabel("<b>Undated events</b>")
        undated_box = QWidget()
        box_layout = QVBoxLayout(undated_box)
        box_layout.setContentsMargins(4, 0, 0, 0)
        box_layout.addWidget(self.undated_label)
        box_layout.addWidget(self.undated_list)
        self.undated_box = undated_box
        undated_box.hide()

        self.overview = OverviewStrip(self.view_box)
        # No keys to use there: Tab passes it by, and a click on it leaves the focus on the plot.
        self.overview.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        plots = QWidget()
        plots_layout = QVBoxLayout(plots)
        plots_layout.setContentsMargins(0, 0, 0, 0)
        plots_layout.setSpacing(0)
        # A scroll bar for the lanes, shown when they do not all fit.
        self.lane_scroll = QScrollBar(Qt.Orientation.Vertical)
        self.lane_scroll.setObjectName("laneScroll")
        self.lane_scroll.setAccessibleName("Scroll stories")
        self.lane_scroll.setToolTip("Scroll through the stories (or Shift+wheel on the timeline)")
        self.lane_scroll.hide()
        plot_row = QHBoxLayout()
        plot_row.setContentsMargins(0, 0, 0, 0)
        plot_row.setSpacing(0)
        plot_row.addWidget(self.plot, 1)
        plot_row.addWidget(self.lane_scroll)
        plots_layout.addLayout(plot_row, 1)
        plots_layout.addWidget(self.overview)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(plots)
        self.splitter.addWidget(undated_box)
        self.splitter.setStretchFactor(0, 5)
        self.splitter.setStretchFactor(1, 1)
        self.legend = QLabel()
        self.legend.setObjectName("timelineLegend")
        self.legend.setAccessibleName("Legend")
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.legend.setContentsMargins(6, 3, 6, 3)
        self.legend.setAutoFillBackground(True)
        self.legend.setBackgroundRole(QPalette.ColorRole.Base)
        self.legend.setForegroundRole(QPalette.ColorRole.Text)
        # Wrapped between its entries, and no minimum width: a long legend must
        # neither widen the window nor be cut off in a narrow one. It gets the
        # height its lines need where the window has it; squeezed below that, it
        # gives way down to one line rather than forcing a taller window.
        self.legend.setWordWrap(True)
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        margins = self.legend.contentsMargins()
        self.legend.setMinimumHeight(self.legend.fontMetrics().lineSpacing() + margins.top() + margins.bottom())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.legend)
        layout.addWidget(self.splitter, 1)  # the room left goes to the lanes, not to blank legend lines

        self._apply_palette()
        # Copy Event Text: the Edit menu and the context menu share it (see context_actions).
        self.copy_event_action = QAction("&Copy Event Text", self)
        self.copy_event_action.setShortcuts(QKeySequence.StandardKey.Copy)
        self.copy_event_action.setStatusTip("Copy the selected event's date and text")
        self.copy_event_action.setEnabled(False)
        self.copy_event_action.triggered.connect(self.copy_event_text)
        self.context_actions: list[QAction | None] = []  # the context menu's; None: a separator
        self.plot.context_menu_requested.connect(self.show_context_menu)
        self.overview.context_menu_requested.connect(
            lambda pos, keyboard: self.show_context_menu(self.plot.viewport().mapFromGlobal(
                self.overview.viewport().mapToGlobal(pos)), keyboard, over_plot=False))
        self.events_item.event_clicked.connect(self._on_event_clicked)
        self.events_item.cluster_clicked.connect(self._on_cluster_clicked)
        self.events_item.empty_clicked.connect(lambda: state.select_event(None))
        self.events_item.story_clicked.connect(self._on_story_clicked)
        self.view_box.double_clicked.connect(self.zoom_to_fit)
        self.undated_list.itemClicked.connect(self._on_undated_clicked)
        self._scrolling = False
        self._clicked = False  # an event being selected by a click on it (see _on_event_clicked)
        self.view_box.sigYRangeChanged.connect(self._sync_lane_scroll)
        self.lane_scroll.valueChanged.connect(self._on_lane_scroll)
        self.plot.installEventFilter(self)
        state.library_changed.connect(self._on_library_changed)
        state.hidden_changed.connect(self._on_lanes_changed)
        state.sort_changed.connect(self._on_lanes_changed)
        state.search_changed.connect(self._on_search_changed)
        state.event_changed.connect(self._on_event_changed)
        state.source_changed.connect(self._on_source_changed)
        state.folder_source_changed.connect(self._on_source_changed)  # a source across stories: rings in every lane

    def resizeEvent(self, event: QResizeEvent) -> None:
        """On a short window (a small screen, a scale factor of 2) the overview strip gives the lanes room."""
        super().resizeEvent(event)
        self.overview.setFixedHeight(round(min(STRIP_HEIGHT, max(MIN_STRIP_HEIGHT, self.height() * 0.22))))
        # Shorter still (640×360, a scale factor of 3 on 1920×1080), the lanes get the strip's
        # room: there it left them 38 px. Scrolling, zooming and the keys still move through time.
        self.overview.setVisible(self.height() >= MIN_HEIGHT_FOR_OVERVIEW)
        self._fit_legend()

    def _fit_legend(self) -> None:
        """The legend, without its line of mouse and key hints (then in its tooltip) where the whole
        of it would take more than a fifth of a short timeline's height and be cut off; none at all
        where even that would take more than a third (Help → Story File Format says what marks mean)."""
        colours = self.colours
        width = max(self.width(), 1)
        self.legend.setText(legend_html(colours))
        self.legend.setToolTip("")
        if self.legend.heightForWidth(width) > self.height() * LEGEND_SHARE:
            self.legend.setText(legend_html(colours, hints=False))
            self.legend.setToolTip(QTextDocumentFragment.fromHtml(LEGEND_ENTRIES[-1]).toPlainText()
                                   .replace("\u2011", "-"))
        self.legend.setVisible(self.legend.heightForWidth(width) <= self.height() * LEGEND_MAX_SHARE)

    # --- colours -------------------------------------------------------------

    def changeEvent(self, event: QEvent) -> None:
        """Follow the palette: the system switched between light and dark."""
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._apply_palette()

    def _apply_palette(self) -> None:
        """The plot, its axis, its marks and the legend in the palette's colours."""
        palette = self.palette()
        colours = timeline_colours(palette.color(QPalette.ColorRole.Base).name(),
                                   palette.color(QPalette.ColorRole.Text).name())
        self.colours = colours
        self.plot.setBackground(QColor(colours.background))
        self.axis.setPen(pg.mkPen(colours.muted))
        self.axis.setTextPen(pg.mkPen(colours.text))
        self.events_item.set_colours(colours)
        self.legend.setText(legend_html(colours))
        self.legend.setAccessibleDescription(QTextDocumentFragment.fromHtml(self.legend.text()).toPlainText())
        self._fit_legend()

    # --- observing the selection ------------------------------------------

    @property
    def timeline_layout(self) -> TimelineLayout:
        """The arrays on screen."""
        return self._layout

    def _on_library_changed(self) -> None:
        library = self._state.library
        # A reload or live update of the folder on screen keeps the zoom; another folder fits.
        keep_view = bool(self._layout.stories) and library is not None and library.folder == self._folder
        self._relayout(keep_view)

    def _on_lanes_changed(self, *_args: object) -> None:
        """Stories hidden or shown, or sorted: the lanes change, the time range stays, and the lane of
        the story on show, if it was in view, stays in view (sorted elsewhere, it was lost off screen;
        a reader scrolled elsewhere who hides a lane stays where they are)."""
        story = self._state.story
        was_in_view = story is not None and self._lane_in_view(story.file)
        self._relayout(keep_view=True)
        if story is not None and was_in_view:
            self._scroll_lane_into_view(story.file)

    def _lane_in_view(self, file: str) -> bool:
        lane = self._layout.story_index.get(file)
        if lane is None:
            return False
        _, (y0, y1) = self.view_box.viewRange()
        top = int(self._layout.lane_row[lane])
        return top + int(self._layout.lane_rows[lane]) > y0 and top < y1

    def _relayout(self, keep_view: bool) -> None:
        library = self._state.library
        old_range = self.view_box.viewRange()
        self._layout = self._builder.build(self._state.lanes())
        self._folder = library.folder if library is not None else None
        self.events_item.set_layout(self._layout)
        self.events_item.set_notice("" if library is None or library.stories else
                                    "No story files (*.txt) in this folder" + (
                                        f": {len(library.problems)} problems, see the status bar"
                                        if library.problems else ""))
        self.view_box.setLimits(yMin=-1, yMax=max(self._layout.row_count, 1) + 1)
        self._fill_undated()
        if keep_view:
            # Other lanes: as many rows in view as zoom to fit shows (after Hide Others, one lane
            # fills the view; after Show All the lanes get their height back), the top kept, moved
            # up if the last lane would end above the bottom: no empty band above the first lane.
            y0, _ = old_range[1]
            rows = max(self._layout.row_count, 1)
            height = self._rows_to_fit(rows) + 0.4
            top = max(-0.2, min(y0, rows + 0.2 - height))
            self.view_box.setRange(xRange=old_range[0], yRange=(top, top + height), padding=0)
        else:
            self.zoom_to_fit()
        self.overview.set_layout(self._layout)  # after the zoom: an empty strip spans the view
        self._on_search_changed()
        self._show_selection()
        self._on_source_changed()
        self._sync_lane_scroll()

    def _on_search_changed(self) -> None:
        """Matched events keep their colour, the others fade; no search, no fading."""
        search = self._state.search
        library = self._state.library
        layout = self._layout
        if search is None or library is None or not len(layout.x0):
            self.events_item.set_matches(None)
            return
        if self._lane_of[0] is not library or self._lane_of[1] is not layout:
            # Library story index → lane (-1: not shown), once per library and layout.
            lanes = np.fromiter((layout.story_index.get(story.file, -1) for story in library.stories),
                                dtype=np.int64, count=len(library.stories))
            self._lane_of = (library, layout, lanes)
        stories, events = search.event_keys()
        lane_of = self._lane_of[2]
        positions = layout.positions(lane_of[stories], events)
        mask = np.zeros(len(layout.x0), dtype=bool)
        mask[positions[positions >= 0]] = True
        lanes = lane_of[search.stories_matching_themselves()]
        self.events_item.set_matches(mask, lanes[lanes >= 0])

    def _sync_lane_scroll(self, *_args: object) -> None:
        """Size and place the lane scroll bar to match the rows in view."""
        if self._scrolling:
            return
        _, (y0, y1) = self.view_box.viewRange()
        rows = self._layout.row_count
        page = y1 - y0
        if rows <= page + 0.5:
            self.lane_scroll.hide()
            return
        self._scrolling = True
        try:
            self.lane_scroll.setRange(0, int((rows - page + 0.5) * LANE_SCROLL_SCALE))
            self.lane_scroll.setPageStep(max(1, int(page * LANE_SCROLL_SCALE)))
            self.lane_scroll.setSingleStep(LANE_SCROLL_SCALE)
            self.lane_scroll.setValue(int(max(0.0, y0) * LANE_SCROLL_SCALE))
        finally:
            self._scrolling = False
        self.lane_scroll.show()

    def _on_lane_scroll(self, value: int) -> None:
        if self._scrolling:
            return
        _, (y0, y1) = self.view_box.viewRange()
        top = value / LANE_SCROLL_SCALE - 0.2
        self._scrolling = True
        try:
            self.view_box.setYRange(top, top + (y1 - y0), padding=0)
        finally:
            self._scrolling = False

    def _fill_undated(self) -> None:
        self.undated_list.clear()
        undated = self._layout.undated
        # Thousands of list items take seconds to build on the GUI thread; the
        # problems table lists every one of them anyway.
        for si, ei in undated[:MAX_UNDATED_LISTED]:
            self.undated_list.addItem(event_item(self._layout.stories[si], ei))
        if len(undated) > MAX_UNDATED_LISTED:
            more = QListWidgetItem(f"… and {len(undated) - MAX_UNDATED_LISTED} more: see the problems table")
            # Not selectable, yet enabled: a disabled item's grey is too faint to read (under 4.5:1).
            more.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.undated_list.addItem(more)
        count = len(undated)
        self.undated_label.setText(f"<b>Undated events</b> ({count})")
        self.undated_box.setVisible(count > 0)

    def _on_event_changed(self) -> None:
        """The user selected an event (anywhere): mark it, bring it into view, tell assistive technology."""
        index = self._show_selection()
        if index is not None:
            if not self._clicked:
                self._ensure_visible(index)
        else:
            self._show_undated(self._state.event_ref)
        text = self.selected_event_text()
        self.copy_event_action.setEnabled(text is not None)
        # A screen reader hears the change (setAccessibleDescription sends QAccessible::DescriptionChanged).
        self.plot.setAccessibleDescription(NOTHING_SELECTED if text is None else f"Selected event: {text}")

    def selected_event_text(self) -> str | None:
        """The selected event as a reader would quote it: its date as written, its text, its story."""
        ref = self._state.event_ref
        library = self._state.library
        story = library.story(ref.file) if ref is not None and library is not None else None
        if ref is None or story is None or not 0 <= ref.index < len(story.events):
            return None
        event = story.events[ref.index]
        return f"{event.date_text or '(no date)'} – {event.text} (in: {story.title})"

    def copy_event_text(self) -> None:
        """Edit → Copy Event Text: the selected event's date, text and story on the clipboard."""
        text = self.selected_event_text()
        if text is not None:
            QGuiApplication.clipboard().setText(text)

    def show_context_menu(self, pos: QPoint, keyboard: bool = False, over_plot: bool = True) -> None:
        """Our context menu (Zoom to Fit, Zoom to Selection, Export Figure…, Copy Event Text) at ``pos``.

        ``pos`` is in the plot viewport's coordinates. A right click on an
        event selects it first, as in a list; from the keyboard the menu opens
        at the selected event, or in the middle of the plot.
        """
        viewport = self.plot.viewport()
        if keyboard:
            ref = self._state.event_ref
            index = self._layout.index_of(ref.file, ref.index) if ref is not None else None
            pos = self.event_position(index) if index is not None else viewport.rect().center()
            if not viewport.rect().contains(pos):
                pos = viewport.rect().center()
        elif over_plot:
            point = self.view_box.mapSceneToView(self.plot.mapToScene(pos))
            hits = self.events_item.hits_at(point.x(), point.y())
            if len(hits):
                self._on_event_clicked(int(hits[0]))
        menu = QMenu(self)
        menu.setObjectName("timelineContextMenu")
        menu.setAccessibleName("Timeline menu")
        for action in self.context_actions:
            if action is None:
                menu.addSeparator()
            else:
                menu.addAction(action)
        if not menu.isEmpty():
            menu.exec(viewport.mapToGlobal(pos))
        menu.deleteLater()

    def _show_selection(self) -> int | None:
        """Mark the selected event (a relayout does only this: the view stays where the reader put it)."""
        ref = self._state.event_ref
        index = self._layout.index_of(ref.file, ref.index) if ref is not None else None
        self.events_item.set_selected(index)
        return index

    def _on_source_changed(self) -> None:
        refs = self._state.highlighted_events()
        indices = [self._layout.index_of(r.file, r.index) for r in refs]
        self.events_item.set_highlighted([i for i in indices if i is not None])

    # --- user actions --------------------------------------------------------

    def _on_event_clicked(self, index: int) -> None:
        story, _ = self._layout.event_at(index)
        # Clicked, it is in view: the range stays (a century's bar clicked at a month's zoom
        # would otherwise zoom out to all of it, as a choice from a list does).
        self._clicked = True
        try:
            self._state.select_event(EventRef(story.file, int(self._layout.event[index])))
        finally:
            self._clicked = False
        self.plot.setFocus()

    def _on_story_clicked(self, file: str) -> None:
        """A lane's title band: its story becomes current (its summary and sources show)."""
        self._state.select_event(None)
        self._state.set_story(file)
        self.plot.setFocus()

    def _on_cluster_clicked(self, x0: float, x1: float) -> None:
        """Zoom to the span of the cluster's events, all of them, with a margin."""
        pad = max((x1 - x0) * 0.15, 3.0)
        self.view_box.setXRange(x0 - pad, x1 + pad, padding=0)

    def _show_undated(self, ref: EventRef | None) -> None:
        """An undated event selected (from the problems table, say): its row in the list beside the
        timeline marked and scrolled to, its story's lane scrolled into view."""
        self.undated_list.clearSelection()
        if ref is None:
            return
        for row in range(min(self.undated_list.count(), MAX_UNDATED_LISTED)):
            item = self.undated_list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == (ref.file, ref.index):
                item.setSelected(True)
                self.undated_list.scrollToItem(item)
                break
        self.scroll_to_story(ref.file)

    def _on_undated_clicked(self, item: QListWidgetItem) -> None:
        data = item.data(Qt.ItemDataRole.UserRole)
        if data is None:
            return  # the "… and N more" line
        file, index = data
        self._state.select_event(EventRef(file, index))

    def grid_ticks(self, first: float, last: float, size_px: float) -> list[float]:
        """The days of the axis's labelled ticks for a view of ``[first, last]`` over ``size_px`` pixels.

        The grid lines of the events item are drawn at these: the same ticks
        as the axis below them, spaced by the widths of its labels in its font.
        """
        return major_ticks(first, last, size_px + AXIS_OVERHANG_PX, self.axis.label_spacing)

    def grab(self, *args: Any, **kwargs: Any) -> QPixmap:
        """What the timeline shows (as File → Export saves it), without the keyboard focus frame."""
        with self.plot.focus_frame_hidden():
            return super().grab(*args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> None:
        """Paint the timeline (as an SVG export does), without the keyboard focus frame."""
        with self.plot.focus_frame_hidden():
            super().render(*args, **kwargs)

    def zoom_to_fit(self, all_rows: bool = False) -> None:
        """Show every dated event; all lanes if they fit (or if asked), else the first ones."""
        x_range = self._layout.x_range
        rows = max(self._layout.row_count, 1)
        if not all_rows:
            rows = self._rows_to_fit(rows)
        if x_range is None:
            x0, x1 = 730000.0, 740000.0
        else:
            x0, x1 = x_range
        span = max(x1 - x0, 30.0)
        self.view_box.setRange(xRange=(x0 - span * 0.03, x1 + span * 0.12),
                               yRange=(-0.2, rows + 0.2), padding=0)

    def _rows_to_fit(self, rows: int) -> int:
        """How many of ``rows`` the view shows at once: all if they fit, never so many that labels shrink."""
        height = self.view_box.height()
        fit = int(height // MIN_FIT_ROW_PX) if height > 0 else ROWS_IN_VIEW
        return min(rows, ROWS_IN_VIEW, max(fit, 3))

    def zoom(self, factor: float) -> None:
        """Zoom time about the centre of the view: factor < 1 zooms in."""
        (x0, x1), _ = self.view_box.viewRange()
        centre = (x0 + x1) / 2
        half = (x1 - x0) / 2 * factor
        self.view_box.setXRange(centre - half, centre + half, padding=0)

    def zoom_to_selection(self) -> None:
        """Centre the selected event, zoomed so it and its neighbours show."""
        ref = self._state.event_ref
        index = self._layout.index_of(ref.file, ref.index) if ref is not None else None
        if index is None:
            return
        x0, x1 = float(self._layout.x0[index]), float(self._layout.x1[index])
        pad = max((x1 - x0) * 0.5, 20.0)
        row = int(self._layout.row[index])
        _, (y0, y1) = self.view_box.viewRange()
        height = y1 - y0
        if not (y0 <= row <= y1 - 1):
            y0 = max(-0.2, row - height / 2)
            y1 = y0 + height
        # Narrower still if its neighbours would otherwise be drawn in one cluster with it.
        x_range = range_showing(self._layout, index, (x0 - pad, x1 + pad), max(self.view_box.width(), 1.0))
        self.view_box.setRange(xRange=x_range, yRange=(y0, y1), padding=0)

    def _ensure_visible(self, index: int) -> None:
        """Bring an event into view: its lane scrolled in, the time panned to it, zoomed in just
        enough that it is drawn on its own rather than inside a cluster."""
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        width_px = max(self.view_box.width(), 1.0)
        new_range = range_showing(self._layout, index, (x0, x1), width_px)
        row = int(self._layout.row[index])
        dy = 0.0
        if row < y0 or row + 1 > y1:
            dy = row + 0.5 - (y0 + y1) / 2
        if new_range != (x0, x1) or dy:
            self.view_box.setRange(xRange=new_range, yRange=(y0 + dy, y1 + dy), padding=0)

    def _scroll_lane_into_view(self, file: str) -> int | None:
        """Scroll the lanes (only) so that a story's lane is in view; its lane, or None if not shown."""
        lane = self._layout.story_index.get(file)
        if lane is None:
            return None
        top = int(self._layout.lane_row[lane])
        rows = int(self._layout.lane_rows[lane])
        _, (y0, y1) = self.view_box.viewRange()
        if top < y0 or top + rows > y1:
            height = y1 - y0
            self.view_box.setYRange(top - 0.2, top - 0.2 + height, padding=0)
        return lane

    def scroll_to_story(self, file: str) -> None:
        """Scroll the lanes so that a story's lane is in view and, if none of its events is in the time
        range, show them all."""
        lane = self._scroll_lane_into_view(file)
        if lane is None:
            return
        # And its events: if none is in the time range, show them all.
        in_lane = np.flatnonzero(self._layout.story == lane)
        if len(in_lane):
            (x0, x1), _ = self.view_box.viewRange()
            starts, ends = self._layout.x0[in_lane], self._layout.x1[in_lane]
            if not np.any((ends > x0) & (starts < x1)):
                first, last = float(starts.min()), float(ends.max())
                pad = max((last - first) * 0.05, 15.0)
                self.view_box.setXRange(first - pad, last + pad, padding=0)

    # --- keyboard ----------------------------------------------------------

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Arrow keys, Enter and Esc on the plot navigate the selection."""
        if watched is self.plot and isinstance(event, QKeyEvent) and event.type() == QKeyEvent.Type.KeyPress:
            return self.handle_key(event.key())
        return super().eventFilter(watched, event)

    def handle_key(self, key: int) -> bool:
        """Left/Right: previous/next event of the lane in time; Up/Down: other lane.

        Returns:
            True when the key was used.
        """
        layout = self._layout
        if key == Qt.Key.Key_Escape:
            self._state.select_event(None)
            self._state.select_source(None)
            return True
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.zoom_to_selection()
            return True
        if key not in (Qt.Key.Key_Left, Qt.Key.Key_Right, Qt.Key.Key_Up, Qt.Key.Key_Down) or not len(layout.x0):
            return False
        ref = self._state.event_ref
        current = layout.index_of(ref.file, ref.index) if ref is not None else None
        if current is None:
            target = self._first_visible_event()
        elif key in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            same_lane = np.flatnonzero(layout.story == layout.story[current])
            position = int(np.flatnonzero(same_lane == current)[0])
            step = -1 if key == Qt.Key.Key_Left else 1
            target = int(same_lane[position + step]) if 0 <= position + step < len(same_lane) else current
        else:
            target = self._nearest_in_other_lane(current, -1 if key == Qt.Key.Key_Up else 1)
        if target is not None:
            story, _ = layout.event_at(target)
            self._state.select_event(EventRef(story.file, int(layout.event[target])))
        return True

    def _first_visible_event(self) -> int | None:
        (x0, x1), (y0, y1) = self.view_box.viewRange()
        visible = self._layout.visible_indices(x0, x1, y0, y1 - 1)
        return int(visible[0]) if len(visible) else None

    def _nearest_in_other_lane(self, current: int, direction: int) -> int | None:
        layout = self._layout
        lane = int(layout.story[current])
        centre = (layout.x0[current] + layout.x1[current]) / 2
        lane += direction
        while 0 <= lane < len(layout.stories):
            members = np.flatnonzero(layout.story == lane)
            if len(members):
                centres = (layout.x0[members] + layout.x1[members]) / 2
                return int(members[int(np.argmin(np.abs(centres - centre)))])
            lane += direction
        return None

    def event_position(self, index: int) -> QPoint:
        """Where event ``index`` is drawn, in the plot viewport's coordinates (for tests)."""
        x = (self._layout.x0[index] + self._layout.x1[index]) / 2
        y = self._layout.row[index] + 0.5
        scene = self.view_box.mapViewToScene(QPointF(float(x), float(y)))
        return self.plot.mapFromScene(scene)
