"""A private X server (Xvfb) for the tests that start the app as a user would, in a real window.

Used by test_desktop_entry.py and test_bundle.py. Each helper that needs a
system tool skips the test without it, except when ``CI=true``: there it
fails, since .ci/run installs Xvfb, xdotool and xprop (x11-utils).
"""

from __future__ import annotations

import configparser
import os
import select
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pytest

T = TypeVar("T")
POLL = 0.1  # seconds between two looks

# Run with sys.executable (which has PySide6) under the app's DISPLAY: grabs
# one X window into a PNG and prints how many colours it has and the share of
# the commonest one; a window that shows nothing yet is one flat colour.
GRAB_SCRIPT = """\
import sys
from collections import Counter
from PySide6.QtGui import QGuiApplication, QImage

app = QGuiApplication(sys.argv[:1])
pixmap = QGuiApplication.primaryScreen().grabWindow(int(sys.argv[1]))
if pixmap.isNull() or not pixmap.save(sys.argv[2], "PNG"):
    sys.exit("could not grab or save the window")
image = pixmap.toImage().convertToFormat(QImage.Format.Format_RGB32)
counts = Counter(image.pixel(x, y) for y in range(0, image.height(), 2) for x in range(0, image.width(), 2))
print(len(counts), max(counts.values()) / sum(counts.values()), image.width(), image.height())
"""


def in_ci() -> bool:
    """Whether this is the CI run, where every tool the tests need is installed."""
    return os.environ.get("CI", "").lower() == "true"


def require_tool(name: str, package: str) -> str:
    """The path of a system tool; skips the test without it (fails in CI)."""
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (apt-get install {package}; see .ci/run)"
        if in_ci():
            pytest.fail(message + " and CI=true, so this test must run", pytrace=False)
        pytest.skip(message)
    return path


def read_entry(path: Path) -> dict[str, str]:
    """The [Desktop Entry] group of a .desktop file, keys as written."""
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"), source=str(path))
    return dict(parser["Desktop Entry"])


def validate(path: Path) -> str:
    """What desktop-file-validate says about a file: nothing when it is clean."""
    tool = require_tool("desktop-file-validate", "desktop-file-utils")
    result = subprocess.run([tool, str(path)], capture_output=True, text=True, timeout=30)
    said = (result.stdout + result.stderr).strip()
    assert result.returncode == 0, said
    return said


def wait_for(what: str, timeout: float, probe: Callable[[], T | None],
             died: Callable[[], str | None] = lambda: None) -> T:
    """Look with ``probe`` until it gives something; fail after ``timeout`` s or once ``died`` says why."""
    deadline = time.monotonic() + timeout
    while True:
        result = probe()
        if result:
            return result
        reason = died()
        if reason:
            pytest.fail(f"while waiting for {what}: {reason}", pytrace=False)
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}", pytrace=False)
        time.sleep(POLL)


@contextmanager
def xvfb_display(tmp_path: Path) -> Iterator[str]:
    """A fresh Xvfb of 1600×1000; yields its DISPLAY (":N") and stops it afterwards."""
    xvfb = require_tool("Xvfb", "xvfb")
    read_fd, write_fd = os.pipe()
    log_path = tmp_path / "xvfb.log"
    # -displayfd: Xvfb picks a free display itself and writes its number once
    # it accepts connections; -noreset: it does not reset when a client leaves.
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            [xvfb, "-displayfd", str(write_fd), "-screen", "0", "1600x1000x24", "-nolisten", "tcp", "-noreset"],
            pass_fds=(write_fd,), stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
        )
    os.close(write_fd)
    try:
        number = b""
        deadline = time.monotonic() + 10
        while not number.endswith(b"\n") and time.monotonic() < deadline and proc.poll() is None:
            ready, _, _ = select.select([read_fd], [], [], POLL)
            if ready:
                chunk = os.read(read_fd, 64)
                if not chunk:
                    break
                number += chunk
        if not number.strip().isdigit():
            pytest.fail(f"Xvfb did not start: {log_path.read_text(errors='replace')}", pytrace=False)
        yield f":{number.strip().decode()}"
    finally:
        os.close(read_fd)
        stop(proc)


def stop(proc: subprocess.Popen) -> None:
    """Terminate a child process; kill it if it is still there after 5 s."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(5)


def fresh_home(tmp_path: Path) -> dict[str, str]:
    """HOME and the XDG folders in ``tmp_path``: no settings, no recent folder, no cache."""
    home = tmp_path / "home"
    runtime = tmp_path / "runtime"
    for folder in (home / ".config", home / ".cache", home / ".local" / "share", runtime):
        folder.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    return {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_RUNTIME_DIR": str(runtime),
    }


def find_window(env: dict[str, str], title: str) -> str | None:
    """The id of a visible window whose whole title is ``title``, or None."""
    xdotool = require_tool("xdotool", "xdotool")
    found = subprocess.run([xdotool, "search", "--onlyvisible", "--name", f"^{title}$"], env=env,
                           capture_output=True, text=True, timeout=10)
    ids = found.stdout.split()
    return ids[0] if found.returncode == 0 and ids else None


def window_class(env: dict[str, str], wid: str) -> tuple[str, str]:
    """WM_CLASS of a window: (instance, class), as a desktop's task bar reads it."""
    xprop = require_tool("xprop", "x11-utils")
    result = subprocess.run([xprop, "-id", wid, "WM_CLASS"], env=env, capture_output=True, text=True, timeout=10)
    assert result.returncode == 0, result.stderr
    # WM_CLASS(STRING) = "timeline-viewer", "Timeline Viewer"
    values = result.stdout.split("=", 1)[1].strip()
    instance, klass = (part.strip().strip('"') for part in values.split('", "'))
    return instance, klass


def grab_window(env: dict[str, str], wid: str, png: Path) -> tuple[int, float, tuple[int, int]]:
    """Save a window's picture; returns its number of colours, the commonest one's share, its size."""
    script = png.with_suffix(".py")
    script.write_text(GRAB_SCRIPT, encoding="utf-8")
    result = subprocess.run([sys.executable, str(script), wid, str(png)], env={**env, "QT_QPA_PLATFORM": "xcb"},
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, f"the screenshot helper failed:\n{result.stderr}"
    colours, share, width, height = result.stdout.split()
    return int(colours), float(share), (int(width), int(height))


def press_keys(env: dict[str, str], wid: str, keys: str) -> None:
    """Focus a window and type a key combination into it (``ctrl+q``)."""
    xdotool = require_tool("xdotool", "xdotool")
    pressed = subprocess.run([xdotool, "windowfocus", "--sync", wid, "key", "--clearmodifiers", keys], env=env,
                             capture_output=True, text=True, timeout=10)
    assert pressed.returncode == 0, pressed.stderr
