"""End to end: the desktop switches between light and dark while the installed app runs on Xvfb.

A desktop tells applications its colour scheme through xdg-desktop-portal:
the ``color-scheme`` key of ``org.freedesktop.appearance``, read with
``org.freedesktop.portal.Settings.ReadAll`` at start-up and announced with its
``SettingChanged`` signal when the user switches (GNOME, KDE, and every
Flatpak or Snap sandbox). Qt's platform themes for those desktops listen to
it. Here a private session bus carries it, a stand-in for the portal (the
script below, on Qt's D-Bus module) owns the portal's name and answers and
signals as the portal does, and the app runs under Qt's ``xcb`` platform
with the ``xdgdesktopportal`` or the ``gnome`` platform theme: nothing in
the app is told of the test. The window is grabbed from the X server, and
the bands of the timeline's column (legend, lanes, overview strip) must all
turn dark, and light again.

The offscreen tests (tests/ui/test_native.py) check the contrast of each
text in both schemes; this one checks that a real switch reaches the window.
It skips when Xvfb, xdotool or dbus-daemon is missing, except when
``CI=true``: there it fails, since .ci/run installs them.
"""

from __future__ import annotations

import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from desktop_session import find_window, fresh_home, grab_window, press_keys, require_tool, stop, wait_for, xvfb_display

pytestmark = pytest.mark.e2e

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
WINDOW_TITLE = f"{SEEDS.name} — Timeline Viewer"
START_TIMEOUT = 20.0  # s: the bus, the portal's name, the window
REPAINT_TIMEOUT = 10.0  # s: from the portal's signal to a repainted window

# The portal's Settings interface, as far as the colour scheme goes. Its first
# argument is the scheme at start; each line "dark" or "light" on its stdin
# switches it and sends SettingChanged; an empty stdin ends it.
PORTAL_SCRIPT = """\
import sys

from PySide6.QtCore import QCoreApplication, QMetaType, QSocketNotifier
from PySide6.QtDBus import QDBusArgument, QDBusConnection, QDBusMessage, QDBusVariant, QDBusVirtualObject

PATH, SETTINGS = "/org/freedesktop/portal/desktop", "org.freedesktop.portal.Settings"
APPEARANCE = "org.freedesktop.appearance"
SCHEMES = {"dark": 1, "light": 2}  # color-scheme: 0 no preference, 1 prefer dark, 2 prefer light
app = QCoreApplication(sys.argv[:1])
bus = QDBusConnection.sessionBus()
scheme = SCHEMES[sys.argv[1]]


class Portal(QDBusVirtualObject):
    def handleMessage(self, message, connection):
        if message.interface() == SETTINGS and message.member() == "ReadAll":
            settings = QDBusArgument()  # a{sa{sv}}: namespace, key, value
            settings.beginMap(QMetaType.Type.QString, QMetaType.Type.QVariantMap)
            settings.beginMapEntry()
            settings.appendVariant(APPEARANCE)
            settings.appendVariant({"color-scheme": scheme})
            settings.endMapEntry()
            settings.endMap()
            connection.send(message.createReply(settings))
        else:  # another portal (the file chooser's version): not served here
            connection.send(message.createErrorReply("org.freedesktop.DBus.Error.UnknownMethod", "not served"))
        return True

    def introspect(self, path):
        return ""


portal = Portal()
if not bus.registerVirtualObject(PATH, portal):
    sys.exit(f"cannot serve {PATH}: {bus.lastError().message()}")
if not bus.registerService("org.freedesktop.portal.Desktop"):
    sys.exit(f"cannot own org.freedesktop.portal.Desktop: {bus.lastError().message()}")
print("ready", flush=True)


def on_line():
    global scheme
    line = sys.stdin.readline().strip()
    if not line:
        app.quit()
        return
    scheme = SCHEMES[line]
    signal = QDBusMessage.createSignal(PATH, SETTINGS, "SettingChanged")
    signal.setArguments([APPEARANCE, "color-scheme", QDBusVariant(scheme)])
    print("sent" if bus.send(signal) else "not sent", line, flush=True)


notifier = QSocketNotifier(sys.stdin.fileno(), QSocketNotifier.Type.Read)
notifier.activated.connect(on_line)
app.exec()
"""

# A session bus of our own: no service is started on demand (no accessibility
# bus, no real portal), so the stand-in is the only portal there is.
BUS_CONFIG = """\
<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:path={socket}</listen>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def read_line(proc: subprocess.Popen[str], what: str, timeout: float) -> str:
    """The next line a child prints; fails after ``timeout`` s or when it ends first."""
    assert proc.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([proc.stdout], [], [], 0.1)
        if ready:
            line = proc.stdout.readline()
            if line:
                return line.strip()
        if proc.poll() is not None:
            error = proc.stderr.read() if proc.stderr is not None else ""
            pytest.fail(f"while waiting for {what}: it exited with {proc.returncode}: {error}", pytrace=False)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}", pytrace=False)


@contextmanager
def session_bus(tmp_path: Path) -> Iterator[str]:
    """A private D-Bus session bus; yields its address and stops it afterwards."""
    daemon = require_tool("dbus-daemon", "dbus")
    config = tmp_path / "bus.conf"
    config.write_text(BUS_CONFIG.format(socket=tmp_path / "bus"), encoding="utf-8")
    proc = subprocess.Popen([daemon, f"--config-file={config}", "--nofork", "--nopidfile", "--print-address=1"],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        yield read_line(proc, "the session bus's address", START_TIMEOUT)
    finally:
        stop(proc)


@contextmanager
def portal(tmp_path: Path, env: dict[str, str], scheme: str) -> Iterator[subprocess.Popen[str]]:
    """The stand-in portal on the bus of ``env``, in ``scheme`` at first; stopped afterwards."""
    script = tmp_path / "portal.py"
    script.write_text(PORTAL_SCRIPT, encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script), scheme], env={**env, "QT_QPA_PLATFORM": "offscreen"},
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert read_line(proc, "the portal's name on the bus", START_TIMEOUT) == "ready"
        yield proc
    finally:
        if proc.stdin is not None:
            proc.stdin.close()
        stop(proc)


def switch(proc: subprocess.Popen[str], scheme: str) -> None:
    """The user switches the desktop to ``scheme``: the portal sends SettingChanged."""
    assert proc.stdin is not None
    proc.stdin.write(f"{scheme}\n")
    proc.stdin.flush()
    assert read_line(proc, f"the portal's signal for {scheme}", START_TIMEOUT) == f"sent {scheme}"


def timeline_bands(png: Path, bands: int = 8) -> list[float]:
    """The median lightness (0–255) of horizontal bands of the timeline's column in a window's picture.

    The column right of the stories dock, from below the toolbar to above the
    detail pane (in a 1400 × 900 window): the legend, the lanes and the
    overview strip each fall in one band or more.
    """
    from PySide6.QtGui import QImage

    image = QImage(str(png)).convertToFormat(QImage.Format.Format_RGB888)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    rgb = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height).reshape(height, stride)
    rgb = rgb[:, : width * 3].reshape(height, width, 3).astype(float)
    lightness = rgb @ np.array([0.2126, 0.7152, 0.0722])
    column = lightness[int(height * 0.07):int(height * 0.62), int(width * 0.4):int(width * 0.98)]
    return [float(np.median(band)) for band in np.array_split(column, bands)]


def is_light(bands: list[float]) -> bool:
    """Every band light, as white paper with dark text and coloured marks is."""
    return min(bands) > 170


def is_dark(bands: list[float]) -> bool:
    """Every band dark."""
    return max(bands) < 90


@pytest.mark.parametrize(("theme", "start"), [("xdgdesktopportal", "light"), ("gnome", "dark")])
def test_the_desktop_switching_its_colour_scheme_recolours_the_running_app(tmp_path, theme, start):
    require_tool("xdotool", "xdotool")
    script = Path(sys.executable).parent / "timeline-viewer"
    assert script.is_file(), f"the console script {script} is not installed: pip install -e . in this environment"
    folder = tmp_path / SEEDS.name  # the same name, so the same window title
    shutil.copytree(SEEDS, folder)
    with xvfb_display(tmp_path) as display, session_bus(tmp_path) as bus:
        env = {name: value for name, value in os.environ.items()
               if name not in ("WAYLAND_DISPLAY", "XAUTHORITY", "QT_STYLE_OVERRIDE", "QT_SCALE_FACTOR",
                               "QT_SCREEN_SCALE_FACTORS", "XDG_CURRENT_DESKTOP")}
        env.update(fresh_home(tmp_path))
        env.update({"DISPLAY": display, "DBUS_SESSION_BUS_ADDRESS": bus, "QT_QPA_PLATFORM": "xcb",
                    "QT_QPA_PLATFORMTHEME": theme, "NO_AT_BRIDGE": "1"})
        with portal(tmp_path, env, start) as desktop:
            stderr_path = tmp_path / "app.stderr"
            with stderr_path.open("wb") as err:
                app = subprocess.Popen([str(script), str(folder)], env=env, cwd=tmp_path,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)

            def died() -> str | None:
                code = app.poll()
                return None if code is None else f"the app exited with {code}: {stderr_path.read_text()}"

            try:
                wid = wait_for(f"a window named {WINDOW_TITLE!r}", START_TIMEOUT,
                               lambda: find_window(env, WINDOW_TITLE), died)
                shots = iter(range(1000))
                seen: list[list[float]] = []

                def wait_for_scheme(scheme: str) -> None:
                    check = is_light if scheme == "light" else is_dark

                    def looks() -> bool:
                        png = tmp_path / f"window-{next(shots)}.png"
                        grab_window(env, wid, png)
                        seen.append(timeline_bands(png))
                        return check(seen[-1])

                    try:
                        wait_for(f"the timeline's column in {scheme} colours", REPAINT_TIMEOUT, looks, died)
                    except pytest.fail.Exception:
                        pytest.fail(f"the timeline's column never turned {scheme}; its bands' lightness "
                                    f"was {[round(b) for b in seen[-1]] if seen else 'not seen'} "
                                    f"(pictures in {tmp_path})", pytrace=False)

                wait_for_scheme(start)
                other = "dark" if start == "light" else "light"
                switch(desktop, other)
                wait_for_scheme(other)
                switch(desktop, start)
                wait_for_scheme(start)

                press_keys(env, wid, "ctrl+q")
                app.wait(10)
                assert app.returncode == 0, stderr_path.read_text()
                assert "Traceback" not in stderr_path.read_text()
            finally:
                stop(app)
