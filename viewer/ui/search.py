"""Search: the index and queries off the GUI thread, and the list of results.

``SearchController`` keeps a ``viewer.core.search.SearchIndex`` of the
library on screen (built on its worker thread: seconds for 100,000 events)
and runs each query there too; the result goes into the application state,
which the timeline, this list and the status bar observe. A query typed
while another runs is run next; a result for a query that is no longer the
current one is dropped.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from viewer.core.search import Hit, Preview, SearchIndex, SearchResult
from viewer.core.state import AppState
from viewer.model import Library
from viewer.ui.tasks import BackgroundTasks
from viewer.ui.text import TITLE_CHARS, capped, plain_tooltip, visible

__all__ = ["SearchController", "SearchResultsModel", "SearchResultsPanel"]

HEADING_ROLE = Qt.ItemDataRole.UserRole + 1
RUNS_ROLE = Qt.ItemDataRole.UserRole + 2
INDENT_PX = 14  # a match's row, under its story's heading
# The matched words: dark text on a marker yellow, readable in light and dark schemes alike.
MARK_BACKGROUND = QColor("#FFE17A")
MARK_TEXT = QColor("#1A1A1A")


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
            return built, built.search(query)

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


class SearchResultsModel(QAbstractListModel):
    """The rows of the state's search result: a heading per story, its matches below it.

    A row's snippet is made when the view first asks for it, so a result of
    100,000 matches costs only the rows on screen (``SearchResult.rows``
    says which row is what, computed on the search's worker thread).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._result: SearchResult | None = None
        self._previews: dict[int, Preview] = {}

    def set_result(self, result: SearchResult | None) -> None:
        """Show ``result`` (None: no rows)."""
        self.beginResetModel()
        self._result = result
        self._previews = {}
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() or self._result is None else len(self._result.rows)

    def hit(self, row: int) -> Hit | None:
        """What a row leads to: a match, or (a heading) its story."""
        result = self._result
        if result is None or not 0 <= row < len(result.rows):
            return None
        story = result.story_at(row)
        return Hit(story.file, None) if story is not None else self.preview(row).hit

    def preview(self, row: int) -> Preview:
        """The date and snippet of a match's row (made once, when first shown)."""
        assert self._result is not None
        found = self._previews.get(row)
        if found is None:
            found = self._previews[row] = self._result.preview(int(self._result.rows[row]))
        return found

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        result = self._result
        if result is None or not index.isValid():
            return None
        row = index.row()
        story = result.story_at(row)
        if role == HEADING_ROLE:
            return story is not None
        if story is not None:
            if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
                return capped(story.title, TITLE_CHARS)
            if role == Qt.ItemDataRole.ToolTipRole:
                return plain_tooltip(story.title)
            return None
        preview = self.preview(row)
        if role == RUNS_ROLE:
            return preview
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return f"{preview.date}  {''.join(part for part, _ in preview.snippet)}"
        if role == Qt.ItemDataRole.ToolTipRole:
            return plain_tooltip(f"{preview.date} – {''.join(part for part, _ in preview.snippet)}")
        return None


class _ResultDelegate(QStyledItemDelegate):
    """Draws a heading row in bold, a match's row as its date and snippet, the matched words marked."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        view_option = QStyleOptionViewItem(option)
        self.initStyleOption(view_option, index)
        text = view_option.text
        view_option.text = ""
        style = view_option.widget.style() if view_option.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, view_option, painter, view_option.widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        ink = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        rect = option.rect.adjusted(4, 0, -4, 0)
        painter.save()
        try:
            if index.data(HEADING_ROLE):
                font = QFont(option.font)
                font.setBold(True)
                painter.setFont(font)
                painter.setPen(ink)
                elided = QFontMetrics(font).elidedText(visible(text), Qt.TextElideMode.ElideRight, rect.width())
                painter.drawText(rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, elided)
                return
            preview: Preview = index.data(RUNS_ROLE)
            x, right = rect.left() + INDENT_PX, rect.right()
            link = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Link)
            runs = [(visible(preview.date) + "  ", False, link)]
            runs += [(visible(part), matched, ink) for part, matched in preview.snippet]
            bold = QFont(option.font)
            bold.setBold(True)
            for part, matched, colour in runs:
                font = bold if matched else option.font
                metrics = QFontMetrics(font)
                width = metrics.horizontalAdvance(part)
                if x + width > right:
                    part = metrics.elidedText(part, Qt.TextElideMode.ElideRight, right - x)
                    width = metrics.horizontalAdvance(part)
                box = QRect(x, rect.top(), width, rect.height())
                if matched:
                    painter.fillRect(box.adjusted(0, 2, 0, -2), MARK_BACKGROUND)
                    colour = MARK_TEXT
                painter.setFont(font)
                painter.setPen(colour)
                painter.drawText(box, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, part)
                x += width
                if x >= right:
                    break
        finally:
            painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(200, QFontMetrics(option.font).height() + 6)


class SearchResultsPanel(QListView):
    """The matches grouped by story, each with its date as written and a snippet; a click goes there.

    A list view of ``SearchResultsModel`` rather than a page of HTML: a
    keystroke that changes 60,000 matches redraws the twenty rows on screen.
    When there is nothing to list it says why (no query, searching, no match).

    Signals:
        hit_activated(object): a ``Hit`` was clicked or activated with Enter
            (a heading row: the story, as ``Hit(file, None)``).
    """

    hit_activated = Signal(object)

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("searchResults")
        self.setAccessibleName("Search results")
        self.setAccessibleDescription("The matches of the search, grouped by story; Enter or a click selects one")
        self._state = state
        self.results = SearchResultsModel(self)
        self.setModel(self.results)
        self.setItemDelegate(_ResultDelegate(self))
        self.setUniformItemSizes(True)  # every row one line: the view never measures 100,000 rows
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.clicked.connect(self._on_activated)
        self.activated.connect(self._on_activated)
        state.search_changed.connect(self.refresh)
        state.query_changed.connect(lambda _query: self.refresh())
        self.refresh()

    def refresh(self) -> None:
        """Show the state's search result."""
        state = self._state
        result = state.search if state.query and state.library is not None else None
        self.results.set_result(result)
        self.viewport().update()

    def placeholder(self) -> str:
        """What the empty list says (nothing typed, searching, or no match)."""
        state = self._state
        if not state.query:
            return "Type in the search field (Ctrl+F) to find events and stories by their words."
        if state.search is None:
            return "Searching…"
        return f"No matches for “{visible(capped(state.search.query, 200))}”." if not len(state.search) else ""

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self.results.rowCount():
            return
        painter = QPainter(self.viewport())
        painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
        painter.drawText(self.viewport().rect().adjusted(8, 8, -8, -8),
                         Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft | Qt.TextFlag.TextWordWrap,
                         self.placeholder())

    def show_row(self, row: int) -> None:
        """Mark ``row`` as the current one and scroll to it (Find Next went there)."""
        index = self.results.index(row, 0)
        if index.isValid():
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def _on_activated(self, index: QModelIndex) -> None:
        hit = self.results.hit(index.row())
        if hit is not None:
            self.hit_activated.emit(hit)
