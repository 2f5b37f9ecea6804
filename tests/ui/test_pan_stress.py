"""Regression test for the PySide6 6.12.0 refcount bug (../shared/repro/pan_crash.py).

On CPython < 3.12 that release drops a reference to True/None on every
Signal.emit() and some QGraphicsItem calls, and the interpreter aborts after
about 60 pans. The dependency pins keep it away; this test would crash the
whole run if they did not.
"""

import sys

import pytest
from PySide6.QtWidgets import QApplication

from tests.conftest import SEEDS
from viewer.model import load_folder

pytestmark = pytest.mark.gui


def test_two_thousand_pans_and_zooms(timeline):
    selection, widget = timeline
    selection.set_library(load_folder(SEEDS))
    (x0, x1), _ = widget.view_box.viewRange()
    none_before = sys.getrefcount(None)
    for i in range(2000):
        shift = (i % 50) * 30.0
        scale = 1.0 + (i % 7) * 0.1
        widget.view_box.setXRange(x0 + shift, x0 + shift + (x1 - x0) / scale, padding=0)
        QApplication.processEvents()
    (nx0, nx1), _ = widget.view_box.viewRange()
    assert nx1 > nx0
    # A leak of one reference per pan would show here long before a crash.
    assert sys.getrefcount(None) > none_before - 1000 or sys.version_info >= (3, 12)
