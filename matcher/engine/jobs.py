"""Row-independent work spread over the machine's cores.

Owns one thing: `map_chunks(func, frame, n_jobs)` cuts a frame into contiguous row chunks, runs
`func(chunk, first row's position)` on the first chunk in this process and on the others in forked
worker processes (which inherit the fitted scorer and the frame, so nothing but the results crosses
a pipe), and returns the results in chunk order. Matching and scoring a company depend on that company's row alone,
so chunked results are the single-process results. Where forking is unavailable, unsafe or not
worth it (small frames, `n_jobs` 1, not the main thread) it runs everything in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np
import pandas as pd

MIN_ROWS_PER_JOB = 10_000  # below this a worker process costs more than it saves

_TASK: tuple | None = None  # (func, chunks, chunk starts), inherited by forked workers


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def effective_jobs(n_jobs: int, n_rows: int) -> int:
    """Processes to use: n_jobs ≤ 0 means every core; never more than the rows justify, and one
    where fork is unavailable or this is not the main thread (a server such as the app)."""
    jobs = available_cores() if n_jobs <= 0 else n_jobs
    jobs = max(1, min(jobs, n_rows // MIN_ROWS_PER_JOB))
    if jobs > 1 and (
        "fork" not in multiprocessing.get_all_start_methods()
        or threading.current_thread() is not threading.main_thread()
    ):
        return 1
    return jobs


def _run(i: int):
    func, chunks, starts = _TASK
    return func(chunks[i], starts[i])


def map_chunks(func, frame: pd.DataFrame, n_jobs: int, ship_cost: float = 0.0) -> list:
    """[func(chunk, start) for each contiguous row chunk of frame and its first row's position],
    the chunks after the first in forked workers. One result per chunk, in order (a single chunk,
    the whole frame, when not parallel). `ship_cost` is what sending a worker's result back costs
    relative to computing it (pickling Python objects can cost half as much again); this process
    then takes a larger first chunk so that everyone finishes together."""
    global _TASK
    jobs = effective_jobs(n_jobs, len(frame))
    if jobs == 1:
        return [func(frame, 0)]
    # rows per worker chunk r, first chunk f: f = r * (1 + ship_cost), f + (jobs - 1) * r = n
    r = len(frame) / (1 + ship_cost + jobs - 1)
    bounds = np.r_[0, np.round(r * (1 + ship_cost) + r * np.arange(jobs)).astype(int)]
    bounds[-1] = len(frame)
    chunks = [frame.iloc[a:b] for a, b in zip(bounds[:-1], bounds[1:])]
    _TASK = (func, chunks, bounds[:-1])
    try:
        with ProcessPoolExecutor(max_workers=jobs - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_run, i) for i in range(1, jobs)]
            results = [func(chunks[0], 0)]
            for i, fut in enumerate(futures, start=1):
                try:
                    results.append(fut.result())
                except BrokenProcessPool:  # a worker died (e.g. out of memory): do its chunk here
                    results.append(func(chunks[i], bounds[i]))
        return results
    finally:
        _TASK = None
