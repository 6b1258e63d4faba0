"""The 经营范围 evidence weights — 国标行业 (`code_weight`), the scope items' GB/T 小类 (`scope_code_weight`) and
the main items' factor (`scope_main_factor`) — chosen on training folds, measured on held-out ones, per chain.

The pooled development sets and folds of benchmarks/train_model.py (5 folds grouped by name stem across the
three sets, seed 0). For every fold the weights (GRID) are chosen on the fold's training rows of the 经营范围
set (the knowledge engine's mean AP there; the other sets carry no 经营范围 or industry code), then the
held-out fold is scored twice: by the knowledge engine alone and by the combined engine, whose learned model
train_model.fit_model fits on the training rows with the knowledge features of the chosen weights. "before"
is the same run with the shipped code_weight and scope_code_weight 0 (no 经营范围 小类 evidence: the engine
before this evidence existed). Per chain: the 经营范围 set's AP on each held-out fold, mean over the folds
that hold a positive of the chain.

    python benchmarks/scope_codes.py                 # grid below, 5 folds
    python benchmarks/scope_codes.py --no-model      # knowledge engine only (quicker)
"""

from __future__ import annotations

import argparse
import itertools
import sys
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evalsets as q  # noqa: E402
import train_model as tm  # noqa: E402

import matcher  # noqa: E402
from matcher.engine.learned import knowledge_features  # noqa: E402
from matcher.engine.match import SegmentMatcher  # noqa: E402

# the settings chosen per fold, and the values tried (the shipped default is tried first: it wins a tie)
GRID = {
    "code_weight": (0.6, 0.9, 1.2),
    "scope_code_weight": (0.0, 0.2, 0.4, 0.6, 0.8),
}  # scope_main_factor (main items × 1.6) tried too: per-fold choice of it lowered the held-out AP (overfit)
CHAINS = tm.CHAINS


def knowledge(pool: tm.Pool, settings) -> dict:
    """The knowledge features (train_model's) of every pool row under `settings` (model off)."""
    m = SegmentMatcher(settings=settings.replace(model_weight=0.0), model=None).fit(matcher.load_chains())
    result = m.match(pool.frame)
    return knowledge_features(m, pool.frame, result, result.relevance)


def scope_rows(pool: tm.Pool, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions in `rows` of the 经营范围 set's rows, their row numbers in that set)."""
    a, b = pool.offsets["scope"]
    sel = (rows >= a) & (rows < b)
    return np.flatnonzero(sel), rows[sel] - a


def scope_ap(pool: tm.Pool, relevance: np.ndarray, rows: np.ndarray) -> float:
    at, set_rows = scope_rows(pool, rows)
    table = pd.DataFrame(relevance[rows[at]], columns=CHAINS)
    _, summary = q.metrics("scope", table, pool.labels["scope"].iloc[set_rows], matcher.DEFAULTS.min_relevance)
    return summary["mean_AP"]


def run(pool, folds, variants: dict, choose: bool, model: bool) -> dict:
    """Per set: fold summaries (knowledge, combined) and the weights chosen per fold."""
    out = {"summ": {k: {"knowledge": [], "combined": []} for k in q.SETS}, "chosen": []}
    for tr, te in folds:
        pair = (
            max(variants, key=lambda p: scope_ap(pool, variants[p]["relevance"], tr))
            if choose
            else next(iter(variants))
        )
        out["chosen"].append(pair)
        feats = variants[pair]
        fold_pool = tm.Pool(**{**pool.__dict__, "feats": feats, "relevance": feats["relevance"]})
        engines = {"knowledge": feats["relevance"][te]}
        if model:
            fitted = tm.fit_model(fold_pool, tr)
            engines["combined"] = tm.combined_relevance(fold_pool, fitted, te, matcher.DEFAULTS.model_weight)
        for engine, rel in engines.items():
            for key, (a0, b0) in pool.offsets.items():
                sel = (te >= a0) & (te < b0)
                table = pd.DataFrame(rel[sel], columns=CHAINS)
                labels = pool.labels[key].iloc[te[sel] - a0]
                ptable, summary = q.metrics(key, table, labels, matcher.DEFAULTS.min_relevance)
                summary["per_chain"] = ptable["AP"]
                out["summ"][key][engine].append(summary)
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=tm.SEED)
    ap.add_argument("--no-model", action="store_true", help="knowledge engine only")
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)
    pool = tm.load_pool()
    folds = tm.pool_folds(pool, args.folds, args.seed)
    d = matcher.DEFAULTS
    names = list(GRID)
    before = {tuple(getattr(d, k) if k != "scope_code_weight" else 0.0 for k in names): None}
    before = {p: knowledge(pool, d.replace(**dict(zip(names, p)))) for p in before}
    default = tuple(getattr(d, k) for k in names)
    pairs = sorted(itertools.product(*GRID.values()), key=lambda p: p != default)
    grid = {p: knowledge(pool, d.replace(**dict(zip(names, p)))) for p in pairs}
    whole = max(grid, key=lambda p: scope_ap(pool, grid[p]["relevance"], np.arange(len(pool.frame))))
    runs = {
        "before": run(pool, folds, before, False, not args.no_model),
        "after": run(pool, folds, grid, True, not args.no_model),
    }
    print(f"held-out: {args.folds} folds grouped by name stem across the three sets (seed {args.seed})")
    print(f"before: ({', '.join(names)}) = {next(iter(before))}: no 经营范围 小类 evidence")
    print(f"after: ({', '.join(names)}) chosen per fold on its training rows: {runs['after']['chosen']}")
    print(f"chosen on all rows of the 经营范围 set (for the shipped defaults): {whole}")
    engines = ("knowledge",) if args.no_model else ("knowledge", "combined")
    for key, spec in q.SETS.items():
        for engine in engines:
            for label in runs:
                t = pd.DataFrame(
                    [{k: v for k, v in s.items() if k != "per_chain"} for s in runs[label]["summ"][key][engine]]
                )
                parts = [f"{m} {t[m].mean():.3f} ± {t[m].std():.3f}" for m in spec.targets]
                if key != "intro":
                    parts.append(f"mean_AP_filed {t['mean_AP_filed'].mean():.3f} ± {t['mean_AP_filed'].std():.3f}")
                print(f"  {key:<6} {engine:<10} {label:<7} " + "   ".join(parts))
    labels = pool.labels["scope"]
    print("\n经营范围 set, per chain: AP on the held-out folds, mean over the folds that hold a positive")
    rows = []
    for cid in CHAINS:
        row = {"chain": cid, "pos": int((labels[cid] == "pos").sum())}
        for engine in engines:
            for label in runs:
                folds_ap = pd.concat([s["per_chain"] for s in runs[label]["summ"]["scope"][engine]], axis=1)
                row[f"{engine} {label}"] = folds_ap.loc[cid].mean()
        rows.append(row)
    table = pd.DataFrame(rows).set_index("chain")
    table = table.astype(float)
    table.loc["mean"] = table.mean()
    pd.set_option("display.width", 200)
    print(table.round(3).to_string())
    return 0


if __name__ == "__main__":
    sys.exit(main())
