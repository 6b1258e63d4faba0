"""The three labelled development sets (read from ../shared/eval, never copied into the repository), how the engine
is given them, their metrics, and the grouped folds every tuned or learned component is reported on: used by
benchmarks/quality.py (the report) and benchmarks/train_model.py (the model's training and its held-out figures).

Sets (see ../shared/eval/README.md):
  intro  dev_companies_labelled.csv  352 companies with a free-text 简介, hand-labelled chain_primary /
         chain_secondary: per chain AP of the chain's relevance ranking, precision / recall / F1 of the chosen
         chain and the share of `none` companies left without a chain (intro_metrics).
  names  names_dev_labelled.csv      2,205 full legal names only (a roster), per-chain pos / neg / skip.
  scope  scope_dev_labelled.csv      127 companies in 企查查 form (经营范围 + 国标行业), per-chain pos / neg / skip:
         per chain over pos vs neg, AP of the full ranking, AP of the list as delivered and precision / recall
         of the filed list (pos_neg_metrics).

Held-out folds: `grouped_folds` splits rows into k folds grouped by `name_stem` (the 字号 of the legal name), so
near-duplicates of one brand never straddle train and test; `held_out` runs a tuned or learned component fold
by fold and reports each metric's mean and spread over the held-out folds.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

import matcher
from matcher.engine.learned import reaches
from matcher.engine.match import SegmentMatcher
from matcher.knowledge.settings import REFERENCE_DIR

ROOT = Path(__file__).resolve().parents[1]
EVAL_DIR = Path(os.environ.get("CHAINMATCH_EVAL", ROOT.parent / "shared" / "eval"))
if EVAL_DIR.suffix == ".csv":  # the variable used to name the 简介 file itself
    EVAL_DIR = EVAL_DIR.parent
CHAINS = list(matcher.CHAIN_IDS)


@dataclass(frozen=True)
class EvalSet:
    key: str
    file: str
    name_column: str
    inputs: tuple[str, ...]  # what an export would hold: only these reach the engine
    targets: dict  # metric -> target on held-out folds (issue 14)


SETS = {
    "intro": EvalSet(
        "intro",
        "dev_companies_labelled.csv",
        "公司名称",
        ("公司名称", "名称", "公司介绍", "地址", "成立时间", "注册资金", "统一信用代码"),
        {"mean_AP": 0.90, "macro_F1": 0.85, "none_kept": 0.95},
    ),
    "names": EvalSet("names", "names_dev_labelled.csv", "企业名称", ("企业名称",), {"mean_AP": 0.60}),
    "scope": EvalSet(
        "scope",
        "scope_dev_labelled.csv",
        "企业名称",
        ("企业名称", "所属省份", "所属城市", "注册资本", "成立日期", "国标行业", "经营范围"),
        {"mean_AP": 0.90},
    ),
}


# --------------------------------------------------------------------------------------------
# reading and scoring


def load_set(key: str, eval_dir: Path = EVAL_DIR) -> pd.DataFrame:
    return pd.read_csv(Path(eval_dir) / SETS[key].file, dtype=str, keep_default_na=False, na_values=[""])


def read_inputs(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """The canonical frame the engine sees, given only `columns` of frame (written to a CSV and read back)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "input.csv"
        frame[list(columns)].to_csv(path, index=False, encoding="utf-8")
        read = matcher.read_companies([path])
    if len(read.companies) != len(frame):
        raise RuntimeError(f"read {len(read.companies)} rows of {len(frame)}: rows would not line up with labels")
    return read.companies


def with_scope_items(companies: pd.DataFrame, codes: bool = True) -> pd.DataFrame:
    """A preview of wiring matcher.ingest.scope into the engine: the 经营范围 replaced by its kept items
    (boilerplate dropped) and, with `codes`, a missing 国标行业 filled from the main items' GB/T code."""
    from matcher.ingest.scope import scope_columns

    if "scope" not in companies:
        return companies
    cols = scope_columns(companies["scope"])
    out = companies.assign(scope=cols["scope_items"].where(cols["scope_items"].notna(), None))
    if codes:
        current = out["industry_code"] if "industry_code" in out else pd.Series(None, index=out.index, dtype=object)
        out["industry_code"] = current.where(current.notna(), cols["scope_main_code"])
    return out


def engine_relevance(frame: pd.DataFrame, columns, settings=matcher.DEFAULTS, prepare=None) -> pd.DataFrame:
    """rows × chains: the knowledge engine's best segment relevance per chain, given only `columns` of frame
    (`prepare`, when given, changes the canonical frame first: see with_scope_items)."""
    companies = read_inputs(frame, columns)
    if prepare is not None:
        companies = prepare(companies)
    # knowledge only: the shipped model was trained on these rows, so it is measured on held-out folds
    # only (model_report), never here; so is the ranking share of a business statement's weak words, which
    # the training chose on these rows (head_weak_rank): here the knowledge ranks as it files
    untuned = settings.replace(head_weak_rank=1.0)
    m = SegmentMatcher(settings=untuned, model=None).fit(matcher.load_chains())
    rel = m.chain_relevance(m.match(companies))
    rel.index = frame.index
    return rel


# --------------------------------------------------------------------------------------------
# metrics


def _ap(y: np.ndarray, score: np.ndarray) -> float:
    return float(average_precision_score(y, score)) if y.any() and not y.all() else float("nan")


def intro_metrics(rel: pd.DataFrame, labels: pd.DataFrame, min_relevance: float):
    """Per-chain table, summary dict and per-row detail for the hand-labelled 简介 set."""
    values = rel[CHAINS].to_numpy()
    top = values.max(axis=1)
    pred = np.where(reaches(top, min_relevance), np.array(CHAINS)[values.argmax(axis=1)], "none")
    primary = labels["chain_primary"].fillna("none").astype(str).to_numpy()
    secondary = labels["chain_secondary"].fillna("").astype(str).to_numpy()
    correct = (pred == primary) | ((pred == secondary) & (pred != "none"))
    rows = []
    for cid in CHAINS:
        y = (primary == cid) | (secondary == cid)
        tp = np.sum((pred == cid) & correct)
        fp = np.sum((pred == cid) & ~correct)
        fn = np.sum((primary == cid) & ~correct)
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        tp_s = np.sum((pred == cid) & (primary == cid))
        fp_s = np.sum((pred == cid) & (primary != cid))
        fn_s = np.sum((primary == cid) & (pred != cid))
        rows.append(
            {
                "chain": cid,
                "positives": int(y.sum()),
                "AP": _ap(y, rel[cid].to_numpy()),
                "precision": p,
                "recall": r,
                "F1": 2 * p * r / (p + r) if p + r else 0.0,
                "F1_strict": 2 * tp_s / (2 * tp_s + fp_s + fn_s) if tp_s else 0.0,
            }
        )
    table = pd.DataFrame(rows).set_index("chain")
    none = primary == "none"
    scored = table.drop(index="rail")  # 4 positives: too few to weigh in the F1 mean (README of the set)
    summary = {
        "mean_AP": table["AP"].mean(),
        "mean_AP_no_rail": scored["AP"].mean(),
        "macro_F1": scored["F1"].mean(),
        "macro_F1_strict": scored["F1_strict"].mean(),
        "none_kept": float(np.mean(pred[none] == "none")) if none.any() else float("nan"),
        "accuracy": float(correct.mean()),
    }
    detail = pd.DataFrame(
        {"primary": primary, "secondary": secondary, "pred": pred, "top": top.round(3), "correct": correct},
        index=labels.index,
    )
    return table, summary, detail


def pos_neg_metrics(rel: pd.DataFrame, labels: pd.DataFrame, min_relevance: float):
    """Per-chain table and summary for the sets labelled pos / neg / skip per chain."""
    rows = []
    for cid in CHAINS:
        lab = labels[cid].fillna("skip").to_numpy()
        use = lab != "skip"
        y = lab[use] == "pos"
        score = rel[cid].to_numpy()[use]
        filed = reaches(score, min_relevance)
        tp = int(np.sum(filed & y))
        rows.append(
            {
                "chain": cid,
                "pos": int(y.sum()),
                "neg": int((~y).sum()),
                "AP": _ap(y, score),
                "AP_filed": _ap(y, np.where(filed, score, 0.0)),
                "filed": int(filed.sum()),
                "precision": tp / filed.sum() if filed.any() else 0.0,
                "recall": tp / y.sum() if y.any() else float("nan"),
            }
        )
    table = pd.DataFrame(rows).set_index("chain")
    summary = {
        "mean_AP": table["AP"].mean(),
        "mean_AP_filed": table["AP_filed"].mean(),
        "mean_recall": table["recall"].mean(),
    }
    return table, summary


def metrics(key: str, rel: pd.DataFrame, labels: pd.DataFrame, min_relevance: float):
    """(per-chain table, summary) of one set."""
    if key == "intro":
        table, summary, _ = intro_metrics(rel, labels, min_relevance)
        return table, summary
    return pos_neg_metrics(rel, labels, min_relevance)


# --------------------------------------------------------------------------------------------
# grouped folds


_FORMS = ("股份有限公司", "有限责任公司", "有限公司", "股份公司", "集团公司", "公司", "集团")
_BRACKETS = re.compile(r"[（(][^）)]*[）)]")


@lru_cache(maxsize=1)
def _region_names() -> tuple[str, ...]:
    """Province and prefecture names and their short forms, longest first (stripped from name heads)."""
    table = pd.read_csv(REFERENCE_DIR / "admin_divisions_prefecture.csv", dtype=str)
    names = set()
    for n in table["name"].dropna():
        names.add(n)
        short = re.sub(r"(特别行政区|维吾尔自治区|壮族自治区|回族自治区|自治区|自治州|地区|盟|省|市)$", "", n)
        if len(short) >= 2:
            names.add(short)
    names.update(("中国", "中华", "国际"))
    return tuple(sorted(names, key=len, reverse=True))


def name_stem(name, width: int = 2) -> str:
    """The brand stem of a legal name for grouping: brackets (a region or branch in brackets), leading
    region names and the organisational form dropped, then the first `width` characters (the 字号's head:
    深圳市振业(集团)股份有限公司 -> 振业, 宁德时代新能源科技股份有限公司 -> 宁德)."""
    s = _BRACKETS.sub("", str(name or "")).strip()
    changed = True
    while changed:
        changed = False
        for r in _region_names():
            if s.startswith(r) and len(s) - len(r) >= width:
                s, changed = s[len(r) :], True
                break
    for form in _FORMS:
        if s.endswith(form) and len(s) - len(form) >= width:
            s = s[: -len(form)]
            break
    return s[:width] or str(name or "")


def grouped_folds(groups, k: int = 5, seed: int = 0, strata=None) -> list[tuple[np.ndarray, np.ndarray]]:
    """k (train, test) index pairs; every group lies in one test fold only. With `strata` (a label per
    row) the folds keep the labels' shares as far as the groups allow."""
    groups = np.asarray(groups)
    idx = np.arange(len(groups))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a class smaller than k (rail) is spread as it can
        if strata is not None:
            splitter = StratifiedGroupKFold(n_splits=k, shuffle=True, random_state=seed)
            return [(tr, te) for tr, te in splitter.split(idx, np.asarray(strata), groups)]
        # GroupKFold does not shuffle: permute the group labels so fold membership depends on the seed
        _, inverse = np.unique(groups, return_inverse=True)
        perm = np.random.default_rng(seed).permutation(inverse.max() + 1)
        return list(GroupKFold(n_splits=k).split(idx, groups=perm[inverse]))


def strata_of(key: str, labels: pd.DataFrame) -> np.ndarray:
    """One label per row for stratifying folds: the primary chain, or the first positive chain."""
    if key == "intro":
        return labels["chain_primary"].fillna("none").astype(str).to_numpy()
    pos = labels[CHAINS].eq("pos")
    return np.where(pos.any(axis=1), pos.idxmax(axis=1), "none")


def held_out(
    key: str,
    labels: pd.DataFrame,
    score_fold: Callable,
    k: int = 5,
    seed: int = 0,
    min_relevance: float = matcher.DEFAULTS.min_relevance,
):
    """Metrics of each held-out fold for a component tuned or learned on the other folds.

    score_fold(train_index, test_index) -> relevance (rows of test_index × chains): fit on the train
    rows only. Returns (per-fold summaries DataFrame, per-chain AP mean, per-chain AP spread)."""
    groups = labels[SETS[key].name_column].map(name_stem).to_numpy()
    folds = grouped_folds(groups, k, seed, strata_of(key, labels))
    summaries, aps = [], []
    for tr, te in folds:
        rel = score_fold(tr, te)
        table, summary = metrics(key, rel, labels.iloc[te], min_relevance)
        summaries.append(summary)
        aps.append(table["AP"])
    ap = pd.concat(aps, axis=1)
    return pd.DataFrame(summaries), ap.mean(axis=1), ap.std(axis=1)
