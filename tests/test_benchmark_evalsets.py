"""The development sets' helpers: name stems, grouped folds, held-out reporting and the metrics (on made-up rows;
the labelled sets are read by the benchmarks only)."""

import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
import evalsets  # noqa: E402


def test_name_stem_drops_region_brackets_and_form():
    assert evalsets.name_stem("深圳市华业(集团)股份有限公司") == "华业"
    assert evalsets.name_stem("恒达信通航空装备（北京）股份有限公司") == "恒达"
    assert evalsets.name_stem("江苏省苏州市华星光电有限公司") == "华星"
    assert evalsets.name_stem("华星光电技术有限公司") == evalsets.name_stem("深圳华星光电半导体有限公司")
    assert evalsets.name_stem("") == ""


def test_grouped_folds_keep_a_group_in_one_test_fold():
    rng = np.random.default_rng(1)
    groups = rng.integers(0, 40, size=300)
    strata = rng.choice(["a", "b", "none"], size=300)
    for kwargs in ({}, {"strata": strata}):
        folds = evalsets.grouped_folds(groups, k=5, seed=3, **kwargs)
        tested = np.concatenate([te for _, te in folds])
        assert sorted(tested.tolist()) == list(range(300))  # every row held out exactly once
        for tr, te in folds:
            assert not set(groups[tr]) & set(groups[te])
    again = evalsets.grouped_folds(groups, k=5, seed=3)
    assert all((a[1] == b[1]).all() for a, b in zip(again, evalsets.grouped_folds(groups, k=5, seed=3)))


def test_held_out_scores_each_fold_with_what_was_fitted_on_the_others():
    n = 120
    brands = [chr(0x6C38 + 3 * b) + chr(0x660E + 5 * b) for b in range(30)]  # 30 made-up two-character 字号
    names = [f"{brands[i % 30]}科技有限公司" for i in range(n)]  # four rows each
    labels = pd.DataFrame({"企业名称": names})
    for cid in evalsets.CHAINS:
        labels[cid] = "neg"
    labels.loc[::5, "nev"] = "pos"
    seen = []

    def score_fold(train, test):
        seen.append((set(train), set(test)))
        rel = pd.DataFrame(0.0, index=labels.index[test], columns=evalsets.CHAINS)
        rel["nev"] = (labels["nev"].iloc[test] == "pos").astype(float).to_numpy()  # a perfect scorer
        return rel

    per_fold, ap_mean, ap_std = evalsets.held_out("names", labels, score_fold, k=4, seed=0)
    assert len(per_fold) == 4 and all(not tr & te for tr, te in seen)
    assert ap_mean["nev"] == 1.0 and ap_std["nev"] == 0.0


def test_a_company_held_at_the_threshold_counts_as_filed():
    """The evaluators file as the engine does (4 decimals): a chain held at 0.70 that float32 arithmetic
    put one step under it is filed."""
    chains = evalsets.CHAINS
    rel = pd.DataFrame(np.zeros((2, len(chains)), dtype=np.float32), columns=chains)
    rel.loc[0, "nev"] = np.nextafter(np.float32(0.7), np.float32(0))
    rel.loc[1, "nev"] = np.float32(0.6999)
    labels = pd.DataFrame({"chain_primary": ["nev", "nev"], "chain_secondary": [None, None]})
    _, _, detail = evalsets.intro_metrics(rel, labels, 0.7)
    assert detail["pred"].tolist() == ["nev", "none"]
    lab = pd.DataFrame({c: ["pos", "pos"] if c == "nev" else ["neg", "neg"] for c in chains})
    table, _ = evalsets.pos_neg_metrics(rel, lab, 0.7)
    assert table.loc["nev", "recall"] == 0.5
