"""The import contracts in pyproject.toml hold (import-linter, as napari checks its layers)."""

import os
import subprocess
import sys

from tests.conftest import ROOT


def test_model_and_core_never_import_qt_or_the_ui():
    # Run as CI would, in a fresh interpreter and from the project root, where
    # import-linter reads pyproject.toml.
    env = {**os.environ, "PYTHONPATH": os.fspath(ROOT)}
    result = subprocess.run([sys.executable, "-c", "from importlinter.cli import lint_imports_command; "
                             "lint_imports_command()"], capture_output=True, text=True, cwd=ROOT, env=env,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 kept, 0 broken" in result.stdout
