"""Speed of a whole batch run on a generated 100,000-row list in the 企查查 export layout.

Prints rows/second for read (+ normalise), score (merge, match, components, reasons) and write, and
compares a whole `matcher score LIST.xlsx -o OUT.parquet` process with a bare
`pandas.read_excel(LIST.xlsx, engine="calamine")` process on the same file in the same run: the
wall-time ratio (target ≤ 1.5) and the peak-memory ratio (target ≤ 2). Each process is run
--repeat times and the medians are compared; the timed runs are not watched (memory summed over
worker processes comes from one extra polled run, since polling /proc slows the process it
watches). Figures only; nothing here asserts a timing.

    python benchmarks/speed.py [--rows 100000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work"
sys.path.insert(0, str(ROOT / "data" / "samples"))

MEASURE = r"""
import os, resource, subprocess, sys, time

def tree_rss_kb(root):
    # proportional set size of a process and all its descendants, summed: a page shared after a
    # fork counts half in each process, so the sum is the memory the run really holds
    kids, total = {}, 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(f"/proc/{pid}/stat") as fh:
                kids.setdefault(int(fh.read().rsplit(")", 1)[1].split()[1]), []).append(int(pid))
        except OSError:
            pass
    todo = [root]
    while todo:
        pid = todo.pop()
        todo += kids.get(pid, [])
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                total += next(int(l.split()[1]) for l in fh if l.startswith("Pss:"))
        except (OSError, StopIteration):
            pass
    return total

poll = sys.argv[1] == "poll"
t = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL)
peak_sum = 0
while poll and proc.poll() is None:
    peak_sum = max(peak_sum, tree_rss_kb(proc.pid))
    time.sleep(0.05)
proc.wait()
wall = time.perf_counter() - t
print(wall, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, peak_sum, proc.returncode)
"""


def measure(cmd: list[str], poll: bool = False) -> tuple[float, float, float]:
    """(wall seconds, peak RSS MiB of the largest single process, peak proportional set size MiB
    summed over the process and its workers) of a command run as its own process. The summed
    figure needs `poll`: /proc is sampled every 50 ms, which costs the machine CPU time (reading a
    large process's smaps takes ~10 ms and holds its memory map lock), so polled runs are never the
    timed ones."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, "poll" if poll else "time", *cmd], capture_output=True, text=True, check=True
    )
    wall, rss_kb, sum_kb, rc = out.stdout.split()
    if rc != "0":
        raise SystemExit(f"command failed ({rc}): {' '.join(cmd)}")
    return float(wall), float(rss_kb) / 1024, float(sum_kb) / 1024


def ensure_list(rows: int) -> Path:
    WORK.mkdir(parents=True, exist_ok=True)
    path = WORK / f"qcc_{rows}.xlsx"
    if not path.exists():
        from make_sample import generate, write_qcc_xlsx

        t = time.perf_counter()
        write_qcc_xlsx(generate(rows), path)
        print(f"generated {path.name} in {time.perf_counter() - t:.1f}s")
    return path


def stages(path: Path, repeat: int) -> None:
    import matcher
    from matcher.contract import FACT_COLUMNS
    from matcher.engine.jobs import effective_jobs
    from matcher.ingest.dedupe import merge_duplicates, reject_rows
    from matcher.pipeline import read_companies, score_frame

    jobs = matcher.DEFAULT_JOBS
    t0 = time.perf_counter()
    read = read_companies([path], n_jobs=jobs)
    t1 = time.perf_counter()
    # the score stage split, as a run meets it right after reading: reject + merge, then match +
    # components (the scoring step proper) with a fitted scorer, in one process and in every core
    usable, _ = reject_rows(read.companies)
    merged, _ = merge_duplicates(usable, FACT_COLUMNS)
    merged = merged.reset_index(drop=True)
    t_merge = time.perf_counter() - t1
    chains = matcher.load_chains()
    zone = matcher.load_zone(chains=chains)
    step = {}
    for n_jobs in (1, jobs):
        scorer = matcher.Scorer(n_jobs=n_jobs).fit(chains, zone)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            scorer.components(merged)
            times.append(time.perf_counter() - t)
        step[n_jobs] = statistics.median(times)
    del usable, merged, scorer
    t1b = time.perf_counter()
    result = score_frame(read, n_jobs=jobs)
    t2 = time.perf_counter()
    out = WORK / "stage_out.parquet"
    matcher.write_output(result, out)
    t3 = time.perf_counter()
    n = result.counts["read"]
    xl = WORK / "stage_out.xlsx"
    matcher.write_output(result, xl)
    t4 = time.perf_counter()
    m = result.counts["scored"]
    procs = effective_jobs(jobs, m)
    print(
        f"rows: {n:,} read, {m:,} scored, {result.counts['merged']:,} merged, "
        f"{result.counts['rejected']:,} rejected; {procs} process(es) on {os.cpu_count()} cores"
    )
    print(f"read + normalise   {t1 - t0:7.2f} s   {n / (t1 - t0):>10,.0f} rows/s")
    print(f"score (all)        {t2 - t1b:7.2f} s   {m / (t2 - t1b):>10,.0f} companies/s")
    print(f"  reject + merge   {t_merge:7.2f} s   {n / t_merge:>10,.0f} rows/s")
    print(
        f"  match + score    {step[jobs]:7.2f} s   {m / step[jobs]:>10,.0f} companies/s   target >= 50,000"
        f"   ({procs} process(es), median of {repeat})"
    )
    print(f"    one process    {step[1]:7.2f} s   {m / step[1]:>10,.0f} companies/s")
    print(f"write parquet      {t3 - t2:7.2f} s   {n / (t3 - t2):>10,.0f} rows/s")
    print(f"write workbook     {t4 - t3:7.2f} s   {n / (t4 - t3):>10,.0f} rows/s")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="ChainMatch speed benchmark")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    path = ensure_list(args.rows)
    print(f"list: {path.name} ({path.stat().st_size / 1e6:.1f} MB)\n")
    stages(path, args.repeat)
    bare = [sys.executable, "-c", f"import pandas as pd; pd.read_excel({str(path)!r}, engine='calamine')"]
    whole = [
        str(Path(sys.executable).with_name("matcher")),
        "score",
        str(path),
        "-o",
        str(WORK / "whole.parquet"),
        "--quiet",
    ]
    b, w = [], []
    for _ in range(args.repeat):  # alternating, so a drift in machine speed hits both alike
        b.append(measure(bare))
        w.append(measure(whole))
    summed = measure(whole, poll=True)[2]  # memory of all processes: one extra, untimed run
    med = lambda runs, i: statistics.median(x[i] for x in runs)  # noqa: E731
    ratios = [x[0] / y[0] for x, y in zip(w, b)]
    print(f"\nwhole process, median of {args.repeat} (pairs run alternately):")
    print(f"bare pandas.read_excel(calamine)  {med(b, 0):6.2f} s  peak {med(b, 1):7.0f} MiB")
    print(
        f"matcher score -o .parquet         {med(w, 0):6.2f} s  peak {med(w, 1):7.0f} MiB (largest process), "
        f"{summed:7.0f} MiB (all processes, proportional set size, one polled run)"
    )
    print(
        f"time ratio   {statistics.median(ratios):5.2f}   (pairwise: {', '.join(f'{r:.2f}' for r in ratios)})"
        f"   target <= 1.5"
    )
    print(
        f"memory ratio {med(w, 1) / med(b, 1):5.2f}   largest process; {summed / med(b, 1):.2f} all processes"
        f"   target <= 2.0"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
