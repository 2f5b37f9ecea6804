"""File → Export Figure…, Print…, Export Events as CSV… and Export TimelineJS…

What a reader who found the story wants to take away: a figure for a report
(PNG, SVG, PDF or paper, all drawn by ``viewer.ui.figure``), the events as
a spreadsheet table (``viewer.model.csv_export``) and a web timeline
(``viewer.model.timelinejs``). Each starts from what is on screen: the
view's range and the stories not hidden, or the whole folder if the reader
says so. Files are written on a worker thread, so a figure of 10,000 stories
never freezes the window; printing stays on the GUI thread, where Qt's print
dialogs live.

The folder last saved to is remembered (``QSettings``), apart from the
story folder: exports belong with the reader's documents, not in the
folder being watched, where a ``.txt`` export would even become a story.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QSettings, QStandardPaths
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLineEdit,
    QMenu,
    QMessageBox,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from viewer.core.state import AppState
from viewer.core.ticks import MAX_ORDINAL, MIN_ORDINAL
from viewer.ui.tasks import BackgroundTasks

if TYPE_CHECKING:
    from viewer.model import Story

__all__ = ["PublishActions", "Scope"]

LAST_FOLDER_KEY = "publish/lastFolder"
PRINT_CONFIRM_STORIES = 300  # printing more asks first: the preview is painted on the GUI thread
FIGURE_FILTERS = {".png": "PNG image (*.png)", ".svg": "SVG drawing (*.svg)", ".pdf": "PDF document (*.pdf)"}


class Scope:
    """What an export covers: some stories, over a range of days (None: their own)."""

    def __init__(self, stories: Sequence[Story], first: int | None, last: int | None, title: str) -> None:
        self.stories = list(stories)
        self.first = first
        self.last = last
        self.title = title


class ScopeDialog(QDialog):
    """Ask what to export: the current view or the whole folder, and (for figures) a title."""

    def __init__(self, parent: QWidget | None, heading: str, choices: list[str], title: str | None) -> None:
        super().__init__(parent)
        self.setWindowTitle(heading)
        layout = QVBoxLayout(self)
        self._group = QButtonGroup(self)
        for i, text in enumerate(choices):
            button = QRadioButton(text)
            button.setChecked(i == 0)
            self._group.addButton(button, i)
            layout.addWidget(button)
        self.title_field: QLineEdit | None = None
        if title is not None:
            form = QFormLayout()
            self.title_field = QLineEdit(title)
            self.title_field.setAccessibleName("Figure title")
            form.addRow("&Title:", self.title_field)
            layout.addLayout(form)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)

    @property
    def choice(self) -> int:
        """The index of the chosen scope."""
        return self._group.checkedId()

    @property
    def title(self) -> str:
        """The title typed (or left as proposed)."""
        return self.title_field.text().strip() if self.title_field is not None else ""


class PublishActions(QObject):
    """The File menu's publishing actions, for the main window to add to its menu.

    Args:
        parent: the window the dialogs belong to.
        state: the application state (the library, hidden stories, current story).
        settings: where the last folder saved to is kept.
        view_range: the days the timeline shows now, as (first, last) ordinals.
        report: shows a short message in the status bar.
    """

    def __init__(self, parent: QWidget, state: AppState, settings: QSettings,
                 view_range: Callable[[], tuple[float, float]], report: Callable[[str], object]) -> None:
        super().__init__(parent)
        self._window = parent
        self._state = state
        self._settings = settings
        self._view_range = view_range
        self._report = report
        self._tasks = BackgroundTasks(self, "publish")
        self.export_figure_action = self._action("Export &Figure…", self.export_figure,
                                                 "Save the timeline as a figure: PNG, SVG or PDF")
        self.print_action = self._action("&Print…", self.print_figure, "Print the timeline")
        self.print_action.setShortcuts(QKeySequence.StandardKey.Print)
        self.export_csv_action = self._action("Export Events as &CSV…", self.export_csv,
                                              "Save every event as a row of a spreadsheet table")
        self.export_timelinejs_action = self._action("Export &TimelineJS…", self.export_timelinejs,
                                                     "Save stories as a TimelineJS web timeline (JSON)")
        self._update_enabled()
        state.library_changed.connect(self._update_enabled)

    def _action(self, text: str, slot: Callable[[], object], tip: str) -> QAction:
        action = QAction(text, self._window)
        action.setStatusTip(tip)
        action.triggered.connect(slot)
        return action

    @property
    def actions(self) -> list[QAction]:
        """The actions in menu order."""
        return [self.export_figure_action, self.print_action, self.export_csv_action,
                self.export_timelinejs_action]

    def add_to_menu(self, menu: QMenu) -> None:
        """Add the actions to ``menu`` (the File menu)."""
        for action in self.actions:
            menu.addAction(action)

    def _update_enabled(self) -> None:
        library = self._state.library
        for action in self.actions:
            action.setEnabled(library is not None and bool(library.stories))

    # --- what to export ------------------------------------------------------

    def _folder_title(self) -> str:
        library = self._state.library
        if library is None:
            return "Timeline"
        return library.folder.resolve().name or str(library.folder)

    def _view_days(self) -> tuple[int, int]:
        first, last = self._view_range()
        first_day = max(MIN_ORDINAL, math.floor(first))
        last_day = min(MAX_ORDINAL, math.ceil(last) - 1)
        return first_day, max(first_day, last_day)

    def current_view(self) -> Scope:
        """The stories not hidden, in the timeline's order, over the range in view."""
        first, last = self._view_days()
        return Scope(self._state.lanes(), first, last, self._folder_title())

    def whole_folder(self) -> Scope:
        """Every story of the folder, over all its dates."""
        library = self._state.library
        return Scope(library.stories if library is not None else [], None, None, self._folder_title())

    def _ask_scope(self, heading: str, with_title: bool) -> Scope | None:
        view, whole = self.current_view(), self.whole_folder()
        from viewer.ui.figure import day_text

        assert view.first is not None and view.last is not None
        choices = [f"The current view: {day_text(view.first)} – {day_text(view.last)}, "
                   f"{len(view.stories):,} of {len(whole.stories):,} stories (hidden ones left out)",
                   f"The whole folder: all {len(whole.stories):,} stories, all dates"]
        dialog = ScopeDialog(self._window, heading, choices, self._folder_title() if with_title else None)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        scope = view if dialog.choice == 0 else whole
        if with_title and dialog.title:
            scope.title = dialog.title
        return scope

    def _save_path(self, caption: str, name: str, filters: dict[str, str]) -> Path | None:
        folder = str(self._settings.value(LAST_FOLDER_KEY, "", type=str) or "")
        if not folder or not Path(folder).is_dir():
            folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        chosen, selected = QFileDialog.getSaveFileName(self._window, caption, str(Path(folder) / name),
                                                       ";;".join(filters.values()))
        if not chosen:
            return None
        path = Path(chosen)
        if path.suffix.lower() not in filters:
            suffix = next((s for s, f in filters.items() if f == selected), next(iter(filters)))
            path = path.with_name(path.name + suffix)
        self._settings.setValue(LAST_FOLDER_KEY, str(path.parent))
        return path

    def _run(self, work: Callable[[], str], what: str) -> None:
        """Write a file on the worker thread; say in the status bar when it is done, or why not."""
        self._report(f"Writing {what}…")

        def failed(error: BaseException) -> None:
            self._report(f"Could not write {what}")
            reason = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
            box = QMessageBox(QMessageBox.Icon.Warning, "Timeline Viewer", f"Could not write {what}: {reason}",
                              QMessageBox.StandardButton.Ok, self._window)
            box.exec()

        self._tasks.submit(work, self._report, failed)

    # --- the actions -----------------------------------------------------------

    def export_figure(self) -> None:
        """File → Export Figure…: PNG, SVG or PDF of the current view or the whole folder."""
        scope = self._ask_scope("Export Figure", with_title=True)
        if scope is None:
            return
        out = self._save_path("Export Figure", f"{_file_stem(scope.title)}.png", FIGURE_FILTERS)
        if out is not None:
            self._run(lambda: _write_figure(scope, out), str(out))

    def print_figure(self) -> None:
        """File → Print…: a preview of the pages, printed through the platform's print dialog."""
        from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

        from viewer.ui.figure import Figure, page_width

        scope = self._ask_scope("Print", with_title=True)
        if scope is None:
            return
        if len(scope.stories) > PRINT_CONFIRM_STORIES:
            # Qt prints and previews on the GUI thread: say so before a long wait, not after.
            answer = QMessageBox.question(
                self._window, "Print",
                f"Print {len(scope.stories):,} stories? That is a long document (about three stories a "
                "page), and the window waits while the preview is prepared. A PDF (File → Export "
                "Figure…) is written in the background.")
            if answer != QMessageBox.StandardButton.Yes:
                return
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(scope.title)
        from PySide6.QtGui import QPageLayout

        printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        preview = QPrintPreviewDialog(printer, self._window)
        preview.setWindowTitle(f"Print – {scope.title}")

        def paint(device: QPrinter) -> None:
            # Laid out again for each request: the reader may change paper or orientation in the preview.
            figure = Figure(scope.stories, scope.title, scope.first, scope.last, width=page_width(device))
            figure.paint_paged(device)

        preview.paintRequested.connect(paint)
        preview.exec()

    def export_csv(self) -> None:
        """File → Export Events as CSV…: one row per event (undated ones too), for a spreadsheet."""
        view, whole = self.current_view(), self.whole_folder()
        choices = [f"The stories shown on the timeline ({len(view.stories):,}), every event",
                   f"The whole folder ({len(whole.stories):,} stories)"]
        dialog = ScopeDialog(self._window, "Export Events as CSV", choices, None)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        scope = view if dialog.choice == 0 else whole
        out = self._save_path("Export Events as CSV", f"{_file_stem(scope.title)}.csv",
                              {".csv": "CSV table (*.csv)"})
        if out is not None:
            self._run(lambda: _write_csv(scope, out), str(out))

    def export_timelinejs(self) -> None:
        """File → Export TimelineJS…: the current story, or the stories shown, as a TimelineJS3 document."""
        story = self._state.story
        view, whole = self.current_view(), self.whole_folder()
        choices = [f"The current story: {story.title[:80]}" if story is not None else "The current story",
                   f"The stories shown on the timeline ({len(view.stories):,}, one group each)"]
        dialog = ScopeDialog(self._window, "Export TimelineJS", choices, None)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        if dialog.choice == 0 and story is not None:
            scope = Scope([story], None, None, story.title)
        else:
            scope = Scope(view.stories, None, None, whole.title)
        out = self._save_path("Export TimelineJS", f"{_file_stem(scope.title)}.json",
                              {".json": "TimelineJS document (*.json)"})
        if out is not None:
            self._run(lambda: _write_timelinejs(scope, out), str(out))


def _file_stem(title: str) -> str:
    """A file name from a title: no separators or control characters, not too long."""
    stem = "".join(c if c.isalnum() or c in " -_." else " " for c in title).strip(" .")
    return " ".join(stem.split())[:60] or "timeline"


def _write_figure(scope: Scope, out: Path) -> str:
    from viewer.ui.figure import FigureRequest, save_figure

    ok, figure = save_figure(FigureRequest(scope.stories, scope.title, scope.first, scope.last), out)
    if not ok:
        raise OSError(f"the {out.suffix[1:].upper()} writer failed")
    more = f"; {figure.left_out:,} stories left out, too tall for one image (PDF has them all)" \
        if figure.left_out else ""
    return f"Saved {out} ({len(figure.lanes):,} stories, {figure.event_count:,} events{more})"


def _write_csv(scope: Scope, out: Path) -> str:
    from viewer.model.csv_export import write_csv

    # UTF-8 with a byte-order mark: Excel reads a file without one as the local code page.
    with open(out, "w", encoding="utf-8-sig", newline="") as handle:
        count = write_csv(scope.stories, handle)
    return f"Saved {out} ({count:,} events)"


def _write_timelinejs(scope: Scope, out: Path) -> str:
    from viewer.model.timelinejs import timeline_document, write_timelinejs

    document = timeline_document(scope.stories, scope.title)
    with open(out, "w", encoding="utf-8") as handle:
        write_timelinejs(document, handle)
    left = f", {document.undated:,} undated events left out" if document.undated else ""
    return f"Saved {out} ({document.events:,} slides{left})"
