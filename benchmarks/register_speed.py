"""Register-sized runs: rows per second per core and peak memory, streamed on one machine and on a
2-worker Dask LocalCluster, for generated registers of 1, 5 and 10 million rows.

    python benchmarks/register_speed.py 1 5 10          # the sizes to run, in millions (default: 1)
    python benchmarks/register_speed.py 1 --no-dask     # streaming only
    python benchmarks/register_speed.py 10 --no-dask --dask-only   # (each flag leaves a mode out)
    python benchmarks/register_speed.py 1 5 10 --report  # no runs: the summary of the runs saved so far
    PYTHONMALLOC=malloc python benchmarks/register_speed.py 1 --tag malloc   # saved apart, as stream-malloc …

Each size's register is generated once (benchmarks/make_register.py, 100,000 rows a shard) and cached
under benchmarks/_work/. Every run is `matcher score REGISTER -o OUT.parquet --jobs 1` in a fresh
process (with `--cluster local:2` for Dask). Printed per run: wall seconds, CPU seconds of the whole
process tree (the run and every process it started), rows per CPU second (= rows per second per
core, whatever else the machine is doing), and the peak resident memory of the process tree (sum of
RSS over the run's processes, sampled every 0.2 s). Then: peak memory from the smallest to the
largest size (flat means within 10 %), and Dask against streaming as CPU-time and wall-time ratios
for each size. Every run's figures are saved (benchmarks/_work/register_speed/), so the summary
covers the runs of several invocations (run at once to share a loaded machine); each line says when
its run ended and the load average then.

A streamed run restarts its own process every million rows and resumes from its manifest
(`matcher.stream.local.RestartRun`), which keeps its peak flat. Each run records Python's allocator
(PYTHONMALLOC, pymalloc unless set); `--tag NAME` saves runs apart (mode `stream-NAME`,
`dask-NAME`), e.g. to compare allocators.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
WORK = ROOT / "benchmarks" / "_work"
SAVED = WORK / "register_speed"
PY = sys.executable
ROWS_PER_SHARD = 100_000


def register(millions: float) -> Path:
    folder = WORK / f"register-{millions:g}m"
    done = folder / "_complete"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        shards = max(1, int(millions * 1_000_000) // ROWS_PER_SHARD)
        subprocess.run(
            [PY, str(ROOT / "benchmarks" / "make_register.py"), f"{millions:g}", str(folder), "--shards", str(shards)],
            check=True,
            cwd=ROOT,
        )
        done.write_text("ok")
    return folder


def _tree_rss(proc: psutil.Process) -> int:
    total = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for p in procs:
        try:
            total += p.memory_info().rss
        except psutil.NoSuchProcess:
            pass
    return total


def _phase(out: Path) -> str:
    """Which pass a register run is in, from its manifest."""
    try:
        state = json.loads((out / "_manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "start"
    done = state.get("done", {})
    if "groups" not in done:
        return "resolve" if len(done.get("shards", {})) == len(state.get("shards", [None])) else "read"
    if "buckets" in done or "merge" in done:
        return "merge"
    return "score"


def measure(cmd: list[str], out_folder: Path | None = None) -> dict:
    """Wall time, CPU time of the process tree and its peak summed RSS for one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    ps = psutil.Process(proc.pid)
    peak = 0
    phases: dict[str, int] = {}
    while proc.poll() is None:
        rss = _tree_rss(ps)
        peak = max(peak, rss)
        phase = _phase(out_folder) if out_folder else "run"
        phases[phase] = max(phases.get(phase, 0), rss)
        time.sleep(0.2)
    out, err = proc.communicate()
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if proc.returncode != 0:
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(cmd)}\n{err[-2000:]}")
    counts = out.splitlines()[0]
    return {
        "wall": wall,
        "cpu": cpu,
        "peak_mb": peak / 2**20,
        "phase_peak_mb": {k: round(v / 2**20) for k, v in phases.items()},
        "counts": counts,
    }


def run(millions: float, mode: str, tag: str = "") -> dict:
    """One run of `mode` ('stream' or 'dask') over the register of that size."""
    folder = register(millions)
    rows = int(millions * 1_000_000)
    out = WORK / f"out-{millions:g}m-{mode}{tag}.parquet"
    shutil.rmtree(out, ignore_errors=True)
    for side in (".rejected.csv", ".merges.csv"):
        out.with_suffix(side).unlink(missing_ok=True)
    cmd = [PY, "-m", "matcher.cli", "score", str(folder), "-o", str(out), "--jobs", "1", "--quiet"]
    if mode == "dask":
        cmd += ["--cluster", "local:2"]
    r = measure(cmd, out)
    r["rows_per_cpu_s"] = rows / r["cpu"]
    r["rows_per_s"] = rows / r["wall"]
    r["load"] = psutil.getloadavg()[0]
    r["ended"] = time.strftime("%H:%M:%S")
    r["allocator"] = os.environ.get("PYTHONMALLOC") or "pymalloc"
    _line(millions, mode + tag, r)
    return r


def _line(millions: float, mode: str, r: dict) -> None:
    print(
        f"{millions:g}M {mode:6s}: wall {r['wall']:8.1f} s  cpu {r['cpu']:8.1f} s  "
        f"{r['rows_per_cpu_s']:8.0f} rows/s/core  {r['rows_per_s']:8.0f} rows/s wall  "
        f"peak RSS {r['peak_mb']:7.0f} MB {r['phase_peak_mb']}  [{r['counts']}]  "
        f"ended {r.get('ended', '?')}, load {r.get('load', 0):.1f}, allocator {r.get('allocator', 'pymalloc')}",
        flush=True,
    )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("millions", nargs="*", type=float, default=[1.0])
    ap.add_argument("--no-dask", action="store_true", help="leave out the Dask runs")
    ap.add_argument("--dask-only", action="store_true", help="leave out the streamed runs")
    ap.add_argument("--report", action="store_true", help="run nothing: summarise the saved runs")
    ap.add_argument("--tag", default="", help="save these runs apart, as mode stream-TAG / dask-TAG")
    args = ap.parse_args(argv)
    SAVED.mkdir(parents=True, exist_ok=True)
    print(f"cores: {psutil.cpu_count()}, load average now: {psutil.getloadavg()[0]:.1f}", flush=True)
    modes = [m for m in ("stream", "dask") if not (m == "dask" and args.no_dask or m == "stream" and args.dask_only)]
    # every size streamed first, then on Dask: the streamed outputs (register_resume.py --clean) come
    # early, and a cut-short invocation has printed (and saved) every run it finished
    for mode in [] if args.report else modes:
        for m in args.millions:
            tag = f"-{args.tag}" if args.tag else ""
            (SAVED / f"{m:g}m-{mode}{tag}.json").write_text(json.dumps(run(m, mode, tag), indent=1))
    all_results: dict = {m: {} for m in args.millions}
    tags = sorted({f.stem.split("-", 2)[2] for f in SAVED.glob("*m-*-*.json")})
    modes = [mode + t for mode in ("stream", "dask") for t in ["", *(f"-{t}" for t in tags)]]
    for m in args.millions:
        for mode in modes:
            f = SAVED / f"{m:g}m-{mode}.json"
            if f.exists():
                all_results[m][mode] = json.loads(f.read_text())
    if args.report:
        for m in args.millions:
            for mode, r in all_results[m].items():
                _line(m, mode, r)
    sizes = sorted(all_results)
    for mode in modes:
        have = [m for m in sizes if mode in all_results[m]]
        if len(have) > 1:
            lo, hi = all_results[have[0]][mode]["peak_mb"], all_results[have[-1]][mode]["peak_mb"]
            print(
                f"{mode}: peak RSS {have[0]:g}M {lo:.0f} MB -> {have[-1]:g}M {hi:.0f} MB ({(hi / lo - 1) * 100:+.1f} %)"
            )
    for m in sizes:
        r = all_results[m]
        for d, s in [(d, s) for d in modes if d.startswith("dask") for s in modes if s.startswith("stream")]:
            if d in r and s in r:
                print(
                    f"{m:g}M: {d} (2 workers) / {s}: CPU time x{r[d]['cpu'] / r[s]['cpu']:.2f}, "
                    f"wall time x{r[d]['wall'] / r[s]['wall']:.2f}"
                )
    return 0


if __name__ == "__main__":
    sys.exit(main())
