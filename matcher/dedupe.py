"""Merging duplicate companies and accounting for every input row.

Owns the rule that decides when two rows are the same company (same 统一社会信用代码; or the same
normalised name where at most one of them carries a code), which row survives (the richest), how
missing fields are filled from the rows merged into it, and the `merged_rows` record
(`file:row;file:row`) that lets an officer trace a company back to every source row. Also owns the
row-level rejection rules (no company name, a name that is not a name).
"""

from __future__ import annotations

import re
import unicodedata

import numpy as np
import pandas as pd

# whitespace (Python's and RE2's definitions both covered) and punctuation that vendors vary
_DROP = r"[\t\n\v\f\r \x1c-\x1f\x85\xa0\x{1680}\x{2000}-\x{200a}\x{2028}\x{2029}\x{202f}\x{205f}\x{3000}·.,，、'\"“”‘’]"
_NOT_A_NAME = re.compile(r"^[\d\W_]+$")


def normalise_name(name) -> str | None:
    """Key for comparing company names: NFKC, lower case, brackets unified, spaces and
    punctuation dropped. (One value; `normalise_names` does a whole column.)"""
    return normalise_names(pd.Series([name], dtype=object)).iloc[0]


def normalise_names(names: pd.Series) -> pd.Series:
    """normalise_name over a column, vectorised (Arrow string kernels)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = names.map(lambda v: None if v is None or (isinstance(v, float) and v != v) else
                     unicodedata.normalize("NFKC", str(v)) if not unicodedata.is_normalized("NFKC", str(v)) else str(v))
    arr = pa.array(text, type=pa.string(), from_pandas=True)
    arr = pc.utf8_lower(arr)
    for old, new in (("（", "("), ("）", ")"), ("【", "("), ("】", ")"), ("[", "("), ("]", ")")):
        arr = pc.replace_substring(arr, old, new)
    arr = pc.replace_substring_regex(arr, _DROP, "")
    out = pd.Series(arr.to_pylist(), index=names.index, dtype=object)
    return out.where(out != "", None)


def reject_rows(frame: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(usable rows, rejected rows with a `reason`)."""
    name = frame["company_name"]
    reason = pd.Series(None, index=frame.index, dtype=object)
    reason[name.isna()] = "缺少企业名称"
    bad = name.notna() & (name.astype(str).str.len() < 2)
    reason[bad] = "企业名称过短，无法识别"
    bad = name.notna() & reason.isna() & name.astype(str).str.match(_NOT_A_NAME)
    reason[bad] = "企业名称只含数字或符号"
    rejected = frame[reason.notna()].copy()
    rejected["reason"] = reason[reason.notna()]
    return frame[reason.isna()], rejected


def _richness(frame: pd.DataFrame, columns: list[str]) -> np.ndarray:
    return frame[columns].notna().sum(axis=1).to_numpy()


def merge_duplicates(frame: pd.DataFrame, fact_columns: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(one row per company with `merged_rows`, merge log: one row per merged-away input row).

    The surviving row is the richest of its group (most non-empty facts); its empty cells are
    filled from the other rows of the group, in order of richness.
    """
    if frame.empty:
        out = frame.copy()
        out["merged_rows"] = pd.Series(dtype=object)
        return out, pd.DataFrame(columns=["source_file", "source_row", "company_name", "merged_into_file",
                                          "merged_into_row", "merged_into_name", "match_key"])
    name_key = normalise_names(frame["company_name"])
    code = frame["credit_code"].where(frame["credit_code"].notna() & (frame["credit_code"].astype(str).str.len() >= 15))
    name_code = code.groupby(name_key).first()
    via_name = name_key.map(name_code)
    key = code.where(code.notna(), via_name)
    key = key.where(key.notna(), "N:" + name_key.astype(str))
    how = pd.Series(np.where(code.notna(), "统一社会信用代码", np.where(via_name.notna(), "企业名称（对应信用代码）", "企业名称")),
                    index=frame.index)

    work = frame.assign(_key=key.to_numpy(), _rich=_richness(frame, fact_columns), _order=np.arange(len(frame)))
    work = work.sort_values(["_key", "_rich", "_order"], ascending=[True, False, True], kind="stable")
    dup_keys = work["_key"].duplicated(keep=False)
    singles = work[~dup_keys]
    multi = work[dup_keys]
    provenance = frame["source_file"].astype(str) + ":" + frame["source_row"].astype(str)

    if multi.empty:
        out = frame.copy()
        out["merged_rows"] = provenance
        log = pd.DataFrame(columns=["source_file", "source_row", "company_name", "merged_into_file",
                                    "merged_into_row", "merged_into_name", "match_key"])
        return out, log

    data_cols = [c for c in frame.columns]
    merged = multi.groupby("_key", sort=False)[data_cols].first()  # first non-null, richest first
    head_idx = multi.groupby("_key", sort=False).head(1).index
    merged.index = head_idx
    # provenance of every member, richest first
    prov = provenance.loc[multi.index].groupby(multi["_key"].to_numpy(), sort=False).agg(";".join)
    merged["merged_rows"] = prov.to_numpy()
    keep_single = frame.loc[singles.index].copy()
    keep_single["merged_rows"] = provenance.loc[singles.index]
    out = pd.concat([keep_single, merged]).sort_index()  # back in input order

    heads = multi.loc[head_idx, ["_key", "source_file", "source_row", "company_name"]].set_index("_key")
    away = multi.drop(index=head_idx)
    log = pd.DataFrame({
        "source_file": away["source_file"].to_numpy(),
        "source_row": away["source_row"].to_numpy(),
        "company_name": away["company_name"].to_numpy(),
        "merged_into_file": heads.loc[away["_key"], "source_file"].to_numpy(),
        "merged_into_row": heads.loc[away["_key"], "source_row"].to_numpy(),
        "merged_into_name": heads.loc[away["_key"], "company_name"].to_numpy(),
        "match_key": how.loc[away.index].to_numpy(),
    })
    return out, log
