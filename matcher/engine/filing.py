"""Filing: where a company goes in every chain it serves, decided from what it does.

For every company and every chain `file_chains` decides, from one `MatchResult`:

- whether the company is filed in the chain: its best relevance in the chain reaches `min_relevance`
  (the same test as ever: text, industry code and leader names together);
- under which segment: the segment with the most evidence among the segments that text evidence
  names (keywords in the name, 简介 or 经营范围, or a leader's name). An industry code (and a 经营范围
  item naming a GB/T 小类, see SegmentMatcher.scope_code_support) adds evidence to the segments it lists, so it narrows the choice among those, but it never chooses a segment by
  itself: a text-named segment is filed under only when it reaches `min_relevance` without the
  support the code gives it through the chain's other segments (`chain_support`). When no
  text-named segment does although the chain does (the code and the text together), the company is
  filed at chain level (`chain_level`): it serves the chain, its segment is for an officer to
  verify, and it fills no particular segment in a gap map;
- what relevance it is shown with: the chosen segment's, or the chain's best for a chain-level filing
  (a filed chain's never under `min_relevance`);
- its best chain: the filed chain with the most relevance (the machine table's one row per company).

Segments and chains are compared on evidence and relevance, never on the zone's gap weights: only
an exact tie is broken by fit (relevance × gap weight × priority), so a company's segment does not move
when the zone's gap profile changes.

`chain_view(result)` turns a scored result (each company's best row, plus the rows of the other chains
it is filed in, scored in the same pass) into the per-chain view every per-chain output draws from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..contract import best_first
from ..errors import MatcherError
from ..knowledge.settings import Settings
from .learned import reaches
from .match import FIELDS, MatchResult, SegmentMatcher


@dataclass
class Filing:
    """Per company (rows) and chain (columns, in the matcher's chain order)."""

    segment: np.ndarray  # n × C int: the segment (global index) chosen in each chain
    relevance: np.ndarray  # n × C float32: the relevance shown for that chain
    filed: np.ndarray  # n × C bool: relevance (4 decimals) ≥ min_relevance
    chain_level: np.ndarray  # n × C bool: filed, but no text-named segment reaches min_relevance
    word_segment: np.ndarray  # n × C int: the segment whose matched words the reason quotes
    best: np.ndarray  # n int: the best chain (the filed chain with most relevance; else the most relevant)


def text_segments(matcher: SegmentMatcher, result: MatchResult) -> sp.csr_matrix:
    """n × S, 1 where text evidence names the segment: a keyword of the segment (strong or weak) found
    in any text field, or one of its leaders' names. The industry code is not text evidence."""
    words = (matcher._strong_mask_ + matcher._weak_mask_).T.tocsr()  # K × S
    n_seg = words.shape[1]
    out = sp.csr_matrix((result.relevance.shape[0], n_seg), dtype=np.float32)
    for f in FIELDS:
        h = result.hits[f]
        if h.nnz:
            out = out + (h > 0).astype(np.float32) @ words
    if result.leader_hits.nnz:
        out = out + (result.leader_hits > 0).astype(np.float32) @ matcher.leader_segments_
    out = out.tocsr()
    out.data[:] = 1.0
    out.eliminate_zeros()
    return out


def choose(key: np.ndarray, *ties: np.ndarray) -> np.ndarray:
    """Column of the largest key per row; only an exact tie is broken, by the larger value of each of `ties` in
    turn (then the first column). Rows of a 2-D array."""
    best = key.argmax(axis=1)
    top = key[np.arange(len(key)), best]
    at_top = key == top[:, None]
    tied = np.flatnonzero(at_top.sum(axis=1) > 1)
    if len(tied):
        left = at_top[tied]
        for t in ties:
            value = np.where(left, t[tied], -np.inf)
            left &= value == value.max(axis=1, keepdims=True)
        best[tied] = left.argmax(axis=1)
    return best


def file_chains(
    matcher: SegmentMatcher, result: MatchResult, gap_weight: np.ndarray, priority: np.ndarray, settings: Settings
) -> Filing:
    """Where every company is filed in every chain (see the module docstring)."""
    min_relevance = settings.min_relevance
    rel = result.relevance
    n = rel.shape[0]
    n_chains = len(matcher.chain_ids_)
    text = text_segments(matcher, result)
    shape = (n, n_chains)
    segment = np.zeros(shape, dtype=np.int64)
    word_segment = np.zeros(shape, dtype=np.int64)
    shown = np.zeros(shape, dtype=np.float32)
    filed = np.zeros(shape, dtype=bool)
    chain_level = np.zeros(shape, dtype=bool)
    fit_shown = np.zeros(shape, dtype=np.float64)
    rows = np.arange(n)
    for ci in range(n_chains):
        cols = np.flatnonzero(matcher.segment_chain_ == ci)
        if not len(cols):
            continue
        r = rel[:, cols]
        ev = result.evidence[:, cols]
        fit = r.astype(np.float64) * gap_weight[cols] * priority[cols]
        named = text[:, cols].toarray() > 0
        # on an exact tie of evidence a segment of makers goes before one that serves the chain, then the one the
        # relevance ranks first (a trader's words tie in evidence and rank apart), then fit decides
        makers = np.broadcast_to(~np.isin(cols, matcher.serving_), r.shape)
        any_best = choose(ev, makers, r, fit)  # the most relevant segment, whatever its evidence
        text_best = choose(np.where(named, ev, -np.inf), makers, r, fit)  # the most relevant segment text names
        has_text = named.any(axis=1)
        r_any = r[rows, any_best]
        r_text = np.where(has_text, r[rows, text_best], 0.0)
        # the text-named segment's relevance without what the code lends it through the chain's other
        # segments (where the chain has text, the code's evidence is spread by chain_support)
        code = result.code_evidence[:, cols].toarray()
        if result.scope_code_support is not None:  # the 经营范围 items' 小类 lend like the industry code
            code += result.scope_code_support[:, cols].toarray()
        lent = settings.chain_support * (code.sum(axis=1) - code[rows, text_best])
        own = np.maximum(ev[rows, text_best] - lent, 0.0)
        r_own = np.where(has_text, 1.0 - np.exp(-own / settings.evidence_scale), 0.0)
        in_chain = reaches(r_any, min_relevance)
        by_text = in_chain & has_text & reaches(r_own, min_relevance)
        pick = np.where(by_text, text_best, any_best)
        segment[:, ci] = cols[pick]
        word_segment[:, ci] = cols[np.where(has_text, text_best, any_best)]
        # a filed chain shows at least the minimum relevance: its segment's own evidence reaches it, but the
        # learned model may have scaled the chain down (learned.join / hold_filing hold only the chain's best)
        shown[:, ci] = np.where(by_text, r_text, r_any)
        shown[:, ci] = np.where(in_chain, np.maximum(shown[:, ci], np.float32(min_relevance)), shown[:, ci])
        filed[:, ci] = in_chain
        chain_level[:, ci] = in_chain & ~by_text
        fit_shown[:, ci] = fit[rows, pick]
    # best chain: a filed chain before any other (a filed chain's relevance is ≥ min_relevance, an
    # unfiled one's below), then relevance, then (exact ties only) fit
    best = choose(shown.astype(np.float64) + filed * 2.0, fit_shown) if n_chains else np.zeros(n, dtype=np.int64)
    return Filing(segment, shown, filed, chain_level, word_segment, best)


# --------------------------------------------------------------------------------------------
# the per-chain view of a scored result


def chain_view(result, filed_only: bool = True):
    """The per-chain view of a result: one row per company and chain it is filed in (every chain a
    company serves, each with its segment, score and tier there), best first; with filed_only=False
    also one row for every chain with relevance > 0 it is not filed in (`filed` False, score 0: near
    misses; the result must have been scored with per_chain=True). Made from the result's stored
    component rows (`chain_rows`, scored in the same pass and re-ranked with it): nothing is matched
    again. The ranked table and the components keep their contract columns and stay aligned row for
    row; counts, rejected rows and merges are the result's. Every per-chain output (workbook chain
    sheets, 汇总, 招商地图, the HTML map, the app's chain lists, `--per-chain`) is drawn from it, so their
    counts agree. `result`: a `matcher.pipeline.ScoreResult` (any dataclass with its fields)."""
    if getattr(result, "view", "company") == "chain":
        if filed_only:
            keep = result.components["filed"].to_numpy(dtype=bool)
            return replace(
                result,
                ranked=result.ranked[keep].reset_index(drop=True),
                components=result.components[keep].reset_index(drop=True),
            )
        return result
    if not filed_only and not getattr(result, "near_misses", False):
        raise MatcherError("按产业链展开全部相关行（含未达门槛的）需要以 per_chain=True 评分")
    comp, ranked = result.components, result.ranked
    has = comp["chain_id"].notna().to_numpy()
    others = getattr(result, "chain_rows", None)
    others = others if others is not None else comp.iloc[:0]
    if filed_only and len(others):
        others = others[others["filed"].to_numpy(dtype=bool)]
    # a company's facts and original columns come from its best row; the chain's columns from its own
    # component row. One take of the ranked table (its many text columns are the cost), then the
    # chain's columns from the components, which hold the same values on the best rows.
    first = np.flatnonzero(has)
    view_comp = pd.concat([comp.iloc[first], others], ignore_index=True)
    order = best_first(view_comp)
    view_comp = view_comp.iloc[order].reset_index(drop=True)
    source = np.r_[first, pd.Index(comp["_row"]).get_indexer(others["_row"])][order]
    view_ranked = ranked.take(source).reset_index(drop=True)
    own = [c for c in view_ranked.columns if c in _CHAIN_COLUMNS or c == "reasons"]
    view_ranked = view_ranked.assign(**{c: view_comp[c].array for c in own if c in view_comp})
    return replace(result, ranked=view_ranked, components=view_comp, chain_rows=None, view="chain")


# the columns a per-chain row has of its own (the rest are its company's)
_CHAIN_COLUMNS = frozenset(
    [
        "chain_id",
        "chain_name",
        "segment_id",
        "segment_name",
        "relevance",
        "gap_weight",
        "score",
        "tier",
        "position",
        "gap_status",
        "priority",
        "fit",
        "filed",
        "chain_level",
        "scope_code_support",
    ]
)
