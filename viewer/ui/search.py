"""Search: the index and queries off the GUI thread, and the list of results.

``SearchController`` keeps a ``viewer.core.search.SearchIndex`` of the
library on screen (built on its worker thread: seconds for 100,000 events)
and runs each query there too; the result goes into the application state,
which the timeline, this list and the status bar observe. A query typed
while another runs is run next; a result for a query that is no longer the
current one is dropped.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QObject, QUrl, Signal
from PySide6.QtWidgets import QTextBrowser, QWidget

from viewer.core.search import Hit, SearchIndex, SearchResult
from viewer.core.state import AppState
from viewer.model import Library
from viewer.ui.tasks import BackgroundTasks
from viewer.ui.text import capped

__all__ = ["SearchController", "SearchResultsPanel"]

SHOWN_HITS = 100  # results listed (a reader narrows the search rather than read more); the rest are counted


class SearchController(QObject):
    """Runs the state's query against the state's library, off the GUI thread."""

    def __init__(self, state: AppState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._tasks = BackgroundTasks(self, "search")
        self._index: SearchIndex | None = None
        self._running = False
        self._again = False
        state.library_changed.connect(self._on_library_changed)
        state.query_changed.connect(self._on_query_changed)

    def shutdown(self) -> None:
        """Drop queued work and wait for the running query (the window is closing)."""
        self._tasks.shutdown()

    def _on_library_changed(self) -> None:
        self._index = None
        if self._state.query:
            self._start()

    def _on_query_changed(self, _query: str) -> None:
        if self._state.query:
            self._start()

    def _start(self) -> None:
        if self._running:
            self._again = True  # only the newest query matters: run it when this one is done
            return
        library, query, index = self._state.library, self._state.query, self._index
        if library is None or not query:
            return
        self._running = True
        self._again = False

        def work() -> tuple[SearchIndex, SearchResult]:
            built = index if index is not None and index.library is library else SearchIndex(library)
            result = built.search(query)
            result.make_previews(SHOWN_HITS)  # the snippets, here rather than on the GUI thread
            return built, result

        self._tasks.submit(work, lambda done: self._on_done(library, *done), self._on_failed)

    def _on_done(self, library: Library, index: SearchIndex, result: SearchResult) -> None:
        self._running = False
        if library is self._state.library:
            self._index = index
            self._state.set_search(result)  # dropped there if the query changed meanwhile
        if self._again or (self._state.query and self._state.search is None):
            self._again = False
            self._start()

    def _on_failed(self, error: BaseException) -> None:
        self._running = False
        raise error  # a bug: the application's error dialog shows it


class SearchResultsPanel(QTextBrowser):
    """The matches grouped by story, each with its date as written and a snippet; a click goes there.

    Signals:
        hit_activated(object): a ``Hit`` was clicked or activated with Enter.
    """

    hit_activated = Signal(object)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.setAccessibleName("Search results")
        self.setOpenLinks(False)
        self.setOpenExternalLinks(False)
        self._state = state
        self._hits: list[Hit] = []
        self.anchorClicked.connect(self._on_anchor)
        state.search_changed.connect(self.refresh)
        state.query_changed.connect(lambda _query: self.refresh())
        self.refresh()

    def loadResource(self, kind: int, name: QUrl | str) -> object:
        """Story text never loads anything (no images, no network)."""
        return None

    def refresh(self) -> None:
        """Redraw from the state's search result."""
        state = self._state
        result, library = state.search, state.library
        if not state.query:
            self._hits = []
            self.setHtml("<p style='color:gray'>Type in the search field (Ctrl+F) to find events and "
                         "stories by their words.</p>")
            return
        if result is None or library is None:
            self.setHtml("<p style='color:gray'>Searching…</p>")
            return
        if not len(result):
            self._hits = []
            self.setHtml(f"<p>No matches for <b>{html.escape(result.query)}</b>.</p>")
            return
        previews = result.previews
        self._hits = [preview.hit for preview in previews]
        parts = [f"<p><b>{len(result)}</b> {'match' if len(result) == 1 else 'matches'} in "
                 f"<b>{result.story_count}</b> {'story' if result.story_count == 1 else 'stories'}</p>"]
        for number, preview in enumerate(previews):
            if number == 0 or previews[number - 1].hit.file != preview.hit.file:
                parts.append(f"<p style='margin-bottom:2px'><b>{html.escape(capped(preview.headline, 90))}</b></p>")
            parts.append(f"<div style='margin-left:12px'><a href='hit:{number}'>{html.escape(preview.date)}</a> "
                         f"{_emphasised(preview.snippet)}</div>")
        if len(result) > len(self._hits):
            parts.append(f"<p style='color:gray'>… and {len(result) - len(self._hits)} more: "
                         "add a word to narrow the search.</p>")
        self.setHtml("".join(parts))

    def _on_anchor(self, url: QUrl) -> None:
        if url.scheme() == "hit":
            number = int(url.path())
            if 0 <= number < len(self._hits):
                self.hit_activated.emit(self._hits[number])


def _emphasised(runs: list[tuple[str, bool]]) -> str:
    """A snippet, escaped, the matched words in bold."""
    return "".join(f"<b style='background:#FFF1A8'>{html.escape(part)}</b>" if matched else html.escape(part)
                   for part, matched in runs)
