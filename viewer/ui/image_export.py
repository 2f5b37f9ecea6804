"""Render the timeline to PNG or SVG, from the window or headless from the command line."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QWidget

EXPORT_WIDTH = 1800
ROW_PX = 26


def render_widget(widget: QWidget, out: Path) -> bool:
    """Save what ``widget`` shows as PNG (pixels) or SVG (vectors, with an image for dense parts).

    Returns:
        True when the file was written.
    """
    if out.suffix.lower() == ".svg":
        from PySide6.QtCore import QPoint, QRect, QSize
        from PySide6.QtGui import QPainter
        from PySide6.QtSvg import QSvgGenerator

        generator = QSvgGenerator()
        generator.setFileName(str(out))
        generator.setSize(QSize(widget.width(), widget.height()))
        generator.setViewBox(QRect(0, 0, widget.width(), widget.height()))
        generator.setTitle("Timeline")
        painter = QPainter(generator)
        try:
            widget.render(painter, QPoint(0, 0))
        finally:
            painter.end()
        return out.exists() and out.stat().st_size > 0
    return widget.grab().save(str(out))


def export_folder_image(folder: Path, out: Path) -> int:
    """``--export-image``: load a folder and render its timeline zoomed to fit, no window shown.

    Returns:
        The process exit code.
    """
    if sys.platform.startswith("linux") and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from viewer.core.state import AppState
    from viewer.model import load_folder
    from viewer.model.pool import ParsePool
    from viewer.ui.app import configure_application
    from viewer.ui.timeline.view import TimelineWidget

    app = QApplication.instance() or QApplication([sys.argv[0]])
    configure_application(app)
    with ParsePool() as pool:
        library = load_folder(folder, pool=pool)
    state = AppState()
    widget = TimelineWidget(state)
    state.set_library(library)
    rows = widget.timeline_layout.row_count
    height = min(max(360, 90 + rows * ROW_PX), 4000)
    widget.resize(EXPORT_WIDTH, height)
    widget.zoom_to_fit(all_rows=True)
    widget.ensurePolished()
    app.processEvents()
    ok = render_widget(widget, out)
    if not ok:
        print(f"timeline-viewer: could not write {out}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({len(library.stories)} stories, {library.event_count} events, "
          f"{len(library.problems)} problems)", file=sys.stderr)
    return 0
