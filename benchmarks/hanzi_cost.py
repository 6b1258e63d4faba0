"""What reading traditional characters as simplified (matcher.knowledge.hanzi) costs the scoring step.

The scoring step (match + components, one process) on the generated 100,000-row list of benchmarks/speed.py,
run alternately with the shipped reading and with an empty table (nothing scanned, nothing read), `--repeat`
times each; prints both medians and their ratio. On a mainland list the reading is one scan per text column;
`--traditional` first writes every 简介 and 经营范围 in traditional characters (the dearer case: every text
is converted). Figures only; nothing here asserts a timing.

    python benchmarks/hanzi_cost.py [--repeat 5] [--traditional]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--traditional", action="store_true", help="convert the texts to traditional first")
    args = ap.parse_args(argv)
    path = WORK / "qcc_100000.xlsx"
    if not path.exists():
        print(f"{path} not found: run benchmarks/speed.py once to make it", file=sys.stderr)
        return 2

    import matcher
    from matcher.contract import FACT_COLUMNS
    from matcher.ingest.dedupe import merge_duplicates, reject_rows
    from matcher.knowledge.hanzi import Simplifier, traditional_table
    from matcher.pipeline import read_companies

    read = read_companies([path], n_jobs=1)
    usable, _ = reject_rows(read.companies)
    frame, _ = merge_duplicates(usable, FACT_COLUMNS)
    frame = frame.reset_index(drop=True)
    if args.traditional:  # simplified -> traditional by the table read backwards (one form per character)
        back = {ord(s): chr(t) for t, s in traditional_table().items()}
        for column in ("intro", "scope"):
            if column in frame:
                frame[column] = frame[column].map(lambda v: v.translate(back) if isinstance(v, str) else v)
    chains = matcher.load_chains()
    zone = matcher.load_zone(chains=chains)
    times: dict[str, list[float]] = {"reading": [], "no reading": []}
    for _ in range(args.repeat):
        for mode in times:
            scorer = matcher.Scorer(n_jobs=1).fit(chains, zone)
            if mode == "no reading":
                scorer.matcher_.simplifier_ = Simplifier({})
            t = time.perf_counter()
            scorer.components(frame)
            times[mode].append(time.perf_counter() - t)
    on, off = statistics.median(times["reading"]), statistics.median(times["no reading"])
    kind = "traditional" if args.traditional else "mainland"
    print(f"{len(frame):,} companies ({kind} texts), scoring step in one process, median of {args.repeat}:")
    print(f"  with the reading    {on:6.2f} s")
    print(f"  without             {off:6.2f} s")
    print(f"  ratio               {on / off:6.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
