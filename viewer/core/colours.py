"""Each story's colour on the timeline, chosen from its file and not its place.

A story's colour comes from its file's path relative to the folder, through
a stable hash (BLAKE2b, never Python's ``hash()``, which is salted per run):
adding, removing or renaming other files never changes the colour of the
stories a reader already knows. The price is that two stories may share a
colour (with 12 colours, 4 stories have about a 43 % chance that two do);
lanes are labelled with their headline, so colour is a help, not the key.

The palette is Paul Tol's 12-colour qualitative scheme, chosen to stay
distinguishable for readers with the common colour-vision deficiencies:
P. Tol, "Colour Schemes", SRON technical note SRON/EPS/TN/09-002, issue 2.2
(2012), fig. 3 (https://personal.sron.nl/~pault/colourschemes.pdf).

On a dark background the darkest of them (indigo, green, brown, wine)
would all but vanish, so each slot has a dark variant too
(``STORY_PALETTE_DARK``): the same hue where it can be, lighter, at least
3:1 against a near-black background (WCAG 2.1 SC 1.4.11, graphical objects),
and still at least ΔE*ab 10 apart for every kind of colour blindness. A
story keeps its slot in both schemes.

Colours are ``#RRGGBB`` strings; Qt is not needed to choose or compare them
(the events item turns them into ``QColor``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

STORY_PALETTE: tuple[str, ...] = (
    "#332288",  # indigo
    "#6699CC",  # blue
    "#88CCEE",  # cyan
    "#44AA99",  # teal
    "#117733",  # green
    "#999933",  # olive
    "#DDCC77",  # sand
    "#661100",  # brown
    "#CC6677",  # rose
    "#AA4466",  # raspberry
    "#882255",  # wine
    "#AA4499",  # purple
)

# The dark scheme's variant of each slot above (same order). Found by a search
# over lightness and saturation of each hue for the largest least ΔE*ab between
# any two colours under each dichromacy (tests/core/test_colours.py), with
# at least 3:1 against #1E1E1E to #303030.
STORY_PALETTE_DARK: tuple[str, ...] = (
    "#7F70CD",  # indigo, lighter: lavender
    "#6699CC",  # blue
    "#88CCEE",  # cyan
    "#44AA99",  # teal
    "#1DCD58",  # green, lighter
    "#999933",  # olive
    "#DDCC77",  # sand
    "#EB2700",  # brown, lighter: rust
    "#D24B62",  # rose, deeper
    "#BC5779",  # raspberry, lighter
    "#DD9DBD",  # wine, lighter: pink
    "#AF5BA1",  # purple, lighter
)

# Least WCAG contrast for text (WCAG 2.1, success criterion 1.4.3: 4.5:1 for normal text).
TEXT_CONTRAST = 4.5


def colour_slot(file: str, palette_size: int = len(STORY_PALETTE)) -> int:
    """The palette index of the story from ``file`` (its path relative to the folder, ``/``-separated).

    The same path always gives the same slot, in every run and on every
    platform, whatever other files the folder holds.
    """
    digest = hashlib.blake2b(file.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % palette_size


def story_palette(dark: bool = False) -> tuple[str, ...]:
    """The story colours for a light background, or (``dark``) their variants for a dark one."""
    return STORY_PALETTE_DARK if dark else STORY_PALETTE


def story_colour(file: str, dark: bool = False) -> str:
    """The colour of the story from ``file``, as ``#RRGGBB`` (its dark variant on a dark background)."""
    return story_palette(dark)[colour_slot(file)]


def rgb(colour: str) -> tuple[int, int, int]:
    """``#RRGGBB`` → (r, g, b), each 0–255."""
    value = colour.lstrip("#")
    if len(value) != 6:
        raise ValueError(f"not a #RRGGBB colour: {colour!r}")
    return int(value[0:2], 16), int(value[2:4], 16), int(value[4:6], 16)


def hex_colour(r: float, g: float, b: float) -> str:
    """(r, g, b), each 0–255 (rounded and clipped), → ``#RRGGBB``."""
    return "#" + "".join(f"{min(255, max(0, round(c))):02X}" for c in (r, g, b))


def relative_luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of an sRGB colour: 0 for black, 1 for white."""

    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def blend(colour: str, alpha: float, background: str = "#FFFFFF") -> str:
    """``colour`` drawn with opacity ``alpha`` (0–1) over ``background``, as an opaque colour."""
    return hex_colour(*(alpha * c + (1 - alpha) * g for c, g in zip(rgb(colour), rgb(background))))


def is_dark(background: str) -> bool:
    """Whether ``background`` is dark: white text reads better on it than black."""
    return text_on(background) == "#FFFFFF"


def readable_on(colour: str, background: str = "#FFFFFF", least: float = TEXT_CONTRAST) -> str:
    """``colour``, darkened (or on a dark background lightened) just enough to be read as text on ``background``.

    Light palette colours (sand, cyan) are too pale for text on a light
    background; they keep their hue and get darker until their contrast with
    ``background`` is at least ``least`` (black always is, on a light one).
    On a dark background dark colours are mixed with white instead.
    """
    r, g, b = rgb(colour)
    dark = is_dark(background)
    for step in range(41):
        t = step / 40
        if dark:
            candidate = hex_colour(r + (255 - r) * t, g + (255 - g) * t, b + (255 - b) * t)
        else:
            candidate = hex_colour(r * (1 - t), g * (1 - t), b * (1 - t))
        if contrast(candidate, background) >= least:
            return candidate
    return "#FFFFFF" if dark else "#000000"


def muted_text(text: str, background: str, least: float = TEXT_CONTRAST) -> str:
    """A grey between ``text`` and ``background`` (secondary text), as faint as it may be and still be read.

    The mix of the two that is nearest the background with a contrast of at
    least ``least`` against it (a little above it, for antialiased edges).
    """
    for step in range(41):
        candidate = blend(text, 0.35 + step / 40 * 0.65, background)
        if contrast(candidate, background) >= least + 0.3:
            return candidate
    return text


def text_on(fill: str) -> str:
    """Black or white: whichever is easier to read on ``fill`` (an opaque colour)."""
    return "#000000" if contrast("#000000", fill) >= contrast("#FFFFFF", fill) else "#FFFFFF"


def faded(colour: str, amount: float = 0.65, dark: bool = False) -> str:
    """``colour`` washed out toward a light grey (``dark``: a dark grey): for events a search did not match.

    ``amount`` 0 keeps the colour, 1 gives the grey. Mixing with grey rather
    than white (or black) also takes most of the saturation away, so a faded
    mark of one story is not mistaken for a vague (pale) mark of another.
    """
    grey = (90, 90, 90) if dark else (205, 205, 205)
    return hex_colour(*((1 - amount) * c + amount * g for c, g in zip(rgb(colour), grey)))


# Lane bands, title bands and grid lines: the text colour laid thinly over the
# background (alpha 0–255), a little more on a dark one, where thin light
# veils show less than thin dark ones.
LANE_BAND_ALPHA = {False: 6, True: 10}
TITLE_BAND_ALPHA = {False: 14, True: 22}
GRID_ALPHA = {False: 28, True: 40}


@dataclass(frozen=True)
class TimelineColours:
    """Every colour the timeline draws with, for the palette's background and text colours.

    Attributes:
        dark: whether the background is dark (the stories take their dark variants).
        background: the plot's background (the palette's base colour).
        text: event labels and the selected event's outline.
        muted: secondary text (the empty plot's notice, the legend's hints,
            titles of lanes a search did not match): faint, yet at least
            4.5:1 on the title band.
        stories: each palette slot's fill.
        story_text: each slot's colour for text (titles, cluster counts),
            readable on the title band.
        faded: each slot's fill for events a search did not match.
        title_background: the opaque colour of a title band over a lane band,
            what titles are read on.
        coverage: the dense view's colour; faded_coverage: for unmatched events.
        highlight: the rings around the events citing the selected source.
    """

    dark: bool
    background: str
    text: str
    muted: str
    stories: tuple[str, ...]
    story_text: tuple[str, ...]
    faded: tuple[str, ...]
    title_background: str
    coverage: str
    faded_coverage: str
    highlight: str


def timeline_colours(background: str, text: str) -> TimelineColours:
    """The timeline's colours for a background and text colour (the palette's ``Base`` and ``Text``)."""
    dark = is_dark(background)
    title_alpha = (LANE_BAND_ALPHA[dark] + TITLE_BAND_ALPHA[dark]) / 255
    title_background = blend(text, title_alpha, background)
    stories = story_palette(dark)
    return TimelineColours(
        dark=dark,
        background=background,
        text=text,
        muted=muted_text(text, title_background),
        stories=stories,
        story_text=tuple(readable_on(c, title_background) for c in stories),
        faded=tuple(faded(c, dark=dark) for c in stories),
        title_background=title_background,
        coverage="#8AB0E6" if dark else "#4A6FA5",
        faded_coverage="#8A8A8A" if dark else "#9A9A9A",
        highlight="#FFB000",
    )
