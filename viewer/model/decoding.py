"""Bytes of a story file to lines of text, reporting what had to be guessed.

Story files come from many editors: UTF-8 with or without a byte-order mark,
UTF-16 from Windows tools, Windows-1252 from old ones (Shift-JIS, GB2312 or
Windows-1251 from others), and LF, CRLF or CR line endings. Decoding never
fails: a file that is not UTF-8 is read as Windows-1252, or in the encoding
charset-normalizer finds when Windows-1252 cannot be right, with a warning,
so the reader sees the story and a note instead of nothing. Only binary
files (NUL bytes without a UTF-16/32 byte-order mark) and empty files yield
no text.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from viewer.model.story import Severity

__all__ = ["INCOMPLETE_AT_END", "DecodedText", "decode_story_bytes", "split_lines"]

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8", None),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16"),
)


@dataclass(frozen=True, slots=True)
class DecodedText:
    """The text of a file (None when unusable) and notes on how it was read.

    ``notes`` holds ``(line, severity, message)`` triples; the caller adds
    the file name when it turns them into problems.
    """

    text: str | None
    notes: tuple[tuple[int | None, Severity, str], ...] = ()


def decode_story_bytes(data: bytes) -> DecodedText:
    """Decode a story file's bytes.

    Args:
        data: the whole file.

    Returns:
        The decoded text, or None with an error note for empty and binary files.
    """
    for bom, encoding, label in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):].decode(encoding)
            except UnicodeDecodeError as exc:
                line = data[len(bom): len(bom) + exc.start].count("\n".encode(encoding)) + 1
                return DecodedText(None, ((line, Severity.ERROR,
                                           f"starts with a {label or 'UTF-8'} byte-order mark "
                                           f"but is not valid {label or 'UTF-8'}: {exc.reason}"),))
            return _check_text(text)
    if b"\x00" in data:
        utf16 = _utf16_without_bom(data)
        if utf16 is not None:
            text, encoding = utf16
            return _check_text(text, ((None, Severity.WARNING,
                                       f"no byte-order mark, but the text is {encoding}; read as such"),))
        line = data.count(b"\n", 0, data.index(b"\x00")) + 1
        return DecodedText(None, ((line, Severity.ERROR,
                                   "binary file (contains NUL bytes); not a story file"),))
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return _not_quite_utf8(data, exc)
    return _check_text(text)


# Bytes that are not UTF-8 come back from "surrogateescape" as U+DC80..U+DCFF.
_STRAY = re.compile("[\udc80-\udcff]+")
_VALID_NON_ASCII = re.compile("[^\x00-\x7f\udc80-\udcff]")
# At most this many stray bytes are named one line at a time; the rest are counted.
_NAMED_LINES = 10
INCOMPLETE_AT_END = "ends in the middle of a character (is the file still being written?)"
"""The note of a file cut inside a UTF-8 sequence: live reload keeps the last good version of such a file."""


def _not_quite_utf8(data: bytes, exc: UnicodeDecodeError) -> DecodedText:
    """A file that does not decode as UTF-8: a few stray bytes in UTF-8 text, or another encoding.

    Real files mix the two cases: text written as UTF-8 with one byte pasted
    in from a Windows-1252 source, or a file caught while an editor writes
    it, is still UTF-8, and reading all of it as Windows-1252 would turn each
    en dash into "â€“" and leave every date unread. So the file is UTF-8 when
    its valid multi-byte characters outnumber the bytes that are not, or
    when the only bytes that are not are a character cut short at the very
    end (a write in progress); the stray bytes become U+FFFD and each line
    that had one is named. Only a file with no more UTF-8 in it than stray
    bytes is read as Windows-1252 (where a lone byte such as 0x96 is an en
    dash, not an accident), or in the encoding it is written in (``_legacy_text``).
    """
    decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
    text = decoder.decode(data, False)
    cut_short = decoder.getstate()[0]  # the first bytes of a character the file ends inside
    stray_bytes = sum(map(len, _STRAY.findall(text)))
    if stray_bytes and len(_VALID_NON_ASCII.findall(text)) <= stray_bytes:
        line = data.count(b"\n", 0, exc.start) + 1
        decoded, encoding = _legacy_text(data)
        bad = data[exc.start]
        return _check_text(decoded, ((line, Severity.WARNING,
                                      f"not valid UTF-8 (byte 0x{bad:02X}); read as {encoding}"),))
    lines: dict[int, list[str]] = {}
    for match in _STRAY.finditer(text):
        number = text.count("\n", 0, match.start()) + 1
        lines.setdefault(number, []).extend(f"0x{ord(c) - 0xDC00:02X}" for c in match.group())
    notes: list[tuple[int | None, Severity, str]] = []
    for number, found in list(lines.items())[:_NAMED_LINES]:
        shown = ", ".join(found[:4]) + (", …" if len(found) > 4 else "")
        many = len(found) > 1
        notes.append((number, Severity.WARNING,
                      f"not valid UTF-8 (byte{'s' if many else ''} {shown}); read as UTF-8 with "
                      f"U+FFFD (\ufffd) in {'their' if many else 'its'} place"))
    if len(lines) > _NAMED_LINES:
        notes.append((None, Severity.WARNING,
                      f"{len(lines) - _NAMED_LINES} more lines have bytes that are not UTF-8, read as U+FFFD"))
    text = _STRAY.sub("\ufffd", text)
    if cut_short:
        notes.append((text.count("\n") + 1, Severity.WARNING, INCOMPLETE_AT_END))
        text += "\ufffd"
    return _check_text(text, tuple(notes))


def _legacy_text(data: bytes) -> tuple[str, str]:
    """A file in an older encoding, and the encoding's name: Windows-1252 unless it cannot be.

    Windows-1252 is what Western editors wrote, and Latin-1 text reads
    right in it too. charset-normalizer is asked first only
    whether Windows-1252 reads plausibly (no mess of accented capitals and
    symbols inside words), and only when it does not, which encoding reads
    best: Shift-JIS, GB18030, EUC-KR, Windows-1251 or -1253 text, which
    Windows-1252 turns into a page of mojibake. Asked straight away, the
    detector reads English and Spanish Windows-1252 files as Windows-1250
    ("naďve"), on 40 stories of each out of 40 (tests/benchmarks/bench_decoding.py).
    The detector is asked only about files mostly above ASCII: Western text
    is mostly ASCII letters (Windows-1252 and Latin-1 stories have 2-9 % of
    their bytes above ASCII, dense Icelandic 15 %), Cyrillic, Greek and CJK
    text mostly not (40-80 %); and a few such bytes give no evidence either
    way (two read as one Korean syllable as well as two Latin letters). So
    Western files are read as before, without the detector's 0.1 ms a file,
    and it is imported (about 20 ms) only on the first file that needs it.
    """
    high = len(data.translate(None, _ASCII))
    if high >= _MIN_EVIDENCE_BYTES and high >= _MIN_HIGH_SHARE * len(data):
        from charset_normalizer import from_bytes

        if from_bytes(data, cp_isolation=["cp1252"]).best() is None:
            best = from_bytes(data).best()
            if best is not None:
                return str(best), _ENCODING_NAMES.get(best.encoding, best.encoding)
    try:
        return data.decode("cp1252"), "Windows-1252"
    except UnicodeDecodeError:
        # The five bytes Windows-1252 leaves undefined: Latin-1 maps every byte.
        return data.decode("latin-1"), "Windows-1252"


_ASCII = bytes(range(128))
# Fewer bytes above ASCII than these (a count, a share of the file): Windows-1252 without asking.
_MIN_EVIDENCE_BYTES = 8
_MIN_HIGH_SHARE = 0.2
# Python's codec names, as a reader knows the encodings.
_ENCODING_NAMES = {
    "cp932": "Shift-JIS", "shift_jis": "Shift-JIS", "euc_jp": "EUC-JP", "iso2022_jp": "ISO-2022-JP",
    "gb18030": "GB18030", "gb2312": "GB2312", "big5": "Big5", "euc_kr": "EUC-KR", "cp949": "CP949 (Korean)",
    "koi8_r": "KOI8-R", "koi8_u": "KOI8-U", "latin_1": "Latin-1", "utf_16": "UTF-16", "utf_32": "UTF-32",
    **{f"cp{n}": f"Windows-{n}" for n in range(1250, 1259)},
    **{f"iso8859_{n}": f"ISO-8859-{n}" for n in range(2, 17)},
}


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    """Text written as UTF-16 without a byte-order mark (some Windows tools do that).

    In UTF-16 the NUL bytes of spaces, newlines, digits and Latin letters all
    fall on one side of each pair (odd offsets for little-endian), whatever
    the script of the rest; binary data has NULs on both sides. The text must
    then decode, and contain a line break, as every story does.
    """
    if len(data) < 4 or len(data) % 2:
        return None
    zeros_even = data[0::2].count(0)
    zeros_odd = data[1::2].count(0)
    total = zeros_even + zeros_odd
    if total < len(data) // 40:
        return None
    if zeros_odd >= 0.9 * total:
        encoding = "utf-16-le"
    elif zeros_even >= 0.9 * total:
        encoding = "utf-16-be"
    else:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if "\n" not in text and "\r" not in text:
        return None
    return text, encoding.upper()


def _check_text(text: str, notes: tuple[tuple[int | None, Severity, str], ...] = ()) -> DecodedText:
    if not text.strip():
        return DecodedText(None, (*notes, (None, Severity.ERROR, "empty file (no text); not a story file")))
    if "\x00" in text:
        return DecodedText(None, (*notes, (None, Severity.ERROR, "binary content (NUL characters); not a story file")))
    return DecodedText(text, notes)


def split_lines(text: str) -> list[str]:
    """Split on LF, CRLF and CR only.

    ``str.splitlines`` also splits on form feeds, U+2028 and other separators,
    which would shift every line number after them away from what an editor
    shows.
    """
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.split("\n")
