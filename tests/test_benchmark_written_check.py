"""benchmarks/written_check.py: the held-out written companies stay out of training, and its figures count
what they say."""

import numpy as np
import pandas as pd

import matcher
from tests.conftest import benchmark

wc = benchmark("written_check")


def test_no_held_out_company_is_a_training_row():
    held = pd.read_csv(wc.HELD_OUT, dtype=str, keep_default_na=False)
    trained = pd.read_csv(wc.WRITTEN, dtype=str, keep_default_na=False)
    assert len(held) > 2500 and held["batch"].nunique() == 19
    assert not held["企业名称"].duplicated().any()
    assert not set(held["企业名称"]) & set(trained["企业名称"])
    assert set(held["label"]) <= {*matcher.CHAIN_IDS, "none"}


def test_figures_count_positives_in_their_chain_and_look_alikes_left_unfiled():
    table = pd.DataFrame(
        {
            "label": ["nev", "ic", "none", "none"],
            "secondary": ["", "ai", "", ""],
        }
    )
    rel = pd.DataFrame(0.0, index=range(4), columns=wc.CHAINS)
    rel.loc[0, "nev"] = 0.9  # filed where labelled
    rel.loc[1, "ai"] = 0.8  # filed in its secondary chain: counts
    rel.loc[2, "grid"] = 0.75  # a look-alike filed
    rel.loc[3, "nev"] = 0.69  # a near miss is not filed
    got = wc.figures(table, rel, 0.70)
    assert got["positives"] == "2/2" and got["look-alikes kept"] == "1/2" and got["rows"] == 4
    # AP over the chains with a positive: nev ranks its one positive first (1.0); ic's positive is scored 0
    # like the three others (tied: precision 1/4); ai's positive (row 1) is first (1.0)
    assert np.isclose(got["mean AP"], round((1.0 + 0.25 + 1.0) / 3, 3))
