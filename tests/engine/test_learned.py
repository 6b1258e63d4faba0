"""The learned model joined to the knowledge relevance: the blend, the fallback without an artefact, the
estimator contract, and the reason naming the model where it decides."""

import numpy as np
import pandas as pd
import pytest

import matcher
from matcher.engine import match as match_module
from matcher.engine.explain import MODEL_UNMATCHED, reason_parts
from matcher.engine.learned import (
    ALONE_FLOOR,
    chain_weights,
    held_chain,
    hold_filing,
    join,
    knowledge_features,
    reaches,
)
from matcher.engine.match import SegmentMatcher
from matcher.learn.model import KNOWLEDGE_FEATURES, ChainModel, TextField, shipped_model

from ..conftest import AS_OF

BITS = 14


def frame(**cols):
    n = len(next(iter(cols.values())))
    base = {"company_name": [None] * n, "intro": [None] * n, "scope": [None] * n, "industry_code": [None] * n}
    base.update(cols)
    return pd.DataFrame(base)


def text_model(chains, likes: dict[str, list[str]], dislikes: dict[str, list[str]] | None = None) -> ChainModel:
    """A hand-made model: its text logit is high for names holding the `likes` words of a chain (low for
    `dislikes`); the stacker follows the text alone."""
    ids = tuple(chains)
    template = ChainModel(
        ids,
        BITS,
        (TextField("company_name", 1, (2,), 40),),
        "industry_code",
        2,
        [],
        [],
        [0] * len(ids),
        ("text",),
        [[1.0]] * len(ids),
        [0.0] * len(ids),
    )
    w = np.zeros((1 << BITS, len(ids)), np.float32)
    for sign, table in ((1.0, likes), (-1.0, dislikes or {})):
        for cid, words in table.items():
            x = template.text_matrix(frame(company_name=words)).tocsr()
            for r in range(len(words)):
                row = x[r]
                w[row.indices, ids.index(cid)] += sign * 40.0 * np.sign(row.data)
    index = np.flatnonzero(np.any(w != 0, axis=1)).astype(np.int32)
    return ChainModel(
        ids,
        BITS,
        template.fields,
        "industry_code",
        2,
        index,
        w[index],
        np.full(len(ids), -4.0, np.float32),
        ("text",),
        np.ones((len(ids), 1), np.float32),
        np.zeros(len(ids), np.float32),
    )


def test_join_scales_a_chain_and_keeps_its_segment_order():
    rel = np.array([[0.6, 0.3, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]], np.float32)
    chain = np.array([0, 0, 1, 1])
    m = np.array([[0.9, 0.05], [0.8, np.nan]], np.float32)
    out = join(rel, chain, m, 0.5, 0.699)
    assert out[0, 0] == pytest.approx(0.75) and out[0, 1] == pytest.approx(0.375)  # R = 0.5·0.6 + 0.5·0.9
    assert out[0, 2] == out[0, 3] == 0.0  # no evidence and the model below ALONE_FLOOR: nothing
    assert np.allclose(out[1, :2], 0.5 * 0.8 * 0.699) and (out[1, :2] < 0.7).all()  # ranked, never filed
    assert (out[1, 2:] == 0).all()  # a chain the model does not know keeps its relevance
    assert np.array_equal(join(rel, chain, m, 0.0, 0.699)[0], rel[0])
    assert ALONE_FLOOR > 0


def test_hold_filing_files_as_the_knowledge_and_ranks_as_the_join():
    t, ceiling = 0.7, 0.699
    knowledge = np.array(
        [
            [0.80, 0.40, 0.0, 0.0],  # filed in chain 0; the model takes it under the threshold
            [0.60, 0.30, 0.0, 0.0],  # not filed; the model takes it over
            [0.90, 0.45, 0.0, 0.0],  # filed, and stays over
            [0.69996, 0.2, 0.0, 0.0],  # filed as the filing rounds (4 decimals)
            [0.75, 0.0, 0.3, 0.0],  # filed; the join took chain 0 to 0 (weight 1, model 0)
        ],
        np.float32,
    )
    chain = np.array([0, 0, 1, 1])
    m = np.array([[0.2, 0.0], [0.99, 0.0], [0.95, 0.0], [0.5, 0.0], [0.0, 0.0]], np.float32)
    joined = join(knowledge, chain, m, 0.5, ceiling)
    joined[4] = join(knowledge[4:], chain, m[4:], 1.0, ceiling)[0]
    assert joined[0, 0] < t and joined[1, 0] >= t and joined[4, 0] == 0  # the join alone moves filings
    out = hold_filing(joined, knowledge, chain, t, ceiling)
    best = np.stack([out[:, chain == c].max(axis=1) for c in (0, 1)], axis=1)
    filed_k = np.round(np.stack([knowledge[:, chain == c].max(axis=1) for c in (0, 1)], axis=1), 4) >= t
    np.testing.assert_array_equal(np.round(best.astype(float), 4) >= t, filed_k)  # filed where the knowledge files
    assert best[0, 0] == pytest.approx(t) and best[1, 0] == pytest.approx(ceiling)  # held at the threshold
    assert best[2, 0] == pytest.approx(joined[2, 0])  # a filing the model keeps: the joined relevance
    assert best[4, 0] == pytest.approx(t)  # from the knowledge's segments, scaled to the threshold
    for r in range(len(out)):  # segment order within a chain is the knowledge's
        for c in (0, 1):
            seg = out[r, chain == c]
            assert np.array_equal(np.argsort(-seg, kind="stable"), np.argsort(-knowledge[r, chain == c], kind="stable"))
    # held_chain at chain level is the same rule: the filed above the unfiled, the join's order within each
    # (among companies filed in one chain; a company filed in both keeps its main chain first, below)
    k = np.random.default_rng(3).random((200, 2)).astype(np.float32)
    r = np.random.default_rng(4).random((200, 2)).astype(np.float32)
    h = held_chain(k, r, t, ceiling)
    filed = np.round(k.astype(float), 4) >= t
    assert ((h >= t) == filed).all()
    single = filed.sum(axis=1) < 2
    for c in (0, 1):
        for group in (filed[:, c] & single, ~filed[:, c]):
            a, b = h[group, c], r[group, c]
            assert (np.diff(a[np.argsort(b, kind="stable")]) >= 0).all()  # monotone in the join
    both = np.flatnonzero(~single)
    assert len(both) > 10
    np.testing.assert_array_equal(h[both].argmax(axis=1), k[both].argmax(axis=1))


def test_held_chain_keeps_the_main_chain_the_knowledge_names_first():
    t, ceiling = 0.7, 0.699
    knowledge = np.array(
        [
            [0.90, 0.80, 0.0],  # filed in 0 and 1, mainly 0; the model ranks 1 higher
            [0.75, 0.72, 0.0],  # the same, both held at the threshold by the model
            [0.80, 0.80, 0.0],  # a tie in the knowledge: the model's order decides
            [0.95, 0.30, 0.0],  # one chain filed: the model's value, untouched
            [0.50, 0.30, 0.0],  # nothing filed
        ],
        np.float32,
    )
    combined = np.array(
        [[0.85, 0.97, 0.1], [0.40, 0.30, 0.0], [0.80, 0.90, 0.0], [0.99, 0.95, 0.0], [0.20, 0.90, 0.0]], np.float32
    )
    h = held_chain(knowledge, combined, t, ceiling)
    assert list(h.argmax(axis=1)[:4]) == [0, 0, 1, 0]
    assert h[0, 0] == pytest.approx(0.85) and t <= h[0, 1] < h[0, 0]  # the other chain comes down under it
    assert h[1, 0] > h[1, 1] >= np.float32(t)  # at the threshold the main chain goes up, a hair (4 decimals)
    assert round(float(h[1, 0]), 4) == t
    assert h[2, 1] == pytest.approx(0.90) and h[2, 0] == pytest.approx(0.80)
    assert h[3, 0] == pytest.approx(0.99) and h[3, 1] == pytest.approx(ceiling)
    assert h[4, 1] == pytest.approx(ceiling) and h[4, 0] == pytest.approx(0.20)
    # hold_filing at segment level keeps it: the main chain's best segment is the row's best
    chain = np.array([0, 0, 1, 1, 2])
    seg = np.repeat(knowledge, [2, 2, 1], axis=1) * np.array([1.0, 0.9, 1.0, 0.8, 1.0], np.float32)
    joined = np.repeat(combined, [2, 2, 1], axis=1) * np.array([1.0, 0.9, 1.0, 0.8, 1.0], np.float32)
    out = hold_filing(joined, seg, chain, t, ceiling)
    assert list(chain[out.argmax(axis=1)][:4]) == [0, 0, 1, 0]
    # and each chain's best is held_chain's value exactly: float32 scaling must not break the tie of companies
    # held at the threshold (a ranking, and AP, sees ties)
    rng = np.random.default_rng(5)
    chain = np.repeat(np.arange(4), 5)
    seg = rng.random((2000, 20)).astype(np.float32)
    joined = (seg * rng.uniform(0.3, 1.2, (2000, 20))).clip(0, 1).astype(np.float32)
    out = hold_filing(joined, seg, chain, t, ceiling)
    best = np.stack([out[:, chain == c].max(axis=1) for c in range(4)], axis=1)
    k_chain = np.stack([seg[:, chain == c].max(axis=1) for c in range(4)], axis=1)
    j_chain = np.stack([joined[:, chain == c].max(axis=1) for c in range(4)], axis=1)
    np.testing.assert_array_equal(best, held_chain(k_chain, j_chain, t, ceiling))


def test_join_with_a_weight_per_chain_is_each_chain_joined_at_its_weight():
    rng = np.random.default_rng(2)
    rel = (rng.random((30, 4)) * (rng.random((30, 4)) < 0.6)).astype(np.float32)
    chain = np.array([0, 0, 1, 1])
    m = rng.random((30, 2)).astype(np.float32)
    out = join(rel, chain, m, np.array([0.2, 0.9], np.float32), 0.699)
    np.testing.assert_allclose(out[:, :2], join(rel, chain, m, 0.2, 0.699)[:, :2], rtol=1e-6)
    np.testing.assert_allclose(out[:, 2:], join(rel, chain, m, 0.9, 0.699)[:, 2:], rtol=1e-6)


def test_the_engine_gives_each_chain_the_setting_times_its_share(fixture_chains):
    model = text_model(fixture_chains, {"nev": ["储能"], "ic": ["芯片"]})
    ids = tuple(fixture_chains)
    model.chain_share = np.array([1.0 if c == "nev" else 0.0 for c in ids], np.float32)
    assert chain_weights(model, ids, 0.4).tolist() == pytest.approx([0.4 if c == "nev" else 0.0 for c in ids])
    assert chain_weights(model, ("nev", "later_chain"), 0.4).tolist() == pytest.approx([0.4, 0.0])
    rows = frame(company_name=["苏州储能芯片科技有限公司"], intro=["新能源电池与集成电路芯片设计"])
    settings = matcher.DEFAULTS.replace(model_weight=0.4)
    joined = SegmentMatcher(settings=settings, model=model).fit(fixture_chains).match(rows)
    alone = SegmentMatcher(settings=settings, model=None).fit(fixture_chains).match(rows)
    m = SegmentMatcher(model=None).fit(fixture_chains)
    nev, ic = (m.segment_chain_ == ids.index("nev")), (m.segment_chain_ == ids.index("ic"))
    assert alone.relevance[0, ic].max() > 0 and alone.relevance[0, nev].max() > 0
    np.testing.assert_array_equal(joined.relevance[0, ic], alone.relevance[0, ic])  # share 0: knowledge alone
    assert not np.allclose(joined.relevance[0, nev], alone.relevance[0, nev])  # share 1: the model joins


def test_without_an_artefact_the_engine_runs_on_knowledge(monkeypatch, tmp_path, fixture_chains):
    monkeypatch.setattr(match_module, "shipped_model", lambda: shipped_model(tmp_path / "absent.npz"))
    rows = frame(company_name=["宁波动力电池有限公司", "上海餐饮管理有限公司"], intro=[None, "新能源电池"])
    m = SegmentMatcher().fit(fixture_chains)
    assert m.model_ is None
    result = m.match(rows)
    assert result.knowledge_relevance is None and result.model_relevance is None
    plain = SegmentMatcher(model=None).fit(fixture_chains).match(rows)
    np.testing.assert_array_equal(result.relevance, plain.relevance)
    # and a whole run works and says nothing about a model
    scorer = matcher.Scorer(as_of=AS_OF).fit(fixture_chains, _zone(fixture_chains))
    comp = scorer.components(rows.assign(**_facts(len(rows))))
    assert (comp["model_support"] == 0).all() and not comp["reasons"].str.contains("文本模型").any()


def _zone(chains):
    from ..conftest import DATA

    return matcher.load_zone(DATA / "zones" / "test-zone.yaml", chains)


def _facts(n):
    return {
        "registered_capital_wan": [1000.0] * n,
        "employees": [np.nan] * n,
        "founded": [None] * n,
        "listed": [False] * n,
        "qualifications": [None] * n,
        "financing": [None] * n,
        "status": ["active"] * n,
        "status_raw": ["存续"] * n,
        "abnormal": [False] * n,
        "dishonest": [False] * n,
        "province": [None] * n,
        "city": [None] * n,
    }


def test_model_weight_zero_is_knowledge_alone(fixture_chains):
    model = text_model(fixture_chains, {"nev": ["储能"]})
    rows = frame(company_name=["苏州储能科技有限公司"], intro=["新能源业务"])
    off = SegmentMatcher(settings=matcher.DEFAULTS.replace(model_weight=0.0), model=model).fit(fixture_chains)
    plain = SegmentMatcher(model=None).fit(fixture_chains)
    np.testing.assert_array_equal(off.match(rows).relevance, plain.match(rows).relevance)


def test_estimator_contract_with_a_model(fixture_chains):
    base = pytest.importorskip("sklearn.base")
    model = text_model(fixture_chains, {"nev": ["储能"]})
    m = SegmentMatcher(model=model)
    c = base.clone(m)
    assert c.get_params()["settings"] == m.settings and isinstance(c.get_params()["model"], ChainModel)
    assert SegmentMatcher().get_params()["model"] == "shipped"
    rows = frame(company_name=["苏州储能科技有限公司"], intro=["新能源业务"])
    np.testing.assert_array_equal(
        c.fit(fixture_chains).match(rows).relevance, m.fit(fixture_chains).match(rows).relevance
    )


def test_knowledge_features_per_chain(fixture_chains):
    m = SegmentMatcher(model=None).fit(fixture_chains)
    rows = frame(
        company_name=["宁德时代新能源科技股份有限公司", "上海餐饮管理有限公司"], scope=["锂离子电池制造", None]
    )
    result = m.match(rows)
    feats = knowledge_features(m, rows, result, result.relevance)
    assert set(feats) == set(KNOWLEDGE_FEATURES)
    nev = m.chain_ids_.index("nev")
    assert feats["leader"][0, nev] == 1 and feats["scope_hit"][0, nev] == 1 and feats["has_scope"][0].all()
    assert feats["name_only"][1].all() and not feats["relevance"][1].any()
    assert not feats["scope_code"].any()  # the one 经营范围 item is the row's industry code, counted as "code"


def test_knowledge_features_scope_item_codes(fixture_chains):
    m = SegmentMatcher(model=None).fit(fixture_chains)
    rows = frame(company_name=["苏州某某科技有限公司"], scope=["锂离子电池制造；集成电路设计"])
    result = m.match(rows)
    feats = knowledge_features(m, rows, result, result.relevance)
    nev, ic = m.chain_ids_.index("nev"), m.chain_ids_.index("ic")
    # the main item's 小类 stands in for the industry code; the second item's 小类 supports ic
    assert feats["code"][0, nev] == 1 and feats["scope_code"][0, nev] == 0
    support = result.scope_code_support.toarray()[0]
    assert support[m.segment_chain_ == ic].max() > 0
    assert feats["scope_code"][0, ic] == pytest.approx(support[m.segment_chain_ == ic].max())


def test_the_reason_names_the_model_where_it_decides(fixture_chains):
    settings = matcher.DEFAULTS.replace(model_weight=1.0, model_files=1.0)  # the combined relevance files
    model = text_model(fixture_chains, {"nev": ["储能"]}, {"nev": ["回收"]})
    rows = frame(
        company_name=["苏州储能科技有限公司", "宁波动力电池回收有限公司", "杭州新能源有限公司"],
        intro=["新能源业务", "公司主营动力电池、电芯、BMS", None],
    ).assign(**_facts(3))
    scorer = matcher.Scorer(settings=settings, as_of=AS_OF).fit(fixture_chains, _zone(fixture_chains))
    scorer.matcher_ = SegmentMatcher(settings=settings, model=model).fit(fixture_chains)
    knowledge = matcher.Scorer(settings=settings.replace(model_weight=0.0), as_of=AS_OF).fit(
        fixture_chains, _zone(fixture_chains)
    )
    before = knowledge.components(rows)
    comp = scorer.components(rows)
    # row 0: a weak word alone would not file it; the model does, and the reason says so
    assert before["chain_id"].isna()[0] and comp["chain_id"].iloc[0] == "nev"
    assert comp["model_support"].iloc[0] > 0 and "文本模型判断与该产业链相符" in comp["reasons"].iloc[0]
    parts = reason_parts(comp.iloc[0], settings)
    assert any("文本模型判断与该产业链相符" in p for p in parts)
    # row 1: its 简介's 动力电池 files it on knowledge (a name's words count in its industry part only); the model disagrees and the reason says why it is not filed
    assert before["chain_id"].iloc[1] == "nev" and comp["chain_id"].isna()[1]
    assert MODEL_UNMATCHED.split("，")[0] in comp["reasons"].iloc[1]
    # row 2: nothing the model knows: no word about it
    assert "文本模型" not in comp["reasons"].iloc[2]


def test_the_model_reads_derived_columns_as_the_engine_derives_them(fixture_chains):
    from matcher.engine.learned import derived_columns, model_inputs, model_relevance

    model = text_model(fixture_chains, {"nev": ["储能"]})
    model = ChainModel(
        model.chain_ids,
        model.bits,
        (TextField("name_industry", 1, (2,), 40), TextField("scope_items", 3, (), 80, "；")),
        model.code_column,
        model.code_salt,
        model.text_index,
        model.text_weights,
        model.text_intercept,
        model.stack_features,
        model.stack_coef,
        model.stack_intercept,
    )
    rows = frame(
        company_name=["苏州储能科技有限公司", "储能宝餐饮管理有限公司"],
        scope=["一般项目：储能技术服务；技术开发", None],
    )
    derived = derived_columns(rows)
    assert derived["name_industry"].tolist()[0] != rows["company_name"][0]  # the 字号 and form are dropped
    assert "储能" not in str(derived["name_industry"].tolist()[1])  # a brand word is not the industry part
    assert "一般项目" not in derived["scope_items"][0]
    given = model_inputs(model, rows)
    assert {"name_industry", "scope_items"} <= set(given) and "scope_main" not in given
    feats = {k: np.zeros((2, len(model.chain_ids)), np.float32) for k in KNOWLEDGE_FEATURES}
    np.testing.assert_array_equal(
        model_relevance(model, model.chain_ids, feats, rows), model.relevance(feats, rows.assign(**derived))
    )


def test_when_the_knowledge_files_the_model_only_ranks(fixture_chains):
    """model_files 0: the same model that files row 0 and unfiles row 1 under model_files 1 (see above)
    changes neither filing, but still moves the relevance; the reason stays true to what happened."""
    settings = matcher.DEFAULTS.replace(model_weight=1.0, model_files=0.0)
    model = text_model(fixture_chains, {"nev": ["储能"]}, {"nev": ["回收"]})
    rows = frame(
        company_name=["苏州储能科技有限公司", "宁波回收科技有限公司", "宁波储能科技有限公司"],
        intro=["新能源业务", "公司主营动力电池、电芯、BMS", "公司主营动力电池、电芯、BMS"],
    ).assign(**_facts(3))
    zone = _zone(fixture_chains)
    scorer = matcher.Scorer(settings=settings, as_of=AS_OF).fit(fixture_chains, zone)
    scorer.matcher_ = SegmentMatcher(settings=settings, model=model).fit(fixture_chains)
    knowledge = matcher.Scorer(settings=settings.replace(model_weight=0.0), as_of=AS_OF).fit(fixture_chains, zone)
    before = knowledge.components(rows, per_chain=True, near_misses=True)
    comp = scorer.components(rows, per_chain=True, near_misses=True)
    nev = comp[comp["chain_id"] == "nev"].set_index("_row")
    nev_before = before[before["chain_id"] == "nev"].set_index("_row")
    # the filings are the knowledge's: row 0 is a near miss, rows 1 and 2 are filed
    assert nev_before["filed"].tolist() == nev["filed"].tolist() == [False, True, True]
    assert (nev["filed"] == (nev["relevance"] >= settings.min_relevance)).all()  # the relevance agrees
    # but the model ranks: row 0 rises towards the threshold and stays under it, row 1 falls to it
    assert nev_before.loc[0, "relevance"] < nev.loc[0, "relevance"] < settings.min_relevance
    assert nev.loc[1, "relevance"] == pytest.approx(settings.min_relevance)
    assert nev.loc[1, "relevance"] < nev_before.loc[1, "relevance"]
    assert nev_before.loc[1, "score"] == nev_before.loc[2, "score"]  # the knowledge cannot tell them apart
    assert nev.loc[1, "score"] < nev.loc[2, "score"]  # the model ranks row 1 under row 2
    # reasons: the model is named where it moved the relevance, never as deciding a filing
    assert "文本模型判断与该产业链相符程度较低" in nev.loc[1, "reasons"]
    assert "未达入链门槛" in nev.loc[0, "reasons"] and "文本模型判断与该产业链相符" in nev.loc[0, "reasons"]
    assert "直接证据不足" in nev.loc[0, "reasons"]  # what keeps it out is the evidence, not the model
    assert MODEL_UNMATCHED.split("，")[0] not in " ".join(comp["reasons"])
    # model_files 1 (the same model, the same weight) files row 0 and unfiles row 1: the setting decides
    files = SegmentMatcher(settings=settings.replace(model_files=1.0), model=model).fit(fixture_chains)
    rel = files.chain_relevance(files.match(rows))["nev"].to_numpy()
    assert rel[0] >= settings.min_relevance > rel[1]


def test_a_relevance_held_at_the_threshold_files():
    """A relevance held at 0.70 by float32 arithmetic may land one step under it: it files, as it is shown
    (4 decimals)."""
    held = np.nextafter(np.float32(0.7), np.float32(0))
    assert held < np.float32(0.7) and reaches(held, 0.7)
    assert reaches(np.array([0.70004, 0.6999, 0.2], dtype=np.float32), 0.7).tolist() == [True, False, False]
