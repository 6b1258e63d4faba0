"""The zone's own gap profile, computed from its enterprise list (企业库), and the 本地企业 marking.

Owns how a zone's local companies become segment statuses: every local company is read, merged and
filed with the same engine as candidates (`score_frame`), under its single best segment when that
relevance reaches `Settings.min_relevance` (one segment per company: on the synthetic sample the best
segment is the right chain for 93.5 % of companies, a second chain's best segment for under 10 %, and
relevance ≥ min_relevance in every segment would put each company in ~14 segments because of same-chain
support). Per segment it counts the local companies that are not inactive (`local_count`) and their
strength-weighted coverage (each company counts 0.5 + strength: 1 for an average company, up to 1.5 for a
strong one, down to 0.5 for a shell), compares the coverage with the target count (chain data
`target_count`, overridable per segment in the zone file) and derives the status: coverage ≥ target →
优势, ≥ half the target → 一般, > 0 → 薄弱, none → 缺失; the gap weight follows from the zone's
`status_weights`. A status an officer wrote in the zone file (neither `assumed: true` nor
`computed: true`) wins over the computed one and is marked `overridden`. The profile is written as a CSV
table, as a zone YAML that `matcher score --zone` accepts, or as a formatted xlsx report
(`matcher.outputs.gap_report`). Candidates already in the zone are marked by `matcher.ingest.local`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from .contract import GAP_COLUMNS
from .knowledge.chains import (
    FAIR_RATIO,
    STRONG_RATIO,
    Chain,
    SegmentStatus,
    Zone,
    load_chains,
    load_zone,
    segment_table,
)
from .knowledge.settings import DEFAULTS, Settings
from .pipeline import ReadResult, read_companies, score_frame

EXAMPLES = 5  # local companies named as evidence per segment

LOCAL_COLUMNS = [
    "company_name",
    "credit_code",
    "status",
    "chain_id",
    "chain_name",
    "segment_id",
    "segment_name",
    "relevance",
    "strength",
    "weight",
    "counted",
    "source_file",
    "source_row",
]


@dataclass
class GapProfile:
    """Result of a gap computation.

    segments: one row per chain segment — `GAP_COLUMNS`, then `computed_status` (from the local list),
      `zone_status` (what the zone file said), `ratio` (coverage / target), `priority_level`, `note`.
    companies: one row per local company after merging (`LOCAL_COLUMNS`); `counted` says whether it
      counts towards its segment (filed under a segment — not at chain level — and not inactive).
    counts: read / scored / merged / rejected (as for scoring), filed, counted.
    zone: the zone profile the computation started from; chains: the chains used.
    """

    segments: pd.DataFrame
    companies: pd.DataFrame
    counts: dict
    zone: Zone
    chains: dict
    sources: tuple = ()

    def summary(self) -> str:
        c = self.counts
        by = self.segments["status"].value_counts()
        statuses = "，".join(f"{s} {int(by.get(s, 0))}" for s in ("优势", "一般", "薄弱", "缺失"))
        return (
            f"企业库 {c['scored']} 家（计入环节 {c['counted']} 家）；{len(self.segments)} 个环节：{statuses}"
            f"（人工设定 {int(self.segments['overridden'].sum())}）"
        )

    def to_zone(self) -> Zone:
        """The zone profile with the computed statuses (officer-set statuses kept), for scoring."""
        chains = {}
        for cid, zc in self.zone.chains.items():
            segs = dict(zc.segments)
            for r in self.segments[self.segments["chain_id"] == cid].itertuples():
                segs[r.segment_id] = _segment_status(r, zc.segments.get(r.segment_id))
            chains[cid] = replace(zc, segments=segs)
        return replace(self.zone, chains=chains, source=f"{self.zone.source}（企业库测算）")


# --------------------------------------------------------------------------------------------
# computing


def strength_weight(strength) -> np.ndarray:
    """A local company's share of coverage: 0.5 + strength (strength in [0, 1], 0.5 when unknown)."""
    s = pd.Series(strength, dtype=float).fillna(0.5).clip(0, 1).to_numpy()
    return 0.5 + s


def gap_status(coverage, target, strong: float = STRONG_RATIO, fair: float = FAIR_RATIO) -> np.ndarray:
    """优势 / 一般 / 薄弱 / 缺失 from coverage and target count (element-wise)."""
    cov = np.asarray(coverage, dtype=float)
    ratio = cov / np.maximum(np.asarray(target, dtype=float), 1e-9)
    return np.select([ratio >= strong, ratio >= fair, cov > 0], ["优势", "一般", "薄弱"], "缺失").astype(object)


def compute_gaps(
    read: ReadResult,
    chains: dict[str, Chain] | None = None,
    zone: Zone | None = None,
    settings: Settings = DEFAULTS,
    as_of=None,
    progress=None,
    sources: Iterable = (),
) -> GapProfile:
    """Gap profile of a zone from its enterprise list (already read with `read_companies`)."""
    chains = chains if chains is not None else load_chains()
    zone = zone if zone is not None else load_zone(chains=chains)
    result = score_frame(read, chains, zone, settings, per_chain=False, progress=progress, as_of=as_of)
    r = result.ranked
    filed = r["chain_id"].notna().to_numpy()
    # a company filed at chain level (no text names its segment) fills no segment: not counted
    counted = filed & r["segment_id"].notna().to_numpy() & (r["status"] != "inactive").to_numpy()
    companies = pd.DataFrame({c: r[c] for c in LOCAL_COLUMNS if c in r})
    companies["weight"] = np.where(counted, np.round(strength_weight(r["strength"]), 2), 0.0)
    companies["counted"] = counted
    companies = companies[LOCAL_COLUMNS]

    seg = segment_table(chains, zone)
    cnt = companies[counted].sort_values(["weight", "relevance"], ascending=False, kind="stable")
    groups = cnt.groupby(["chain_id", "segment_id"], sort=False)
    stats = pd.DataFrame(
        {
            "local_count": groups.size(),
            "coverage": groups["weight"].sum(),
            "local_examples": groups["company_name"].agg(lambda names: "；".join(names.astype(str).head(EXAMPLES))),
        }
    ).reset_index()
    table = seg.merge(stats, on=["chain_id", "segment_id"], how="left")
    table["local_count"] = table["local_count"].fillna(0).astype(int)
    table["coverage"] = table["coverage"].fillna(0.0).astype(float).round(2)
    table["local_examples"] = table["local_examples"].fillna("")
    table["target_count"] = table["target_count"].astype(int)
    table["ratio"] = (table["coverage"] / table["target_count"]).round(3)
    table["computed_status"] = gap_status(table["coverage"], table["target_count"])
    table["zone_status"] = table["status"]
    officer = ~table["assumed"].astype(bool) & ~table["computed"].astype(bool)
    table["overridden"] = officer.to_numpy()
    table["status"] = np.where(officer, table["zone_status"], table["computed_status"])
    table["gap_weight"] = table["status"].map(zone.status_weights).astype(float)
    table["note"] = [_note(r, zone.segment_status(r.chain_id, r.segment_id)) for r in table.itertuples()]
    segments = table[GAP_COLUMNS + ["computed_status", "zone_status", "ratio", "priority_level", "note"]]
    counts = {**result.counts, "filed": int(filed.sum()), "counted": int(counted.sum())}
    return GapProfile(
        segments.reset_index(drop=True),
        companies.reset_index(drop=True),
        counts,
        zone,
        chains,
        tuple(str(s) for s in sources),
    )


def gaps_files(
    paths: Iterable,
    zone=None,
    settings: Settings | None = None,
    chains: dict[str, Chain] | None = None,
    column_map: dict[str, str] | None = None,
    as_of=None,
    progress=None,
) -> GapProfile:
    """Read the zone's enterprise list (any format `read_companies` takes) and compute its gap profile.
    `zone` may be a Zone or a path (default: the shipped zone); its officer-set statuses win."""
    chains = chains if chains is not None else load_chains()
    if zone is None or isinstance(zone, (str, Path)):
        zone = load_zone(zone, chains=chains)
    paths = [Path(p) for p in paths]
    read = read_companies(paths, column_map)
    return compute_gaps(read, chains, zone, settings or DEFAULTS, as_of, progress, sources=[p.name for p in paths])


def _note(r, zone_st: SegmentStatus) -> str:
    measured = f"企业库测算：本地{r.local_count}家，加权覆盖{r.coverage:g}/目标{r.target_count}"
    if r.overridden:
        return f"人工设定{r.status}（{measured}，测算为{r.computed_status}）" + (
            f"；{zone_st.note}" if zone_st.note else ""
        )
    return measured


def _segment_status(r, old: SegmentStatus | None) -> SegmentStatus:
    target = old.target_count if old is not None else None
    if r.overridden:
        return old
    return SegmentStatus(r.status, assumed=False, note=r.note, target_count=target, computed=True)
