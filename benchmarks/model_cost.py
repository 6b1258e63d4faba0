"""What the learned chain model costs a run: CLI start and a 100,000-row run, with and without it.

"With" is the default (the artefact data/model/chain_model.npz is read when scoring starts and joined to
the relevance); "without" is `--model-weight 0`, which neither reads the artefact nor computes a thing of
the model. Each pair runs alternately, as separate processes, `--repeat` times; medians and the median of
the pairwise differences / ratios are printed. Figures only; nothing here asserts a timing.

    python benchmarks/model_cost.py                  # matcher --help and matcher score on the sample
    python benchmarks/model_cost.py --rows 100000    # + a whole 100,000-row run (list made by speed.py)

Besides wall time of whole processes it prints the CPU time of matching in one process (`match CPU`),
which a machine shared with other work disturbs far less.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

MATCHER = [sys.executable, "-m", "matcher.cli"]
OFF = ["--model-weight", "0"]


def timed(cmd: list[str]) -> float:
    t = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - t


def pair(label: str, with_model: list[str], without: list[str], repeat: int) -> None:
    a, b = [], []
    for _ in range(repeat):  # alternating, so a drift in machine load hits both alike
        a.append(timed(with_model))
        b.append(timed(without))
    diff = statistics.median(x - y for x, y in zip(a, b))
    ratio = statistics.median(x / y for x, y in zip(a, b))
    print(
        f"{label:<34} with {statistics.median(a):6.2f} s   without {statistics.median(b):6.2f} s   "
        f"difference {diff:+.2f} s   ratio {ratio:.2f}   (medians of {repeat})"
    )


def match_cpu(path: Path, repeat: int) -> None:
    """CPU seconds (this process) of matching a list with and without the model, alternately: a figure a
    loaded machine disturbs far less than wall time."""
    import matcher
    from matcher.learn import model as model_module

    companies = matcher.read_companies([path]).companies
    chains = matcher.load_chains()

    def run(weight: float) -> float:
        t = time.process_time()
        model_module._cached.cache_clear()  # the artefact is read again, as a new run reads it
        matcher.SegmentMatcher(settings=matcher.DEFAULTS.replace(model_weight=weight)).fit(chains).match(companies)
        return time.process_time() - t

    a, b = [], []
    for _ in range(repeat):
        a.append(run(matcher.DEFAULTS.model_weight))
        b.append(run(0.0))
    print(
        f"{'match CPU, ' + format(len(companies), ',') + ' rows':<34} with {statistics.median(a):6.2f} s   "
        f"without {statistics.median(b):6.2f} s   difference {statistics.median(x - y for x, y in zip(a, b)):+.2f} s   "
        f"ratio {statistics.median(x / y for x, y in zip(a, b)):.2f}   (one process, medians of {repeat})"
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--rows", type=int, default=0, help="also time a whole run on a generated list of this many rows")
    args = ap.parse_args(argv)
    import matcher

    with tempfile.TemporaryDirectory() as tmp:
        out = str(Path(tmp) / "out.parquet")
        pair("matcher --help", [*MATCHER, "--help"], [*MATCHER, "--help"], args.repeat)
        sample = [*MATCHER, "score", str(matcher.SAMPLE_FILE), "-o", out, "--quiet"]
        pair("matcher score <sample>", sample, [*sample, *OFF], args.repeat)
        match_cpu(Path(matcher.SAMPLE_FILE), args.repeat)
        if args.rows:
            from speed import ensure_list

            path = ensure_list(args.rows)
            run = [*MATCHER, "score", str(path), "-o", out, "--quiet"]
            pair(f"matcher score <{args.rows:,} rows>", run, [*run, *OFF], max(1, args.repeat // 2))
            match_cpu(path, max(1, args.repeat // 2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
