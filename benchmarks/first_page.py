"""Where the first page's time goes after a server (re)start: a breakdown, medians of --repeat starts.

Starts `streamlit run app.py` as benchmarks/app_speed.py does (a fresh server per run, the app's disk
store from the first run kept, so every run but the first is a restart; --fresh: an empty store each
time), with CHAINMATCH_TIMING=1 so the server writes its start-up timestamps (app_pages/_timing.py) to
its log, opens a new Chromium tab on it and waits for the first page (every chain's best targets
drawn, the app idle). Times are seconds after the health check answered, on one clock: the page's
(performance.timeOrigin + performance.now) and the server log's unix times.

Printed phases: the tab opened and the page's HTML answered; Streamlit's own JavaScript loaded
(DOMContentLoaded); the session's websocket open; the script run (server marks: start, imports done,
the result, the ranking, the page's tables, end) and, when the server warms at start
(app_pages/_startup.py), when warming began and ended; the first table drawn in the browser and the
page ready. Also the largest files the browser fetched. Figures only; nothing is asserted.

    python benchmarks/first_page.py [--repeat 5] [--fresh] [--tree /path/to/checkout]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
import app_speed  # noqa: E402 - the server, tab and readiness checks of the app benchmark

# browser-side marks, recorded from the first byte of the page (installed before its scripts run)
MARKS = """
window.__marks = [];
const mark = (m) => { if (!window.__marks.some(x => x[0] === m)) window.__marks.push([m, performance.now()]); };
document.addEventListener('DOMContentLoaded', () => mark('browser: Streamlit JavaScript loaded (DOMContentLoaded)'));
const NativeWS = window.WebSocket;
window.WebSocket = function (...args) {
  const ws = new NativeWS(...args);
  ws.addEventListener('open', () => mark('browser: websocket open'));
  return ws;
};
window.WebSocket.prototype = NativeWS.prototype;
Object.assign(window.WebSocket, NativeWS);
const poll = () => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (app && app.dataset.testScriptState === 'running') mark('browser: script running');
  if (document.querySelector('h1')) mark('browser: title shown');
  if (document.querySelector('[data-testid="stTabs"] [data-testid="stDataFrame"]')) mark('browser: first table element');
  if (document.querySelector('[data-testid="stTabs"] [data-testid="stDataFrame"] canvas'))
    mark('browser: first table drawn');
  requestAnimationFrame(poll);
};
requestAnimationFrame(poll);
"""


def one_start(browser, tree: Path, cache: Path, viewport) -> tuple[dict[str, float], list]:
    """{phase: seconds after the health check} of one server start, and the page's fetched files."""
    server = app_speed.Server(tree, cache, start=False)
    page = app_speed.new_page(browser, server, viewport)  # opened before the server starts, as app_speed does
    page.add_init_script(MARKS)
    server.start()
    try:
        opened = time.perf_counter()
        page.goto(server.url + "/")
        page.wait_for_function(
            f"() => ({app_speed.IDLE})() && ({app_speed.FIRST_PAGE})()", polling="raf", timeout=120_000
        )
        done = time.perf_counter()
        origin = page.evaluate("performance.timeOrigin") / 1000  # unix seconds of the page's time 0
        nav = page.evaluate("performance.getEntriesByType('navigation')[0].toJSON()")
        files = page.evaluate(
            "performance.getEntriesByType('resource').map(r => [r.name.split('/').pop(), r.decodedBodySize,"
            " r.startTime, r.responseEnd])"
        )
        marks = page.evaluate("window.__marks")
        page.context.close()
        health_unix = time.time() - (time.perf_counter() - server.healthy)
        phases = {"browser: goes to the app": opened - server.healthy}
        phases["browser: page HTML answered"] = origin + nav["responseEnd"] / 1000 - health_unix
        for name, ms in marks:
            phases[name] = origin + ms / 1000 - health_unix
        server.log.seek(0)
        for line in server.log.read().decode(errors="replace").splitlines():
            if line.startswith("TIMING "):
                _, unix, _since, label = line.split(None, 3)
                phases.setdefault("server: " + label, float(unix) - health_unix)
        phases["first page ready"] = done - server.healthy
        return phases, files
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--fresh", action="store_true", help="an empty disk store each start (first starts)")
    parser.add_argument("--tree", type=Path, default=app_speed.ROOT, help="the checkout to measure")
    parser.add_argument("--viewport", default="1280x720")
    args = parser.parse_args()
    if shutil.which("chromium") is None:
        raise SystemExit("Debian chromium is needed (apt-get install chromium)")
    os.environ["CHAINMATCH_TIMING"] = "1"  # inherited by the server (app_speed.Server copies the environment)
    w, h = (int(v) for v in args.viewport.split("x"))
    scratch = Path(tempfile.mkdtemp(prefix="first_page_"))
    runs, files = [], []
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium"), args=app_speed.LAUNCH_ARGS)
            try:
                if not args.fresh:  # the store a restart finds
                    one_start(browser, args.tree.resolve(), scratch / "kept", {"width": w, "height": h})
                for _ in range(args.repeat):
                    cache = Path(tempfile.mkdtemp(dir=scratch)) if args.fresh else scratch / "kept"
                    phases, files = one_start(browser, args.tree.resolve(), cache, {"width": w, "height": h})
                    runs.append(phases)
            finally:
                browser.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    kind = "first start (empty store)" if args.fresh else "restart (the app's disk store kept)"
    print(f"first page after {kind}: {args.tree.resolve()}, Chromium {args.viewport}, {args.repeat} starts")
    print("seconds after the health check answered, median (min–max):")
    names = sorted({n for r in runs for n in r}, key=lambda n: statistics.median(r[n] for r in runs if n in r))
    for name in names:
        values = [r[name] for r in runs if name in r]
        print(f"  {statistics.median(values):6.2f}  ({min(values):.2f}–{max(values):.2f})  {name}")
    print("largest files fetched by the page (last start): KB, fetched from–to (s after the page's start)")
    for name, size, start, end in sorted(files, key=lambda f: -f[1])[:8]:
        print(f"  {size / 1024:7.0f}  {start / 1000:5.2f}–{end / 1000:5.2f}  {name}")


if __name__ == "__main__":
    main()
