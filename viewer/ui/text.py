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

The explicit direction controls (the embeddings, overrides and isolates
U+202A–U+202E, U+2066–U+2069) are shown the same way, as ``<U+202E>``, and not
obeyed: a U+202E in a source's title would otherwise make ``Reuters
‮moc.elgoog`` read "Reuters google.com" beside another address, and reverse
whatever follows it on the line. Right-to-left letters need no controls to
read right, so Arabic and Hebrew are untouched; the implicit marks (LRM, RLM,
ALM) stay too, as they reorder nothing but punctuation beside them. A field
holding right-to-left letters and shown on one line with other text (a
headline in a lane, a row of a list, a window title) is also wrapped in a
Unicode isolate (``isolated``), so that its direction neither takes in nor
moves the text around it: "Sources of: " stays before an Arabic headline,
and the headline's final "!" stays at its end, on the left.

Text shown on one line (a headline above a list) goes in an ``ElidedLabel``,
which cuts it with "…" to the width it has rather than widening the window.
"""

from __future__ import annotations

import html
import re

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QResizeEvent
from PySide6.QtWidgets import QLabel, QListWidgetItem, QSizePolicy, QWidget

from viewer.model import Story

SHOWN_CHARS = 20_000
TITLE_CHARS = 400
WRAPPED_TITLE_CHARS = 2_000  # a headline where it wraps (the detail pane): all of any real one
TOOLTIP_CHARS = 1_500
LABEL_CHARS = 48


# C0 controls but tab and newline, DEL, the C1 controls, and the explicit direction
# controls (LRE, RLE, PDF, LRO, RLO; LRI, RLI, FSI, PDI).
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")

# Letters written right to left (Hebrew, Arabic, Syriac, Thaana, N'Ko, ... and their
# presentation forms, and the right-to-left scripts beyond the BMP) and the
# right-to-left mark: a text holding none of them lays out left to right on its own.
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\u200f\ufb1d-\ufdff\ufe70-\ufefc\U00010800-\U00010fff"
                            "\U0001e800-\U0001efff]")

_FIRST_STRONG_ISOLATE = "\u2068"
_POP_DIRECTIONAL_ISOLATE = "\u2069"


def _picture(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code < 0x20:
        return chr(0x2400 + code)  # ␀ … ␟
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0x9F:
        return "\ufffd"  # � for C1, which has no pictures
    return f"<U+{code:04X}>"  # a direction control: seen, not obeyed


def visible(text: str) -> str:
    """``text`` with its control characters (except tab and newline) and direction controls made visible symbols."""
    return _CONTROL.sub(_picture, text) if _CONTROL.search(text) else text


def isolated(text: str) -> str:
    """``text`` as one field of a line: in a Unicode isolate if it holds right-to-left letters.

    The isolate (FSI … PDI) takes its direction from the field's first strong
    letter, and keeps the field's direction from reordering the text around
    it. A field without right-to-left letters needs none and is returned as
    it is. Direction controls inside must have been made visible
    (``visible``): an isolate contains them, but they would still reorder the
    field itself.
    """
    if _RIGHT_TO_LEFT.search(text) is None:
        return text
    return f"{_FIRST_STRONG_ISOLATE}{text}{_POP_DIRECTIONAL_ISOLATE}"


def one_line(text: str, limit: int = TITLE_CHARS) -> str:
    """Story text for one line or a title: capped, its controls visible, isolated (see the module's docstring)."""
    return isolated(capped(text, limit))


def capped(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text``, or its first ``limit`` characters and a note of how many more there are.

    Control characters are made visible (see the module's docstring).
    """
    if len(text) > limit:
        text = f"{text[:limit]}… ({len(text) - limit:,} more characters)"
    return visible(text)


def plain_tooltip(text: str) -> str:
    """A tooltip that shows ``text`` literally, even if it looks like markup, its lines kept."""
    return f"<p>{html.escape(capped(text, TOOLTIP_CHARS)).replace(chr(10), '<br>')}</p>"


def short_label(text: str) -> str:
    """The start of an event's text, cut at a word, for a label on the plot or a row of a list (isolated)."""
    if len(text) <= LABEL_CHARS:
        return isolated(visible(text))
    cut = text.rfind(" ", 0, LABEL_CHARS)
    return isolated(visible(text[: cut if cut > 20 else LABEL_CHARS].rstrip(",;:") + "…"))


class ElidedLabel(QLabel):
    """A one-line label that cuts its text with "…" to the width it is given.

    A plain ``QLabel`` asks for the width of its whole text, so a long
    headline in it widens the window or squeezes the panes beside it. This
    one asks for little (a few characters), draws as much as fits and, when
    it had to cut, shows the whole text as its tooltip. The text is always
    plain: story text is never markup.
    """

    MIN_CHARS = 6  # the least width it asks for, in average characters

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setWordWrap(False)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._elided = False
        self.setText(text)

    def setText(self, text: str) -> None:
        """Show ``text`` (cut to the width when it does not fit)."""
        super().setText(text)
        self._update_elision()

    def is_elided(self) -> bool:
        """Whether the text is cut at the current width."""
        return self._elided

    def elided_text(self) -> str:
        """The text as drawn at the current width."""
        return self.fontMetrics().elidedText(self.text(), Qt.TextElideMode.ElideRight, self.contentsRect().width())

    def minimumSizeHint(self) -> QSize:
        """A few characters wide: the label never sets a pane's least width."""
        metrics = self.fontMetrics()
        margins = self.contentsMargins()
        width = metrics.averageCharWidth() * self.MIN_CHARS + margins.left() + margins.right()
        return QSize(width, super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        """The whole text's width, but no more than a short line: a long text is cut, not made room for."""
        hint = super().sizeHint()
        cap = self.fontMetrics().averageCharWidth() * 40
        return QSize(min(hint.width(), cap), hint.height())

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Cut the text again for the new width."""
        super().resizeEvent(event)
        self._update_elision()

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the text cut to the width, as QLabel would draw it whole."""
        painter = QPainter(self)
        self.style().drawItemText(painter, self.contentsRect(), int(self.alignment()), self.palette(),
                                  self.isEnabled(), self.elided_text(), self.foregroundRole())

    def _update_elision(self) -> None:
        elided = self.elided_text() != self.text()
        if elided != self._elided or elided:
            self._elided = elided
            self.setToolTip(plain_tooltip(self.text()) if elided else "")


def event_item(story: Story, index: int, with_story: bool = True) -> QListWidgetItem:
    """A list's row for an event: "date – its text", its story below; the whole text as its tooltip.

    The row's data is ``(story.file, index)``: a click selects that event.
    """
    event = story.events[index]
    text = f"{one_line(event.date_text) or '(no date)'} – {short_label(event.text)}"
    if with_story:
        text += f"\n    in: {short_label(story.title)}"
    item = QListWidgetItem(text)
    item.setToolTip(plain_tooltip(event.text))
    item.setData(Qt.ItemDataRole.UserRole, (story.file, index))
    return item
