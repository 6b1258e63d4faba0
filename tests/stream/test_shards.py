"""matcher.stream.shards: a shard read in bounded batches gives exactly what the whole-file reader gives."""

import csv

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matcher.errors import InputFileError
from matcher.ingest.read import read_file
from matcher.stream.shards import Shard, find_shards, read_batches

HEADER = ["企业名称", "经营范围", "备注"]
cell = st.text(alphabet=list('甲乙丙公司有限,"\n 　ab1-；'), max_size=6)


def _shard(path):
    return Shard(str(path), path.stat().st_size, path.stat().st_mtime_ns)


def _streamed(path, batch_rows):
    frames, rows = [], []
    for table, _done in read_batches(_shard(path), batch_rows):
        frames.append(table.frame)
        rows.extend(table.source_rows)
        assert len(table.frame) <= batch_rows
    frame = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=HEADER)
    return frame, rows


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    body=st.lists(st.lists(cell, min_size=3, max_size=3), max_size=12),
    title=st.booleans(),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gbk"]),
    batch_rows=st.integers(1, 5),
)
def test_batches_are_the_whole_file_read(tmp_path, body, title, encoding, batch_rows):
    path = tmp_path / "shard.csv"
    with open(path, "w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh)
        if title:
            w.writerow(["企业查询结果导出", "", ""])
        w.writerow(HEADER)
        w.writerows(body)
    whole = read_file(path)[0]
    frame, rows = _streamed(path, batch_rows)
    assert rows == whole.source_rows
    expected = whole.frame.reindex(columns=HEADER).astype(object)
    expected = expected.where(expected.notna(), None).reset_index(drop=True)
    got = frame.reindex(columns=HEADER).astype(object)
    got = got.where(got.notna(), None).reset_index(drop=True)
    assert got.values.tolist() == expected.values.tolist()


def test_parquet_shard_rows_are_numbered_from_one(tmp_path):
    path = tmp_path / "a.parquet"
    pd.DataFrame({"企业名称": ["甲有限公司", "乙有限公司", "丙有限公司"], "注册资本": [100, None, 300]}).to_parquet(
        path
    )
    tables = [t for t, _ in read_batches(_shard(path), 2)]
    assert [t.source_rows for t in tables] == [[1, 2], [3]]
    assert tables[0].mapping["企业名称"] == "company_name" and tables[1].frame["注册资本"].tolist() == [300]


def test_folder_and_glob_list_shards_in_name_order(tmp_path):
    for name in ("b.csv", "a.parquet", "notes.md"):
        (tmp_path / name).write_text("企业名称\n甲有限公司\n", encoding="utf-8")
    assert [s.label for s in find_shards([str(tmp_path)])] == ["a.parquet", "b.csv"]
    assert [s.label for s in find_shards([str(tmp_path / "*.csv")])] == ["b.csv"]
    with pytest.raises(InputFileError, match="没有匹配"):
        find_shards([str(tmp_path / "*.xlsx")])
