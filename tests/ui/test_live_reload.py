"""The window follows its folder on disk: add, edit, rename, remove, break, vanish."""

import os
import shutil

import pytest

from viewer.ui.selection import EventRef

pytestmark = pytest.mark.gui

STORY = "Story {name}\nTimeline\n2001 – First thing [1]\n2002 – Second thing [1]\n"


@pytest.fixture
def live(window, open_folder, story_folder, qtbot):
    folder = story_folder({"a.txt": STORY.format(name="A"), "b.txt": STORY.format(name="B")})
    open_folder(window, folder)
    window.watcher.wait()
    qtbot.waitUntil(lambda: window.watcher._known is not None, timeout=5000)
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
    qtbot.waitUntil(lambda: str(folder / "sub") in window.watcher._watcher.directories(), timeout=3000)
    (folder / "sub" / "d.txt").write_text(STORY.format(name="D"), encoding="utf-8")
    qtbot.waitUntil(lambda: "Story D" in titles(window), timeout=3000)


def test_edit_updates_that_story_and_keeps_zoom_and_selection(qtbot, live):
    window, folder = live
    window.selection.select_event(EventRef("a.txt", 1))
    window.timeline.view_box.setXRange(730000, 731000, padding=0)
    untouched = window.timeline.timeline_layout.stories[0]
    path = folder / "b.txt"
    path.write_text(STORY.format(name="B edited") + "2003 – Third thing [2]\n", encoding="utf-8")
    touch_later(path)
    qtbot.waitUntil(lambda: "Story B edited" in titles(window), timeout=3000)
    assert window.timeline.timeline_layout.stories[0] is untouched  # the other story was not re-read
    assert window.selection.event_ref == EventRef("a.txt", 1)
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
    messages = [p.message for p in window.selection.library.problems]
    assert any("last version" in m for m in messages)
    path.write_text(STORY.format(name="A fixed"), encoding="utf-8")
    touch_later(path)
    qtbot.waitUntil(lambda: titles(window) == ["Story A fixed", "Story B"], timeout=3000)
    assert window.selection.library.problems == ()


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


def test_cancelling_a_load_keeps_the_previous_folder(qtbot, window, open_folder, story_folder,
                                                     tmp_path_factory, monkeypatch):
    from PySide6.QtCore import Qt

    import viewer.model.loader as loader

    first = story_folder({"a.txt": STORY.format(name="A")})
    open_folder(window, first)
    big = tmp_path_factory.mktemp("big")  # outside the folder on screen, which is watched
    for i in range(3000):
        (big / f"s{i:04d}.txt").write_text(STORY.format(name=i), encoding="utf-8")
    read = []
    real_load_file = loader.load_file

    def slow_load_file(root, rel):
        read.append(rel)
        if len(read) == 50:
            # The user clicks Cancel while the worker is busy.
            qtbot_click.append(True)
        return real_load_file(root, rel)

    qtbot_click: list[bool] = []
    monkeypatch.setattr(loader, "load_file", slow_load_file)
    window.open_folder(big)
    qtbot.waitUntil(lambda: bool(qtbot_click), timeout=5000)
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    assert window.loader.wait()
    assert len(read) < 3000  # the worker stopped instead of reading everything
    assert titles(window) == ["Story A"]
    assert window.windowTitle() == f"{first.name} — Timeline Viewer"
    assert "cancelled" in window.message.text()


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
    import threading

    from PySide6.QtCore import Qt

    import viewer.model.loader as loader

    window, folder = live
    other = tmp_path_factory.mktemp("other")  # outside the watched folder
    (other / "x.txt").write_text(STORY.format(name="X"), encoding="utf-8")
    gate = threading.Event()
    real_load_file = loader.load_file

    def held_load_file(root, rel):
        gate.wait(10)  # the other folder's load is held until the test lets it go
        return real_load_file(root, rel)

    monkeypatch.setattr(loader, "load_file", held_load_file)
    window.open_folder(other)
    path = folder / "a.txt"
    with qtbot.waitSignal(window.watcher.updated, timeout=5000):
        path.write_text(STORY.format(name="A edited"), encoding="utf-8")
        touch_later(path)
    qtbot.mouseClick(window.cancel_button, Qt.MouseButton.LeftButton)
    gate.set()
    assert window.loader.wait()
    assert titles(window) == ["Story A edited", "Story B"]


def test_a_large_folder_loads_with_the_parse_helper_and_closing_stops_it(qtbot, settings, tmp_path,
                                                                         monkeypatch):
    import time

    from viewer.model import loader, parallel
    from viewer.model.parallel import MIN_SHARED_FILES, ParseHelper
    from viewer.ui.main_window import MainWindow

    count = MIN_SHARED_FILES * 2
    for i in range(count):
        (tmp_path / f"s{i:04d}.txt").write_text(STORY.format(name=i), encoding="utf-8")
    helper = ParseHelper()
    pid = helper.start()  # as it is after the window's first load
    assert pid is not None
    real_load_file, real_unpack = loader.load_file, parallel.unpack_results
    from_helper = []

    def slow_load_file(root, rel):  # this process's share only: the helper is another process
        time.sleep(0.001)
        return real_load_file(root, rel)

    def counting_unpack(payload):
        results = real_unpack(payload)
        from_helper.extend(results)
        return results

    monkeypatch.setattr(loader, "load_file", slow_load_file)
    monkeypatch.setattr(parallel, "unpack_results", counting_unpack)
    win = MainWindow(settings, helper=helper)
    qtbot.addWidget(win)
    win.show()
    progress = []
    win.loader.progress.connect(lambda done, total: progress.append(done))
    with qtbot.waitSignal(win.loader.loaded, timeout=30000):
        win.open_folder(tmp_path)
    assert titles(win) == [f"Story {i}" for i in range(count)]
    assert win.summary_button.text() == f"{count} stories · {2 * count} events · 0 problems"
    assert progress == sorted(progress) and progress[-1] == count
    assert from_helper  # the helper process parsed part of the folder
    win.close()
    assert helper.pid is None
    # The window took the helper process with it.
    qtbot.waitUntil(lambda: not parallel._process_exists(pid), timeout=5000)


def test_opening_another_folder_during_a_shared_load_shows_the_new_one(qtbot, settings, tmp_path_factory,
                                                                      monkeypatch):
    """The app's real set-up (a helper process): a second Open cancels the first load, helper and all."""
    import signal
    import tempfile
    import threading

    from viewer.model import loader
    from viewer.model.parallel import MIN_SHARED_FILES, ParseHelper
    from viewer.ui.main_window import MainWindow

    if not hasattr(signal, "SIGSTOP"):
        pytest.skip("needs POSIX signals")
    big = tmp_path_factory.mktemp("big")
    for i in range(MIN_SHARED_FILES * 3):
        (big / f"s{i:04d}.txt").write_text(STORY.format(name=i), encoding="utf-8")
    small = tmp_path_factory.mktemp("small")
    (small / "a.txt").write_text(STORY.format(name="Small"), encoding="utf-8")
    helper = ParseHelper()
    pid = helper.start()
    real_load_file = loader.load_file
    parsed = []
    second_open = threading.Event()

    def load_file_then_stall_the_helper(root, rel):
        parsed.append(rel)
        if len(parsed) == 1:
            os.kill(pid, signal.SIGSTOP)  # the big load will wait for its helper
            second_open.wait(10)  # and is still under way when the user opens another folder
        return real_load_file(root, rel)

    monkeypatch.setattr(loader, "load_file", load_file_then_stall_the_helper)
    win = MainWindow(settings, helper=helper)
    qtbot.addWidget(win)
    win.show()
    loaded = []
    win.loader.loaded.connect(lambda library: loaded.append(library.folder))
    try:
        win.open_folder(big)
        qtbot.waitUntil(lambda: len(parsed) > 0, timeout=10000)
        with qtbot.waitSignal(win.loader.loaded, timeout=20000):
            win.open_folder(small)
            second_open.set()
    finally:
        second_open.set()
        os.kill(pid, signal.SIGCONT)
    assert loaded == [small.resolve()]  # the big folder never replaced anything
    assert titles(win) == ["Story Small"]
    assert win.windowTitle() == f"{small.name} — Timeline Viewer"
    win.close()
    assert helper.pid is None
    leftovers = [name for name in os.listdir(tempfile.gettempdir())
                 if name.startswith(f"timeline-viewer-{os.getpid()}-")]
    assert leftovers == []
