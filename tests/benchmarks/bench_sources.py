"""Benchmark: the folder-wide source table (sources across stories) at 10,000 stories.

Run: ``python tests/benchmarks/bench_sources.py [--files 10000]``. Parses
synthetic stories in memory (no disk), each with 3 to 8 sources drawn from a
pool of news urls, written with and without ``www.``, tracking parameters,
trailing slashes and upper-case hosts, as feeds and newsletters vary them;
then times, without Qt:

- the first build of ``FolderSources`` (every url normalised: what the All
  Sources view or the detail pane waits for once per folder), with the url
  cache empty;
- the same build again for a new library object (a reopen: the normalised
  urls are remembered);
- a live update: one story replaced, the table rebuilt from the other
  stories' remembered parts;
- the lookups the detail pane makes for one event ("also cited by");
- with ``--gui``: the same stories written to a folder and opened in the
  real window (offscreen): the time from the library on screen to the All
  Sources table filled (the build runs on a worker thread), and the longest
  stall of the GUI thread meanwhile (a 5 ms timer's longest gap).
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.synthetic import random_date, sentence
from viewer.core.sources import SourceIndex, normalise_url
from viewer.model import FileResult, Library, parse_story

SITES = ["www.reuters.com", "apnews.com", "www.bbc.co.uk", "www.nytimes.com", "www.theguardian.com",
         "www.aljazeera.com", "www.france24.com", "www.dw.com", "elpais.com", "www.lemonde.fr"]
TRACKING = ["", "", "?utm_source=newsletter&utm_medium=email", "?fbclid=IwAR0abc", "?ref_src=twsrc%5Etfw",
            "?utm_campaign=daily"]


def url_variant(rng: random.Random, site: str, path: str) -> str:
    host = site if rng.random() < 0.7 else site.removeprefix("www.")
    if rng.random() < 0.1:
        host = host.upper()
    slash = "/" if rng.random() < 0.3 else ""
    scheme = "https" if rng.random() < 0.9 else "http"
    return f"{scheme}://{host}/{path}{slash}{rng.choice(TRACKING)}"


def story_text(rng: random.Random, articles: list[tuple[str, str, str]], events: int = 10) -> str:
    count = rng.randint(3, 8)
    chosen = rng.sample(articles, count)
    lines = [sentence(rng, 8), f"Updated ({count} articles)", "Timeline"]
    for _ in range(events):
        cites = "".join(f"[{n}]" for n in sorted(rng.sample(range(1, count + 1), rng.randint(1, 2))))
        lines.append(f"{random_date(rng)} – {sentence(rng, 30)} {cites}.")
    lines.append("Sources")
    for number, (site, path, title) in enumerate(chosen, 1):
        lines.append(f"[{number}] {title} — {url_variant(rng, site, path)}")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--articles", type=int, default=20_000, help="distinct articles in the pool")
    parser.add_argument("--gui", action="store_true", help="also open the folder in the window")
    args = parser.parse_args()
    rng = random.Random(1)
    articles = [(rng.choice(SITES), f"world/{i:06d}-{sentence(rng, 4).lower().replace(' ', '-')}",
                 sentence(rng, 7)) for i in range(args.articles)]
    results = {}
    texts = {}
    for i in range(args.files):
        name = f"part{i % 100:02d}/story{i:05d}.txt"
        texts[name] = story_text(rng, articles)
        story, problems = parse_story(texts[name], name)
        results[name] = FileResult(name, story, tuple(problems))
    library = Library.from_results(Path("/bench"), results)
    sources = sum(len(s.sources) for s in library.stories)
    print(f"{len(library.stories)} stories, {library.event_count} events, {sources} sources listed")

    normalise_url.cache_clear()
    index = SourceIndex()
    start, cpu = time.perf_counter(), time.process_time()
    table = index.build(library)
    first, first_cpu = time.perf_counter() - start, time.process_time() - cpu
    shared = sum(1 for entry in table if len(entry.stories) > 1)
    widest = max(table, key=lambda entry: len(entry.stories))
    print(f"first build (url cache empty): {first * 1000:.0f} ms ({first_cpu * 1000:.0f} ms CPU) → "
          f"{len(table)} distinct sources, {shared} cited by more than one story (most: {len(widest.stories)} stories)")

    reopened = Library.from_results(Path("/elsewhere"), dict(results))
    start, cpu = time.perf_counter(), time.process_time()
    SourceIndex().build(reopened)
    print(f"build for a reopened folder (urls remembered): {(time.perf_counter() - start) * 1000:.0f} ms "
          f"({(time.process_time() - cpu) * 1000:.0f} ms CPU)")

    times, cpus = [], []
    for round_ in range(5):
        changed = dict(results)
        name = sorted(results)[round_ * 37]
        story, problems = parse_story(story_text(rng, articles), name)
        changed[name] = FileResult(name, story, tuple(problems))
        updated = Library.from_results(library.folder, changed)
        start, cpu = time.perf_counter(), time.process_time()
        index.build(updated)
        times.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    print(f"live update of one story → table rebuilt: median {statistics.median(times) * 1000:.0f} ms "
          f"({statistics.median(cpus) * 1000:.0f} ms CPU), max {max(times) * 1000:.0f} ms")

    table = index.build(updated)
    story = updated.stories[0]
    start = time.perf_counter()
    for _ in range(1000):
        for event in story.events:
            for number in event.citations:
                table.other_stories(story.file, number)
    per_event = (time.perf_counter() - start) / (1000 * len(story.events)) * 1e6
    print(f"detail pane lookup (\"also cited by\") for one event: {per_event:.1f} µs")
    if args.gui:
        gui(texts)


def gui(texts: dict[str, str]) -> None:
    """Open the stories in the window; time the All Sources table and the GUI thread's longest stall."""
    import os
    import tempfile

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEventLoop, QSettings, QTimer
    from PySide6.QtWidgets import QApplication

    from viewer.ui.main_window import MainWindow

    app = QApplication.instance() or QApplication([])
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "stories"
        for name, text in texts.items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(text, encoding="utf-8")
        window = MainWindow(QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat))
        window.resize(1600, 1000)
        window.show()
        window.sources_dock.show()
        loop = QEventLoop()
        window.loader.loaded.connect(loop.quit)
        window.open_folder(folder)
        loop.exec()
        shown = time.perf_counter()
        gaps: list[float] = []
        last = [time.perf_counter()]

        def tick() -> None:
            now = time.perf_counter()
            gaps.append(now - last[0])
            last[0] = now

        timer = QTimer(interval=5)
        timer.timeout.connect(tick)
        timer.start()
        ready = QEventLoop()
        window.all_sources.sources_ready.connect(ready.quit)
        QTimer.singleShot(120_000, ready.quit)
        if not window.all_sources.model.row_count():
            ready.exec()
        filled = time.perf_counter() - shown
        timer.stop()
        print(f"window: library on screen → All Sources filled ({window.all_sources.model.row_count()} rows) "
              f"in {filled * 1000:.0f} ms; longest GUI stall meanwhile {max(gaps, default=0) * 1000:.0f} ms")
        start = time.perf_counter()
        window.all_sources.table.sortByColumn(0, window.all_sources.table.horizontalHeader().sortIndicatorOrder())
        window.all_sources.table.viewport().repaint()
        print(f"window: sort {window.all_sources.model.row_count()} rows by title and repaint: "
              f"{(time.perf_counter() - start) * 1000:.0f} ms")
        window.close()
        del app


if __name__ == "__main__":
    main()
