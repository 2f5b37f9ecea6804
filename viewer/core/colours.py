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

Colours are ``#RRGGBB`` strings; Qt is not needed to choose or compare them
(the events item turns them into ``QColor``).
"""

from __future__ import annotations

import hashlib

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

# Least WCAG contrast for text (WCAG 2.1, success criterion 1.4.3: 4.5:1 for normal text).
TEXT_CONTRAST = 4.5


def colour_slot(file: str, palette_size: int = len(STORY_PALETTE)) -> int:
    """The palette index of the story from ``file`` (its path relative to the folder, ``/``-separated).

    The same path always gives the same slot, in every run and on every
    platform, whatever other files the folder holds.
    """
    digest = hashlib.blake2b(file.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % palette_size


def story_colour(file: str) -> str:
    """The colour of the story from ``file``, as ``#RRGGBB``."""
    return STORY_PALETTE[colour_slot(file)]


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


def readable_on(colour: str, background: str = "#FFFFFF", least: float = TEXT_CONTRAST) -> str:
    """``colour``, darkened just enough to be read as text on ``background``.

    Light palette colours (sand, cyan) are too pale for text on a light
    background; they keep their hue and get darker until their contrast with
    ``background`` is at least ``least`` (black always is, on a light one).
    """
    r, g, b = rgb(colour)
    for step in range(41):
        factor = 1 - step / 40
        candidate = hex_colour(r * factor, g * factor, b * factor)
        if contrast(candidate, background) >= least:
            return candidate
    return "#000000"


def text_on(fill: str) -> str:
    """Black or white: whichever is easier to read on ``fill`` (an opaque colour)."""
    return "#000000" if contrast("#000000", fill) >= contrast("#FFFFFF", fill) else "#FFFFFF"


def faded(colour: str, amount: float = 0.65) -> str:
    """``colour`` washed out toward a light grey: for events a search did not match.

    ``amount`` 0 keeps the colour, 1 gives the grey. Mixing with grey rather
    than white also takes most of the saturation away, so a faded mark of one
    story is not mistaken for a vague (pale) mark of another.
    """
    grey = (205, 205, 205)
    return hex_colour(*((1 - amount) * c + amount * g for c, g in zip(rgb(colour), grey)))
