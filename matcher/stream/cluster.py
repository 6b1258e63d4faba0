"""Scoring a register on a Dask cluster, when one machine is not enough.

Owns the Dask form of the run in `matcher.stream.local`, with the same units and the same files:
the shards become a `dask.dataframe` (`from_map`, one partition per shard) whose partitions read,
normalise and reject their shard and write its key parts; the groups are resolved once (DuckDB,
as on one machine); the parked batches become a second dataframe whose partitions score their
companies of their own and hand on the rows that belong to a group; those rows are shuffled on the
group key (`shuffle(on=…, method="p2p")`, on the workers' disks) so every group lands whole in one
partition, which is merged by the in-memory rule and scored (`map_partitions`). The scorer is fitted once per worker process.
Workers need this package (same version) and shared storage: every worker reads the shards and
writes the output folder at the same paths. Progress and resume go through the same manifest.
"""

from __future__ import annotations

import logging

import pandas as pd

from ..errors import MatcherError
from . import local as _local
from .memory import release_memory


def _dask():
    try:
        import dask.dataframe as dd
        from distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise MatcherError("--cluster 需要安装 Dask：pip install 'chainmatch[cluster]'") from None
    return dd, Client, LocalCluster, as_completed


def connect(address: str):
    """A Dask client for `local:N` (a LocalCluster of N worker processes on this machine) or a
    scheduler address (tcp://host:8786)."""
    _dd, Client, LocalCluster, _ = _dask()
    if address.startswith("local:"):
        try:
            n = int(address.split(":", 1)[1])
        except ValueError:
            raise MatcherError(f"--cluster {address}: 应写成 local:N（N 为进程数）或调度器地址") from None
        if n < 1:
            raise MatcherError(f"--cluster {address}: 进程数应为正整数")
        cluster = LocalCluster(
            n_workers=n, threads_per_worker=1, processes=True, dashboard_address=None, silence_logs=logging.ERROR
        )
        return Client(cluster), cluster
    try:
        return Client(address, timeout="20s"), None
    except OSError as exc:
        raise MatcherError(f"--cluster {address}: 无法连接 Dask 调度器（{exc}）") from None


def _prepare(index: int, ctx: _local.RunContext) -> pd.DataFrame:
    info = _local.prepare_shard(ctx, index)
    release_memory()  # a worker's units start from the same footprint, as on one machine
    return pd.DataFrame({"shard": [ctx.shards[index].label], "info": [info]})


def _singles(part: list, ctx: _local.RunContext) -> pd.DataFrame:
    info, rows = _local.score_part(ctx, part)
    release_memory()
    rows["_part"] = part[0]
    rows["_scored"] = info["scored"]  # carried on the part's rows; read once per part
    if rows.empty:  # the part's count still has to reach the client
        rows = _marker(part[0], info["scored"])
    return rows


def _marker(name: str, scored: int) -> pd.DataFrame:
    row = dict.fromkeys(_meta_columns())
    row.update({"_part": name, "_scored": scored, "_gid": -1, "_final": None})
    return pd.DataFrame([row])[_meta_columns()]


def _meta_columns() -> list[str]:
    from ..ingest.normalize import CANONICAL_COLUMNS

    return [
        *CANONICAL_COLUMNS,
        "_gid",
        "_branch",
        "_key0",
        "_how",
        "_final",
        "_rolled",
        "_old_name",
        "_bucket",
        "_orig_cells",
        "_part",
        "_scored",
    ]


def _merge(rows: pd.DataFrame, ctx: _local.RunContext, partition_info=None) -> pd.DataFrame:
    rows = rows[rows["_gid"] >= 0]
    number = partition_info["number"] if partition_info else 0
    info = _local.merge_bucket(ctx, rows.drop(columns=["_part", "_scored"]), f"d{number:05d}")
    release_memory()
    return pd.DataFrame({"bucket": [f"d{number:05d}"], "scored": [info["scored"]], "merged": [info["merged"]]})


def score_register_cluster(inputs, out, address: str, progress=None, **options) -> dict:
    """`matcher.stream.local.stream_register` on a Dask cluster (`local:N` or a scheduler address)."""
    dd, _Client, _LocalCluster, as_completed = _dask()
    ctx, manifest = _local.open_run(inputs, out, **options)
    clock = _local._Clock(progress)
    import dask

    client, cluster = connect(address)
    # object columns stay as they are (rows carry packed cells and counts, not text to convert)
    config = dask.config.set({"dataframe.convert-string": False})
    try:
        todo = [i for i, s in enumerate(ctx.shards) if not manifest.is_done("shards", s.label)]
        if todo:
            clock.report(
                0, 0.0, f"读取并标准化 {len(todo)} 个分片（{len(client.scheduler_info()['workers'])} 个进程）", True
            )
            meta = pd.DataFrame({"shard": pd.Series(dtype=object), "info": pd.Series(dtype=object)})
            shards = dd.from_map(_prepare, todo, ctx=ctx, meta=meta, enforce_metadata=False)
            futures = client.compute(shards.to_delayed())
            for k, fut in enumerate(as_completed(futures), start=1):
                done = fut.result()
                manifest.record("shards", done["shard"].iloc[0], done["info"].iloc[0])
                clock.report(0, k / len(todo), f"已读取 {_local._rows_read(manifest):,} 行")
        groups = _local._resolve(ctx, manifest, clock)
        if not manifest.is_done("merge", "all"):
            parts = [p for s in ctx.shards for p in manifest.units("shards")[s.label]["parts"]]
            meta = _marker("", 0).iloc[:0]
            rows = dd.from_map(_singles, parts, ctx=ctx, meta=meta, enforce_metadata=False)
            # the shuffle on the group key puts every group whole into one partition; peer-to-peer
            # (p2p) keeps the rows in transit on the workers' disks, where the task-based shuffle holds
            # every group's rows in memory at once (memory that grows with the register)
            grouped = rows[rows["_gid"] >= 0].shuffle(on="_final", npartitions=max(1, groups["buckets"]), method="p2p")
            merged = grouped.map_partitions(
                _merge,
                ctx,
                meta=pd.DataFrame(
                    {
                        "bucket": pd.Series(dtype=object),
                        "scored": pd.Series(dtype="int64"),
                        "merged": pd.Series(dtype="int64"),
                    }
                ),
            )
            counts_per_part = rows[["_part", "_scored"]].drop_duplicates()
            clock.report(2, 0.0, "匹配评分并按企业键重分区合并", True)
            part_counts, merge_counts = client.compute([counts_per_part, merged], sync=True)
            for name, scored in zip(part_counts["_part"], part_counts["_scored"]):
                manifest.units("parts")[name] = {"scored": int(scored)}
            for name, scored, n_merged in zip(merge_counts["bucket"], merge_counts["scored"], merge_counts["merged"]):
                manifest.units("buckets")[name] = {"scored": int(scored), "merged": int(n_merged)}
            manifest.record("merge", "all")
        return _local.finish(ctx, manifest, clock)
    finally:
        config.__exit__(None, None, None)
        client.close()
        if cluster is not None:
            cluster.close()


def cluster_available() -> bool:
    try:
        _dask()
    except MatcherError:
        return False
    return True
