"""Time to re-rank 100,000 scored companies after a weight change (target < 0.5 s), as the app does it.

The app keeps the component scores of a scored list and, when an officer moves a weight slider, calls
`matcher.rerank(result, settings)`: `rank` on the stored components, then the whole ranked table (every
original column) put in the new order. This prints, as medians over --repeat weight changes:

- `rank` on the components alone,
- `rerank` (components + the full ranked table re-ordered: what a slider move costs in the app),
- `rerank` + a typical filter (one chain, tiers A/B, within 300 km, active only).

The scored list is, by default, the bundled sample scored once and tiled to --rows companies (fast, the
real column shape); --generated scores the generated 100,000-row 企查查 list of benchmarks/speed.py
instead (slower to set up: generating and scoring it takes a minute or two). Figures only; nothing here
asserts a timing.

    python benchmarks/rerank_speed.py [--rows 100000] [--repeat 7] [--generated]
"""

from __future__ import annotations

import argparse
import dataclasses
import statistics
import sys
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import matcher  # noqa: E402

TARGET_S = 0.5


def tiled(rows: int):
    """The sample's ScoreResult repeated to `rows` companies (components and ranked table alike)."""
    result = matcher.score_files([matcher.SAMPLE_FILE])
    n = len(result.ranked)
    reps = -(-rows // n)
    ranked = pd.concat([result.ranked] * reps, ignore_index=True).head(rows)
    comp = pd.concat([result.components] * reps, ignore_index=True).head(rows)
    return dataclasses.replace(result, ranked=ranked, components=comp)


def generated(rows: int):
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from speed import ensure_list

    path = ensure_list(rows)
    t = time.perf_counter()
    result = matcher.score_files([path])
    print(f"scored {path.name} in {time.perf_counter() - t:.1f}s")
    return result


def median_time(fn, repeat: int) -> float:
    times = []
    for i in range(repeat):
        t = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="ChainMatch re-rank speed")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--generated", action="store_true", help="score the generated 企查查 list instead of tiling")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    result = generated(args.rows) if args.generated else tiled(args.rows)
    n = len(result.ranked)
    print(
        f"{n:,} scored companies ({len(result.ranked.columns)} columns in the ranked table), "
        f"set up in {time.perf_counter() - t:.1f}s"
    )
    # alternate between two weightings, as a slider moved back and forth
    weights = [matcher.DEFAULTS.replace(w_fit=0.3, w_strength=0.6), matcher.DEFAULTS.replace(w_fit=0.9, radius_km=300)]
    chain = result.ranked["chain_id"].dropna().iloc[0]

    def rank_only(i):
        matcher.rank(result.components, weights[i % 2])

    def rerank(i):
        matcher.rerank(result, weights[i % 2])

    def rerank_filter(i):
        out = matcher.rerank(result, weights[i % 2])
        matcher.filter_ranked(out.ranked, chain_ids=[chain], tiers=["A", "B"], max_distance_km=300, active_only=True)

    for label, fn in (
        ("rank (components only)", rank_only),
        ("rerank (whole ranked table)", rerank),
        ("rerank + filter", rerank_filter),
    ):
        s = median_time(fn, args.repeat)
        flag = "ok" if s < TARGET_S else "SLOWER THAN TARGET"
        print(f"{label:30s} {s * 1000:8.1f} ms   target < {TARGET_S * 1000:.0f} ms   {flag}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
