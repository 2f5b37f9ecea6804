"""The standalone bundle (packaging/build.py) runs without Python, as a user who unpacked it would run it.

Runs when the bundle has been built (``python packaging/build.py``; the
folder dist/timeline-viewer, or the one TIMELINE_VIEWER_BUNDLE names), and
always with CI=true, where .ci/run builds it first: there a missing bundle
fails. A bundle built before the last change of the code tests that older
code: build again.

Every test runs a copy of the folder in a path with a space in it, with an
environment of the system's PATH only (no virtual environment, no Python
installation on it) and a fresh home; the running window's memory map shows
that no Python but the bundle's own is loaded.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop_session import (
    find_window,
    fresh_home,
    grab_window,
    in_ci,
    press_keys,
    read_entry,
    stop,
    validate,
    wait_for,
    window_class,
    xvfb_display,
)

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
BUNDLE = Path(os.environ.get("TIMELINE_VIEWER_BUNDLE", ROOT / "dist" / "timeline-viewer"))
SYSTEM_PATH = "/usr/bin:/bin"
# Qt modules and libraries the app never uses: none may be in the bundle.
UNUSED_QT = ("Network", "Qml", "Quick", "Test", "Pdf", "VirtualKeyboard", "Designer",
             "Sql", "Xml", "Help", "UiTools", "Concurrent", "EglFS", "WaylandCompositor")


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A copy of the built folder somewhere else, under a name with a space in it."""
    if not (BUNDLE / "timeline-viewer").is_file():
        message = f"no bundle at {BUNDLE}: build it with `python packaging/build.py`"
        if in_ci():
            pytest.fail(message + " (CI=true: .ci/run builds it before the tests)", pytrace=False)
        pytest.skip(message)
    copy = tmp_path_factory.mktemp("unpacked") / "Timeline Viewer copy" / "timeline-viewer"
    shutil.copytree(BUNDLE, copy, symlinks=True)
    yield copy


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """Only the system's PATH and a fresh home: nothing of this test's Python."""
    return {"PATH": SYSTEM_PATH, "LANG": "C.UTF-8", **fresh_home(tmp_path), **extra}


def used_qt_modules() -> set[str]:
    """The PySide6 modules the app's source imports."""
    found: set[str] = set()
    for source in (ROOT / "viewer").rglob("*.py"):
        found.update(re.findall(r"PySide6\.(Qt\w+)", source.read_text(encoding="utf-8")))
        found.update(f"Qt{name}" for names in re.findall(r"from PySide6 import ([\w, ]+)", source.read_text(
            encoding="utf-8")) for name in re.findall(r"Qt(\w+)", names))
    return found


def test_the_folder_holds_the_program_the_samples_the_icon_and_a_menu_entry_pointing_at_it(bundle: Path) -> None:
    program = bundle / "timeline-viewer"
    assert os.access(program, os.X_OK)
    assert sorted(p.name for p in (bundle / "seeds").glob("*.txt")) == sorted(p.name for p in SEEDS.glob("*.txt"))
    assert (bundle / "timeline-viewer.svg").read_bytes() == (ROOT / "resources" / "timeline-viewer.svg").read_bytes()
    desktop = bundle / "timeline-viewer.desktop"
    assert validate(desktop) == ""
    entry = read_entry(desktop)
    # The shipped entry is for the folder unpacked to /opt; install-desktop-entry.sh writes one for anywhere.
    assert entry["Exec"] == "/opt/timeline-viewer/timeline-viewer %f"
    assert entry["Icon"] == "/opt/timeline-viewer/timeline-viewer.svg"
    assert entry["StartupWMClass"] == read_entry(ROOT / "resources" / "timeline-viewer.desktop")["StartupWMClass"]
    assert "MimeType" not in entry
    assert not [p for p in bundle.rglob("*") if p.is_symlink() and not p.exists()], "dangling links"


def test_the_archive_holds_the_folder() -> None:
    archives = sorted(BUNDLE.parent.glob("timeline-viewer-*-linux-*.tar.gz"))
    if not archives and not in_ci():
        pytest.skip(f"no archive beside {BUNDLE}")
    assert archives, f"no timeline-viewer-*.tar.gz beside {BUNDLE}"
    with tarfile.open(archives[-1]) as tar:
        names = set(tar.getnames())
    folder = {f"timeline-viewer/{p.relative_to(BUNDLE).as_posix()}" for p in BUNDLE.rglob("*")}
    assert names - {"timeline-viewer"} == folder


def test_only_the_qt_modules_the_app_uses_are_bundled(bundle: Path) -> None:
    internal = bundle / "_internal"
    bundled = {p.name.split(".")[0] for p in (internal / "PySide6").glob("Qt*.so")}
    # QtDBus comes with QtGui (the desktop portal and input methods talk D-Bus);
    # pyqtgraph cannot be imported without QtOpenGL and QtOpenGLWidgets.
    needed = used_qt_modules() | {"QtDBus", "QtOpenGL", "QtOpenGLWidgets"}
    assert bundled <= needed, f"unused PySide6 modules: {bundled - needed}"
    assert {"QtCore", "QtGui", "QtWidgets"} <= bundled
    libraries = {p.name for p in internal.rglob("libQt6*.so*")}
    unused = sorted(name for name in libraries for module in UNUSED_QT if name.startswith(f"libQt6{module}"))
    assert not unused, f"Qt libraries the app never uses: {unused}"
    plugins = {p.parent.name for p in (internal / "PySide6" / "Qt" / "plugins").rglob("*.so")}
    assert {"platforms", "platformthemes", "iconengines", "imageformats"} <= plugins
    assert not {"egldeviceintegrations", "generic", "sqldrivers", "tls", "networkinformation"} & plugins


def test_export_json_of_the_samples_is_the_same_as_from_python(bundle: Path, tmp_path: Path) -> None:
    result = subprocess.run([str(bundle / "timeline-viewer"), "--export-json", str(bundle / "seeds")],
                            env=clean_env(tmp_path), cwd=tmp_path, capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    frozen = json.loads(result.stdout)
    source = subprocess.run([sys.executable, "-m", "viewer", "--export-json", str(SEEDS)],
                            capture_output=True, timeout=120, check=True)
    expected = json.loads(source.stdout)
    assert frozen["folder"] == str((bundle / "seeds").resolve())
    assert frozen["stories"] == expected["stories"]
    assert frozen["problems"] == expected["problems"]
    assert len(frozen["stories"]) == len(list(SEEDS.glob("*.txt")))


def test_export_json_of_a_large_folder_parses_in_the_bundles_worker_processes(bundle: Path, tmp_path: Path) -> None:
    # 1,200 files: over the 1,000 from which the parse pool starts its worker
    # processes, each the bundled executable started again (multiprocessing's spawn).
    folder = tmp_path / "large"
    folder.mkdir()
    for i in range(1200):
        (folder / f"s{i:04d}.txt").write_text(
            f"Story {i}\nTimeline\nJan {1 + i % 28}, {1950 + i % 70} – Event of story {i} [1]\n", encoding="utf-8")
    result = subprocess.run([str(bundle / "timeline-viewer"), "--export-json", str(folder)],
                            env=clean_env(tmp_path), cwd=tmp_path, capture_output=True, timeout=300)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    exported = json.loads(result.stdout)
    assert len(exported["stories"]) == 1200
    assert exported["problems"] == []
    assert exported["stories"][7]["events"][0]["start"] == "1957-01-08"


def test_the_bundled_program_opens_its_samples_in_a_real_window(bundle: Path, tmp_path: Path) -> None:
    with xvfb_display(tmp_path) as display:
        env = clean_env(tmp_path, DISPLAY=display, QT_QPA_PLATFORM="xcb")
        stderr_path = tmp_path / "app.stderr"
        with stderr_path.open("wb") as err:
            # No folder: the first start opens the bundled samples ("seeds").
            app = subprocess.Popen([str(bundle / "timeline-viewer")], env=env, cwd=tmp_path,
                                   stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        try:
            def died() -> str | None:
                code = app.poll()
                return None if code is None else f"exited with {code}:\n{stderr_path.read_text(errors='replace')}"

            wid = wait_for("the window of the samples", 60, lambda: find_window(env, "seeds — Timeline Viewer"),
                           died)
            shot = tmp_path / "bundle.png"

            def painted() -> tuple[int, float, tuple[int, int]] | None:
                stats = grab_window(env, wid, shot)
                return stats if stats[0] > 50 and stats[1] < 0.9 else None

            colours, share, size = wait_for("a painted window", 20, painted, died)
            print(f"\n{shot}: {size[0]}×{size[1]}, {colours} colours, the commonest {share:.0%}")
            assert window_class(env, wid)[1] == read_entry(bundle / "timeline-viewer.desktop")["StartupWMClass"]

            # Which files the running program has loaded: its own, and the
            # system's C and X libraries; no Python of this machine.
            mapped = {line.split(None, 5)[5] for line in Path(f"/proc/{app.pid}/maps").read_text().splitlines()
                      if len(line.split(None, 5)) == 6 and line.split(None, 5)[5].startswith("/")}
            outside = sorted(path for path in mapped if not path.startswith(f"{bundle}/"))
            pythons = {str(Path(sys.prefix).resolve()), str(Path(sys.base_prefix).resolve())}
            assert not [p for p in outside if "python" in p.lower() or any(p.startswith(py) for py in pythons)], (
                f"files of a Python outside the bundle: {outside}")
            assert any(p.startswith(f"{bundle}/_internal/libpython") for p in mapped)
            assert any(p.startswith(f"{bundle}/_internal/PySide6/Qt/lib/libQt6Widgets") for p in mapped)

            press_keys(env, wid, "ctrl+q")
            assert app.wait(15) == 0, stderr_path.read_text(errors="replace")
            assert "Traceback" not in stderr_path.read_text(errors="replace")
        finally:
            stop(app)


def test_install_desktop_entry_writes_an_entry_for_where_the_folder_is(bundle: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    env = clean_env(tmp_path, XDG_DATA_HOME=str(data))
    script = bundle / "install-desktop-entry.sh"
    result = subprocess.run([str(script)], env=env, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    installed = data / "applications" / "timeline-viewer.desktop"
    icon = data / "icons" / "hicolor" / "scalable" / "apps" / "timeline-viewer.svg"
    assert validate(installed) == ""
    entry = read_entry(installed)
    # The folder's path has a space: Exec quotes it, as the desktop entry spec says.
    assert entry["Exec"] == f'"{bundle}/timeline-viewer" %f'
    assert entry["TryExec"] == f"{bundle}/timeline-viewer"
    assert entry["Icon"] == "timeline-viewer"
    assert icon.read_bytes() == (bundle / "timeline-viewer.svg").read_bytes()

    removed = subprocess.run([str(script), "--uninstall"], env=env, capture_output=True, text=True, timeout=60)
    assert removed.returncode == 0, removed.stderr
    assert not installed.exists() and not icon.exists()
