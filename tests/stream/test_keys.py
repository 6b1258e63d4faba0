"""matcher.stream.keys: the duplicate groups resolved on disk (DuckDB) are the in-memory rule's groups,
whatever the mix of codes, shared names, 曾用名 chains and branches, and however the rows are batched."""

import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.contract import FACT_COLUMNS
from matcher.ingest.dedupe import key_parts, resolve_keys
from matcher.stream.keys import HOW, resolve_groups
from matcher.stream.local import GID_SHARD, write_keys

NAMES = [
    "甲科技有限公司",
    "乙科技有限公司",
    "丙电子有限公司",
    "甲科技有限公司南京分公司",
    "乙科技有限公司苏州分公司",
    "丁（南京）有限公司",
]
CODES = [None, "91320100MA1XXXXX01", "91320100MA1XXXXX02", "91320100MA1XXXXX03", "SHORT"]
FORMER = [None, "甲科技有限公司", "乙科技有限公司", "丙电子有限公司；乙科技有限公司", "丁(南京)有限公司"]

row = st.tuples(st.sampled_from(NAMES), st.sampled_from(CODES), st.sampled_from(FORMER), st.booleans())


def _frame(rows):
    return pd.DataFrame(
        {
            "company_name": [r[0] for r in rows],
            "credit_code": [r[1] for r in rows],
            "former_names": [r[2] for r in rows],
            "scope": ["经营范围" if r[3] else None for r in rows],
            "source_file": "a.csv",
            "source_row": np.arange(2, len(rows) + 2),
        }
    )


@settings(max_examples=25, deadline=None)
@given(rows=st.lists(row, min_size=1, max_size=14), cuts=st.lists(st.integers(1, 13), max_size=3))
def test_groups_on_disk_are_the_in_memory_groups(rows, cuts):
    frame = _frame(rows)
    memory = resolve_keys(key_parts(frame, FACT_COLUMNS))
    work = Path(tempfile.mkdtemp())
    try:
        bounds = sorted({0, len(frame), *[c for c in cuts if c < len(frame)]})
        gids = []
        for shard, (a, b) in enumerate(zip(bounds[:-1], bounds[1:])):  # each batch keyed on its own
            g = shard * GID_SHARD + np.arange(b - a, dtype=np.int64)
            write_keys(work, f"s{shard:05d}-b00000", g, key_parts(frame.iloc[a:b].reset_index(drop=True), FACT_COLUMNS))
            gids.extend(g)
        resolve_groups(work, bucket_rows=3)
        multi = pq.read_table(work / "multi.parquet").to_pandas().set_index("gid")
    finally:
        shutil.rmtree(work)
    sizes = pd.Series(memory.final).map(pd.Series(memory.final).value_counts())
    for i, gid in enumerate(gids):
        if sizes[i] == 1:
            assert gid not in multi.index
            continue
        got = multi.loc[gid]
        assert got["final"] == memory.final[i]
        assert got["key0"] == memory.keys[i] and HOW[got["how"]] == memory.how[i]
        assert bool(got["rolled"]) == memory.rolled[i] and bool(got["old_name"]) == memory.old_name[i]
    # a group's rows share one bucket
    assert (multi.groupby("final")["bucket"].nunique() == 1).all()


key = st.one_of(st.sampled_from(["N:甲", "N:乙", "N:丙", "N:丁"]), st.sampled_from(["C1", "C2", "C3"]))


@settings(max_examples=50, deadline=None)
@given(links=st.lists(st.tuples(key, key), max_size=12))
def test_integer_union_find_is_the_in_memory_one(links):
    """The integer-id union-find of the group pass makes the unions and roots `_Groups` makes."""
    from matcher.ingest.dedupe import _Groups
    from matcher.stream.keys import _IntGroups

    names = sorted({k for link in links for k in link})
    ids = {k: i for i, k in enumerate(names)}
    plain = _Groups()
    fast = _IntGroups(np.array([not k.startswith("N:") for k in names], dtype=bool))
    for a, b in links:
        assert fast.union(ids[a], ids[b]) == plain.union(a, b)
    assert {names[i] for i in fast.moved()} == set(plain.parent)
    assert [names[fast.find(ids[k])] for k in names] == [plain.find(k) for k in names]
