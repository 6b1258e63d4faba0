"""The 线索台账 page in a real browser: `streamlit run` on a loopback port over a 台账 made here, Debian's
Chromium driven by Playwright (as tests/test_e2e.py). The officer opens 线索台账, moves the first lead
to 已考察 in the detail form, saves, and sees the change in the lead's history; the store holds it
with the page as its source. Every request that is not to the app's own port is blocked and recorded."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

import matcher

from .conftest import CHROMIUM_ARGS, chromium_path
from .test_e2e import _free_port, _settle, app_command, app_env, app_server, offline_route

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def ledger_db(tmp_path, fixture_result):
    """A SQLite 台账 with one run and its two A targets as leads."""
    path = tmp_path / "ledger.db"
    with matcher.open_store(path) as store:
        run = matcher.save_run(store, fixture_result, run_date=dt.date(2026, 9, 1))
        leads = matcher.add_leads(store, run, tiers=["A"], owner="张三", by="张三", at=dt.datetime(2026, 9, 2, 9))
    assert len(leads) == 2
    return path, int(leads["lead_id"].iloc[0]), leads["company_name"].iloc[0]


@pytest.fixture
def server(ledger_db, tmp_path):
    port = _free_port()
    env = app_env(**{matcher.DB_ENV: str(ledger_db[0])})
    with app_server(app_command(port), port, tmp_path / "streamlit.log", env) as url:
        yield url


def test_change_a_stage_in_the_browser_and_see_it_in_the_history(server, ledger_db, tmp_path):
    chromium = chromium_path()
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is in the dev extras")
    db, lead_id, company = ledger_db
    route, blocked = offline_route(server)

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1600, "height": 1200}, locale="zh-CN")
            context.route("**/*", route)
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.set_default_timeout(60_000)
            page.goto(server + "/ledger")
            page.get_by_role("heading", name="线索台账").wait_for()
            page.get_by_text("共 2 条线索").wait_for()
            page.get_by_text("最近变更：").wait_for()
            _settle(page)
            page.get_by_test_id("stTextInput").filter(has_text="经办人").locator("input").fill("赵主任")
            page.keyboard.press("Enter")
            _settle(page)
            form = page.get_by_test_id("stForm")
            form.get_by_test_id("stSelectbox").filter(has_text="跟进阶段").click()
            page.get_by_role("option", name="已考察", exact=True).click()
            form.get_by_role("button", name="保存这条线索").click()
            page.get_by_text("已保存 1 条线索的修改").wait_for()
            page.get_by_text("跟进阶段：线索 → 已考察").wait_for()
            _settle(page)
            page.screenshot(path=str(tmp_path / "ledger.png"), full_page=True)
            assert errors == []
        finally:
            browser.close()
    assert blocked == []
    with matcher.open_store(db) as store:
        history = matcher.lead_history(store, lead_id)
        last = history.iloc[-1]
        assert (last["field"], last["old_value"], last["new_value"], last["source"], last["by_user"]) == (
            "stage",
            "线索",
            "已考察",
            "app",
            "赵主任",
        )
        assert matcher.get_lead(store, lead_id)["company_name"] == company
