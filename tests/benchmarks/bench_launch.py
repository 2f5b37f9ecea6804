"""Launch → first window and first full paint, from process start, beside the import floor.

Run: ``python tests/benchmarks/bench_launch.py [--events 1000 100000] [--runs 5]``.

Each launch is the real command (``viewer.cli.main`` with a folder, as
``timeline-viewer FOLDER`` runs it) in a fresh interpreter, with its own
settings and cache folders (``XDG_CONFIG_HOME``, ``XDG_CACHE_HOME``); one
untimed launch first writes the model cache, so the timed ones start with
the cache present, as every launch after the first does. The clock starts
in the parent just before the child process is started. Marks:

- window: the first paint event any widget of the app receives (what the
  user first sees);
- full: the end of the first paint of the timeline with events in view.

The floor beside them: an interpreter that imports nothing, one that imports
``PySide6.QtWidgets``, and one that imports ``PySide6.QtWidgets`` and
``pyqtgraph`` (which the timeline is drawn with), each from process start
too. Medians of ``--runs`` launches, with the load average: the machine may
be shared, so take the figures when it is low. Figures are printed, never
asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# The launch, instrumented from outside: an import hook patches the modules as they load, so
# nothing in the app knows it is measured. The hook costs microseconds.
CHILD = textwrap.dedent("""
    import sys, time
    t0 = float(sys.argv[1])
    import importlib.machinery
    marks = {}

    def patch(name, module):
        if name == "viewer.ui.app":
            configure = module.configure_application

            def configure_application(app):
                configure(app)
                from PySide6.QtCore import QEvent, QObject

                class FirstPaint(QObject):
                    def eventFilter(self, watched, event):
                        if event.type() == QEvent.Type.Paint and "window" not in marks:
                            marks["window"] = time.time() - t0
                            app.removeEventFilter(self)
                        return False

                app._first_paint = FirstPaint()
                app.installEventFilter(app._first_paint)

            module.configure_application = configure_application
        else:
            paint = module.EventsItem.paint

            def timed(self, painter, option, widget=None):
                paint(self, painter, option, widget)
                if "full" in marks or not len(self.layout.x0):
                    return
                view = self.viewRect()
                if len(self.layout.visible_indices(view.left(), view.right(), view.top(), view.bottom())):
                    marks["full"] = time.time() - t0
                    from PySide6.QtCore import QTimer
                    from PySide6.QtWidgets import QApplication
                    # Repeated: a quit before the event loop runs is lost (the paint may come
                    # while the launch still waits for its window to show).
                    app = QApplication.instance()
                    app._quitting = QTimer(interval=20)
                    app._quitting.timeout.connect(app.quit)
                    app._quitting.start()

            module.EventsItem.paint = timed

    class Hook:
        def find_spec(self, name, path=None, target=None):
            if name not in ("viewer.ui.app", "viewer.ui.timeline.events_item"):
                return None
            spec = importlib.machinery.PathFinder.find_spec(name, path)
            run = spec.loader.exec_module

            def exec_module(module):
                run(module)
                patch(name, module)

            spec.loader.exec_module = exec_module
            return spec

    sys.meta_path.insert(0, Hook())
    sys.argv = ["timeline-viewer", sys.argv[2]]
    from viewer.cli import main
    main()
    print(marks.get("window", -1.0), marks.get("full", -1.0))
""")

FLOORS = {
    "python, no imports": "pass",
    "import PySide6.QtWidgets": "import PySide6.QtWidgets",
    "import PySide6.QtWidgets + pyqtgraph": "import PySide6.QtWidgets, pyqtgraph",
}


def run(code: str, *args: str, env: dict[str, str]) -> tuple[float, str]:
    """Seconds from just before the process starts to its end, and its output.

    The process runs in the checkout on ``env``'s ``PYTHONPATH`` (``-c`` puts
    the working folder first on ``sys.path``).
    """
    start = time.time()
    result = subprocess.run([sys.executable, "-c", code, str(start), *args], capture_output=True, text=True,
                            env=env, cwd=env["PYTHONPATH"], timeout=120)
    elapsed = time.time() - start
    if result.returncode != 0:
        raise RuntimeError(result.stderr)
    return elapsed, result.stdout.strip()


def launch_env(home: Path, root: Path = ROOT) -> dict[str, str]:
    """The environment of a launch of the checkout ``root``: its own settings and cache folders under ``home``."""
    env = dict(os.environ, PYTHONPATH=str(root), XDG_CONFIG_HOME=str(home / "config"),
               XDG_CACHE_HOME=str(home / "cache"))
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # compiled modules are kept, as an installed app's are
    return env


def launch(folder: Path, env: dict[str, str]) -> tuple[float, float]:
    """Seconds from process start to the first window and to the first full paint of one launch."""
    _, out = run(CHILD, str(folder), env=env)
    window, full = map(float, out.split()[-2:])
    if full < 0:
        raise RuntimeError("the launch never painted an event")
    return window, full


def floors(env: dict[str, str], runs: int) -> dict[str, float]:
    """Median seconds from process start to the end of each ``FLOORS`` interpreter."""
    out = {}
    for name, code in FLOORS.items():
        run(code, env=env)  # compiled and in the page cache, as for the launches
        out[name] = statistics.median(run(code, env=env)[0] for _ in range(runs))
    return out


def load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 100_000],
                        help="events per folder (synthetic, 10 a story file)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folder", type=Path, help="a folder of story files to launch on instead")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.benchmarks.synthetic import generate

    rows: list[tuple[str, str]] = []

    def report(name: str, value: str) -> None:
        rows.append((name, value))
        print(f"  {name}: {value}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        env = launch_env(Path(tmp))
        print(load_average(), flush=True)
        for name, seconds in floors(env, args.runs).items():
            report(f"floor: {name}", f"{seconds:.2f} s")
        folders = [(args.folder, args.folder.name, 0)] if args.folder else [
            (Path(tmp) / f"stories-{n}", f"{n:,} events", n) for n in args.events]
        for folder, label, events in folders:
            if not folder.exists():
                generate(folder, max(1, events // 10), 10, args.seed)
            launch(folder, env)  # writes the model cache
            windows, fulls = zip(*(launch(folder, env) for _ in range(args.runs)), strict=True)
            report(f"launch, {label}, cache present: first window", f"{statistics.median(windows):.2f} s")
            report(f"launch, {label}, cache present: first full paint",
                   f"{statistics.median(fulls):.2f} s (of {args.runs}: {min(fulls):.2f}–{max(fulls):.2f} s)")
        print(f"\n{load_average()}\n")
    print("| launch (from process start) | median |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
