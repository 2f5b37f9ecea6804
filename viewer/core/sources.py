"""Sources across stories: which sources of a folder are the same article.

A source is numbered per story (``[3]`` of one file is ``[1]`` of another), so
the same article behind two lanes is two sources until something says they
are one. ``source_key`` says it: two sources with the same key are the same
source. With a url the key is the url normalised the way publishers and
newsletters vary it for one page (``HTTPS://WWW.Reuters.com/x/?utm_source=
mail#top`` and ``https://reuters.com/x`` are one); without one, the title,
folded as search folds it. ``FolderSources`` groups a library's sources by
key: each group's title, url, the stories listing it and the events citing
it.

Plain Python, no Qt: built on a worker thread or on first use, and tested
without a display. ``SourceIndex`` remembers what each story contributed, so
that a live update of one file re-reads one story's sources, not 10,000.
"""

from __future__ import annotations

import re
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from viewer.core.search import fold
from viewer.model import Library, Source, Story

__all__ = ["TRACKING_PARAMETERS", "FolderSources", "SharedSource", "SourceIndex", "normalise_url", "source_key",
           "title_key"]

TRACKING_PARAMETERS = frozenset({
    # Click identifiers of ad and social networks: they name the reader's click, not the page.
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid",
    "li_fat_id", "igshid", "igsh", "epik", "srsltid",
    # Newsletter and marketing tools (Mailchimp, Marketo, Hubspot, Vero, Olytics, Adobe).
    "mc_cid", "mc_eid", "mkt_tok", "_hsenc", "_hsmi", "vero_id", "vero_conv", "oly_anon_id",
    "oly_enc_id", "s_cid", "wickedid", "_ga", "_gl",
    # Twitter's and others' referrer tags.
    "ref_src", "ref_url", "cmpid", "ito", "at_medium", "at_campaign", "smid", "sara_ecid",
})
"""Query parameters that never change which page a url is (besides every ``utm_*``)."""

_DEFAULT_PORTS = {"http": "80", "https": "443"}
# scheme :// [userinfo@] host (a name, or an IPv6 address in brackets) [:port] path [?query] [#fragment]
_URL = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*)://([^/?#@]*@)?(\[[^\]/?#]*\]|[^:/?#]*)(?::(\d*))?"
                  r"(/[^?#]*)?(?:\?([^#]*))?(?:#.*)?\Z", re.DOTALL)
_PERCENT = re.compile(r"%[0-9a-fA-F]{2}")
_SPACES = re.compile(r"\s+")
_BARE_ADDRESS = re.compile(r"[\w-]+(\.[\w-]+)*\.[^\W\d_]{2,}(:\d+)?([/?#]|$)")  # www.bbc.co.uk/news
_TITLE_EDGES = " \t\"'“”‘’«».,;:–—-"


def _is_tracking(parameter: str) -> bool:
    name = parameter.split("=", 1)[0].lower()
    return name.startswith("utm_") or name in TRACKING_PARAMETERS


@lru_cache(maxsize=65_536)  # a folder cites the same few thousand sites over and over, across reloads too
def normalise_url(url: str) -> str:
    """``url`` as one spelling for every way the same page is linked.

    The scheme and host are lower-cased, http and https are one (news sites
    moved to https, old links did not), a leading ``www.`` and a default port
    are dropped, the path loses its trailing slash, percent escapes are
    upper-cased, the fragment goes and so do tracking parameters (``utm_*``,
    ``fbclid``, ``gclid``… see ``TRACKING_PARAMETERS``); the other parameters
    stay, in their order, as written (``?id=2&page=1`` is not ``?page=1&id=2``
    on every site). An address without a scheme (``www.bbc.co.uk/news``) is
    read as a web address; text that is no address at all is only trimmed
    and folded, so that two sources that wrote the same text still match.
    """
    text = url.strip()
    if "://" not in text:
        if not _BARE_ADDRESS.match(text):
            return fold(_SPACES.sub(" ", text))
        text = f"https://{text}"
    # A regular expression rather than urllib.parse.urlsplit: a quarter of the time, and a
    # 10,000-story folder lists some 50,000 sources (tests/benchmarks/bench_sources.py).
    parts = _URL.match(text)
    if parts is None:
        return fold(_SPACES.sub(" ", text))
    scheme, userinfo, host, port, path, query = parts.groups()
    scheme = scheme.lower()
    host = host.lower().rstrip(".")
    while host.startswith("www.") and "." in host[4:]:  # www.example.com is example.com; www.com stays
        host = host[4:]
    if not host:
        return fold(_SPACES.sub(" ", text))
    if port == _DEFAULT_PORTS.get(scheme):
        port = None
    if scheme == "http":
        scheme = "https"
    path = path or ""
    if "%" in path:
        path = _PERCENT.sub(lambda m: m.group().upper(), path)
    path = path.rstrip("/")
    if query:
        query = "&".join(p for p in query.split("&") if p and not _is_tracking(p))
    return "".join((scheme, "://", userinfo or "", host, f":{port}" if port else "", path,
                    f"?{query}" if query else ""))


def title_key(title: str) -> str:
    """A title as the key of a source without url: folded, spaces collapsed, quotes and end punctuation trimmed."""
    return "title:" + fold(_SPACES.sub(" ", title)).strip(_TITLE_EDGES)


def source_key(source: Source) -> str | None:
    """Which source this is across stories: its normalised url, else ``title:`` and its folded title.

    The prefixes keep the kinds apart: a title never equals a url.

    None for a source with neither (known only from a citation marker): two
    such sources cannot be told to be the same one.
    """
    if source.url and source.url.strip():
        url = normalise_url(source.url)
        # Text in the url's place that is no address ("n/a", "Reuters print edition") is its own kind.
        return url if "://" in url else f"text:{url}"
    if source.title and source.title.strip() and title_key(source.title) != "title:":
        return title_key(source.title)
    return None


@dataclass(frozen=True, slots=True)
class SharedSource:
    """One source of the folder, however many stories list it.

    Attributes:
        key: its ``source_key``.
        title: the title most stories give it (the first one given on a tie), or None.
        url: the url as most stories write it (the first on a tie), or None.
        stories: the files of the stories that list it, in the library's order.
        citations: (file, source number) for each story: the number it has there.
        events: (file, event index) of every event citing it, story by story in file order.
    """

    key: str
    title: str | None
    url: str | None
    stories: tuple[str, ...]
    citations: tuple[tuple[str, int], ...]
    events: tuple[tuple[str, int], ...]


@dataclass(frozen=True, slots=True)
class _StoryPart:
    """What one story adds: per key, the number(s), title, url and citing event indices."""

    story: Story
    entries: tuple[tuple[str, int, str | None, str | None, tuple[int, ...]], ...]
    keys: dict[int, str]  # source number → key


def _story_part(story: Story) -> _StoryPart:
    keys: dict[int, str] = {}
    for source in story.sources:
        key = source_key(source)
        if key is not None:
            keys[source.number] = key
    citing: dict[int, list[int]] = {}
    if keys:
        for index, event in enumerate(story.events):
            for number in event.citations:
                if number in keys:
                    citing.setdefault(number, []).append(index)
    entries = tuple((keys[s.number], s.number, s.title.strip() if s.title else None, s.url.strip() if s.url else None,
                     tuple(citing.get(s.number, ()))) for s in story.sources if s.number in keys)
    return _StoryPart(story, entries, keys)


def _most_common(values: list[str]) -> str | None:
    """The value given most often, the first given on a tie (most sources are listed by one story: no count)."""
    if not values:
        return None
    first = values[0]
    if len(values) == 1 or all(value == first for value in values):
        return first
    return Counter(values).most_common(1)[0][0]


def _shared(key: str, parts: list[_StoryPart]) -> SharedSource:
    """The folder-wide entry of ``key`` from the parts of the stories listing it, in library order."""
    titles: list[str] = []
    urls: list[str] = []
    citations: list[tuple[str, int]] = []
    refs: list[tuple[str, int]] = []
    for part in parts:
        file = part.story.file
        for entry_key, number, title, url, events in part.entries:
            if entry_key != key:
                continue
            if title:
                titles.append(title)
            if url:
                urls.append(url)
            citations.append((file, number))
            refs.extend((file, index) for index in events)
    return SharedSource(
        key, _most_common(titles), _most_common(urls), tuple(part.story.file for part in parts), tuple(citations),
        # An event citing two numbers of one source counts once.
        tuple(dict.fromkeys(refs)) if len(citations) > len(parts) else tuple(refs),
    )


class FolderSources:
    """Every source of a library, one entry per ``source_key``; made by ``SourceIndex.build``.

    Sources listed by one story only are entries too: the folder-wide view
    lists everything, and sorts by how many stories share a source.
    """

    def __init__(self, by_key: dict[str, SharedSource], keys: dict[str, dict[int, str]]) -> None:
        self._by_key = by_key
        self._keys = keys

    def __len__(self) -> int:
        return len(self._by_key)

    def __iter__(self) -> Iterator[SharedSource]:
        return iter(self._by_key.values())

    def __contains__(self, key: object) -> bool:
        return key in self._by_key

    def entries(self) -> list[SharedSource]:
        """Every source (in no meaningful order: a view sorts them)."""
        return list(self._by_key.values())

    def get(self, key: str | None) -> SharedSource | None:
        """The source with this key, or None."""
        return self._by_key.get(key) if key is not None else None

    def key_of(self, file: str, number: int) -> str | None:
        """The key of source ``number`` of the story from ``file`` (None: no such source, or no title nor url)."""
        keys = self._keys.get(file)
        return keys.get(number) if keys is not None else None

    def shared(self, file: str, number: int) -> SharedSource | None:
        """The folder-wide entry of source ``number`` of a story."""
        return self.get(self.key_of(file, number))

    def other_stories(self, file: str, number: int) -> tuple[str, ...]:
        """The other stories that list the same source as source ``number`` of ``file``, in library order."""
        entry = self.shared(file, number)
        return tuple(f for f in entry.stories if f != file) if entry is not None else ()


_YIELD_EVERY = 20
"""A build on a worker thread lets go of the GIL (``time.sleep(0)``) every this many stories or sources.

Without it the GUI thread, which gives up the GIL at every call into Qt and
must then wait for the worker's next switch interval to get it back, froze
for up to a second at a time while a 10,000-story folder was grouped
(``bench_sources.py --gui``: 1.1 s, against 0.5 s with a yield every 20
items, as without the build). The price is the worker's: some 1,400 system
calls at 10,000 stories, 0.1 s on an idle machine, more on a loaded one.
"""


class SourceIndex:
    """Builds a library's ``FolderSources``, redoing only what a live update changed.

    Thread-safe, and the last result is kept: a worker thread may build it
    for the library on screen, and the GUI thread's call for the same library
    then returns at once. Stories are immutable and a live update replaces
    only the changed files' stories, so a story is read again only when it is
    a new object, and only the sources it lists, or listed, are grouped again:
    one edited file in a 10,000-story folder costs milliseconds, where
    grouping all 50,000 sources again costs most of a second.
    """

    MAX_PATCHED_STORIES = 200

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._library: Library | None = None
        self._parts: dict[str, _StoryPart] = {}
        self._members: dict[str, list[str]] = {}  # key → files listing it, in library order
        self._built = FolderSources({}, {})

    def build(self, library: Library | None) -> FolderSources:
        """The sources of ``library`` (none for None)."""
        with self._lock:
            if library is None:
                return FolderSources({}, {})
            if library is self._library:
                return self._built
            same_folder = self._library is not None and self._library.folder == library.folder
            old_parts = self._parts if same_folder else {}
            parts: dict[str, _StoryPart] = {}
            changed: list[str] = []
            for story in library.stories:
                part = old_parts.get(story.file)
                if part is None or part.story is not story:
                    part = _story_part(story)
                    changed.append(story.file)
                    if len(changed) % _YIELD_EVERY == 0:
                        time.sleep(0)  # see _YIELD_EVERY
                parts[story.file] = part
            added = sum(1 for file in changed if file not in old_parts)
            removed = [f for f in old_parts if f not in parts] if len(old_parts) - (len(parts) - added) else []
            if same_folder and len(changed) + len(removed) <= self.MAX_PATCHED_STORIES:
                self._built = self._patch(parts, old_parts, changed + removed)
            else:
                self._built = self._full(parts)
            self._parts = parts
            self._library = library
            return self._built

    def _full(self, parts: dict[str, _StoryPart]) -> FolderSources:
        # One pass over every story's sources into per-key lists (``_shared`` per key would scan
        # each member story's sources again: twice the time at 10,000 stories).
        groups: dict[str, tuple[list[str], list[str], list[str], list[tuple[str, int]], list[tuple[str, int]]]] = {}
        keys: dict[str, dict[int, str]] = {}
        for n, (file, part) in enumerate(parts.items()):
            if not part.keys:
                continue
            keys[file] = part.keys
            for key, number, title, url, events in part.entries:
                group = groups.get(key)
                if group is None:
                    group = groups[key] = ([], [], [file], [], [])
                elif group[2][-1] != file:
                    group[2].append(file)
                if title:
                    group[0].append(title)
                if url:
                    group[1].append(url)
                group[3].append((file, number))
                if events:
                    group[4].extend([(file, index) for index in events])
            if n % _YIELD_EVERY == 0:
                time.sleep(0)
        self._members = {key: group[2] for key, group in groups.items()}
        by_key = {}
        for n, (key, (titles, urls, stories, citations, refs)) in enumerate(groups.items()):
            by_key[key] = SharedSource(
                key, _most_common(titles), _most_common(urls), tuple(stories), tuple(citations),
                tuple(dict.fromkeys(refs)) if len(citations) > len(stories) else tuple(refs))
            if n % _YIELD_EVERY == 0:
                time.sleep(0)
        return FolderSources(by_key, keys)

    def _patch(self, parts: dict[str, _StoryPart], old_parts: dict[str, _StoryPart],
               files: list[str]) -> FolderSources:
        """Group again only the sources that the changed (or removed) stories list or listed."""
        built = self._built
        by_key = dict(built._by_key)
        keys = dict(built._keys)
        members = dict(self._members)
        affected: dict[str, None] = {}
        for file in files:
            for part in (old_parts.get(file), parts.get(file)):
                if part is not None:
                    affected.update(dict.fromkeys(part.keys.values()))
            part = parts.get(file)
            if part is not None and part.keys:
                keys[file] = part.keys
            else:
                keys.pop(file, None)
        order: dict[str, int] | None = None
        touched = set(files)
        for key in affected:
            kept = [f for f in members.get(key, ()) if f not in touched]
            new = [f for f in files if f in parts and key in parts[f].keys.values()]
            if new:
                if order is None:
                    order = {file: i for i, file in enumerate(parts)}
                kept = sorted(kept + new, key=order.__getitem__)
            if kept:
                members[key] = kept
                by_key[key] = _shared(key, [parts[f] for f in kept])
            else:
                members.pop(key, None)
                by_key.pop(key, None)
        self._members = members
        return FolderSources(by_key, keys)

    def built_for(self, library: Library | None) -> FolderSources | None:
        """The sources of ``library`` if they are built already, else None (never waits for a build)."""
        if library is None:
            return None
        if self._lock.acquire(blocking=False):
            try:
                return self._built if library is self._library else None
            finally:
                self._lock.release()
        return None
