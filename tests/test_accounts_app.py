"""Team mode in a real browser (issue 17): `streamlit run` with login on, Debian's Chromium via Playwright.

An administrator, a 新能源汽车 链长, a 集成电路 招商专员 and a 只读 leader sign in; each sees only the leads
of their chains and can change only what their role allows; wrong passwords lock an account out; a note
with SQL and formula text is stored as text; after logout the page asks for a login again; the audit
trail holds every step. Skipped only when chromium is missing outside CI (as tests/test_e2e.py).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

import matcher
from matcher.accounts.users import LOCK_AFTER

from .accounts.conftest import PASSWORD, ROWS, T0, _ranked
from .conftest import CHROMIUM_ARGS, chromium_path
from .test_e2e import _free_port, _settle, app_env, app_server

ROOT = Path(__file__).resolve().parents[1]
NOTE = '\'); DROP TABLE leads; -- =HYPERLINK("http://x")'


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
    env = app_env(CHAINMATCH_LOGIN="1", **{matcher.DB_ENV: str(team_db)})
    cmd, _ = __import__("matcher.cli", fromlist=["serve_command"]).serve_command("127.0.0.1", port, team_db.parent)
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


def _leads_page(page) -> str:
    """The 线索台账 page's lead choices (the table is drawn on a canvas; the form's list names each lead)."""
    page.get_by_role("link", name="线索台账").click()
    page.get_by_role("heading", name="线索台账").wait_for()
    _settle(page)
    assert page.get_by_test_id("stSelectbox").count(), page.get_by_test_id("stMain").inner_text()
    page.get_by_test_id("stSelectbox").first.click()
    options = page.get_by_role("option")
    options.first.wait_for()
    text = " ".join(options.all_inner_texts())
    page.keyboard.press("Escape")
    return text


def _save_note(page, note, lead_label=None):
    if lead_label:
        page.get_by_test_id("stSelectbox").first.click()
        page.get_by_role("option", name=lead_label).click()
    page.get_by_label("备注（留空则不变）").fill(note)
    page.get_by_role("button", name="保存").click()
    _settle(page)


def _logout(page):
    page.get_by_role("button", name="退出登录").click()
    page.get_by_role("heading", name="登录").wait_for()


def test_four_roles_in_chromium(team_server, team_db):
    chromium = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extras")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1600, "height": 1000}, locale="zh-CN")
            page.set_default_timeout(30_000)

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

            # administrator: every chain, the audit page, no lead changes
            _login(page, team_server, "admin")
            assert _nav(page)[-2:] == ["线索台账", "审计记录"]
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

            # 新能源汽车 链长: only nev, no audit page, may change a nev lead
            _login(page, team_server, "nev_chief")
            assert "审计记录" not in _nav(page)
            text = _leads_page(page)
            assert "甲电池" in text and "乙充电" in text and "丁芯片" not in text and "庚封测" not in text
            _save_note(page, "链长已约谈")
            page.get_by_text("已保存线索").wait_for()
            _logout(page)

            # 集成电路 招商专员: only ic; their own lead with SQL and formula text; not a colleague's
            _login(page, team_server, "ic_officer")
            text = _leads_page(page)
            assert "丁芯片" in text and "庚封测" in text and "甲电池" not in text and "乙充电" not in text
            _save_note(page, NOTE)
            page.get_by_text("已保存线索").wait_for()
            _save_note(page, "不是我的线索", lead_label="4 · 庚封测有限公司（封装测试）")
            page.get_by_text("只能修改自己负责的线索").wait_for()
            _logout(page)

            # 只读 leader: every chain, no change, no export
            _login(page, team_server, "leader")
            text = _leads_page(page)
            assert all(n in text for n in ("甲电池", "乙充电", "丁芯片", "庚封测"))
            assert page.get_by_role("button", name="导出可查看的线索（.csv）").count() == 0
            _save_note(page, "领导批示")
            page.get_by_text("“只读”角色不能修改线索").wait_for()
            _logout(page)

            # after logout the same browser gets the login form on any page, not the old session
            page.goto(team_server + "/leads")
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
    assert [s[0] for s in steps if s[1] == "denied"] == ["admin", "ic_officer", "leader"]
    assert ("admin", "export") in steps  # the audit trail's own export from the app
