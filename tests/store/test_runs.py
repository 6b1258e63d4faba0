"""Recording runs: companies merged by credit code / name, results and gaps kept, one transaction."""

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from sqlalchemy import select

import matcher
from matcher.store import schema as S
from matcher.store.bulk import insert_plain, insert_rows
from tests.conftest import DATA


def _ranked(rows):
    """A small ranked table in the contract's shape."""
    base = dict.fromkeys(matcher.CONTRACT_COLUMNS)
    return pd.DataFrame([{**base, "score": 50.0, "relevance": 0.8, "status": "active", **r} for r in rows])


def _result(fixture_result, rows):
    return dataclasses.replace(fixture_result, ranked=_ranked(rows))


def test_save_run_keeps_run_results_gaps_and_inputs(store, fixture_result):
    run_id = matcher.save_run(
        store, fixture_result, [DATA / "candidates.csv"], run_date=dt.date(2026, 9, 1), by="张三", note="三季度"
    )
    run = matcher.get_run(store, run_id)
    assert run["run_date"] == dt.date(2026, 9, 1) and run["created_by"] == "张三" and run["note"] == "三季度"
    assert run["counts"] == fixture_result.counts
    assert run["inputs"][0]["file"] == "candidates.csv" and len(run["inputs"][0]["sha256"]) == 64
    assert run["zone_id"] == "test-zone" and "battery" in run["zone_snapshot"]
    assert run["settings"]["w_fit"] == fixture_result.settings.w_fit
    res = matcher.run_results(store, run_id)
    ranked = fixture_result.ranked
    assert len(res) == len(ranked) == run["n_results"]
    assert res["company_name"].tolist() == ranked["company_name"].tolist()
    assert res["score"].tolist() == pytest.approx(ranked["score"].tolist())
    assert res["tier"].fillna("").tolist() == ranked["tier"].fillna("").tolist()
    assert res["status_raw"].fillna("").tolist() == ranked["status_raw"].fillna("").tolist()
    assert res["gap_status"].fillna("").tolist() == ranked["gap_status"].fillna("").tolist()
    gaps = matcher.run_gaps(store, run_id).set_index(["chain_id", "segment_id"])["status"]
    assert gaps[("nev", "battery")] == "缺失" and gaps[("nev", "charging")] == "优势"
    listed = matcher.list_runs(store)
    assert listed["run_id"].tolist() == [run_id] and listed.loc[0, "inputs"] == "candidates.csv"


def test_companies_merge_by_credit_code_else_name(store, fixture_result):
    code = "91320100MA1XXXXX01"
    first = _result(
        fixture_result,
        [
            {"company_name": "甲科技有限公司", "credit_code": code},
            {"company_name": "乙（南京）电池有限公司"},
            {"company_name": "丙芯片有限公司"},
        ],
    )
    second = _result(
        fixture_result,
        [
            {"company_name": "甲科技股份有限公司", "credit_code": code},  # renamed: same code
            {"company_name": "乙(南京)电池有限公司 "},  # brackets and spaces differ: same name
            {"company_name": "丙芯片有限公司", "credit_code": "91320100MA1YYYYY02"},  # its code is learnt
            {"company_name": "丁新能源有限公司"},
        ],
    )
    a = matcher.save_run(store, first)
    b = matcher.save_run(store, second)
    ra, rb = matcher.run_results(store, a), matcher.run_results(store, b)
    assert rb["company_id"].tolist()[:3] == ra["company_id"].tolist()
    assert rb["company_id"].iloc[3] not in set(ra["company_id"])
    with store.engine.connect() as conn:
        rows = dict(conn.execute(select(S.companies.c.id, S.companies.c.credit_code)).all())
    assert len(rows) == 4 and rows[ra["company_id"][2]] == "91320100MA1YYYYY02"
    # a third run naming 丙 by its code only finds it again
    third = _result(fixture_result, [{"company_name": "丙芯片科技有限公司", "credit_code": "91320100MA1YYYYY02"}])
    assert matcher.run_results(store, matcher.save_run(store, third))["company_id"][0] == ra["company_id"][2]


def test_a_failure_mid_run_leaves_the_store_as_it_was(store, fixture_result):
    matcher.save_run(store, fixture_result)
    before = _counts(store)

    def crash():
        raise RuntimeError("disk full")

    more = _result(fixture_result, [{"company_name": "新来的科技有限公司"}])
    with pytest.raises(RuntimeError):
        matcher.save_run(store, more, fail_after=crash)
    assert _counts(store) == before
    assert matcher.list_runs(store)["run_id"].tolist() == [1]


def _counts(store):
    with store.engine.connect() as conn:
        return {
            t.name: conn.execute(select(t).with_only_columns(S.sa_count())).scalar()
            for t in (S.runs, S.companies, S.run_results, S.run_gaps, S.leads, S.lead_history)
        }


def test_resolve_run_words_and_errors(store, fixture_result):
    with pytest.raises(matcher.UnknownRunError, match="还没有评分记录"):
        matcher.resolve_run(store, "latest")
    a = matcher.save_run(store, fixture_result)
    with pytest.raises(matcher.UnknownRunError, match="没有上一次"):
        matcher.resolve_run(store, "previous")
    b = matcher.save_run(store, fixture_result)
    assert matcher.resolve_run(store, "latest") == b and matcher.resolve_run(store, "previous") == a
    assert matcher.resolve_run(store, str(a)) == a
    with pytest.raises(matcher.UnknownRunError, match="编号为 99"):
        matcher.resolve_run(store, 99)
    with pytest.raises(matcher.UnknownRunError, match="应为数字"):
        matcher.resolve_run(store, "abc")


def test_newest_status_follows_the_newest_run(store, fixture_result):
    row = {"company_name": "戊电池有限公司", "status": "active", "status_raw": "存续"}
    dead = {**row, "status": "inactive", "status_raw": "注销"}
    matcher.save_run(store, _result(fixture_result, [row]), run_date=dt.date(2026, 6, 1))
    matcher.save_run(store, _result(fixture_result, [dead]), run_date=dt.date(2026, 9, 1))
    # an older list recorded late does not bring the company back to life
    matcher.save_run(store, _result(fixture_result, [row]), run_date=dt.date(2026, 3, 1))
    with store.engine.connect() as conn:
        assert conn.execute(select(S.companies.c.last_status, S.companies.c.last_status_raw)).one() == (
            "inactive",
            "注销",
        )


def test_bulk_insert_matches_the_plain_insert(store, fixture_result):
    matcher.save_run(store, fixture_result)
    cols = ["run_id", "chain_id", "segment_id", "chain_name", "segment_name", "status", "gap_weight"]
    rows = [(1, f"c{i}", f"s{i}", "链'甲", None, "缺失", i / 3) for i in range(50)]
    with store.engine.begin() as conn:
        conn.execute(S.run_gaps.delete())
        assert insert_rows(conn, S.run_gaps, cols, rows) == 50
        fast = conn.execute(select(*(S.run_gaps.c[c] for c in cols)).order_by(S.run_gaps.c.chain_id)).all()
        conn.execute(S.run_gaps.delete())
        assert insert_plain(conn, S.run_gaps, cols, rows) == 50
        plain = conn.execute(select(*(S.run_gaps.c[c] for c in cols)).order_by(S.run_gaps.c.chain_id)).all()
    assert fast == plain and len(fast) == 50
