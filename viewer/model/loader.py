"""Folder of story files → ``Library``: discover, read, decode, parse.

Every ``*.txt`` file below the folder is a story, in order of its relative
path. One unreadable, binary or broken file becomes a problem; it never stops
the rest of the folder from loading.
"""

from __future__ import annotations

import contextlib
import gc
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from viewer.model.decoding import decode_story_bytes
from viewer.model.parser import parse_story
from viewer.model.story import FileResult, Library, Problem, Severity

__all__ = ["discover_story_files", "load_file", "load_folder", "MAX_FILE_BYTES", "LoadCancelled"]

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
    found: list[str] = []
    root = os.fspath(folder)
    for dirpath, dirnames, filenames in os.walk(root, onerror=None):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        rel_dir = os.path.relpath(dirpath, root)
        prefix = "" if rel_dir == "." else rel_dir.replace(os.sep, "/") + "/"
        for name in filenames:
            if name.lower().endswith(".txt") and not name.startswith("."):
                found.append(prefix + name)
    found.sort()
    return found


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
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        return FileResult(rel, None, (Problem(rel, None, Severity.ERROR, f"cannot read the file: {reason}"),))
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
def _collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a load allocates its objects.

    A load creates hundreds of thousands of small objects and no cycles; the
    collector would walk them again and again (a third of a cold load).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def load_folder(
    folder: Path | str,
    progress: ProgressCallback | None = None,
    is_cancelled: Callable[[], bool] | None = None,
    files: Iterable[str] | None = None,
) -> Library:
    """Load every story file below a folder.

    Args:
        folder: the folder to read.
        progress: called as ``progress(done, total)`` now and then.
        is_cancelled: polled between files; when it returns True the load
            stops by raising ``LoadCancelled``.
        files: the relative paths to load, if already discovered.

    Returns:
        The library: stories ordered by relative path and all problems.

    Raises:
        NotADirectoryError: the folder does not exist or is not a folder.
        LoadCancelled: ``is_cancelled`` returned True.
    """
    root = Path(folder).resolve()
    if not root.is_dir():
        raise NotADirectoryError(f"not a folder: {folder}")
    names = list(files) if files is not None else discover_story_files(root)
    total = len(names)
    results: dict[str, FileResult] = {}
    step = max(1, total // 200)
    with _collector_paused():
        for done, rel in enumerate(names):
            if done % step == 0:
                if is_cancelled is not None and is_cancelled():
                    raise LoadCancelled()
                if progress is not None:
                    progress(done, total)
            results[rel] = load_file(root, rel)
    if progress is not None:
        progress(total, total)
    return Library.from_results(root, results)
