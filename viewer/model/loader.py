"""Folder of story files → ``Library``: discover, read, decode, parse.

Every ``*.txt`` file below the folder is a story, in order of its relative
path. One unreadable, binary or broken file becomes a problem; it never stops
the rest of the folder from loading.
"""

from __future__ import annotations

import contextlib
import gc
import os
import stat
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from viewer.model.cache import FileStamp, ModelCache
from viewer.model.decoding import decode_story_bytes
from viewer.model.parallel import MIN_SHARED_FILES, ParseHelper, parse_shared
from viewer.model.parser import parse_story
from viewer.model.story import FileResult, Library, Problem, Severity

__all__ = [
    "MAX_FILE_BYTES",
    "LoadCancelled",
    "collector_paused",
    "discover_story_files",
    "load_file",
    "load_folder",
    "load_folder_then_cache",
    "scan_story_files",
]

# A story is a few kilobytes; a huge .txt is a log or a dump, not a story.
MAX_FILE_BYTES = 20 * 1024 * 1024

ProgressCallback = Callable[[int, int], None]


class LoadCancelled(Exception):
    """Raised inside ``load_folder`` when the caller asked it to stop."""


def discover_story_files(folder: Path) -> list[str]:
    """Relative paths (with ``/``) of every ``*.txt`` below ``folder``, sorted.

    Hidden folders (``.git``, editors' ``.~lock`` dirs) are skipped: they hold
    copies and swap files, not stories.
    """
    found = [rel for rel, _ in _story_entries(os.fspath(folder))]
    found.sort()
    return found


def scan_story_files(folder: Path) -> dict[str, FileStamp | None]:
    """Like ``discover_story_files``, with each file's size and mtime (sorted by path).

    One ``stat`` per file, done while the directory is listed: this is what
    tells the model cache which files changed. It is most of a reopen from the
    cache that is not rebuilding the model (10,000 stats take 12 ms here), so
    the loop is kept lean.

    Returns:
        Relative path → ``(st_size, st_mtime_ns)``, or None where the file
        cannot be statted (a broken link): it is loaded, and reports why.
    """
    found: list[tuple[str, FileStamp | None]] = []
    append = found.append
    for rel, entry in _story_entries(os.fspath(folder)):
        try:
            info = entry.stat()
        except OSError:
            append((rel, None))
        else:
            append((rel, (info.st_size, info.st_mtime_ns)))
    found.sort()
    return dict(found)


def _story_entries(root: str) -> list[tuple[str, os.DirEntry[str]]]:
    """Every story file below ``root`` as (relative path, directory entry), unsorted.

    The same walk as ``os.walk(root)`` without following links to folders,
    ignoring unreadable folders (os.walk skips them too), but keeping the
    ``DirEntry`` so that a caller can stat it.
    """
    found: list[tuple[str, os.DirEntry[str]]] = []
    pending = [(root, "")]
    while pending:
        directory, prefix = pending.pop()
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    name = entry.name
                    if name.startswith("."):
                        continue  # hidden files and folders
                    try:
                        is_dir = entry.is_dir()
                    except OSError:
                        is_dir = False
                    if is_dir:
                        if not entry.is_symlink():
                            pending.append((entry.path, f"{prefix}{name}/"))
                    elif name[-4:].lower() == ".txt":
                        found.append((prefix + name, entry))
        except OSError:
            continue  # an unreadable folder holds no stories we can load
    return found


def _stamp_files(folder: Path, names: Iterable[str]) -> dict[str, FileStamp | None]:
    """Stamps of already discovered files (``load_folder``'s ``files`` argument)."""
    root = os.fspath(folder)
    stamps: dict[str, FileStamp | None] = {}
    for rel in names:
        try:
            info = os.stat(os.path.join(root, rel))
        except OSError:
            stamps[rel] = None
        else:
            stamps[rel] = (info.st_size, info.st_mtime_ns)
    return stamps


def _read_regular_file(path: str) -> bytes | None:
    """The first ``MAX_FILE_BYTES + 1`` bytes of a regular file; None for anything else.

    The file is opened without blocking and checked after opening: a named
    pipe called ``x.txt`` would otherwise block the loader forever.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
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


def load_file(folder: Path, rel: str) -> FileResult:
    """Read and parse one story file; never raises for what the file contains.

    Args:
        folder: the opened folder.
        rel: the file's path relative to it, with ``/`` separators.

    Returns:
        The story (or None) and the file's problems.
    """
    path = os.path.join(os.fspath(folder), rel)
    try:
        data = _read_regular_file(path)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return FileResult(rel, None, (Problem(rel, None, Severity.ERROR, f"cannot read the file: {reason}"),))
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


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a load allocates its objects.

    A load creates hundreds of thousands of small objects and no cycles; the
    collector would walk them again and again (a third of a cold load). After
    a load they go straight to the oldest generation: they live as long as the
    library, so the young generations' passes over them could free nothing
    (yet the first one alone took 50 ms after a 10,000-file reopen). Full
    collections still walk them, as they would have anyway.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
        # gc.freeze() then unfreeze() moves every tracked object to the oldest
        # generation without walking it. Skipped when the application has frozen
        # objects on purpose: unfreeze() would thaw them.
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
    finally:
        if was_enabled:
            gc.enable()


def load_folder(
    folder: Path | str,
    progress: ProgressCallback | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    files: Iterable[str] | None = None,
    cache: ModelCache | None = None,
    helper: ParseHelper | None = None,
    json_lines: dict[str, str] | None = None,
) -> Library:
    """Load every story file below a folder.

    Args:
        folder: the folder to read.
        progress: called as ``progress(done, total)`` now and then.
        is_cancelled: polled between files; when it returns True the load
            stops by raising ``LoadCancelled``.
        files: the relative paths to load, if already discovered.
        cache: where parsed folders are kept. Files whose size and mtime match
            their cached entry are taken from it instead of being parsed, and
            the cache is written back if anything in it changed.
        helper: a helper process that parses part of the files when there
            are many (``viewer.model.parallel``).
        json_lines: if given, stories parsed together with the helper are
            also written as their lines of the JSON export, into this dict by
            file (``export.export_folder``; ``write_json`` writes the rest).

    Returns:
        The library: stories ordered by relative path and all problems.

    Raises:
        NotADirectoryError: the folder does not exist or is not a folder.
        LoadCancelled: ``is_cancelled`` returned True.
    """
    library, write_cache = load_folder_then_cache(folder, progress, is_cancelled, files, cache, helper,
                                                  json_lines)
    write_cache()
    return library


def load_folder_then_cache(
    folder: Path | str,
    progress: ProgressCallback | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    files: Iterable[str] | None = None,
    cache: ModelCache | None = None,
    helper: ParseHelper | None = None,
    json_lines: dict[str, str] | None = None,
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
        stamps = _stamp_files(root, files) if files is not None else scan_story_files(root)
        names = list(stamps)
        if cache is not None:
            if is_cancelled is not None and is_cancelled():
                raise LoadCancelled()
            folder_cache = cache.open_folder(root, stamps, scan_started_ns)
            results.update(folder_cache.unchanged)
            names = [rel for rel in names if rel not in results]
        reused = len(results)
        total = reused + len(names)
        step = max(1, total // 200)
        reported = -step

        def tick(done: int, waiting: bool = False) -> None:
            """Between files: report progress now and then, and stop if asked to.

            ``waiting``: nothing is parsed here while the helper process
            finishes its part, so cancelling is checked every time.
            """
            nonlocal reported
            moved = done - reported >= step
            if moved or waiting:
                if is_cancelled is not None and is_cancelled():
                    raise LoadCancelled()
                if moved:
                    reported = done
                    if progress is not None:
                        progress(reused + done, total)

        if helper is not None and len(names) >= MIN_SHARED_FILES:
            results.update(parse_shared(root, names, helper, load_file, tick, json_lines))
        else:
            for done, rel in enumerate(names):
                tick(done)
                results[rel] = load_file(root, rel)
    if progress is not None:
        progress(total, total)
    library = Library.from_results(root, results, stamps)

    def write_cache() -> None:
        if folder_cache is not None:
            with collector_paused():
                folder_cache.store(results)

    return library, write_cache
