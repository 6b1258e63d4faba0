"""Rows parked on disk between the passes of a register run, read back exactly as they were.

Owns the on-disk form of normalised rows: the canonical columns under one fixed Arrow schema (so
every batch's file has the same types whatever its values), original columns as Arrow makes them,
and, for rows that travel between shards to be merged, the original columns packed into one binary
cell per row (`pack_originals` / `unpack_originals`), so rows of shards with different headers share
one schema. `frame_from_arrow` gives back the canonical columns with the dtypes and missing values
(None) the in-memory run has, so the engine sees the same values either way.
"""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pyarrow as pa

from ..ingest.normalize import CANONICAL_COLUMNS

FLOAT_COLUMNS = {"registered_capital_wan", "paid_capital_wan", "employees"}
BOOL_COLUMNS = {"listed", "abnormal", "dishonest"}
NULLABLE_BOOL_COLUMNS = {"credit_code_valid"}
STR_COLUMNS = {"industry_name", "source_file"}  # pandas' own string dtype in the in-memory frame


def _type(column: str) -> pa.DataType:
    if column in FLOAT_COLUMNS:
        return pa.float64()
    if column in BOOL_COLUMNS | NULLABLE_BOOL_COLUMNS:
        return pa.bool_()
    if column == "source_row":
        return pa.int64()
    return pa.string()


def canonical_arrays(frame: pd.DataFrame) -> dict[str, pa.Array]:
    return {c: pa.array(frame[c].to_numpy(dtype=object), type=_type(c), from_pandas=True) for c in CANONICAL_COLUMNS}


def other_array(col: pd.Series) -> pa.Array:
    """An original column as Arrow: as it is, else as text (mixed spreadsheet cells)."""
    try:
        return pa.array(col, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        return pa.array(col.where(col.isna(), col.astype(str)), type=pa.string(), from_pandas=True)


def restore_canonical(frame: pd.DataFrame) -> pd.DataFrame:
    """Canonical columns read back from Arrow with the in-memory run's dtypes (object text with None)."""
    for c in CANONICAL_COLUMNS:
        if c in FLOAT_COLUMNS or c in BOOL_COLUMNS or c in STR_COLUMNS or c == "source_row":
            if c in BOOL_COLUMNS:
                frame[c] = frame[c].astype(bool)
            continue
        col = frame[c]
        if col.dtype != object or col.isna().any():
            frame[c] = pd.Series(
                np.where(col.isna().to_numpy(), None, col.to_numpy(dtype=object)), index=col.index, dtype=object
            )
    return frame


def pack_originals(originals: pd.DataFrame) -> pa.Array:
    """One binary cell per row: its original cells as {header: value} (headers in their order)."""
    headers = list(originals.columns)
    values = originals.to_numpy(dtype=object)
    cells = [pickle.dumps(dict(zip(headers, row)), protocol=pickle.HIGHEST_PROTOCOL) for row in values]
    return pa.array(cells, type=pa.binary())


def unpack_originals(cells) -> pd.DataFrame:
    """The original columns back from `pack_originals` cells (headers in order of first appearance)."""
    rows = [pickle.loads(c) for c in cells]
    headers = list(dict.fromkeys(h for r in rows for h in r))
    return pd.DataFrame([[r.get(h) for h in headers] for r in rows], columns=headers, dtype=object)
