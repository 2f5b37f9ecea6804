"""All Sources: every source of the folder, once, however many stories cite it.

A source is one row whether one story lists it or ten, under whatever
spelling of its address (``viewer.core.sources`` says which sources are
one). The table shows its title, its address (the host in the cell, all of it
in the tooltip), how many stories list it and how many events cite it, sorted
by the header (most stories first at the start: the shared sources are the
news). Selecting a row selects that source across the folder, and the
timeline rings every event citing it, in every lane; a double-click or Enter
also brings its first citing event into view.

The table is built on a worker thread (``BackgroundTasks``): at 10,000
stories grouping every source takes about a second of Python
(``tests/benchmarks/bench_sources.py``); a live update regroups only the
changed stories' sources. Sorting and filtering are done here in Python on
the rows as a whole, not through a ``QSortFilterProxyModel`` calling
``data()`` for every comparison: a sort of 20,000 rows then costs
milliseconds.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QEvent,
    QItemSelection,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSignalBlocker,
    Qt,
    Signal,
)
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QLineEdit, QTableView, QVBoxLayout, QWidget

from viewer.core.search import fold, query_words
from viewer.core.sources import FolderSources, SharedSource
from viewer.core.state import AppState, EventRef
from viewer.model import Library
from viewer.ui.citations import URL_CHARS, site_of, url_host
from viewer.ui.table_model import FlatTableModel
from viewer.ui.tasks import BackgroundTasks
from viewer.ui.text import capped, one_line, plain_tooltip

__all__ = ["AllSourcesModel", "AllSourcesPanel"]

STORIES, EVENTS = 2, 3


class AllSourcesModel(FlatTableModel):
    """The folder's sources as rows: filtered by words, sorted by a column."""

    COLUMNS = ("Title", "Site", "Stories", "Events")  # the host shown; the full address in the tooltip

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._all: list[SharedSource] = []
        self._rows: list[SharedSource] = []
        self._folded: dict[str, str] = {}  # key → folded title and address, for the filter
        self._titles: dict[str, tuple[SharedSource, str]] = {}  # key → (source, its title as sorted)
        self._hosts: dict[str, tuple[SharedSource, str]] = {}  # key → (source, its host as sorted)
        self._words: list[str] = []
        self._sort: tuple[int, Qt.SortOrder] = (STORIES, Qt.SortOrder.DescendingOrder)

    def set_sources(self, sources: FolderSources) -> None:
        """Show these sources (filter and order kept)."""
        self._all = sources.entries()
        self._folded = {}
        self._refill()

    def set_words(self, text: str) -> None:
        """Keep only the sources whose title or address has every word of ``text`` (as search folds words)."""
        words = query_words(text)
        if words != self._words:
            self._words = words
            self._refill()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by a column (the header calls this)."""
        if not 0 <= column < len(self.COLUMNS):
            return
        self._sort = (column, order)
        self.layoutAboutToBeChanged.emit()
        self._order()
        self.layoutChanged.emit()

    def _refill(self) -> None:
        self.beginResetModel()
        if self._words:
            words = self._words
            self._rows = [s for s in self._all if all(w in self._folded_text(s) for w in words)]
        else:
            self._rows = list(self._all)
        self._order()
        self.endResetModel()

    def _folded_text(self, source: SharedSource) -> str:
        text = self._folded.get(source.key)
        if text is None:
            text = self._folded[source.key] = fold(f"{source.title or ''} {source.url or ''}")
        return text

    def _order(self) -> None:
        column, order = self._sort
        descending = order == Qt.SortOrder.DescendingOrder
        # Ties by title, so that equal counts read alphabetically whichever way the column is sorted.
        self._rows.sort(key=self._sort_title)
        if column == 1:
            self._rows.sort(key=self._sort_host, reverse=descending)
        elif column == STORIES:
            self._rows.sort(key=lambda s: len(s.stories), reverse=descending)
        elif column == EVENTS:
            self._rows.sort(key=lambda s: len(s.events), reverse=descending)
        elif descending:
            self._rows.reverse()

    def _sort_title(self, source: SharedSource) -> str:
        # Made once per source: a live update sorts every row again, and the sources it did not touch
        # are the same objects.
        known = self._titles.get(source.key)
        if known is None or known[0] is not source:
            known = self._titles[source.key] = (source, fold(source.title or source.url or ""))
        return known[1]

    def _sort_host(self, source: SharedSource) -> str:
        known = self._hosts.get(source.key)
        if known is None or known[0] is not source:
            # The host of the key (lower case, without "www."): reuters.com and www.reuters.com sort together,
            # and no QUrl is parsed per row (0.5 s for 20,000 rows).
            host = source.key.partition("://")[2].partition("/")[0] if source.url else "\uffff"
            known = self._hosts[source.key] = (source, host)
        return known[1]

    def row_count(self) -> int:
        """One row per source shown."""
        return len(self._rows)

    def source_at(self, row: int) -> SharedSource:
        """The source in a row."""
        return self._rows[row]

    def row_of(self, key: str | None) -> int | None:
        """The row of the source with this key, or None (not there, or filtered out)."""
        if key is None:
            return None
        for row, source in enumerate(self._rows):
            if source.key == key:
                return row
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Plain text cells: story text is never markup."""
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        source = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return one_line(source.title) if source.title else "(no title)"
            if column == 1:
                return site_of(source.url) if source.url else ""
            return len(source.stories) if column == STORIES else len(source.events)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == 0 and source.title:
                return plain_tooltip(source.title)
            if column == 1 and source.url:
                return _url_tooltip(source.url)
            if column == STORIES:
                return plain_tooltip(f"Listed by {_count(len(source.stories), 'story', 'stories')}")
            if column == EVENTS:
                return plain_tooltip(f"Cited by {_count(len(source.events), 'event', 'events')}")
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= STORIES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def _count(n: int, one: str, many: str) -> str:
    return f"{n:,} {one if n == 1 else many}"


def _url_tooltip(url: str) -> str:
    """All of the address (cut into lines by hand: it has no space to wrap at) and the host it leads to."""
    shown = capped(url, URL_CHARS)
    lines = "<br>".join(html.escape(shown[start:start + 80]) for start in range(0, len(shown), 80))
    host = url_host(url)
    where = f"Host: <b>{html.escape(host)}</b>" if host is not None else "Not a web address."
    return f"<p>{lines}<br><br>{where}</p>"


class AllSourcesPanel(QWidget):
    """A filter field over a sortable table of the folder's sources.

    Signals:
        sources_ready(): the sources of the library on screen are built (the
            detail pane can say which of an event's sources other stories cite).
        story_activated(str): a source cited by no event was activated: its
            first story was made current (the window scrolls its lane into view).
    """

    sources_ready = Signal()
    story_activated = Signal(str)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("allSourcesPanel")
        self.setAccessibleName("All sources panel")
        self.setAccessibleDescription("Every source of the folder once, with the stories and events citing it")
        self._state = state
        self._tasks = BackgroundTasks(self, name="sources")
        self._building: Library | None = None
        self._shown_folder: Path | None = None  # the folder whose sources the table shows
        self._shown: FolderSources | None = None  # and those sources
        self.model = AllSourcesModel(self)
        self.filter = QLineEdit()
        self.filter.setObjectName("allSourcesFilter")
        self.filter.setAccessibleName("Filter sources")
        self.filter.setAccessibleDescription("Shows only the sources whose title or address has these words")
        self.filter.setPlaceholderText("Filter sources by title or address…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._on_filter)
        self.table = QTableView()
        self.table.setObjectName("allSourcesTable")
        self.table.setAccessibleName("All sources")
        self.table.setAccessibleDescription(
            "One row per source of the folder; selecting one rings every event citing it on the timeline")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setTabKeyNavigation(False)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        rows = self.table.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # never measured: 20,000 rows
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(30)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(1, 150)
        for column in (STORIES, EVENTS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            header.resizeSection(column, 56)
        self.table.viewport().installEventFilter(self)  # its width changes: the site's column follows
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(STORIES, Qt.SortOrder.DescendingOrder)  # the shared sources first
        self.status = QLabel()
        self.status.setObjectName("allSourcesStatus")
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        layout.addWidget(self.status)
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.activated.connect(self._on_activated)
        # After a live update the row is selected again where it now is, and the table is not scrolled:
        # only a new selection (from the detail pane's link, say) brings its row into view.
        self.model.modelReset.connect(lambda: self._show_selected(scroll=False))
        state.library_changed.connect(self._follow_library)
        state.event_changed.connect(self._follow_library)
        state.folder_source_changed.connect(self._show_selected)
        self._follow_library()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """The site's column a quarter of the table (70 to 150 px): in a narrow dock the titles were
        cut to a word ("COVID-19 p…") beside a host shown whole."""
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            width = self.table.viewport().width()
            self.table.horizontalHeader().resizeSection(1, max(70, min(150, width // 4)))
        return super().eventFilter(watched, event)

    def showEvent(self, event: QShowEvent) -> None:
        """Shown (View → All Sources): the table is filled if it is not yet."""
        super().showEvent(event)
        self._follow_library()

    # --- the table follows the library ------------------------------------------------

    def _follow_library(self) -> None:
        """Show the sources of the state's library: at once if built, else once a worker has built them."""
        library = self._state.library
        if library is None:
            self.model.set_sources(FolderSources({}, {}))
            self._shown_folder = self._shown = None
            self._update_status(None)
            return
        built = self._state.sources.built_for(library)
        if built is not None:
            if built is not self._shown:  # an event selected, or the panel shown again: nothing new to show
                self._show(library, built)
            return
        if self._building is library:
            return
        # Grouping a large folder's sources costs a worker seconds, so it is done only for a reader who
        # looks at them: this panel shown, or an event selected (the detail pane says which of its
        # sources other stories cite). Once done for a folder, a live update costs milliseconds.
        wanted = self.isVisible() or self._state.event_ref is not None or self._state.folder_source is not None
        if not wanted and self._shown_folder != library.folder:
            return
        self._building = library
        if not self.model.row_count():
            self.status.setText("Finding the sources shared by stories…")
        index = self._state.sources
        self._tasks.submit(lambda: index.build(library), lambda built: self._show(library, built),
                           self._failed)

    def _show(self, library: Library, built: FolderSources) -> None:
        if self._building is library:
            self._building = None
        if library is not self._state.library:
            return  # a newer library is on its way
        self.model.set_sources(built)
        self._shown = built
        self._shown_folder = library.folder
        self._update_status(built)
        self.sources_ready.emit()

    def _failed(self, error: BaseException) -> None:
        self._building = None
        self.status.setText(f"The sources could not be grouped: {error}")
        raise error  # the application's exception hook reports it

    def _update_status(self, built: FolderSources | None) -> None:
        if built is None:
            self.status.setText("")
            return
        shared = sum(1 for source in built if len(source.stories) > 1)
        shown = self.model.row_count()
        filtered = f"{shown:,} shown · " if shown != len(built) else ""
        self.status.setText(f"{filtered}{_count(len(built), 'source', 'sources')}, "
                            f"{shared:,} cited by more than one story")

    def _on_filter(self, text: str) -> None:
        self.model.set_words(text)
        built = self._state.sources.built_for(self._state.library)
        self._update_status(built)

    # --- selection ---------------------------------------------------------------------

    def _on_selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._state.set_folder_source(self.model.source_at(rows[0].row()).key)

    def _show_selected(self, scroll: bool = True) -> None:
        """The row of the state's folder-wide source is selected (none when it has none), and scrolled to."""
        row = self.model.row_of(self._state.folder_source)
        with QSignalBlocker(self.table.selectionModel()):
            if row is None:
                self.table.selectionModel().clear()
            else:
                self.table.selectRow(row)
        self.table.viewport().update()
        if row is not None and scroll:
            self.table.scrollTo(self.model.index(row, 0))

    def _on_activated(self, index: QModelIndex) -> None:
        """Enter or a double-click: select the source and bring its first citing event into view."""
        if not index.isValid():
            return
        source = self.model.source_at(index.row())
        self._state.set_folder_source(source.key)
        hidden = self._state.hidden
        # The first citing event in a lane that is shown, if any is.
        shown = [ref for ref in source.events if ref[0] not in hidden] or list(source.events)
        if shown:
            self._state.select_event(EventRef(*shown[0]))
        elif source.stories:
            self._state.select_event(None)
            self._state.set_story(source.stories[0])
            self.story_activated.emit(source.stories[0])

    def shutdown(self) -> None:
        """Wait for a build in progress (the window is closing)."""
        self._tasks.shutdown()
