"""Timeline Viewer: read folders of news story files as one zoomable timeline."""

__version__ = "0.1.0"
