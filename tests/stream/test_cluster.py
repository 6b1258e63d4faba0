"""matcher.stream.cluster: the same register on a Dask LocalCluster gives the streamed answer."""

import pandas as pd
import pytest

import matcher

from .conftest import AS_OF, as_written

pytest.importorskip("distributed")


def test_dask_local_cluster_gives_the_streamed_ranking(register, in_memory, tmp_path):
    out = tmp_path / "ranked.parquet"
    counts = matcher.score_register([str(register)], out, cluster="local:2", as_of=AS_OF, batch_rows=400)
    assert counts == in_memory.counts
    pd.testing.assert_frame_equal(matcher.read_ranking(out), as_written(in_memory.ranked, tmp_path))
    merges = pd.read_csv(tmp_path / "ranked.merges.csv", encoding="utf-8-sig")
    assert len(merges) == counts["merged"]


def test_without_dask_the_cluster_option_says_so(register, tmp_path, monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "distributed", None)  # as if the extra were not installed
    with pytest.raises(matcher.MatcherError, match=r"chainmatch\[cluster\]"):
        matcher.score_register([str(register)], tmp_path / "x.parquet", cluster="local:2")
