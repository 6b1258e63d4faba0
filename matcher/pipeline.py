"""The end-to-end run: files in, ranked table, rejected rows, merge log and row accounting out.

Owns the batch contract that scripts depend on (`CONTRACT_COLUMNS`, documented in the README):
read every input, normalise, reject unusable rows, merge duplicates, match and score (`score_files`
scores each row where it is normalised, in the same worker process, and after merging rescores only
the companies that absorbed other rows: a score depends on its row alone), and assemble
one row per company (or per company and chain) sorted by score — contract columns first, then every
original column under its original header, then extra explanation columns. `ScoreResult.counts`
always satisfies read == scored + merged + rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import pandas as pd

from .chains import Chain, Zone, load_chains, load_zone
from .config import DEFAULTS, Settings
from .dedupe import merge_duplicates, reject_rows
from .jobs import map_chunks
from .normalize import normalize_table
from .read import RawTable, read_file
from .score import Scorer

CONTRACT_COLUMNS = [
    "company_name", "credit_code", "status", "registered_capital_wan", "founded", "employees",
    "province", "city", "industry_code", "chain_id", "chain_name", "segment_id", "segment_name",
    "relevance", "gap_weight", "strength", "risk", "score", "tier", "reasons", "source_file", "source_row",
]
EXTRA_COLUMNS = [
    "position", "gap_status", "priority", "fit", "s_capital", "s_employees", "s_age", "s_tags", "distance_km",
    "proximity",
    "credit_code_valid", "status_raw", "is_branch", "merged_rows",
]
FACT_COLUMNS = ["credit_code", "status_raw", "registered_capital_wan", "founded", "employees", "province",
                "city", "industry_code", "scope", "intro", "address", "website", "phone", "email"]
REJECTED_COLUMNS = ["source_file", "source_row", "reason"]

Progress = Callable[[str, float], None]


@dataclass
class ReadResult:
    companies: pd.DataFrame  # canonical columns, one row per input data row
    originals: pd.DataFrame  # original columns, same index
    tables: list[RawTable] = field(default_factory=list)
    # (scorer, per_chain, components of every row before merging; `_row` = position in companies)
    # when read_companies was given a fitted scorer: each row is scored where it is normalised
    scored: tuple | None = None


@dataclass
class ScoreResult:
    ranked: pd.DataFrame
    rejected: pd.DataFrame
    merges: pd.DataFrame
    counts: dict
    tables: list[RawTable]
    components: pd.DataFrame  # component table for re-ranking (same rows as ranked)
    chains: dict | None = None  # what the result was scored with (the workbook's 说明 shows them)
    zone: Zone | None = None
    settings: Settings | None = None

    def summary(self) -> str:
        c = self.counts
        return f"读取 {c['read']} 行：评分 {c['scored']}，合并 {c['merged']}，拒收 {c['rejected']}"


def read_companies(paths: Iterable, column_map: dict[str, str] | None = None, n_jobs: int = 1,
                   scorer: Scorer | None = None, per_chain: bool = False) -> ReadResult:
    """Read and normalise every input file (all usable sheets) into one canonical frame; a large
    sheet is normalised in n_jobs processes (≤ 0: every core). With a fitted `scorer`, every row is
    also scored right where it is normalised (`ReadResult.scored`): scoring depends on the row
    alone, so score_frame then rescores only the companies that merging changed."""
    tables: list[RawTable] = []
    for p in paths:
        tables.extend(read_file(p, column_map))
    canon, orig, comps = [], [], []
    offset = 0
    for t in tables:
        c, t.frame, comp = _normalize(t, n_jobs, scorer, per_chain)  # the table keeps its original columns
        canon.append(c)
        orig.append(t.frame)
        if comp is not None:
            comp["_row"] += offset
            comps.append(comp)
        offset += len(c)
    companies, originals = _stack(canon), _stack(orig)
    scored = (scorer, per_chain, pd.concat(comps) if len(comps) != 1 else comps[0]) if scorer is not None else None
    return ReadResult(companies, originals, tables, scored)


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The frames one under the other, numbered from 0 (one frame is not copied)."""
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# sending a normalised chunk (canonical and original columns) back and unpacking it here costs
# about as much as normalising it (measured on 100,000 rows: the stage was fastest at 1.0)
SHIP_COST_CANONICAL = 1.0
SHIP_COST_SCORED = 0.6  # scored as well: more work per row for a result not much larger


def _normalize(table: RawTable, n_jobs: int, scorer: Scorer | None = None,
               per_chain: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame | None]:
    """(canonical columns, original columns, components or None) of one table; text-only original
    columns become Arrow strings on the way (same values; cheap to send back from a worker, to take
    rows from and to write). With a scorer, each chunk is scored too (`_row`: position in the table)."""
    def chunk(frame, start):
        canon = normalize_table(replace(table, frame=frame, source_rows=table.source_rows[start:start + len(frame)]))
        comp = None
        if scorer is not None:
            comp = scorer.components(canon.reset_index(drop=True), per_chain=per_chain, n_jobs=1)  # already in a chunk
            comp["_row"] += start
        return canon, _arrow_text_columns(frame), comp

    parts = map_chunks(chunk, table.frame, n_jobs, ship_cost=SHIP_COST_SCORED if scorer else SHIP_COST_CANONICAL)
    if len(parts) == 1:
        return parts[0]
    comps = [p[2] for p in parts]
    return (pd.concat([p[0] for p in parts]), pd.concat([p[1] for p in parts]),
            pd.concat(comps) if scorer is not None else None)


def _arrow_text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    text = [c for c in frame.columns
            if frame[c].dtype == object and pd.api.types.infer_dtype(frame[c], skipna=True) == "string"]
    return frame.astype({c: "str" for c in text}) if text else frame


def best_first(ranked: pd.DataFrame) -> np.ndarray:
    """Row order of a ranking: score, then relevance, both descending (stable)."""
    return np.lexsort((-ranked["relevance"].fillna(0).to_numpy(), -ranked["score"].to_numpy()))


def _assemble(comp: pd.DataFrame, companies: pd.DataFrame, originals: pd.DataFrame) -> pd.DataFrame:
    rows = comp["_row"].to_numpy()
    need = [c for c in dict.fromkeys(CONTRACT_COLUMNS + EXTRA_COLUMNS + ["_orig"]) if c not in comp and c in companies]
    facts = companies[need].iloc[rows].reset_index(drop=True)
    comp = comp.reset_index(drop=True)
    out = pd.DataFrame({c: (comp[c] if c in comp else facts[c]) for c in CONTRACT_COLUMNS})
    orig = originals.iloc[facts["_orig"].to_numpy()].reset_index(drop=True) if len(originals.columns) else pd.DataFrame(index=out.index)
    taken = set(CONTRACT_COLUMNS) | set(EXTRA_COLUMNS)
    orig.columns = [f"原:{c}" if c in taken else c for c in orig.columns]
    extras = pd.DataFrame({c: (comp[c] if c in comp else facts[c]) for c in EXTRA_COLUMNS})
    return pd.concat([out, orig, extras], axis=1)


def _fill_from_merged(originals: pd.DataFrame, companies: pd.DataFrame, merges: pd.DataFrame) -> pd.DataFrame:
    """Original columns of each surviving row, with its empty cells filled from the rows merged into
    it (so an officer's 跟进状态 / 备注 survive even when a vendor row of the same company wins)."""
    if merges.empty or originals.empty:
        return originals
    where = pd.Series(np.arange(len(companies)),
                      index=pd.MultiIndex.from_arrays([companies["source_file"], companies["source_row"]]))
    away = where.reindex(pd.MultiIndex.from_arrays([merges["source_file"], merges["source_row"]])).to_numpy()
    into = where.reindex(pd.MultiIndex.from_arrays([merges["merged_into_file"], merges["merged_into_row"]])).to_numpy()
    ok = ~(pd.isna(away) | pd.isna(into))
    if not ok.any():
        return originals
    away, into = companies["_orig"].to_numpy()[away[ok].astype(int)], companies["_orig"].to_numpy()[into[ok].astype(int)]
    donors = originals.iloc[away].set_axis(into).groupby(level=0).first()  # first non-empty per column
    out = originals.copy()
    heads = donors.index.to_numpy()
    current = out.iloc[heads]
    filled = current.combine_first(donors.set_axis(current.index))[out.columns]
    for j, c in enumerate(out.columns):  # only columns that gain a value are rewritten
        if not filled[c].equals(current[c]):
            out.iloc[heads, j] = filled[c].to_numpy()
    return out


def _components_after_merge(pre: pd.DataFrame, n_input: int, merged: pd.DataFrame, scorer: Scorer,
                            per_chain: bool) -> pd.DataFrame:
    """The components of the merged companies from those scored before merging: a company that
    absorbed other rows (its `merged_rows` lists several) may have gained facts and is scored again;
    every other company is its own input row, unchanged, and keeps its components."""
    grouped = merged["merged_rows"].astype(str).str.contains(";", regex=False).to_numpy()
    position = np.full(n_input, -1, dtype=np.int64)  # input row -> merged position (-1: merged away, rejected)
    position[merged["_orig"].to_numpy()] = np.arange(len(merged))
    at = position[pre["_row"].to_numpy()]
    keep = at >= 0
    keep[keep] = ~grouped[at[keep]]
    kept = pre.iloc[np.flatnonzero(keep)].copy()
    kept["_row"] = at[keep]
    again = np.flatnonzero(grouped)
    if len(again):
        fresh = scorer.components(merged.iloc[again].reset_index(drop=True), per_chain=per_chain, n_jobs=1)
        fresh["_row"] = again[fresh["_row"].to_numpy()]
        kept = pd.concat([kept, fresh])
    out = scorer.in_order(kept, per_chain)
    return out.set_axis(merged.index[out["_row"].to_numpy()])


def score_frame(read: ReadResult, chains: dict[str, Chain] | None = None, zone: Zone | None = None,
                settings: Settings = DEFAULTS, per_chain: bool = False,
                progress: Progress | None = None, as_of=None, local: pd.DataFrame | None = None,
                n_jobs: int = 1) -> ScoreResult:
    """Reject, merge, match and score companies already read. With `local` (the zone's own
    enterprise list, canonical columns), candidates already in the zone are marked 本地 and score 0.
    `n_jobs` processes score a large list (≤ 0: every core; see matcher.jobs)."""
    chains = chains if chains is not None else load_chains()
    zone = zone if zone is not None else load_zone(chains=chains)
    scorer = Scorer(settings, as_of=as_of, n_jobs=n_jobs).fit(chains, zone)
    return _score_read(read, scorer, per_chain, progress, local)


def _score_read(read: ReadResult, scorer: Scorer, per_chain: bool, progress: Progress | None,
                local: pd.DataFrame | None) -> ScoreResult:
    progress = progress or (lambda stage, frac: None)
    companies = read.companies.assign(_orig=np.arange(len(read.companies)))
    n_read = len(companies)
    usable, rejected = reject_rows(companies)
    progress("合并重复企业", 0.4)
    merged, merges = merge_duplicates(usable, FACT_COLUMNS)
    merged = merged.reset_index(drop=True)
    originals = _fill_from_merged(read.originals, companies, merges)
    progress("匹配产业链环节", 0.5)
    pre = read.scored
    if pre is not None and pre[0] is scorer and pre[1] == per_chain:
        comp = _components_after_merge(pre[2], n_read, merged, scorer, per_chain)
    else:
        comp = scorer.components(merged, per_chain=per_chain)
    progress("生成排名", 0.8)
    # carry what re-ranking needs beside the components
    comp["abnormal"] = merged["abnormal"].to_numpy()[comp["_row"].to_numpy()]
    comp["dishonest"] = merged["dishonest"].to_numpy()[comp["_row"].to_numpy()]
    comp["status"] = merged["status"].to_numpy()[comp["_row"].to_numpy()]
    if local is None:  # sort the components, then assemble the ranking in that order
        comp = comp.iloc[best_first(comp)].reset_index(drop=True)
        ranked = _assemble(comp, merged, originals)
    else:
        from .gaps import mark_local  # gaps builds on this module

        ranked = mark_local(_assemble(comp, merged, originals), local, resort=False)
        for c in ("is_local", "score", "tier"):
            comp[c] = ranked[c].to_numpy()
        order = best_first(ranked)
        ranked = ranked.iloc[order].reset_index(drop=True)
        comp = comp.iloc[order].reset_index(drop=True)
    rej = rejected[["source_file", "source_row", "reason"]].reset_index(drop=True)
    if len(read.originals.columns) and len(rejected):
        rej = pd.concat([rej, read.originals.iloc[rejected["_orig"].to_numpy()].reset_index(drop=True)], axis=1)
    counts = {"read": n_read, "scored": len(merged), "merged": len(merges), "rejected": len(rejected)}
    assert counts["read"] == counts["scored"] + counts["merged"] + counts["rejected"], counts
    progress("完成", 1.0)
    return ScoreResult(ranked, rej, merges, counts, read.tables, comp, scorer.chains_, scorer.zone_, scorer.settings)


def score_files(paths: Iterable, zone=None, settings: Settings | None = None, per_chain: bool = False,
                chains: dict[str, Chain] | None = None, column_map: dict[str, str] | None = None,
                progress: Progress | None = None, as_of=None, local: Iterable | None = None,
                n_jobs: int = 1) -> ScoreResult:
    """Read, normalise, merge, match and score candidate files. `zone` may be a Zone or a path;
    `as_of` (a date, default today) is the day company ages are measured at; `local` lists the
    zone's own enterprise files (candidates found there are marked 本地, not targets); `n_jobs`
    processes score a large list (≤ 0: every core)."""
    progress = progress or (lambda stage, frac: None)
    chains = chains if chains is not None else load_chains()
    if zone is None or isinstance(zone, (str, Path)):
        zone = load_zone(zone, chains=chains)
    # fitted before reading: with the inputs prefetched (matcher.prefetch) the fit overlaps the parse
    scorer = Scorer(settings or DEFAULTS, as_of=as_of, n_jobs=n_jobs).fit(chains, zone)
    progress("读取文件", 0.0)
    read = read_companies([Path(p) for p in paths], column_map, n_jobs, scorer=scorer, per_chain=per_chain)
    local_companies = read_companies([Path(p) for p in local], column_map).companies if local else None
    return _score_read(read, scorer, per_chain, progress, local_companies)


def empty_ranking() -> pd.DataFrame:
    """A ranked table with the contract columns and no rows (e.g. to draw a zone's chain map alone)."""
    return pd.DataFrame({c: pd.Series(dtype=object) for c in CONTRACT_COLUMNS + EXTRA_COLUMNS})


def select(ranked: pd.DataFrame, chain_ids: Iterable[str] | None = None, top: int | None = None,
           per_chain: bool = False) -> pd.DataFrame:
    """Limit a ranked table to some chains and/or the top N (per chain when per_chain)."""
    out = ranked
    chain_ids = list(chain_ids or [])
    if chain_ids:
        out = out[out["chain_id"].isin(chain_ids)]
    if top is not None:
        out = out.groupby("chain_id", sort=False, dropna=False).head(top) if per_chain else out.head(top)
    return out.reset_index(drop=True)
