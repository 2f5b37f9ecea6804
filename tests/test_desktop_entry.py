"""The menu entry (resources/timeline-viewer.desktop) as desktops read it.

desktop-file-validate must find nothing to say (it skips without the tool,
except with CI=true, where .ci/run installs desktop-file-utils); the entry is
offered for no file type (it was offered for every folder); it runs the
installed command with the shipped icon; and the real window's WM_CLASS is
the entry's StartupWMClass, so that an X11 task bar groups the window under
the entry's icon and name (on Wayland the app id, set by
setDesktopFileName, is the entry's file name).
"""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import entry_points
from pathlib import Path

import pytest
from desktop_session import find_window, fresh_home, read_entry, stop, validate, wait_for, window_class, xvfb_display

ROOT = Path(__file__).resolve().parent.parent
DESKTOP = ROOT / "resources" / "timeline-viewer.desktop"


def test_desktop_file_validate_has_nothing_to_say() -> None:
    assert validate(DESKTOP) == ""


def test_the_entry_is_offered_for_no_file_type() -> None:
    # MimeType=inode/directory put "Open with Timeline Viewer" on every folder in file managers.
    assert "MimeType" not in read_entry(DESKTOP)


def test_the_entry_runs_the_installed_command_with_the_shipped_icon() -> None:
    entry = read_entry(DESKTOP)
    command = entry["Exec"].split()[0]
    scripts = {script.name: script.value for script in entry_points(group="gui_scripts")}
    assert scripts.get(command) == "viewer.cli:main", f"Exec runs {command!r}, not the app's command"
    # A menu hides the entry while the command is not on PATH, rather than show one that fails.
    assert entry["TryExec"] == command
    icon = ROOT / "resources" / f"{entry['Icon']}.svg"
    assert icon.read_bytes() == (ROOT / "viewer" / "ui" / "icons" / "timeline-viewer.svg").read_bytes()


@pytest.mark.e2e
def test_the_window_class_is_the_entrys_startup_wm_class(tmp_path: Path) -> None:
    script = Path(sys.executable).parent / "timeline-viewer"
    assert script.is_file(), f"the console script {script} is not installed: pip install -e ."
    folder = tmp_path / "empty"
    folder.mkdir()
    with xvfb_display(tmp_path) as display:
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", **fresh_home(tmp_path), "DISPLAY": display,
               "QT_QPA_PLATFORM": "xcb"}
        app = subprocess.Popen([str(script), str(folder)], env=env, stdin=subprocess.DEVNULL,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        try:
            wid = wait_for("the main window", 30, lambda: find_window(env, "empty — Timeline Viewer"),
                           lambda: None if app.poll() is None else f"the app exited with {app.returncode}")
            _instance, window_class_name = window_class(env, wid)
        finally:
            stop(app)
    assert window_class_name == read_entry(DESKTOP)["StartupWMClass"]
