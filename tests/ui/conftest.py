"""Fixtures for widget tests: a main window with its own settings file."""

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from tests.conftest import SEEDS


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    """Settings in a temporary INI file, so no test sees the user's or another test's."""
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def window(qtbot, settings):
    """The main window, shown offscreen, with no folder open yet."""
    from viewer.ui.main_window import MainWindow

    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()  # stops the load, the watcher and their threads


@pytest.fixture
def open_folder(qtbot):
    """Open a folder in a window and wait until it is on screen."""

    def open_(win, folder: Path) -> None:
        with qtbot.waitSignal(win.loader.loaded, timeout=20000):
            win.open_folder(folder)
        # The stories panel follows a new library one turn of the event loop later.
        qtbot.waitUntil(lambda: win.stories_panel.model.rowCount() == len(win.state.library.stories),
                        timeout=5000)

    return open_


@pytest.fixture
def seeds_window(window, open_folder):
    """The main window showing the bundled sample stories."""
    open_folder(window, SEEDS)
    return window


@pytest.fixture
def timeline(qtbot):
    """A bare timeline widget and its selection state, shown offscreen."""
    from viewer.core.state import AppState
    from viewer.ui.timeline.view import TimelineWidget

    selection = AppState()
    widget = TimelineWidget(selection)
    qtbot.addWidget(widget)
    widget.resize(1200, 500)
    widget.show()
    qtbot.waitExposed(widget)
    return selection, widget
