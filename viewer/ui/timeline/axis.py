"""The time axis of the timeline: pyqtgraph's ``AxisItem`` over day ordinals.

Only the glue to pyqtgraph lives here; which ticks to show and their labels
are computed in ``viewer.core.ticks`` (pure Python, tested without Qt). The
glue measures the labels with the axis font, so that ticks are as far apart
as their widest label needs, and tells the core which tick's label is the
first one drawn (it reads in full, with the year).
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetricsF

from viewer.core.ticks import (
    MIN_ORDINAL,
    TickLevel,
    choose_levels,
    first_full_label,
    label_spacing,
    tick_labels,
    tick_ordinals,
)
from viewer.model.story import day_from_ordinal

# The gap between two neighbouring labels, in lines of the axis font.
LABEL_GAP_LINES = 1.5


class CalendarAxisItem(pg.AxisItem):
    """Bottom axis labelling day ordinals as centuries down to days."""

    def __init__(self, orientation: str = "bottom", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        # Only the majors have labels (tickStrings): pyqtgraph need not measure and lay out the
        # minors' empty ones every frame.
        self.setStyle(maxTextLevel=0)
        # Days have no SI prefix: without this, every range change sets the (empty) axis title's
        # HTML again and resizes the axis.
        self.enableAutoSIPrefix(False)
        # Labels of the ticks last asked for, by tick spacing then ordinal (majors only).
        self._labels_by_spacing: dict[float, dict[float, str]] = {}
        # The least spacing of each level, by font (its key) and how many digits
        # the earliest BC year in view has (0: none), measured once.
        self._spacing_by_font: dict[tuple[str, int], dict[TickLevel, float]] = {}

    def tick_font(self) -> QFont:
        """The font the tick labels are drawn with (pyqtgraph paints with the application's by default)."""
        font = self.style["tickFont"]
        return QFont(font) if font is not None else QFont()

    def label_spacing(self, level: TickLevel) -> float:
        """The least distance in pixels between two ticks of ``level``: its widest label plus a gap.

        Labels before AD 1 are longer ("206 BC"): a view that reaches back
        there spaces its ticks for them, and both the axis and the grid lines
        (which ask this too) see the same view.
        """
        font = self.tick_font()
        earliest = self._view_left()
        digits = len(str(1 - day_from_ordinal(max(MIN_ORDINAL, math.floor(earliest))).year)) if earliest < 1 else 0
        by_level = self._spacing_by_font.setdefault((font.key(), digits), {})
        if level not in by_level:
            metrics = QFontMetricsF(font)
            by_level[level] = label_spacing(level, metrics.horizontalAdvance, metrics.height() * LABEL_GAP_LINES,
                                            earliest if earliest < 1 else None)
        return by_level[level]

    def _view_left(self) -> float:
        """The day at the left edge of the linked view (1, AD 1, when there is none yet)."""
        view = self.linkedView()
        if view is None:
            return 1.0
        return float(view.viewRange()[0][0])

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        """Major and minor ticks for the visible range ``[minVal, maxVal]`` over ``size`` pixels."""
        self._labels_by_spacing = {}
        if size <= 0 or maxVal <= minVal:
            return []
        major, minor = choose_levels((maxVal - minVal) / size, self.label_spacing)
        ticks = tick_ordinals(major, minVal, maxVal)
        first = first_full_label(ticks, major, minVal, maxVal, size, QFontMetricsF(self.tick_font()).horizontalAdvance)
        self._labels_by_spacing[major.approx_days] = dict(zip(ticks, tick_labels(ticks, major, first), strict=True))
        result = [(major.approx_days, ticks)]
        if minor is not None:
            result.append((minor.approx_days, tick_ordinals(minor, minVal, maxVal)))
        return result

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Labels for the ticks pyqtgraph asks for: only majors get text, so none overlap."""
        labels = self._labels_by_spacing.get(spacing, {})
        return [labels.get(v, "") for v in values]


def unlink_hidden_axes(plot: pg.PlotWidget) -> None:
    """Detach the axes a plot keeps hidden from its view.

    pyqtgraph makes all four; hidden ones still follow the view, laying out
    their (empty) titles again at every pan and zoom step.
    """
    for name in ("left", "top", "right"):
        axis = plot.getAxis(name)
        if not axis.isVisible():
            axis.unlinkFromView()
