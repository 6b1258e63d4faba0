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
import gzip
import sys
from pathlib import Path

import pandas as pd

import matcher
from matcher.engine.learned import MODEL_FILES
from matcher.engine.match import SegmentMatcher

sys.path.insert(0, str(Path(__file__).resolve().parent))
from evalsets import (  # noqa: E402
    CHAINS,
    EVAL_DIR,
    ROOT,
    SETS,
    engine_relevance,
    held_out,
    intro_metrics,
    load_set,
    metrics,
    read_inputs,
    with_scope_items,
)

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
    names, the samples, the companies written for training): those files must hold none. Prints them;
    returns how many."""
    dev = set()
    for key, spec in SETS.items():
        dev |= set(load_set(key, eval_dir)[spec.name_column].dropna())
    dev = {n for n in dev if len(n) >= 6}
    found = []
    written = sorted((ROOT / "benchmarks" / "training").glob("*.csv.gz"))
    for path in sorted((ROOT / "tests" / "data").glob("*")) + sorted((ROOT / "data" / "samples").glob("*")) + written:
        if path.suffix not in (".csv", ".yaml", ".gz"):
            continue
        raw = gzip.decompress(path.read_bytes()) if path.suffix == ".gz" else path.read_bytes()
        text = raw.decode("utf-8", errors="ignore")
        found += [(path.relative_to(ROOT), n) for n in sorted(dev) if n in text]
    print(f"== dev-set names in the repository's test data, samples and written companies: {len(found)}")
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
