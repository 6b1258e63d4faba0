"""Scoring a whole register: streamed on one machine (`local`) or on a Dask cluster (`cluster`).

Sits above the pipeline and runs the pipeline's own per-row code (normalise, reject, match, score)
batch by batch; only the duplicate merge, which needs every row, is done differently — on disk
(`keys`, DuckDB) or as a shuffle on the group key (Dask) — with the same rule and the same answer.
"""
