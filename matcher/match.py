"""Relevance of every company to every chain segment, with the evidence that produced it.

`SegmentMatcher` follows scikit-learn's estimator contract: `__init__` stores the evidence weights,
`fit(chains)` compiles the chain vocabulary into Aho-Corasick automata and sparse keyword→segment
weight matrices (a keyword shared by several segments is worth less to each), and
`match(frame)` returns a `MatchResult` holding, per field (name, intro/products, 经营范围), the
keywords found in each company, the evidence per segment and the relevance in [0, 1]:
relevance = 1 − exp(−evidence / scale). Evidence adds up strong keyword hits (weighted by field),
weak keywords (only where the same chain already has other evidence), the GB/T industry code and
leader names, is suppressed by exclusion words, and is supported by evidence for the chain's other
segments. Matching runs once per distinct text, so repeated values cost nothing.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

import ahocorasick
import numpy as np
import pandas as pd
import scipy.sparse as sp
from sklearn.base import BaseEstimator

from .chains import Chain
from .config import DEFAULTS

FIELDS = ("name", "intro", "scope")
FIELD_LABELS = {"name": "名称", "intro": "简介", "scope": "经营范围"}
FIELD_COLUMNS = {"name": "company_name", "intro": "intro", "scope": "scope"}


def _prep(text: str) -> str:
    return unicodedata.normalize("NFKC", text).lower()


def _is_ascii_word(word: str) -> bool:
    return word.isascii() and any(ch.isalnum() for ch in word)


def _build_automaton(words: list[str]):
    auto = ahocorasick.Automaton()
    for i, w in enumerate(words):
        auto.add_word(w, (i, len(w), _is_ascii_word(w)))
    auto.make_automaton()
    return auto


def _find(auto, text: str) -> list[int]:
    """Ids of words found in text; a match inside a longer match is dropped; ASCII words need
    word boundaries (so 'CRO' does not fire inside 'micro')."""
    spans = []
    for end, (wid, length, ascii_word) in auto.iter(text):
        start = end - length + 1
        if ascii_word:
            if start > 0 and text[start - 1].isascii() and text[start - 1].isalnum():
                continue
            if end + 1 < len(text) and text[end + 1].isascii() and text[end + 1].isalnum():
                continue
        spans.append((start, -length, end, wid))
    if len(spans) <= 1:
        return [s[3] for s in spans]
    spans.sort()
    out, max_end = [], -1
    for start, _neg, end, wid in spans:
        if end <= max_end:
            continue  # contained in an earlier, longer (or equal-start) match
        out.append(wid)
        max_end = end
    return out


def _hits_matrix(auto, texts: pd.Series, n_words: int) -> sp.csr_matrix:
    """Binary n_rows × n_words matrix of the words found in each text (per distinct text)."""
    codes, uniques = pd.factorize(texts, use_na_sentinel=True)
    indptr, indices = [0], []
    for text in uniques:
        found = set(_find(auto, _prep(str(text)))) if auto is not None else set()
        indices.extend(sorted(found))
        indptr.append(len(indices))
    indptr.append(len(indices))  # an empty row for missing texts
    u = sp.csr_matrix((np.ones(len(indices), dtype=np.float32), np.asarray(indices, dtype=np.int32),
                       np.asarray(indptr, dtype=np.int64)), shape=(len(uniques) + 1, n_words))
    codes = np.where(codes < 0, len(uniques), codes)
    return u[codes]


@dataclass
class MatchResult:
    """What matching found for a frame of companies (rows aligned with the frame)."""

    relevance: np.ndarray  # n × S, float32 in [0, 1]
    evidence: np.ndarray  # n × S evidence amounts before saturation
    hits: dict  # field -> csr n × K (keyword hits)
    code_evidence: np.ndarray  # n × S
    leader_hits: sp.csr_matrix  # n × L
    excluded: dict  # field -> n × S bool (exclusion words present)


class SegmentMatcher(BaseEstimator):
    """Scores companies against chain segments from names, texts and industry codes."""

    def __init__(self, name_weight=DEFAULTS.name_weight, intro_weight=DEFAULTS.intro_weight,
                 scope_weight=DEFAULTS.scope_weight, code_weight=DEFAULTS.code_weight,
                 leader_weight=DEFAULTS.leader_weight, weak_factor=DEFAULTS.weak_factor,
                 chain_support=DEFAULTS.chain_support, exclusion_factor=DEFAULTS.exclusion_factor,
                 evidence_scale=DEFAULTS.evidence_scale):
        self.name_weight = name_weight
        self.intro_weight = intro_weight
        self.scope_weight = scope_weight
        self.code_weight = code_weight
        self.leader_weight = leader_weight
        self.weak_factor = weak_factor
        self.chain_support = chain_support
        self.exclusion_factor = exclusion_factor
        self.evidence_scale = evidence_scale

    # ----------------------------------------------------------------------------------------
    def fit(self, chains: dict[str, Chain], y=None):
        seg_rows, chain_of = [], []
        for chain in chains.values():
            for seg in chain.segments:
                seg_rows.append({"chain_id": chain.id, "chain_name": chain.name, "segment_id": seg.id,
                                 "segment_name": seg.name, "position": seg.position})
                chain_of.append(chain.id)
        self.segments_ = pd.DataFrame(seg_rows)
        self.chain_ids_ = list(chains)
        n_seg = len(seg_rows)
        chain_index = np.array([self.chain_ids_.index(c) for c in chain_of])
        self.segment_chain_ = chain_index
        self.chain_block_ = (chain_index[:, None] == chain_index[None, :]).astype(np.float32)

        # keywords: one vocabulary, strong and weak weights per segment
        vocab: dict[str, int] = {}
        display: list[str] = []  # the keyword as written in the chain file, for reasons
        strong, weak = [], []  # (kid, sid)

        def kid(word: str) -> int:
            key = _prep(word)
            if key not in vocab:
                vocab[key] = len(vocab)
                display.append(word)
            return vocab[key]

        for sid, (chain, seg) in enumerate((c, s) for c in chains.values() for s in c.segments):
            strong.extend((kid(w), sid) for w in seg.keywords)
            weak.extend((kid(w), sid) for w in seg.weak_keywords)
        self.vocabulary_ = display
        k = len(vocab)
        share = np.zeros(k)
        for kid, _ in set(strong) | set(weak):
            share[kid] += 1
        spec = 1.0 / np.sqrt(np.maximum(share, 1))

        def weights(pairs):
            pairs = sorted(set(pairs))
            if not pairs:
                return sp.csr_matrix((k, n_seg), dtype=np.float32)
            r = np.array([p[0] for p in pairs])
            c = np.array([p[1] for p in pairs])
            return sp.csr_matrix((spec[r].astype(np.float32), (r, c)), shape=(k, n_seg))

        self.strong_weights_ = weights(strong)
        self.weak_weights_ = weights(weak)
        self.automaton_ = _build_automaton(list(vocab)) if k else None

        # exclusions: segment-level and chain-level words -> segments they suppress
        ex_vocab: dict[str, int] = {}
        ex_pairs = []
        for sid, (chain, seg) in enumerate((c, s) for c in chains.values() for s in c.segments):
            for w in tuple(seg.exclude) + tuple(chain.exclude):
                ex_pairs.append((ex_vocab.setdefault(_prep(w), len(ex_vocab)), sid))
        self.exclusions_ = list(ex_vocab)
        ex_pairs = sorted(set(ex_pairs))
        self.exclusion_matrix_ = sp.csr_matrix(
            (np.ones(len(ex_pairs), dtype=np.float32), ([p[0] for p in ex_pairs], [p[1] for p in ex_pairs])),
            shape=(len(ex_vocab), n_seg))
        self.exclusion_automaton_ = _build_automaton(self.exclusions_) if ex_vocab else None

        # industry codes: 小类 -> segments. Only the exact 小类 counts: neighbours in the same 中类
        # (LED 3975 beside 集成电路制造 3973) are too often a different trade.
        self.code_segments_: dict[str, list[int]] = {}
        for sid, seg in enumerate(s for c in chains.values() for s in c.segments):
            for code in seg.industry_codes:
                self.code_segments_.setdefault(code, []).append(sid)

        # leaders: names -> segment
        leaders, leader_seg = [], []
        for sid, seg in enumerate(s for c in chains.values() for s in c.segments):
            for name in seg.leaders:
                leaders.append(_prep(name))
                leader_seg.append(sid)
        self.leaders_ = leaders
        self.leader_segments_ = sp.csr_matrix(
            (np.ones(len(leaders), dtype=np.float32), (np.arange(len(leaders)), leader_seg)),
            shape=(len(leaders), n_seg))
        self.leader_automaton_ = _build_automaton(list(dict.fromkeys(leaders))) if leaders else None
        self._leader_unique_ = list(dict.fromkeys(leaders))
        return self

    # ----------------------------------------------------------------------------------------
    def _code_evidence(self, codes: pd.Series) -> np.ndarray:
        n_seg = len(self.segments_)
        cats, uniques = pd.factorize(codes, use_na_sentinel=True)
        table = np.zeros((len(uniques) + 1, n_seg), dtype=np.float32)
        for i, code in enumerate(uniques):
            for sid in self.code_segments_.get(str(code), []):
                table[i, sid] = 1.0
        cats = np.where(cats < 0, len(uniques), cats)
        return table[cats] * self.code_weight

    def match(self, frame: pd.DataFrame) -> MatchResult:
        n = len(frame)
        k = len(self.vocabulary_)
        field_weight = {"name": self.name_weight, "intro": self.intro_weight, "scope": self.scope_weight}
        hits, excluded = {}, {}
        strong = np.zeros((n, len(self.segments_)), dtype=np.float32)
        weak = np.zeros_like(strong)
        name_excl = None
        for f in FIELDS:
            col = frame[FIELD_COLUMNS[f]] if FIELD_COLUMNS[f] in frame else pd.Series([None] * n)
            h = _hits_matrix(self.automaton_, col, k)
            hits[f] = h
            if self.exclusion_automaton_ is not None:
                xh = _hits_matrix(self.exclusion_automaton_, col, len(self.exclusions_))
                ex = np.asarray((xh @ self.exclusion_matrix_).todense()) > 0
            else:
                ex = np.zeros_like(strong, dtype=bool)
            if f == "name":
                name_excl = ex
            else:
                ex = ex | name_excl
            excluded[f] = ex
            keep = np.where(ex, np.float32(self.exclusion_factor), np.float32(1.0))
            strong += field_weight[f] * np.asarray((h @ self.strong_weights_).todense()) * keep
            weak += field_weight[f] * np.asarray((h @ self.weak_weights_).todense()) * keep

        code_ev = self._code_evidence(frame["industry_code"] if "industry_code" in frame else pd.Series([None] * n))
        code_ev = code_ev * np.where(name_excl, np.float32(self.exclusion_factor), np.float32(1.0))
        if self.leader_automaton_ is not None:
            lh = _hits_matrix(self.leader_automaton_, frame["company_name"], len(self._leader_unique_))
            # expand unique leader names back to (name, segment) rows
            expand = sp.csr_matrix(
                (np.ones(len(self.leaders_), dtype=np.float32),
                 ([self._leader_unique_.index(x) for x in self.leaders_], np.arange(len(self.leaders_)))),
                shape=(len(self._leader_unique_), len(self.leaders_)))
            leader_hits = (lh @ expand).tocsr()
            leader_ev = np.asarray((leader_hits @ self.leader_segments_).todense()) * self.leader_weight
        else:
            leader_hits = sp.csr_matrix((n, 0))
            leader_ev = np.zeros_like(strong)

        base = strong + code_ev + leader_ev
        chain_has = (base @ self.chain_block_) > 0
        evidence = base + self.weak_factor * weak * chain_has
        evidence = evidence + self.chain_support * (evidence @ self.chain_block_ - evidence)
        relevance = (1.0 - np.exp(-evidence / self.evidence_scale)).astype(np.float32)
        return MatchResult(relevance=relevance, evidence=evidence.astype(np.float32), hits=hits,
                           code_evidence=code_ev, leader_hits=leader_hits, excluded=excluded)

    def chain_relevance(self, result: MatchResult) -> pd.DataFrame:
        """n × chains: each company's best segment relevance within every chain."""
        rel = result.relevance
        return pd.DataFrame({cid: rel[:, self.segment_chain_ == ci].max(axis=1)
                             for ci, cid in enumerate(self.chain_ids_)})

    def transform(self, frame: pd.DataFrame) -> np.ndarray:
        """Relevance matrix n × S (scikit-learn style)."""
        return self.match(frame).relevance

    # ----------------------------------------------------------------------------------------
    def keywords_for(self, result: MatchResult, row: int, segment: int) -> dict[str, list[str]]:
        """field -> keywords of `segment` (strong first, then weak) found in that field of `row`."""
        strong, weak = self._segment_columns(segment)
        out = {}
        for f in FIELDS:
            h = result.hits[f]
            ids = h.indices[h.indptr[row]:h.indptr[row + 1]]
            words = [self.vocabulary_[i] for i in ids if strong[i]]
            words += [self.vocabulary_[i] for i in ids if weak[i] and not strong[i]]
            if words:
                out[f] = words
        return out

    def _segment_columns(self, segment: int):
        cache = self.__dict__.setdefault("_col_cache", {})
        if segment not in cache:
            cache[segment] = (self.strong_weights_[:, segment].toarray().ravel() > 0,
                              self.weak_weights_[:, segment].toarray().ravel() > 0)
        return cache[segment]

    def leaders_for(self, result: MatchResult, row: int, segment: int) -> list[str]:
        lh = result.leader_hits
        ids = lh.indices[lh.indptr[row]:lh.indptr[row + 1]]
        seg_of = self.leader_segments_.indices
        return [self.leaders_[i] for i in ids if seg_of[i] == segment]
