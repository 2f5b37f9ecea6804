"""Live reload without Qt: which files changed on disk, and the library that results.

A rescan stats the tree once (``scan_story_files``), parses only the files
whose size or modification time differ from the last scan, and the merge
builds a new ``Library`` in which every other story is the same object as
before (so the timeline re-packs only the lanes that changed).

A file that stops parsing while it is being written keeps its last good
story on screen, with a problem saying so, until it parses again.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import NamedTuple

from viewer.model import FileResult, Library, Problem, Severity
from viewer.model.cache import FileStamp
from viewer.model.decoding import INCOMPLETE_AT_END
from viewer.model.loader import load_files, scan_story_files

__all__ = ["ReloadState", "Rescan", "rescan"]

Stamps = Mapping[str, FileStamp | None]

LAST_GOOD_NOTE = ("the file cannot be read as a story right now; "
                  "showing the last version that could be read")


class Rescan(NamedTuple):
    """What a rescan found: every file's stamp, and the results of the files that changed."""

    stamps: dict[str, FileStamp | None]
    results: dict[str, FileResult]


def rescan(folder: Path, known: Stamps, is_cancelled: Callable[[], bool] | None = None) -> Rescan | None:
    """Stat the tree and parse the files whose stamp differs from ``known``.

    Returns:
        None when the folder itself is gone.

    Raises:
        LoadCancelled: ``is_cancelled`` returned True.
    """
    if not folder.is_dir():
        return None
    stamps = scan_story_files(folder)
    changed = [rel for rel, stamp in stamps.items() if known.get(rel, ()) != stamp]
    results = {result.file: result for result in load_files(folder, changed, is_cancelled)}
    return Rescan(stamps, results)


class ReloadState:
    """The library a watcher keeps up to date, with what it needs to merge the next rescan.

    Args:
        library: the library as loaded; its stamps (taken before its files
            were read) are the baseline, so an edit made during the load
            shows up in the first rescan.
    """

    def __init__(self, library: Library) -> None:
        self.library = library
        # Read-only here (apply() replaces it): creating this state costs
        # nothing on the GUI thread, even for 100,000 files.
        self.known: Stamps = library.stamps or {}

    def apply(self, scan: Rescan) -> list[str]:
        """Take a rescan in; returns the files that changed (empty: the library is the same object).

        Removed files disappear, changed ones are replaced, and a file that no
        longer parses, or that was read while it was being written (it ends
        inside a character), keeps the story on screen (its last good
        version) with a warning.
        """
        removed = [rel for rel in self.known if rel not in scan.stamps]
        self.known = scan.stamps
        if not scan.results and not removed:
            return []
        merged = dict(self.library.results)
        for rel in removed:
            merged.pop(rel, None)
        for rel, result in scan.results.items():
            shown = merged.get(rel)
            caught_mid_write = any(p.message == INCOMPLETE_AT_END for p in result.problems)
            if (result.story is None or caught_mid_write) and shown is not None and shown.story is not None:
                note = Problem(rel, None, Severity.WARNING, LAST_GOOD_NOTE)
                result = FileResult(rel, shown.story, (*result.problems, note))
            merged[rel] = result
        self.library = Library.from_results(self.library.folder, merged, scan.stamps)
        return sorted([*scan.results, *removed])
