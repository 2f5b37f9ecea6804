"""The command line: JSON export, exit codes, and no Qt on the export path."""

import json
import subprocess
import sys
import textwrap

from tests.conftest import ROOT, SHARED_SEED

BLOCK_QT = textwrap.dedent("""
    import sys, importlib.abc
    class BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name.split(".")[0] in ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pyqtgraph"):
                raise ImportError(f"{name} is blocked: no Qt on this machine")
            return None
    sys.meta_path.insert(0, BlockQt())
    from viewer.cli import main
    code = main(sys.argv[1:])
    assert not any(m.startswith(("PySide6", "pyqtgraph")) for m in sys.modules), "Qt was imported"
    sys.exit(code)
""")


def run(*args, block_qt=False):
    command = [sys.executable, "-c", BLOCK_QT, *args] if block_qt else [sys.executable, "-m", "viewer", *args]
    return subprocess.run(command, capture_output=True, text=True, encoding="utf-8", cwd=ROOT, timeout=120)


def test_export_json_of_the_seed_runs_without_qt(tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "seed.txt").write_bytes(SHARED_SEED.read_bytes())
    (tmp_path / "broken.txt").write_bytes(b"\x00binary")
    result = run("--export-json", str(tmp_path), block_qt=True)
    assert result.returncode == 0, result.stderr
    doc = json.loads(result.stdout)
    assert doc["folder"] == str(tmp_path.resolve())
    [story] = doc["stories"]
    assert story["file"] == "sub/seed.txt"
    assert story["article_count"] == 3
    assert story["events"][2] == {
        "date_text": "Jan 3, 2026", "start": "2026-01-03", "end": "2026-01-03", "precision": "day",
        "text": story["events"][2]["text"], "citations": [1, 3], "line": 10,
    }
    assert story["sources"][0] == {"number": 1, "title": None, "url": None}
    assert doc["problems"] == [{"file": "broken.txt", "line": 1, "severity": "error",
                                "message": doc["problems"][0]["message"]}]
    assert "binary" in doc["problems"][0]["message"]


def test_export_json_of_file_names_that_are_not_utf8(tmp_path):
    import os

    import pytest

    try:
        with open(os.path.join(os.fsencode(tmp_path), b"caf\xe9.txt"), "wb") as handle:
            handle.write("Café Story\nTimeline\n2020 – Opened [1]\n".encode())
        with open(os.path.join(os.fsencode(tmp_path), b"bad\xff.txt"), "wb") as handle:
            handle.write(b"\x00binary")
    except OSError:
        pytest.skip("this file system only takes UTF-8 names")
    (tmp_path / "ok.txt").write_text("Ok Story\nTimeline\n2021 – Fine [1]\n", encoding="utf-8")
    result = run("--export-json", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    doc = json.loads(result.stdout)
    assert [(s["file"], s["title"]) for s in doc["stories"]] == [("caf\ufffd.txt", "Café Story"),
                                                                ("ok.txt", "Ok Story")]
    assert [p["file"] for p in doc["problems"]] == ["bad\ufffd.txt"]


def test_export_json_missing_folder_exits_2_with_one_line(tmp_path):
    result = run("--export-json", str(tmp_path / "missing"))
    assert result.returncode == 2
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and "not a folder" in result.stderr


def test_help_and_version():
    from viewer import __version__

    assert run("--version").stdout.strip() == f"timeline-viewer {__version__}"
    help_text = run("--help").stdout
    assert "--export-json" in help_text and "--export-image" in help_text
