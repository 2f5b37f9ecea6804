"""The main window: timeline above, event detail and citations below.

The window owns the application state (``viewer.core.state``), the loader,
the watcher and the views, and wires them together; the views only know the
state.
"""

from __future__ import annotations

import hashlib
import html
import itertools
import json
import os
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QByteArray, QChildEvent, QEvent, QObject, QSettings, QSize, Qt, QUrl
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDragEnterEvent,
    QDropEvent,
    QKeyEvent,
    QKeySequence,
    QPalette,
    QShowEvent,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QFileDialog,
    QFrame,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabBar,
    QToolButton,
    QWidget,
)

from viewer import __version__
from viewer.core.colours import readable_on
from viewer.core.layout import LayoutBuilder
from viewer.core.reading import Reading, ReadStore
from viewer.core.search import Hit
from viewer.core.state import AppState, EventRef
from viewer.model import Library, Problem
from viewer.ui.citations import CITING_ROWS, SOURCE_ROWS, CitationsPanel
from viewer.ui.detail_pane import EventDetailPane
from viewer.ui.live_reload import POLL_MS, FolderWatcher
from viewer.ui.loading import FolderLoader
from viewer.ui.problems import ProblemsDialog
from viewer.ui.publish import PublishActions
from viewer.ui.recent import RecentFolders
from viewer.ui.search import SearchController, SearchResultsPanel
from viewer.ui.sources_panel import AllSourcesPanel
from viewer.ui.stories_panel import StoriesPanel
from viewer.ui.text import one_line
from viewer.ui.timeline.view import TimelineWidget
from viewer.ui.whats_new import ReadingController, WhatsNewPanel

if TYPE_CHECKING:
    from collections.abc import Callable

    from viewer.model.cache import ModelCache
    from viewer.model.pool import ParsePool

APP_TITLE = "Timeline Viewer"
SHORT_WINDOW = 480
"""A first window less high than this (logical pixels) has What's New as a tab beside the stories."""

FORMAT_HELP = """
<h3>Story files</h3>
<p>Every <code>*.txt</code> file below the opened folder is one story, UTF-8 text:</p>
<ol>
<li><b>Line 1</b>: the headline.</li>
<li>Optional <code>Updated (N articles)</code>.</li>
<li>Summary paragraphs, one per line: a Title-Case heading glued to its body.</li>
<li>Citation markers anywhere: <code>[1]</code>, <code>[1][3]</code>, <code>[1, 3]</code>.</li>
<li>A line <code>Timeline</code>, then one event per line: <code>DATE – text [n]</code>
(en dash, em dash or hyphen with spaces around it).</li>
<li>Optional <code>Sources</code>: lines <code>[n] title — url</code>.</li>
</ol>
<p>Dates keep their precision: <code>1960s</code> (decade), <code>2025</code> (year),
<code>Mid-2022</code> (part of a year), <code>Nov 2023</code> (month), <code>Jan 3, 2026</code>,
<code>2024-09-19</code> (day), <code>Sep 14–16, 2025</code>, <code>2019–2021</code> (ranges).
A date without a year takes it from its neighbours. A date that cannot be read leaves the event
undated; it is listed beside the timeline and in the problems list.</p>
<p>On the timeline a diamond is an exact day; a bar spans a month, part of a year, a year or more,
fainter the vaguer it is; a circled number is several events too close to tell apart (click it
to zoom in).</p>
"""


class MainWindow(QMainWindow):
    """The application window for one folder of story files at a time."""

    def __init__(self, settings: QSettings | None = None, cache: ModelCache | None = None,
                 pool: ParsePool | None = None, read_store: ReadStore | None = None) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setAcceptDrops(True)
        self.settings = settings if settings is not None else QSettings()
        self.recent = RecentFolders(self.settings)
        self.state = AppState()
        # The timeline's layout of a new library is built on the loader's and
        # the watcher's worker threads; the timeline then finds it ready.
        self.layout_builder = LayoutBuilder()

        def lay_out(library: Library) -> None:  # on a worker thread, with the lanes the state would show
            self.layout_builder.build(self.state.lanes(library))

        self.reading = Reading(read_store)  # what the reader has read (see ReadingController)
        self.loader = FolderLoader(self, cache=cache, pool=pool, prepare=lay_out)
        self.watcher = FolderWatcher(self, prepare=lay_out)
        self.search = SearchController(self.state, self)
        self.watcher.updated.connect(self._on_folder_changed)
        self.watcher.following.connect(self._on_following)
        self.watcher.polling.connect(self._on_polling)
        self.watcher.folder_missing.connect(self._show_watch_problem)
        self.watcher.failed.connect(self._show_watch_problem)
        self.folder: Path | None = None
        self._restoring = False

        self.timeline = TimelineWidget(self.state, builder=self.layout_builder)
        self.detail = EventDetailPane(self.state)
        self.citations = CitationsPanel(self.state)
        self.bottom_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.bottom_splitter.setObjectName("bottomSplitter")
        self.bottom_splitter.addWidget(self.detail)
        self.bottom_splitter.addWidget(self.citations)
        self.bottom_splitter.setStretchFactor(0, 3)
        self.bottom_splitter.setStretchFactor(1, 2)
        self.main_splitter = QSplitter(Qt.Orientation.Vertical)
        self.main_splitter.setObjectName("mainSplitter")
        self.main_splitter.addWidget(self.timeline)
        self.main_splitter.addWidget(self.bottom_splitter)
        self.main_splitter.setStretchFactor(0, 3)
        self.main_splitter.setStretchFactor(1, 2)
        self.main_splitter.setChildrenCollapsible(False)
        # Where the window is smaller than the panes' least sizes (a scale factor of 3
        # on a laptop's screen), they scroll as one instead of holding the window
        # larger than the screen; any larger, this shows no scroll bar and no frame.
        self.central_area = QScrollArea()
        self.central_area.setObjectName("centralArea")
        self.central_area.setWidget(self.main_splitter)
        self.central_area.setWidgetResizable(True)
        self.central_area.setFrameShape(QFrame.Shape.NoFrame)
        self.central_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setCentralWidget(self.central_area)

        self.reading_controller = ReadingController(self.state, self.reading, self.detail, self.timeline, self)
        self.problems_dialog = ProblemsDialog(self)
        self.problems_dialog.problem_activated.connect(self.go_to_problem)
        self._build_search()
        self._build_status_bar()
        self._build_menus()
        self._set_tab_order()
        self.loader.started.connect(self._on_load_started)
        self.loader.progress.connect(self._on_load_progress)
        self.loader.loaded.connect(self._on_loaded)
        self.loader.failed.connect(self._on_load_failed)
        self.loader.cancelled.connect(self._on_load_cancelled)
        self.state.library_changed.connect(self._update_summary)
        self.state.search_changed.connect(self._on_search_changed)
        self.setWindowTitle(APP_TITLE)
        self.resize(_first_size(self, 1400, 900))
        # Without a saved layout, the docks and panes are fitted to the window when it is first shown.
        self._panes_to_fit = not self._restore_state()

    # --- construction --------------------------------------------------------

    def _build_search(self) -> None:
        """The search field in a toolbar, its toggle, and the results in a dock."""
        self.search_field = QLineEdit()
        self.search_field.setObjectName("searchField")
        self.search_field.setAccessibleName("Search")
        self.search_field.setPlaceholderText("Find events and stories…")
        self.search_field.setClearButtonEnabled(True)
        self.search_field.setMaximumWidth(420)
        self.search_field.textChanged.connect(self.state.set_query)
        self.search_field.textEdited.connect(self._raise_search_dock)  # typing: the results in front
        self.search_field.returnPressed.connect(lambda: self.go_to_match(1))
        self.search_field.installEventFilter(self)
        self.only_matching_action = QAction("Only Stories with &Matches", self)
        self.only_matching_action.setCheckable(True)
        self.only_matching_action.setStatusTip("Show only the lanes of stories that match the search")
        self.only_matching_action.toggled.connect(self.state.set_only_matching)
        toolbar = self.addToolBar("Search")
        toolbar.setObjectName("searchToolbar")
        toolbar.addWidget(self.search_field)
        toolbar.addAction(self.only_matching_action)
        self.search_results = SearchResultsPanel(self.state)
        self.search_results.hit_activated.connect(self.go_to_hit)
        self.search_dock = QDockWidget("Search Results", self)
        self.search_dock.setObjectName("searchDock")
        self.search_dock.setWidget(self.search_results)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.search_dock)
        self.search_dock.hide()
        self._match = -1  # the match Find Next went to last (-1: none yet)
        self._search_opened_dock = False  # the results dock was opened by a search (closed with it)
        self.stories_panel = StoriesPanel(self.state, reading=self.reading)
        self.stories_panel.mark_read.connect(self.reading_controller.mark_story_read)
        self.state.sort_keys["new"] = lambda story: self.reading.count(story.file)
        self.stories_panel.story_activated.connect(self.timeline.scroll_to_story)
        self.stories_dock = QDockWidget("Stories", self)
        self.stories_dock.setObjectName("storiesDock")
        self.stories_dock.setWidget(self.stories_panel)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.stories_dock)
        self.state.hidden_changed.connect(self._remember_lanes)
        self.state.sort_changed.connect(self._remember_lanes)
        self.whats_new = WhatsNewPanel(self.state, self.reading)
        self.whats_new_dock = QDockWidget("What's New", self)
        self.whats_new_dock.setObjectName("whatsNewDock")
        self.whats_new_dock.setWidget(self.whats_new)
        # Below the stories: news is read beside the list it belongs to.
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.whats_new_dock)
        self.all_sources = AllSourcesPanel(self.state)
        self.all_sources.sources_ready.connect(self.detail.refresh)  # its "also cited by" needs them
        self.all_sources.story_activated.connect(self.timeline.scroll_to_story)
        self.sources_dock = QDockWidget("All Sources", self)
        self.sources_dock.setObjectName("allSourcesDock")
        self.sources_dock.setWidget(self.all_sources)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.sources_dock)
        # A tab beside Search Results: stacked under it, each had half the height (six rows of
        # results beside an All Sources table). Shown from the View menu, it comes to the front.
        self.tabifyDockWidget(self.search_dock, self.sources_dock)
        self.sources_dock.hide()
        self.sources_dock.toggleViewAction().triggered.connect(
            lambda shown: self.sources_dock.raise_() if shown else None)

    def _build_status_bar(self) -> None:
        bar = self.statusBar()
        self.summary_button = QPushButton("No folder open")
        self.summary_button.setObjectName("summaryButton")
        self.summary_button.setFlat(True)
        self.summary_button.setToolTip("Show the problems found in the story files")
        self.summary_button.setAccessibleName("Folder summary")
        self.summary_button.setAccessibleDescription("Stories, events and problems of the folder; "
                                                     "press to open the problems table")
        self.summary_button.clicked.connect(self.show_problems)
        self.progress = QProgressBar()
        self.progress.setObjectName("loadProgress")
        self.progress.setAccessibleName("Loading progress")
        self.progress.setMaximumWidth(260)
        self.progress.setFormat("Loading %v of %m files")
        self.progress.hide()
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setObjectName("cancelLoad")
        self.cancel_button.clicked.connect(self.loader.cancel)
        self.cancel_button.hide()
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setAccessibleName("Status message")
        self.search_status = QLabel()
        self.search_status.setObjectName("searchStatus")
        self.search_status.setAccessibleName("Search matches")
        # Whether the view follows the folder on disk: a reader must know if
        # what they see may be out of date.
        self.live_label = QLabel()
        self.live_label.setObjectName("liveStatus")
        self.live_label.setAccessibleName("Live reload status")
        bar.addWidget(self.summary_button)
        bar.addWidget(self.message, 1)
        bar.addPermanentWidget(self.search_status)
        bar.addPermanentWidget(self.live_label)
        bar.addPermanentWidget(self.progress)
        bar.addPermanentWidget(self.cancel_button)

    def _set_tab_order(self) -> None:
        """Tab: timeline → search → event detail → sources → stories (filter, table) → what's new → results.

        Hidden widgets (the undated list, a closed dock) are passed by. Tab
        leaves a table rather than walking its cells.
        """
        self.stories_panel.table.setTabKeyNavigation(False)
        chain: list[QWidget] = [
            self.timeline.plot, self.timeline.undated_list, self.search_field, self.detail,
            self.citations.table, self.citations.citing_list,
            self.stories_panel.filter, self.stories_panel.table, self.whats_new, self.search_results,
            self.summary_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def _action(self, text: str, slot: Callable[[], object],
                shortcut: QKeySequence.StandardKey | str | None = None, tip: str = "") -> QAction:
        action = QAction(text, self)
        if isinstance(shortcut, QKeySequence.StandardKey):
            # Every binding the platform has for it (Refresh is F5 and Ctrl+R on Linux).
            action.setShortcuts(shortcut)
        elif shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    def _build_menus(self) -> None:
        keys = QKeySequence.StandardKey
        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        self.open_action = self._action("&Open Folder…", self.choose_folder, keys.Open,
                                        "Open a folder of story files")
        file_menu.addAction(self.open_action)
        self.recent_menu = file_menu.addMenu("Open &Recent")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self.reload_action = self._action("&Reload", self.reload, keys.Refresh, "Read the folder again")
        _add_shortcut(self.reload_action, "F5")
        file_menu.addAction(self.reload_action)
        file_menu.addSeparator()
        self.publish = PublishActions(self, self.state, self.settings,
                                      lambda: tuple(self.timeline.view_box.viewRange()[0]),
                                      lambda text: self.message.setText(text))
        self.publish.add_to_menu(file_menu)
        file_menu.addSeparator()
        self.quit_action = self._action("&Quit", self.close, keys.Quit)
        if not self.quit_action.shortcuts():
            # Some platforms (and themes) bind no key to Quit; Ctrl+Q is what users expect.
            self.quit_action.setShortcut(QKeySequence("Ctrl+Q"))
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(self.quit_action)

        edit_menu = menu.addMenu("&Edit")
        self.find_action = self._action("&Find…", self.focus_search, keys.Find,
                                        "Find events and stories by their words")
        self.find_next_action = self._action("Find &Next", lambda: self.go_to_match(1), keys.FindNext)
        self.find_previous_action = self._action("Find Pre&vious", lambda: self.go_to_match(-1),
                                                 keys.FindPrevious)
        for action in (self.find_action, self.find_next_action, self.find_previous_action):
            edit_menu.addAction(action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.only_matching_action)
        edit_menu.addSeparator()
        edit_menu.addAction(self.timeline.copy_event_action)

        view_menu = menu.addMenu("&View")
        self.zoom_in_action = self._action("Zoom &In", lambda: self.timeline.zoom(0.5), keys.ZoomIn)
        # Ctrl++ needs Shift on most layouts; Ctrl+= is the same key without it.
        _add_shortcut(self.zoom_in_action, "Ctrl+=")
        self.zoom_out_action = self._action("Zoom &Out", lambda: self.timeline.zoom(2.0), keys.ZoomOut)
        self.zoom_fit_action = self._action("Zoom to &Fit", self.timeline.zoom_to_fit, "Ctrl+0")
        self.zoom_selection_action = self._action("Zoom to &Selection", self.timeline.zoom_to_selection,
                                                  "Ctrl+Return")
        for action in (self.zoom_in_action, self.zoom_out_action, self.zoom_fit_action,
                       self.zoom_selection_action):
            view_menu.addAction(action)
        view_menu.addSeparator()
        self.focus_timeline_action = self._action("Go to &Timeline", self.focus_timeline, "Ctrl+1",
                                                  "Put the keyboard focus on the timeline")
        view_menu.addAction(self.focus_timeline_action)
        # Mnemonics, so that every entry of the menus can be reached from the keyboard.
        self.stories_dock.toggleViewAction().setText("Stori&es")
        self.search_dock.toggleViewAction().setText("Search &Results")
        # Opened or closed from this menu, the dock is the reader's: Esc no longer closes it.
        self.search_dock.toggleViewAction().triggered.connect(self._search_dock_chosen)
        view_menu.addAction(self.stories_dock.toggleViewAction())
        view_menu.addAction(self.search_dock.toggleViewAction())
        self.whats_new_dock.toggleViewAction().setText("What's &New")
        view_menu.addAction(self.whats_new_dock.toggleViewAction())
        self.sources_dock.toggleViewAction().setText("All So&urces")
        view_menu.addAction(self.sources_dock.toggleViewAction())
        self.mark_all_read_action = self._action("&Mark All as Read", self.reading_controller.mark_all_read, None,
                                                 "Nothing in this folder is new any more")
        view_menu.addAction(self.mark_all_read_action)
        self.problems_action = self._action("&Problems…", self.show_problems, None)
        view_menu.addAction(self.problems_action)
        self.timeline.context_actions = [self.zoom_fit_action, self.zoom_selection_action, None,
                                         self.publish.export_figure_action, None, self.timeline.copy_event_action]

        help_menu = menu.addMenu("&Help")
        self.format_action = self._action("Story File &Format", self.show_format_help, keys.HelpContents)
        self.about_action = self._action("&About Timeline Viewer", self.show_about)
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.format_action)
        help_menu.addAction(self.about_action)

    # --- opening folders -----------------------------------------------------

    def open_folder(self, folder: Path) -> None:
        """Load a folder in the background; the current one stays until it is ready."""
        folder = Path(folder).expanduser()
        if not folder.is_dir():
            # Gone since it was chosen (or listed in Open Recent): say so, and forget it.
            self.recent.remove(folder)
            self.message.setText(f"{folder} no longer exists; removed from Open Recent.")
            self.show_message(QMessageBox.Icon.Information,
                              f"The folder {folder} no longer exists.\nIt was removed from Open Recent.")
            return
        self.loader.load(folder.resolve())

    def choose_folder(self) -> None:
        """File → Open Folder…: ask for a folder and open it."""
        start = str(self.folder) if self.folder else str(Path.home())
        chosen = QFileDialog.getExistingDirectory(self, "Open Folder of Story Files", start)
        if chosen:
            self.open_folder(Path(chosen))

    def reload(self) -> None:
        """File → Reload: read the current folder again, keeping the view."""
        if self.folder is not None:
            self.open_folder(self.folder)

    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        folders = self.recent.folders()
        if not folders:
            empty = self.recent_menu.addAction("No recent folders")
            empty.setEnabled(False)
            return
        for folder in folders:
            action = self.recent_menu.addAction(str(folder))
            action.triggered.connect(lambda checked=False, f=folder: self.open_recent(f))
        self.recent_menu.addSeparator()
        self.recent_menu.addAction("Clear Menu", self.recent.clear)

    def open_recent(self, folder: Path) -> None:
        """Open a folder from the recent list; a vanished one is removed with a message."""
        self.open_folder(folder)

    def _on_load_started(self, folder: Path) -> None:
        self.progress.setRange(0, 0)
        self.progress.show()
        self.cancel_button.show()
        self.message.setText(f"Opening {folder}…")

    def _on_load_progress(self, done: int, total: int) -> None:
        self.progress.setRange(0, max(total, 1))
        self.progress.setValue(done)

    def _end_load(self) -> None:
        self.progress.hide()
        self.cancel_button.hide()

    def _on_loaded(self, library: Library) -> None:
        self._end_load()
        same_folder = self.folder is not None and library.folder == self.folder
        self.folder = library.folder
        self.recent.add(library.folder)
        self.settings.setValue("lastFolder", str(library.folder))
        self.setWindowTitle(f"{one_line(library.folder.name or str(library.folder))} — {APP_TITLE}")
        self.message.setText("")
        self.message.setStyleSheet("")
        if same_folder:
            self.state.set_library(library, keep_selection=True)
        else:
            # The lanes as the reader left them in this folder: hidden stories and their order.
            hidden, order = self._remembered_lanes(library.folder)
            self._restoring = True
            try:
                self.state.set_sort(order)
                self.state.set_library(library, hidden=hidden)
            finally:
                self._restoring = False
        self.problems_dialog.set_problems(library.problems)
        self.watcher.watch(library)

    def _on_folder_changed(self, library: Library, files: list[str]) -> None:
        """A file in the folder was added, edited, renamed or removed: show it, keep the view."""
        # Shown even while another folder loads: this one stays on screen
        # until that load is done, and a cancelled load must not lose the edit.
        self.state.set_library(library, keep_selection=True)
        self.problems_dialog.set_problems(library.problems)
        shown = ", ".join(files[:3]) + (f" and {len(files) - 3} more" if len(files) > 3 else "")
        self.message.setStyleSheet("")
        self.message.setText(f"Updated from disk: {shown}")

    def _on_following(self, folder: Path) -> None:
        self.live_label.setText("Live")
        self.live_label.setToolTip(f"Changes to {folder} on disk are shown as they happen.")

    def _on_polling(self, reason: str) -> None:
        self.live_label.setText(f"Live (checked every {POLL_MS // 1000} s)")
        self.live_label.setToolTip(f"The system cannot watch this folder ({reason}); "
                                   f"it is read again every {POLL_MS // 1000} seconds instead.")

    def _show_watch_problem(self, message: str) -> None:
        self.live_label.setText("Not live")
        self.live_label.setToolTip(message)
        # A dark red on a light status bar, lightened on a dark one (readable in either scheme).
        red = readable_on("#B00020", self.statusBar().palette().color(QPalette.ColorRole.Window).name(), 5.0)
        self.message.setStyleSheet(f"color: {red}; font-weight: bold")
        self.message.setText(message)

    def _on_load_failed(self, message: str) -> None:
        self._end_load()
        self.message.setText(message)
        self.show_message(QMessageBox.Icon.Warning, message)

    def _on_load_cancelled(self) -> None:
        self._end_load()
        self.message.setText("Loading cancelled; the folder on screen is unchanged.")

    def _update_summary(self) -> None:
        library = self.state.library
        if library is None:
            self.summary_button.setText("No folder open")
            return
        stories = len(library.stories)
        events = library.event_count
        problems = len(library.problems)
        self.summary_button.setText(
            f"{stories} {'story' if stories == 1 else 'stories'} · {events} "
            f"{'event' if events == 1 else 'events'} · {problems} {'problem' if problems == 1 else 'problems'}"
        )

    # --- search --------------------------------------------------------------

    def focus_search(self) -> None:
        """Edit → Find: to the search field, its text selected, the results shown."""
        self.search_field.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_field.selectAll()
        self._show_search_dock()
        self.search_dock.raise_()

    def _search_dock_chosen(self, _shown: bool) -> None:
        self._search_opened_dock = False

    def _raise_search_dock(self, _text: str = "") -> None:
        self.search_dock.raise_()

    def _show_search_dock(self) -> None:
        if self.search_dock.isHidden():  # closed; a tab behind All Sources is open, and stays behind
            self.search_dock.show()
            self._search_opened_dock = True

    def focus_timeline(self) -> None:
        """Back to the timeline (View → Go to Timeline, or Esc in the search field)."""
        self.timeline.plot.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _on_search_changed(self) -> None:
        self._match = -1
        result = self.state.search
        if not self.state.query:
            # The results dock stays while the field is emptied and typed in again (it came and
            # went with each emptying, the timeline's width jumping and every pane laid out anew);
            # Esc closes it if a search opened it, and so does quitting (see closeEvent).
            self.search_status.setText("")
            return
        self._show_search_dock()
        if result is None:
            self.search_status.setText("Searching…")
            return
        matches, stories = len(result), result.story_count
        self.search_status.setText(f"{matches} {'match' if matches == 1 else 'matches'} in {stories} "
                                   f"{'story' if stories == 1 else 'stories'}")

    def go_to_match(self, step: int) -> None:
        """Find Next (step 1) or Previous (-1): select the next match and bring it into view."""
        result = self.state.search
        if result is None or not len(result):
            return
        self._match = result.next_match(self._match, step)
        [hit] = result.hits_at(self._match)
        self.search_results.show_row(result.row_of(self._match))
        self.go_to_hit(hit)

    def go_to_hit(self, hit: Hit) -> None:
        """Select a match: its event (brought into view), or its story's summary."""
        if hit.event is not None:
            self.state.select_event(EventRef(hit.file, hit.event))
        else:
            self.state.select_event(None)
            self.state.set_story(hit.file)
            self.timeline.scroll_to_story(hit.file)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Esc in the search field clears the search and returns to the timeline."""
        if watched is self.search_field and event.type() == QEvent.Type.KeyPress \
                and isinstance(event, QKeyEvent) and event.key() == Qt.Key.Key_Escape:
            self.search_field.clear()
            self.only_matching_action.setChecked(False)  # no search: every lane back, the toggle off
            if self._search_opened_dock:  # opened by Find, nothing searched: closed again
                self._search_opened_dock = False
                self.search_dock.hide()
            self.focus_timeline()
            return True
        return super().eventFilter(watched, event)

    # --- lanes remembered per folder ---------------------------------------------

    def _folder_key(self, folder: Path) -> str:
        digest = hashlib.sha1(os.fsencode(folder)).hexdigest()[:16]
        return f"folders/{digest}"

    def _remembered_lanes(self, folder: Path) -> tuple[frozenset[str], str]:
        key = self._folder_key(folder)
        try:
            hidden = frozenset(json.loads(str(self.settings.value(f"{key}/hidden", "[]"))))
        except (ValueError, TypeError):
            hidden = frozenset()
        order = str(self.settings.value(f"{key}/sort", "file"))
        return hidden, order

    def _remember_lanes(self, *_args: object) -> None:
        """Hidden stories and the sort order, per folder (QSettings), for the next time it is opened."""
        if self.folder is None or self._restoring or self.state.library is None:
            return
        key = self._folder_key(self.folder)
        self.settings.setValue(f"{key}/hidden", json.dumps(sorted(self.state.hidden)))
        self.settings.setValue(f"{key}/sort", self.state.sort)

    # --- problems ------------------------------------------------------------

    def show_problems(self) -> None:
        """Open the problems table."""
        self.problems_dialog.show()
        self.problems_dialog.raise_()

    def go_to_problem(self, problem: Problem) -> None:
        """Show the story, or the event at the problem's line, that a problem is about."""
        library = self.state.library
        story = library.story(problem.file) if library is not None else None
        if story is None:
            self.message.setText(f"{problem.file} could not be read as a story: {problem.message}")
            return
        for i, event in enumerate(story.events):
            if event.line == problem.line:
                self.state.select_event(EventRef(story.file, i))
                self.timeline.zoom_to_selection()
                return
        self.state.select_event(None)
        self.state.set_story(story.file)
        self.timeline.scroll_to_story(story.file)

    # --- export and help -----------------------------------------------------

    def show_message(self, icon: QMessageBox.Icon, text: str) -> None:
        """A modal message in plain text: folder names are never read as markup."""
        box = QMessageBox(icon, APP_TITLE, text, QMessageBox.StandardButton.Ok, self)
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.exec()

    def show_about(self) -> None:
        """Help → About: versions of the app, Qt and PySide6."""
        import pyqtgraph
        import PySide6
        from PySide6.QtCore import qVersion

        QMessageBox.about(
            self, f"About {APP_TITLE}",
            f"<h3>{APP_TITLE} {html.escape(__version__)}</h3>"
            "<p>Read folders of news story files as one zoomable timeline.</p>"
            f"<p>Qt {html.escape(qVersion())} · PySide6 {html.escape(PySide6.__version__)} · "
            f"pyqtgraph {html.escape(pyqtgraph.__version__)}</p>",
        )

    def show_format_help(self) -> None:
        """Help → Story File Format."""
        box = QMessageBox(self)
        box.setWindowTitle("Story File Format")
        box.setTextFormat(Qt.TextFormat.RichText)
        box.setText(FORMAT_HELP)
        box.exec()

    # --- drag and drop -------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        """Accept a dragged folder."""
        if _dropped_folder(event.mimeData().urls()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        """Open a dropped folder."""
        folder = _dropped_folder(event.mimeData().urls())
        if folder is not None:
            event.acceptProposedAction()
            self.open_folder(folder)

    # --- state ---------------------------------------------------------------

    def _restore_state(self) -> bool:
        """The window, docks and splitters as they were left; whether there was a saved layout."""
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        state = self.settings.value("window/state")
        restored = isinstance(state, QByteArray) and self.restoreState(state)
        for key, splitter in (("window/mainSplitter", self.main_splitter),
                              ("window/bottomSplitter", self.bottom_splitter)):
            value = self.settings.value(key)
            if isinstance(value, QByteArray):
                splitter.restoreState(value)
        return restored

    def save_state(self) -> None:
        """Remember size, position and splitters for the next start."""
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.setValue("window/mainSplitter", self.main_splitter.saveState())
        self.settings.setValue("window/bottomSplitter", self.bottom_splitter.saveState())
        self.settings.sync()

    def event(self, event: QEvent) -> bool:
        """The tab bars of tabbed docks stay out of the Tab chain.

        Qt keeps a tabbed group's bar after all but one of its docks close,
        moved out of sight but still taking the focus: Tab then went nowhere a
        reader could see. The docks come to the front from the View menu.
        """
        if event.type() == QEvent.Type.ChildPolished and isinstance(event, QChildEvent):
            child = event.child()
            if isinstance(child, QTabBar):
                child.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        return super().event(event)

    def showEvent(self, event: QShowEvent) -> None:
        """Shown the first time without a saved layout: the docks and panes fitted to the window."""
        super().showEvent(event)
        if self._panes_to_fit:
            self._panes_to_fit = False
            self._fit_panes()

    def _fit_panes(self) -> None:
        """The docks and panes of a first window, fitted to its size (a saved layout replaces them).

        The stories dock is 440 pixels wide, or a third of a narrower window's
        width (a laptop, a scale factor of 2 or 3), and on a short window What's
        New shares its place as a tab. Below the timeline, the
        event's text and its sources get what shows five sources, at least a
        third of the height and at most two fifths.
        """
        # Wide enough for a headline and the dates beside it; narrower on a narrow screen.
        dock = min(440, round(self.width() * 0.36))
        self.resizeDocks([self.stories_dock, self.search_dock], [dock, min(360, dock)], Qt.Orientation.Horizontal)
        if self.height() < SHORT_WINDOW:
            self.tabifyDockWidget(self.stories_dock, self.whats_new_dock)
            self.stories_dock.raise_()
        else:
            # News below the stories, read beside the list it belongs to.
            self.resizeDocks([self.stories_dock, self.whats_new_dock], [640, 220], Qt.Orientation.Vertical)
        layout = self.layout()
        if layout is not None:
            layout.activate()  # the central area gets what the docks leave
        area = self.central_area.size()
        height = area.height() - self.main_splitter.handleWidth()
        wanted = self.citations.height_for(SOURCE_ROWS, CITING_ROWS)
        bottom = max(height // 3, min(wanted, height * 2 // 5))
        self.main_splitter.setSizes([height - bottom, bottom])
        # The event's text, and beside it the sources: three fifths and two.
        width = area.width() - self.bottom_splitter.handleWidth()
        self.bottom_splitter.setSizes([width * 3 // 5, width - width * 3 // 5])

    def closeEvent(self, event: QCloseEvent) -> None:
        """Save the window state; stop a load in progress."""
        if self._search_opened_dock and not self.state.query:  # not back, empty, at the next start
            self.search_dock.hide()
        self.save_state()
        self.watcher.shutdown()
        self.loader.shutdown()
        self.search.shutdown()
        self.all_sources.shutdown()
        self.reading_controller.shutdown()
        self.problems_dialog.close()
        super().closeEvent(event)


def _first_size(window: QWidget, width: int, height: int) -> QSize:
    """``width`` × ``height``, or less where the screen's free area is smaller (a laptop, a scale factor of 2)."""
    screen = window.screen()
    if screen is None:
        return QSize(width, height)
    available = screen.availableGeometry()
    # A little room for the window's frame and title bar, which are not in the size.
    return QSize(min(width, available.width() - 16), min(height, available.height() - 48))


def _add_shortcut(action: QAction, key: str) -> None:
    """Give ``action`` one more key, unless the platform's bindings already include it."""
    sequence = QKeySequence(key)
    if sequence not in action.shortcuts():
        action.setShortcuts([*action.shortcuts(), sequence])


def _dropped_folder(urls: list[QUrl]) -> Path | None:
    for url in urls:
        if url.isLocalFile():
            path = Path(url.toLocalFile())
            if path.is_dir():
                return path
    return None
