"""End to end: the installed ``timeline-viewer`` in a real window on Xvfb.

Starts its own Xvfb, runs the console script installed next to
``sys.executable`` on a copy of the repository's ``seeds/`` folder with Qt's
``xcb`` platform (not the ``offscreen`` one that conftest.py sets for the
other tests), clicks on the timeline with xdotool, grabs the window into a
PNG and checks that it is not blank; then adds a story file to the folder and
checks that the window changes to show it (live reload in a real window);
finally that the app is still alive, printed no traceback, and that Ctrl+Q
closes it. Another test searches as a user does (Ctrl+F, a word, Enter) and
reads the detail pane back with OCR (tesseract).

It skips when Xvfb, xdotool or tesseract is missing, except when ``CI=true``:
there it fails, since .ci/run installs them.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from desktop_session import require_tool, stop, wait_for, xvfb_display

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

pytestmark = pytest.mark.e2e

WINDOW_TITLE = f"{SEEDS.name} — Timeline Viewer"
POLL = 0.1  # seconds between two polls
WINDOW_TIMEOUT = 20.0
PAINT_TIMEOUT = 10.0
EXIT_TIMEOUT = 10.0

# A helper run with sys.executable under the same DISPLAY: grabs one X window
# (or the whole screen for id 0) into a PNG without ImageMagick.
GRAB_SCRIPT = """\
import sys
from PySide6.QtGui import QGuiApplication

app = QGuiApplication(sys.argv[:1])
pixmap = QGuiApplication.primaryScreen().grabWindow(int(sys.argv[1]))
if pixmap.isNull() or not pixmap.save(sys.argv[2], "PNG"):
    sys.exit("could not grab or save the window")
print(pixmap.width(), pixmap.height())
"""


def _start_app(script: Path, folder: Path, env: dict[str, str], tmp_path: Path
               ) -> tuple[subprocess.Popen[bytes], Callable[[], str], Callable[[], str | None]]:
    """Start the installed app on ``folder``: the process, its stderr so far, and why it died (None: alive)."""
    stderr_path = tmp_path / "app.stderr"

    def stderr_text() -> str:
        return stderr_path.read_text(encoding="utf-8", errors="replace")

    with (tmp_path / "app.stdout").open("wb") as out, stderr_path.open("wb") as err:
        app = subprocess.Popen([str(script), str(folder)], env=env, cwd=tmp_path,
                               stdin=subprocess.DEVNULL, stdout=out, stderr=err)

    def died() -> str | None:
        code = app.poll()
        return None if code is None else f"the app exited with {code}; stderr:\n{stderr_text()}"

    return app, stderr_text, died


def _child_env(tmp_path: Path, display: str) -> dict[str, str]:
    """The environment of the app: this display, xcb, and a home with no settings in it."""
    env = dict(os.environ)
    for name in ("WAYLAND_DISPLAY", "XAUTHORITY", "DBUS_SESSION_BUS_ADDRESS", "QT_QPA_PLATFORMTHEME",
                 "QT_STYLE_OVERRIDE", "QT_SCALE_FACTOR", "QT_SCREEN_SCALE_FACTORS"):
        env.pop(name, None)
    home = tmp_path / "home"
    runtime = tmp_path / "runtime"
    for folder in (home, home / ".config", home / ".cache", home / ".local" / "share", runtime):
        folder.mkdir(parents=True, exist_ok=True)
    runtime.chmod(0o700)
    env.update({
        "DISPLAY": display,
        "QT_QPA_PLATFORM": "xcb",  # conftest.py set "offscreen" in os.environ: not for the child
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_CACHE_HOME": str(home / ".cache"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_RUNTIME_DIR": str(runtime),
    })
    return env


def _xdotool(xdotool: str, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([xdotool, *args], env=env, capture_output=True, text=True, timeout=10)


def _find_window(xdotool: str, env: dict[str, str]) -> str | None:
    found = _xdotool(xdotool, env, "search", "--onlyvisible", "--name", WINDOW_TITLE)
    ids = found.stdout.split()
    return ids[0] if found.returncode == 0 and ids else None


def _geometry(xdotool: str, env: dict[str, str], wid: str) -> tuple[int, int]:
    shell = _xdotool(xdotool, env, "getwindowgeometry", "--shell", wid)
    assert shell.returncode == 0, shell.stderr
    values = dict(line.split("=", 1) for line in shell.stdout.split() if "=" in line)
    return int(values["WIDTH"]), int(values["HEIGHT"])


def _pixels(png: Path):  # -> numpy array of 0xRRGGBB, height × width
    import numpy as np
    from PySide6.QtGui import QImage

    image = QImage(str(png))
    assert not image.isNull(), f"cannot read {png}"
    image = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height = image.width(), image.height()
    rows = np.frombuffer(image.constBits(), dtype=np.uint32, count=image.bytesPerLine() * height // 4)
    return rows.reshape(height, image.bytesPerLine() // 4)[:, :width] & 0x00FFFFFF


def _colour_stats(png: Path) -> tuple[int, float, tuple[int, int]]:
    """Distinct colours, the share of the commonest one, and the size of a PNG."""
    import numpy as np

    pixels = _pixels(png)
    _, counts = np.unique(pixels, return_counts=True)
    height, width = pixels.shape
    return len(counts), float(counts.max()) / pixels.size, (width, height)


def test_installed_app_in_a_real_window(tmp_path: Path) -> None:
    xdotool = require_tool("xdotool", "xdotool")
    script = Path(sys.executable).parent / "timeline-viewer"
    assert script.is_file(), (
        f"the console script {script} is not installed: pip install -e . in this environment")
    folder = tmp_path / SEEDS.name  # the same name, so the same window title
    shutil.copytree(SEEDS, folder)
    with xvfb_display(tmp_path) as display:
        _run_app_on_display(tmp_path, display, script, xdotool, folder)


def _run_app_on_display(tmp_path: Path, display: str, script: Path, xdotool: str, folder: Path) -> None:
    env = _child_env(tmp_path, display)
    app, stderr_text, died = _start_app(script, folder, env, tmp_path)
    try:

        # 2. The window, titled once the folder has loaded.
        wid = wait_for(f"a window named {WINDOW_TITLE!r}", WINDOW_TIMEOUT,
                        lambda: _find_window(xdotool, env), died)
        width, height = _geometry(xdotool, env, wid)
        assert width >= 400 and height >= 300, f"window is only {width}x{height}"

        # 3. A click on the timeline, in the upper part of the window.
        x, y = int(width * 0.45), int(height * 0.30)
        clicked = _xdotool(xdotool, env, "mousemove", "--window", wid, str(x), str(y), "click", "1")
        assert clicked.returncode == 0, clicked.stderr

        # 4. A screenshot of the window, until it shows a painted window.
        grab = tmp_path / "grab_window.py"
        grab.write_text(GRAB_SCRIPT, encoding="utf-8")
        shot = tmp_path / "screenshot.png"

        def grab_window(path: Path) -> None:
            result = subprocess.run([sys.executable, str(grab), wid, str(path)], env=env,
                                    capture_output=True, text=True, timeout=20)
            assert result.returncode == 0, f"screenshot helper failed:\n{result.stderr}"

        def take_screenshot() -> tuple[int, float, tuple[int, int]] | None:
            grab_window(shot)
            stats = _colour_stats(shot)
            return stats if stats[0] > 50 and stats[1] < 0.9 else None

        try:
            colours, dominant, size = wait_for("a painted window", PAINT_TIMEOUT, take_screenshot, died)
        finally:
            print(f"\nscreenshot: {shot}")
        assert size == (width, height)
        assert colours > 50, f"only {colours} colours in {shot}"
        assert dominant < 0.9, f"one colour covers {dominant:.0%} of {shot}"

        # 5. A story added to the folder appears: the window changes. (The new
        # lane may be below the fold, but the status bar's count and the
        # overview strip's histogram change in any case.)
        # The pointer leaves the window first: a hover tooltip would change it too.
        moved = _xdotool(xdotool, env, "mousemove", "--sync", "1599", "999")
        assert moved.returncode == 0, moved.stderr
        assert wait_for("a settled window", PAINT_TIMEOUT, take_screenshot, died)
        before = _pixels(shot)
        (folder / "zz_live.txt").write_text(
            "A Story Added While The App Runs\nTimeline\n"
            + "".join(f"{year} – Event of {year} [1]\n" for year in range(1900, 2030, 3)),
            encoding="utf-8")
        after_shot = tmp_path / "after_edit.png"

        def changed() -> bool:
            grab_window(after_shot)
            now = _pixels(after_shot)
            return now.shape == before.shape and int((now != before).sum()) > 200

        try:
            wait_for("the window to show the added story", PAINT_TIMEOUT, changed, died)
        finally:
            print(f"after the edit: {after_shot}")

        # 6. Still running after the click, with no traceback; Ctrl+Q closes it.
        assert app.poll() is None, f"the app died after the click; stderr:\n{stderr_text()}"
        _quit_cleanly(xdotool, env, wid, app, stderr_text)
    finally:
        if app.poll() is None:
            stop(app)


def _quit_cleanly(xdotool: str, env: dict[str, str], wid: str, app: subprocess.Popen,
                  stderr_text: Callable[[], str]) -> None:
    """No traceback so far; Ctrl+Q ends the app with status 0, still without one."""
    assert "Traceback" not in stderr_text(), stderr_text()
    pressed = _xdotool(xdotool, env, "windowfocus", "--sync", wid, "key", "--clearmodifiers", "ctrl+q")
    assert pressed.returncode == 0, pressed.stderr
    try:
        code = app.wait(EXIT_TIMEOUT)
    except subprocess.TimeoutExpired:
        pytest.fail(f"Ctrl+Q did not close the app within {EXIT_TIMEOUT:.0f} s", pytrace=False)
    assert code == 0, f"the app exited with {code}; stderr:\n{stderr_text()}"
    assert "Traceback" not in stderr_text(), stderr_text()


QUIT_LIMIT = 2.0  # seconds from Ctrl+Q to the process gone (issue 10)


@pytest.mark.parametrize("when", ["while loading", "just loaded", "killed while loading"])
def test_quit_ends_the_app_within_two_seconds(tmp_path: Path, when: str) -> None:
    """Ctrl+Q during a large load, or right after it (cache being written, folder being watched)."""
    xdotool = require_tool("xdotool", "xdotool")
    script = Path(sys.executable).parent / "timeline-viewer"
    folder = tmp_path / "large"
    for i in range(6000):  # enough for the worker processes, and a load of seconds
        sub = folder / f"part{i % 20:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        (sub / f"s{i:05d}.txt").write_text(
            f"Story {i}\nTimeline\n" + "".join(f"{1900 + (i + k) % 120} – Event {k} of {i} [1]\n" for k in range(8)),
            encoding="utf-8")
    title = f"{folder.name} — Timeline Viewer" if when == "just loaded" else "Timeline Viewer"
    with xvfb_display(tmp_path) as display:
        env = {**_child_env(tmp_path, display), "PYTHONFAULTHANDLER": "1"}
        stderr_path = tmp_path / "app.stderr"
        with stderr_path.open("wb") as err:
            app = subprocess.Popen([str(script), str(folder)], env=env, cwd=tmp_path, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=err)
        try:
            def found() -> str | None:
                result = _xdotool(xdotool, env, "search", "--onlyvisible", "--name", f"^{title}$")
                ids = result.stdout.split()
                return ids[0] if result.returncode == 0 and ids else None

            wid = wait_for(f"a window named {title!r}", 60.0, found,
                            lambda: None if app.poll() is None else f"the app exited with {app.returncode}")
            if when == "while loading":
                time.sleep(0.5)  # into the load, which takes several seconds here
            children = subprocess.run(["pgrep", "-P", str(app.pid)], capture_output=True, text=True).stdout.split()
            if when.startswith("killed"):
                # However the app ends, its worker processes go with it.
                time.sleep(1.0)  # the workers are up and parsing
                children = subprocess.run(["pgrep", "-P", str(app.pid)], capture_output=True,
                                          text=True).stdout.split()
                app.kill()
                app.wait(10)
                wait_for("the killed app's child processes to end", QUIT_LIMIT,
                          lambda: not [pid for pid in children if _running(pid)])
                return
            pressed = _xdotool(xdotool, env, "windowfocus", "--sync", wid, "key", "--clearmodifiers", "ctrl+q")
            start = time.monotonic()
            assert pressed.returncode == 0, pressed.stderr
            try:
                code = app.wait(10)
            except subprocess.TimeoutExpired:
                app.send_signal(signal.SIGABRT)  # PYTHONFAULTHANDLER: every thread's stack to stderr
                app.wait(10)
                stacks = stderr_path.read_text(encoding="utf-8", errors="replace")
                pytest.fail(f"Ctrl+Q {when} did not end the app within 10 s; its threads:\n{stacks}",
                            pytrace=False)
            elapsed = time.monotonic() - start
            stderr = stderr_path.read_text(encoding="utf-8", errors="replace")
            assert code == 0, f"the app exited with {code}; stderr:\n{stderr}"
            assert "Traceback" not in stderr, stderr
            print(f"\nCtrl+Q {when}: the app ended in {elapsed:.2f} s; its child processes were {children}")
            assert elapsed <= QUIT_LIMIT, f"Ctrl+Q {when} took {elapsed:.2f} s to end the app"
            # No worker process outlives the app (multiprocessing's resource tracker leaves
            # when it sees the app's end, a moment after it).
            wait_for("the app's child processes to end", QUIT_LIMIT,
                      lambda: not [pid for pid in children if _running(pid)])
        finally:
            if app.poll() is None:
                stop(app)


def _running(pid: str) -> bool:
    """Whether a process exists and is not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


# --- search: Ctrl+F, a word, Enter; the detail pane read back with OCR ---------

# The query and what the detail pane must show after Enter. "newsgroup" is in
# one event only, of the ARPANET story ("Berners-Lee posts a summary of the
# World Wide Web project to the alt.hypertext newsgroup, inviting
# collaborators from outside CERN"), and in no story's own text: its first
# match is an event, not a summary (unlike "Berners", whose first match is the
# ARPANET story's summary). After Enter OCR must read one of EVENT_WORDS,
# which are in that event's text and not in its story's summary (what Enter
# would show had it selected the story); before Enter it must read none of
# them nor "berners" in the pane, which then shows the first story's summary.
QUERY = "newsgroup"
EVENT_WORDS = ("newsgroup", "collaborators")
NOT_BEFORE_WORDS = (*EVENT_WORDS, "berners")
OCR_TIMEOUT = 30.0  # a few OCR passes of about a second each
SETTLED_PIXELS = 100  # two grabs differing in fewer pixels are one picture (the text cursor blinks)
STATUS_STRIP = 48  # px at the bottom of the window: the status bar, where "1 match in 1 story" shows
CELL = 8  # px: changed pixels are grouped on a grid of this size


def _crop_and_ocr(tesseract: str, png: Path, box: tuple[int, int, int, int], out: Path) -> str:
    """The text tesseract reads in ``box`` (x, y, width, height) of a PNG, scaled up twice for it."""
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QImage

    x, y, width, height = box
    image = QImage(str(png)).copy(x, y, width, height)
    image = image.scaled(width * 2, height * 2, Qt.AspectRatioMode.IgnoreAspectRatio,
                         Qt.TransformationMode.SmoothTransformation)
    assert image.save(str(out), "PNG"), f"cannot write {out}"
    # One thread: tesseract's OpenMP threads only cost time on images this small.
    result = subprocess.run([tesseract, str(out), "stdout"], capture_output=True, text=True, timeout=60,
                            env={**os.environ, "OMP_THREAD_LIMIT": "1"})
    assert result.returncode == 0, f"tesseract failed on {out}:\n{result.stderr}"
    return result.stdout


def _largest_change(before, after, top: int) -> tuple[int, int, int, int] | None:
    """Where two grabs differ most, below row ``top``: (x, y) of the leftmost changed pixel, rows y0, y1.

    Changed pixels are grouped into connected regions on a grid of CELL
    pixels; the region with the most changed cells wins, and the leftmost
    (then topmost) pixel of it is returned with its first and last row.
    """
    import numpy as np

    changed = (before != after)
    changed[:top] = False
    height, width = changed.shape
    rows, cols = -(-height // CELL), -(-width // CELL)
    padded = np.zeros((rows * CELL, cols * CELL), dtype=bool)
    padded[:height, :width] = changed
    cells = padded.reshape(rows, CELL, cols, CELL).any(axis=(1, 3))
    seen = np.zeros_like(cells)
    best: list[tuple[int, int]] = []
    for start in zip(*np.nonzero(cells)):
        if seen[start]:
            continue
        seen[start] = True
        stack, members = [start], []
        while stack:
            r, c = stack.pop()
            members.append((r, c))
            for rr, cc in ((r + 1, c), (r - 1, c), (r, c + 1), (r, c - 1)):
                if 0 <= rr < rows and 0 <= cc < cols and cells[rr, cc] and not seen[rr, cc]:
                    seen[rr, cc] = True
                    stack.append((rr, cc))
        if len(members) > len(best):
            best = members
    if not best:
        return None
    in_region = np.zeros_like(cells)
    for member in best:
        in_region[member] = True
    mask = changed & np.repeat(np.repeat(in_region, CELL, 0), CELL, 1)[:height, :width]
    ys, xs = np.nonzero(mask)
    leftmost = int(xs.min())
    y = int(ys[xs == leftmost].min())
    return leftmost, y, int(ys.min()), int(ys.max())


def _framed_box(pixels, x: int, y: int, y0: int, y1: int) -> tuple[int, int, int, int] | None:
    """The framed box (a text pane) around pixel (x, y): (x, y, width, height) inside its frame.

    The pane's background is the commonest colour of rows y0..y1; its frame
    (or a splitter, or a scroll bar) is the first column to each side of x
    with none of that colour in those rows, then the first row above and
    below with none of it between those columns. Text always leaves some
    background between its lines and letters; a frame line does not.
    """
    import numpy as np

    height, width = pixels.shape
    band = pixels[y0:y1 + 1]
    colours, counts = np.unique(band, return_counts=True)
    background = colours[counts.argmax()]
    has_background = (band == background).any(axis=0)
    left = x
    while left > 0 and has_background[left]:
        left -= 1
    right = x
    while right < width - 1 and has_background[right]:
        right += 1

    def edge_row(row: int) -> bool:
        return not (pixels[row, left + 1:right] == background).any()

    top = y
    while top > 0 and not edge_row(top):
        top -= 1
    bottom = y
    while bottom < height - 1 and not edge_row(bottom):
        bottom += 1
    box = (left + 1, top + 1, right - left - 1, bottom - top - 1)
    return box if box[2] >= 150 and box[3] >= 80 else None


def _found_words(text: str, words: tuple[str, ...] = EVENT_WORDS) -> list[str]:
    """Which of ``words`` are in a text, ignoring case (OCR's capitals are not always right)."""
    text = text.lower()
    return [word for word in words if word in text]


def test_find_and_enter_show_the_first_match_in_the_detail_pane(tmp_path: Path) -> None:
    """Ctrl+F, type a word, Enter: the detail pane (lower left) shows the matching event's text."""
    xdotool = require_tool("xdotool", "xdotool")
    tesseract = require_tool("tesseract", "tesseract-ocr")
    script = Path(sys.executable).parent / "timeline-viewer"
    assert script.is_file(), (
        f"the console script {script} is not installed: pip install -e . in this environment")

    # The premise, checked on the samples rather than trusted: the query's
    # first match is an event whose text has the words looked for, its
    # story's summary has none of them, and the first story's (shown before
    # Enter) none of NOT_BEFORE_WORDS.
    from viewer.core.search import SearchIndex
    from viewer.model import load_folder
    from viewer.ui.detail_pane import story_html

    library = load_folder(SEEDS)
    first = SearchIndex(library).search(QUERY).hits()[0]
    assert first.event is not None, f"the first match of {QUERY!r} is a story, not an event"
    story = library.story(first.file)
    assert story is not None
    assert _found_words(story.events[first.event].text, NOT_BEFORE_WORDS) == list(NOT_BEFORE_WORDS)
    assert not _found_words(story_html(story))
    assert not _found_words(story_html(library.stories[0]), NOT_BEFORE_WORDS)

    folder = tmp_path / SEEDS.name  # the same name, so the same window title
    shutil.copytree(SEEDS, folder)
    with xvfb_display(tmp_path) as display:
        env = _child_env(tmp_path, display)
        app, stderr_text, died = _start_app(script, folder, env, tmp_path)
        try:

            wid = wait_for(f"a window named {WINDOW_TITLE!r}", WINDOW_TIMEOUT,
                            lambda: _find_window(xdotool, env), died)
            width, height = _geometry(xdotool, env, wid)
            grab = tmp_path / "grab_window.py"
            grab.write_text(GRAB_SCRIPT, encoding="utf-8")

            def grab_window(path: Path):
                result = subprocess.run([sys.executable, str(grab), wid, str(path)], env=env,
                                        capture_output=True, text=True, timeout=20)
                assert result.returncode == 0, f"screenshot helper failed:\n{result.stderr}"
                return _pixels(path)

            # The pointer off the window (a hover tooltip would change it), then
            # Ctrl+F and the word, as a user types it.
            moved = _xdotool(xdotool, env, "mousemove", "--sync", "1599", "999")
            assert moved.returncode == 0, moved.stderr
            pressed = _xdotool(xdotool, env, "windowfocus", "--sync", wid, "key", "--clearmodifiers", "ctrl+f")
            assert pressed.returncode == 0, pressed.stderr
            typed = _xdotool(xdotool, env, "type", "--delay", "20", QUERY)
            assert typed.returncode == 0, typed.stderr

            # The search done: the status bar counts its match.
            status_png, status_crop = tmp_path / "status.png", tmp_path / "status_ocr.png"
            status = {"text": ""}

            def counted() -> bool:
                grab_window(status_png)
                status["text"] = _crop_and_ocr(tesseract, status_png,
                                               (0, height - STATUS_STRIP, width, STATUS_STRIP), status_crop)
                return re.search(r"\b1 match\b", status["text"]) is not None

            try:
                wait_for(f"the status bar to count the match of {QUERY!r}", OCR_TIMEOUT, counted, died)
            finally:
                print(f"\nstatus bar: {status['text'].strip()!r} ({status_crop})")

            # Before Enter, a settled window (two grabs alike but for the text cursor).
            before_png = tmp_path / "before_enter.png"
            previous = {"pixels": grab_window(before_png)}

            def settled() -> bool:
                now = grab_window(before_png)
                last = previous["pixels"]
                alike = now.shape == last.shape and int((now != last).sum()) < SETTLED_PIXELS
                previous["pixels"] = now
                return alike

            wait_for("a settled window before Enter", PAINT_TIMEOUT, settled, died)
            before = previous["pixels"]

            # Enter: the first match selected. The detail pane is the framed text
            # pane around the largest change in the lower half of the window (the
            # timeline takes the upper 3/5); it must read as the event's text.
            entered = _xdotool(xdotool, env, "key", "--clearmodifiers", "Return")
            assert entered.returncode == 0, entered.stderr
            after_png, after_crop = tmp_path / "after_enter.png", tmp_path / "detail_after_ocr.png"
            seen: dict[str, object] = {"box": None, "text": ""}

            def detail_shows_the_event() -> bool:
                after = grab_window(after_png)
                if after.shape != before.shape:
                    return False
                change = _largest_change(before, after, top=height // 2)
                if change is None:
                    return False
                x, y, y0, y1 = change
                box = _framed_box(after, x, y, y0, y1)
                if box is None:
                    return False
                seen["box"] = box
                seen["text"] = _crop_and_ocr(tesseract, after_png, box, after_crop)
                return bool(_found_words(seen["text"]))

            try:
                wait_for(f"the detail pane to show the event matching {QUERY!r}", OCR_TIMEOUT,
                          detail_shows_the_event, died)
            finally:
                print(f"detail pane {seen['box']} after Enter ({after_crop}):\n{seen['text'].strip()}")
            box = seen["box"]
            assert isinstance(box, tuple)
            left, top, box_width, _ = box
            assert left + box_width <= width * 0.75 and top >= height // 2, (
                f"the detail pane {box} is not in the lower left")

            # The same pane before Enter: readable text (the first story's
            # summary), and none of the event's words.
            before_crop = tmp_path / "detail_before_ocr.png"
            before_text = _crop_and_ocr(tesseract, before_png, box, before_crop)
            print(f"the same area before Enter ({before_crop}):\n{before_text.strip()}")
            assert len(re.findall(r"[A-Za-z]", before_text)) >= 20, "OCR read no text in the pane before Enter"
            already = _found_words(before_text, NOT_BEFORE_WORDS)
            assert not already, f"{already} already in the detail pane before Enter:\n{before_text}"

            # Still alive, no traceback; Ctrl+Q closes it.
            _quit_cleanly(xdotool, env, wid, app, stderr_text)
        finally:
            if app.poll() is None:
                stop(app)
