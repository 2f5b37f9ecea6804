"""Follow the opened folder on disk: added, changed, removed and renamed files.

``viewer.core.watch`` tells (from watchdog's thread) that something below the
folder may have changed; after a quiet moment (an editor's burst of writes is
one change) a rescan runs on the worker thread (``viewer.core.reload``) and
the GUI thread receives a new ``Library`` in which every unchanged story is
the same object as before.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from viewer.core.reload import ReloadState, rescan
from viewer.core.watch import TreeWatch
from viewer.model import Library, LoadCancelled
from viewer.model.loader import collector_paused
from viewer.ui.tasks import BackgroundTasks

log = logging.getLogger(__name__)

QUIET_MS = 250  # wait for this long without events before rescanning
MAX_WAIT_MS = 800  # but never longer than this after the first event
# The first scan of a newly opened folder waits this long: its worker thread
# would compete with the window's first paint of the folder for the
# interpreter (a 100,000-file folder's scan and watch take seconds). Nothing
# is missed meanwhile: the scan compares with the stamps the load took.
FIRST_SCAN_DELAY_MS = 500
# When the system cannot watch the tree (its limit of watches reached, or a
# tree too deep for watchdog's walk on Python 3.11), it is rescanned this often.
POLL_MS = 3000


class FolderWatcher(QObject):
    """Watches one folder tree and delivers updated libraries.

    Signals:
        updated(object, list): the new ``Library`` and the relative paths that changed.
        following(Path): the folder is watched and compared with the view.
        polling(str): the system cannot watch the folder (the reason); it is
            rescanned every few seconds instead.
        folder_missing(str): the folder itself is gone; the last view should stay.
        failed(str): following the folder failed; a message for the user.
    """

    updated = Signal(object, list)
    following = Signal(Path)
    polling = Signal(str)
    folder_missing = Signal(str)
    failed = Signal(str)
    _changed = Signal()  # emitted on watchdog's thread, received on the GUI thread

    def __init__(self, parent: QObject | None = None,
                 prepare: Callable[[Library], object] | None = None) -> None:
        super().__init__(parent)
        self._prepare = prepare
        self._tasks = BackgroundTasks(self, "folder-watcher")
        self._changed.connect(self._on_change)
        self._quiet = QTimer(self, singleShot=True, interval=QUIET_MS)
        self._quiet.timeout.connect(self._rescan)
        self._deadline = QTimer(self, singleShot=True, interval=MAX_WAIT_MS)
        self._deadline.timeout.connect(self._rescan)
        self._first_scan = QTimer(self, singleShot=True, interval=FIRST_SCAN_DELAY_MS)
        self._first_scan.timeout.connect(self._start_scan)
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._rescan)
        self._unwatchable: str | None = None  # why the tree cannot be watched: then it is polled
        self._generation = 0
        self._folder: Path | None = None
        # Used by the worker thread only, one scan at a time, once watch() made it.
        self._state: ReloadState | None = None
        self._tree: TreeWatch | None = None
        self._cancel = threading.Event()
        self._running = False
        self._pending = False
        self._missing = False
        self._followed = False
        self._reported_failure = False

    @property
    def folder(self) -> Path | None:
        """The folder being watched."""
        return self._folder

    def watch(self, library: Library) -> None:
        """Start following ``library``'s folder (replacing any earlier one)."""
        self.stop()
        self._folder = library.folder
        self._state = ReloadState(library)
        self._cancel = threading.Event()
        self._tree = TreeWatch(library.folder, self._changed.emit)
        self._missing = False
        self._followed = False
        self._reported_failure = False
        self._first_scan.start()

    def stop(self) -> None:
        """Stop watching (another folder is being opened, or the window closes)."""
        self._generation += 1
        self._cancel.set()
        self._first_scan.stop()
        self._poll.stop()
        self._unwatchable = None
        self._quiet.stop()
        self._deadline.stop()
        self._state = None
        self._pending = False
        if self._tree is not None:
            self._tree.close()
            self._tree = None

    def shutdown(self) -> None:
        """Stop watching and wait for a rescan in progress to notice (the window is closing)."""
        self.stop()
        self._tasks.shutdown()

    def _on_change(self) -> None:
        self._quiet.start()
        if not self._deadline.isActive():
            self._deadline.start()

    def _rescan(self) -> None:
        self._quiet.stop()
        self._deadline.stop()
        if self._state is None:
            return
        if self._running:
            self._pending = True
            return
        self._start_scan()

    def _start_scan(self) -> None:
        state, tree, cancel = self._state, self._tree, self._cancel
        if state is None or tree is None:
            return
        self._running = True
        self._pending = False
        tree.take_change()  # events from now on ask for another scan
        generation = self._generation
        prepare = self._prepare
        polled = self._unwatchable is not None

        def work() -> tuple[list[str], Library, str | None] | None:
            # Armed before the scan, so that nothing written during it is missed;
            # again after the folder came back, to follow it instead of its parent.
            unwatchable = None
            if not polled:
                try:
                    tree.arm()
                except (OSError, RecursionError) as exc:
                    unwatchable = f"{type(exc).__name__}: {exc}"
            scan = rescan(tree.folder, state.known, cancel.is_set)
            if scan is None:
                return None
            changed = state.apply(scan)
            if changed and prepare is not None:
                with collector_paused():
                    prepare(state.library)  # the timeline's layout, built here and not on the GUI thread
            return changed, state.library, unwatchable

        self._tasks.submit(work, lambda scan: self._on_scanned(generation, scan),
                           lambda error: self._on_failed(generation, error))

    def _scan_finished(self) -> None:
        """One scan is done; start the one asked for while it ran, if any."""
        self._running = False
        if self._pending and self._state is not None:
            self._start_scan()

    def _on_scanned(self, generation: int, scan: tuple[list[str], Library, str | None] | None) -> None:
        if generation == self._generation and self._state is not None:
            if scan is None:
                if not self._missing:
                    self._missing = True
                    self.folder_missing.emit(
                        f"The folder {self._folder} was removed or renamed; "
                        "the timeline shows the last version that was read.")
                if self._tree is not None and self._tree.following:
                    self._pending = True  # watch its parent, to see it come back
            else:
                if self._missing or not self._followed:
                    self._followed = True
                    self.following.emit(self._folder)
                self._missing = False
                changed, library, unwatchable = scan
                if unwatchable is not None and self._unwatchable is None:
                    log.warning("cannot watch %s (%s); rescanning it every %d s", self._folder, unwatchable,
                                POLL_MS // 1000)
                    self._unwatchable = unwatchable
                    self._poll.start()
                    self.polling.emit(unwatchable)
                if changed:
                    self.updated.emit(library, changed)
        self._scan_finished()

    def _on_failed(self, generation: int, error: BaseException) -> None:
        if generation == self._generation and not isinstance(error, LoadCancelled):
            log.error("following %s failed", self.folder, exc_info=error)
            if not self._reported_failure:
                self._reported_failure = True
                self.failed.emit(f"The folder {self.folder} is no longer followed live "
                                 f"({type(error).__name__}: {error}); File → Reload reads it again.")
        self._scan_finished()
