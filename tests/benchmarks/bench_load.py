"""Benchmark: folder → model, against just reading the same files (the floor).

Run: ``python tests/benchmarks/bench_load.py [--files 10000]``. Prints files/s,
MB/s and the ratio to the floor, for a load alone and one shared with the parse
helper process (started beforehand, as the window's is). Target on a 2-core machine: 10,000 files
(about 100,000 events) in ≤ 0.6 s.
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
from viewer.model.parallel import ParseHelper


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

        def cold(helper: ParseHelper | None = None) -> float:
            dates._cache.clear()
            start = time.perf_counter()
            library = load_folder(folder, helper=helper)
            elapsed = time.perf_counter() - start
            assert len(library.stories) == args.files
            return elapsed

        alone = best_of(args.runs, cold)
        with ParseHelper() as helper:
            helper.start()
            load = best_of(args.runs, lambda: cold(helper))
        library = load_folder(folder)
        mb = size / 1e6
        print(f"{args.files} files, {library.event_count} events, {mb:.1f} MB")
        print(f"{'':24}{'seconds':>9}{'files/s':>10}{'MB/s':>8}")
        print(f"{'read + decode (floor)':24}{floor:9.3f}{args.files / floor:10.0f}{mb / floor:8.1f}")
        print(f"{'folder → model, alone':24}{alone:9.3f}{args.files / alone:10.0f}{mb / alone:8.1f}")
        print(f"{'folder → model, helper':24}{load:9.3f}{args.files / load:10.0f}{mb / load:8.1f}")
        print(f"ratio to the floor: {load / floor:.2f}×   target: ≤ 0.6 s for 10,000 files")


if __name__ == "__main__":
    main()
