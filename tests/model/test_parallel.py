"""Loading with the parse helper process gives the same library as loading alone.

Most tests here run the helper's job in a thread of this process, through a
helper whose ``submit`` uses a thread pool: the protocol between the two
sides is the same, and a test can make the helper late, slow or broken on
purpose. The last tests start the real helper process.
"""

from __future__ import annotations

import concurrent.futures as cf
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
import threading
import time
from pathlib import Path

import pytest

from tests.benchmarks.synthetic import story_text
from viewer.model import load_folder, loader, parallel
from viewer.model.cache import pack_results
from viewer.model.export import export_folder
from viewer.model.loader import LoadCancelled, load_file
from viewer.model.parallel import MIN_SHARED_FILES, ParseHelper

FILES = MIN_SHARED_FILES + 200
CHUNK = 16  # the smallest chunk: FILES // 64 is less
CHUNKS = len(range(0, FILES, CHUNK))


class FutureJob:
    """A thread's future dressed as the helper's job."""

    def __init__(self, future: cf.Future) -> None:
        self.future = future

    def done(self) -> bool:
        return self.future.done()

    def error(self) -> str | None:
        return repr(self.future.exception()) if self.future.done() and self.future.exception() else None

    def wait(self, timeout: float) -> bool:
        return not cf.wait([self.future], timeout).not_done


class ThreadHelper(ParseHelper):
    """A helper that runs its job in a thread of this process instead of in a new process.

    Args:
        job: what runs as the job (the real ``_parse_job`` by default).
        wait_for_claim: ``submit`` returns only once the job has claimed the
            first chunk, so that the helper surely takes part.
    """

    def __init__(self, job=None, wait_for_claim: bool = True) -> None:
        super().__init__()
        self.pool = cf.ThreadPoolExecutor(max_workers=1)
        # Fakes take the chunks as an argument; the real job reads them from the directory.
        self.job = job or (lambda folder, chunks, directory, *render: parallel._parse_job(folder, directory, *render))
        self.wait_for_claim = wait_for_claim
        self.jobs = 0
        self.futures: list[cf.Future] = []

    def start_in_background(self) -> None:
        pass

    def submit(self, folder, directory, render=False):
        self.jobs += 1
        chunks = parallel._job_chunks(directory)
        future = self.pool.submit(self.job, os.fspath(folder), chunks, directory, *([render] if render else []))
        self.futures.append(future)
        if self.wait_for_claim:
            with parallel._mapped(os.path.join(directory, "control")) as control:
                deadline = time.monotonic() + 5
                while not control[parallel._claimed(0)] and not future.done():
                    assert time.monotonic() < deadline, "the job never claimed a chunk"
                    time.sleep(0.001)
        return FutureJob(future)

    def delivered(self) -> list[int]:
        return [future.result(timeout=5) for future in self.futures]


@pytest.fixture(autouse=True)
def private_temp_folder(tmp_path_factory, monkeypatch) -> Path:
    """A temporary folder of this test's own, to see that the work directories go."""
    folder = tmp_path_factory.mktemp("tmp")
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder
    # (multiprocessing keeps its own pymp-* folder there until the interpreter exits)
    assert list(folder.glob("timeline-viewer-*")) == [], "a work directory was left behind"


@pytest.fixture
def big_folder(tmp_path: Path) -> Path:
    """Enough story files for the helper to be used, with broken ones among them."""
    rng = random.Random(7)
    for index in range(FILES):
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


def test_sharing_with_the_helper_gives_the_same_library(big_folder, monkeypatch):
    alone = load_folder(big_folder)
    helper = ThreadHelper()
    progress = []
    parsed_by: dict[str, int] = {}
    real = loader.load_file

    def counting(root, rel):  # the helper's thread calls it too
        name = threading.current_thread().name
        parsed_by[name] = parsed_by.get(name, 0) + 1
        return real(root, rel)

    monkeypatch.setattr(loader, "load_file", counting)
    shared = load_folder(big_folder, helper=helper, progress=lambda done, total: progress.append(done))
    assert helper.jobs == 1 and helper.delivered()[0] >= 1
    assert_same_library(shared, alone)
    here = parsed_by.pop(threading.current_thread().name)
    [in_helper] = parsed_by.values()
    assert in_helper >= CHUNK  # the helper's results were used, not parsed again here
    assert FILES <= here + in_helper <= FILES + CHUNK  # at most the chunk where they met twice
    assert any(p.file == "0100.txt" and "binary" in p.message for p in shared.problems)
    assert progress == sorted(progress) and progress[-1] == FILES


def test_a_helper_that_is_still_starting_joins_the_load_when_it_is_up(big_folder, monkeypatch):
    alone = load_folder(big_folder)

    class StartsLate(ThreadHelper):
        """Not running at first: ``submit`` says so until a start was asked for, a few chunks ago."""

        def __init__(self) -> None:
            super().__init__(wait_for_claim=False)
            self.start_asked = 0
            self.refused = 0

        def start_in_background(self) -> None:
            self.start_asked += 1

        def submit(self, folder, directory, render=False):
            if not self.start_asked or self.refused < 4:
                self.refused += 1
                return None
            return super().submit(folder, directory, render)

    monkeypatch.setattr(parallel, "MIN_STARTING_FILES", FILES)
    helper = StartsLate()
    slowed_loading_thread(monkeypatch)  # both sides sleep, so neither waits for the GIL
    shared = load_folder(big_folder, helper=helper)
    assert_same_library(shared, alone)
    assert helper.start_asked >= 1 and helper.jobs == 1
    assert 1 <= helper.delivered()[0] <= CHUNKS - 3  # it took chunks from the front, after the start


def test_a_helper_that_dies_is_replaced_by_the_loading_thread(big_folder):
    def claims_everything_then_dies(folder, chunks, directory):
        count = len(chunks)
        with parallel._mapped(os.path.join(directory, "control")) as control:
            for index in range(count):
                control[parallel._claimed(index)] = 1
            for index in range(2):
                payload = pack_results([load_file(big_folder, rel) for rel in chunks[index]])
                Path(parallel._chunk_file(directory, index)).write_bytes(payload)
                control[parallel._ready(index, count)] = 1
        raise RuntimeError("the helper process died")

    shared = load_folder(big_folder, helper=ThreadHelper(claims_everything_then_dies))
    assert_same_library(shared, load_folder(big_folder))


def test_unreadable_results_from_the_helper_are_parsed_again(big_folder):
    def delivers_garbage(folder, chunks, directory):
        count = len(chunks)
        delivered = 0
        with parallel._mapped(os.path.join(directory, "control")) as control:
            for index in range(count):
                control[parallel._claimed(index)] = 1
                if control[parallel._taken(index, count)]:
                    break
                Path(parallel._chunk_file(directory, index)).write_bytes(b"not a payload")
                control[parallel._ready(index, count)] = 1
                delivered += 1
        return delivered

    helper = ThreadHelper(delivers_garbage)
    shared = load_folder(big_folder, helper=helper)
    assert helper.delivered()[0] >= 1  # there was garbage to read, and it was parsed again
    assert_same_library(shared, load_folder(big_folder))


def test_cancelling_while_waiting_for_a_stalled_helper_is_prompt(big_folder):
    saw_stop = []

    def claims_all_but_two_then_stalls(folder, chunks, directory):
        count = len(chunks)
        with parallel._mapped(os.path.join(directory, "control")) as control:
            control[parallel._STARTED] = 1
            for index in range(count - 2):  # the loading thread parses the last two
                control[parallel._claimed(index)] = 1
            deadline = time.monotonic() + 10
            while not control[parallel._STOP] and time.monotonic() < deadline:
                time.sleep(0.001)  # a read stuck on a network share
            saw_stop.append(bool(control[parallel._STOP]))
        return 0

    waiting = threading.Event()
    asked: list[bool] = []

    class NoticesTheWait(ThreadHelper):
        def submit(self, folder, directory, render=False):
            job = super().submit(folder, directory, render)
            real_done = job.done

            def done() -> bool:  # only asked while the loading thread waits for the helper
                asked.append(True)
                if len(asked) >= 5:  # it has been waiting for a while
                    waiting.set()
                return real_done()

            job.done = done
            return job

    helper = NoticesTheWait(claims_all_but_two_then_stalls)
    started = time.monotonic()
    with pytest.raises(LoadCancelled):
        load_folder(big_folder, helper=helper, is_cancelled=waiting.is_set)
    assert time.monotonic() - started < 5  # not the 10 s the helper would stall for
    helper.pool.shutdown(wait=True)
    assert saw_stop == [True]  # the helper was told to stop


def test_cancelling_a_shared_load_stops_the_helper(big_folder):
    stopped_by = []

    def slow_real_job(folder, chunks, directory):
        """The real job's protocol, 20 ms a chunk, noting why it stopped."""
        count = len(chunks)
        with parallel._mapped(os.path.join(directory, "control")) as control:
            for index, chunk in enumerate(chunks):
                if control[parallel._STOP]:
                    stopped_by.append("stop")
                    return index
                control[parallel._claimed(index)] = 1
                if control[parallel._taken(index, count)]:
                    stopped_by.append("met the loading thread")
                    return index
                time.sleep(0.02)
                payload = pack_results([load_file(big_folder, rel) for rel in chunk])
                if control[parallel._STOP]:  # as the real job does before writing
                    stopped_by.append("stop")
                    return index
                Path(parallel._chunk_file(directory, index)).write_bytes(payload)
                control[parallel._ready(index, count)] = 1
        stopped_by.append("end")
        return count

    progress = []
    helper = ThreadHelper(slow_real_job)
    with pytest.raises(LoadCancelled):
        load_folder(big_folder, helper=helper, progress=lambda done, total: progress.append(done),
                    is_cancelled=lambda: len(progress) > 3)
    assert helper.delivered()[0] < CHUNKS // 2
    assert stopped_by == ["stop"]


def test_a_stuck_helper_is_given_up_and_its_chunks_parsed_here(big_folder, monkeypatch):
    monkeypatch.setattr(parallel, "STALL_SECONDS", 0.3)

    def claims_everything_then_hangs(folder, chunks, directory):
        with parallel._mapped(os.path.join(directory, "control")) as control:
            for index in range(len(chunks)):
                control[parallel._claimed(index)] = 1
            while not control[parallel._STOP]:  # until the load is over
                time.sleep(0.001)
        return 0

    started = time.monotonic()
    shared = load_folder(big_folder, helper=ThreadHelper(claims_everything_then_hangs))
    assert time.monotonic() - started < 3
    assert_same_library(shared, load_folder(big_folder))


@pytest.mark.parametrize("failure", ["no temporary folder", "no room for the control file"])
def test_no_room_in_the_temporary_folder_means_parsing_alone(big_folder, monkeypatch, failure):
    def mkdtemp(*args, **kwargs):
        if failure == "no temporary folder":
            raise OSError(28, "No space left on device")
        return str(big_folder / "not-a-folder" / "work")  # writing the control file fails

    monkeypatch.setattr(parallel.tempfile, "mkdtemp", mkdtemp)
    helper = ThreadHelper()
    assert_same_library(load_folder(big_folder, helper=helper), load_folder(big_folder))
    assert helper.jobs == 0


def test_small_folders_never_wake_the_helper(tmp_path_factory, big_folder):
    folder = tmp_path_factory.mktemp("small")
    for i in range(10):
        (folder / f"{i}.txt").write_text("Headline\nTimeline\n2020 – text\n", encoding="utf-8")
    with ParseHelper() as helper:
        assert len(load_folder(folder, helper=helper).stories) == 10
        # Nor does a folder that would be loaded before a helper could start.
        assert len(load_folder(big_folder, helper=helper).results) == FILES
        assert helper.pid is None and helper._starting is None  # no process, none starting


def slowed_loading_thread(monkeypatch, after=None):
    """Slow down this process's parsing (not the helper's), so that the helper surely takes part.

    ``after(n)`` is called with the number of files parsed here so far.
    """
    real = loader.load_file
    parsed = []

    def slow(root, rel):
        time.sleep(0.001)
        parsed.append(rel)
        if after is not None:
            after(len(parsed))
        return real(root, rel)

    monkeypatch.setattr(loader, "load_file", slow)


def counted_deliveries(monkeypatch) -> list[int]:
    unpacked: list[int] = []
    real = parallel.unpack_results

    def counting(payload):
        results = real(payload)
        unpacked.append(len(results))
        return results

    monkeypatch.setattr(parallel, "unpack_results", counting)
    return unpacked


def test_the_real_helper_process_parses_part_of_the_folder(big_folder, monkeypatch):
    alone = load_folder(big_folder)
    with ParseHelper() as helper:
        pid = helper.start()
        assert pid is not None and pid != os.getpid()
        slowed_loading_thread(monkeypatch)
        unpacked = counted_deliveries(monkeypatch)
        assert_same_library(load_folder(big_folder, helper=helper), alone)
        assert sum(unpacked) >= CHUNK  # the helper process parsed some of it
        assert helper.pid == pid  # and is ready for the next load
    assert helper.pid is None
    assert helper.submit(big_folder, "") is None  # a helper once shut down takes no more work


def export_of(folder, helper=None) -> str:
    out = io.StringIO()
    export_folder(folder, out, helper)
    return out.getvalue()


def test_the_export_written_with_the_helper_is_the_same_document(big_folder):
    alone = export_of(big_folder)
    helper = ThreadHelper()
    assert export_of(big_folder, helper) == alone
    assert helper.delivered()[0] >= 1  # some stories were written as JSON by the helper
    assert json.loads(alone)["stories"][0]["file"] == "0000.txt"


def test_the_export_written_with_the_real_helper_process_is_the_same_document(big_folder, monkeypatch):
    alone = export_of(big_folder)
    with ParseHelper() as helper:
        helper.start()
        slowed_loading_thread(monkeypatch)
        unpacked = counted_deliveries(monkeypatch)
        assert export_of(big_folder, helper) == alone
        assert sum(unpacked) > 0


posix_signals = pytest.mark.skipif(not hasattr(signal, "SIGSTOP"), reason="needs POSIX signals")


def gone(pid: int, within: float) -> bool:
    deadline = time.monotonic() + within
    while parallel._process_exists(pid):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@posix_signals
def test_a_killed_helper_process_is_replaced_for_the_next_load(big_folder, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_STARTING_FILES", 0)  # restart it even for this small folder
    alone = load_folder(big_folder)
    with ParseHelper() as helper:
        pid = helper.start()

        def kill_the_helper(parsed: int) -> None:
            if parsed == 20:
                os.kill(pid, signal.SIGKILL)

        slowed_loading_thread(monkeypatch, after=kill_the_helper)
        assert_same_library(load_folder(big_folder, helper=helper), alone)
        slowed_loading_thread(monkeypatch)
        unpacked = counted_deliveries(monkeypatch)
        assert_same_library(load_folder(big_folder, helper=helper), alone)
        assert sum(unpacked) > 0  # a new helper process took part in the next load
        assert helper.pid not in (None, pid)


@posix_signals
def test_a_helper_stuck_in_a_cancelled_load_is_busy_then_replaced_when_it_dies(big_folder, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_STARTING_FILES", 0)  # restart it even for this small folder
    alone = load_folder(big_folder)
    with ParseHelper() as helper:
        pid = helper.start()
        unpacked = counted_deliveries(monkeypatch)

        def stop_the_helper_then_cancel(parsed: int) -> None:
            if parsed == 1:
                os.kill(pid, signal.SIGSTOP)  # stuck, say on a dead network share

        slowed_loading_thread(monkeypatch, after=stop_the_helper_then_cancel)
        progress = []
        with pytest.raises(LoadCancelled):
            load_folder(big_folder, helper=helper, progress=lambda done, total: progress.append(done),
                        is_cancelled=lambda: len(progress) > 20)
        assert helper.submit(big_folder, "unused") is None  # busy with the cancelled load's job
        os.kill(pid, signal.SIGKILL)
        assert gone(pid, within=5)
        unpacked.clear()
        slowed_loading_thread(monkeypatch)
        assert_same_library(load_folder(big_folder, helper=helper), alone)
        assert sum(unpacked) > 0  # the next load had a new helper, not the dead one's job


@posix_signals
def test_ctrl_c_in_the_terminal_leaves_the_helper_running(big_folder, monkeypatch):
    with ParseHelper() as helper:
        pid = helper.start()
        os.kill(pid, signal.SIGINT)
        time.sleep(0.2)
        assert helper.pid == pid
        slowed_loading_thread(monkeypatch)
        unpacked = counted_deliveries(monkeypatch)
        load_folder(big_folder, helper=helper)
        assert sum(unpacked) > 0


@posix_signals
def test_shutdown_stops_a_helper_that_does_not_answer(big_folder):
    helper = ParseHelper()
    pid = helper.start()
    os.kill(pid, signal.SIGSTOP)  # neither reads its pipe nor handles SIGTERM
    started = time.monotonic()
    helper.shutdown(timeout=0.3)
    assert time.monotonic() - started < 3
    assert gone(pid, within=2)


@posix_signals
def test_the_helper_process_leaves_when_the_application_crashes_during_a_job(tmp_path, big_folder):
    # The helper gets a job of the same files 100 times over (seconds of work)
    # and the application is killed as soon as the job has started.
    script = textwrap.dedent("""
        import os, signal, sys, time
        from pathlib import Path
        from viewer.model import parallel

        if __name__ == "__main__":
            folder = Path(sys.argv[1])
            names = sorted(p.name for p in folder.glob("*.txt"))
            chunks = [names[i: i + 50] for i in range(0, len(names), 50)] * 100
            directory = parallel._make_work_directory(chunks)
            helper = parallel.ParseHelper()
            print(helper.start(), directory, flush=True)
            helper.submit(folder, directory)
            with parallel._mapped(os.path.join(directory, "control")) as control:
                while not control[parallel._STARTED]:
                    time.sleep(0.001)
            os.kill(os.getpid(), signal.SIGKILL)  # no clean-up of any kind
    """)
    path = tmp_path / "crash.py"
    path.write_text(script, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(Path(__file__).resolve().parents[2]))
    result = subprocess.run([sys.executable, str(path), str(big_folder)], capture_output=True, text=True,
                            env=env, timeout=60)
    assert result.returncode == -signal.SIGKILL, result.stderr
    pid_text, directory = result.stdout.split()
    killed_at = time.monotonic()
    assert gone(int(pid_text), within=10), "the helper process outlived the application"
    # It left at once, not after its job (which alone takes several seconds).
    assert time.monotonic() - killed_at < 2.5
    assert not Path(directory).exists()  # and removed the job's work directory


@posix_signals
def test_work_directories_of_a_killed_application_are_removed_by_the_next_load(big_folder,
                                                                             private_temp_folder):
    # An application killed before its helper took the job leaves its directory.
    crashed = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                             capture_output=True, text=True, check=True)
    dead_pid = int(crashed.stdout)
    left = private_temp_folder / f"timeline-viewer-{dead_pid}-abc123"
    left.mkdir()
    (left / "control").write_bytes(b"\0" * 10)
    running = private_temp_folder / f"timeline-viewer-{os.getpid()}-def456"  # not abandoned
    running.mkdir()
    load_folder(big_folder, helper=ThreadHelper())
    assert not left.exists()
    assert running.exists()
    running.rmdir()


@posix_signals
def test_a_job_for_a_frozen_helper_does_not_block(big_folder):
    names = [f"{i:04d}.txt" for i in range(10_000)]  # a big job, were it sent through the pipe
    with ParseHelper() as helper:
        pid = helper.start()
        os.kill(pid, signal.SIGSTOP)  # alive, but reads nothing
        directory = parallel._make_work_directory([names[i: i + 100] for i in range(0, 10_000, 100)])
        try:
            started = time.monotonic()
            job = helper.submit(big_folder, directory)
            assert job is not None and not job.done()
            assert time.monotonic() - started < 1
        finally:
            os.kill(pid, signal.SIGKILL)
            shutil.rmtree(directory, ignore_errors=True)
