"""Bad input is reported with file and line; the rest of the folder still loads."""

import codecs
import errno
import os
import shutil
from pathlib import Path

import pytest

from tests.conftest import SHARED_SEED
from viewer.model import Severity, discover_story_files, load_folder
from viewer.model.loader import load_files

GOOD = "Good Story\nTimeline\n2020 – Something happened [1]\n"


def problems_of(library, file):
    return [(p.line, p.severity, p.message) for p in library.problems if p.file == file]


def test_utf8_with_bom_and_crlf(story_folder):
    folder = story_folder({"a.txt": codecs.BOM_UTF8 + "Título\r\nTimeline\r\n2020 – Año [1]\r\n".encode()})
    library = load_folder(folder)
    story = library.stories[0]
    assert story.title == "Título"
    assert story.events[0].text == "Año"
    assert story.events[0].line == 3
    assert library.problems == ()


def test_cr_only_line_endings_keep_line_numbers(story_folder):
    folder = story_folder({"a.txt": b"T\rUpdated (2 articles)\rTimeline\r2020 - x [1]\r2021 - y [2]"})
    story = load_folder(folder).stories[0]
    assert story.article_count == 2
    assert [e.line for e in story.events] == [4, 5]


def test_utf16_with_bom(story_folder):
    folder = story_folder({"a.txt": codecs.BOM_UTF16_LE + GOOD.encode("utf-16-le")})
    library = load_folder(folder)
    assert library.stories[0].title == "Good Story"
    assert library.problems == ()


def test_cp1252_is_decoded_with_a_warning(story_folder):
    folder = story_folder({"a.txt": "Caf\u00e9 story\nTimeline\n2020 – \u201cquoted\u201d [1]\n".encode("cp1252")})
    library = load_folder(folder)
    assert library.stories[0].title == "Café story"
    assert library.stories[0].events[0].text == "“quoted”"
    [(line, severity, message)] = problems_of(library, "a.txt")
    assert (line, severity) == (1, Severity.WARNING)
    assert "UTF-8" in message and "Windows-1252" in message


@pytest.mark.parametrize(("content", "words"), [
    (b"", "empty"),
    (b"  \n\n \r\n", "empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
])
def test_empty_and_binary_files_are_errors_and_the_rest_loads(story_folder, content, words):
    folder = story_folder({"bad.txt": content, "good.txt": GOOD})
    library = load_folder(folder)
    assert [s.file for s in library.stories] == ["good.txt"]
    [(_line, severity, message)] = problems_of(library, "bad.txt")
    assert severity is Severity.ERROR and words in message


def test_unreadable_file_is_an_error(story_folder):
    folder = story_folder({"good.txt": GOOD})
    os.symlink(folder / "missing-target", folder / "dangling.txt")
    library = load_folder(folder)
    assert [s.file for s in library.stories] == ["good.txt"]
    [(_line, severity, message)] = problems_of(library, "dangling.txt")
    assert severity is Severity.ERROR and "cannot read" in message


def test_file_removed_between_listing_and_reading_is_an_error(story_folder):
    folder = story_folder({"a.txt": GOOD, "b.txt": GOOD})
    files = discover_story_files(folder)
    (folder / "a.txt").unlink()
    gone, kept = load_files(folder, files)
    assert gone.story is None and kept.story is not None
    [problem] = gone.problems
    assert problem.severity is Severity.ERROR and "cannot read the file" in problem.message


def test_undatable_event_is_kept_as_undated_with_an_error(story_folder):
    folder = story_folder({"a.txt": "T\nTimeline\nSometime later – Things happen [2]\n2020 – ok\n"})
    library = load_folder(folder)
    events = library.stories[0].events
    assert [(e.date_text, e.span, e.text, e.citations) for e in events[:1]] == [
        ("Sometime later", None, "Things happen", (2,))]
    assert events[1].span is not None
    [(line, severity, message)] = problems_of(library, "a.txt")
    assert line == 3 and severity is Severity.ERROR and "Sometime later" in message


def test_line_without_separator_is_kept_as_undated_text(story_folder):
    folder = story_folder({"a.txt": "T\nTimeline\njust some words here\n"})
    library = load_folder(folder)
    event = library.stories[0].events[0]
    assert (event.span, event.text, event.line) == (None, "just some words here", 3)
    assert problems_of(library, "a.txt")[0][:2] == (3, Severity.ERROR)


def test_story_without_timeline_loads_with_a_warning(story_folder):
    folder = story_folder({"a.txt": "Headline only\nSome Heading Here The body says something [1].\n"})
    library = load_folder(folder)
    assert library.stories[0].events == ()
    assert library.stories[0].sources[0].number == 1
    assert [p.severity for p in library.problems] == [Severity.WARNING]
    assert "Timeline" in library.problems[0].message


def test_yearless_date_takes_its_year_from_neighbours_with_a_warning(story_folder):
    folder = story_folder({"a.txt": "T\nTimeline\nNov 30, 2025 – a\nDec 12 – b\nJan 2 – c\nJan 9, 2026 – d\n"})
    library = load_folder(folder)
    spans = [e.span.start.isoformat() for e in library.stories[0].events]
    assert spans == ["2025-11-30", "2025-12-12", "2026-01-02", "2026-01-09"]
    assert [(p.line, p.severity) for p in library.problems] == [(4, Severity.WARNING), (5, Severity.WARNING)]


def test_yearless_date_without_neighbours_is_undated(story_folder):
    folder = story_folder({"a.txt": "T\nTimeline\nDec 12 – only one\n"})
    library = load_folder(folder)
    assert library.stories[0].events[0].span is None
    assert library.problems[0].severity is Severity.ERROR


def test_only_txt_files_recursively_sorted_by_relative_path(story_folder):
    folder = story_folder({
        "b.txt": GOOD, "a/z.txt": GOOD, "a/b/c.txt": GOOD, "image.png": b"\x89PNG",
        "readme.md": "x", ".hidden/x.txt": GOOD,
    })
    assert [s.file for s in load_folder(folder).stories] == ["a/b/c.txt", "a/z.txt", "b.txt"]


def test_missing_folder_raises(tmp_path):
    with pytest.raises(NotADirectoryError):
        load_folder(tmp_path / "nope")


def test_markup_is_kept_as_plain_text(story_folder):
    text = 'T <b>bold</b>\nTimeline\n2020 – <script>alert(1)</script> <img src="http://x/y.png"> [1]\n'
    story = load_folder(story_folder({"a.txt": text})).stories[0]
    assert story.title == "T <b>bold</b>"
    assert story.events[0].text == '<script>alert(1)</script> <img src="http://x/y.png">'


def test_seed_loads_alongside_broken_files(story_folder):
    folder = story_folder({"seed.txt": SHARED_SEED.read_bytes(), "z.txt": b"\x00\x01"})
    library = load_folder(folder)
    assert len(library.stories) == 1 and len(library.problems) == 1


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
def test_utf16_without_bom_is_read_with_a_warning(story_folder, encoding):
    folder = story_folder({"a.txt": GOOD.encode(encoding)})
    library = load_folder(folder)
    assert library.stories[0].events[0].text == "Something happened"
    [(_line, severity, message)] = problems_of(library, "a.txt")
    assert severity is Severity.WARNING and encoding.upper() in message


def test_bytes_undefined_in_cp1252_fall_back_to_latin1(story_folder):
    folder = story_folder({"a.txt": b"Title \x81\xe9\nTimeline\n2020 - x\n"})
    library = load_folder(folder)
    assert library.stories[0].title == "Title \x81é"
    assert problems_of(library, "a.txt")[0][1] is Severity.WARNING


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_named_pipe_is_reported_not_read(story_folder):
    folder = story_folder({"good.txt": GOOD})
    os.mkfifo(folder / "pipe.txt")
    library = load_folder(folder)  # would block forever if the pipe were opened for reading
    assert [s.file for s in library.stories] == ["good.txt"]
    [(_line, severity, message)] = problems_of(library, "pipe.txt")
    assert severity is Severity.ERROR and "not a regular file" in message


def test_many_yearless_dates_all_get_a_year(story_folder):
    lines = ["T", "Timeline", "Nov 30, 2025 – start"] + ["Dec 12 – again"] * 3000 + ["Jan 2 – later"]
    library = load_folder(story_folder({"a.txt": "\n".join(lines)}))
    events = library.stories[0].events
    assert {e.span.start.isoformat() for e in events[1:-1]} == {"2025-12-12"}
    assert events[-1].span.start.isoformat() == "2026-01-02"


@pytest.mark.parametrize("text", ["Заголовок\nTimeline\n2020 – событие [1]\n",
                                  "Title 一\nTimeline\n2020 – 东京 event [1]\n"])
def test_utf16_without_bom_in_any_script(story_folder, text):
    folder = story_folder({"a.txt": text.encode("utf-16-le")})
    library = load_folder(folder)
    assert library.stories[0].title == text.split("\n")[0]
    assert library.stories[0].events[0].span is not None


# --- A folder from a stranger: links, and folders that cannot be read -------------------

SECRET = "root:x:0:0:root:/root:/bin/bash\nTimeline\n2020 – not yours to read [1]\n"


@pytest.fixture
def stranger(tmp_path):
    """A story folder (``stories``) beside a folder outside it holding a secret file."""
    (tmp_path / "outside").mkdir()
    (tmp_path / "outside" / "passwd.txt").write_text(SECRET, encoding="utf-8")
    folder = tmp_path / "stories"
    folder.mkdir()
    (folder / "good.txt").write_text(GOOD, encoding="utf-8")
    return folder


def assert_secret_not_read(library):
    assert not any("root:x" in s.title or "not yours" in e.text for s in library.stories for e in s.events)


@pytest.mark.parametrize("target", ["absolute", "relative", "through a link inside"])
def test_a_link_to_a_file_outside_the_folder_is_skipped_with_a_problem(stranger, target):
    secret = stranger.parent / "outside" / "passwd.txt"
    if target == "absolute":
        (stranger / "notes.txt").symlink_to(secret)
    elif target == "relative":
        (stranger / "notes.txt").symlink_to(Path("..", "outside", "passwd.txt"))
    else:
        (stranger / "hop.txt").symlink_to(secret)
        (stranger / "notes.txt").symlink_to("hop.txt")
    library = load_folder(stranger)
    assert [s.file for s in library.stories] == ["good.txt"]
    assert_secret_not_read(library)
    [(line, severity, message)] = problems_of(library, "notes.txt")
    assert line is None and severity is Severity.ERROR
    assert message.startswith("link to a file outside the folder: skipped")
    assert str(secret) in message  # where it points, so the reader can judge


def test_a_link_to_a_folder_outside_the_folder_is_skipped_with_a_problem(stranger):
    (stranger / "elsewhere").symlink_to(stranger.parent / "outside", target_is_directory=True)
    (stranger / "home").symlink_to(Path(".."), target_is_directory=True)  # the folder's parent
    library = load_folder(stranger)
    assert [s.file for s in library.stories] == ["good.txt"]
    assert_secret_not_read(library)
    assert [(p.file, p.message.split(":")[0]) for p in library.problems] == [
        ("elsewhere/", "link to a folder outside the folder"), ("home/", "link to a folder outside the folder"),
    ]


def test_a_file_replaced_by_a_link_after_the_walk_is_not_followed(stranger):
    # As a live reload reads a file the watcher reported: the check is made when the file is opened.
    names = discover_story_files(stranger)
    (stranger / "good.txt").unlink()
    (stranger / "good.txt").symlink_to(stranger.parent / "outside" / "passwd.txt")
    [result] = load_files(stranger, names)
    assert result.story is None
    assert result.problems[0].message.startswith("link to a file outside the folder: skipped")


def test_links_inside_the_folder_are_followed_once(stranger):
    (stranger / "2026").mkdir()
    (stranger / "2026" / "talks.txt").write_text("Talks\nTimeline\n2026 – Talks resume [1]\n", encoding="utf-8")
    (stranger / ".drafts").mkdir()
    (stranger / ".drafts" / "draft.txt").write_text("Draft\nTimeline\n2025 – Drafted [1]\n", encoding="utf-8")
    (stranger / ".archive").mkdir()
    (stranger / ".archive" / "old.txt").write_text("Old\nTimeline\n1999 – Archived [1]\n", encoding="utf-8")
    (stranger / "latest.txt").symlink_to(Path("2026", "talks.txt"))  # a second name for a story: not twice
    (stranger / "draft.txt").symlink_to(Path(".drafts", "draft.txt"))  # the only way to a hidden story
    (stranger / "archive").symlink_to(".archive", target_is_directory=True)  # a hidden folder, by a link
    (stranger / "mirror").symlink_to("2026", target_is_directory=True)  # a folder walked already
    (stranger / "2026" / "loop").symlink_to(Path(".."), target_is_directory=True)  # the folder itself: a loop
    (stranger / "2026" / "self").symlink_to(Path("."), target_is_directory=True)
    library = load_folder(stranger)
    assert [s.file for s in library.stories] == ["2026/talks.txt", "archive/old.txt", "draft.txt", "good.txt"]
    assert library.problems == ()


def test_a_folder_that_cannot_be_listed_is_a_problem_and_the_rest_loads(stranger, monkeypatch):
    locked = stranger / "locked"
    locked.mkdir()
    (locked / "hidden-from-you.txt").write_text(GOOD, encoding="utf-8")
    locked.chmod(0)
    try:
        if os.geteuid() == 0:  # root reads any folder: the system call answers as it would anyone else
            real_scandir = os.scandir

            def scandir(path=".", *args):
                if isinstance(path, str) and path.rstrip("/") == str(locked):
                    raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fspath(path))
                return real_scandir(path, *args)

            monkeypatch.setattr(os, "scandir", scandir)
        library = load_folder(stranger)
    finally:
        locked.chmod(0o755)
    assert [s.file for s in library.stories] == ["good.txt"]
    [(line, severity, message)] = problems_of(library, "locked/")
    assert line is None and severity is Severity.ERROR
    assert message == "cannot read the folder: Permission denied; any stories in it are not loaded"


def test_a_folder_that_vanishes_during_the_walk_is_a_problem(stranger, monkeypatch):
    (stranger / "going").mkdir()
    (stranger / "going" / "soon.txt").write_text(GOOD, encoding="utf-8")
    real_scandir = os.scandir

    def scandir(path=".", *args):
        if isinstance(path, str) and path.endswith("going"):
            shutil.rmtree(path)  # removed between listing its parent and listing it
        return real_scandir(path, *args)

    monkeypatch.setattr(os, "scandir", scandir)
    library = load_folder(stranger)
    assert [s.file for s in library.stories] == ["good.txt"]
    [(_line, severity, message)] = problems_of(library, "going/")
    assert severity is Severity.ERROR and message.startswith("cannot read the folder: No such file or directory")


def test_paths_longer_than_the_system_allows_are_problems(stranger):
    # A real tree deeper than PATH_MAX, made one folder at a time relative to the last.
    name = "d" * 200
    limit = os.pathconf(stranger, "PC_PATH_MAX")
    length = len(os.fsencode(stranger))  # of the path of the folder that fd is open on
    file_name = ""
    fd = os.open(stranger, os.O_RDONLY)
    try:
        while length < limit:
            room = limit - length - 1  # for a name in this folder
            if room < 250 and not file_name:  # a file whose own path is just too long, in a folder that is not
                file_name = "x" * max(room + 1 - len(".txt"), 1) + ".txt"
                with os.fdopen(os.open(file_name, os.O_CREAT | os.O_WRONLY, dir_fd=fd), "w") as out:
                    out.write(GOOD)
            os.mkdir(name, dir_fd=fd)
            length += 1 + len(name)
            deeper = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = deeper
    finally:
        os.close(fd)
    library = load_folder(stranger)
    assert [s.file for s in library.stories] == ["good.txt"]
    too_long = [p for p in library.problems if "longer than the system allows" in p.message]
    assert sorted(p.file.endswith(".txt") for p in too_long) == [False, True]  # the file, and the folder
    assert all(p.severity is Severity.ERROR for p in too_long)
    assert [p.message for p in library.problems] == [p.message for p in too_long]


def test_a_read_error_is_a_problem(stranger, monkeypatch):
    def failing_read(fd, size):
        raise OSError(errno.EIO, os.strerror(errno.EIO))

    monkeypatch.setattr(os, "read", failing_read)
    [result] = load_files(stranger, ["good.txt"])
    assert result.story is None
    assert result.problems[0].message == "cannot read the file: Input/output error"
