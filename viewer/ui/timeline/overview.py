"""The overview strip: event density over the whole folder and the current view.

A histogram of event starts (one pyqtgraph curve, filled) with the main
timeline's visible range as a ``LinearRegionItem``. Dragging or resizing the
region pans and zooms the timeline; panning the timeline moves the region.

Zoomed far in, the visible range is a sliver of the strip: the region is then
drawn ``MIN_REGION_PX`` wide about the view's centre, so it stays visible and
can be grabbed, and dragging it pans without zooming the timeline out.

The mouse is ours, not pyqtgraph's (``OverviewViewBox``): a drag inside the
region moves it, a drag on one of its edges resizes it, a press anywhere
else centres it there (and a drag goes on moving it); the strip itself never
pans or zooms, and has no auto-range button and no pyqtgraph menu.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QPoint, Qt, Signal
from PySide6.QtGui import QColor, QContextMenuEvent, QPalette
from PySide6.QtWidgets import QGraphicsItem, QSizePolicy

from viewer.core.colours import timeline_colours
from viewer.core.layout import TimelineLayout
from viewer.ui.timeline.axis import CalendarAxisItem, unlink_hidden_axes

if TYPE_CHECKING:
    from collections.abc import Sequence

    from pyqtgraph.GraphicsScene.mouseEvents import HoverEvent, MouseClickEvent, MouseDragEvent
    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QWidget

BINS = 400
STRIP_HEIGHT = 78
MIN_STRIP_HEIGHT = 50  # on a short window (see TimelineWidget.resizeEvent): its axis and a low histogram
MIN_REGION_PX = 6.0  # the region is never drawn narrower than this
EDGE_GRAB_PX = 5.0  # a press this close to an edge of the region resizes it
REGION_ALPHA = 45  # the region's fill: the highlight colour, thinly
CURVE_FILL_ALPHA = 110


class OverviewViewBox(pg.ViewBox):
    """The strip's view: it never pans or zooms; the mouse moves and resizes the region instead."""

    def __init__(self) -> None:
        super().__init__(enableMenu=False)
        self.setMouseEnabled(x=False, y=False)
        self.region: pg.LinearRegionItem | None = None  # set by the strip
        self.region_bounds: tuple[float, float] | None = None
        self._drag: tuple[str, float, float, float] | None = None  # (what, press x, region at press)

    def _x_at(self, scene_pos: object) -> float:
        return float(self.mapSceneToView(scene_pos).x())

    def _part_at(self, x: float) -> str:
        """What of the region a press at ``x`` grabs: "left" or "right" edge, "inside", or "outside"."""
        assert self.region is not None
        r0, r1 = self.region.getRegion()
        grab = EDGE_GRAB_PX * (self.viewPixelSize()[0] or 0.0)
        # Inside a narrow region the edges take only its outer quarters: its middle moves it.
        inner = min(grab, (r1 - r0) / 4)
        into_left, into_right = x - r0, r1 - x  # positive inside the region
        if -grab <= into_left <= inner and into_left <= into_right:
            return "left"
        if -grab <= into_right <= inner:
            return "right"
        return "inside" if r0 < x < r1 else "outside"

    def _move_region(self, lo: float, hi: float) -> None:
        """Put the region at ``[lo, hi]``, shifted (never squeezed) to stay within its bounds."""
        assert self.region is not None
        if self.region_bounds is not None:
            b0, b1 = self.region_bounds
            shift = max(b0 - lo, 0.0) - max(hi - b1, 0.0)
            lo, hi = lo + shift, hi + shift
        self.region.setRegion((lo, hi))

    def _centre_at(self, x: float) -> None:
        assert self.region is not None
        r0, r1 = self.region.getRegion()
        self._move_region(x - (r1 - r0) / 2, x + (r1 - r0) / 2)

    def mouseClickEvent(self, ev: MouseClickEvent) -> None:
        """A click outside the region centres it there; right clicks are left to the context menu."""
        if ev.button() != Qt.MouseButton.LeftButton or self.region is None:
            ev.ignore()
            return
        ev.accept()
        x = self._x_at(ev.scenePos())
        if self._part_at(x) == "outside":
            self._centre_at(x)

    def mouseDragEvent(self, ev: MouseDragEvent, axis: int | None = None) -> None:
        """Move the region (a drag inside it, or from where a press outside it centred it), or resize it."""
        if ev.button() != Qt.MouseButton.LeftButton or self.region is None:
            ev.ignore()
            return
        ev.accept()
        x = self._x_at(ev.scenePos())
        if ev.isStart():
            start = self._x_at(ev.buttonDownScenePos())
            part = self._part_at(start)
            if part == "outside":
                self._centre_at(start)
                part = "inside"
            r0, r1 = self.region.getRegion()
            self._drag = (part, start, r0, r1)
        if self._drag is None:
            return
        part, start, r0, r1 = self._drag
        least = MIN_REGION_PX * (self.viewPixelSize()[0] or 0.0)
        if part == "inside":
            self._move_region(r0 + x - start, r1 + x - start)
        elif part == "left":
            self.region.setRegion((min(x, r1 - least), r1))
        else:
            self.region.setRegion((r0, max(x, r0 + least)))
        if ev.isFinish():
            self._drag = None

    def hoverEvent(self, ev: HoverEvent) -> None:
        """A resize cursor over the region's edges, a hand inside it."""
        if ev.isExit() or self.region is None:
            self.unsetCursor()
            return
        part = self._part_at(self._x_at(ev.scenePos()))
        if part in ("left", "right"):
            self.setCursor(Qt.CursorShape.SizeHorCursor)
        elif part == "inside":
            self.setCursor(Qt.CursorShape.OpenHandCursor)
        else:
            self.unsetCursor()

    def wheelEvent(self, ev: object, axis: int | None = None) -> None:
        """The strip shows all of time: the wheel does not zoom it."""
        ev.ignore()  # type: ignore[attr-defined]


class OverviewStrip(pg.PlotWidget):
    """A thin density plot whose region mirrors and drives the main view's x range."""

    _built = False  # until __init__ is done (pyqtgraph sends a palette change while building)

    # Where (viewport coordinates) a context menu was asked for, and whether from the keyboard.
    context_menu_requested = Signal(QPoint, bool)

    def __init__(self, main_view: pg.ViewBox, parent: QWidget | None = None) -> None:
        view_box = OverviewViewBox()
        super().__init__(parent, viewBox=view_box, axisItems={"bottom": CalendarAxisItem("bottom")})
        self.view_box = view_box
        self.setObjectName("overviewStrip")
        self.setAccessibleName("Overview")
        self.setAccessibleDescription("How many events there are over the whole time of the folder, "
                                      "and which part the timeline shows")
        self._main_view = main_view
        self.setFixedHeight(STRIP_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.hideAxis("left")
        unlink_hidden_axes(self)
        self.hideButtons()  # pyqtgraph's "A" (auto-range) button: the strip always shows all of time
        self.setMenuEnabled(False)
        self.getAxis("bottom").setStyle(tickTextOffset=2)
        self.curve = pg.PlotCurveItem(x=[0.0, 1.0], y=[0.0], stepMode="center", fillLevel=0)
        # Drawn once into a pixmap, until the data or the strip's size changes: every pan or zoom
        # of the timeline moves the region over it, and filling the curve's path took a
        # millisecond of each of those frames.
        self.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.addItem(self.curve)
        # Not movable by pyqtgraph: OverviewViewBox moves it (see the module's docstring).
        self.region = pg.LinearRegionItem(movable=False)
        # The strip's view box moves and resizes the region (OverviewViewBox): the region and its
        # edge lines take no mouse button themselves.
        for item in (self.region, *self.region.lines):
            item.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.region.setZValue(10)
        self.addItem(self.region)
        self.view_box.region = self.region
        self._built = True
        self._apply_palette()
        self._syncing = False
        # The main view's range, and the (maybe widened) region shown for it.
        self._view_range: tuple[float, float] | None = None
        self._shown_region: tuple[float, float] | None = None
        self.region.sigRegionChanged.connect(self._on_region_changed)
        self.region.sigRegionChangeFinished.connect(self._on_region_changed)  # a drag's last step
        main_view.sigXRangeChanged.connect(self._on_main_range_changed)
        self.getViewBox().sigResized.connect(self._on_strip_resized)
        self.setToolTip("Event density over the whole folder. Drag the highlighted region to pan, "
                        "drag its edges to zoom, click elsewhere to go there.")

    def changeEvent(self, ev: QEvent) -> None:
        """Follow the palette: the system switched between light and dark."""
        super().changeEvent(ev)
        if ev.type() == QEvent.Type.PaletteChange and self._built:
            self._apply_palette()

    def _apply_palette(self) -> None:
        """Background, axis, curve and region in the palette's colours."""
        palette = self.palette()
        colours = timeline_colours(palette.color(QPalette.ColorRole.Base).name(),
                                   palette.color(QPalette.ColorRole.Text).name())
        self.setBackground(QColor(colours.background))
        axis = self.getAxis("bottom")
        axis.setPen(pg.mkPen(colours.muted))
        axis.setTextPen(pg.mkPen(colours.text))
        curve = QColor(colours.coverage)
        self.curve.setPen(pg.mkPen(curve))
        curve.setAlpha(CURVE_FILL_ALPHA)
        self.curve.setBrush(pg.mkBrush(curve))
        # The region in the highlight colour of the timeline's source rings: "this part".
        edge = QColor(colours.highlight) if colours.dark else QColor(colours.highlight).darker(135)
        fill = QColor(colours.highlight)
        fill.setAlpha(REGION_ALPHA)
        self.region.setBrush(pg.mkBrush(fill))
        for line in self.region.lines:
            line.setPen(pg.mkPen(edge, width=2))

    def set_layout(self, layout: TimelineLayout) -> None:
        """Show the density of another layout's events."""
        x_range = layout.x_range
        if x_range is None:
            # No dated events: an empty strip over the same years as the timeline.
            lo, hi = self._main_view.viewRange()[0]
            self.curve.setData([lo, hi], [0.0])
            self.setXRange(lo, hi, padding=0)
            return
        x0, x1 = x_range
        span = max(x1 - x0, 30.0)
        lo, hi = x0 - span * 0.03, x1 + span * 0.12
        # Each event counts at its middle; a century bar is one event, not a wall.
        centres = (layout.x0 + layout.x1) / 2
        counts, edges = np.histogram(centres, bins=BINS, range=(lo, hi))
        heights = np.sqrt(counts)  # square root: one event stays visible beside a thousand
        self.curve.setData(edges, heights)
        self.setXRange(lo, hi, padding=0)
        self.setYRange(0, max(float(heights.max()), 1.0) * 1.05, padding=0)
        self.region.setBounds((lo - span, hi + span))
        self.view_box.region_bounds = (lo - span, hi + span)
        self._on_main_range_changed(self._main_view, self._main_view.viewRange()[0])

    def region_for(self, lo: float, hi: float) -> tuple[float, float]:
        """The region drawn for a main view of ``[lo, hi]``: at least ``MIN_REGION_PX`` wide, same centre."""
        (s0, s1), width_px = self.getViewBox().viewRange()[0], self.getViewBox().width()
        if width_px <= 0 or s1 <= s0:
            return lo, hi
        least = MIN_REGION_PX * (s1 - s0) / width_px
        if hi - lo >= least:
            return lo, hi
        centre = (lo + hi) / 2
        return centre - least / 2, centre + least / 2

    def _on_region_changed(self) -> None:
        if self._syncing:
            return
        lo, hi = self.region.getRegion()
        if hi - lo <= 0:
            return
        shown, view = self._shown_region, self._view_range
        if shown is not None and view is not None and math.isclose(hi - lo, shown[1] - shown[0], rel_tol=1e-9):
            # The region was dragged, not resized: pan by as much, keeping the main view's zoom
            # (the region may be drawn wider than the view).
            shift = (lo + hi) / 2 - (shown[0] + shown[1]) / 2
            lo, hi = view[0] + shift, view[1] + shift
        self._syncing = True
        try:
            self._main_view.setXRange(lo, hi, padding=0)
        finally:
            self._syncing = False
        x0, x1 = self._main_view.viewRange()[0]
        self._view_range = (x0, x1)
        self._shown_region = self.region.getRegion()

    def _on_main_range_changed(self, view: pg.ViewBox, x_range: Sequence[float]) -> None:
        if self._syncing:
            return
        lo, hi = float(x_range[0]), float(x_range[1])
        self._view_range = (lo, hi)
        self._syncing = True
        try:
            self.region.setRegion(self.region_for(lo, hi))
        finally:
            self._syncing = False
        self._shown_region = self.region.getRegion()

    def _on_strip_resized(self) -> None:
        """Keep the region at least ``MIN_REGION_PX`` wide at the strip's new width."""
        if self._view_range is not None:
            self._on_main_range_changed(self._main_view, self._view_range)

    def contextMenuEvent(self, ev: QContextMenuEvent) -> None:
        """The timeline's menu (it connects to ``context_menu_requested``), never pyqtgraph's."""
        ev.accept()
        keyboard = ev.reason() == QContextMenuEvent.Reason.Keyboard
        self.context_menu_requested.emit(self.viewport().mapFrom(self, ev.pos()), keyboard)

    def mouseDoubleClickEvent(self, ev: QMouseEvent) -> None:
        """Ignore: the strip is not a place to zoom."""
        ev.accept()

