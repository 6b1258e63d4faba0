"""Where the learned chain model (matcher.learn) joins the knowledge-based relevance.

`model_inputs` adds the columns the model reads that the engine derives (a name's industry part, a
经营范围's kept items). `knowledge_features` turns what matching found into the stacker's per-chain
inputs (n × chains arrays: the chain's relevance, whether its industry code, name, 简介, 经营范围 or leader names gave evidence,
how much the 经营范围 items' GB/T 小类 support it, and which fields the row has). `join` asks the model for its relevance per chain and blends it with
the engine's: chain relevance R = (1 − w)·r + w·m (w: the `model_weight` setting × the chain's share in
the artefact, `chain_weights`; r: the engine's
best segment relevance in the chain, m: the model's), and every segment of the chain is scaled by
R / r, so the segment ranking inside a chain — what the company does — stays the knowledge's. In a
chain without any knowledge evidence (r = 0) the model ranks the company (a near miss a script sees
in --per-chain) but never files it: its relevance stays under the minimum, since nothing names the
segment.

Which companies are filed (the `model_files` setting, chosen on inner folds by benchmarks/train_model.py
between the two FILING_RULES): "combined" files on R; "knowledge" files on the knowledge's r alone and
ranks on R (`hold_filing`): a chain the knowledge files keeps R but at least the minimum relevance, a
chain it does not file keeps R but under the minimum, so the model reorders companies within the filed
and within the unfiled but never moves one across the threshold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..ingest.names import industry_parts
from ..ingest.scope import scope_columns
from ..learn.model import ChainModel

ALONE_FLOOR = 0.1  # the model's relevance from which it ranks a company in a chain without knowledge evidence
# what decides whether a company is filed in a chain: the combined relevance, or the knowledge's alone
# (the combined relevance then only ranks: hold_filing); the value of the setting model_files for each
MODEL_FILES = {"combined": 1.0, "knowledge": 0.0}
FILING_RULES = tuple(MODEL_FILES)
# how far a company's main chain stays above its other filed chains (held_chain): over float32 rounding
# in hold_filing's scaling, under what a relevance shows (4 decimals)
MAIN_MARGIN = np.float32(1e-5)


def _chain_any(m: sp.spmatrix | np.ndarray, chain_of: sp.csr_matrix) -> np.ndarray:
    """n × C booleans: whether any segment of the chain has a positive entry in m (n × S)."""
    m = sp.csr_matrix(m)
    m = (m > 0).astype(np.float32)
    return np.asarray((m @ chain_of).todense()) > 0


def chain_indicator(segment_chain: np.ndarray, n_chains: int) -> sp.csr_matrix:
    """S × C: 1 where the segment belongs to the chain."""
    s = len(segment_chain)
    return sp.csr_matrix((np.ones(s, np.float32), (np.arange(s), segment_chain)), shape=(s, n_chains))


def chain_max(relevance: np.ndarray, segment_chain: np.ndarray, n_chains: int) -> np.ndarray:
    """n × C: the best segment relevance of every chain."""
    out = np.zeros((len(relevance), n_chains), dtype=np.float32)
    for c in range(n_chains):
        cols = segment_chain == c
        if cols.any():
            out[:, c] = relevance[:, cols].max(axis=1)
    return out


def _present(frame: pd.DataFrame, column: str) -> np.ndarray:
    return frame[column].notna().to_numpy() if column in frame else np.zeros(len(frame), dtype=bool)


def knowledge_features(matcher, frame: pd.DataFrame, result, relevance: np.ndarray) -> dict[str, np.ndarray]:
    """The stacker's knowledge inputs (matcher.learn.model.KNOWLEDGE_FEATURES), each n × C float32 with
    C = the matcher's chains, from a fitted SegmentMatcher's match result and its relevance (n × S)."""
    n_chains = len(matcher.chain_ids_)
    chain_of = chain_indicator(matcher.segment_chain_, n_chains)
    keywords = (matcher.strong_weights_ + matcher.weak_weights_).tocsr()
    n = len(frame)

    def rows(flag: np.ndarray) -> np.ndarray:
        return np.repeat(flag.astype(np.float32)[:, None], n_chains, axis=1)

    hit = {f: _chain_any(h @ keywords, chain_of) for f, h in result.hits.items()}
    none = np.zeros((n, n_chains), dtype=bool)
    has_intro, has_scope = _present(frame, "intro"), _present(frame, "scope")
    has_code = _present(frame, "industry_code") | pd.notna(result.scope_code)
    best = chain_max(relevance, matcher.segment_chain_, n_chains)
    support = result.scope_code_support
    if support is None or not support.nnz:
        scope_code = np.zeros((n, n_chains), dtype=np.float32)
    else:  # the best segment's support in the chain, as the engine adds it (scope_code_weight per item), capped
        scope_code = np.minimum(chain_max(support.toarray(), matcher.segment_chain_, n_chains), 1.0)
    return {
        "relevance": best,
        "evidence": np.minimum(-np.log1p(-np.minimum(best, 0.999)), 5.0).astype(np.float32),
        "code": _chain_any(result.code_evidence, chain_of).astype(np.float32),
        "name_hit": hit.get("name", none).astype(np.float32),
        "intro_hit": hit.get("intro", none).astype(np.float32),
        "scope_hit": hit.get("scope", none).astype(np.float32),
        "scope_code": scope_code.astype(np.float32),
        "leader": _chain_any(result.leader_hits @ matcher.leader_segments_, chain_of).astype(np.float32),
        "has_intro": rows(has_intro),
        "has_scope": rows(has_scope),
        "has_code": rows(has_code),
        "name_only": rows(~(has_intro | has_scope | has_code)),
    }


# columns the text model may read besides the canonical ones, derived from them as the engine reads them:
# a name's industry part (its 字号 is a brand, matcher/ingest/names.py), a 经营范围's kept items and main
# items (boilerplate dropped, matcher/ingest/scope.py)
DERIVED = ("name_industry", "scope_items", "scope_main")


def derived_columns(frame: pd.DataFrame, columns=DERIVED) -> dict[str, pd.Series]:
    """The DERIVED `columns` of frame that its canonical columns allow (each text parsed once)."""
    out = {}
    if "name_industry" in columns and "company_name" in frame:
        out["name_industry"] = industry_parts(frame["company_name"])
    scope = [c for c in ("scope_items", "scope_main") if c in columns]
    if scope and "scope" in frame:
        parsed = scope_columns(frame["scope"])
        out.update({c: parsed[c] for c in scope})
    return out


def model_inputs(model: ChainModel, frame: pd.DataFrame) -> pd.DataFrame:
    """frame with the derived columns the model reads and frame lacks."""
    wanted = [c for c in DERIVED if c in {f.column for f in model.fields} and c not in frame]
    extra = derived_columns(frame, wanted) if wanted else {}
    return frame.assign(**extra) if extra else frame


def model_relevance(model: ChainModel, chain_ids, feats: dict, frame: pd.DataFrame) -> np.ndarray:
    """n × C (the matcher's chains, in its order): the model's relevance; NaN for a chain the model
    does not know (a chain file added after training)."""
    known = [c for c in chain_ids if c in model.chain_ids]
    out = np.full((len(frame), len(chain_ids)), np.nan, dtype=np.float32)
    if not known:
        return out
    at = [list(chain_ids).index(c) for c in model.chain_ids if c in chain_ids]
    pick = [model.chain_ids.index(c) for c in model.chain_ids if c in chain_ids]
    # the model scores its own chains in its own order; chains the matcher lacks get no evidence
    full = {k: np.zeros((len(frame), len(model.chain_ids)), dtype=np.float32) for k in feats}
    for k, v in feats.items():
        full[k][:, pick] = v[:, at]
    out[:, at] = model.relevance(full, model_inputs(model, frame))[:, pick]
    return out


def chain_weights(model: ChainModel, chain_ids, weight: float) -> np.ndarray:
    """(C,) the blend weight of every chain of the matcher (in its order): `weight` (the model_weight
    setting) × the chain's share in the artefact; 0 for a chain the model does not know."""
    share = dict(zip(model.chain_ids, model.chain_share.tolist(), strict=True))
    return np.array([weight * share.get(c, 0.0) for c in chain_ids], dtype=np.float32)


def join(relevance: np.ndarray, segment_chain: np.ndarray, model_rel: np.ndarray, weight, ceiling: float) -> np.ndarray:
    """The blended n × S relevance. Where the chain has knowledge evidence (r > 0): every segment scaled by
    R / r with R = (1 − weight)·r + weight·m (r: best segment relevance, m: model relevance; weight: one
    number, or one per chain). Where it
    has none and the model's relevance is at least ALONE_FLOOR: every segment of the chain at
    weight·m·ceiling, below `ceiling` (just under the minimum relevance): the company ranks in the
    chain but is not filed there, since nothing names its segment. A chain the model does not know
    (m NaN) keeps its relevance."""
    n_chains = model_rel.shape[1]
    weight = np.broadcast_to(np.asarray(weight, dtype=np.float32), (n_chains,))
    r = chain_max(relevance, segment_chain, n_chains)
    known = ~np.isnan(model_rel)
    m = np.nan_to_num(model_rel, nan=0.0)
    factor = np.where((r > 0) & known, ((1.0 - weight) * r + weight * m) / np.where(r > 0, r, 1.0), 1.0)
    out = relevance * factor.astype(np.float32)[:, segment_chain]
    alone = (r == 0) & known & (m >= ALONE_FLOOR)
    if alone.any():
        value = (weight * m * ceiling).astype(np.float32)
        at = alone[:, segment_chain]
        out[at] = value[:, segment_chain][at]
    np.clip(out, 0.0, 1.0, out=out)
    return out


def reaches(relevance, threshold: float) -> np.ndarray:
    """Where a relevance files: at or above the threshold read at 4 decimals, as it is shown (float32
    arithmetic lands a relevance held at 0.70 on 0.6999999)."""
    return np.round(np.asarray(relevance, dtype=np.float64), 4) >= threshold


def held_chain(knowledge: np.ndarray, combined: np.ndarray, threshold: float, ceiling: float) -> np.ndarray:
    """n × C chain relevance filed as `knowledge` files (its 4 decimals ≥ threshold, as the filing rounds)
    and ranked as `combined`: combined, held up at the threshold where the knowledge files a chain the
    model would take under it, held down at `ceiling` (under the threshold) where the knowledge does not
    file a chain the model would take over it."""
    filed = reaches(knowledge, threshold)
    held = np.where(filed, np.maximum(combined, threshold), np.minimum(combined, ceiling)).astype(np.float32)
    return _keep_main_chain(held, knowledge, filed, threshold)


def _keep_main_chain(held: np.ndarray, knowledge: np.ndarray, filed: np.ndarray, threshold: float) -> np.ndarray:
    """`held` with every row's main chain — of the chains `knowledge` files, the one it finds most
    relevant (on a tie, the one `held` ranks first) — kept first by MAIN_MARGIN: another filed chain the
    model ranks over it comes down under it (not under the threshold; where that is not enough, the main
    chain goes up). What files a company also says what it mainly does; the model ranks within each chain."""
    rows = np.flatnonzero(filed.any(axis=1))
    if not len(rows):
        return held
    at = np.arange(len(rows))
    k, h = knowledge[rows], held[rows]
    top = filed[rows] & (k >= k.max(axis=1, keepdims=True) - 1e-6)
    main = np.where(top, h, -np.inf).argmax(axis=1)
    first = h[at, main]
    others = np.ones(h.shape, dtype=bool)
    others[at, main] = False
    cap = np.maximum(first - MAIN_MARGIN, np.float32(threshold))[:, None]
    h = np.where(others & (h > cap), cap, h)
    rest = np.where(others, h, -np.inf).max(axis=1)
    h[at, main] = np.where(rest > first - MAIN_MARGIN, rest + MAIN_MARGIN, first)
    held[rows] = h
    return held


def hold_filing(
    relevance: np.ndarray, knowledge: np.ndarray, segment_chain: np.ndarray, threshold: float, ceiling: float
) -> np.ndarray:
    """The joined n × S `relevance` with every chain's segments scaled alike so that the chain's best is
    held_chain(knowledge's best, joined best): filed exactly where the knowledge (n × S) files, ranked
    on the joined relevance, segment order kept. A chain the knowledge files but the join took to 0
    (model weight 1, model relevance 0) gets the knowledge's segments scaled to the threshold."""
    n_chains = int(segment_chain.max()) + 1 if len(segment_chain) else 0
    k = chain_max(knowledge, segment_chain, n_chains)
    r = chain_max(relevance, segment_chain, n_chains)
    target = held_chain(k, r, threshold, ceiling)
    from_joined = r > 0
    base = np.where(from_joined[:, segment_chain], relevance, knowledge)
    denom = np.where(from_joined, r, np.where(k > 0, k, 1.0))
    factor = np.where(denom > 0, target / denom, 0.0).astype(np.float32)
    out = (base * factor[:, segment_chain]).astype(np.float32)
    np.clip(out, 0.0, 1.0, out=out)
    # each chain's best segment is its target exactly: scaling rounds in float32, and a company held at the
    # threshold must tie with the others held there, as held_chain holds them (rankings and AP see ties)
    rows = np.arange(len(out))
    for c in range(n_chains):
        cols = np.flatnonzero(segment_chain == c)
        if len(cols):
            out[rows, cols[out[:, cols].argmax(axis=1)]] = np.clip(target[:, c], 0.0, 1.0)
    return out
