"""The timeline before AD 1 and dates whose year was assumed, as drawn (issue 9)."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication

from tests.conftest import library_of, story_text
from tests.ui.test_axis import drawn_labels
from viewer.model.story import make_day
from viewer.ui.detail_pane import event_html

pytestmark = pytest.mark.gui

HAN = ["221–207 BCE", "206 BC – 9 AD", "141 BCE - 87 BCE", "Mar 202 BCE", "9–23 CE", "58-75 AD", "105 AD", "220 AD"]


def bc(year: int, month: int = 1, day: int = 1) -> int:
    return make_day(1 - year, month, day).toordinal()


def labels_between(widget, first: float, last: float) -> list[str]:
    widget.view_box.setXRange(first, last, padding=0)
    widget.grab()
    QApplication.processEvents()
    widget.grab()
    return [text for _, _, text in drawn_labels(widget.axis)]


def test_the_axis_labels_bc_years_and_pans_across_the_era_boundary(timeline):
    selection, widget = timeline
    selection.set_library(library_of({"han.txt": story_text("The Han dynasty", HAN)}))
    # Zoomed out to centuries: each tick names the century it starts, as a reader writes it.
    labels = labels_between(widget, bc(260), make_day(260, 1, 1).toordinal())
    assert labels == ["2nd century BC", "1st century BC", "1st century", "2nd century", "3rd century"]
    # Pan step by step from 300 BC to AD 100 at a year's zoom: the labels stay in order, and say BC where they are.
    width = 40 * 365.2425
    for left in np.arange(bc(300), make_day(100, 1, 1).toordinal(), width / 5):
        texts = labels_between(widget, left, left + width)
        years = [-int(t.split()[0].replace(",", "")) if t.endswith("BC") else int(t) for t in texts]
        assert texts and years == sorted(years)
    # Zoomed in to days of 44 BC: months and days with the BC year in full.
    texts = labels_between(widget, bc(44, 3, 10), bc(44, 3, 20))
    assert any(t.endswith("44 BC") for t in texts) and any(t.startswith("Mar 1") for t in texts)


def test_the_events_item_stays_drawn_at_the_deepest_zoom_in_deep_time(timeline):
    selection, widget = timeline
    selection.set_library(library_of({"a.txt": story_text("Ides", ["15 March 44 BC", "10,000 BC", "2026"])}))
    day = bc(44, 3, 15)
    widget.view_box.setXRange(day - 1, day + 3, padding=0)
    image = widget.plot.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert widget.events_item.boundingRect().width() < 100  # the item follows the view, not all of time
    row = widget.timeline_layout.row[0] + 0.5

    def colour_at(x: float) -> int:
        point = widget.plot.mapFromScene(widget.view_box.mapViewToScene(QPointF(x, row)))
        return image.pixel(point.x(), point.y())

    assert colour_at(day + 0.5) != colour_at(day - 0.5)  # the day's mark is painted on its lane


def test_a_year_assumed_from_its_neighbours_is_hollow_and_the_detail_pane_says_so(timeline):
    selection, widget = timeline
    text = story_text("Talks", ["Dec 30, 2019", "Jan 2", "Jan 6, 2020"])
    selection.set_library(library_of({"a.txt": text}))
    story = selection.library.stories[0]
    assumed, written = story.events[1], story.events[2]
    assert assumed.year_inferred and not written.year_inferred
    layout = widget.timeline_layout
    first = layout.x0.min()
    widget.view_box.setRange(xRange=(first - 2, first + 10), padding=0)
    image = widget.plot.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)

    def centre_colour(index: int) -> int:
        x = (layout.x0[index] + layout.x1[index]) / 2
        point = widget.plot.mapFromScene(widget.view_box.mapViewToScene(QPointF(x, layout.row[index] + 0.5)))
        return image.pixel(point.x(), point.y())

    by_event = {int(layout.event[i]): i for i in range(len(layout.x0))}

    def lane_colour() -> int:  # between the assumed event and the next, off any grid line
        x = layout.x1[by_event[1]] + 0.3
        point = widget.plot.mapFromScene(widget.view_box.mapViewToScene(QPointF(x, layout.row[0] + 0.5)))
        return image.pixel(point.x(), point.y())

    assert centre_colour(by_event[2]) != lane_colour()  # written: a filled bar
    assert centre_colour(by_event[1]) == lane_colour()  # assumed: a hollow one
    # Zoomed out, where days are diamonds, the assumed one is hollow too.
    widget.view_box.setRange(xRange=(first - 60, first + 60), padding=0)
    image = widget.plot.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert centre_colour(by_event[2]) != lane_colour()
    assert centre_colour(by_event[1]) == lane_colour()
    html = event_html(story, assumed)
    assert "year assumed from the neighbouring events" in html
    assert "year assumed" not in event_html(story, written)
