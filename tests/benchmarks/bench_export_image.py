"""How long ``--export-image`` takes on a large folder: end to end, and the figure alone.

Usage: ``python -m tests.benchmarks.bench_export_image FOLDER`` (make one with
``python tests/benchmarks/synthetic.py FOLDER``). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def end_to_end(folder: Path, out: Path, runs: int) -> list[float]:
    """Wall-clock seconds of ``timeline-viewer --export-image OUT FOLDER`` in a fresh process."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "viewer", "--export-image", str(out), str(folder)],
                       check=True, env=env, capture_output=True)
        times.append(time.perf_counter() - start)
    return times


def figure_only(folder: Path, outs: list[Path]) -> dict[str, float]:
    """Seconds to lay out and write each figure of an already loaded folder."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from viewer.model import load_folder
    from viewer.model.pool import ParsePool
    from viewer.ui.figure import FigureRequest, save_figure

    app = QGuiApplication.instance() or QGuiApplication([])
    with ParsePool() as pool:
        start = time.perf_counter()
        library = load_folder(folder, pool=pool)
        results = {"load": time.perf_counter() - start}
    for out in outs:
        start = time.perf_counter()
        save_figure(FigureRequest(library.stories, folder.name), out)
        results[out.suffix[1:]] = time.perf_counter() - start
    del app
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        png = Path(tmp) / "figure.png"
        times = end_to_end(args.folder, png, args.runs)
        print(f"--export-image PNG end to end: {min(times):.1f} s best, "
              f"{sorted(times)[len(times) // 2]:.1f} s median of {len(times)}")
        stages = figure_only(args.folder, [png, Path(tmp) / "figure.svg", Path(tmp) / "figure.pdf"])
        for name, seconds in stages.items():
            print(f"{name}: {seconds:.2f} s")
        print(f"PNG {png.stat().st_size / 1e6:.1f} MB")


if __name__ == "__main__":
    main()
