"""What changed between two quarters: new and dropped targets, tier and status changes, gap changes —
the same from two recorded runs as from the two ranked files."""

import pytest
import yaml

import matcher
from tests.conftest import AS_OF, DATA


@pytest.fixture(scope="module")
def quarters(tmp_path_factory, fixture_chains):
    """Two runs a quarter apart: 杭州宁德时代储能 gone from the list, 苏州微芯 注销, a new IC design house,
    and the zone's 充换电 segment worse (优势 → 薄弱)."""
    tmp = tmp_path_factory.mktemp("quarters")
    lines = (DATA / "candidates.csv").read_text(encoding="utf-8").splitlines()
    later = [ln for ln in lines if not ln.startswith("杭州宁德时代储能")]
    later = [ln.replace("苏州微芯集成电路有限公司,存续", "苏州微芯集成电路有限公司,注销") for ln in later]
    later.append(
        "南京智芯半导体设计有限公司,存续,3000万元,2018-05-01,,江苏省,南京市,集成电路设计,200,集成电路设计；芯片设计服务,SoC芯片设计"
    )
    q2 = tmp / "candidates_q2.csv"
    q2.write_text("\n".join(later) + "\n", encoding="utf-8")
    zone = yaml.safe_load((DATA / "zones" / "test-zone.yaml").read_text(encoding="utf-8"))
    zone["chains"]["nev"]["segments"]["charging"] = {"status": "薄弱"}
    zone_q2 = tmp / "zone_q2.yaml"
    zone_q2.write_text(yaml.safe_dump(zone, allow_unicode=True), encoding="utf-8")
    z1 = matcher.load_zone(DATA / "zones" / "test-zone.yaml", fixture_chains)
    z2 = matcher.load_zone(zone_q2, fixture_chains)
    r1 = matcher.score_files([DATA / "candidates.csv"], zone=z1, chains=fixture_chains, as_of=AS_OF)
    r2 = matcher.score_files([q2], zone=z2, chains=fixture_chains, as_of=AS_OF)
    f1, f2 = tmp / "q1.csv", tmp / "q2.csv"
    matcher.write_output(r1, f1)
    matcher.write_output(r2, f2)
    return r1, r2, f1, f2


def _check(diff):
    assert diff.new["company_name"].tolist() == ["南京智芯半导体设计有限公司"]
    assert diff.new[["chain_id", "segment_id"]].values.tolist() == [["ic", "design"]]
    assert diff.dropped["company_name"].tolist() == ["杭州宁德时代储能有限公司"]
    tiers = diff.tiers.set_index("company_name")
    assert tiers.loc["苏州微芯集成电路有限公司", ["tier_a", "change"]].tolist() == ["B", "down"]
    assert tiers.loc["苏州微芯集成电路有限公司", "tier_b"] is None
    assert tiers.loc["南京快充科技有限公司", "change"] == "up"  # its segment's gap grew, so did its score
    assert set(tiers.index) == {"苏州微芯集成电路有限公司", "南京快充科技有限公司"}
    assert diff.status[["company_name", "status_raw_a", "status_raw_b"]].values.tolist() == [
        ["苏州微芯集成电路有限公司", "存续", "注销"]
    ]
    assert diff.gaps[["chain_id", "segment_id", "status_a", "status_b", "change"]].values.tolist() == [
        ["nev", "charging", "优势", "薄弱", "worse"]
    ]
    assert list(diff.new.columns) == matcher.store.diff.NEW_COLUMNS
    assert list(diff.tiers.columns) == matcher.store.diff.TIER_COLUMNS


def test_diff_of_two_recorded_runs(store, quarters):
    r1, r2, _, _ = quarters
    a = matcher.save_run(store, r1)
    b = matcher.save_run(store, r2)
    diff = matcher.diff_runs(a, b, store)
    _check(diff)
    assert diff.a.startswith(f"评分记录 {a}") and "新增目标 1" in diff.summary()
    assert matcher.diff_runs("previous", "latest", store).counts == diff.counts
    same = matcher.diff_runs(b, b, store)
    assert all(len(t) == 0 for t in same.tables().values())


def test_diff_of_two_ranked_files(quarters):
    _, _, f1, f2 = quarters
    diff = matcher.diff_runs(f1, f2)
    _check(diff)
    assert (diff.a, diff.b) == ("q1.csv", "q2.csv")


def test_diff_needs_runs_or_ranked_tables(tmp_path, quarters):
    bad = tmp_path / "x.csv"
    bad.write_text("名称\n甲\n", encoding="utf-8")
    with pytest.raises(matcher.InputFileError, match="不是 matcher score 输出的排名表"):
        matcher.diff_runs(bad, quarters[2])
    with pytest.raises(matcher.InputFileError, match="文件不存在"):
        matcher.diff_runs(tmp_path / "missing.csv", quarters[2])
    with pytest.raises(matcher.MatcherError, match="没有打开台账"):
        matcher.diff_runs("1", "2")
