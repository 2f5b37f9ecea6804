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
# Articles: Title Case writes them in lower case inside a heading, so a
# capitalised one after the heading's first word starts the body.
_ARTICLES = frozenset(("The", "A", "An"))
# Capitalised words that open a sentence when a lower-case word, a number or
# a comma follows ("In a televised address", "On Tuesday, the court",
# "Nearly 40% of voters"); followed by a capitalised word they are heading.
_OPENERS = frozenset(
    "In On At After Before During While When As According Despite Although Since Following "
    "Amid Under Over With Without For It He She They We This These That Those Its His Her "
    "Their Nearly More Fewer About Almost Some Only Roughly Around Most Many Several Two Three "
    "Four Five Six Seven Eight Nine Ten Dozens Hundreds Thousands Millions Within By Throughout "
    "From Between Across Among Inside Outside Until Once If Because Though Even Still Yet "
    "Meanwhile However Earlier Later Last Next Each Every Both All No Not".split()
)
_QUANTIFIERS = frozenset(
    "Nearly More Fewer About Almost Some Roughly Around Over Only Within Up Just Less".split()
)
# Lower-case words inside names: "Rand Paul of Kentucky", "Lula da Silva".
_NAME_JOINERS = frozenset("of da de do dos del la le van von bin al".split())
_DETERMINERS = frozenset("the its his her their this that these those our".split())
# Titles that start the subject of a body's first sentence.
_TITLES = frozenset(
    "President Senator Sen. Minister Prime Governor Gov. Secretary Representative Rep. "
    "Congressman Congresswoman Chancellor Premier King Queen Prince Princess Pope Cardinal "
    "Judge Justice General Gen. Admiral Colonel Col. Mayor Ambassador Director Chairman "
    "Chairwoman Chair CEO CFO Commissioner Attorney Dr. Professor Prof. Speaker Leader "
    "Spokesperson Spokesman Spokeswoman Chief Executive Vice Former Deputy Foreign Interior "
    "Defense Defence Mr. Mrs. Ms. Sheikh Emir Lord Lady Sir Archbishop Bishop Captain Capt. "
    "Lieutenant Sergeant Inspector Detective Coach Manager Founder Co-founder Envoy "
    "Director-General Secretary-General Lt. Gen Sgt.".split()
)
_TITLE_PARTS = frozenset(t for t in _TITLES if "-" not in t)
_DEMONYM = re.compile(r"^(?:[A-Z][a-z]+(?:ian|ean|an|ese|ish|i|ic|ch)|[A-Z](?:\.[A-Z])+\.?|[A-Z]{2,6})$")
_ROLE_NOUN = re.compile(r"^[A-Z][a-z]+(?:ers|ors|ists|ians|ants|ents|als|ysts|ees)$")
_MONTH_NAMES = frozenset(
    "Jan Jan. January Feb Feb. February Mar Mar. March Apr Apr. April May Jun June Jul July Aug "
    "Aug. August Sep Sep. Sept Sept. September Oct Oct. October Nov Nov. November Dec Dec. "
    "December".split()
)
_CITATION = re.compile(r"\[\d")
_LEADING_PUNCT = "\"'“‘(«"
_POSSESSIVE = re.compile(r"(?:['’]s?)?[,.:;!?'’”\"]*$")


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
        if not word or ("[" in word and _CITATION.search(word)):
            return i
        if i == len(words) - 1 and len(words) <= 40:
            return i
        first = word.lstrip(_LEADING_PUNCT)[:1]
        if not first:
            continue
        if first.islower() and word.lower() not in _CONNECTORS and word[1:] == word[1:].lower():
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
    return bool(stripped) and (stripped[0].isupper() or stripped[0].isdigit() or stripped[0] in "$€£")


def _normal(word: str) -> str:
    """A word without possessive or trailing punctuation: ``Gagarin’s`` → ``Gagarin``."""
    if word[-1:].isalnum() and word[:1].isalnum() and "’" not in word and "'" not in word:
        return word
    return _POSSESSIVE.sub("", word.lstrip(_LEADING_PUNCT))


def _is_title(word: str) -> bool:
    return word in _TITLES or any(part in _TITLE_PARTS for part in word.split("-"))


def _is_number(word: str) -> bool:
    return word[:1].isdigit() or word[:1] in "$€£"


def _choose_cut(words: list[str], limit: int) -> int | None:
    """Where the body starts, given that it starts at or before ``limit``.

    Each possible start gets points for what typically opens a news
    sentence; the best start wins. Without any such sign the body's subject
    is taken to be the one word before its verb.
    """
    candidates = [
        i for i in range(2, limit + 1)
        if i < len(words) and _is_capitalised(words[i]) and _can_end_heading(words[i - 1])
    ]
    if not candidates:
        return None
    best, best_score = None, 0.0
    normals = [_normal(w) for w in words[: limit + 1]]
    seen = set(normals[:2])
    for i in range(2, candidates[-1] + 1):
        if i in candidates:
            score = _score_start(words, i, limit, seen, normals[i])
            if score > best_score:
                best, best_score = i, score
        seen.add(normals[i])
    if best is not None:
        return best
    # No sign: the subject is taken to be a two-word name before a verb
    # ("Elon Musk said", "Vint Cerf and Bob Kahn described"); before a
    # lower-case noun it is the one word that qualifies it ("Emergency
    # services confirmed"); always leaving a heading of three words or more.
    verb_follows = limit < len(words) and _looks_like_verb(words[limit])
    for start in ((limit - 2, limit - 1) if verb_follows else (limit - 1,)):
        while start >= 4 and words[start - 1] == "and":
            start -= 3
        if start in candidates and start >= 3 and limit < len(words):
            return start
    return None


_COMMON_VERBS = frozenset(
    "said says say told tells will would could can may might must should has have had is are was "
    "were be been became becomes took takes made makes gave gives won wins lost loses met meets "
    "led leads left leaves beat beats ran runs got gets began begins saw sees sent sends held holds "
    "struck strikes rose rises fell falls hit hits set sets put puts cut cuts spent spends became "
    "wrote writes spoke speaks went goes came comes found finds kept keeps paid pays sold sells "
    "built builds brought brings thought thinks knew knows chose chooses drew draws grew grows".split()
)


def _looks_like_verb(word: str) -> bool:
    """Whether the body's first lower-case word reads as its verb (not a noun of the subject)."""
    word = word.rstrip(",.;:")
    return word in _COMMON_VERBS or (word.endswith("ed") and len(word) > 4)


def _score_start(words: list[str], i: int, verb: int, seen: set[str], normal: str) -> float:
    """Points for the body starting at ``words[i]``.

    Args:
        words: the line's words.
        i: where the body would start.
        verb: index of the body's first lower-case word.
        seen: the normalised words before ``i`` (the heading's words).
        normal: ``words[i]`` normalised.
    """
    word = words[i]
    after = words[i + 1] if i + 1 < len(words) else ""
    repeated = normal in seen
    lower_after = after[:1].islower()
    if word in _ARTICLES:
        return 10
    if word in _OPENERS:
        # "At least", "After weeks", "In a televised address", "On Tuesday,",
        # "Nearly 40%": prose. "Across the Southeast", "With $300 Billion":
        # as likely a heading's own words, so they score lower or not at all.
        if i + 1 == verb or after in ("a", "an", "than") or word.endswith(",") or after.endswith(","):
            return 6
        if _is_number(after) and word in _QUANTIFIERS:
            return 6
        if lower_after and after in _DETERMINERS:
            return 2.5
    if word in _MONTH_NAMES and after[:1].isdigit() and i + 2 == verb:
        return 6.5  # a date opens the body: "Aug 5 became …"
    if word == "Former":
        return 6.5
    if _is_title(word):
        run = i
        while run < verb and (_is_title(words[run]) or words[run] in ("of", "for")):
            run += 1
        tail = words[run:verb]
        names = sum(1 for w in tail if _is_capitalised(w))
        if (tail and not _is_capitalised(tail[0])) or names > 4 or not all(
            _is_capitalised(w) or w in _NAME_JOINERS for w in tail
        ):
            return 1  # not a title and a name: "Defense Spending Target to 5% …"
        # A title wants a name after it ("President William Ruto"); a title
        # right before the verb is a subject of its own ("Defense officials").
        return 6 if names >= 2 else 3 if names == 1 else 3.5
    if after and _is_title(after) and (_DEMONYM.match(word) or repeated):
        return 7  # "Colombian President …", "U.S. Secretary …", "Fed Chair …"
    score = 0.0
    if repeated and verb - i <= 3 and not any(_is_title(w) for w in words[i:verb]):
        score = 5  # the heading's own subject again: "… Strikes Trump has"
    elif not repeated and i + 2 == verb and _normal(after) in seen and _is_capitalised(after):
        score = 4.5  # a first name before a surname from the heading: "Viktor Orbán left"
    elif _ROLE_NOUN.match(word) and not repeated and (i + 1 == verb or (lower_after and after in _CONNECTORS)):
        score = 3  # "Researchers at …", "Protesters gathered …"
    elif _is_number(word) and i + 1 == verb:
        score = 4  # "642 million …"
    return score
