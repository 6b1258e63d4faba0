"""Train the learned chain model (matcher.learn) on the three labelled development sets, report it on
held-out grouped folds, and write the artefact data/model/chain_model.npz.

The sets (../shared/eval, see benchmarks/quality.py) are pooled: every row of every set is one
training row with, per chain, a label (intro: the chain is its primary or secondary chain; names and
scope: pos / neg, `skip` left out of that chain). Folds group rows by the name stem (`name_stem`)
across the three sets, so a listed company in both the names and the scope set, or two companies of
one brand, never straddle train and test.

Fitting (`fit_model`, on the training rows only):
  1. the text model: per chain, an L2 logistic regression (scikit-learn, liblinear) over hashed
     character n-grams of name / 简介 / 经营范围 and the industry code tokens; buckets seen in fewer
     than MIN_DF training rows are dropped (their weight is 0, so nothing about a single row is kept);
  2. its out-of-fold logits on the training rows (inner grouped folds), so the stacker learns how far
     to trust the text model on rows it has not seen;
  3. the stacker: per chain, a logistic regression over the chain's knowledge features and that
     out-of-fold text logit; its intercept is shifted so that probability FILING_PROBABILITY reaches
     the default minimum relevance (0.70).
The artefact is the model fitted on all rows; its metadata records the date, the SHA-256 of each
set, the scikit-learn version, the settings of the fit and the held-out figures printed here.

    python benchmarks/train_model.py               # held-out figures (5 grouped folds), then write the artefact
    python benchmarks/train_model.py --no-write    # figures only
    python benchmarks/train_model.py --folds 0     # write without the held-out run (metadata says so)
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.linear_model import LogisticRegression

sys.path.insert(0, str(Path(__file__).resolve().parent))
import quality as q  # noqa: E402

import matcher  # noqa: E402
from matcher.engine.learned import join, knowledge_features, model_relevance  # noqa: E402
from matcher.engine.match import SegmentMatcher  # noqa: E402
from matcher.learn.model import DEFAULT_MODEL, ChainModel, TextField  # noqa: E402

CHAINS = list(matcher.CHAIN_IDS)
SEED = 0
BITS = 18
MIN_DF = 2
TEXT_C = 4.0  # inverse L2 strength of the text model
STACK_C = 1.0
FILING_PROBABILITY = 0.5  # the model files a company in a chain from this probability on
RELEVANCE_AT_FILING = matcher.DEFAULTS.min_relevance
FIELDS = (
    TextField("company_name", 11, (1, 2, 3), 40),
    TextField("intro", 12, (1, 2, 3), 300),
    TextField("scope", 13, (1, 2, 3), 200),
)
CODE = ("industry_code", 14)
_KINDS = ("has_intro", "has_scope", "name_only")  # what the row holds changes how far each evidence goes
STACK_FEATURES = (
    "relevance",
    "evidence",
    "code",
    "name_hit",
    "intro_hit",
    "scope_hit",
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
    labels: dict  # set key -> its labels table (for quality.metrics)
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
    m = SegmentMatcher(settings=matcher.DEFAULTS.replace(model_weight=0.0)).fit(matcher.load_chains())
    result = m.match(frame)
    feats = knowledge_features(m, frame, result, result.relevance)
    return Pool(
        frame,
        np.array(keys),
        np.vstack(ys),
        np.vstack(uses),
        np.array(groups),
        feats,
        feats["relevance"],
        labels,
        offsets,
        hashes,
    )


def pool_folds(pool: Pool, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """Grouped folds over the pooled rows, stratified by set and first positive chain."""
    first = np.where(pool.y.any(axis=1), np.array(CHAINS)[pool.y.argmax(axis=1)], "none")
    strata = np.char.add(np.char.add(pool.set_key.astype(str), ":"), first)
    return q.grouped_folds(pool.groups, k, seed, strata)


def _template(text_index=None, text_weights=None, text_intercept=None, stack_coef=None, stack_intercept=None):
    c = len(CHAINS)
    return ChainModel(
        CHAINS,
        BITS,
        FIELDS,
        CODE[0],
        CODE[1],
        np.zeros(0, np.int32) if text_index is None else text_index,
        np.zeros((0, c), np.float32) if text_weights is None else text_weights,
        np.zeros(c, np.float32) if text_intercept is None else text_intercept,
        STACK_FEATURES,
        np.zeros((c, len(STACK_FEATURES)), np.float32) if stack_coef is None else stack_coef,
        np.zeros(c, np.float32) if stack_intercept is None else stack_intercept,
    )


def _lr(c: float) -> LogisticRegression:
    return LogisticRegression(C=c, solver="liblinear", max_iter=1000, random_state=SEED)


def _fit_text(x, y, use, weight) -> tuple[np.ndarray, np.ndarray]:
    """(coef F × C, intercept C) of the per-chain text models (zero for a chain with one class)."""
    coef = np.zeros((x.shape[1], len(CHAINS)), np.float32)
    icpt = np.zeros(len(CHAINS), np.float32)
    for j in range(len(CHAINS)):
        rows = use[:, j]
        yy = y[rows, j]
        if yy.min() == yy.max():
            icpt[j] = -5.0 if yy.max() == 0 else 5.0
            continue
        clf = _lr(TEXT_C).fit(x[rows], yy, sample_weight=weight[rows])
        coef[:, j] = clf.coef_[0]
        icpt[j] = clf.intercept_[0]
    return coef, icpt


def fit_model(pool: Pool, train: np.ndarray, inner: int = 5, seed: int = SEED) -> ChainModel:
    """The chain model fitted on the pool rows `train` only (see the module docstring)."""
    frame = pool.frame.iloc[train]
    y, use, groups = pool.y[train], pool.use[train], pool.groups[train]
    weight = np.array([SET_WEIGHT[k] for k in pool.set_key[train]])
    x = _template().text_matrix(frame)
    df = np.bincount(x.indices, minlength=x.shape[1])
    keep = np.flatnonzero(df >= MIN_DF)
    xk = x[:, keep]
    # out-of-fold text logits on the training rows, for the stacker
    oof = np.zeros((len(train), len(CHAINS)), np.float32)
    for tr, te in q.grouped_folds(groups, inner, seed):
        coef, icpt = _fit_text(xk[tr], y[tr], use[tr], weight[tr])
        oof[te] = xk[te] @ coef + icpt
    coef, icpt = _fit_text(xk, y, use, weight)
    nz = np.flatnonzero(np.any(coef != 0, axis=1))
    model = _template(keep[nz].astype(np.int32), coef[nz].astype(np.float16).astype(np.float32), icpt)
    feats = {k: v[train] for k, v in pool.feats.items()}
    xs = model.stack_matrix(feats, oof)
    s_coef = np.zeros((len(CHAINS), len(STACK_FEATURES)), np.float32)
    s_icpt = np.zeros(len(CHAINS), np.float32)
    shift = np.log(RELEVANCE_AT_FILING / (1 - RELEVANCE_AT_FILING)) - np.log(
        FILING_PROBABILITY / (1 - FILING_PROBABILITY)
    )
    for j in range(len(CHAINS)):
        rows = use[:, j]
        clf = _lr(STACK_C).fit(xs[rows, j], y[rows, j], sample_weight=weight[rows])
        s_coef[j] = clf.coef_[0]
        s_icpt[j] = clf.intercept_[0] + shift
    model.stack_coef, model.stack_intercept = s_coef, s_icpt
    return model


def combined_relevance(pool: Pool, model: ChainModel, rows: np.ndarray, weight: float) -> np.ndarray:
    """n × C chain relevance of the combined engine on pool rows: matcher.engine.learned.join on the
    chains' best relevance (scaling a chain's segments keeps its best one best, so this is the chain
    relevance the engine gives)."""
    feats = {k: v[rows] for k, v in pool.feats.items()}
    m = model_relevance(model, CHAINS, feats, pool.frame.iloc[rows])
    ceiling = matcher.DEFAULTS.min_relevance - 0.001
    return join(pool.relevance[rows], np.arange(len(CHAINS)), m, weight, ceiling)


def held_out(pool: Pool, k: int, seed: int, weights=(0.0, 1.0)) -> dict:
    """{set: {weight: per-fold summaries}}: fit on k-1 folds of the pool, measure each set's rows of the
    held-out fold (weight 0.0 = the knowledge-only engine on the same folds)."""
    out = {key: {w: [] for w in weights} for key in q.SETS}
    for tr, te in pool_folds(pool, k, seed):
        model = fit_model(pool, tr, seed=seed)
        for w in weights:
            rel = combined_relevance(pool, model, te, w)
            for key, (a, b) in pool.offsets.items():
                sel = (te >= a) & (te < b)
                rows = te[sel] - a
                table = pd.DataFrame(rel[sel], columns=CHAINS)
                _, summary = q.metrics(key, table, pool.labels[key].iloc[rows], matcher.DEFAULTS.min_relevance)
                out[key][w].append(summary)
    return {key: {w: pd.DataFrame(v) for w, v in d.items()} for key, d in out.items()}


def print_held_out(figures: dict, k: int, seed: int) -> dict:
    """Print the table (sets × engines, mean ± spread over the held-out folds); return it as a record."""
    record = {}
    print(f"held-out: {k} folds grouped by name stem across the three sets (seed {seed}); mean ± std over folds")
    for key, by_w in figures.items():
        spec = q.SETS[key]
        for w, table in by_w.items():
            label = "knowledge only" if w == 0 else f"combined (model weight {w:g})"
            parts = [f"{m} {table[m].mean():.3f} ± {table[m].std():.3f}" for m in spec.targets]
            print(f"  {key:<6} {label:<30} " + "   ".join(parts))
            record[f"{key}/{'knowledge' if w == 0 else 'combined'}"] = {
                m: [round(float(table[m].mean()), 4), round(float(table[m].std()), 4)] for m in spec.targets
            }
    return record


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--seed", type=int, default=SEED)
    ap.add_argument("--eval", type=Path, default=q.EVAL_DIR)
    ap.add_argument("--no-write", action="store_true")
    ap.add_argument("--out", type=Path, default=DEFAULT_MODEL)
    ap.add_argument(
        "--weights",
        default=f"0,{matcher.DEFAULTS.model_weight:g}",
        help="model weights to report, comma-separated (0: knowledge only; default: 0 and the setting's default)",
    )
    args = ap.parse_args(argv)
    warnings.filterwarnings("ignore", category=UserWarning)
    pool = load_pool(args.eval)
    record = None
    if args.folds:
        weights = tuple(float(w) for w in args.weights.split(","))
        record = print_held_out(held_out(pool, args.folds, args.seed, weights), args.folds, args.seed)
    if args.no_write:
        return 0
    model = fit_model(pool, np.arange(len(pool.frame)), seed=args.seed)
    model.meta = {
        "trained": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "sklearn": sklearn.__version__,
        "data_sha256": pool.hashes,
        "rows": {k: b - a for k, (a, b) in pool.offsets.items()},
        "fit": {
            "seed": args.seed,
            "min_df": MIN_DF,
            "text_C": TEXT_C,
            "stack_C": STACK_C,
            "filing_probability": FILING_PROBABILITY,
            "relevance_at_filing": RELEVANCE_AT_FILING,
            "set_weight": SET_WEIGHT,
        },
        "held_out": {"folds": args.folds, "seed": args.seed, "figures": record},
    }
    model.save(args.out)
    print(f"wrote {args.out} ({args.out.stat().st_size / 1e6:.2f} MB, {len(model.text_index):,} buckets)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
