"""Quality of chain filing on the labelled development set (real companies, hand-labelled).

Prints, per chain and on average: the average precision (AP) of the per-chain relevance ranking and
precision / recall / F1 of the chosen chain, plus the share of `none` companies left without a
chain. A prediction counts as correct when it is the primary or the secondary label; the strict
figures (primary only) are printed beside. Reads the set from ../shared/eval (or $CHAINMATCH_EVAL);
it is never copied into the repository.

    python benchmarks/quality.py [--errors]     # --errors lists misfiled rows for analysis
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

import matcher
from matcher.engine.match import SegmentMatcher

ROOT = Path(__file__).resolve().parents[1]
EVAL = Path(os.environ.get("CHAINMATCH_EVAL", ROOT.parent / "shared" / "eval" / "dev_companies_labelled.csv"))
TARGET_AP, TARGET_F1, TARGET_NONE = 0.85, 0.80, 0.95


def evaluate(settings=matcher.DEFAULTS, path=EVAL):
    chains = matcher.load_chains()
    read = matcher.read_companies([path])
    labels = read.originals
    m = SegmentMatcher(settings=settings).fit(chains)
    rel = m.chain_relevance(m.match(read.companies))
    best = rel.to_numpy().argmax(axis=1)
    top = rel.to_numpy().max(axis=1)
    pred = np.where(top >= settings.min_relevance, np.array(list(chains))[best], "none")
    primary = labels["chain_primary"].fillna("none").astype(str).to_numpy()
    secondary = labels["chain_secondary"].fillna("").astype(str).to_numpy()
    correct = (pred == primary) | ((pred == secondary) & (pred != "none"))
    rows = []
    for cid in chains:
        y = (primary == cid) | (secondary == cid)
        ap = average_precision_score(y, rel[cid]) if y.any() else float("nan")
        tp = np.sum((pred == cid) & correct)
        fp = np.sum((pred == cid) & ~correct)
        fn = np.sum((primary == cid) & ~correct)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        tp_s = np.sum((pred == cid) & (primary == cid))
        fp_s = np.sum((pred == cid) & (primary != cid))
        fn_s = np.sum((primary == cid) & (pred != cid))
        f1_s = 2 * tp_s / (2 * tp_s + fp_s + fn_s) if tp_s else 0.0
        rows.append({"chain": cid, "positives": int(y.sum()), "AP": ap, "precision": p, "recall": r,
                     "F1": f1, "F1_strict": f1_s})
    table = pd.DataFrame(rows).set_index("chain")
    none = primary == "none"
    none_share = float(np.mean(pred[none] == "none")) if none.any() else float("nan")
    detail = pd.DataFrame({"name": read.companies["company_name"], "primary": primary, "secondary": secondary,
                           "pred": pred, "top": top.round(3), "correct": correct})
    return table, none_share, detail


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list misfiled rows")
    args = ap.parse_args(argv)
    if not EVAL.exists():
        print(f"development set not found: {EVAL}", file=sys.stderr)
        return 2
    table, none_share, detail = evaluate()
    pd.set_option("display.width", 160)
    print(f"development set: {len(detail)} companies ({EVAL.name})\n")
    print(table.round(3).to_string())
    scored = table.drop(index="rail", errors="ignore")
    mean_ap = table["AP"].mean()
    macro_f1 = scored["F1"].mean()
    print()
    print(f"mean AP (all chains)         {mean_ap:.3f}   target >= {TARGET_AP}")
    print(f"mean AP (rail excluded)      {scored['AP'].mean():.3f}")
    print(f"macro F1 (rail excluded)     {macro_f1:.3f}   target >= {TARGET_F1}")
    print(f"macro F1 strict (rail excl.) {scored['F1_strict'].mean():.3f}")
    print(f"none left without a chain    {none_share:.3f}   target >= {TARGET_NONE}")
    print(f"accuracy (all rows)          {detail['correct'].mean():.3f}")
    if args.errors:
        pd.set_option("display.max_rows", 500)
        pd.set_option("display.max_colwidth", 40)
        print(detail[~detail["correct"]].to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
