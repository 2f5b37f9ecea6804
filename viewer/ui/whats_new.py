"""Following stories as they develop: the "What's New" list, and what connects reading to the window.

``ReadingController`` keeps ``viewer.core.reading.Reading`` in step with the
application state: a story shown in the detail pane by the reader is read (its
news is shown there once, then its marks go); stories whose events stay on the
timeline for a moment are remembered as seen; what was read is written beside
the model cache a little after it changes (on a worker thread) and when the
window closes. The timeline's new/updated marks and the list follow
``Reading.changed``.
"""

from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, QTimer
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QWidget

from viewer.core.reading import FirstLook, Reading
from viewer.core.state import AppState, EventRef
from viewer.ui.detail_pane import EventDetailPane
from viewer.ui.tasks import BackgroundTasks
from viewer.ui.text import plain_tooltip, short_label
from viewer.ui.timeline.view import TimelineWidget

__all__ = ["ReadingController", "WhatsNewPanel"]

_log = logging.getLogger(__name__)

SEEN_AFTER_MS = 1500  # events on screen this long count as seen
SAVE_AFTER_MS = 5000  # what was read is written this long after it last changed (the whole file: MBs at 10,000 stories)
SHOWN_NEWS = 500  # rows of the list; more than this and the reader marks all read


class ReadingController(QObject):
    """Connects what the reader opens and sees to ``Reading``, and ``Reading`` to the timeline's marks."""

    def __init__(self, state: AppState, reading: Reading, detail: EventDetailPane, timeline: TimelineWidget,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._reading = reading
        self._detail = detail
        self._timeline = timeline
        self._opened: str | None = None  # the story the reader opened last (not the one shown at start)
        self._news_counts: dict[str, int] = {}  # new events per story at the last change (see _on_news)
        self._folder: Path | None = None
        self._tasks = BackgroundTasks(self, "reading")
        self._seen_timer = QTimer(self, singleShot=True, interval=SEEN_AFTER_MS)
        self._seen_timer.timeout.connect(self._note_seen)
        self._save_timer = QTimer(self, singleShot=True, interval=SAVE_AFTER_MS)
        self._save_timer.timeout.connect(self._save_later)
        # Connected after the timeline's own handlers: it has laid the lanes out when these run.
        state.library_changed.connect(self._on_library_changed)
        state.hidden_changed.connect(lambda *_: self._show_marks())
        state.sort_changed.connect(lambda *_: self._show_marks())
        state.story_changed.connect(self._on_opened)
        state.event_changed.connect(self._on_opened)
        reading.changed.connect(self._on_news)
        timeline.view_box.sigRangeChanged.connect(lambda *_: self._seen_timer.start())

    def _on_library_changed(self) -> None:
        library = self._state.library
        if library is None:
            return
        if library.folder != self._folder:
            # Another folder: its store is read and compared on a worker thread (seconds at
            # 10,000 stories), after the timeline has shown it; the marks come a moment later.
            self._folder = library.folder
            self._opened = None
            self._detail.clear_news()
            self._timeline.events_item.set_news(None)
            reading = self._reading
            self._tasks.submit(lambda: reading.first_look(library), self._adopt, self._on_look_failed)
            return
        if self._reading.folder == library.folder:  # a live update (or the first look is still coming)
            self._reading.set_library(library)
            self._show_marks()
            self._save_timer.start()

    def _adopt(self, look: FirstLook) -> None:
        library = self._state.library
        if library is None or library.folder != look.library.folder:
            return  # another folder was opened meanwhile
        self._reading.adopt(look)
        if library is not look.library:
            self._reading.set_library(library)  # a live update came while the store was read
        self._show_marks()
        self._save_timer.start()

    def _on_look_failed(self, error: BaseException) -> None:
        raise error  # a bug (the store's own errors are warnings): the application's error dialog shows it

    def _on_opened(self) -> None:
        story = self._state.story
        if story is not None:
            self._opened = story.file
            self._read(story.file)

    def _read(self, file: str) -> None:
        """Show what is new in the story in the detail pane, once; then it is read."""
        news = self._reading.news(file)
        if news:
            self._detail.show_news(file, news)
        self._reading.mark_read([file])
        self._save_timer.start()

    def _on_news(self) -> None:
        story = self._state.story
        if story is not None and story.file == self._opened and self._reading.news(story.file):
            self._read(story.file)  # it changed while the reader has it open
        # Lanes (and rows) sorted by their number of new events follow when news come, not when a
        # story is read: re-sorted then, the row just opened ran from under the reader's keys.
        counts = {file: self._reading.count(file) for file in self._reading.files_with_news()}
        if any(count > self._news_counts.get(file, 0) for file, count in counts.items()):
            self._state.order_changed("new")
        self._news_counts = counts
        self._show_marks()
        self._seen_timer.start()

    def _show_marks(self) -> None:
        """The timeline's marks: every new (1) and updated (2) event of the lanes shown."""
        layout = self._timeline.timeline_layout
        items = self._reading.whats_new()
        if not items or not len(layout.x0):
            self._timeline.events_item.set_news(None)
            return
        lanes = np.array([layout.story_index.get(item.file, -1) for item in items], dtype=np.int64)
        events = np.array([item.index for item in items], dtype=np.int64)
        kinds = np.array([1 if item.kind == "new" else 2 for item in items], dtype=np.int8)
        positions = layout.positions(lanes, events)
        marks = np.zeros(len(layout.x0), dtype=np.int8)
        marks[positions[positions >= 0]] = kinds[positions >= 0]
        self._timeline.events_item.set_news(marks)

    def _note_seen(self) -> None:
        """The stories whose events have been on screen for a moment are seen (not new next time)."""
        if not self._timeline.isVisible():
            return
        layout = self._timeline.timeline_layout
        if not len(layout.x0):
            return
        (x0, x1), (y0, y1) = self._timeline.view_box.viewRange()
        on_screen = (layout.x1 >= x0) & (layout.x0 <= x1) & (layout.row + 1 > y0) & (layout.row < y1)
        lanes = np.flatnonzero(np.bincount(layout.story[on_screen], minlength=len(layout.stories)))
        self._reading.saw(layout.stories[int(lane)].file for lane in lanes)
        self._save_timer.start()

    def _save_later(self) -> None:
        store = self._reading.store
        if store is None:  # nowhere to keep it (a window without a store)
            return
        snapshot = self._reading.snapshot()
        if snapshot is not None:
            self._tasks.submit(lambda: store.save(*snapshot), lambda _: None, self._on_save_failed)

    def _on_save_failed(self, error: BaseException) -> None:
        # Not worth a dialog: the marks are right for this session; the next one may show too much as new.
        _log.warning("could not write what was read: %s", error)

    def mark_story_read(self, file: str) -> None:
        """A story's context menu: Mark as Read."""
        self._reading.mark_read([file])
        self._save_timer.start()

    def mark_all_read(self) -> None:
        """View → Mark All as Read."""
        self._reading.mark_all_read()
        self._save_timer.start()

    def shutdown(self) -> None:
        """The window closes: write what was read now, and wait for a write in progress."""
        self._tasks.shutdown()
        self._seen_timer.stop()
        self._save_timer.stop()
        store, snapshot = self._reading.store, self._reading.snapshot()
        if store is not None and snapshot is not None:
            try:
                store.save(*snapshot)
            except OSError as error:
                self._on_save_failed(error)


class WhatsNewPanel(QListWidget):
    """Every new or updated event of the folder, the most recently noticed first; activating one goes there."""

    def __init__(self, state: AppState, reading: Reading, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("whatsNew")
        self.setAccessibleName("What's new")
        self.setAccessibleDescription("Events added or reworded since you last read their story")
        self.setUniformItemSizes(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # rows are cut with "…"
        self._state = state
        self._reading = reading
        # Refreshed a turn of the event loop later: a click on a row reads its story, which
        # changes the list, and the row must not be deleted under the click.
        self._pending = QTimer(self, singleShot=True, interval=0)
        self._pending.timeout.connect(self.refresh)
        reading.changed.connect(lambda: self._pending.start())
        self.itemActivated.connect(self._go)
        self.itemClicked.connect(self._go)
        self.refresh()

    def refresh(self) -> None:
        """List the reading's news again."""
        self.clear()
        library = self._state.library
        items = self._reading.whats_new()
        if library is None or not items:
            placeholder = QListWidgetItem("Nothing new since you last read these stories.")
            # Not selectable, yet enabled: a disabled item's grey is too faint to read (under 4.5:1).
            placeholder.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.addItem(placeholder)
            return
        for news in items[:SHOWN_NEWS]:
            story = library.story(news.file)
            if story is None or news.index >= len(story.events):
                continue
            event = story.events[news.index]
            label = "NEW" if news.kind == "new" else "UPDATED"
            item = QListWidgetItem(f"{label} · {short_label(event.date_text)} · {short_label(event.text)} "
                                   f"— {short_label(story.title)}")
            item.setData(Qt.ItemDataRole.UserRole, (news.file, news.index))
            item.setToolTip(plain_tooltip(f"{story.title}\n{event.date_text} – {event.text}"))
            self.addItem(item)
        if len(items) > SHOWN_NEWS:
            more = QListWidgetItem(f"… and {len(items) - SHOWN_NEWS:,} more (View → Mark All as Read)")
            more.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not selectable, readable (see above)
            self.addItem(more)

    def _go(self, item: QListWidgetItem) -> None:
        found = item.data(Qt.ItemDataRole.UserRole)
        if found:
            self._state.select_event(EventRef(*found))
