import pandas as pd

import matcher
from tests.conftest import AS_OF, DATA

EXPECTED = DATA / "expected_ranking.csv"
GUARDED = ["company_name", "chain_id", "segment_id", "relevance", "gap_weight", "strength", "risk", "score", "tier"]


def test_counts_add_up_and_nobody_disappears(fixture_result):
    c = fixture_result.counts
    assert c == {"read": 10, "scored": 8, "merged": 1, "rejected": 1}
    assert c["read"] == c["scored"] + c["merged"] + c["rejected"]
    assert len(fixture_result.ranked) == c["scored"]
    assert fixture_result.rejected.iloc[0]["reason"] == "缺少企业名称"
    assert fixture_result.rejected.iloc[0]["source_row"] == 9


def test_contract_columns_then_originals(fixture_result):
    r = fixture_result.ranked
    assert list(r.columns[: len(matcher.CONTRACT_COLUMNS)]) == matcher.CONTRACT_COLUMNS
    originals = [
        "企业名称",
        "登记状态",
        "注册资本",
        "成立日期",
        "统一社会信用代码",
        "所属省份",
        "所属城市",
        "国标行业小类",
        "参保人数",
        "经营范围",
        "企业简介",
    ]
    n = len(matcher.CONTRACT_COLUMNS)
    assert list(r.columns[n : n + len(originals)]) == originals
    assert r["score"].is_monotonic_decreasing
    assert set(r["status"]) <= {"active", "inactive", "unknown"}


def test_duplicate_is_merged_with_provenance(fixture_result):
    r = fixture_result.ranked
    row = r[r.company_name == "江苏锐能动力电池有限公司"].iloc[0]
    assert row.merged_rows == "candidates.csv:2;candidates.csv:11"
    m = fixture_result.merges.iloc[0]
    assert (m.source_row, m.merged_into_row) == (11, 2)


def test_unrelated_and_confusable_companies_have_no_chain(fixture_result):
    r = fixture_result.ranked.set_index("company_name")
    for name in ["南京老王餐饮管理有限公司", "无锡闪电电动自行车有限公司", "上海光亮LED照明有限公司"]:
        assert pd.isna(r.loc[name, "chain_id"]) and r.loc[name, "score"] == 0
    inactive = r.loc["常州旧能电池有限公司"]
    assert inactive.chain_id == "nev" and inactive.score == 0 and inactive.tier == ""


def test_reasons_name_the_evidence(fixture_result):
    r = fixture_result.ranked.set_index("company_name")
    reason = r.loc["江苏锐能动力电池有限公司", "reasons"]
    for needle in ("动力电池", "BMS", "锂离子电池制造", "缺失环节", "注册资本5000万元", "参保320人"):
        assert needle in reason


def _guarded_csv(result) -> str:
    return result.ranked[GUARDED].to_csv(index=False, lineterminator="\n")


def test_stored_expected_ranking(fixture_result):
    """Guards against silent scoring changes. After a deliberate change, regenerate with
    `python -m tests.test_pipeline` and review the diff."""
    assert _guarded_csv(fixture_result) == EXPECTED.read_text(encoding="utf-8")


if __name__ == "__main__":
    chains = matcher.load_chains(DATA / "chains")
    zone = matcher.load_zone(DATA / "zones" / "test-zone.yaml", chains)
    EXPECTED.write_text(
        _guarded_csv(matcher.score_files([DATA / "candidates.csv"], zone=zone, chains=chains, as_of=AS_OF)),
        encoding="utf-8",
    )
    print(f"wrote {EXPECTED}")


def test_local_companies_are_not_targets_even_after_reranking(tmp_path, fixture_chains, fixture_zone):
    local = tmp_path / "local.csv"
    local.write_text("企业名称,登记状态\n江苏锐能动力电池有限公司,存续\n", encoding="utf-8")
    r = matcher.score_files(
        [DATA / "candidates.csv"], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF, local=[local]
    )
    row = r.ranked[r.ranked.company_name == "江苏锐能动力电池有限公司"].iloc[0]
    assert row.is_local and row.tier == "本地" and row.score == 0 and row.chain_id == "nev"
    assert r.ranked["score"].is_monotonic_decreasing
    again = matcher.rank(r.components, matcher.DEFAULTS.replace(w_fit=1.0))
    assert again.loc[again.is_local, "score"].eq(0).all() and again.loc[again.is_local, "tier"].eq("本地").all()


def test_officer_notes_survive_when_a_vendor_row_wins_the_merge(tmp_path, fixture_chains, fixture_zone):
    vendor = tmp_path / "vendor.csv"
    vendor.write_text(
        "企业名称,统一社会信用代码,注册资本,经营范围,参保人数\n"
        "江苏锐能动力电池有限公司,91320100134885085F,5000万元,锂离子电池制造,320\n",
        encoding="utf-8",
    )
    officer = tmp_path / "officer.csv"
    officer.write_text(
        "企业名称,统一社会信用代码,跟进状态,备注\n江苏锐能动力电池有限公司,91320100134885085F,已对接,下周拜访\n",
        encoding="utf-8",
    )
    r = matcher.score_files([vendor, officer], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF)
    assert r.counts["scored"] == 1 and r.counts["merged"] == 1
    row = r.ranked.iloc[0]
    assert row["经营范围"] == "锂离子电池制造" and row["跟进状态"] == "已对接" and row["备注"] == "下周拜访"
