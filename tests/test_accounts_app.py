"""Team mode in a real browser (issue 17): `streamlit run` with login on, Debian's Chromium via Playwright.

An administrator, a 新能源汽车 链长, a 集成电路 招商专员 and a 只读 leader sign in; each sees only the leads
of their chains on the real 线索台账 page and can change only what their role allows; the 链长 downloads
the weekly and quarterly reports and they hold only his chain; a download on the 导出 page leaves an
audit entry with its row count, and a role without the export right gets no download; wrong passwords
lock an account out; a note with SQL and formula text is stored as text; the uploader states the
server's own upload limit; after logout the page asks for a login again; the audit trail holds every
step. Skipped only when chromium is missing outside CI (as tests/test_e2e.py).
"""

from __future__ import annotations

import csv
import dataclasses
from pathlib import Path

import openpyxl
import pytest

import matcher
from matcher.accounts.users import LOCK_AFTER

from .accounts.conftest import PASSWORD, ROWS, T0, _ranked
from .conftest import CHROMIUM_ARGS, chromium_path
from .test_e2e import _free_port, _settle, app_env, app_server

ROOT = Path(__file__).resolve().parents[1]
NOTE = '\'); DROP TABLE leads; -- =HYPERLINK("http://x")'
MAX_UPLOAD_MB = 7  # not Streamlit's default 200: the uploader's text must say the server's own limit


@pytest.fixture(scope="module")
def team_db(tmp_path_factory, fixture_result):
    path = tmp_path_factory.mktemp("team") / "team.db"
    with matcher.open_store(path) as store:
        run_id = matcher.save_run(store, dataclasses.replace(fixture_result, ranked=_ranked(ROWS)), run_date=T0.date())
        admin = matcher.add_user(store, "admin", PASSWORD, role="管理员", display_name="王局长")
        matcher.add_user(store, "nev_chief", PASSWORD, role="链长", display_name="李链长", chains=["nev"], by=admin)
        matcher.add_user(store, "ic_officer", PASSWORD, role="招商专员", display_name="陈专员", chains=["ic"], by=admin)
        matcher.add_user(store, "leader", PASSWORD, role="只读", display_name="赵书记", by=admin)
        matcher.add_user(store, "guest", PASSWORD, role="只读", display_name="访客", by=admin)
        matcher.add_leads(store, run_id, tiers=["A"], owner="陈专员", by="王", at=T0)  # 甲 (nev) 1, 丁 (ic) 2
        matcher.add_leads(store, run_id, tiers=["B"], owner="刘专员", by="王", at=T0)  # 乙 (nev) 3, 庚 (ic) 4
    return path


@pytest.fixture(scope="module")
def team_server(tmp_path_factory, team_db):
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "streamlit.log"
    cache = str(tmp_path_factory.mktemp("cache"))
    env = app_env(CHAINMATCH_LOGIN="1", CHAINMATCH_CACHE=cache, **{matcher.DB_ENV: str(team_db)})
    serve_command = __import__("matcher.cli", fromlist=["serve_command"]).serve_command
    cmd, _ = serve_command("127.0.0.1", port, team_db.parent, max_upload_mb=MAX_UPLOAD_MB)
    with app_server(cmd, port, log, env) as url:
        yield url


def _login(page, url, name, password=PASSWORD):
    page.goto(url + "/")
    page.get_by_role("heading", name="登录").wait_for()
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录").click()
    _settle(page)


def _nav(page) -> list[str]:
    return [x for x in page.get_by_test_id("stSidebarNav").inner_text().splitlines() if x.strip()]


def _pick_lead(page):
    return page.get_by_test_id("stSelectbox").filter(has_text="选择线索")


def _leads_page(page) -> str:
    """The 线索台账 page's lead choices (the table is drawn on a canvas; the detail's list names each lead)."""
    page.get_by_role("link", name="线索台账").click()
    page.get_by_role("heading", name="线索台账").wait_for()
    _settle(page)
    assert _pick_lead(page).count(), page.get_by_test_id("stMain").inner_text()
    _pick_lead(page).click()
    options = page.get_by_role("option")
    options.first.wait_for()
    text = " ".join(options.all_inner_texts())
    page.keyboard.press("Escape")
    return text


def _save_note(page, note, lead_label=None):
    if lead_label:
        _pick_lead(page).click()
        page.get_by_role("option", name=lead_label).click()
        _settle(page)
    form = page.get_by_test_id("stForm")
    form.get_by_label("备注").fill(note)
    form.get_by_role("button", name="保存这条线索").click()
    _settle(page)


def _download(page, button: str, folder: Path) -> Path:
    _settle(page)
    with page.expect_download(timeout=120_000) as info:
        page.get_by_role("button", name=button, exact=True).click()
    out = folder / info.value.suggested_filename
    info.value.save_as(out)
    return out


def _xlsx_text(path: Path) -> str:
    book = openpyxl.load_workbook(path, read_only=True)
    cells = list(book.sheetnames)
    for ws in book.worksheets:
        cells += [str(c) for row in ws.iter_rows(values_only=True) for c in row if c is not None]
    return " ".join(cells)


def _logout(page):
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("heading", name="登录").wait_for()


def test_four_roles_in_chromium(team_server, team_db, tmp_path):
    chromium = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extras")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
            # a login lands on 数据导入, which scores the sample: slow on a busy machine
            page.set_default_timeout(120_000)

            # every page is behind the login: a deep link shows the form, not the page
            page.goto(team_server + "/ranking")
            page.get_by_role("heading", name="登录").wait_for()
            assert page.get_by_test_id("stSidebarNav").count() == 0

            # wrong passwords lock the account out, even for the right one afterwards
            for _ in range(LOCK_AFTER):
                _login(page, team_server, "guest", "wrong password")
            page.get_by_text("账号已锁定").wait_for()
            _login(page, team_server, "guest")
            page.get_by_text("账号已锁定").wait_for()

            # administrator: every chain, the audit page, no lead changes; the uploader states the real limit
            _login(page, team_server, "admin")
            assert _nav(page)[-2:] == ["线索台账", "审计记录"]
            page.get_by_test_id("stFileUploaderDropzoneInstructions").first.wait_for()
            drawn = page.evaluate("""() => getComputedStyle(document.querySelector(
                '[data-testid="stFileUploaderDropzoneInstructions"] span'), '::after').content""")
            assert drawn == f'"拖放文件到此处，或点击“选择文件”；每个文件不超过 {MAX_UPLOAD_MB}MB"'

            text = _leads_page(page)
            assert all(n in text for n in ("甲电池", "乙充电", "丁芯片", "庚封测"))
            _save_note(page, "管理员的备注")
            page.get_by_text("“管理员”角色不能修改线索").wait_for()
            page.get_by_role("link", name="审计记录").click()
            page.get_by_role("heading", name="审计记录").wait_for()
            _settle(page)
            page.get_by_text("（只增不改）").wait_for()
            page.get_by_role("button", name="导出全部审计记录（.csv）").click()
            page.get_by_role("button", name="下载（").wait_for()
            _logout(page)

            # 新能源汽车 链长: only nev, no audit page, may change a nev lead; his reports hold only nev
            _login(page, team_server, "nev_chief")
            assert "审计记录" not in _nav(page)
            text = _leads_page(page)
            assert "甲电池" in text and "乙充电" in text and "丁芯片" not in text and "庚封测" not in text
            _save_note(page, "链长已约谈")
            page.get_by_text("已保存 1 条线索的修改").wait_for()
            weekly = _xlsx_text(_download(page, "招商线索台账周报（Excel）", tmp_path))
            assert "新能源汽车" in weekly and "甲电池" in weekly and "乙充电" in weekly
            assert "集成电路" not in weekly and "丁芯片" not in weekly and "庚封测" not in weekly
            quarterly = _download(page, "链长调度会季度报告（网页，可打印）", tmp_path).read_text(encoding="utf-8")
            assert "新能源汽车" in quarterly and "集成电路" not in quarterly and "丁芯片" not in quarterly
            # a download on the 导出 page: the file, and an audit entry with its row count
            page.get_by_role("link", name="导出").click()
            page.get_by_role("button", name="排名表（CSV，机器可读）").wait_for(timeout=180_000)
            table = _download(page, "排名表（CSV，机器可读）", tmp_path)
            with open(table, encoding="utf-8-sig", newline="") as f:
                csv_rows = sum(1 for _ in csv.reader(f)) - 1
            _logout(page)

            # 集成电路 招商专员: only ic; their own lead with SQL and formula text; not a colleague's
            _login(page, team_server, "ic_officer")
            text = _leads_page(page)
            assert "丁芯片" in text and "庚封测" in text and "甲电池" not in text and "乙充电" not in text
            _save_note(page, NOTE)
            page.get_by_text("已保存 1 条线索的修改").wait_for()
            _save_note(page, "不是我的线索", lead_label="4 · 庚封测有限公司 · 集成电路")
            page.get_by_text("只能修改自己负责的线索").wait_for()
            _logout(page)

            # 只读 leader: every chain, no change, no export
            _login(page, team_server, "leader")
            text = _leads_page(page)
            assert all(n in text for n in ("甲电池", "乙充电", "丁芯片", "庚封测"))
            assert page.get_by_role("button", name="导出可查看的线索（.csv）").count() == 0
            assert page.get_by_role("button", name="招商线索台账周报（Excel）").count() == 1  # reports, yes
            _save_note(page, "领导批示")
            page.get_by_text("“只读”角色不能修改线索").wait_for()
            page.get_by_role("link", name="导出").click()
            page.get_by_text("角色没有导出数据的权限").wait_for()
            assert page.get_by_test_id("stDownloadButton").count() == 0
            _logout(page)

            # after logout the same browser gets the login form on any page, not the old session
            page.goto(team_server + "/ledger")
            page.get_by_role("heading", name="登录").wait_for()
            page.reload()
            page.get_by_role("heading", name="登录").wait_for()
        finally:
            browser.close()

    with matcher.open_store(team_db) as store:
        leads = matcher.list_leads(store).set_index("lead_id")
        assert leads.loc[2, "notes"] == NOTE and leads.loc[1, "notes"] == "链长已约谈"
        assert leads.loc[3, "notes"] is None and leads.loc[4, "notes"] is None
        assert matcher.count_leads(store) == 4  # the SQL text did nothing
        audit = matcher.list_audit(store)
    steps = list(zip(audit["username"], audit["action"], strict=True))
    assert steps.count(("guest", "login_failed")) == LOCK_AFTER and ("guest", "login_locked") in steps
    for name in ("admin", "nev_chief", "ic_officer", "leader"):
        assert (name, "login") in steps and (name, "logout") in steps
    assert [s for s in steps if s[1] == "lead_change"] == [("nev_chief", "lead_change"), ("ic_officer", "lead_change")]
    assert [s[0] for s in steps if s[1] == "denied"] == ["admin", "ic_officer", "leader", "leader"]  # + 导出
    assert ("admin", "export") in steps  # the audit trail's own export from the app
    reports = audit[audit["action"] == "report"]
    assert reports["username"].tolist() == ["nev_chief", "nev_chief"] and reports["n_rows"].tolist() == [2, 2]
    exports = audit[(audit["action"] == "export") & (audit["username"] == "nev_chief")]
    assert exports[["target", "detail"]].values.tolist() == [[table.name, "排名表"]]
    assert exports["n_rows"].tolist() == [csv_rows] and csv_rows > 0
