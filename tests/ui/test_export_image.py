"""``--export-image`` and the figure renderer: PNG, SVG and PDF figures a reader can use.

The figure is drawn, not grabbed from the window: every lane with its full
headline, labels that never overlap, the axis with years, and none of the
window's chrome (hints for the mouse, scroll bars).
"""

import itertools
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QImage

from tests.conftest import ROOT, SEEDS, library_of, story_text

pytestmark = pytest.mark.gui

HINTS = ("wheel", "drag: pan", "double-click", "click to zoom", "Scroll through")
LONG_HEADLINE = ("A Very Long Headline About Negotiations Between Many Parties That Goes On And On Across "
                 "Several Lines Of The Figure, Because Its Writer Never Learned To Stop, Naming Every Minister, "
                 "Every City And Every Treaty Involved Since The Beginning Until Its Final Word Which Is Xylophone")


def export(*args):
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([sys.executable, "-m", "viewer", "--export-image", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=300)


def svg_text(path) -> str:
    """Every text of an SVG drawing, unescaped, one per line (it must parse as XML)."""
    root = ET.parse(path).getroot()
    return "\n".join("".join(element.itertext()) for element in root.iter() if element.tag.endswith("text"))


def pdf_pages(path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", path.read_bytes()))


def pdf_text(path, page: int | None = None) -> str:
    """The PDF's text as poppler's pdftotext reads it (CI installs it; locally the test may skip)."""
    if shutil.which("pdftotext") is None:
        if os.environ.get("CI") == "true":
            pytest.fail("pdftotext (poppler-utils) is missing on CI")
        pytest.skip("pdftotext (poppler-utils) is not installed")
    pages = ["-f", str(page), "-l", str(page)] if page is not None else []
    return subprocess.run(["pdftotext", "-layout", *pages, str(path), "-"], capture_output=True, text=True,
                          check=True).stdout


def test_png_of_the_seeds_shows_every_lane(tmp_path):
    from viewer.model import load_folder

    out = tmp_path / "t.png"
    result = export(str(out), str(SEEDS))
    assert result.returncode == 0, result.stderr
    assert "4 stories" in result.stderr
    image = QImage(str(out))
    assert image.width() == 1800
    # Four lanes of 7 to 16 events, each event on a row of its own at worst: all there, not cut at 10 rows.
    assert image.height() > 51 * 19
    assert image.pixelColor(5, 5).name() == "#ffffff"  # always the light print colours
    colours = {image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)}
    assert len(colours) > 50
    assert load_folder(SEEDS).event_count == 51


def test_svg_of_the_seeds_has_every_headline_as_text_and_no_ui_hint(tmp_path):
    from viewer.model import load_folder

    out = tmp_path / "t.svg"
    result = export(str(out), str(SEEDS))
    assert result.returncode == 0, result.stderr
    text = svg_text(out)
    words = set(text.split())
    for story in load_folder(SEEDS).stories:
        assert set(story.title.split()) <= words, story.title  # wrapped maybe, never cut
    assert "seeds" in text.splitlines()[0]  # the folder's name is the title
    assert re.search(r"1897 – \w+ \d+, 2028 · 4 stories · 51 events", text)
    for year in ("1900", "1950", "2000"):
        assert year in text.split("\n")
    for hint in HINTS:
        assert hint not in text


def test_svg_escapes_story_text_and_wraps_long_headlines(tmp_path, story_folder):
    folder = story_folder({
        "markup.txt": story_text('<b>Tom & "Jerry"</b> <script>alert(1)</script>', ["2001", "Mar 2002"]),
        "long.txt": story_text(LONG_HEADLINE, ["2003"]),
        "bin.txt": b"\x00\xff",
    })
    out = tmp_path / "t.svg"
    result = export(str(out), str(folder))
    assert result.returncode == 0, result.stderr
    raw = out.read_text(encoding="utf-8")
    assert "<script" not in raw and "<b>" not in raw
    assert "&lt;b&gt;Tom &amp; " in raw
    text = svg_text(out)  # parses: the escaping is right
    assert '<b>Tom & "Jerry"</b> <script>alert(1)</script>' in text
    lines = text.splitlines()
    assert "Xylophone" in text and LONG_HEADLINE not in lines  # on more than one line, with its last word


def test_range_and_chosen_stories(tmp_path, story_folder):
    folder = story_folder({
        "a.txt": story_text("Alpha Story", ["1990", "Jan 3, 2001", "2015"], "Alpha event {i}"),
        "b.txt": story_text("Beta Story", ["2002"], "Beta event {i}"),
        "c.txt": story_text("Gamma Story", ["1950"], "Gamma event {i}"),
    })
    out = tmp_path / "t.svg"
    result = export(str(out), "--from", "2000", "--to", "Dec 2010", "--story", "a.txt", "--story",
                    str(folder / "c.txt"), "--title", "My <figure>", str(folder))
    assert result.returncode == 0, result.stderr
    text = svg_text(out)
    assert text.splitlines()[0] == "My <figure>"
    assert "Jan 1, 2000 – Dec 31, 2010" in text
    assert "Alpha event 1" in text
    assert "Alpha event 0" not in text and "Alpha event 2" not in text  # outside the range
    assert "Beta" not in text  # not chosen
    assert "Gamma Story" not in text and "1 story has no dated event in this range" in text


def test_bad_arguments_exit_2_with_one_line(tmp_path, story_folder):
    folder = story_folder({"a.txt": story_text("Alpha", ["2001"])})
    cases = [
        (str(tmp_path / "x.png"), str(tmp_path / "missing")),
        (str(tmp_path / "x.gif"), str(folder)),
        (str(tmp_path / "x.png"), "--from", "someday", str(folder)),
        (str(tmp_path / "x.png"), "--from", "2010", "--to", "2001", str(folder)),
        (str(tmp_path / "x.png"), "--story", "nope.txt", str(folder)),
        (str(tmp_path / "x.png"), ""),
    ]
    for args in cases:
        result = export(*args)
        assert result.returncode == 2, (args, result.stderr)
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
        assert not (tmp_path / "x.png").exists()


def test_pdf_paginates_many_stories_with_the_axis_on_every_page(tmp_path, story_folder):
    dates = [f"{month} {day}, {year}" for year in (1995, 2005, 2015) for month, day in (("Mar", 3), ("Sep", 9))]
    folder = story_folder({f"s{i:03d}.txt": story_text(f"Story Number {i:03d}", dates, f"Happening {i}-{{i}}")
                           for i in range(60)})
    out = tmp_path / "t.pdf"
    result = export(str(out), str(folder))
    assert result.returncode == 0, result.stderr
    pages = pdf_pages(out)
    assert pages >= 6  # 60 lanes of 6 events do not fit on a few A4 pages
    text = pdf_text(out)
    for i in range(60):
        assert f"Story Number {i:03d}" in text
    for page in range(1, pages + 1):
        page_text = pdf_text(out, page)
        assert "2000" in page_text and "2010" in page_text, page  # the axis, repeated
        assert f"page {page} of {pages}" in page_text
        for hint in HINTS:
            assert hint not in page_text


def test_labels_never_overlap_and_dense_lanes_get_sub_rows(qapp):
    from viewer.ui.figure import Figure

    # 40 events within two months: the window would draw one cluster; the figure spreads them over sub-rows.
    dense = story_text("Dense", [f"Mar {d}, 2020" for d in range(1, 29)] + [f"Apr {d}, 2020" for d in range(1, 13)],
                       "Something happened on day number {i} of the long crisis")
    library = library_of({"dense.txt": dense, "sparse.txt": story_text("Sparse", ["1990", "2000", "2010"])})
    figure = Figure(library.stories, "Test", width=1200)
    assert figure.event_count == 43
    dense_lane = next(lane for lane in figure.lanes if lane.story.file == "dense.txt")
    assert len(dense_lane.rows) > 5
    metrics_width = figure._label_metrics.horizontalAdvance  # the widths the figure draws with
    for lane in figure.lanes:
        for row in lane.rows:
            extents = sorted((min(m.label_x, m.x0 - 5), max(m.label_x + m.date_w + metrics_width(m.text), m.x1 + 5))
                             for m in row)
            for (_, right), (left, _) in itertools.pairwise(extents):
                assert right <= left, (lane.story.title, extents)
            for left, right in extents:
                assert figure.left - 6 <= left and right <= figure.right + 6
