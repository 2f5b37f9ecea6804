"""Where the bundled sample stories are (used by the window and the command line)."""

from __future__ import annotations

import sys
from pathlib import Path


def bundled_seeds_folder() -> Path | None:
    """The sample stories shipped with the app, or None if they are not installed.

    In a source checkout (and an editable install) they sit beside the
    package; a wheel installs them under ``<prefix>/share/timeline-viewer``.
    """
    candidates = [
        Path(__file__).resolve().parent.parent / "seeds",
        Path(sys.prefix) / "share" / "timeline-viewer" / "seeds",
    ]
    for candidate in candidates:
        if candidate.is_dir():
            return candidate
    return None
