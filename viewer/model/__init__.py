"""The story model: pure Python, never imports Qt.

The JSON export and the model's tests must run on a server without Qt's
system libraries, so nothing below this package may import PySide6 or
pyqtgraph.
"""

from viewer.model.cache import ModelCache
from viewer.model.dates import YearlessDate, describe_span, parse_date
from viewer.model.loader import LoadCancelled, discover_story_files, load_file, load_folder, scan_story_files
from viewer.model.parser import parse_story, strip_citations
from viewer.model.story import (
    DateSpan,
    Event,
    FileResult,
    Library,
    Precision,
    Problem,
    Section,
    Severity,
    Source,
    Story,
)

__all__ = [
    "DateSpan", "Event", "FileResult", "Library", "LoadCancelled", "ModelCache", "Precision",
    "Problem", "Section", "Severity", "Source", "Story", "YearlessDate", "describe_span",
    "discover_story_files", "load_file", "load_folder", "parse_date", "parse_story",
    "scan_story_files", "strip_citations",
]
