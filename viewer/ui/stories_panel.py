"""The stories panel: one row per story, to find, sort, show and hide lanes.

Each row has the story's colour, its headline, first and last date, and how
many events, articles and problems it has. The header sorts (and the lanes on
the timeline follow, in the one order ``AppState.order_key`` gives); its
context menu shows or hides columns; the filter field narrows the rows by
headline or file name; the check box of a row shows or hides its lane (Show
All and Hide Others in the context menu); Up and Down show the next story.
Everything it changes goes through the application state.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRegularExpression,
    QSortFilterProxyModel,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QGuiApplication, QKeyEvent, QPalette
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLineEdit, QMenu, QTableView, QVBoxLayout, QWidget

from viewer.core.colours import is_dark, story_colour
from viewer.core.reading import Reading
from viewer.core.search import fold
from viewer.core.state import AppState
from viewer.model import FileResult, Library, Story
from viewer.model.story import Day
from viewer.ui.text import one_line, plain_tooltip

__all__ = ["StoriesPanel"]

MAX_ROWS_CHANGED = 500  # a live update changing more rows than this resets the table
FILTER_ROLE = Qt.ItemDataRole.UserRole + 2

# Column → its title, its full name (tooltip), the state's order of that name,
# and its width (None: the rest of the panel).
COLUMNS: tuple[tuple[str, str, str | None, int | None], ...] = (
    ("Headline", "Headline", "headline", None),
    ("First", "The earliest event, as written", "first", 76),
    ("Last", "The latest event, as written", "last", 76),
    ("Ev.", "Events", "events", 36),
    ("Art.", "Articles", "articles", 36),
    ("Pr.", "Problems", "problems", 32),
    ("New", "Events new or updated since you last read the story", "new", 38),
)
NEW_COLUMN = len(COLUMNS) - 1
DATE_SAMPLE = "Sep 30, 2025"  # the widest common date of the First and Last columns
MIN_HEADLINE_PX = 150
"""Narrower than this, the headline column gets room by hiding the columns of ``HIDDEN_FIRST``."""
HIDDEN_FIRST = (5, 4, 2, 1)  # problems, articles, last, first: the row's tooltip still gives them


class _Row:
    """A story's row: the earliest and latest event, shown as written ("1960s", not "Jan 1, 1960")."""

    __slots__ = ("file", "first", "first_text", "last", "last_text", "problems", "result", "story")

    def __init__(self, story: Story, result: FileResult | None) -> None:
        self.story = story
        self.result = result
        problems = len(result.problems) if result is not None else 0
        self.file = story.file
        dated = [e for e in story.events if e.span is not None]
        first = min(dated, key=lambda e: e.span.start, default=None)  # type: ignore[union-attr]
        last = max(dated, key=lambda e: e.span.end, default=None)  # type: ignore[union-attr]
        self.first: Day | None = first.span.start if first is not None and first.span else None
        self.last: Day | None = last.span.end if last is not None and last.span else None
        self.first_text = first.date_text if first is not None else ""
        self.last_text = last.date_text if last is not None else ""
        self.problems = problems


def _file_of(story: Story) -> str:
    return story.file


class _WordFilter(QSortFilterProxyModel):
    """Rows whose headline or file contains every word of the filter, in any order, case and accents aside.

    A regular expression of lookaheads over a folded text role, so that Qt
    filters without calling Python for every row when there is no filter
    (a reload of 10,000 stories otherwise paid 10,000 calls).
    """

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setFilterRole(FILTER_ROLE)
        self.setFilterKeyColumn(0)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """The header's sort: the stories model orders its own rows (``StoriesModel.sort``).

        Qt's proxy sort asks the model for two values per comparison, a call
        into Python each: sorting 10,000 rows took one to two seconds. The
        model sorts in Python with the lanes' own keys, in milliseconds, and
        this proxy only filters, in the model's order.
        """
        self.sourceModel().sort(column, order)

    def set_words(self, text: str) -> None:
        """Filter by ``text`` (its words, as search folds them)."""
        pattern = "".join(f"(?=.*{re.escape(word)})" for word in fold(text).split())
        self.setFilterRegularExpression(QRegularExpression(pattern))


class StoriesModel(QAbstractTableModel):
    """The library's stories as rows; the check state is whether the lane is shown.

    Signals:
        reset_done(): the rows are those of the state's library.
    """

    reset_done = Signal()

    def __init__(self, state: AppState, reading: Reading | None = None) -> None:
        super().__init__()
        self._state = state
        self._reading = reading
        self._with_news: frozenset[str] = frozenset()  # the stories whose rows show news
        if reading is not None:
            reading.changed.connect(self._news_changed)
        self._stories: list[Story] = []  # the library's, changed row by row in a live update
        self._folder: Path | None = None
        self._rows: dict[str, _Row] = {}  # by file; made again when the file's result changed
        self._row_of: dict[str, int] | None = None
        self.toggled = False
        self._sort: tuple[int, bool] | None = None  # (column, descending); None: file order
        # The table follows a new library in the next turn of the event loop:
        # the timeline paints first, and the window never does both at once
        # (together they held a 100,000-story folder's first paint for 0.2 s).
        self._pending = QTimer(self, singleShot=True, interval=0)
        self._pending.timeout.connect(self._follow_library)
        state.library_changed.connect(lambda: self._pending.start())
        state.hidden_changed.connect(self._hidden_changed)
        self._reset()

    def _follow_library(self) -> None:
        """Show the state's library: row by row for a live update, a reset for another folder.

        A live update usually changes a file or two; telling the view which
        rows changed (and, when sorted, sorting them again) keeps its scroll
        position and selection, where a reset would lose both.
        """
        library: Library | None = self._state.library
        old, new = self._stories, (() if library is None else library.stories)
        if not old or not new or library is None or library.folder != self._folder:
            self._reset()
            return
        if self._sort is not None:
            self._follow_sorted(library)
            return
        start = 0
        end = min(len(old), len(new))
        while start < end and old[start] is new[start]:
            start += 1
        if start == len(old) == len(new):
            return
        old_end, new_end = len(old), len(new)
        while old_end > start and new_end > start and old[old_end - 1] is new[new_end - 1]:
            old_end -= 1
            new_end -= 1
        if max(old_end, new_end) - start > MAX_ROWS_CHANGED:
            self._reset()
            return
        # Between start and the ends: rows removed, inserted (both lists are in the library's
        # order, so the files kept are in the same order) and changed in place.
        self._row_of = None
        new_files = {story.file for story in new[start:new_end]}
        old_files = {story.file for story in old[start:old_end]}
        current = self._stories
        i = old_end - 1
        while i >= start:  # from the end, so that the rows before stay where they are
            if current[i].file in new_files:
                i -= 1
                continue
            first = i
            while first - 1 >= start and current[first - 1].file not in new_files:
                first -= 1
            self.beginRemoveRows(QModelIndex(), first, i)
            del current[first:i + 1]
            self.endRemoveRows()
            i = first - 1
        k = start
        while k < new_end:
            if new[k].file in old_files:
                k += 1
                continue
            last = k
            while last + 1 < new_end and new[last + 1].file not in old_files:
                last += 1
            self.beginInsertRows(QModelIndex(), k, last)
            current[k:k] = new[k:last + 1]
            self.endInsertRows()
            k = last + 1
        if len(current) != len(new):  # not in one order after all: show the new library as a whole
            self._reset()
            return
        changed = [row for row in range(start, new_end) if current[row] is not new[row]]
        current[start:new_end] = new[start:new_end]
        for row in changed:
            self.dataChanged.emit(self.index(row, 0), self.index(row, len(COLUMNS) - 1))
        self.reset_done.emit()

    def _follow_sorted(self, library: Library) -> None:
        """A live update of sorted rows: the rows of files gone removed, new ones added, then sorted again."""
        new = {story.file: story for story in library.stories}
        gone = [row for row, story in enumerate(self._stories) if story.file not in new]
        if len(gone) > MAX_ROWS_CHANGED or len(new) - (len(self._stories) - len(gone)) > MAX_ROWS_CHANGED:
            self._reset()
            return
        for row in reversed(gone):  # from the end, so that the rows before stay where they are
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._stories[row]
            self.endRemoveRows()
        kept = {story.file for story in self._stories}
        added = [story for story in library.stories if story.file not in kept]
        if added:
            self.beginInsertRows(QModelIndex(), len(self._stories), len(self._stories) + len(added) - 1)
            self._stories.extend(added)
            self.endInsertRows()
        changed = [row for row, story in enumerate(self._stories) if new[story.file] is not story]
        for row in changed:
            self._stories[row] = new[self._stories[row].file]
        self._row_of = None
        self._apply_sort()
        for file in [self._stories[row].file for row in changed]:
            at = self.row_of(file)
            if at is not None:
                self.dataChanged.emit(self.index(at, 0), self.index(at, len(COLUMNS) - 1))
        self.reset_done.emit()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by a column (-1: by file), as ``AppState.lanes`` orders the lanes."""
        self._sort = (column, order == Qt.SortOrder.DescendingOrder) if 0 <= column < len(COLUMNS) else None
        self._apply_sort()

    def _sorted(self, stories: list[Story]) -> list[Story]:
        """``stories`` by file, then stably by the sort column's key: equal ones stay in file order,
        also in descending order, as on the lanes."""
        ordered = sorted(stories, key=_file_of)
        if self._sort is None:
            return ordered
        column, descending = self._sort
        key, _ = self._state.order_key(COLUMNS[column][2] or "file")
        reading = self._reading
        if key is None and column == NEW_COLUMN and reading is not None:  # (the window registers "new")
            key = lambda story: reading.count(story.file)  # noqa: E731
        if key is not None:
            ordered.sort(key=key, reverse=descending)
        return ordered

    def _apply_sort(self) -> None:
        """Put the rows in the sort's order, the view's selection and current row moved with them."""
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        files = [self._stories[index.row()].file for index in persistent]
        self._stories = self._sorted(self._stories)
        self._row_of = None
        self.changePersistentIndexList(persistent, [self.index(self.row_of(file) or 0, index.column())
                                                    for file, index in zip(files, persistent, strict=True)])
        self.layoutChanged.emit()

    def _reset(self) -> None:
        # Rows are made when first shown: a folder of 100,000
        # stories must not cost the GUI thread a second at every reload.
        library: Library | None = self._state.library
        self.beginResetModel()
        self._stories = [] if library is None else list(library.stories)
        if self._sort is not None:
            self._stories = self._sorted(self._stories)
        self._folder = None if library is None else library.folder
        self._rows = {}
        self._row_of = None
        self.endResetModel()
        self.reset_done.emit()

    def _row(self, row: int) -> _Row:
        story = self._stories[row]
        library = self._state.library
        result = library.results.get(story.file) if library is not None else None
        found = self._rows.get(story.file)
        if found is None or found.story is not story or found.result is not result:
            found = self._rows[story.file] = _Row(story, result)
        return found

    def row_of(self, file: str, hint: int = 0) -> int | None:
        """The row of a story's file, or None; ``hint``: where it was (a reload rarely moves it)."""
        stories = self._stories
        for guess in (hint, 0):  # a new folder shows its first story: no table of 100,000 files for that
            if guess < len(stories) and stories[guess].file == file:
                return guess
        if self._row_of is None:
            self._row_of = {story.file: i for i, story in enumerate(self._stories)}
        return self._row_of.get(file)

    def _hidden_changed(self) -> None:
        if self._stories:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._stories) - 1, 0),
                                  [Qt.ItemDataRole.CheckStateRole])

    def _news_changed(self) -> None:
        """The rows of the stories whose news came or went (or changed): their count, and bold.

        Row by row: a change over all rows repaints and re-filters all of
        them. Rows sorted by news are sorted again through the state's
        ``order_changed``, which the panel's header follows.
        """
        assert self._reading is not None
        now = self._reading.files_with_news()
        changed = self._with_news | now
        self._with_news = now
        for file in changed:
            row = self.row_of(file)
            if row is not None:
                self.dataChanged.emit(self.index(row, 0), self.index(row, NEW_COLUMN),
                                      [Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.FontRole])

    def file_at(self, row: int) -> str:
        """The file of the story in a row."""
        return self._stories[row].file

    def filter_text(self, row: int) -> str:
        """What the filter field looks in: the headline and the file name, folded."""
        story = self._stories[row]
        return fold(f"{story.title} {story.file}")

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """One row per story."""
        return 0 if parent.isValid() else len(self._stories)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """The columns of ``COLUMNS``."""
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section][0]
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.ToolTipRole:
            return COLUMNS[section][1]
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        """Rows select; the headline cell has the lane's check box."""
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == 0:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Text, the colour, the check box, and tooltips with the full headline and dates."""
        row = self._row(index.row())
        column = index.column()
        story = row.story
        if column == NEW_COLUMN:
            news = self._reading.count(row.file) if self._reading is not None else 0
            if role == Qt.ItemDataRole.DisplayRole:
                return news or ""
        elif role == Qt.ItemDataRole.DisplayRole:
            return (one_line(story.title), row.first_text, row.last_text, len(story.events),
                    story.article_count if story.article_count is not None else "", row.problems)[column]
        if role == Qt.ItemDataRole.FontRole and self._reading is not None:
            story_news = self._reading.news(row.file)
            if story_news is not None and story_news.articles_grew:  # more articles than when it was read
                font = QFont()
                font.setBold(True)
                return font
        if role == FILTER_ROLE:
            return self.filter_text(index.row())
        if role == Qt.ItemDataRole.CheckStateRole and column == 0:
            shown = row.file not in self._state.hidden
            return Qt.CheckState.Checked if shown else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DecorationRole and column == 0:
            # The lane's colour as the timeline draws it: its dark variant on a dark base.
            base = QGuiApplication.palette().color(QPalette.ColorRole.Base).name()
            return QColor(story_colour(row.file, dark=is_dark(base)))
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            # Every column's value too: a narrow panel hides some of them (StoriesPanel.fit_columns).
            articles = f" · {story.article_count} articles" if story.article_count is not None else ""
            dates = f"{row.first_text} – {row.last_text} · " if row.first_text else ""
            return plain_tooltip(f"{story.title}\n{row.file}\n{dates}{len(story.events)} events{articles} · "
                                 f"{row.problems} problems")
        if role == Qt.ItemDataRole.ToolTipRole and column in (1, 2):  # a date longer than its column
            text = row.first_text if column == 1 else row.last_text
            return plain_tooltip(text) if text else None
        if role == Qt.ItemDataRole.TextAlignmentRole and column >= 3:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def setData(self, index: QModelIndex | QPersistentModelIndex, value: Any,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        """The check box: show or hide the lane."""
        if role == Qt.ItemDataRole.CheckStateRole and index.column() == 0:
            shown = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
            self.toggled = True  # the click that did this is not a click on the row
            self._state.set_story_hidden(self._stories[index.row()].file, not shown)
            return True
        return False


class _StoriesTable(QTableView):
    """The stories' table; a key that moves to another row says so (the panel then shows its story).

    Only keys: the current row also moves when a filter hides it or a click
    lands on a check box, and neither may change the story on show.

    Signals:
        moved_by_key(QModelIndex): the new current row, moved to by a key.
    """

    moved_by_key = Signal(QModelIndex)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        before = self.currentIndex().row()
        super().keyPressEvent(event)
        current = self.currentIndex()
        if current.isValid() and current.row() != before:
            self.moved_by_key.emit(current)


class StoriesPanel(QWidget):
    """A filter field over a sortable table of the stories.

    Signals:
        story_activated(str): a story's row was clicked (its file): the window
            scrolls its lane into view.
    """

    story_activated = Signal(str)

    mark_read = Signal(str)
    """A story's context menu: Mark as Read (its file)."""

    def __init__(self, state: AppState, parent: QWidget | None = None, reading: Reading | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("storiesPanel")
        self.setAccessibleName("Stories panel")
        self.setAccessibleDescription("Every story of the folder: filter, show or hide, sort, go to one")
        self._state = state
        self._last_row = 0
        self.model = StoriesModel(state, reading)
        self.proxy = _WordFilter(self)
        self.proxy.setSourceModel(self.model)
        self.filter = QLineEdit()
        self.filter.setObjectName("storiesFilter")
        self.filter.setAccessibleName("Filter stories")
        self.filter.setAccessibleDescription("Shows only the stories whose headline or file name has these words")
        self.filter.setPlaceholderText("Filter stories by headline or file…")
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._on_filter)
        self.table = _StoriesTable()
        self.table.setObjectName("storiesTable")
        self.table.setAccessibleName("Stories")
        self.table.setAccessibleDescription("One row per story; its check box shows or hides its lane on the timeline")
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        rows = self.table.verticalHeader()
        rows.hide()
        # Rows of one height, never measured: resetting 10,000 measured rows took 25 ms per reload.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setMinimumSectionSize(30)
        header.setStretchLastSection(False)
        # The headline takes what the dates and counts leave: a narrow dock still shows it.
        # The dates are as wide as a full one in this font ("Sep 30, 2025"): cut, the year went.
        date_width = self.fontMetrics().horizontalAdvance(DATE_SAMPLE) + 16
        self._widths = [max(width, date_width) if width is not None and column in (1, 2) else width
                        for column, (_, _, _, width) in enumerate(COLUMNS)]
        for column, width in enumerate(self._widths):
            if width is None:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Stretch)
            else:
                header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
                header.resizeSection(column, width)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        header.sortIndicatorChanged.connect(self._on_sort)
        self._chosen: dict[int, bool] = {}  # columns shown or hidden from the header's menu
        self._header_sorted = False
        header.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        header.customContextMenuRequested.connect(self._header_menu)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._context_menu)
        # A press starts a new click: a check box toggled with Space (no click after it) must not
        # make the next click on a row do nothing.
        self.table.pressed.connect(self._on_pressed)
        self.table.clicked.connect(self._on_clicked)
        self.table.activated.connect(self._on_clicked)
        self.table.moved_by_key.connect(self._on_moved_by_key)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.filter)
        layout.addWidget(self.table)
        self.table.viewport().installEventFilter(self)  # its width changes: fit_columns
        state.sort_changed.connect(self._show_sort)
        state.story_changed.connect(self._show_current)
        self.model.reset_done.connect(self._show_current)
        self.model.layoutChanged.connect(self._show_current)  # sorted: the story on show's row in view

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.table.viewport() and event.type() == QEvent.Type.Resize:
            self.fit_columns()
        return super().eventFilter(watched, event)

    def fit_columns(self) -> None:
        """Hide the columns a narrow panel has no room for, so that headlines stay readable.

        At the dock's usual 440 px the dates and counts left the headline ten
        characters; the columns of ``HIDDEN_FIRST`` go, in that order, until
        the headline has ``MIN_HEADLINE_PX`` (and come back when it widens).
        A column the reader showed or hid from the header's menu stays so.
        """
        header = self.table.horizontalHeader()
        room = self.table.viewport().width()
        widths = self._widths
        hidden = {column for column, shown in self._chosen.items() if not shown}
        fixed = sum(w or 0 for column, w in enumerate(widths) if column not in hidden)
        for column in HIDDEN_FIRST:
            if room - fixed >= MIN_HEADLINE_PX:
                break
            if column in self._chosen:
                continue
            hidden.add(column)
            fixed -= widths[column] or 0
        for column in range(len(COLUMNS)):
            if header.isSectionHidden(column) != (column in hidden):
                header.setSectionHidden(column, column in hidden)
                if column not in hidden:
                    header.resizeSection(column, widths[column] or 0)

    def _header_menu(self, position: QPoint) -> None:
        """The header's context menu: a check box per column (the headline always shows)."""
        header = self.table.horizontalHeader()
        menu = QMenu(self)
        for column, (_, name, _, _) in enumerate(COLUMNS[1:], start=1):
            action = menu.addAction(name)
            action.setCheckable(True)
            action.setChecked(not header.isSectionHidden(column))
            action.toggled.connect(lambda shown, column=column: self.choose_column(column, shown))
        menu.exec(header.mapToGlobal(position))
        menu.deleteLater()

    def choose_column(self, column: int, shown: bool) -> None:
        """Show or hide a column as the reader asks (the narrow panel's fitting then leaves it so)."""
        self._chosen[column] = shown
        self.fit_columns()

    def _on_sort(self, column: int, order: Qt.SortOrder) -> None:
        """A header click: the view has sorted the rows already; the lanes follow through the state."""
        name = COLUMNS[column][2] if 0 <= column < len(COLUMNS) else None
        self._header_sorted = True  # _show_sort need not sort the rows a second time
        try:
            self._state.set_sort(("-" if order == Qt.SortOrder.DescendingOrder else "") + name if name else "file")
        finally:
            self._header_sorted = False

    def _show_sort(self, order: str) -> None:
        """The header shows the state's order (restored per folder, say), and the rows follow it."""
        if self._header_sorted:
            return
        name = order.lstrip("-")
        columns = [i for i, (_, _, key, _) in enumerate(COLUMNS) if key == name]
        header = self.table.horizontalHeader()
        direction = Qt.SortOrder.DescendingOrder if order.startswith("-") else Qt.SortOrder.AscendingOrder
        header.blockSignals(True)
        try:
            if columns:
                self.table.sortByColumn(columns[0], direction)
            else:
                header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
                self.proxy.sort(-1)
        finally:
            header.blockSignals(False)

    def _on_pressed(self, _index: QModelIndex) -> None:
        self.model.toggled = False

    def _on_clicked(self, index: QModelIndex) -> None:
        if self.model.toggled:  # a click on the check box shows or hides; it does not select
            self.model.toggled = False
            return
        file = self.model.file_at(self.proxy.mapToSource(index).row())
        self._state.select_event(None)
        self._state.set_story(file)
        self.story_activated.emit(file)

    def _on_filter(self, text: str) -> None:
        self.proxy.set_words(text)
        # The view moves its selection to a neighbour when the selected row is filtered
        # out: the highlighted row must stay the story on show, or none.
        self._show_current()

    def _on_moved_by_key(self, current: QModelIndex) -> None:
        """The arrow keys (or Page Up/Down, Home, End) went to another row: show its story."""
        file = self.model.file_at(self.proxy.mapToSource(current).row())
        story = self._state.story
        if story is None or story.file != file:
            self._state.select_event(None)
            self._state.set_story(file)
            self.story_activated.emit(file)

    def _show_current(self) -> None:
        """Highlight the row of the story on show (none if it has no row in view), and scroll to it."""
        story = self._state.story
        row = self.model.row_of(story.file, self._last_row) if story is not None else None
        self._last_row = row or 0
        index = self.proxy.mapFromSource(self.model.index(row, 0)) if row is not None else QModelIndex()
        if index.isValid():  # selecting a row selects nothing else: clicks and keys do
            self.table.selectRow(index.row())
            self.table.scrollTo(index)
        else:
            self.table.clearSelection()

    def _context_menu(self, position: QPoint) -> None:
        index = self.table.indexAt(position)
        menu = QMenu(self)
        menu.addAction("Show All", self.show_all)
        if index.isValid():
            file = self.model.file_at(self.proxy.mapToSource(index).row())
            menu.addAction("Hide Others", lambda: self.hide_others(file))
            menu.addSeparator()
            menu.addAction("Mark as Read", lambda: self.mark_read.emit(file))
        menu.exec(self.table.viewport().mapToGlobal(position))
        menu.deleteLater()
        self._show_current()  # the right-click highlighted its row without selecting the story

    def show_all(self) -> None:
        """Show every story's lane."""
        self._state.set_hidden(set())

    def hide_others(self, file: str) -> None:
        """Show only this story's lane."""
        library = self._state.library
        if library is not None:
            self._state.set_hidden({s.file for s in library.stories if s.file != file})
