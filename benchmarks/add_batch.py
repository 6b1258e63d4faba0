"""Add a batch of written companies (benchmarks/training/README.md: how they are written) to the held-out file or
the training file, or move a held-out batch into training once it has been read.

    python benchmarks/add_batch.py probe_db.csv --batch db          # a fresh batch, held out for a blind check
    python benchmarks/add_batch.py probe_db.csv --to training       # straight into training
    python benchmarks/add_batch.py --move db                         # a held-out batch that has been read: train on it

The batch's columns and labels are checked (an error names the file and the column). A row without a name, a
company already written (in either file, or earlier in the batch) and every row whose name stem is a development
set company's stem (the model trains on those sets) are dropped, and the counts printed. After adding to training,
retrain (benchmarks/train_model.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evalsets as q  # noqa: E402
from train_model import WRITTEN, WRITTEN_COLUMNS, check_written  # noqa: E402

HELD_OUT = WRITTEN.parent / "held_out_companies.csv.gz"
COLUMNS = (*WRITTEN_COLUMNS, "label", "secondary", "kind")


def dev_stems() -> set[str]:
    """The name stems of every development set company."""
    return {q.name_stem(n) for key, spec in q.SETS.items() for n in q.load_set(key)[spec.name_column]}


def checked(table: pd.DataFrame, source: str) -> pd.DataFrame:
    """The batch's columns, stripped, with its labels checked."""
    table = table.fillna("").apply(lambda c: c.astype(str).str.strip())
    check_written(table, source, COLUMNS)
    return table[list(COLUMNS)]


def new_rows(table: pd.DataFrame, seen: set[str], stems: set[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """The rows of `table` to add, and how many were dropped for which reason."""
    named = table[table["企业名称"] != ""]
    once = named.drop_duplicates("企业名称")
    fresh = once[~once["企业名称"].isin(seen)]
    kept = fresh[~fresh["企业名称"].map(q.name_stem).isin(stems)]
    counts = {
        "rows": len(table),
        "no name": len(table) - len(named),
        "twice in the batch": len(named) - len(once),
        "already written": len(once) - len(fresh),
        "a development set's stem": len(fresh) - len(kept),
        "added": len(kept),
    }
    return kept.reset_index(drop=True), counts


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _write(table: pd.DataFrame, path: Path) -> None:
    table.to_csv(
        path, index=False, compression={"method": "gzip", "mtime": 0}
    )  # mtime 0: the same rows, the same bytes


def add(
    table: pd.DataFrame,
    source: str,
    to: str,
    batch: str | None,
    stems: set[str],
    training: Path = WRITTEN,
    held_out: Path = HELD_OUT,
) -> dict[str, int]:
    """Add the batch `table` (read from `source`) to the training file or, as batch `batch`, to the held-out file."""
    trained, held = _read(training), _read(held_out)
    if to == "held-out" and (not batch or batch in set(held["batch"])):
        raise ValueError(
            f"{source}: a held-out batch needs a new --batch name (taken: {', '.join(sorted(set(held['batch'])))})"
        )
    rows, counts = new_rows(checked(table, source), set(trained["企业名称"]) | set(held["企业名称"]), stems)
    if to == "held-out":
        _write(pd.concat([held, rows.assign(batch=batch)[held.columns]], ignore_index=True), held_out)
    else:
        _write(pd.concat([trained, rows[trained.columns]], ignore_index=True), training)
    return counts


def move(batch: str, training: Path = WRITTEN, held_out: Path = HELD_OUT) -> int:
    """Move the held-out batch `batch` into the training file; returns its row count."""
    trained, held = _read(training), _read(held_out)
    part = held[held["batch"] == batch]
    if part.empty:
        raise ValueError(f"{held_out.name}: no batch {batch!r}")
    _write(pd.concat([trained, part[trained.columns]], ignore_index=True), training)
    _write(held[held["batch"] != batch], held_out)
    return len(part)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "csv",
        nargs="?",
        type=Path,
        help="the batch (UTF-8 CSV: 企业名称,经营范围,国标行业,公司介绍,label,secondary,kind)",
    )
    ap.add_argument("--to", choices=("held-out", "training"), default="held-out", help="which file (default: held-out)")
    ap.add_argument("--batch", help="the held-out batch's name (two letters, as in the closing notes)")
    ap.add_argument("--move", metavar="BATCH", help="move this held-out batch into training instead")
    args = ap.parse_args(argv)
    try:
        if args.move:
            print(f"moved batch {args.move} into training: {move(args.move)} rows")
            return 0
        if args.csv is None:
            ap.error("a batch CSV, or --move BATCH")
        table = checked(_read(args.csv), args.csv.name)  # a bad batch is told before the dev sets are read
        counts = add(table, args.csv.name, args.to, args.batch, dev_stems())
    except (OSError, ValueError) as e:
        print(f"add_batch: {e}", file=sys.stderr)
        return 2
    print(", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
