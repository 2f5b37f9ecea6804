"""Loading a folder off the GUI thread, with progress and cancel.

The load runs on a worker thread (``viewer.ui.tasks``); progress and the
result reach the GUI thread as queued calls. A new load cancels the one
running; a cancelled or superseded load's result is dropped, so the folder
on screen stays until the new one is ready.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QTimer, Signal

from viewer.model import Library, LoadCancelled
from viewer.model.loader import collector_paused, load_folder_then_cache, parse_chunk
from viewer.ui.tasks import BackgroundTasks

if TYPE_CHECKING:
    from viewer.model.cache import ModelCache
    from viewer.model.pool import ParsePool


log = logging.getLogger(__name__)

CACHE_WRITE_DELAY_MS = 1500


class FolderLoader(QObject):
    """Starts loads and reports them; only the newest load's result is delivered.

    Args:
        parent: the owning QObject.
        cache: where parsed folders are kept between runs.
        pool: worker processes for parsing large folders.
        prepare: called on the worker thread with each loaded library before
            it is delivered, for work that would otherwise stall the GUI
            thread (building the timeline's layout); it must be thread-safe.

    Signals:
        started(Path): a load began.
        progress(int, int): files done, files in all.
        loaded(object): the ``Library`` of the newest load.
        failed(str): a message for the user.
        cancelled(): the newest load was cancelled.
    """

    started = Signal(Path)
    progress = Signal(int, int)
    loaded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, parent: QObject | None = None, cache: ModelCache | None = None,
                 pool: ParsePool | None = None, prepare: Callable[[Library], object] | None = None) -> None:
        super().__init__(parent)
        self._prepare = prepare
        self._tasks = BackgroundTasks(self, "folder-loader")
        self._generation = 0
        self._cancel: threading.Event | None = None
        self._cache = cache
        self._pool = pool
        self._pending_cache_write: Callable[[], None] | None = None
        self._pool_warmed = False
        self._closed = False
        self._large = False

    @property
    def busy(self) -> bool:
        """True while a load runs."""
        return self._cancel is not None

    def load(self, folder: Path) -> None:
        """Start loading ``folder``; a load already running is cancelled."""
        self.cancel()
        self._generation += 1
        generation = self._generation
        cancel = self._cancel = threading.Event()
        self.started.emit(folder)
        report = self._tasks.in_gui_thread(lambda done, total: self._on_progress(generation, done, total))
        cache, pool, prepare = self._cache, self._pool, self._prepare

        def work() -> tuple[Library, Callable[[], None]]:
            loaded = load_folder_then_cache(folder, progress=report, is_cancelled=cancel.is_set,
                                            cache=cache, pool=pool)
            if prepare is not None and not cancel.is_set():
                with collector_paused():  # as many objects as the load, and as long-lived
                    prepare(loaded[0])  # e.g. the timeline's layout: seconds for 100,000 lanes
            return loaded

        self._tasks.submit(work, lambda loaded: self._on_finished(generation, *loaded),
                           lambda error: self._on_failed(generation, folder, error))

    def cancel(self) -> None:
        """Stop the running load; the folder on screen stays."""
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None
            self.cancelled.emit()

    def shutdown(self) -> None:
        """Cancel a running load, write a cache still waiting, and stop the workers (the window is closing)."""
        self.cancel()
        self._closed = True  # an _after_load still due finds nothing to start
        if self._pool is not None:
            self._pool.shutdown()  # a worker stuck on a read must not hold up quitting
        self._tasks.shutdown()  # the load stops at its next check of the cancel flag
        write, self._pending_cache_write = self._pending_cache_write, None
        if write is not None:
            _write_cache(write)

    def _on_progress(self, generation: int, done: int, total: int) -> None:
        if generation == self._generation and self._cancel is not None:
            self.progress.emit(done, total)

    def _on_finished(self, generation: int, library: Library, write_cache: Callable[[], None]) -> None:
        if generation == self._generation and self._cancel is not None:
            self._cancel = None
            self.loaded.emit(library)
            # Encoding a large cache holds the interpreter for a few tenths of a
            # second; let the window lay out and paint the new folder first.
            self._pending_cache_write = write_cache
            # Workers are worth starting only for someone who opens large folders (starting
            # them costs both cores 0.4 s and 100 MB; a folder of 50 stories never needs them).
            self._large = self._pool is not None and len(library.results) >= self._pool.MIN_FILES
            QTimer.singleShot(CACHE_WRITE_DELAY_MS, self, self._after_load)

    def _after_load(self) -> None:
        """Once the new folder is on screen: write its cache, and have the parse workers ready."""
        if self._closed:  # the window closed meanwhile: shutdown wrote the cache, the workers are gone
            return
        write, self._pending_cache_write = self._pending_cache_write, None
        if write is not None:
            self._tasks.submit(lambda: _write_cache(write), lambda _: None, lambda _: None)
            if "numpy.ma" not in sys.modules:
                self._tasks.submit(_import_numpy_ma, lambda _: None, lambda _: None)
        pool = self._pool
        if pool is not None and not self._pool_warmed and self._large:
            # The next large folder finds the workers running; the first
            # folder of a launch is usually in the cache anyway.
            self._pool_warmed = True
            self._tasks.submit(lambda: pool.warm_up(parse_chunk), lambda _: None, lambda _: None)

    def _on_failed(self, generation: int, folder: Path, error: BaseException) -> None:
        if isinstance(error, LoadCancelled):
            return  # cancel() has told the window already
        if generation == self._generation and self._cancel is not None:
            self._cancel = None
            if isinstance(error, OSError):
                self.failed.emit(f"Cannot open {folder}: {error}")
            else:  # a bug: the user must hear of it, and it goes to the log with its traceback
                log.error("loading %s failed", folder, exc_info=error)
                self.failed.emit(f"Loading {folder} failed: {error!r}")


def _import_numpy_ma() -> None:
    """Import ``numpy.ma`` on a worker once the first folder is on screen.

    numpy imports it at the first ``np.unique`` of the process (20 ms here,
    0.4 s on a slow machine): not in the middle of the GUI's first use of it,
    and not before the first paint either.
    """
    import numpy.ma  # noqa: F401


def _write_cache(write: Callable[[], None]) -> None:
    """Write the model cache; one that cannot be written is only a slower next start."""
    try:
        write()
    except Exception:
        log.exception("writing the model cache failed")
