"""What a folder parsed to last time, kept on disk so that reopening it skips the parser.

A cold load of 10,000 story files spends over a second parsing. When the files have
not changed since the last load, the result cannot have changed either, so the loader
stats every file and takes the stories of the unchanged ones from here; only new and
changed files are parsed again.

One cache file per opened folder, named by a hash of the folder's absolute path, in a
directory the caller chooses (the app passes its per-user cache location). A story
folder is the user's: nothing is ever written into it.

Why the file looks the way it does (measured on 10,000 files, 100,000 events):

- Unpickling 240,000 frozen, slotted dataclasses runs each one's ``__setstate__`` in
  Python and takes about half a second, a third of a cold load. So the model is stored
  flat, as one column of primitives per dataclass field (the events' texts in one list,
  their line numbers in another, ...), serialized with ``marshal``, which reads
  strings, ints and tuples at memory speed.
- The objects are rebuilt column by column: allocate all events with
  ``object.__new__``, then fill one field of all of them with ``map`` over the slot's
  setter. That runs in C, about twice as fast as calling the dataclasses' ``__init__``.
- A date span is stored once per distinct value (as day ordinals and a precision
  index) and events refer to it by index; equal citation tuples are stored once.
- The file is memory-mapped rather than read, which saves copying it.

The format is checked before anything in it is trusted: a magic number, then
``FORMAT_VERSION`` (bump it whenever the layout written here changes), then a digest
of the model's field names and enum values (so a change to ``story.py`` invalidates
old files by itself) and of the interpreter's marshal flavour. A file that fails any
check, is truncated or does not decode is ignored and rewritten; a cache never stops a
folder from loading.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import marshal
import mmap
import os
import struct
import sys
import tempfile
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import MISSING, fields
from datetime import date
from itertools import accumulate, repeat
from operator import attrgetter
from pathlib import Path
from typing import Any

from viewer.model.story import DateSpan, Event, FileResult, Precision, Problem, Section, Severity, Source, Story

__all__ = ["FORMAT_VERSION", "FileStamp", "FolderCache", "ModelCache"]

_log = logging.getLogger(__name__)

FORMAT_VERSION = 1
"""The layout of a cache file; bump it on any change to how ``_encode`` writes one."""

FileStamp = tuple[int, int]
"""A file's size in bytes and modification time in nanoseconds (``st_size, st_mtime_ns``)."""

_MAGIC = b"TLVMODEL"
_HEADER = struct.Struct("<8sI")  # magic, FORMAT_VERSION

# An entry is trusted only for a file last modified at least this long before the
# folder was scanned. A file written within one tick of the clock that stamps mtimes
# could be written again in the same tick, with the same size, and look unchanged
# (git calls such index entries "racily clean"). Linux filesystems tick every few
# milliseconds, but FAT's mtime has a 2-second resolution. Such a file is parsed again
# next time, by then safely old, and cached then.
_RACY_WINDOW_NS = 2_000_000_000

# The classes a cache file holds, one table each, in the order they are rebuilt:
# a table only refers to tables before it.
_TABLES = (DateSpan, Event, Section, Source, Story, Problem, FileResult)
_PRECISIONS = tuple(Precision)
_SEVERITIES = tuple(Severity)
_PRECISION_INDEX = {p: i for i, p in enumerate(_PRECISIONS)}
_SEVERITY_INDEX = {s: i for i, s in enumerate(_SEVERITIES)}


def _schema_digest() -> bytes:
    """A digest of everything the stored columns depend on outside this module.

    The field names of each class, the order of the enums whose indexes are
    stored, and the interpreter (marshal's format may differ between versions).
    """
    schema = (
        sys.implementation.cache_tag,
        [(cls.__name__, [(f.name, f.init) for f in fields(cls)]) for cls in _TABLES],
        [p.value for p in _PRECISIONS],
        [s.value for s in _SEVERITIES],
    )
    return hashlib.blake2b(repr(schema).encode(), digest_size=16).digest()


_SCHEMA = _schema_digest()


class CacheUnusable(Exception):
    """A cache file that exists but cannot be used: wrong format, folder or shape."""


class ModelCache:
    """Parsed folders kept on disk, one file per folder, for fast reopening.

    Thread-safe as far as files go: a cache file is replaced atomically, so a
    reader sees the old file or the new one, never a half-written one.

    Args:
        directory: where the cache files live; created on first write. Never a
            story folder, nor inside one (a write there is refused): the
            folder's watcher would see the cache change and reload.
    """

    def __init__(self, directory: Path) -> None:
        self._directory = Path(directory)

    @property
    def directory(self) -> Path:
        """The directory that holds the cache files."""
        return self._directory

    def path_for(self, folder: Path) -> Path:
        """The cache file of a story folder (which may not exist yet).

        Args:
            folder: the story folder, absolute and resolved.
        """
        digest = hashlib.blake2b(os.fsencode(os.fspath(folder)), digest_size=16).hexdigest()
        return self._directory / f"{digest}.model"

    def open_folder(
        self, folder: Path, stamps: Mapping[str, FileStamp | None], scan_started_ns: int,
    ) -> FolderCache:
        """Read a folder's cache file and pick out the results still valid.

        Never raises: a missing, unreadable or corrupt file gives no results.

        Args:
            folder: the story folder, absolute and resolved.
            stamps: every story file's relative path and its stamp as just
                statted (None where the stat failed: never taken from the cache).
            scan_started_ns: ``time.time_ns()`` from before the files were
                statted; files modified shortly before it are not cached.

        Returns:
            The unchanged files' results, and what is needed to write the cache back.
        """
        path = self.path_for(folder)
        stored: dict[str, FileStamp] | None = None
        unchanged: dict[str, FileResult] = {}
        try:
            stored, unchanged = _read_cache_file(path, folder, stamps)
        except FileNotFoundError:
            pass
        except Exception as exc:  # noqa: BLE001 - whatever is wrong with a cache, the folder still loads
            _log.info("ignoring the cache file %s: %s: %s", path, type(exc).__name__, exc)
        return FolderCache(self, folder, dict(stamps), scan_started_ns, stored, unchanged)


class FolderCache:
    """One folder's cache as read at the start of a load, and its write-back.

    Made by ``ModelCache.open_folder``; ``unchanged`` holds the results that
    need no parsing, and ``store`` writes the cache back after the load.
    """

    def __init__(
        self,
        cache: ModelCache,
        folder: Path,
        stamps: dict[str, FileStamp | None],
        scan_started_ns: int,
        stored: dict[str, FileStamp] | None,
        unchanged: dict[str, FileResult],
    ) -> None:
        self._cache = cache
        self._folder = folder
        self._stamps = stamps
        self._scan_started_ns = scan_started_ns
        # What the cache file on disk holds (None: no usable file): when a load
        # would store exactly this again, the write is skipped.
        self._stored = stored
        self.unchanged: dict[str, FileResult] = unchanged
        """Results of the files whose size and mtime match their cached entry."""

    def store(self, results: Mapping[str, FileResult]) -> bool:
        """Write the cache file back if its entries would change.

        Stores every result whose file has a stamp and was not modified within
        the racy window before the scan. Never raises: a failed write is logged
        and the next load simply parses more.

        Args:
            results: the loaded folder's results, by relative path.

        Returns:
            True when the cache file was written.
        """
        newest_trusted = self._scan_started_ns - _RACY_WINDOW_NS
        entries: dict[str, FileStamp] = {}
        for rel in results:
            stamp = self._stamps.get(rel)
            if stamp is not None and stamp[1] < newest_trusted:
                entries[rel] = stamp
        if entries == self._stored:
            return False
        directory = self._cache.directory
        with contextlib.suppress(OSError):
            if directory.resolve().is_relative_to(self._folder):
                _log.warning("not writing a model cache inside the story folder %s", self._folder)
                return False
        path = self._cache.path_for(self._folder)
        try:
            payload = _encode(self._folder, entries, [results[rel] for rel in entries])
            _write_atomically(path, payload)
        except Exception as exc:  # noqa: BLE001 - OSError, or marshal meeting a type it cannot store
            _log.warning("cannot write the cache file %s: %s: %s", path, type(exc).__name__, exc)
            return False
        self._stored = entries
        return True


def _read_cache_file(
    path: Path, folder: Path, stamps: Mapping[str, FileStamp | None],
) -> tuple[dict[str, FileStamp], dict[str, FileResult]]:
    """The entries a cache file holds, and the results of those still matching ``stamps``."""
    with open(path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as mapped:
        if len(mapped) < _HEADER.size:
            raise CacheUnusable("truncated header")
        magic, version = _HEADER.unpack_from(mapped)
        if magic != _MAGIC:
            raise CacheUnusable("not a model cache file")
        if version != FORMAT_VERSION:
            raise CacheUnusable(f"format {version}, not {FORMAT_VERSION}")
        with memoryview(mapped) as view, view[_HEADER.size:] as body:
            schema, stored_folder, tables = marshal.loads(body)
    if schema != _SCHEMA:
        raise CacheUnusable("written for another model or interpreter")
    if stored_folder != os.fspath(folder):
        raise CacheUnusable(f"written for {stored_folder!r}")
    files = tables["files"]
    rels, sizes, mtimes = files["file"], files["size"], files["mtime_ns"]
    _check_lengths("files", files, len(rels))
    stored = dict(zip(rels, zip(sizes, mtimes)))
    matching = [stamps.get(rel) == stamp for rel, stamp in stored.items()]
    if not any(matching):
        return stored, {}
    results = _decode(tables)
    unchanged = {rel: result for rel, result, match in zip(rels, results, matching) if match}
    return stored, unchanged


def _write_atomically(path: Path, payload: bytes) -> None:
    """Write a cache file so that no reader ever sees it half written.

    No fsync: after a crash the file may be truncated, which a reader detects
    and ignores, and the next load rewrites it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(_HEADER.pack(_MAGIC, FORMAT_VERSION))
            out.write(payload)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# --- Flat columns -------------------------------------------------------------------
#
# A table is {field name: list of values}, one entry per instance, instances in
# file order. A field that holds another model object stores that object's index
# in its table (-1 for None); a field that holds a tuple of them stores how many
# (they follow each other in the child table); enums store their index. Fields
# with ``init=False`` (Section's lazily computed heading split) are not stored:
# they are reset to their default and recomputed on first use, as after parsing.


def _encode(folder: Path, entries: Mapping[str, FileStamp], results: list[FileResult]) -> bytes:
    """The marshal payload of a cache file holding ``results`` (stamped by ``entries``)."""
    stories = [r.story for r in results if r.story is not None]
    problems = [p for r in results for p in r.problems]
    sections = [s for story in stories for s in story.sections]
    events = [e for story in stories for e in story.events]
    sources = [s for story in stories for s in story.sources]

    citations: dict[tuple[int, ...], tuple[int, ...]] = {}
    span_refs: dict[int, int] = {}  # id(span) -> index; most events share span objects
    span_index: dict[tuple[int, int, int], int] = {}
    spans: list[DateSpan] = []

    def span_ref(span: DateSpan | None) -> int:
        if span is None:
            return -1
        ref = span_refs.get(id(span))
        if ref is None:
            key = (span.start.toordinal(), span.end.toordinal(), _PRECISION_INDEX[span.precision])
            ref = span_index.setdefault(key, len(spans))
            if ref == len(spans):
                spans.append(span)
            span_refs[id(span)] = ref
        return ref

    def interned(value: tuple[int, ...]) -> tuple[int, ...]:
        return citations.setdefault(value, value)

    story_refs = iter(range(len(stories)))
    tables = {
        "files": {
            "file": list(entries),
            "size": [stamp[0] for stamp in entries.values()],
            "mtime_ns": [stamp[1] for stamp in entries.values()],
        },
        "FileResult": _columns(FileResult, results, {
            "story": lambda story: -1 if story is None else next(story_refs),
            "problems": len,
        }),
        "Story": _columns(Story, stories, {"sections": len, "events": len, "sources": len}),
        "Section": _columns(Section, sections, {"citations": interned}),
        "Event": _columns(Event, events, {"span": span_ref, "citations": interned}),
        "Source": _columns(Source, sources, {}),
        "Problem": _columns(Problem, problems, {"severity": _SEVERITY_INDEX.__getitem__}),
    }
    # After the events: span_ref has collected the distinct spans while they were encoded.
    tables["DateSpan"] = _columns(DateSpan, spans, {
        "start": date.toordinal, "end": date.toordinal, "precision": _PRECISION_INDEX.__getitem__,
    })
    return marshal.dumps((_SCHEMA, os.fspath(folder), tables), marshal.version)


def _columns(cls: type, objects: list[Any], convert: Mapping[str, Callable[[Any], Any]]) -> dict[str, list[Any]]:
    """One list per stored field of ``cls``, each value passed through ``convert[field]`` if given."""
    columns = {}
    for f in fields(cls):
        if not f.init:
            continue
        values: Iterable[Any] = map(attrgetter(f.name), objects)
        if f.name in convert:
            values = map(convert[f.name], values)
        columns[f.name] = list(values)
    return columns


def _decode(tables: Mapping[str, Mapping[str, list[Any]]]) -> list[FileResult]:
    """Rebuild the files' results, in the order of ``tables["files"]``."""
    columns = {cls: _table(tables, cls) for cls in _TABLES}

    span_columns = columns[DateSpan]
    spans = _build(DateSpan, {
        "start": map(date.fromordinal, span_columns["start"]),
        "end": map(date.fromordinal, span_columns["end"]),
        "precision": map(_PRECISIONS.__getitem__, span_columns["precision"]),
    }, _count(span_columns))
    spans.append(None)  # index -1: undated

    event_columns = columns[Event]
    events = _build(Event, {**event_columns, "span": map(spans.__getitem__, event_columns["span"])},
                    _count(event_columns))
    sections = _build(Section, columns[Section], _count(columns[Section]))
    sources = _build(Source, columns[Source], _count(columns[Source]))

    story_columns = columns[Story]
    stories = _build(Story, {
        **story_columns,
        "sections": _grouped(sections, story_columns["sections"]),
        "events": _grouped(events, story_columns["events"]),
        "sources": _grouped(sources, story_columns["sources"]),
    }, _count(story_columns))
    stories.append(None)  # index -1: a file with no usable story

    problem_columns = columns[Problem]
    problems = _build(Problem, {
        **problem_columns, "severity": map(_SEVERITIES.__getitem__, problem_columns["severity"]),
    }, _count(problem_columns))

    result_columns = columns[FileResult]
    if result_columns["file"] != tables["files"]["file"]:
        raise CacheUnusable("results out of step with the file list")
    return _build(FileResult, {
        **result_columns,
        "story": map(stories.__getitem__, result_columns["story"]),
        "problems": _grouped(problems, result_columns["problems"]),
    }, _count(result_columns))


def _table(tables: Mapping[str, Mapping[str, list[Any]]], cls: type) -> dict[str, list[Any]]:
    """The stored columns of ``cls``, checked to be the fields it has, all of one length."""
    columns = dict(tables[cls.__name__])
    expected = {f.name for f in fields(cls) if f.init}
    if set(columns) != expected:
        raise CacheUnusable(f"{cls.__name__} columns {sorted(columns)}, expected {sorted(expected)}")
    _check_lengths(cls.__name__, columns, _count(columns))
    return columns


def _count(columns: Mapping[str, list[Any]]) -> int:
    return len(next(iter(columns.values()))) if columns else 0


def _check_lengths(name: str, columns: Mapping[str, list[Any]], count: int) -> None:
    """Refuse a table whose columns differ in length: ``map`` would quietly stop short."""
    for field_name, column in columns.items():
        if not isinstance(column, list) or len(column) != count:
            raise CacheUnusable(f"{name}.{field_name} is not a list of {count} values")


def _grouped(children: list[Any], counts: list[int]) -> Iterator[tuple[Any, ...]]:
    """Consecutive runs of ``children``, ``counts[i]`` of them for parent ``i``."""
    stops = list(accumulate(counts))
    if (stops[-1] if stops else 0) != len(children) or any(c < 0 for c in counts):
        raise CacheUnusable("child counts do not add up")
    starts = [0, *stops[:-1]]
    # Slicing a tuple gives the tuple each parent holds, with no list in between.
    return map(tuple(children).__getitem__, map(slice, starts, stops))


_SETTERS: dict[type, list[tuple[str, bool, Any, Callable[[Any, Any], None]]]] = {}


def _setters(cls: type) -> list[tuple[str, bool, Any, Callable[[Any, Any], None]]]:
    """Per field of ``cls``: its name, whether it is stored, its default, its slot's setter."""
    found = _SETTERS.get(cls)
    if found is None:
        if hasattr(cls, "__post_init__"):
            raise CacheUnusable(f"{cls.__name__} has a __post_init__ that rebuilding would skip")
        found = []
        for f in fields(cls):
            if not f.init and f.default is MISSING:
                raise CacheUnusable(f"{cls.__name__}.{f.name} has no default to rebuild it with")
            found.append((f.name, f.init, f.default, cls.__dict__[f.name].__set__))
        _SETTERS[cls] = found
    return found


def _build(cls: type, columns: Mapping[str, Iterable[Any]], count: int) -> list[Any]:
    """``count`` instances of a frozen slotted dataclass, filled from columns.

    Equivalent to calling ``cls(*row)`` for every row: the dataclass
    ``__init__`` does nothing but set each slot (these classes have no
    ``__post_init__``). Here a ``map`` over the slot descriptor's setter fills
    one field of every instance at a time, in C, about twice as fast.
    """
    instances = list(map(object.__new__, repeat(cls, count)))
    for name, stored, default, setter in _setters(cls):
        values = columns[name] if stored else repeat(default, count)
        deque(map(setter, instances, values), maxlen=0)
    return instances
