"""The end-to-end run: files in, ranked table, rejected rows, merge log and row accounting out.

Carries out the batch contract that scripts depend on (`matcher.contract`, documented in the README):
read every input, normalise, reject unusable rows, merge duplicates, match and score, and assemble
one row per company under its best chain, sorted by score — contract columns first, then every
original column under its original header, then extra explanation columns. The same scoring pass
keeps the component rows of every other chain a company is filed in (`ScoreResult.chain_rows`; with
per_chain also the near misses), which `chain_view` (matcher.engine.filing) turns into the per-chain
view every per-chain output uses. `ScoreResult.counts` always satisfies read == scored + merged +
rejected.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from .contract import CONTRACT_COLUMNS, EXTRA_COLUMNS, FACT_COLUMNS, LOCAL_TIER, best_first
from .ingest.table import RawTable
from .knowledge.chains import Chain, Zone, load_chains, load_zone
from .knowledge.settings import DEFAULTS, Settings

# The engine and the readers load on first use: a stored ScoreResult (the app's first page) unpickles
# with this module alone, without the matching engine's imports (SciPy, the learned model, …).
if TYPE_CHECKING:
    from .engine.score import Scorer


def __getattr__(name: str):
    if name == "chain_view":  # the per-chain view of a ScoreResult (matcher.engine.filing)
        from .engine.filing import chain_view

        return chain_view
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


Progress = Callable[[str, float], None]


@dataclass
class ReadResult:
    companies: pd.DataFrame  # canonical columns, one row per input data row
    originals: pd.DataFrame  # original columns, same index
    tables: list[RawTable] = field(default_factory=list)


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
    # component rows of every other chain a company is filed in (and, with near_misses, of every chain
    # with relevance > 0 it is not filed in), from the same scoring pass: `chain_view` makes them rows
    chain_rows: pd.DataFrame | None = None
    near_misses: bool = False
    view: str = "company"  # "company": one row per company (its best chain); "chain": a `chain_view`

    def summary(self) -> str:
        c = self.counts
        return f"读取 {c['read']} 行：评分 {c['scored']}，合并 {c['merged']}，拒收 {c['rejected']}"

    def input_accounting(self) -> pd.DataFrame:
        """Per input sheet / file: see `input_accounting`."""
        return input_accounting(self)


def input_accounting(result: ScoreResult) -> pd.DataFrame:
    """Per input sheet / file: source label, format, header row, rows read / scored / merged / rejected
    (read = scored + merged + rejected for every row), and the reader's notes."""

    def count(frame):
        if frame is None or frame.empty or "source_file" not in frame.columns:
            return {}
        return frame["source_file"].astype(str).value_counts().to_dict()

    merged, rejected = count(result.merges), count(result.rejected)
    rows = []
    for t in result.tables or []:
        read = len(t.frame)
        m, j = merged.get(t.label, 0), rejected.get(t.label, 0)
        rows.append(
            {
                "source": t.label,
                "format": t.format,
                "header_row": t.header_row,
                "read": read,
                "scored": read - m - j,
                "merged": m,
                "rejected": j,
                "notes": "；".join(t.notes),
            }
        )
    return pd.DataFrame(
        rows, columns=["source", "format", "header_row", "read", "scored", "merged", "rejected", "notes"]
    )


def read_companies(paths: Iterable, column_map: dict[str, str] | None = None, n_jobs: int = 1) -> ReadResult:
    """Read and normalise every input file (all usable sheets) into one canonical frame; a large
    sheet is normalised in n_jobs processes (≤ 0: every core)."""
    from .ingest.read import read_file

    tables: list[RawTable] = []
    for p in paths:
        tables.extend(read_file(p, column_map))
    canon, orig = [], []
    for t in tables:
        c, t.frame = _normalize(t, n_jobs)  # the table keeps one copy of its original columns
        canon.append(c)
        orig.append(t.frame)
    companies, originals = _stack(canon), _stack(orig)
    return ReadResult(companies, originals, tables)


def _stack(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """The frames one under the other, numbered from 0 (one frame is not copied)."""
    if len(frames) == 1:
        return frames[0].reset_index(drop=True)
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


# sending a normalised chunk (canonical and original columns) back and unpacking it here costs
# about as much as normalising it, so this process keeps a chunk twice a worker's
# (benchmarks/ship_cost.py measures the candidates)
SHIP_COST_CANONICAL = 1.0


def _normalize(table: RawTable, n_jobs: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(canonical columns, original columns) of one table; text-only original columns become Arrow
    strings on the way (same values; cheap to send back from a worker, to take rows from and to write)."""
    from .engine.jobs import map_chunks
    from .ingest.normalize import normalize_table

    def chunk(frame, start):
        canon = normalize_table(replace(table, frame=frame, source_rows=table.source_rows[start : start + len(frame)]))
        return canon, _arrow_text_columns(frame)

    parts = map_chunks(chunk, table.frame, n_jobs, ship_cost=SHIP_COST_CANONICAL)
    if len(parts) == 1:
        return parts[0]
    return pd.concat([p[0] for p in parts]), pd.concat([p[1] for p in parts])


def _arrow_text_columns(frame: pd.DataFrame) -> pd.DataFrame:
    text = [
        c
        for c in frame.columns
        if frame[c].dtype == object and pd.api.types.infer_dtype(frame[c], skipna=True) == "string"
    ]
    return frame.astype(dict.fromkeys(text, "str")) if text else frame


def _assemble(comp: pd.DataFrame, companies: pd.DataFrame, originals: pd.DataFrame) -> pd.DataFrame:
    rows = comp["_row"].to_numpy()
    need = [c for c in dict.fromkeys(CONTRACT_COLUMNS + EXTRA_COLUMNS + ["_orig"]) if c not in comp and c in companies]
    facts = companies[need].iloc[rows].reset_index(drop=True)
    comp = comp.reset_index(drop=True)
    out = pd.DataFrame({c: (comp[c] if c in comp else facts[c]) for c in CONTRACT_COLUMNS})
    orig = (
        originals.iloc[facts["_orig"].to_numpy()].reset_index(drop=True)
        if len(originals.columns)
        else pd.DataFrame(index=out.index)
    )
    taken = set(CONTRACT_COLUMNS) | set(EXTRA_COLUMNS)
    orig.columns = [f"原:{c}" if c in taken else c for c in orig.columns]
    extras = pd.DataFrame({c: (comp[c] if c in comp else facts[c]) for c in EXTRA_COLUMNS})
    return pd.concat([out, orig, extras], axis=1)


def _fill_from_merged(originals: pd.DataFrame, companies: pd.DataFrame, merges: pd.DataFrame) -> pd.DataFrame:
    """Original columns of each surviving row, with its empty cells filled from the rows merged into
    it (so an officer's 跟进状态 / 备注 survive even when a vendor row of the same company wins)."""
    if merges.empty or originals.empty:
        return originals
    where = pd.Series(
        np.arange(len(companies)), index=pd.MultiIndex.from_arrays([companies["source_file"], companies["source_row"]])
    )
    away = where.reindex(pd.MultiIndex.from_arrays([merges["source_file"], merges["source_row"]])).to_numpy()
    into = where.reindex(pd.MultiIndex.from_arrays([merges["merged_into_file"], merges["merged_into_row"]])).to_numpy()
    ok = ~(pd.isna(away) | pd.isna(into))
    if not ok.any():
        return originals
    away, into = (
        companies["_orig"].to_numpy()[away[ok].astype(int)],
        companies["_orig"].to_numpy()[into[ok].astype(int)],
    )
    donors = originals.iloc[away].set_axis(into).groupby(level=0).first()  # first non-empty per column
    out = originals.copy()
    heads = donors.index.to_numpy()
    current = out.iloc[heads]
    filled = current.combine_first(donors.set_axis(current.index))[out.columns]
    for j, c in enumerate(out.columns):  # only columns that gain a value are rewritten
        if not filled[c].equals(current[c]):
            out.iloc[heads, j] = filled[c].to_numpy()
    return out


def score_frame(
    read: ReadResult,
    chains: dict[str, Chain] | None = None,
    zone: Zone | None = None,
    settings: Settings = DEFAULTS,
    per_chain: bool = False,
    progress: Progress | None = None,
    as_of=None,
    local: pd.DataFrame | None = None,
    n_jobs: int = 1,
) -> ScoreResult:
    """Reject, merge, match and score companies already read. With `local` (the zone's own
    enterprise list, canonical columns), candidates already in the zone are marked 本地 and score 0.
    `per_chain`: also keep every chain a company has relevance in but is not filed in, for
    `chain_view(result, filed_only=False)` (`--per-chain`); the ranked table stays one row per company.
    `n_jobs` processes score a large list (≤ 0: every core; see matcher.jobs)."""
    from .engine.score import Scorer

    chains = chains if chains is not None else load_chains()
    zone = zone if zone is not None else load_zone(chains=chains)
    scorer = Scorer(settings, as_of=as_of, n_jobs=n_jobs).fit(chains, zone)
    return _score_read(read, scorer, per_chain, progress, local)


def _score_read(
    read: ReadResult, scorer: Scorer, per_chain: bool, progress: Progress | None, local: pd.DataFrame | None
) -> ScoreResult:
    from .ingest.dedupe import merge_duplicates, reject_rows

    progress = progress or (lambda stage, frac: None)
    companies = read.companies.assign(_orig=np.arange(len(read.companies)))
    n_read = len(companies)
    usable, rejected = reject_rows(companies)
    progress("合并重复企业", 0.4)
    merged, merges = merge_duplicates(usable, FACT_COLUMNS)
    merged = merged.reset_index(drop=True)
    originals = _fill_from_merged(read.originals, companies, merges)
    progress("匹配产业链环节", 0.5)
    ranked, comp, others = rank_companies(merged, originals, scorer, per_chain, local, progress)
    rej = rejected[["source_file", "source_row", "reason"]].reset_index(drop=True)
    if len(read.originals.columns) and len(rejected):
        rej = pd.concat([rej, read.originals.iloc[rejected["_orig"].to_numpy()].reset_index(drop=True)], axis=1)
    counts = {"read": n_read, "scored": len(merged), "merged": len(merges), "rejected": len(rejected)}
    assert counts["read"] == counts["scored"] + counts["merged"] + counts["rejected"], counts
    progress("完成", 1.0)
    return ScoreResult(
        ranked,
        rej,
        merges,
        counts,
        read.tables,
        comp,
        scorer.chains_,
        scorer.zone_,
        scorer.settings,
        chain_rows=others,
        near_misses=per_chain,
    )


def _local_rows(rows: pd.DataFrame, comp: pd.DataFrame) -> pd.DataFrame:
    """Other-chain component rows with the 本地 marking of their company's best row (tier 本地, score 0,
    the 本地 part before their reasons)."""
    from .engine.explain import with_local

    if rows.empty or "is_local" not in comp:
        return rows
    at = pd.Index(comp["_row"]).get_indexer(rows["_row"])
    out = rows.copy()
    for c in ("is_local", "local_match", "local_name"):
        out[c] = comp[c].to_numpy()[at]
    local = out["is_local"].fillna(False).to_numpy(dtype=bool)
    filed = out["filed"].to_numpy(dtype=bool)
    out.loc[local & filed, "score"] = 0.0
    out.loc[local & filed, "tier"] = LOCAL_TIER
    out["reasons"] = with_local(out)
    return out


def rank_companies(
    merged: pd.DataFrame,
    originals: pd.DataFrame,
    scorer: Scorer,
    per_chain: bool = False,
    local: pd.DataFrame | None = None,
    progress: Progress | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(ranked table, components, other-chain rows) of companies already merged (one row each, numbered
    from 0, `_orig` pointing into `originals`), best first. One scoring pass gives each company's best
    row and a row for every other chain it is filed in (with per_chain, also for every chain it has
    relevance in but is not filed in): the third frame, for `chain_view`. Every row is matched and
    scored on its own, so a register scored batch by batch (`matcher.stream`) runs this same code."""
    every = scorer.components(merged, per_chain=True, near_misses=per_chain)
    if progress is not None:
        progress("生成排名", 0.8)
    # carry what re-ranking needs beside the components
    for c in ("abnormal", "dishonest", "status"):
        every[c] = merged[c].to_numpy()[every["_row"].to_numpy()]
    best = every["_best"].to_numpy(dtype=bool)
    comp, others = every[best].reset_index(drop=True), every[~best].reset_index(drop=True)
    del every
    if local is None:  # sort the components, then assemble the ranking in that order
        comp = comp.iloc[best_first(comp)].reset_index(drop=True)
        return _assemble(comp, merged, originals), comp, others
    ranked = _marked(_assemble(comp, merged, originals), local)
    for c in ("is_local", "local_match", "local_name", "score", "tier"):
        comp[c] = ranked[c].to_numpy()
    comp["reasons"] = ranked["reasons"].array
    others = _local_rows(others, comp)
    ranked = ranked.drop(columns="local_name")  # in the components only: outputs keep their columns
    order = best_first(ranked)
    return ranked.iloc[order].reset_index(drop=True), comp.iloc[order].reset_index(drop=True), others


def _marked(ranked: pd.DataFrame, local) -> pd.DataFrame:
    """`matcher.ingest.local.mark_local`, with the 本地 part in the reasons as their template places it."""
    from .engine.explain import with_local
    from .ingest import local as _local

    out = _local.mark_local(ranked, local)
    out["reasons"] = with_local(out)
    return out


def mark_local(ranked: pd.DataFrame, local, resort: bool = True) -> pd.DataFrame:
    """A ranked table with the candidates already in the zone's enterprise list marked (`is_local`,
    `local_match`; tier 本地, score 0; see `matcher.ingest.local`) and the 本地 part in their reasons;
    re-sorted unless resort=False. `local`: a canonical frame of the zone's companies, or a gap profile."""
    out = _marked(ranked, local).drop(columns="local_name")
    return out.iloc[best_first(out)].reset_index(drop=True) if resort and out["is_local"].any() else out


def score_files(
    paths: Iterable,
    zone=None,
    settings: Settings | None = None,
    per_chain: bool = False,
    chains: dict[str, Chain] | None = None,
    column_map: dict[str, str] | None = None,
    progress: Progress | None = None,
    as_of=None,
    local: Iterable | None = None,
    n_jobs: int = 1,
) -> ScoreResult:
    """Read, normalise, merge, match and score candidate files. `zone` may be a Zone or a path;
    `as_of` (a date, default today) is the day company ages are measured at; `local` lists the
    zone's own enterprise files (candidates found there are marked 本地, not targets); `per_chain`
    keeps the near misses for `chain_view(result, filed_only=False)`; `n_jobs` processes score a large
    list (≤ 0: every core)."""
    from .engine.score import Scorer

    progress = progress or (lambda stage, frac: None)
    chains = chains if chains is not None else load_chains()
    if zone is None or isinstance(zone, (str, Path)):
        zone = load_zone(zone, chains=chains)
    # fitted before reading: with the inputs prefetched (matcher.prefetch) the fit overlaps the parse
    scorer = Scorer(settings or DEFAULTS, as_of=as_of, n_jobs=n_jobs).fit(chains, zone)
    progress("读取文件", 0.0)
    read = read_companies([Path(p) for p in paths], column_map, n_jobs)
    local_companies = read_companies([Path(p) for p in local], column_map).companies if local else None
    return _score_read(read, scorer, per_chain, progress, local_companies)
