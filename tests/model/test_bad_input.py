"""Bad input is reported with file and line; the rest of the folder still loads."""

import codecs
import os

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
