"""Worker processes for parsing large folders: ``concurrent.futures``, nothing of our own.

Parsing is pure Python and holds the GIL, so only other processes can use
more cores. A ``ProcessPoolExecutor`` with one worker per available core takes
chunks of files; each worker returns its chunk's results packed in the model
cache's flat format (``cache.pack_results``), which the loading thread
rebuilds in C far faster than it could unpickle them. The loading thread
itself only submits, waits and rebuilds: when it also parsed, it competed with
the workers for the two cores and the pool lost to a single thread.

Measured on 10,000 files (100,000 events) on a 2-core machine: 2.0 s with the
pool against 3.0 s in one thread (``tests/benchmarks/bench_load.py``).

The workers are started with ``spawn`` (the same on every platform, and safe
in a process that already runs Qt's threads, unlike ``fork``), lazily on the
first large load, and kept for the next. A pool that cannot start or whose
worker dies costs one warning and the rest of the load runs in the loading
thread; the pool is not tried again in this process.
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import multiprocessing
import os
import signal
import tempfile
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

__all__ = ["ParsePool", "available_cores", "worker_stopping"]

_log = logging.getLogger(__name__)

ChunkJob = Callable[[str, list[str]], bytes]


def available_cores() -> int:
    """How many cores this process may use (its affinity, not the machine's count)."""
    counter = getattr(os, "process_cpu_count", None)  # Python 3.13
    if counter is not None:
        return counter() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0)) or 1
    return os.cpu_count() or 1


_stopping: str | None = None  # in a worker: the path of the pool's stop file (``_worker_started``)


def worker_stopping() -> bool:
    """In a worker: whether the app is shutting the pool down (its job should end now)."""
    return _stopping is not None and os.path.exists(_stopping)


def _worker_started(stop: str) -> None:
    """Each worker's initializer: note the stop file, and leave with the app.

    Quitting creates the file and a running job ends at its next check (a
    tenth of a second): the workers are never terminated, because a worker
    killed while it writes its result leaves the executor's manager thread
    waiting for the rest of that message, and the app's exit waiting for it.
    A path rather than a multiprocessing Event: a worker still starting when
    the app quits would fail to rebuild the Event's semaphore, already gone,
    and print a traceback to the terminal.

    A worker waits for jobs on a pipe whose writing end it holds itself, so
    it never sees the app go away: an app that is killed (or crashes) would
    leave its workers running for good. A thread waits on the parent's
    sentinel instead.
    """
    global _stopping  # one per worker process, set once by its initializer
    _stopping = stop
    # Ctrl+C in a terminal reaches the whole process group: the app decides what it
    # means and stops the pool; a worker interrupted while writing its result would
    # print a traceback and leave the executor waiting for the rest of the message.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # held while it started (_interrupts_held): ignored from now on
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    parent = multiprocessing.parent_process()
    if parent is not None:
        def watch() -> None:
            parent.join()
            os._exit(0)

        threading.Thread(target=watch, name="leave-with-parent", daemon=True).start()


@contextlib.contextmanager
def _interrupts_held() -> Iterator[None]:
    """Hold Ctrl+C (SIGINT) in this thread while it submits jobs, which is when workers are started.

    A worker inherits the mask of the thread that starts it, so a Ctrl+C that
    reaches the process group while a worker is still starting up (before its
    initializer ignores it) waits instead of killing it: a killed worker
    breaks the pool and the executor prints a traceback as the app exits.
    """
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def _remove(path: str) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


class ParsePool:
    """A lazily started ``ProcessPoolExecutor`` that runs chunk jobs, or says it cannot.

    Args:
        workers: worker processes; by default one per available core.
    """

    MIN_FILES = 1000
    """Fewer files than this are parsed in the loading thread: starting the
    workers (0.2 s) and the round trips would cost more than they save."""

    def chunk_files(self, files: int) -> int:
        """Files per job: about four jobs per worker, so that they finish together,
        but 100 to 1,000 files (a job's round trip costs; a cancelled load
        leaves the running jobs to finish, 0.3 s at most)."""
        return max(100, min(1000, files // (4 * self._workers) + 1))

    def __init__(self, workers: int | None = None) -> None:
        self._workers = workers if workers is not None else available_cores()
        self._executor: ProcessPoolExecutor | None = None
        self._broken = False
        self._stop: str | None = None  # the stop file's path, given to the workers (_worker_started)
        self._lock = threading.Lock()

    @property
    def usable(self) -> bool:
        """False on a single core or after the pool failed once."""
        return self._workers > 1 and not self._broken

    def run(self, job: ChunkJob, root: str, chunks: Sequence[list[str]],
            poll: Callable[[], None]) -> Iterator[tuple[int, bytes | None]]:
        """Run ``job(root, chunk)`` for every chunk in the workers, as they finish.

        Args:
            job: a module-level function (the workers import it by name).
            root: the folder, passed to every job.
            chunks: the files of each job.
            poll: called about ten times a second while waiting; it raises to
                stop (cancelling the jobs not yet started).

        Yields:
            ``(index, payload)`` for each chunk in the order they finish;
            payload None when the pool failed: the caller does that chunk itself.
        """
        futures: dict[Future[bytes], int] = {}
        failed: list[int] = []
        try:
            executor = self._start()
            with _interrupts_held():
                for index, chunk in enumerate(chunks):
                    futures[executor.submit(job, root, chunk)] = index
        except (OSError, RuntimeError, BrokenProcessPool) as exc:
            self._fail(exc)
            failed = [i for i in range(len(chunks)) if i not in futures.values()]
        try:
            pending = set(futures)
            while pending:
                done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                for future in done:
                    try:
                        payload: bytes | None = future.result()
                    except (OSError, BrokenProcessPool) as exc:
                        self._fail(exc)
                        payload = None
                    yield futures[future], payload
                if not done:
                    poll()
        finally:
            for future in futures:
                future.cancel()
        for index in failed:
            yield index, None

    def warm_up(self, job: ChunkJob) -> None:
        """Start the workers and have them import ``job``'s module, without waiting.

        Starting takes 0.4 s of both cores (a Python per worker, importing the
        parser): paid by a large cold load, it cuts its gain from 1.67× to
        1.3×. The window calls this after its first load instead.
        """
        if not self.usable:
            return
        try:
            with _interrupts_held():
                for _ in range(self._workers):
                    self._start().submit(job, "", [])
        except (OSError, RuntimeError, BrokenProcessPool) as exc:
            self._fail(exc)

    def _start(self) -> ProcessPoolExecutor:
        with self._lock:
            if self._broken:
                raise RuntimeError("the parse pool failed earlier")
            if self._executor is None:
                context = multiprocessing.get_context("spawn")
                self._stop = os.path.join(tempfile.gettempdir(), f"timeline-viewer-stop-{uuid.uuid4().hex}")
                self._executor = ProcessPoolExecutor(self._workers, mp_context=context,
                                                     initializer=_worker_started, initargs=(self._stop,))
            return self._executor

    def _fail(self, exc: BaseException) -> None:
        """Warn once, and parse in the loading thread from now on."""
        with self._lock:
            if not self._broken:
                _log.warning("parsing in worker processes failed (%s: %s); parsing in one thread instead",
                             type(exc).__name__, exc)
            self._broken = True
        self.shutdown()

    def shutdown(self) -> None:
        """Stop the workers without waiting: jobs not started are dropped, running ones end at once.

        The running jobs see the stop event within a tenth of a second (even
        one waiting on a file that does not answer), and the workers then
        exit; quitting the app waits only for that.
        """
        with self._lock:
            executor, self._executor = self._executor, None
            stop, self._stop = self._stop, None
        if executor is None:
            return
        if stop is not None:
            try:
                Path(stop).touch()
                atexit.register(_remove, stop)  # when the app ends (the workers end with it)
            except OSError as exc:  # the jobs then run to their end (0.3 s at most), nothing worse
                _log.warning("could not tell the parse workers to stop: %s", exc)
        executor.shutdown(wait=False, cancel_futures=True)

    def __enter__(self) -> ParsePool:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()
