"""What the reader has seen of each story, and what is new since: without Qt.

A story file is a living news story: events are added, reworded and removed
as reporting arrives. The app remembers, per folder, each story as the reader
last saw it (its article count, and each event's date as written and text)
and compares the story on disk with it:

- an event whose date and text (whitespace and case aside) the reader saw is
  not new, wherever it now stands in the file;
- an event that is not, but takes the place of a seen event of the same date
  (or the same text under another date), is *updated*, and the wording the
  reader saw is kept to show beside it;
- any other event is *new*; seen events left over were *removed*.

The first time a folder is opened everything in it counts as read: the marks
are for what changes afterwards. A story file added later is new as a whole.

The store is a gzip file of JSON beside the model cache (gzip's CRC catches a
damaged file; a file that cannot be read or checked means "everything seen",
with a warning), written atomically.
"""

from __future__ import annotations

import difflib
import gzip
import hashlib
import json
import logging
import os
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from psygnal import Signal

from viewer.model import Library, Story

__all__ = ["FirstLook", "News", "ReadStore", "Reading", "Seen", "StoryNews", "compare", "word_diff"]

log = logging.getLogger(__name__)

FORMAT = 1


def _key(date_text: str, text: str) -> tuple[str, str]:
    """An event's identity: its date as written and its text, whitespace and case aside."""
    return " ".join(date_text.split()).casefold(), " ".join(text.split()).casefold()


@dataclass(frozen=True, slots=True)
class Seen:
    """A story as the reader last saw it: its article count and its events (date as written, text)."""

    articles: int | None
    events: tuple[tuple[str, str], ...]

    @classmethod
    def of(cls, story: Story) -> Seen:
        """What the reader sees of ``story`` now."""
        return cls(story.article_count, tuple((event.date_text, event.text) for event in story.events))


@dataclass(frozen=True, slots=True)
class StoryNews:
    """What changed in a story since the reader last saw it.

    Attributes:
        new: indexes of the events added.
        updated: index of each reworded event → (date as written, text) as the reader saw it.
        removed: the events the reader saw that are gone (date as written, text).
        articles_before: the article count the reader saw.
        articles_grew: the story cites more articles than when it was read.
    """

    new: frozenset[int] = frozenset()
    updated: Mapping[int, tuple[str, str]] = field(default_factory=lambda: MappingProxyType({}))
    removed: tuple[tuple[str, str], ...] = ()
    articles_before: int | None = None
    articles_grew: bool = False

    @property
    def count(self) -> int:
        """New and updated events: the number the stories panel shows."""
        return len(self.new) + len(self.updated)

    def __bool__(self) -> bool:
        return bool(self.new or self.updated or self.removed or self.articles_grew)

    def kind(self, index: int) -> str | None:
        """"new", "updated" or None for the event at ``index``."""
        return "new" if index in self.new else "updated" if index in self.updated else None


def compare(seen: Seen, story: Story) -> StoryNews:
    """What is new, updated and removed in ``story`` since it was ``seen``.

    Events are matched by identity first (so reordering the file changes
    nothing), then each unmatched event is paired with a left-over seen event
    of the same date, else of the same text (an update), else it is new.
    """
    left = Counter(_key(d, t) for d, t in seen.events)
    unmatched: list[int] = []
    for i, event in enumerate(story.events):
        key = _key(event.date_text, event.text)
        if left[key] > 0:
            left[key] -= 1
        else:
            unmatched.append(i)
    gone: list[tuple[str, str]] = []
    for d, t in seen.events:
        key = _key(d, t)
        if left[key] > 0:
            left[key] -= 1
            gone.append((d, t))
    by_date: dict[str, list[int]] = {}
    by_text: dict[str, list[int]] = {}
    for k, (d, t) in enumerate(gone):
        date_key, text_key = _key(d, t)
        by_date.setdefault(date_key, []).append(k)
        by_text.setdefault(text_key, []).append(k)
    used: set[int] = set()
    new: list[int] = []
    updated: dict[int, tuple[str, str]] = {}
    for i in unmatched:
        date_key, text_key = _key(story.events[i].date_text, story.events[i].text)
        candidates = [k for k in by_date.get(date_key, []) + by_text.get(text_key, []) if k not in used]
        if candidates:
            # The most similar wording among the seen events of that date (or text).
            best = max(candidates, key=lambda k: difflib.SequenceMatcher(
                None, gone[k][1], story.events[i].text, autojunk=False).ratio())
            used.add(best)
            updated[i] = gone[best]
        else:
            new.append(i)
    removed = tuple(g for k, g in enumerate(gone) if k not in used)
    grew = seen.articles is not None and story.article_count is not None and story.article_count > seen.articles
    return StoryNews(frozenset(new), MappingProxyType(updated), removed, seen.articles, grew)


def word_diff(before: str, after: str) -> list[tuple[str, str]]:
    """The words of ``before`` and ``after`` as runs: ("=", kept), ("-", removed), ("+", added).

    Runs keep their spacing, so joining the "=" and "+" runs gives ``after``
    and the "=" and "-" runs give ``before``. The caller escapes each run.
    """
    old, new = before.split(" "), after.split(" ")
    runs: list[tuple[str, str]] = []

    def add(kind: str, words: list[str]) -> None:
        if not words:
            return
        text = " ".join(words)
        if runs:
            text = " " + text
        runs.append((kind, text))

    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            add("=", old[a0:a1])
        else:
            add("-", old[a0:a1])
            add("+", new[b0:b1])
    return runs


class ReadStore:
    """Reads and writes what was read in each folder, one file per folder in ``directory``.

    Args:
        directory: where the files go (beside the model cache, never in the story folder).
    """

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path_for(self, folder: Path) -> Path:
        """The file of a folder (which may not exist yet)."""
        digest = hashlib.blake2b(os.fsencode(os.fspath(folder)), digest_size=16).hexdigest()
        return self.directory / f"{digest}.read.json.gz"

    def load(self, folder: Path) -> tuple[dict[str, Seen] | None, str | None]:
        """What was read in ``folder``: (None, None) the first time; (None, a warning) when damaged."""
        path = self.path_for(folder)
        try:
            with gzip.open(path, "rb") as file:
                data = json.loads(file.read())
        except FileNotFoundError:
            return None, None
        except (OSError, EOFError, ValueError, zlib.error) as error:
            return None, f"What you had read in this folder could not be read ({error}); everything counts as read."
        try:
            if data["format"] != FORMAT or data["folder"] != str(folder):
                raise ValueError("another format or folder")
            seen: dict[str, Seen] = {}
            for file, (articles, events) in data["stories"].items():
                if not (articles is None or isinstance(articles, int)) or not isinstance(file, str):
                    raise ValueError("wrong types")
                pairs = tuple(map(tuple, events))
                if not all(len(pair) == 2 and isinstance(pair[0], str) and isinstance(pair[1], str)
                           for pair in pairs):
                    raise ValueError("wrong types")
                seen[file] = Seen(articles, pairs)
        except (KeyError, TypeError, ValueError) as error:
            return None, f"What you had read in this folder could not be read ({error}); everything counts as read."
        return seen, None

    def save(self, folder: Path, seen: Mapping[str, Seen | Story], library: Library | None = None) -> None:
        """Write what was read (atomically: the old file stays whole until the new one is).

        ``library``: the folder as it is; stories no longer in it are forgotten.
        """
        stories = {}
        for file, value in seen.items():
            if library is not None and library.story(file) is None:
                continue
            version = value if isinstance(value, Seen) else Seen.of(value)
            stories[file] = [version.articles, [list(pair) for pair in version.events]]
        payload = json.dumps({"format": FORMAT, "folder": str(folder), "stories": stories},
                             ensure_ascii=False, separators=(",", ":")).encode()
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.path_for(folder)
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        try:
            with gzip.open(temporary, "wb", compresslevel=5) as out:  # 9 took 3 s at 10,000 stories
                out.write(payload)
            os.replace(temporary, path)
        finally:
            temporary.unlink(missing_ok=True)


@dataclass(frozen=True, slots=True)
class FirstLook:
    """A folder's store compared with its library (``Reading.first_look``)."""

    library: Library
    seen: dict[str, Seen | Story]
    news: dict[str, StoryNews]
    problem: str | None


@dataclass(frozen=True, slots=True)
class News:
    """One new or updated event in the list of what's new."""

    noticed: float
    file: str
    index: int
    kind: str


class Reading:
    """What the reader has read in the folder on screen, and what is new since.

    The news of a story is computed when a library comes in and kept until the
    story is opened (shown in the detail pane), marked read, or changes again.
    Events on screen for a moment are remembered as seen (they will not be new
    next time), but their marks stay until the story is opened.

    Signals:
        changed(): the news of some stories changed (marks, counts, the list).
        warning(str): the store of a folder was damaged (everything counts as read).
    """

    changed = Signal()
    warning = Signal(str)

    def __init__(self, store: ReadStore | None, clock: Callable[[], float] = time.time) -> None:
        self._store = store
        self._clock = clock
        self._library: Library | None = None
        self._seen: dict[str, Seen | Story] = {}
        self._news: dict[str, StoryNews] = {}
        self._noticed: dict[str, float] = {}
        self.dirty = False

    # --- a library comes in ----------------------------------------------------

    def first_look(self, library: Library) -> FirstLook:
        """Read the folder's store and compare every story with it: seconds at 10,000 stories.

        Touches nothing of this object but the store, so it runs on a worker
        thread; ``adopt`` then takes the result in on the GUI thread.
        """
        stored, problem = self._store.load(library.folder) if self._store is not None else (None, None)
        if stored is None:  # the first time here (or a damaged store): everything counts as read
            return FirstLook(library, {story.file: story for story in library.stories}, {}, problem)
        seen: dict[str, Seen | Story] = dict(stored)
        news = {}
        for story in library.stories:
            found = self._news_of(stored.get(story.file), story)
            if found:
                news[story.file] = found
        return FirstLook(library, seen, news, None)

    def adopt(self, look: FirstLook) -> None:
        """Show the news of ``first_look`` (another folder was opened)."""
        self._library = look.library
        self._seen = look.seen
        self._news = look.news
        self._noticed = dict.fromkeys(look.news, self._clock())
        self.dirty = True  # a first look is written down, so that the next one compares with it
        if look.problem:
            log.warning("%s: %s", look.library.folder, look.problem)
            self.warning.emit(look.problem)
        self.changed.emit()

    @property
    def folder(self) -> Path | None:
        """The folder whose news this holds (None: none yet)."""
        return self._library.folder if self._library is not None else None

    @staticmethod
    def _news_of(seen: Seen | Story | None, story: Story) -> StoryNews:
        if seen is None:  # a story the reader never saw: all of it is new
            return StoryNews(new=frozenset(range(len(story.events))))
        if seen is story:
            return StoryNews()
        seen = seen if isinstance(seen, Seen) else Seen.of(seen)
        if seen == Seen.of(story):  # nearly every story, when a folder opens: no need to match events
            return StoryNews()
        return compare(seen, story)

    def set_library(self, library: Library) -> None:
        """Follow a new library: a live update of this folder, or (all at once, here) another folder."""
        old = self._library
        now = self._clock()
        if old is not None and library.folder == old.folder:
            changed = False
            for story in library.stories:
                before = old.story(story.file)
                if before is story:
                    continue
                found = self._news_of(self._seen.get(story.file), story)
                if found:
                    self._news[story.file] = found
                    self._noticed[story.file] = now
                    changed = True
                elif self._news.pop(story.file, None) is not None:
                    changed = True
            for file in list(self._news):
                if library.story(file) is None:
                    del self._news[file]
                    changed = True
            self._library = library
            if changed:
                self.changed.emit()
            return
        self.adopt(self.first_look(library))

    # --- what is new ------------------------------------------------------------

    def news(self, file: str) -> StoryNews | None:
        """What is new in a story since it was read (None: nothing)."""
        return self._news.get(file)

    def files_with_news(self) -> frozenset[str]:
        """The stories with something new (their marks, counts, bold rows)."""
        return frozenset(self._news)

    def count(self, file: str) -> int:
        """New and updated events of a story."""
        found = self._news.get(file)
        return found.count if found is not None else 0

    def whats_new(self) -> list[News]:
        """Every new or updated event of the folder, the most recently noticed first."""
        items = []
        order = {file: i for i, file in enumerate(self._news)}
        for file, found in self._news.items():
            noticed = self._noticed.get(file, 0.0)
            for index in sorted(found.new | set(found.updated)):
                items.append(News(noticed, file, index, found.kind(index) or "new"))
        items.sort(key=lambda n: (-n.noticed, order[n.file], n.index))
        return items

    # --- reading --------------------------------------------------------------

    def mark_read(self, files: Iterable[str]) -> None:
        """The reader has read these stories (opened, or marked read): no more marks."""
        library = self._library
        if library is None:
            return
        changed = False
        for file in files:
            story = library.story(file)
            if story is None or file not in self._news:  # without news, what was seen is this story
                continue
            self._seen[file] = story
            self.dirty = True
            del self._news[file]
            changed = True
        if changed:
            self.changed.emit()

    def mark_all_read(self) -> None:
        """View → Mark All as Read."""
        if self._library is not None:
            self.mark_read(story.file for story in self._library.stories)

    def saw(self, files: Iterable[str]) -> None:
        """These stories' events were on screen for a moment: remembered as seen, marks kept for now."""
        library = self._library
        if library is None:
            return
        for file in files:
            story = library.story(file)
            if story is not None and file in self._news and self._seen.get(file) is not story:
                self._seen[file] = story  # (without news, what was seen is this story already)
                self.dirty = True

    def snapshot(self) -> tuple[Path, dict[str, Seen | Story], Library] | None:
        """What ``ReadStore.save`` writes, or None: a copy taken on the GUI thread (a plain dict copy,
        milliseconds at 100,000 stories), written (and pruned) on a worker."""
        if self._library is None or not self.dirty:
            return None
        self.dirty = False
        return self._library.folder, dict(self._seen), self._library

    @property
    def store(self) -> ReadStore | None:
        """Where what was read is kept (None: nowhere, as in tests)."""
        return self._store
