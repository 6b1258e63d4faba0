"""Writing results: the machine table (.csv / .parquet), the rejected-rows CSV, and the dispatch to
the officer workbook (`matcher.outputs.workbook`) by output suffix. Every CSV cell goes through
`matcher.outputs.cells`, so nothing a spreadsheet would run is written.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..contract import select
from ..engine.filing import chain_view
from ..errors import MatcherError
from .cells import safe_frame
from .workbook import write_workbook

_ARROW_READY = {
    "string",
    "empty",
    "integer",
    "floating",
    "mixed-integer-float",
    "boolean",
    "date",
    "datetime",
    "bytes",
    "decimal",
}  # object columns Arrow converts as they are


def _as_text(col: pd.Series) -> pd.Series:
    return col.where(col.isna(), col.astype(str))


def write_table(frame: pd.DataFrame, path) -> None:
    """Machine table: .csv (UTF-8 with BOM, so Excel opens it in Chinese) or .parquet."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        frame = frame.set_axis([str(c) for c in frame.columns], axis=1)
        mixed = [
            c
            for c in frame.columns
            if frame[c].dtype == object and pd.api.types.infer_dtype(frame[c], skipna=True) not in _ARROW_READY
        ]
        if mixed:  # mixed cells from spreadsheets (dates as text and as dates ...): stored as text
            frame = frame.assign(**{c: _as_text(frame[c]) for c in mixed})
        try:  # Arrow converts the columns on its own threads
            table = pa.Table.from_pandas(frame, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed cells from spreadsheets: those columns as text
            arrays = {}
            for c in frame.columns:
                col = frame[c]
                try:
                    arrays[c] = pa.array(col, from_pandas=True)
                except (pa.ArrowInvalid, pa.ArrowTypeError):
                    arrays[c] = pa.array(_as_text(col), type=pa.string(), from_pandas=True)
            table = pa.table(arrays)
        pq.write_table(table.replace_schema_metadata(None), path)
    else:
        safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")


def write_rejected(rejected: pd.DataFrame, path) -> None:
    safe_frame(rejected).to_csv(path, index=False, encoding="utf-8-sig")


def write_output(
    result, path, chain_ids=None, top=None, per_chain=False, *, chains=None, zone=None, settings=None
) -> dict:
    """Write ranked output by suffix (.xlsx officer workbook, .csv/.parquet machine table) and the
    rejected rows beside it (`<stem>.rejected.csv`). Returns the paths written. `chains` / `zone` /
    `settings` (those the result was scored with) are shown in the workbook's 说明 and 汇总 sheets;
    in the workbook `top` limits each chain sheet."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        write_workbook(result, path, chains=chains, zone=zone, settings=settings, chain_ids=chain_ids, top=top)
    elif suffix in (".csv", ".parquet"):
        # --per-chain: every chain with relevance > 0, `filed` saying which reach the threshold
        table = chain_view(result, filed_only=not result.near_misses).ranked if per_chain else result.ranked
        write_table(select(table, chain_ids, top, per_chain), path)
    else:
        raise MatcherError(f"{path}: 不支持的输出格式“{suffix}”（支持 .xlsx .csv .parquet）")
    written = {"ranked": str(path)}
    rej_path = path.with_name(path.stem + ".rejected.csv")
    write_rejected(result.rejected, rej_path)
    written["rejected"] = str(rej_path)
    return written
