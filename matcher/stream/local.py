"""Scoring a register on one machine: streamed in bounded batches, resumable, in flat memory.

Owns the run `stream_register(inputs, out_folder)`, in four passes over disk, each made of units
the manifest (`matcher.stream.manifest`) records when their files are complete:

1. per shard, per batch of at most `batch_rows` rows: read, normalise, reject (the pipeline's own
   code), park the usable rows on disk and write their merge keys (`dedupe.key_parts`);
2. resolve the duplicate groups of the whole register with DuckDB (`matcher.stream.keys`);
3. per parked batch: the rows that are companies of their own are matched and scored
   (`pipeline.rank_companies`) and written as one Parquet part of the output; rows of a group are
   set aside with their group's bucket;
4. per bucket: its groups are merged (`dedupe.merge_groups`, the in-memory rule) and scored, one
   output part each.

The output folder holds `part-*.parquet` (the batch contract's machine table, each part best first;
`read_ranking` reads them back as one ranking) and `_manifest.json` with the counts; the rejected
rows and the merge log are written beside it as `<name>.rejected.csv` and `<name>.merges.csv`.
Every function of a unit takes a picklable `RunContext`, so `matcher.stream.cluster` runs the same
units on Dask workers; the scorer is fitted once per process (`fitted_scorer`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import pickle
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..contract import FACT_COLUMNS, select
from ..engine.filing import chain_view
from ..errors import MatcherError
from ..ingest.dedupe import KeyParts, MergeKeys, key_parts, merge_groups, reject_rows
from ..knowledge.chains import Chain, Zone, load_chains, load_zone
from ..knowledge.settings import DEFAULTS, Settings
from ..outputs.cells import safe_frame
from ..outputs.table import write_table
from ..pipeline import ScoreResult, _arrow_text_columns, _fill_from_merged, _normalize, rank_companies
from . import keys as _keys
from . import spill
from .manifest import Manifest, atomic_path
from .memory import release_memory
from .shards import Shard, check_shard, find_shards, read_batches

BATCH_ROWS = 50_000
RESTART_ROWS = 1_000_000  # rows a process works through before `RestartRun` asks for a fresh one
GID_SHARD = 10**10  # row id = shard number * GID_SHARD + the row's position among the shard's usable rows
Progress = Callable[[str, float], None]


@dataclass
class RunContext:
    """Everything a unit of work needs, picklable (sent to Dask workers as it is)."""

    out: str
    shards: list[Shard]
    chains: dict[str, Chain]
    zone: Zone
    settings: Settings
    as_of: dt.date
    per_chain: bool = False
    chain_ids: list[str] = field(default_factory=list)
    column_map: dict[str, str] | None = None
    local: pd.DataFrame | None = None
    batch_rows: int = BATCH_ROWS
    n_jobs: int = 1

    @property
    def work(self) -> Path:
        return Path(self.out) / "_work"

    @property
    def fit_key(self) -> str:
        return hashlib.sha1(pickle.dumps((self.chains, self.zone, self.settings, self.as_of))).hexdigest()

    def signature(self) -> dict:
        """What makes two runs the same run (a resume continues only the same run)."""
        return {
            "shards": [[s.path, s.size, s.mtime_ns] for s in self.shards],
            "fit": self.fit_key,
            "per_chain": self.per_chain,
            "chain_ids": list(self.chain_ids),
            "column_map": self.column_map or {},
            "local": None
            if self.local is None
            else hashlib.sha1(pd.util.hash_pandas_object(self.local.astype(str)).to_numpy()).hexdigest(),
            "batch_rows": self.batch_rows,
        }


class RestartRun(Exception):
    """Raised by `stream_register(..., restart_after_rows=N)` once this process has worked through N
    rows and work is left: the caller starts the same command afresh (`memory.restart_process`) and
    the run resumes from its manifest. A process's footprint creeps up with the units it has run
    (`matcher.stream.memory`); a fresh one every N rows keeps a run's peak that of N rows of work,
    whatever the register's size."""


_SCORERS: dict = {}


def fitted_scorer(ctx: RunContext):
    """The scorer for this run, fitted once per process (per Dask worker)."""
    from ..engine.score import Scorer

    key = (ctx.fit_key, ctx.n_jobs)
    if key not in _SCORERS:
        _SCORERS.clear()
        _SCORERS[key] = Scorer(ctx.settings, as_of=ctx.as_of, n_jobs=ctx.n_jobs).fit(ctx.chains, ctx.zone)
    return _SCORERS[key]


def _write_arrow(table: pa.Table, path: Path) -> None:
    with atomic_path(path) as tmp:
        pq.write_table(table, tmp)


def _write_frame(frame: pd.DataFrame, path: Path) -> None:
    """A frame as Parquet the way the machine table is written (`outputs.table.write_table`), atomically."""
    with atomic_path(path) as tmp:
        target = tmp.with_name(tmp.name + ".parquet")  # write_table picks the format by suffix
        write_table(frame, target)
        os.replace(target, tmp)


# ---------------------------------------------------------------- pass 1: read, normalise, reject, keys


def write_keys(work: Path, name: str, gids: np.ndarray, kp: KeyParts) -> None:
    """A batch's merge keys as the files `matcher.stream.keys` reads: keys/, former/ and prefix/."""
    _write_arrow(
        pa.table(
            {
                "gid": pa.array(gids),
                "nk": pa.array(kp.name_keys, pa.string(), from_pandas=True),
                "code": pa.array(kp.codes, pa.string(), from_pandas=True),
                "branch": pa.array(kp.branch),
            }
        ),
        work / "keys" / f"{name}.parquet",
    )
    if len(kp.former_pos):
        fidx = pd.Series(kp.former_pos).groupby(kp.former_pos).cumcount().to_numpy()
        _write_arrow(
            pa.table(
                {
                    "gid": pa.array(gids[kp.former_pos]),
                    "fidx": pa.array(fidx.astype(np.int32)),
                    "fname": pa.array(kp.former_names, pa.string()),
                }
            ),
            work / "former" / f"{name}.parquet",
        )
    if len(kp.prefix_pos):
        _write_arrow(
            pa.table(
                {
                    "gid": pa.array(gids[kp.prefix_pos]),
                    "plen": pa.array([len(x) for x in kp.prefix_names], pa.int32()),
                    "prefix": pa.array(kp.prefix_names, pa.string()),
                }
            ),
            work / "prefix" / f"{name}.parquet",
        )


def prepare_shard(ctx: RunContext, index: int) -> dict:
    """Pass 1 for one shard: every batch parked (usable rows), keyed and its rejected rows written.
    Returns {'read', 'rejected', 'usable', 'parts': [[name, first gid, last gid, rows], …]}."""
    shard = ctx.shards[index]
    work = ctx.work
    info = {"read": 0, "rejected": 0, "usable": 0, "parts": [], "bytes": shard.size}
    position = 0
    for b, (table, _done) in enumerate(read_batches(shard, ctx.batch_rows, ctx.column_map)):
        name = f"s{index:05d}-b{b:05d}"
        canon, orig = _normalize(table, ctx.n_jobs)
        canon = canon.reset_index(drop=True)
        orig = orig.reset_index(drop=True)
        canon["_orig"] = np.arange(len(canon))
        usable, rejected = reject_rows(canon)
        info["read"] += len(canon)
        info["rejected"] += len(rejected)
        if len(rejected):
            rej = rejected[["source_file", "source_row", "reason"]].reset_index(drop=True)
            if len(orig.columns):
                rej = pd.concat([rej, orig.iloc[rejected["_orig"].to_numpy()].reset_index(drop=True)], axis=1)
            _write_frame(rej, work / "rejected" / f"{name}.parquet")
        if len(usable):
            gids = index * GID_SHARD + position + np.arange(len(usable), dtype=np.int64)
            position += len(usable)
            kp = key_parts(usable, FACT_COLUMNS)
            u_orig = orig.iloc[usable["_orig"].to_numpy()].reset_index(drop=True)
            arrays = spill.canonical_arrays(usable)
            arrays["_gid"] = pa.array(gids)
            arrays["_branch"] = pa.array(kp.branch)
            for c in u_orig.columns:
                arrays[f"o:{c}"] = spill.other_array(u_orig[c])
            _write_arrow(pa.table(arrays), work / "rows" / f"{name}.parquet")
            write_keys(work, name, gids, kp)
            info["parts"].append([name, int(gids[0]), int(gids[-1]), len(usable)])
            info["usable"] += len(usable)
    return info


# ---------------------------------------------------------------- pass 3: companies of their own


def _load_rows(ctx: RunContext, name: str) -> tuple[pd.DataFrame, pd.DataFrame, np.ndarray, np.ndarray]:
    """(canonical rows, original columns, row ids, branch flags) of a parked batch."""
    table = pq.read_table(ctx.work / "rows" / f"{name}.parquet")
    frame = table.to_pandas()
    gids = frame.pop("_gid").to_numpy()
    branch = frame.pop("_branch").to_numpy(dtype=bool)
    ocols = [c for c in frame.columns if c.startswith("o:")]
    originals = frame[ocols].set_axis([c[2:] for c in ocols], axis=1)
    canon = spill.restore_canonical(frame.drop(columns=ocols))
    return canon, _arrow_text_columns(originals), gids, branch


def _ranked_part(ctx: RunContext, merged: pd.DataFrame, originals: pd.DataFrame, path: Path) -> int:
    scorer = fitted_scorer(ctx)
    ranked, comp, others = rank_companies(merged.reset_index(drop=True), originals, scorer, ctx.per_chain, ctx.local)
    if ctx.per_chain:  # every chain with relevance, as the in-memory --per-chain writes it
        batch = ScoreResult(ranked, ranked.iloc[:0], ranked.iloc[:0], {}, [], comp, chain_rows=others, near_misses=True)
        ranked = chain_view(batch, filed_only=False).ranked
    if ctx.chain_ids:
        ranked = select(ranked, ctx.chain_ids)
    _write_frame(ranked, path)
    return len(ranked)


def score_part(ctx: RunContext, part: list) -> tuple[dict, pd.DataFrame]:
    """Pass 3 for one parked batch: its companies of their own scored into output part
    `part-<name>.parquet`; returns ({'scored': …}, the rows that belong to a group, packed for merging)."""
    name, lo, hi, _rows = part
    canon, originals, gids, branch = _load_rows(ctx, name)
    multi = _keys.multi_rows(ctx.work, lo, hi).to_pandas()
    in_group = np.isin(gids, multi["gid"].to_numpy())
    alone = np.flatnonzero(~in_group)
    singles = canon.iloc[alone].reset_index(drop=True)
    singles["_orig"] = alone
    mk = MergeKeys(
        keys=gids[alone].astype(object),
        how=np.full(len(alone), _keys.HOW[0], dtype=object),
        final=gids[alone].astype(object),
        rolled=np.zeros(len(alone), dtype=bool),
        old_name=np.zeros(len(alone), dtype=bool),
        branch=branch[alone],
    )
    merged, _log = merge_groups(singles, FACT_COLUMNS, mk)  # one row per group: adds provenance and flags
    _ranked_part(ctx, merged, originals, Path(ctx.out) / f"part-{name}.parquet")
    grouped = np.flatnonzero(in_group)
    rows = canon.iloc[grouped].reset_index(drop=True)
    keys = multi.set_index("gid").loc[gids[grouped]].reset_index()
    rows["_gid"] = gids[grouped]
    rows["_branch"] = branch[grouped]
    for c in ("key0", "how", "final", "rolled", "old_name", "bucket"):
        rows["_" + c] = keys[c].to_numpy()
    rows["_orig_cells"] = spill.pack_originals(originals.iloc[grouped]).to_pylist()
    return {"scored": len(merged)}, rows


def _dups_table(rows: pd.DataFrame) -> pa.Table:
    arrays = spill.canonical_arrays(rows)
    for c, t in (
        ("_gid", pa.int64()),
        ("_branch", pa.bool_()),
        ("_key0", pa.string()),
        ("_how", pa.int32()),
        ("_final", pa.string()),
        ("_rolled", pa.bool_()),
        ("_old_name", pa.bool_()),
        ("_bucket", pa.int32()),
        ("_orig_cells", pa.binary()),
    ):
        arrays[c] = pa.array(rows[c].to_numpy(dtype=object), type=t, from_pandas=True)
    return pa.table(arrays)


def _dups_frame(table: pa.Table) -> pd.DataFrame:
    frame = table.to_pandas()
    cells = frame.pop("_orig_cells").to_numpy(dtype=object)
    frame = spill.restore_canonical(frame)
    frame["_orig_cells"] = cells
    return frame


# ---------------------------------------------------------------- pass 4: groups merged


def merge_bucket(ctx: RunContext, rows: pd.DataFrame, name: str) -> dict:
    """Pass 4 for one set of whole groups: merged by the in-memory rule, scored into output part
    `part-<name>.parquet`, merge log written. Returns {'scored': …, 'merged': …}."""
    if rows.empty:
        return {"scored": 0, "merged": 0}
    rows = rows.sort_values("_gid", kind="stable").reset_index(drop=True)
    originals = _arrow_text_columns(spill.unpack_originals(rows["_orig_cells"].to_numpy(dtype=object)))
    mk = MergeKeys(
        keys=rows["_key0"].to_numpy(dtype=object),
        how=np.asarray(_keys.HOW, dtype=object)[rows["_how"].to_numpy(dtype=np.int64)],
        final=rows["_final"].to_numpy(dtype=object),
        rolled=rows["_rolled"].to_numpy(dtype=bool),
        old_name=rows["_old_name"].to_numpy(dtype=bool),
        branch=rows["_branch"].to_numpy(dtype=bool),
    )
    companies = rows.drop(columns=[c for c in rows.columns if c.startswith("_")])
    companies["_orig"] = np.arange(len(companies))
    merged, log = merge_groups(companies, FACT_COLUMNS, mk)
    originals = _fill_from_merged(originals, companies, log)
    _ranked_part(ctx, merged, originals, Path(ctx.out) / f"part-{name}.parquet")
    if len(log):
        _write_frame(log, ctx.work / "merges" / f"{name}.parquet")
    return {"scored": len(merged), "merged": len(log)}


# ---------------------------------------------------------------- the run


def open_run(
    inputs,
    out,
    zone=None,
    settings: Settings | None = None,
    per_chain: bool = False,
    chains: dict[str, Chain] | None = None,
    chain_ids=None,
    column_map: dict[str, str] | None = None,
    local=None,
    batch_rows: int = BATCH_ROWS,
    n_jobs: int = 1,
    as_of=None,
) -> tuple[RunContext, Manifest]:
    """The run's context and its manifest: a new output folder, or the unfinished same run to resume."""
    out = Path(out)
    if out.suffix.lower() != ".parquet":
        raise MatcherError(f"{out}: 整库评分的输出应为 .parquet 文件夹（如 -o 结果.parquet）")
    shards = find_shards([str(p) for p in inputs])
    chains = chains if chains is not None else load_chains()
    if zone is None or isinstance(zone, (str, Path)):
        zone = load_zone(zone, chains=chains)
    local_frame = None
    if local:
        from ..pipeline import read_companies

        local_frame = read_companies([Path(p) for p in local], column_map).companies
    previous = Manifest.load(out) if out.exists() else None
    if previous is not None and as_of is None and previous.get("run", {}).get("as_of"):
        as_of = dt.date.fromisoformat(previous["run"]["as_of"])  # a resumed run measures ages on its first day
    ctx = RunContext(
        str(out),
        shards,
        chains,
        zone,
        settings or DEFAULTS,
        as_of or dt.date.today(),
        per_chain,
        list(chain_ids or []),
        column_map,
        local_frame,
        batch_rows,
        n_jobs,
    )
    run = {**ctx.signature(), "as_of": ctx.as_of.isoformat()}
    if out.exists():
        if previous is not None and previous.get("finished"):
            raise MatcherError(f"{out}: 输出已存在（该任务已完成）；请换一个输出名或先删除它")
        if previous is None or previous.get("run") != run:
            raise MatcherError(f"{out}: 输出已存在（且不是同一任务未完成的输出，无法续跑）；请换一个输出名或先删除它")
        return ctx, Manifest(out, run, previous)
    for shard in shards:  # an unreadable shard stops the run before anything is written
        check_shard(shard, column_map)
    out.mkdir(parents=True)
    manifest = Manifest(out, run)
    manifest.state["shards"] = [s.label for s in shards]
    manifest.state["chains"] = list(chains)
    manifest.save()
    return ctx, manifest


class _Clock:
    """Progress of a run as a fraction of its work, with the time left estimated from the rate so far."""

    WEIGHTS = (0.6, 0.05, 0.3, 0.05)  # reading, resolving groups, scoring, merging

    def __init__(self, progress: Progress | None):
        self.progress = progress or (lambda stage, frac: None)
        self.start = time.perf_counter()
        self.base = None
        self.last = 0.0

    def report(self, phase: int, within: float, text: str, force: bool = False) -> None:
        frac = sum(self.WEIGHTS[:phase]) + self.WEIGHTS[phase] * min(1.0, within)
        now = time.perf_counter()
        if self.base is None:
            self.base = (now, frac)
        if not force and now - self.last < 1.0 and frac < 1.0:
            return
        self.last = now
        t0, f0 = self.base
        eta = ""
        if frac > f0 + 0.005 and frac < 1.0:
            left = (now - t0) / (frac - f0) * (1.0 - frac)
            eta = f"，预计还需 {_duration(left)}"
        self.progress(f"{text}{eta}", frac)


def _duration(seconds: float) -> str:
    seconds = int(seconds)
    if seconds >= 3600:
        return f"{seconds // 3600} 小时 {seconds % 3600 // 60} 分"
    if seconds >= 60:
        return f"{seconds // 60} 分 {seconds % 60} 秒"
    return f"{seconds} 秒"


def stream_register(
    inputs,
    out,
    progress: Progress | None = None,
    stop_after: int | None = None,
    restart_after_rows: int | None = None,
    **options,
) -> dict:
    """Score a register (folder / glob of Parquet or CSV shards) into a partitioned Parquet folder on
    this machine, in bounded memory; resumes an interrupted run of the same inputs and options.
    Returns the counts {'read', 'scored', 'merged', 'rejected'} (read = scored + merged + rejected).
    `stop_after` (tests, benchmarks) stops after that many units of work, as an interruption would;
    `restart_after_rows` raises `RestartRun` once this call has worked through that many rows
    (the group pass counts as that many) with work left, for the caller to go on in a fresh process."""
    ctx, manifest = open_run(inputs, out, **options)
    clock = _Clock(progress)
    budget = [stop_after]
    worked = [0]

    def tick(rows: int, more: bool = True):
        if budget[0] is not None:
            budget[0] -= 1
            if budget[0] <= 0:
                raise KeyboardInterrupt
        worked[0] += rows
        if restart_after_rows is not None and more and worked[0] >= restart_after_rows:
            raise RestartRun

    total_bytes = sum(s.size for s in ctx.shards) or 1
    done_bytes = sum(
        manifest.units("shards")[s.label]["bytes"] for s in ctx.shards if manifest.is_done("shards", s.label)
    )
    for i, shard in enumerate(ctx.shards):
        if manifest.is_done("shards", shard.label):
            continue
        clock.report(0, done_bytes / total_bytes, f"读取并标准化 {shard.label}", force=True)
        info = prepare_shard(ctx, i)
        manifest.record("shards", shard.label, info)
        release_memory()  # every unit starts from the same footprint, whatever came before
        done_bytes += shard.size
        clock.report(0, done_bytes / total_bytes, f"已读取 {_rows_read(manifest):,} 行")
        tick(info["read"])
    if not manifest.is_done("groups", "all"):
        _resolve(ctx, manifest, clock)
        if restart_after_rows is not None:  # what DuckDB held goes with the process
            raise RestartRun
    groups = _resolve(ctx, manifest, clock)
    parts = [p for s in ctx.shards for p in manifest.units("shards")[s.label]["parts"]]
    for k, part in enumerate(parts):
        if manifest.is_done("parts", part[0]):
            continue
        info, rows = score_part(ctx, part)
        if len(rows):
            _write_arrow(_dups_table(rows), ctx.work / "dups" / f"{part[0]}.parquet")
        manifest.record("parts", part[0], info)
        release_memory()
        clock.report(2, (k + 1) / max(1, len(parts)), f"匹配评分 第 {k + 1}/{len(parts)} 批")
        tick(part[3])
    for b in range(groups["buckets"]):
        name = f"m{b:05d}"
        if manifest.is_done("buckets", name):
            continue
        rows = _bucket_rows(ctx, b)
        manifest.record("buckets", name, merge_bucket(ctx, rows, name))
        release_memory()
        clock.report(3, (b + 1) / groups["buckets"], f"合并重复企业 第 {b + 1}/{groups['buckets']} 组")
        tick(len(rows), more=b + 1 < groups["buckets"])
    return finish(ctx, manifest, clock)


def _rows_read(manifest: Manifest) -> int:
    return sum(v["read"] for v in manifest.units("shards").values())


def _resolve(ctx: RunContext, manifest: Manifest, clock: _Clock) -> dict:
    if not manifest.is_done("groups", "all"):
        clock.report(1, 0.0, "识别重复企业（按信用代码、名称）", force=True)
        release_memory()  # DuckDB's buffer comes on top of what this process holds
        # a bucket holds about a batch of rows: merging one costs the memory scoring a batch does
        manifest.record("groups", "all", _keys.resolve_groups(ctx.work, ctx.batch_rows, max(1, ctx.n_jobs)))
    return manifest.units("groups")["all"]


def _bucket_rows(ctx: RunContext, bucket: int) -> pd.DataFrame:
    import pyarrow.dataset as ds

    folder = ctx.work / "dups"
    files = sorted(str(f) for f in folder.glob("*.parquet")) if folder.exists() else []
    if not files:
        return pd.DataFrame()
    table = ds.dataset(files, format="parquet").to_table(filter=ds.field("_bucket") == bucket)
    return _dups_frame(table)


def finish(ctx: RunContext, manifest: Manifest, clock: _Clock | None = None) -> dict:
    """Counts checked, rejected rows and merge log written beside the folder, part schemas made one,
    the run marked finished and its working files removed."""
    shards = manifest.units("shards")
    read = sum(v["read"] for v in shards.values())
    rejected = sum(v["rejected"] for v in shards.values())
    scored = sum(v["scored"] for v in manifest.units("parts").values()) + sum(
        v["scored"] for v in manifest.units("buckets").values()
    )
    merged = sum(v["merged"] for v in manifest.units("buckets").values())
    counts = {"read": read, "scored": scored, "merged": merged, "rejected": rejected}
    if read != scored + merged + rejected:
        raise MatcherError(f"{ctx.out}: 行数不平衡（读取 {read}，评分 {scored}，合并 {merged}，拒收 {rejected}）")
    out = Path(ctx.out)
    stem = out.with_suffix("")
    _concat_csv(
        ctx.work / "rejected", stem.with_name(stem.name + ".rejected.csv"), ["source_file", "source_row", "reason"]
    )
    _concat_csv(ctx.work / "merges", stem.with_name(stem.name + ".merges.csv"), None)
    _harmonise(out)
    manifest.state["counts"] = counts
    manifest.state["finished"] = True
    manifest.save()
    shutil.rmtree(ctx.work, ignore_errors=True)
    for left in out.glob(".*.tmp*"):  # a write cut short by an interruption before the resume
        left.unlink(missing_ok=True)
    if clock is not None:
        clock.report(3, 1.0, "完成", force=True)
    return counts


def _concat_csv(folder: Path, path: Path, first_columns: list[str] | None) -> None:
    """The parquet parts of a folder as one CSV (UTF-8 with BOM, formula text neutralised), part by part."""
    files = sorted(folder.glob("*.parquet")) if folder.exists() else []
    columns = list(first_columns or [])
    for f in files:
        for name in pq.read_schema(f).names:
            if name not in columns:
                columns.append(name)
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8-sig", newline="") as fh:
        if not files:
            pd.DataFrame(columns=columns).to_csv(fh, index=False)
        for i, f in enumerate(files):
            frame = pq.read_table(f).to_pandas().reindex(columns=columns)
            safe_frame(frame).to_csv(fh, index=False, header=i == 0)


def _harmonise(out: Path) -> None:
    """Give every output part one schema (a column that is empty in one part takes the type it has
    elsewhere), rewriting only the parts that differ — each part is bounded, so is this."""
    files = sorted(out.glob("part-*.parquet"))
    if not files:
        return
    schemas = [pq.read_schema(f).remove_metadata() for f in files]
    try:
        unified = pa.unify_schemas(schemas, promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        unified = None
    for f, s in zip(files, schemas):
        if unified is None or s.equals(unified):
            continue
        table = pq.read_table(f)
        cols = {}
        for fld in unified:
            if fld.name in table.column_names:
                col = table.column(fld.name)
                try:
                    cols[fld.name] = col.cast(fld.type)
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    cols[fld.name] = col
            else:
                cols[fld.name] = pa.nulls(len(table), fld.type)
        _write_arrow(pa.table(cols), f)


def read_ranking(out) -> pd.DataFrame:
    """A register run's output folder read back as one ranking: best first (score, then relevance),
    ties in input order (shard order, then row) — the order the in-memory run gives."""
    out = Path(out)
    state = Manifest.load(out)
    if not state or not state.get("finished"):
        raise MatcherError(f"{out}: 不是已完成的整库评分输出")
    files = sorted(out.glob("part-*.parquet"))
    frames = [pq.read_table(f).to_pandas() for f in files]
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
    if frame.empty:
        return frame
    shard_no = {label: i for i, label in enumerate(state["shards"])}
    shard = frame["source_file"].map(shard_no).to_numpy()
    order = np.lexsort(
        (frame["source_row"].to_numpy(), shard, -frame["relevance"].fillna(0).to_numpy(), -frame["score"].to_numpy())
    )
    return frame.iloc[order].reset_index(drop=True)


def register_counts(out) -> dict:
    """The counts a finished register run recorded."""
    state = Manifest.load(Path(out)) or {}
    return dict(state.get("counts") or {})
