"""The engine on the written companies that no training saw (benchmarks/training/held_out_companies.csv.gz):
per batch, the positives filed in their chain, the look-alikes left unfiled and the mean AP over the chains
(a company is positive for its label and its secondary chain), beside the knowledge alone.

Batches written like the training rows (benchmarks/training/README.md) but kept out of training: every
row whose name stem is a development set company's stem is dropped (the model trains on those sets), and so
is every company that is also in the training file or an earlier batch. Figures only; nothing here asserts a quality.

    python benchmarks/written_check.py
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

import matcher
from matcher.engine.learned import reaches
from matcher.engine.match import SegmentMatcher

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_model import WRITTEN, average_precision, read_written  # noqa: E402

HELD_OUT = Path(__file__).resolve().parent / "training" / "held_out_companies.csv.gz"
CHAINS = list(matcher.CHAIN_IDS)


def chain_relevance(table: pd.DataFrame, settings) -> pd.DataFrame:
    """rows × chains: the engine's chain relevance of the rows of `table`, read as an export."""
    companies = read_written(table)
    m = SegmentMatcher(settings=settings).fit(matcher.load_chains())
    return m.chain_relevance(m.match(companies))[CHAINS]


def figures(table: pd.DataFrame, rel: pd.DataFrame, threshold: float) -> dict:
    """Positives filed in their chain, look-alikes left unfiled, mean AP over the chains."""
    label, secondary = table["label"].to_numpy(), table["secondary"].to_numpy()
    filed = reaches(rel.to_numpy(), threshold)
    chains = np.array(CHAINS)
    hit = np.array([bool({label[i], secondary[i]} & set(chains[filed[i]])) for i in range(len(table))])
    none = label == "none"
    aps = [
        average_precision((label == c) | (secondary == c), rel[c].to_numpy())
        for c in CHAINS
        if ((label == c) | (secondary == c)).any()
    ]
    return {
        "rows": len(table),
        "positives": f"{int(hit[~none].sum())}/{int((~none).sum())}",
        "look-alikes kept": f"{int((~filed[none].any(axis=1)).sum())}/{int(none.sum())}",
        "mean AP": round(float(np.mean(aps)), 3),
    }


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", type=Path, default=HELD_OUT)
    args = ap.parse_args(argv)
    table = pd.read_csv(args.file, dtype=str, keep_default_na=False)
    trained = set(pd.read_csv(WRITTEN, dtype=str, keep_default_na=False)["企业名称"])
    if shared := sorted(set(table["企业名称"]) & trained):
        print(f"{args.file.name}: {len(shared)} companies are also training rows ({shared[0]} …)", file=sys.stderr)
        return 2
    engines = {"knowledge": matcher.DEFAULTS.replace(model_weight=0.0), "shipped": matcher.DEFAULTS}
    rel = {name: chain_relevance(table, settings) for name, settings in engines.items()}
    rows = []
    for batch, part in [*table.groupby("batch", sort=False), ("all", table)]:
        at = part.index.to_numpy()
        for name in engines:
            rows.append(
                {"batch": batch, "engine": name, **figures(part, rel[name].iloc[at], matcher.DEFAULTS.min_relevance)}
            )
    print(pd.DataFrame(rows).to_string(index=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
