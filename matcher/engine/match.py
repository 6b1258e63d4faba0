"""Relevance of every company to every chain segment, with the evidence that produced it.

`SegmentMatcher` follows scikit-learn's estimator contract: `__init__` stores the `Settings` (its
MATCH-stage fields are the evidence weights, read where they are used),
`fit(chains)` compiles all chain vocabulary (keywords, exclusion words, leader names) into one
Aho-Corasick automaton and sparse word→segment weight matrices (a keyword shared by several
segments is worth less to each), and `match(frame)` returns a `MatchResult` holding, per field
(name, 简介/主营, 经营范围), the keywords found in each company, the evidence per segment and the
relevance in [0, 1]: relevance = 1 − exp(−evidence / scale). Evidence adds up strong keyword hits
(weighted by field and, in free-text descriptions, by the clause they sit in and by whether they
name what the firm is: "是一家【…】提供商"), weak keywords (only where the same chain already has
other evidence), the GB/T industry code, the GB/T 小类 the 经营范围 items name (`scope_code_support`:
support like the code's, never enough alone to file) and leader names; it is suppressed by exclusion words and
supported by evidence for the chain's other segments. Matching runs once per distinct text, all
texts of a field in one pass of the automaton.

Which steps apply to which field, and with which setting, is the per-field policy table
(data/reference/fields.yaml); `match` loops over it. How a description's clauses are read (their contexts, the
statements that only trade, core phrases and customers) is matcher/engine/clauses.py.
"""

from __future__ import annotations

import bisect
import dataclasses
import re
from dataclasses import dataclass, field

import ahocorasick_rs
import numpy as np
import pandas as pd
import scipy.sparse as sp

from ..distinct import map_distinct
from ..ingest.names import TERM_LEVELS, NameParser, name_parts_data
from ..ingest.scope import (
    automaton_matches,
    boilerplate,
    industry_name_codes,
    inside,
    light_run_items,
    main_codes,
    main_spans,
    name_cores,
    negated_byte_spans,
    product_bracket_end,
    scope_item_codes,
    scope_makes,
    scope_sells_only,
    scope_serves_only,
    split_copied_scopes,
    trade_byte_spans,
)
from ..knowledge.chains import Chain, industry_codes
from ..knowledge.fields import FieldPolicy, factor, field_policies
from ..knowledge.hanzi import Simplifier
from ..knowledge.settings import DEFAULTS, Settings
from ..knowledge.words import boundary_words, goods_words, institution_words, venue_words, vertical_words
from ..learn.model import ChainModel, shipped_model
from .clauses import (
    APPLICATION,
    BREAK_BYTES_RX,
    EN_MAKING_RX,
    EN_TRADE_RX,
    GENERIC_OFFERS,
    HEAD,
    OPENING_SOURCE_BYTES,
    OPENING_STATED_RX,
    OPENING_VERB_RX,
    PLAIN,
    SLOGAN_RX,
    TURN_WORDS,
    USER_GAP,
    USER_STOPS,
    USER_VERBS,
    VENUE_GAP,
    byte_offsets,
    clause_table,
    code_points,
    core_spans,
    customer_spans,
    field_spans,
    going_on,
    intro_only_trades,
    makes_something,
    negated,
    only_makes,
    only_trades,
    owned_clauses,
    prep_text,
    prepare_texts,
    trade_clauses,
)
from .estimator import Estimator
from .learned import chain_weights, hold_filing, join, knowledge_features, model_relevance

FIELD_POLICIES = field_policies()  # per text field: column, label, weight, steps (data/reference/fields.yaml)
FIELDS = tuple(p.field for p in FIELD_POLICIES)
FIELD_LABELS = {p.field: p.label for p in FIELD_POLICIES}
FIELD_COLUMNS = {p.field: p.column for p in FIELD_POLICIES}
# the columns read as simplified (matcher.knowledge.hanzi): every field's, and the 经营范围 for its items too
TEXT_COLUMNS = tuple(dict.fromkeys((*FIELD_COLUMNS.values(), "scope")))
BROAD_CODE_LENGTHS = (2, 3)  # a GB/T 大类 or 中类: what some exports give instead of the 小类


def _broad(codes) -> np.ndarray:
    """Whether each industry code is a 大类 or 中类 only (BROAD_CODE_LENGTHS digits); missing ones are not."""
    return pd.Series(codes, dtype=object).astype("string").str.len().isin(BROAD_CODE_LENGTHS).to_numpy(dtype=bool)


HINT_WEIGHT = 0.5  # a name's industry-part hint (科技, 技术) is worth half a weak word: it orders, never files


def _add_evidence(sums: _FieldSums, strong, weak, head_strong=None, head_weak=None) -> None:
    """Add one field's weighted evidence to `sums` (it stays sparse until every field is in)."""
    sums.strong = sums.strong + strong
    sums.weak = sums.weak + weak
    if head_strong is not None:
        sums.head_strong = sums.head_strong + head_strong
        sums.head_weak = sums.head_weak + head_weak


def _with_rows(ranking, rows: np.ndarray, strong: np.ndarray, weak: np.ndarray):
    """`ranking` (rows, strong, weak: the rows whose ranking differs from their filing, see
    SegmentMatcher._ranking_inputs) with `rows` added as they are (their strong and weak evidence copied)."""
    if ranking is None:
        return rows, strong[rows], weak[rows]
    had, r_strong, r_weak = ranking
    new = np.setdiff1d(rows, had)
    if not len(new):
        return ranking
    every = np.concatenate([had, new])
    order = np.argsort(every, kind="stable")
    return every[order], np.vstack((r_strong, strong[new]))[order], np.vstack((r_weak, weak[new]))[order]


def _pressed(part: np.ndarray, floor: np.float32, roof: np.float32) -> np.ndarray:
    """`part` (relevance, a copy the caller owns) with what stands above `floor` pressed into [floor, roof] in
    proportion, order kept (SegmentMatcher._serve_below_makers; served_before reads it back)."""
    above = part > floor
    part[above] = floor + (part[above] - floor) * ((roof - floor) / max(np.float32(1.0) - floor, np.float32(1e-6)))
    return part


def _scale_rows(m: sp.csr_matrix, factor: np.ndarray) -> sp.csr_matrix:
    """m with every row multiplied by its factor."""
    out = m.copy()
    out.data *= np.repeat(factor, np.diff(m.indptr))
    return out


def _scale_where(m: sp.csr_matrix, where: sp.csr_matrix, factor) -> sp.csr_matrix:
    """m with the entries stored where `where` has an entry multiplied by factor. Both matrices'
    entries, keyed row × columns + column, are sorted, so a binary search finds them."""
    if not where.nnz or not m.nnz:  # nothing to scale: no copy
        return m
    n_cols = m.shape[1]
    out = m.copy()
    out.sum_duplicates()  # canonical: sorted column indices within each row, so the keys are sorted
    key = np.repeat(np.arange(out.shape[0], dtype=np.int64), np.diff(out.indptr)) * n_cols + out.indices
    at = np.repeat(np.arange(where.shape[0], dtype=np.int64), np.diff(where.indptr)) * n_cols + where.indices
    pos = np.minimum(np.searchsorted(key, at), len(key) - 1)
    out.data[pos[key[pos] == at]] *= factor
    return out


def _outermost(m: np.ndarray, n_bytes: int) -> np.ndarray:
    """Matches (pattern, start, end rows) sorted by start, longest first, without any match inside a
    longer one: a match survives only if it reaches past every earlier match (texts never overlap,
    so this holds across the joined texts)."""
    if n_bytes < (1 << 31):  # one int64 key, start-major, longest first: the automaton reports
        # matches by end, so the key is nearly sorted already and a stable sort is quick
        m = m[np.argsort(m[:, 1] * (n_bytes + 1) - m[:, 2], kind="stable")]
    else:
        m = m[np.lexsort((-m[:, 2], m[:, 1]))]
    if len(m):
        reach = np.maximum.accumulate(m[:, 2])
        keep = np.ones(len(m), dtype=bool)
        keep[1:] = m[1:, 2] > reach[:-1]
        m = m[keep]
    return m


def _present(text: np.ndarray, pat: np.ndarray, shape: tuple) -> sp.csr_matrix:
    """texts × patterns, 1 for every pair found however often: duplicates are summed, then set back to
    1, which needs no sort."""
    m = sp.csr_matrix((np.ones(len(pat), dtype=np.float32), (text, pat)), shape=shape)
    m.data[:] = 1.0
    return m


def _found_only(
    text: np.ndarray, pat: np.ndarray, shape: tuple, where: np.ndarray, among: np.ndarray | None = None
) -> sp.csr_matrix | None:
    """texts × patterns, 1 where every match of the pattern in the text (of those `among`, default all) is one
    `where` says: a reseller's goods are those it names only where it resells them. None when there is none."""
    if not where.any():
        return None
    other = ~where if among is None else among & ~where
    only = _present(text[where], pat[where], shape) - _present(text[other], pat[other], shape)
    only.data = np.maximum(only.data, 0)
    only.eliminate_zeros()
    return only.tocsr() if only.nnz else None


def _without_light_runs(
    m: np.ndarray, data: bytes, starts: np.ndarray, items: list, field_of: np.ndarray
) -> np.ndarray:
    """The light-item matches `m` (item, start, end) but those standing in a run of their field in their text
    (light_run_items, read only for the texts with light_run distinct items of one field)."""
    rules = boilerplate()
    grouped = field_of[m[:, 0]] >= 0 if rules.light_run else np.zeros(len(m), dtype=bool)
    if not grouped.any():
        return m
    text = np.searchsorted(starts, m[:, 1], side="right") - 1
    keys = np.unique(np.stack([text[grouped], field_of[m[grouped, 0]], m[grouped, 0]]), axis=1)
    pairs, count = np.unique(keys[:2], axis=1, return_counts=True)  # distinct items per text and field
    maybe = np.unique(pairs[0, count >= rules.light_run])
    if not len(maybe):
        return m
    ends = _text_ends(starts, data)
    drop = np.zeros(len(m), dtype=bool)
    for t in maybe.tolist():
        run = light_run_items(data[starts[t] : ends[t]].decode("utf-8"), rules)
        if run:
            drop |= (text == t) & np.isin(m[:, 0], [k for k, item in enumerate(items) if item in run])
    return m[~drop]


def _without_named_goods(m: np.ndarray, data: bytes, starts: np.ndarray) -> np.ndarray:
    """The light-item matches `m` but those right before a bracket that names their goods (人工智能应用软件开发(图像识别):
    an item as any other; product_bracket_end, read only where a bracket follows)."""
    bracket = np.frombuffer(data, dtype=np.uint8)[np.minimum(m[:, 2], len(data) - 1)] == ord("(")
    if not bracket.any():
        return m
    rules = boilerplate()
    text = np.searchsorted(starts, m[:, 1], side="right") - 1
    ends = _text_ends(starts, data)
    keep = np.ones(len(m), dtype=bool)
    for i in np.flatnonzero(bracket).tolist():
        t = int(text[i])
        whole = data[starts[t] : ends[t]]
        at = len(whole[: m[i, 2] - starts[t]].decode("utf-8"))
        body = whole.decode("utf-8")
        cut = rules.cuts.search(body, at)
        keep[i] = product_bracket_end(body, at, cut.start() if cut else len(body)) == at
    return m[keep]


def _text_ends(starts: np.ndarray, data: bytes) -> np.ndarray:
    """Where each of the joined texts ends (`starts`: where each begins): before the next one's SEPARATOR."""
    return np.r_[starts[1:] - 1, len(data)]


def _best_weight(text: np.ndarray, pat: np.ndarray, weight: np.ndarray, shape: tuple) -> sp.csr_matrix:
    """texts × patterns holding, for every pair found, the best weight among its matches."""
    order = np.lexsort((-weight, pat, text))
    text, pat, weight = text[order], pat[order], weight[order]
    first = np.ones(len(text), dtype=bool)
    first[1:] = (text[1:] != text[:-1]) | (pat[1:] != pat[:-1])
    return sp.csr_matrix((weight[first], (text[first], pat[first])), shape=shape)


def read_copied_scopes(frame: pd.DataFrame) -> pd.DataFrame:
    """frame with a 经营范围 copied into a 简介 read as a 经营范围 (matcher.ingest.scope.split_copied_scopes: 企查查's
    generated 简介 "…成立于…。经营范围包括…" is a scope, its boilerplate and resale items read as such)."""
    if "intro" not in frame:
        return frame
    scope = frame["scope"] if "scope" in frame else pd.Series(None, index=frame.index, dtype=object)
    intro, new_scope = split_copied_scopes(frame["intro"], scope)
    if intro is frame["intro"]:
        return frame
    return frame.assign(intro=intro, scope=new_scope)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    """A column of the frame, or all missing when the frame has none of that name."""
    return frame[name] if name in frame else pd.Series([None] * len(frame))


def _plural_end(u8: np.ndarray, end: np.ndarray) -> np.ndarray:
    """bool per match ending at byte `end`: an English plural ending follows it — "s" or "es" (either case), then no
    ASCII letter or digit (PLCs, RF switches; not PLCX)."""
    n = len(u8)

    def at(k):
        return np.where(k < n, u8[np.minimum(k, n - 1)], 0)

    c0, c1 = at(end) | 0x20, at(end + 1) | 0x20  # lower case (UTF-8 continuation bytes never become a letter)
    one = (c0 == ord("s")) & ~_ascii_alnum(at(end + 1))
    two = (c0 == ord("e")) & (c1 == ord("s")) & ~_ascii_alnum(at(end + 2))
    return one | two


def _ascii_alnum(codes: np.ndarray) -> np.ndarray:
    return ((codes >= 48) & (codes <= 57)) | ((codes >= 97) & (codes <= 122)) | ((codes >= 65) & (codes <= 90))


def _add_sparse(dense: np.ndarray, m: sp.csr_matrix) -> None:
    """dense += m, adding m's entries where they are (no dense copy of m)."""
    m.sum_duplicates()
    dense[np.repeat(np.arange(len(dense)), np.diff(m.indptr)), m.indices] += m.data


@dataclass
class FieldHits:
    """Patterns found in one field: rows × patterns, the weight of each hit, and HEAD-clause hits."""

    hits: sp.csr_matrix
    head: sp.csr_matrix | None
    # hits outside application clauses ("应用于/服务于/客户包括…" name the customers' trades, not the firm's):
    # what exclusion words are looked for in (None: every hit counts)
    own: sp.csr_matrix | None = None
    # in a 经营范围: the patterns found only in items that resell (工业机器人销售; not 药品批发, a trade keyword), 1
    # each — a company that registers a product only to sell it is no maker of it: ranked, never filed by it; in a
    # 简介: those found only in a statement that only trades or services (trade_clauses)
    resold: sp.csr_matrix | None = None
    # hits in the clauses that hold a head cue themselves (是一家…的营销公司): where a vertical business is stated
    stated: sp.csr_matrix | None = None


@dataclass
class MatchResult:
    """What matching found for a frame of companies (rows aligned with the frame)."""

    relevance: np.ndarray  # n × S, float32 in [0, 1]
    evidence: np.ndarray  # n × S evidence amounts before saturation
    hits: dict  # field -> csr n × K (keyword hits, weighted by clause context)
    code_evidence: sp.csr_matrix  # n × S, sparse
    # n, object: the 经营范围 main item's GB/T 小类 used where 国标行业 gives none (or its 大类 only), else None
    scope_code: np.ndarray
    leader_hits: sp.csr_matrix  # n × L
    excluded: dict  # field -> sparse n × S (1 where an exclusion word of the segment is present)
    name_terms: sp.csr_matrix | None = None  # n × name terms counted (roster rows: the name's industry part)
    knowledge_relevance: np.ndarray | None = None  # n × S before the learned model joined (None: no model)
    # n × S the knowledge relevance that ranks where it differs from the one that files (head_weak_rank < 1)
    rank_relevance: np.ndarray | None = None
    model_relevance: np.ndarray | None = None  # n × chains: the learned model's relevance (None: no model)
    # n × S, sparse: what the 经营范围 items naming GB/T 小类 of the segment add (SegmentMatcher.scope_code_support)
    scope_code_support: sp.csr_matrix | None = None
    # n × the segments' listed 小类 (SegmentMatcher.scope_code_list_): the codes counted, × their item's factor
    scope_item_codes: sp.csr_matrix | None = None
    # n × S, sparse: what an exported 大类 / 中类 offers every segment of the chains with a 小类 under it
    # (SegmentMatcher.broad_code_evidence; counted only in a chain with text evidence)
    broad_code_evidence: sp.csr_matrix | None = None
    # n × S, sparse: the strong evidence of a 经营范围 that makes nothing, counted as weak (a reseller's goods)
    resold_evidence: sp.csr_matrix | None = None
    # n, bool: an industry code naming a making beside a 经营范围 that makes nothing: it ranked, it did not file
    # (SegmentMatcher._making_code_unlisted); None where no row has one
    code_unlisted: np.ndarray | None = None
    # n, object: why a row's goods count as a trader's — "code" where the 国标行业 is a trade, repair, lease,
    # construction, business- or household-service code (SegmentMatcher._trade_coded), "name" where the name is a
    # trader's, installer's or adviser's (trade_words of name_parts.yaml), None otherwise (a 经营范围 that only sells,
    # or nothing); None where no row is
    trade_cause: np.ndarray | None = None


def _trade_cause(coded: np.ndarray, named: np.ndarray | None, scopes: pd.Series) -> np.ndarray | None:
    """MatchResult.trade_cause from the rows the 国标行业 (`coded`) and the name (`named`) read as a trader's: the
    code's word where both say so (the reason names the code), the name's only where the 经营范围 does not already
    say it by selling alone (scope_sells_only: its own wording is the plainer); None where no row is either."""
    named = np.zeros_like(coded) if named is None else named & ~coded
    if named.any():
        rows = np.flatnonzero(named & scopes.notna().to_numpy())
        rules = boilerplate()
        sells = map_distinct(scopes.iloc[rows], lambda t: scope_sells_only(t, rules)).to_numpy(dtype=bool)
        named[rows[sells]] = False
    if not (coded.any() or named.any()):
        return None
    cause = np.full(len(coded), None, dtype=object)
    cause[named] = "name"
    cause[coded] = "code"
    return cause


@dataclass
class _FieldSums:
    """What matching gathers field by field (see SegmentMatcher._add_field)."""

    strong: sp.csr_matrix  # n × S keyword evidence from strong words, weighted by field
    weak: sp.csr_matrix  # n × S, from weak words
    vertical: np.ndarray  # n, bool: a field so far revealed a non-target business
    stated: np.ndarray  # n, bool: a description so far stated one in the clause that states the business
    leader_hits: sp.csr_matrix  # n × L leader names found
    spread_excluded: sp.csr_matrix | None = None  # n × S exclusions that apply to the fields after
    hits: dict = field(default_factory=dict)  # field -> n × K keyword hits
    excluded: dict = field(default_factory=dict)  # field -> n × S exclusions
    name_terms: sp.csr_matrix | None = None  # n × name terms counted (see SegmentMatcher._add_name_terms)
    # n × S, weak words of a head clause as counted in `strong` (× head_weak) and as taken out of `weak`
    head_strong: sp.csr_matrix | None = None
    head_weak: sp.csr_matrix | None = None
    # (damp, strong, weak, head_strong, head_weak) of the fields a vertical business damps, added once every
    # field is read (SegmentMatcher._add_damped)
    damped: list = field(default_factory=list)
    resold: sp.csr_matrix | None = None  # n × S strong evidence moved to weak: a reseller's goods (_keyword_parts)
    leader_traded: np.ndarray | None = None  # n, bool: a trader's name, where a leader's name files no making
    # n, bool: the name is a trader's, installer's, carrier's or farm's, or the 国标行业 a trade's (_trade_coded)
    trader: np.ndarray | None = None
    trade_named: np.ndarray | None = None  # n, bool: the name is (trader_name_rx_), as _add_field reads it
    trade_coded: np.ndarray | None = None  # n, bool: the 国标行业 is a trade's (_trade_coded), whatever the name says

    @classmethod
    def empty(cls, n: int, n_seg: int, n_leaders: int) -> _FieldSums:
        zero = sp.csr_matrix((n, n_seg), dtype=np.float32)
        return cls(
            zero,
            zero,
            np.zeros(n, dtype=bool),
            np.zeros(n, dtype=bool),
            sp.csr_matrix((n, n_leaders), dtype=np.float32),
            head_strong=zero,
            head_weak=zero,
        )


class SegmentMatcher(Estimator):
    """Scores companies against chain segments from names, texts and industry codes."""

    def __init__(self, settings: Settings = DEFAULTS, model: ChainModel | str | None = "shipped"):
        self.settings = settings  # read where used (see stage MATCH in knowledge/settings.py), never copied
        # the learned chain model joined to the relevance (matcher.engine.learned): "shipped" = the
        # artefact in data/model (none there: knowledge alone), a ChainModel, or None (knowledge alone)
        self.model = model

    # ----------------------------------------------------------------------------------------
    def fit(self, chains: dict[str, Chain], y=None):
        shipped = isinstance(self.model, str) and self.model == "shipped"
        # weight 0: knowledge alone, and the artefact is not even read
        self.model_ = None if self.settings.model_weight <= 0 else shipped_model() if shipped else self.model
        pairs = [(c, s) for c in chains.values() for s in c.segments]
        self.segments_ = pd.DataFrame(
            [
                {
                    "chain_id": c.id,
                    "chain_name": c.name,
                    "segment_id": s.id,
                    "segment_name": s.name,
                    "position": s.position,
                    "serves": s.serves,
                }
                for c, s in pairs
            ]
        )
        self.chain_ids_ = list(chains)
        n_seg = len(pairs)
        self.segment_chain_ = np.array([self.chain_ids_.index(c.id) for c, _ in pairs])
        self.serving_ = np.flatnonzero([s.serves for _, s in pairs])  # the segments that serve a chain (see match)
        self.makers_ = np.array([not s.serves for _, s in pairs], dtype=np.float32)  # 1 for the others: they file
        # chain index -> its trading segment (Segment.trades): where a leader's trading arm is filed (_leaders_traded)
        self.trading_ = {int(self.segment_chain_[i]): int(i) for i, (_, s) in enumerate(pairs) if s.trades}
        self.chain_block_ = (self.segment_chain_[:, None] == self.segment_chain_[None, :]).astype(np.float32)
        seg_index = {(c.id, s.id): i for i, (c, s) in enumerate(pairs)}

        # one pattern table for keywords, exclusion words and leader names
        patterns: dict[str, int] = {}

        def pid(word: str) -> int:
            return patterns.setdefault(prep_text(word), len(patterns))

        vocab: dict[int, int] = {}  # pattern -> keyword id
        display: list[str] = []  # keyword as written in the chain file, for reasons
        strong, weak = [], []

        def kid(word: str) -> int:
            p = pid(word)
            if p not in vocab:
                vocab[p] = len(display)
                display.append(word)
            return vocab[p]

        for sid, (_chain, seg) in enumerate(pairs):
            strong.extend((kid(w), sid) for w in seg.keywords)
            weak.extend((kid(w), sid) for w in seg.weak_keywords)
        for chain in chains.values():  # core words of the chain count as strong for their segment
            strong.extend((kid(w), seg_index[(chain.id, sid)]) for w, sid in chain.core_keywords)
        weak = sorted(set(weak) - set(strong))  # a word strong for a segment is not also weak there
        strong = sorted(set(strong))
        self.vocabulary_ = display
        k = len(display)
        share = np.zeros(k)  # a word listed (strong or weak) for m segments is worth 1/sqrt(m) to each
        for w, _ in strong + weak:
            share[w] += 1
        spec = (1.0 / np.sqrt(np.maximum(share, 1))).astype(np.float32)

        def weights(ps, n_rows, n_cols, values=None):
            r = np.array([p[0] for p in ps], dtype=np.int64)
            c = np.array([p[1] for p in ps], dtype=np.int64)
            v = np.ones(len(ps), dtype=np.float32) if values is None else values[r]
            return sp.csr_matrix((v, (r, c)), shape=(n_rows, n_cols))

        self.strong_weights_ = weights(strong, k, n_seg, spec)
        self.weak_weights_ = weights(weak, k, n_seg, spec)
        self._strong_mask_ = (self.strong_weights_ > 0).T.tocsr()  # S × K, for reasons
        self._weak_mask_ = (self.weak_weights_ > 0).T.tocsr()

        ex_ids: dict[int, int] = {}
        ex_pairs = []
        for sid, (chain, seg) in enumerate(pairs):
            for w in tuple(seg.exclude) + tuple(chain.exclude):
                ex_pairs.append((ex_ids.setdefault(pid(w), len(ex_ids)), sid))
        ex_pairs += self._inherited_exclusions(patterns, vocab, ex_ids, ex_pairs, strong + weak)
        self.exclusion_matrix_ = weights(sorted(set(ex_pairs)), len(ex_ids), n_seg)

        leaders: dict[int, int] = {}
        leader_names, leader_pairs = [], []
        for sid, (_chain, seg) in enumerate(pairs):
            for name in seg.leaders:
                p = pid(name)
                if p not in leaders:
                    leaders[p] = len(leader_names)
                    leader_names.append(name)
                leader_pairs.append((leaders[p], sid))
        self.leaders_ = leader_names
        self._leader_texts_ = [prep_text(n) for n in leader_names]  # as matched (NFKC, lower case)
        self.leader_segments_ = weights(sorted(set(leader_pairs)), len(leader_names), n_seg)

        self.verticals_ = vertical_words()
        vertical_ids = sorted({pid(w) for w in self.verticals_})
        venue_ids = sorted({pid(w) for w in venue_words()})
        for w in boundary_words():  # patterns that stand for nothing: a keyword inside one is not read
            pid(w)

        n_pat = len(patterns)
        # no pattern holds a cased letter outside ASCII: texts need only their ASCII bytes lower-cased
        self.ascii_case_ = not any(ch.lower() != ch.upper() for p in patterns for ch in p if not ch.isascii())
        self.patterns_ = list(patterns)
        self._pattern_vertical_ = np.zeros(n_pat, dtype=np.float32)
        self._pattern_vertical_[vertical_ids] = 1.0
        self._pattern_goods_ = np.zeros(n_pat, dtype=bool)  # vertical words that never name users (goods_words)
        self._pattern_venue_ = np.zeros(n_pat, dtype=bool)
        self._pattern_venue_[venue_ids] = True
        self._pattern_goods_[[patterns[prep_text(w)] for w in goods_words()]] = True
        self._pattern_keywords_ = weights(list(vocab.items()), n_pat, k)
        self._pattern_exclusions_ = weights(list(ex_ids.items()), n_pat, len(ex_ids))
        self._pattern_leaders_ = weights(list(leaders.items()), n_pat, len(leader_names))
        # a pattern that begins (ends) with an ASCII letter or digit needs a word boundary there: LED显示 is not
        # in OLED显示, BMS not in BMSX; a pattern of Chinese characters at that end needs none
        self._pattern_ascii_left_ = np.array([p[:1].isascii() and p[:1].isalnum() for p in self.patterns_], dtype=bool)
        self._pattern_ascii_right_ = np.array(
            [p[-1:].isascii() and p[-1:].isalnum() for p in self.patterns_], dtype=bool
        )
        self._pattern_letter_right_ = np.array(
            [p[-1:].isascii() and p[-1:].isalpha() for p in self.patterns_], dtype=bool
        )
        # keywords that name trade as the business (药品批发): an item that only trades is theirs in full
        trade = boilerplate().trade_activities
        self._pattern_trade_ = np.array([any(w in p for w in trade) for p in self.patterns_], dtype=bool)
        self._pattern_bytes_ = np.array([len(p.encode("utf-8")) for p in self.patterns_], dtype=np.int64)
        # 1 for the patterns that are a strong keyword of some segment (what a 经营范围 without a code is read for)
        strong_kw = np.asarray(self.strong_weights_.sum(axis=1)).ravel() > 0
        self._pattern_strong_ = ((self._pattern_keywords_ @ strong_kw.astype(np.float32)) > 0).astype(np.float32)
        operated = tuple(boilerplate().operated_activities)  # 充电基础设施运营: a keyword naming an operated business
        self._pattern_operated_ = (self._pattern_strong_ > 0) & np.array(
            [p.endswith(operated) for p in self.patterns_], dtype=bool
        )
        # the keywords that name a product a vertical word can stand before (SegmentMatcher._product_users)
        self._pattern_product_ = np.asarray(self._pattern_keywords_.sum(axis=1)).ravel() > 0
        # a vertical word before a place that serves people names its kind (美容诊所), not its users
        not_products = GENERIC_OFFERS | {prep_text(w) for w in institution_words()}
        self._pattern_product_[[i for i, p in enumerate(self.patterns_) if p in not_products]] = False
        self.automaton_ = (
            ahocorasick_rs.BytesAhoCorasick(
                [p.encode("utf-8") for p in self.patterns_], matchkind=ahocorasick_rs.MatchKind.Standard
            )
            if n_pat
            else None
        )

        # industry codes: exact 小类 -> segments. Neighbours in the same 中类 (LED 3975 beside
        # 集成电路制造 3973) are too often a different trade to count.
        self.code_segments_: dict[str, list[int]] = {}
        for sid, (_, seg) in enumerate(pairs):
            for code in seg.industry_codes:
                self.code_segments_.setdefault(code, []).append(sid)
        # a 大类 / 中类 (an export that gives no 小类) -> the chains with a listed 小类 under it
        self.broad_code_chains_: dict[str, np.ndarray] = {}
        for code, sids in self.code_segments_.items():
            for prefix in (code[:2], code[:3]):
                mask = self.broad_code_chains_.setdefault(prefix, np.zeros(len(self.chain_ids_), dtype=bool))
                mask[self.segment_chain_[sids]] = True
        self._fit_scope_codes()
        self._fit_name_terms(seg_index, n_seg)
        # traditional characters read as simplified, but for those the vocabulary itself uses (昇腾)
        parser = self.name_parser_
        self.simplifier_ = Simplifier.keeping((*self.patterns_, *self.name_terms_, *parser.industry, *parser.regions))
        return self

    def _fit_scope_codes(self) -> None:
        """What a 经营范围 must hold for its items to name a segment's 小类: the segments' 小类 names and the
        objects they name (matcher.ingest.scope.name_cores), as one automaton that picks the scopes worth
        reading item by item; and the listed codes (`scope_code_list_`) × segments."""
        listed = sorted(self.code_segments_)
        names = {n for n, c in industry_name_codes().items() if c in self.code_segments_}
        names |= {obj for obj, entries in name_cores().items() if any(c in self.code_segments_ for c, _ in entries)}
        words = sorted({prep_text(w).encode("utf-8") for w in names if len(w) >= 2})
        self.scope_code_automaton_ = (
            ahocorasick_rs.BytesAhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.LeftmostFirst) if words else None
        )
        self.scope_code_places_ = (  # the same words, for where in a text they stand (character offsets)
            ahocorasick_rs.AhoCorasick(
                [w.decode("utf-8") for w in words], matchkind=ahocorasick_rs.MatchKind.LeftmostFirst
            )
            if words
            else None
        )
        self.scope_code_list_ = listed
        pairs = [(i, sid) for i, code in enumerate(listed) for sid in self.code_segments_[code]]
        self.scope_code_segments_ = sp.csr_matrix(
            (np.ones(len(pairs), np.float32), ([p[0] for p in pairs], [p[1] for p in pairs])),
            shape=(len(listed), len(self.segments_)),
        )

    def _fit_name_terms(self, seg_index: dict, n_seg: int) -> None:
        """The name reader: a NameParser whose industry words include the chain vocabulary, and the
        industry-part words of name_parts.yaml (`chain_terms`) as T × S strong and weak weight matrices
        (terms naming a segment that is not loaded are skipped: see name_term_problems)."""
        data = name_parts_data()
        # a chain term is an industry word too (星河【伺服】有限公司), wherever the vocabulary lacks it
        words = [w for e in data["chain_terms"] for level in TERM_LEVELS for w in e[level]]
        self.name_parser_ = NameParser.from_data((*self.vocabulary_, *words))
        # a trader's industry part (五金电缆贸易: trade_words), read in _read_field; None when the file lists none
        # (anywhere in it), or a carrier's (新能源汽车运输, 医药物流: service_endings, at its end only — 物流装备 makes)
        words = "|".join(map(re.escape, data["trade_words"]))
        ends = "|".join(map(re.escape, data["service_endings"]))
        either = "|".join(filter(None, (words, ends and f"(?:{ends})$")))
        self.trade_name_rx_ = re.compile(either) if either else None
        # the same words read off a whole name, right before its form (苍南县亿通【贸易】有限公司, 某某电力【安装】工程有限公司):
        # a trader's name without a chain keyword is not parsed, so its industry part is read here by a pattern
        forms = "|".join(map(re.escape, sorted(data["forms"], key=len, reverse=True)))
        self.trader_name_rx_ = self.trade_word_rx_ = None
        if either:  # (?!) stands for a list the file leaves empty: it matches nothing
            self.trader_name_rx_ = re.compile(
                f"(?:(?:{words or '(?!)'})[\u4e00-\u9fff]{{0,4}}?|(?:{ends or '(?!)'}))(?:{forms})$"
            )
            # where such a name matches, the word it starts with (longest first): what a reason quotes (trader_word)
            listed = sorted({*data["trade_words"], *data["service_endings"]}, key=len, reverse=True)
            self.trade_word_rx_ = re.compile("|".join(map(re.escape, listed)))
        # a park's, a fund's or an association's name (新能源汽车产业园建设运营, 集成电路产业投资基金管理): its trade is
        # what follows the venue word, the chain words before it its theme (as in a text: _before_venue)
        venues = venue_words()
        self.venue_name_rx_ = re.compile(f".*(?:{'|'.join(map(re.escape, venues))})") if venues else None
        terms: dict[str, int] = {}
        pairs: dict[str, dict] = {"strong": {}, "weak": {}}  # (term, segment) -> weight
        chains_loaded = set(self.chain_ids_)
        for entry in data["chain_terms"]:
            if entry["chain"] not in chains_loaded:
                continue
            sid = seg_index.get((entry["chain"], entry["segment"]))
            if (
                sid is None
            ):  # chain files edited or replaced: the term has nowhere to go (a test checks the shipped ones)
                continue
            for level, into, weight in (
                ("strong", "strong", 1.0),
                ("weak", "weak", 1.0),
                ("hint", "weak", HINT_WEIGHT),
            ):
                for w in entry[level]:
                    key = (terms.setdefault(prep_text(w), len(terms)), sid)
                    pairs[into][key] = max(pairs[into].get(key, 0.0), weight)
        self.name_terms_ = list(terms)

        def matrix(table: dict) -> sp.csr_matrix:
            keys = list(table)
            return sp.csr_matrix(
                (
                    np.array([table[k] for k in keys], dtype=np.float32),
                    ([k[0] for k in keys], [k[1] for k in keys]),
                ),
                shape=(len(terms), n_seg),
            )

        self.name_term_strong_, self.name_term_weak_ = matrix(pairs["strong"]), matrix(pairs["weak"])
        self.name_term_automaton_ = (
            ahocorasick_rs.AhoCorasick(self.name_terms_, matchkind=ahocorasick_rs.MatchKind.LeftmostLongest)
            if terms
            else None
        )

    def _name_term_hits(self, parts: pd.Series) -> sp.csr_matrix:
        """rows × name terms: the chain_terms words found in each name's industry part (longest first,
        once per distinct part)."""
        codes, uniques = pd.factorize(parts, use_na_sentinel=True)
        rows = np.where(codes < 0, len(uniques), codes)
        shape = (len(uniques) + 1, len(self.name_terms_))
        r, c = [], []
        if self.name_term_automaton_ is not None:
            find = self.name_term_automaton_.find_matches_as_indexes
            for i, text in enumerate(uniques):
                for term, _, _ in find(prep_text(str(text))) if text else ():
                    r.append(i)
                    c.append(term)
        return _present(np.array(r, dtype=np.int64), np.array(c, dtype=np.int64), shape)[rows]

    # ----------------------------------------------------------------------------------------
    def _field_hits(self, texts: pd.Series, factors: tuple | None = None, core: float = 1.0) -> FieldHits:
        """rows × patterns hits for one field, computed once per distinct text in one automaton pass.

        A match inside a longer match is not counted; an ASCII pattern needs word
        boundaries ('CRO' does not fire inside 'micro'). With `factors` (a weight per clause context
        HEAD, PLAIN, METHOD, APPLICATION) each hit carries the weight of its clause (the best one
        when the pattern occurs twice), and the HEAD-clause hits are returned as well; a hit inside a
        core phrase (see core_spans) is worth `core` times its clause weight.
        """
        codes, uniques = pd.factorize(texts, use_na_sentinel=True)  # each distinct text is matched once
        rows = np.where(codes < 0, len(uniques), codes)  # missing texts take the empty last row
        shape = (len(uniques) + 1, len(self.patterns_))
        data = self._joined_texts(uniques)
        pat, beg = self._word_matches(data)
        keep = ~self._product_users(data, pat, beg)
        pat, beg = pat[keep], beg[keep]
        nul = np.frombuffer(data, dtype=np.uint8) == 0  # SEPARATOR is the only NUL byte
        starts = np.concatenate([[0], np.flatnonzero(nul) + 1])
        text = np.searchsorted(starts, beg, side="right") - 1
        if factors is None:
            return FieldHits(_present(text, pat, shape)[rows], None)
        ctx, weight, stated, traded = self._clause_weights(data, beg, factors, core)
        venue = self._before_venue(data, pat, beg)  # only a field read by its clauses reads venues
        if venue.any():  # a park's, fair's or fund's words are read as a customer's
            ctx[venue] = APPLICATION
            weight[venue] = np.float32(factors[APPLICATION])
            stated &= ~venue
            traded &= ~venue
        own = (ctx != APPLICATION) & ~negated(data, beg, beg + self._pattern_bytes_[pat])
        is_head = (ctx == HEAD) & ~traded  # a statement that only trades states no making business
        head = _present(text[is_head], pat[is_head], shape)  # a pattern repeated in HEAD clauses counts once
        # the products of a statement that only trades (not trade keywords: 药品批发), unless the firm's own words
        # name them elsewhere too: a reseller's goods, ranked and never filed (_keyword_parts)
        resold = _found_only(text, pat, shape, traded & ~self._pattern_trade_[pat], among=own)
        return FieldHits(
            _best_weight(text, pat, weight, shape)[rows],
            head[rows],
            _present(text[own], pat[own], shape)[rows],
            resold=None if resold is None else resold[rows],
            stated=_present(text[stated], pat[stated], shape)[rows],
        )

    def _before_venue(self, data: bytes, pat: np.ndarray, beg: np.ndarray) -> np.ndarray:
        """bool per match (sorted by start): a keyword followed by a venue word (venue_words) at most VENUE_GAP
        characters on with no break between ("人工智能产业园", "半导体设备与材料展览会", "集成电路产业投资基金"): it
        names a park, a fair or a fund, not a product of the firm's."""
        is_venue = self._pattern_venue_[pat]
        out = np.zeros(len(pat), dtype=bool)
        if not is_venue.any():
            return out
        end = beg + self._pattern_bytes_[pat]
        v_beg = beg[is_venue]
        nxt = np.searchsorted(v_beg, end, side="left")  # the first venue word at or after each match's end
        has = (nxt < len(v_beg)) & self._pattern_product_[pat]
        at = np.where(has, v_beg[np.minimum(nxt, len(v_beg) - 1)], 0)
        breaks = np.array([m.start() for m in BREAK_BYTES_RX.finditer(data)], dtype=np.int64)
        between = np.searchsorted(breaks, at, side="left") - np.searchsorted(breaks, end, side="left")
        for i in np.flatnonzero(has & (between == 0) & (at - end <= 4 * VENUE_GAP)).tolist():
            out[i] = len(data[end[i] : at[i]].decode("utf-8", errors="replace")) <= VENUE_GAP
        # a keyword listed before one that names the venue names it too ("新能源汽车及智能网联汽车博览会"), read back
        # from the venue
        anchors = sorted(beg[out].tolist())
        for i in np.flatnonzero(~out & self._pattern_product_[pat])[::-1].tolist():
            k = bisect.bisect_left(anchors, int(end[i]))
            if k == len(anchors) or anchors[k] - end[i] > 4 * VENUE_GAP:
                continue
            gap = data[end[i] : anchors[k]]
            if not BREAK_BYTES_RX.search(gap) and len(gap.decode("utf-8", errors="replace")) <= VENUE_GAP:
                out[i] = True
                bisect.insort(anchors, int(beg[i]))
        return out

    def _product_users(self, data: bytes, pat: np.ndarray, beg: np.ndarray) -> np.ndarray:
        """bool per match (sorted by start): a vertical word right before a product keyword, at most
        USER_GAP characters apart with no break or link word between ("酒店送物机器人", "餐饮机器人", "金融大数据"):
        it names the product's users, not the firm's trade, so it reveals no vertical business."""
        out = np.zeros(len(pat), dtype=bool)
        if not len(pat):
            return out
        for i in np.flatnonzero((self._pattern_vertical_[pat[:-1]] > 0) & ~self._pattern_goods_[pat[:-1]]):
            end, nxt = beg[i] + self._pattern_bytes_[pat[i]], beg[i + 1]
            if nxt < end or not self._pattern_product_[pat[i + 1]]:
                continue
            gap = data[end:nxt].decode("utf-8", errors="replace")
            out[i] = len(gap) <= USER_GAP and not USER_STOPS.intersection(gap) and gap not in USER_VERBS
        return out

    def _scope_hits(
        self, texts: pd.Series, main: float, light: float, trade: float = 1.0, lone: float = 1.0
    ) -> FieldHits:
        """rows × patterns hits of a 经营范围, each weighted by the item it stands in: × `main` in a main
        item (matcher.ingest.scope.main_spans), × `light` in a light item (light_items of
        scope_boilerplate.yaml, registered by companies of every kind), else 1; and × `trade` in an item
        that only trades (trade_byte_spans: 工业机器人销售) unless the keyword names trade itself (药品批发); a
        strong keyword in a main item that makes what it names (a maker_activities word of scope_boilerplate.yaml:
        制造, 研发 …, not 加工) and does not only trade × `lone` as well (for a scope without a code). A
        pattern found in several items counts with its best weight. One automaton pass over the distinct
        texts; only texts with a hit are read for their items, the main ones only as far as those go."""
        codes, uniques = pd.factorize(texts, use_na_sentinel=True)
        rows = np.where(codes < 0, len(uniques), codes)
        shape = (len(uniques) + 1, len(self.patterns_))
        data = self._joined_texts(uniques)
        pat, beg = self._word_matches(data)
        keep = ~inside(beg, *negated_byte_spans(data))  # （不含劳务派遣服务）: what the company does not do
        pat, beg = pat[keep], beg[keep]
        nul = np.frombuffer(data, dtype=np.uint8) == 0  # SEPARATOR is the only NUL byte
        starts = np.concatenate([[0], np.flatnonzero(nul) + 1])
        text = np.searchsorted(starts, beg, side="right") - 1
        weight = np.ones(len(pat), dtype=np.float32)
        in_main = np.zeros(len(pat), dtype=bool)
        if len(pat) and (main != 1.0 or lone != 1.0):
            main_at = self._main_byte_spans(data, np.unique(text), starts)
            in_main = inside(beg, *main_at)
            weight[in_main] = np.float32(main)
        traded = np.zeros(len(pat), dtype=bool)
        if len(pat) and (trade != 1.0 or lone != 1.0):
            traded = inside(beg, *trade_byte_spans(data))
        if len(pat) and trade != 1.0:
            weight[traded & ~self._pattern_trade_[pat]] *= np.float32(trade)
        if len(pat) and lone != 1.0:  # a main item that makes what it names (not one that only sells or serves)
            makers = tuple(w.encode("utf-8") for w in boilerplate().maker_activities)
            keep = np.array([any(w in data[a:b] for w in makers) for a, b in zip(*main_at)], dtype=bool)
            made = inside(beg, main_at[0][keep], main_at[1][keep]) | (in_main & self._pattern_operated_[pat])
            weight[made & ~traded & (self._pattern_strong_[pat] > 0)] *= np.float32(lone)
        if len(pat) and light != 1.0:  # a light item (人工智能硬件销售) is light, traded or not
            weight[inside(beg, *self._light_byte_spans(data, starts))] = np.float32(light)
        venue = self._before_venue(data, pat, beg)  # 集成电路产业园的开发与运营: a park's theme, a customer's word
        weight[venue] = np.minimum(weight[venue], np.float32(self.settings.application_factor))
        resale = traded & ~self._pattern_trade_[pat] if len(pat) and trade != 1.0 else np.zeros(len(pat), dtype=bool)
        if resale.any():  # a scope that makes something (电池制造 beside 输配电设备销售) sells what it makes
            ends, rules = _text_ends(starts, data), boilerplate()
            which = np.unique(text[resale])
            makes = np.zeros(len(starts), dtype=bool)
            makes[which] = [scope_makes(data[starts[i] : ends[i]].decode("utf-8"), rules) for i in which.tolist()]
            resale &= ~makes[text]
        resold = _found_only(text, pat, shape, resale)  # a pattern is resold when every item it stands in resells
        return FieldHits(
            _best_weight(text, pat, weight, shape)[rows], None, None, None if resold is None else resold[rows]
        )

    @staticmethod
    def _main_byte_spans(data: bytes, which: np.ndarray, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(starts, ends) byte offsets in the joined texts `data` of the main items of the texts `which`
        (read as matched: NFKC, lower case)."""
        rules = boilerplate()
        ends = _text_ends(starts, data)
        a, b = [], []
        for i in which.tolist():
            t = data[starts[i] : ends[i]].decode("utf-8")
            spans = main_spans(t, rules)
            if not spans:
                continue
            s0 = int(starts[i])
            if t.isascii():
                a += [s0 + x for x, _ in spans]
                b += [s0 + y for _, y in spans]
            else:  # character -> byte offsets: the UTF-8 length of what precedes (a few spans per text)
                a += [s0 + len(t[:x].encode("utf-8")) for x, _ in spans]
                b += [s0 + len(t[:y].encode("utf-8")) for _, y in spans]
        return np.array(a, dtype=np.int64), np.array(b, dtype=np.int64)

    def _light_byte_spans(self, data: bytes, starts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(starts, ends) byte offsets of the light items (scope_boilerplate.yaml light_items) in the joined texts
        (`starts`: where each text begins), but for those that stand in a run of their field in their text
        (matcher.ingest.scope.light_run_items) or before a bracket that names their goods (_light): what the plain
        reading calls light (a test checks)."""
        found = self.__dict__.get("_light_automaton_")
        if found is None:
            rules = boilerplate()
            items = sorted(rules.light_items)
            field = {item: k for k, (_, group) in enumerate(rules.light_groups) for item in group}
            automaton = (
                ahocorasick_rs.BytesAhoCorasick(
                    [prep_text(w).encode("utf-8") for w in items], matchkind=ahocorasick_rs.MatchKind.LeftmostLongest
                )
                if items
                else False
            )
            found = self._light_automaton_ = (automaton, items, np.array([field.get(i, -1) for i in items]))
        automaton, items, field_of = found
        m = np.array(automaton.find_matches_as_indexes(data) if automaton else [], dtype=np.int64).reshape(-1, 3)
        m = _without_named_goods(_without_light_runs(m, data, starts, items, field_of), data, starts)
        return m[:, 1], m[:, 2]

    def _joined_texts(self, uniques) -> bytes:
        """The distinct texts of a field as matched, joined by SEPARATOR, as UTF-8 (every offset the
        automaton reports is a byte offset)."""
        try:
            return prepare_texts(uniques.tolist(), self.ascii_case_)
        except TypeError:  # not all strings (a column read as numbers, say)
            return prepare_texts([str(t) for t in uniques], self.ascii_case_)

    def _word_matches(self, data: bytes) -> tuple[np.ndarray, np.ndarray]:
        """(pattern, start byte) of every match in the joined texts that is not inside a longer match
        and stands at a word boundary wherever it begins or ends with an ASCII letter or digit."""
        m = automaton_matches(self.automaton_, data, overlapping=True)
        m = _outermost(m, len(data))
        pat, beg, end = m[:, 0], m[:, 1], m[:, 2]
        at_left, at_right = self._pattern_ascii_left_[pat], self._pattern_ascii_right_[pat]
        if len(pat) and (at_left.any() or at_right.any()):  # the boundary check runs only when such a word hit
            u8 = np.frombuffer(data, dtype=np.uint8)  # bytes of other characters are never ASCII
            left = np.where(beg > 0, u8[np.maximum(beg - 1, 0)], 0)
            right = np.where(end < len(u8), u8[np.minimum(end, len(u8) - 1)], 0)
            # an English plural ending (PLCs, AGVs, smart meters, RF switches) keeps a word that ends with a letter
            plural = self._pattern_letter_right_[pat] & _plural_end(u8, end)
            bad = (at_left & _ascii_alnum(left)) | (at_right & _ascii_alnum(right) & ~plural)
            pat, beg = pat[~bad], beg[~bad]
        return pat, beg

    @staticmethod
    def _clause_weights(
        data: bytes, beg: np.ndarray, factors: tuple, core: float
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(clause context, weight, stated, traded) of every match starting at byte `beg` of the joined texts:
        the factor of its clause's context, × `core` inside a core phrase; inside a customer phrase,
        APPLICATION; `stated`: the match stands in a HEAD clause that holds the head cue itself (是一家…的营销
        公司), not in one after it in its sentence (…的企业，营销中心位于上海); `traded`: that clause only trades or
        services what it names (trade_clauses; an opening with no cue and the clauses that go on with it, another
        clause with no cue by its ending: only_trades)."""
        if not len(beg):  # nothing found: the texts need no clause analysis
            none = np.zeros(0, dtype=bool)
            return np.zeros(0, dtype=np.int64), np.ones(0, dtype=np.float32), none, none
        big = data.decode("utf-8")
        chars = code_points(big)
        byte_at = byte_offsets(chars)  # built once per field and shared by both lookups below
        c_start, c_ctx, c_own = clause_table(big, chars, cued=True)
        c_trade = trade_clauses(big, c_start, c_ctx, c_own)
        owned = owned_clauses(big, c_start) & (c_ctx != APPLICATION)  # a service firm's tools: they rank, never file
        c_trade |= owned
        c_chars, c_start = c_start, byte_at[c_start]
        at = np.maximum(np.searchsorted(c_start, beg, side="right") - 1, 0)
        ctx = c_ctx[at] if len(c_start) else np.full(len(beg), PLAIN)
        stated = (c_own & (c_ctx == HEAD))[at] if len(c_start) else np.zeros(len(beg), dtype=bool)
        u_start, u_end = customer_spans(big)  # the customers' words are application words, wherever they stand
        opening = np.zeros(len(c_start), dtype=bool)
        if len(c_start):  # an opening clause with no cue names the business as well: up to its first verb
            opening = SegmentMatcher._opening_clauses(data, big, byte_at, c_start, c_ctx) & ~owned
            stated |= SegmentMatcher._opening_words(data, big, byte_at, c_start, opening, at, beg, u_start)
            # and says how it trades as a head clause does ("挖掘机、汽车起重机租赁，可配机手")
            rules, ends = boilerplate(), np.r_[c_chars[1:], len(big)]
            for c in np.flatnonzero(opening).tolist():
                clause = big[c_chars[c] : ends[c]]
                c_trade[c] = only_trades(clause, rules)
                # the clauses that go on with it in its sentence name the goods it trades ("低压电器批发：断路器、接触器…，
                # 品牌齐全" / "我们是工控产品代理商，主营各品牌PLC…"), unless one makes something itself
                # (not after 经营 alone, which also runs a business of its own: 公司经营连锁中医馆，提供中医诊疗…)
                if c_trade[c] and "经营" not in clause:
                    # "…，而是为学校提供…": a turn ends the list, as a clause that makes something does
                    for n in going_on(
                        big,
                        c_chars,
                        c_ctx,
                        c,
                        c + 1,
                        lambda a, b: big.startswith(TURN_WORDS, a) or makes_something(big[a:b], rules, customers=False),
                    ):
                        c_trade[n] = True
            # any other clause with no cue that only trades or services what it names ("各类数控系统维修")
            for c in np.intersect1d(np.flatnonzero((c_ctx == PLAIN) & ~opening & ~c_trade), at).tolist():
                c_trade[c] = only_trades(big[c_chars[c] : ends[c]], rules, led=False)
            # an English statement of trade and the clauses after it in its sentence, up to one that makes something
            for m in EN_TRADE_RX.finditer(big):
                c = max(int(np.searchsorted(c_chars, m.start(), side="right")) - 1, 0)
                for n in going_on(big, c_chars, c_ctx, c, c, lambda a, b: EN_MAKING_RX.search(big, a, b)):
                    c_trade[n] = True
        traded = c_trade[at] if len(c_start) else np.zeros(len(beg), dtype=bool)
        weight = np.asarray(factors, dtype=np.float32)[ctx]
        if core != 1.0:  # a word in a core phrase says what the firm is (a factor of 1 skips the phrase search)
            k_start, k_end = core_spans(big)
            in_core = inside(beg, byte_at[k_start], byte_at[k_end])
            if opening.any():  # an opening that ends with its making ("金属3D打印设备…研发制造") is a core phrase too
                made = np.zeros(len(c_start), dtype=bool)
                for c in np.intersect1d(np.flatnonzero(opening), at).tolist():
                    made[c] = only_makes(big[c_chars[c] : ends[c]], rules)
                in_core |= made[at]
            weight[in_core] *= np.float32(core)
        customers = inside(beg, byte_at[u_start], byte_at[u_end])
        f_start, f_end = field_spans(big)  # 集人工智能、大数据、区块链于一体: fields named, no product
        customers |= inside(beg, byte_at[f_start], byte_at[f_end])
        ctx = np.where(customers, APPLICATION, ctx)
        weight[customers] = np.float32(factors[APPLICATION])
        # (trade_clauses marks HEAD and PLAIN clauses, and METHOD ones led by a resale cue)
        return ctx, weight, stated & (ctx != APPLICATION), traded & (ctx != APPLICATION)

    @staticmethod
    def _opening_clauses(
        data: bytes, big: str, byte_at: np.ndarray, c_start: np.ndarray, c_ctx: np.ndarray
    ) -> np.ndarray:
        """bool per clause (byte starts `c_start`, contexts `c_ctx`): the opening clause of its description when it
        has no cue (PLAIN) — the first one, or the first after a slogan that opens the description ("换电3分钟，满电
        即出发！…") —, not a report's source ("据当地媒体报道，…")."""
        u8 = np.frombuffer(data, dtype=np.uint8)
        opening = np.r_[True, u8[c_start[1:] - 1] == 0] & (c_ctx == PLAIN)
        # a description that opens with a slogan ("换电3分钟，满电即出发！", "HR的招聘神器来了！") opens its statement after it
        for m in SLOGAN_RX.finditer(big):
            after = int(byte_at[m.end()])
            j = int(np.searchsorted(c_start, after, side="left"))
            if j < len(c_start) and b"\x00" not in data[after : c_start[j]]:
                opening[int(np.searchsorted(c_start, byte_at[m.start()], side="left"))] = False
                opening[j] = c_ctx[j] == PLAIN
        first = np.flatnonzero(opening)  # one clause per description at most: not a report's source
        opening[first] = [not data.startswith(OPENING_SOURCE_BYTES, b) for b in c_start[first].tolist()]
        return opening

    @staticmethod
    def _opening_words(
        data: bytes,
        big: str,
        byte_at: np.ndarray,
        c_start: np.ndarray,
        opening: np.ndarray,
        at: np.ndarray,
        beg: np.ndarray,
        customers: np.ndarray,
    ) -> np.ndarray:
        """bool per match: it stands in the opening clause of its description, a clause with no cue (PLAIN), and
        before the clause's first verb (OPENING_VERBS) — the noun phrase that names the business, as a head clause
        does: "【职业技能培训学校】，开设…", "【第三方仓储服务商】，在昆山运营…", not "药店通为连锁药店提供…会员营销…"
        (what it supplies) nor a report's source ("据当地媒体报道，…") —, or all of it where it opens with its making
        verb ("【公司开发体检预约APP】，…": the statement OPENING_STATED_RX reads)."""
        if not opening.any():
            return np.zeros(len(beg), dtype=bool)
        ends = np.r_[c_start[1:], byte_at[-1]]  # byte offsets, as c_start
        # each clause's first verb at or after its start, else its end (one pass over the texts); 为 is a verb only
        # where it opens a customer phrase (为…企业提供: `customers`, customer_spans' starts, right after it), not as
        # "is" (本店为某品牌4S店)
        opened = set((customers - 1).tolist())
        found = [m.start() for m in OPENING_VERB_RX.finditer(big) if m.group() != "为" or m.start() in opened]
        verbs = np.r_[byte_at[found], byte_at[-1]].astype(np.int64)
        cut = np.minimum(verbs[np.searchsorted(verbs, c_start, side="left")], ends)
        # a clause that opens with its making verb (研发…, 公司开发…) states the business in full
        led = byte_at[[m.start() for m in OPENING_STATED_RX.finditer(big)]].astype(np.int64)
        cut = np.where(np.isin(c_start, led), ends, cut)
        cut = np.where(opening, cut, c_start)
        return beg < cut[at]

    def _code_evidence(self, codes: pd.Series) -> sp.csr_matrix:
        """n × S sparse: code_weight where the company's GB/T 小类 belongs to the segment."""
        n_seg = len(self.segments_)
        cats, uniques = pd.factorize(codes, use_na_sentinel=True)  # each distinct code is looked up once
        table = sp.lil_matrix((len(uniques) + 1, n_seg), dtype=np.float32)
        for i, code in enumerate(uniques):
            for sid in self.code_segments_.get(str(code), []):
                table[i, sid] = 1.0
        cats = np.where(cats < 0, len(uniques), cats)
        out = table.tocsr()[cats]
        out.data *= self.settings.code_weight
        return out

    def broad_code_evidence(self, codes: pd.Series) -> sp.csr_matrix:
        """n × S sparse: code_weight × broad_code_factor on every segment of the chains that list a 小类
        under a company's 大类 or 中类 (a two- or three-digit code: what some exports give instead of the
        小类). It supports those chains only: `_evidence` adds it where the chain has text evidence, after
        the chain's support, so it neither files a company nor picks its segment."""
        amount = np.float32(self.settings.code_weight * self.settings.broad_code_factor)
        cats, uniques = pd.factorize(codes, use_na_sentinel=True)
        broad = {
            i: self.broad_code_chains_.get(str(c)) for i, c in enumerate(uniques) if len(str(c)) in BROAD_CODE_LENGTHS
        }
        broad = {i: chains for i, chains in broad.items() if chains is not None}
        if not broad or amount <= 0:  # a 小类 everywhere (the usual export): nothing to add
            return sp.csr_matrix((len(codes), len(self.segments_)), dtype=np.float32)
        table = np.zeros((len(uniques) + 1, len(self.segments_)), dtype=np.float32)
        for i, chains in broad.items():
            table[i, chains[self.segment_chain_]] = amount
        cats = np.where(cats < 0, len(uniques), cats)
        return sp.csr_matrix(table)[cats]

    @staticmethod
    def scope_codes(frame: pd.DataFrame) -> np.ndarray:
        """n, object: for rows without a 国标行业 小类, the GB/T 小类 code named by the first main item of their
        经营范围 that names one (matcher.ingest.scope.main_code) — where the export gives a 大类 or 中类,
        only a 小类 under it —, else None. Only those rows' scopes are read, once per distinct text and only
        as far as the main items: a list that carries 国标行业 小类 pays nothing."""
        out = np.full(len(frame), None, dtype=object)
        if "scope" not in frame:
            return out
        scope = frame["scope"]
        need = scope.notna().to_numpy().copy()
        broad = np.zeros(len(frame), dtype=bool)
        if "industry_code" in frame:
            code = frame["industry_code"]
            broad = _broad(code)
            need &= code.isna().to_numpy() | broad
        if need.any():
            out[need] = main_codes(scope[need]).to_numpy(dtype=object)
        if broad.any():  # a 小类 outside the export's 大类 / 中类 is not the company's
            prefix = frame["industry_code"].to_numpy(dtype=object)
            for i in np.flatnonzero(broad & need):
                if out[i] is not None and not str(out[i]).startswith(str(prefix[i])):
                    out[i] = None
        return out

    def scope_code_support(self, frame: pd.DataFrame, counted: np.ndarray) -> tuple[sp.csr_matrix, sp.csr_matrix]:
        """(n × S support, n × listed codes): the GB/T 小类 codes (of `scope_code_list_`, those the segments
        list) the kept items of each 经营范围 name (matcher.ingest.scope.scope_item_codes: verbatim, or an
        item's objects read against the 小类 names; light items name none), each adding scope_code_weight
        to every segment that lists it, × scope_main_factor when a main item names it. The second matrix
        holds each row's codes with that factor. The row's industry code (`counted`: 国标行业, or the main
        item's code that stands in for it) is evidence already and is not counted again. Only scopes that
        hold a listed 小类's name or object (one automaton pass over the distinct texts) are read item by
        item, once per distinct text."""
        n, n_seg, n_codes = len(frame), len(self.segments_), len(self.scope_code_list_)
        weight = self.settings.scope_code_weight
        empty = sp.csr_matrix((n, n_codes), dtype=np.float32)
        if "scope" not in frame or self.scope_code_automaton_ is None or weight <= 0 or not n:
            return sp.csr_matrix((n, n_seg), dtype=np.float32), empty
        cats, uniques = pd.factorize(frame["scope"], use_na_sentinel=True)
        data = self._joined_texts(uniques)
        found = self.scope_code_automaton_.find_matches_as_indexes(data) if data else []
        if not found:
            return sp.csr_matrix((n, n_seg), dtype=np.float32), empty
        nul = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 0)  # SEPARATOR is the only NUL byte
        starts = np.array([m[1] for m in found], dtype=np.int64)
        candidates = np.unique(np.searchsorted(nul, starts, side="right"))  # the texts holding a hit
        rules = boilerplate()
        index = {code: i for i, code in enumerate(self.scope_code_list_)}
        main = np.float32(self.settings.scope_main_factor)
        t, c, v = [], [], []
        places = self.scope_code_places_.find_matches_as_indexes
        for k in candidates.tolist():
            text = str(uniques[k])
            prepped = prep_text(text)
            at = [m[1] for m in places(prepped)] if len(prepped) == len(text) else None  # else: every item
            for code, is_main in scope_item_codes(text, rules, at).items():
                j = index.get(code)
                if j is not None:
                    t.append(k)
                    c.append(j)
                    v.append(main if is_main else np.float32(1.0))
        per_text = sp.csr_matrix((np.array(v, dtype=np.float32), (t, c)), shape=(len(uniques), n_codes))
        has = cats >= 0
        rows = sp.csr_matrix(
            (np.ones(int(has.sum()), np.float32), (np.flatnonzero(has), cats[has])), shape=(n, len(uniques))
        )
        codes = (rows @ per_text).tocsr()  # each row takes its text's codes
        if codes.nnz:  # the row's industry code is counted already
            at = pd.Series(counted, dtype=object).map(index).to_numpy(dtype=float)
            entry_row = np.repeat(np.arange(n), np.diff(codes.indptr))
            codes.data[codes.indices == at[entry_row]] = 0.0
            codes.eliminate_zeros()
        support = (codes @ self.scope_code_segments_).tocsr()
        support.data *= np.float32(weight)
        return support, codes

    @staticmethod
    def _inherited_exclusions(patterns: dict, vocab: dict, ex_ids: dict, ex_pairs: list, listed: list) -> list:
        """(exclusion id, segment) pairs by which a keyword or exclusion word that holds a shorter exclusion word
        excludes that word's segments too: the longer pattern is matched in its place (医疗美容, the laser
        segment's exclusion, holds 美容, the 医药与生命健康 chain's), so without them the shorter word's
        exclusion would never be read there. A segment the longer word is itself a keyword of is left out. Adds
        an exclusion id to `ex_ids` for each keyword that gains one."""
        text = {i: t for t, i in patterns.items()}
        by_word: dict[str, set] = {}
        for e, sid in ex_pairs:
            by_word.setdefault(e, set()).add(sid)
        words = {text[p]: by_word[e] for p, e in ex_ids.items()}
        keyword_segments: dict[int, set] = {}
        for k, sid in listed:
            keyword_segments.setdefault(k, set()).add(sid)
        kw_of = {p: keyword_segments.get(k, set()) for p, k in vocab.items()}
        word_list = list(words)
        automaton = ahocorasick_rs.AhoCorasick(word_list, matchkind=ahocorasick_rs.MatchKind.Standard)
        out = []
        for p in sorted(set(vocab) | set(ex_ids)):
            t = text[p]
            held = {word_list[i] for i, _, _ in automaton.find_matches_as_indexes(t, overlapping=True)} - {t}
            for w in held:
                sids = words[w] - kw_of.get(p, set())
                if sids:
                    e = ex_ids.setdefault(p, len(ex_ids))
                    out.extend((e, sid) for sid in sids)
        return out

    def _codeless_chains(self, scope_code: np.ndarray, exported: np.ndarray, has_scope: np.ndarray) -> np.ndarray:
        """n × chains bool: the rows with a 经营范围 but no 国标行业 小类 (none, or its 大类 / 中类 only) whose main
        item's 小类 (scope_codes) is listed by no segment of the chain."""
        base = (pd.isna(exported) | _broad(exported)) & has_scope
        out = np.repeat(base[:, None], len(self.chain_ids_), axis=1)
        cats, uniques = pd.factorize(pd.Series(scope_code, dtype=object), use_na_sentinel=True)
        for k, code in enumerate(uniques):  # each distinct main-item code once
            chains = np.unique(self.segment_chain_[self.code_segments_.get(str(code), [])])
            if len(chains):
                out[np.ix_(cats == k, chains)] = False
        return out

    def scope_item_codes_of(self, result: MatchResult, row: int) -> tuple[str, ...]:
        """The GB/T 小类 codes a row's 经营范围 items name and count as evidence (see scope_code_support)."""
        m = result.scope_item_codes
        if m is None:
            return ()
        return tuple(self.scope_code_list_[j] for j in m.indices[m.indptr[row] : m.indptr[row + 1]])

    def match(self, frame: pd.DataFrame) -> MatchResult:
        """Keyword evidence field by field (as FIELD_POLICIES says), then the industry code and leader
        names, then weak words and the chain's support, saturated into relevance. Traditional characters
        in the text fields are read as simplified (matcher.knowledge.hanzi)."""
        frame = self.simplifier_.columns(frame, TEXT_COLUMNS)
        frame = read_copied_scopes(frame)
        sums = _FieldSums.empty(len(frame), len(self.segments_), len(self.leaders_))
        keep = np.float32(1.0) - np.float32(1.0 - self.settings.exclusion_factor)  # what an exclusion leaves
        scope_code = self.scope_codes(frame)
        exported = _column(frame, "industry_code").to_numpy(dtype=object)
        # the export's code, or the 经营范围 main item's 小类 where the export gives none or only its 大类 / 中类
        counted = np.where(pd.notna(scope_code), scope_code, exported)
        scope_ev, item_codes_of = self.scope_code_support(frame, counted)
        # a 经营范围 without a chain's 小类 (no 国标行业 or only its 大类 / 中类, and no main item naming a 小类 a segment
        # of that chain lists: 机械零件、零部件加工 names 3484, which supports nothing; 信息系统集成服务 beside
        # 电力信息化系统研发 supports software, not the grid): its main items carry that chain's trade (n × chains)
        codeless = self._codeless_chains(scope_code, exported, _column(frame, "scope").notna().to_numpy())
        coded = self._trade_coded(exported)
        sums.trader = coded if coded.any() else None
        sums.trade_coded = sums.trader
        for policy in FIELD_POLICIES:
            self._add_field(frame, policy, sums, keep, codeless)
        self._add_damped(sums)
        strong, weak = sums.strong.toarray(), sums.weak.toarray()
        code_ev = self._code_evidence(pd.Series(counted, dtype=object))
        broad_ev = self.broad_code_evidence(pd.Series(counted, dtype=object))
        if sums.spread_excluded is not None:  # exclusion words of a spreading field suppress the code too
            code_ev = _scale_where(code_ev, sums.spread_excluded, keep)
            broad_ev = _scale_where(broad_ev, sums.spread_excluded, keep)
            scope_ev = _scale_where(scope_ev, sums.spread_excluded, keep)
        if "scope" in sums.excluded:  # and the scope's own exclusion words its items' codes
            scope_ev = _scale_where(scope_ev, sums.excluded["scope"], keep)
        code_ev, broad_ev, scope_ev = self._stated_damped(sums, code_ev, broad_ev, scope_ev)
        # a leader's 字号 on a business that is no chain target (云南白药餐饮管理) is the group's brand, not its
        # trade: the leader's name is not found there (the business's own words are damped as ever)
        if sums.vertical.any() and sums.leader_hits.nnz:
            sums.leader_hits = _scale_rows(sums.leader_hits, (~sums.vertical).astype(np.float32))
            sums.leader_hits.eliminate_zeros()
        leader_ev = (sums.leader_hits @ self.leader_segments_).tocsr()
        leader_ev.data *= self.settings.leader_weight
        if sums.leader_traded is not None and leader_ev.nnz:
            leader_ev = self._leaders_traded(leader_ev, sums.leader_traded)
        code_all = (code_ev + scope_ev).tocsr()
        ranking = self._ranking_inputs(sums, strong, weak)  # before _evidence reuses the buffers
        # a registered making beside a 经营范围 that makes nothing ranks the company and does not file it
        unlisted = self._making_code_unlisted(frame, counted, code_ev)
        if sums.trader is not None:  # … and so does a code beside a trader's name (苍南县亿通贸易: 集成电路设计)
            unlisted |= sums.trader & _column(frame, "scope").notna().to_numpy()
        code_filing, broad_filing = code_all, broad_ev
        if unlisted.any():
            ranking = _with_rows(ranking, np.flatnonzero(unlisted), strong, weak)
            kept = (~unlisted).astype(np.float32)
            code_filing, broad_filing = _scale_rows(code_all, kept), _scale_rows(broad_ev, kept)
        evidence = self._evidence(strong, weak, leader_ev, code_filing, broad_filing)
        relevance = self._relevance(evidence, out=weak)  # weak's buffer is free once evidence holds it
        rank_relevance = None
        if ranking is not None:
            rows, r_strong, r_weak = ranking
            rank_relevance = relevance.copy()
            r_evidence = self._evidence(r_strong, r_weak, leader_ev[rows], code_all[rows], broad_ev[rows])
            rank_relevance[rows] = self._relevance(r_evidence, out=r_weak)
        result = MatchResult(
            relevance=relevance,
            evidence=evidence,
            hits=sums.hits,
            code_evidence=code_ev,
            broad_code_evidence=broad_ev,
            scope_code=scope_code,
            scope_code_support=scope_ev,
            scope_item_codes=item_codes_of,
            leader_hits=sums.leader_hits,
            excluded=sums.excluded,
            name_terms=sums.name_terms,
            rank_relevance=rank_relevance,
            resold_evidence=sums.resold,
            code_unlisted=unlisted if unlisted.any() else None,
            trade_cause=_trade_cause(coded, sums.trade_named, _column(frame, "scope")),
        )
        # what files a company and what ranks it: the knowledge relevance, the learned model joined to it
        # (learned.py; model_files says whether the join files or only ranks), the ranking relevance
        filing, ranked = relevance, relevance if rank_relevance is None else rank_relevance
        if self.model_ is not None and self.settings.model_weight > 0:  # the learned model joins (see learned.py)
            feats = knowledge_features(self, frame, result, relevance)
            result.model_relevance = model_relevance(self.model_, self.chain_ids_, feats, frame)
            result.knowledge_relevance = ranked  # what the model joins (its part in a reason is measured from it)
            weight = chain_weights(self.model_, self.chain_ids_, self.settings.model_weight)

            def joined(r: np.ndarray) -> np.ndarray:
                return join(r, self.segment_chain_, result.model_relevance, weight, self._ceiling())

            ranked = joined(ranked)
            if self.settings.model_files >= 0.5:  # the join files too (the same join where nothing ranks apart)
                filing = ranked if rank_relevance is None else joined(relevance)
        if ranked is filing:
            result.relevance = self._serve_below_makers(filing)
        else:  # filed as `filing` files, ranked as `ranked` ranks
            result.relevance = self._held(ranked, filing)
        # the knowledge's relevance too, so that what the model changed (a reason's model item) is the model's alone
        if result.knowledge_relevance is not None:
            result.knowledge_relevance = self._serve_below_makers(result.knowledge_relevance)
        return result

    def _serve_below_makers(self, relevance: np.ndarray) -> np.ndarray:
        """The relevance with the segments that serve a chain (its construction, operation, distribution: `serves` in
        the chain files) pressed, above min_relevance, into [min_relevance, service_ceiling], order kept — a
        contractor or a distributor ranks after the chain's makers; with a ceiling below min_relevance (the default)
        the part above the ceiling pressed between it and just under min_relevance, order kept (ranked, never filed;
        served_before reads it back). A copy where anything changes."""
        cols = self.serving_
        if not len(cols) or not len(relevance):
            return relevance
        out = relevance.copy()
        out[:, cols] = _pressed(relevance[:, cols], *self._serving_band())
        return out

    def _held(self, ranked: np.ndarray, filing: np.ndarray) -> np.ndarray:
        """`ranked` held where `filing` files (hold_filing) and its serving segments pressed (_serve_below_makers).
        Where they never file (service_ceiling under min_relevance, the default) only the other segments are held
        and the serving ones rank as pressed: what files is the knowledge's makers alone, whichever segment the
        model ranks first in a chain."""
        s = self.settings
        if s.service_ceiling >= s.min_relevance:  # serving segments file too: every segment held, then pressed
            held = hold_filing(ranked, filing, self.segment_chain_, s.min_relevance, self._ceiling())
            return self._serve_below_makers(held)
        cols = self.serving_
        kept = ranked[:, cols], filing[:, cols]  # copies
        pressed = _pressed(kept[0].copy(), *self._serving_band())
        # the hold with the serving columns at 0 (they neither lead nor name a chain), set back after: no copy of
        # the whole arrays (a large run's memory)
        ranked[:, cols] = 0.0
        filing[:, cols] = 0.0
        try:
            out = hold_filing(ranked, filing, self.segment_chain_, s.min_relevance, self._ceiling())
        finally:
            ranked[:, cols], filing[:, cols] = kept
        out[:, cols] = pressed
        return out

    def _serving_band(self) -> tuple[np.float32, np.float32]:
        """(floor, roof): a serving segment's relevance above the floor is pressed into [floor, roof] — above
        min_relevance into [min_relevance, service_ceiling], or, with the ceiling under min_relevance, above the
        ceiling into [service_ceiling, just under min_relevance] (ranked, never filed)."""
        low, top = np.float32(self.settings.min_relevance), np.float32(self.settings.service_ceiling)
        return (top, np.float32(self._ceiling())) if top < low else (low, top)

    def trader_word(self, name) -> str:
        """The trade word or service ending that makes a name a trader's as matching reads it (trader_name_rx_:
        苍南县亿通【贸易】有限公司, 某某【电力工程】有限公司), '' when the name is none."""
        if self.trader_name_rx_ is None or not isinstance(name, str):
            return ""
        found = self.trader_name_rx_.search(name)
        word = self.trade_word_rx_.match(name, found.start()) if found else None
        return word.group(0) if word else ""

    def _trade_coded(self, codes: np.ndarray) -> np.ndarray:
        """n bool: the export files the company under a 小类 of a trade, repair, lease, construction, business- or
        household-service 大类 or 中类 (`trade_codes` of scope_boilerplate.yaml: 43 金属制品、机械和设备修理业, 47–50 建筑业,
        51 批发业, 52 零售业, 71 租赁业, 72 商务服务业 less 721 组织管理服务, 80 居民服务业, 81 机动车、电子产品和日用产品修理业)
        that no segment lists — 5179 电气设备批发, 4330 专用设备修理, 7284 会议、展览及相关服务 or 4910 电气安装, not 5151 西药批发
        (bio's distribution), 4341 铁路运输设备修理 (rail's maintenance) nor 4811 铁路工程建筑 (rail's construction). The
        registry knows it as a trader or a firm that services, builds with or installs other makers' goods, or serves
        businesses or households: like a trader's name, its 经营范围's making items rank it and do not file it, and so do
        the products its own name and its description name (上海某某电气自动化设备有限公司 under 5179)."""
        prefixes = boilerplate().trade_codes
        if not prefixes or not len(codes):
            return np.zeros(len(codes), dtype=bool)

        def trades(code) -> bool:
            c = "" if code is None else str(code)
            if len(c) not in (*BROAD_CODE_LENGTHS, 4) or not c.startswith(prefixes):
                return False
            # a 小类 no segment lists; a 大类 or 中类 the export gives alone (会议、展览及相关服务: 728) under which none is
            return c not in (self.code_segments_ if len(c) == 4 else self.broad_code_chains_)

        return map_distinct(pd.Series(codes, dtype=object), trades).to_numpy(dtype=bool)  # each distinct code once

    def _making_code_unlisted(self, frame: pd.DataFrame, codes: np.ndarray, code_ev: sp.csr_matrix) -> np.ndarray:
        """bool per row: an industry code that gives evidence and names a making (its GB/T 小类 ends in a
        maker_activities word: 配电开关控制设备制造, 应用软件开发) beside a 经营范围 that makes nothing and sells
        (matcher.ingest.scope.scope_sells_only: 配电开关控制设备销售；电气设备销售; not 新能源技术推广 alone, which
        registers no trade). The registration claims a making the scope does not list: like the goods the scope names,
        the code ranks the company and does not file it. Only rows with code evidence and a scope are read, once per
        distinct scope."""
        out = np.zeros(len(frame), dtype=bool)
        scopes = _column(frame, "scope")
        if self.settings.scope_trade_factor >= 1.0:  # the setting says: a seller's items are no different
            return out
        ask = (np.diff(code_ev.indptr) > 0) & scopes.notna().to_numpy()
        if not ask.any():
            return out
        rules, names = boilerplate(), industry_codes()
        makers = tuple(rules.maker_activities)
        rows = np.flatnonzero(ask)
        asked = codes[rows].tolist()  # only the rows with code evidence and a scope: each distinct code named once
        making = {c: names.get(str(c), "").endswith(makers) for c in set(asked)}
        rows = rows[[making[c] for c in asked]]
        if len(rows):
            out[rows] = map_distinct(scopes.iloc[rows], lambda t: scope_sells_only(t, rules)).to_numpy(dtype=bool)
        return out

    def served_before(self, relevance: np.ndarray) -> np.ndarray:
        """A serving segment's relevance as it was before _serve_below_makers pressed it where service_ceiling is below
        min_relevance (where it is not, or at or under the ceiling, as it is)."""
        rel = np.asarray(relevance, dtype=np.float64)
        floor, roof = float(self.settings.service_ceiling), float(self._ceiling())  # the rank-only band, in float64
        if floor >= self.settings.min_relevance or roof <= floor:
            return rel
        return np.where(rel > floor, floor + (rel - floor) * (1.0 - floor) / (roof - floor), rel)

    def _ranking_inputs(self, sums: _FieldSums, strong: np.ndarray, weak: np.ndarray):
        """(rows, strong, weak) of the rows whose ranking differs from their filing: the weak words of a
        head clause counted as specific evidence × head_weak_rank only (the rest back among the weak words),
        or None when no row differs (head_weak_rank 1, or no such words)."""
        share = np.float32(self.settings.head_weak_rank)
        if share >= 1.0 or not sums.head_strong.nnz:
            return None
        rows = np.flatnonzero(np.diff(sums.head_strong.indptr) > 0)
        r_strong = strong[rows] - (1 - share) * sums.head_strong[rows].toarray()
        r_weak = weak[rows] + (1 - share) * sums.head_weak[rows].toarray()
        np.maximum(r_strong, 0.0, out=r_strong)  # float rounding: never below nothing
        return rows, r_strong.astype(np.float32, copy=False), r_weak.astype(np.float32, copy=False)

    def _read_field(
        self, frame: pd.DataFrame, policy: FieldPolicy, codeless: np.ndarray | None = None
    ) -> tuple[FieldHits, FieldHits, sp.csr_matrix | None, np.ndarray | None, FieldHits | None]:
        """(hits over the whole field — for leaders, exclusions and business cues —, hits that count as
        keyword evidence, name-term hits or None, which names are a trader's (trade_words of name_parts.yaml, or
        a 经营范围 beside them that makes nothing) or None, the scope's hits as its `codeless` chains count them or None) as the policy's `read` says: a
        plain text is both; a name counts keywords in its industry part only (matcher/ingest/names.py) and adds
        the industry part's chain terms; a scope counts its kept items, main items × main_items and light ones
        × light_items (matcher/ingest/scope.py); for the chains a row is `codeless` in (n × chains), a strong
        keyword in a main item that makes what it names × scope_codeless_factor as well."""
        p, s = policy, self.settings
        texts = _column(frame, p.column)
        if p.read == "scope":
            main, light, trade = (factor(f, s, 1.0) for f in (p.main_items, p.light_items, p.trade_items))
            whole = self._scope_hits(texts, main, light, trade)
            rows = np.zeros(0, dtype=np.int64)
            if codeless is not None and codeless.any() and s.scope_codeless_factor != 1.0:
                # only rows with a strong keyword can gain: the others are not read twice
                strong_hit = np.asarray(whole.hits @ self._pattern_strong_).ravel() > 0
                rows = np.flatnonzero(codeless.any(axis=1) & strong_hit)
            boosted = None
            if len(rows):
                alone = self._scope_hits(texts.iloc[rows], main, light, trade, s.scope_codeless_factor)
                pick = np.arange(len(texts))
                pick[rows] = len(texts) + np.arange(len(rows))
                # what is resold does not depend on the weights: the plain reading's, row for row
                boosted = FieldHits(sp.vstack((whole.hits, alone.hits), format="csr")[pick], None, None, whole.resold)
            return whole, whole, None, None, boosted
        clauses = None if p.clauses is None else tuple(factor(f, s) for f in p.clauses.contexts)
        whole = self._field_hits(texts, clauses, factor(p.core_phrase, s, 1.0))
        if p.read != "name":
            return whole, whole, None, None, None
        # only names that hold a keyword (the industry part is a part of the name, so no other name has one
        # there) or stand alone (their chain terms count) are parsed
        need = np.diff((whole.hits @ self._pattern_keywords_).tocsr().indptr) > 0
        if p.alone is not None:
            need |= self._only_field(frame, p)
        industry = np.full(len(texts), None, dtype=object)
        if need.any():
            parser = self.name_parser_
            read = map_distinct(texts[need], lambda n: None if n is None else parser.parse(n).industry)
            industry[need] = read.to_numpy(dtype=object)
        industry = pd.Series(industry, dtype=object)
        if self.venue_name_rx_ is not None and industry.notna().any():  # 新能源汽车产业园建设运营: a park's operator
            read = industry.notna().to_numpy()
            industry[read] = [self.venue_name_rx_.sub("", t, count=1) for t in industry[read]]
        traded = None
        if self.trade_name_rx_ is not None:  # 五金电缆贸易: a trader's name (see _add_field)
            traded = industry.astype("string").str.contains(self.trade_name_rx_).fillna(False).to_numpy(dtype=bool)
        counted = self._field_hits(industry)
        scopes = _column(frame, "scope")
        # beside a 经营范围 that makes nothing, the name's words name goods or tenants: only names with a strong keyword
        # in their industry part are looked at (the rest have no specific evidence to move)
        strong = np.asarray(counted.hits @ self._pattern_strong_).ravel() > 0
        ask = strong & scopes.notna().to_numpy()
        rules = boilerplate()
        if ask.any():
            serves = np.zeros(len(texts), dtype=bool)
            serves[ask] = map_distinct(scopes[ask], lambda t: scope_serves_only(t, rules)).to_numpy(dtype=bool)
            traded = serves if traded is None else traded | serves
        # …and beside a 简介 whose statement only trades (工控通自动化设备 with 销售西门子、三菱PLC…), the same
        intros = _column(frame, "intro")
        ask = strong & intros.notna().to_numpy() & (True if traded is None else ~traded)
        if ask.any():
            sells = np.zeros(len(texts), dtype=bool)
            sells[ask] = map_distinct(intros[ask], lambda t: intro_only_trades(t, rules)).to_numpy(dtype=bool)
            traded = sells if traded is None else traded | sells
        return whole, counted, self._name_term_hits(industry), traded, None

    def _leaders_traded(self, leader_ev: sp.csr_matrix, traded: np.ndarray) -> sp.csr_matrix:
        """n × S leader evidence where a leader's name stands in a trader's name (库卡机器人商贸, 施耐德电气售后服务,
        阿斯利康（无锡）贸易): the group's brand on an arm that makes nothing, so it names none of the leader's making
        segments — only, with the best of them, the chain's trading segment where the chain has one (trading_:
        a drug maker's trading arm is a drug distributor)."""
        rows = np.flatnonzero(traded & (np.diff(leader_ev.indptr) > 0))
        if not len(rows):
            return leader_ev
        dense = leader_ev[rows].toarray()
        moved = np.zeros_like(dense)
        for c, t in self.trading_.items():
            moved[:, t] = dense[:, self.segment_chain_ == c].max(axis=1)
        keep = np.ones(leader_ev.shape[0], dtype=np.float32)
        keep[rows] = 0
        place = sp.csr_matrix(
            (np.ones(len(rows), np.float32), (rows, np.arange(len(rows)))), shape=(leader_ev.shape[0], len(rows))
        )
        out = (_scale_rows(leader_ev, keep) + place @ sp.csr_matrix(moved)).tocsr()
        out.eliminate_zeros()
        return out

    def _leaders_past_place(self, names: pd.Series, found: sp.csr_matrix) -> sp.csr_matrix:
        """`found` without the leader names that start only inside a word of the name's place: read across the
        place, they are another 字号 (京北方 in 南京北方物流, 中车 in 汉中车辆维修, 通号 in 南通号角). A leader that
        starts with a place word (南京医药; 东方通科技 in 北京东方通科技, where 东方 reads as a place too) or after the
        place (株洲中车时代电气) counts. Rows with a leader name are few."""
        found = found.copy()
        parser = self.name_parser_
        for r in np.flatnonzero(np.diff(found.indptr)):
            name = prep_text(str(names.iloc[r]))
            ends = parser.region_ends(name)
            if not ends:
                continue
            place, bounds = ends[-1], {0, *ends}  # a leader may start where a place word begins
            a, b = found.indptr[r], found.indptr[r + 1]
            for i in range(a, b):
                leader = self._leader_texts_[found.indices[i]]
                starts = [m.start() for m in re.finditer(re.escape(leader), name)]
                if starts and all(at < place and at not in bounds for at in starts):
                    found.data[i] = 0
        found.eliminate_zeros()
        return found

    def _as_resold(self, counted: FieldHits, rows: np.ndarray) -> FieldHits:
        """`counted` with every non-trade pattern found in `rows` marked resold (see _keyword_parts)."""
        found = _scale_rows(counted.hits, rows.astype(np.float32)).tocsr()
        found.eliminate_zeros()  # the other rows' entries, scaled to 0, are still stored
        found.data[:] = 1
        found = found.multiply(sp.csr_matrix((~self._pattern_trade_).astype(np.float32))).tocsr()
        found.eliminate_zeros()
        resold = found if counted.resold is None else counted.resold.maximum(found).tocsr()
        return dataclasses.replace(counted, resold=resold if resold.nnz else counted.resold)

    def _both_resold(
        self, counted: FieldHits, boosted: FieldHits | None, rows: np.ndarray
    ) -> tuple[FieldHits, FieldHits | None]:
        """`counted` and, where the field has them, its `boosted` hits, each _as_resold for `rows`."""
        return self._as_resold(counted, rows), None if boosted is None else self._as_resold(boosted, rows)

    def _keyword_parts(
        self, counted: FieldHits, h: sp.csr_matrix
    ) -> tuple[sp.csr_matrix, sp.csr_matrix, sp.csr_matrix | None]:
        """(strong, weak, moved) n × S keyword evidence of a field's counted hits (`h`: those hits × keywords); a
        reseller's products (`resold`: a 经营范围 that makes nothing) move from strong to weak — they rank, never
        file (`moved`: how much; None when nothing moved)."""
        weak_part = (h @ self.weak_weights_).tocsr()
        if counted.resold is None or not counted.resold.nnz:
            return (h @ self.strong_weights_).tocsr(), weak_part, None
        sold = counted.hits.multiply(counted.resold).tocsr()
        moved = ((sold @ self._pattern_keywords_) @ self.strong_weights_).tocsr()
        # the strong part of what is kept, summed afresh: the whole less the moved would leave float residues (1e-7)
        # that count as a strong word in the chain (and do so or not depending on the other rows in the batch)
        kept = (counted.hits - sold).tocsr()
        kept.eliminate_zeros()
        return ((kept @ self._pattern_keywords_) @ self.strong_weights_).tocsr(), (weak_part + moved).tocsr(), moved

    def _add_field(
        self, frame: pd.DataFrame, policy: FieldPolicy, sums: _FieldSums, keep: np.float32, codeless=None
    ) -> None:
        """Add one text field's keyword evidence (strong and weak, n × S) to `sums` under its policy
        (`codeless`: n × chains, where a row's 经营范围 main items carry the chain's trade alone, see _read_field)."""
        p, s = policy, self.settings
        fh, counted, terms, traded, boosted = self._read_field(frame, p, codeless)
        if p.read == "name" and sums.trader is not None:  # a trade 国标行业: the name's products are what it sells
            counted, boosted = self._both_resold(counted, boosted, sums.trader)
        if p.read == "name" and self.trader_name_rx_ is not None:
            names = _column(frame, p.column)
            named = names.astype("string").str.contains(self.trader_name_rx_).fillna(False).to_numpy(bool)
            sums.trader = named if sums.trader is None else named | sums.trader
            sums.trade_named = named
        elif p.read == "text" and sums.trade_coded is not None:
            # a description beside a trade 国标行业 (a repair shop's 挖掘机、装载机的液压系统维修, a rental firm's 迎宾机器人出租):
            # the goods it names are what the registry says it sells, repairs, leases or installs — they rank, never file
            counted, boosted = self._both_resold(counted, boosted, sums.trade_coded)
        elif p.read == "scope" and sums.trader is not None and sums.trader.any():
            # a trader's name beside a 经营范围 (苍南县亿通贸易 with 集成电路设计, 某某电力安装工程 with the 承装 licence): the
            # scope's making items are what the trader registers beside its trade — they rank, never file (trade
            # keywords, 药品批发, stay: a distributor is filed by them)
            counted, boosted = self._both_resold(counted, boosted, sums.trader)
        if p.vertical_cue != "none":  # a vertical business (营销公司, 教育机构 …) says what it is
            cue = fh.hits if p.vertical_cue == "all" else (fh.head if fh.stated is None else fh.stated)
            revealed = (cue @ self._pattern_vertical_) > 0
            sums.vertical |= revealed
            if p.vertical_cue == "head":
                sums.stated |= revealed
        if p.leaders:
            found = (fh.hits @ self._pattern_leaders_).tocsr()
            if p.read == "name" and found.nnz:
                found = self._leaders_past_place(_column(frame, p.column), found)
                # 库卡机器人商贸, 中车供应链管理: the group's brand on a trading arm (_leaders_traded)
                if traded is not None and traded.any():
                    sums.leader_traded = traded if sums.leader_traded is None else sums.leader_traded | traded
            sums.leader_hits = found if sums.leader_hits.nnz == 0 else sums.leader_hits.maximum(found).tocsr()
        h = (counted.hits @ self._pattern_keywords_).tocsr()
        ex = self._excluded(fh, p, sums)
        part, weak_part, moved = self._keyword_parts(counted, h)
        if boosted is not None:  # the segments of the chains a row is codeless in count its main items more
            b_part, b_weak, _ = self._keyword_parts(boosted, (boosted.hits @ self._pattern_keywords_).tocsr())
            mask = sp.csr_matrix(codeless[:, self.segment_chain_].astype(np.float32))
            part = (part + (b_part - part).multiply(mask)).tocsr()
            weak_part = (weak_part + (b_weak - weak_part).multiply(mask)).tocsr()
        said = None  # the resold goods a reason names
        if moved is not None and p.field == "scope":  # the 经营范围 (RESALE_ALONE)
            said = moved
        elif moved is not None and p.read == "text" and sums.trade_coded is not None:
            # … or, for a description's goods, the 国标行业 that made them a trader's (RESALE_CODED)
            said = _scale_rows(moved, sums.trade_coded.astype(np.float32)).tocsr()
            said.eliminate_zeros()
        if said is not None and said.nnz:
            sums.resold = said if sums.resold is None else (sums.resold + said).tocsr()
        if terms is not None:  # the industry part of a name: its chain terms
            part, weak_part, sums.name_terms = self._add_name_terms(frame, p, terms, part, weak_part)
            # a trader's name (五金电缆贸易), or a name beside a 经营范围 that makes nothing (京芯集成电路科技 with 物业管理；
            # 停车场服务, 中原电力设备 with 变压器销售): its specific words rank as weak ones, never file
            if traded is not None and traded.any():
                weak_part = (weak_part + _scale_rows(part, traded.astype(np.float32))).tocsr()
                part = _scale_rows(part, (~traded).astype(np.float32))
        promoted = None
        if fh.head is not None:  # weak words in the sentence that states the business count
            promoted = ((fh.head @ self._pattern_keywords_) @ self.weak_weights_).tocsr()
            part = (part + factor(p.clauses.head_weak, s) * promoted).tocsr()
            weak_part = (weak_part - promoted).tocsr()
        # an exclusion word keeps only exclusion_factor of the segment's evidence in that field
        part, weak_part = _scale_where(part, ex, keep), _scale_where(weak_part, ex, keep)
        promoted_strong = None
        if promoted is not None and promoted.nnz:  # kept apart for the ranking (head_weak_rank, see match)
            promoted = _scale_where(promoted, ex, keep)
            promoted_strong = factor(p.clauses.head_weak, s) * promoted
        if p.alone is not None:  # a roster row with nothing but this field: it is all the evidence there is
            only = self._only_field(frame, p)
            alone = np.where(only, np.float32(factor(p.alone, s)), np.float32(1.0))
            part = _scale_rows(part, alone)
            promoted_strong = None if promoted_strong is None else _scale_rows(promoted_strong, alone)
        weight = factor(p.weight, s)
        heads = (None, None) if promoted_strong is None else (weight * promoted_strong, weight * promoted)
        added = (weight * part, weight * weak_part, *heads)
        if p.vertical_damp is not None:  # damped once every field is read: a later one may reveal the business
            sums.damped.append((np.float32(factor(p.vertical_damp, s)), False, *added))
        elif p.stated_damp is not None:  # only by a business a description states
            sums.damped.append((np.float32(factor(p.stated_damp, s)), True, *added))
        else:
            _add_evidence(sums, *added)
        sums.hits[p.field] = h
        sums.excluded[p.field] = ex

    @staticmethod
    def _add_damped(sums: _FieldSums) -> None:
        """Add the evidence of the fields a vertical business damps (vertical_damp), × their damp where any
        field revealed one — a later one too: a 简介's "是一家现代农业企业" damps the name's 智慧农业 as it damps
        its own words."""
        for damp, stated_only, *added in sums.damped:
            rows = np.where(sums.stated if stated_only else sums.vertical, damp, np.float32(1.0))
            _add_evidence(sums, *(None if m is None else _scale_rows(m, rows) for m in added))
        sums.damped.clear()

    def _stated_damped(self, sums: _FieldSums, *codes: sp.csr_matrix) -> tuple:
        """The industry code's evidence matrices × the 经营范围's stated_damp where a description stated a
        non-target business (a learning app registered as 应用软件开发 is an education business)."""
        damp = next((p.stated_damp for p in FIELD_POLICIES if p.read == "scope"), None)
        if damp is None or not sums.stated.any():
            return codes
        rows = np.where(sums.stated, np.float32(factor(damp, self.settings)), np.float32(1.0))
        return tuple(_scale_rows(c, rows) for c in codes)

    def _add_name_terms(self, frame, policy: FieldPolicy, terms, part, weak_part) -> tuple:
        """(strong, weak, terms counted) with a name's industry-part terms added where the name is all there
        is (a roster row): beside a 简介, 经营范围 or industry code, which say more, the terms are left out
        (the name's own keywords still count)."""
        only = self._only_field(frame, policy) if policy.alone is not None else np.zeros(terms.shape[0], dtype=bool)
        terms = _scale_rows(terms, only.astype(np.float32))
        terms.eliminate_zeros()
        if not terms.nnz:
            return part, weak_part, terms
        part = (part + terms @ self.name_term_strong_).tocsr()
        weak_part = (weak_part + terms @ self.name_term_weak_).tocsr()
        return part, weak_part, terms

    def _excluded(self, fh: FieldHits, policy: FieldPolicy, sums: _FieldSums) -> sp.csr_matrix:
        """n × S, 1 where an exclusion word of the segment (or its chain) is in this field or in a
        field before it whose exclusions spread; a spreading field passes its own on in `sums`. In a
        description an exclusion word in an application clause does not count: "产品应用于电动汽车、
        电动自行车等领域" names customers, it does not make a battery-material maker an e-bike firm."""
        hits = fh.hits if fh.own is None else fh.own
        ex = ((hits @ self._pattern_exclusions_) @ self.exclusion_matrix_).tocsr()
        ex.data[:] = 1
        if sums.spread_excluded is not None:
            ex = ((ex + sums.spread_excluded) > 0).astype(np.float32).tocsr()
        if policy.exclusions_spread:
            sums.spread_excluded = ex
        return ex

    @staticmethod
    def _only_field(frame: pd.DataFrame, policy: FieldPolicy) -> np.ndarray:
        """Rows whose other text fields and industry code are all missing (absent columns count as missing)."""
        only = np.ones(len(frame), dtype=bool)
        for column in [p.column for p in FIELD_POLICIES if p is not policy] + ["industry_code"]:
            if column in frame:
                only &= frame[column].isna().to_numpy()
        return only

    def _evidence(
        self,
        strong: np.ndarray,
        weak: np.ndarray,
        leader: sp.csr_matrix,
        code: sp.csr_matrix,
        broad: sp.csr_matrix | None = None,
    ) -> np.ndarray:
        """evidence = strong + leader + weak_factor × weak (× weak_alone_factor where the chain has no
        other evidence, its industry code included) + the industry code's evidence for the segments it
        lists, + chain_support × the chain's other segments' evidence, + a 大类 / 中类's `broad` evidence
        where the chain has text evidence (not spread). Where the chain has no text evidence (no keyword,
        weak or strong, and no leader name) the code is all there is: it is not spread by chain_support
        and stays below min_relevance, so a code alone never files a company in a segment (issue 14: a
        code supports a chain and narrows its segments). Works in place in `strong`'s and `weak`'s float32
        buffers; returns strong's."""
        base = strong
        _add_sparse(base, leader)
        has_strong = self._chain_has(base)  # strong keywords or a leader name in the chain
        has_text = has_strong | self._chain_has(weak)
        code.sum_duplicates()
        code_rows = np.repeat(np.arange(len(base)), np.diff(code.indptr))
        has_code = np.zeros(base.shape, dtype=bool)
        has_code[code_rows, code.indices] = code.data > 0
        alone = ~(has_strong | self._chain_has(has_code))
        weak *= self.settings.weak_factor
        np.multiply(weak, np.float32(self.settings.weak_alone_factor), out=weak, where=alone)
        amount = code.data.astype(np.float32)
        bare = ~has_text[code_rows, code.indices]  # the code is all the evidence the chain has
        supported = ~bare
        base[code_rows[supported], code.indices[supported]] += amount[supported]
        evidence = base
        evidence += weak
        lifts = evidence if not len(self.serving_) else evidence * self.makers_  # a serving segment lifts no other
        support = self._chain_sum(lifts)
        support -= lifts
        support *= self.settings.chain_support
        evidence += support
        evidence[code_rows[bare], code.indices[bare]] += np.minimum(amount[bare], self._code_cap())
        if broad is not None and broad.nnz:
            b_rows = np.repeat(np.arange(len(evidence)), np.diff(broad.indptr))
            text = has_text[b_rows, broad.indices]
            evidence[b_rows[text], broad.indices[text]] += broad.data[text]
        return evidence

    def _ceiling(self) -> float:
        """The highest relevance that stays under min_relevance once rounded to 4 decimals (0.001 below it)."""
        return max(self.settings.min_relevance - 0.001, 0.0)

    def _code_cap(self) -> np.float32:
        """The most evidence an industry code alone may give a segment: just under min_relevance (0.001
        below it, so that relevance rounded to 4 decimals stays under it too)."""
        s = self.settings
        below = s.min_relevance - 0.001
        return np.float32(-s.evidence_scale * np.log1p(-below) if below > 0 else 0.0)

    def _relevance(self, evidence: np.ndarray, out: np.ndarray) -> np.ndarray:
        """relevance = 1 − exp(−evidence / evidence_scale), computed in `out` (a free n × S float32 buffer)."""
        relevance = np.negative(evidence, out=out)
        relevance /= self.settings.evidence_scale
        np.exp(relevance, out=relevance)
        np.subtract(1.0, relevance, out=relevance)
        return relevance

    def _chain_has(self, values: np.ndarray) -> np.ndarray:
        """n × S bool: whether the segment's chain has `values` > 0 — in a segment that files, for a segment that
        files (a serving segment's words, 地铁运营 or 售电, say what the company serves, not what it makes: they
        neither back an industry code nor count as the makers' text), in any segment, for a serving one."""
        if not len(self.serving_):
            return self._chain_sum(values, positive=True)
        chain = self.segment_chain_
        if not np.all(np.diff(chain) >= 0):  # the plain definition
            out = self._chain_sum(values * self.makers_, positive=True)
            out[:, self.serving_] = self._chain_sum(values, positive=True)[:, self.serving_]
            return out
        # one reduceat with the serving columns zeroed and a look at those few, instead of two passes over n × S
        v = values.view(np.uint8) if values.dtype == bool else values  # reduceat on bool is slow
        bounds = np.flatnonzero(np.r_[True, np.diff(chain) != 0])
        has = np.add.reduceat(v * self.makers_, bounds, axis=1) > 0  # n × chains, the makers' segments only
        out = has[:, chain]
        served, of = v[:, self.serving_] > 0, chain[self.serving_]
        for c in np.unique(of):
            out[:, self.serving_[of == c]] = (has[:, c] | served[:, of == c].any(axis=1))[:, None]
        return out

    def _chain_sum(self, values: np.ndarray, positive: bool = False) -> np.ndarray:
        """n × S: for every segment, the sum of `values` over all segments of its chain (with
        `positive`, whether that sum is > 0)."""
        chain = self.segment_chain_
        # segments of a chain are contiguous (as fit builds them): one reduceat, no n × S × S product
        if np.all(np.diff(chain) >= 0):
            bounds = np.flatnonzero(np.r_[True, np.diff(chain) != 0])
            sums = np.add.reduceat(values, bounds, axis=1)  # n × chains
            width = np.diff(np.r_[bounds, len(chain)])  # segments per chain
            return np.repeat(sums > 0 if positive else sums, width, axis=1)
        total = values @ self.chain_block_
        return total > 0 if positive else total

    def chain_relevance(self, result: MatchResult) -> pd.DataFrame:
        """n × chains: each company's best segment relevance within every chain."""
        rel = result.relevance
        return pd.DataFrame(
            {cid: rel[:, self.segment_chain_ == ci].max(axis=1) for ci, cid in enumerate(self.chain_ids_)}
        )

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """Relevance matrix n × S (scikit-learn style)."""
        return self.match(frame).relevance
