"""Benchmark: a keystroke in the search field → the timeline and the results list updated.

Run: ``python tests/benchmarks/bench_search.py [--files 10000]``. Opens the
generated folder in the real window (offscreen), lets the search index be
built (once per folder, on the worker thread), then types queries one
character at a time with real key events. Each keystroke is timed from the
key press until every window part it changed has been painted: the result
has reached the state, and the timeline, the results list and the status
bar have repainted (the pending paints are flushed with ``processEvents``,
and the paints of the timeline and of the list are counted, to show both
happened). Target (issue 8): ≤ 30 ms median, ≤ 60 ms max at 10,000 files /
100,000 events.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from tests.benchmarks.synthetic import generate

QUERIES = ["trade border", "ministry report", "ceasefire talks", "2019", "mar 2020"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from viewer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "stories"
        generate(folder, args.files, 10)
        window = MainWindow(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window.resize(1600, 1000)
        window.show()

        def wait_for(signal, timeout_ms: int = 120_000) -> None:
            loop = QEventLoop()
            if "psygnal" in type(signal).__module__:  # the state's signals
                signal.connect(loop.quit, check_nargs=False)
            else:
                signal.connect(loop.quit)
            QTimer.singleShot(timeout_ms, loop.quit)
            loop.exec()
            signal.disconnect(loop.quit)

        window.open_folder(folder)
        wait_for(window.loader.loaded)
        print(f"{len(window.state.library.stories)} stories, {window.state.library.event_count} events")
        start = time.perf_counter()
        window.search_field.setText("x")
        while window.state.search is None:
            wait_for(window.state.search_changed)
        print(f"search index built in {time.perf_counter() - start:.2f} s (once per folder, off the GUI thread)")
        window.search_field.clear()
        from PySide6.QtCore import QEvent, QObject
        from PySide6.QtTest import QTest

        class PaintCounter(QObject):
            def __init__(self) -> None:
                super().__init__()
                self.count = 0

            def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
                if event.type() == QEvent.Type.Paint:
                    self.count += 1
                return False

        timeline_paints, list_paints = PaintCounter(), PaintCounter()
        window.timeline.plot.viewport().installEventFilter(timeline_paints)
        window.search_results.viewport().installEventFilter(list_paints)
        window.focus_search()
        times: list[float] = []
        painted: list[tuple[int, int]] = []
        for query in QUERIES:
            window.search_field.clear()
            app.processEvents()
            for i in range(1, len(query) + 1):
                text = query[:i]
                timeline_paints.count = list_paints.count = 0
                start = time.perf_counter()
                QTest.keyClick(window.search_field, query[i - 1])  # a key press, as typed
                while text.strip() and (window.state.search is None or window.state.search.query != text.strip()):
                    wait_for(window.state.search_changed, 5000)
                app.processEvents()  # the paints the result asked for: timeline, list, status bar
                times.append((time.perf_counter() - start) * 1000)
                painted.append((timeline_paints.count, list_paints.count))
            print(f"  {query!r}: {len(window.state.search)} matches; "
                  f"keystrokes {', '.join(f'{t:.0f}' for t in times[-len(query):])} ms")
        print(f"paints per keystroke (timeline, results list): "
              f"{', '.join(f'{a}+{b}' for a, b in painted[:12])} …")
        print(f"keystroke → timeline and results painted: median {statistics.median(times):.1f} ms, "
              f"max {max(times):.1f} ms over {len(times)} keystrokes (target ≤ 30 ms median, ≤ 60 ms max)")
        window.close()


if __name__ == "__main__":
    main()
