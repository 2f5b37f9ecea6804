"""Story text on its way into widgets: capped in length, escaped where Qt reads markup.

Qt decides by ``Qt.mightBeRichText`` whether a tooltip or message is markup,
and story files may contain anything, so every tooltip built from story text
is escaped here. Qt's text layout also slows down sharply on very long
unbroken text (a one-megabyte line freezes the window for most of a minute),
so what is shown is capped; the file keeps every character.
"""

from __future__ import annotations

import html

SHOWN_CHARS = 20_000
TITLE_CHARS = 400
TOOLTIP_CHARS = 1_500
LABEL_CHARS = 48


def capped(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text``, or its first ``limit`` characters and a note of how many more there are."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text) - limit:,} more characters)"


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally, even if it looks like markup."""
    return f"<p>{html.escape(capped(text, TOOLTIP_CHARS))}</p>"


def short_label(text: str) -> str:
    """The start of an event's text, cut at a word, for a label on the plot."""
    if len(text) <= LABEL_CHARS:
        return text
    cut = text.rfind(" ", 0, LABEL_CHARS)
    return text[: cut if cut > 20 else LABEL_CHARS].rstrip(",;:") + "…"
