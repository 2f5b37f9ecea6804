"""viewer.core never imports Qt, pyqtgraph or viewer.ui: checked in a fresh interpreter."""

import subprocess
import sys
import textwrap

from tests.conftest import ROOT

IMPORT_ALL_BLOCKING_QT = textwrap.dedent("""
    import importlib, importlib.abc, pkgutil, sys
    BLOCKED = ("PySide6", "shiboken6", "PyQt5", "PyQt6", "pyqtgraph")
    class BlockQt(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path, target=None):
            if name.split(".")[0] in BLOCKED or name.startswith("viewer.ui"):
                raise ImportError(f"{name} is blocked: viewer.core must not need it")
            return None
    sys.meta_path.insert(0, BlockQt())
    import viewer.core
    names = [m.name for m in pkgutil.iter_modules(viewer.core.__path__, "viewer.core.")]
    for name in names:
        importlib.import_module(name)
    assert not [m for m in sys.modules if m.split(".")[0] in BLOCKED or m.startswith("viewer.ui")]
    print(" ".join(names))
""")


def test_every_core_module_imports_without_qt():
    result = subprocess.run([sys.executable, "-c", IMPORT_ALL_BLOCKING_QT], capture_output=True, text=True,
                            cwd=ROOT, timeout=120)
    assert result.returncode == 0, result.stderr
    # The check saw the modules it is about (an empty package would pass vacuously).
    assert {"viewer.core.layout", "viewer.core.ticks", "viewer.core.labels"} <= set(result.stdout.split())
