"""What is new since the reader last read a story, and the store that remembers it, without Qt."""

from __future__ import annotations

import gzip
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.conftest import library_of
from viewer.core.reading import Reading, ReadStore, Seen, compare, word_diff
from viewer.model import Library, parse_story

STORY = """Talks Resume
Updated (3 articles)
Timeline
Jan 3, 2024 – Envoys meet in Geneva [1]
Feb 2024 – A ceasefire is agreed for the north [2]
Mar 10, 2024 – The ceasefire holds for a week [1][3]
2024 – Aid convoys resume [3]
"""


def story(text: str, file: str = "talks.txt"):
    parsed, _ = parse_story(text, file)
    assert parsed is not None
    return parsed


def test_a_story_compared_with_itself_has_no_news():
    assert not compare(Seen.of(story(STORY)), story(STORY))


def test_added_reworded_and_removed_events():
    before = story(STORY)
    after = story(STORY.replace("Updated (3 articles)", "Updated (5 articles)")
                  .replace("A ceasefire is agreed for the north", "A ceasefire is agreed for the whole country")
                  .replace("2024 – Aid convoys resume [3]\n", "Apr 1, 2024 – Talks collapse [4]\n"))
    news = compare(Seen.of(before), after)
    assert news.updated == {1: ("Feb 2024", "A ceasefire is agreed for the north")}
    assert news.new == {3}
    assert news.removed == (("2024", "Aid convoys resume"),)
    assert news.articles_grew and news.articles_before == 3
    assert news.count == 2
    assert news.kind(1) == "updated" and news.kind(3) == "new" and news.kind(0) is None


def test_spacing_and_case_do_not_make_an_event_new():
    after = story(STORY.replace("Envoys meet in Geneva", "envoys  meet in   GENEVA"))
    assert not compare(Seen.of(story(STORY)), after)


@settings(max_examples=60, deadline=None)
@given(st.permutations(list(range(4))))
def test_reordering_the_lines_of_a_story_is_no_change(order):
    head, timeline = STORY.split("Timeline\n")
    lines = timeline.splitlines()
    shuffled = head + "Timeline\n" + "\n".join(lines[i] for i in order) + "\n"
    assert not compare(Seen.of(story(STORY)), story(shuffled))


def test_word_diff_keeps_both_wordings():
    runs = word_diff("A ceasefire is agreed for the north", "A ceasefire is agreed for the whole country")
    assert "".join(t for k, t in runs if k != "+") == "A ceasefire is agreed for the north"
    assert "".join(t for k, t in runs if k != "-") == "A ceasefire is agreed for the whole country"
    assert ("-", " north") in runs


def edited(library: Library, files: dict[str, str]) -> Library:
    """The library after a live update of ``files``: the other stories are the same objects."""
    changed = library_of(files, library.folder)
    return Library.from_results(library.folder, {**library.results, **changed.results})


def test_the_first_look_at_a_folder_is_all_read_and_changes_after_are_news(tmp_path: Path):
    reading = Reading(ReadStore(tmp_path), clock=iter(range(100)).__next__)
    library = library_of({"talks.txt": STORY, "other.txt": STORY.replace("Talks Resume", "Other")})
    reading.set_library(library)
    assert reading.whats_new() == [] and reading.count("talks.txt") == 0
    later = edited(library, {"talks.txt": STORY + "May 2024 – Elections are called [2]\n"})
    reading.set_library(later)
    assert reading.count("talks.txt") == 1 and reading.news("talks.txt").new == {4}
    newest = edited(later, {"new.txt": "Brand New\nTimeline\n2024 – One [1]\n2025 – Two [1]\n"})
    reading.set_library(newest)
    assert [(n.file, n.index, n.kind) for n in reading.whats_new()] == [
        ("new.txt", 0, "new"), ("new.txt", 1, "new"), ("talks.txt", 4, "new")]  # the latest first
    reading.mark_read(["talks.txt"])
    assert reading.news("talks.txt") is None
    reading.mark_all_read()
    assert reading.whats_new() == []


def test_what_was_read_is_remembered_across_sessions(tmp_path: Path):
    store = ReadStore(tmp_path)
    library = library_of({"talks.txt": STORY}, Path("/stories"))
    first = Reading(store)
    first.set_library(library)
    store.save(*first.snapshot())
    assert store.path_for(Path("/stories")).parent == tmp_path
    # Next session: the file gained an event while the app was closed.
    second = Reading(store)
    second.set_library(library_of({"talks.txt": STORY + "May 2024 – Elections are called [2]\n"},
                                  Path("/stories")))
    assert second.news("talks.txt").new == {4}
    # Events seen on screen count as seen next time, but keep their marks this session.
    second.saw(["talks.txt"])
    assert second.news("talks.txt").new == {4}
    store.save(*second.snapshot())
    third = Reading(store)
    third.set_library(library_of({"talks.txt": STORY + "May 2024 – Elections are called [2]\n"},
                                 Path("/stories")))
    assert third.whats_new() == []


def test_a_damaged_store_means_everything_read_with_a_warning(tmp_path: Path):
    store = ReadStore(tmp_path)
    library = library_of({"talks.txt": STORY}, Path("/stories"))
    reading = Reading(store)
    reading.set_library(library)
    store.save(*reading.snapshot())
    path = store.path_for(Path("/stories"))
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    flipped = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1:]
    for damage in (data[:middle], flipped, b"not gzip",
                   gzip.compress(b'{"format": 1, "folder": "/stories", "stories": {"talks.txt": [3, [[1, 2]]]}}')):
        path.write_bytes(bytes(damage))
        warnings: list[str] = []
        again = Reading(store)
        again.warning.connect(warnings.append)
        again.set_library(library_of({"talks.txt": STORY + "May 2024 – Elections are called [2]\n"},
                                     Path("/stories")))
        assert again.whats_new() == []
        assert len(warnings) == 1 and "everything counts as read" in warnings[0]
