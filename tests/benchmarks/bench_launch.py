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

The floor beside them, timed the same way (from just before the process
starts to the moment inside it, not to its exit, which tears Qt down):

- an interpreter that imports nothing;
- one that imports ``PySide6.QtWidgets``;
- one that imports ``PySide6.QtWidgets`` and ``pyqtgraph`` (which the
  timeline is drawn with: it imports numpy);
- one that also makes a ``QApplication`` and shows an empty
  ``pg.PlotWidget``, to the end of its first paint: the least any launch of
  a pyqtgraph window can take here.

Medians of ``--runs`` launches, with the load average: the machine may be
shared, so take the figures when it is low. Figures are printed, never
asserted.

Compiled modules: the launches keep Python's ``.pyc`` files (an installed
app and the bundle have them; ``PYTHONDONTWRITEBYTECODE`` is taken out of
their environment). ``--no-pyc`` also launches a copy of the app's own
package with no ``__pycache__`` and ``PYTHONDONTWRITEBYTECODE=1``, as a
checkout run where bytecode is never written compiles it at every start.
"""

from __future__ import annotations

import argparse
import os
import shutil
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

# Each prints the seconds from the parent's clock (its first argument) to the end of its work.
FLOOR_CLOCK = "import sys, time\nt0 = float(sys.argv[1])\n"
EMPTY_PLOT = textwrap.dedent("""
    import pyqtgraph as pg
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([])

    class FirstPaint(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and not hasattr(app, "painted"):
                app.painted = time.time() - t0
                QTimer.singleShot(0, app.quit)
            return False

    plot = pg.PlotWidget()
    watcher = FirstPaint()
    plot.viewport().installEventFilter(watcher)
    plot.resize(1000, 500)
    plot.show()
    app.exec()
    print(app.painted)
""")
FLOORS = {
    "python, no imports": FLOOR_CLOCK + "print(time.time() - t0)",
    "import PySide6.QtWidgets": FLOOR_CLOCK + "import PySide6.QtWidgets\nprint(time.time() - t0)",
    "import PySide6.QtWidgets + pyqtgraph": (FLOOR_CLOCK + "import PySide6.QtWidgets, pyqtgraph\n"
                                             "print(time.time() - t0)"),
    "+ an empty pg.PlotWidget shown, first paint": FLOOR_CLOCK + EMPTY_PLOT,
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
    """Median seconds from process start to the end of the work of each ``FLOORS`` interpreter."""
    out = {}
    for name, code in FLOORS.items():
        run(code, env=env)  # compiled and in the page cache, as for the launches
        out[name] = statistics.median(float(run(code, env=env)[1].split()[-1]) for _ in range(runs))
    return out


def without_bytecode(env: dict[str, str], home: Path) -> dict[str, str]:
    """``env`` for launching a copy of the app's package that has no ``__pycache__`` and never writes one."""
    copy = home / "source-only"
    if not copy.exists():
        shutil.copytree(Path(env["PYTHONPATH"]) / "viewer", copy / "viewer",
                        ignore=shutil.ignore_patterns("__pycache__"))
    return dict(env, PYTHONPATH=str(copy), PYTHONDONTWRITEBYTECODE="1")


def load_average() -> str:
    return "load average " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, nargs="+", default=[1000, 100_000],
                        help="events per folder (synthetic, 10 a story file)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--folder", type=Path, help="a folder of story files to launch on instead")
    parser.add_argument("--no-pyc", action="store_true",
                        help="also launch with the app's own modules compiled at every start")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    from tests.benchmarks.synthetic import generate

    rows: list[tuple[str, str]] = []

    def report(name: str, value: str) -> None:
        rows.append((name, value))
        print(f"  {name}: {value}", flush=True)

    with tempfile.TemporaryDirectory() as tmp:
        env = launch_env(Path(tmp))
        print(f"{load_average()}; compiled modules (.pyc) kept, as an installed app's are", flush=True)
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
            if args.no_pyc:
                source_only = without_bytecode(env, Path(tmp))
                fulls = [launch(folder, source_only)[1] for _ in range(args.runs)]
                report(f"launch, {label}, cache present, app's modules compiled at start: first full paint",
                       f"{statistics.median(fulls):.2f} s")
        print(f"\n{load_average()}\n")
    print("| launch (from process start) | median |")
    print("|---|---|")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
