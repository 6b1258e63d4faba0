"""How fast the app answers in a real browser (goals: first page < 3 s after start, every interaction < 1 s).

Starts the app as `make run` does (`streamlit run serve_app.py`; a tree without it: `app.py`) headless on a free loopback port, drives Debian's Chromium with Playwright
(the launch flags of tests/test_e2e.py; every request that does not go to the app's port is blocked) at
1280×720 on the bundled sample, and prints the median (and min–max) of --repeat runs of:

- cold first page: a fresh server each time, from the server answering its health check (and from the
  process start) until the first page shows each chain's best targets (a new browser tab, opened just
  before the server starts, goes to the app when the health check answers); "first start" with an empty
  disk store (the app has never scored the sample with this code and data), "restart" with the store
  a first start left (matcher.result_store; a tree without one scores again); "restart, browser cache":
  a restart opened in a browser that has opened the app before and kept its cache (Streamlit's
  JavaScript files are cached for a year), as an officer's browser is;
- a weight slider change on 目标排序 (keyboard step of 匹配缺口权重);
- a chain filter on 目标排序 (one chain chosen in 产业链);
- opening 招商地图 from 目标排序 (until the chain map is drawn in its frame);
- switching chain on 招商地图 (until the new chain's map is drawn);
- opening a company's detail on 目标排序: a click on a table row; a tree without row selection (the old
  app) is measured choosing the company in its 选择企业 dropdown instead.

"Ready" means: the app's script run has finished (Streamlit's running state is over, no skeleton left)
and the element the step is waiting for is on the screen. Times are taken inside the page
(performance.now) from just before the input event. With --compare OTHER_TREE the same steps run on
another checkout (e.g. `git worktree add /tmp/base main`), interleaved with this one, so the ratios are
measured side by side. Figures only; nothing here asserts a timing.

    python benchmarks/app_speed.py [--repeat 5] [--compare /path/to/other/tree] [--viewport 1280x720]
                                   [--only starts|interactions]
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[1]
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update"]
LAUNCH_ARGS += ["--no-first-run"]

# JavaScript: count script runs as they happen (the app's data-test-script-state attribute)
WATCH = """() => {
  if (window.__runs) return;
  window.__runs = {started: 0, finished: 0};
  const app = document.querySelector('[data-testid="stApp"]');
  let last = app.dataset.testScriptState;
  new MutationObserver(() => {
    const s = app.dataset.testScriptState;
    if (s === last) return;
    if (s === 'running') window.__runs.started += 1;
    if (last === 'running' && s !== 'running') window.__runs.finished += 1;
    last = s;
  }).observe(app, {attributes: true, attributeFilter: ['data-test-script-state']});
}"""
IDLE = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  const s = app && app.dataset.testScriptState;
  return s && s !== 'running' && s !== 'rerunRequested' && s !== 'initial'
    && !document.querySelector('[data-testid="stSkeleton"]')
    && !document.querySelector('[data-testid="stStatusWidget"] [data-testid="stStatusWidgetRunningIcon"]');
}"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """`streamlit run app.py` of one tree on a free loopback port."""

    def __init__(self, tree: Path, cache: Path, start: bool = True):
        self.tree = tree
        self.cache = cache
        # what `make run` starts (app.py served with its start-up warming); a tree without it: app.py
        self.script = "serve_app.py" if (tree / "serve_app.py").exists() else "app.py"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        if start:
            self.start()

    def start(self) -> None:
        """Start the process and wait until it answers its health check (`healthy`)."""
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env["PYTHONPATH"] = str(self.tree)
        env["CHAINMATCH_CACHE"] = str(self.cache)  # the app's disk store of the scored sample
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", self.script, "--server.port", str(self.port)]
            + ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=self.tree,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=env,
        )
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(self.url + "/_stcore/health", timeout=1) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.log.seek(0)
                raise SystemExit("streamlit did not start:\n" + self.log.read().decode(errors="replace")[-3000:])
            time.sleep(0.05)
        self.healthy = time.perf_counter()

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.log.seek(0)
        self.text = self.log.read().decode(errors="replace")
        self.log.close()


def new_page(browser, server: Server, viewport, context=None):
    """A tab on the app: in a new browser context (an empty cache), or in `context` (a browser that has
    opened the app before and keeps its cache; only requests to loopback app ports are let through)."""
    if context is None:
        allowed = (f"{server.url}/", f"ws://127.0.0.1:{server.port}/")
        context = browser.new_context(viewport=viewport, locale="zh-CN", accept_downloads=True)
        context.route(
            "**/*",
            lambda r: (
                r.continue_()
                if r.request.url.startswith(allowed) or r.request.url.startswith(("data:", "blob:", "about:"))
                else r.abort()
            ),
        )
    page = context.new_page()
    page.set_default_timeout(180_000)
    return page


def timed(page, action, ready_js: str, arg=None) -> float:
    """Seconds from just before `action()` until a script run has started and finished after it and
    `ready_js(arg)` holds (polled every animation frame)."""
    page.evaluate(WATCH)
    page.evaluate("() => { window.__before = window.__runs.finished; window.__t0 = performance.now(); }")
    action()
    handle = page.wait_for_function(
        f"""(arg) => {{
          const idle = ({IDLE})();
          if (!idle || window.__runs.finished <= window.__before) return false;
          if (!(({ready_js})(arg))) return false;
          return performance.now() - window.__t0;
        }}""",
        arg=arg,
        polling="raf",
    )
    return handle.json_value() / 1000


def settle(page) -> None:
    page.wait_for_function(IDLE, polling=100)
    page.wait_for_timeout(300)
    page.wait_for_function(IDLE, polling=100)


def text_shown(text: str) -> str:
    return f"() => document.body.innerText.includes({text!r})"


FIRST_PAGE = """() => {
  const tabs = document.querySelector('[data-testid="stTabs"]');
  return !!tabs && !!tabs.querySelector('[data-testid="stDataFrame"] canvas, [data-testid="stDataFrame"] table');
}"""

MAP_DRAWN = """(name) => {
  const frames = [...document.querySelectorAll('iframe')];
  return frames.some(f => {
    try {
      const w = f.contentWindow, d = f.contentDocument;
      return w.chainmatchCharts && w.chainmatchCharts.drawn > 0 && (!name || d.title.includes(name));
    } catch (e) { return false; }
  });
}"""


def nav(page, title: str):
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()


def loopback_only(route) -> None:
    url = route.request.url
    ok = url.startswith(("http://127.0.0.1:", "ws://127.0.0.1:", "data:", "blob:", "about:"))
    route.continue_() if ok else route.abort()


def cold(tree: Path, browser, viewport, cache: Path, context=None) -> tuple[float, float]:
    """(seconds from health check, seconds from process start) to the first page with its tables. The
    browser tab is opened before the server starts (as an officer's browser is open already), so the
    time counts the app, not the making of a new browser profile. Without `context` the tab is in a new
    browser context, so the browser loads and compiles Streamlit's JavaScript again; with it, the tab
    is in a context that has opened the app before (its cached files kept, as an officer's browser)."""
    server = Server(tree, cache, start=False)
    page = new_page(browser, server, viewport, context)
    server.start()
    try:
        page.goto(server.url + "/")
        page.wait_for_function(f"() => ({IDLE})() && ({FIRST_PAGE})()", polling="raf", timeout=120_000)
        done = time.perf_counter()
        page.close() if context is not None else page.context.close()
        return done - server.healthy, done - server.started
    finally:
        server.stop()


def has_row_selection(tree: Path) -> bool:
    return "on_select" in (tree / "app_pages" / "ranking.py").read_text(encoding="utf-8")


CHAINS = ["新能源汽车", "集成电路", "人工智能", "轨道交通", "智能电网", "软件和信息服务", "智能制造装备"]


def on_ranking(page) -> None:
    nav(page, "目标排序")
    page.get_by_text("当前排名第一：").wait_for()
    settle(page)


def step_slider(page, i: int, tree: Path) -> float:
    """One keyboard step of 匹配缺口权重, alternately down and up."""
    slider = page.locator('[data-testid="stSlider"]').filter(has_text="匹配缺口权重").get_by_role("slider")
    slider.focus()
    return timed(page, lambda: slider.press("ArrowLeft" if i % 2 == 0 else "ArrowRight"), "() => true")


def step_chain_filter(page, i: int, tree: Path) -> float:
    """One chain chosen in the 产业链 filter (cleared again afterwards, not timed)."""
    box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="产业链").first
    box.click()
    option = page.get_by_role("option", name=CHAINS[i % len(CHAINS)], exact=True)
    option.wait_for()
    seconds = timed(page, option.click, "() => true")
    settle(page)
    box.locator('[role="combobox"], input').first.click()
    page.keyboard.press("Backspace")
    page.keyboard.press("Escape")
    return seconds


def step_detail(page, i: int, tree: Path) -> float:
    """A company's detail: a click on a table row, or (a tree without row selection) the dropdown."""
    shown = "() => [...document.querySelectorAll('h3')].map(h => h.innerText).join('|')"
    changed = f"(before) => ({shown})() !== before"
    if has_row_selection(tree):
        grid = page.locator('[data-testid="stDataFrame"]').first
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        y = box["y"] + 35 * (2 + i % 8) + 17  # a different data row each time (below the header)
        return timed(page, lambda: page.mouse.click(box["x"] + 120, y), changed, page.evaluate(shown))
    select = page.locator('[data-testid="stSelectbox"]').filter(has_text="选择企业")
    select.scroll_into_view_if_needed()
    select.click()
    option = page.get_by_role("option").nth(1 + i % 8)
    option.wait_for()
    return timed(page, option.click, changed, page.evaluate(shown))


def step_open_map(page, i: int, tree: Path) -> float:
    """招商地图 opened from 目标排序 (and back, not timed)."""
    seconds = timed(page, lambda: nav(page, "招商地图"), MAP_DRAWN, "")
    settle(page)
    on_ranking(page)
    return seconds


def step_switch_chain(page, i: int, tree: Path) -> float:
    """Another chain chosen on 招商地图 (the page is opened first, not timed)."""
    if not page.get_by_role("heading", name="招商地图").count():
        nav(page, "招商地图")
        page.wait_for_function(MAP_DRAWN, arg="", polling="raf")
        settle(page)
    select = page.locator('[data-testid="stSelectbox"]').filter(has_text="产业链").first
    select.click()
    name = CHAINS[i % len(CHAINS)]
    option = page.get_by_role("option", name=name, exact=True)
    option.wait_for()
    return timed(page, option.click, MAP_DRAWN, name)


STEPS = {
    "slider": step_slider,
    "chain filter": step_chain_filter,
    "detail": step_detail,
    "open map": step_open_map,
    "switch chain": step_switch_chain,
}


def warm(trees: dict[str, Path], caches: dict[str, Path], browser, viewport, repeat: int) -> dict:
    """Every interaction `repeat` times, one server and tab per tree, the trees taking turns."""
    servers, pages, times = {}, {}, {name: {step: [] for step in STEPS} for name in trees}
    try:
        for name, tree in trees.items():
            servers[name] = Server(tree, caches[name])
            page = pages[name] = new_page(browser, servers[name], viewport)
            page.goto(servers[name].url + "/")
            page.wait_for_function(f"() => ({IDLE})() && ({FIRST_PAGE})()", polling="raf", timeout=120_000)
            on_ranking(page)
        for step, run in STEPS.items():
            for i in range(repeat):
                for name, tree in trees.items():
                    page = pages[name]
                    settle(page)
                    try:
                        times[name][step].append(run(page, i, tree))
                    except PlaywrightTimeout:  # counted as missing; the tab starts again on 目标排序
                        print(f"{name}: {step} #{i + 1} did not finish in time", file=sys.stderr)
                        page.goto(servers[name].url + "/ranking")
                        page.get_by_text("当前排名第一：").wait_for()
                    settle(page)
    finally:
        for server in servers.values():
            server.stop()
    return times


def median(values: list[float]) -> str:
    if not values:
        return "—"
    return f"{statistics.median(values):6.2f} s  ({min(values):.2f}–{max(values):.2f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--compare", type=Path, help="another checkout of the app, measured side by side")
    parser.add_argument("--viewport", default="1280x720")
    parser.add_argument(
        "--only", nargs="+", choices=["starts", "interactions"], default=["starts", "interactions"],
        help="measure only the first page after starts, or only the interactions",
    )  # fmt: skip
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Debian chromium is needed (apt-get install chromium)")

    w, h = (int(v) for v in args.viewport.split("x"))
    viewport = {"width": w, "height": h}
    trees = {"this tree": args.tree.resolve()}
    if args.compare:
        trees["compare"] = args.compare.resolve()
    steps = ("first start (from health check)", "first start (from process start)")
    steps += ("restart (from health check)", "restart (from process start)")
    steps += ("restart, browser cache (from health check)",)
    results = {name: {step: [] for step in steps} for name in trees}
    scratch = Path(tempfile.mkdtemp(prefix="app_speed_"))
    kept = {name: scratch / f"kept-{i}" for i, name in enumerate(trees)}  # the store a restart finds
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
            # per tree, a browser context that stays open across its restarts: the officer's browser
            cached = {name: browser.new_context(viewport=viewport, locale="zh-CN") for name in trees}
            for context in cached.values():
                context.route("**/*", loopback_only)
            try:
                for i in range(args.repeat if "starts" in args.only else 0):  # interleaved: same load
                    for name, tree in trees.items():
                        # a first start: an empty store (the first one's store is kept for the restarts)
                        store = kept[name] if i == 0 else Path(tempfile.mkdtemp(dir=scratch))
                        health, start = cold(tree, browser, viewport, store)
                        results[name][steps[0]].append(health)
                        results[name][steps[1]].append(start)
                        health, start = cold(tree, browser, viewport, kept[name])
                        results[name][steps[2]].append(health)
                        results[name][steps[3]].append(start)
                        if i == 0:  # the browser opens the app once before: its files are in its cache
                            cold(tree, browser, viewport, kept[name], cached[name])
                        health, _ = cold(tree, browser, viewport, kept[name], cached[name])
                        results[name][steps[4]].append(health)
                if "interactions" in args.only:
                    for name, times in warm(trees, kept, browser, viewport, args.repeat).items():
                        results[name].update(times)
            finally:
                browser.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"app speed, sample list, Chromium {args.viewport}, median (min–max) of {args.repeat}")
    for name, tree in trees.items():
        print(f"\n{name}: {tree}")
        for step, values in results[name].items():
            print(f"  {step:44s} {median(values)}")
    if len(trees) == 2:
        print("\nratio compare / this tree (medians)")
        for step, values in results["this tree"].items():
            other = results["compare"].get(step) or []
            if values and other:
                print(f"  {step:44s} {statistics.median(other) / statistics.median(values):5.1f}×")


if __name__ == "__main__":
    main()
