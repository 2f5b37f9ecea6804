"""Live reload's merge, without Qt: what changed on disk becomes a new library, the rest stays."""

from __future__ import annotations

import os

from tests.conftest import story_text
from viewer.core.reload import LAST_GOOD_NOTE, ReloadState, rescan
from viewer.model import Severity, load_folder

A = story_text("Story A", ["2001", "2002"])
B = story_text("Story B", ["2010"])


def write(path, text, later_s=0):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if later_s:  # so that the change shows even where mtimes are coarse
        info = path.stat()
        os.utime(path, ns=(info.st_atime_ns, info.st_mtime_ns + later_s * 10**9))


def test_only_the_changed_file_is_parsed_and_the_others_stay_the_same_objects(tmp_path):
    write(tmp_path / "a.txt", A)
    write(tmp_path / "b.txt", B)
    state = ReloadState(load_folder(tmp_path))
    untouched = state.library.story("a.txt")
    write(tmp_path / "b.txt", story_text("Story B2", ["2010", "2011"]), later_s=2)
    scan = rescan(tmp_path, state.known)
    assert list(scan.results) == ["b.txt"]
    assert state.apply(scan) == ["b.txt"]
    assert state.library.story("a.txt") is untouched
    assert state.library.story("b.txt").title == "Story B2"


def test_nothing_changed_means_nothing_to_show(tmp_path):
    write(tmp_path / "a.txt", A)
    state = ReloadState(load_folder(tmp_path))
    before = state.library
    assert state.apply(rescan(tmp_path, state.known)) == []
    assert state.library is before


def test_added_removed_and_renamed_files(tmp_path):
    write(tmp_path / "a.txt", A)
    write(tmp_path / "b.txt", B)
    state = ReloadState(load_folder(tmp_path))
    (tmp_path / "sub").mkdir()
    (tmp_path / "b.txt").rename(tmp_path / "sub" / "z.txt")
    write(tmp_path / "c.txt", story_text("Story C", ["1999"]))
    assert state.apply(rescan(tmp_path, state.known)) == ["b.txt", "c.txt", "sub/z.txt"]
    assert [s.file for s in state.library.stories] == ["a.txt", "c.txt", "sub/z.txt"]


def test_a_file_broken_mid_write_keeps_its_last_good_story_until_it_parses_again(tmp_path):
    write(tmp_path / "a.txt", A)
    state = ReloadState(load_folder(tmp_path))
    write(tmp_path / "a.txt", "", later_s=2)  # an editor truncates before writing
    state.apply(rescan(tmp_path, state.known))
    assert state.library.story("a.txt").title == "Story A"
    assert any(p.severity is Severity.WARNING and p.message == LAST_GOOD_NOTE for p in state.library.problems)
    write(tmp_path / "a.txt", story_text("Story A2", ["2005"]), later_s=4)
    state.apply(rescan(tmp_path, state.known))
    assert state.library.story("a.txt").title == "Story A2"
    assert state.library.problems == ()


def test_an_edit_made_during_the_load_is_found_by_the_first_rescan(tmp_path):
    write(tmp_path / "a.txt", A)
    library = load_folder(tmp_path)
    write(tmp_path / "a.txt", story_text("Story A edited", ["2001"]), later_s=2)
    state = ReloadState(library)  # the load's stamps are the baseline
    assert state.apply(rescan(tmp_path, state.known)) == ["a.txt"]
    assert state.library.story("a.txt").title == "Story A edited"


def test_a_folder_that_is_gone_is_no_scan(tmp_path):
    assert rescan(tmp_path / "gone", {}) is None
