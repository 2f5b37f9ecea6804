"""What a folder parsed to last time, kept on disk so that reopening it skips the parser.

A cold load of 10,000 story files spends over a second parsing. When the files have
not changed since the last load, the result cannot have changed either, so the loader
stats every file and takes the stories of the unchanged ones from here; only new and
changed files are parsed again.

One cache file per opened folder, named by a hash of the folder's absolute path, in a
directory the caller chooses (the app passes its per-user cache location). A story
folder is the user's: nothing is ever written into it.

Why the file looks the way it does (measured on 10,000 files, 100,000 events, by
``tests/benchmarks/bench_cache.py``):

- Unpickling the 240,000 model objects one by one (the frozen dataclasses through
  ``__setstate__`` in Python) takes a third of a cold load. So the model is stored flat, one column
  of primitives per field (the events' texts in one list, their line numbers in
  another, ...), each serialized with ``marshal``, which reads strings and tuples at
  memory speed. Int columns are stored as packed machine words.
- The objects are rebuilt in C: the named tuples (events, date spans, sections,
  stories, file results) from ``zip`` over their columns; the frozen dataclasses
  (sources, problems) by allocating all instances with ``object.__new__`` and
  filling one field of all of them with ``map`` over the slot's setter, twice as
  fast as calling their ``__init__``. Both 8,192 objects at a time, so that the
  window's GUI thread gets the interpreter in between.
- Values that repeat are stored, and rebuilt, once: date spans (as day ordinals and a
  precision index) and sources are tables that events and stories refer to by index;
  equal citation tuples and date texts become marshal back-references.
- The file is memory-mapped rather than read, which saves copying it.

What is left is mostly creating 60 MB of strings and touching each once.

The format is checked before anything in it is trusted: a magic number, then
``FORMAT_VERSION`` (bump it whenever the layout written here changes), then a CRC-32
of the payload, checked before ``marshal`` sees a byte of it (a flipped bit in a story's
text would otherwise decode fine and show altered text; and marshal is not meant for
damaged input), then a digest of the model's field names and enum values (so a change
to ``story.py`` invalidates old files by itself) and of the interpreter's marshal
flavour. As the model is rebuilt, every column is checked for the types its field
holds (taken from the model's annotations) and every index, count and enum for its
range: a damaged file that still decodes must not hand the views a line number that is
a string, or a story that is another's. A file that fails any check, is truncated or
does not decode is logged, deleted and rewritten from a fresh parse; a cache never
stops a folder from loading.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import logging
import marshal
import mmap
import os
import struct
import sys
import tempfile
import types
import typing
import zlib
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import MISSING, fields
from datetime import date
from itertools import accumulate, chain, compress, count, islice, repeat
from operator import attrgetter, eq, is_not, methodcaller
from pathlib import Path
from typing import Any

from viewer.model.story import (
    FIRST_YEAR,
    DateSpan,
    Day,
    Event,
    FileResult,
    Precision,
    Problem,
    Section,
    Severity,
    Source,
    Story,
    day_from_ordinal,
    make_day,
)

__all__ = ["FORMAT_VERSION", "FileStamp", "FolderCache", "ModelCache", "pack_results", "unpack_results"]

_log = logging.getLogger(__name__)

FORMAT_VERSION = 4
"""The layout of a cache file; bump it on any change to how ``_encode`` writes one.

3: each column is marshalled on its own (one marshal call over a 100,000-file
folder held the interpreter for 0.1 s, stalling the window's GUI thread).
4: the header carries a CRC-32 of the payload."""

FileStamp = tuple[int, int]
"""A file's size in bytes and modification time in nanoseconds (``st_size, st_mtime_ns``)."""

_MAGIC = b"TLVMODEL"
_HEADER = struct.Struct("<8sII")  # magic, FORMAT_VERSION, CRC-32 of the payload after the header

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
_SEVERITY_INDEX = {s: i for i, s in enumerate(_SEVERITIES)}


def _is_named_tuple(cls: type) -> bool:
    return issubclass(cls, tuple) and hasattr(cls, "_fields")


def _field_names(cls: type) -> list[tuple[str, bool]]:
    """Each field of a model class (a named tuple or a dataclass), and whether it is stored.

    A dataclass field with ``init=False`` (Section's lazily computed heading
    split) is not stored: it gets its default, as after parsing.
    """
    if _is_named_tuple(cls):
        return [(name, True) for name in getattr(cls, "_fields")]  # noqa: B009 - mypy knows no _fields on type
    return [(f.name, f.init) for f in fields(cls)]


def _stored_fields(cls: type) -> list[str]:
    return [name for name, stored in _field_names(cls) if stored]


def _schema_digest() -> bytes:
    """A digest of everything the stored columns depend on outside this module.

    The field names of each class, the order of the enums whose indexes are
    stored, the interpreter (marshal's format may differ between versions),
    and the source of the modules that turn bytes into stories: a parser that
    reads a file differently must not be served yesterday's reading of it.
    """
    schema = (
        sys.implementation.cache_tag,
        _parser_source_digest(),
        [(cls.__name__, _field_names(cls)) for cls in _TABLES],
        [p.value for p in _PRECISIONS],
        [s.value for s in _SEVERITIES],
    )
    return hashlib.blake2b(repr(schema).encode(), digest_size=16).digest()


def _parser_source_digest() -> str:
    """A digest of the parsing modules' source (a few tens of kilobytes, read once)."""
    digest = hashlib.blake2b(digest_size=16)
    here = Path(__file__).resolve().parent
    for name in ("dates.py", "decoding.py", "headings.py", "loader.py", "parser.py", "story.py"):
        try:
            digest.update((here / name).read_bytes())
        except OSError:
            # No source to read (a frozen app): fall back to the package version.
            from viewer import __version__

            digest.update(__version__.encode())
    return digest.hexdigest()


_SCHEMA = _schema_digest()


class CacheUnusable(Exception):
    """A cache file that exists but cannot be used: wrong format, folder or shape."""


class CacheOutdated(CacheUnusable):
    """A sound cache file written by another version of the app: expected after an update."""


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
            # Deleted at once, not only replaced after the load: a file that
            # fails here must never be read again, even if this load is
            # cancelled or its write-back fails.
            level = logging.INFO if isinstance(exc, CacheOutdated) else logging.WARNING
            _log.log(level, "discarding the cache file %s: %s: %s", path, type(exc).__name__, exc)
            with contextlib.suppress(OSError):
                path.unlink()
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
        stored = self._stored
        if (stored is not None and len(self.unchanged) == len(stored)
                and results.keys() == self.unchanged.keys()):
            # Every stored entry matched and nothing else was loaded: the
            # entries below would be the stored ones (4 ms saved on 10,000 files).
            return False
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
        magic, version, checksum = _HEADER.unpack_from(mapped)
        if magic != _MAGIC:
            raise CacheUnusable("not a model cache file")
        if version != FORMAT_VERSION:
            raise CacheOutdated(f"format {version}, not {FORMAT_VERSION}")
        with memoryview(mapped) as view, view[_HEADER.size:] as body:
            # zlib lets other threads run while it sums (40 ms for 50 MB).
            if zlib.crc32(body) != checksum:
                raise CacheUnusable("the checksum does not match: the file is damaged")
            schema, stored_folder, tables = marshal.loads(body)
    if schema != _SCHEMA:
        raise CacheOutdated("written for another model or interpreter")
    if stored_folder != os.fspath(folder):
        raise CacheUnusable(f"written for {stored_folder!r}")
    files, _ = _table(tables, "files", {"file": _of_types({str}), "size": _COUNT, "mtime_ns": _of_types({int})})
    rels = files["file"]
    stored_stamps = list(zip(files["size"], files["mtime_ns"]))
    matching = list(map(eq, map(stamps.get, rels), stored_stamps))
    stored = dict(zip(rels, stored_stamps))
    if not any(matching):
        return stored, {}
    results = _decode(tables)
    if list(map(attrgetter("file"), results)) != rels:
        raise CacheUnusable("results out of step with the file list")
    return stored, dict(compress(zip(rels, results), matching))


def _write_atomically(path: Path, payload: bytes) -> None:
    """Write a cache file so that no reader ever sees it half written.

    No fsync: after a crash the file may be truncated, which a reader detects
    and ignores, and the next load rewrites it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(_HEADER.pack(_MAGIC, FORMAT_VERSION, zlib.crc32(payload)))
            out.write(payload)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


# --- Flat columns -------------------------------------------------------------------
#
# A table is {field name: column}, a column holding one value per instance, in file
# order. A field that holds a tuple of child objects stores how many (the children
# follow each other in the child's table); a field that holds one model object
# stores its index in that object's table (-1 for None); enums store their index.
# Values that repeat (date spans, sources, citation tuples, date texts) are stored
# once, and so are built once. Fields with ``init=False`` (Section's lazily
# computed heading split) are not stored: they get their default, as after parsing.


def _encode(folder: Path, entries: Mapping[str, FileStamp], results: list[FileResult]) -> bytes:
    """The marshal payload of a cache file holding ``results`` (stamped by ``entries``)."""
    stories = [r.story for r in results if r.story is not None]
    problems = _flattened(results, "problems")
    events = _flattened(stories, "events")
    span_refs, span_table = _distinct(DateSpan, list(map(attrgetter("span"), events)), {
        "start": lambda column: list(map(_TO_ORDINAL, column)),  # dates before AD 1 too
        "end": lambda column: list(map(_TO_ORDINAL, column)),
        "precision": lambda column: list(map(attrgetter("rank"), column)),
    })
    source_refs, source_table = _distinct(Source, _flattened(stories, "sources"), {})
    seen: dict[Any, Any] = {}

    def shared(column: list[Any]) -> list[Any]:
        # The first of equal values stands for all: marshal then writes a
        # back-reference instead of the value again, and the reader builds it once.
        return list(map(seen.setdefault, column, column))

    def counts(column: list[tuple[Any, ...]]) -> list[int]:
        return list(map(len, column))

    def story_refs(column: list[Story | None]) -> list[int]:
        numbers = iter(range(len(stories)))  # stories are numbered in file order
        return [-1 if story is None else next(numbers) for story in column]

    tables: dict[str, dict[str, list[Any]]] = {
        "files": {
            "file": list(entries),
            "size": [stamp[0] for stamp in entries.values()],
            "mtime_ns": [stamp[1] for stamp in entries.values()],
        },
        "FileResult": _columns(FileResult, results, {"story": story_refs, "problems": counts}),
        "Story": _columns(Story, stories, {"sections": counts, "events": counts, "sources": counts}),
        "Story.sources": {"source": source_refs},
        "Section": _columns(Section, _flattened(stories, "sections"), {"citations": shared}),
        "Event": _columns(Event, events, {
            "date_text": shared, "span": lambda _: span_refs, "citations": shared,
        }),
        "Source": source_table,
        "DateSpan": span_table,
        "Problem": _columns(Problem, problems, {
            "severity": lambda column: list(map(_SEVERITY_INDEX.__getitem__, column)),
        }),
    }
    # One marshal call per column, not one for the whole file: a marshal call
    # never lets another thread run, and the file is written and read on a
    # worker thread while the window must stay responsive.
    packed = {name: {field: marshal.dumps(_packed(column), marshal.version) for field, column in table.items()}
              for name, table in tables.items()}
    return marshal.dumps((_SCHEMA, os.fspath(folder), packed), marshal.version)


def pack_results(results: list[FileResult]) -> bytes:
    """Results as bytes, in the cache's flat format, for another process to rebuild.

    The parse pool's workers (``viewer.model.pool``) send their results this
    way: unpickling a hundred thousand model objects one by one would cost the
    loading process about as much as parsing them.
    """
    return _encode(Path(), {r.file: (0, 0) for r in results}, results)


def unpack_results(payload: bytes) -> list[FileResult]:
    """``pack_results`` undone, in the same order.

    Raises:
        CacheUnusable: the bytes were packed by another model or interpreter,
            or are not a payload at all.
    """
    try:
        schema, _, tables = marshal.loads(payload)
    except (ValueError, EOFError, TypeError) as exc:
        raise CacheUnusable(f"not a packed payload: {exc}") from exc
    if schema != _SCHEMA:
        raise CacheUnusable("packed by another model or interpreter")
    return _decode(tables)


def _flattened(objects: list[Any], name: str) -> list[Any]:
    """The items of each object's tuple attribute ``name``, one after the other."""
    return list(chain.from_iterable(map(attrgetter(name), objects)))


def _distinct(
    cls: type, values: list[Any], convert: Mapping[str, Callable[[list[Any]], list[Any]]],
) -> tuple[list[int], dict[str, list[Any]]]:
    """A table of the distinct values among ``values``, and each value's index in it.

    Values are equal when their stored rows are, compared as tuples of
    primitives (all in C); None's index is -1. Most uses of a value share one
    object already (the parser caches a date's span by its text), so each
    object is encoded once.

    Returns:
        The index of each value, and the table's columns (values in order of first use).
    """
    by_identity = dict(zip(map(id, values), values))
    by_identity.pop(id(None), None)
    objects = list(by_identity.values())
    columns = _columns(cls, objects, convert)
    rows = list(zip(*columns.values()))
    index_of_row = dict(zip(dict.fromkeys(rows), count()))
    index_of_id = dict(zip(map(id, objects), map(index_of_row.__getitem__, rows)))
    index_of_id[id(None)] = -1
    distinct = list(zip(*index_of_row)) or [()] * len(columns)
    return list(map(index_of_id.__getitem__, map(id, values))), dict(zip(columns, map(list, distinct)))


def _columns(
    cls: type, objects: list[Any], convert: Mapping[str, Callable[[list[Any]], list[Any]]],
) -> dict[str, list[Any]]:
    """One list per stored field of ``cls``, passed through ``convert[field]`` if given."""
    columns = {}
    for name in _stored_fields(cls):
        column = list(map(attrgetter(name), objects))
        columns[name] = convert[name](column) if name in convert else column
    return columns


def _packed(column: list[Any]) -> list[Any] | tuple[str, bytes]:
    """A column of ints as one string of machine words, any other column as it is.

    marshal reads a million ints one object at a time; as bytes they load at
    memory speed and ``array`` hands them out as ints. A field holds one type
    (or None), so a column of bools starts with a bool and is left alone, and
    ``array`` refuses a column with a None or a str further on.
    """
    if column and type(column[0]) is int:
        with contextlib.suppress(TypeError, OverflowError):
            return ("q", array("q", column).tobytes())
    return column


def _unpacked(stored: Any) -> Sequence[Any]:
    """A stored column as a sequence of values: its marshalling and ``_packed`` undone, anything unknown refused."""
    if not isinstance(stored, bytes):
        raise CacheUnusable(f"a column stored as {type(stored).__name__}")
    try:
        column = marshal.loads(stored)
    except (ValueError, EOFError, TypeError) as exc:
        raise CacheUnusable(f"a column does not decode: {exc}") from exc
    if isinstance(column, tuple) and len(column) == 2 and column[0] == "q":
        values = array("q")
        values.frombytes(column[1])
        return values
    if not isinstance(column, list):
        raise CacheUnusable(f"a column of {type(column).__name__}")
    return column


def _decode(tables: Mapping[str, Mapping[str, Any]]) -> list[FileResult]:
    """Rebuild the files' results, in the order of ``tables["files"]``.

    Every column is checked before it is used (``_table``): values by the
    type their field is annotated with, and what this module stores in place
    of an object (an index into another table, a count of children, an enum's
    index, a day ordinal) for its range. A negative index would otherwise
    quietly pick an object from the end of its table.
    """
    span_columns, span_count = _table(tables, DateSpan, {
        "start": _ints(_MIN_ORDINAL, _MAX_ORDINAL), "end": _ints(_MIN_ORDINAL, _MAX_ORDINAL),
        "precision": _ints(0, len(_PRECISIONS) - 1), "time_of_day": _ints(0, 86_399, none=True),
    })
    spans = _build(DateSpan, {
        **span_columns,
        "start": _days(span_columns["start"]),
        "end": _days(span_columns["end"]),
        "precision": map(_PRECISIONS.__getitem__, span_columns["precision"]),
    }, span_count)
    spans.append(None)  # index -1: undated

    event_columns, event_count = _table(tables, Event, {"span": _ints(-1, span_count - 1), "line": _LINE})
    events = _build(Event, {**event_columns, "span": map(spans.__getitem__, event_columns["span"])},
                    event_count)
    sections = _build(Section, *_table(tables, Section, {"line": _LINE}))
    sources = _build(Source, *_table(tables, Source, {"line": _OPTIONAL_LINE}))
    story_sources, _ = _table(tables, "Story.sources", {"source": _ints(0, len(sources) - 1)})

    story_columns, story_count = _table(tables, Story, {
        "article_count": _ints(0, none=True), "sections": _COUNT, "events": _COUNT, "sources": _COUNT,
    })
    stories = _build(Story, {
        **story_columns,
        "sections": _grouped(sections, story_columns["sections"]),
        "events": _grouped(events, story_columns["events"]),
        "sources": _grouped(_in_chunks(map(sources.__getitem__, story_sources["source"])),
                            story_columns["sources"]),
    }, story_count)
    stories.append(None)  # index -1: a file with no usable story

    problem_columns, problem_count = _table(tables, Problem, {
        "line": _OPTIONAL_LINE, "severity": _ints(0, len(_SEVERITIES) - 1),
    })
    problems = _build(Problem, {
        **problem_columns, "severity": map(_SEVERITIES.__getitem__, problem_columns["severity"]),
    }, problem_count)

    result_columns, result_count = _table(tables, FileResult, {
        "story": _ints(-1, story_count - 1), "problems": _COUNT,
    })
    # Stories are stored in file order, one per file that has one, and each
    # names its file: a story can only ever come back as its own file's.
    story_refs = result_columns["story"]
    with_story = list(map((-1).__ne__, story_refs))
    if list(compress(story_refs, with_story)) != list(range(story_count)):
        raise CacheUnusable("stories out of step with their files")
    if list(compress(result_columns["file"], with_story)) != list(story_columns["file"]):
        raise CacheUnusable("a story stored under another file")
    return _build(FileResult, {
        **result_columns,
        "story": map(stories.__getitem__, story_refs),
        "problems": _grouped(problems, result_columns["problems"]),
    }, result_count)


ColumnCheck = Callable[[Sequence[Any]], "str | None"]
"""Looks at a whole column; returns what is wrong with it, or None."""

_MAX_ORDINAL = date.max.toordinal()
_MIN_ORDINAL = make_day(FIRST_YEAR, 1, 1).toordinal()
_TO_ORDINAL = methodcaller("toordinal")


def _days(ordinals: Sequence[int]) -> Iterator[Day]:
    """The days of a column of ordinals: ``date.fromordinal`` in C unless some are before AD 1."""
    if not ordinals or min(ordinals) >= 1:
        return map(date.fromordinal, ordinals)
    return map(day_from_ordinal, ordinals)


def _ints(least: int, most: int | None = None, none: bool = False) -> ColumnCheck:
    """A check for a column of ints from ``least`` to ``most`` (inclusive; None: no limit), or None if ``none``.

    Done in C (a set of the values' types, ``min`` and ``max``): a column
    holds up to a few hundred thousand values.
    """
    allowed = {int, type(None)} if none else {int}

    def check(column: Sequence[Any]) -> str | None:
        if not isinstance(column, array) and not set(map(type, column)) <= allowed:
            return "holds a value that is not an int"
        values: Sequence[Any] | list[int] = column
        if none and not isinstance(column, array):
            values = list(filter(functools.partial(is_not, None), column))
        if values and (min(values) < least or (most is not None and max(values) > most)):
            return f"holds a value outside {least}..{'' if most is None else most}"
        return None

    return check


_COUNT = _ints(0)
_LINE = _ints(1)
_OPTIONAL_LINE = _ints(1, none=True)

def _of_types(allowed: set[type]) -> ColumnCheck:
    """A check for a column whose values all have one of the ``allowed`` types (exactly: a bool is no int)."""
    def check(column: Sequence[Any]) -> str | None:
        if isinstance(column, array) and int in allowed:
            return None  # packed: ints by construction
        if set(map(type, column)) <= allowed:
            return None
        return f"holds a value that is not {' or '.join(sorted(t.__name__ for t in allowed))}"

    return check


_PLAIN_TYPES = {str, int, float, bool, bytes, type(None)}


@functools.cache
def _annotation_check(cls: type, name: str) -> ColumnCheck:
    """A check for a column of field ``name`` of ``cls``, from its annotation.

    Plain types and unions of them (``str``, ``str | None``), and tuples of
    one plain type (``tuple[int, ...]``). A field annotated with anything
    else needs a check given by ``_decode``; without one, no cache file is
    trusted (``CacheUnusable``), which the cache's tests notice at once.
    """
    hint = typing.get_type_hints(cls)[name]
    allowed = _plain_types(hint)
    if allowed is not None:
        return _of_types(allowed)
    items = typing.get_args(hint)
    if typing.get_origin(hint) is tuple and len(items) == 2 and items[1] is Ellipsis:
        item_types = _plain_types(items[0])
        if item_types is not None:
            def check(column: Sequence[Any]) -> str | None:
                if not set(map(type, column)) <= {tuple}:
                    return "holds a value that is not a tuple"
                # The items of each distinct tuple only: 100,000 events' citations
                # are a few dozen different tuples, checked in a quarter of the time.
                # Equal tuples merge, so a (True,) could hide behind a (1,): harmless.
                if not set(map(type, chain.from_iterable(set(column)))) <= item_types:
                    return "holds a tuple of the wrong type"
                return None

            return check
    raise CacheUnusable(f"{cls.__name__}.{name} is a {hint}, which the cache has no check for")


def _plain_types(hint: Any) -> set[type] | None:
    """The types a value annotated ``hint`` may have, if they are all plain (see ``_PLAIN_TYPES``)."""
    if hint is None:
        hint = type(None)
    if hint in _PLAIN_TYPES:
        return {hint}
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        found: set[type] = set()
        for arg in typing.get_args(hint):
            part = _plain_types(arg)
            if part is None:
                return None
            found |= part
        return found
    return None


def _table(
    tables: Mapping[str, Mapping[str, Any]], table: type | str, checks: Mapping[str, ColumnCheck],
) -> tuple[dict[str, Sequence[Any]], int]:
    """A stored table's columns and row count, checked: the expected fields, of one length, each value valid.

    Args:
        tables: the decoded cache file.
        table: a model class (its stored fields are expected, each checked by
            its annotation unless ``checks`` has its check) or a table's name.
        checks: checks of the columns that store something other than the
            field's value (see ``_decode``), or of every column of a table
            given by name.
    """
    if isinstance(table, type):
        name, names = table.__name__, _stored_fields(table)
    else:
        name, names = table, list(checks)
    columns = {field: _unpacked(column) for field, column in tables[name].items()}
    if set(columns) != set(names):
        raise CacheUnusable(f"{name} has columns {sorted(columns)}, expected {sorted(names)}")
    rows = len(next(iter(columns.values())))
    for field, column in columns.items():
        if len(column) != rows:  # map() would quietly stop at the shortest
            raise CacheUnusable(f"{name}.{field} has {len(column)} values, not {rows}")
        check = checks.get(field)
        if check is None:  # only a model class's field can be missing from checks (see above)
            check = _annotation_check(typing.cast(type, table), field)
        wrong = check(column)
        if wrong is not None:
            raise CacheUnusable(f"{name}.{field} {wrong}")
    return columns, rows


def _grouped(children: list[Any], counts: Sequence[int]) -> Iterator[tuple[Any, ...]]:
    """Consecutive runs of ``children``, ``counts[i]`` of them for parent ``i``."""
    stops = list(accumulate(counts))
    if (stops[-1] if stops else 0) != len(children) or (counts and min(counts) < 0):
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


def _build(cls: type, columns: Mapping[str, Iterable[Any]], rows: int) -> list[Any]:
    """``rows`` instances of a model class, filled from columns.

    A named tuple is made from each row in one C call. A frozen slotted
    dataclass's ``__init__`` does nothing but set each slot (these classes
    have no ``__post_init__``), so instead a ``map`` over the slot
    descriptor's setter fills one field of every instance at a time, in C,
    about twice as fast as calling it.
    """
    if _is_named_tuple(cls):
        names = getattr(cls, "_fields")  # noqa: B009 - as above
        return _in_chunks(map(tuple.__new__, repeat(cls, rows), zip(*(columns[name] for name in names))))
    instances: list[Any] = _in_chunks(map(object.__new__, repeat(cls, rows)))
    for name, stored, default, setter in _setters(cls):
        values = columns[name] if stored else repeat(default, rows)
        filling = map(setter, instances, values)
        while len(deque(islice(filling, _CHUNK), maxlen=1)) == 1:  # as _in_chunks: the GUI thread gets turns
            pass
    return instances


_CHUNK = 8192


def _in_chunks(iterator: Iterator[Any]) -> list[Any]:
    """``list(iterator)``, built ``_CHUNK`` items at a time.

    ``list(map(...))`` is one C call, and a C call never lets another thread
    have the interpreter: rebuilding 100,000 stories in one would stall the
    window's GUI thread for 0.4 s while the cache is read on a worker thread.
    Between chunks the interpreter switches threads as usual.
    """
    built: list[Any] = []
    while True:
        before = len(built)
        built.extend(islice(iterator, _CHUNK))
        if len(built) - before < _CHUNK:
            return built
