"""Benchmark: folder → model, against just reading the same files (the floor).

Run: ``python tests/benchmarks/bench_load.py [--files 10000]``. Prints files/s,
MB/s and the ratio to the floor, for a load in one thread, with the worker
process pool already running (as the window's is after its first large load),
and with the pool started by the load. The pool is kept only if it beats one
thread by at least 1.4× on 10,000 files (issue 10).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.synthetic import generate
from viewer.model import dates, discover_story_files, load_folder
from viewer.model.decoding import decode_story_bytes
from viewer.model.pool import ParsePool, available_cores


def read_floor(folder: Path, files: list[str]) -> float:
    """Seconds to open, read and decode every file: no parser can beat this."""
    start = time.perf_counter()
    root = os.fspath(folder)
    for rel in files:
        with open(os.path.join(root, rel), "rb") as handle:
            decode_story_bytes(handle.read())
    return time.perf_counter() - start


def best_of(runs: int, fn) -> float:
    return min(fn() for _ in range(runs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--events", type=int, default=10)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        size = generate(folder, args.files, args.events)
        files = discover_story_files(folder)
        floor = best_of(args.runs, lambda: read_floor(folder, files))

        def cold(pool: ParsePool | None = None) -> float:
            dates._cache.clear()
            start = time.perf_counter()
            library = load_folder(folder, pool=pool)
            elapsed = time.perf_counter() - start
            assert len(library.stories) == args.files
            return elapsed

        def starting_pool() -> float:
            with ParsePool() as pool:
                return cold(pool)

        alone = best_of(args.runs, cold)
        with ParsePool() as pool:
            cold(pool)  # starts the workers
            pooled = best_of(args.runs, lambda: cold(pool))
        starting = best_of(args.runs, starting_pool)
        library = load_folder(folder)
        mb = size / 1e6
        print(f"{args.files} files, {library.event_count} events, {mb:.1f} MB, {available_cores()} cores")
        print(f"{'':30}{'seconds':>9}{'files/s':>10}{'MB/s':>8}")
        for name, seconds in (("read + decode (floor)", floor), ("folder → model, one thread", alone),
                              ("folder → model, pool running", pooled),
                              ("folder → model, pool starting", starting)):
            print(f"{name:30}{seconds:9.3f}{args.files / seconds:10.0f}{mb / seconds:8.1f}")
        print(f"pool running: {alone / pooled:.2f}× one thread; starting with the load: {alone / starting:.2f}× "
              "(kept only at ≥ 1.4×)")


if __name__ == "__main__":
    main()
