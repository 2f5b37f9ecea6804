"""The folder loader after a load: cache written and workers started later, never once the window has closed."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer

from tests.conftest import story_text
from viewer.ui import loading
from viewer.ui.loading import FolderLoader

pytestmark = pytest.mark.gui


class IdlePool:
    """A pool that never parses (too few files) but would be warmed up after a large folder."""

    MIN_FILES = 1
    usable = False

    def __init__(self) -> None:
        self.warmed = False
        self.stopped = False

    def warm_up(self, job: object) -> None:
        self.warmed = True

    def shutdown(self) -> None:
        self.stopped = True


def test_closing_right_after_a_load_starts_nothing_afterwards(qtbot, story_folder, monkeypatch):
    monkeypatch.setattr(loading, "CACHE_WRITE_DELAY_MS", 0)  # what comes after a load: at the next turn
    pool = IdlePool()
    loader = FolderLoader(pool=pool)  # type: ignore[arg-type]
    folder = story_folder({"a.txt": story_text("A", ["2001"])})
    # The window closes as the folder arrives, before the cache write and the workers' start are due.
    loader.loaded.connect(lambda _library: loader.shutdown())
    with qtbot.waitSignal(loader.loaded, timeout=10000):
        loader.load(folder)
    assert pool.stopped
    ran: list[bool] = []
    QTimer.singleShot(0, lambda: ran.append(True))  # queued after the loader's own timer: runs after it
    qtbot.waitUntil(lambda: bool(ran), timeout=1000)
    assert not pool.warmed  # was: submitted to the stopped loader's executor, "cannot schedule new futures"
