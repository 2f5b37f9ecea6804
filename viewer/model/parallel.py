"""A helper process that parses story files alongside the loading thread.

Parsing is pure Python and holds the GIL, so a second thread cannot speed it
up; a second process can. On the 2-core machine the benchmark runs on, two
processes each parsing half of a 10,000-file folder finish in the time one
takes for half (``tests/benchmarks/run_benchmarks.py`` prints the load with
and without the helper).

How the work is shared: the files to parse are cut into chunks, in path order.
The helper works through them from the front, the loading thread from the
back, and they meet wherever their speeds make them meet, so a helper that is
slow, busy or still starting costs nothing but the share it did not do.

The two sides agree on who parses which chunk through a small memory-mapped
control file, not through pipes: a pipe needs a thread in this process to
feed and drain it, and that thread would wait for the GIL, held by the
loading thread, at every turn (measured: the helper then managed a tenth of
the chunks). Each chunk has three flags, each written by one side only:

- ``claimed``: the helper sets it before parsing the chunk, then reads
  ``taken``; if that is set, it stops.
- ``taken``: the loading thread sets it before parsing the chunk itself, and
  only if ``claimed`` was not set when it looked.
- ``ready``: the helper sets it after writing the chunk's results to a file.

Whatever the order in which the two sides see each other's writes, every chunk
is parsed: the helper stops only at a chunk the loading thread has taken, and
the loading thread leaves a chunk only to a helper that has claimed it. At
worst both parse one chunk, and the loading thread keeps its own results.

The helper writes each chunk's results in the model cache's flat format
(``pack_results``), which the loading thread rebuilds in a fraction of the
time parsing took; it does so between its own chunks, so little is left when
the two meet.

The load never depends on the helper: chunks it did not deliver (its process
could not start, died, or wrote something unreadable) are parsed in the
loading thread, and a new helper process is started for the next load.

The helper process is started with ``forkserver`` (``spawn`` where there is no
fork), never with a plain ``fork`` of the application: forking a process that
runs Qt's threads can deadlock the child.
"""

from __future__ import annotations

import concurrent.futures as cf
import contextlib
import logging
import mmap
import multiprocessing
import os
import shutil
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from viewer.model.cache import pack_results, unpack_results
from viewer.model.story import FileResult

__all__ = ["MIN_SHARED_FILES", "ParseHelper", "parse_shared"]

_log = logging.getLogger(__name__)

MIN_SHARED_FILES = 400
"""Below this many files to parse, the loading thread parses them alone.

400 files parse in about 35 ms, in the time the helper takes to notice it has
work; a small folder should not wake it.
"""

_CHUNKS = 64
"""About this many chunks per load: enough for the two sides to meet near the
ideal split, few enough that each chunk's file and flags cost little."""
_CHUNK_LIMITS = (16, 256)

# The control file: byte 0 asks the helper to stop; then the three flag arrays.
_STOP = 0


def _claimed(index: int) -> int:
    return 1 + index


def _taken(index: int, chunks: int) -> int:
    return 1 + chunks + index


def _ready(index: int, chunks: int) -> int:
    return 1 + 2 * chunks + index


def _chunk_file(directory: str, index: int) -> str:
    return os.path.join(directory, f"{index}.packed")


@contextlib.contextmanager
def _mapped(path: str) -> Iterator[mmap.mmap]:
    with open(path, "r+b") as handle, mmap.mmap(handle.fileno(), 0) as control:
        yield control


def _parse_job(folder: str, chunks: list[list[str]], directory: str) -> int:
    """In the helper process: parse chunks from the front until the loading thread's.

    Returns:
        How many chunks it delivered.
    """
    # Imported here: the loader imports this module.
    from viewer.model.loader import collector_paused, load_file

    root = Path(folder)
    count = len(chunks)
    delivered = 0
    with _mapped(os.path.join(directory, "control")) as control:
        for index, chunk in enumerate(chunks):
            if control[_STOP]:
                break
            control[_claimed(index)] = 1
            if control[_taken(index, count)]:
                break
            with collector_paused():
                payload = pack_results([load_file(root, rel) for rel in chunk])
            try:
                with open(_chunk_file(directory, index), "wb") as out:
                    out.write(payload)
            except OSError:
                break  # the load is over and its directory gone
            control[_ready(index, count)] = 1
            delivered += 1
    return delivered


def _process_id() -> int:
    """In the helper process: nothing to do but say it is running."""
    return os.getpid()


def _start_method() -> str:
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class ParseHelper:
    """One helper process, started on first use and restarted after a failure.

    Thread-safe: the loading thread submits work while the GUI thread may shut
    the helper down.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._executor: cf.ProcessPoolExecutor | None = None
        self._closed = False

    def start(self) -> int | None:
        """Start the helper process now, so that the next large load finds it ready.

        Starting takes a few tenths of a second (a new interpreter imports the
        model), so this blocks: call it from a worker thread, never the GUI's.

        Returns:
            The helper's process id, or None when it could not be started.
        """
        future = self.submit(_process_id)
        if future is None:
            return None
        try:
            return future.result(timeout=60)
        except Exception as exc:  # noqa: BLE001 - a helper that will not start only makes loads slower
            _log.info("the parse helper did not start: %s: %s", type(exc).__name__, exc)
            self.discard()
            return None

    def submit(self, function: Callable[..., object], *args: object) -> cf.Future | None:
        """Run ``function(*args)`` in the helper process; None if it cannot take work."""
        with self._lock:
            if self._closed:
                return None
            try:
                if self._executor is None:
                    context = multiprocessing.get_context(_start_method())
                    if context.get_start_method() == "forkserver":
                        # The server imports the model once; each helper it
                        # forks then starts in milliseconds.
                        context.set_forkserver_preload([__name__, "viewer.model.loader"])
                    self._executor = cf.ProcessPoolExecutor(max_workers=1, mp_context=context)
                return self._executor.submit(function, *args)
            except Exception as exc:  # noqa: BLE001 - BrokenProcessPool, OSError, RuntimeError at exit
                _log.info("the parse helper cannot take work: %s: %s", type(exc).__name__, exc)
                self._discard_locked()
                return None

    def discard(self) -> None:
        """Forget a helper that failed; the next ``submit`` starts a new process."""
        with self._lock:
            self._discard_locked()

    def _discard_locked(self) -> None:
        if self._executor is not None:
            # wait=True: after shutdown(wait=False), Python 3.11 may print an
            # OSError at exit from waking the executor's closed pipe
            # (python/cpython#83279). The helper stops within one chunk.
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None

    def shutdown(self) -> None:
        """Stop the helper process (what it is parsing is dropped); later submits return None."""
        with self._lock:
            self._closed = True
            self._discard_locked()

    def __enter__(self) -> ParseHelper:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()


def _make_work_directory(chunks: int) -> str | None:
    """A private directory with a zeroed control file in it; None where there is no room for one."""
    try:
        directory = tempfile.mkdtemp(prefix="timeline-viewer-")
    except OSError as exc:
        _log.info("no directory for the parse helper's results, parsing alone: %s", exc)
        return None
    try:
        with open(os.path.join(directory, "control"), "wb") as handle:
            handle.write(bytes(1 + 3 * chunks))
    except OSError as exc:
        _log.info("no room for the parse helper's control file, parsing alone: %s", exc)
        shutil.rmtree(directory, ignore_errors=True)
        return None
    return directory


def parse_shared(
    folder: Path,
    names: list[str],
    helper: ParseHelper,
    parse: Callable[[Path, str], FileResult],
    tick: Callable[[int], None],
) -> dict[str, FileResult]:
    """Parse ``names`` here and in the helper process at once.

    Args:
        folder: the opened folder.
        names: the files to parse, relative to it.
        helper: the helper process.
        parse: how this thread parses one file (``loader.load_file``).
        tick: called between files with how many of ``names`` are done so
            far; it reports progress and raises to cancel the load.

    Returns:
        Every file's result, by relative path.
    """
    size = min(max(len(names) // _CHUNKS, _CHUNK_LIMITS[0]), _CHUNK_LIMITS[1])
    chunks = [names[start: start + size] for start in range(0, len(names), size)]
    count = len(chunks)
    results: dict[str, FileResult] = {}
    done = 0

    def parse_here(chunk: list[str]) -> None:
        nonlocal done
        for rel in chunk:
            tick(done)
            results[rel] = parse(folder, rel)
            done += 1

    directory = _make_work_directory(count)
    if directory is None:
        for chunk in chunks:
            parse_here(chunk)
        return results
    job: cf.Future | None = None
    try:
        with _mapped(os.path.join(directory, "control")) as control:
            job = helper.submit(_parse_job, os.fspath(folder), chunks, directory)

            def take_from_helper(index: int) -> None:
                """Add the helper's results for a chunk it delivered, or parse it here."""
                nonlocal done
                chunk = chunks[index]
                try:
                    with open(_chunk_file(directory, index), "rb") as packed:
                        unpacked = unpack_results(packed.read())
                    if [result.file for result in unpacked] != chunk:
                        raise ValueError("the helper's results do not match its chunk")
                except Exception as exc:  # noqa: BLE001 - a failed helper only costs time
                    _log.info("parsing %d files here, not in the helper: %s: %s",
                              len(chunk), type(exc).__name__, exc)
                    parse_here(chunk)
                    return
                results.update(zip(chunk, unpacked))
                done += len(chunk)
                tick(done)

            try:
                front = 0  # chunks before this one came back from the helper
                back = count  # chunks from this one on were parsed here
                while front < back:
                    if job is not None and control[_ready(front, count)]:
                        take_from_helper(front)
                        front += 1
                    elif job is None or not control[_claimed(back - 1)]:
                        control[_taken(back - 1, count)] = 1
                        back -= 1
                        parse_here(chunks[back])
                    else:
                        break
                # Everything left was claimed by the helper: take it as it comes.
                while front < back:
                    assert job is not None
                    if control[_ready(front, count)]:
                        take_from_helper(front)
                        front += 1
                    elif job.done():
                        # The helper stopped (or died) without delivering it.
                        if job.exception() is not None:
                            _log.info("the parse helper failed: %r", job.exception())
                            helper.discard()
                        parse_here(chunks[front])
                        front += 1
                    else:
                        tick(done)
                        time.sleep(0.002)
            finally:
                control[_STOP] = 1  # done, failed or cancelled: the helper need not go on
    finally:
        if job is not None:
            job.cancel()
            with contextlib.suppress(Exception):
                # The helper stops at its next chunk; wait for it so that it
                # does not write into the directory while it is removed.
                job.result(timeout=2)
        shutil.rmtree(directory, ignore_errors=True)
    return results
