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

import bisect
import re
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


# Clause cues for free-text descriptions (公司简介): where a keyword sits says how much it tells.
# "是一家…/专注于…/主要从事…" states the business (weak words count as strong there); "产品应用于…/
# 服务于…/客户包括…" names the customers' industries; "通过/利用/基于…技术" names a means.
_SENTENCE = re.compile(r"[^。！？!?；;\n]+")
_CLAUSE = re.compile(r"[^，,：:]+")
_HEAD_CUE = re.compile(r"是一家|是一个|是国内|是中国|是全球|是国际|是专业|致力于|专注于|专业从事|主要从事|专门从事|主营|主要产品|核心产品|主要业务")
_APP_CUE = re.compile(r"应用于|应用在|广泛应用|广泛用于|可用于|适用于|用于|服务于|客户包括|客户涵盖|客户遍及|客户覆盖|合作伙伴|合作客户|涉及|覆盖|涵盖")
_METHOD_CUE = re.compile(r"^\s*(?:并|同时|主要|公司|还|并且)?(?:通过|利用|运用|借助|依托|结合|采用|融合|凭借|基于|应用)")
HEAD, PLAIN, METHOD, APPLICATION = 0, 1, 2, 3


def clause_contexts(text: str) -> list[tuple[int, int, int]]:
    """(start, end, context) for every clause of a description; context is HEAD, PLAIN, METHOD or
    APPLICATION. A head cue makes the rest of its sentence HEAD (unless a clause names an
    application or a means)."""
    out = []
    for sent in _SENTENCE.finditer(text):
        head = False
        for cl in _CLAUSE.finditer(sent.group(0)):
            clause = cl.group(0)
            if not head and _HEAD_CUE.search(clause):
                head = True
            if _APP_CUE.search(clause):
                ctx = APPLICATION
            elif _METHOD_CUE.search(clause):
                ctx = METHOD
            else:
                ctx = HEAD if head else PLAIN
            out.append((sent.start() + cl.start(), sent.start() + cl.end(), ctx))
    return out


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


def _find(auto, text: str) -> list[tuple[int, int]]:
    """(word id, start) of words found in text; a match inside a longer match is dropped; ASCII
    words need word boundaries (so 'CRO' does not fire inside 'micro')."""
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
        return [(s[3], s[0]) for s in spans]
    spans.sort()
    out, max_end = [], -1
    for start, _neg, end, wid in spans:
        if end <= max_end:
            continue  # contained in an earlier, longer (or equal-start) match
        out.append((wid, start))
        max_end = end
    return out


def _hits_matrix(auto, texts: pd.Series, n_words: int, factors: tuple | None = None):
    """n_rows × n_words matrix of the words found in each text (computed once per distinct text).

    Without `factors` the matrix is binary. With `factors` (one weight per context: HEAD, PLAIN,
    METHOD, APPLICATION) each hit carries the weight of the clause it sits in (the best one when
    a word occurs twice), and a second binary matrix marks the hits in HEAD clauses.
    """
    codes, uniques = pd.factorize(texts, use_na_sentinel=True)
    indptr, indices, data, head_idx, head_ptr = [0], [], [], [], [0]
    for text in uniques:
        text = _prep(str(text))
        found = _find(auto, text) if auto is not None else []
        if factors is None:
            ids = sorted({w for w, _ in found})
            indices.extend(ids)
            data.extend([1.0] * len(ids))
        else:
            clauses = clause_contexts(text)
            starts = [c[0] for c in clauses]
            best: dict[int, float] = {}
            heads = set()
            for wid, pos in found:
                k = bisect.bisect_right(starts, pos) - 1
                ctx = clauses[k][2] if k >= 0 and pos < clauses[k][1] else PLAIN
                best[wid] = max(best.get(wid, 0.0), factors[ctx])
                if ctx == HEAD:
                    heads.add(wid)
            ids = sorted(best)
            indices.extend(ids)
            data.extend(best[i] for i in ids)
            head_idx.extend(sorted(heads))
            head_ptr.append(len(head_idx))
        indptr.append(len(indices))
    indptr.append(len(indices))  # an empty row for missing texts
    shape = (len(uniques) + 1, n_words)
    u = sp.csr_matrix((np.asarray(data, dtype=np.float32), np.asarray(indices, dtype=np.int32),
                       np.asarray(indptr, dtype=np.int64)), shape=shape)
    codes = np.where(codes < 0, len(uniques), codes)
    if factors is None:
        return u[codes]
    head_ptr.append(len(head_idx))
    h = sp.csr_matrix((np.ones(len(head_idx), dtype=np.float32), np.asarray(head_idx, dtype=np.int32),
                       np.asarray(head_ptr, dtype=np.int64)), shape=shape)
    return u[codes], h[codes]


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
                 evidence_scale=DEFAULTS.evidence_scale, method_factor=DEFAULTS.method_factor,
                 application_factor=DEFAULTS.application_factor, head_factor=DEFAULTS.head_factor,
                 head_weak_factor=DEFAULTS.head_weak_factor):
        self.name_weight = name_weight
        self.intro_weight = intro_weight
        self.scope_weight = scope_weight
        self.code_weight = code_weight
        self.leader_weight = leader_weight
        self.weak_factor = weak_factor
        self.chain_support = chain_support
        self.exclusion_factor = exclusion_factor
        self.evidence_scale = evidence_scale
        self.method_factor = method_factor
        self.application_factor = application_factor
        self.head_factor = head_factor
        self.head_weak_factor = head_weak_factor

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

        seg_index = {}
        for sid, (chain, seg) in enumerate((c, s) for c in chains.values() for s in c.segments):
            seg_index[(chain.id, seg.id)] = sid
            strong.extend((kid(w), sid) for w in seg.keywords)
            weak.extend((kid(w), sid) for w in seg.weak_keywords)
        for chain in chains.values():  # core words of the chain count as strong for their segment
            strong.extend((kid(w), seg_index[(chain.id, sid)]) for w, sid in chain.core_keywords)
        weak = sorted(set(weak) - set(strong))  # a word strong for a segment is not also weak there
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
            if f == "intro":  # free text: weigh each hit by its clause, weak words count in HEAD clauses
                h, head = _hits_matrix(self.automaton_, col, k,
                                       (self.head_factor, 1.0, self.method_factor, self.application_factor))
            else:
                h, head = _hits_matrix(self.automaton_, col, k), None
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
            keep = field_weight[f] * np.where(ex, np.float32(self.exclusion_factor), np.float32(1.0))
            strong += np.asarray((h @ self.strong_weights_).todense()) * keep
            weak_part = np.asarray((h @ self.weak_weights_).todense())
            if head is not None:
                promoted = np.asarray((head @ self.weak_weights_).todense())
                strong += self.head_weak_factor * promoted * keep
                weak_part = weak_part - promoted
            weak += weak_part * keep

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
