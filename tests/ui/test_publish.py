"""File → Export Figure…, Print…, Export Events as CSV… and Export TimelineJS… in the window.

The dialogs are answered by monkeypatching their ``exec`` (pytest-qt's advice
for modal dialogs); the rest is the real window, the real actions and the
files they write on the worker thread.
"""

import csv
import json
import re
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QFileDialog, QLineEdit, QRadioButton

pytestmark = pytest.mark.gui


def answer(monkeypatch, path, choice: int = 0, title: str | None = None):
    """The next scope dialog picks ``choice`` (and ``title``); the save dialog picks ``path``."""
    from viewer.ui.publish import ScopeDialog

    def exec_(dialog):
        dialog.findChildren(QRadioButton)[choice].setChecked(True)
        if title is not None:
            dialog.findChild(QLineEdit).setText(title)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(ScopeDialog, "exec", exec_)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(path), ""))


def svg_text(path) -> str:
    root = ET.parse(path).getroot()
    return "\n".join("".join(e.itertext()) for e in root.iter() if e.tag.endswith("text"))


def test_export_figure_of_the_current_view_leaves_hidden_stories_out(qtbot, seeds_window, monkeypatch, tmp_path,
                                                                     settings):
    win = seeds_window
    hidden = win.state.library.story("internet.txt")
    win.state.set_story_hidden("internet.txt", True)
    win.timeline.view_box.setXRange(737425.0, 738521.0, padding=0)  # 2020-01-01 to 2022-12-31
    out = tmp_path / "out" / "view.svg"
    out.parent.mkdir()
    answer(monkeypatch, out, choice=0, title="Pandemic years")
    win.publish.export_figure_action.trigger()
    qtbot.waitUntil(lambda: win.message.text().startswith(f"Saved {out}"), timeout=20000)
    text = svg_text(out)
    assert text.splitlines()[0] == "Pandemic years"
    assert hidden.title not in text and "ARPANET" not in text
    assert "COVID-19 Pandemic" in text
    assert "Jan 1, 2020 – Dec 31, 2022" in text
    assert "Mar 11, 2020" in text and "Dec 31, 2019" not in text  # only the view's range
    # The next dialog starts in the folder last saved to, not in the story folder.
    assert settings.value("publish/lastFolder") == str(out.parent)


def test_export_figure_of_the_whole_folder_as_pdf(qtbot, seeds_window, monkeypatch, tmp_path):
    win = seeds_window
    win.state.set_story_hidden("internet.txt", True)
    out = tmp_path / "all"  # no suffix: the chosen filter's is added
    answer(monkeypatch, out, choice=1)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(out), "PDF document (*.pdf)"))
    win.publish.export_figure_action.trigger()
    pdf = tmp_path / "all.pdf"
    qtbot.waitUntil(lambda: win.message.text().startswith(f"Saved {pdf}"), timeout=20000)
    assert "4 stories" in win.message.text()
    assert pdf.read_bytes().startswith(b"%PDF")


def test_export_csv_and_timelinejs(qtbot, seeds_window, monkeypatch, tmp_path):
    win = seeds_window
    out = tmp_path / "events.csv"
    answer(monkeypatch, out, choice=1)
    win.publish.export_csv_action.trigger()
    qtbot.waitUntil(lambda: win.message.text().startswith(f"Saved {out}"), timeout=20000)
    with open(out, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:3] == ["file", "story", "date"]
    assert len(rows) == 1 + win.state.library.event_count

    win.state.set_story("pandemic.txt")
    out = tmp_path / "pandemic.json"
    answer(monkeypatch, out, choice=0)
    win.publish.export_timelinejs_action.trigger()
    qtbot.waitUntil(lambda: win.message.text().startswith(f"Saved {out}"), timeout=20000)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["title"]["text"]["headline"].startswith("COVID-19 Pandemic")
    assert len(data["events"]) == 16


def test_print_previews_and_prints_through_the_figure(qtbot, seeds_window, monkeypatch, tmp_path):
    from PySide6.QtPrintSupport import QPrinter, QPrintPreviewDialog

    win = seeds_window
    assert QKeySequence(QKeySequence.StandardKey.Print) in win.publish.print_action.shortcuts()
    out = tmp_path / "printed.pdf"

    def exec_(preview):
        # What the preview asks for, printed to a PDF file instead of paper.
        printer = preview.printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(out))
        preview.paintRequested.emit(printer)
        return QDialog.DialogCode.Accepted

    answer(monkeypatch, tmp_path / "unused", choice=1)
    monkeypatch.setattr(QPrintPreviewDialog, "exec", exec_)
    win.publish.print_action.trigger()
    data = out.read_bytes()
    assert data.startswith(b"%PDF")
    assert len(re.findall(rb"/Type\s*/Page\b(?!s)", data)) >= 2  # the seeds' four lanes need pages


def test_the_actions_wait_for_a_folder(window):
    assert not window.publish.export_figure_action.isEnabled()
    assert not window.publish.print_action.isEnabled()

