"""The model cache: a reopen gives what a cold load gives, and parses only what changed."""

import logging
import marshal
import os
import random
import shutil
import struct
import zlib
from array import array
from pathlib import Path

import pytest

import viewer.model.cache as cache_module
import viewer.model.loader as loader
from tests.conftest import SEEDS
from viewer.model import LoadCancelled, ModelCache, Precision, discover_story_files, load_folder, scan_story_files
from viewer.model.export import library_to_dict

# Files are dated well in the past: the cache does not trust a file modified
# within its racy window (2 s) before the scan, and these tests must not sleep.
OLD_NS = 1_600_000_000 * 10**9

STORIES = {
    "a.txt": "Alpha Story\nUpdated (2 articles)\nMarkets Rally The index rose [1].\nTimeline\n"
             "1960s – Founded [1]\nJan 3, 2026 – Launched [1][2]\nSomeday – Undatable [2]\n"
             "Sources\n[1] Reuters: Alpha — https://example.com/a\n[2] https://example.com/b\n",
    "sub/b.txt": "Beta Story\nTimeline\nSep 14–16, 2025 – Summit [1]\nQ3 2024 – Quarter [1]\n"
                 "Dec 12 – Yearless [1]\n",
    "sub/deeper/c.txt": "Gamma Story\nTimeline\nEarly 2025 – Things [3]\n2019–2021 – Range [1, 3]\n",
    "empty.txt": "",
    "latin.txt": "Caf\xe9 Story\nTimeline\n2020 – Caf\xe9 opened [1]\n".encode("cp1252"),
}


def write_story(folder: Path, rel: str, content: str | bytes, mtime_ns: int = OLD_NS) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    os.utime(path, ns=(mtime_ns, mtime_ns))


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    """A story folder with good, broken and nested files, plus the bundled seeds."""
    root = tmp_path / "stories"
    for rel, content in STORIES.items():
        write_story(root, rel, content)
    for seed in SEEDS.glob("*.txt"):
        write_story(root, f"seeds/{seed.name}", seed.read_bytes())
    return root


@pytest.fixture
def cache(tmp_path: Path) -> ModelCache:
    return ModelCache(tmp_path / "cache")


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The relative paths ``load_folder`` reads and parses, in order."""
    calls: list[str] = []
    real_load_files = loader.load_files

    def counting_load_files(root: Path, names: list[str], *args: object):
        calls.extend(names)
        return real_load_files(root, names, *args)

    monkeypatch.setattr(loader, "load_files", counting_load_files)
    return calls


def assert_same(library, expected) -> None:
    """Equal as exported, and as dataclasses (which also compares the fields not exported)."""
    assert library_to_dict(library) == library_to_dict(expected)
    assert library.stories == expected.stories
    assert library.problems == expected.problems
    assert library.results == expected.results


def test_reopen_equals_a_cold_load_and_parses_nothing(folder, cache, parsed):
    cold = load_folder(folder)
    assert_same(load_folder(folder, cache=cache), cold)
    parsed.clear()
    reopened = load_folder(folder, cache=cache)
    assert parsed == []
    assert_same(reopened, cold)
    assert len(reopened.stories) == 8 and reopened.problems
    spans = [e.span for s in reopened.stories for e in s.events if e.span is not None]
    assert {s.precision for s in spans} >= {Precision.DECADE, Precision.DAY, Precision.YEAR_PART}
    # The lazily computed heading split is not stored, but works as after parsing.
    section = reopened.stories[0].sections[0]
    assert (section.heading, section.body) == ("Markets Rally", "The index rose.")


def test_unchanged_reopen_does_not_rewrite_the_cache(folder, cache, monkeypatch):
    load_folder(folder, cache=cache)
    writes: list[Path] = []
    monkeypatch.setattr(cache_module, "_write_atomically", lambda path, payload: writes.append(path))
    load_folder(folder, cache=cache)
    assert writes == []


def test_editing_one_file_reparses_only_that_file(folder, cache, parsed):
    load_folder(folder, cache=cache)
    write_story(folder, "sub/b.txt", "Beta Story Revised\nTimeline\n2024 – Changed [1]\n", OLD_NS + 10**9)
    parsed.clear()
    library = load_folder(folder, cache=cache)
    assert parsed == ["sub/b.txt"]
    assert_same(library, load_folder(folder))
    assert library.results["sub/b.txt"].story.title == "Beta Story Revised"
    parsed.clear()
    assert_same(load_folder(folder, cache=cache), library)
    assert parsed == []


def test_same_size_new_mtime_is_reparsed(folder, cache, parsed):
    load_folder(folder, cache=cache)
    old = (folder / "sub/b.txt").read_text(encoding="utf-8")
    write_story(folder, "sub/b.txt", old.replace("Beta", "Bota"), OLD_NS + 1)
    parsed.clear()
    assert load_folder(folder, cache=cache).results["sub/b.txt"].story.title == "Bota Story"
    assert parsed == ["sub/b.txt"]


def test_removed_files_disappear_and_added_files_appear(folder, cache, parsed):
    load_folder(folder, cache=cache)
    (folder / "a.txt").unlink()
    shutil.rmtree(folder / "sub" / "deeper")
    write_story(folder, "new/d.txt", "Delta Story\nTimeline\n2021 – New [1]\n")
    parsed.clear()
    library = load_folder(folder, cache=cache)
    assert parsed == ["new/d.txt"]
    files = [s.file for s in library.stories]
    assert "a.txt" not in files and "sub/deeper/c.txt" not in files and "new/d.txt" in files
    assert_same(library, load_folder(folder))
    parsed.clear()
    assert_same(load_folder(folder, cache=cache), library)
    assert parsed == []


HEADER = struct.Struct("<8sII")  # magic, format version, CRC-32 of the payload


def with_header(data: bytes, payload: bytes, checksum: int | None = None) -> bytes:
    """``payload`` behind ``data``'s magic and version, with its own CRC-32 unless ``checksum`` is given."""
    magic, version, _ = HEADER.unpack_from(data)
    return HEADER.pack(magic, version, zlib.crc32(payload) if checksum is None else checksum) + payload


def corrupt_cache_file(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "garbage":
        path.write_bytes(b"\x00not a cache\xff" * 100)
    elif how == "empty":
        path.write_bytes(b"")
    elif how == "header only":
        path.write_bytes(data[:HEADER.size])
    elif how == "truncated":
        path.write_bytes(data[: len(data) // 2])
    elif how == "garbled body":
        path.write_bytes(data[:HEADER.size] + bytes(b ^ 0x5A for b in data[HEADER.size:]))
    elif how == "one bit flipped":  # in the middle of a story's text, as likely as anywhere
        middle = len(data) // 2
        path.write_bytes(data[:middle] + bytes([data[middle] ^ 0x04]) + data[middle + 1:])
    elif how == "wrong shape":
        schema, folder, _ = marshal.loads(data[HEADER.size:])
        path.write_bytes(with_header(data, marshal.dumps((schema, folder, (1, 2, 3)))))
    elif how == "older format":
        magic, version, checksum = HEADER.unpack_from(data)
        path.write_bytes(HEADER.pack(magic, version - 1, checksum) + data[HEADER.size:])
    elif how == "unreadable":
        path.unlink()
        path.mkdir()
    else:
        raise AssertionError(how)


@pytest.mark.parametrize("how", [
    "garbage", "empty", "header only", "truncated", "garbled body", "one bit flipped", "wrong shape",
    "older format",
])
def test_a_bad_cache_file_is_ignored_and_rebuilt(folder, cache, parsed, how, caplog):
    cold = load_folder(folder)
    load_folder(folder, cache=cache)
    corrupt_cache_file(cache.path_for(folder), how)
    parsed.clear()
    with caplog.at_level(logging.INFO, logger="viewer.model.cache"):
        assert_same(load_folder(folder, cache=cache), cold)
    assert len(parsed) == len(discover_story_files(folder))
    # One line in the log says why; a damaged file is a warning, one from an older version is not.
    [record] = caplog.records
    assert "discarding the cache file" in record.getMessage()
    assert record.levelno == (logging.INFO if how == "older format" else logging.WARNING)
    parsed.clear()
    assert_same(load_folder(folder, cache=cache), cold)
    assert parsed == []


def test_an_unreadable_cache_file_is_ignored(folder, cache, parsed):
    cold = load_folder(folder)
    load_folder(folder, cache=cache)
    corrupt_cache_file(cache.path_for(folder), "unreadable")
    parsed.clear()
    assert_same(load_folder(folder, cache=cache), cold)
    assert len(parsed) == len(discover_story_files(folder))
    assert not [p for p in cache.directory.iterdir() if p.name.endswith(".tmp")]


def test_a_cache_file_of_another_folder_is_ignored(tmp_path, folder, cache):
    other = tmp_path / "other"
    write_story(other, "x.txt", "Other Story\nTimeline\n2020 – Elsewhere [1]\n")
    load_folder(other, cache=cache)
    shutil.copyfile(cache.path_for(other.resolve()), cache.path_for(folder.resolve()))
    assert_same(load_folder(folder, cache=cache), load_folder(folder))


def test_the_story_folder_gets_no_new_files(folder, cache):
    def listing() -> list[tuple[str, int]]:
        return sorted((str(p.relative_to(folder)), p.stat().st_mtime_ns) for p in folder.rglob("*"))

    before = listing()
    load_folder(folder, cache=cache)
    write_story(folder, "a.txt", STORIES["a.txt"] + "2027 – Later [1]\n", OLD_NS + 10**9)
    before_reopen = listing()
    load_folder(folder, cache=cache)
    assert listing() == before_reopen
    assert len(before_reopen) == len(before)
    assert len(list(cache.directory.iterdir())) == 1  # the cache file went to the cache directory


def test_a_cache_directory_inside_the_story_folder_is_never_written(folder):
    inside = ModelCache(folder / ".cache")
    before = sorted(folder.rglob("*"))
    assert_same(load_folder(folder, cache=inside), load_folder(folder))
    assert sorted(folder.rglob("*")) == before


def test_a_file_modified_just_before_the_scan_is_not_trusted(folder, cache, parsed):
    # Written "now": a rewrite within the same mtime tick and of the same size
    # would look unchanged, so the file is not cached until it is older.
    path = folder / "a.txt"
    path.write_text(STORIES["a.txt"], encoding="utf-8")
    load_folder(folder, cache=cache)
    stamp = path.stat().st_mtime_ns
    path.write_text(STORIES["a.txt"].replace("Alpha", "Alfa!"), encoding="utf-8")
    os.utime(path, ns=(stamp, stamp))
    parsed.clear()
    assert load_folder(folder, cache=cache).results["a.txt"].story.title == "Alfa! Story"
    assert parsed == ["a.txt"]


def test_progress_and_cancel_with_a_cache(folder, cache):
    load_folder(folder, cache=cache)
    write_story(folder, "a.txt", STORIES["a.txt"] + "2027 – Later [1]\n", OLD_NS + 10**9)
    calls: list[tuple[int, int]] = []
    load_folder(folder, progress=lambda done, total: calls.append((done, total)), cache=cache)
    total = len(discover_story_files(folder))
    assert calls[-1] == (total, total)
    assert [done for done, _ in calls] == sorted(done for done, _ in calls)
    assert calls[0] == (total - 1, total)  # all but the edited file came from the cache
    with pytest.raises(LoadCancelled):
        load_folder(folder, is_cancelled=lambda: True, cache=cache)


def test_scan_finds_what_discovery_finds(tmp_path):
    root = tmp_path / "walk"
    for rel in ["a.txt", "B.TXT", "x.md", ".hidden.txt", ".git/c.txt", "sub/d.txt", "sub/.e.txt"]:
        write_story(root, rel, "T\n")
    (root / "dir.txt").mkdir()
    (root / "linked").symlink_to(root / "sub", target_is_directory=True)
    (root / "broken.txt").symlink_to(root / "missing.txt")
    expected = ["B.TXT", "a.txt", "broken.txt", "sub/d.txt"]
    assert discover_story_files(root) == expected
    stamps = scan_story_files(root)
    assert list(stamps) == expected
    assert stamps["broken.txt"] is None
    assert stamps["a.txt"] == (2, OLD_NS)


def test_a_broken_link_is_loaded_but_never_cached(tmp_path, cache, monkeypatch):
    root = tmp_path / "links"
    write_story(root, "a.txt", "Good Story\nTimeline\n2020 – Fine [1]\n")
    (root / "broken.txt").symlink_to(root / "missing.txt")
    load_folder(root, cache=cache)
    writes: list[Path] = []
    monkeypatch.setattr(cache_module, "_write_atomically", lambda path, payload: writes.append(path))
    library = load_folder(root, cache=cache)
    assert [p.file for p in library.problems] == ["broken.txt"]
    assert writes == []  # nothing storable changed: the cache is not rewritten every time


def test_a_changed_parser_invalidates_the_cache(folder, cache, parsed, monkeypatch):
    load_folder(folder, cache=cache)
    parsed.clear()
    # The digest covers the parsing modules' source; a different one stands
    # for a new version of the parser, whose reading may differ.
    monkeypatch.setattr(cache_module, "_SCHEMA", b"another parser!!")
    load_folder(folder, cache=cache)
    assert sorted(parsed) == sorted(discover_story_files(folder))



# --- A damaged cache file, thousands of ways -----------------------------------------
#
# Two kinds of damage. Bytes changed on disk (bits flipped, the file cut short or grown,
# columns swapped) keep the checksum written with the file, which must catch them
# all, including changes that would still decode into altered text. Files that are
# well formed, checksum included, but hold what the writer never writes (a value of
# another type, an index or count out of range, a column missing or short) stand for
# anything the checksum could let through (or a bug in the writer): the checks made
# while the model is rebuilt must catch those. Either way the folder must open with
# exactly the stories and problems of a fresh parse, and the bad file must be gone.

# Columns holding an index, a count, an enum or a line number: a negative value in
# any of them is invalid, and in the index and enum ones so is one past the end.
RANGED = {
    ("files", "size"), ("FileResult", "story"), ("FileResult", "problems"), ("Story", "sections"),
    ("Story", "events"), ("Story", "sources"), ("Story", "article_count"), ("Story.sources", "source"),
    ("Section", "line"), ("Event", "span"), ("Event", "line"), ("Source", "line"),
    ("DateSpan", "start"), ("DateSpan", "end"), ("DateSpan", "precision"), ("Problem", "line"),
    ("Problem", "severity"),
}
INDEXES = {("FileResult", "story"), ("Story.sources", "source"), ("Event", "span"),
           ("DateSpan", "precision"), ("Problem", "severity")}


def column_values(blob: bytes) -> list:
    """A stored column as a list of values (a packed int column unpacked)."""
    column = marshal.loads(blob)
    if isinstance(column, tuple):
        values = array("q")
        values.frombytes(column[1])
        return list(values)
    return list(column)


def damaged_bytes(data: bytes, rng: random.Random) -> bytes:
    """``data`` changed on disk: the checksum in its header is left as written."""
    kind = rng.randrange(6)
    if kind == 0:  # a few bits flipped anywhere, header included
        damaged = bytearray(data)
        for _ in range(rng.randint(1, 4)):
            damaged[rng.randrange(len(damaged))] ^= 1 << rng.randrange(8)
        return bytes(damaged)
    if kind == 1:  # a byte overwritten
        at = rng.randrange(len(data))
        return data[:at] + bytes([rng.randrange(256)]) + data[at + 1:]
    if kind == 2:  # cut short
        return data[:rng.randrange(len(data))]
    if kind == 3:  # grown
        return data + rng.randbytes(rng.randint(1, 64))
    if kind == 4:  # a byte left out or put in
        at = rng.randrange(HEADER.size, len(data))
        return data[:at] + data[at + 1:] if rng.random() < 0.5 else data[:at] + rng.randbytes(1) + data[at:]
    # two columns of a table swapped, as a writer mixing them up would
    schema, folder, tables = marshal.loads(data[HEADER.size:])
    name = rng.choice([name for name, table in tables.items() if len(table) > 1])
    first, second = rng.sample(sorted(tables[name]), 2)
    tables[name][first], tables[name][second] = tables[name][second], tables[name][first]
    payload = marshal.dumps((schema, folder, tables))
    return with_header(data, payload, HEADER.unpack_from(data)[2])


def malformed_payload(data: bytes, rng: random.Random) -> bytes:
    """A well-formed file (checksum and all) holding a column its writer would never write."""
    schema, folder, tables = marshal.loads(data[HEADER.size:])
    name = rng.choice(sorted(tables))
    table = tables[name]
    field = rng.choice(sorted(table))
    values = column_values(table[field])
    kind = rng.randrange(5)
    if kind == 0 and values:  # one value of a type its field never holds
        at = rng.randrange(len(values))
        held = {type(v) for v in values}
        if tuple in held:  # citations: a tuple with a stranger in it, or no tuple at all
            values[at] = rng.choice([(1, "2"), (1.5,), "1", 3])
        else:
            strangers = [v for v in ("text", 7, 2.5, b"bytes", (1,), [1], True) if type(v) not in held]
            if held <= {int, type(None)}:
                strangers = [v for v in strangers if not isinstance(v, int) or isinstance(v, bool)]
            values[at] = rng.choice(strangers)
    elif kind == 1 and values and (name, field) in RANGED:  # a number out of its range
        at = rng.randrange(len(values))
        if (name, field) in INDEXES and rng.random() < 0.5:
            values[at] = 10**6 + rng.randrange(10**6)
        elif name == "DateSpan" and field in ("start", "end"):
            values[at] = -rng.randint(37 * 10**6, 10**9)  # day ordinals go back to 100,000 BC (-36.5 million)
        else:
            values[at] = -rng.randint(2, 10**6)
    elif kind == 2 and values:  # a value too few or too many
        values = values[:-1] if rng.random() < 0.5 else [*values, values[0]]
    elif kind == 3:  # a column missing, or one too many
        if rng.random() < 0.5:
            del table[field]
        else:
            table["extra"] = marshal.dumps(values)
        return with_header(data, marshal.dumps((schema, folder, tables)))
    else:  # two columns of different kinds swapped
        others = [other for other in sorted(table) if other != field
                  and {type(v) for v in column_values(table[other])} != {type(v) for v in values}]
        if not others:
            return malformed_payload(data, rng)
        other = rng.choice(others)
        table[field], table[other] = table[other], table[field]
        return with_header(data, marshal.dumps((schema, folder, tables)))
    if not values and kind in (0, 1, 2):
        return malformed_payload(data, rng)
    table[field] = marshal.dumps(values)
    return with_header(data, marshal.dumps((schema, folder, tables)))


def test_a_damaged_cache_file_never_changes_what_the_folder_shows(tmp_path, caplog):
    folder = (tmp_path / "stories").resolve()
    for rel, content in STORIES.items():
        write_story(folder, rel, content)
    fresh = load_folder(folder)
    assert len(fresh.stories) == 4 and fresh.problems  # events of every precision, sources, sections, problems
    cache = ModelCache(tmp_path / "cache")
    load_folder(folder, cache=cache)
    path = cache.path_for(folder)
    good = path.read_bytes()
    stamps = scan_story_files(folder)
    assert len(cache.open_folder(folder, stamps, OLD_NS * 2).unchanged) == len(STORIES)
    rng = random.Random(11)
    tried: set[bytes] = {good}
    while len(tried) <= 2100:
        damage = damaged_bytes if len(tried) % 3 else malformed_payload
        mutated = damage(good, rng)
        if mutated in tried:
            continue
        tried.add(mutated)
        path.write_bytes(mutated)
        caplog.clear()
        with caplog.at_level(logging.INFO, logger="viewer.model.cache"):
            if len(tried) % 20:
                # What the loader takes from the cache: nothing from a bad file, which is deleted.
                assert cache.open_folder(folder, stamps, OLD_NS * 2).unchanged == {}, damage.__name__
                assert not path.exists()
            else:  # and, now and then, the whole load: a fresh parse, written back
                library = load_folder(folder, cache=cache)
                assert library_to_dict(library) == library_to_dict(fresh)
                assert library.results == fresh.results
                assert path.read_bytes() != mutated
        assert len(caplog.records) == 1  # told once, in the log
