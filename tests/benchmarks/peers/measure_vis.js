// Renders events in vis-timeline in headless Chromium and prints, as JSON, the first render and the frame times.
//
// Usage: node measure_vis.js DATA.json FRAMES TIMEOUT_SECONDS   (run by ../bench_peers.py)
// DATA.json: {"items": [...], "groups": [...], "moves": [[start_ms, end_ms], ...]}.
// First render: from just before the page is asked for (the browser already running) to the
// animation frame after the timeline's first "changed" event (its first redraw), as epoch ms.
// A frame: setWindow without animation, to the animation frame after the redraw it causes.

const fs = require("fs");
const path = require("path");
const puppeteer = require("puppeteer-core");

async function main() {
  const [dataPath, framesArg, timeoutArg] = process.argv.slice(2);
  const timeoutMs = Number(timeoutArg) * 1000;
  const vis = fs.readFileSync(
    path.join(path.dirname(require.resolve("vis-timeline/package.json")), "standalone/umd/vis-timeline-graph2d.min.js"),
    "utf8");
  const data = fs.readFileSync(dataPath, "utf8");
  const browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    args: ["--no-sandbox", "--window-size=1600,1000"],
  });
  const page = await browser.newPage();
  await page.setViewport({ width: 1600, height: 1000 });
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve({ timeout: true }), timeoutMs); });
  const start = Date.now();
  const run = (async () => {
    await page.setContent(`<!doctype html><html><head><meta charset="utf-8"></head>
      <body style="margin:0"><div id="timeline"></div></body></html>`);
    await page.addScriptTag({ content: vis });
    return page.evaluate(async (json, frames) => {
      const nextPaint = () => new Promise((resolve) => requestAnimationFrame(() => resolve()));
      const d = JSON.parse(json);
      const timeline = new vis.Timeline(document.getElementById("timeline"),
        new vis.DataSet(d.items), new vis.DataSet(d.groups),
        { stack: true, height: "1000px", zoomable: true, moveable: true });
      await new Promise((resolve) => timeline.once("changed", resolve));
      await nextPaint();
      const firstPainted = performance.timeOrigin + performance.now();
      const times = [];
      for (let i = 0; i < frames; i++) {
        const [s, e] = d.moves[i % d.moves.length];
        const changed = new Promise((resolve) => timeline.once("changed", resolve));
        const t = performance.now();
        timeline.setWindow(s, e, { animation: false });
        await changed;
        await nextPaint();
        times.push(performance.now() - t);
      }
      return { firstPainted, frames: times };
    }, data, Number(framesArg));
  })();
  const result = await Promise.race([run, timeout]);
  clearTimeout(timer);
  if (result.timeout) {
    process.stdout.write(JSON.stringify(result) + "\n");
    browser.process().kill("SIGKILL");  // the page may be busy for minutes yet
    process.exit(0);
  }
  result.firstRenderMs = result.firstPainted - start;
  process.stdout.write(JSON.stringify(result) + "\n");
  await browser.close();
  process.exit(0);
}

main().catch((error) => { process.stderr.write(String(error.stack || error) + "\n"); process.exit(1); });
