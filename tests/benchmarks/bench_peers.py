"""The app beside vis-timeline (the most used interactive timeline component) on the same events.

Run: ``python tests/benchmarks/bench_peers.py [--events 1000 10000 100000] [--frames 20] [--timeout 120]``.

It needs Debian's ``chromium``, Node.js and three npm packages; without them
it says what is missing and exits without measuring anything::

    apt-get install chromium nodejs npm
    npm install --prefix tests/benchmarks/peers vis-timeline vis-data puppeteer-core

(``--node-modules DIR`` points at another ``node_modules``.) For each size it
generates a synthetic folder (10 events a story file, dates from decades to
days), loads it, and hands the very same events to both:

- vis-timeline, in headless Chromium (``peers/measure_vis.js``): a group per
  story, stacking on, a day as a point with its label, anything vaguer as a
  range; first render = from asking the running browser for the page to the
  frame after the timeline's first redraw;
- the app: first render = the real command from process start to its first
  full paint, model cache present (``bench_launch.py``), a fair match for a
  page handed its data ready-made; frames as ``bench_frames.py`` times them.

Frames are the same moves on both: pans of 1 % of the view and wheel-notch zoom
steps (×1.35), over the whole range, each timed to the paint that follows.
Medians; the load average is printed with them. Figures, never assertions.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

PEERS = Path(__file__).resolve().parent / "peers"
EPOCH_ORDINAL = 719_163  # date(1970, 1, 1).toordinal(): vis-timeline counts milliseconds from there
DAY_MS = 86_400_000
INSTALL = ("apt-get install chromium nodejs npm; "
           "npm install --prefix tests/benchmarks/peers vis-timeline vis-data puppeteer-core")


def missing(node_modules: Path) -> list[str]:
    """What bench_peers needs and cannot find."""
    out = [tool for tool in ("chromium", "node") if shutil.which(tool) is None]
    out += [f"npm package {name}" for name in ("vis-timeline", "vis-data", "puppeteer-core")
            if not (node_modules / name / "package.json").exists()]
    return out


def vis_data(layout, moves: list[tuple[float, float]]) -> dict:
    """The layout's events as vis-timeline items and groups (text escaped: vis reads content as HTML)."""
    from viewer.core.layout import DAY_RANK
    from viewer.ui.text import short_label

    items = []
    for i in range(len(layout.x0)):
        _, event = layout.event_at(i)
        start = (float(layout.x0[i]) - EPOCH_ORDINAL) * DAY_MS
        item = {"id": i, "group": int(layout.story[i]), "content": html.escape(short_label(event.text)),
                "start": start}
        if int(layout.precision[i]) == DAY_RANK:
            item["type"] = "point"
        else:
            item["type"] = "range"
            item["end"] = (float(layout.x1[i]) - EPOCH_ORDINAL) * DAY_MS
        items.append(item)
    groups = [{"id": k, "content": html.escape(story.title)} for k, story in enumerate(layout.stories)]
    return {"items": items, "groups": groups,
            "moves": [[(a - EPOCH_ORDINAL) * DAY_MS, (b - EPOCH_ORDINAL) * DAY_MS] for a, b in moves]}


def whole_range_moves(x0: float, x1: float, frames: int) -> list[tuple[float, float]]:
    """Pans of 1 % and zoom steps of ×1.35 about the middle, alternating runs (as bench_frames moves)."""
    from tests.benchmarks.bench_frames import PAN, ZOOM

    width, mid = x1 - x0, (x0 + x1) / 2
    moves = []
    for i in range(frames):
        if i % 16 < 8:
            k = i % 8 + 1
            moves.append((x0 + k * PAN * width, x1 + k * PAN * width))
        else:
            level = i % 8 if i % 8 < 4 else 8 - i % 8
            h = width / 2 / ZOOM ** (level + 1)
            moves.append((mid - h, mid + h))
    return moves


def mover(view, moves: list[tuple[float, float]], rows: tuple[float, float]):
    """The i-th frame's range change for the app."""

    def move(i: int) -> None:
        view.setRange(xRange=moves[i], yRange=rows, padding=0)
    return move


def measure_vis(data: dict, frames: int, timeout: float, node_modules: Path, tmp: Path) -> dict:
    path = tmp / "vis-data.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    env = dict(os.environ, NODE_PATH=str(node_modules), CHROMIUM=shutil.which("chromium") or "chromium")
    result = subprocess.run(["node", str(PEERS / "measure_vis.js"), str(path), str(frames), str(timeout)],
                            capture_output=True, text=True, env=env, timeout=timeout + 120)
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 10_000, 100_000])
    parser.add_argument("--frames", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for vis-timeline's first render")
    parser.add_argument("--runs", type=int, default=3, help="launches of the app per size (median)")
    parser.add_argument("--node-modules", type=Path, default=PEERS / "node_modules")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    lacking = missing(args.node_modules)
    if lacking:
        print(f"bench_peers: skipped, missing {', '.join(lacking)}. To install: {INSTALL}")
        return

    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    from tests.benchmarks.bench_frames import PaintCounter, frames, quiet
    from tests.benchmarks.bench_launch import launch, launch_env
    from tests.benchmarks.synthetic import generate
    from viewer.model import load_folder
    from viewer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    rows = []
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for n in args.events:
            folder = tmp / f"stories-{n}"
            generate(folder, max(1, n // 10), 10, args.seed)
            library = load_folder(folder)
            window = MainWindow(QSettings(str(tmp / f"{n}.ini"), QSettings.Format.IniFormat))
            window.resize(1600, 1000)
            window.show()
            window.state.set_library(library)
            timeline = window.timeline
            timeline.zoom_to_fit(all_rows=True)
            quiet(app)
            (x0, x1), (y0, y1) = timeline.view_box.viewRange()
            moves = whole_range_moves(x0, x1, args.frames)
            ours = frames(app, PaintCounter(timeline.plot.viewport()),
                          mover(timeline.view_box, moves, (y0, y1)), args.frames)
            data = vis_data(timeline.timeline_layout, moves)
            window.close()
            env = launch_env(tmp / f"home-{n}")
            launch(folder, env)  # writes the model cache
            first = statistics.median(launch(folder, env)[1] for _ in range(args.runs))
            theirs = measure_vis(data, args.frames, args.timeout, args.node_modules, tmp)
            app_frame = statistics.median(ours.ms)
            if theirs.get("timeout"):
                vis_first, vis_frame = f"nothing drawn after {args.timeout:.0f} s", "–"
                ratio_first, ratio_frame = f"> {args.timeout / first:.0f}×", "–"
            else:
                vis_first_s = theirs["firstRenderMs"] / 1000
                vis_frame_ms = statistics.median(theirs["frames"])
                vis_first, vis_frame = f"{vis_first_s:.2f} s", f"{vis_frame_ms:.1f} ms"
                ratio_first, ratio_frame = f"{vis_first_s / first:.2f}×", f"{vis_frame_ms / app_frame:.1f}×"
            row = (f"{library.event_count:,}", vis_first, f"{first:.2f} s", ratio_first, vis_frame,
                   f"{app_frame:.1f} ms", ratio_frame)
            rows.append(row)
            print("  " + " | ".join(row), f"(load average {os.getloadavg()[0]:.2f})", flush=True)
    print(f"\nload average {' '.join(f'{x:.2f}' for x in os.getloadavg())}\n")
    print("| events | vis-timeline first render | app first render | app ahead by | "
          "vis-timeline median frame | app median frame | app ahead by |")
    print("|---|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
