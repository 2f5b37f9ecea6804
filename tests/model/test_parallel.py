"""Loading with the parse helper process gives the same library as loading alone.

Most tests here run the helper's real job (``_parse_job``) in a thread of this
process, through a helper whose ``submit`` uses a thread pool: the protocol
between the two sides is the same, and a test can slow the helper down or
break it on purpose. One test starts the real helper process.
"""

from __future__ import annotations

import concurrent.futures as cf
import os
import random
import tempfile
import threading
import time
from pathlib import Path

import pytest

from tests.benchmarks.synthetic import story_text
from viewer.model import load_folder
from viewer.model import parallel
from viewer.model.cache import pack_results
from viewer.model.loader import LoadCancelled, load_file
from viewer.model.parallel import MIN_SHARED_FILES, ParseHelper


class ThreadHelper(ParseHelper):
    """A helper that runs its jobs in a thread of this process instead of a new process."""

    def __init__(self, wrap=None) -> None:
        super().__init__()
        self.pool = cf.ThreadPoolExecutor(max_workers=1)
        self.wrap = wrap
        self.jobs = 0

    def submit(self, function, *args):
        self.jobs += 1
        job = self.wrap(function) if self.wrap is not None else function
        return self.pool.submit(job, *args)


@pytest.fixture
def big_folder(tmp_path: Path) -> Path:
    """Enough story files for the helper to be used, with broken ones among them."""
    rng = random.Random(7)
    count = MIN_SHARED_FILES + 200
    for index in range(count):
        (tmp_path / f"{index:04d}.txt").write_text(story_text(rng, events=3), encoding="utf-8")
    (tmp_path / "0100.txt").write_bytes(b"\x00\x01binary")
    (tmp_path / "0450.txt").write_text("Headline\nTimeline\nsometime – undatable [9]\n", encoding="utf-8")
    (tmp_path / "0599.txt").write_bytes(b"")
    return tmp_path


def assert_same_library(shared, alone) -> None:
    assert [s.file for s in shared.stories] == [s.file for s in alone.stories]
    assert shared.stories == alone.stories
    assert shared.problems == alone.problems
    assert shared.event_count == alone.event_count


def leftover_work_directories() -> set[str]:
    return {name for name in os.listdir(tempfile.gettempdir()) if name.startswith("timeline-viewer-")}


def test_sharing_with_the_helper_gives_the_same_library(big_folder):
    before = leftover_work_directories()
    helper = ThreadHelper()
    shared = load_folder(big_folder, helper=helper)
    assert helper.jobs == 1
    assert_same_library(shared, load_folder(big_folder))
    assert any(p.file == "0100.txt" and "binary" in p.message for p in shared.problems)
    assert leftover_work_directories() == before


def test_a_slow_helper_leaves_most_chunks_to_the_loading_thread(big_folder):
    delivered = []

    def slow(job):
        def run(*args):
            time.sleep(0.2)  # starting up while the loading thread gets on with it
            delivered.append(job(*args))
            return delivered[-1]
        return run

    shared = load_folder(big_folder, helper=ThreadHelper(slow))
    assert_same_library(shared, load_folder(big_folder))
    chunks = len(range(0, len(shared.results), 16))
    assert delivered[0] < chunks / 2  # the loading thread did most of it


def test_a_helper_that_cannot_start_costs_nothing_but_time(big_folder):
    class Refusing(ParseHelper):
        def submit(self, function, *args):
            return None

    assert_same_library(load_folder(big_folder, helper=Refusing()), load_folder(big_folder))


def job_delivering(deliver):
    """A helper job that follows the protocol but delivers ``deliver(index, chunk)``."""

    def job(folder, chunks, directory):
        count = len(chunks)
        with parallel._mapped(os.path.join(directory, "control")) as control:
            for index, chunk in enumerate(chunks):
                control[parallel._claimed(index)] = 1
                if control[parallel._taken(index, count)]:
                    break
                Path(parallel._chunk_file(directory, index)).write_bytes(deliver(index, chunk))
                control[parallel._ready(index, count)] = 1

    return lambda _real_job: job


def test_a_helper_that_dies_is_replaced_by_the_loading_thread(big_folder):
    claimed_all = threading.Event()

    def claims_everything_then_dies(_real_job):
        def job(folder, chunks, directory):
            count = len(chunks)
            with parallel._mapped(os.path.join(directory, "control")) as control:
                for index in range(count):
                    control[parallel._claimed(index)] = 1
                claimed_all.set()
                for index in range(2):
                    payload = pack_results([load_file(big_folder, rel) for rel in chunks[index]])
                    Path(parallel._chunk_file(directory, index)).write_bytes(payload)
                    control[parallel._ready(index, count)] = 1
            raise RuntimeError("the helper process died")
        return job

    class WaitsForTheClaims(ThreadHelper):
        def submit(self, function, *args):
            future = super().submit(function, *args)
            assert claimed_all.wait(5)
            return future

    shared = load_folder(big_folder, helper=WaitsForTheClaims(claims_everything_then_dies))
    assert_same_library(shared, load_folder(big_folder))


def test_unreadable_results_from_the_helper_are_parsed_again(big_folder):
    delivered = []

    def deliver(index, chunk):
        delivered.append(index)
        return b"not a payload"

    shared = load_folder(big_folder, helper=ThreadHelper(job_delivering(deliver)))
    assert delivered  # the loading thread had garbage to read, and parsed those chunks itself
    assert_same_library(shared, load_folder(big_folder))


def test_cancelling_a_shared_load_stops_the_helper_and_cleans_up(big_folder):
    before = leftover_work_directories()
    delivered = []

    def recorded(job):
        def run(*args):
            delivered.append(job(*args))
            return delivered[-1]
        return run

    helper = ThreadHelper(recorded)
    progress = []
    with pytest.raises(LoadCancelled):
        load_folder(big_folder, helper=helper, progress=lambda done, total: progress.append(done),
                    is_cancelled=lambda: len(progress) > 3)
    helper.pool.shutdown(wait=True)
    chunks = len(range(0, MIN_SHARED_FILES + 200, 16))
    assert delivered and delivered[0] < chunks  # it stopped before the end
    assert leftover_work_directories() == before


def test_small_folders_never_wake_the_helper(story_folder):
    helper = ThreadHelper()
    folder = story_folder({f"{i}.txt": "Headline\nTimeline\n2020 – text\n" for i in range(10)})
    assert len(load_folder(folder, helper=helper).stories) == 10
    assert helper.jobs == 0


def test_the_real_helper_process_gives_the_same_library(big_folder):
    helper = ParseHelper()
    try:
        pid = helper.start()
        assert pid is not None and pid != os.getpid()
        assert_same_library(load_folder(big_folder, helper=helper), load_folder(big_folder))
    finally:
        helper.shutdown()
    assert helper.submit(os.getpid) is None  # a helper once shut down takes no more work


def test_no_room_in_the_temporary_folder_means_parsing_alone(big_folder, monkeypatch):
    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(parallel.tempfile, "mkdtemp", full_disk)
    helper = ThreadHelper()
    assert_same_library(load_folder(big_folder, helper=helper), load_folder(big_folder))
    assert helper.jobs == 0
