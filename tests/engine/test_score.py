import numpy as np
import pandas as pd
import pytest

import matcher
from matcher.engine.score import risk_component, strength_components

from ..conftest import AS_OF


def companies(**cols):
    n = len(next(iter(cols.values())))
    base = {
        "registered_capital_wan": [np.nan] * n,
        "employees": [np.nan] * n,
        "founded": [None] * n,
        "listed": [False] * n,
        "qualifications": [None] * n,
        "financing": [None] * n,
        "abnormal": [False] * n,
        "dishonest": [False] * n,
        "status": ["active"] * n,
    }
    base.update(cols)
    return pd.DataFrame(base)


def test_missing_facts_are_neutral_and_bigger_is_stronger():
    f = companies(registered_capital_wan=[np.nan, 10, 100_000], employees=[np.nan, 3, 5000])
    s = strength_components(f)["strength"]
    assert s[0] == pytest.approx(0.5)
    assert s[1] < s[0] < s[2] and s[2] == pytest.approx(1.0)


def test_tags_add_strength():
    f = companies(registered_capital_wan=[100, 100], listed=[False, True], qualifications=[None, "高新技术企业"])
    s = strength_components(f)["strength"]
    assert s[1] > s[0]


def test_risk_inactive_is_never_a_target_and_penalties_combine():
    f = companies(
        status=["inactive", "active", "active", "active"],
        abnormal=[False, True, False, True],
        dishonest=[False, False, True, True],
    )
    r = risk_component(f, matcher.DEFAULTS)
    assert r[0] == 1.0
    assert r[1] == pytest.approx(0.3) and r[2] == pytest.approx(0.6)
    assert r[3] == pytest.approx(1 - 0.7 * 0.4)


def test_fit_multiplies_relevance_gap_and_priority(fixture_result):
    r = fixture_result.ranked
    row = r[r.company_name == "苏州微芯集成电路有限公司"].iloc[0]
    assert row.chain_id == "ic" and row.gap_weight == 0.8  # 薄弱
    assert row.fit == pytest.approx(row.relevance * 0.8 * 0.7, abs=1e-3)  # 市级 0.7
    s = matcher.DEFAULTS
    near = np.exp(-row.distance_km / s.radius_km)  # 苏州 to the zone in 南京
    assert 150 < row.distance_km < 250 and row.proximity == pytest.approx(near, abs=1e-3)
    expected = (
        100
        * (s.w_fit * row.fit + s.w_strength * row.strength + s.w_distance * near)
        / (s.w_fit + s.w_strength + s.w_distance)
    )
    assert row.score == pytest.approx(expected, abs=0.1)


def test_distance_is_a_small_editable_factor(fixture_result):
    far = matcher.rank(fixture_result.ranked, matcher.DEFAULTS.replace(w_distance=1.0, w_fit=0.0, w_strength=0.0))
    targets = far[far.chain_id.notna() & (far.risk < 1)]
    nearest = targets.sort_values("distance_km").iloc[0]
    assert targets.iloc[0].company_name == nearest.company_name  # distance alone: nearest first


def test_rank_reuses_components(fixture_result):
    comp = fixture_result.components
    heavy_strength = matcher.rank(comp, matcher.DEFAULTS.replace(w_fit=0.0, w_strength=1.0, w_distance=0.0))
    targets = heavy_strength[heavy_strength.chain_id.notna() & (heavy_strength.risk < 1)]
    assert (np.diff(targets["score"].to_numpy()) <= 0).all()
    assert targets["score"].tolist() == pytest.approx((100 * targets["strength"]).round(1).tolist())
    # nothing is lost or re-matched
    assert len(heavy_strength) == len(comp)
    assert set(heavy_strength["relevance"]) == set(comp["relevance"])


def test_rank_under_the_same_settings_scores_as_scoring_did():
    """Re-ranking stored components under the settings they were scored with changes no score (the
    proximity is used rounded as it is stored, as scoring uses it)."""
    result = matcher.score_files([matcher.SAMPLE_FILE], as_of=AS_OF)
    comp = result.components
    again = matcher.rank(comp, matcher.DEFAULTS).loc[comp.index]
    assert again["score"].tolist() == comp["score"].tolist() and again["tier"].tolist() == comp["tier"].tolist()


def test_settings_validation():
    with pytest.raises(matcher.MatcherError):
        matcher.DEFAULTS.replace(w_fit=2)
    with pytest.raises(matcher.MatcherError):
        matcher.DEFAULTS.replace(nonsense=1)
    assert matcher.DEFAULTS.replace(w_fit="0.5").w_fit == 0.5


def test_every_setting_is_documented():
    for item in matcher.settings_help():
        assert item["label"] and len(item["help"]) > 8
        assert item["min"] <= item["default"] <= item["max"]


def test_rank_reapplies_penalties(fixture_result):
    comp = fixture_result.components.copy()
    i = comp.index[comp.chain_id.notna() & (comp.risk == 0)][0]
    comp.loc[i, "abnormal"] = True
    harsh = matcher.rank(comp, matcher.DEFAULTS.replace(penalty_abnormal=0.9))
    row = harsh.loc[i]
    assert row.risk == pytest.approx(0.9) and row.score < fixture_result.components.loc[i, "score"] * 0.2


@pytest.mark.parametrize("seed", range(3))
def test_total_score_parts_add_up_to_the_score(seed):
    from matcher.engine.score import total_score

    rng = np.random.default_rng(seed)
    n = 500
    fit, strength, near = rng.random(n), rng.random(n), np.where(rng.random(n) < 0.2, 0.5, rng.random(n))
    risk = rng.choice([0.0, 0.3, 0.6, 0.72, 1.0], size=n)
    has_chain = rng.random(n) < 0.8
    for s in (
        matcher.DEFAULTS,
        matcher.DEFAULTS.replace(w_fit=0.3, w_strength=0.0, w_distance=0.4),
        matcher.DEFAULTS.replace(w_fit=0.0, w_strength=0.0, w_distance=0.0),
    ):
        p = total_score(fit, strength, risk, has_chain, s, near)
        assert np.abs(p.fit + p.strength + p.distance + p.risk - p.score).max() <= 0.05 + 1e-9  # score: 1 decimal
        assert (p.risk <= 0).all() and (p.risk[risk == 1] == -(p.fit + p.strength + p.distance)[risk == 1]).all()
        for part in p:
            assert (part[~has_chain] == 0).all()
        total = s.w_fit + s.w_strength + s.w_distance or 1.0
        assert np.allclose(p.fit, np.where(has_chain, 100 * s.w_fit * fit / total, 0))
    assert np.array_equal(
        total_score(fit, strength, risk, has_chain, matcher.DEFAULTS).distance,
        total_score(fit, strength, risk, has_chain, matcher.DEFAULTS, np.full(n, 0.5)).distance,
    )


def test_an_a_needs_substance_and_rank_applies_the_floors(tmp_path, fixture_chains, fixture_zone):
    from matcher.engine.score import below_a_floor

    header = ["企业名称", "登记状态", "注册资本", "参保人数", "成立日期", "公司简介", "经营范围", "国标行业"]
    intro = "公司是一家动力电池研发生产企业，主营动力电池、电芯、BMS"
    rows = [
        ["江苏甲动力电池有限公司", "存续", "5000万元", "300", "2010-01-01", intro, "锂离子电池制造", "3841"],
        ["江苏乙动力电池有限公司", "存续", "5000万元", "3", "2010-01-01", intro, "锂离子电池制造", "3841"],
        ["江苏丙动力电池有限公司", "存续", "50万元", "300", "2010-01-01", intro, "锂离子电池制造", "3841"],
        ["浙江丁动力电池有限公司南京分公司", "存续", "5000万元", "300", "2010-01-01", intro, "锂离子电池制造", "3841"],
        [
            "江苏戊动力电池有限公司",
            "在营（开业）企业",
            "5000万元",
            "300",
            "2026-06-01",
            intro,
            "锂离子电池制造",
            "3841",
        ],
        ["江苏己动力电池有限公司", "存续", "", "", "", intro, "锂离子电池制造", "3841"],
    ]
    path = tmp_path / "cand.csv"
    path.write_text("\n".join(",".join(r) for r in [header, *rows]) + "\n", encoding="utf-8")
    off = matcher.DEFAULTS.replace(
        a_min_employees=0, a_min_capital_wan=0, a_min_age_years=0, a_no_branch=0, a_active_only=0
    )
    loose = matcher.score_files([path], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF, settings=off)
    assert (loose.ranked["tier"] == "A").all()  # every one scores A: the floors alone decide below
    strict = matcher.rerank(loose, matcher.DEFAULTS)
    got = strict.ranked.set_index("company_name")
    assert got.loc["江苏甲动力电池有限公司", "tier"] == "A"
    assert got.loc["江苏己动力电池有限公司", "tier"] == "A"  # facts not known fail no floor
    why = {
        "江苏乙动力电池有限公司": "参保人数不足10人",
        "江苏丙动力电池有限公司": "注册资本不足100万元",
        "浙江丁动力电池有限公司南京分公司": "为分公司或分支机构",
        "江苏戊动力电池有限公司": "成立不满1年",
    }
    for name, text in why.items():
        assert got.loc[name, "tier"] == "B", name
        assert got.loc[name, "reasons"].endswith(f"得分达A类，但{text}，列为B类"), got.loc[name, "reasons"]
        assert got.loc[name, "score"] == loose.ranked.set_index("company_name").loc[name, "score"]  # score untouched
    # scored with the floors from the start: the same tiers and reasons as re-ranked
    direct = matcher.score_files([path], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF)
    pd.testing.assert_series_equal(
        direct.ranked.set_index("company_name")["reasons"].sort_index(), got["reasons"].sort_index()
    )
    # and back: the notes go away again
    back = matcher.rerank(strict, off)
    assert not back.ranked["reasons"].str.contains("得分达A类").any()
    assert (back.ranked["tier"] == "A").all()
    # the active-only floor: a status stated but not a normal one keeps a company from A
    t = {"status": np.array(["unknown", "unknown", "active"], dtype=object)}
    t["status_raw"] = np.array(["待核实", None, "存续"], dtype=object)
    assert below_a_floor(t, matcher.DEFAULTS).tolist() == [16, 0, 0]
    assert below_a_floor(t, off).tolist() == [0, 0, 0]
