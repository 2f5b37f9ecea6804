"""Follow the opened folder on disk: added, changed, removed and renamed files.

``QFileSystemWatcher`` reports a folder when files are added, removed or
renamed in it, but not when a file's content changes, so every story file is
watched as well as every folder. Signals only mark that something changed;
after a quiet moment (an editor's burst of writes is one change) a worker
thread rescans sizes and modification times, re-parses just the files that
differ, and hands the GUI thread a new ``Library`` in which every other
story is the same object as before (so the timeline re-packs one lane).

A file that stops parsing while it is being written keeps its last good
story on screen, with a problem saying so, until it parses again.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QRunnable, QThreadPool, QTimer, Signal

from viewer.model import FileResult, Library, Problem, Severity, load_file
from viewer.model.cache import FileStamp
from viewer.model.loader import scan_story_files

log = logging.getLogger(__name__)

QUIET_MS = 250  # wait for this long without events before rescanning
MAX_WAIT_MS = 800  # but never longer than this after the first event


class _Signals(QObject):
    scanned = Signal(int, object, object, object)  # generation, stamps, results, dirs
    missing = Signal(int)
    failed = Signal(int, str)


class _RescanTask(QRunnable):
    """Stat the tree; parse the files whose stamp differs from the known one."""

    def __init__(self, generation: int, folder: Path, known: dict[str, FileStamp | None] | None,
                 signals: _Signals) -> None:
        super().__init__()
        self._generation = generation
        self._folder = folder
        self._known = known
        self._signals = signals

    def run(self) -> None:
        try:
            self._scan()
        except Exception as exc:  # report it, so that the watcher keeps working
            log.exception("rescanning %s failed", self._folder)
            self._signals.failed.emit(self._generation, f"Following {self._folder} failed: {exc!r}")

    def _scan(self) -> None:
        if not self._folder.is_dir():
            self._signals.missing.emit(self._generation)
            return
        stamps = scan_story_files(self._folder)
        if self._known is None:  # the baseline after a load: record, parse nothing
            self._signals.scanned.emit(self._generation, stamps, {}, _directories(self._folder))
            return
        changed = [rel for rel, stamp in stamps.items() if self._known.get(rel, ()) != stamp]
        results = {rel: load_file(self._folder, rel) for rel in changed}
        self._signals.scanned.emit(self._generation, stamps, results, _directories(self._folder))


def _directories(folder: Path) -> list[str]:
    """Every non-hidden folder below ``folder`` (new files may appear in any of them)."""
    found = [os.fspath(folder)]
    for dirpath, dirnames, _ in os.walk(folder):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        found.extend(os.path.join(dirpath, d) for d in dirnames)
    return found


class FolderWatcher(QObject):
    """Watches one folder tree and delivers updated libraries.

    Signals:
        updated(object, list): the new ``Library`` and the relative paths that changed.
        folder_missing(str): the folder itself is gone; the last view should stay.
    """

    updated = Signal(object, list)
    folder_missing = Signal(str)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._watcher = QFileSystemWatcher(self)
        self._watcher.directoryChanged.connect(self._on_change)
        self._watcher.fileChanged.connect(self._on_change)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals()
        self._signals.scanned.connect(self._on_scanned)
        self._signals.missing.connect(self._on_missing)
        self._signals.failed.connect(self._on_failed)
        self._unwatchable: set[str] = set()  # paths the system refused to watch
        self._quiet = QTimer(self, singleShot=True, interval=QUIET_MS)
        self._quiet.timeout.connect(self._rescan)
        self._deadline = QTimer(self, singleShot=True, interval=MAX_WAIT_MS)
        self._deadline.timeout.connect(self._rescan)
        self._generation = 0
        self._library: Library | None = None
        self._known: dict[str, FileStamp | None] | None = None
        self._good: dict[str, FileResult] = {}
        self._running = 0  # scans started and not yet reported
        self._pending = False

    @property
    def folder(self) -> Path | None:
        """The folder being watched."""
        return self._library.folder if self._library is not None else None

    def watch(self, library: Library) -> None:
        """Start following ``library``'s folder (replacing any earlier one)."""
        self.stop()
        self._generation += 1
        self._library = library
        self._good = {name: r for name, r in library.results.items() if r.story is not None}
        # The load's own stamps are the baseline, so an edit made while the
        # folder was loading shows up in the first scan; without them the
        # first scan only records what it finds.
        self._known = dict(library.stamps) if library.stamps is not None else None
        self._start_scan()

    def stop(self) -> None:
        """Stop watching (another folder is being opened)."""
        self._generation += 1
        self._unwatchable = set()
        self._quiet.stop()
        self._deadline.stop()
        paths = self._watcher.files() + self._watcher.directories()
        if paths:
            self._watcher.removePaths(paths)
        self._library = None

    def wait(self, msecs: int = 10000) -> bool:
        """Block until a running scan is done (tests and shutdown)."""
        return self._pool.waitForDone(msecs)

    def _on_change(self, path: str) -> None:
        self._quiet.start()
        if not self._deadline.isActive():
            self._deadline.start()

    def _rescan(self) -> None:
        self._quiet.stop()
        self._deadline.stop()
        if self._library is None:
            return
        if self._running:
            self._pending = True
            return
        self._start_scan()

    def _start_scan(self) -> None:
        if self._library is None:
            return
        self._running += 1
        self._pending = False
        known = dict(self._known) if self._known is not None else None
        self._pool.start(_RescanTask(self._generation, self._library.folder, known, self._signals))

    def _scan_finished(self) -> None:
        """One scan is done; start the one asked for while it ran, if any."""
        self._running -= 1
        if self._pending and not self._running and self._library is not None:
            self._start_scan()

    def _on_scanned(self, generation: int, stamps: dict[str, FileStamp | None],
                    results: dict[str, FileResult], dirs: list[str]) -> None:
        if generation == self._generation and self._library is not None:
            removed = [] if self._known is None else [rel for rel in self._known if rel not in stamps]
            self._known = dict(stamps)
            self._update_watches(stamps, dirs)
            if results or removed:
                self._apply(results, removed)
        self._scan_finished()

    def _apply(self, results: dict[str, FileResult], removed: list[str]) -> None:
        library = self._library
        assert library is not None
        merged = dict(library.results)
        for rel in removed:
            merged.pop(rel, None)
            self._good.pop(rel, None)
        for rel, result in results.items():
            if result.story is None and rel in self._good:
                # Broken mid-write: keep the last good story, say so.
                last = self._good[rel]
                note = Problem(rel, None, Severity.WARNING,
                               "the file cannot be read as a story right now; "
                               "showing the last version that could be read")
                result = FileResult(rel, last.story, (*result.problems, note))
            elif result.story is not None:
                self._good[rel] = result
            merged[rel] = result
        self._library = Library.from_results(library.folder, merged)
        self.updated.emit(self._library, sorted([*results, *removed]))

    def _update_watches(self, stamps: dict[str, FileStamp | None], dirs: list[str]) -> None:
        root = os.fspath(self._library.folder) if self._library is not None else ""
        wanted = set(dirs) | {os.path.join(root, rel) for rel in stamps}
        current = set(self._watcher.files()) | set(self._watcher.directories())
        gone = list(current - wanted)
        new = list(wanted - current - self._unwatchable)
        if gone:
            self._watcher.removePaths(gone)
        if new:
            # Paths that cannot be watched (a link loop, the system's watch
            # limit) are not asked for again at every rescan; their folder's
            # watch still reports them being added, removed or renamed.
            self._unwatchable.update(self._watcher.addPaths(new))

    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation:
            self.failed.emit(message)
        self._scan_finished()

    def _on_missing(self, generation: int) -> None:
        if generation == self._generation and self._library is not None:
            self.folder_missing.emit(
                f"The folder {self._library.folder} was removed or renamed; "
                "the timeline shows the last version that was read.")
        self._scan_finished()
