"""All speed and memory figures in one table, each beside its target and baseline.

Run: ``python tests/benchmarks/run_benchmarks.py [--files 10000] [--seed 1]``.
Generates a repeatable synthetic folder (about 10 events a file, dates from
decades to days), then measures, offscreen, on this machine:

- folder → model, cold (no cache) vs reading + decoding the same files, and
  vs the same load in one thread (without the worker process pool);
- reopen from the model cache vs the cold load;
- launch → first paint with the timeline full vs importing PySide6 + pyqtgraph;
- repaint after a pan or zoom, whole range and a one-year window, vs an empty
  plot and a ``pg.ScatterPlotItem`` of the same points;
- one changed file → view updated vs a full reload;
- resident memory with the folder open vs an empty folder;
- repaint at 1,000,000 events (stretch);
- the longest GUI stall while opening and watching 100,000 small files, and
  the time to close (``bench_watch.py``; ``--stall-files`` sets how many).

Figures are printed, never asserted: the test suite has no timed tests.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.benchmarks.synthetic import generate  # noqa: E402
from viewer.model import dates, discover_story_files, load_folder  # noqa: E402
from viewer.model.cache import ModelCache  # noqa: E402
from viewer.model.decoding import decode_story_bytes  # noqa: E402
from viewer.model.pool import ParsePool  # noqa: E402

ROWS: list[tuple[str, str, str, str]] = []


def row(name: str, value: str, target: str, baseline: str) -> None:
    ROWS.append((name, value, target, baseline))
    print(f"  {name}: {value}  (target {target}; {baseline})", flush=True)


def best(runs: int, fn) -> float:
    return min(fn() for _ in range(runs))


def read_floor(folder: Path) -> float:
    files = discover_story_files(folder)
    start = time.perf_counter()
    for rel in files:
        with open(os.path.join(folder, rel), "rb") as handle:
            decode_story_bytes(handle.read())
    return time.perf_counter() - start


def timed_load(folder: Path, **kwargs) -> float:
    """Seconds for one ``load_folder``; freeing the library it returns is not counted.

    The previous library is freed and collected before the clock starts: the
    window, too, frees the old folder only after showing the new one.
    """
    gc.collect()
    start = time.perf_counter()
    library = load_folder(folder, **kwargs)
    elapsed = time.perf_counter() - start
    del library
    return elapsed


def cold_load(folder: Path, pool: ParsePool | None = None) -> float:
    dates._cache.clear()
    return timed_load(folder, pool=pool)


def cold_load_starting_pool(folder: Path) -> float:
    """A cold load whose worker processes start with it (a large folder as the first of a launch)."""
    with ParsePool() as pool:
        return cold_load(folder, pool)


def child(code: str, *args: str) -> str:
    """Run code in a fresh interpreter (a real cold start) and return its stdout."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True,
                            text=True, env=env, timeout=600)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return result.stdout.strip()


LAUNCH = """
    import sys, time
    t0 = float(sys.argv[1])
    from pathlib import Path
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    from viewer.model.cache import ModelCache
    from viewer.ui.app import configure_application
    from viewer.ui.main_window import MainWindow
    app = QApplication([])
    configure_application(app)
    from viewer.model.pool import ParsePool
    window = MainWindow(QSettings(sys.argv[3], QSettings.Format.IniFormat), cache=ModelCache(Path(sys.argv[4])),
                        pool=ParsePool())
    window.resize(1600, 1000)
    window.show()
    done = []
    def painted():
        window.timeline.plot.viewport().repaint()
        done.append(time.time() - t0)
        app.quit()
    window.state.library_changed.connect(painted)
    window.open_folder(Path(sys.argv[2]))
    app.exec()
    (x0, x1), (y0, y1) = window.timeline.view_box.viewRange()
    print(done[0], len(window.timeline.timeline_layout.visible_indices(x0, x1, y0, y1)))
"""


def first_paint_seconds(out: str) -> float:
    """The seconds a ``LAUNCH`` child took to its first paint, refused if no event was in view."""
    seconds, in_view = out.split()
    if int(in_view) == 0:
        raise RuntimeError("the first paint showed no event: the launch figure would not be of a full timeline")
    return float(seconds)


IMPORTS = """
    import sys, time
    t0 = float(sys.argv[1])
    import PySide6.QtWidgets, pyqtgraph
    print(time.time() - t0)
"""

MEMORY = """
    import sys
    from pathlib import Path
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    import multiprocessing
    from viewer.model.pool import ParsePool
    from viewer.ui.main_window import MainWindow
    app = QApplication([])
    window = MainWindow(QSettings(sys.argv[2], QSettings.Format.IniFormat), pool=ParsePool())
    window.resize(1600, 1000)
    window.show()

    def rss(pid):
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024

    def measure(library):
        window.timeline.plot.viewport().repaint()
        app.processEvents()
        workers = [rss(child.pid) for child in multiprocessing.active_children()]
        print(rss("self"), sum(workers))
        app.quit()

    window.loader.loaded.connect(measure)
    window.open_folder(Path(sys.argv[1]))
    app.exec()
"""


def repaint_times(app, viewport, moves, n: int = 40) -> list[float]:
    """Milliseconds per synchronous repaint after each pan or zoom."""
    times = []
    for i in range(n):
        moves(i)
        app.processEvents()
        start = time.perf_counter()
        viewport.repaint()
        times.append((time.perf_counter() - start) * 1000)
    return times


def paint_benchmarks(folder: Path, settings_dir: Path) -> None:
    import numpy as np
    import pyqtgraph as pg
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from viewer.core.layout import TimelineLayout
    from viewer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(QSettings(str(settings_dir / "p.ini"), QSettings.Format.IniFormat))
    window.resize(1600, 1000)
    window.show()
    library = load_folder(folder)
    window.state.set_library(library)
    timeline = window.timeline
    timeline.zoom_to_fit(all_rows=True)
    view = timeline.view_box
    viewport = timeline.plot.viewport()
    (x0, x1), (y0, y1) = view.viewRange()
    width = x1 - x0

    def pan_whole(i: int) -> None:
        # Two pans, then a zoom: a pan can reuse the last coverage image, a zoom cannot.
        shift = (i % 2 * 2 - 1) * width * 0.01
        grow = width * 0.04 * (i // 3 % 2) if i % 3 == 2 else 0.0
        view.setRange(xRange=(x0 + shift - grow, x1 + shift + grow), yRange=(y0, y1), padding=0)

    whole = repaint_times(app, viewport, pan_whole)
    year = 365.0
    mid = (x0 + x1) / 2

    def pan_year(i: int) -> None:
        shift = (i % 10) * 30.0
        view.setRange(xRange=(mid + shift, mid + shift + year), yRange=(y0, min(y1, y0 + 60)), padding=0)

    one_year = repaint_times(app, viewport, pan_year)

    # Baselines in the same window size: an empty plot, and a ScatterPlotItem of the same points.
    empty = pg.PlotWidget()
    empty.resize(1600, 700)
    empty.show()
    empty_times = repaint_times(app, empty.viewport(), lambda i: empty.setXRange(i, i + 100, padding=0), 20)
    layout = timeline.timeline_layout
    scatter_widget = pg.PlotWidget()
    scatter_widget.resize(1600, 700)
    scatter_widget.show()
    scatter = pg.ScatterPlotItem(x=(layout.x0 + layout.x1) / 2, y=layout.row.astype(float), size=6,
                                 pen=None, brush=pg.mkBrush(0, 114, 178, 200))
    scatter_widget.addItem(scatter)
    scatter_widget.getViewBox().invertY(True)
    sx0, sx1 = float(layout.x0.min()), float(layout.x1.max())
    sw = sx1 - sx0
    scatter_times = repaint_times(
        app, scatter_widget.viewport(),
        lambda i: scatter_widget.setXRange(sx0 + (i % 2) * sw * 0.01, sx1 + (i % 2) * sw * 0.01, padding=0), 10)

    base = (f"empty plot {statistics.median(empty_times):.1f} ms, "
            f"ScatterPlotItem {statistics.median(scatter_times):.1f} ms")
    row("repaint, whole range", f"median {statistics.median(whole):.1f} ms, max {max(whole):.1f} ms",
        "≤ 16 ms median, ≤ 25 ms max", base)
    row("repaint, one-year window", f"median {statistics.median(one_year):.1f} ms, max {max(one_year):.1f} ms",
        "≤ 8 ms median", base)

    # One changed file → view updated, against a full reload.
    from viewer.model import Library, load_file

    rel = library.stories[len(library.stories) // 2].file
    path = folder / rel
    path.write_text(path.read_text(encoding="utf-8") + "2020 – An added event [1]\n", encoding="utf-8")
    start = time.perf_counter()
    current = window.state.library
    updated = Library.from_results(folder, {**current.results, rel: load_file(folder, rel)})
    window.state.set_library(updated, keep_selection=True)
    viewport.repaint()
    one_file = (time.perf_counter() - start) * 1000
    start = time.perf_counter()
    window.state.set_library(load_folder(folder), keep_selection=True)
    viewport.repaint()
    full = (time.perf_counter() - start) * 1000
    row("one changed file → view updated", f"{one_file:.0f} ms", "≤ 50 ms", f"full reload {full:.0f} ms")

    # A million events: paint only (arrays built directly, as a loaded folder would give).
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
    big.stories = library.stories[:1] * 10_000
    item = timeline.events_item
    item.set_layout(big)
    view.setRange(xRange=(693596, 739654), yRange=(0, 100_000), padding=0)
    million_whole = repaint_times(app, viewport, lambda i: view.setRange(
        xRange=(693596 + i * 10 - (i % 3 == 2) * i * 200, 739654 + i * 10), yRange=(0, 100_000), padding=0), 12)
    million_zoom = repaint_times(app, viewport, lambda i: view.setRange(
        xRange=(720000 + i * 30, 720365 + i * 30), yRange=(500, 540), padding=0), 10)
    row("repaint at 1,000,000 events", f"whole {statistics.median(million_whole):.0f} ms, "
        f"zoomed {statistics.median(million_zoom):.1f} ms", "stretch ≤ 100 ms / ≤ 16 ms", "median of 10")
    window.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--stall-files", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        folder = tmp_path / "stories"
        size = generate(folder, args.files, 10, args.seed)
        library = load_folder(folder)
        print(f"{args.files} files, {library.event_count} events, {size / 1e6:.1f} MB, seed {args.seed}", flush=True)

        floor = best(3, lambda: read_floor(folder))
        alone = best(3, lambda: cold_load(folder))
        with ParsePool() as pool:
            cold_load(folder, pool)  # starts the workers, as the app does after its first load
            cold = best(3, lambda: cold_load(folder, pool))
        row("folder → model, cold cache, worker pool running", f"{cold:.2f} s",
            f"≥ 1.4× one thread (here {alone / cold:.2f}×)",
            f"read + decode {floor:.2f} s; one thread {alone:.2f} s")
        starting = best(3, lambda: cold_load_starting_pool(folder))
        row("folder → model, cold cache, worker pool starting with it", f"{starting:.2f} s",
            f"(here {alone / starting:.2f}× one thread)", f"one thread {alone:.2f} s")

        cache_dir = tmp_path / "cache"
        load_folder(folder, cache=ModelCache(cache_dir))  # writes the cache

        cached = best(5, lambda: timed_load(folder, cache=ModelCache(cache_dir)))
        row("reopen from the cache", f"{cached:.3f} s", "≤ 0.15 s", f"cold load {cold:.2f} s")

        launch = []
        for _ in range(3):
            out = child(LAUNCH, str(time.time()), str(folder), str(tmp_path / "s.ini"), str(cache_dir))
            launch.append(first_paint_seconds(out))
        imports = min(float(child(IMPORTS, str(time.time()))) for _ in range(3))
        row("launch → first paint, timeline full", f"{min(launch):.2f} s", "≤ 1.5 s",
            f"importing PySide6 + pyqtgraph {imports:.2f} s")
        cold_launch = []
        for i in range(2):
            out = child(LAUNCH, str(time.time()), str(folder), str(tmp_path / f"c{i}.ini"),
                        str(tmp_path / f"empty-cache-{i}"))
            cold_launch.append(first_paint_seconds(out))
        row("launch → first paint, no model cache yet", f"{min(cold_launch):.2f} s", "(≤ 1.5 s above)",
            "the same launch with the cache")

        empty = tmp_path / "empty"
        empty.mkdir()
        full_mb, workers_mb = map(float, child(MEMORY, str(folder), str(tmp_path / "m.ini")).split())
        empty_mb = float(child(MEMORY, str(empty), str(tmp_path / "m2.ini")).split()[0])
        row("resident memory, folder open", f"{full_mb:.0f} MB", "≤ 300 MB",
            f"empty folder {empty_mb:.0f} MB; the worker processes {workers_mb:.0f} MB more")

        paint_benchmarks(folder, tmp_path)

        from tests.benchmarks.bench_watch import generate_small, stall_and_close

        small = tmp_path / "small"
        generate_small(small, args.stall_files)
        for label in ("no model cache", "from the model cache"):
            stall, _, closed = stall_and_close(small, tmp_path, "stall")
            row(f"longest GUI stall, opening and watching {args.stall_files:,} files, {label}",
                f"{stall:.0f} ms", "≤ 100 ms", "11.7 s with QFileSystemWatcher")
            row(f"close after opening {args.stall_files:,} files, {label}", f"{closed:.2f} s", "< 1 s",
                "15.5 s with QFileSystemWatcher")

    print()
    print("| figure | measured | target | compared with |")
    print("|---|---|---|---|")
    for name, value, target, baseline in ROWS:
        print(f"| {name} | {value} | {target} | {baseline} |")


if __name__ == "__main__":
    main()
