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
control file, and results come back as files, not through a pipe: a
``ProcessPoolExecutor`` feeds and drains its pipes from a thread in this
process, and that thread waited for the GIL, held by the loading thread, at
every turn (measured: the helper then managed a tenth of the chunks). Only
the job itself (a list of names) and its outcome go through a pipe, written
and polled by the loading thread directly. Each chunk has three flags, each
written by one side only:

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
could not start, died, wrote something unreadable, or delivered nothing for
``STALL_SECONDS``) are parsed in the loading thread, and a new helper process
is started for the next load. A
chunk marked ready is read only after the helper wrote and closed its file
(system calls order the two); a torn file would fail to unpack and be parsed
again.

The helper is one ``multiprocessing.Process`` that this module starts, feeds
through a pipe and stops itself, rather than a ``ProcessPoolExecutor``: it
can then be told apart when busy, be terminated when it does not stop (a read
stuck on a network share), and it leaves with the application even when the
application crashes. It is started with ``forkserver`` where there is one,
never with a plain ``fork`` of the application: forking a process that runs
Qt's threads can deadlock the child. The forkserver and ``spawn`` import the
application's main module in the helper, so a script that loads with a helper
needs the usual ``if __name__ == "__main__":`` guard (the ``timeline-viewer``
command and ``python -m viewer`` have it).
"""

from __future__ import annotations

import contextlib
import logging
import marshal
import mmap
import multiprocessing
import multiprocessing.connection
import os
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

from viewer.model.cache import pack_results, unpack_results
from viewer.model.story import FileResult

__all__ = ["MIN_SHARED_FILES", "HelperJob", "ParseHelper", "parse_shared"]

_log = logging.getLogger(__name__)

MIN_SHARED_FILES = 400
"""Below this many files to parse, the loading thread parses them alone.

400 files parse in about 35 ms, in the time the helper takes to notice it has
work; a small folder should not wake it.
"""

MIN_STARTING_FILES = 2000
"""Below this many files to parse, a helper that is not running yet is not started for them.

Starting one takes about a tenth of a second, in which this thread parses
a thousand files: a smaller load would be over before the helper joins,
and a one-off export (the command line) would only wait for it to stop.
The window starts its helper after its first load whatever its size.
"""

_CHUNKS = 64
"""About this many chunks per load: enough for the two sides to meet near the
ideal split, few enough that each chunk's file and flags cost little."""
_CHUNK_LIMITS = (16, 256)

STOP_TIMEOUT = 2.0
"""Seconds the helper gets to finish its chunk and stop before it is terminated."""

STALL_SECONDS = 2.0
"""The least time without a delivered chunk after which the loading thread
stops waiting for the helper and parses the helper's chunks itself (more if
its own chunks took long: ten times a chunk's time here)."""

# The control file: byte 0 asks the helper to stop, byte 1 says it started;
# then the three flag arrays.
_STOP = 0
_STARTED = 1
_FLAGS = 2


def _claimed(index: int) -> int:
    return _FLAGS + index


def _taken(index: int, chunks: int) -> int:
    return _FLAGS + chunks + index


def _ready(index: int, chunks: int) -> int:
    return _FLAGS + 2 * chunks + index


def _chunk_file(directory: str, index: int) -> str:
    return os.path.join(directory, f"{index}.packed")


@contextlib.contextmanager
def _mapped(path: str) -> Iterator[mmap.mmap]:
    with open(path, "r+b") as handle, mmap.mmap(handle.fileno(), 0) as control:
        yield control


# In the helper process: the running job's control map, through which the
# job is stopped if the application dies, and an event set while no job runs.
_current_control: mmap.mmap | None = None
_no_job_running = threading.Event()
_no_job_running.set()


def _job_chunks(directory: str) -> list[list[str]]:
    """The chunks of names a work directory was made for."""
    with open(os.path.join(directory, "chunks"), "rb") as handle:
        chunks: list[list[str]] = marshal.load(handle)
    return chunks


def _parse_job(folder: str, directory: str, render: bool = False) -> int:
    """In the helper process: parse chunks from the front until the loading thread's.

    With ``render``, each chunk's stories are also written as their lines of
    the JSON export (see ``parse_shared``).

    When the loading thread has finished with the work directory before this
    job (it does not wait for the job), the job removes it.

    Returns:
        How many chunks it delivered.
    """
    # Imported here: the loader imports this module, and export the loader.
    from viewer.model.export import story_line
    from viewer.model.loader import collector_paused, load_file

    global _current_control
    root = Path(folder)
    chunks = _job_chunks(directory)
    count = len(chunks)
    delivered = 0
    try:
        with _mapped(os.path.join(directory, "control")) as control:
            _current_control = control
            control[_STARTED] = 1
            for index, chunk in enumerate(chunks):
                if control[_STOP]:
                    break
                control[_claimed(index)] = 1
                if control[_taken(index, count)]:
                    break
                with collector_paused():
                    results = [load_file(root, rel) for rel in chunk]
                    payload = pack_results(results)
                    if render:
                        lines = [None if r.story is None else story_line(r.story) for r in results]
                        payload = marshal.dumps((payload, lines))
                if control[_STOP]:
                    break
                try:
                    with open(_chunk_file(directory, index), "wb") as out:
                        out.write(payload)
                except OSError:
                    break  # no room left, or the load is over and its directory gone
                control[_ready(index, count)] = 1
                delivered += 1
            abandoned = control[_STOP]
    finally:
        _current_control = None
    if abandoned:
        # The loading thread may have removed the directory before this job's
        # last write; whatever that write left is removed here.
        shutil.rmtree(directory, ignore_errors=True)
    return delivered


def _helper_main(connection: multiprocessing.connection.Connection) -> None:
    """The helper process: run the jobs that come through ``connection`` until told to stop."""
    # Ctrl+C in the terminal is for the application, which then stops us.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        # Leave with the application even when it crashes in the middle of a
        # job: the pipe's end of file would only be read after the job.
        def exit_with_parent() -> None:
            multiprocessing.connection.wait([parent.sentinel])
            control = _current_control
            if control is not None:
                # Stop the job as the loading thread would: it ends after its
                # current chunk and, seeing the stop, removes its directory.
                with contextlib.suppress(ValueError):  # the job closed the map meanwhile
                    control[_STOP] = 1
                _no_job_running.wait(STOP_TIMEOUT)
            os._exit(0)

        threading.Thread(target=exit_with_parent, name="exit-with-parent", daemon=True).start()
    try:
        connection.send(os.getpid())
    except OSError:
        return  # the application went away while this process started
    while True:
        try:
            job = connection.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        _no_job_running.clear()
        try:
            outcome: tuple[str, Any] = ("done", _parse_job(*job))
        except Exception as exc:  # noqa: BLE001 - reported to the loading thread, which parses instead
            outcome = ("failed", f"{type(exc).__name__}: {exc}")
        finally:
            _no_job_running.set()
        try:
            connection.send(outcome)
        except OSError:
            return


def _start_method() -> str:
    return "forkserver" if "forkserver" in multiprocessing.get_all_start_methods() else "spawn"


class HelperJob:
    """One job sent to one helper process: finished, failed, or still running."""

    def __init__(self, helper: ParseHelper, process: Any, connection: Any) -> None:
        self._helper = helper
        self._process: Any = process
        self._connection: Any = connection
        self._outcome: tuple[str, Any] | None = None

    def done(self) -> bool:
        """True once the job finished, failed, or its helper process went away."""
        with self._helper._lock:
            return self._poll_locked()

    def _poll_locked(self) -> bool:
        if self._outcome is not None:
            return True
        connection: Any = self._connection
        if self._helper._connection is not connection:
            self._settle("the helper process was stopped")
            return True
        try:
            if self._connection.poll():  # (not ``connection``: mypy narrows it by the ``is not``)
                self._outcome = self._connection.recv()
                return True
        except Exception as exc:  # noqa: BLE001 - EOF, a broken pipe: the process is gone
            self._settle(f"lost the helper process: {exc!r}")
        else:
            if self._process.is_alive():
                return False
            self._settle(f"the helper process exited with code {self._process.exitcode}")
        _retire(self._helper._detach_locked(), 0.0)  # a dead process: nothing to wait for
        return True

    def _settle(self, reason: str) -> None:
        if self._outcome is None:
            self._outcome = ("failed", reason)

    def error(self) -> str | None:
        """Why the job failed, or None if it did not (or is still running)."""
        outcome = self._outcome
        return outcome[1] if outcome is not None and outcome[0] == "failed" else None


class _Retired(NamedTuple):
    process: Any
    connection: Any


def _retire(retired: _Retired | None, timeout: float) -> None:
    """Stop a detached helper process: ask it to end, terminate it after ``timeout``, then kill it."""
    if retired is None:
        return
    process, connection = retired
    with contextlib.suppress(OSError, ValueError):
        connection.send(None)
    connection.close()
    process.join(timeout)
    for stop in (process.terminate, process.kill):
        if not process.is_alive():
            break
        stop()
        process.join(1.0)


class ParseHelper:
    """One helper process, started on demand and restarted after a failure.

    It runs one job at a time; while it is busy (a cancelled load's job still
    finishing its chunk) a new load parses alone. Thread-safe: the loading
    thread submits jobs while the GUI thread may shut the helper down.
    """

    RETRY_AFTER = 60.0
    """Seconds before a helper that failed to start is tried again in the background."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards the process, its pipe and its job
        self._start_lock = threading.Lock()  # one start at a time, without holding _lock
        self._process: Any = None  # multiprocessing's process class depends on the start method
        self._connection: multiprocessing.connection.Connection | None = None
        self._job: HelperJob | None = None
        self._last_directory: str | None = None
        self._starting: threading.Thread | None = None
        self._failed_at: float | None = None
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The helper process's id while it runs."""
        process = self._process
        return process.pid if process is not None and process.is_alive() else None

    def start(self) -> int | None:
        """Start the helper process now, if it is not running, and wait until it is ready.

        A start takes about a tenth of a second (a new interpreter imports the
        model), so this blocks: call it from a worker thread, never the GUI's.
        Submitting work meanwhile does not wait for it.

        Returns:
            The helper's process id, or None when it could not be started.
        """
        with self._start_lock:
            with self._lock:
                if self._closed:
                    return None
                if self._process is not None and self._process.is_alive():
                    return int(self._process.pid)
                retired = self._detach_locked()
            _retire(retired, 0.0)
            process = here = None
            try:
                context: Any = multiprocessing.get_context(_start_method())
                if context.get_start_method() == "forkserver":
                    # The server imports the model once; each helper it forks
                    # then starts in milliseconds.
                    context.set_forkserver_preload([__name__, "viewer.model.loader"])
                here, there = context.Pipe()
                process = context.Process(target=_helper_main, args=(there,),
                                          name="timeline-viewer-parse-helper", daemon=True)
                try:
                    process.start()
                finally:
                    there.close()
                if not here.poll(30):
                    raise TimeoutError("the helper process did not report within 30 s")
                pid = int(here.recv())
            except Exception as exc:  # noqa: BLE001 - a helper that will not start only makes loads slower
                _log.info("the parse helper did not start: %s: %s", type(exc).__name__, exc)
                if process is not None and here is not None:
                    _retire(_Retired(process, here), 0.0)
                elif here is not None:
                    here.close()
                self._failed_at = time.monotonic()
                return None
            with self._lock:
                self._process, self._connection = process, here
                self._failed_at = None
                if not self._closed:
                    return pid
                retired = self._detach_locked()  # shut down while it started
            _retire(retired, STOP_TIMEOUT)
            return None

    def start_in_background(self) -> None:
        """Start the helper process in a daemon thread, unless it runs, is starting, or just failed to."""
        with self._lock:
            if self._closed or (self._process is not None and self._process.is_alive()):
                return
            if self._starting is not None and self._starting.is_alive():
                return
            if self._failed_at is not None and time.monotonic() - self._failed_at < self.RETRY_AFTER:
                return
            self._starting = threading.Thread(target=self.start, name="parse-helper-start", daemon=True)
            self._starting.start()

    def submit(self, folder: Path, directory: str, render: bool = False) -> HelperJob | None:
        """Give the helper a job (``_parse_job``'s arguments) if it is running and idle.

        Never waits for the helper to start: None means the caller parses alone for now.
        The message is a few hundred bytes (the names are in the work directory),
        so sending it never blocks, even to a helper that reads nothing.
        """
        with self._lock:
            if self._closed or self._process is None or self._connection is None:
                return None
            if self._job is not None and not self._job._poll_locked():
                return None  # still busy with an earlier job
            if self._process is None or self._connection is None or not self._process.is_alive():
                _retire(self._detach_locked(), 0.0)
                return None
            try:
                self._connection.send((os.fspath(folder), directory, render))
            except (OSError, ValueError) as exc:
                _log.info("the parse helper cannot take work: %s", exc)
                _retire(self._detach_locked(), 0.0)
                return None
            self._job = HelperJob(self, self._process, self._connection)
            self._last_directory = directory
            return self._job

    def _detach_locked(self) -> _Retired | None:
        """Forget the helper process, failing its pending job; the caller stops it with ``_retire``."""
        process, connection = self._process, self._connection
        self._process = self._connection = None
        if self._job is not None:
            self._job._settle("the helper process was stopped")
            self._job = None
        if process is None or connection is None:
            return None
        return _Retired(process, connection)

    def shutdown(self, timeout: float = STOP_TIMEOUT) -> None:
        """Stop the helper process; later submits return None.

        The helper ends after its current chunk; one still running after
        ``timeout`` seconds (stuck reading a file) is terminated. Call it
        when no load uses the helper any more: the last job's work directory
        is removed in case its helper could not remove it.
        """
        with self._lock:
            self._closed = True
            starting = self._starting
        if starting is not None:
            starting.join(10.0)  # a start under way ends, and stops what it started
        with self._lock:
            retired = self._detach_locked()
            directory, self._last_directory = self._last_directory, None
        _retire(retired, timeout)
        if directory is not None:
            shutil.rmtree(directory, ignore_errors=True)

    def __enter__(self) -> ParseHelper:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.shutdown()


_WORK_PREFIX = "timeline-viewer-"


def _make_work_directory(chunks: list[list[str]]) -> str | None:
    """A private directory with the job's names and a zeroed control file; None if there is no room.

    Named after this process, so that a later load can remove what a killed
    application left behind (see ``_remove_abandoned_work_directories``).
    """
    _remove_abandoned_work_directories()
    try:
        directory = tempfile.mkdtemp(prefix=f"{_WORK_PREFIX}{os.getpid()}-")
    except OSError as exc:
        _log.info("no directory for the parse helper's results, parsing alone: %s", exc)
        return None
    try:
        with open(os.path.join(directory, "chunks"), "wb") as handle:
            marshal.dump(chunks, handle)
        with open(os.path.join(directory, "control"), "wb") as handle:
            handle.write(bytes(_FLAGS + 3 * len(chunks)))
    except OSError as exc:
        _log.info("no room for the parse helper's control file, parsing alone: %s", exc)
        shutil.rmtree(directory, ignore_errors=True)
        return None
    return directory


def _remove_abandoned_work_directories() -> None:
    """Remove work directories of applications that no longer run (killed in mid-load).

    Only where a process can be probed without touching it (POSIX); a
    directory whose process id was reused is left alone, which is safe.
    """
    if os.name != "posix":
        return
    try:
        with os.scandir(tempfile.gettempdir()) as entries:
            names = [entry.name for entry in entries if entry.name.startswith(_WORK_PREFIX)]
    except OSError:
        return
    for name in names:
        pid_text = name[len(_WORK_PREFIX):].partition("-")[0]
        if pid_text.isdigit() and not _process_exists(int(pid_text)):
            shutil.rmtree(os.path.join(tempfile.gettempdir(), name), ignore_errors=True)


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # someone else's process
    return True


def parse_shared(
    folder: Path,
    names: list[str],
    helper: ParseHelper,
    parse: Callable[[Path, str], FileResult],
    tick: Callable[[int, bool], None],
    lines: dict[str, str] | None = None,
) -> dict[str, FileResult]:
    """Parse ``names`` here and in the helper process at once.

    Args:
        folder: the opened folder.
        names: the files to parse, relative to it.
        helper: the helper process. If it is not running yet it is started
            in the background and joins in when it is ready.
        parse: how this thread parses one file (``loader.load_file``; the
            helper always uses that).
        tick: called between files as ``tick(done, waiting)``, with how many
            of ``names`` are done so far, and ``waiting`` True while this
            thread waits for the helper; it reports progress and raises to
            cancel the load.
        lines: if given, each story's line of the JSON export is added to it
            (by relative path) as the story is parsed, on both sides: writing
            the export takes longer than parsing, and this shares it out too.

    Returns:
        Every file's result, by relative path.
    """
    from viewer.model.export import story_line  # export imports the loader, which imports this

    size = min(max(len(names) // _CHUNKS, _CHUNK_LIMITS[0]), _CHUNK_LIMITS[1])
    chunks = [names[start: start + size] for start in range(0, len(names), size)]
    count = len(chunks)
    results: dict[str, FileResult] = {}
    done = 0
    parsing_seconds = 0.0  # this thread's, to tell a slow helper from a stuck one
    chunks_parsed = 0

    def parse_here(chunk: list[str]) -> None:
        nonlocal done, parsing_seconds, chunks_parsed
        started_at = time.perf_counter()
        for rel in chunk:
            tick(done, False)
            result = results[rel] = parse(folder, rel)
            if lines is not None and result.story is not None:
                lines[rel] = story_line(result.story)
            done += 1
        parsing_seconds += time.perf_counter() - started_at
        chunks_parsed += 1

    directory = _make_work_directory(chunks)
    if directory is None:
        for chunk in chunks:
            parse_here(chunk)
        return results
    job: HelperJob | None = None
    try:
        with _mapped(os.path.join(directory, "control")) as control:

            def take_from_helper(index: int) -> None:
                """Add the helper's results for a chunk it delivered, or parse it here."""
                nonlocal done
                chunk = chunks[index]
                try:
                    with open(_chunk_file(directory, index), "rb") as packed:
                        payload = packed.read()
                    rendered: list[str | None] = []
                    if lines is not None:
                        payload, rendered = marshal.loads(payload)
                    unpacked = unpack_results(payload)
                    if [result.file for result in unpacked] != chunk or (
                            lines is not None and len(rendered) != len(chunk)):
                        raise ValueError("the helper's results do not match its chunk")
                except Exception as exc:  # noqa: BLE001 - a failed helper only costs time
                    _log.info("parsing %d files here, not in the helper: %s: %s",
                              len(chunk), type(exc).__name__, exc)
                    parse_here(chunk)
                    return
                results.update(zip(chunk, unpacked))
                if lines is not None:
                    lines.update((rel, line) for rel, line in zip(chunk, rendered) if line is not None)
                done += len(chunk)
                tick(done, False)

            try:
                front = 0  # chunks before this one came back from the helper
                back = count  # chunks from this one on were parsed here
                while front < back:
                    if job is None:
                        job = helper.submit(folder, directory, lines is not None)
                        if job is None and len(names) >= MIN_STARTING_FILES:
                            helper.start_in_background()
                    if job is not None and control[_ready(front, count)]:
                        take_from_helper(front)
                        front += 1
                    elif job is None or not control[_claimed(back - 1)]:
                        control[_taken(back - 1, count)] = 1
                        back -= 1
                        parse_here(chunks[back])
                    else:
                        break
                # Everything left was claimed by the helper: take it as it
                # comes, unless the helper stopped, or seems stuck (a read on
                # a dead network share): then this thread parses it too, which
                # the protocol allows (it keeps its own results).
                patience = max(STALL_SECONDS, 10 * parsing_seconds / max(1, chunks_parsed))
                last_progress = time.monotonic()
                while front < back:
                    assert job is not None
                    if control[_ready(front, count)]:
                        take_from_helper(front)
                        front += 1
                        last_progress = time.monotonic()
                    elif job.done() or time.monotonic() - last_progress > patience:
                        if job.error() is not None:
                            _log.info("the parse helper failed: %s", job.error())
                        elif not job.done():
                            _log.info("the parse helper has delivered nothing for %.1f s; "
                                      "parsing its part here", patience)
                            last_progress = float("-inf")  # and do not wait for it again
                        parse_here(chunks[front])
                        front += 1
                    else:
                        tick(done, True)
                        time.sleep(0.002)
            finally:
                control[_STOP] = 1  # done, failed or cancelled: the helper need not go on
    finally:
        # Not waiting for the helper: it stops after its current chunk, and
        # removes whatever it writes into the directory after this.
        shutil.rmtree(directory, ignore_errors=True)
    return results
