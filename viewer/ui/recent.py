"""The Open Recent list: newest first, no duplicates, at most ten, kept in QSettings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings

MAX_RECENT = 10
_KEY = "recentFolders"


class RecentFolders:
    """Recently opened folders (Orange3's RecentPath idea, minus the relative paths)."""

    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def folders(self) -> list[Path]:
        """Newest first."""
        value = self._settings.value(_KEY, [])
        # INI files hand back a one-item list as a plain string.
        items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
        return [Path(str(v)) for v in items if v]

    def _store(self, folders: list[Path]) -> None:
        self._settings.setValue(_KEY, [str(f) for f in folders[:MAX_RECENT]])

    def add(self, folder: Path) -> None:
        """Put a folder at the top; an older entry for it goes."""
        folder = Path(folder)
        self._store([folder] + [f for f in self.folders() if f != folder])

    def remove(self, folder: Path) -> None:
        """Drop a folder (it vanished from disk)."""
        self._store([f for f in self.folders() if f != Path(folder)])

    def clear(self) -> None:
        """Forget every folder."""
        self._store([])
