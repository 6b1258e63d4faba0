"""The app in a real browser: `streamlit run` on a loopback port, Debian's Chromium driven by Playwright.

Every request that is not to the app's own port is blocked (and recorded: there must be none — no CDN,
no fonts, no usage statistics). The test uploads a generated list, moves a weight and sees the order
change to the one the engine computes, downloads the officer workbook and opens it, and saves
screenshots. Skipped only when chromium is missing outside CI (as tests/test_maps.py).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

import matcher

from .conftest import CHROMIUM_ARGS, chromium_path

ROOT = Path(__file__).resolve().parents[1]
LAUNCH_ARGS = CHROMIUM_ARGS
_chromium = chromium_path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_command(port: int) -> list[str]:
    """`streamlit run serve_app.py` (the app as `make run` starts it: app.py, its first page warmed at
    start) headless on a loopback port, without usage statistics."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "serve_app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
    ]


def app_env(**extra: str) -> dict:
    """The test process's environment without proxies (every request stays on loopback), plus extra."""
    env = {k: v for k, v in os.environ.items() if not k.lower().endswith("_proxy")}
    env.update(extra)
    return env


@contextlib.contextmanager
def app_server(cmd: list[str], port: int, log: Path, env: dict, wait_s: float = 60):
    """Start the app server (`cmd`, output to `log`), wait until it answers its health check, yield its
    base URL, and stop it afterwards. The test fails with the log's tail when the server does not start."""
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, env=env)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + wait_s
        while True:
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=1) as r:
                    if r.read().strip() == b"ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + log.read_text(errors="replace")[-3000:])
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()


def offline_route(server: str):
    """(route handler, list of blocked URLs) for a browser context: requests to the app's own port (and
    data:/blob:/about:) go through, every other one is aborted and recorded — the app must work offline."""
    port = server.rsplit(":", 1)[1]
    allowed = (f"http://127.0.0.1:{port}/", f"ws://127.0.0.1:{port}/")
    blocked: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(allowed) or url.startswith(("data:", "blob:", "about:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    return route, blocked


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """`streamlit run app.py` on a free loopback port; yields its base URL."""
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    # the app's disk store, fresh and private
    env = app_env(CHAINMATCH_CACHE=str(tmp_path_factory.mktemp("cache")))
    with app_server(app_command(port), port, log, env, wait_s=30) as url:
        yield url


@pytest.fixture(scope="module")
def upload_csv(tmp_path_factory):
    """A generated 企查查-style list of 300 companies (synthetic), as CSV."""
    sys.path.insert(0, str(ROOT / "data" / "samples"))
    try:
        from make_sample import generate
    finally:
        sys.path.pop(0)
    frame = generate(300, seed=11)
    frame = frame[[c for c in frame.columns if not c.startswith("_")]]
    path = tmp_path_factory.mktemp("upload") / "展会名单.csv"
    frame.to_csv(path, index=False, encoding="utf-8-sig")
    return path


def _settle(page) -> None:
    """Wait until the app's script run has finished and every element has rendered."""
    page.wait_for_timeout(250)
    page.wait_for_function("""() => {
        const app = document.querySelector('[data-testid="stApp"]');
        const state = app && app.dataset.testScriptState;
        return state && state !== 'running' && state !== 'rerunRequested' && state !== 'initial'
            && !document.querySelector('[data-testid="stSkeleton"]'); }""")


def _download(page, button, timeout_error, tries: int = 3):
    """The download a click on a download button starts. A click that lands while the app reruns (a busy
    machine) can meet a file of the run before, which Streamlit has dropped: no download starts, so the
    app is let settle and the button clicked again."""
    for _ in range(tries):
        _settle(page)
        try:
            with page.expect_download(timeout=40_000) as info:
                button.click()
            return info.value
        except timeout_error:
            continue
    raise AssertionError(f"no download after {tries} clicks")


def _listed(result, settings):
    """The ranking page's default list: companies in a chain, not deregistered."""
    return matcher.filter_ranked(matcher.rerank(result, settings).ranked, matched_only=True, active_only=True)


def _top_name(result, settings) -> str:
    return str(_listed(result, settings)["company_name"].iloc[0])


# Latin words allowed on an officer's screen: the product name, file kinds, units, tiers
LATIN_OK = {"ChainMatch", "Excel", "CSV", "HTML", "PDF", "MB", "A", "B", "C", "N"}


def _english(page, allowed=()) -> list[str]:
    """Latin words in the text the page shows: visible text nodes, leaving out icons (drawn from the icon
    font: aria-hidden, not translated), the screen-reader-only skip link and the tables' screen-reader copies of their cells (data, not
    wording), and the names of the files the officer chose. Map frames and table canvases are not read."""
    text = page.evaluate("""() => {
        const skip = '[data-testid="stSkipToContent"], span[translate="no"][aria-hidden="true"], '
            + '[data-testid="stDataFrame"] table, style, script, noscript';
        const out = [];
        const walk = document.createTreeWalker(document.querySelector('[data-testid="stApp"]'), NodeFilter.SHOW_TEXT);
        while (walk.nextNode()) {
            const el = walk.currentNode.parentElement;
            if (!walk.currentNode.textContent.trim() || el.closest(skip)) continue;
            if (!el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
            out.push(walk.currentNode.textContent);
        }
        return out.join('\\n'); }""")
    for name in allowed:
        text = text.replace(name, "")
    return sorted({w for w in re.findall(r"[A-Za-z][A-Za-z_]*", text) if w not in LATIN_OK})


def test_officer_session_in_chromium(server, upload_csv, tmp_path):
    chromium = _chromium()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extras")
    openpyxl = pytest.importorskip("openpyxl")
    # what the engine says the first target is, before and after the weight change the test makes
    result = matcher.score_files([upload_csv])
    before = _top_name(result, matcher.DEFAULTS)
    after = _top_name(result, matcher.DEFAULTS.replace(w_fit=0.0))
    assert before != after  # precondition: moving the weight must change the order
    route, blocked = offline_route(server)

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS)
        try:
            context = browser.new_context(
                viewport={"width": 1600, "height": 1000}, accept_downloads=True, locale="zh-CN"
            )
            context.route("**/*", route)
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_default_timeout(30_000)

            # a fresh server's first visitor may arrive on any page
            page.goto(server + "/ranking")
            page.get_by_role("heading", name="目标排序").wait_for()
            nav = page.get_by_test_id("stSidebarNav").inner_text()
            assert [line for line in nav.splitlines() if line.strip()] == [
                "数据导入",
                "产业链缺口",
                "目标排序",
                "招商地图",
                "导出",
                "线索台账",
            ]

            # 1 · the first page shows the sample scored, with no upload
            page.goto(server + "/")
            page.get_by_text("各产业链得分最高的目标企业").wait_for()
            page.get_by_text("示例名单 candidates_qcc.xlsx").wait_for()
            _settle(page)
            page.screenshot(path=str(tmp_path / "1-sample.png"), full_page=True)
            # the start page announced the table's code, and the browser used it (fetched once, early)
            fetched = page.evaluate(
                "performance.getEntriesByType('resource').map(r => r.name).filter(n => /\\/DataFrame\\./.test(n))"
            )
            assert page.locator('link[rel="modulepreload"][href*="/DataFrame."]').count() == 1
            assert len([n for n in fetched if n.endswith(".js")]) == 1
            # the uploader speaks Chinese: Streamlit's English is hidden, Chinese drawn in its place
            assert _english(page, ["candidates_qcc.xlsx"]) == []
            drawn = page.evaluate("""() => [
                '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p',
                '[data-testid="stFileUploaderDropzoneInstructions"] span'].map(
                s => getComputedStyle(document.querySelector(s), '::after').content)""")
            assert drawn == ['"选择文件"', '"拖放文件到此处，或点击“选择文件”；每个文件不超过 200MB"']

            # upload a list: it is read, scored and accounted for
            page.locator('[data-testid="stFileUploader"] input[type="file"]').first.set_input_files(str(upload_csv))
            page.get_by_text(f"当前数据：{upload_csv.name}").wait_for()
            page.get_by_text(f"{upload_csv.name} · 读取 {result.counts['read']} 行").wait_for()

            # 3 · 目标排序: the engine's first target; moving 匹配缺口权重 to 0 re-ranks
            page.get_by_role("link", name="目标排序").click()
            top = page.get_by_text("当前排名第一：")
            top.wait_for()
            assert before in top.inner_text()
            slider = page.locator('[data-testid="stSlider"]').filter(has_text="匹配缺口权重").get_by_role("slider")
            slider.focus()
            slider.press("Home")
            page.wait_for_function(
                "name => [...document.querySelectorAll('p')].some("
                "p => p.innerText.startsWith('当前排名第一：' + name))",
                arg=after,
            )
            assert slider.input_value() == "0" and slider.get_attribute("aria-valuetext") == "0.00"
            _settle(page)
            page.screenshot(path=str(tmp_path / "3-ranking.png"), full_page=True)
            assert _english(page, [upload_csv.name]) == []

            # a click on a row opens that company's detail
            third = str(_listed(result, matcher.DEFAULTS.replace(w_fit=0.0))["company_name"].iloc[2])
            assert page.locator("h3").filter(has_text=third).count() == 0
            grid = page.get_by_test_id("stDataFrame").first
            grid.scroll_into_view_if_needed()
            box = grid.bounding_box()
            page.mouse.click(box["x"] + 200, box["y"] + 35 * 3 + 17)  # the third row below the header
            page.locator("h3").filter(has_text=third).wait_for()
            _settle(page)
            page.screenshot(path=str(tmp_path / "3-detail.png"), full_page=True)
            # its 企业简报, as a printable page and as PDF
            download = _download(
                page, page.get_by_role("button", name="下载企业简报（网页，可打印）"), sync_api.TimeoutError
            )
            brief = tmp_path / "brief.html"
            download.save_as(brief)
            assert download.suggested_filename == f"企业简报_{third}.html"
            assert third in brief.read_text(encoding="utf-8")
            download = _download(page, page.get_by_role("button", name="下载企业简报（PDF）"), sync_api.TimeoutError)
            pdf = tmp_path / "brief.pdf"
            download.save_as(pdf)
            assert pdf.read_bytes().startswith(b"%PDF")
            pypdf = pytest.importorskip("pypdf")
            assert third in "".join(p.extract_text() for p in pypdf.PdfReader(pdf).pages).replace("\n", "")

            # 4 · 招商地图: the offline map draws inside the page
            page.get_by_role("link", name="招商地图").click()
            page.locator("iframe").first.wait_for()
            frame = page.locator("iframe").first.element_handle().content_frame()
            frame.wait_for_function("window.chainmatchCharts && window.chainmatchCharts.drawn > 0", timeout=30_000)
            _settle(page)
            page.screenshot(path=str(tmp_path / "4-map.png"))
            assert _english(page, [upload_csv.name]) == []
            # the chain maps fit the frame: no chart wider than the frame's page
            widths = frame.evaluate("""() => [document.documentElement.clientWidth,
                Math.max(...[...document.querySelectorAll('.chart')].map(c => c.getBoundingClientRect().right))]""")
            assert widths[1] <= widths[0], widths

            # 5 · 导出: the workbook follows the new weights and opens
            page.get_by_role("link", name="导出").click()
            button = page.get_by_role("button", name="下载招商工作簿")
            download = _download(page, button, sync_api.TimeoutError)
            saved = tmp_path / "workbook.xlsx"
            download.save_as(saved)
            assert download.suggested_filename.endswith(".xlsx") and "展会名单" in download.suggested_filename
            book = openpyxl.load_workbook(saved, read_only=True)
            assert {"说明", "汇总", "未处理"} <= set(book.sheetnames)
            first_chain = result.ranked.set_index("company_name").loc[after, "chain_name"]
            rows = list(book[first_chain].iter_rows(min_row=1, max_row=2, values_only=True))
            assert rows[1][rows[0].index("企业名称")] == after
            _settle(page)
            page.screenshot(path=str(tmp_path / "5-export.png"), full_page=True)
            assert _english(page, [upload_csv.name]) == []

            # 2 · 产业链缺口: statuses computed from the (synthetic) local enterprise list
            page.get_by_role("link", name="产业链缺口").click()
            page.get_by_role("button", name="使用示例企业库（合成）").click()
            page.get_by_text("计入环节").wait_for()
            _settle(page)
            page.screenshot(path=str(tmp_path / "2-gaps.png"), full_page=True)
            assert _english(page, [upload_csv.name, "local_enterprises_nanjing.csv"]) == []
            # its chain map counts the candidates of the uploaded list
            # (every company that serves the chain, filed under a segment: the map's per-chain counts)
            ranked = matcher.chain_view(matcher.rerank(result, matcher.DEFAULTS.replace(w_fit=0.0))).ranked
            ai = ranked[(ranked["chain_id"] == "ai") & (ranked["score"] > 0) & ranked["segment_id"].notna()]
            n_a, n_b = int((ai["tier"] == "A").sum()), int((ai["tier"] == "B").sum())
            assert n_a + n_b > 0
            gaps_frame = page.locator("iframe").last.element_handle().content_frame()
            gaps_frame.wait_for_function("window.chainmatchCharts && window.chainmatchCharts.drawn > 0")
            text = gaps_frame.evaluate("() => document.body.innerText")
            assert int(re.search(r"候选企业[：\s]*(\d+)", text).group(1)) > 0
            option = gaps_frame.evaluate(
                "() => JSON.stringify(window.chainmatchCharts && echarts.getInstanceByDom("
                "document.querySelector('.chart')).getOption().title)"
            )
            assert f"A 类目标 {n_a} 家，B 类 {n_b} 家" in option
            assert errors == []
        finally:
            browser.close()
    assert blocked == []  # nothing left the machine: no CDN, fonts or statistics
    print(f"screenshots: {tmp_path}")
