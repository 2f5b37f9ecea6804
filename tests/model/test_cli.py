"""The command line: JSON export, exit codes, and no Qt on the export path."""

import json
import subprocess
import sys
import textwrap

from tests.conftest import ROOT, SEEDS, SHARED_SEED

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
        "year_inferred": False,
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


def test_an_empty_folder_argument_is_an_error_like_a_missing_one(tmp_path):
    for args in (["--export-json", ""], ["--export-csv", ""], ["--export-csv", "  "], [""],
                 ["--export-timelinejs", str(tmp_path / "t.json"), ""], ["--export-timelinejs", "", str(SEEDS)]):
        result = run(*args, block_qt=True)
        assert result.returncode == 2, (args, result.stderr)
        assert result.stdout == ""
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert not (tmp_path / "t.json").exists()


def interrupted(args: list[str], when) -> subprocess.CompletedProcess:
    """Run the command in its own process group, and Ctrl+C it (SIGINT to the group) once ``when(process)``."""
    import os
    import signal
    import time

    process = subprocess.Popen([sys.executable, "-m", "viewer", *args], cwd=ROOT, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, start_new_session=True,
                               # A shell's background job ignores SIGINT; the user's terminal does not.
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    try:
        deadline = time.monotonic() + 60
        while not when(process):
            assert process.poll() is None, "the command ended before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.02)
        os.killpg(process.pid, signal.SIGINT)
        stdout, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    return subprocess.CompletedProcess(args, process.returncode, stdout.decode(), stderr.decode("utf-8"))


def test_ctrl_c_while_writing_exits_130_with_one_line(story_folder):
    from tests.conftest import story_text

    folder = story_folder({f"s{i:03d}.txt": story_text(f"Story {i}", [f"{1900 + j}" for j in range(200)],
                                                       "A long event text, repeated to fill the pipe {i}")
                           for i in range(20)})
    # stdout is a pipe nobody reads: the export blocks in a write once it is full, and Ctrl+C comes then.
    result = interrupted(["--export-csv", str(folder)], lambda process: process.stdout.peek(1))
    assert result.returncode == 130
    assert result.stderr == "timeline-viewer: interrupted\n"


def test_ctrl_c_while_the_parse_workers_run_exits_130_with_one_line(tmp_path):
    from pathlib import Path

    from tests.benchmarks.synthetic import generate

    generate(tmp_path, files=3000, events=10)

    def workers_started(process) -> bool:
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children")
        return children.exists() and len(children.read_text().split()) >= 2  # the resource tracker and a worker

    if not Path("/proc/self/task").exists():
        import pytest

        pytest.skip("needs Linux's /proc to see the workers start")
    result = interrupted(["--export-json", str(tmp_path)], workers_started)
    assert result.returncode == 130, result.stderr
    assert result.stderr == "timeline-viewer: interrupted\n"
    assert result.stdout == ""
