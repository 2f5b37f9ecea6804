"""The citations list: the current story's sources and the events citing one.

A Qt item model over ``Story.sources`` and a panel with the table and the
list of events that cite the selected source. Urls open in the browser
only when the user activates them, and only http and https.

The table's narrow column shows each web address's host (``evil.example``
for ``https://google.com@evil.example/``, where a cut address would show
"https://google.com…"); the address is shown in full in its tooltip and in
the detail pane, with the host the browser would go to spelled out, in its
``xn--`` form too when it has letters beyond ASCII.
"""

from __future__ import annotations

import html
from collections import Counter
from itertools import chain
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QItemSelection, QModelIndex, QPersistentModelIndex, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QListWidget,
    QListWidgetItem,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from viewer.core.state import AppState, EventRef
from viewer.model import Library, Story
from viewer.ui.table_model import FlatTableModel
from viewer.ui.text import ElidedLabel, capped, event_item, isolated, one_line, plain_tooltip, visible

if TYPE_CHECKING:
    from PySide6.QtCore import QObject
    from PySide6.QtGui import QFocusEvent, QResizeEvent

SAFE_SCHEMES = ("http", "https")
# A source cited across the folder: the first events listed (all are ringed on the timeline);
# a list widget of thousands of rows takes seconds to fill.
MAX_CITING_LISTED = 500
# Where the panel has room: this many sources in the table, and events citing one below it.
SOURCE_ROWS = 5
CITING_ROWS = 2
SITE_CHARS = 18  # the Site column's width where there is room: most hosts ("en.wikipedia.org")
MIN_COLUMN = 30  # the least width of a column (a number, or "…")


def web_url(url: str | None) -> QUrl | None:
    """The url as a web address to open, or None when it is not one.

    Only web pages may be opened from a story file: no file:, javascript: or
    anything else; a bare ``www.…`` address is taken as https.
    """
    if not url:
        return None
    parsed = QUrl(url if "://" in url else f"https://{url}")
    if parsed.isValid() and parsed.scheme().lower() in SAFE_SCHEMES and parsed.host():
        return parsed
    return None


def is_safe_url(url: str | None) -> bool:
    """Whether ``url`` would be opened (see ``web_url``)."""
    return web_url(url) is not None


URL_CHARS = 4096
"""Addresses are shown in full up to this length (browsers and servers stop near 2,000 to 8,000)."""


def url_host(url: str | None) -> str | None:
    """The host a web address leads to, as a reader can check it; None when it is not a web address.

    Letters beyond ASCII are shown as Qt decodes them, followed by the
    ``xn--`` form the browser will look up when Qt shows them otherwise, so
    that a look-alike letter (a Cyrillic "а" in "аpple.com") cannot pass
    for the real thing.
    """
    parsed = web_url(url)
    if parsed is None:
        return None
    shown = visible(parsed.host())
    looked_up = parsed.host(QUrl.ComponentFormattingOption.EncodeUnicode)
    return shown if looked_up == shown else f"{shown} ({looked_up})"


def site_of(url: str) -> str:
    """An address for the table's narrow column: the host of a web address, any other as written.

    The host is what a reader must be able to check, and what a cut address
    hides first; the whole address is in the tooltip and the detail pane.
    """
    host = url_host(url)
    return host if host is not None else one_line(url, URL_CHARS)


def url_html(url: str) -> str:
    """An address in full as rich text, and the host it leads to (or that it is not a web address)."""
    host = url_host(url)
    where = (f"host <b>{html.escape(host)}</b>" if host is not None
             else "not a web address: it will not be opened")
    return f"{html.escape(isolated(capped(url, URL_CHARS)))} · {where}"


def _url_tooltip(url: str) -> str:
    """The sources table's tooltip on an address: all of it, its host, and what activating it does."""
    shown = capped(url, URL_CHARS)
    # Cut into lines by hand: a long address has no space for a tooltip to wrap at.
    lines = "<br>".join(html.escape(shown[start:start + 80]) for start in range(0, len(shown), 80))
    host = url_host(url)
    if host is None:
        return f"<p>{lines}<br><br>Not a web address: it will not be opened.</p>"
    return (f"<p>{lines}<br><br>Host: <b>{html.escape(host)}</b><br>"
            "Double-click or press Enter to open it in your browser.</p>")


class SourcesModel(FlatTableModel):
    """Rows: the sources of one story. Columns: number, title, site (the host of its address), citing events."""

    COLUMNS = ("#", "Title", "Site", "Events")

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._story: Story | None = None
        self._counts: Counter[int] = Counter()

    def set_story(self, story: Story | None) -> None:
        """Show another story's sources."""
        self.beginResetModel()
        self._story = story
        self._counts = Counter(chain.from_iterable(e.citations for e in story.events)) if story else Counter()
        self.endResetModel()

    def row_count(self) -> int:
        """One row per source."""
        return len(self._story.sources) if self._story is not None else 0

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        """Plain-text cells (never interpreted as markup by the view)."""
        if not index.isValid() or self._story is None:
            return None
        row, column = index.row(), index.column()
        if not (0 <= row < len(self._story.sources)):
            return None
        source = self._story.sources[row]
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return f"[{source.number}]"
            if column == 1:
                return one_line(source.title) if source.title else "(no title)"
            if column == 2:
                return site_of(source.url) if source.url else ""
            if column == 3:
                return str(self._counts.get(source.number, 0))
        if role == Qt.ItemDataRole.ToolTipRole and column == 1 and source.title:
            return plain_tooltip(source.title)  # the cell is cut with "…" when the title is long
        if role == Qt.ItemDataRole.ToolTipRole and column == 2 and source.url:
            return _url_tooltip(source.url)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (0, 3):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.UserRole:
            return source.number
        return None

    def row_of(self, number: int | None) -> int | None:
        """The row showing source ``number``, or None."""
        if self._story is None or number is None:
            return None
        for row, source in enumerate(self._story.sources):
            if source.number == number:
                return row
        return None


class SourcesTable(QTableView):
    """The sources table: receiving the keyboard focus makes no row current; the title has the room.

    A ``QTableView`` tabbed into makes its first row current (unselected);
    here the focus alone picks nothing, and the first arrow key selects the
    first row. Tab leaves the table rather than walking its cells. The Site
    column is as wide as a host where the table has room and a quarter of
    it where it has not, so that titles stay readable in a narrow panel.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTabKeyNavigation(False)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """The Site column: a host's width where there is room; in a narrow table the title keeps the most."""
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            host = self.fontMetrics().averageCharWidth() * SITE_CHARS
            self.horizontalHeader().resizeSection(2, max(MIN_COLUMN, min(host, self.viewport().width() // 4)))

    def focusInEvent(self, event: QFocusEvent) -> None:
        """Take the focus; keep no current row unless there was one (or a click makes one)."""
        had_current = self.currentIndex().isValid()
        super().focusInEvent(event)
        if not had_current and event.reason() != Qt.FocusReason.MouseFocusReason:
            self.selectionModel().setCurrentIndex(QModelIndex(), self.selectionModel().SelectionFlag.NoUpdate)


class CitationsPanel(QWidget):
    """The sources table and, below it, the events citing the selected source."""

    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("citations")
        self.setAccessibleName("Sources")
        self.setAccessibleDescription("The sources of the current story, and the events citing the selected one")
        self._state = state
        self.model = SourcesModel(self)
        self.table = SourcesTable()
        self.table.setObjectName("sourcesTable")
        self.table.setAccessibleName("Sources table")
        self.table.setAccessibleDescription("Each source's number, title, web address and how many events cite it")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        rows = self.table.verticalHeader()
        rows.hide()
        # Rows of one text line, as in the other tables (the style's default is
        # half as high again): more sources in the same height.
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Interactive)
        header.setMinimumSectionSize(MIN_COLUMN)
        # Squeezed (a small screen), the columns are cut at the right rather than a
        # scroll bar taking the height of the one row left to read.
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)
        # "Sources of: <headline>" on one line, cut with "…" to the panel's
        # width (whole in its tooltip): a long headline must not widen the panel.
        self.title = ElidedLabel()
        self.title.setObjectName("citationsTitle")
        # One line, cut with "…" in a narrow panel (whole in its tooltip): wrapped, it took
        # the list's room on a small screen and was cut off at the bottom instead.
        self.citing_label = ElidedLabel("Select a source to see the events that cite it.")
        self.citing_list = QListWidget()
        self.citing_list.setObjectName("citingEvents")
        self.citing_list.setAccessibleName("Events citing the source")
        self.citing_list.setAccessibleDescription("The events that cite the selected source; click one to select it")
        self.citing_list.setWordWrap(True)

        citing_box = QWidget()
        self._citing_layout = QVBoxLayout(citing_box)
        self._citing_layout.setContentsMargins(0, 0, 0, 0)
        self._citing_layout.setSpacing(0)
        self._citing_layout.addWidget(self.citing_label)
        self._citing_layout.addWidget(self.citing_list)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(citing_box)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self._layout.addWidget(self.title)
        self._layout.addWidget(self.splitter)
        # Where there is room, SOURCE_ROWS sources and CITING_ROWS events citing one, in
        # that proportion when there is more or less. Squeezed (a small screen), the table
        # keeps a row and the list a line, and each scrolls.
        self.table.setMinimumHeight(self.table_height(1))
        self.citing_list.setMinimumHeight(self._list_height(1))
        self.splitter.setSizes([self.table_height(SOURCE_ROWS), self.citing_height(CITING_ROWS)])
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)

        # A row the user selects (click, arrow keys, Space) selects its source;
        # a row made current without being selected (the focus coming in) does not.
        self.table.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.table.activated.connect(self._on_activated)
        self.citing_list.itemClicked.connect(self._on_citing_clicked)
        self._listed: tuple[str, Library] | None = None  # the folder-wide source and library listed
        state.story_changed.connect(self._on_story_changed)
        state.source_changed.connect(self._on_source_changed)
        state.folder_source_changed.connect(self._on_source_changed)
        state.library_changed.connect(self._on_story_changed)
        self._on_story_changed()

    def table_height(self, rows: int) -> int:
        """The sources table's height that shows ``rows`` rows under its header."""
        return (self.table.horizontalHeader().sizeHint().height()
                + rows * self.table.verticalHeader().defaultSectionSize() + 2 * self.table.frameWidth())

    def _list_height(self, rows: int) -> int:
        """The citing list's height that shows ``rows`` one-line rows."""
        return rows * (self.citing_list.fontMetrics().height() + 4) + 2 * self.citing_list.frameWidth()

    def citing_height(self, rows: int) -> int:
        """The height below the table that shows its label (one line) and ``rows`` events citing a source."""
        return (self.citing_label.fontMetrics().height() + self._citing_layout.spacing()
                + self._list_height(rows))

    def height_for(self, source_rows: int, citing_rows: int) -> int:
        """The panel's height that shows its title, ``source_rows`` sources and ``citing_rows`` citing events."""
        return (self.title.sizeHint().height() + self._layout.spacing() + self.table_height(source_rows)
                + self.splitter.handleWidth() + self.citing_height(citing_rows))

    def _on_story_changed(self) -> None:
        story = self._state.story
        self.model.set_story(story)
        self.title.setText(f"Sources of: {one_line(story.title)}" if story else "Sources")
        self._on_source_changed()

    def _on_source_changed(self) -> None:
        number = self._state.source_number
        row = self.model.row_of(number)
        current = self.table.currentIndex()
        if row is None:
            if current.isValid():
                self.table.selectionModel().clear()
        elif not current.isValid() or current.row() != row:
            self.table.selectRow(row)
        self._fill_citing(number)

    def _fill_citing(self, number: int | None) -> None:
        story, library = self._state.story, self._state.library
        if self._state.folder_source is not None and library is not None:
            # The same list whichever story is on show: filled again only for another source or
            # library (500 rows at each arrow key in the stories panel, otherwise).
            source = self._state.folder_source
            if self._listed is None or self._listed[0] != source or self._listed[1] is not library:
                self._listed = (source, library)
                self.citing_list.clear()
                self._fill_folder_citing(library)
            return
        self._listed = None
        self.citing_list.clear()
        if story is None or number is None:
            self.citing_label.setText("Select a source to see the events that cite it.")
            return
        refs = self._state.highlighted_events()
        self.citing_label.setText(f"Events citing [{number}]: {len(refs)}")
        for ref in refs:
            self._add_citing(story, ref.index, with_story=False)

    def _fill_folder_citing(self, library: Library) -> None:
        """A source selected in All Sources: the events citing it in every story, each with its story."""
        shared = self._state.folder_sources().get(self._state.folder_source or "")
        refs = self._state.highlighted_events()
        stories = len(shared.stories) if shared is not None else 0
        name = one_line((shared.title or shared.url or "") if shared is not None else "")
        self.citing_label.setText(f"Events citing “{name}” in {stories} {'story' if stories == 1 else 'stories'}: "
                                  f"{len(refs)}")
        for ref in refs[:MAX_CITING_LISTED]:
            story = library.story(ref.file)
            if story is not None and ref.index < len(story.events):
                self._add_citing(story, ref.index, with_story=True)
        if len(refs) > MAX_CITING_LISTED:
            more = QListWidgetItem(f"… and {len(refs) - MAX_CITING_LISTED:,} more (ringed on the timeline)")
            more.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not selectable; enabled: a disabled grey is under 4.5:1
            self.citing_list.addItem(more)

    def _add_citing(self, story: Story, index: int, with_story: bool) -> None:
        self.citing_list.addItem(event_item(story, index, with_story))

    def _on_selection_changed(self, selected: QItemSelection, deselected: QItemSelection) -> None:
        rows = self.table.selectionModel().selectedRows()
        if rows:
            self._state.select_source(self.model.data(rows[0], Qt.ItemDataRole.UserRole))

    def _on_activated(self, index: QModelIndex) -> None:
        """Enter or a double-click: select the row's source and open its web address."""
        story = self._state.story
        if story is None or not index.isValid():
            return
        self._state.select_source(self.model.data(index, Qt.ItemDataRole.UserRole))
        url = web_url(story.sources[index.row()].url)
        if url is not None:
            QDesktopServices.openUrl(url)

    def _on_citing_clicked(self, item: QListWidgetItem) -> None:
        found = item.data(Qt.ItemDataRole.UserRole)
        if found is not None:
            self._state.select_event(EventRef(*found))
