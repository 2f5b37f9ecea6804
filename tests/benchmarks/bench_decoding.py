"""Benchmark: files that are not UTF-8, read by the standard-library rule and by charset-normalizer.

Run: ``python tests/benchmarks/bench_decoding.py [--stories 40] [--files 10000]``.

For stories written in Windows-1252, Latin-1, Windows-1250/1251/1253,
Shift-JIS, GB2312, EUC-KR and UTF-16 with a byte-order mark (a full story,
one of two events, one of a single line), it prints how many come back exactly
as written, and the milliseconds a file takes, for three rules:

- the standard library alone, as the viewer read files before: UTF-16 by its
  byte-order mark, otherwise Windows-1252, Latin-1 for its undefined bytes;
- charset-normalizer alone: its best guess (and chardet's, when chardet is
  installed: it is not a dependency, only measured beside it);
- ``decode_story_bytes`` as the viewer reads files: Windows-1252 unless the
  detector rules it out, then the detector's guess.

Then the cold load of a folder of ``--files`` stories, all UTF-8 (the
benchmark's folder, which never reaches the detector) and with one in ten
written in Windows-1252 or Shift-JIS, and the cost of importing the detector.
"""

from __future__ import annotations

import argparse
import codecs
import importlib.util
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.benchmarks.synthetic import generate
from viewer.model import dates, load_folder
from viewer.model.decoding import decode_story_bytes

# Words of news text in each language, with the letters each encoding is for.
POOLS = {
    "English": "The minister’s “plan” – announced in Brussels – costs €5m; café owners and naïve critics "
               "said it was “too little, too late”. Talks resumed… The agency’s report — 40 pages — was out.",
    "Spanish": "El gobierno anunció nuevas medidas tras las negociaciones; la sesión del tribunal terminó sin "
               "acuerdo. Los ciudadanos protestaron en la capital, según el informe oficial del año.",
    "French": "Les négociations à Genève ont échoué ; le ministre a déclaré que la sécurité des frontières "
              "était prioritaire. Les élections auront lieu en décembre, après la trêve.",
    "German": "Die Bürger protestieren gegen die Maßnahmen der Regierung; die Gespräche über Grenzsicherheit "
              "wurden am Montag in München fortgesetzt. Der Bericht über Öl und Gas ist öffentlich.",
    "Polish": "Rząd ogłosił nowe środki po rozmowach z przywódcami regionów o bezpieczeństwie granic. Wybory "
              "odbędą się w grudniu; sąd wydał wyrok przeciwko ministerstwu.",
    "Russian": "Правительство объявило новые меры после переговоров с региональными лидерами о безопасности "
               "границ. Выборы пройдут в декабре; суд вынес решение против министерства.",
    "Greek": "Η κυβέρνηση ανακοίνωσε νέα μέτρα μετά τις συνομιλίες με τους περιφερειακούς ηγέτες για την "
             "ασφάλεια των συνόρων. Οι εκλογές θα γίνουν τον Δεκέμβριο.",
    "Japanese": "政府は新たな対策を発表した。国境の安全保障について協議が続いている。東京で首脳会談が行われ、"
                "貿易協定に合意した。選挙は十二月に実施される予定だ。裁判所は省庁に不利な判決を下した。",
    "Chinese": "政府在与地区领导人就边境安全问题进行会谈后宣布了新措施。"
               "选举将于十二月举行，法院作出了不利于该部的裁决。",
    "Korean": "정부는 지역 지도자들과 국경 안보에 관한 회담 후 새로운 조치를 발표했다. 선거는 12월에 실시된다.",
}
CASES = [("English", "cp1252"), ("Spanish", "cp1252"), ("French", "latin-1"), ("German", "latin-1"),
         ("Polish", "cp1250"), ("Russian", "cp1251"), ("Greek", "cp1253"), ("Japanese", "shift_jis"),
         ("Chinese", "gb2312"), ("Korean", "euc_kr"), ("English", "utf-16")]
SIZES = [("full story", 10, 4), ("two events", 2, 0), ("one line", 1, 0)]
DATES = ["Mar 3, 2024", "2019", "Early 2020", "12 September 2025", "Nov 2023", "1960s"]


def words(rng: random.Random, language: str, count: int) -> str:
    pool = POOLS[language]
    if " " not in pool[:40]:  # written without spaces: a run of characters
        start = rng.randrange(0, len(pool) - count)
        return pool[start:start + count]
    return " ".join(rng.choice(pool.split()) for _ in range(count))


def legacy_story(rng: random.Random, language: str, encoding: str, events: int, summary: int) -> str:
    """A story in ``language`` whose every character ``encoding`` can write."""
    cjk = " " not in POOLS[language][:40]
    lines = [words(rng, language, 15 if cjk else 8), "Updated (3 articles)"]
    lines += [words(rng, language, 30 if cjk else 25) + " [1]." for _ in range(summary)]
    lines.append("Timeline")
    lines += [f"{rng.choice(DATES)} – {words(rng, language, 30 if cjk else 25)} [1]." for _ in range(events)]
    lines += ["Sources", "[1] Reuters — https://example.com/a"]
    text = "\n".join(lines) + "\n"
    try:
        text.encode(encoding)
    except UnicodeEncodeError:
        text = text.replace("–", "-").replace("—", "-")
    return text


def standard_library(data: bytes) -> str:
    if data[:2] in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        return data.decode("utf-16")
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


def detector_alone(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    return None if best is None else str(best)


def chardet_alone(data: bytes) -> str | None:
    import chardet

    encoding = chardet.detect(data)["encoding"]
    try:
        return None if encoding is None else data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def as_the_viewer_reads(data: bytes) -> str | None:
    return decode_story_bytes(data).text


RULES: list[tuple[str, Callable[[bytes], str | None]]] = [
    ("standard library", standard_library), ("detector alone", detector_alone), ("viewer now", as_the_viewer_reads)]
if importlib.util.find_spec("chardet") is not None:
    RULES.insert(2, ("chardet alone", chardet_alone))


def accuracy_table(stories: int) -> None:
    print(f"{stories} stories each; right = read back exactly as written; ms = per file")
    print(f"{'':11}{'':22}{'bytes':>6}" + "".join(f"{name:>24}" for name, _ in RULES))
    for size, events, summary in SIZES:
        for language, encoding in CASES:
            rng = random.Random(3)
            texts = [legacy_story(rng, language, encoding, events, summary) for _ in range(stories)]
            datas = [text.encode(encoding) for text in texts]
            cells = []
            for _, rule in RULES:
                start = time.perf_counter()
                read = [rule(data) for data in datas]
                ms = (time.perf_counter() - start) / stories * 1000
                right = sum(r == t for r, t in zip(read, texts, strict=True))
                cells.append(f"{right:>3}/{stories} right {ms:6.2f} ms")
            mean = sum(map(len, datas)) // stories
            print(f"{size:11}{language + ' ' + encoding:22}{mean:>6}" + "".join(f"{c:>24}" for c in cells))


def cold_load(folder: Path, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        dates._cache.clear()
        start = time.perf_counter()
        load_folder(folder)
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=40)
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    accuracy_table(args.stories)
    script = "import time; t = time.perf_counter(); import charset_normalizer; print(time.perf_counter() - t)"
    imports = [float(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                    check=True).stdout) for _ in range(5)]
    print(f"\nimporting charset_normalizer: {min(imports) * 1000:.0f} ms (once per process, on its first such file)")
    if importlib.util.find_spec("chardet") is not None:
        script = ("import time; t = time.perf_counter(); import chardet; chardet.detect(b'caf\\xe9 \\xe9t\\xe9'); "
                  "print(time.perf_counter() - t)")
        firsts = [float(subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                                       check=True).stdout) for _ in range(3)]
        print(f"importing chardet and its first detection: {min(firsts) * 1000:.0f} ms")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        generate(folder, args.files, 10)
        utf8 = cold_load(folder, args.runs)
        rng = random.Random(7)
        files = sorted(folder.rglob("*.txt"))
        for i, path in enumerate(files[::10]):
            language, encoding = ("English", "cp1252") if i % 2 else ("Japanese", "shift_jis")
            path.write_bytes(legacy_story(rng, language, encoding, 10, 4).encode(encoding))
        mixed = cold_load(folder, args.runs)
        print(f"cold load, {args.files} files, one thread: all UTF-8 {utf8:.3f} s; one in ten Windows-1252 "
              f"or Shift-JIS {mixed:.3f} s")


if __name__ == "__main__":
    main()
