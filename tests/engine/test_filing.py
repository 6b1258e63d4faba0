"""Filing: the segment a company goes under is chosen on what it does, an industry code narrows but
never chooses, a company goes into every chain it serves."""

import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

import matcher
from matcher.contract import CHAIN_LEVEL_SEGMENT
from matcher.engine.filing import choose, file_chains
from matcher.knowledge.chains import SegmentStatus
from matcher.pipeline import read_companies
from tests.conftest import AS_OF

SETTINGS = matcher.DEFAULTS.replace(code_weight=2.5)  # a code strong enough to pass the threshold with text


@given(
    arrays(
        np.float32, st.tuples(st.integers(1, 30), st.integers(1, 6)), elements=st.sampled_from([0.0, 0.5, 0.50001, 1.0])
    ),
    st.data(),
)
def test_choose_is_the_largest_key_and_fit_only_breaks_exact_ties(key, data):
    fit = data.draw(arrays(np.float64, key.shape, elements=st.floats(0, 2)))
    got = choose(key, fit)
    for i in range(len(key)):  # the plain definition, row by row
        top = [j for j in range(key.shape[1]) if key[i, j] == key[i].max()]
        want = max(top, key=lambda j: (fit[i, j], -j))
        assert got[i] == want


@given(
    arrays(np.float32, st.tuples(st.integers(1, 30), st.integers(1, 6)), elements=st.sampled_from([0.0, 0.5, 1.0])),
    st.data(),
)
def test_choose_breaks_a_tie_by_each_tie_key_in_turn(key, data):
    makers = data.draw(arrays(np.bool_, key.shape))
    rank = data.draw(arrays(np.float32, key.shape, elements=st.sampled_from([0.1, 0.2, 0.3])))
    fit = data.draw(arrays(np.float64, key.shape, elements=st.floats(0, 2)))
    got = choose(key, makers, rank, fit)
    for i in range(len(key)):  # the plain definition, row by row
        top = [j for j in range(key.shape[1]) if key[i, j] == key[i].max()]
        want = max(top, key=lambda j: (makers[i, j], rank[i, j], fit[i, j], -j))
        assert got[i] == want


def _score(tmp_path, rows, settings=SETTINGS, chains=None, zone=None, per_chain=False):
    path = tmp_path / "list.csv"
    pd.DataFrame(rows, columns=["企业名称", "国标行业小类", "经营范围"]).to_csv(path, index=False)
    return matcher.score_files([path], zone=zone, chains=chains, settings=settings, as_of=AS_OF, per_chain=per_chain)


def _row(result, name):
    return result.ranked.set_index("company_name").loc[name]


def test_an_industry_code_narrows_the_segments_but_never_chooses_one(tmp_path, fixture_chains, fixture_zone):
    result = _score(
        tmp_path,
        [
            # the text names 充换电, the code (3612) 整车: filed where the text says, never under the code's segment
            ("甲新能源科技有限公司", "3612", "充电桩、充电站的研发与销售"),
            # the text names both 动力电池 and 充换电; the code (3841) narrows to 动力电池
            ("乙新能源科技有限公司", "3841", "电池包、充电桩的研发与销售"),
            # only a word shared by the chain's segments, the code points at 整车: in the chain, segment unknown
            ("丙新能源科技有限公司", "3612", "新能源技术推广"),
            # the code alone: not filed at all
            ("丁贸易有限公司", "3612", "日用百货销售"),
        ],
        chains=fixture_chains,
        zone=fixture_zone,
    )
    a, b, c, d = (
        _row(result, n)
        for n in ("甲新能源科技有限公司", "乙新能源科技有限公司", "丙新能源科技有限公司", "丁贸易有限公司")
    )
    assert (a.chain_id, a.segment_id, a.chain_level) == ("nev", "charging", False)
    assert (b.chain_id, b.segment_id, b.chain_level) == ("nev", "battery", False)
    assert c.chain_id == "nev" and pd.isna(c.segment_id) and c.chain_level and c.filed
    assert c.segment_name == CHAIN_LEVEL_SEGMENT and pd.isna(c.position) and pd.isna(c.gap_status)
    assert "属新能源汽车产业链，文字未指明具体环节，环节待核实" in c.reasons
    comp = result.components.iloc[int(np.flatnonzero(result.ranked["company_name"] == "丙新能源科技有限公司")[0])]
    parts = matcher.reason_parts(comp, result.settings)
    assert " | ".join(parts) == c.reasons and "属新能源汽车产业链" in parts[0]
    assert pd.isna(d.chain_id) and not d.filed and d.score == 0
    assert "仅国标行业代码指向新能源汽车" in d.reasons and "不据此入链" in d.reasons
    # a chain-level filing is scored with the mean gap weight of the segments its code lists (3612: 整车)
    assert c.gap_weight == pytest.approx(fixture_zone.status_weights["一般"])
    # the old rule (most relevance, whatever its evidence) would have taken the code's segment
    m = matcher.SegmentMatcher(SETTINGS).fit(fixture_chains)
    frame = pd.DataFrame({"company_name": ["甲"], "scope": ["充电桩、充电站的研发与销售"], "industry_code": ["3612"]})
    rel = m.match(frame).relevance[0]
    names = m.segments_["segment_id"].tolist()
    assert names[int(rel.argmax())] == "vehicle"


def test_scope_items_lend_like_an_industry_code_and_never_choose(tmp_path, fixture_chains, fixture_zone):
    # items lend much (scope_code_weight 3); their text is read as one with a code would be (scope_codeless_factor 1)
    strong = matcher.DEFAULTS.replace(scope_code_weight=3.0, scope_codeless_factor=1.0)
    result = _score(
        tmp_path,
        [
            # the text names 芯片设计 (design) weakly; the item 生产集成电路 names 3973 (packaging). The design
            # segment reaches the threshold only with what the item lends it: filed at chain level
            ("甲科技有限公司", None, "芯片设计；生产集成电路"),
            # the text alone files the design segment; the item's code does not move it to packaging
            ("乙芯片设计有限公司", None, "生产集成电路"),
        ],
        settings=strong,
        chains=fixture_chains,
        zone=fixture_zone,
    )
    a, b = _row(result, "甲科技有限公司"), _row(result, "乙芯片设计有限公司")
    assert a.chain_id == "ic" and a.chain_level and a.filed and pd.isna(a.segment_id)
    assert (b.chain_id, b.segment_id, b.chain_level) == ("ic", "design", False)
    assert b.scope_code_support == 0  # 3973 lists packaging, not the design segment it is filed under


def _random_zone(zone, chains, seed):
    rng = np.random.default_rng(seed)
    statuses = list(zone.status_weights)
    new = {}
    for cid, zc in zone.chains.items():
        segs = {s.id: SegmentStatus(str(rng.choice(statuses))) for s in chains[cid].segments}
        new[cid] = dataclasses.replace(zc, segments=segs)
    return dataclasses.replace(zone, chains=new)


@pytest.mark.parametrize("seed", range(3))
def test_the_gap_profile_never_moves_a_company_to_another_segment(seed):
    """On the bundled sample under the shipped zone and under random gap profiles, every company keeps
    its chain and segment in every chain it serves, unless its evidence ties exactly there."""
    chains = matcher.load_chains()
    zone = matcher.load_zone(chains=chains)
    frame = read_companies([matcher.SAMPLE_FILE]).companies
    base = matcher.Scorer(as_of=AS_OF).fit(chains, zone)
    match = base.matcher_.match(frame)
    other = matcher.Scorer(as_of=AS_OF).fit(chains, _random_zone(zone, chains, seed))
    assert not np.array_equal(base.gap_weight_, other.gap_weight_)
    f0 = file_chains(base.matcher_, match, base.gap_weight_, base.priority_, base.settings)
    f1 = file_chains(other.matcher_, match, other.gap_weight_, other.priority_, other.settings)
    assert (f0.filed == f1.filed).all() and (f0.chain_level == f1.chain_level).all()
    moved = np.argwhere(f0.segment != f1.segment)
    for i, c in moved:  # only exact evidence ties may go either way
        assert match.evidence[i, f0.segment[i, c]] == match.evidence[i, f1.segment[i, c]]
    rel = np.where(f0.filed, f0.relevance, -1)
    for i in np.flatnonzero(f0.best != f1.best):
        assert rel[i, f0.best[i]] == rel[i, f1.best[i]]
    # and the same holds through the scorer's component table
    c0 = base.components(frame, match)
    c1 = other.components(frame, match)
    same = c0["segment_id"].fillna("").to_numpy() == c1["segment_id"].fillna("").to_numpy()
    assert (c0["relevance"].to_numpy() == c1["relevance"].to_numpy()).all()  # another chain only on a tie
    same_chain = c0["chain_id"].fillna("").to_numpy() == c1["chain_id"].fillna("").to_numpy()
    for i in np.flatnonzero(same_chain & ~same):
        assert match.evidence[i, c0["_segment"].iloc[i]] == match.evidence[i, c1["_segment"].iloc[i]]


def test_every_chain_a_company_serves_from_one_pass(tmp_path, fixture_chains, fixture_zone):
    result = _score(
        tmp_path,
        [
            ("甲动力电池芯片有限公司", None, "动力电池、电池包的生产；集成电路设计"),
            ("乙集成电路有限公司", None, "集成电路设计"),
            ("丙商贸有限公司", None, "日用百货"),
        ],
        settings=matcher.DEFAULTS,
        chains=fixture_chains,
        zone=fixture_zone,
    )
    assert len(result.ranked) == 3 and result.ranked["company_name"].is_unique  # the machine table
    view = matcher.chain_view(result)
    pairs = set(zip(view.ranked["company_name"], view.ranked["chain_id"]))
    assert pairs == {("甲动力电池芯片有限公司", "nev"), ("甲动力电池芯片有限公司", "ic"), ("乙集成电路有限公司", "ic")}
    best = _row(result, "甲动力电池芯片有限公司")
    mine = view.ranked[view.ranked["company_name"] == "甲动力电池芯片有限公司"].set_index("chain_id")
    assert mine.loc[best.chain_id, "score"] == best.score  # its best chain's row is the machine table's row
    assert (view.ranked["filed"]).all() and (view.components["chain_id"] == view.ranked["chain_id"]).all()
    # near misses only when asked for, with the filed column
    with pytest.raises(matcher.MatcherError):
        matcher.chain_view(result, filed_only=False)


def test_per_chain_rows_keep_near_misses_with_filed_false(tmp_path, fixture_chains, fixture_zone):
    # the knowledge alone: with the text model a company with no evidence may rank as a near miss by the model's
    # relevance (matcher.engine.learned.join), which depends on the shipped artefact
    result = _score(
        tmp_path,
        [("甲新能源有限公司", None, "新能源技术推广；充电桩销售"), ("乙有限公司", None, "日用百货")],
        settings=matcher.DEFAULTS.replace(model_weight=0.0),
        chains=fixture_chains,
        zone=fixture_zone,
        per_chain=True,
    )
    every = matcher.chain_view(result, filed_only=False).ranked
    assert set(every["company_name"]) == {"甲新能源有限公司"}  # no relevance anywhere: no per-chain row
    near = every[~every["filed"]]
    assert (near["relevance"] > 0).all() and (near["relevance"] < matcher.DEFAULTS.min_relevance).all()
    assert near["chain_id"].notna().all() and (near["score"] == 0).all()
    assert (matcher.tier_labels(near) == matcher.UNMATCHED_TIER).all()
    assert near["reasons"].str.contains("未达入链门槛").all()
    filed_view = matcher.chain_view(result).ranked
    assert len(filed_view) == int(every["filed"].sum())
    # re-ranking keeps the near misses at 0 and re-scores the filed rows
    reranked = matcher.rerank(result, matcher.DEFAULTS.replace(model_weight=0.0, w_strength=1.0, w_fit=0.0))
    again = matcher.chain_view(reranked, filed_only=False).ranked
    assert (again.loc[~again["filed"], "score"] == 0).all()
    assert len(again) == len(every)
    # with the text model, a company the knowledge finds nothing for is at most a near miss: never filed
    (tmp_path / "model").mkdir()
    result = _score(
        tmp_path / "model",
        [("甲新能源有限公司", None, "新能源技术推广；充电桩销售"), ("乙有限公司", None, "日用百货")],
        settings=matcher.DEFAULTS,
        chains=fixture_chains,
        zone=fixture_zone,
        per_chain=True,
    )
    every = matcher.chain_view(result, filed_only=False).ranked
    alone = every[every["company_name"] == "乙有限公司"]
    assert not alone["filed"].any() and (alone["relevance"] < matcher.DEFAULTS.min_relevance).all()
