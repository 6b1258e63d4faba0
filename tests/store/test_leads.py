"""Leads: added from a run, changed with a version check, every change in the history, flags as of a day."""

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select

import matcher
from matcher.store import schema as S

T0 = dt.datetime(2026, 6, 1, 9, 0)


def _ranked(rows):
    base = dict.fromkeys(matcher.CONTRACT_COLUMNS)
    return pd.DataFrame([{**base, "relevance": 0.8, "status": "active", "status_raw": "存续", **r} for r in rows])


ROWS = [
    {"company_name": "甲电池有限公司", "chain_id": "nev", "chain_name": "新能源汽车", "segment_id": "battery",
     "segment_name": "动力电池", "score": 80.0, "tier": "A"},
    {"company_name": "乙充电有限公司", "chain_id": "nev", "chain_name": "新能源汽车", "segment_id": "charging",
     "segment_name": "充换电", "score": 50.0, "tier": "B"},
    {"company_name": "丙整车有限公司", "chain_id": "nev", "chain_name": "新能源汽车", "segment_id": "vehicle",
     "segment_name": "整车", "score": 30.0, "tier": "C"},
    {"company_name": "丁芯片有限公司", "chain_id": "ic", "chain_name": "集成电路", "segment_id": "design",
     "segment_name": "芯片设计", "score": 70.0, "tier": "A"},
    {"company_name": "戊旧电池有限公司", "chain_id": "nev", "chain_name": "新能源汽车", "segment_id": "battery",
     "segment_name": "动力电池", "score": 0.0, "tier": None, "status": "inactive", "status_raw": "注销"},
    {"company_name": "己餐饮有限公司", "score": 0.0},
]  # fmt: skip


@pytest.fixture
def run(store, fixture_result):
    return matcher.save_run(store, dataclasses.replace(fixture_result, ranked=_ranked(ROWS)), run_date=T0.date())


def test_add_leads_by_chain_and_tier_once(store, run):
    added = matcher.add_leads(store, run, tiers=["A", "B"], owner="陈科长", by="王主任", at=T0)
    assert added["company_name"].tolist() == ["甲电池有限公司", "丁芯片有限公司", "乙充电有限公司"][:0] or set(
        added["company_name"]
    ) == {"甲电池有限公司", "乙充电有限公司", "丁芯片有限公司"}
    assert set(added["stage"]) == {"线索"} and set(added["owner"]) == {"陈科长"}
    assert (added["version"] == 1).all() and (added["source_run_id"] == run).all()
    # again, and with C: only the C target is new; the deregistered company and the one without chain never
    again = matcher.add_leads(store, "latest", tiers=["A", "B", "C"], owner="刘", by="王主任", at=T0)
    assert again["company_name"].tolist() == ["丙整车有限公司"]
    only_ic = matcher.list_leads(store, chain="ic", as_of=T0.date())
    assert only_ic["company_name"].tolist() == ["丁芯片有限公司"] and only_ic["segment_name"].tolist() == ["芯片设计"]
    assert matcher.count_leads(store) == 4
    history = matcher.lead_history(store, int(only_ic["lead_id"][0]))
    assert history[["field", "old_value", "new_value", "by_user", "source"]].values.tolist() == [
        ["stage", None, "线索", "王主任", "cli"],
        ["owner", None, "陈科长", "王主任", "cli"],
    ]


def test_update_lead_writes_history_and_checks_the_version(store, run):
    lead = matcher.add_leads(store, run, tiers=["A"], chains=["nev"], by="王", at=T0).iloc[0]
    t1 = T0 + dt.timedelta(days=3)
    after = matcher.update_lead(
        store, lead.lead_id, 1, by="陈", source="app", at=t1, stage="已联系", amount_wan="1.2亿", due_date="2026/7/1"
    )
    assert after["stage"] == "已接洽" and after["amount_wan"] == 12000 and after["due_date"] == dt.date(2026, 7, 1)
    assert after["version"] == 2 and after["stage_since"] == t1
    # the second officer still holds version 1: refused, nothing written
    with pytest.raises(matcher.StaleLeadError, match="已被陈于 2026-06-04 09:00 修改.*第 1 版.*第 2 版"):
        matcher.update_lead(store, lead.lead_id, 1, by="李", stage="洽谈中", notes="抢先一步")
    now = matcher.get_lead(store, lead.lead_id)
    assert now["stage"] == "已接洽" and now["version"] == 2 and now["notes"] is None
    # the same values again change nothing (no new version, no history)
    same = matcher.update_lead(store, lead.lead_id, 2, by="陈", stage="已接洽")
    assert same["version"] == 2
    # a note without a stage change keeps the stage's date (三类三色 counts from the stage change)
    t2 = t1 + dt.timedelta(days=10)
    noted = matcher.update_lead(store, lead.lead_id, 2, by="陈", at=t2, notes="约下周", owner="陈")
    assert noted["version"] == 3 and noted["stage_since"] == t1 and noted["updated_at"] == t2
    h = matcher.lead_history(store, lead.lead_id)
    changes = h[h["version"] > 1][["field", "old_value", "new_value", "by_user", "source", "version"]]
    assert changes.values.tolist() == [
        ["stage", "线索", "已接洽", "陈", "app", 2],
        ["due_date", None, "2026-07-01", "陈", "app", 2],
        ["amount_wan", None, "12000", "陈", "app", 2],
        ["owner", None, "陈", "陈", "api", 3],
        ["notes", None, "约下周", "陈", "api", 3],
    ]


def test_bad_values_are_refused_in_chinese(store, run):
    lead = matcher.add_leads(store, run, tiers=["A"], chains=["ic"], at=T0).iloc[0]
    with pytest.raises(matcher.MatcherError, match="“签合同”不是可用的跟进阶段（可用：线索、已接洽"):
        matcher.update_lead(store, lead.lead_id, 1, by="陈", stage="签合同")
    with pytest.raises(matcher.MatcherError, match="不是日期"):
        matcher.update_lead(store, lead.lead_id, 1, by="陈", due_date="下周五")
    with pytest.raises(matcher.MatcherError, match="不小于 0"):
        matcher.update_lead(store, lead.lead_id, 1, by="陈", amount_wan=-5)
    with pytest.raises(matcher.UnknownLeadError, match="编号为 999"):
        matcher.update_lead(store, 999, 1, by="陈", stage="已接洽")
    assert matcher.get_lead(store, lead.lead_id)["version"] == 1


def test_flags_as_of_a_day(store, run, fixture_result):
    leads = matcher.add_leads(store, run, tiers=["A", "B", "C"], at=T0).set_index("company_name")["lead_id"]
    a, b, c, d = (int(leads[n]) for n in ("甲电池有限公司", "乙充电有限公司", "丙整车有限公司", "丁芯片有限公司"))
    matcher.update_lead(store, b, 1, by="陈", at=T0 + dt.timedelta(days=40), stage="已考察", due_date="2026-08-15")
    matcher.update_lead(store, c, 1, by="陈", at=T0 + dt.timedelta(days=5), stage="暂缓")
    matcher.update_lead(store, d, 1, by="陈", at=T0 + dt.timedelta(days=1), stage="已落地")

    def flags(as_of, **filters):
        f = matcher.list_leads(store, as_of=as_of, **filters).set_index("lead_id")
        return {i: (f.loc[i, "days_in_stage"], f.loc[i, "colour"], bool(f.loc[i, "overdue"])) for i in f.index}

    day59, day60, day90 = (T0.date() + dt.timedelta(days=n) for n in (59, 60, 90))
    got = flags(day59)
    assert got[a] == (59, "green", False) and got[b] == (19, "green", False)
    assert got[c][1] is None and got[d][1] is None  # 暂缓 and 已落地 carry no colour
    assert flags(day60)[a] == (60, "yellow", False)
    got = flags(day90)
    assert got[a] == (90, "red", False) and got[b] == (50, "green", True)  # due 08-15 passed
    # the same answers from the database's filters
    assert set(flags(day90, colour="红")) == {a} and set(flags(day60, colour=["yellow"])) == {a}
    assert set(flags(day60, colour="green")) == {b}
    assert set(flags(day90, overdue=True)) == {b} and set(flags(day90, overdue=False)) == {a, c, d}
    assert set(flags(day90, stage=["已考察", "已拜访"])) == {b}
    # thresholds are settings
    early = matcher.open_store(store.engine.url, settings=matcher.TrackSettings(yellow_days=30, red_days=45))
    try:
        f = matcher.list_leads(early, as_of=day59).set_index("lead_id")
        assert f.loc[a, "colour"] == "red" and f.loc[b, "colour"] == "green"
    finally:
        early.close()
    # a newer run where 甲 is 注销: its lead is flagged, the others are not
    gone = [dict(r) for r in ROWS]
    gone[0].update(status="inactive", status_raw="注销", tier=None, score=0.0)
    matcher.save_run(store, dataclasses.replace(fixture_result, ranked=_ranked(gone)), run_date=day60)
    f = matcher.list_leads(store, as_of=day60).set_index("lead_id")
    assert f.loc[a, "company_closed"] and f.loc[a, "company_status_raw"] == "注销"
    assert not f.drop(index=a)["company_closed"].any()
    assert set(matcher.list_leads(store, closed=True)["lead_id"]) == {a}


def test_filters_paging_and_owner(store, run):
    matcher.add_leads(store, run, tiers=["A"], owner="陈", at=T0)
    matcher.add_leads(store, run, tiers=["B", "C"], owner="刘", at=T0)
    assert set(matcher.list_leads(store, owner="刘")["company_name"]) == {"乙充电有限公司", "丙整车有限公司"}
    assert matcher.count_leads(store, owner=["陈", "刘"], chain="nev") == 3
    assert matcher.list_leads(store, company="芯片")["company_name"].tolist() == ["丁芯片有限公司"]
    assert matcher.list_leads(store, company="%")["company_name"].tolist() == []  # LIKE characters are text
    page = matcher.list_leads(store, limit=2, offset=2)
    assert page["lead_id"].tolist() == matcher.list_leads(store)["lead_id"].tolist()[2:4]
    assert list(page.columns) == matcher.LEAD_COLUMNS
    assert matcher.list_leads(store, chain="rail").empty
    with pytest.raises(matcher.MatcherError, match="颜色应为"):
        matcher.list_leads(store, colour="紫")


def test_leads_show_the_newest_score(store, run, fixture_result):
    matcher.add_leads(store, run, tiers=["A"], chains=["nev"], at=T0)
    rows = [dict(r) for r in ROWS]
    rows[0].update(score=55.0, tier="B")
    second = matcher.save_run(store, dataclasses.replace(fixture_result, ranked=_ranked(rows)))
    lead = matcher.list_leads(store).iloc[0]
    assert (lead.score, lead.tier) == (55.0, "B")
    history = matcher.company_results(store, int(lead.company_id), "nev")
    assert history["run_id"].tolist() == [run, second] and history["score"].tolist() == [80.0, 55.0]


def test_history_is_append_only_across_updates(store, run):
    lead = matcher.add_leads(store, run, tiers=["A"], chains=["ic"], at=T0).iloc[0]
    version = 1
    for i, stage in enumerate(["已接洽", "已考察", "洽谈中", "已签约"]):
        version = matcher.update_lead(store, lead.lead_id, version, by=f"官{i}", stage=stage)["version"]
    h = matcher.lead_history(store, lead.lead_id)
    stages = h[h["field"] == "stage"]
    assert stages["new_value"].tolist() == ["线索", "已接洽", "已考察", "洽谈中", "已签约"]
    assert stages["old_value"].tolist()[1:] == stages["new_value"].tolist()[:-1]
    assert h["history_id"].is_monotonic_increasing and version == 5
    with store.engine.connect() as conn:
        assert conn.execute(select(S.sa_count()).select_from(S.lead_history)).scalar() == len(h)


@given(st.one_of(st.none(), st.floats(allow_nan=True), st.integers(-(10**6), 10**9), st.text(max_size=12)))
def test_amount_parser_reads_numbers_and_refuses_the_rest(value):
    from matcher.store.leads import parse_amount

    try:
        out = parse_amount(value)
    except matcher.MatcherError as exc:
        assert "预计投资额" in str(exc)
    else:
        assert out is None or (out >= 0 and out == out)


@given(
    st.dates(dt.date(1990, 1, 1), dt.date(2100, 1, 1)),
    st.sampled_from(["%Y-%m-%d", "%Y/%m/%d", "%Y年%m月%d日", "%Y%m%d"]),
)
def test_due_date_parser_round_trips(day, fmt):
    from matcher.store.leads import parse_due

    assert parse_due(day.strftime(fmt)) == day and parse_due(day) == day


@given(st.text(max_size=10))
def test_due_date_parser_never_crashes(text):
    from matcher.store.leads import parse_due

    try:
        out = parse_due(text)
    except matcher.MatcherError as exc:
        assert "不是日期" in str(exc)
    else:
        assert out is None or isinstance(out, dt.date)


def test_order_by_due_date_puts_leads_without_one_last(store, run):
    leads = matcher.add_leads(store, run, tiers=["A", "B", "C"], at=T0)["lead_id"].tolist()
    matcher.update_lead(store, leads[2], 1, by="陈", due_date="2026-07-01")
    matcher.update_lead(store, leads[0], 1, by="陈", due_date="2026-08-01")
    assert matcher.list_leads(store, order="due")["lead_id"].tolist()[:3] == [leads[2], leads[0], leads[1]]


def test_two_people_adding_the_same_leads_at_once(store, run):
    """Both succeed, each lead exists once (the second finds the first one's leads)."""
    import threading

    errors, done = [], []

    def add(name):
        try:
            with matcher.open_store(store.engine.url) as mine:
                done.append(len(matcher.add_leads(mine, run, tiers=["A", "B", "C"], owner=name, at=T0)))
        except Exception as exc:  # collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=add, args=(n,)) for n in ("陈", "刘")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and sorted(done) == [0, 4]
    assert matcher.count_leads(store) == 4
