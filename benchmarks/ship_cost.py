"""Where the two `ship_cost` constants come from: the share of a worker's chunk that sending its result
back costs, which decides how much larger a chunk this process keeps for itself (matcher.engine.jobs).

For each candidate value this times, interleaved and as medians over --repeat rounds, the stage the
constant belongs to on a generated 企查查 list (benchmarks/speed.py makes it) in every core:

- `normalise`  — `matcher.pipeline.SHIP_COST_CANONICAL`, read + normalise (canonical and original columns
  come back from each worker);
- `components` — `matcher.engine.score.SHIP_COST_COMPONENTS`, match + components (the component table,
  mostly reason text, comes back).

The fastest median is the value to keep. Figures only; nothing here asserts a timing.

    python benchmarks/ship_cost.py [--rows 100000] [--repeat 5] [--values 0,0.1,0.2,0.5,1.0]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

import matcher  # noqa: E402
from matcher import pipeline  # noqa: E402
from matcher.engine import score  # noqa: E402


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="ChainMatch worker ship-cost calibration")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--values", default="0,0.1,0.2,0.5,1.0")
    args = ap.parse_args(argv)
    values = [float(v) for v in args.values.split(",")]

    from speed import ensure_list

    path = ensure_list(args.rows)
    jobs = matcher.DEFAULT_JOBS
    read = pipeline.read_companies([path], n_jobs=jobs)
    companies = read.companies
    chains = matcher.load_chains()
    scorer = matcher.Scorer(n_jobs=jobs).fit(chains, matcher.load_zone(chains=chains))

    def normalise(v):
        pipeline.SHIP_COST_CANONICAL = v
        pipeline.read_companies([path], n_jobs=jobs)

    def components(v):
        score.SHIP_COST_COMPONENTS = v
        scorer.components(companies)

    shipped = pipeline.SHIP_COST_CANONICAL, score.SHIP_COST_COMPONENTS
    print(f"list: {path.name}, {len(companies):,} rows; {jobs or 'all'} cores; medians of {args.repeat}")
    for name, stage, default in (
        ("normalise", normalise, pipeline.SHIP_COST_CANONICAL),
        ("components", components, score.SHIP_COST_COMPONENTS),
    ):
        times = {v: [] for v in values}
        for _ in range(args.repeat):  # interleaved, so a drift in machine speed hits every value alike
            for v in values:
                t = time.perf_counter()
                stage(v)
                times[v].append(time.perf_counter() - t)
        best = min(values, key=lambda v: statistics.median(times[v]))
        print(f"\n{name} (shipped value {default:g}):")
        for v in values:
            ts = times[v]
            mark = "  <- fastest median" if v == best else ""
            print(
                f"  ship_cost {v:4g}   median {statistics.median(ts):6.2f} s   "
                f"(min {min(ts):.2f}, max {max(ts):.2f}){mark}"
            )
        pipeline.SHIP_COST_CANONICAL, score.SHIP_COST_COMPONENTS = shipped
    return 0


if __name__ == "__main__":
    sys.exit(main())
