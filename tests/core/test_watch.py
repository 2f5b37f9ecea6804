"""Following a folder with watchdog, without Qt: which changes are news, and a folder that comes back."""

from __future__ import annotations

import shutil
import threading

import pytest

from viewer.core.watch import TreeWatch


@pytest.fixture
def watched(tmp_path):
    folder = tmp_path / "stories"
    folder.mkdir()
    news = Calls()
    tree = TreeWatch(folder, news.set)
    tree.arm()
    yield folder, tree, news
    tree.close()


class Calls(threading.Event):
    """An event that also counts how often it was set."""

    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def set(self) -> None:
        self.count += 1
        super().set()


def news_after(tree: TreeWatch, news: Calls, change, timeout: float = 3.0) -> bool:
    """Make ``change`` and say whether the watch reported it (within ``timeout``)."""
    tree.take_change()
    news.clear()
    change()
    return news.wait(timeout)


def test_story_files_anywhere_below_are_news(watched):
    folder, tree, news = watched
    assert news_after(tree, news, lambda: (folder / "a.txt").write_text("A\n"))
    assert news_after(tree, news, lambda: (folder / "deep" / "er").mkdir(parents=True))
    assert news_after(tree, news, lambda: (folder / "deep" / "er" / "b.TXT").write_text("B\n"))
    assert news_after(tree, news, lambda: (folder / "a.txt").unlink())


def test_other_files_hidden_folders_and_reads_are_not_news(tmp_path):
    folder = tmp_path / "stories"
    (folder / ".git").mkdir(parents=True)
    (folder / "a.txt").write_text("A\n")
    news = Calls()
    tree = TreeWatch(folder, news.set)
    tree.arm()  # after the set-up, whose events would otherwise arrive late
    assert not news_after(tree, news, lambda: (folder / "notes.md").write_text("x"), timeout=0.5)
    assert not news_after(tree, news, lambda: (folder / ".git" / "x.txt").write_text("x"), timeout=0.5)
    assert not news_after(tree, news, lambda: (folder / "a.txt").read_text(), timeout=0.5)
    tree.close()


def test_a_burst_of_changes_is_one_call_until_taken(watched):
    folder, tree, news = watched
    tree.take_change()
    news.count = 0
    for i in range(50):
        (folder / f"s{i}.txt").write_text("S\n")
    assert news.wait(3)
    assert news.count == 1  # however many events came
    assert tree.take_change()


def test_a_removed_folder_is_followed_again_when_it_is_created_again(watched):
    folder, tree, news = watched
    assert tree.following
    shutil.rmtree(folder)
    tree.arm()  # what the watcher does when its rescan finds the folder gone
    assert not tree.following
    assert news_after(tree, news, lambda: folder.mkdir())
    tree.arm()
    assert tree.following
    assert news_after(tree, news, lambda: (folder / "c.txt").write_text("C\n"))
