"""Speed of the officer workbook: `write_workbook` on 100,000 scored rows against a bare xlsxwriter
constant_memory dump of the same rows and the same source columns, in the same run (target ≤ 1.2 ×).

The scored rows come from the shipped sample (`data/samples/candidates_qcc.xlsx`, scored once, ~2 s),
repeated with numbered company names until there are --rows of them (rejected rows and the merge log
are repeated alike), or from scoring a list given with --list. The bare dump writes one sheet: a
header and, for every company row, the values of the columns the workbook's company sheets show,
taken straight from the ranked table with `worksheet.write_row` (blanks skipped), no formats. The
workbook writes everything it writes for an officer (说明, 汇总, chain sheets, 招商地图, 未匹配, 未处理,
合并记录). After a warm-up on 1,000 rows each is run --repeat times, alternating which goes first,
and the medians are compared, in wall time and in CPU time (the steadier figure on a busy machine:
both writers are single-threaded). Figures only; nothing here asserts a timing.

    python benchmarks/workbook_speed.py [--rows 100000] [--repeat 3] [--list FILE]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import matcher  # noqa: E402
from matcher.outputs.workbook import CONTACT_FIELDS, FACT_FIELDS, original_columns, write_workbook  # noqa: E402
from matcher.pipeline import ScoreResult  # noqa: E402

SOURCE_COLUMNS = [
    "company_name",
    "segment_name",
    "position",
    "gap_status",
    "score",
    "tier",
    "reasons",
    "credit_code",
    "status_raw",
    "registered_capital_wan",
    "founded",
    "province",
    "city",
    "employees",
    "relevance",
    "gap_weight",
    "priority",
    "fit",
    "strength",
    "s_capital",
    "s_employees",
    "s_age",
    "s_tags",
    "risk",
    "industry_code",
    "source_file",
    "source_row",
    "merged_rows",
]


def tiled(result: ScoreResult, rows: int) -> ScoreResult:
    """The result repeated (company names numbered) until it has `rows` ranked rows, best first; its
    components and the rows of the other chains its companies serve (`chain_rows`) are repeated alike,
    so the workbook's chain sheets list every chain a company serves, as for a scored list."""
    n = len(result.ranked)
    copies = -(-rows // n)
    step = int(result.components["_row"].max()) + 1 if len(result.components) else 0

    def rep(frame: pd.DataFrame, name_cols=(), numbered=False) -> pd.DataFrame:
        parts = []
        for k in range(copies):
            part = frame.copy()
            for c in name_cols:
                if c in part.columns and k:
                    part[c] = part[c].astype(object).where(part[c].isna(), part[c].astype(str) + f"（{k}）")
            if numbered:  # each copy is other companies
                part["_row"] = part["_row"] + k * step
            parts.append(part)
        return pd.concat(parts, ignore_index=True) if parts else frame

    ranked = rep(result.ranked, ["company_name"]).head(rows)
    components = rep(result.components, numbered=True).head(rows)
    order = ranked["score"].to_numpy().argsort(kind="stable")[::-1]
    ranked = ranked.iloc[order].reset_index(drop=True)
    components = components.iloc[order].reset_index(drop=True)
    others = result.chain_rows
    if others is not None:
        others = rep(others, numbered=True)
        others = others[others["_row"].isin(components["_row"])].reset_index(drop=True)
    rejected = rep(result.rejected)
    merges = rep(result.merges, ["company_name", "merged_into_name"])
    counts = {"scored": len(ranked), "merged": len(merges), "rejected": len(rejected)}
    counts["read"] = sum(counts.values())
    return ScoreResult(ranked, rejected, merges, counts, result.tables, components, chain_rows=others)


def bare_dump(result: ScoreResult, path: Path) -> int:
    """One constant_memory sheet of the company rows: the workbook's source columns, no formats."""
    import xlsxwriter

    ranked = result.ranked
    cols = [c for c in SOURCE_COLUMNS if c in ranked.columns]
    for fieldname, _, _ in CONTACT_FIELDS + FACT_FIELDS:
        cols += original_columns(result, fieldname)[:1]
    frame = ranked[cols].astype(object)
    frame = frame.where(frame.notna(), None)
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet()
    ws.write_row(0, 0, ["排名", *cols])
    for i, row in enumerate(frame.itertuples(index=False, name=None), start=1):
        ws.write_row(i, 0, (i, *row))
    wb.close()
    return len(cols) + 1


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="ChainMatch workbook write speed")
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--list", type=Path, default=None, help="score this list instead of repeating the sample")
    args = ap.parse_args(argv)

    t = time.perf_counter()
    if args.list:
        result = matcher.score_files([args.list])
        source = f"{args.list.name}, scored"
    else:
        result = tiled(matcher.score_files([matcher.SAMPLE_FILE]), args.rows)
        source = f"{matcher.SAMPLE_FILE.name} scored and repeated"
    n = len(result.ranked)
    others = 0 if result.chain_rows is None else len(result.chain_rows)
    print(
        f"rows: {n:,} scored ({source}, {time.perf_counter() - t:.1f}s); "
        f"{len(result.rejected):,} rejected, {len(result.merges):,} merged; "
        f"{others:,} more rows on chain sheets for companies that serve several chains"
    )
    chains, zone = matcher.load_chains(), matcher.load_zone()
    ours, bare = [], []
    with tempfile.TemporaryDirectory() as tmp:
        small = tiled(result, 1000) if not args.list else result
        bare_dump(small, Path(tmp) / "warm.xlsx")  # first-call costs (imports, caches) out of the figures
        write_workbook(small, Path(tmp) / "warm.xlsx", chains=chains, zone=zone, settings=matcher.DEFAULTS)

        def run_bare():
            t, c = time.perf_counter(), time.process_time()
            cols = bare_dump(result, Path(tmp) / "bare.xlsx")
            bare.append((time.perf_counter() - t, time.process_time() - c))
            return cols

        def run_ours():
            t, c = time.perf_counter(), time.process_time()
            write_workbook(result, Path(tmp) / "workbook.xlsx", chains=chains, zone=zone, settings=matcher.DEFAULTS)
            ours.append((time.perf_counter() - t, time.process_time() - c))

        for k in range(args.repeat):  # alternate which goes first, so drift on a busy machine evens out
            if k % 2:
                run_ours()
                width = run_bare()
            else:
                width = run_bare()
                run_ours()
        size_b = (Path(tmp) / "bare.xlsx").stat().st_size / 1e6
        size_w = (Path(tmp) / "workbook.xlsx").stat().st_size / 1e6
    b, w = statistics.median(x[0] for x in bare), statistics.median(x[0] for x in ours)
    bc, wc = statistics.median(x[1] for x in bare), statistics.median(x[1] for x in ours)
    print(f"\nmedian of {args.repeat} (wall / CPU seconds):")
    print(
        f"bare xlsxwriter constant_memory dump  {b:6.2f} / {bc:6.2f} s  {n / b:>7,.0f} rows/s  {width} columns, "
        f"one sheet, {size_b:.1f} MB"
    )
    print(f"write_workbook (all sheets)           {w:6.2f} / {wc:6.2f} s  {n / w:>7,.0f} rows/s  {size_w:.1f} MB")
    print(f"time ratio  wall {w / b:5.2f}   CPU {wc / bc:5.2f}   target <= 1.2")
    print(
        "runs (wall s): bare "
        + ", ".join(f"{x[0]:.1f}" for x in bare)
        + "; workbook "
        + ", ".join(f"{x[0]:.1f}" for x in ours)
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
