"""The overview strip: event density over the whole folder and the current view.

A histogram of event starts (one pyqtgraph curve, filled) with the main
timeline's visible range as a ``LinearRegionItem``. Dragging or resizing the
region pans and zooms the timeline; panning the timeline moves the region.

Zoomed far in, the visible range is a sliver of the strip: the region is then
drawn ``MIN_REGION_PX`` wide about the view's centre, so it stays visible and
can be grabbed, and dragging it pans without zooming the timeline out.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QSizePolicy

from viewer.core.layout import TimelineLayout
from viewer.ui.timeline.axis import CalendarAxisItem

if TYPE_CHECKING:
    from collections.abc import Sequence

    from PySide6.QtGui import QMouseEvent
    from PySide6.QtWidgets import QWidget

BINS = 400
STRIP_HEIGHT = 78
MIN_REGION_PX = 6.0  # the region is never drawn narrower than this


class OverviewStrip(pg.PlotWidget):
    """A thin density plot whose region mirrors and drives the main view's x range."""

    def __init__(self, main_view: pg.ViewBox, parent: QWidget | None = None) -> None:
        super().__init__(parent, background="w", axisItems={"bottom": CalendarAxisItem("bottom")})
        self.setObjectName("overviewStrip")
        self._main_view = main_view
        self.setFixedHeight(STRIP_HEIGHT)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.hideAxis("left")
        self.setMenuEnabled(False)
        self.setMouseEnabled(x=False, y=False)
        self.getAxis("bottom").setPen(pg.mkPen("#999999"))
        self.getAxis("bottom").setTextPen(pg.mkPen("#555555"))
        self.getAxis("bottom").setStyle(tickTextOffset=2)
        self.curve = pg.PlotCurveItem(x=[0.0, 1.0], y=[0.0], stepMode="center", fillLevel=0,
                                      brush=pg.mkBrush(74, 111, 165, 110), pen=pg.mkPen(74, 111, 165, 200))
        self.addItem(self.curve)
        self.region = pg.LinearRegionItem(brush=pg.mkBrush(255, 176, 0, 45),
                                          pen=pg.mkPen(200, 120, 0, 220, width=2))
        self.region.setZValue(10)
        self.addItem(self.region)
        self._syncing = False
        # The main view's range, and the (maybe widened) region shown for it.
        self._view_range: tuple[float, float] | None = None
        self._shown_region: tuple[float, float] | None = None
        self.region.sigRegionChanged.connect(self._on_region_changed)
        self.region.sigRegionChangeFinished.connect(self._on_region_changed)  # a drag's last step
        main_view.sigXRangeChanged.connect(self._on_main_range_changed)
        self.getViewBox().sigResized.connect(self._on_strip_resized)
        self.setToolTip("Event density over the whole folder. Drag the highlighted region to pan, "
                        "drag its edges to zoom.")

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

    def mouseDoubleClickEvent(self, ev: QMouseEvent) -> None:
        """Ignore: the strip is not a place to zoom."""
        ev.accept()

