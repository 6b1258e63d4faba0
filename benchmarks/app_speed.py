"""How fast the app answers in a real browser (goals: first page < 3 s after start, every interaction < 1 s).

Starts `streamlit run app.py` headless on a free loopback port, drives Debian's Chromium with Playwright
(the launch flags of tests/test_e2e.py; every request that does not go to the app's port is blocked) at
1280×720 on the bundled sample, and prints the median (and min–max) of --repeat runs of:

- cold first page: a fresh server each time, from the server answering its health check (and from the
  process start) until the first page shows each chain's best targets; "first start" with an empty
  disk store (the app has never scored the sample with this code and data), "restart" with the store
  a first start left (matcher.result_store; a tree without one scores again);
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

    def __init__(self, tree: Path, cache: Path):
        self.tree = tree
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
        env["PYTHONPATH"] = str(tree)
        env["CHAINMATCH_CACHE"] = str(cache)  # the app's disk store of the scored sample
        self.log = tempfile.TemporaryFile()  # noqa: SIM115 - closed in stop()
        self.started = time.perf_counter()
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(self.port)]
            + ["--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=tree,
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
        self.log.close()


def new_page(browser, server: Server, viewport):
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
    page.set_default_timeout(90_000)
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


def cold(tree: Path, browser, viewport, cache: Path) -> tuple[float, float]:
    """(seconds from health check, seconds from process start) to the first page with its tables."""
    server = Server(tree, cache)
    try:
        page = new_page(browser, server, viewport)
        page.goto(server.url + "/")
        page.wait_for_function(f"() => ({IDLE})() && ({FIRST_PAGE})()", polling="raf", timeout=120_000)
        done = time.perf_counter()
        page.context.close()
        return done - server.healthy, done - server.started
    finally:
        server.stop()


def has_row_selection(tree: Path) -> bool:
    return "on_select" in (tree / "app_pages" / "ranking.py").read_text(encoding="utf-8")


def warm(tree: Path, browser, viewport, repeat: int, cache: Path) -> dict[str, list[float]]:
    """Every interaction `repeat` times on one server and one browser tab."""
    times: dict[str, list[float]] = {k: [] for k in ("slider", "chain filter", "open map", "switch chain", "detail")}
    server = Server(tree, cache)
    try:
        page = new_page(browser, server, viewport)
        page.goto(server.url + "/")
        page.wait_for_function(f"() => ({IDLE})() && ({FIRST_PAGE})()", polling="raf", timeout=120_000)
        page.evaluate(WATCH)
        nav(page, "目标排序")
        page.get_by_text("当前排名第一：").wait_for()
        settle(page)

        # weight slider: one keyboard step, alternately down and up
        slider = page.locator('[data-testid="stSlider"]').filter(has_text="匹配缺口权重").get_by_role("slider")
        for i in range(repeat):
            key = "ArrowLeft" if i % 2 == 0 else "ArrowRight"
            slider.focus()
            times["slider"].append(timed(page, lambda k=key: slider.press(k), "() => true"))
            settle(page)

        # chain filter: choose one chain (then clear it again, not timed)
        chains = ["新能源汽车", "集成电路", "人工智能", "轨道交通", "智能电网", "软件和信息服务", "智能制造装备"]
        box = page.locator('[data-testid="stMultiSelect"]').filter(has_text="产业链").first
        for i in range(repeat):
            name = chains[i % len(chains)]
            box.click()
            option = page.get_by_role("option", name=name, exact=True)
            option.wait_for()
            times["chain filter"].append(timed(page, option.click, "() => true"))
            settle(page)
            box.locator('[role="combobox"], input').first.click()
            page.keyboard.press("Backspace")
            page.keyboard.press("Escape")
            settle(page)

        # a company's detail
        clickable = has_row_selection(tree)
        for i in range(repeat):
            settle(page)
            if clickable:
                grid = page.locator('[data-testid="stDataFrame"]').first
                grid.scroll_into_view_if_needed()
                box_ = grid.bounding_box()
                y = box_["y"] + 35 * (2 + i) + 17  # a different data row each time (below the header)
                x = box_["x"] + 120
                shown = page.evaluate("() => [...document.querySelectorAll('h3')].map(h => h.innerText).join('|')")
                changed = "(before) => [...document.querySelectorAll('h3')].map(h => h.innerText).join('|') !== before"
                times["detail"].append(timed(page, lambda x=x, y=y: page.mouse.click(x, y), changed, shown))
            else:
                select = page.locator('[data-testid="stSelectbox"]').filter(has_text="选择企业")
                select.scroll_into_view_if_needed()
                select.click()
                option = page.get_by_role("option").nth(i + 1)
                option.wait_for()
                name = option.inner_text().split(". ", 1)[1]
                times["detail"].append(
                    timed(
                        page,
                        option.click,
                        f"() => [...document.querySelectorAll('h3')].some(h => h.innerText.includes({name!r}))",
                    )
                )
        settle(page)

        # open the map page from the ranking page (then back, not timed)
        for _ in range(repeat):
            times["open map"].append(timed(page, lambda: nav(page, "招商地图"), MAP_DRAWN, ""))
            settle(page)
            nav(page, "目标排序")
            page.get_by_text("当前排名第一：").wait_for()
            settle(page)

        # switch chain on the map page
        nav(page, "招商地图")
        page.wait_for_function(MAP_DRAWN, arg="", polling="raf")
        settle(page)
        select = page.locator('[data-testid="stSelectbox"]').filter(has_text="产业链").first
        for i in range(repeat):
            name = chains[i % len(chains)]
            select.click()
            option = page.get_by_role("option", name=name, exact=True)
            option.wait_for()
            times["switch chain"].append(timed(page, option.click, MAP_DRAWN, name))
            settle(page)
        page.context.close()
    finally:
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
    parser.add_argument("--tree", type=Path, default=ROOT, help="the checkout to measure (default: this one)")
    args = parser.parse_args()
    chromium = shutil.which("chromium")
    if chromium is None:
        raise SystemExit("Debian chromium is needed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    w, h = (int(v) for v in args.viewport.split("x"))
    viewport = {"width": w, "height": h}
    trees = {"this tree": args.tree.resolve()}
    if args.compare:
        trees["compare"] = args.compare.resolve()
    steps = ("first start (from health check)", "first start (from process start)")
    steps += ("restart (from health check)", "restart (from process start)")
    results = {name: {step: [] for step in steps} for name in trees}
    scratch = Path(tempfile.mkdtemp(prefix="app_speed_"))
    kept = {name: scratch / f"kept-{i}" for i, name in enumerate(trees)}  # the store a restart finds
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
            try:
                for i in range(args.repeat):  # interleaved, so both trees see the same machine load
                    for name, tree in trees.items():
                        # a first start: an empty store (the first one's store is kept for the restarts)
                        store = kept[name] if i == 0 else Path(tempfile.mkdtemp(dir=scratch))
                        health, start = cold(tree, browser, viewport, store)
                        results[name][steps[0]].append(health)
                        results[name][steps[1]].append(start)
                        health, start = cold(tree, browser, viewport, kept[name])
                        results[name][steps[2]].append(health)
                        results[name][steps[3]].append(start)
                for name, tree in trees.items():
                    results[name].update(warm(tree, browser, viewport, args.repeat, kept[name]))
            finally:
                browser.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"app speed, sample list, Chromium {args.viewport}, median (min–max) of {args.repeat}")
    for name, tree in trees.items():
        print(f"\n{name}: {tree}")
        for step, values in results[name].items():
            print(f"  {step:28s} {median(values)}")
    if len(trees) == 2:
        print("\nratio compare / this tree (medians)")
        for step, values in results["this tree"].items():
            other = results["compare"].get(step) or []
            if values and other:
                print(f"  {step:28s} {statistics.median(other) / statistics.median(values):5.1f}×")


if __name__ == "__main__":
    main()
