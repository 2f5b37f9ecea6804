"""Following stories: what changed on disk is marked new until the reader opens it, across sessions."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from viewer.core.reading import ReadStore
from viewer.core.state import EventRef
from viewer.ui.stories_panel import NEW_COLUMN

pytestmark = pytest.mark.gui

TALKS = """Talks Resume
Updated (3 articles)
Timeline
Jan 3, 2024 – Envoys meet in Geneva [1]
Feb 2024 – A ceasefire is agreed for the north [2]
"""
OTHER = "Harbour Strike\nUpdated (1 article)\nTimeline\n2023 – Dockers walk out [1]\n"


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    stories = tmp_path / "stories"
    stories.mkdir()
    (stories / "talks.txt").write_text(TALKS, encoding="utf-8")
    (stories / "strike.txt").write_text(OTHER, encoding="utf-8")
    return stories


@pytest.fixture
def session(qtbot, tmp_path: Path, open_folder):
    """Start the app (a new window on the same settings and read store) on a folder; close it after."""
    windows = []

    def start(folder: Path):
        from viewer.ui.main_window import MainWindow

        win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat),
                         read_store=ReadStore(tmp_path / "cache"))
        qtbot.addWidget(win)
        win.resize(1400, 900)
        win.show()
        qtbot.waitExposed(win)
        with qtbot.waitSignal(win.watcher.following, timeout=10000):
            open_folder(win, folder)
        # What was read there is compared on a worker thread after the folder is on screen.
        qtbot.waitUntil(lambda: win.reading.folder == folder, timeout=10000)
        windows.append(win)
        return win

    yield start
    for win in windows:
        win.close()


def rewrite(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    stat = path.stat()  # the modification time moves even on a coarse file system
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def new_count(win, file: str) -> str:
    model = win.stories_panel.model
    return model.index(model.row_of(file), NEW_COLUMN).data()


def listed(win) -> list[str]:
    return [win.whats_new.item(r).text() for r in range(win.whats_new.count())]


def test_an_event_added_while_the_app_runs_is_new_until_its_story_is_opened(qtbot, folder, session):
    win = session(folder)
    assert new_count(win, "talks.txt") == "" and "Nothing new" in listed(win)[0]
    win.state.set_story("strike.txt")  # the reader is reading another story
    rewrite(folder / "talks.txt", TALKS.replace("3 articles", "4 articles")
            + "Mar 1, 2024 – Talks collapse over aid corridors [3]\n")
    qtbot.waitUntil(lambda: new_count(win, "talks.txt") == 1, timeout=5000)
    # Listed, marked on the timeline, and the story is bold in the panel (more articles).
    qtbot.waitUntil(lambda: any("NEW" in row and "Talks collapse" in row for row in listed(win)), timeout=2000)
    layout = win.timeline.timeline_layout
    marks = win.timeline.events_item.news  # the new-event marks the timeline draws
    assert marks is not None and marks[layout.index_of("talks.txt", 2)] == 1 and marks.sum() == 1
    model = win.stories_panel.model
    assert model.index(model.row_of("talks.txt"), 0).data(Qt.ItemDataRole.FontRole).bold()
    # Opening it from the list: the detail pane says it is new, and then the marks are gone.
    row = next(r for r in range(win.whats_new.count()) if "Talks collapse" in win.whats_new.item(r).text())
    win.whats_new.itemActivated.emit(win.whats_new.item(row))
    assert win.state.event_ref == EventRef("talks.txt", 2)
    assert "New since you last read" in win.detail.toPlainText()
    assert new_count(win, "talks.txt") == ""
    qtbot.waitUntil(lambda: "Nothing new" in listed(win)[0], timeout=2000)
    assert win.timeline.events_item.news is None


def test_a_reworded_event_shows_the_wording_that_was_read(qtbot, folder, session):
    win = session(folder)
    win.state.set_story("strike.txt")
    rewrite(folder / "talks.txt", TALKS.replace("for the north", "for the whole country"))
    qtbot.waitUntil(lambda: new_count(win, "talks.txt") == 1, timeout=5000)
    win.state.select_event(EventRef("talks.txt", 1))
    text = win.detail.toPlainText()
    assert "Updated since you last read" in text
    assert "north" in text and "whole country" in text  # the old words struck, the new ones marked
    html = win.detail.toHtml()
    assert "<s>" in html or "line-through" in html


def test_what_was_read_is_remembered_when_the_app_starts_again(qtbot, folder, session):
    first = session(folder)
    first.close()  # writes what was read
    rewrite(folder / "talks.txt", TALKS + "Mar 1, 2024 – Talks collapse over aid corridors [3]\n")
    second = session(folder)
    assert new_count(second, "talks.txt") == 1  # changed while the app was closed
    second.state.set_story("talks.txt")  # read it
    assert "Since you last read" in second.detail.toPlainText()
    assert new_count(second, "talks.txt") == ""
    second.close()
    third = session(folder)
    assert new_count(third, "talks.txt") == ""
    assert "Nothing new" in listed(third)[0]


def test_the_summary_of_a_changed_story_lists_what_was_reworded_and_removed(qtbot, folder, session):
    win = session(folder)
    win.state.set_story("strike.txt")
    rewrite(folder / "talks.txt", TALKS.replace("for the north", "for the whole country")
            .replace("Jan 3, 2024 – Envoys meet in Geneva [1]\n", ""))
    qtbot.waitUntil(lambda: new_count(win, "talks.txt") == 1, timeout=5000)
    win.state.set_story("talks.txt")  # its summary
    text = win.detail.toPlainText()
    assert "1 updated, 1 removed" in text
    assert "Reworded since you last read" in text and "north" in text and "whole country" in text
    assert "Removed since you last read" in text and "Envoys meet in Geneva" in text


def test_lanes_sorted_by_news_follow_when_a_story_gets_news(qtbot, folder, session):
    win = session(folder)
    win.state.set_story("strike.txt")
    win.stories_panel.table.sortByColumn(NEW_COLUMN, Qt.SortOrder.DescendingOrder)
    assert [s.file for s in win.timeline.timeline_layout.stories] == ["strike.txt", "talks.txt"]  # no news: by file
    rewrite(folder / "talks.txt", TALKS + "Mar 1, 2024 – Talks collapse over aid corridors [3]\n")
    qtbot.waitUntil(lambda: new_count(win, "talks.txt") == 1, timeout=5000)
    assert [s.file for s in win.timeline.timeline_layout.stories] == ["talks.txt", "strike.txt"]


def test_reading_a_story_does_not_move_it_from_under_the_reader(qtbot, folder, session):
    win = session(folder)
    win.state.set_story("strike.txt")
    win.stories_panel.table.sortByColumn(NEW_COLUMN, Qt.SortOrder.DescendingOrder)
    rewrite(folder / "talks.txt", TALKS + "Mar 1, 2024 – Talks collapse over aid corridors [3]\n")
    qtbot.waitUntil(lambda: new_count(win, "talks.txt") == 1, timeout=5000)
    assert [s.file for s in win.timeline.timeline_layout.stories] == ["talks.txt", "strike.txt"]
    win.state.set_story("talks.txt")  # opened (by a click or the arrow keys): read, its count 0
    qtbot.waitUntil(lambda: new_count(win, "talks.txt") == "", timeout=5000)  # its count gone
    # Re-sorted now, it would go below strike.txt (file order among equals) and the row the reader's
    # keys were on would jump away; it stays until news come again.
    assert [s.file for s in win.timeline.timeline_layout.stories] == ["talks.txt", "strike.txt"]
