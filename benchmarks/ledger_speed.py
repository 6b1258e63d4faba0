"""The 线索台账 at full size: 100,000 leads with 1,000,000 history rows, on SQLite (and PostgreSQL when
CHAINMATCH_TEST_PG or --pg reaches a server). Figures only; nothing here asserts a timing.

Set-up (not timed): the bundled sample's ranked table repeated with distinct names and credit codes
up to 100,000 companies is recorded as last quarter's run; every company gets a lead in its chain
(companies without a chain one in a chain in turn), with ten history rows each — creation, stage
moves and next-action edits spread over the past year — written in bulk, and the leads' stage,
owner, next action, due date and amount set to where their history ends.

Timed, medians of --repeat (≥ 5) runs, targets from issue 15:
- opening the 线索台账 page: the queries the page makes on opening (chains and owners for the filters,
  the count, the first page of 50 leads, the first lead's history and its scores over the runs) —
  and the page script itself run by Streamlit's AppTest (< 1 s)
- filtering: count + first page for chain + owner + stage + colour, and for a part of a company name (< 1 s)
- recording a 100,000-company run into that full 台账 (< 10 s)
- the quarterly 链长调度会 report for one chain, workbook and printable HTML (< 3 s; PDF shown once)

    python benchmarks/ledger_speed.py [--rows 100000] [--history 10] [--repeat 5] [--pg URL] [--no-app] [--weekly]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
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

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

import matcher  # noqa: E402
import matcher.reports.write  # noqa: E402,F401  (every module loaded before the timing starts)
import matcher.store.activity  # noqa: E402,F401
import matcher.store.diff  # noqa: E402,F401
from matcher.store import schema as S  # noqa: E402
from matcher.store.bulk import insert_rows  # noqa: E402

AS_OF = dt.date(2026, 12, 1)
OWNERS = [f"{s}{g}" for s in "张王李赵陈刘杨黄周吴" for g in ("主任", "科长")]
ACTIONS = ["电话回访", "上门拜访", "寄送政策材料", "邀请来园考察", "洽谈用地方案", "对接产业基金", "准备签约文本"]


def big_result(rows: int):
    base = matcher.score_files([matcher.SAMPLE_FILE], as_of=AS_OF)
    ranked = base.ranked
    reps = -(-rows // len(ranked))
    big = pd.concat([ranked] * reps, ignore_index=True).iloc[:rows].copy()
    n = len(big)
    big["company_name"] = [f"{name}{i:06d}" for i, name in zip(range(n), big["company_name"])]
    big["credit_code"] = [f"91320000{i:010d}" for i in range(n)]
    return dataclasses.replace(base, ranked=big, counts={**base.counts, "scored": n})


def fill_leads(store, run_id: int, history: int, seed: int = 7) -> tuple[int, int]:
    """One lead per company of the run, `history` history rows each, written in bulk."""
    rng = np.random.default_rng(seed)
    res = matcher.run_results(store, run_id).drop_duplicates("company_id")
    gaps = matcher.run_gaps(store, run_id)
    no_chain = res["chain_id"].isna() | res["segment_id"].isna()
    fill = gaps.iloc[np.arange(int(no_chain.sum())) % len(gaps)]
    for c in ("chain_id", "chain_name", "segment_id", "segment_name"):
        res.loc[no_chain, c] = fill[c].to_numpy()
    n = len(res)
    names = store.stages.names
    # where each lead's history ends: most leads early, a few signed / landed / paused / given up
    final = rng.choice(len(names), size=n, p=[0.38, 0.22, 0.12, 0.1, 0.05, 0.04, 0.05, 0.04])
    start = pd.Timestamp(AS_OF) - pd.to_timedelta(rng.integers(60, 420, size=n), unit="D")
    owners = rng.choice(OWNERS, size=n)
    leads, hist = [], []
    for i, r in enumerate(res.itertuples(index=False)):
        lead_id = i + 1
        t = start[i].to_pydatetime()
        steps = np.sort(rng.integers(1, 40, size=history - 1)).cumsum()
        stage_moves = min(int(final[i]), history - 1)
        stage_at = set(rng.choice(np.arange(1, history), size=stage_moves, replace=False).tolist())
        stage, since, action, version = names[0], t, None, 1
        hist.append((lead_id, t, owners[i], "cli", "stage", None, stage, 1))
        moved, last = 0, t
        for k in range(1, history):
            when = min(t + dt.timedelta(days=int(steps[k - 1])), dt.datetime.combine(AS_OF, dt.time()))
            version, last = version + 1, when
            if k in stage_at:
                moved += 1
                new = names[moved if moved < int(final[i]) else int(final[i])]
                hist.append((lead_id, when, owners[i], "app", "stage", stage, new, version))
                stage, since = new, when
            else:
                new = ACTIONS[(i + k) % len(ACTIONS)]
                hist.append((lead_id, when, owners[i], "workbook", "next_action", action, new, version))
                action = new
        won = names[int(final[i])] in store.stages.of_kind("won")
        due = (since + dt.timedelta(days=int(rng.integers(7, 120)))).date()
        leads.append(
            (
                lead_id,
                int(r.company_id),
                r.chain_id,
                r.chain_name,
                r.segment_id,
                r.segment_name,
                stage,
                owners[i],
                action,
                due,
                float(rng.integers(1, 200) * 500) if won else None,
                None,
                version,
                t,
                owners[i],
                last,
                since,
                run_id,
            )
        )
    cols = ["id", "company_id", "chain_id", "chain_name", "segment_id", "segment_name", "stage", "owner"]
    cols += ["next_action", "due_date", "amount_wan", "notes", "version", "created_at", "created_by"]
    cols += ["updated_at", "stage_since", "source_run_id"]
    hcols = ["lead_id", "at", "by_user", "source", "field", "old_value", "new_value", "version"]
    with store.engine.begin() as conn:
        insert_rows(conn, S.leads, cols, leads)
        insert_rows(conn, S.lead_history, hcols, hist)
        if store.dialect == "postgresql":
            conn.exec_driver_sql("SELECT setval(pg_get_serial_sequence('leads', 'id'), (SELECT max(id) FROM leads))")
    with store.engine.begin() as conn:
        conn.exec_driver_sql("ANALYZE")  # fresh statistics, as after a day of normal use
    return len(leads), len(hist)


CPU = []  # (label, median CPU seconds of this process) for every timed figure, printed at the end


def timed(fn, repeat: int, label: str = "") -> float:
    """Median wall time of `repeat` calls; the median CPU time of this process goes to CPU (on a
    shared machine the wall time includes waiting for a core; the CPU time does not, but it leaves
    out the PostgreSQL server's own work)."""
    times, cpu = [], []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    if label:
        CPU.append((label, statistics.median(cpu)))
    return statistics.median(times)


def open_page(store):
    """What the 线索台账 page asks the store for when it opens."""
    matcher.lead_chains(store)
    matcher.lead_owners(store)
    matcher.count_leads(store, as_of=AS_OF)
    page = matcher.list_leads(store, as_of=AS_OF, limit=50)
    lead = matcher.get_lead(store, int(page["lead_id"].iloc[0]), as_of=AS_OF)
    matcher.lead_history(store, lead["lead_id"])
    matcher.company_results(store, int(lead["company_id"]), lead["chain_id"])
    matcher.list_runs(store)


def filter_page(store, **filters):
    matcher.count_leads(store, as_of=AS_OF, **filters)
    return matcher.list_leads(store, as_of=AS_OF, limit=50, **filters)


def app_open(url: str, repeat: int) -> float | None:
    """The page script run by Streamlit's AppTest on this 台账 (the store stays open between runs, as
    in a served app: Streamlit caches it)."""
    try:
        from streamlit.testing.v1 import AppTest
    except ImportError:
        return None
    os.environ[matcher.DB_ENV] = url
    times = []
    at = AppTest.from_file(str(ROOT / "app_pages" / "ledger.py"), default_timeout=120)
    at.session_state["lg_as_of"] = AS_OF
    at.run()  # first run opens the store (migrations checked) and warms Streamlit
    if at.exception:
        raise RuntimeError(at.exception[0].value)
    cpu = []
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        at.run()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    CPU.append(("page script open", statistics.median(cpu)))  # (Streamlit's own work included)
    at.multiselect(key="lg_chain").set_value(["nev"])
    at.multiselect(key="lg_colour").set_value(["红"])
    ftimes = []
    for _ in range(repeat):
        t = time.perf_counter()
        at.run()
        ftimes.append(time.perf_counter() - t)
    return statistics.median(times), statistics.median(ftimes)


def measure(label: str, url: str, result, args, tmp: Path) -> None:
    store = matcher.open_store(url)
    try:
        t = time.perf_counter()
        last_quarter = matcher.save_run(store, result, run_date=AS_OF - dt.timedelta(days=92))
        n_leads, n_hist = fill_leads(store, last_quarter, args.history)
        print(
            f"{label}: set-up {time.perf_counter() - t:.0f} s — {n_leads:,} leads, {n_hist:,} history rows, "
            f"{len(result.ranked):,}-company run"
        )
        rec = []
        cpu = []
        for i in range(args.repeat):
            t, c = time.perf_counter(), time.process_time()
            matcher.save_run(store, result, run_date=AS_OF - dt.timedelta(days=args.repeat - i))
            rec.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        CPU.append((f"{label} record run", statistics.median(cpu)))
        print(
            f"{label}: record a {len(result.ranked):,}-company run into the full 台账: {statistics.median(rec):.2f} s (target < 10 s)"
        )
        t_open = timed(lambda: open_page(store), args.repeat, f"{label} page queries")
        first = filter_page(store, chain="nev", owner=OWNERS[:3], stage=["线索", "已接洽"], colour="红")
        t_filter = timed(
            lambda: filter_page(store, chain="nev", owner=OWNERS[:3], stage=["线索", "已接洽"], colour="红"),
            args.repeat,
            f"{label} filter",
        )
        t_name = timed(lambda: filter_page(store, company="新能源"), args.repeat, f"{label} filter by name")
        print(
            f"{label}: 线索台账 queries on opening {t_open * 1000:.0f} ms; filter chain+owner+stage+colour "
            f"{t_filter * 1000:.0f} ms ({len(first)} shown); filter by name {t_name * 1000:.0f} ms (target < 1 s)"
        )
        if not args.no_app:
            got = app_open(url, args.repeat)
            if got:
                print(
                    f"{label}: 线索台账 page script (AppTest) open {got[0] * 1000:.0f} ms, "
                    f"filtered {got[1] * 1000:.0f} ms (target < 1 s)"
                )
        out = tmp / f"q_{uuid.uuid4().hex[:6]}"
        t_x = timed(
            lambda: matcher.write_report(store, "quarterly", out.with_suffix(".xlsx"), chain="nev", as_of=AS_OF),
            args.repeat,
            f"{label} quarterly workbook",
        )
        t_h = timed(
            lambda: matcher.write_report(store, "quarterly", out.with_suffix(".html"), chain="nev", as_of=AS_OF),
            args.repeat,
            f"{label} quarterly HTML",
        )
        t_p = timed(
            lambda: matcher.write_report(store, "quarterly", out.with_suffix(".pdf"), chain="nev", as_of=AS_OF), 1
        )
        q = matcher.quarterly_report(store, chain="nev", as_of=AS_OF)[0]
        print(
            f"{label}: quarterly report for one chain ({q.totals['leads']:,} leads): workbook {t_x:.2f} s, "
            f"HTML {t_h:.2f} s (target < 3 s); PDF {t_p:.2f} s (once)"
        )
        if args.weekly:
            t_w = timed(lambda: matcher.write_report(store, "weekly", out.with_suffix(".xlsx"), as_of=AS_OF), 1)
            print(f"{label}: weekly 台账 of every active lead: {t_w:.1f} s (once)")
    finally:
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--history", type=int, default=10, help="history rows per lead")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--pg", default=os.environ.get("CHAINMATCH_TEST_PG"))
    ap.add_argument("--no-app", action="store_true", help="skip the AppTest figure")
    ap.add_argument("--weekly", action="store_true", help="also time the weekly 台账 of every active lead (once)")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # each figure as soon as it is measured, also into a file
    result = big_result(args.rows)
    print(
        f"medians of {args.repeat} runs; as of {AS_OF}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
    )
    tmp = Path(tempfile.mkdtemp(prefix="ledger_speed_"))
    measure("SQLite", str(tmp / "ledger.db"), result, args, tmp)
    if not args.pg:
        print("PostgreSQL: not measured (set CHAINMATCH_TEST_PG or --pg URL)")
        print_cpu()
        return
    import psycopg

    try:
        psycopg.connect(args.pg, connect_timeout=5).close()
    except psycopg.Error as exc:
        print(f"PostgreSQL: not measured ({str(exc).strip().splitlines()[0]})")
        print_cpu()
        return
    schema = "bench_" + uuid.uuid4().hex[:12]
    with psycopg.connect(args.pg, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        sep = "&" if "?" in args.pg else "?"
        measure("PostgreSQL", f"{args.pg}{sep}options={quote(f'-csearch_path={schema}')}", result, args, tmp)
    finally:
        with psycopg.connect(args.pg, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
        print_cpu()


def print_cpu() -> None:
    print("CPU time of this process (medians): " + "; ".join(f"{k} {v:.2f} s" for k, v in CPU))


if __name__ == "__main__":
    main()
