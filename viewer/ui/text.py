"""Story text on its way into widgets: capped in length, escaped where Qt reads markup.

Qt decides by ``Qt.mightBeRichText`` whether a tooltip or message is markup,
and story files may contain anything, so every tooltip built from story text
is escaped here. Qt's text layout also slows down sharply on very long
unbroken text (a one-megabyte line freezes the window for most of a minute),
so what is shown is capped; the file keeps every character.

Control characters (a stray BEL, the ESC of a terminal colour code, a C1 byte
from a mis-decoded file) have no glyph and would be drawn as empty boxes or
not at all; they are shown as their Unicode control pictures (␇, ␛) so the
reader sees that something is there and what.
"""

from __future__ import annotations

import html
import re

SHOWN_CHARS = 20_000
TITLE_CHARS = 400
TOOLTIP_CHARS = 1_500
LABEL_CHARS = 48


# C0 controls but tab and newline, DEL, and the C1 controls.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    return "\u2421" if code == 0x7F else "\ufffd"  # ␡, and � for C1, which has no pictures


def visible(text: str) -> str:
    """``text`` with its control characters (except tab and newline) replaced by visible symbols."""
    return _CONTROL.sub(_picture, text) if _CONTROL.search(text) else text


def capped(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text``, or its first ``limit`` characters and a note of how many more there are.

    Control characters are made visible (see the module's docstring).
    """
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text) - limit:,} more characters)"
    return visible(text)


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally, even if it looks like markup."""
    return f"<p>{html.escape(capped(text, TOOLTIP_CHARS))}</p>"


def short_label(text: str) -> str:
    """The start of an event's text, cut at a word, for a label on the plot."""
    if len(text) <= LABEL_CHARS:
        return visible(text)
    cut = text.rfind(" ", 0, LABEL_CHARS)
    return visible(text[: cut if cut > 20 else LABEL_CHARS].rstrip(",;:") + "…")
