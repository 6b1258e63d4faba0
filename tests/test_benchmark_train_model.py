"""The training script's own parts that need no labelled set: rows made from the knowledge, the shared
stacker's per-chain coefficients and the inner-fold score (the labelled sets are read by the script only)."""

import numpy as np
import pytest

import matcher
from tests.conftest import benchmark

tm = benchmark("train_model")


def test_knowledge_rows_label_vocabulary_and_industry_codes():
    frame, y = tm.knowledge_rows()
    assert len(frame) == len(y) and y.shape[1] == len(tm.CHAINS)
    chains = matcher.load_chains()
    nev = tm.CHAINS.index("nev")
    # a keyword row is positive for the chain that lists its words
    first = chains["nev"].segments[0].keywords
    rows = [i for i, t in enumerate(frame["intro"]) if t and set(t.split("；")) & set(first)]
    assert rows and all(y[i, nev] == 1 for i in rows)
    # a GB/T 小类 row: positive for the chains listing its code, negative for every chain otherwise
    listed = {c for ch in chains.values() for s in ch.segments for c in s.industry_codes}
    codes = frame["industry_code"].to_numpy()
    coded = [i for i, c in enumerate(codes) if isinstance(c, str)]
    assert len(coded) > 1000
    for i in coded:
        assert y[i].any() == (codes[i] in listed)
    catering = [i for i in coded if codes[i].startswith("62")]  # 餐饮业: no chain
    assert catering and not y[catering].any()
    # the derived columns the model reads are there, as the engine derives them
    assert {"scope_items", "name_industry"} <= set(frame.columns)


def test_shared_stacker_gives_each_chain_the_sum_of_shared_and_own_coefficients():
    pytest.importorskip("sklearn")
    rng = np.random.default_rng(0)
    n, k = 600, 3
    xs = rng.normal(size=(n, len(tm.CHAINS), k)).astype(np.float32)
    logit = 2.0 * xs[:, :, 0]
    logit[:, 1] = -2.0 * xs[:, 1, 0]  # one chain reads the feature the other way
    y = (rng.random((n, len(tm.CHAINS))) < 1 / (1 + np.exp(-logit))).astype(np.float32)
    use = np.ones_like(y, dtype=bool)
    use[:100, 2] = False  # skipped labels are left out of that chain
    coef, icpt = tm._fit_stack_shared(xs, y, use, np.ones(n), 10.0)
    assert coef.shape == (len(tm.CHAINS), k) and icpt.shape == (len(tm.CHAINS),)
    assert coef[0, 0] > 1.0 and coef[1, 0] < -1.0  # the chain's own coefficients follow its data
    per_chain, _ = tm._fit_stack(xs, y, use, np.ones(n), 10.0)
    assert np.sign(per_chain[:, 0]).tolist() == np.sign(coef[:, 0]).tolist()


def test_filing_probability_shift_reaches_the_minimum_relevance():
    for p in tm.GRID["filing_probability"]:
        z = np.log(p / (1 - p)) + tm._shift(p)
        assert 1 / (1 + np.exp(-z)) == pytest.approx(matcher.DEFAULTS.min_relevance)


def test_average_precision_equals_scikit_learn_with_ties():
    metrics = pytest.importorskip("sklearn.metrics")
    rng = np.random.default_rng(3)
    for n in (2, 7, 50, 400):
        for _ in range(20):
            y = rng.random(n) < 0.3
            score = np.round(rng.random(n), 1).astype(np.float32)  # many ties
            want = metrics.average_precision_score(y, score) if y.any() and not y.all() else float("nan")
            assert tm.average_precision(y, score) == pytest.approx(want, nan_ok=True)


def _fake_pool(rng, sizes=(60, 90, 40)):
    import pandas as pd

    chains = tm.CHAINS
    labels, offsets, start = {}, {}, 0
    for key, n in zip(("intro", "names", "scope"), sizes, strict=True):
        if key == "intro":
            options = np.array([*chains, "none", "none", "none"])
            table = pd.DataFrame(
                {
                    "chain_primary": rng.choice(options, n),
                    "chain_secondary": np.where(rng.random(n) < 0.2, rng.choice(chains, n), None),
                }
            )
        else:
            table = pd.DataFrame({c: rng.choice(["pos", "neg", "neg", "skip"], n) for c in chains})
        labels[key], offsets[key] = table, (start, start + n)
        start += n
    return tm.Pool(None, None, None, None, None, None, None, {}, labels, offsets, {}), start


def test_selector_equals_the_quality_metrics():
    """The inner folds' NumPy score gives what evalsets.metrics gives on the same rows and relevance."""
    import pandas as pd

    rng = np.random.default_rng(5)
    pool, n = _fake_pool(rng)
    t = matcher.DEFAULTS.min_relevance
    for _ in range(5):
        rows = np.sort(rng.choice(n, size=n * 3 // 4, replace=False))
        rel = np.round(rng.random((len(rows), len(tm.CHAINS))), 2).astype(np.float32)
        got_score, got = tm.Selector(pool, rows)(rel)
        want = {}
        for key, (a, b) in pool.offsets.items():
            sel = (rows >= a) & (rows < b)
            table = pd.DataFrame(rel[sel], columns=tm.CHAINS)
            _, summary = tm.q.metrics(key, table, pool.labels[key].iloc[rows[sel] - a], t)
            want.update({f"{key}/{m}": summary[m] for m in tm.q.SETS[key].targets})
        assert got == pytest.approx(want, nan_ok=True)
        targets = [v for k, v in want.items() if not k.endswith("none_kept")]
        floors = tm.q.SETS["intro"].targets
        shortfall = sum(max(0.0, floors[m] - want[f"intro/{m}"]) for m in ("none_kept", "macro_F1"))
        assert got_score == pytest.approx(np.mean(targets) - shortfall)


def test_chain_weights_refined_one_chain_at_a_time_never_lower_the_score():
    """Coordinate ascent from the chosen weight: each chain takes the weight that the score likes best."""
    rng = np.random.default_rng(4)
    n = 200
    relevance = rng.random((n, len(tm.CHAINS))).astype(np.float32)
    m = rng.random((n, len(tm.CHAINS))).astype(np.float32)
    best = np.linspace(0.0, 1.0, len(tm.CHAINS)).round(1)  # the weight the score wants in each chain

    def select(rel):  # highest when every chain is joined at its wanted weight
        want = tm.join(relevance, np.arange(len(tm.CHAINS)), m, best.astype(np.float32), tm._ceiling())
        return -float(np.abs(rel - want).sum()), {}

    values = tuple(round(0.1 * i, 1) for i in range(11))
    start_score, _ = select(tm.join(relevance, np.arange(len(tm.CHAINS)), m, 0.3, tm._ceiling()))
    w, score, _ = tm.refine_chain_weights(select, relevance, m, 0.3, values, rounds=2)
    assert w.tolist() == pytest.approx(best.tolist(), abs=1e-6) and score >= start_score
    same, _, _ = tm.refine_chain_weights(select, relevance, m, 0.3, values, rounds=0)  # no pass: one weight
    assert same.tolist() == pytest.approx([0.3] * len(tm.CHAINS))


def test_filed_view_files_as_the_knowledge_under_the_knowledge_rule():
    """What the inner folds and the outer folds score under each filing rule is what the engine delivers:
    the combined relevance, or (knowledge files) learned.hold_filing at chain level."""
    rng = np.random.default_rng(6)
    k = rng.random((300, len(tm.CHAINS))).astype(np.float32)
    m = rng.random((300, len(tm.CHAINS))).astype(np.float32)
    combined = tm.join(k, np.arange(len(tm.CHAINS)), m, 0.6, tm._ceiling())
    assert tm.filed_view(k, combined, "combined") is combined
    view = tm.filed_view(k, combined, "knowledge")
    t = matcher.DEFAULTS.min_relevance
    assert ((view >= t) == (k >= t)).all() and ((combined >= t) != (k >= t)).any()
    # the engine's segment-level rule gives the same chain relevance (one segment per chain here)
    from matcher.engine.learned import hold_filing

    held = hold_filing(combined, k, np.arange(len(tm.CHAINS)), t, tm._ceiling())
    np.testing.assert_allclose(view, held, atol=1e-6)
    assert set(tm.GRID["filing"]) == {"combined", "knowledge"}


def test_filed_view_ranks_on_the_ranking_relevance_and_files_as_the_rule_says():
    """head_weak_rank < 1: the combined relevance joined from the ranking knowledge orders the companies,
    the rule's relevance files them (SegmentMatcher.match: hold_filing(ranked, filing))."""
    from matcher.engine.learned import hold_filing

    rng = np.random.default_rng(7)
    k = rng.random((300, len(tm.CHAINS))).astype(np.float32)
    rank = k * rng.uniform(0.5, 1.0, k.shape).astype(np.float32)  # ranking knowledge: never above the filing one
    m = rng.random((300, len(tm.CHAINS))).astype(np.float32)
    chains, t = np.arange(len(tm.CHAINS)), matcher.DEFAULTS.min_relevance
    combined = tm.join(k, chains, m, 0.3, tm._ceiling())
    ranked = tm.join(rank, chains, m, 0.3, tm._ceiling())
    for rule, basis in (("combined", combined), ("knowledge", k)):
        view = tm.filed_view(k, combined, rule, ranked)
        assert ((view >= t) == (basis >= t)).all() and ((ranked >= t) != (basis >= t)).any()
        np.testing.assert_allclose(view, hold_filing(ranked, basis, chains, t, tm._ceiling()), atol=1e-6)
        below = (view < t) & (ranked < tm._ceiling())
        np.testing.assert_allclose(view[below], ranked[below])  # under the threshold the ranking relevance stands
    assert tm.GRID["head_weak_rank"][0] == 1.0  # the grid's first: rank as filed


def test_repeated_draws_pool_every_outer_fold(capsys):
    """--repeats: the figures over every fold of every draw, beside each draw's own mean."""
    import pandas as pd

    def run(values):
        table = pd.DataFrame({"mean_AP": values, "macro_F1": values, "none_kept": values})
        other = pd.DataFrame({"mean_AP": values})
        summaries = {"intro": {"knowledge": table, "chosen": table}, "names": {"knowledge": other, "chosen": other}}
        return tm.HeldOut(summaries, {}, [], {}, None)

    tm.print_repeats([run([0.8, 0.9]), run([0.9, 1.0])], 2, 3)
    out = capsys.readouterr().out
    assert "2 draws of 2 outer folds (seeds 3–4)" in out and "all 4 folds" in out
    pooled = np.std([0.8, 0.9, 0.9, 1.0], ddof=1)
    assert f"mean_AP 0.900 ± {pooled:.3f} [0.850 0.950]" in out
    assert out.count("names ") == 2  # knowledge and chosen


def test_best_model_ships_the_knowledge_rule_whatever_the_inner_scores():
    """The filing rule is a design decision (SHIPPED_FILING), not the inner folds' choice; without it in
    the grid the best inner score wins."""

    class Fitted:
        def __init__(self, rule, score):
            self.meta = {"choice": {"filing": rule, "inner_score": score}}

    assert tm.SHIPPED_FILING == "knowledge"
    models = {"combined": Fitted("combined", 0.82), "knowledge": Fitted("knowledge", 0.81)}
    assert tm.best_model(models).meta["choice"]["filing"] == "knowledge"
    only = {"combined": Fitted("combined", 0.80)}
    assert tm.best_model(only).meta["choice"]["filing"] == "combined"


def test_written_rows_are_read_as_an_export_with_their_labels():
    """The companies written for training: read by the export reader, one label row each, every chain taught."""
    import pandas as pd

    frame, y, groups = tm.written_rows()
    table = pd.read_csv(tm.WRITTEN, dtype=str, keep_default_na=False)
    assert len(frame) == len(y) == len(groups) == len(table)
    assert frame["company_name"].notna().all()
    assert {"scope_items", "name_industry"} <= set(frame.columns)
    for j, cid in enumerate(tm.CHAINS):
        labelled = (table["label"] == cid) | (table["secondary"] == cid)
        assert (y[:, j] == 1).tolist() == labelled.tolist()
        assert labelled.sum() >= 400  # every chain has hundreds of positives
    none = (table["label"] == "none").to_numpy()
    assert none.sum() > y.any(axis=1).sum() and not y[none].any()
    # the texts reach the canonical columns the engine reads
    has_scope = (table["经营范围"] != "").to_numpy()
    assert frame["scope"].notna().to_numpy()[has_scope].all()


def test_written_rows_name_the_file_and_the_column_of_a_bad_label(tmp_path):
    bad = tmp_path / "written.csv"
    bad.write_text(
        "企业名称,经营范围,国标行业,公司介绍,label,secondary,kind\n某某电池有限公司,锂离子电池制造,,,battery,,scope\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match="written.csv: column label holds unknown value.*battery"):
        tm.written_rows(bad)


def test_written_companies_of_a_labelled_set_never_join_the_training():
    """extra_rows drops every written row whose name stem is a labelled row's: a held-out company (or its
    brand) must not come back as a written one."""
    frame, y, groups = tm.written_rows()

    class Labelled:  # a pool whose labelled rows share the stems of the first three written companies
        pass

    pool = Labelled()
    pool.groups = groups[:3]
    kept, kept_y = tm.extra_rows("written", pool)
    dropped = np.isin(groups, groups[:3])
    assert len(kept) == len(kept_y) == int((~dropped).sum()) and dropped.sum() >= 3
    assert not set(kept["company_name"]) & set(frame["company_name"][dropped])
    assert np.array_equal(kept_y, y[~dropped])
    with pytest.raises(ValueError, match="unknown training rows"):
        tm.extra_rows("dev", pool)
