"""Frame times as the user gets them: the range change, the paint it causes, and the flush, timed together.

Run: ``python tests/benchmarks/bench_frames.py [--files 10000] [--million] [--folder DIR]``.

A frame here is ``view.setRange(...)`` (what a drag or a wheel step does),
then ``processEvents()`` until the event queue is quiet, which runs the
paint that the range change scheduled and flushes it to the (offscreen)
window, all inside one clock. The paints of the timeline's viewport are
counted by an event filter: a frame should paint once. Measured in the main
window at 1600 × 1000, as the app shows it:

- pans (a drag: 1 % of the view per frame) and zoom steps (one wheel notch,
  ×1.35 in or out about the middle), separately;
- the whole range (every row, the dense coverage image) and a one-year
  window over the first 60 rows (each event drawn, with labels);
- at the events of a synthetic folder (``--files`` × 10 events) and, with
  ``--million``, at 1,000,000 events (arrays built directly);
- beside the same frames of an empty ``pg.PlotWidget`` of the plot's size
  (in the table's last column: what pyqtgraph and Qt cost a frame here with
  nothing to draw) and of a ``pg.ScatterPlotItem`` of the same points (its
  whole range).

Figures are printed, never asserted. The load average is printed with
them: on a shared machine, take them when it is low. Each frame's CPU time
(``time.process_time``, this process's own work) is printed beside its wall
time: it is what the frame costs here even while other processes hold the
cores, when the wall time also counts waiting for one.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QObject  # noqa: E402

PAN = 0.01  # of the view's width, per frame: a brisk drag
ZOOM = 1.35  # one wheel notch (pyqtgraph: 1.02 ** (120 / 8))
FRAMES = 40


class PaintCounter(QObject):
    """Counts the paint events a widget receives."""

    def __init__(self, widget) -> None:
        super().__init__()
        self.count = 0
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


class Frames:
    """Milliseconds and paint counts of frames."""

    def __init__(self) -> None:
        self.ms: list[float] = []
        self.cpu_ms: list[float] = []
        self.paints: list[int] = []

    def brief(self) -> str:
        """Median and max wall time."""
        return f"median {statistics.median(self.ms):.1f} ms, max {max(self.ms):.1f} ms"

    def summary(self) -> str:
        paints = sorted(set(self.paints))
        per_frame = "/".join(map(str, paints))
        return (f"median {statistics.median(self.ms):.1f} ms, max {max(self.ms):.1f} ms "
                f"(CPU median {statistics.median(self.cpu_ms):.1f} ms, max {max(self.cpu_ms):.1f} ms), "
                f"{per_frame} paint{'s' if paints != [1] else ''} per frame")


def quiet(app) -> None:
    """Run the event loop until nothing is pending (a few passes: one pass may post work for the next)."""
    for _ in range(3):
        app.processEvents()


def frames(app, counter: PaintCounter, move: Callable[[int], None], n: int = FRAMES) -> Frames:
    """Time ``n`` frames: ``move(i)``, then the event processing that paints, to a quiet queue."""
    out = Frames()
    quiet(app)
    for i in range(n):
        before = counter.count
        start, cpu = time.perf_counter(), time.process_time()
        move(i)
        quiet(app)
        out.ms.append((time.perf_counter() - start) * 1000)
        out.cpu_ms.append((time.process_time() - cpu) * 1000)
        out.paints.append(counter.count - before)
    return out


def pans(view, x0: float, x1: float, y0: float, y1: float) -> Callable[[int], None]:
    """A drag to the right and back: ``PAN`` of the width a frame."""
    step = (x1 - x0) * PAN

    def move(i: int) -> None:
        k = (i + 1) % 20  # never the start: every frame moves
        shift = (k if k < 10 else 20 - k) * step
        view.setRange(xRange=(x0 + shift, x1 + shift), yRange=(y0, y1), padding=0)
    return move


def zooms(view, x0: float, x1: float, y0: float, y1: float) -> Callable[[int], None]:
    """Wheel notches in, then out again, about the view's middle (each step a new scale)."""
    mid, half = (x0 + x1) / 2, (x1 - x0) / 2

    def move(i: int) -> None:
        k = i % 8
        level = k if k < 4 else 8 - k  # 0 1 2 3 4 3 2 1: in four notches, out four
        h = half / ZOOM ** (level + 1)
        view.setRange(xRange=(mid - h, mid + h), yRange=(y0, y1), padding=0)
    return move


def load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def million_layout(stories):
    """1,000,000 events over 1900–2026 in 100,000 rows of 10,000 lanes, built as arrays."""
    import numpy as np

    from viewer.core.layout import TimelineLayout

    rng = np.random.default_rng(7)
    n = 1_000_000
    starts = np.sort(rng.uniform(693596, 739654, n))
    lengths = np.where(rng.random(n) < 0.6, 1.0, rng.choice([30.0, 120.0, 365.0, 3652.0], n))
    big = TimelineLayout()
    big.x0 = starts
    big.x1 = starts + lengths
    big.end_max = np.maximum.accumulate(big.x1)
    big.row = rng.integers(0, 100_000, n).astype(np.int32)
    big.precision = np.where(lengths == 1.0, 0, 3).astype(np.int8)
    big.story = (big.row // 10).astype(np.int32)
    big.event = np.zeros(n, dtype=np.int32)
    big.lane_row = np.arange(0, 100_000, 10, dtype=np.int32)
    big.lane_rows = np.full(10_000, 10, dtype=np.int32)
    big.stories = stories[:1] * 10_000
    return big


def show_layout(timeline, layout) -> None:
    """Put a layout built here (``million_layout``) on the timeline, rows and limits included.

    The view's limits must take its rows too: left at the folder's, the view
    would be held to the folder's rows and "all rows" would be a quarter of them.
    """
    timeline.events_item.set_layout(layout)
    timeline._layout = layout  # zoom_to_fit fits the layout on screen
    timeline.view_box.setLimits(yMin=-1, yMax=max(layout.row_count, 1) + 1)


def measure(app, window) -> dict[str, Frames]:
    """Pans and zoom steps, whole range and a one-year window, of the layout on screen."""
    timeline = window.timeline
    view = timeline.view_box
    counter = PaintCounter(timeline.plot.viewport())
    timeline.zoom_to_fit(all_rows=True)
    quiet(app)
    (x0, x1), (y0, y1) = view.viewRange()
    mid = (x0 + x1) / 2
    year = (mid, mid + 365.0, y0, min(y1, y0 + 60))
    out = {}
    for name, box in (("whole range", (x0, x1, y0, y1)), ("one-year window", year)):
        out[f"{name}, pans"] = frames(app, counter, pans(view, *box))
        out[f"{name}, zoom steps"] = frames(app, counter, zooms(view, *box))
    return out


def peers(app, layout, size=None) -> dict[str, Frames]:
    """The same frames for an empty plot and for a ScatterPlotItem of the same points (whole range).

    ``size`` (a ``QSize``): the plot area's size, the timeline's by default in ``main``; else 1600 × 800.
    """
    width, height = (size.width(), size.height()) if size is not None else (1600, 800)
    import pyqtgraph as pg

    out = {}
    empty = pg.PlotWidget()
    empty.resize(width, height)
    empty.show()
    quiet(app)
    counter = PaintCounter(empty.viewport())
    box = (0.0, 100.0, 0.0, 1.0)
    out["empty pg.PlotWidget, pans"] = frames(app, counter, pans(empty.getViewBox(), *box))
    out["empty pg.PlotWidget, zoom steps"] = frames(app, counter, zooms(empty.getViewBox(), *box))
    empty.close()

    scatter_widget = pg.PlotWidget()
    scatter_widget.resize(width, height)
    scatter_widget.show()
    scatter = pg.ScatterPlotItem(x=(layout.x0 + layout.x1) / 2, y=layout.row.astype(float), size=6,
                                 pen=None, brush=pg.mkBrush(0, 114, 178, 200))
    scatter_widget.addItem(scatter)
    view = scatter_widget.getViewBox()
    view.invertY(True)
    quiet(app)
    counter = PaintCounter(scatter_widget.viewport())
    box = (float(layout.x0.min()), float(layout.x1.max()), 0.0, float(layout.row.max() + 1))
    out["pg.ScatterPlotItem of the same points, pans"] = frames(app, counter, pans(view, *box), 10)
    out["pg.ScatterPlotItem of the same points, zoom steps"] = frames(app, counter, zooms(view, *box), 10)
    scatter_widget.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000, help="synthetic story files (10 events each)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folder", type=Path, help="use (or generate once into) this folder, not a temporary one")
    parser.add_argument("--million", action="store_true", help="also at 1,000,000 events")
    parser.add_argument("--no-peers", action="store_true", help="skip the empty plot and the ScatterPlotItem")
    args = parser.parse_args()

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from tests.benchmarks.synthetic import generate
    from viewer.model import load_folder
    from viewer.ui.main_window import MainWindow

    rows: list[tuple[str, str]] = []

    def report(name: str, value: str) -> None:
        rows.append((name, value))
        print(f"  {name}: {value}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        folder = args.folder or Path(tmp) / "stories"
        if not folder.exists():
            generate(folder, args.files, 10, args.seed)
        library = load_folder(folder)
        app = QApplication.instance() or QApplication([])
        window = MainWindow(QSettings(str(Path(tmp) / "f.ini"), QSettings.Format.IniFormat))
        window.resize(1600, 1000)
        window.show()
        window.state.set_library(library)
        quiet(app)
        plot = window.timeline.plot.viewport().size()
        print(f"{library.event_count:,} events in {len(library.stories):,} stories, plot {plot.width()} × "
              f"{plot.height()} px; {load_average()}", flush=True)
        label = f"{library.event_count:,} events"
        ours: list[tuple[str, Frames]] = []
        layout = window.timeline.timeline_layout
        for name, result in measure(app, window).items():
            ours.append((f"{label}, {name}", result))
            report(f"{label}, {name}", result.summary())
        if args.million:
            show_layout(window.timeline, million_layout(library.stories))
            for name, result in measure(app, window).items():
                ours.append((f"1,000,000 events, {name}", result))
                report(f"1,000,000 events, {name}", result.summary())
        others: dict[str, Frames] = {}
        if not args.no_peers:
            others = peers(app, layout, plot)
            for name, result in others.items():
                report(name.replace("the same points", f"the same {label}"), result.summary())
        window.close()
    print(f"\n{load_average()}\n")
    empty = {move: others.get(f"empty pg.PlotWidget, {move}") for move in ("pans", "zoom steps")}
    print(f"| frame (range change + paint + flush), plot {plot.width()} × {plot.height()} px | measured "
          "| an empty pg.PlotWidget of that size, the same moves |")
    print("|---|---|---|")
    for name, result in ours:
        beside = empty["pans" if name.endswith("pans") else "zoom steps"]
        print(f"| {name} | {result.summary()} | {beside.brief() if beside else '–'} |")
    for name, value in rows[len(ours):]:
        print(f"| {name} | {value} | |")


if __name__ == "__main__":
    main()
