"""The one bridge from background work to the GUI thread.

Loading a folder, writing the model cache and rescanning a watched folder all
run a plain function on a worker thread (``concurrent.futures``) and hand
its result or exception back to a function on the GUI thread, through a queued
Qt signal: widgets are only ever touched from the GUI thread. (Orange3 keeps
all its background work behind one such ``FutureWatcher``.)
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, Signal

T = TypeVar("T")

__all__ = ["BackgroundTasks"]


class BackgroundTasks(QObject):
    """Runs functions one after another on a worker thread; results come back on the GUI thread.

    Args:
        parent: the owning QObject.
        name: the worker thread's name (seen in debuggers and ``py-spy``).
    """

    _deliver = Signal(object)  # a callable to run on the GUI thread

    def __init__(self, parent: QObject | None = None, name: str = "worker") -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        # Queued even when emitted on the GUI thread (a future already done
        # when its callback is added): callers never see a reply inside submit().
        self._deliver.connect(_call, Qt.ConnectionType.QueuedConnection)

    def submit(self, work: Callable[[], T], done: Callable[[T], object],
               failed: Callable[[BaseException], object]) -> Future[T]:
        """Run ``work()`` in the background, then ``done(result)`` or ``failed(exception)`` on the GUI thread."""
        future = self._executor.submit(work)

        def reply(finished: Future[T]) -> None:
            if finished.cancelled():
                return
            error = finished.exception()
            self._deliver.emit(functools.partial(failed, error) if error is not None
                               else functools.partial(done, finished.result()))

        future.add_done_callback(reply)
        return future

    def in_gui_thread(self, function: Callable[..., object]) -> Callable[..., None]:
        """``function``, callable from any thread, run later on the GUI thread (progress reports)."""
        return lambda *args: self._deliver.emit(functools.partial(function, *args))

    def shutdown(self) -> None:
        """Drop work not started and wait for the running job (which must honour its cancel flag)."""
        self._executor.shutdown(wait=True, cancel_futures=True)


def _call(function: Callable[[], Any]) -> None:
    function()
