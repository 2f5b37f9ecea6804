"""The one application state that every view observes: what is on screen and selected.

The timeline, the detail pane, the citations list and every panel never call
each other: each one sets what the user picked here and redraws when this
object says that something changed. Signals (``psygnal``, the library behind
napari's evented models) fire only on a real change, so a view that writes
back the value it was just told about does not start a loop. Plain Python:
the rules (what survives a reload, which story becomes current) are tested
without Qt, and the Qt side only observes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from psygnal import Signal

from viewer.core.search import SearchResult
from viewer.core.sources import FolderSources, SourceIndex
from viewer.model import Event, Library, Story

__all__ = ["AppState", "EventRef"]


@dataclass(frozen=True, slots=True)
class EventRef:
    """Which event: its story's file and its index in that story's events."""

    file: str
    index: int


class AppState:
    """The library on screen, what is selected in it, and how it is filtered.

    Signals:
        library_changed(): a folder was opened or a file reloaded; the story,
            event and source may have changed too (one signal for all, so each
            view redraws once).
        story_changed(): the current story (the one whose summary and sources
            are shown) changed.
        event_changed(): the selected event changed (or was cleared).
        source_changed(): the selected source changed (or was cleared).
        folder_source_changed(): the source selected across all stories changed
            (or was cleared); one of it and the story's source is selected at a time.
        query_changed(str): the search text changed.
        search_changed(): the matches of the search changed (a new result, or none).
        hidden_changed(): the set of hidden stories changed, or whether only
            stories with a match are shown.
        sort_changed(str): the order of the stories changed.
    """

    library_changed = Signal()
    story_changed = Signal()
    event_changed = Signal()
    source_changed = Signal()
    folder_source_changed = Signal()
    query_changed = Signal(str)
    search_changed = Signal()
    hidden_changed = Signal()
    sort_changed = Signal(str)

    def __init__(self) -> None:
        self.sort_keys: dict[str, Callable[[Story], Any]] = {}
        """Orders beyond ``SORT_KEYS`` that need more than the story (the number of new events, say)."""
        self._library: Library | None = None
        self._story_file: str | None = None
        self._event: EventRef | None = None
        self._source: int | None = None
        self._query = ""
        self._search: SearchResult | None = None
        self._only_matching = False
        self._hidden: frozenset[str] = frozenset()
        self._sort = "file"
        self._folder_source: str | None = None
        self.sources = SourceIndex()  # the folder's sources by identity, built on first use or by a worker

    # --- the library -----------------------------------------------------

    @property
    def library(self) -> Library | None:
        """The loaded folder, or None before the first load finishes."""
        return self._library

    def set_library(self, library: Library, keep_selection: bool = False,
                    hidden: frozenset[str] | None = None) -> None:
        """Show a new library; keep the selection only if asked and it still exists.

        Args:
            library: the new library.
            keep_selection: True for a reload of the same folder (the user
                keeps their place, and hidden stories stay hidden); False when
                another folder was opened.
            hidden: the stories to hide in another folder (remembered from
                the last time it was open).
        """
        old_event = self.selected_event() if keep_selection else None
        old_ref = self._event
        self._library = library

        def kept(file: str | None) -> bool:  # a lookup, not a set of 100,000 files on the GUI thread
            return keep_selection and file is not None and library.story(file) is not None

        story_file = self._story_file if kept(self._story_file) else None
        event_ref: EventRef | None = None
        if old_ref is not None and old_event is not None and kept(old_ref.file):
            event_ref = find_again(library.story(old_ref.file), old_ref, old_event)
        source = self._source if story_file is not None else None
        if story_file is None and library.stories:
            # Something useful in the detail pane from the start: the first
            # story's summary and sources.
            story_file = library.stories[0].file
        self._story_file = story_file
        self._event = event_ref
        self._source = source
        # The folder-wide source stays selected through a reload while some story still lists it.
        folder_source = self._folder_source
        if folder_source is not None and (not keep_selection or folder_source not in self.folder_sources()):
            self._folder_source = None
        # A hidden story that is gone is forgotten; one that is still there
        # stays hidden through a reload, but not into another folder.
        if hidden is not None and not keep_selection:
            hidden = frozenset(file for file in hidden if library.story(file) is not None)
        else:
            hidden = frozenset(file for file in self._hidden if kept(file))
        hidden_changed = hidden != self._hidden
        self._hidden = hidden
        # The matches were of the old library; the search is run again on this one.
        search_changed = self._search is not None
        self._search = None
        self.library_changed.emit()
        if folder_source != self._folder_source:
            self.folder_source_changed.emit()
        if search_changed:
            self.search_changed.emit()
        if hidden_changed:
            self.hidden_changed.emit()

    # --- the current story -----------------------------------------------

    @property
    def story(self) -> Story | None:
        """The current story, or None."""
        if self._library is None or self._story_file is None:
            return None
        return self._library.story(self._story_file)

    def set_story(self, file: str | None) -> None:
        """Make a story current (its summary and sources are shown); clears the source."""
        if file == self._story_file:
            return
        self._story_file = file
        self._source = None
        if self._event is not None and self._event.file != file:
            self._event = None
            self.event_changed.emit()
        self.story_changed.emit()
        self.source_changed.emit()

    # --- the selected event ----------------------------------------------

    @property
    def event_ref(self) -> EventRef | None:
        """Which event is selected, or None."""
        return self._event

    def selected_event(self) -> Event | None:
        """The selected event itself, or None."""
        story = self.story
        if story is None or self._event is None or self._event.index >= len(story.events):
            return None
        return story.events[self._event.index]

    def select_event(self, ref: EventRef | None) -> None:
        """Select an event (its story becomes current), or clear with None."""
        if ref == self._event:
            return
        if ref is not None and ref.file != self._story_file:
            self._story_file = ref.file
            self._source = None
            self._event = ref
            self.story_changed.emit()
            self.source_changed.emit()
        else:
            self._event = ref
        self.event_changed.emit()

    # --- the selected source ---------------------------------------------

    @property
    def source_number(self) -> int | None:
        """The selected source's number in the current story, or None."""
        return self._source

    def select_source(self, number: int | None) -> None:
        """Select a source of the current story; its citing events are highlighted."""
        if self._folder_source is not None:  # one source is selected at a time (Esc on the timeline clears both)
            self._folder_source = None
            self.folder_source_changed.emit()
        if number == self._source:
            return
        self._source = number
        self.source_changed.emit()

    def highlighted_events(self) -> list[EventRef]:
        """The events citing the selected source, in file order: in every story for a folder-wide source."""
        if self._folder_source is not None:
            shared = self.folder_sources().get(self._folder_source)
            return [EventRef(file, index) for file, index in shared.events] if shared is not None else []
        story = self.story
        if story is None or self._source is None:
            return []
        return [EventRef(story.file, i) for i, e in enumerate(story.events) if self._source in e.citations]

    # --- the source selected across stories -------------------------------

    def folder_sources(self) -> FolderSources:
        """Every source of the library, one per identity (``viewer.core.sources``); built once per library."""
        return self.sources.build(self._library)

    @property
    def folder_source(self) -> str | None:
        """The key (``source_key``) of the source selected across all stories, or None."""
        return self._folder_source

    def set_folder_source(self, key: str | None) -> None:
        """Select a source across all stories: every event citing it, in any story, is highlighted."""
        if key == self._folder_source:
            return
        self._folder_source = key
        story_source_cleared = key is not None and self._source is not None
        if story_source_cleared:
            self._source = None
        self.folder_source_changed.emit()
        if story_source_cleared:
            self.source_changed.emit()

    # --- search, hidden stories, order -------------------------------------

    @property
    def query(self) -> str:
        """The search text ("" when nothing is searched)."""
        return self._query

    def set_query(self, text: str) -> None:
        """Search for ``text`` (surrounding spaces do not count); the result comes with ``set_search``."""
        text = text.strip()
        if text != self._query:
            self._query = text
            if not text and self._search is not None:
                self._search = None
                self.search_changed.emit()
                if self._only_matching:
                    self.hidden_changed.emit()
            self.query_changed.emit(text)

    @property
    def search(self) -> SearchResult | None:
        """The matches of the current query in the current library, or None when nothing is searched."""
        return self._search

    def set_search(self, result: SearchResult | None) -> None:
        """The matches of a query (computed off the GUI thread); a result for an old query is dropped."""
        if result is not None and result.query.strip() != self._query:
            return
        if result is self._search:
            return
        self._search = result
        self.search_changed.emit()
        if self._only_matching:
            self.hidden_changed.emit()

    @property
    def only_matching(self) -> bool:
        """Whether the timeline shows only the stories with a match (while something is searched)."""
        return self._only_matching

    def set_only_matching(self, only: bool) -> None:
        """Show only the stories with a match, or all of them again."""
        if only != self._only_matching:
            self._only_matching = only
            self.hidden_changed.emit()

    def lanes(self, library: Library | None = None) -> list[Story]:
        """The stories the timeline shows, in order: not hidden, with a match if so asked, sorted.

        Args:
            library: another library than the current one (the loader lays out
                the next one on its worker thread with the current settings).
        """
        library = library if library is not None else self._library
        if library is None:
            return []
        hidden = self._hidden
        stories = [s for s in library.stories if s.file not in hidden] if hidden else list(library.stories)
        search = self._search
        if self._only_matching and search is not None and library is self._library:
            matching = search.files()
            stories = [s for s in stories if s.file in matching]
        key, descending = self.order_key(self._sort, library)
        if key is not None:
            # Stable, also reversed: equal ones stay in file order, as in the stories panel.
            stories.sort(key=key, reverse=descending)
        return stories

    @property
    def hidden(self) -> frozenset[str]:
        """Files of the stories the reader hid from the timeline."""
        return self._hidden

    def set_hidden(self, files: frozenset[str] | set[str]) -> None:
        """Hide exactly these stories (files not in the library are ignored)."""
        library = self._library
        hidden = frozenset(f for f in files if library is not None and library.story(f) is not None)
        if hidden != self._hidden:
            self._hidden = hidden
            self.hidden_changed.emit()

    def set_story_hidden(self, file: str, hidden: bool) -> None:
        """Hide or show one story."""
        self.set_hidden(self._hidden | {file} if hidden else self._hidden - {file})

    @property
    def sort(self) -> str:
        """How the stories are ordered: a key the stories panel defines ("file" by default)."""
        return self._sort

    def set_sort(self, key: str) -> None:
        """Order the stories by ``key``."""
        if key != self._sort:
            self._sort = key
            self.sort_changed.emit(key)

    def order_key(self, order: str, library: Library | None = None) -> tuple[Callable[[Story], Any] | None, bool]:
        """The key of an order of the lanes (None: by file) and whether it is descending.

        The stories panel sorts its rows with this too, so that rows and lanes
        are in one order. ``library``: the one whose stories are sorted (the
        loader lays out the next one on its worker thread); the problems of a
        story are its file's in that library.
        """
        name, descending = order.lstrip("-"), order.startswith("-")
        if name == "problems":
            source = library if library is not None else self._library
            results = source.results if source is not None else {}

            def problems(story: Story) -> int:
                result = results.get(story.file)
                return len(result.problems) if result is not None else 0

            return problems, descending
        return self.sort_keys.get(name, SORT_KEYS.get(name)), descending

    def order_changed(self, name: str) -> None:
        """The values of the order ``name`` (one of ``sort_keys``) changed: lanes sorted by it are sorted again.

        The number of new events of a story, say, changes without the story changing.
        """
        if self._sort.lstrip("-") == name:
            self.sort_changed.emit(self._sort)


def _first_day(story: Story) -> int:
    days = [e.span.start.toordinal() for e in story.events if e.span is not None]
    return min(days) if days else 10**7


def _last_day(story: Story) -> int:
    days = [e.span.end.toordinal() for e in story.events if e.span is not None]
    return max(days) if days else -1


SORT_KEYS: dict[str, Callable[[Story], Any]] = {
    "headline": lambda story: story.title.casefold(),
    "first": _first_day,
    "last": _last_day,
    "events": lambda story: len(story.events),
    "articles": lambda story: story.article_count or 0,
}
"""The orders of the lanes: ``AppState.set_sort("events")``, or ``"-events"`` for descending;
"file" (the default) is the library's own order, by file."""


def find_again(story: Story | None, ref: EventRef, old: Event) -> EventRef | None:
    """The same event in a reloaded story: at the same index if it is still there, else by text and date."""
    if story is None:
        return None
    events = story.events
    if ref.index < len(events) and events[ref.index].text == old.text \
            and events[ref.index].date_text == old.date_text:
        return ref
    for i, event in enumerate(events):
        if event.text == old.text and event.date_text == old.date_text:
            return EventRef(story.file, i)
    return None
