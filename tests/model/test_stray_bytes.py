"""Stray bytes: UTF-8 with a few bad bytes stays UTF-8; live reload keeps a half-written file's last version."""

from __future__ import annotations

import os

from viewer.core.reload import LAST_GOOD_NOTE, ReloadState, rescan
from viewer.model import Severity, load_folder
from viewer.model.decoding import decode_story_bytes

STORY = ("Ceasefire talks resume in Doha\n"
         "Timeline\n"
         "Jan 3, 2024 – Talks open in Doha [1].\n"
         "Mar 5, 2024 – A second round ends without a deal [1].\n"
         "Sources\n"
         "[1] Reuters — https://example.com/a\n")


def test_one_stray_byte_leaves_the_rest_utf8_and_names_its_line(story_folder):
    data = STORY.encode("utf-8").replace(b"second", b"second\x96")  # a Windows-1252 en dash pasted in
    folder = story_folder({"a.txt": data})
    library = load_folder(folder)
    story = library.stories[0]
    assert [e.date_text for e in story.events] == ["Jan 3, 2024", "Mar 5, 2024"]
    assert all(e.span is not None for e in story.events)
    assert story.events[1].text.startswith("A second\ufffd round")
    assert "â€" not in "".join(e.text for e in story.events)
    [problem] = [p for p in library.problems if "UTF-8" in p.message]
    assert problem.line == 4 and problem.severity is Severity.WARNING
    assert "0x96" in problem.message and "U+FFFD" in problem.message


def test_stray_bytes_on_several_lines_are_each_named():
    data = STORY.encode("utf-8").replace(b"Doha\n", b"Doha\xff\n").replace(b"deal", b"d\xc3eal")
    decoded = decode_story_bytes(data)
    assert decoded.text is not None and "Jan 3, 2024 – Talks" in decoded.text
    assert [line for line, _, _ in decoded.notes] == [1, 4]


def test_a_file_not_utf8_as_a_whole_is_still_read_as_windows_1252():
    decoded = decode_story_bytes("Café story\nTimeline\n2020 – “quoted” – naïve\n".encode("cp1252"))
    assert decoded.text == "Café story\nTimeline\n2020 – “quoted” – naïve\n"
    assert "Windows-1252" in decoded.notes[0][2]


def test_a_file_cut_inside_a_character_is_utf8_with_a_note():
    data = STORY.encode("utf-8") + "Apr 1, 2024 – More".encode() + "–".encode()[:2]
    decoded = decode_story_bytes(data)
    assert decoded.text is not None and decoded.text.endswith("More\ufffd")
    assert any("still being written" in message for _, _, message in decoded.notes)


def test_live_reload_keeps_the_last_good_version_of_a_file_caught_mid_write(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text(STORY, encoding="utf-8")
    state = ReloadState(load_folder(tmp_path))
    good = state.library.story("a.txt")
    more = STORY.replace("Sources", "Apr 1, 2024 – Talks collapse – again\nSources")
    half = more.encode("utf-8")[: more.encode("utf-8").rindex("–".encode()) + 1]  # inside the last dash
    path.write_bytes(half)
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 2 * 10**9))
    assert state.apply(rescan(tmp_path, state.known)) == ["a.txt"]
    assert state.library.story("a.txt") is good
    assert any(p.message == LAST_GOOD_NOTE for p in state.library.problems)
    path.write_text(more, encoding="utf-8")
    info = path.stat()
    os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + 4 * 10**9))
    state.apply(rescan(tmp_path, state.known))
    assert len(state.library.story("a.txt").events) == 3
