"""Benchmark: the cost of remembering what was read (issue 14).

Run: ``python tests/benchmarks/bench_reading.py [--files 10000]``. Prints the
size on disk of the read-state of a folder of 10,000 stories (10 events each),
the time to write it and to read and compare it when the folder opens (done on
the loader's thread), and the time a live update spends comparing one changed
file (on the GUI thread).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.synthetic import generate
from viewer.core.reading import Reading, ReadStore
from viewer.model import Library
from viewer.model.loader import load_files, load_folder


def timed(function, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        function()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "stories"
        generate(folder, args.files, 10)
        library = load_folder(folder)
        store = ReadStore(Path(tmp) / "cache")
        reading = Reading(store)
        reading.set_library(library)
        snapshot = reading.snapshot()
        assert snapshot is not None
        save = timed(lambda: store.save(*snapshot), 3)
        size = store.path_for(snapshot[0]).stat().st_size
        print(f"{len(library.stories):,} stories, {library.event_count:,} events")
        print(f"read-state on disk: {size / 1e6:.2f} MB (gzip'd JSON); written in {save * 1000:.0f} ms "
              "(on a worker thread)")

        def first_look() -> None:
            Reading(store).first_look(library)

        print(f"opening the folder: read and compare every story {timed(first_look, 3) * 1000:.0f} ms "
              "(on a worker thread, after the folder is on screen)")
        # A live update: one file gains an event.
        changed = folder / library.stories[len(library.stories) // 2].file
        changed.write_text(changed.read_text(encoding="utf-8") + "Mar 3, 2030 – A new event [1]\n",
                           encoding="utf-8")
        rel = changed.relative_to(folder).as_posix()
        [result] = load_files(folder, [rel])
        updated = Library.from_results(folder, {**library.results, rel: result})

        def live_update() -> None:
            again = Reading(None)
            again.set_library(library)
            start = time.perf_counter()
            again.set_library(updated)
            live_update.elapsed.append(time.perf_counter() - start)  # type: ignore[attr-defined]
            assert again.count(rel) == 1

        live_update.elapsed = []  # type: ignore[attr-defined]
        for _ in range(5):
            live_update()
        print(f"a live update of one file: compare {statistics.median(live_update.elapsed) * 1000:.1f} ms "  # type: ignore[attr-defined]
              "(on the GUI thread; a walk over the library plus one story's diff)")


if __name__ == "__main__":
    main()
