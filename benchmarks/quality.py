"""Quality of chain filing on the three labelled development sets (real companies, read from ../shared/eval).

Sets (see ../shared/eval/README.md; they are never copied into the repository):
  intro  dev_companies_labelled.csv  352 companies with a free-text 简介, hand-labelled chain_primary /
         chain_secondary. Per chain: AP of the chain's relevance ranking (primary or secondary counts as
         positive), precision / recall / F1 of the chosen chain (best chain ≥ min_relevance; correct when
         it is the primary or the secondary label; strict F1 = primary only) and the share of `none`
         companies left without a chain.
  names  names_dev_labelled.csv      2,205 full legal names only (a roster), per-chain pos / neg / skip.
  scope  scope_dev_labelled.csv      127 companies in 企查查 form (经营范围 + 国标行业), per-chain pos / neg / skip.
         For names and scope, per chain over pos vs neg (skip left out): AP of the full relevance ranking,
         AP of the list as delivered (companies below min_relevance unranked) and precision / recall of
         the filed list (relevance ≥ min_relevance in that chain).

Only the columns an officer's export would hold are given to the engine (labels and 申万 columns are
dropped): the rows are written to a temporary CSV and read through `matcher.read_companies`.

Held-out folds: `grouped_folds` splits rows into k folds grouped by `name_stem` (the 字号 of the legal
name: region, brackets and organisational form removed), so near-duplicates of one brand never straddle
train and test. `held_out` runs any tuned or learned component fold by fold (fit on k-1 folds, score the
held-out one) and reports each metric's mean and spread over the held-out folds; never report a fit on
the rows it was fitted on. `--folds K` prints the untuned engine on the same folds, the spread to compare
a learned component with.

The learned chain model (matcher.learn, trained by benchmarks/train_model.py) is reported only on held-out
folds: `model_report` pools the three sets, groups the rows by name stem across them (a company in two sets,
or two companies of one brand, stay in one fold), trains the model on k-1 folds of all three sets with
train_model.fit_model (every choice, the blend weight included, made on inner folds of those rows), runs
the real engine (SegmentMatcher with that fold's model at the weight chosen there) on the held-out fold and prints each set's figures, mean ± spread over the folds, beside the knowledge-only
engine on the same folds. The shipped artefact (trained on every row) is never measured on these sets.

    python benchmarks/quality.py                     # all three sets, 5 grouped folds
    python benchmarks/quality.py --set scope         # one set (repeat --set for several)
    python benchmarks/quality.py --folds 0           # whole-set figures only
    python benchmarks/quality.py --errors            # also list misfiled rows (intro) / missed positives
    python benchmarks/quality.py --eval DIR --seed 1 # another eval folder ($CHAINMATCH_EVAL), fold seed
    python benchmarks/quality.py --set scope --scope-preview   # + 经营范围 read as items for matching (preview)
    python benchmarks/quality.py --set names --guard            # + vocabulary guard over the none rows
    python benchmarks/quality.py --no-model                     # skip the learned model's held-out table
"""

from __future__ import annotations

import argparse
import os
import re
import sys
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
from matcher.engine.learned import MODEL_FILES, reaches
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


# --------------------------------------------------------------------------------------------
# report


def _line(label: str, value: float, target: float | None = None, spread: float | None = None) -> str:
    s = f"{label:<34}{value:.3f}"
    if spread is not None:
        s += f" ± {spread:.3f}"
    if target is not None:
        s += f"   target >= {target}"
    return s


def report(key: str, folds: int, seed: int, errors: bool, eval_dir: Path, settings=matcher.DEFAULTS) -> None:
    spec = SETS[key]
    labels = load_set(key, eval_dir)
    rel = engine_relevance(labels, spec.inputs, settings)
    table, summary = metrics(key, rel, labels, settings.min_relevance)
    print(f"== {key}: {len(labels)} companies ({spec.file}) — whole set, knowledge engine untuned on it")
    print(table.round(3).to_string())
    print()
    for name, value in summary.items():
        print(_line(f"{key} {name}", value, spec.targets.get(name)))
    if folds:
        per_fold, _, _ = held_out(key, labels, lambda tr, te: rel.iloc[te], folds, seed, settings.min_relevance)
        print(f"-- {folds} folds grouped by name stem (seed {seed}): held-out mean ± spread (std over folds)")
        for name in per_fold:
            print(_line(f"{key} {name} [folds]", per_fold[name].mean(), spec.targets.get(name), per_fold[name].std()))
    if errors:
        pd.set_option("display.max_rows", 2000)
        pd.set_option("display.max_colwidth", 40)
        names = labels[spec.name_column]
        if key == "intro":
            _, _, detail = intro_metrics(rel, labels, settings.min_relevance)
            print(detail.assign(name=names)[~detail["correct"]].to_string())
        else:
            for cid in CHAINS:
                lab = labels[cid]
                missed = (lab == "pos") & (rel[cid] < settings.min_relevance)
                wrong = (lab == "neg") & (rel[cid] >= settings.min_relevance)
                for what, mask in (("missed", missed), ("wrongly filed", wrong)):
                    if mask.any():
                        rows = pd.DataFrame({"name": names[mask], "rel": rel.loc[mask, cid].round(3)})
                        print(f"\n{cid} {what} ({int(mask.sum())}):\n{rows.to_string()}")
    print()


def scope_preview(folds: int, seed: int, eval_dir: Path, settings=matcher.DEFAULTS) -> None:
    """The scope set with the 经营范围 read as items (matcher.ingest.scope) for keyword matching too. The
    engine already takes a missing 国标行业 from the main items (SegmentMatcher.scope_codes); it still
    matches keywords over the raw 经营范围, so the first two lines show what items would change there."""
    spec = SETS["scope"]
    labels = load_set("scope", eval_dir)
    variants = {
        "as exported": None,
        "items (boilerplate dropped)": lambda c: with_scope_items(c, codes=False),
        "items + main-item code where 国标行业 is empty": with_scope_items,
    }
    print("== scope preview: 经营范围 matched as items (the engine fills a missing 国标行业 from them already)")
    for label, prepare in variants.items():
        rel = engine_relevance(labels, spec.inputs, settings, prepare)
        _, summary = metrics("scope", rel, labels, settings.min_relevance)
        line = f"{label:<48} mean AP {summary['mean_AP']:.3f}  filed AP {summary['mean_AP_filed']:.3f}"
        if folds:
            per_fold, _, _ = held_out(
                "scope", labels, lambda tr, te, r=rel: r.iloc[te], folds, seed, settings.min_relevance
            )
            line += f"  [folds] {per_fold['mean_AP'].mean():.3f} ± {per_fold['mean_AP'].std():.3f}"
        print(line)
    companies = read_inputs(labels, spec.inputs)
    cols = with_scope_items(companies).assign(exported=companies["industry_code"])
    has_item_code = cols["industry_code"].notna() & companies["industry_code"].isna()
    print(
        f"rows without 国标行业: {int(companies['industry_code'].isna().sum())}, "
        f"of which a main item names a GB/T 小类: {int(has_item_code.sum())}\n"
    )


def guard_report(eval_dir: Path) -> None:
    """The vocabulary guard (tests/knowledge/test_vocabulary_guard.py) over the dev sets' `none` rows: every
    leader or strong keyword that would be evidence there. For analysis; the sets never go into the data."""
    sys.path.insert(0, str(ROOT))
    from tests.knowledge.test_vocabulary_guard import hits

    rows = []
    intro = load_set("intro", eval_dir)
    for _, r in intro[intro["chain_primary"].fillna("none") == "none"].iterrows():
        rows += [("intro", r["公司名称"], *h) for h in hits(str(r["公司名称"]))]
        rows += [("intro", r["公司名称"], *h) for h in hits(str(r["公司介绍"]), kinds=("keyword",))]
    for key in ("names", "scope"):
        data = load_set(key, eval_dir)
        none = ~data[CHAINS].isin(["pos", "skip"]).any(axis=1)
        for _, r in data[none].iterrows():
            rows += [(key, r["企业名称"], *h) for h in hits(str(r["企业名称"]))]
            if key == "scope":
                rows += [(key, r["企业名称"], *h) for h in hits(str(r["经营范围"]), kinds=("keyword",))]
    table = pd.DataFrame(rows, columns=["set", "company", "kind", "word", "segments"]).drop_duplicates()
    print(f"== guard over the dev sets' none rows: {len(table)} hits, {table['word'].nunique()} words")
    counts = table.groupby(["kind", "word", "segments"]).size().sort_values(ascending=False)
    print(counts.head(40).to_string())
    print()


def leak_report(eval_dir: Path) -> int:
    """Dev-set company names that appear whole in the repository's own files (the made-up set, the ordinary
    names, the samples): those files must hold none. Prints them; returns how many."""
    dev = set()
    for key, spec in SETS.items():
        dev |= set(load_set(key, eval_dir)[spec.name_column].dropna())
    dev = {n for n in dev if len(n) >= 6}
    found = []
    for path in sorted((ROOT / "tests" / "data").glob("*")) + sorted((ROOT / "data" / "samples").glob("*")):
        if path.suffix not in (".csv", ".yaml"):
            continue
        text = path.read_text(encoding="utf-8", errors="ignore")
        found += [(path.relative_to(ROOT), n) for n in sorted(dev) if n in text]
    print(f"== dev-set names in the repository's test data and samples: {len(found)}")
    for path, name in found:
        print(f"  {path}: {name}")
    print()
    return len(found)


def model_report(folds: int, seed: int, eval_dir: Path, settings=matcher.DEFAULTS) -> None:
    """Held-out table: the three sets × {knowledge only, combined}, mean ± spread over grouped folds of the
    pooled sets; the model of each fold is fitted on the other folds of all three sets, with every choice
    (blend weight included) made on inner folds of those rows (train_model.fit_model), and joined by the
    real engine at the weight chosen there."""
    import train_model as tm  # trains with scikit-learn (a dev dependency, like this benchmark's metrics)

    pool = tm.load_pool(eval_dir)
    chains = matcher.load_chains()
    figures = {key: {"knowledge only": [], "combined": []} for key in SETS}
    weights = []
    for tr, te in tm.pool_folds(pool, folds, seed):
        model = tm.fit_model(pool, tr, seed=seed)
        weight = model.meta["choice"]["weight"]
        weights.append(f"{weight:g} ({model.meta['choice']['filing']} files)")
        files = MODEL_FILES[model.meta["choice"]["filing"]]
        chosen = settings.replace(
            model_weight=weight, model_files=files, head_weak_rank=model.meta["choice"]["head_weak_rank"]
        )
        engine = SegmentMatcher(settings=chosen, model=model).fit(chains)
        combined = engine.chain_relevance(engine.match(pool.frame.iloc[te].reset_index(drop=True)))[CHAINS]
        knowledge = pd.DataFrame(pool.relevance[te], columns=CHAINS)
        for key, (a, b) in pool.offsets.items():
            sel = (te >= a) & (te < b)
            labels = pool.labels[key].iloc[te[sel] - a]
            for label, rel in zip(figures[key], (knowledge, combined)):
                _, summary = metrics(key, rel[sel].reset_index(drop=True), labels, settings.min_relevance)
                figures[key][label].append(summary)
    print(
        f"== learned model, held-out: {folds} folds grouped by name stem across the three sets (seed {seed}); "
        "model fitted and tuned (inner folds) on the other folds of all three sets; mean ± std over folds; "
        f"weights chosen: {', '.join(weights)}"
    )
    for key, by_engine in figures.items():
        for label, rows in by_engine.items():
            table = pd.DataFrame(rows)
            shown = list(SETS[key].targets) + ([] if key == "intro" else ["mean_AP_filed"])
            parts = [f"{m} {table[m].mean():.3f} ± {table[m].std():.3f}" for m in shown]
            print(f"  {key:<6} {label:<30} " + "   ".join(parts))
    print()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--set", action="append", choices=list(SETS), help="which set (default: all three)")
    ap.add_argument("--folds", type=int, default=5, help="grouped folds for the held-out spread (0: none)")
    ap.add_argument("--seed", type=int, default=0, help="seed of the fold assignment")
    ap.add_argument("--errors", action="store_true", help="list misfiled rows")
    ap.add_argument("--eval", type=Path, default=EVAL_DIR, help="folder holding the labelled sets")
    ap.add_argument("--scope-preview", action="store_true", help="scope set with 经营范围 read as items (preview)")
    ap.add_argument(
        "--guard",
        action="store_true",
        help="vocabulary guard over the dev sets' none rows, and dev names in the test data",
    )
    ap.add_argument("--no-model", action="store_true", help="skip the learned model's held-out table")
    args = ap.parse_args(argv)
    keys = args.set or list(SETS)
    missing = [SETS[k].file for k in keys if not (args.eval / SETS[k].file).exists()]
    if missing:
        print(f"development set not found in {args.eval}: {', '.join(missing)}", file=sys.stderr)
        return 2
    pd.set_option("display.width", 160)
    for key in keys:
        report(key, args.folds, args.seed, args.errors, args.eval)
    if args.scope_preview:
        scope_preview(args.folds, args.seed, args.eval)
    if args.guard:
        guard_report(args.eval)
        leak_report(args.eval)
    if args.folds and not args.no_model and set(keys) == set(SETS):
        model_report(args.folds, args.seed, args.eval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
