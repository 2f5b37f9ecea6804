"""Split a summary line into its Title-Case heading and its body.

Story files glue each summary heading to its paragraph with no separator:
``Agenda Focuses on Venezuela, ELN Border Threats, and Drug Trafficking The
leaders will address …``. Nothing in the text marks the boundary, so this
module looks for the place where Title Case stops and a sentence starts:

1. The heading can only run until the first word that a Title-Case heading
   would not contain: a lower-case word that is not a short connector (the
   body's first verb, ``will``, ``has``), a citation marker, or the end of a
   sentence.
2. Within that stretch, the body starts at the latest credible sentence
   opening: a capitalised article or preposition (``The``, ``In``), or the
   subject of the sentence: a title with its name (``Senator Rand Paul``,
   ``Colombian President Gustavo Petro``), or else the proper name right
   before the verb (``Trump has``).
3. When no split leaves a heading of at least two words that does not end in
   a connector or a comma, there is no heading: the whole line is the body.
"""

from __future__ import annotations

import re

__all__ = ["split_heading"]

# Short words Title Case leaves in lower case; they may sit inside a heading.
_CONNECTORS = frozenset(
    "a an and as at but by for from in into nor of off on onto or over per the to up via vs vs. "
    "with amid after against among before between despite during near out than toward towards "
    "under upon versus within without".split()
)
# Capitalised words that open a sentence but rarely end a heading.
_SENTENCE_OPENERS = frozenset(
    "The A An This These That Those Its His Her Their Our In On At After Before During While "
    "When As According Despite Although Since Following Amid Under Over With Without For It "
    "He She They We Officials Analysts Critics Experts Residents".split()
)
# Titles that start the subject of a body's first sentence.
_TITLES = frozenset(
    "President Senator Sen. Minister Prime Governor Gov. Secretary Representative Rep. "
    "Congressman Congresswoman Chancellor Premier King Queen Prince Princess Pope Judge "
    "Justice General Gen. Admiral Colonel Col. Mayor Ambassador Director Chairman Chairwoman "
    "Chair CEO Commissioner Attorney Dr. Professor Prof. Speaker Leader Spokesperson "
    "Spokesman Spokeswoman Chief Vice Former Deputy Foreign Interior Defense Defence Justice "
    "Health Finance Economy Energy Mr. Mrs. Ms. Sheikh Emir Lord Lady Sir Archbishop Bishop "
    "Captain Capt. Lieutenant Sergeant Officer Agent Inspector Detective".split()
)
_DEMONYM = re.compile(r"^(?:[A-Z][a-z]+(?:ian|ean|an|ese|ish|i|ic|ch)|U\.S\.|U\.K\.|EU|UN|US|UK)$")
_CITATION = re.compile(r"\[\d")
_LEADING_PUNCT = "\"'“‘(«"


def split_heading(line: str) -> tuple[str | None, str]:
    """Split one summary line into heading and body.

    Args:
        line: the summary line, stripped, citation markers still in place.

    Returns:
        ``(heading, body)``; ``heading`` is None when no split is credible, and
        then ``body`` is the whole line.
    """
    words = line.split(" ", 40)
    if len(words) < 3:
        return None, line
    limit = _heading_limit(words)
    if limit < 3:
        return None, line
    cut = _choose_cut(words, limit)
    if cut is None:
        return None, line
    return " ".join(words[:cut]), " ".join(words[cut:])


def _heading_limit(words: list[str]) -> int:
    """Index of the first word that cannot belong to a heading (the body's verb)."""
    for i, word in enumerate(words):
        if not word or _CITATION.search(word):
            return i
        if i == len(words) - 1 and len(words) <= 40:
            return i
        first = word.lstrip(_LEADING_PUNCT)[:1]
        if not first:
            continue
        if first.islower() and word.lower() not in _CONNECTORS:
            return i
        if word[-1] in ".!?" and i > 0 and not _is_abbreviation(word):
            return i  # a sentence ended: the heading ended before it
    return len(words)


def _is_abbreviation(word: str) -> bool:
    return word in _TITLES or len(word.rstrip(".")) <= 3 or word.count(".") > 1


def _can_end_heading(word: str) -> bool:
    """A heading's last word is not a connector and has no trailing comma."""
    return word.lower() not in _CONNECTORS and not word.endswith((",", ":", ";", "–", "-", "—"))


def _is_capitalised(word: str) -> bool:
    stripped = word.lstrip(_LEADING_PUNCT)
    return bool(stripped) and (stripped[0].isupper() or stripped[0].isdigit())


def _choose_cut(words: list[str], limit: int) -> int | None:
    """Where the body starts, given that it must start at or before ``limit``."""
    candidates = [
        i for i in range(2, limit + 1)
        if i < len(words) and _is_capitalised(words[i]) and _can_end_heading(words[i - 1])
    ]
    if not candidates:
        return None
    # A capitalised article or preposition right after the heading opens a sentence.
    openers = [i for i in candidates if words[i] in _SENTENCE_OPENERS]
    if openers:
        return openers[-1]
    # A title opens the subject; a demonym before it belongs to the subject too.
    titled = [i for i in candidates if words[i] in _TITLES]
    if titled:
        i = titled[0]
        # Take the first title of the last run of titles ("Foreign Minister").
        last_run_start = titled[-1]
        while last_run_start - 1 in titled:
            last_run_start -= 1
        i = last_run_start
        if i - 1 in candidates and _DEMONYM.match(words[i - 1]):
            i -= 1
        return i
    # Else the subject is the proper name right before the verb: the capitalised
    # words that repeat the heading's own words ("Trump Accuses … Trump has").
    verb = min(limit, len(words) - 1)
    start = verb
    while start - 1 in candidates and words[start - 1] in words[: start - 1]:
        start -= 1
    if start < verb:
        return start
    if verb in candidates and verb == len(words) - 1:
        return None
    if verb - 1 in candidates:
        return verb - 1
    return candidates[-1] if candidates[-1] < len(words) else None
