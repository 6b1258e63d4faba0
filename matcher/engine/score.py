"""Scoring: relevance × gap × priority, strength and risk combined into a 0–100 score, tier and reason.

`Scorer` follows scikit-learn's contract: `__init__` stores a `Settings`, `fit(chains, zone)` learns
the per-segment gap weights and chain priorities (`gap_weight_`, `priority_`) and fits the
`SegmentMatcher`, and `components(frame)` returns component tables. Per company and chain,
`matcher.engine.filing` decides where it is filed (a segment text names, or the chain level) and its
best chain, on evidence and relevance only (fit breaks exact ties); the scorer computes fit =
relevance × gap weight × chain priority (a chain-level filing takes the mean gap weight of the
segments its industry code lists), strength (log-scaled registered capital, 参保人数, age; listed / qualification /
financing tags; a missing fact is neutral), risk (inactive: never a target; 经营异常 / 失信:
penalty), the score, tier A / B / C and a Chinese reason naming every piece of evidence.
`rank(components, settings)` recomputes scores from stored components without re-matching, so a
weight change re-ranks 100,000 companies in milliseconds.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import NamedTuple

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ..contract import CHAIN_LEVEL_SEGMENT, LOCAL_TIER
from ..knowledge.chains import Chain, Zone, segment_table
from ..knowledge.settings import A_FLOORS, DEFAULTS, Settings
from .estimator import Estimator
from .explain import EVIDENCE_COLUMNS, _as_str, evidence_columns, reasons, tier_notes
from .filing import file_chains
from .jobs import map_chunks
from .match import MatchResult, SegmentMatcher

CAPITAL_FULL_WAN = 100_000.0  # 10亿元 registered capital = full capital strength
EMPLOYEES_FULL = 5_000.0
AGE_FULL_YEARS = 30.0
TAG_BONUS = {"listed": 0.25, "qualifications": 0.15, "financing": 0.10}
# a worker's component table (mostly reason text) reaches this process a while after the worker ends,
# about a tenth of its computing time: this process takes a tenth more rows than a worker, so both
# finish together (benchmarks/ship_cost.py measures the candidates)
SHIP_COST_COMPONENTS = 0.1


def strength_components(frame: pd.DataFrame, today: dt.date | None = None) -> pd.DataFrame:
    """capital / employees / age in [0, 1] (NaN when unknown), tag bonus, and the combined strength."""
    today = today or dt.date.today()
    cap = frame["registered_capital_wan"].astype(float)
    emp = frame["employees"].astype(float)
    founded = pd.to_datetime(frame["founded"], errors="coerce")
    years = (pd.Timestamp(today) - founded).dt.days / 365.25
    comp = pd.DataFrame(index=frame.index)
    comp["s_capital"] = np.clip(np.log1p(cap) / math.log1p(CAPITAL_FULL_WAN), 0, 1)
    comp["s_employees"] = np.clip(np.log1p(emp) / math.log1p(EMPLOYEES_FULL), 0, 1)
    comp["s_age"] = np.clip(np.log1p(years.clip(lower=0)) / math.log1p(AGE_FULL_YEARS), 0, 1)
    base = comp[["s_capital", "s_employees", "s_age"]].mean(axis=1, skipna=True).fillna(0.5)
    bonus = (
        frame["listed"].astype(bool) * TAG_BONUS["listed"]
        + frame["qualifications"].notna() * TAG_BONUS["qualifications"]
        + frame["financing"].notna() * TAG_BONUS["financing"]
    )
    comp["s_tags"] = bonus.astype(float)
    comp["strength"] = np.clip(base + bonus, 0, 1).astype(float)
    comp["age_years"] = years
    return comp


def risk_component(frame: pd.DataFrame, settings: Settings) -> pd.Series:
    """Share of the score withheld: 1 for inactive companies, else the 经营异常 / 失信 penalties."""
    keep = (1 - frame["abnormal"].astype(bool) * settings.penalty_abnormal) * (
        1 - frame["dishonest"].astype(bool) * settings.penalty_dishonest
    )
    risk = 1 - keep
    return risk.where(frame["status"] != "inactive", 1.0).astype(float)


def proximity(distance_km, settings: Settings) -> np.ndarray:
    """exp(−distance / 配套半径) in [0, 1]; 0.5 (neutral) where the distance is unknown."""
    d = np.asarray(distance_km, dtype=float)
    return np.where(np.isnan(d), 0.5, np.exp(-np.nan_to_num(d) / settings.radius_km))


class ScoreParts(NamedTuple):
    """A total score and the points its parts add up to (arrays over rows; 0 for rows without a chain)."""

    score: np.ndarray  # 0–100, one decimal
    fit: np.ndarray  # points from fit (relevance × gap weight × priority), before risk
    strength: np.ndarray  # points from strength, before risk
    distance: np.ndarray  # points from proximity, before risk
    risk: np.ndarray  # points withheld for risk (≤ 0): fit + strength + distance + risk ≈ score


def total_score(fit, strength, risk, has_chain, settings: Settings, near=None) -> ScoreParts:
    """score = 100 × (w_fit·fit + w_strength·strength + w_distance·proximity) / Σw × (1 − risk), rounded
    to one decimal, with the points each part contributes (proximity 0.5, neutral, when `near` is None)."""
    near = np.full(len(np.atleast_1d(fit)), 0.5) if near is None else near
    total_w = settings.w_fit + settings.w_strength + settings.w_distance
    if total_w <= 0:
        total_w = 1.0
    raw = (settings.w_fit * fit + settings.w_strength * strength + settings.w_distance * near) / total_w
    score = np.where(has_chain, np.round(100 * raw * (1 - risk), 1), 0.0)
    points = [
        np.where(has_chain, 100 * (w * x) / total_w, 0.0)
        for w, x in ((settings.w_fit, fit), (settings.w_strength, strength), (settings.w_distance, near))
    ]
    keep = 1 - risk
    withheld = np.where(has_chain, -(points[0] + points[1] + points[2]) * (1 - keep), 0.0)
    return ScoreParts(score, *points, withheld)


def _facts(t, name: str, kind=float) -> np.ndarray:
    """A column of t (a table or a mapping of columns) as an array; missing (NaN / None) without it."""
    n = len(t) if isinstance(t, pd.DataFrame) else len(next(iter(t.values())))
    if name not in t:
        return np.full(n, np.nan) if kind is float else np.full(n, None, dtype=object)
    values = t[name]
    if kind is not float and isinstance(values, pd.Series) and values.dtype == bool:
        return values.to_numpy()
    if kind is float:
        try:
            return np.asarray(values, dtype=float)
        except (TypeError, ValueError):  # text or pandas' missing values in a column of numbers
            return pd.to_numeric(pd.Series(np.asarray(values, dtype=object)), errors="coerce").to_numpy(dtype=float)
    return np.asarray(values.to_numpy(dtype=object) if isinstance(values, pd.Series) else values, dtype=object)


def below_a_floor(t, settings: Settings) -> np.ndarray:
    """For every row of t (its facts: employees, registered_capital_wan, age_years, is_branch, status,
    status_raw), the A floors it fails as bits in A_FLOORS order (0: none). A fact that is not known
    fails no floor; a floor set to 0 is off."""
    emp, cap, age = (_facts(t, c) for c in ("employees", "registered_capital_wan", "age_years"))
    branch = _facts(t, "is_branch", object)
    branch = (
        branch.astype(bool) if branch.dtype == bool else pd.array(branch, dtype="boolean").fillna(False).to_numpy(bool)
    )
    status, raw = _facts(t, "status", object), _facts(t, "status_raw", object)
    stated = pd.notna(raw) & (raw != "") | np.isin(status, ["active", "inactive"])
    with np.errstate(invalid="ignore"):
        fails = {
            "employees": emp < settings.a_min_employees,
            "capital": cap < settings.a_min_capital_wan,
            "age": age < settings.a_min_age_years,
            "branch": branch & (settings.a_no_branch >= 0.5),
            "active": stated & (status != "active") & (settings.a_active_only >= 0.5),
        }
    bits = np.zeros(len(emp), dtype=np.uint8)
    for k, floor in enumerate(A_FLOORS):
        bits |= np.where(fails[floor], np.uint8(1 << k), np.uint8(0))
    return bits


def tiers(score, has_chain, settings: Settings, below=None) -> np.ndarray:
    """A ≥ tier_a (B when `below`, the A floors a row fails, is not 0), B ≥ tier_b, else C; '' without a chain."""
    t = np.where(score >= settings.tier_a, "A", np.where(score >= settings.tier_b, "B", "C"))
    if below is not None:
        t = np.where((t == "A") & (np.asarray(below) != 0), "B", t)
    return np.where(has_chain & (score > 0), t, "")


class Scorer(Estimator):
    """Fits on chains and a zone; scores canonical company frames."""

    def __init__(self, settings: Settings = DEFAULTS, as_of: dt.date | None = None, n_jobs: int = 1):
        self.settings = settings
        self.as_of = as_of  # the date company ages are measured at (default: today)
        self.n_jobs = n_jobs  # processes for components() on large frames; ≤ 0: every core

    def fit(self, chains: dict[str, Chain], zone: Zone, y=None):
        self.chains_ = chains
        self.zone_ = zone
        self.segment_table_ = segment_table(chains, zone)
        self.gap_weight_ = self.segment_table_["gap_weight"].to_numpy(dtype=float)
        self.priority_ = self.segment_table_["priority"].to_numpy(dtype=float)
        self.matcher_ = SegmentMatcher(settings=self.settings).fit(chains)
        return self

    # ----------------------------------------------------------------------------------------
    def _distance(self, frame: pd.DataFrame) -> np.ndarray:
        """km from each company to the zone (NaN when the zone or the company cannot be placed)."""
        if self.zone_.lon is None or self.zone_.lat is None:
            return np.full(len(frame), np.nan)
        from .geo import distance_km

        return distance_km(frame, self.zone_).to_numpy(dtype=float)

    def components(
        self, frame: pd.DataFrame, result: MatchResult | None = None, per_chain: bool = False, near_misses: bool = False
    ) -> pd.DataFrame:
        """Component table: one row per company, filed under its best chain (`matcher.engine.filing`),
        or a row without a chain. With `per_chain`, also a row for every other chain the company is
        filed in, and with `near_misses` one for every chain it is not filed in but has relevance > 0
        (`filed` False); `_best` marks each company's one row of the first kind. Rows are in company
        order, a company's rows in chain order. `_row` is each row's position in frame, `_segment` the
        segment chosen. Large frames are cut into row chunks scored in n_jobs processes (see
        matcher.jobs); the table is the same."""
        if result is None and self.n_jobs != 1:

            def chunk_components(chunk, start):
                part = self._components(chunk, None, per_chain, near_misses)
                part["_row"] += start
                return part

            parts = map_chunks(chunk_components, frame, self.n_jobs, ship_cost=SHIP_COST_COMPONENTS)
            return pd.concat(parts) if len(parts) > 1 else parts[0]
        return self._components(frame, result, per_chain, near_misses)

    def _components(
        self, frame: pd.DataFrame, result: MatchResult | None, per_chain: bool, near_misses: bool = False
    ) -> pd.DataFrame:
        result = result if result is not None else self.matcher_.match(frame)
        n = len(frame)
        filing = file_chains(self.matcher_, result, self.gap_weight_, self.priority_, self.settings)
        strength = strength_components(frame, self.as_of)
        risk = risk_component(frame, self.settings)
        rows = np.arange(n)
        chain = filing.best
        best = np.ones(n, dtype=bool)
        if per_chain and len(self.matcher_.chain_ids_):
            other = filing.filed | ((filing.relevance > 0) if near_misses else False)
            other[rows, filing.best] &= ~filing.filed[rows, filing.best]  # the best row covers a filed best chain
            r, c = np.nonzero(other)  # row-major: rows in order, a row's chains in order
            keep = np.r_[rows, r]
            order = np.lexsort((np.r_[np.full(n, -1), c], keep))  # a company's best row first, then its chains
            rows, chain = keep[order], np.r_[chain, c][order]
            best = np.r_[best, np.zeros(len(r), dtype=bool)][order]
        return self._component_rows(frame, result, filing, rows, chain, best, strength, risk)

    def _chain_level_gap(self, result: MatchResult, rows: np.ndarray, chains: np.ndarray) -> tuple[np.ndarray, list]:
        """For chain-level filings (company rows, chain indices): the gap weight they are scored with —
        the mean over the chain's segments the industry code lists (all its segments when it lists
        none) — and the names of those segments."""
        seg = self.segment_table_
        names = seg["segment_name"].to_numpy(dtype=object)
        code = result.code_evidence[rows].toarray() > 0 if len(rows) else np.zeros((0, len(seg)), dtype=bool)
        gaps, listed = np.zeros(len(rows)), []
        for k, ci in enumerate(chains):
            cols = np.flatnonzero(self.matcher_.segment_chain_ == ci)
            cand = cols[code[k, cols]] if code[k, cols].any() else cols
            gaps[k] = float(np.mean(self.gap_weight_[cand]))
            listed.append("、".join(names[cand]) if code[k, cols].any() else None)
        return gaps, listed

    def _component_rows(self, frame, result, filing, rows, chain, best_row, strength, risk) -> pd.DataFrame:
        """Component rows for (company row, chain index) pairs under a filing: a filed pair has its
        chain, segment (or the chain-level mark), fit, score and tier; an unfiled best row has no chain
        (only its relevance); an unfiled other row (a near miss) names its chain and segment, score 0."""
        s = self.settings
        seg = self.segment_table_
        best = filing.segment[rows, chain] if len(rows) else np.zeros(0, dtype=np.int64)
        rel = np.round(filing.relevance[rows, chain].astype(float), 4) if len(rows) else np.zeros(0)
        has_chain = filing.filed[rows, chain] if len(rows) else np.zeros(0, dtype=bool)
        level = filing.chain_level[rows, chain] if len(rows) else np.zeros(0, dtype=bool)
        shown = has_chain | ~best_row  # a near miss names its chain
        gap = self.gap_weight_[best].astype(float)
        lv = np.flatnonzero(level)
        level_gap, level_names = self._chain_level_gap(result, rows[lv], chain[lv])
        gap[lv] = level_gap
        prio = self.priority_[best].astype(float)
        comp = pd.DataFrame(index=frame.index[rows])
        comp["_row"] = rows
        comp["_segment"] = best
        comp["_best"] = best_row
        pick = pa.array(best, mask=~shown)  # segment facts for rows with a chain, missing elsewhere
        seg_pick = pa.array(best, mask=~shown | level)  # a chain-level filing has no segment
        for col, src, at in (
            ("chain_id", "chain_id", pick),
            ("chain_name", "chain_name", pick),
            ("segment_id", "segment_id", seg_pick),
            ("segment_name", "segment_name", seg_pick),
            ("position", "position", seg_pick),
            ("gap_status", "status", seg_pick),
        ):
            values = pa.array(seg[src].to_numpy(dtype=object), type=pa.string()).take(at)
            if col == "segment_name" and len(lv):
                values = pc.replace_with_mask(
                    values, pa.array(level), pa.array([CHAIN_LEVEL_SEGMENT] * len(lv), type=pa.string())
                )
            comp[col] = _as_str(values)
        # the segment serves its chain (construction, operation, distribution): the reason says why it ranks lower
        comp["_serves"] = np.where(shown & ~level, seg["serves"].to_numpy(dtype=bool)[best], False)
        comp["relevance"] = np.round(rel, 4)
        comp["filed"] = has_chain
        comp["chain_level"] = level
        comp["gap_weight"] = np.where(has_chain, np.round(gap, 4), np.nan)
        comp["priority"] = np.where(has_chain, prio, np.nan)
        comp["fit"] = np.where(has_chain, np.round(rel * gap * prio, 4), 0.0)
        st = strength.iloc[rows]
        for c in ("strength", "s_capital", "s_employees", "s_age", "s_tags"):
            comp[c] = np.round(st[c].to_numpy(), 4)
        comp["risk"] = np.round(risk.iloc[rows].to_numpy(), 4)
        comp["distance_km"] = self._distance(frame)[rows]
        comp["proximity"] = np.round(proximity(comp["distance_km"].to_numpy(), s), 4)
        comp["score"] = total_score(
            comp["fit"].to_numpy(),
            comp["strength"].to_numpy(),
            comp["risk"].to_numpy(),
            has_chain,
            s,
            comp["proximity"].to_numpy(),
        ).score
        # what the reason is made of stays as columns; explain renders the text from them
        words = filing.word_segment[rows, chain] if len(rows) else best
        why = evidence_columns(
            self.matcher_, seg, frame, result, rows, best, has_chain, st["age_years"].to_numpy(), shown, words
        )
        level_segments = np.full(len(rows), None, dtype=object)
        level_segments[lv] = level_names
        why["level_segments"] = level_segments
        comp["below_a_floor"] = below_a_floor(why, s)
        comp["tier"] = tiers(comp["score"].to_numpy(), has_chain, s, comp["below_a_floor"].to_numpy())
        comp["reasons"] = _as_str(reasons({**comp, **why}, s))
        comp["tier_note"] = _as_str(tier_notes({**comp, **why}, s))  # why a strong score is not A ('' mostly)
        for col, values in why.items():
            # text or missing: one dtype whatever a chunk holds
            if col in ("code_chain", "resale_chain", "resale_by", "resale_word", "serve_chain", "level_segments"):
                values = pa.array(values, type=pa.string())
            comp[col] = (
                _as_str(values)
                if isinstance(values, pa.Array)
                else values.set_axis(comp.index)
                if isinstance(values, pd.Series)
                else values
            )
        return comp


def _renote(out: pd.DataFrame, settings: Settings) -> None:
    """The reasons of the rows whose A-floor note (why a strong score is B) changes under `settings`
    rendered again, in place (the others are kept as they are). Only rows capped before or now are
    looked at: a weight change re-renders the few that cross the A threshold."""
    bits = out["below_a_floor"].to_numpy()
    capped = (bits != 0) & (out["score"].to_numpy() >= settings.tier_a) & out["chain_id"].notna().to_numpy()
    had = out["tier_note"].str.len().fillna(0).to_numpy() > 0
    rows = np.flatnonzero(capped | had)
    if not len(rows):
        return
    notes = tier_notes(out.iloc[rows], settings)
    old = pa.array(out["tier_note"].iloc[rows].to_numpy(dtype=object), type=pa.string())
    changed = pc.not_equal(notes, old).to_numpy(zero_copy_only=False)
    if not changed.any():
        return
    k = rows[changed]
    text = reasons(out.iloc[k], settings).to_numpy(zero_copy_only=False)
    out.iloc[k, out.columns.get_loc("tier_note")] = notes.filter(pa.array(changed)).to_numpy(zero_copy_only=False)
    out.iloc[k, out.columns.get_loc("reasons")] = text


def rank(components: pd.DataFrame, settings: Settings) -> pd.DataFrame:
    """Recompute score and tier from stored components under new settings (no re-matching).

    Reads only the RANK-stage settings (weights, tiers, the A floors, distance, 经营异常 / 失信 penalties
    when the components carry the flags); MATCH-stage settings (evidence weights, min_relevance) need a new match.
    """
    has_chain = components["chain_id"].notna().to_numpy()
    if "filed" in components:  # a per-chain row of a chain the company is not filed in has no score
        has_chain = has_chain & components["filed"].fillna(False).to_numpy(dtype=bool)
    out = components.copy()
    if {"abnormal", "dishonest", "status"} <= set(out.columns):  # penalties are rank settings too
        out["risk"] = np.round(risk_component(out, settings).to_numpy(), 4)
    risk = out["risk"].to_numpy()
    near = proximity(out["distance_km"].to_numpy(), settings) if "distance_km" in out else None
    if near is not None:  # rounded as the scorer stores it, so a re-rank under the same settings scores alike
        near = out["proximity"] = np.round(near, 4)
    out["score"] = total_score(out["fit"].to_numpy(), out["strength"].to_numpy(), risk, has_chain, settings, near).score
    below = None
    if "below_a_floor" in out:  # the A floors are rank settings: the facts are kept beside the components
        out["below_a_floor"] = below = below_a_floor(out, settings)
    out["tier"] = tiers(out["score"].to_numpy(), has_chain, settings, below)
    if "is_local" in out:  # already in the zone: 强链 partners, never 补链 targets
        local = out["is_local"].fillna(False).to_numpy(dtype=bool)
        out.loc[local, "score"] = 0.0
        out.loc[local, "tier"] = LOCAL_TIER
    if below is not None and "tier_note" in out and set(EVIDENCE_COLUMNS) <= set(out.columns):
        _renote(out, settings)
    return out.sort_values(["score", "relevance"], ascending=False, kind="stable")
