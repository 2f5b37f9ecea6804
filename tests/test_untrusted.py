"""A folder from a stranger, on screen: direction controls are seen and not obeyed, addresses in full.

The model's side (links out of the folder, folders that cannot be read, a damaged
cache) is tested in ``tests/model/test_bad_input.py`` and ``tests/model/test_cache.py``.
Here: a source titled ``Reuters ‮moc.elgoog`` (a U+202E, RIGHT-TO-LEFT OVERRIDE,
before "moc.elgoog") must not read "Reuters google.com" in the sources table or on the
timeline, which tesseract checks on rendered images; an Arabic headline must still read
right to left with its "!" at its end, which the text layout Qt paints with checks.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QFont, QImage, QTextLayout

from viewer.model import Problem, Severity, Source, Story, parse_story
from viewer.ui.citations import SourcesModel
from viewer.ui.problems import ProblemsModel
from viewer.ui.text import isolated, one_line, short_label, visible

RLO = "\u202e"
SPOOF = f"Reuters {RLO}moc.elgoog"  # reads "Reuters google.com" where U+202E is obeyed
ARABIC = "محادثات وقف إطلاق النار تستأنف في الدوحة!"  # "Ceasefire talks resume in Doha!"
HEBREW = "שיחות הפסקת האש מתחדשות"

SPOOFED_STORY = (f"{SPOOF} report\nTimeline\nJan 3, 2024 – Launch of {RLO}detaerc reversed [1]\n"
                 f"Feb 5, 2024 – A second event [1]\nSources\n[1] {SPOOF} — https://example.com/news\n")
ARABIC_STORY = (f"{ARABIC}\nTimeline\nJan 10, 2024 – بدء المحادثات في الدوحة [1]\n"
                "Mar 5, 2024 – جولة ثانية تنتهي دون اتفاق [1]\nSources\n[1] الجزيرة — https://www.aljazeera.net/news/2024\n")


def story_of(text: str, file: str = "a.txt"):
    story, _ = parse_story(text, file)
    assert story is not None
    return story


# --- The text helpers ---------------------------------------------------------------

@pytest.mark.parametrize("control", [chr(c) for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))])
def test_every_direction_control_is_shown_not_obeyed(control):
    shown = visible(f"a{control}b")
    assert shown == f"a<U+{ord(control):04X}>b"
    assert control not in one_line(f"x{control}y") and control not in short_label(f"x{control}y")


def test_right_to_left_text_is_left_as_written_and_isolated_as_a_field():
    for text in (ARABIC, HEBREW, "Talks in الدوحة"):
        assert visible(text) == text  # letters, and the implicit marks, need no neutralising
        assert isolated(text) == f"\u2068{text}\u2069"
    assert visible("\u200f!\u200e") == "\u200f!\u200e"
    assert isolated("Plain headline, 2024!") == "Plain headline, 2024!"  # nothing to isolate


# --- Addresses ----------------------------------------------------------------------

def sources_model(*sources: tuple[str, str]) -> SourcesModel:
    """A sources table showing these (title, url) sources."""
    model = SourcesModel()
    model.set_story(Story("a.txt", "T", None, (), (), tuple(
        Source(number, title, url) for number, (title, url) in enumerate(sources, 1))))
    return model


def cell(model, row: int, column: int, role=Qt.ItemDataRole.DisplayRole):
    return model.data(model.index(row, column), role)


def test_the_sources_table_shows_hosts_and_addresses_in_full(qtbot, qtmodeltester):
    long_path = "/".join(["section"] * 60)
    model = sources_model(
        (SPOOF, f"https://example.com/{long_path}?id=7"),
        ("Login", "https://google.com@evil.example/account"),
        ("Look-alike", "https://\u0430pple.com/"),  # a Cyrillic а
        ("Script", "javascript:alert(1)"),
    )
    qtmodeltester.check(model)
    assert cell(model, 0, 1) == "Reuters <U+202E>moc.elgoog"
    assert [cell(model, row, 2) for row in range(4)] == [
        "example.com", "evil.example", "\u0430pple.com (xn--pple-43d.com)", "javascript:alert(1)"]
    tooltip = cell(model, 0, 2, Qt.ItemDataRole.ToolTipRole).replace("<br>", "")
    assert f"https://example.com/{long_path}?id=7" in tooltip  # all of it
    assert "Host: <b>example.com</b>" in tooltip
    assert "Host: <b>evil.example</b>" in cell(model, 1, 2, Qt.ItemDataRole.ToolTipRole)
    assert "Not a web address" in cell(model, 3, 2, Qt.ItemDataRole.ToolTipRole)


def test_the_detail_pane_gives_each_source_its_address_and_host(qtbot):
    from viewer.ui.detail_pane import event_html

    story = story_of(SPOOFED_STORY.replace("https://example.com/news", "https://google.com@evil.example/news"))
    page = event_html(story, story.events[0])
    assert "https://google.com@evil.example/news · host <b>evil.example</b>" in page
    assert RLO not in page and "Reuters &lt;U+202E&gt;moc.elgoog" in page


def test_the_problems_table_shows_file_names_and_messages_as_story_text(qtbot):
    model = ProblemsModel()
    model.set_problems((Problem(f"{RLO}txt.exe", None, Severity.ERROR, f"not a source line: '{ARABIC}'"),))
    assert cell(model, 0, 0) == "<U+202E>txt.exe"
    assert cell(model, 0, 3) == f"\u2068not a source line: '{ARABIC}'\u2069"


# --- On screen ----------------------------------------------------------------------

@pytest.fixture
def window(qtbot, tmp_path):
    """The main window showing a folder with the spoofed and the Arabic story."""
    from viewer.ui.main_window import MainWindow

    folder = tmp_path / f"from {RLO}rengarts"
    folder.mkdir()
    (folder / "a_spoofed.txt").write_text(SPOOFED_STORY, encoding="utf-8")
    (folder / "b_arabic.txt").write_text(ARABIC_STORY, encoding="utf-8")
    win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.loader.loaded, timeout=20000):
        win.open_folder(folder)
    qtbot.waitUntil(lambda: win.stories_panel.model.rowCount() == 2, timeout=5000)
    yield win
    win.close()


def tesseract() -> str:
    path = shutil.which("tesseract")
    if path is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("tesseract is missing and CI=true, so this test must run", pytrace=False)
        pytest.skip("tesseract is not installed")
    return path


def read_image(image: QImage, out: Path) -> str:
    """The text tesseract reads in an image, scaled up twice for it."""
    scaled = image.scaled(image.width() * 2, image.height() * 2, Qt.AspectRatioMode.IgnoreAspectRatio,
                          Qt.TransformationMode.SmoothTransformation)
    assert scaled.save(str(out), "PNG")
    result = subprocess.run([tesseract(), str(out), "stdout"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "OMP_THREAD_LIMIT": "1"}, check=True)
    return result.stdout


def test_a_direction_control_cannot_reverse_text_in_the_table_or_on_the_timeline(window, tmp_path):
    window.state.set_story("a_spoofed.txt")
    table = window.citations.table
    rect = table.visualRect(window.citations.model.index(0, 1))
    title_cell = table.viewport().grab(rect).toImage()
    lanes = window.timeline.grab().toImage()
    for name, image in (("sources", title_cell), ("timeline", lanes)):
        text = read_image(image, tmp_path / f"{name}.png")
        assert "elgoog" in text, (name, text)  # drawn as written: the control is not obeyed
        assert "google" not in text, (name, text)
    assert "reversed" in text  # the event's label too
    assert "<U+202E>" in window.windowTitle()  # the folder's own name


def drawn_at(text: str, font: QFont) -> dict[str, float]:
    """Where Qt draws each of some characters of a one-line ``text``: x of its glyph, by character."""
    layout = QTextLayout(text, font)
    layout.beginLayout()
    layout.createLine()
    layout.endLayout()
    flags = QTextLayout.GlyphRunRetrievalFlag
    runs = layout.glyphRuns(0, len(text), flags.RetrieveStringIndexes | flags.RetrieveGlyphPositions)
    xs: dict[int, float] = {}
    for run in runs:
        for index, position in zip(run.stringIndexes(), run.positions(), strict=True):
            xs.setdefault(index, position.x())
    return {name: xs[text.index(char)] for name, char in
            (("colon", ":"), ("first", ARABIC[0]), ("second", ARABIC[1]), ("bang", "!"))}


def test_an_arabic_headline_reads_right_to_left_in_its_place(window):
    window.state.set_story("b_arabic.txt")
    label = window.citations.title
    x = drawn_at(label.text(), label.font())
    assert x["first"] > x["second"]  # letters run right to left
    assert x["bang"] < x["second"]  # the "!" ends the sentence: on its left
    assert x["colon"] < min(x["first"], x["second"], x["bang"])  # "Sources of:" stays before it
    # Without the isolate the "!" would sit at the far right, after the Arabic.
    bare = drawn_at(f"Sources of: {ARABIC}", label.font())
    assert bare["bang"] > bare["first"]
    # The lane's headline and the stories panel's row are isolated the same way.
    rows = window.stories_panel.model
    assert rows.data(rows.index(1, 0)) == f"\u2068{ARABIC}\u2069"


def test_the_model_keeps_the_controls_only_the_screen_shows_them():
    # What a file says is kept as written (the JSON export has every character).
    story = story_of(SPOOFED_STORY)
    assert story.sources[0].title == SPOOF and story.title == f"{SPOOF} report"
