"""Application start-up: names, icon, colour scheme, error reporting, the first folder."""

from __future__ import annotations

import logging
import sys
import threading
import time
import traceback
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QCoreApplication,
    QEventLoop,
    QObject,
    QSettings,
    QStandardPaths,
    Qt,
    QtMsgType,
    qInstallMessageHandler,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox, QWidget

from viewer import __version__
from viewer.core.colours import TEXT_CONTRAST, blend, contrast, muted_text

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


def dark_palette() -> QPalette:
    """A dark palette for a system that asks for a dark scheme but whose Qt theme gives a light palette.

    Text has at least 4.5:1 against every background it is drawn on (WCAG AA);
    disabled text is dimmer, as WCAG allows for inactive controls.
    """
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    palette = QPalette()
    for r, colour in (
        (role.Window, "#2B2B2B"), (role.WindowText, "#EEEEEE"), (role.Base, "#1E1E1E"),
        (role.AlternateBase, "#262626"), (role.Text, "#EEEEEE"), (role.Button, "#353535"),
        (role.ButtonText, "#EEEEEE"), (role.BrightText, "#FF6B6B"), (role.Light, "#505050"),
        (role.Midlight, "#424242"), (role.Mid, "#3A3A3A"), (role.Dark, "#1A1A1A"), (role.Shadow, "#000000"),
        (role.Highlight, "#2F65CA"), (role.HighlightedText, "#FFFFFF"), (role.Link, "#7CB8FF"),
        (role.LinkVisited, "#C0A4FF"), (role.ToolTipBase, "#3A3A3A"), (role.ToolTipText, "#EEEEEE"),
        (role.PlaceholderText, "#A0A0A0"), (role.Accent, "#2F65CA"),
    ):
        palette.setColor(r, QColor(colour))
    for r in (role.WindowText, role.Text, role.ButtonText):
        palette.setColor(group.Disabled, r, QColor("#7A7A7A"))
    return palette


def is_dark_palette(palette: QPalette) -> bool:
    """Whether a palette is dark: its window is darker than its text."""
    role = QPalette.ColorRole
    return palette.color(role.Window).lightness() < palette.color(role.WindowText).lightness()


class ColourSchemeFollower(QObject):
    """Keeps the application's palette in the system's colour scheme, also when it changes while running.

    Where the platform's theme follows the scheme (Windows, macOS, GNOME and KDE
    themes) its palette is used as it is. Where it reports a dark scheme but
    gives a light palette, ``dark_palette()`` stands in, and is taken away
    again when the scheme goes back to light. Every view takes its colours
    from the palette and repaints on a ``PaletteChange``.

    Placeholder text (an empty search field's hint, "No matches") is drawn in
    the palette's ``PlaceholderText``, which Fusion makes half-transparent text:
    about 4:1 on white, under WCAG AA. Where it is that faint, that one role is set
    to a grey with 4.5:1; the platform still gives every other role.
    """

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._app = app
        self._standing_in = False  # whether dark_palette() replaces the platform's
        self._placeholder_set = False  # whether PlaceholderText is ours
        hints = app.styleHints()
        hints.colorSchemeChanged.connect(self.apply)
        self.apply(hints.colorScheme())

    def apply(self, scheme: Qt.ColorScheme) -> None:
        """Use the palette for ``scheme`` (``Unknown``: the platform's)."""
        if self._standing_in or self._placeholder_set:
            self._app.setPalette(QPalette())  # back to the platform's (and the style's) palette
            self._standing_in = self._placeholder_set = False
        if scheme == Qt.ColorScheme.Dark and not is_dark_palette(self._app.palette()):
            self._app.setPalette(dark_palette())
            self._standing_in = True
        palette = self._app.palette()
        base = palette.color(QPalette.ColorRole.Base)
        hint = palette.color(QPalette.ColorRole.PlaceholderText)
        if contrast(blend(hint.name(), hint.alphaF(), base.name()), base.name()) < TEXT_CONTRAST:
            # Only this role is set (resolved), so the platform's other roles still follow its theme.
            readable = QPalette(palette) if self._standing_in else QPalette()
            readable.setColor(QPalette.ColorRole.PlaceholderText,
                              QColor(muted_text(palette.color(QPalette.ColorRole.Text).name(), base.name())))
            self._app.setPalette(readable)
            self._placeholder_set = True


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


def show_starting_window(app: QApplication, folder: Path | None) -> QWidget:
    """A window on screen at once, saying what is being opened, while the rest of the app is imported.

    The timeline is drawn with pyqtgraph and numpy, whose import takes a
    second or more on a slow machine: until then the user sees this, not
    nothing. The caller closes it once the main window is on screen. (Not a
    ``QSplashScreen``: that one waits up to a second for the window system
    whenever it is shown, even where it is shown at once.)
    """
    palette = app.palette()
    ratio = app.devicePixelRatio()
    pixmap = QPixmap(round(460 * ratio), round(120 * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(palette.color(QPalette.ColorRole.Window))
    painter = QPainter(pixmap)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        app_icon().paint(painter, 24, 28, 64, 64)
        title = QFont(app.font())
        title.setPointSizeF(title.pointSizeF() * 1.5)
        title.setBold(True)
        painter.setFont(title)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        painter.drawText(108, 30, 330, 32, Qt.AlignmentFlag.AlignVCenter, APPLICATION)
        painter.setFont(app.font())
        text = f"Opening {folder.name or folder}…" if folder is not None else "Starting…"
        metrics = painter.fontMetrics()
        painter.drawText(108, 64, 330, 28, Qt.AlignmentFlag.AlignVCenter,
                         metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, 330))
    finally:
        painter.end()
    splash = QLabel()
    splash.setWindowFlags(Qt.WindowType.SplashScreen | Qt.WindowType.FramelessWindowHint)
    splash.setPixmap(pixmap)
    splash.setWindowTitle(f"{APPLICATION} is starting")  # not the main window's title (nor the app's name)
    splash.setAccessibleName(f"{APPLICATION} is starting")
    splash.adjustSize()
    screen = app.primaryScreen()
    if screen is not None:
        splash.move(screen.availableGeometry().center() - splash.rect().center())
    splash.show()
    wait_until_shown(app, splash)  # and painted: the imports that follow hold the event loop
    return splash


def wait_until_shown(app: QApplication, window: QWidget, timeout: float = 0.5) -> None:
    """Process events until the window system shows ``window`` (at most ``timeout`` seconds), and its paint."""
    handle = window.windowHandle()
    deadline = time.monotonic() + timeout
    while handle is not None and not handle.isExposed() and time.monotonic() < deadline:
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 10)
    app.processEvents()


def run_app(folder: Path | None) -> int:
    """Show the main window on ``folder`` and run the event loop.

    A window shows before the timeline's modules are imported (see
    ``show_starting_window``).

    Returns:
        The exit code of the event loop.
    """
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    running = QApplication.instance()
    app = running if isinstance(running, QApplication) else QApplication(sys.argv)
    configure_application(app)
    ColourSchemeFollower(app)  # parented to the app: lives as long as it
    install_error_reporting()
    settings = QSettings()
    start = initial_folder(settings, folder)
    splash = show_starting_window(app, start)
    from viewer.core.reading import ReadStore
    from viewer.model.cache import ModelCache
    from viewer.model.pool import ParsePool
    from viewer.ui.main_window import MainWindow

    window = MainWindow(settings, cache=ModelCache(model_cache_dir()), pool=ParsePool(),
                        read_store=ReadStore(model_cache_dir()))
    window.show()
    if start is not None:
        window.open_folder(start)  # read on a worker thread: the window paints meanwhile
    wait_until_shown(app, window)
    splash.close()
    return app.exec()
