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

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPointF,
    QRect,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QTextCharFormat, QTextLayout
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
from viewer.model import Library, Story
from viewer.ui.tasks import BackgroundTasks
from viewer.ui.text import TITLE_CHARS, capped, one_line, plain_tooltip, visible

__all__ = ["SearchController", "SearchResultsModel", "SearchResultsPanel"]

SHOWN_MATCHES = 300  # listed; the rest are counted (see SearchResultsModel)
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
        self._previous: SearchIndex | None = None
        self._running = False
        self._again = False
        state.library_changed.connect(self._on_library_changed)
        state.query_changed.connect(self._on_query_changed)

    def shutdown(self) -> None:
        """Drop queued work and wait for the running query (the window is closing)."""
        self._tasks.shutdown()

    def _on_library_changed(self) -> None:
        # The old index stays as the source of the words of the stories that did not change.
        self._previous = self._index or self._previous
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
        library, query, index, previous = self._state.library, self._state.query, self._index, self._previous
        if library is None or not query:
            return
        self._running = True
        self._again = False

        def work() -> tuple[SearchIndex, SearchResult]:
            built = index if index is not None and index.library is library else SearchIndex(library, previous)
            return built, built.search(query)

        self._tasks.submit(work, lambda done: self._on_done(library, *done), self._on_failed)

    def _on_done(self, library: Library, index: SearchIndex, result: SearchResult) -> None:
        self._running = False
        if library is self._state.library:
            self._index = index
            self._previous = None
            self._state.set_search(result)  # dropped there if the query changed meanwhile
        if self._again or (self._state.query and self._state.search is None):
            self._again = False
            self._start()

    def _on_failed(self, error: BaseException) -> None:
        self._running = False
        raise error  # a bug: the application's error dialog shows it


class SearchResultsModel(QAbstractListModel):
    """The rows of the state's search result: a heading per story, its matches below it.

    The first ``SHOWN_MATCHES`` matches are listed, then a row that counts
    the rest: a reader narrows a search rather than scroll through 60,000
    rows, and Qt's list view lays out every row of its model (calling back
    into Python for each) on every keystroke. A row's snippet is made when
    the view first draws it (``SearchResult.rows`` says which row is what,
    computed on the search's worker thread).
    """

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._result: SearchResult | None = None
        self.library: Library | None = None
        """The library of the rows shown."""
        self.layouts: dict[tuple[int, bool, int], QTextLayout] = {}
        """The delegate's laid-out rows (by row, selected, characters), made again after a reset."""
        self._previews: dict[int, Preview] = {}
        self._listed = 0  # rows of matches and headings
        self._more = 0  # matches not listed

    def set_result(self, result: SearchResult | None, library: Library | None = None) -> None:
        """Show ``result`` (None: no rows), a search of ``library``."""
        self.beginResetModel()
        self._result = result
        self.library = library
        self.layouts.clear()
        self._previews = {}
        if result is None:
            self._listed = self._more = 0
        elif len(result) > SHOWN_MATCHES:
            self._listed, self._more = result.row_of(SHOWN_MATCHES - 1) + 1, len(result) - SHOWN_MATCHES
        else:
            self._listed, self._more = len(result.rows), 0
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self._listed + (1 if self._more else 0)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if index.row() >= self._listed:  # the count of the rest: nothing to select
            return Qt.ItemFlag.NoItemFlags
        return super().flags(index)

    def hit(self, row: int) -> Hit | None:
        """What a row leads to: a match, or (a heading) its story."""
        result = self._result
        if result is None or not 0 <= row < self._listed:
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

    def row(self, row: int) -> tuple[str, Story | Preview | str]:
        """What a row shows: ("story", its story), ("match", its preview) or ("more", the count of the rest)."""
        assert self._result is not None
        if row >= self._listed:
            return "more", (f"… and {self._more:,} more {'match' if self._more == 1 else 'matches'}: "
                            "add a word to narrow the search")
        story = self._result.story_at(row)
        return ("story", story) if story is not None else ("match", self.preview(row))

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if self._result is None or not index.isValid() or role not in _TEXT_ROLES:
            return None
        _kind, shown = self.row(index.row())
        if isinstance(shown, str):
            text = shown
        elif isinstance(shown, Preview):
            text = f"{shown.date}  {''.join(part for part, _ in shown.snippet)}"
        else:
            text = capped(shown.title, TITLE_CHARS)
        return plain_tooltip(text) if role == Qt.ItemDataRole.ToolTipRole else text


_TEXT_ROLES = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole, Qt.ItemDataRole.ToolTipRole)


def _snippet_layout(preview: Preview, font: QFont, ink: QColor, link: QColor, limit: int) -> QTextLayout:
    """A match's row as one line of text: its date, then the snippet with the matched words marked.

    One ``QTextLayout`` shapes the row once; drawing its runs one by one
    took twice as long, and a keystroke redraws every visible row. Only the
    first ``limit`` characters are laid out (what the row's width can show).
    """
    date = visible(preview.date) + "  "
    parts, room = [], limit - len(date)  # no more text than the row can show: shaping is the cost
    for part, _ in preview.snippet:
        parts.append(visible(part)[:max(room, 0)])
        room -= len(parts[-1])
    date_format = QTextCharFormat()
    date_format.setForeground(link)
    ranges = [_format_range(0, len(date), date_format)]
    mark = QTextCharFormat()
    mark.setFontWeight(QFont.Weight.Bold)
    mark.setForeground(MARK_TEXT)
    mark.setBackground(MARK_BACKGROUND)
    position = len(date)
    for part, (_, matched) in zip(parts, preview.snippet, strict=True):
        if matched:
            ranges.append(_format_range(position, len(part), mark))
        position += len(part)
    layout = QTextLayout(date + "".join(parts), font)
    palette_ink = QTextCharFormat()
    palette_ink.setForeground(ink)
    layout.setFormats([_format_range(len(date), position - len(date), palette_ink), *ranges])
    layout.beginLayout()
    layout.createLine().setLineWidth(1_000_000)  # one line, cut where the row ends
    layout.endLayout()
    return layout


def _format_range(start: int, length: int, text_format: QTextCharFormat) -> QTextLayout.FormatRange:
    found = QTextLayout.FormatRange()
    found.start, found.length, found.format = start, length, text_format
    return found


class _ResultDelegate(QStyledItemDelegate):
    """Draws a heading row in bold, a match's row as its date and snippet, the matched words marked.

    Painted from the model's ``row`` directly rather than through
    ``initStyleOption``, which asks the model for a dozen roles per row.
    """

    def __init__(self, model: SearchResultsModel, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._model = model

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        ink = palette.color(QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text)
        rect = option.rect.adjusted(4, 0, -4, 0)
        align = Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft
        kind, shown = self._model.row(index.row())
        painter.save()
        try:
            if not isinstance(shown, Preview):
                font = QFont(option.font)
                font.setBold(kind == "story")
                painter.setFont(font)
                painter.setPen(ink if kind == "story" else palette.color(QPalette.ColorRole.PlaceholderText))
                text = one_line(shown.title) if isinstance(shown, Story) else shown  # isolated if right-to-left
                painter.drawText(rect, align, QFontMetrics(font).elidedText(text, Qt.TextElideMode.ElideRight,
                                                                             rect.width()))
                return
            left, width = rect.left() + INDENT_PX, rect.width() - INDENT_PX
            limit = int(width / max(option.fontMetrics.averageCharWidth(), 1) * 1.6) + 8
            key = (index.row(), selected, limit)
            layout = self._model.layouts.get(key)
            if layout is None:
                layout = self._model.layouts[key] = _snippet_layout(shown, option.font, ink, palette.color(
                    QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Link), limit)
            top = rect.top() + (rect.height() - layout.boundingRect().height()) / 2
            painter.setClipRect(QRect(left, rect.top(), width, rect.height()))
            layout.draw(painter, QPointF(left, top))
            if layout.lineAt(0).naturalTextWidth() > width:  # cut at the edge: say so
                more = option.fontMetrics.horizontalAdvance("…") + 2
                painter.fillRect(QRect(rect.right() - more, rect.top(), more + 4, rect.height()),
                                 palette.color(QPalette.ColorRole.Highlight) if selected else
                                 palette.color(QPalette.ColorRole.Base))
                painter.setPen(ink)
                painter.drawText(QRect(rect.right() - more, rect.top(), more + 4, rect.height()), align, "…")
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
        self.setItemDelegate(_ResultDelegate(self.results, self))
        self.setUniformItemSizes(True)  # every row one line: the view never measures 100,000 rows
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.clicked.connect(self._on_activated)
        self.activated.connect(self._on_activated)
        state.search_changed.connect(self.refresh)
        state.query_changed.connect(self._on_query_changed)
        self.refresh()

    def _on_query_changed(self, query: str) -> None:
        # While typing, the last matches stay listed until the new ones come (a few
        # milliseconds): emptying the list at each key made it flash and paint twice.
        if not query or self.results.rowCount() == 0:
            self.refresh()

    def refresh(self) -> None:
        """Show the state's search result."""
        state = self._state
        result = state.search if state.query and state.library is not None else None
        if result is None and state.query and self.results.rowCount() and self.results.library is state.library:
            return  # the matches of the new query are on their way: keep the last ones till then
        self.results.set_result(result, state.library)

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
        if self.results.hit(row) is None:  # past the listed matches
            self.clearSelection()
        elif index.isValid():
            self.setCurrentIndex(index)
            self.scrollTo(index)

    def _on_activated(self, index: QModelIndex) -> None:
        hit = self.results.hit(index.row())
        if hit is not None:
            self.hit_activated.emit(hit)
