"""Loading a folder off the GUI thread, with progress and cancel.

The parse runs in a ``QThreadPool`` worker; progress and the result reach
the GUI thread only through queued signals. A new load cancels the one
running; a cancelled or superseded load's result is dropped, so the folder
on screen stays until the new one is ready.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QRunnable, QThreadPool, QTimer, Signal

from viewer.model import Library, LoadCancelled
from viewer.model.loader import load_folder_then_cache

if TYPE_CHECKING:
    from collections.abc import Callable

    from viewer.model.cache import ModelCache
    from viewer.model.parallel import ParseHelper


log = logging.getLogger(__name__)

CACHE_WRITE_DELAY_MS = 1500


class _Signals(QObject):
    progress = Signal(int, int, int)  # generation, done, total
    finished = Signal(int, object, object)  # generation, Library, the function that writes the cache
    failed = Signal(int, str)  # generation, message


class _LoadTask(QRunnable):
    def __init__(self, generation: int, folder: Path, signals: _Signals, cancel: threading.Event,
                 cache: ModelCache | None = None, helper: ParseHelper | None = None) -> None:
        super().__init__()
        self._generation = generation
        self._folder = folder
        self._signals = signals
        self._cancel = cancel
        self._cache = cache
        self._helper = helper

    def run(self) -> None:
        generation = self._generation
        try:
            library, write_cache = load_folder_then_cache(
                self._folder,
                progress=lambda done, total: self._signals.progress.emit(generation, done, total),
                is_cancelled=self._cancel.is_set,
                cache=self._cache,
                helper=self._helper,
            )
        except LoadCancelled:
            pass  # cancel() has told the window already
        except OSError as exc:
            self._signals.failed.emit(generation, f"Cannot open {self._folder}: {exc}")
        except Exception as exc:  # noqa: BLE001 — a bug must reach the user, not kill the worker silently
            self._signals.failed.emit(generation, f"Loading {self._folder} failed: {exc!r}")
        else:
            self._signals.finished.emit(generation, library, write_cache)


class _CallTask(QRunnable):
    """Run one function in the pool (writing the cache after the window is drawn)."""

    def __init__(self, function: Callable[[], None]) -> None:
        super().__init__()
        self._function = function

    def run(self) -> None:
        try:
            self._function()
        except Exception:  # a cache that cannot be written is only a slower next start
            log.exception("writing the model cache failed")


class FolderLoader(QObject):
    """Starts loads and reports them; only the newest load's result is delivered.

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
                 helper: ParseHelper | None = None) -> None:
        super().__init__(parent)
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _Signals()
        self._signals.progress.connect(self._on_progress)
        self._signals.finished.connect(self._on_finished)
        self._signals.failed.connect(self._on_failed)
        self._generation = 0
        self._cancel: threading.Event | None = None
        self._cache = cache
        self._pending_cache_write: Callable[[], None] | None = None
        self._helper = helper
        self._helper_started = False

    @property
    def busy(self) -> bool:
        """True while a load runs."""
        return self._cancel is not None

    def load(self, folder: Path) -> None:
        """Start loading ``folder``; a load already running is cancelled."""
        self.cancel()
        self._generation += 1
        self._cancel = threading.Event()
        self.started.emit(folder)
        self._pool.start(_LoadTask(self._generation, folder, self._signals, self._cancel, self._cache,
                                   self._helper))

    def cancel(self) -> None:
        """Stop the running load; the folder on screen stays."""
        if self._cancel is not None:
            self._cancel.set()
            self._cancel = None
            self.cancelled.emit()

    def wait(self, msecs: int = 30000) -> bool:
        """Block until the worker is idle (for shutdown and tests)."""
        return self._pool.waitForDone(msecs)

    def shutdown(self) -> None:
        """Cancel a running load and stop the parse helper process (the window is closing)."""
        self.cancel()
        self.wait(5000)
        if self._helper is not None:
            self._helper.shutdown()

    def _start_helper(self) -> None:
        """Start the parse helper process in the background, once.

        Done after the first load, not at launch: starting a process competes
        with the launch for the CPU, and the first folder of a launch is
        usually cached. The next large folder then finds the helper ready
        (its first load would otherwise spend 0.1 s starting it).
        """
        if self._helper is not None and not self._helper_started:
            self._helper_started = True
            self._helper.start_in_background()

    def _on_progress(self, generation: int, done: int, total: int) -> None:
        if generation == self._generation and self._cancel is not None:
            self.progress.emit(done, total)

    def _on_finished(self, generation: int, library: Library, write_cache: Callable[[], None]) -> None:
        if generation == self._generation and self._cancel is not None:
            self._cancel = None
            self.loaded.emit(library)
            self._start_helper()
            # Encoding a large cache holds the interpreter for a few tenths of a
            # second; let the window lay out and paint the new folder first.
            self._pending_cache_write = write_cache
            QTimer.singleShot(CACHE_WRITE_DELAY_MS, self, self._start_cache_write)

    def _start_cache_write(self) -> None:
        write, self._pending_cache_write = self._pending_cache_write, None
        if write is not None:
            self._pool.start(_CallTask(write))

    def write_pending_cache(self) -> None:
        """Write a cache still waiting to be written, now (the window is closing)."""
        write, self._pending_cache_write = self._pending_cache_write, None
        if write is not None:
            _CallTask(write).run()

    def _on_failed(self, generation: int, message: str) -> None:
        if generation == self._generation and self._cancel is not None:
            self._cancel = None
            self.failed.emit(message)
