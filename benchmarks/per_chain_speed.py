"""What filing every chain a company serves costs: the scorer's component table with each company's best
row only, with the rows of the other chains it is filed in (what every run keeps for the per-chain
outputs), and with the near misses too (`--per-chain`), on a generated 100,000-row list (the one
benchmarks/speed.py makes), in one process, side by side in one run; then `chain_view` on the scored
result. Prints medians of --repeat runs, row counts and the tables' memory. Figures only; nothing here
asserts a timing.

    python benchmarks/per_chain_speed.py [--rows 100000] [--repeat 3]
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
from matcher.contract import FACT_COLUMNS  # noqa: E402
from matcher.ingest.dedupe import merge_duplicates, reject_rows  # noqa: E402
from matcher.pipeline import read_companies, score_frame  # noqa: E402


def mib(frame) -> float:
    return frame.memory_usage(deep=True).sum() / 2**20


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="ChainMatch per-chain filing cost")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    from speed import ensure_list

    path = ensure_list(args.rows)
    read = read_companies([path])
    usable, _ = reject_rows(read.companies)
    merged, _ = merge_duplicates(usable, FACT_COLUMNS)
    merged = merged.reset_index(drop=True)
    chains = matcher.load_chains()
    scorer = matcher.Scorer().fit(chains, matcher.load_zone(chains=chains))
    match = scorer.matcher_.match(merged)
    kinds = {
        "best row per company": {},
        "+ other filed chains": {"per_chain": True},
        "+ near misses (--per-chain)": {"per_chain": True, "near_misses": True},
    }
    times = {k: [] for k in kinds}
    tables = {}
    for _ in range(args.repeat):  # alternating, so a drift in machine speed hits all alike
        for name, kw in kinds.items():
            t = time.perf_counter()
            tables[name] = scorer.components(merged, match, **kw)
            times[name].append(time.perf_counter() - t)
    base = statistics.median(times["best row per company"])
    print(f"{len(merged):,} companies; component table from one match, median of {args.repeat} (one process):")
    for name in kinds:
        t, table = statistics.median(times[name]), tables[name]
        print(f"  {name:30s} {t:6.2f} s  ({t / base:4.2f} x)  {len(table):>9,} rows  {mib(table):7.0f} MiB")
    result = score_frame(read, chains, per_chain=True)
    t = time.perf_counter()
    view = matcher.chain_view(result)
    t_view = time.perf_counter() - t
    t = time.perf_counter()
    every = matcher.chain_view(result, filed_only=False)
    t_every = time.perf_counter() - t
    print(f"ranked table (one row per company)  {len(result.ranked):>9,} rows  {mib(result.ranked):7.0f} MiB")
    print(
        f"chain_view (filed)                  {len(view.ranked):>9,} rows  {mib(view.ranked):7.0f} MiB  {t_view:.2f} s"
    )
    print(
        f"chain_view (with near misses)       {len(every.ranked):>9,} rows  {mib(every.ranked):7.0f} MiB  {t_every:.2f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
