"""Recording a 100,000-company run in the 招商台账 (target < 10 s), on SQLite and on PostgreSQL.

The run is the bundled sample's ranked table (scored once) repeated with distinct names and credit
codes up to --rows companies: the real columns and value shapes of a run, at the size of a big list.
Each figure is the median of --repeat recordings: the first recording of the run into an empty store
(every company new) and a second recording of the same run (every company known, matched by code).
PostgreSQL is measured when CHAINMATCH_TEST_PG (or --pg URL) reaches a server; each repeat uses a
fresh schema. Also printed: list_leads on every lead of that run (one page of 50 and a filtered page),
as a first look (the 100,000-lead / 1,000,000-history benchmark is benchmarks/ledger_speed.py).
Figures only; nothing here asserts a timing.

    python benchmarks/store_speed.py [--rows 100000] [--repeat 3] [--pg URL]
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

import matcher  # noqa: E402


def big_result(rows: int):
    base = matcher.score_files([matcher.SAMPLE_FILE])
    ranked = base.ranked
    reps = -(-rows // len(ranked))
    big = pd.concat([ranked] * reps, ignore_index=True).iloc[:rows].copy()
    n = len(big)
    big["company_name"] = [f"{name}{i:06d}" for i, name in zip(range(n), big["company_name"])]
    big["credit_code"] = [f"91320000{i:010d}" for i in range(n)]
    return dataclasses.replace(base, ranked=big, counts={**base.counts, "scored": n})


def _pg_urls(base: str | None):
    if not base:
        return None
    import psycopg

    try:
        psycopg.connect(base, connect_timeout=5).close()
    except psycopg.Error as exc:
        print(f"PostgreSQL: not measured ({str(exc).strip().splitlines()[0]})")
        return None

    def fresh():
        schema = "bench_" + uuid.uuid4().hex[:12]
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"CREATE SCHEMA {schema}")
        sep = "&" if "?" in base else "?"
        return schema, f"{base}{sep}options={quote(f'-csearch_path={schema}')}"

    def drop(schema):
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")

    return fresh, drop


def measure(label, result, repeat, make_url, cleanup):
    first, second, page, filtered, cpu1, cpu2 = [], [], [], [], [], []
    for _ in range(repeat):
        handle, url = make_url()
        store = matcher.open_store(url)
        try:
            t, c = time.perf_counter(), time.process_time()
            run = matcher.save_run(store, result)
            first.append(time.perf_counter() - t)
            cpu1.append(time.process_time() - c)
            t, c = time.perf_counter(), time.process_time()
            matcher.save_run(store, result)
            second.append(time.perf_counter() - t)
            cpu2.append(time.process_time() - c)
            matcher.add_leads(store, run, tiers=["A", "B", "C"], owner="陈")
            t = time.perf_counter()
            matcher.list_leads(store, limit=50)
            page.append(time.perf_counter() - t)
            t = time.perf_counter()
            matcher.list_leads(store, chain="nev", colour="绿", owner="陈", limit=50)
            filtered.append(time.perf_counter() - t)
            leads = matcher.count_leads(store)
        finally:
            store.close()
            cleanup(handle)
    med = statistics.median
    n = len(result.ranked)
    print(
        f"{label}: record a {n:,}-company run: first {med(first):.2f} s (all new companies), "
        f"again {med(second):.2f} s (all known) — target < 10 s; this process's CPU time "
        f"{med(cpu1):.2f} s / {med(cpu2):.2f} s (wall minus CPU: waiting for the disk, the server or other processes)"
    )
    print(
        f"{label}: list_leads over {leads:,} leads: first page of 50 {med(page) * 1000:.0f} ms, "
        f"filtered (chain, colour, owner) {med(filtered) * 1000:.0f} ms"
    )


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--pg", default=os.environ.get("CHAINMATCH_TEST_PG"))
    args = ap.parse_args()
    result = big_result(args.rows)
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"medians of {args.repeat} repeats; load average {load:.1f} on {os.cpu_count()} cores at the start")
    tmp = Path(tempfile.mkdtemp(prefix="store_speed_"))

    def sqlite_url():
        path = tmp / f"{uuid.uuid4().hex}.db"
        return path, str(path)

    def sqlite_drop(path):
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)

    measure("SQLite", result, args.repeat, sqlite_url, sqlite_drop)
    pg = _pg_urls(args.pg)
    if pg:
        measure("PostgreSQL", result, args.repeat, *pg)
    elif not args.pg:
        print("PostgreSQL: not measured (set CHAINMATCH_TEST_PG or --pg URL)")


if __name__ == "__main__":
    main()
