"""Test set-up shared by every test: Qt draws offscreen, never on a display.

Nothing here imports Qt, so the model's and the core's tests run where Qt
is not installed (``pytest -p no:pytestqt tests/core tests/model``).
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_SEED = SEEDS / "000_51bcd602038b18d9.txt"


def story_text(title: str, dates: list[str], text: str = "Event number {i} happened somewhere") -> str:
    """A story file with one event per date; ``text`` is each event's text (``{i}``: its number)."""
    lines = [title, "Timeline"] + [f"{d} – {text.format(i=i)} [1]" for i, d in enumerate(dates)]
    return "\n".join(lines) + "\n"


def library_of(files: dict[str, str], folder: Path = Path("/nowhere")):
    """A library parsed in memory from story texts by file name: no folder read, no loader."""
    from viewer.model import FileResult, Library, parse_story  # here, so collecting a test never needs it

    results = {}
    for name, content in files.items():
        story, problems = parse_story(content, name)
        results[name] = FileResult(name, story, tuple(problems))
    return Library.from_results(folder, results)


@pytest.fixture
def story_folder(tmp_path: Path):
    """A function that writes story files (text or bytes) into a fresh folder."""

    def write(files: dict[str, str | bytes]) -> Path:
        for name, content in files.items():
            path = tmp_path / name
            path.parent.mkdir(parents=True, exist_ok=True)
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        return tmp_path

    return write
