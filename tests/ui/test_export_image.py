"""``--export-image``: a real picture of the timeline, without a window."""

import os
import subprocess
import sys

import pytest
from PySide6.QtGui import QImage

from tests.conftest import ROOT, SEEDS

pytestmark = pytest.mark.gui


def export(*args):
    env = dict(os.environ)
    env.pop("DISPLAY", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    return subprocess.run([sys.executable, "-m", "viewer", "--export-image", *args], capture_output=True,
                          text=True, cwd=ROOT, env=env, timeout=120)


def test_png_of_the_seeds_is_a_real_picture(tmp_path):
    out = tmp_path / "t.png"
    result = export(str(out), str(SEEDS))
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    assert image.width() >= 1600
    colours = {image.pixel(x, y) for x in range(0, image.width(), 5) for y in range(0, image.height(), 5)}
    assert len(colours) > 50


def test_svg_export_and_broken_files(tmp_path, story_folder):
    folder = story_folder({"good.txt": "Good\nTimeline\n2001 – fine [1]\nsometime – no date\n",
                           "bin.txt": b"\x00\xff", "empty.txt": b""})
    out = tmp_path / "t.svg"
    result = export(str(out), str(folder))
    assert result.returncode == 0, result.stderr
    svg = out.read_text(encoding="utf-8")
    assert svg.startswith("<?xml") and "<svg" in svg and "Good" in svg


def test_missing_folder_exits_2(tmp_path):
    result = export(str(tmp_path / "x.png"), str(tmp_path / "missing"))
    assert result.returncode == 2
    assert "not a folder" in result.stderr
