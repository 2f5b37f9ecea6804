"""The time axis of the timeline: pyqtgraph's ``AxisItem`` over day ordinals.

Only the glue to pyqtgraph lives here; which ticks to show and their labels
are computed in ``viewer.core.ticks`` (pure Python, tested without Qt).
"""

from __future__ import annotations

import pyqtgraph as pg

from viewer.core.ticks import TickLevel, choose_levels, tick_label, tick_ordinals


class CalendarAxisItem(pg.AxisItem):
    """Bottom axis labelling day ordinals as centuries down to days."""

    def __init__(self, orientation: str = "bottom", **kwargs: object) -> None:
        super().__init__(orientation, **kwargs)
        self._level_by_spacing: dict[float, TickLevel] = {}

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list[tuple[float, list[float]]]:
        """Major and minor ticks for the visible range ``[minVal, maxVal]`` over ``size`` pixels."""
        if size <= 0 or maxVal <= minVal:
            return []
        major, minor = choose_levels((maxVal - minVal) / size)
        self._level_by_spacing = {major.approx_days: major}
        result = [(major.approx_days, tick_ordinals(major, minVal, maxVal))]
        if minor is not None:
            self._level_by_spacing[minor.approx_days] = minor
            result.append((minor.approx_days, tick_ordinals(minor, minVal, maxVal)))
        return result

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        """Labels for the ticks pyqtgraph asks for (only majors get text)."""
        level = self._level_by_spacing.get(spacing)
        if level is None:
            return ["" for _ in values]
        return [tick_label(v, level) for v in values]
