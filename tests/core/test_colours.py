"""Story colours: chosen by file, stable across runs, distinguishable, readable as text (no Qt)."""

import itertools
import os
import subprocess
import sys

import numpy as np
import pytest

from tests.conftest import ROOT, library_of, story_text
from viewer.core.colours import (
    STORY_PALETTE,
    STORY_PALETTE_DARK,
    TEXT_CONTRAST,
    blend,
    colour_slot,
    contrast,
    faded,
    is_dark,
    readable_on,
    relative_luminance,
    rgb,
    story_colour,
    story_palette,
    text_on,
    timeline_colours,
)
from viewer.core.layout import LayoutBuilder


def test_palette_has_at_least_twelve_distinct_colours():
    assert len(STORY_PALETTE) >= 12
    assert len({c.upper() for c in STORY_PALETTE}) == len(STORY_PALETTE)
    for colour in STORY_PALETTE:
        rgb(colour)  # every one is #RRGGBB


# Machado, Oliveira & Fernandes (2009), severity 1.0: what a reader with no
# working L, M or S cones sees, as a matrix on linear RGB.
CVD = {
    "normal": np.eye(3),
    "deuteranopia": np.array([[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                              [-0.011820, 0.042940, 0.968881]]),
    "protanopia": np.array([[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                            [-0.003882, -0.048116, 1.051998]]),
    "tritanopia": np.array([[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                            [0.004733, 0.691367, 0.303900]]),
}


def _lab(linear_rgb: np.ndarray) -> np.ndarray:
    """CIE L*a*b* (D65) of a linear sRGB colour."""
    to_xyz = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = to_xyz @ linear_rgb / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > 0.008856, np.cbrt(xyz), 7.787 * xyz + 16 / 116)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def _linear(colour: str) -> np.ndarray:
    c = np.asarray(rgb(colour)) / 255
    return np.where(c <= 0.04045, c / 12.92, ((c + 0.055) / 1.055) ** 2.4)


@pytest.mark.parametrize("vision", list(CVD))
def test_every_two_palette_colours_stay_apart_for_colour_blind_readers(vision):
    # ΔE*ab of at least 10 between any two colours, as seen with each kind of
    # dichromacy (a palette with two near-identical blues, or a red and a green
    # of one lightness, fails this).
    matrix = CVD[vision]
    labs = [_lab(np.clip(matrix @ _linear(c), 0, 1)) for c in STORY_PALETTE]
    closest = min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(labs, 2))
    assert closest >= 10, closest


def test_a_files_colour_is_fixed_by_its_path():
    # Pinned: Python's hash() is salted per run and would change these.
    assert [colour_slot(f) for f in ("internet.txt", "pandemic.txt", "spaceflight.txt")] == [1, 9, 5]
    assert story_colour("internet.txt") == STORY_PALETTE[1]
    assert colour_slot("a/b/c.txt") == colour_slot("a/b/c.txt")
    assert colour_slot("naïve – ünïcode.txt") in range(len(STORY_PALETTE))
    assert colour_slot("bad \udcff surrogate.txt") in range(len(STORY_PALETTE))  # undecodable file names too


def test_the_colour_is_the_same_in_another_run_with_another_hash_seed():
    code = "from viewer.core.colours import colour_slot; print([colour_slot(f'story {i}.txt') for i in range(50)])"
    runs = {subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True,
                           env={**os.environ, "PYTHONHASHSEED": seed}).stdout for seed in ("1", "2")}
    assert len(runs) == 1
    assert runs.pop().strip() == str([colour_slot(f"story {i}.txt") for i in range(50)])


def test_files_spread_over_the_whole_palette():
    counts = np.bincount([colour_slot(f"stories/{i:05d}.txt") for i in range(12_000)], minlength=len(STORY_PALETTE))
    assert counts.min() > 800 and counts.max() < 1200  # about 1,000 each


def test_a_story_keeps_its_colour_when_a_file_is_added_before_it():
    story = story_text("Zebra story", ["Jan 1, 2020"])
    before = LayoutBuilder().build(library_of({"m.txt": story}))
    after = LayoutBuilder().build(library_of({"a.txt": story_text("Aardvark", ["Jan 1, 2020"]), "m.txt": story}))
    lane_before = [s.file for s in before.stories].index("m.txt")
    lane_after = [s.file for s in after.stories].index("m.txt")
    assert lane_before != lane_after  # it moved down a lane…
    # …with the same colour.
    assert story_colour(before.stories[lane_before].file) == story_colour(after.stories[lane_after].file)


def test_text_in_a_story_colour_is_readable_on_the_title_band():
    for colour in STORY_PALETTE:
        text = readable_on(colour, "#EBEBEB")
        assert contrast(text, "#EBEBEB") >= 4.5
        if contrast(colour, "#EBEBEB") >= 4.5:
            assert text == colour.upper()  # dark enough already: unchanged


def test_contrast_and_blending_helpers():
    assert contrast("#000000", "#FFFFFF") == pytest.approx(21)
    assert contrast("#777777", "#777777") == pytest.approx(1)
    assert text_on("#332288") == "#FFFFFF" and text_on("#DDCC77") == "#000000"
    assert blend("#000000", 0.5) == "#808080"
    # Faded: lighter and greyer than the colour.
    for colour in STORY_PALETTE:
        r, g, b = rgb(colour)
        fr, fg, fb = rgb(faded(colour))
        assert max(fr, fg, fb) - min(fr, fg, fb) < max(r, g, b) - min(r, g, b) or max(r, g, b) == min(r, g, b)
    with pytest.raises(ValueError):
        rgb("#12345")


@pytest.mark.parametrize("vision", list(CVD))
def test_the_dark_variants_stay_apart_for_colour_blind_readers_too(vision):
    matrix = CVD[vision]
    labs = [_lab(np.clip(matrix @ _linear(c), 0, 1)) for c in STORY_PALETTE_DARK]
    closest = min(float(np.linalg.norm(a - b)) for a, b in itertools.combinations(labs, 2))
    assert closest >= 10, closest


def test_each_slot_has_a_dark_variant_that_shows_on_near_black():
    assert len(STORY_PALETTE_DARK) == len(STORY_PALETTE)
    assert len({c.upper() for c in STORY_PALETTE_DARK}) == len(STORY_PALETTE_DARK)
    for light, dark in zip(STORY_PALETTE, STORY_PALETTE_DARK):
        for background in ("#1E1E1E", "#2B2B2B", "#303030"):
            assert contrast(dark, background) >= 3, (dark, background)  # WCAG 1.4.11, graphics
        # The indigo, the green, the brown and the wine would vanish: lighter there.
        if contrast(light, "#1E1E1E") < 3:
            assert relative_luminance(dark) > relative_luminance(light)
    # A story keeps its slot: the same file, its light or its dark colour.
    assert story_colour("internet.txt", dark=True) == STORY_PALETTE_DARK[colour_slot("internet.txt")]
    assert story_palette(dark=False) == STORY_PALETTE


@pytest.mark.parametrize(("background", "text"), [("#FFFFFF", "#000000"), ("#1E1E1E", "#EEEEEE"),
                                                  ("#2D2D2D", "#F0F0F0"), ("#F5F5F5", "#202020")])
def test_every_timeline_text_colour_reads_on_its_band(background, text):
    colours = timeline_colours(background, text)
    assert colours.dark == (background in ("#1E1E1E", "#2D2D2D"))
    assert colours.stories == story_palette(colours.dark)
    for ink in (colours.text, colours.muted, *colours.story_text):
        assert contrast(ink, colours.title_background) >= TEXT_CONTRAST, ink
        assert contrast(ink, background) >= TEXT_CONTRAST, ink
    # Secondary text is fainter than the main text, not just as dark.
    assert contrast(colours.muted, background) < contrast(colours.text, background)


def test_readable_on_lightens_on_a_dark_background():
    for colour in STORY_PALETTE:
        text = readable_on(colour, "#303030")
        assert contrast(text, "#303030") >= TEXT_CONTRAST
        assert relative_luminance(text) >= relative_luminance(colour)
    assert is_dark("#1E1E1E") and not is_dark("#EBEBEB")
