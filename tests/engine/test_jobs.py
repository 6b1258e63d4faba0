import os
import threading

import pandas as pd
import pytest

import matcher
from matcher.engine import jobs
from matcher.pipeline import read_companies
from tests.conftest import AS_OF


@pytest.fixture
def small_chunks(monkeypatch):
    """Let a few hundred rows be split over processes, as 100,000 would be."""
    monkeypatch.setattr(jobs, "MIN_ROWS_PER_JOB", 50)


def test_chunks_run_in_other_processes_and_come_back_in_order(small_chunks):
    frame = pd.DataFrame({"x": range(200)})

    def work(chunk, start):
        return os.getpid(), start, chunk["x"].tolist()

    out = jobs.map_chunks(work, frame, 3)
    assert [s for _, s, _ in out] == [0, 67, 133]
    assert sum((x for _, _, x in out), []) == list(range(200))
    assert out[0][0] == os.getpid() and {p for p, _, _ in out[1:]} - {os.getpid()}


def test_a_shipping_cost_gives_this_process_the_larger_chunk(small_chunks):
    out = jobs.map_chunks(lambda c, s: (s, len(c)), pd.DataFrame({"x": range(240)}), 2, ship_cost=0.4)
    assert out == [(0, 140), (140, 100)]  # 140 = 100 * (1 + 0.4)


def test_small_frames_and_one_job_stay_in_this_process(small_chunks):
    frame = pd.DataFrame({"x": range(200)})
    assert jobs.effective_jobs(4, 120) == 2  # never more processes than the rows justify
    assert jobs.map_chunks(lambda c, s: (os.getpid(), len(c)), frame, 1) == [(os.getpid(), 200)]
    assert jobs.map_chunks(lambda c, s: (os.getpid(), len(c)), frame.head(60), 4) == [(os.getpid(), 60)]


def test_no_fork_outside_the_main_thread(small_chunks):
    seen = []
    t = threading.Thread(target=lambda: seen.append(jobs.effective_jobs(2, 1000)))
    t.start()
    t.join()
    assert seen == [1] and jobs.effective_jobs(2, 1000) == 2


def test_a_dead_worker_chunk_is_done_here(small_chunks):
    parent = os.getpid()

    def work(chunk, start):
        if os.getpid() != parent:
            os._exit(1)  # the worker dies
        return start, len(chunk)

    assert jobs.map_chunks(work, pd.DataFrame({"x": range(200)}), 2) == [(0, 100), (100, 100)]


@pytest.mark.parametrize("per_chain", [False, True])
def test_scores_do_not_depend_on_the_number_of_processes(small_chunks, per_chain):
    chains = matcher.load_chains()
    zone = matcher.load_zone(chains=chains)
    read = read_companies([matcher.SAMPLE_FILE])
    one = matcher.score_frame(read, chains, zone, per_chain=per_chain, as_of=AS_OF, n_jobs=1)
    two = matcher.score_frame(read, chains, zone, per_chain=per_chain, as_of=AS_OF, n_jobs=2)
    pd.testing.assert_frame_equal(one.ranked, two.ranked)
    pd.testing.assert_frame_equal(one.components, two.components)
    pd.testing.assert_frame_equal(one.chain_rows, two.chain_rows)  # every other chain, alike
    assert len(one.chain_rows) > 0 and (per_chain or one.chain_rows["filed"].all())


def test_reading_does_not_depend_on_the_number_of_processes(small_chunks):
    one = read_companies([matcher.SAMPLE_FILE], n_jobs=1)
    two = read_companies([matcher.SAMPLE_FILE], n_jobs=3)
    pd.testing.assert_frame_equal(one.companies, two.companies)
