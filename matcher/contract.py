"""The batch contract that scripts and every output depend on: the ranked table's columns and their
order, the row order of a ranking, how a ranking is cut to some chains or the top N, and the tier
labels an officer sees. A leaf: it imports nothing of the package.

Rows are companies, each under its best chain (or company × chain with --per-chain: every chain with
relevance > 0, `filed` saying which reach the threshold): `CONTRACT_COLUMNS` first, then every original
input column under its original header, then `EXTRA_COLUMNS` (documented in the README; `filed`: the
row's relevance reaches the threshold; `chain_level`: filed in the chain, no segment named by text).
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

CONTRACT_COLUMNS = [
    "company_name",
    "credit_code",
    "status",
    "registered_capital_wan",
    "founded",
    "employees",
    "province",
    "city",
    "industry_code",
    "chain_id",
    "chain_name",
    "segment_id",
    "segment_name",
    "relevance",
    "gap_weight",
    "strength",
    "risk",
    "score",
    "tier",
    "reasons",
    "source_file",
    "source_row",
]
EXTRA_COLUMNS = [
    "position",
    "gap_status",
    "priority",
    "fit",
    "model_support",
    "scope_code_support",
    "s_capital",
    "s_employees",
    "s_age",
    "s_tags",
    "distance_km",
    "proximity",
    "credit_code_valid",
    "status_raw",
    "is_branch",
    "merged_rows",
    "filed",
    "chain_level",
]
FACT_COLUMNS = [
    "credit_code",
    "status_raw",
    "registered_capital_wan",
    "founded",
    "employees",
    "province",
    "city",
    "industry_code",
    "scope",
    "intro",
    "address",
    "website",
    "phone",
    "email",
]
REJECTED_COLUMNS = ["source_file", "source_row", "reason"]
# the zone's gap table (matcher gaps -o FILE.csv): one row per chain segment
GAP_COLUMNS = [
    "chain_id",
    "chain_name",
    "segment_id",
    "segment_name",
    "position",
    "local_count",
    "coverage",
    "target_count",
    "status",
    "gap_weight",
    "overridden",
    "local_examples",
]

TIERS = ("A", "B", "C")  # target tiers, best first
LOCAL_TIER = "本地"  # a candidate already in the zone's enterprise list: a 强链 partner, not a 补链 target
UNMATCHED_TIER = "未入链"  # label for the empty tier of a company that fits no chain
NO_TARGET_TIER = "非目标"  # label for the empty tier of a company with a chain but score 0 (注销 …)
# segment_name of a company filed at chain level: it serves the chain (text and industry code together),
# but no text evidence names a segment; it fills no particular segment
CHAIN_LEVEL_SEGMENT = "（产业链层面，待核实环节）"
# how each tier looks in every output (workbook cells, map, brief): (background, text)
TIER_COLOURS = {
    "A": ("#C6EFCE", "#006100"),
    "B": ("#FFEB9C", "#9C5700"),
    "C": ("#EDEDED", "#404040"),
    LOCAL_TIER: ("#DDEBF7", "#1F4E79"),
}


def best_first(ranked: pd.DataFrame) -> np.ndarray:
    """Row order of a ranking: score, then relevance, both descending (stable)."""
    return np.lexsort((-ranked["relevance"].fillna(0).to_numpy(), -ranked["score"].to_numpy()))


def empty_ranking() -> pd.DataFrame:
    """A ranked table with the contract columns and no rows (e.g. to draw a zone's chain map alone)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in CONTRACT_COLUMNS + EXTRA_COLUMNS})


def select(
    ranked: pd.DataFrame, chain_ids: Iterable[str] | None = None, top: int | None = None, per_chain: bool = False
) -> pd.DataFrame:
    """Limit a ranked table to some chains and/or the top N (per chain when per_chain)."""
    out = ranked
    chain_ids = list(chain_ids or [])
    if chain_ids:
        out = out[out["chain_id"].isin(chain_ids)]
    if top is not None:
        out = out.groupby("chain_id", sort=False, dropna=False).head(top) if per_chain else out.head(top)
    return out.reset_index(drop=True)


def tier_labels(ranked: pd.DataFrame) -> pd.Series:
    """The tier of every row as shown to officers: A / B / C / 本地, 未入链 (no chain, or a per-chain row of
    a chain the company is not filed in) or 非目标 (a chain but no score: inactive companies)."""
    tier = ranked["tier"].fillna("").astype(str)
    empty = tier == ""
    if empty.any():
        unfiled = ranked["chain_id"].isna().to_numpy()
        if "filed" in ranked:
            unfiled = unfiled | ~ranked["filed"].fillna(False).to_numpy(dtype=bool)
        tier = tier.where(~empty, np.where(unfiled, UNMATCHED_TIER, NO_TARGET_TIER))
    return tier
