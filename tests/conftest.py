"""Test set-up shared by every test: Qt draws offscreen, never on a display.

Nothing here imports Qt, so the model's tests run where Qt is not installed
(``pytest -p no:pytestqt tests/model``).
"""

import os
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SHARED_SEED = SEEDS / "000_51bcd602038b18d9.txt"


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
