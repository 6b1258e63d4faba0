"""The 线索台账 page (app_pages/ledger.py) with AppTest, on SQLite and PostgreSQL: the table and its
filters agree with the store's own query, an edit in the table or the detail form lands in the
history with the officer's name, an edit made stale by a colleague is refused and kept on screen, a
lead's scores over the runs, the diff of two runs, and no developer words."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

import matcher

from .test_app import DEVELOPER_WORDS, shown_text

testing = pytest.importorskip("streamlit.testing.v1")
PAGE = str(Path(__file__).resolve().parents[1] / "app_pages" / "ledger.py")
T0 = dt.datetime(2026, 6, 1, 9)
AS_OF = dt.date(2026, 9, 1)


def _ranked(rows):
    base = dict.fromkeys(matcher.CONTRACT_COLUMNS)
    return pd.DataFrame([{**base, "relevance": 0.8, "status": "active", "status_raw": "存续", **r} for r in rows])


def _row(name, chain, segment, score, tier, **extra):
    names = {"nev": "新能源汽车", "ic": "集成电路"}
    return {"company_name": name, "chain_id": chain, "chain_name": names[chain], "segment_id": segment,
            "segment_name": segment, "score": score, "tier": tier, **extra}  # fmt: skip


Q2 = [
    _row("甲电池有限公司", "nev", "battery", 80.0, "A"),
    _row("乙充电有限公司", "nev", "charging", 60.0, "B"),
    _row("丙芯片有限公司", "ic", "design", 70.0, "A"),
    _row("丁封装有限公司", "ic", "packaging", 55.0, "B"),
]
Q3 = [
    _row("甲电池有限公司", "nev", "battery", 85.0, "A"),
    _row("乙充电有限公司", "nev", "charging", 40.0, "C"),
    _row("丙芯片有限公司", "ic", "design", 0.0, None, status="inactive", status_raw="注销"),
    _row("戊电机有限公司", "nev", "vehicle", 75.0, "A"),
]


@pytest.fixture
def ledger(store, store_url, fixture_result, monkeypatch):
    """Two runs a quarter apart and four leads: two owners, two chains, one lead moved (green), the
    others waiting since June (red by September)."""
    a = matcher.save_run(store, dataclasses.replace(fixture_result, ranked=_ranked(Q2)), run_date=T0.date())
    leads = matcher.add_leads(store, a, owner="张三", by="张三", at=T0)
    ic = leads[leads["chain_id"] == "ic"]
    for row in ic.itertuples():
        matcher.update_lead(store, row.lead_id, row.version, by="李四", owner="李四", at=T0)
    first = leads.iloc[0]
    matcher.update_lead(store, first.lead_id, first.version, by="张三", stage="已接洽", at=dt.datetime(2026, 8, 20))
    matcher.save_run(store, dataclasses.replace(fixture_result, ranked=_ranked(Q3)), run_date=dt.date(2026, 8, 25))
    monkeypatch.setenv(matcher.DB_ENV, store_url)
    return leads.set_index("company_name")["lead_id"].astype(int).to_dict()


def open_page(as_of=AS_OF):
    at = testing.AppTest.from_file(PAGE, default_timeout=120)
    at.session_state["lg_as_of"] = as_of
    at.run()
    assert not at.exception, at.exception
    return at


def shown_ids(at) -> list[int]:
    return [int(v) for v in at.data_editor[0].value["lead_id"]]


def test_an_empty_ledger_says_so(tmp_path, monkeypatch):
    monkeypatch.setenv(matcher.DB_ENV, str(tmp_path / "empty.db"))
    at = open_page()
    assert any("台账中还没有线索" in i.value for i in at.info)


def test_filters_agree_with_the_store(store, ledger):
    at = open_page()
    assert "共 **4** 条线索" in at.markdown[0].value
    # desktop mode reads as this computer's officer: every chain, the reports and the CSV on offer
    assert [b.label for b in at.download_button] == [
        "招商线索台账周报（Excel）",
        "链长调度会季度报告（Excel）",
        "链长调度会季度报告（网页，可打印）",
        "导出可查看的线索（.csv）",
    ]
    table = at.data_editor[0].value
    assert table.set_index("lead_id").loc[ledger["甲电池有限公司"], ["stage", "colour_label"]].tolist() == [
        "已接洽",
        "绿",
    ]
    assert table.set_index("lead_id").loc[ledger["乙充电有限公司"], "colour_label"] == "红"
    assert "企业已注销或吊销" in table.set_index("lead_id").loc[ledger["丙芯片有限公司"], "hint"]
    for key, value, filters in [
        ("lg_chain", ["ic"], {"chain": ["ic"]}),
        ("lg_owner", ["李四"], {"chain": ["ic"], "owner": ["李四"]}),
        ("lg_colour", ["红"], {"chain": ["ic"], "owner": ["李四"], "colour": ["红"]}),
    ]:
        at.multiselect(key=key).set_value(value).run()
        assert not at.exception
        expected = matcher.list_leads(store, as_of=AS_OF, **filters)["lead_id"].tolist()
        assert shown_ids(at) == expected and len(expected) == 2
    at.multiselect(key="lg_stage").set_value(["已接洽"]).run()
    assert shown_ids(at) == [] and "共 **0** 条线索" in at.markdown[0].value
    at.multiselect(key="lg_chain").set_value([]).run()
    at.multiselect(key="lg_owner").set_value([]).run()
    at.multiselect(key="lg_colour").set_value(["绿"]).run()
    assert shown_ids(at) == [ledger["甲电池有限公司"]]


def test_table_edit_goes_to_the_history_and_a_stale_edit_is_kept(store, ledger):
    at = open_page()
    editor = at.data_editor[0]
    row = {int(v): i for i, v in enumerate(editor.value["lead_id"])}
    stale = ledger["丁封装有限公司"]
    other = matcher.get_lead(store, stale)
    matcher.update_lead(store, stale, other["version"], by="王科长", notes="企业已来电")  # after the page was drawn
    at.session_state[editor.key] = {
        "edited_rows": {
            row[ledger["乙充电有限公司"]]: {"stage": "已考察", "due_date": "2026-09-30", "owner": "周五"},
            row[stale]: {"stage": "洽谈中"},
        },
        "added_rows": [],
        "deleted_rows": [],
    }
    at.text_input(key="lg_by").set_value("赵主任")
    at.button(key="lg_save").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["已保存 1 条线索的修改"]
    assert len(at.error) == 1 and "已被王科长" in at.error[0].value and "没有保存" in at.error[0].value
    kept = next(d.value for d in at.dataframe if "线索编号" in d.value.columns)
    assert kept.to_dict("records") == [{"线索编号": stale, "企业名称": "丁封装有限公司", "跟进阶段": "洽谈中"}]
    lead = matcher.get_lead(store, ledger["乙充电有限公司"])
    assert (lead["stage"], lead["owner"], lead["due_date"]) == ("已考察", "周五", dt.date(2026, 9, 30))
    h = matcher.lead_history(store, lead["lead_id"])
    mine = h[h["source"] == "app"]
    assert set(mine["by_user"]) == {"赵主任"} and set(mine["field"]) == {"stage", "owner", "due_date"}
    assert matcher.get_lead(store, stale)["stage"] == "线索"  # the colleague's version stands
    # the table is drawn again from the store: the saved lead shows its new stage
    assert at.data_editor[0].value.set_index("lead_id").loc[lead["lead_id"], "stage"] == "已考察"


def test_detail_form_history_and_scores_over_the_runs(store, ledger):
    at = open_page()
    lead_id = ledger["乙充电有限公司"]
    at.selectbox(key="lg_pick").set_value(lead_id).run()
    version = matcher.get_lead(store, lead_id)["version"]
    prefix = f"one_{lead_id}_{version}_"
    at.selectbox(key=prefix + "stage").set_value("已考察")
    at.text_input(key=prefix + "next_action").set_value("邀请来园考察")
    at.text_input(key="lg_by").set_value("钱科长")
    next(b for b in at.button if b.label == "保存这条线索").click().run()
    assert not at.exception
    assert [s.value for s in at.success] == ["已保存 1 条线索的修改"]
    h = matcher.lead_history(store, lead_id)
    assert h[h["source"] == "app"][["field", "new_value", "by_user"]].values.tolist() == [
        ["stage", "已考察", "钱科长"],
        ["next_action", "邀请来园考察", "钱科长"],
    ]
    history = next(d.value for d in at.dataframe if "经办人" in d.value.columns)
    newest = history[["来源", "内容", "新值"]].values.tolist()[:2]  # newest first
    assert sorted(newest) == [["线索台账页面", "下一步工作", "邀请来园考察"], ["线索台账页面", "跟进阶段", "已考察"]]
    scores = next(d.value for d in at.dataframe if "评分日期" in d.value.columns)
    assert scores[["评分日期", "得分", "等级"]].values.tolist() == [
        ["2026-06-01", 60.0, "B"],
        ["2026-08-25", 40.0, "C"],
    ]


def test_what_changed_between_two_runs(store, ledger):
    at = open_page()
    assert not at.tabs  # the diff is computed when asked for (two 100,000-company runs take seconds)
    at.toggle(key="lg_diff_on").set_value(True).run()
    assert not at.exception
    diff = matcher.diff_runs("previous", "latest", store)
    labels = [t.label for t in at.tabs]
    assert labels == [f"{name}（{len(t)}）" for name, t in matcher.diff_tables(diff.tables()).items()]
    assert labels[:4] == ["新增目标（1）", "不再是目标（1）", "等级变化（2）", "登记状态变化（1）"]
    new = at.tabs[0].dataframe[0].value
    assert new["企业名称"].tolist() == ["戊电机有限公司"]
    tiers = at.tabs[2].dataframe[0].value
    assert set(tiers["变化"]) == {"降级"}


def test_no_developer_words_on_the_ledger_page(ledger):
    at = open_page()
    at.toggle(key="lg_diff_on").set_value(True).run()
    texts = shown_text(at)
    hits = sorted({m.group(0) for t in texts for m in DEVELOPER_WORDS.finditer(t)})
    assert texts and hits == []
