"""Speed of the merge pass (reject + merge duplicates, 曾用名 and branch roll-up) on generated names.

Generates a list in the 企查查 export layout with `data/samples/make_sample.py` (3 % duplicates, 4 %
branches, former names), normalises it once, then times `reject_rows` + `merge_duplicates` alone on
half the rows and on all of them and prints rows/s for both. Every match is an exact key lookup, so
the rate should hold as the list doubles (a pairwise comparison would halve it). Figures only.

    python benchmarks/merge_speed.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "data" / "samples"))
sys.path.insert(0, str(ROOT))


def canonical(rows: int):
    from make_sample import COLUMNS, generate

    from matcher.ingest.normalize import normalize_table
    from matcher.ingest.read import RawTable, map_columns

    t = time.perf_counter()
    df = generate(rows)
    frame = df[COLUMNS].reset_index(drop=True)
    table = RawTable("bench.xlsx", "企业列表", 2, frame, map_columns(list(frame.columns)), df["_source_row"].tolist())
    companies = normalize_table(table)
    print(f"generated and normalised {rows:,} rows in {time.perf_counter() - t:.1f}s")
    return companies


def time_merge(companies, repeat: int) -> tuple[float, dict]:
    from matcher.contract import FACT_COLUMNS
    from matcher.ingest.dedupe import merge_duplicates, reject_rows

    times, counts = [], {}
    for _ in range(repeat):
        t = time.perf_counter()
        usable, rejected = reject_rows(companies)
        merged, log = merge_duplicates(usable, FACT_COLUMNS)
        times.append(time.perf_counter() - t)
        counts = {
            "rows": len(companies),
            "companies": len(merged),
            "merged": len(log),
            "rejected": len(rejected),
            "flagged branches": int(merged["is_branch"].sum()),
        }
        counts["by rule"] = log["match_key"].value_counts().to_dict()
    return statistics.median(times), counts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="ChainMatch merge-pass speed")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    companies = canonical(args.rows)
    half = companies.iloc[: args.rows // 2].reset_index(drop=True)
    rates = []
    for label, frame in (("half", half), ("all", companies)):
        seconds, counts = time_merge(frame, args.repeat)
        rates.append(len(frame) / seconds)
        print(f"merge pass, {label:4} {len(frame):>8,} rows  {seconds:6.3f} s  {rates[-1]:>10,.0f} rows/s   {counts}")
    print(
        f"rate at {args.rows:,} rows / rate at {args.rows // 2:,} rows: {rates[1] / rates[0]:.2f} "
        "(about 1 when linear, about 0.5 when quadratic)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
