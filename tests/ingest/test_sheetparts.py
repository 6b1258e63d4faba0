import datetime as dt
import re
import zipfile

import pandas as pd
import pytest
import xlsxwriter
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

import matcher
from matcher.ingest import sheetparts
from matcher.ingest.read import read_file
from matcher.ingest.sheetparts import parse_in_parts


def whole(path, sheet):
    s = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet)
    return s.to_python(skip_empty_area=False), s.merged_cell_ranges


def entry_size(path, sheet):
    with zipfile.ZipFile(path) as z:
        return z.getinfo(sheetparts._sheet_entries(z)[sheet]).file_size


def test_the_sample_in_parts_reads_exactly_as_whole():
    path = matcher.SAMPLE_FILE
    sheet = CalamineWorkbook.from_path(str(path)).sheet_names[0]
    parts = parse_in_parts(path, sheet, min_part_bytes=entry_size(path, sheet) // 6, max_parts=6)
    assert parts is not None and len(parts._parts) >= 4
    rows, merged = whole(path, sheet)
    assert parts.to_python() == rows
    assert parts.merged_cell_ranges == merged


def test_a_small_sheet_is_left_to_the_whole_parse():
    path = matcher.SAMPLE_FILE
    sheet = CalamineWorkbook.from_path(str(path)).sheet_names[0]
    assert parse_in_parts(path, sheet) is None  # far below MIN_PART_BYTES


CELL = st.one_of(
    st.none(),
    st.just(""),
    st.text(alphabet="南京科技有限公司芯片电池软件ABCabc 123-=<&>\"'", max_size=12),
    st.integers(-(10**6), 10**6),
    st.floats(-1e6, 1e6, allow_nan=False).map(lambda x: round(x, 3)),
    st.dates(dt.date(1990, 1, 1), dt.date(2030, 1, 1)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    rows=st.lists(st.lists(CELL, min_size=0, max_size=6), min_size=8, max_size=60),
    top=st.integers(0, 3),
    left=st.integers(0, 2),
    inline=st.booleans(),
    parts=st.integers(2, 6),
    merge=st.booleans(),
    stored=st.booleans(),
)
# rows that start only inside the chunk that closes <sheetData>: no cut is made there, and none is expected
@example(
    rows=[
        [],
        [],
        [],
        [],
        [],
        ["1111"],
        [0],
        [-1000],
        ["<", 0],
        ["1", "3", 0],
        ["11", "1111111", -1000, 100000.625],
        ["池1", "111", "11111", 0],
        [None, "1", "1", "2", "111111", -662515.378],
        [None, None, 0, -1, -100998.125],
        ["1", "1"],
    ],
    top=1,
    left=0,
    inline=False,
    parts=2,
    merge=True,
    stored=True,
)
# every row tag that ends a chunk straddles into the next chunk: the cut falls on a tag in the chunk before
@example(
    rows=[[], [], [], [], ["1"], [0], ["1", 0, -100000.125], [10000.5], [dt.date(2000, 1, 1)], ["1", "1"]]
    + [["1", 100000.0], ["1", dt.date(2000, 1, 1)], ["1", "1", "1", "1"], ["1"], [0], ["1", "1", "1", 0], ["1", 0]],
    top=0,
    left=0,
    inline=False,
    parts=3,
    merge=True,
    stored=True,
)
def test_any_sheet_in_parts_reads_exactly_as_whole(
    tmp_path, monkeypatch, rows, top, left, inline, parts, merge, stored
):
    monkeypatch.setattr(sheetparts, "_MIN_CHUNK", 64)  # small sheets still get cut in several places
    path = tmp_path / "t.xlsx"
    # constant_memory writes inline strings; the default writes a shared-string table
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": inline})
    ws = wb.add_worksheet("名单")
    date = wb.add_format({"num_format": "yyyy-mm-dd"})
    for i, row in enumerate(rows):
        for j, v in enumerate(row):
            if isinstance(v, dt.date):
                ws.write_datetime(top + i, left + j, dt.datetime(v.year, v.month, v.day), date)
            elif v is not None:
                ws.write(top + i, left + j, v)
    if merge:
        ws.merge_range(top + len(rows) + 1, 0, top + len(rows) + 3, 1, "合并")
    wb.add_worksheet("说明").write(0, 0, "另一张表")
    wb.close()
    if stored:  # uncompressed entries come in chunks of exactly the size asked: the cuts are certain
        _rewrite_sheet(path, tmp_path / "s.xlsx", lambda x: x, zipfile.ZIP_STORED)
        path = tmp_path / "s.xlsx"
    size = entry_size(path, "名单")
    got = parse_in_parts(path, "名单", min_part_bytes=max(1, size // parts), max_parts=parts)
    want_rows, want_merged = whole(path, "名单")
    if stored:  # a row that starts well past the first part's size, well before the end, is a cut
        with zipfile.ZipFile(path) as z:
            xml = z.read(sheetparts._sheet_entries(z)["名单"])
        data = xml[xml.index(b"<sheetData>") + 11 : xml.index(b"</sheetData>")] if b"<sheetData>" in xml else b""
        starts = [m.start() for m in re.finditer(b"<row ", data)]
        # the stream is read in chunks of about an eighth of a part and never cut inside the chunk that
        # holds </sheetData>: only a row well before that chunk is sure to be a cut
        chunk = max(sheetparts._MIN_CHUNK, size // parts // 8)
        if any(size // parts + 128 <= s < len(data) - 2 * chunk - 128 for s in starts):
            assert got is not None and len(got._parts) >= 2
    if got is not None:
        assert got.to_python() == want_rows
        assert got.merged_cell_ranges == want_merged


def _rewrite_sheet(path, out, change, compression=zipfile.ZIP_DEFLATED):
    with zipfile.ZipFile(path) as z, zipfile.ZipFile(out, "w", compression) as o:
        for info in z.infolist():
            data = z.read(info)
            o.writestr(info.filename, change(data) if info.filename.endswith("sheet1.xml") else data)


def _big_sheet(path, n=400):
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    ws = wb.add_worksheet("名单")
    ws.write_row(0, 0, ["企业名称", "经营范围", "注册资本"])
    for i in range(1, n):
        ws.write_row(i, 0, [f"南京第{i}号芯片设计有限公司", "集成电路设计；软件开发" * 3, i * 10])
    wb.close()


@pytest.mark.parametrize(
    "change, why",
    [
        (
            lambda x: re.sub(rb'<row r="\d+"', rb'<row spans="1:3"', re.sub(rb'<c r="[A-Z]+\d+"', rb"<c", x)),
            "rows numbered by position",
        ),
        (
            lambda x: (
                x.replace(b"<sheetData>", b"<x:sheetData>")
                .replace(b"</sheetData>", b"</x:sheetData>")
                .replace(
                    b"<worksheet ", b'<worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                )
            ),
            "a namespace prefix",
        ),
    ],
)
def test_sheets_it_cannot_cut_safely_are_left_whole_and_still_read(tmp_path, monkeypatch, change, why):
    monkeypatch.setattr(sheetparts, "_MIN_CHUNK", 256)
    plain, odd = tmp_path / "plain.xlsx", tmp_path / "odd.xlsx"
    _big_sheet(plain)
    _rewrite_sheet(plain, odd, change)
    assert whole(odd, "名单")[0] == whole(plain, "名单")[0]  # calamine reads the rewritten file alike
    assert len(parse_in_parts(plain, "名单", min_part_bytes=entry_size(plain, "名单") // 4)._parts) >= 2
    assert parse_in_parts(odd, "名单", min_part_bytes=entry_size(odd, "名单") // 4) is None, why


def test_the_reader_parses_a_large_sheet_in_parts_with_the_same_result(tmp_path, monkeypatch):
    monkeypatch.setattr(sheetparts, "_MIN_CHUNK", 256)
    path = tmp_path / "big.xlsx"
    _big_sheet(path)
    whole_table = read_file(path)[0]
    calls = []
    real = sheetparts.parse_in_parts

    def spy(p, sheet, **kw):
        out = real(p, sheet, min_part_bytes=entry_size(path, sheet) // 3)
        calls.append(out)
        return out

    monkeypatch.setattr(sheetparts, "parse_in_parts", spy)  # what parse_sheet calls
    parted = read_file(path)[0]
    assert calls and calls[0] is not None and len(calls[0]._parts) == 3
    pd.testing.assert_frame_equal(parted.frame, whole_table.frame)
    assert parted.source_rows == whole_table.source_rows


@pytest.mark.skipif(__import__("os").name != "posix", reason="an open file can be removed only on POSIX")
def test_slice_files_are_gone_while_they_are_parsed(monkeypatch):
    # a process killed mid-parse leaves no slice behind: each file is removed once calamine holds it
    import os

    import python_calamine

    seen = []

    class Watching:
        @staticmethod
        def from_path(part):
            wb = CalamineWorkbook.from_path(part)
            real = wb.get_sheet_by_name

            class Book:
                def get_sheet_by_name(self, name):
                    seen.append(os.path.exists(part))
                    return real(name)

            return Book()

    monkeypatch.setattr(python_calamine, "CalamineWorkbook", Watching)
    path = matcher.SAMPLE_FILE
    sheet = CalamineWorkbook.from_path(str(path)).sheet_names[0]
    parts = parse_in_parts(path, sheet, min_part_bytes=entry_size(path, sheet) // 4, max_parts=4)
    assert parts is not None and parts.to_python() == whole(path, sheet)[0]
    assert len(seen) >= 3 and not any(seen)
