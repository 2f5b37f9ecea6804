"""Build the model cache if the cache module is available (it is optional at start-up)."""

from __future__ import annotations

from pathlib import Path


def make_cache(directory: Path):
    """A ``ModelCache`` in ``directory``, or None when caching is unavailable."""
    try:
        from viewer.model.cache import ModelCache
    except ImportError:
        return None
    try:
        return ModelCache(directory)
    except OSError:
        return None
