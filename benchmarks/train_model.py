"""Train the learned chain model (matcher.learn) on the three labelled development sets, report it on
held-out grouped folds, and write the artefact data/model/chain_model.npz.

The sets (../shared/eval, see benchmarks/evalsets.py) are pooled: every row of every set is one
training row with, per chain, a label (intro: the chain is its primary or secondary chain; names and
scope: pos / neg, `skip` left out of that chain). Folds group rows by the name stem (`name_stem`)
across the three sets, so a listed company in both the names and the scope set, or two companies of
one brand, never straddle train and test.

Fitting (`fit_model`, on the training rows only):
  1. the text model: per chain, an L2 logistic regression (scikit-learn, liblinear) over hashed
     character n-grams of name / 简介 / 经营范围 and the industry code tokens (FEATURE_SETS: "plain", or
     "parsed": + the name's industry part, the 经营范围's kept items as n-grams and as whole items, 4-grams;
     "+knowledge": + rows made from the chain vocabulary and the GB/T 小类 names, `knowledge_rows`;
     "+written": + the companies written for training, benchmarks/training, `written_rows`, weighed as
     the grid's written_weight chooses);
     buckets seen in fewer than MIN_DF training rows are dropped (their weight is 0, so nothing about a
     single row is kept);
  2. its out-of-fold logits on the training rows (inner grouped folds), so the stacker learns how far
     to trust the text model on rows it has not seen;
  3. the stacker: a logistic regression per chain, or one over all chains with each chain's own
     coefficients beside the shared ones, over the chain's knowledge features and that out-of-fold text
     logit; its intercept is shifted so that the chosen filing probability reaches the default minimum
     relevance (0.70);
  4. under each filing rule (the setting model_files: the combined relevance files, or the knowledge's
     alone files and the combined one only ranks, matcher.engine.learned.hold_filing; the one that ships
     is SHIPPED_FILING, a design decision), every choice — feature set, stacker, its C, the filing
     probability, the blend weight with the knowledge relevance (the setting model_weight) and how far a
     business statement's weak words rank as specific evidence (the setting head_weak_rank: they file a company, but rank it as weak words rank it; the
     knowledge relevance of each share is computed once, Pool.rank) — is the best of GRID on the inner
     folds: the stacker's out-of-fold relevance, joined as the engine joins it, scored by
     `selection_score` (the issue's four targets, 简介 macro F1 and none kept as floors); optionally (--chain-weight-rounds, off by default) each chain's own blend
     weight, by coordinate ascent from the chosen one on the same out-of-fold relevance
     (`refine_chain_weights`): the artefact keeps each chain's share of the largest (chain_share), the
     largest is the setting model_weight. The outer folds only report.
The outer folds report the knowledge alone, each filing rule (the best of the grid under that rule on
the inner folds) and the one that ships ("chosen"), side by side.
The artefact is the model fitted and tuned on all rows; its metadata records the date, the SHA-256 of each
set, the scikit-learn version, the grid, what was chosen and the held-out figures printed here. The
engine's default model_weight (matcher/knowledge/settings.py) is the largest chain weight chosen for the
artefact, its default model_files the rule chosen and its default head_weak_rank the share chosen (tests
check they agree).

    python benchmarks/train_model.py               # held-out figures (5 grouped folds), then write the artefact
    python benchmarks/train_model.py --no-write    # figures only
    python benchmarks/train_model.py --errors      # + held-out misses per chain (error analysis)
    python benchmarks/train_model.py --no-write --repeats 3   # + the held-out run on 3 fold draws, pooled
    python benchmarks/train_model.py --folds 0     # write without the held-out run (metadata says so)
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import hashlib
import itertools
import pickle
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import scipy.sparse as sp
import sklearn
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
import evalsets as q  # noqa: E402

import matcher  # noqa: E402
from matcher.engine.learned import (  # noqa: E402
    FILING_RULES,
    chain_max,
    chain_weights,
    derived_columns,
    held_chain,
    join,
    knowledge_features,
    model_relevance,
    reaches,
)
from matcher.engine.match import TEXT_COLUMNS, SegmentMatcher, read_copied_scopes  # noqa: E402
from matcher.knowledge.settings import REFERENCE_DIR  # noqa: E402
from matcher.learn.model import DEFAULT_MODEL, ChainModel, TextField  # noqa: E402

CHAINS = list(matcher.CHAIN_IDS)
SEED = 0
BITS = 18
MIN_DF = 2
TEXT_C = 4.0  # inverse L2 strength of the text model (default when the grid does not vary it)
RELEVANCE_AT_FILING = matcher.DEFAULTS.min_relevance
# the text model's feature sets (each field in its own hash space); the inner folds choose among them
FEATURE_SETS = {
    "plain": (
        TextField("company_name", 11, (1, 2, 3), 40),
        TextField("intro", 12, (1, 2, 3), 300),
        TextField("scope", 13, (1, 2, 3), 200),
    ),
    "parsed": (  # + the name's industry part, the 经营范围's kept items as n-grams and as whole items, 4-grams
        TextField("company_name", 11, (1, 2, 3), 40),
        TextField("name_industry", 15, (1, 2, 3, 4), 20),
        TextField("intro", 12, (1, 2, 3, 4), 300),
        TextField("scope_items", 16, (1, 2, 3, 4), 200),
        TextField("scope_items", 17, (), 400, "；"),
    ),
}
# every choice is made on inner grouped folds of the training rows (fit_model); the outer folds only report
GRID = {
    # the text model's feature set, "+knowledge": with the rows made from the knowledge (knowledge_rows),
    # "+written": with the companies written for training (written_rows). Plain only: over three draws of
    # the outer folds (--repeats 3) the parsed sets gave the same figures (简介 AP 0.900 against 0.898,
    # names 0.615 against 0.618) and cost a run's matching half as much again (the name's industry part and
    # the 经营范围 items parsed for every row); try them with --grid "fields=plain,parsed,parsed+knowledge"
    "fields": ("plain+written",),
    # the sample weight of a written row (a labelled row: 1), a choice like any other
    "written_weight": (0.3, 1.0, 3.0),
    "text_c": (TEXT_C,),
    "stacker": ("per_chain", "shared"),  # per chain, or shared plus each chain's own coefficients (STACKERS)
    "stack_c": (0.3, 1.0, 3.0),
    "filing_probability": (0.35, 0.5, 0.65),  # the model's probability that reaches the minimum relevance
    "weight": tuple(round(0.1 * i, 1) for i in range(11)),  # the blend weight (setting model_weight)
    # what files a company (FILING_RULES; setting model_files): the combined relevance, or the knowledge's
    # alone with the combined relevance ranking within the filed and the unfiled (learned.hold_filing)
    "filing": FILING_RULES,  # both fitted and reported side by side; SHIPPED_FILING is the one that ships
    # the share of a head clause's weak words that also ranks as specific evidence (setting head_weak_rank;
    # 1: ranks as it files); the knowledge relevance of each value is in Pool.rank
    "head_weak_rank": (1.0, 0.5, 0.0),
}
# the filing rule that ships (a design decision, not an inner-fold choice): the knowledge files — every filing
# rests on words, codes or leader names a reason can show — and the model ranks within the filed and the
# unfiled. Left to the inner folds (--grid "filing=combined": the grid without it, best_model) the choice
# flipped from fold to fold on inner scores a few thousandths apart; over three draws of the outer folds
# the combined rule filed worse (简介 macro F1 0.840 against 0.853, none kept 0.959 against 0.963) and
# ranked no better
SHIPPED_FILING = "knowledge"
# passes of the per-chain weight refinement (refine_chain_weights); off: on the outer folds (seed 0) two
# passes raised 简介 mean AP 0.862 -> 0.869 but lowered its macro F1 0.842 -> 0.821 (--chain-weight-rounds 2)
CHAIN_WEIGHT_ROUNDS = 0
GENERATED_WEIGHT = 0.3  # sample weight of a row made from the knowledge (a real row: 1)
CODE = ("industry_code", 14)
_KINDS = ("has_intro", "has_scope", "name_only")  # what the row holds changes how far each evidence goes
STACK_FEATURES = (
    "relevance",
    "evidence",
    "code",
    "name_hit",
    "intro_hit",
    "scope_hit",
    "scope_code",
    "leader",
    *_KINDS,
    "has_code",
    "text",
    *(f"{a}*{k}" for a in ("relevance", "text", "evidence") for k in _KINDS),
)
SET_WEIGHT = {"intro": 1.0, "names": 1.0, "scope": 1.0}  # sample weight of each set's rows


@dataclass
class Pool:
    """The three sets as one table of training rows."""

    frame: pd.DataFrame  # canonical companies (what the engine reads), rows of all sets
    set_key: np.ndarray  # n: intro / names / scope
    y: np.ndarray  # n × C, 1 / 0
    use: np.ndarray  # n × C, False where the label is skip
    groups: np.ndarray  # n: name stem
    feats: dict  # knowledge features, n × C each (knowledge-only engine)
    relevance: np.ndarray  # n × C knowledge-only chain relevance
    rank: dict  # head_weak_rank value -> n × C knowledge-only chain relevance that ranks (GRID["head_weak_rank"])
    labels: dict  # set key -> its labels table (for evalsets.metrics)
    offsets: dict  # set key -> (start, stop) rows in the pool
    hashes: dict  # set file -> sha256


def labels_matrix(key: str, labels: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    if key == "intro":
        primary = labels["chain_primary"].fillna("none").astype(str).to_numpy()
        secondary = labels["chain_secondary"].fillna("").astype(str).to_numpy()
        y = np.stack([(primary == c) | (secondary == c) for c in CHAINS], axis=1)
        return y.astype(np.float32), np.ones_like(y, dtype=bool)
    lab = labels[CHAINS].fillna("skip").to_numpy()
    return (lab == "pos").astype(np.float32), lab != "skip"


def load_pool(eval_dir: Path = q.EVAL_DIR) -> Pool:
    frames, keys, ys, uses, groups, labels, offsets, hashes = [], [], [], [], [], {}, {}, {}
    start = 0
    for key, spec in q.SETS.items():
        lab = q.load_set(key, eval_dir)
        hashes[spec.file] = hashlib.sha256((Path(eval_dir) / spec.file).read_bytes()).hexdigest()
        companies = q.read_inputs(lab, spec.inputs).reset_index(drop=True)
        y, use = labels_matrix(key, lab)
        frames.append(companies)
        keys += [key] * len(lab)
        ys.append(y)
        uses.append(use)
        groups += [q.name_stem(n) for n in lab[spec.name_column]]
        labels[key] = lab
        offsets[key] = (start, start + len(lab))
        start += len(lab)
    frame = pd.concat(frames, ignore_index=True)
    chains = matcher.load_chains()
    m = SegmentMatcher(settings=matcher.DEFAULTS.replace(model_weight=0.0, head_weak_rank=1.0)).fit(chains)
    frame = m.simplifier_.columns(frame, TEXT_COLUMNS)  # the texts as the engine reads them (match)
    frame = read_copied_scopes(frame)  # a 简介 that holds a copied 经营范围 read as one, as match reads it
    frame = frame.assign(**derived_columns(frame))  # what the engine derives for the model (model_inputs)
    result = m.match(frame)
    feats = knowledge_features(m, frame, result, result.relevance)
    rank = {}
    for share in GRID["head_weak_rank"]:
        ranked = None
        if share < 1:  # at 1 the knowledge ranks as it files
            settings = matcher.DEFAULTS.replace(model_weight=0.0, head_weak_rank=share)
            ranked = SegmentMatcher(settings=settings).fit(chains).match(frame).rank_relevance
        rank[share] = feats["relevance"] if ranked is None else chain_max(ranked, m.segment_chain_, len(CHAINS))
    return Pool(
        frame,
        np.array(keys),
        np.vstack(ys),
        np.vstack(uses),
        np.array(groups),
        feats,
        feats["relevance"],
        rank,
        labels,
        offsets,
        hashes,
    )


@functools.lru_cache(maxsize=1)
def knowledge_rows(chains=None, seed: int = SEED, per_row: int = 5) -> tuple[pd.DataFrame, np.ndarray]:
    """Training rows made from the knowledge alone, for the text model (never the stacker or a choice):
    every segment's strong keywords, shuffled and joined `per_row` at a time like the items of a 经营范围
    (as 简介 and 经营范围 text), positive for every chain that lists one of them; every GB/T 4754 小类 name
    with its code, positive for the chains whose segments list the code, negative for all others (the
    小类 no chain lists are the ordinary trades: food, clothing, property, …). Returns (frame, y n × C)."""
    chains = chains or matcher.load_chains()
    rng = np.random.default_rng(seed)
    owners: dict[str, set] = {}
    code_owners: dict[str, set] = {}
    for cid, chain in chains.items():
        for seg in chain.segments:
            for w in seg.keywords:
                owners.setdefault(w, set()).add(cid)
            for code in seg.industry_codes:
                code_owners.setdefault(code, set()).add(cid)
    texts, codes, labels = [], [], []
    for chain in chains.values():
        for seg in chain.segments:
            words = list(seg.keywords)
            rng.shuffle(words)
            for i in range(0, len(words), per_row):
                part = words[i : i + per_row]
                texts.append("；".join(part))
                codes.append(None)
                labels.append(set().union(*(owners[w] for w in part)))
    table = pd.read_csv(REFERENCE_DIR / "gbt4754_2017_codes.csv", dtype=str)
    for code, name in table.loc[table["level"] == "小类", ["code", "name"]].itertuples(index=False):
        texts.append(name)
        codes.append(code)
        labels.append(code_owners.get(code, set()))
    frame = pd.DataFrame({"company_name": None, "intro": texts, "scope": texts, "industry_code": codes})
    frame = frame.assign(**derived_columns(frame))
    y = np.array([[c in lab for c in CHAINS] for lab in labels], dtype=np.float32)
    return frame, y


WRITTEN = Path(__file__).resolve().parent / "training" / "written_companies.csv.gz"
WRITTEN_COLUMNS = ("企业名称", "经营范围", "国标行业", "公司介绍")  # as an officer's export holds them
LABELS = (*CHAINS, "none")


def read_written(table: pd.DataFrame) -> pd.DataFrame:
    """The canonical companies of a table of written rows (WRITTEN_COLUMNS), read as the engine reads an export,
    row for row."""
    return q.read_inputs(table[list(WRITTEN_COLUMNS)].replace("", None), WRITTEN_COLUMNS)


def check_written(table: pd.DataFrame, source: str, columns) -> None:
    """A table of written rows has `columns`, its label one of LABELS and its secondary a chain or empty; else a
    ValueError naming `source` and the column."""
    missing = [c for c in columns if c not in table]
    if missing:
        raise ValueError(f"{source}: missing column(s) {', '.join(missing)}")
    for column, allowed in (("label", LABELS), ("secondary", (*CHAINS, ""))):
        bad = sorted(set(table[column]) - set(allowed))
        if bad:
            raise ValueError(f"{source}: column {column} holds unknown value(s) {', '.join(bad)}")


@functools.lru_cache(maxsize=2)
def written_rows(path: Path = WRITTEN) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Companies written for training (benchmarks/training/README.md: how they were written and
    labelled), read as the engine reads an export. Returns (frame, y n × C: the label and the secondary
    chain, groups: name stems)."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    check_written(table, path.name, (*WRITTEN_COLUMNS, "label", "secondary"))
    frame = read_written(table)
    frame = frame.assign(**derived_columns(frame))
    label, secondary = table["label"].to_numpy(), table["secondary"].to_numpy()
    y = np.stack([(label == c) | (secondary == c) for c in CHAINS], axis=1).astype(np.float32)
    return frame, y, table["企业名称"].map(q.name_stem).to_numpy()


def extra_rows(name: str, pool: Pool) -> tuple[pd.DataFrame, np.ndarray]:
    """The rows a feature set's "+name" adds to the text model's fits: "knowledge" (knowledge_rows) or
    "written" (written_rows, less any whose name stem is a stem of the labelled sets: a written company
    that is also a labelled one, or shares its brand, would carry a held-out row's label into training)."""
    if name == "knowledge":
        return knowledge_rows()
    if name == "written":
        frame, y, groups = written_rows()
        keep = ~np.isin(groups, pool.groups)
        return frame[keep].reset_index(drop=True), y[keep]
    raise ValueError(f"unknown training rows {name!r} (knowledge or written)")


def pool_folds(pool: Pool, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped folds over the pooled rows, stratified by set and first positive chain."""
    first = np.where(pool.y.any(axis=1), np.array(CHAINS)[pool.y.argmax(axis=1)], "none")
    strata = np.char.add(np.char.add(pool.set_key.astype(str), ":"), first)
    return q.grouped_folds(pool.groups, k, seed, strata)


def _template(
    text_index=None, text_weights=None, text_intercept=None, stack_coef=None, stack_intercept=None, fields="plain"
):
    c = len(CHAINS)
    return ChainModel(
        CHAINS,
        BITS,
        FEATURE_SETS[fields],
        CODE[0],
        CODE[1],
        np.zeros(0, np.int32) if text_index is None else text_index,
        np.zeros((0, c), np.float32) if text_weights is None else text_weights,
        np.zeros(c, np.float32) if text_intercept is None else text_intercept,
        STACK_FEATURES,
        np.zeros((c, len(STACK_FEATURES)), np.float32) if stack_coef is None else stack_coef,
        np.zeros(c, np.float32) if stack_intercept is None else stack_intercept,
    )


def _lr(c: float, dual: bool = False) -> LogisticRegression:
    # dual: liblinear's dual solver, for the text model (far more features than rows: several times faster)
    return LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=SEED, dual=dual)


def _fit_chains(design, y, use, weight, c: float, dual: bool = False) -> tuple[list, np.ndarray]:
    """Per chain j, a logistic regression on design(j)[rows of j]: (coef_ rows or None, intercepts C).
    A chain with one class gets no model and an intercept of ±5."""
    coefs: list = [None] * len(CHAINS)
    icpt = np.zeros(len(CHAINS), np.float32)
    for j in range(len(CHAINS)):
        rows = use[:, j]
        yy = y[rows, j]
        if yy.min() == yy.max():
            icpt[j] = -5.0 if yy.max() == 0 else 5.0
            continue
        clf = _lr(c, dual).fit(design(j)[rows], yy, sample_weight=weight[rows])
        coefs[j] = clf.coef_[0]
        icpt[j] = clf.intercept_[0]
    return coefs, icpt


def _fit_text(x, y, use, weight, c: float = TEXT_C) -> tuple[np.ndarray, np.ndarray]:
    """(coef F × C, intercept C) of the per-chain text models (zero for a chain with one class)."""
    coefs, icpt = _fit_chains(lambda j: x, y, use, weight, c, dual=True)
    coef = np.zeros((x.shape[1], len(CHAINS)), np.float32)
    for j, w in enumerate(coefs):
        if w is not None:
            coef[:, j] = w
    return coef, icpt


def _fit_stack(xs, y, use, weight, c: float) -> tuple[np.ndarray, np.ndarray]:
    """(coef C × k, intercept C) of the per-chain stackers over xs (n × C × k), unshifted."""
    coefs, icpt = _fit_chains(lambda j: xs[:, j], y, use, weight, c)
    coef = np.zeros((len(CHAINS), xs.shape[2]), np.float32)
    for j, w in enumerate(coefs):
        if w is not None:
            coef[j] = w
    return coef, icpt


def _fit_stack_shared(xs, y, use, weight, c: float) -> tuple[np.ndarray, np.ndarray]:
    """(coef C × k, intercept C) of one stacker over every (row, chain) pair: shared coefficients plus a
    chain's own (chain one-hot × features, penalised alike), so a chain with few positives borrows the
    others' strength; a chain's coefficients are the sum, the same linear form per chain at inference."""
    n, n_chains, k = xs.shape
    pairs = np.flatnonzero(use.T.reshape(-1))  # chain-major (chain j, row i) -> j * n + i
    chain_of, row_of = np.divmod(pairs, n)
    base = xs[row_of, chain_of]  # pairs × k
    own = np.zeros((len(pairs), n_chains * (k + 1)), np.float32)
    for j in range(n_chains):
        at = chain_of == j
        own[np.ix_(at, np.arange(j * (k + 1), (j + 1) * (k + 1)))] = np.hstack([base[at], np.ones((at.sum(), 1))])
    clf = _lr(c).fit(np.hstack([base, own]), y[row_of, chain_of], sample_weight=weight[row_of])
    w = clf.coef_[0]
    own_w = w[k:].reshape(n_chains, k + 1)
    return (w[:k][None, :] + own_w[:, :k]).astype(np.float32), (clf.intercept_[0] + own_w[:, k]).astype(np.float32)


STACKERS = {"per_chain": _fit_stack, "shared": _fit_stack_shared}


def _shift(filing_probability: float) -> float:
    """The stacker's intercept shift that takes probability `filing_probability` to the minimum relevance."""
    p, r = filing_probability, RELEVANCE_AT_FILING
    return float(np.log(r / (1 - r)) - np.log(p / (1 - p)))


def _ceiling() -> float:
    return matcher.DEFAULTS.min_relevance - 0.001


def average_precision(y: np.ndarray, score: np.ndarray) -> float:
    """sklearn.metrics.average_precision_score in NumPy (tied scores are one threshold; NaN with one class):
    the inner folds score hundreds of candidates, and sklearn's input checks dominate (tested equal)."""
    y = np.asarray(y, dtype=bool)
    if not y.any() or y.all():
        return float("nan")
    order = np.argsort(-np.asarray(score), kind="mergesort")
    s, hits = np.asarray(score)[order], y[order]
    tps = np.cumsum(hits)
    last = np.r_[np.flatnonzero(np.diff(s)), len(s) - 1]  # the last row of every tied score
    tp = tps[last]
    precision, recall = tp / (last + 1.0), tp / tp[-1]
    return float(np.sum(np.diff(np.r_[0.0, recall]) * precision))


class Selector:
    """selection_score for one set of pool rows, its labels laid out once: the mean of the issue's four
    held-out targets (简介 mean AP and macro F1, names mean AP, 经营范围 mean AP), less how far 简介 none
    kept and macro F1 fall under their targets (floors). The same figures as evalsets.metrics (tested equal), in NumPy."""

    def __init__(self, pool: Pool, rows: np.ndarray):
        self.parts = []
        for key, (a, b) in pool.offsets.items():
            sel = np.flatnonzero((rows >= a) & (rows < b))
            if not len(sel):
                continue
            labels = pool.labels[key].iloc[rows[sel] - a]
            if key == "intro":
                primary = labels["chain_primary"].fillna("none").astype(str).to_numpy()
                secondary = labels["chain_secondary"].fillna("").astype(str).to_numpy()
                self.parts.append((key, sel, (primary, secondary)))
            else:
                lab = labels[CHAINS].fillna("skip").to_numpy()
                self.parts.append((key, sel, (lab != "skip", lab == "pos")))

    @staticmethod
    def _intro(rel: np.ndarray, primary, secondary, t: float) -> dict:
        chains = np.array(CHAINS)
        pred = np.where(reaches(rel.max(axis=1), t), chains[rel.argmax(axis=1)], "none")
        correct = (pred == primary) | ((pred == secondary) & (pred != "none"))
        aps, f1s = [], []
        for j, cid in enumerate(CHAINS):
            aps.append(average_precision((primary == cid) | (secondary == cid), rel[:, j]))
            if cid == "rail":  # too few positives for the F1 mean (evalsets.intro_metrics)
                continue
            tp = np.sum((pred == cid) & correct)
            fp = np.sum((pred == cid) & ~correct)
            fn = np.sum((primary == cid) & ~correct)
            p = tp / (tp + fp) if tp + fp else 0.0
            r = tp / (tp + fn) if tp + fn else 0.0
            f1s.append(2 * p * r / (p + r) if p + r else 0.0)
        none = primary == "none"
        return {
            "mean_AP": _nanmean(aps),
            "macro_F1": float(np.mean(f1s)),
            "none_kept": float(np.mean(pred[none] == "none")) if none.any() else float("nan"),
        }

    def __call__(self, rel: np.ndarray) -> tuple[float, dict]:
        got = {}
        t = matcher.DEFAULTS.min_relevance
        for key, sel, labels in self.parts:
            r = rel[sel]
            if key == "intro":
                summary = self._intro(r, *labels, t)
            else:
                use, pos = labels
                summary = {
                    "mean_AP": _nanmean(
                        [average_precision(pos[use[:, j], j], r[use[:, j], j]) for j in range(len(CHAINS))]
                    )
                }
            for m in q.SETS[key].targets:
                got[f"{key}/{m}"] = float(summary[m])
        parts = [v for k, v in got.items() if not k.endswith("none_kept") and v == v]
        intro = q.SETS["intro"].targets
        # the two targets that are floors, not figures to raise: how far each falls under its target counts against
        shortfall = sum(max(0.0, intro[m] - got.get(f"intro/{m}", 1.0)) for m in ("none_kept", "macro_F1"))
        score = float(np.mean(parts)) - shortfall
        return score, got


def _nanmean(values) -> float:
    values = np.asarray(values, dtype=float)
    return float(np.nanmean(values)) if np.isfinite(values).any() else float("nan")


def selection_score(pool: Pool, rows: np.ndarray, rel: np.ndarray) -> tuple[float, dict]:
    """What the inner folds maximise, from chain relevance `rel` of pool rows `rows` (see Selector)."""
    return Selector(pool, rows)(rel)


def filed_view(knowledge: np.ndarray, combined: np.ndarray, rule: str, ranked: np.ndarray | None = None) -> np.ndarray:
    """n × C chain relevance as the engine delivers it (SegmentMatcher.match): filed as `rule` says — on
    the combined relevance, or (rule "knowledge") on the knowledge's — and ranked on `ranked` (the
    combined relevance joined from the ranking knowledge, head_weak_rank; default: `combined`), held on
    the filing side of the threshold (learned.held_chain) where the two differ."""
    ranked = combined if ranked is None else ranked
    basis = combined if rule == "combined" else knowledge
    if ranked is basis:
        return ranked
    return held_chain(basis, ranked, RELEVANCE_AT_FILING, _ceiling())


def fit_model(
    pool: Pool,
    train: np.ndarray,
    inner: int = 5,
    seed: int = SEED,
    grid: dict | None = None,
    rounds: int = CHAIN_WEIGHT_ROUNDS,
) -> ChainModel:
    """The chain model fitted on the pool rows `train` only, every choice made on inner grouped folds of
    those rows (see the module docstring); model.meta["choice"] holds what was chosen and its inner score."""
    return best_model(fit_models(pool, train, inner, seed, grid, rounds))


def best_model(models: dict[str, ChainModel]) -> ChainModel:
    """Of fit_models' models (one per filing rule), the one under SHIPPED_FILING when the grid has it, else
    the one with the best inner score (the first in grid order on a tie)."""
    if SHIPPED_FILING in models:
        return models[SHIPPED_FILING]
    return max(models.values(), key=lambda m: m.meta["choice"]["inner_score"])


def fit_models(
    pool: Pool,
    train: np.ndarray,
    inner: int = 5,
    seed: int = SEED,
    grid: dict | None = None,
    rounds: int = CHAIN_WEIGHT_ROUNDS,
) -> dict[str, ChainModel]:
    """Per filing rule of the grid, the chain model fitted on the pool rows `train` with every other choice
    the best under that rule on inner grouped folds of those rows (fit_model takes the best of them)."""
    grid = {**GRID, **(grid or {})}
    frame = pool.frame.iloc[train]
    y, use, groups = pool.y[train], pool.use[train], pool.groups[train]
    weight = np.array([SET_WEIGHT[k] for k in pool.set_key[train]])
    feats = {k: v[train] for k, v in pool.feats.items()}
    folds = q.grouped_folds(groups, inner, seed)
    template = _template()
    select = Selector(pool, train)
    knowledge = pool.relevance[train]
    ranks = {share: pool.rank[share][train] for share in grid["head_weak_rank"]}
    best: dict = {}
    for spec in grid["fields"]:
        fields, *extras = spec.split("+")
        x = _template(fields=fields).text_matrix(frame)
        # rows that join the text model's fits only, never the stacker's or a choice: made from the knowledge
        # (knowledge_rows) or written for training (written_rows; no company of the labelled sets)
        more = [extra_rows(name, pool) for name in extras]
        if more:
            x = sp.vstack([x, *(_template(fields=fields).text_matrix(f) for f, _ in more)], format="csr")
        df = np.bincount(x.indices, minlength=x.shape[1])
        keep = np.flatnonzero(df >= MIN_DF)  # buckets of fewer training rows get no weight: nothing of one row
        xk = x[:, keep]
        gen = np.arange(len(train), xk.shape[0])
        y_t = np.vstack([y, *(g for _, g in more)])
        use_t = np.vstack([use, *(np.ones_like(g, dtype=bool) for _, g in more)])
        # the written rows' weight is a choice of the grid (only where the feature set has them)
        written_weights = grid["written_weight"] if "written" in extras else (0.0,)  # 0: none written
        for written_weight, text_c in itertools.product(written_weights, grid["text_c"]):
            extra_weight = {"knowledge": GENERATED_WEIGHT, "written": written_weight}
            w_t = np.concatenate([weight, *(np.full(len(g), extra_weight[n]) for n, (_, g) in zip(extras, more))])
            # out-of-fold text logits on the training rows: the stacker learns how far to trust the text model
            # on rows it has not seen, and the choices below are judged on rows neither stage saw
            oof = np.zeros((len(train), len(CHAINS)), np.float32)
            for tr, te in folds:
                tr = np.concatenate([tr, gen])
                coef, icpt = _fit_text(xk[tr], y_t[tr], use_t[tr], w_t[tr], text_c)
                oof[te] = xk[te] @ coef + icpt
            xs = template.stack_matrix(feats, oof)
            for stacker, stack_c in itertools.product(grid["stacker"], grid["stack_c"]):
                logit = np.zeros_like(oof)
                for tr, te in folds:
                    s_coef, s_icpt = STACKERS[stacker](xs[tr], y[tr], use[tr], weight[tr], stack_c)
                    logit[te] = np.einsum("nck,ck->nc", xs[te], s_coef) + s_icpt
                for fp in grid["filing_probability"]:
                    m = (1.0 / (1.0 + np.exp(-(logit + _shift(fp))))).astype(np.float32)
                    for w in grid["weight"]:
                        # once per weight, for every share
                        rel = join(knowledge, np.arange(len(CHAINS)), m, w, _ceiling())
                        for share in grid["head_weak_rank"]:
                            ranked = _ranked(_rank_of(ranks, share), m, w)
                            for rule in grid["filing"]:
                                score, got = select(filed_view(knowledge, rel, rule, ranked))
                                choice = {
                                    "fields": spec,
                                    "written_weight": written_weight,
                                    "text_C": text_c,
                                    "stacker": stacker,
                                    "stack_C": stack_c,
                                    "filing_probability": fp,
                                    "weight": w,
                                    "filing": rule,
                                    "head_weak_rank": share,
                                }
                                if rule not in best or score > best[rule][0] + 1e-9:
                                    best[rule] = (score, choice, got, xs, (xk, y_t, use_t, w_t), keep, m)
    models = {}
    text_fits: dict = {}  # the text model of a feature set, C and written weight, fitted on all the training rows once
    for rule in grid["filing"]:
        score, choice, got, xs, text_rows, keep, m = best[rule]
        # then each chain's own weight, from the chosen one (the model is worth more in some chains than others)
        weights, score, got = refine_chain_weights(
            select,
            knowledge,
            m,
            choice["weight"],
            grid["weight"],
            rounds,
            rule,
            _rank_of(ranks, choice["head_weak_rank"]),
        )
        top = float(weights.max())
        choice = {**choice, "weight": top, "chain_weight": dict(zip(CHAINS, weights.round(2).tolist(), strict=True))}
        key = (choice["fields"], choice["text_C"], choice["written_weight"])
        if key not in text_fits:
            text_fits[key] = _fit_text(*text_rows, choice["text_C"])
        coef, icpt = text_fits[key]
        nz = np.flatnonzero(np.any(coef != 0, axis=1))
        model = _template(
            keep[nz].astype(np.int32),
            coef[nz].astype(np.float16).astype(np.float32),
            icpt,
            fields=choice["fields"].partition("+")[0],
        )
        s_coef, s_icpt = STACKERS[choice["stacker"]](xs, y, use, weight, choice["stack_C"])
        model.stack_coef, model.stack_intercept = s_coef, s_icpt + np.float32(_shift(choice["filing_probability"]))
        model.chain_share = (weights / top if top > 0 else np.ones(len(CHAINS))).astype(np.float32)
        model.meta = {
            # 6 decimals: fit_model compares the rules' scores on it (only a true tie goes to the grid's first)
            "choice": {**choice, "inner_score": round(score, 6), "inner": {k: round(v, 4) for k, v in got.items()}}
        }
        models[rule] = model
    return models


def refine_chain_weights(
    select, relevance, m, start: float, values, rounds: int = CHAIN_WEIGHT_ROUNDS, rule: str = "combined", rank=None
):
    """Per chain the blend weight (one of `values`) that raises the inner score `select` most, the other
    chains held, `rounds` passes over the chains from `start` everywhere (coordinate ascent on the inner
    folds' out-of-fold model relevance m, filed by `rule`). Returns (weights C, score, figures)."""

    def score_of(w):
        combined = join(relevance, np.arange(len(CHAINS)), m, w, _ceiling())
        return select(filed_view(relevance, combined, rule, _ranked(rank, m, w)))

    w = np.full(len(CHAINS), start, np.float32)
    score, got = score_of(w)
    for _ in range(rounds):
        for j in range(len(CHAINS)):
            for v in values:
                cand = w.copy()
                cand[j] = v
                s, g = score_of(cand)
                if s > score + 1e-9:
                    score, got, w = s, g, cand
    return w, score, got


def combined_relevance(pool: Pool, model: ChainModel, rows: np.ndarray, weight: float) -> np.ndarray:
    """n × C chain relevance of the combined engine on pool rows: matcher.engine.learned.join on the
    chains' best relevance (scaling a chain's segments keeps its best one best, so this is the chain
    relevance the engine gives), filed by the model's rule (filed_view, as learned.hold_filing does)."""
    feats = {k: v[rows] for k, v in pool.feats.items()}
    m = model_relevance(model, CHAINS, feats, pool.frame.iloc[rows])
    k = pool.relevance[rows]
    w = chain_weights(model, CHAINS, weight)
    rel = join(k, np.arange(len(CHAINS)), m, w, _ceiling())
    rank = _rank_of(pool.rank, model.meta["choice"].get("head_weak_rank", 1.0))
    ranked = _ranked(None if rank is None else rank[rows], m, w)
    return filed_view(k, rel, model.meta["choice"].get("filing", "combined"), ranked)


def _rank_of(ranks: dict, share: float):
    """The ranking knowledge relevance of head_weak_rank `share` (Pool.rank), None at 1: it ranks as it files."""
    return None if share >= 1 else ranks[share]


def _ranked(rank, m, weight):
    """The combined relevance that ranks (filed_view's `ranked`): the model joined to the ranking knowledge
    `rank` as the engine joins it; None where there is none (the filing relevance ranks)."""
    return None if rank is None else join(rank, np.arange(len(CHAINS)), m, weight, _ceiling())


@dataclass
class HeldOut:
    """Outer-fold results: per set and engine the per-fold summaries and per-chain AP, the choices made
    inside each fold's training rows, and every pool row's held-out relevance (for error analysis)."""

    summaries: dict  # set -> engine -> DataFrame (one row per fold)
    chain_ap: dict  # set -> engine -> DataFrame (chains × folds)
    choices: list  # one dict per fold
    relevance: dict  # engine -> n × C held-out chain relevance (pool rows)
    model_relevance: np.ndarray  # n × C the model's own held-out relevance


# the knowledge alone; the model under each filing rule (each the best of the grid under that rule on the
# inner folds); the one that ships (best_model)
ENGINES = ("knowledge", *(f"{r} files" for r in FILING_RULES), "chosen")


def held_out(pool: Pool, k: int, seed: int, grid: dict | None = None, rounds: int = CHAIN_WEIGHT_ROUNDS) -> HeldOut:
    """Fit on k-1 outer folds of the pool (every choice inside them, see fit_model), measure each set's
    rows of the held-out fold with the weight chosen there; the knowledge-only engine on the same folds."""
    summaries = {key: {e: [] for e in ENGINES} for key in q.SETS}
    chain_ap = {key: {e: [] for e in ENGINES} for key in q.SETS}
    n = len(pool.frame)
    relevance = {e: np.zeros((n, len(CHAINS)), np.float32) for e in ENGINES}
    model_rel = np.zeros((n, len(CHAINS)), np.float32)
    choices = []
    for tr, te in pool_folds(pool, k, seed):
        models = fit_models(pool, tr, seed=seed, grid=grid, rounds=rounds)
        model = best_model(models)
        choice = model.meta["choice"]
        choices.append({**choice, "rules": {r: m.meta["choice"] for r, m in models.items()}})
        relevance["knowledge"][te] = pool.relevance[te]
        for rule, m in models.items():
            relevance[f"{rule} files"][te] = combined_relevance(pool, m, te, m.meta["choice"]["weight"])
        relevance["chosen"][te] = relevance[f"{choice['filing']} files"][te]
        model_rel[te] = model_relevance(model, CHAINS, {k_: v[te] for k_, v in pool.feats.items()}, pool.frame.iloc[te])
        for key, (a, b) in pool.offsets.items():
            sel = (te >= a) & (te < b)
            labels = pool.labels[key].iloc[te[sel] - a]
            for e in [e for e in ENGINES if e == "knowledge" or e == "chosen" or e.split()[0] in models]:
                table = pd.DataFrame(relevance[e][te[sel]], columns=CHAINS)
                per_chain, summary = q.metrics(key, table, labels, matcher.DEFAULTS.min_relevance)
                summaries[key][e].append(summary)
                chain_ap[key][e].append(per_chain["AP"])
    return HeldOut(
        {key: {e: pd.DataFrame(v) for e, v in d.items() if v} for key, d in summaries.items()},
        {key: {e: pd.concat(v, axis=1) for e, v in d.items() if v} for key, d in chain_ap.items()},
        choices,
        relevance,
        model_rel,
    )


def print_held_out(figures: HeldOut, k: int, seed: int) -> dict:
    """Print the tables (sets × engines, then per chain; mean ± spread over the outer held-out folds) and
    the choices each fold made on its own training rows; return the summary as a record."""
    record = {}
    print(
        f"held-out: {k} outer folds grouped by name stem across the three sets (seed {seed}); every choice "
        "made on inner folds of the training rows; mean ± std over the outer folds"
    )
    for key, by_e in figures.summaries.items():
        spec = q.SETS[key]
        for e, table in by_e.items():
            shown = list(spec.targets) + ([] if key == "intro" else ["mean_AP_filed"])
            parts = [f"{m} {table[m].mean():.3f} ± {table[m].std():.3f}" for m in shown]
            print(f"  {key:<6} {e:<16} " + "   ".join(parts))
            record[f"{key}/{e}"] = {
                m: [round(float(table[m].mean()), 4), round(float(table[m].std()), 4)] for m in shown
            }
    print("\nper chain: AP, mean ± std over the outer folds (knowledge → chosen)")
    head = "  " + f"{'chain':<9}" + "".join(f"{key:^30}" for key in figures.chain_ap)
    print(head)
    for cid in CHAINS:
        cells = []
        for by_e in figures.chain_ap.values():
            kn, co = by_e["knowledge"].loc[cid], by_e["chosen"].loc[cid]
            cells.append(f"{kn.mean():.3f}±{kn.std():.3f} → {co.mean():.3f}±{co.std():.3f}")
        print(f"  {cid:<9}" + "".join(f"{c:^30}" for c in cells))
    print("\nchosen on each fold's training rows (inner folds):")
    for i, c in enumerate(figures.choices):
        print(
            f"  fold {i}: {c['fields']} features (written weight {c['written_weight']:g})  weight {c['weight']:g}  text C {c['text_C']:g}  {c['stacker']} stacker C {c['stack_C']:g}  "
            f"filing probability {c['filing_probability']:g}  {c['filing']} files  "
            f"head weak ranks {c.get('head_weak_rank', 1.0):g}  (inner score {c['inner_score']:.3f})"
        )
        others = [f"{r} files {o['inner_score']:.3f}" for r, o in c.get("rules", {}).items()]
        print("          best inner score per filing rule: " + "   ".join(others))
        print("          per chain weight: " + "  ".join(f"{k} {v:g}" for k, v in c["chain_weight"].items()))
    record["choices"] = [{k_: v for k_, v in c.items() if k_ not in ("inner", "rules")} for c in figures.choices]
    return record


def print_repeats(runs: list, k: int, seed: int) -> None:
    """Mean ± spread over every outer fold of `runs` (held_out on seeds seed, seed + 1, …), and each draw's
    mean: the spread of the 5-fold figures between draws of the folds."""
    seeds = f"{seed}–{seed + len(runs) - 1}"
    print(
        f"\nrepeated: {len(runs)} draws of {k} outer folds (seeds {seeds}); mean ± std over all {len(runs) * k} folds [each draw's mean]"
    )
    for key in runs[0].summaries:
        spec = q.SETS[key]
        for e in ("knowledge", "chosen"):
            tables = [r.summaries[key][e] for r in runs]
            every = pd.concat(tables, ignore_index=True)
            parts = [
                f"{m} {every[m].mean():.3f} ± {every[m].std():.3f} [{' '.join(f'{t[m].mean():.3f}' for t in tables)}]"
                for m in spec.targets
            ]
            print(f"  {key:<6} {e:<10} " + "   ".join(parts))


def print_errors(pool: Pool, figures: HeldOut, top: int = 8) -> None:
    """Per chain, the held-out misses: positives the combined engine did not file (lowest relevance first)
    and negatives it filed (highest first), with the knowledge and model relevance beside."""
    rel, kn, m = figures.relevance["chosen"], figures.relevance["knowledge"], figures.model_relevance
    names = pool.frame["company_name"].fillna("").to_numpy()
    t = matcher.DEFAULTS.min_relevance
    print("\nheld-out errors per chain (set, name, chosen engine / knowledge / model relevance)")
    for j, cid in enumerate(CHAINS):
        use, y = pool.use[:, j], pool.y[:, j] == 1
        fn = np.flatnonzero(use & y & ~reaches(rel[:, j], t))
        fp = np.flatnonzero(use & ~y & reaches(rel[:, j], t))
        print(f"\n{cid}: {int((use & y).sum())} positives, {len(fn)} not filed, {len(fp)} negatives filed")
        by_set = pd.Series(pool.set_key[fn]).value_counts().to_dict()
        print(f"  not filed by set: {by_set}")
        for what, idx in (("not filed", fn[np.argsort(rel[fn, j])]), ("wrongly filed", fp[np.argsort(-rel[fp, j])])):
            for i in idx[:top]:
                print(
                    f"  {what:<13} {pool.set_key[i]:<6} {names[i][:28]:<30} {rel[i, j]:.2f} / {kn[i, j]:.2f} / {m[i, j]:.2f}"
                )


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--eval", type=Path, default=q.EVAL_DIR)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--errors", action="store_true", help="list held-out misses per chain")
    ap.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="also run the held-out folds on this many fold draws (seeds) and pool them",
    )
    ap.add_argument("--out", type=Path, default=DEFAULT_MODEL)
    ap.add_argument("--dump", type=Path, help="also save the held-out relevance (pickle) for analysis")
    ap.add_argument(
        "--chain-weight-rounds",
        type=int,
        default=CHAIN_WEIGHT_ROUNDS,
        help="passes of the per-chain weight refinement (0: one weight for every chain)",
    )
    ap.add_argument("--grid", default="", help="narrow the grid, e.g. fields=plain;weight=0.3 (for experiments)")
    args = ap.parse_args(argv)
    grid = {}
    for part in filter(None, args.grid.split(";")):
        name, _, values = part.partition("=")
        if name not in GRID:
            ap.error(f"--grid: unknown choice {name!r} (one of {', '.join(GRID)})")
        text = isinstance(GRID[name][0], str)  # fields, stacker, filing: names; the others: numbers
        grid[name] = tuple(v if text else float(v) for v in values.split(","))
    warnings.filterwarnings("ignore", category=UserWarning)
    pool = load_pool(args.eval)
    record = None
    if args.folds:
        figures = held_out(pool, args.folds, args.seed, grid, args.chain_weight_rounds)
        record = print_held_out(figures, args.folds, args.seed)
        if args.dump:
            with open(args.dump, "wb") as fh:
                pickle.dump({"figures": figures, "y": pool.y, "use": pool.use, "set_key": pool.set_key}, fh)
        if args.errors:
            print_errors(pool, figures)
        if args.repeats > 1:  # the same held-out run on other fold draws: how much the figures owe to one draw
            runs = [figures] + [
                held_out(pool, args.folds, args.seed + i, grid, args.chain_weight_rounds)
                for i in range(1, args.repeats)
            ]
            print_repeats(runs, args.folds, args.seed)
    if args.no_write:
        return 0
    model = fit_model(pool, np.arange(len(pool.frame)), seed=args.seed, grid=grid, rounds=args.chain_weight_rounds)
    choice = model.meta["choice"]
    model.meta = {
        "trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sklearn": sklearn.__version__,
        "data_sha256": pool.hashes,
        "rows": {k: b - a for k, (a, b) in pool.offsets.items()},
        "fit": {
            "seed": args.seed,
            "min_df": MIN_DF,
            "grid": {k: list(v) for k, v in GRID.items()},
            "relevance_at_filing": RELEVANCE_AT_FILING,
            "generated_weight": GENERATED_WEIGHT,
            "written": {
                "file": WRITTEN.name,
                "sha256": hashlib.sha256(WRITTEN.read_bytes()).hexdigest(),
                "rows": len(written_rows()[0]),
            },
            "chain_weight_rounds": args.chain_weight_rounds,
            "set_weight": SET_WEIGHT,
        },
        "choice": choice,
        "held_out": {"folds": args.folds, "seed": args.seed, "figures": record},
    }
    model.save(args.out)
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(model.text_index):,} buckets); "
        f"chosen on inner folds of all rows: {choice['fields']} features (written weight {choice['written_weight']:g}), weight {choice['weight']:g}, text C {choice['text_C']:g}, "
        f"stack C {choice['stack_C']:g}, filing probability {choice['filing_probability']:g}, {choice['filing']} files, "
        f"head weak ranks {choice['head_weak_rank']:g}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
