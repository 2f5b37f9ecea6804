"""``--export-image``: a figure of a folder's timeline as PNG, SVG or PDF, without a window.

The figure is drawn by ``viewer.ui.figure`` (the same renderer as File →
Export Figure… and Print…), not grabbed from a widget: no window is built,
and the picture carries no scroll bar, hint or half-cut lane.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from viewer.model import Library, Story

__all__ = ["export_figure"]


def export_figure(library: Library, stories: Sequence[Story], out: Path, title: str | None = None,
                  first: int | None = None, last: int | None = None) -> int:
    """Draw ``stories`` of ``library`` to ``out`` (its suffix says the format).

    Args:
        library: the loaded folder (its name is the default title).
        stories: the lanes, in order.
        out: a ``.png``, ``.svg`` or ``.pdf`` path.
        title: the figure's title; the folder's name if None.
        first, last: the days (proleptic ordinals) the axis spans; the stories' own range if None.

    Returns:
        The process exit code: 0, or 1 when the file could not be written.
    """
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    # A QGuiApplication is enough to paint and measure text: no widgets are made.
    from PySide6.QtGui import QGuiApplication

    from viewer.ui.figure import FigureRequest, save_figure

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    del app  # it only has to exist while painting
    name = title if title else (library.folder.resolve().name or str(library.folder))
    try:
        ok, figure = save_figure(FigureRequest(stories, name, first, last), out)
    except OSError as error:
        print(f"timeline-viewer: could not write {out}: {error.strerror or error}", file=sys.stderr)
        return 1
    if not ok:
        print(f"timeline-viewer: could not write {out}", file=sys.stderr)
        return 1
    notes = [f"{len(figure.lanes):,} stories", f"{figure.event_count:,} events"]
    if figure.left_out:
        notes.append(f"{figure.left_out:,} more stories left out (too tall for one image: use .pdf)")
    if library.problems:
        notes.append(f"{len(library.problems):,} problems")
    print(f"wrote {out} ({', '.join(notes)})", file=sys.stderr)
    return 0
