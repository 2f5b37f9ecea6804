"""Folder of story files → ``Library``: discover, read, decode, parse.

Every ``*.txt`` file below the folder is a story, in order of its relative
path. One unreadable, binary or broken file becomes a problem; it never stops
the rest of the folder from loading.

A folder may come from a stranger, so nothing below it is dropped without a
word and nothing outside it is read:

- A link (to a file or a folder) whose target lies outside the opened folder
  is not followed: it is reported, as ``notes.txt -> /etc/passwd`` must not
  show the password file as a story. Links inside are followed once: a link to
  a folder already walked (a loop, or a second way to the same files) and a
  link to a story file already found are passed over, so no story appears
  twice. Checked again when each file is opened (``O_NOFOLLOW``), so a file
  replaced by a link after the walk is not followed either.
- A folder that cannot be listed (no permission, a path longer than the
  system allows, gone during the walk) is listed itself, as ``name/``; reading
  it reports why.
"""

from __future__ import annotations

import contextlib
import errno
import gc
import logging
import os
import stat
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from viewer.model.cache import CacheUnusable, FileStamp, ModelCache, pack_results, unpack_results
from viewer.model.decoding import decode_story_bytes
from viewer.model.parser import parse_story
from viewer.model.pool import ParsePool, worker_stopping
from viewer.model.story import FileResult, Library, Problem, Severity

__all__ = [
    "MAX_FILE_BYTES",
    "LoadCancelled",
    "collector_paused",
    "discover_story_files",
    "load_file",
    "load_files",
    "load_folder",
    "load_folder_then_cache",
    "parse_chunk",
    "scan_story_files",
]

_log = logging.getLogger(__name__)

# A story is a few kilobytes; a huge .txt is a log or a dump, not a story.
MAX_FILE_BYTES = 20 * 1024 * 1024

READ_TIMEOUT = 5.0
"""Seconds a file may take to read before it is reported and skipped (a stuck network or FUSE file)."""

_POLL_SECONDS = 0.1  # how often a wait for a read checks for cancelling

ProgressCallback = Callable[[int, int], None]


class LoadCancelled(Exception):
    """Raised inside ``load_folder`` when the caller asked it to stop."""


def discover_story_files(folder: Path) -> list[str]:
    """Relative paths (with ``/``) of every ``*.txt`` below ``folder``, sorted.

    Hidden folders (``.git``, editors' ``.~lock`` dirs) are skipped: they hold
    copies and swap files, not stories. Also listed, to be reported when read:
    folders that cannot be listed and links to folders outside ``folder``
    (their paths end with ``/``), and links to files outside it.
    """
    return sorted(rel for rel, _ in _story_entries(os.fspath(folder)))


def scan_story_files(folder: Path) -> dict[str, FileStamp | None]:
    """Like ``discover_story_files``, with each file's size and mtime (sorted by path).

    One ``stat`` per file, done while the directory is listed: this is what
    tells the model cache which files changed. It is most of a reopen from the
    cache that is not rebuilding the model (10,000 stats take 12 ms here), so
    the loop is kept lean.

    Returns:
        Relative path → ``(st_size, st_mtime_ns)``, or None where the file
        cannot be statted (a broken link), is a link out of the folder or is
        a folder that could not be listed: it is loaded, and reports why.
    """
    # Sorting the names alone: sorting the (name, entry) pairs took 0.27 s for
    # 100,000 files, in one C call that stalls the GUI thread as well.
    entries = dict(_story_entries(os.fspath(folder)))
    found: dict[str, FileStamp | None] = {}
    for rel in sorted(entries):
        entry = entries[rel]
        if entry is None:
            found[rel] = None
            continue
        try:
            info = entry.stat()
        except OSError:
            found[rel] = None
        else:
            found[rel] = (info.st_size, info.st_mtime_ns)
    return found


def _is_story_name(name: str) -> bool:
    return name[-4:].lower() == ".txt"


def _inside(path: str, real_root: str) -> str | None:
    """``path`` (a real path) relative to ``real_root`` with ``/`` separators, or None if outside it."""
    if path == real_root:
        return ""
    base = real_root if real_root.endswith(os.sep) else real_root + os.sep
    if not path.startswith(base):
        return None
    return path[len(base):].replace(os.sep, "/")


def _story_entries(root: str) -> list[tuple[str, os.DirEntry[str] | None]]:
    """Every story file below ``root`` as (relative path, directory entry), unsorted.

    The walk of ``os.walk(root)``, keeping the ``DirEntry`` so that a caller
    can stat it, with the module's rules for links (see its docstring): the
    real folders are walked first, then the links, so that a story reached
    both ways is named by its real path. Entries that are to be reported
    rather than read (a folder that cannot be listed, a link out of the
    folder) come with None.
    """
    real_root = os.path.realpath(root)
    found: list[tuple[str, os.DirEntry[str] | None]] = []
    walked = {""}  # the real paths (relative to real_root, with a final /) of the folders listed or to be
    links: list[tuple[str, os.DirEntry[str]]] = []
    # (folder, its path as named in the results, its real path), both relative with a final /
    pending: list[tuple[str, str, str]] = [(root, "", "")]
    seen: set[str] | None = None  # real paths of the files found; made once the links are followed
    while True:
        while pending:
            directory, prefix, real = pending.pop()
            try:
                with os.scandir(directory) as entries:
                    for entry in entries:
                        name = entry.name
                        if name.startswith("."):
                            continue  # hidden files and folders
                        if entry.is_symlink():
                            links.append((prefix + name, entry))
                            continue
                        try:
                            is_dir = entry.is_dir(follow_symlinks=False)
                        except OSError:
                            is_dir = False
                        if is_dir:
                            if seen is None or f"{real}{name}/" not in walked:  # else already reached by a link
                                walked.add(f"{real}{name}/")
                                pending.append((entry.path, f"{prefix}{name}/", f"{real}{name}/"))
                        elif _is_story_name(name):
                            if seen is None:
                                found.append((prefix + name, entry))
                            elif real + name not in seen:  # in a folder reached by a link
                                seen.add(real + name)
                                found.append((prefix + name, entry))
            except OSError:
                # Cannot be listed (or not to the end): reading it says why.
                found.append((prefix or "./", None))
        if not links:
            return found
        if seen is None:
            seen = {rel for rel, _ in found}
        for rel, entry in sorted(links, key=lambda link: link[0]):
            _follow_link(rel, entry, real_root, found, seen, walked, pending)
        links.clear()


def _follow_link(rel: str, entry: os.DirEntry[str], real_root: str,
                 found: list[tuple[str, os.DirEntry[str] | None]], seen: set[str], walked: set[str],
                 pending: list[tuple[str, str, str]]) -> None:
    """Add what a link found by ``_story_entries`` leads to: a folder to walk, a story, a problem or nothing."""
    target = os.path.realpath(entry.path)
    inside = _inside(target, real_root)
    is_dir = os.path.isdir(target)
    if inside is None:
        if is_dir:
            found.append((rel + "/", None))
        elif _is_story_name(rel):
            found.append((rel, None))
    elif is_dir:
        real = inside + "/" if inside else ""
        if real not in walked:
            walked.add(real)
            pending.append((entry.path, rel + "/", real))
    elif _is_story_name(rel) and inside not in seen:
        seen.add(inside)
        found.append((rel, entry))


_OPEN_FLAGS = (os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
               | getattr(os, "O_NOFOLLOW", 0))


def _read_story_path(root: str, real_root: str, rel: str) -> bytes | str | None:
    """What a path found by ``_story_entries`` holds: its bytes, or why it is not read (None: not a file).

    Raises:
        OSError: the file cannot be opened or read.
    """
    path = os.path.join(root, rel)
    if rel.endswith("/"):
        return _folder_problem(path.rstrip("/") or path, real_root)
    try:
        return _read_regular_file(path)
    except OSError:
        if not os.path.islink(path):
            raise
    target = os.path.realpath(path)
    if _inside(target, real_root) is None:
        return f"link to a file outside the folder: skipped (it points to {target})"
    return _read_regular_file(target)


def _folder_problem(path: str, real_root: str) -> str:
    """Why a folder listed by ``_story_entries`` as one to report was not walked."""
    if os.path.islink(path):
        target = os.path.realpath(path)
        if _inside(target, real_root) is None:
            return f"link to a folder outside the folder: skipped (it points to {target})"
    try:
        with os.scandir(path) as entries:
            for _ in entries:
                pass
    except OSError as exc:
        return f"cannot read the folder: {_reason(exc)}; any stories in it are not loaded"
    return "the folder could not be read to the end; any stories in it may be missing (reload to try again)"


def _reason(exc: OSError) -> str:
    """An OSError as a few words for the problems table ("Permission denied")."""
    if exc.errno == errno.ENAMETOOLONG:
        return "its path is longer than the system allows"
    return exc.strerror or type(exc).__name__


def _read_regular_file(path: str) -> bytes | None:
    """The first ``MAX_FILE_BYTES + 1`` bytes of a regular file; None for anything else.

    The file is opened without blocking and checked after opening: a named
    pipe called ``x.txt`` would otherwise block the loader forever. A link is
    refused (``OSError``), where the system can: the caller decides whether
    to follow it.
    """
    fd = os.open(path, _OPEN_FLAGS)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None
        if hasattr(os, "O_NONBLOCK"):
            os.set_blocking(fd, True)
        # One read of the size fstat gave (plus one byte, to notice growth);
        # a buffered file object would cost more than the read itself.
        limit = MAX_FILE_BYTES + 1
        data = os.read(fd, min(info.st_size + 1, limit))
        while len(data) < limit:
            more = os.read(fd, min(1 << 20, limit - len(data)))
            if not more:
                break
            data += more
        return data
    finally:
        os.close(fd)


class _Batch:
    """Reads and parses files in a daemon thread, telling which file it is reading and since when.

    The thread does both, so that no file crosses between threads (handing
    each file over cost a third more time, the two threads passing the
    interpreter back and forth). The waiting side looks in every tenth of a
    second; a thread stuck in a read is abandoned, never joined.
    """

    def __init__(self, root: str, real_root: str, names: Sequence[str], start: int,
                 is_cancelled: Callable[[], bool] | None = None) -> None:
        self.results: list[FileResult] = []
        self.reading: tuple[int, float] | None = None  # (index in names, monotonic start) during a read
        self.done = threading.Event()
        self._lock = threading.Lock()
        self._abandoned = False
        threading.Thread(target=self._run, args=(root, real_root, names, start, is_cancelled),
                         name="story-reader", daemon=True).start()

    def _run(self, root: str, real_root: str, names: Sequence[str], start: int,
             is_cancelled: Callable[[], bool] | None) -> None:
        try:
            for index in range(start, len(names)):
                if self._abandoned or (is_cancelled is not None and is_cancelled()):
                    return  # cancelled, or given up on: no more work
                rel = names[index]
                self.reading = (index, time.monotonic())
                try:
                    data = _read_story_path(root, real_root, rel)
                except OSError as exc:
                    data = f"cannot read the file: {_reason(exc)}"
                self.reading = None
                result = _parse_read(rel, data)
                with self._lock:
                    if self._abandoned:
                        return
                    self.results.append(result)
        finally:
            self.done.set()

    def abandon(self) -> list[FileResult]:
        """Stop taking results; the ones taken so far."""
        with self._lock:
            self._abandoned = True
            return self.results


def _parse_read(rel: str, data: bytes | str | None) -> FileResult:
    """A file's result from what reading it gave (``_read_files``)."""
    if isinstance(data, str):
        return FileResult(rel, None, (Problem(rel, None, Severity.ERROR, data),))
    if data is None:
        return FileResult(rel, None, (Problem(
            rel, None, Severity.ERROR, "not a regular file (a pipe, socket or device); not read"),))
    if len(data) > MAX_FILE_BYTES:
        return FileResult(rel, None, (Problem(
            rel, None, Severity.ERROR,
            f"larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; not read as a story"),))
    decoded = decode_story_bytes(data)
    problems = [Problem(rel, line, severity, message) for line, severity, message in decoded.notes]
    if decoded.text is None:
        return FileResult(rel, None, tuple(problems))
    story, parse_problems = parse_story(decoded.text, rel)
    problems.extend(parse_problems)
    return FileResult(rel, story, tuple(problems))


def load_files(folder: Path | str, names: Sequence[str], is_cancelled: Callable[[], bool] | None = None,
               progress: Callable[[int], None] | None = None) -> list[FileResult]:
    """Read and parse story files in order; never raises for what a file contains.

    A read can block for good: a file on a network share or FUSE folder that
    stopped answering does not time out by itself, and a read cannot be
    interrupted. So the files are read and parsed by a daemon thread while
    this one waits: a file whose read takes longer than ``READ_TIMEOUT`` is
    reported and skipped, the stuck thread is abandoned (it cannot keep the
    process alive) and a new one goes on from the next file.

    Args:
        folder: the opened folder.
        names: the files' paths relative to it, with ``/`` separators.
        is_cancelled: polled about ten times a second.
        progress: called with how many files are done, as often.

    Returns:
        Each file's story (or None) and problems, in the order of ``names``.

    Raises:
        LoadCancelled: ``is_cancelled`` returned True.
    """
    root = os.fspath(folder)
    real_root = os.path.realpath(root)
    results: list[FileResult] = []
    while len(results) < len(names):
        batch = _Batch(root, real_root, names, len(results), is_cancelled)
        while not batch.done.wait(_POLL_SECONDS):
            if is_cancelled is not None and is_cancelled():
                batch.abandon()
                raise LoadCancelled()
            if progress is not None:
                progress(len(results) + len(batch.results))
            reading = batch.reading
            if reading is not None and time.monotonic() - reading[1] > READ_TIMEOUT:
                results.extend(batch.abandon())
                rel = names[len(results)]
                _log.warning("reading %s took longer than %g s; skipped", rel, READ_TIMEOUT)
                message = f"reading the file took longer than {READ_TIMEOUT:g} s; skipped"
                results.append(FileResult(rel, None, (Problem(rel, None, Severity.ERROR, message),)))
                break
        else:
            results.extend(batch.abandon())
            if len(results) < len(names) and is_cancelled is not None and is_cancelled():
                raise LoadCancelled()  # the batch stopped early because of it
    return results


def load_file(folder: Path | str, rel: str) -> FileResult:
    """Read and parse one story file (``load_files`` for a single file)."""
    return load_files(folder, [rel])[0]


def parse_chunk(root: str, names: list[str]) -> bytes:
    """A pool worker's job: parse ``names`` and return the results packed flat.

    Packed in the model cache's format (``cache.pack_results``): unpickling
    the named tuples one by one would cost the loading process about as much
    as parsing them.
    """
    with collector_paused():
        try:
            return pack_results(load_files(root, names, worker_stopping))
        except LoadCancelled:
            return b""  # the app is quitting: nobody waits for this



@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a load allocates its objects, then freeze them.

    A load creates hundreds of thousands of small objects and no cycles; the
    collector would walk them again and again (a third of a cold load). After
    the load they are moved to the collector's permanent generation
    (``gc.freeze()``), which it never walks: a full collection over a
    100,000-file library otherwise takes 190 ms, and in whichever thread
    triggers it, so it stalled the window. The model is acyclic (named tuples
    and frozen dataclasses without back-references): reference counting
    frees it when the library is dropped, frozen or not. What freezing gives
    up is only the collection of cycles among objects alive at that moment
    that become garbage later, which an application whose window lives as
    long as the process does not produce in any quantity.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        gc.freeze()
    finally:
        if was_enabled:
            gc.enable()


def load_folder(
    folder: Path | str,
    progress: ProgressCallback | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    cache: ModelCache | None = None,
    pool: ParsePool | None = None,
) -> Library:
    """Load every story file below a folder.

    Args:
        folder: the folder to read.
        progress: called as ``progress(done, total)`` now and then.
        is_cancelled: polled between files; when it returns True the load
            stops by raising ``LoadCancelled``.
        cache: where parsed folders are kept. Files whose size and mtime match
            their cached entry are taken from it instead of being parsed, and
            the cache is written back if anything in it changed.
        pool: worker processes that parse when there are many files to parse.

    Returns:
        The library: stories ordered by relative path and all problems.

    Raises:
        NotADirectoryError: the folder does not exist or is not a folder.
        LoadCancelled: ``is_cancelled`` returned True.
    """
    library, write_cache = load_folder_then_cache(folder, progress, is_cancelled, cache, pool)
    write_cache()
    return library


def load_folder_then_cache(
    folder: Path | str,
    progress: ProgressCallback | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    cache: ModelCache | None = None,
    pool: ParsePool | None = None,
) -> tuple[Library, Callable[[], None]]:
    """``load_folder``, with writing the cache left to the caller.

    Writing a 10,000-file cache takes a few tenths of a second; the window
    shows the library first and writes the cache after, in its worker.

    Returns:
        The library and a function that writes the cache (does nothing
        without a cache or when nothing changed).
    """
    root = Path(folder).resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"not a folder: {folder}")
    folder_cache = None
    results: dict[str, FileResult] = {}
    with collector_paused():
        scan_started_ns = time.time_ns()
        stamps = scan_story_files(root)
        names = list(stamps)
        if cache is not None:
            if is_cancelled is not None and is_cancelled():
                raise LoadCancelled()
            folder_cache = cache.open_folder(root, stamps, scan_started_ns)
            results.update(folder_cache.unchanged)
            names = [rel for rel in names if rel not in results]
        reused = len(results)
        total = reused + len(names)

        def poll() -> None:
            if is_cancelled is not None and is_cancelled():
                raise LoadCancelled()

        def tick(done: int) -> None:
            """Now and then while parsing: report progress, and stop if asked to."""
            poll()
            if progress is not None:
                progress(reused + done, total)

        if progress is not None:
            progress(reused, total)  # what the cache gave, at once
        if pool is not None and pool.usable and len(names) >= pool.MIN_FILES:
            results.update(_parse_in_pool(root, names, pool, tick, poll, is_cancelled))
        else:
            results.update((r.file, r) for r in load_files(root, names, is_cancelled, tick))
    if progress is not None:
        progress(total, total)
    library = Library.from_results(root, results, stamps)

    def write_cache() -> None:
        if folder_cache is not None:
            with collector_paused():
                folder_cache.store(results)

    return library, write_cache


def _parse_in_pool(root: Path, names: list[str], pool: ParsePool, tick: Callable[[int], None],
                   poll: Callable[[], None], is_cancelled: Callable[[], bool] | None) -> dict[str, FileResult]:
    """Parse ``names`` in the pool's workers; a chunk the pool fails on is parsed here."""
    size = pool.chunk_files(len(names))
    chunks = [names[start:start + size] for start in range(0, len(names), size)]
    results: dict[str, FileResult] = {}
    warned = False
    for index, payload in pool.run(parse_chunk, os.fspath(root), chunks, poll):
        chunk = chunks[index]
        unpacked: list[FileResult] | None = None
        if payload:  # None: the pool failed; empty: a worker stopped because the app quits
            try:
                unpacked = unpack_results(payload)
            except CacheUnusable as exc:
                # Workers started before the app was updated on disk parse
                # with other code: their work is redone here.
                if not warned:
                    _log.warning("parse workers' results could not be read (%s); parsing here", exc)
                    warned = True
        if unpacked is None or [r.file for r in unpacked] != chunk:
            unpacked = load_files(root, chunk, is_cancelled)
        results.update(zip(chunk, unpacked))
        tick(len(results))
    return results
