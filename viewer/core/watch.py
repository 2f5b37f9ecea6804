"""Following a folder tree on disk with ``watchdog``: which changes may matter, not what they are.

``watchdog`` watches a whole tree with the system's own service (inotify on
Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows) from its own
thread: one kernel watch per folder, not one per file, so a folder of 100,000
stories costs the GUI nothing. Events only say "look again"; the rescan
(``viewer.core.reload``) compares sizes and modification times and decides
what changed, so a lost or duplicated event cannot make the view wrong.

When the folder itself disappears, its nearest existing parent is watched
instead, so that the folder is followed again when it is created again.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from pathlib import Path

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

__all__ = ["TreeWatch"]

_log = logging.getLogger(__name__)

# What can change a story: not "opened" or "closed without writing", which
# the rescan's own reads cause.
_RELEVANT = frozenset({"created", "deleted", "modified", "moved", "closed"})


class TreeWatch:
    """Watches one folder tree; calls ``on_change()`` once per burst of relevant events.

    ``on_change`` runs on watchdog's thread and must only pass the news on
    (the window queues a signal to the GUI thread). After it is called it is
    not called again until ``take_change()`` is, so a burst of 100,000
    events is one call.

    Args:
        folder: the folder to follow (absolute).
        on_change: called when a story file or a folder below may have changed.
    """

    def __init__(self, folder: Path, on_change: Callable[[], None]) -> None:
        self.folder = folder
        self._on_change = on_change
        self._root = os.fspath(folder)
        self._changed = threading.Event()
        self._lock = threading.Lock()
        self._observer: BaseObserver | None = None
        self._watch: ObservedWatch | None = None
        self._watching_root = False
        self._handler = _Handler(self)

    @property
    def following(self) -> bool:
        """True while the folder itself (not a parent waiting for it) is watched."""
        return self._watching_root

    def arm(self) -> None:
        """Watch the folder recursively, or its nearest parent if it is gone.

        Blocking (it adds a kernel watch per subfolder): call it off the GUI
        thread. Calling it again after the folder came back moves the watch
        back to the folder.

        Raises:
            OSError: the system refused (its limit of watches was reached).
            RecursionError: the tree is too deep for ``os.walk`` on Python 3.11.
        """
        with self._lock:
            if self._observer is None:
                self._observer = Observer()
                self._observer.daemon = True
                self._observer.start()
            exists = self.folder.is_dir()
            if self._watch is not None and exists == self._watching_root:
                return
            if self._watch is not None:
                self._observer.unschedule(self._watch)
                self._watch = None
            if exists:
                self._watch = self._observer.schedule(self._handler, self._root, recursive=True)
            else:
                parent = self.folder.parent
                while not parent.is_dir() and parent != parent.parent:
                    parent = parent.parent
                self._watch = self._observer.schedule(self._handler, os.fspath(parent), recursive=False)
            self._watching_root = exists

    def take_change(self) -> bool:
        """Whether a change was reported since the last call; ``on_change`` may be called again."""
        was = self._changed.is_set()
        self._changed.clear()
        return was

    def close(self) -> None:
        """Stop watching; the observer thread ends (it is a daemon: quitting never waits for it)."""
        with self._lock:
            observer, self._observer = self._observer, None
            self._watch = None
        if observer is not None:
            observer.stop()
            observer.join(timeout=1.0)

    def _notice(self, event: FileSystemEvent) -> None:
        if event.event_type not in _RELEVANT:
            return
        if event.is_directory and event.event_type == "modified":
            return  # comes with the event about the entry that changed
        paths = [event.src_path, getattr(event, "dest_path", "")]
        if not any(self._matters(os.fsdecode(path), event.is_directory) for path in paths if path):
            return
        if not self._changed.is_set():
            self._changed.set()
            self._on_change()

    def _matters(self, path: str, is_directory: bool) -> bool:
        """A story file or a folder in the tree (or the folder itself, coming or going), not hidden."""
        if not self._watching_root:
            return path == self._root
        rel = os.path.relpath(path, self._root)
        if rel == ".":
            return True
        if rel.startswith(".."):
            return False
        if any(part.startswith(".") for part in rel.split(os.sep)):
            return False
        return is_directory or rel[-4:].lower() == ".txt"


class _Handler(FileSystemEventHandler):
    def __init__(self, watch: TreeWatch) -> None:
        self._watch = watch

    def on_any_event(self, event: FileSystemEvent) -> None:
        try:
            self._watch._notice(event)
        except Exception:  # noqa: BLE001 - an error here would stop watchdog's thread for good
            _log.exception("handling %r failed", event)
