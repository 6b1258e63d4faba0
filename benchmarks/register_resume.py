"""Kill a register run halfway, start it again, and compare with an uninterrupted run.

    python benchmarks/register_resume.py 10      # millions of rows (the register is cached, see register_speed.py)
    python benchmarks/register_resume.py 10 --clean benchmarks/_work/out-10m-stream.parquet

Runs `matcher score REGISTER -o OUT.parquet --jobs 1 --quiet` in fresh processes: once killed with
SIGKILL (no clean-up of any kind) when the manifest records half the shards read — or, with
--kill-at-part, half the batches scored —, then the same command again to finish it; and once
uninterrupted — or, with --clean, takes the output of an uninterrupted run of the same command that
register_speed.py made (waiting for it to finish when it is still running, so both can run at once;
its manifest must record the same run: same shards, options and day). Prints both runs' counts, the
files of each output folder, and for every part whether its rows (hashed row by row, in order) are
the same (the same bytes, else equal Arrow tables); the last line says whether everything matches.
Reads one part at a time, so it runs in bounded memory whatever the register's size.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow.parquet as pq

sys.path.insert(0, str(Path(__file__).resolve().parent))
from register_speed import PY, ROOT, WORK, register  # noqa: E402


def _command(folder: Path, out: Path) -> list[str]:
    return [PY, "-m", "matcher.cli", "score", str(folder), "-o", str(out), "--jobs", "1", "--quiet"]


def _fresh(out: Path) -> None:
    shutil.rmtree(out, ignore_errors=True)
    for side in (".rejected.csv", ".merges.csv"):
        out.with_suffix(side).unlink(missing_ok=True)


def _manifest(out: Path) -> dict:
    try:
        return json.loads((out / "_manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _same_rows(a: Path, b: Path) -> bool:
    """The two part files hold the same rows in the same order: the same bytes, else equal Arrow tables."""
    if a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes():
        return True
    return pq.read_table(a).equals(pq.read_table(b))


def _file_digest(path: Path) -> str:
    return hashlib.sha1(path.read_bytes()).hexdigest() if path.exists() else "-"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("millions", type=float, nargs="?", default=1.0)
    ap.add_argument("--kill-at-part", action="store_true", help="kill during scoring instead of during reading")
    ap.add_argument("--clean", type=Path, help="a finished (or running) uninterrupted output to compare with")
    ap.add_argument("--compare-only", action="store_true", help="no runs: compare the finished outputs")
    args = ap.parse_args(argv)
    folder = register(args.millions)
    clean = args.clean or WORK / f"resume-{args.millions:g}m-clean.parquet"
    resumed = WORK / f"resume-{args.millions:g}m-killed.parquet"
    if not args.compare_only:
        _fresh(resumed)
        shards = len([f for f in folder.iterdir() if f.suffix == ".parquet"])
        proc = subprocess.Popen(
            _command(folder, resumed), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        t = time.perf_counter()
        while proc.poll() is None:
            done = _manifest(resumed).get("done", {})
            if args.kill_at_part:
                total = sum(len(v["parts"]) for v in done.get("shards", {}).values())
                if done.get("groups") and len(done.get("parts", {})) >= max(1, total // 2):
                    break
            elif len(done.get("shards", {})) >= max(1, shards // 2):
                break
            time.sleep(0.2)
        if proc.poll() is not None:
            raise SystemExit("the run finished before it could be killed; use a larger register")
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        done = _manifest(resumed).get("done", {})
        print(
            f"killed after {time.perf_counter() - t:.0f} s: {len(done.get('shards', {}))}/{shards} shards read, "
            f"{len(done.get('parts', {}))} batches scored",
            flush=True,
        )
        t = time.perf_counter()
        second = subprocess.run(_command(folder, resumed), cwd=ROOT, capture_output=True, text=True)
        if second.returncode != 0:
            raise SystemExit(f"restart failed: {second.stderr.strip()}")
        print(f"restarted:     {second.stdout.splitlines()[0]} ({time.perf_counter() - t:.0f} s)", flush=True)

    if args.clean is None and not args.compare_only:
        _fresh(clean)
        t = time.perf_counter()
        first = subprocess.run(_command(folder, clean), cwd=ROOT, capture_output=True, text=True, check=True)
        print(f"uninterrupted: {first.stdout.splitlines()[0]} ({time.perf_counter() - t:.0f} s)", flush=True)
    else:
        for out in (clean, resumed):
            if not _manifest(out).get("finished"):
                print(f"waiting for {out} to finish", flush=True)
            while not _manifest(out).get("finished"):  # register_speed.py's run (--clean) or the restart
                time.sleep(10)
        print(f"uninterrupted: {clean} {_manifest(clean).get('counts')}", flush=True)
    a, b = _manifest(clean), _manifest(resumed)
    if a.get("run") != b.get("run"):
        raise SystemExit(f"{clean} is not the same run (shards, options or day differ); drop --clean")
    same_counts = a.get("counts") == b.get("counts")
    files_a = sorted(p.name for p in clean.glob("part-*.parquet"))
    files_b = sorted(p.name for p in resumed.glob("part-*.parquet"))
    same_files = files_a == files_b
    differing = [f for f in files_a if f in files_b and not _same_rows(clean / f, resumed / f)]
    side = all(
        _file_digest(clean.with_suffix(s)) == _file_digest(resumed.with_suffix(s))
        for s in (".rejected.csv", ".merges.csv")
    )
    rows_a = sum(pq.read_metadata(clean / f).num_rows for f in files_a)
    rows_b = sum(pq.read_metadata(resumed / f).num_rows for f in files_b)
    print(f"counts:  uninterrupted {a.get('counts')}  resumed {b.get('counts')}  same: {same_counts}")
    print(f"ranked rows: {rows_a} / {rows_b}; part files: {len(files_a)} / {len(files_b)}  same names: {same_files}")
    print(f"parts with different rows: {len(differing)} {differing[:5]}; rejected and merge log identical: {side}")
    ok = same_counts and same_files and not differing and side and rows_a == rows_b
    print("RESUME MATCHES UNINTERRUPTED RUN" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
