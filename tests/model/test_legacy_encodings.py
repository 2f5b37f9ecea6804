"""Files that are not UTF-8 as a whole: Windows-1252 unless charset-normalizer rules it out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from viewer.model import Severity, load_folder
from viewer.model.decoding import decode_story_bytes

ROOT = Path(__file__).resolve().parents[2]


def story(title: str, *events: str) -> str:
    return "\n".join([title, "Timeline", *events, "Sources", "[1] Reuters - https://example.com/a"]) + "\n"


JAPANESE = story("東京で首脳会談、貿易協定に合意",
                 "Mar 3, 2024 - 政府は新たな対策を発表した。国境の安全保障について協議が続いている [1].",
                 "Nov 2024 - 選挙は十二月に実施される予定だ。裁判所は省庁に不利な判決を下した [1].")
RUSSIAN = story("Переговоры о безопасности границ",
                "Mar 3, 2024 - Правительство объявило новые меры после переговоров с лидерами [1].",
                "Nov 2024 - Выборы пройдут в декабре; суд вынес решение против министерства [1].")
CHINESE = story("边境安全会谈", "Mar 3, 2024 - 政府在与地区领导人就边境安全问题进行会谈后宣布了新措施 [1].")
GREEK = story("Συνομιλίες για την ασφάλεια των συνόρων",
              "Mar 3, 2024 - Η κυβέρνηση ανακοίνωσε νέα μέτρα μετά τις συνομιλίες [1].")
ENGLISH = story("The minister’s “plan” for café owners",
                "Mar 3, 2024 – The naïve “plan” – announced in Brussels – costs €5m [1].",
                "Nov 2024 – The agency’s report — 40 pages — was published… [1].")
SPANISH = story("El gobierno anunció nuevas medidas",
                "Mar 3, 2024 – La sesión del tribunal terminó sin acuerdo; según el informe, «no habrá más» [1].")
FRENCH = story("Les négociations à Genève ont échoué",
               "Mar 3, 2024 - Le ministre a déclaré que la sécurité des frontières était prioritaire [1].")


@pytest.mark.parametrize(("text", "encoding", "named"), [
    (JAPANESE, "shift_jis", "Shift-JIS"), (RUSSIAN, "cp1251", "Windows-1251"), (CHINESE, "gb2312", "GB"),
    (GREEK, "cp1253", "Windows-1253")])
def test_text_windows_1252_cannot_be_is_read_in_the_encoding_it_is_written_in(text, encoding, named):
    decoded = decode_story_bytes(text.encode(encoding))
    assert decoded.text == text  # not a page of "“Œ‹ž‚Å" mojibake
    [(_line, severity, message)] = decoded.notes
    assert severity is Severity.WARNING and "not valid UTF-8" in message and named in message


@pytest.mark.parametrize(("text", "encoding"), [(ENGLISH, "cp1252"), (SPANISH, "cp1252"), (FRENCH, "latin-1")])
def test_western_files_stay_windows_1252(text, encoding):
    # charset-normalizer alone takes such English and Spanish files for Windows-1250 ("naďve").
    decoded = decode_story_bytes(text.encode(encoding))
    assert decoded.text == text
    assert "read as Windows-1252" in decoded.notes[0][2]


def test_a_japanese_story_loads_with_its_dates_and_text(story_folder):
    library = load_folder(story_folder({"ja.txt": JAPANESE.encode("shift_jis")}))
    [ja] = library.stories
    assert ja.title == "東京で首脳会談、貿易協定に合意"
    assert [e.span.start.isoformat() for e in ja.events] == ["2024-03-03", "2024-11-01"]
    assert ja.events[0].text.startswith("政府は新たな対策を発表した")


def test_a_folder_of_utf8_files_never_loads_the_detector(tmp_path):
    (tmp_path / "a.txt").write_text(ENGLISH, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(ENGLISH.encode("utf-8").replace(b"plan", b"pl\x96an"))  # one stray byte
    (tmp_path / "c.txt").write_bytes(ENGLISH.encode("cp1252"))  # Western: Windows-1252 without asking
    script = ("import sys; from viewer.model import load_folder; "
              f"library = load_folder({str(tmp_path)!r}); "
              "print(len(library.stories), 'charset_normalizer' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.split() == ["3", "False"]
