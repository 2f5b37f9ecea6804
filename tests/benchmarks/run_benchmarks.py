"""All speed and memory figures in one table, each beside its target and baseline.

Run: ``python tests/benchmarks/run_benchmarks.py [--files 10000] [--seed 1]``.
Generates a repeatable synthetic folder (about 10 events a file, dates from
decades to days), then measures, offscreen, on this machine:

- folder → model, cold (no cache) vs reading + decoding the same files, and
  vs the same load in one thread (without the worker process pool);
- reopen from the model cache vs the cold load;
- launch → first window and first full paint of the real command, from
  process start, vs the import floor (``bench_launch.py``);
- frames as the user gets them (the range change, the paint it causes and
  the flush, timed together; paints per frame counted), pans and zoom steps,
  whole range and a one-year window, vs an empty plot and a
  ``pg.ScatterPlotItem`` of the same points by the same method
  (``bench_frames.py``);
- one changed file → view updated vs a full reload;
- resident memory with the folder open vs an empty folder;
- frames at 1,000,000 events;
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


def frame_row(name: str, result, target: str, baseline: str) -> None:
    row(name, result.summary(), target, baseline)


def paint_benchmarks(folder: Path, settings_dir: Path) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from tests.benchmarks.bench_frames import measure, million_layout, peers, quiet, show_layout
    from viewer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    window = MainWindow(QSettings(str(settings_dir / "p.ini"), QSettings.Format.IniFormat))
    window.resize(1600, 1000)
    window.show()
    library = load_folder(folder)
    window.state.set_library(library)
    quiet(app)
    timeline = window.timeline
    viewport = timeline.plot.viewport()
    n = f"{library.event_count:,}"
    ours = measure(app, window)
    theirs = peers(app, timeline.timeline_layout, viewport.size())
    for kind in ("pans", "zoom steps"):
        base = (f"empty plot median {statistics.median(theirs[f'empty pg.PlotWidget, {kind}'].ms):.1f} ms; "
                f"ScatterPlotItem of the same points median "
                f"{statistics.median(theirs[f'pg.ScatterPlotItem of the same points, {kind}'].ms):.0f} ms")
        for where in ("whole range", "one-year window"):
            frame_row(f"frame at {n} events, {where}, {kind}", ours[f"{where}, {kind}"],
                      "≤ 8 ms median, ≤ 16 ms max, 1 paint", base)

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

    # A million events (arrays built directly, as a loaded folder would give).
    show_layout(timeline, million_layout(library.stories))
    for name, result in measure(app, window).items():
        frame_row(f"frame at 1,000,000 events, {name}", result, "≤ 16 ms median", "")
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

        from tests.benchmarks.bench_launch import floors, launch, launch_env

        env = launch_env(tmp_path / "home")
        floor = floors(env, 3)
        floor_text = (f"python alone {floor['python, no imports']:.2f} s; importing PySide6.QtWidgets "
                      f"{floor['import PySide6.QtWidgets']:.2f} s, with pyqtgraph "
                      f"{floor['import PySide6.QtWidgets + pyqtgraph']:.2f} s, an empty pyqtgraph plot's first paint "
                      f"{floor['+ an empty pg.PlotWidget shown, first paint']:.2f} s")
        launch(folder, env)  # writes the model cache
        windows, fulls = zip(*(launch(folder, env) for _ in range(3)), strict=True)
        row("launch → first window (from process start)", f"{statistics.median(windows):.2f} s", "",
            floor_text)
        row("launch → first full paint, model cache present", f"{statistics.median(fulls):.2f} s",
            "≤ 0.60 s at 100,000 events", floor_text)
        cold = [launch(folder, launch_env(tmp_path / f"cold-{i}"))[1] for i in range(2)]
        row("launch → first full paint, no model cache yet", f"{min(cold):.2f} s", "",
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
