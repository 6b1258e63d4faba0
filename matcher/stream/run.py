"""The entry point of a register run: streamed on this machine, or on a Dask cluster when asked."""

from __future__ import annotations

from .local import Progress, stream_register


def score_register(inputs, out, progress: Progress | None = None, cluster: str | None = None, **options) -> dict:
    """Score a register (a folder or glob of Parquet / CSV shards) into a partitioned Parquet folder
    `out` (`….parquet`), in bounded memory, resuming an interrupted run of the same inputs and
    options: on this machine (`matcher.stream.local`), or with `cluster` (`local:N` or a Dask
    scheduler address) on Dask (`matcher.stream.cluster`). Options: zone, settings, per_chain,
    chains, chain_ids, column_map, local, batch_rows, n_jobs, as_of. Returns the counts
    {'read', 'scored', 'merged', 'rejected'} (read = scored + merged + rejected)."""
    if cluster:
        from .cluster import score_register_cluster

        return score_register_cluster(inputs, out, cluster, progress=progress, **options)
    return stream_register(inputs, out, progress=progress, **options)
