"""Finding events and stories by their words, without Qt.

What a reader types is matched against what they can read: an event's text
and its date as written; a story's headline, summary and its sources' titles
and urls. Matching ignores case and accents ("orban" finds "Orbán", "MULLER"
and "mueller" find "Müller"), and every word of the query must begin a word of the same
event, or of the same story's own text, in any order ("gov" finds
"government").
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from sys import intern

import numpy as np

from viewer.model import Library, Story

__all__ = ["Hit", "Preview", "SearchIndex", "SearchResult", "fold", "query_words", "snippet"]


def fold(text: str) -> str:
    """``text`` for matching: case folded and accents removed ("Orbán" → "orban").

    Nearly always the same length as ``text``, so that a match's position
    can be shown in the original; ``snippet`` checks that.
    """
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped).casefold()


_WORD = re.compile(r"\w+")
# How letters without accents are often typed instead: "Müller" as "Mueller", "Ærø" as "Aeroe".
_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue",
                              "æ": "ae", "Æ": "Ae", "ø": "oe", "Ø": "Oe", "œ": "oe", "Œ": "Oe", "þ": "th",
                              "Þ": "Th", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L"})


def _words(text: str) -> set[str]:
    """The words a reader may type for ``text``: folded, and with letters spelled out ("mueller")."""
    words = set(_WORD.findall(fold(text)))
    if not text.isascii():
        words.update(_WORD.findall(fold(text.translate(_SPELLED_OUT))))
    return words


def query_words(query: str) -> list[str]:
    """The words of a query, folded, as the index splits text ("reuters.com" → reuters, com)."""
    return _WORD.findall(fold(query))


@dataclass(frozen=True, slots=True)
class Preview:
    """One line of a list of results: the match, its story's headline, its date and a snippet."""

    hit: Hit
    headline: str
    date: str
    snippet: list[tuple[str, bool]]


@dataclass(frozen=True, slots=True)
class Hit:
    """One match: an event of a story (``event`` its index) or the story's own text (``event`` None)."""

    file: str
    event: int | None


class SearchResult:
    """What a query matched, in the library's story order, events in file order.

    Holds item numbers, not objects: a query that matches 100,000 events
    should not build 100,000 of anything before the reader sees the first.
    """

    def __init__(self, query: str, index: SearchIndex | None, items: np.ndarray) -> None:
        self.query = query
        self._index = index
        self.items = items
        # Counted here, on the search's worker thread, not by each view that shows it.
        story = index.item_story[items] if index is not None else np.zeros(0, dtype=np.int32)
        starts = np.flatnonzero(np.r_[True, story[1:] != story[:-1]]) if len(story) else story
        # Items are numbered story by story: a story's matches are a run of ``story``.
        self._starts = starts
        self.stories = story[starts]
        """Library indexes of the stories with a match, ascending."""
        if index is not None and len(items):
            events = index.item_event[items]
            keep = events >= 0
            self._event_keys = (story[keep].astype(np.int64), events[keep].astype(np.int64))
            self._event_positions = np.flatnonzero(keep)
        else:
            self._event_keys = (np.zeros(0, np.int64), np.zeros(0, np.int64))
            self._event_positions = np.zeros(0, dtype=np.int64)
        self.rows = self._listing(story, starts)
        """The rows of a list of results: each story with a match is a heading row (``-1 - story
        index``) followed by its matches (their positions in ``items``). Built here, on the worker
        thread, so that a list of 100,000 results costs the view nothing but its visible rows."""

    def __len__(self) -> int:
        return len(self.items)

    @property
    def story_count(self) -> int:
        """How many stories have at least one match."""
        return len(self.stories)

    def hits(self, limit: int | None = None) -> list[Hit]:
        """The first ``limit`` matches (all by default), in order."""
        if self._index is None:
            return []
        items = self.items if limit is None else self.items[:limit]
        return [self._index.hit(int(i)) for i in items]

    def hits_at(self, start: int, count: int = 1) -> list[Hit]:
        """``count`` matches from the ``start``-th on."""
        if self._index is None:
            return []
        return [self._index.hit(int(i)) for i in self.items[start:start + count]]

    def stories_matching_themselves(self) -> np.ndarray:
        """Library indexes of the stories whose own text (headline, summary, sources) matched."""
        if self._index is None or not len(self.items):
            return np.zeros(0, dtype=np.int64)
        own = self._index.item_event[self.items] < 0
        return self._index.item_story[self.items][own].astype(np.int64)

    def event_keys(self) -> tuple[np.ndarray, np.ndarray]:
        """Library story index and event index of each matching event (story-level matches left out)."""
        return self._event_keys

    def preview(self, position: int) -> Preview:
        """What a list shows of the ``position``-th match: its date as written and a snippet.

        The date is "Story" for a match in a story's own text (headline,
        summary, sources). Computed when a row is shown: a list shows a few
        dozen rows of a result that may hold 100,000.
        """
        assert self._index is not None
        hit = self._index.hit(int(self.items[position]))
        story = self._index.library.stories[int(self._index.item_story[self.items[position]])]
        if hit.event is None:
            date, text = "Story", _matching_text(story, self.query)
        else:
            event = story.events[hit.event]
            date, text = event.date_text, event.text
        return Preview(hit, story.title, date, snippet(text, self.query))

    def story_at(self, row: int) -> Story | None:
        """The story of a heading row of ``rows`` (None for a match's row)."""
        value = int(self.rows[row])
        if value >= 0 or self._index is None:
            return None
        return self._index.library.stories[-1 - value]

    def next_match(self, current: int, step: int) -> int:
        """Where Find Next (``step`` 1) or Find Previous (-1) goes from the ``current``-th match (-1: none yet).

        To the next match in an event: Enter after typing a word shows an
        event, not the summary of a story whose headline has the word. Only
        when no event matches does it go through the stories' own matches.
        """
        stops = self._event_positions if len(self._event_positions) else np.arange(len(self.items))
        if not len(stops):
            return -1
        if current < 0:
            return int(stops[0] if step > 0 else stops[-1])
        if step > 0:
            return int(stops[int(np.searchsorted(stops, current, side="right")) % len(stops)])
        return int(stops[(int(np.searchsorted(stops, current, side="left")) - 1) % len(stops)])

    def row_of(self, position: int) -> int:
        """The row of ``rows`` that shows the ``position``-th match."""
        return position + int(np.searchsorted(self._starts, position, side="right"))

    @staticmethod
    def _listing(story: np.ndarray, starts: np.ndarray) -> np.ndarray:
        if not len(story):
            return np.zeros(0, dtype=np.int64)
        heading_rows = starts + np.arange(len(starts))
        rows = np.empty(len(story) + len(starts), dtype=np.int64)
        is_heading = np.zeros(len(rows), dtype=bool)
        is_heading[heading_rows] = True
        rows[heading_rows] = -1 - story[starts].astype(np.int64)
        rows[~is_heading] = np.arange(len(story))
        return rows

    def files(self) -> set[str]:
        """The files of the stories with a match."""
        if self._index is None:
            return set()
        stories = self._index.library.stories
        return {stories[i].file for i in self.stories}


class SearchIndex:
    """Every word of every event and story of one library, for prefix search.

    Words are looked up by prefix in the sorted vocabulary ("gov" finds
    "government", "2024" finds "2024"), so a query costs a binary search and
    a few numpy set operations, whatever the folder's size. Building it reads
    every text once (seconds for 100,000 events): done on a worker thread.

    Args:
        library: the library to search; the index refers to its stories.
        previous: the index of the library this one replaces (a live
            update): the words of every story that is the same object in
            both are taken from it rather than read again, so a change to
            one file costs the word lists, not the reading of every text.
    """

    def __init__(self, library: Library, previous: SearchIndex | None = None) -> None:
        self.library = library
        item_story: list[int] = []
        item_event: list[int] = []
        postings: dict[str, list[int]] = {}
        known = previous._words if previous is not None else {}
        self._words: dict[str, tuple[Story, tuple[tuple[str, ...], ...]]] = {}
        item = 0
        for si, story in enumerate(library.stories):
            found_before = known.get(story.file)
            if found_before is not None and found_before[0] is story:
                words_of_items = found_before[1]
            else:
                texts = [_story_text(story)]
                texts.extend(f"{event.date_text} {event.text}" for event in story.events)
                # Interned: the same word in 100,000 events is one string, kept once.
                words_of_items = tuple(tuple(map(intern, _words(text))) for text in texts)
            self._words[story.file] = (story, words_of_items)
            for ei, words in enumerate(words_of_items):
                item_story.append(si)
                item_event.append(ei - 1)
                for word in words:
                    found = postings.get(word)
                    if found is None:
                        postings[word] = [item]
                    else:
                        found.append(item)
                item += 1
        self.item_story = np.array(item_story, dtype=np.int32)
        self.item_event = np.array(item_event, dtype=np.int32)
        self._vocabulary = sorted(postings)
        self._postings = [np.array(postings[word], dtype=np.int32) for word in self._vocabulary]

    def hit(self, item: int) -> Hit:
        """The event or story of an item number."""
        event = int(self.item_event[item])
        return Hit(self.library.stories[int(self.item_story[item])].file, None if event < 0 else event)

    def _items_with(self, prefix: str) -> np.ndarray:
        """Whether each item has a word starting with ``prefix`` (a boolean mask over items).

        A mask rather than a sorted union: one letter typed can start
        thousands of words, and marking their items costs no sorting.
        """
        vocabulary = self._vocabulary
        lo = bisect_left(vocabulary, prefix)
        hi = bisect_left(vocabulary, prefix + "\U0010ffff", lo)
        found = np.zeros(len(self.item_story), dtype=bool)
        if hi - lo == 1:
            found[self._postings[lo]] = True
        elif hi > lo:
            found[np.concatenate(self._postings[lo:hi])] = True
        return found

    def search(self, query: str) -> SearchResult:
        """Every event and story whose words start with each word of ``query`` (all of them)."""
        words = sorted(set(query_words(query)), key=len, reverse=True)  # the longest is the rarest
        if not words:
            return SearchResult(query, self, np.zeros(0, dtype=np.int32))
        matched = self._items_with(words[0])
        for word in words[1:]:
            if not matched.any():
                break
            matched &= self._items_with(word)
        return SearchResult(query, self, np.flatnonzero(matched).astype(np.int32))


def _matching_text(story: Story, query: str) -> str:
    """The part of a story's own text that matched: its headline, a summary paragraph or a source."""
    words = query_words(query)
    candidates = [story.title]
    candidates += [section.text for section in story.sections]
    candidates += [f"{s.title or ''} {s.url or ''}".strip() for s in story.sources]
    for text in candidates:
        found = _WORD.findall(fold(text))
        if all(any(w.startswith(word) for w in found) for word in words):
            return text
    for text in candidates:
        folded = fold(text)
        if any(word in folded for word in words):
            return text
    return candidates[0]


def _story_text(story: Story) -> str:
    """A story's own text: headline, summary paragraphs, and its sources' titles and urls."""
    parts = [story.title]
    parts.extend(section.text for section in story.sections)
    for source in story.sources:
        if source.title:
            parts.append(source.title)
        if source.url:
            parts.append(source.url)
    return "\n".join(parts)


def snippet(text: str, query: str, width: int = 90, lead: int = 16) -> list[tuple[str, bool]]:
    """A piece of ``text`` around the first match of the query's words, as (part, matched) runs.

    ``lead`` characters before the match are kept, so that the match is
    seen in a narrow list. The caller escapes each part and emphasises the matched ones: story text
    is never markup. Where folding changed the text's length (a ligature,
    say), positions cannot be carried over and the start of the text is
    returned without emphasis.
    """
    words = query_words(query)
    folded = fold(text)
    if not words or len(folded) != len(text):
        return [(_clip(text, width), False)]
    spans = sorted({(m.start(), m.end()) for w in words for m in re.finditer(r"\b" + re.escape(w), folded)})
    if not spans:
        return [(_clip(text, width), False)]
    start = max(0, spans[0][0] - lead)
    if start:  # begin at a word
        space = text.rfind(" ", 0, start)
        start = space + 1 if space >= 0 and start - space < 20 else start
    end = min(len(text), start + width)
    if end < len(text):  # end at a word, but not before the first match
        space = text.rfind(" ", spans[0][1], end)
        end = space if space > 0 and end - space < 20 else end
    runs: list[tuple[str, bool]] = []
    position = start
    for s, e in spans:
        s, e = max(s, position), min(e, end)
        if s >= e:
            continue
        if s > position:
            runs.append((text[position:s], False))
        runs.append((text[s:e], True))
        position = e
    if position < end:
        runs.append((text[position:end], False))
    if start > 0:
        runs.insert(0, ("…", False))
    if end < len(text):
        runs.append(("…", False))
    return runs


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
