"""Regenerate resources/screenshot.png and screenshot-dark.png, the README's pictures of the main window.

Run from the repository root, with the app installed (``pip install -e .``)::

    .venv/bin/python resources/make_screenshot.py [--query moon] [--match 3] [--scheme light|dark|both]

Opens the bundled sample stories (``seeds/``) in the main window, drawn
offscreen (no display needed), with settings of its own in a temporary folder
(not the user's); searches as Edit → Find does; selects a match as Enter and
Find Next do (by default the third matching event of "moon": Apollo 11's landing);
zooms the timeline out to the years of the matching events; and saves
``window.grab()``: the search field and its results, the matched events in
colour and the others faded, the selected match in the detail pane, the
Stories dock on the left. The same sources give the same PNG, byte for byte.

Each colour scheme is asked of the system as the app follows it
(``QStyleHints.setColorScheme``, Qt 6.8+); where the platform ignores the
request (the offscreen one does), the app's own dark palette stands in, as it
does for a reader whose platform reports a dark scheme with a light palette.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
OUT = {"light": ROOT / "resources" / "screenshot.png", "dark": ROOT / "resources" / "screenshot-dark.png"}

WINDOW_SIZE = (1440, 900)
STORIES_DOCK_WIDTH = 440
RESULTS_DOCK_WIDTH = 290  # px
BOTTOM_HEIGHT = 300  # px: the detail pane and the citations under the timeline
MARGIN = 0.5  # of the matched events' time span, on each side of it


def _wait(what: str, condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Run Qt's event loop until ``condition()`` holds."""
    from PySide6.QtTest import QTest

    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            sys.exit(f"timed out waiting for {what}")
        QTest.qWait(20)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--query", default="moon", help="what to type in the search field (default: moon)")
    parser.add_argument("--match", type=int, default=3,
                        help="which matching event to select: 1 is Enter, 2 Enter and Find Next, ... (default: 3)")
    parser.add_argument("--scheme", choices=("light", "dark", "both"), default="both",
                        help="the colour scheme(s) to draw (default: both)")
    parser.add_argument("--out", type=Path, default=None,
                        help=f"the PNG to write, for one scheme (default: {OUT['light']} and {OUT['dark']})")
    args = parser.parse_args(argv)
    schemes = ("light", "dark") if args.scheme == "both" else (args.scheme,)
    if args.out is not None and len(schemes) > 1:
        parser.error("--out needs --scheme light or --scheme dark")

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from viewer.ui.app import ColourSchemeFollower

    app = QApplication.instance() or QApplication([sys.argv[0]])
    app.setCursorFlashTime(0)  # a text cursor that does not blink: drawn in every grab
    assert isinstance(app, QApplication)
    follower = ColourSchemeFollower(app)
    for name in schemes:
        scheme = Qt.ColorScheme.Dark if name == "dark" else Qt.ColorScheme.Light
        app.styleHints().setColorScheme(scheme)
        follower.apply(scheme)
        out = args.out if args.out is not None else OUT[name]
        image = _window_image(app, args.query, args.match)
        if not image.save(str(out), "PNG"):
            sys.exit(f"could not write {out}")
        print(f"{out}: {image.width()}x{image.height()}, {name}, query {args.query!r}")
    return 0


def _window_image(app: QApplication, query: str, match: int) -> QImage:
    """The main window on the samples, searched for ``query``, its ``match``-th match selected."""
    from PySide6.QtCore import QSettings, Qt
    from PySide6.QtWidgets import QToolButton

    from viewer.core.layout import range_showing
    from viewer.ui.main_window import MainWindow

    with tempfile.TemporaryDirectory() as home:
        settings = QSettings(str(Path(home) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings)
        window.resize(*WINDOW_SIZE)
        window.show()
        loaded: list[bool] = []
        window.loader.loaded.connect(lambda *_: loaded.append(True))
        window.open_folder(SEEDS)
        _wait("the sample stories to load", lambda: bool(loaded))
        _wait("the folder to be followed (Live in the status bar)", lambda: window.live_label.text().startswith("Live"))

        # Edit → Find (which shows the results dock), then the docks' and the
        # panes' sizes, then the query, as typed: the selected match is
        # brought into view in the final layout.
        window.find_action.trigger()
        window.resizeDocks([window.stories_dock, window.search_dock], [STORIES_DOCK_WIDTH, RESULTS_DOCK_WIDTH],
                           Qt.Orientation.Horizontal)
        total = sum(window.main_splitter.sizes())
        window.main_splitter.setSizes([total - BOTTOM_HEIGHT, BOTTOM_HEIGHT])
        app.processEvents()
        window.search_field.setText(query)
        _wait(f"the matches of {query!r}",
              lambda: window.state.search is not None and window.state.search.query == query)
        result = window.state.search
        assert result is not None
        hits = result.hits()
        if not any(hit.event is not None for hit in hits):
            sys.exit(f"{query!r} matches no event in {SEEDS}")
        events = sum(hit.event is not None for hit in hits)  # Enter and Find Next go to events only
        if not 1 <= match <= events:
            sys.exit(f"{query!r} matches {events} events: no match {match}")
        for _ in range(match):  # Enter, then Find Next
            window.go_to_match(1)
        app.processEvents()

        # Then the time around the matched events, as a reader would zoom out
        # to them (each Find Next zooms in as far as its match needs, and
        # never out again), narrowed by the app's own rule if the selected
        # event would be drawn inside a cluster there.
        timeline = window.timeline
        layout = timeline.timeline_layout
        found = [layout.index_of(hit.file, hit.event) for hit in hits if hit.event is not None]
        first = min(float(layout.x0[i]) for i in found if i is not None)
        last = max(float(layout.x1[i]) for i in found if i is not None)
        margin = max((last - first) * MARGIN, 365.0)
        wanted = (first - margin, last + margin)
        ref = window.state.event_ref
        selected = layout.index_of(ref.file, ref.index) if ref is not None else None
        if selected is not None:
            wanted = range_showing(layout, selected, wanted, timeline.view_box.width())
        timeline.view_box.setXRange(*wanted, padding=0)

        # The search field's clear button fades in (a Qt animation): until it
        # is opaque, then until two grabs are alike.
        def clear_button_shown() -> bool:
            opacities = [button.property("opacity") for button in window.search_field.findChildren(QToolButton)]
            return all(opacity is None or opacity >= 1.0 for opacity in opacities)

        _wait("the search field's clear button", clear_button_shown)
        grabs = [window.grab().toImage()]

        def settled() -> bool:
            grabs.append(window.grab().toImage())
            return grabs[-1] == grabs[-2]

        _wait("the window to settle", settled)
        image = grabs[-1]
        window.close()
        app.processEvents()
    return image


if __name__ == "__main__":
    sys.exit(main())
