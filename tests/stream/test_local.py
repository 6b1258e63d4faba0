"""matcher.stream.local: a register streamed in batches gives the in-memory run's answer, row for row,
and an interrupted run resumes to exactly the uninterrupted one."""

import hashlib

import pandas as pd
import pyarrow.parquet as pq
import pytest

import matcher
from matcher.engine import jobs
from matcher.stream.local import stream_register

from .conftest import AS_OF, as_written


def _stream(register, out, **kw):
    kw.setdefault("batch_rows", 400)
    return stream_register([str(register)], out, as_of=AS_OF, **kw)


def _parts(out):
    return {
        f.name: hashlib.sha1(pq.read_table(f).to_pandas().to_csv(index=False).encode()).hexdigest()
        for f in sorted(out.glob("part-*.parquet"))
    }


@pytest.fixture(scope="module")
def streamed(register, tmp_path_factory):
    """(output folder, counts) of one uninterrupted streamed run."""
    out = tmp_path_factory.mktemp("streamed") / "ranked.parquet"
    return out, _stream(register, out)


def test_streamed_ranking_is_the_in_memory_ranking(streamed, in_memory, tmp_path):
    out, counts = streamed
    assert counts == in_memory.counts
    assert counts["read"] == 3000 and counts["merged"] > 0 and counts["rejected"] > 0
    streamed = matcher.read_ranking(out)
    pd.testing.assert_frame_equal(streamed, as_written(in_memory.ranked, tmp_path))
    # the accounting beside the folder: every rejected row, every merged row with the row it went into
    rejected = pd.read_csv(out.with_suffix(".rejected.csv"), encoding="utf-8-sig")
    merges = pd.read_csv(out.with_suffix(".merges.csv"), encoding="utf-8-sig")
    assert len(rejected) == counts["rejected"] and len(merges) == counts["merged"]
    key = ["source_file", "source_row"]
    assert sorted(map(tuple, rejected[key].to_numpy().tolist())) == sorted(
        map(tuple, in_memory.rejected[key].to_numpy().tolist())
    )
    mine = merges[key + ["merged_into_file", "merged_into_row", "match_key"]].sort_values(key).reset_index(drop=True)
    theirs = in_memory.merges[mine.columns].sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine, theirs, check_dtype=False)
    assert (merges["source_file"] != merges["merged_into_file"]).any()  # duplicates across shards were merged
    assert set(merges["match_key"]) >= {"统一社会信用代码", "曾用名", "分支机构"}
    assert matcher.register_counts(out) == counts


def test_several_processes_give_the_same_answer(register, in_memory, tmp_path, monkeypatch):
    monkeypatch.setattr(jobs, "MIN_ROWS_PER_JOB", 100)  # small batches still go to worker processes
    parallel = matcher.score_files(sorted(register.glob("*.csv")), as_of=AS_OF, n_jobs=2)
    pd.testing.assert_frame_equal(parallel.ranked, in_memory.ranked)
    out = tmp_path / "ranked.parquet"
    assert _stream(register, out, n_jobs=2) == in_memory.counts
    pd.testing.assert_frame_equal(matcher.read_ranking(out), as_written(in_memory.ranked, tmp_path))


def test_per_chain_rows_are_the_in_memory_rows(register, tmp_path):
    reference = matcher.score_files(sorted(register.glob("*.csv")), as_of=AS_OF, per_chain=True)
    out = tmp_path / "ranked.parquet"
    _stream(register, out, per_chain=True)
    key = ["source_file", "source_row", "chain_id"]
    a = matcher.read_ranking(out).sort_values(key).reset_index(drop=True)
    every = matcher.chain_view(reference, filed_only=False).ranked  # what the in-memory --per-chain writes
    b = as_written(every, tmp_path).sort_values(key).reset_index(drop=True)
    pd.testing.assert_frame_equal(a, b)


# 13 units: 4 shards read, 8 batches scored, 1 bucket merged; stop while reading, while scoring, before finishing
@pytest.mark.parametrize("stop_after", [1, 6, 13])
def test_an_interrupted_run_resumes_to_the_uninterrupted_result(register, streamed, tmp_path, stop_after):
    clean, counts = streamed
    cut = tmp_path / "cut.parquet"
    with pytest.raises(KeyboardInterrupt):
        _stream(register, cut, stop_after=stop_after)
    state = matcher.stream.manifest.Manifest.load(cut)
    assert not state.get("finished") and state["done"]
    assert _stream(register, cut) == counts
    assert _parts(cut) == _parts(clean)
    for side in ("rejected", "merges"):
        assert cut.with_suffix(f".{side}.csv").read_bytes() == clean.with_suffix(f".{side}.csv").read_bytes()
    assert not list(cut.glob("_work")) and not list(cut.glob(".*"))


def test_a_run_restarted_every_n_rows_is_the_uninterrupted_run(register, streamed, tmp_path):
    from matcher.stream.local import RestartRun

    clean, counts = streamed
    out = tmp_path / "restarted.parquet"
    restarts = 0
    while True:  # what the command line does with a fresh process each time
        try:
            got = _stream(register, out, restart_after_rows=700)
            break
        except RestartRun:
            restarts += 1
            state = matcher.stream.manifest.Manifest.load(out)
            assert not state.get("finished")
    # 3,000 rows: after two shards (750 rows each), after the group pass, after every two batches scored
    assert restarts >= 5
    assert got == counts
    assert _parts(out) == _parts(clean)
    for side in ("rejected", "merges"):
        assert out.with_suffix(f".{side}.csv").read_bytes() == clean.with_suffix(f".{side}.csv").read_bytes()


def test_resume_does_not_redo_finished_shards(register, tmp_path, monkeypatch):
    from matcher.stream import local

    cut = tmp_path / "cut.parquet"
    with pytest.raises(KeyboardInterrupt):
        _stream(register, cut, stop_after=2)  # two of four shards read
    seen = []
    original = local.prepare_shard
    monkeypatch.setattr(local, "prepare_shard", lambda ctx, i: seen.append(i) or original(ctx, i))
    _stream(register, cut)
    assert seen == [2, 3]


def test_a_finished_or_foreign_output_is_not_overwritten(register, streamed, tmp_path):
    out, _counts = streamed
    with pytest.raises(matcher.MatcherError, match="已存在"):
        _stream(register, out)
    other = tmp_path / "other.parquet"
    other.mkdir()
    with pytest.raises(matcher.MatcherError, match="已存在"):
        _stream(register, other)
