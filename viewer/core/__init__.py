"""Application state and logic that is not painting: pure Python (numpy allowed), never imports Qt,
pyqtgraph or viewer.ui; the Qt side observes it.
"""
