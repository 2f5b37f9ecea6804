"""The window follows its folder on disk: add, edit, rename, remove, break, vanish."""

import os
import shutil
import threading

import pytest

from viewer.core.state import EventRef

pytestmark = pytest.mark.gui

STORY = "Story {name}\nTimeline\n2001 – First thing [1]\n2002 – Second thing [1]\n"


@pytest.fixture
def live(window, open_folder, story_folder, qtbot):
    folder = story_folder({"a.txt": STORY.format(name="A"), "b.txt": STORY.format(name="B")})
    with qtbot.waitSignal(window.watcher.following, timeout=5000):
        open_folder(window, folder)
    return window, folder


def titles(window):
    return [s.title for s in window.timeline.timeline_layout.stories]


def touch_later(path):
    """Make sure the modification time moves even on coarse-grained file systems."""
    stat = path.stat()
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))


def test_added_file_appears(qtbot, live):
    window, folder = live
    (folder / "c.txt").write_text(STORY.format(name="C"), encoding="utf-8")
    qtbot.waitUntil(lambda: titles(window) == ["Story A", "Story B", "Story C"], timeout=3000)


def test_added_subfolder_is_watched_too(qtbot, live):
    window, folder = live
    (folder / "sub").mkdir()
    (folder / "sub" / "d.txt").write_text(STORY.format(name="D"), encoding="utf-8")
    qtbot.waitUntil(lambda: "Story D" in titles(window), timeout=3000)


def test_edit_updates_that_story_and_keeps_zoom_and_selection(qtbot, live):
    window, folder = live
    window.state.select_event(EventRef("a.txt", 1))
    window.timeline.view_box.setXRange(730000, 731000, padding=0)
    untouched = window.timeline.timeline_layout.stories[0]
    path = folder / "b.txt"
    path.write_text(STORY.format(name="B edited") + "2003 – Third thing [2]\n", encoding="utf-8")
    touch_later(path)
    qtbot.waitUntil(lambda: "Story B edited" in titles(window), timeout=3000)
    assert window.timeline.timeline_layout.stories[0] is untouched  # the other story was not re-read
    assert window.state.event_ref == EventRef("a.txt", 1)
    (x0, x1), _ = window.timeline.view_box.viewRange()
    assert (x0, x1) == pytest.approx((730000, 731000))
    assert window.summary_button.text() == "2 stories · 5 events · 0 problems"


def test_broken_edit_keeps_last_good_version_until_fixed(qtbot, live):
    window, folder = live
    path = folder / "a.txt"
    path.write_bytes(b"")  # an editor truncates before writing
    touch_later(path)
    qtbot.waitUntil(lambda: "1 problem" in window.summary_button.text()
                    or "2 problems" in window.summary_button.text(), timeout=3000)
    assert titles(window) == ["Story A", "Story B"]
    messages = [p.message for p in window.state.library.problems]
    assert any("last version" in m for m in messages)
    path.write_text(STORY.format(name="A fixed"), encoding="utf-8")
    touch_later(path)
    qtbot.waitUntil(lambda: titles(window) == ["Story A fixed", "Story B"], timeout=3000)
    assert window.state.library.problems == ()


def test_rename_and_remove(qtbot, live):
    window, folder = live
    (folder / "b.txt").rename(folder / "z.txt")
    qtbot.waitUntil(lambda: [s.file for s in window.timeline.timeline_layout.stories] == ["a.txt", "z.txt"],
                    timeout=3000)
    (folder / "a.txt").unlink()
    qtbot.waitUntil(lambda: [s.file for s in window.timeline.timeline_layout.stories] == ["z.txt"],
                    timeout=3000)


def test_folder_vanishing_keeps_the_view_and_says_so(qtbot, live):
    window, folder = live
    shutil.rmtree(folder)
    qtbot.waitUntil(lambda: "removed or renamed" in window.message.text(), timeout=3000)
    assert titles(window) == ["Story A", "Story B"]


def test_a_deleted_folder_that_is_created_again_is_followed_again(qtbot, live):
    window, folder = live
    shutil.rmtree(folder)
    qtbot.waitUntil(lambda: "removed or renamed" in window.message.text(), timeout=3000)
    folder.mkdir()
    (folder / "c.txt").write_text(STORY.format(name="C"), encoding="utf-8")
    qtbot.waitUntil(lambda: titles(window) == ["Story C"], timeout=5000)
    # And it is followed again as usual.
    (folder / "d.txt").write_text(STORY.format(name="D"), encoding="utf-8")
    qtbot.waitUntil(lambda: titles(window) == ["Story C", "Story D"], timeout=5000)


def test_cancelling_a_load_keeps_the_previous_folder(qtbot, window, open_folder, story_folder,
                                                     tmp_path_factory, monkeypatch):
    from PySide6.QtCore import Qt

    import viewer.model.loader as loader

    first = story_folder({"a.txt": STORY.format(name="A")})
    open_folder(window, first)
    big = tmp_path_factory.mktemp("big")  # outside the folder on screen, which is watched
    for i in range(900):  # fewer than go to the worker processes: parsed in the loading thread
        (big / f"s{i:04d}.txt").write_text(STORY.format(name=i), encoding="utf-8")
    parsed = []
    real_parse_story = loader.parse_story
    clicked = threading.Event()

    def parse_story(text, rel):
        parsed.append(rel)
        if len(parsed) == 50:
            qtbot_click.append(True)  # the user clicks Cancel while the worker is busy
            clicked.wait(10)
        return real_parse_story(text, rel)

    qtbot_click: list[bool] = []
    monkeypatch.setattr(loader, "parse_story", parse_story)
    window.open_folder(big)
    qtbot.waitUntil(lambda: bool(qtbot_click), timeout=5000)
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    clicked.set()
    assert titles(window) == ["Story A"]
    assert window.windowTitle() == f"{first.name} — Timeline Viewer"
    assert "cancelled" in window.message.text()
    # The next load runs on the same worker thread, so once it is shown the
    # cancelled one has ended: it stopped instead of reading everything.
    open_folder(window, first)
    assert len(parsed) < 900


def test_a_file_whose_read_never_returns_is_skipped_and_cancel_works(qtbot, window, open_folder, story_folder,
                                                                     tmp_path_factory, monkeypatch):
    """A file on a network share or FUSE folder that stopped answering cannot hang the load."""
    from PySide6.QtCore import Qt

    import viewer.model.loader as loader

    folder = story_folder({"a.txt": STORY.format(name="A"), "stuck.txt": STORY.format(name="S"),
                           "z.txt": STORY.format(name="Z")})
    real_read = loader._read_regular_file
    never = threading.Event()

    def read(path):
        if path.endswith("stuck.txt"):
            never.wait(60)  # as a read from a dead mount: it does not come back
        return real_read(path)

    monkeypatch.setattr(loader, "_read_regular_file", read)
    monkeypatch.setattr(loader, "READ_TIMEOUT", 1.0)
    try:
        open_folder(window, folder)
        assert titles(window) == ["Story A", "Story Z"]
        [problem] = window.state.library.problems
        assert problem.file == "stuck.txt" and "took longer than 1 s" in problem.message
        # And a load waiting on such a file can be cancelled at once.
        monkeypatch.setattr(loader, "READ_TIMEOUT", 60.0)
        window.open_folder(folder)
        qtbot.waitUntil(lambda: window.cancel_button.isVisible(), timeout=2000)
        with qtbot.waitSignal(window.loader.cancelled, timeout=1000):
            qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
        other = tmp_path_factory.mktemp("other")
        (other / "b.txt").write_text(STORY.format(name="B"), encoding="utf-8")
        open_folder(window, other)  # the worker thread is free again
        assert titles(window) == ["Story B"]
    finally:
        never.set()


def test_an_edit_made_while_the_folder_loads_is_shown(qtbot, window, story_folder, monkeypatch):
    import viewer.ui.loading as loading

    folder = story_folder({"a.txt": STORY.format(name="Old")})
    real = loading.load_folder_then_cache

    def load_then_edit(*args, **kwargs):
        result = real(*args, **kwargs)
        # The file changes after the loader read it, before the window shows it.
        path = folder / "a.txt"
        path.write_text(STORY.format(name="New"), encoding="utf-8")
        touch_later(path)
        return result

    monkeypatch.setattr(loading, "load_folder_then_cache", load_then_edit)
    with qtbot.waitSignal(window.loader.loaded, timeout=10000):
        window.open_folder(folder)
    qtbot.waitUntil(lambda: titles(window) == ["Story New"], timeout=3000)


def test_a_file_added_to_an_empty_folder_while_it_loads_is_shown(qtbot, window, tmp_path, monkeypatch):
    import viewer.ui.loading as loading

    folder = tmp_path / "empty"
    folder.mkdir()
    real = loading.load_folder_then_cache

    def load_then_add(*args, **kwargs):
        result = real(*args, **kwargs)
        (folder / "late.txt").write_text(STORY.format(name="Late"), encoding="utf-8")
        return result

    monkeypatch.setattr(loading, "load_folder_then_cache", load_then_add)
    with qtbot.waitSignal(window.loader.loaded, timeout=10000):
        window.open_folder(folder)
    qtbot.waitUntil(lambda: titles(window) == ["Story Late"], timeout=3000)


def test_an_edit_while_another_folder_loads_survives_cancelling_that_load(qtbot, live, tmp_path_factory,
                                                                          monkeypatch):
    from PySide6.QtCore import Qt

    import viewer.model.loader as loader

    window, folder = live
    other = tmp_path_factory.mktemp("other")  # outside the watched folder
    (other / "x.txt").write_text(STORY.format(name="X"), encoding="utf-8")
    gate = threading.Event()
    real_parse_story = loader.parse_story

    def held_parse_story(text, rel):
        if rel == "x.txt":
            gate.wait(10)  # the other folder's load is held until the test lets it go
        return real_parse_story(text, rel)

    monkeypatch.setattr(loader, "parse_story", held_parse_story)
    window.open_folder(other)
    path = folder / "a.txt"
    with qtbot.waitSignal(window.watcher.updated, timeout=5000):
        path.write_text(STORY.format(name="A edited"), encoding="utf-8")
        touch_later(path)
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    gate.set()
    assert titles(window) == ["Story A edited", "Story B"]


def test_a_large_folder_loads_in_worker_processes_and_closing_ends_them(qtbot, settings, tmp_path):
    """The app's real set-up: a pool of worker processes parses a large folder; closing ends them."""
    import multiprocessing

    from viewer.model.pool import ParsePool
    from viewer.ui.main_window import MainWindow

    count = ParsePool.MIN_FILES + 200
    for i in range(count):
        (tmp_path / f"s{i:04d}.txt").write_text(STORY.format(name=i), encoding="utf-8")
    win = MainWindow(settings, pool=ParsePool(workers=2))
    qtbot.addWidget(win)
    win.show()
    progress = []
    win.loader.progress.connect(lambda done, total: progress.append(done))
    with qtbot.waitSignal(win.loader.loaded, timeout=60000):
        win.open_folder(tmp_path)
    assert titles(win) == [f"Story {i}" for i in range(count)]
    assert win.summary_button.text() == f"{count} stories · {2 * count} events · 0 problems"
    assert progress == sorted(progress) and progress[-1] == count
    assert multiprocessing.active_children()  # the workers did the parsing, and wait for the next folder
    win.close()
    qtbot.waitUntil(lambda: not multiprocessing.active_children(), timeout=2000)


def test_a_pool_that_cannot_start_means_a_load_in_one_thread(qtbot, settings, tmp_path, monkeypatch, caplog):
    """With no file handles left, for example: one warning, and every file is still there."""
    import concurrent.futures

    from viewer.model import pool as pool_module
    from viewer.ui.main_window import MainWindow

    def no_processes(*args, **kwargs):
        raise OSError(24, "Too many open files")

    monkeypatch.setattr(pool_module, "ProcessPoolExecutor", no_processes)
    assert concurrent.futures.ProcessPoolExecutor is not no_processes
    count = pool_module.ParsePool.MIN_FILES + 10
    for i in range(count):
        (tmp_path / f"s{i:04d}.txt").write_text(STORY.format(name=i), encoding="utf-8")
    win = MainWindow(settings, pool=pool_module.ParsePool(workers=2))
    qtbot.addWidget(win)
    for _ in range(2):
        with qtbot.waitSignal(win.loader.loaded, timeout=60000):
            win.open_folder(tmp_path)
        assert len(win.state.library.stories) == count and win.state.library.problems == ()
    warnings = [r for r in caplog.records if "worker processes failed" in r.getMessage()]
    assert len(warnings) == 1  # once, not at every load


def test_a_tree_the_system_cannot_watch_is_rescanned_instead(qtbot, settings, open_folder, story_folder,
                                                             monkeypatch):
    """A tree too deep for watchdog on Python 3.11, or past the system's limit of watches: still followed."""
    import viewer.core.watch as watch
    import viewer.ui.live_reload as live_reload
    from viewer.ui.main_window import MainWindow

    def refuse(self):
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(watch.TreeWatch, "arm", refuse)
    monkeypatch.setattr(live_reload, "POLL_MS", 200)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    folder = story_folder({"a.txt": STORY.format(name="A")})
    with qtbot.waitSignal(window.watcher.polling, timeout=5000):
        open_folder(window, folder)
    assert window.live_label.text().startswith("Live (checked every")
    (folder / "b.txt").write_text(STORY.format(name="B"), encoding="utf-8")
    qtbot.waitUntil(lambda: titles(window) == ["Story A", "Story B"], timeout=5000)
