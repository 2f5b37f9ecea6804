"""TimelineJS export: dates to the story's precision, text escaped, and proved in the real client.

The last test loads the exported document into TimelineJS itself (the npm
package ``@knight-lab/timelinejs``, installed by ``.ci/run`` into
``build/timelinejs``) in headless Chromium, and reads back how many slides
it built and whether anything went to the console as an error. Without
Chromium or the package it skips locally, and fails on CI (``CI=true``).
"""

import html
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import ROOT, SEEDS, library_of
from tests.model.test_cli import run

TIMELINEJS_DIST = Path(os.environ.get("TIMELINEJS_DIR", ROOT / "build" / "timelinejs")) \
    / "node_modules" / "@knight-lab" / "timelinejs" / "dist"

STORY = (
    "Talks <b>&amp; Deals</b> <script>alert(1)</script>\n"
    "Background Things happened before [1]. More text here [2].\n"
    "Timeline\n"
    "1960s – A decade of <i>change</i> [1]\n"
    "2019 – A year [2]\n"
    "Mid-2020 – Part of a year [1]\n"
    "Mar 2021 – A month [1]\n"
    "Jan 3, 2022 – A day with \"quotes\" & <img src=x onerror=alert(1)> [1][2]\n"
    "Sep 14–16, 2025 – Days [2]\n"
    "2019–2021 – Years [1]\n"
    "sometime – No date [1]\n"
    "Sources\n"
    "[1] Reuters <b>wire</b> — https://reuters.example/a?x=1&y=\"2\"\n"
    "[2] Evil — javascript:alert(1)\n"
)


def document(files: dict[str, str]):
    from viewer.model.timelinejs import timeline_document

    library = library_of(files)
    return timeline_document(library.stories, "Folder <x>")


def test_dates_carry_only_the_precision_the_story_gives():
    doc = document({"a.txt": STORY})
    assert (doc.events, doc.undated) == (7, 1)
    slides = doc.data["events"]
    dates = [(s["display_date"], s["start_date"], s.get("end_date")) for s in slides]
    assert dates == [
        ("1960s", {"year": 1960}, {"year": 1969}),
        ("2019", {"year": 2019}, None),
        ("Mid-2020", {"year": 2020}, None),
        ("Mar 2021", {"year": 2021, "month": 3}, None),
        ("Jan 3, 2022", {"year": 2022, "month": 1, "day": 3}, None),
        ("Sep 14–16, 2025", {"year": 2025, "month": 9, "day": 14}, {"year": 2025, "month": 9, "day": 16}),
        ("2019–2021", {"year": 2019}, {"year": 2021}),
    ]
    assert all("group" not in s for s in slides)  # one story: no groups
    assert len({s["unique_id"] for s in slides}) == len(slides)


def test_text_is_escaped_and_only_web_sources_are_links():
    doc = document({"a.txt": STORY})
    title = doc.data["title"]["text"]
    assert title["headline"] == "Talks &lt;b&gt;&amp;amp; Deals&lt;/b&gt; &lt;script&gt;alert(1)&lt;/script&gt;"
    assert title["text"].startswith("<p>") and "Things happened before. More text here." in title["text"]
    day = doc.data["events"][4]["text"]
    assert "<img" not in day["text"] and "&lt;img src=x onerror=alert(1)&gt;" in day["text"]
    assert '&quot;quotes&quot;' in day["text"]
    assert ('<a href="https://reuters.example/a?x=1&amp;y=&quot;2&quot;" target="_blank" '
            'rel="noopener noreferrer">Reuters &lt;b&gt;wire&lt;/b&gt;</a>') in day["text"]
    assert 'href="javascript' not in json.dumps(doc.data).replace('\\"', '"')  # text maybe, never a link
    assert "Sources: " in day["text"] and "Evil" in day["text"]


def test_several_stories_get_a_group_each():
    doc = document({"a.txt": STORY, "b.txt": "Second <Story>\nTimeline\n2001 – One [1]\n"})
    assert doc.data["title"]["text"]["headline"] == "Folder &lt;x&gt;"
    groups = {s["group"] for s in doc.data["events"]}
    assert groups == {"Talks <b>&amp; Deals</b> <script>alert(1)</script>", "Second <Story>"}


def test_export_timelinejs_runs_without_qt(tmp_path):
    out = tmp_path / "t.json"
    result = run("--export-timelinejs", str(out), str(SEEDS), "--story", "pandemic.txt", block_qt=True)
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["title"]["text"]["headline"].startswith("COVID-19 Pandemic")
    assert len(data["events"]) == 16
    missing = run("--export-timelinejs", str(out), block_qt=True)
    assert missing.returncode == 2 and len(missing.stderr.strip().splitlines()) == 1


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def render_in_timelinejs(data: str, tmp_path: Path) -> dict:
    """Load a TimelineJS document in the real client in headless Chromium; what it built, and its errors."""
    browser = chromium()
    script = TIMELINEJS_DIST / "js" / "timeline.js"
    if browser is None or not script.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the TimelineJS test: chromium {browser}, {script} exists: {script.exists()}")
        pytest.skip("needs chromium and `npm install --prefix build/timelinejs @knight-lab/timelinejs`")
    embedded = data.replace("</", "<\\/")  # inside <script>, "</script>" in a story would end it
    page = tmp_path / "timeline.html"
    page.write_text(f"""<!doctype html><html><head><meta charset="utf-8">
<link rel="stylesheet" href="{(TIMELINEJS_DIST / 'css' / 'timeline.css').as_uri()}">
<script>
window.reported = [];
window.addEventListener("error", e => window.reported.push("error: " + e.message));
window.addEventListener("unhandledrejection", e => window.reported.push("rejection: " + e.reason));
const consoleError = console.error;
console.error = (...args) => {{ window.reported.push("console.error: " + args.join(" ")); consoleError(...args); }};
window.alert = text => window.reported.push("alert ran: " + text);
</script>
<script src="{script.as_uri()}"></script>
</head><body><div id="timeline-embed" style="width: 1000px; height: 600px"></div>
<script id="data" type="application/json">{embedded}</script>
<script>
new TL.Timeline("timeline-embed", JSON.parse(document.getElementById("data").textContent));
setTimeout(() => {{
  const result = document.createElement("pre");
  result.id = "result";
  result.textContent = JSON.stringify({{
    slides: document.querySelectorAll(".tl-slide").length,
    title_slides: document.querySelectorAll(".tl-slide-titleslide").length,
    markers: document.querySelectorAll(".tl-timemarker").length,
    text: document.getElementById("timeline-embed").innerText,
    errors: window.reported,
  }});
  document.body.appendChild(result);
}}, 3000);
</script></body></html>""", encoding="utf-8")
    completed = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
         "--virtual-time-budget=20000", "--enable-logging=stderr", "--v=0", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=180)
    found = re.search(r'<pre id="result">(.*?)</pre>', completed.stdout, re.S)
    assert found, completed.stdout[-2000:] + completed.stderr[-2000:]
    result = json.loads(html.unescape(found.group(1)))
    # What the page sent to the console, as Chromium logs it (errors from other sources than JS included).
    result["console"] = [line for line in completed.stderr.splitlines()
                         if "CONSOLE" in line and ("ERROR" in line or "Uncaught" in line)]
    return result


def test_the_export_renders_in_timelinejs_one_slide_per_dated_event(tmp_path):
    out = tmp_path / "seeds.json"
    result = run("--export-timelinejs", str(out), str(SEEDS))
    assert result.returncode == 0, result.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    rendered = render_in_timelinejs(out.read_text(encoding="utf-8"), tmp_path)
    assert rendered["errors"] == [] and rendered["console"] == []
    assert rendered["title_slides"] == 1
    assert rendered["slides"] == 1 + len(data["events"]) == 1 + 51
    assert rendered["markers"] == 51


def test_hostile_text_renders_as_text_in_timelinejs(tmp_path, story_folder):
    folder = story_folder({"hostile.txt": STORY})
    out = tmp_path / "hostile.json"
    assert run("--export-timelinejs", str(out), str(folder)).returncode == 0
    rendered = render_in_timelinejs(out.read_text(encoding="utf-8"), tmp_path)
    assert rendered["errors"] == [] and rendered["console"] == []  # no alert ran, nothing failed
    assert rendered["slides"] == 1 + 7
    assert "<script>alert(1)</script>" in rendered["text"]  # shown, not run
    assert "Mid-2020" in rendered["text"] and "Sep 14–16, 2025" in rendered["text"]


def test_dates_before_ad_1_use_astronomical_years():
    doc = document({"rome.txt": "Rome\nTimeline\nMar 15, 44 BC – Caesar is killed [1]\n27 BC – Augustus [1]\n"})
    assert [(s["display_date"], s["start_date"]) for s in doc.data["events"]] == [
        ("Mar 15, 44 BC", {"year": -43, "month": 3, "day": 15}), ("27 BC", {"year": -26})]
