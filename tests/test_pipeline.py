import pandas as pd
import pytest

import matcher
from matcher.pipeline import read_companies
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
    assert list(r.columns[:len(matcher.CONTRACT_COLUMNS)]) == matcher.CONTRACT_COLUMNS
    originals = ["企业名称", "登记状态", "注册资本", "成立日期", "统一社会信用代码", "所属省份", "所属城市",
                 "国标行业小类", "参保人数", "经营范围", "企业简介"]
    n = len(matcher.CONTRACT_COLUMNS)
    assert list(r.columns[n:n + len(originals)]) == originals
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
    for needle in ("动力电池", "BMS", "3841", "缺失", "国家级", "注册资本5000万元", "参保320人"):
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
    EXPECTED.write_text(_guarded_csv(matcher.score_files([DATA / "candidates.csv"], zone=zone, chains=chains,
                                                            as_of=AS_OF)),
                        encoding="utf-8")
    print(f"wrote {EXPECTED}")


def test_local_companies_are_not_targets_even_after_reranking(tmp_path, fixture_chains, fixture_zone):
    local = tmp_path / "local.csv"
    local.write_text("企业名称,登记状态\n江苏锐能动力电池有限公司,存续\n", encoding="utf-8")
    r = matcher.score_files([DATA / "candidates.csv"], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF,
                            local=[local])
    row = r.ranked[r.ranked.company_name == "江苏锐能动力电池有限公司"].iloc[0]
    assert row.is_local and row.tier == "本地" and row.score == 0 and row.chain_id == "nev"
    assert r.ranked["score"].is_monotonic_decreasing
    again = matcher.rank(r.components, matcher.DEFAULTS.replace(w_fit=1.0))
    assert again.loc[again.is_local, "score"].eq(0).all() and again.loc[again.is_local, "tier"].eq("本地").all()


def test_officer_notes_survive_when_a_vendor_row_wins_the_merge(tmp_path, fixture_chains, fixture_zone):
    vendor = tmp_path / "vendor.csv"
    vendor.write_text("企业名称,统一社会信用代码,注册资本,经营范围,参保人数\n"
                      "江苏锐能动力电池有限公司,91320100134885085F,5000万元,锂离子电池制造,320\n", encoding="utf-8")
    officer = tmp_path / "officer.csv"
    officer.write_text("企业名称,统一社会信用代码,跟进状态,备注\n"
                       "江苏锐能动力电池有限公司,91320100134885085F,已对接,下周拜访\n", encoding="utf-8")
    r = matcher.score_files([vendor, officer], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF)
    assert r.counts["scored"] == 1 and r.counts["merged"] == 1
    row = r.ranked.iloc[0]
    assert row["经营范围"] == "锂离子电池制造" and row["跟进状态"] == "已对接" and row["备注"] == "下周拜访"


@pytest.mark.parametrize("per_chain", [False, True])
@pytest.mark.parametrize("n_jobs", [1, 2])
def test_scoring_while_reading_ranks_as_scoring_after_merging(monkeypatch, fixture_chains, fixture_zone, per_chain,
                                                             n_jobs):
    from matcher import jobs, pipeline

    monkeypatch.setattr(jobs, "MIN_ROWS_PER_JOB", 50)  # a few thousand rows still go to several processes
    used = []
    real = pipeline._components_after_merge
    monkeypatch.setattr(pipeline, "_components_after_merge", lambda *a: used.append(a) or real(*a))
    paths = [matcher.SAMPLE_FILE, DATA / "candidates.csv"]  # duplicates within and across the files
    early = matcher.score_files(paths, zone=fixture_zone, chains=fixture_chains, per_chain=per_chain, as_of=AS_OF,
                                n_jobs=n_jobs)
    late = matcher.score_frame(read_companies(paths, n_jobs=n_jobs), fixture_chains, fixture_zone,
                               per_chain=per_chain, as_of=AS_OF, n_jobs=n_jobs)
    assert len(used) == 1 and early.counts["merged"] > 0
    pd.testing.assert_frame_equal(early.ranked, late.ranked)
    pd.testing.assert_frame_equal(early.components, late.components)


def test_a_company_that_gains_facts_by_merging_is_scored_again(tmp_path, fixture_chains, fixture_zone):
    rich = tmp_path / "rich.csv"  # wins the merge (more facts) but says nothing about its business
    rich.write_text("企业名称,统一社会信用代码,注册资本,成立日期,参保人数\n"
                    "南京启明科技有限公司,91320100134885085F,5000万元,2015-03-01,320\n", encoding="utf-8")
    scope = tmp_path / "scope.csv"
    scope.write_text("企业名称,统一社会信用代码,经营范围\n"
                     "南京启明科技有限公司,91320100134885085F,动力电池、锂离子电池、电池包、电芯及BMS的研发制造\n", encoding="utf-8")
    alone = matcher.score_files([rich], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF)
    assert pd.isna(alone.ranked.iloc[0]["chain_id"])  # scored before merging, it fits no chain
    both = matcher.score_files([rich, scope], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF)
    assert both.counts["scored"] == 1 and both.counts["merged"] == 1
    row = both.ranked.iloc[0]
    assert row["source_file"].endswith("rich.csv") and row["chain_id"] == "nev" and row["score"] > 0
