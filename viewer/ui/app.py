"""Application start-up: names, icon, error reporting, the first folder."""

from __future__ import annotations

import logging
import sys
import threading
import traceback
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSettings, QStandardPaths, QtMsgType, qInstallMessageHandler
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from viewer import __version__

if TYPE_CHECKING:
    from types import TracebackType

    from PySide6.QtCore import QMessageLogContext

log = logging.getLogger("viewer")

ORGANIZATION = "TimelineViewer"
APPLICATION = "Timeline Viewer"


def app_icon() -> QIcon:
    """The application icon, shipped as package data."""
    data = resources.files("viewer.ui").joinpath("icons/timeline-viewer.svg")
    with resources.as_file(data) as path:
        return QIcon(str(path))


def configure_application(app: QCoreApplication) -> None:
    """Names used by QSettings and QStandardPaths; set once, before any of them is used."""
    QCoreApplication.setOrganizationName(ORGANIZATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    if isinstance(app, QApplication):
        app.setDesktopFileName("timeline-viewer")
        app.setWindowIcon(app_icon())


def model_cache_dir() -> Path:
    """Where parsed folders are cached: the user's cache folder, never the story folder."""
    location = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.CacheLocation)
    return Path(location) / "models"


def install_error_reporting() -> None:
    """Log Qt warnings, and show one dialog for an unexpected Python error instead of dying."""

    def on_qt_message(kind: QtMsgType, context: QMessageLogContext, message: str) -> None:
        level = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
                 QtMsgType.QtWarningMsg: logging.WARNING}.get(kind, logging.ERROR)
        log.log(level, "Qt: %s", message)

    def on_exception(kind: type[BaseException], value: BaseException, tb: TracebackType | None) -> None:
        text = "".join(traceback.format_exception(kind, value, tb))
        log.error("Unexpected error:\n%s", text)
        app = QApplication.instance()
        # Widgets belong to the GUI thread; an error elsewhere is only logged.
        if app is not None and threading.current_thread() is threading.main_thread():
            box = QMessageBox(QMessageBox.Icon.Critical, APPLICATION,
                              "An unexpected error occurred. The app keeps running; "
                              "the details below help us fix it.")
            box.setDetailedText(text)
            box.exec()

    qInstallMessageHandler(on_qt_message)
    sys.excepthook = on_exception


def initial_folder(settings: QSettings, requested: Path | None) -> Path | None:
    """The folder to open at start: the one asked for, the last one, or the samples."""
    if requested is not None:
        return requested
    last = settings.value("lastFolder")
    if last and Path(str(last)).is_dir():
        return Path(str(last))
    from viewer.seeds import bundled_seeds_folder

    return bundled_seeds_folder()


def run_app(folder: Path | None) -> int:
    """Show the main window on ``folder`` and run the event loop.

    Returns:
        The exit code of the event loop.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = QApplication.instance() or QApplication(sys.argv)
    configure_application(app)
    install_error_reporting()
    from viewer.model.cache import ModelCache
    from viewer.model.pool import ParsePool
    from viewer.ui.main_window import MainWindow

    settings = QSettings()
    window = MainWindow(settings, cache=ModelCache(model_cache_dir()), pool=ParsePool())
    window.show()
    start = initial_folder(settings, folder)
    if start is not None:
        window.open_folder(start)
    return app.exec()
