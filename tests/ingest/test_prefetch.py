import threading

import pandas as pd
import pytest

import matcher
from matcher.ingest import prefetch
from matcher.pipeline import read_companies


def test_a_prefetched_workbook_reads_exactly_as_one_read_directly():
    direct = read_companies([matcher.SAMPLE_FILE])
    matcher.prefetch_inputs([matcher.SAMPLE_FILE])
    assert prefetch._pending  # parsing started in the background
    fetched = read_companies([matcher.SAMPLE_FILE])
    assert not prefetch._pending  # handed to the reader once
    pd.testing.assert_frame_equal(direct.companies, fetched.companies)
    pd.testing.assert_frame_equal(direct.originals, fetched.originals)


def test_the_parse_runs_on_another_thread(monkeypatch):
    seen = []
    real = prefetch._parse
    monkeypatch.setattr(
        prefetch, "_parse", lambda path, out: (seen.append(threading.current_thread()), real(path, out))
    )
    matcher.prefetch_inputs([matcher.SAMPLE_FILE])
    assert prefetch.take(matcher.SAMPLE_FILE) is not None
    assert seen and seen[0] is not threading.main_thread()


def test_only_excel_workbooks_are_prefetched(tmp_path):
    csv = tmp_path / "list.csv"
    csv.write_text("企业名称\n南京某某科技有限公司\n", encoding="utf-8")
    renamed = tmp_path / "really_text.xlsx"
    renamed.write_text("企业名称\n南京某某科技有限公司\n", encoding="utf-8")
    matcher.prefetch_inputs([csv, renamed, tmp_path / "missing.xlsx"])
    assert prefetch.take(csv) is None and prefetch.take(renamed) is None


@pytest.mark.parametrize("content", [b"PK\x03\x04 not really a zip"])
def test_a_broken_workbook_is_still_reported_by_the_reader(tmp_path, content):
    bad = tmp_path / "corrupt.xlsx"
    bad.write_bytes(content)
    matcher.prefetch_inputs([bad])
    with pytest.raises(matcher.InputFileError, match="无法作为 Excel 工作簿读取"):
        read_companies([bad])


def test_a_file_rewritten_after_its_prefetch_is_read_anew(tmp_path):
    import os
    import shutil

    path = tmp_path / "list.xlsx"
    shutil.copy(matcher.SAMPLE_FILE, path)
    matcher.prefetch_inputs([path])
    path.write_bytes(b"PK\x03\x04 not really a zip")  # replaced before the reader gets to it
    os.utime(path, ns=(1, 1))
    assert prefetch.take(path) is None
    with pytest.raises(matcher.InputFileError):
        read_companies([path])
