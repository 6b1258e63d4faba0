"""Reading candidate lists: files in, one raw table per usable sheet out, header found, columns mapped.

Owns file formats (.xlsx/.xlsm/.xlsb/.xls/.ods via calamine, recognised by their content as well
as their extension; .csv/.txt/.tsv in UTF-8, UTF-8 with BOM, UTF-16, GBK or GB18030, detected; an
"Excel" file that is really an HTML table or text, as some systems export), finding the header row
wherever it sits (vendor exports put declarations or watermarks above it; vertically merged cells
are filled down so two-row headers and merged data cells read right), mapping vendor headers to
canonical fields with the synonyms in `data/reference/columns.yaml` (rapidfuzz for near misses),
and recording for every data row its source file and the row number as Excel shows it. Unknown
columns pass through under their original header; sheets without a recognisable header are
ignored and reported. A file of bare company names with no header is read as a roster. Anything
unreadable raises `InputFileError` with a message naming the file. `inspect_file` reports what was
understood (header row, mapping, row counts, ignored sheets) without scoring anything.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from ..errors import DataFileError, InputFileError
from ..knowledge.chains import read_yaml
from ..knowledge.settings import REFERENCE_DIR
from .normalize import clean_column
from .prefetch import ZIP_MAGIC as _ZIP_MAGIC
from .prefetch import take as take_prefetched
from .sheetparts import parse_sheet
from .table import RawTable

HEADER_SCAN_ROWS = 40
FUZZY_CUTOFF = 88
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods", ".et"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
SUPPORTED = ".xlsx .xlsm .xls .xlsb .ods .csv .txt .tsv"
NO_HEADER = "没有找到可识别的表头（需要“企业名称”或“公司名称”等列）"
_NAME_HINT = re.compile(r"(公司|集团|研究院|研究所|厂|中心|合作社|事务所|工作室|商行|门市部|经营部|Co\.|Ltd|Inc)", re.I)
_EMPTY_ZIP = b"PK\x05\x06"
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")  # an encrypted .xlsx is an OLE file with this stream
_HEADER_JUNK = re.compile(r"^[*＊★☆※\s]+|[:：*＊\s]+$")
_WRAPPED = re.compile(r'^=\s*"(.*)"$', re.S)

csv.field_size_limit(2**31 - 1)  # long 经营范围 cells


def _norm_header(text) -> str:
    s = unicodedata.normalize("NFKC", str(text)).strip()
    m = _WRAPPED.match(s)
    if m:
        s = m.group(1)
    s = _HEADER_JUNK.sub("", s).lower()
    return re.sub(r"\s+", "", s)


@lru_cache(maxsize=1)
def column_synonyms() -> dict[str, list[str]]:
    path = REFERENCE_DIR / "columns.yaml"
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise DataFileError(path, "(文件)", "应为 字段名: [同义表头 ...] 的映射")
    for key, values in data.items():
        if not isinstance(values, list) or not values:
            raise DataFileError(path, key, "应为非空的表头列表")
    return {k: [str(v) for v in vs] for k, vs in data.items()}


@lru_cache(maxsize=1)
def _synonym_index() -> tuple[dict[str, tuple[str, int]], list[str]]:
    exact: dict[str, tuple[str, int]] = {}
    for fieldname, headers in column_synonyms().items():
        for rank, h in enumerate(headers):
            exact.setdefault(_norm_header(h), (fieldname, rank))
    return exact, list(exact)


@lru_cache(maxsize=8192)
def _recognise(h: str) -> tuple[str, int] | None:
    exact, choices = _synonym_index()
    if h in exact:
        return exact[h]
    stripped = re.sub(r"[(（\[【].*?[)）\]】]", "", h)
    if stripped in exact:
        return exact[stripped]
    if len(h) >= 4:
        best = process.extractOne(h, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if best:
            return exact[best[0]]
    return None


def recognise_header(text) -> tuple[str, int] | None:
    """(canonical field, preference rank) for a header cell, or None."""
    if text is None or isinstance(text, bool):
        return None
    h = _norm_header(text)
    if not h or len(h) > 40:
        return None
    return _recognise(h)


def map_columns(headers: list[str], overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Original header -> canonical field. Each field goes to its best-ranked column only."""
    best: dict[str, tuple[int, str]] = {}
    for h in headers:
        hit = recognise_header(h)
        if hit:
            fieldname, rank = hit
            if fieldname not in best or rank < best[fieldname][0]:
                best[fieldname] = (rank, h)
    mapping = {h: f for f, (_, h) in best.items()}
    for header, fieldname in (overrides or {}).items():
        if fieldname not in column_synonyms():
            raise InputFileError(header, f"列映射的目标字段 {fieldname} 未知（可用：{', '.join(column_synonyms())}）")
        if header not in headers:  # an override for a column this sheet does not have changes nothing here
            continue
        mapping = {h: f for h, f in mapping.items() if f != fieldname and h != header}
        mapping[header] = fieldname
    return mapping


def _find_header(rows: list[list], overrides: dict[str, str] | None = None) -> int | None:
    """Index of the row that looks most like a header (must contain a company-name column)."""
    forced_name = {h for h, f in (overrides or {}).items() if f == "company_name"}
    best_i, best_n = None, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        cells = [c for c in row if not _is_blank(c)]
        fields_found = {h[0] for h in map(recognise_header, cells) if h}
        if forced_name and any(str(c).strip() in forced_name for c in cells):
            fields_found.add("company_name")
        if "company_name" not in fields_found:
            continue
        if len(fields_found) > best_n:
            best_i, best_n = i, len(fields_found)
    return best_i


def _is_blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def _blank_mask(col: np.ndarray) -> np.ndarray:
    """True where a cell is empty (None, NaN or the empty string)."""
    return pd.isna(col) | (col == "")


def _unique_headers(cells: list) -> list[str]:
    out, seen = [], {}
    for j, c in enumerate(cells):
        if _is_blank(c):
            h = f"列{j + 1}"
        else:
            h = str(c).strip()
            m = _WRAPPED.match(h)
            if m:
                h = m.group(1).strip() or f"列{j + 1}"
        if h in seen:
            seen[h] += 1
            h = f"{h}.{seen[h]}"
        else:
            seen[h] = 0
        out.append(h)
    return out


def _fill_merged_down(rows: list[list], merged) -> None:
    """Give every cell of a vertically merged range its top-left value (Excel shows it there)."""
    for (r0, c0), (r1, _c1) in merged or ():
        if r1 <= r0 or r0 >= len(rows) or c0 >= len(rows[r0]):
            continue
        value = rows[r0][c0]
        if _is_blank(value):
            continue
        for r in range(r0 + 1, min(r1, len(rows) - 1) + 1):
            row = rows[r]
            if c0 < len(row) and _is_blank(row[c0]):
                row[c0] = value


def _table_from_rows(
    path, sheet, rows: list[list], first_row_number: int = 1, overrides: dict[str, str] | None = None
) -> RawTable | None:
    """Build a RawTable from a list of rows (row i has Excel number first_row_number + i)."""
    width = max((len(r) for r in rows[: HEADER_SCAN_ROWS * 50]), default=0)
    if width == 0:
        return None
    h = _find_header(rows, overrides)
    if h is None:
        return _roster_without_header(path, sheet, rows, first_row_number)
    header_cells = list(rows[h]) + [None] * (width - len(rows[h]))
    headers = _unique_headers(header_cells)
    body = rows[h + 1 :]
    if any(len(r) != width for r in body):
        body = [list(r)[:width] + [None] * (width - len(r)) for r in body]
    grid = np.empty((len(body), width), dtype=object)
    if body:
        grid[:] = body  # one C-level copy; columns are views of it
    columns = list(grid.T)
    # a row is dropped when every cell is blank; after the first columns few rows are still in doubt
    doubt = np.arange(len(body))
    for c in columns:
        if not len(doubt):
            break
        doubt = doubt[_blank_mask(c[doubt])]
    keep = np.ones(len(body), dtype=bool)
    keep[doubt] = False
    numbers = np.arange(first_row_number + h + 1, first_row_number + h + 1 + len(body))[keep]
    # drop columns that have neither a header nor any value (blank spacer columns)
    cols = {
        hd: c[keep]
        for hd, c, cell in zip(headers, columns, header_cells)
        if not (_is_blank(cell) and _blank_mask(c).all())
    }
    frame = pd.DataFrame(cols, dtype=object)
    mapping = map_columns(list(frame.columns), overrides)
    missing = [hd for hd in (overrides or {}) if hd not in frame.columns]
    return RawTable(
        str(path),
        sheet,
        first_row_number + h,
        frame,
        mapping,
        numbers.tolist(),
        notes=[f"--map 指定的表头“{hd}”在此表中不存在" for hd in missing],
        blank_rows=int(len(body) - keep.sum()),
    )


def _roster_without_header(path, sheet, rows, first_row_number) -> RawTable | None:
    """A single column of company names with no header (a pasted trade-fair roster)."""
    values = [(first_row_number + i, r[0]) for i, r in enumerate(rows) if r and not _is_blank(r[0])]
    if not values or any(len([v for v in r if not _is_blank(v)]) > 1 for r in rows[:50]):
        return None
    looks = sum(bool(_NAME_HINT.search(str(v))) for _, v in values[:200])
    if looks < 0.5 * min(len(values), 200):
        return None
    frame = pd.DataFrame({"企业名称": [v for _, v in values]}, dtype=object)
    return RawTable(
        str(path),
        sheet,
        None,
        frame,
        {"企业名称": "company_name"},
        [n for n, _ in values],
        notes=["未发现表头，按企业名称名单读取"],
    )


# --------------------------------------------------------------------------------------------
# formats


def _sniff(path: Path) -> str:
    """'zip' (xlsx/xlsm/xlsb/ods), 'encrypted', 'cfb' (xls), 'empty-zip' or 'text' (anything else)."""
    with open(path, "rb") as fh:
        head = fh.read(8)
        if head.startswith(_ZIP_MAGIC):
            return "zip"
        if head.startswith(_EMPTY_ZIP):
            return "empty-zip"
        if head == _CFB_MAGIC:
            fh.seek(0)
            return "encrypted" if _ENCRYPTED_STREAM in fh.read() else "cfb"
    return "text"


def _read_excel(path: Path, overrides, content: str) -> tuple[list[RawTable], list[tuple[str, str]]]:
    from python_calamine import CalamineWorkbook

    suffix = path.suffix.lower()
    # calamine picks its reader by extension; a file whose content disagrees is opened by content
    by_path = (content == "zip" and suffix in (".xlsx", ".xlsm", ".xlsb", ".ods")) or (
        content == "cfb" and suffix == ".xls"
    )
    prefetched = take_prefetched(path) if by_path else None
    wb, parsed = prefetched if prefetched else (None, {})
    try:
        if wb is None:
            wb = (
                CalamineWorkbook.from_path(str(path))
                if by_path
                else CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes()))
            )
    except Exception as exc:  # calamine raises its own error types for corrupt/encrypted files
        msg = str(exc)
        if "password" in msg.lower() or "encrypt" in msg.lower():
            raise InputFileError(path, "工作簿受密码保护或已加密，请先在 Excel 中取消密码后另存") from None
        raise InputFileError(path, f"无法作为 Excel 工作簿读取（文件可能已损坏）：{msg[:120]}") from None
    fmt = {"zip": suffix.lstrip(".") if suffix in (".xlsx", ".xlsm", ".xlsb", ".ods") else "xlsx", "cfb": "xls"}.get(
        content, content
    )
    tables, ignored, empty = [], [], 0
    metadata = {m.name: m for m in wb.sheets_metadata}
    for name in wb.sheet_names:
        meta = metadata.get(name)
        if meta is not None and "WorkSheet" not in str(meta.typ):
            ignored.append((name, "不是数据工作表（图表等）"))
            continue
        try:
            sheet = parsed.get(name) or (
                parse_sheet(wb, path, name) if by_path and content == "zip" else wb.get_sheet_by_name(name)
            )
            rows = sheet.to_python(skip_empty_area=False)
            merged = sheet.merged_cell_ranges if rows else None
        except Exception as exc:
            ignored.append((name, f"无法读取：{str(exc)[:60]}"))
            continue
        if not any(not _is_blank(v) for r in rows for v in r):
            empty += 1
            ignored.append((name, "空工作表"))
            continue
        _fill_merged_down(rows, merged)
        table = _table_from_rows(path, name, rows, 1, overrides)
        if table is None:
            ignored.append((name, "没有可识别的表头"))
            continue
        if meta is not None and str(meta.visible).rsplit(".", 1)[-1] != "Visible":
            table.notes.append("隐藏工作表，已一并读取")
        table.format = fmt
        tables.append(table)
    if not tables:
        if not wb.sheet_names:
            raise InputFileError(path, "工作簿中没有工作表")
        if empty == len(wb.sheet_names):
            raise InputFileError(path, "工作簿是空的（没有任何数据）")
        raise InputFileError(path, NO_HEADER)
    return tables, ignored


def _decode(raw: bytes, path) -> tuple[str, str]:
    """(text, encoding name) — UTF-16 by its BOM, else UTF-8 (with or without BOM), else GB18030 (⊇ GBK)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            pass
    for enc, label in (("utf-8-sig", "utf-8"), ("gb18030", "gb18030")):
        try:
            return raw.decode(enc), label
        except UnicodeDecodeError:
            continue
    raise InputFileError(path, "无法识别文本编码（支持 UTF-8、UTF-16、GBK、GB18030）")


class _HTMLTables(HTMLParser):
    """Rows of every <table> in an HTML page (what some systems save as “.xls”)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tables: list[list[list]] = []
        self._row: list | None = None
        self._cell: list[str] | None = None
        self._span = 1

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            span = dict(attrs).get("colspan") or "1"
            self._span = int(span) if span.isdigit() else 1
        elif tag == "br" and self._cell is not None:
            self._cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            text = "".join(self._cell).strip()
            self._row.extend([text or None] + [None] * (max(self._span, 1) - 1))
            self._cell = None
        elif tag == "tr" and self._row is not None and self.tables:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def _read_text(path: Path, overrides) -> list[RawTable]:
    raw = path.read_bytes()
    text, encoding = _decode(raw, path) if raw[:2] in (b"\xff\xfe", b"\xfe\xff") else (None, None)
    if text is None:
        if b"\x00" in raw[:4096]:
            raise InputFileError(path, "看起来不是文本文件（含二进制内容），请确认格式")
        text, encoding = _decode(raw, path)
    start = text.lstrip()[:2000].lower()
    if start.startswith("<") and ("<table" in text[:200000].lower()):
        parser = _HTMLTables()
        parser.feed(text)
        tables = [t for t in parser.tables if t]
        if not tables:
            raise InputFileError(path, "这是一个网页（HTML）文件，其中没有表格")
        rows = max(tables, key=len)
        table = _table_from_rows(path, None, rows, 1, overrides)
        if table is None:
            raise InputFileError(path, NO_HEADER)
        table.format = "html"
        table.notes.append("文件内容是网页（HTML）表格，已按表格读取")
        return [table]
    if start.startswith("<"):
        if "urn:schemas-microsoft-com:office:spreadsheet" in text[:5000]:
            raise InputFileError(path, "这是 Excel 2003 XML 表格，请在 Excel 中打开后另存为 .xlsx")
        raise InputFileError(path, "内容是网页或 XML，不是表格数据，请确认文件")
    sample = text[:65536]
    delimiter = ","
    if path.suffix.lower() == ".tsv" or sample.count("\t") > sample.count(","):
        delimiter = "\t"
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    table = _table_from_rows(path, None, rows, 1, overrides)
    if table is None:
        raise InputFileError(path, NO_HEADER)
    # csv gives strings; empty strings are blanks
    table.frame = table.frame.replace({"": None})
    table.format = f"{'tsv' if delimiter == chr(9) else 'csv'} ({encoding})"
    return [table]


def _read_any(path, column_map: dict[str, str] | None) -> tuple[list[RawTable], list[tuple[str, str]]]:
    """(tables, ignored sheets as (sheet, reason)) for one input file."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "文件不存在")
    if path.is_dir():
        raise InputFileError(path, "这是一个目录，不是文件")
    if path.stat().st_size == 0:
        raise InputFileError(path, "文件是空的")
    suffix = path.suffix.lower()
    if suffix not in EXCEL_SUFFIXES | TEXT_SUFFIXES:
        raise InputFileError(path, f"不支持的文件格式“{suffix or '无扩展名'}”（支持 {SUPPORTED}）")
    try:
        content = _sniff(path)
        if content == "encrypted":
            raise InputFileError(path, "工作簿受密码保护或已加密，请先在 Excel 中取消密码后另存")
        if content == "empty-zip":
            raise InputFileError(path, "无法作为 Excel 工作簿读取（压缩包是空的，文件可能已损坏）")
        if content in ("zip", "cfb"):
            return _read_excel(path, column_map, content)
        if suffix in EXCEL_SUFFIXES and suffix not in (".xls", ".et"):
            raise InputFileError(path, "无法作为 Excel 工作簿读取（文件可能已损坏或不是 Excel 文件）")
        tables = _read_text(path, column_map)  # .csv/.txt, or an “.xls” that is really HTML or text
        if suffix in EXCEL_SUFFIXES:
            tables[0].notes.append(f"扩展名是 {suffix}，但内容是文本/网页表格，已按内容读取")
        return tables, []
    except InputFileError:
        raise
    except MemoryError:
        raise InputFileError(path, "文件太大，内存不足，请拆分后再读取") from None
    except Exception as exc:  # never a traceback for a file we cannot read
        raise InputFileError(path, f"无法读取（{type(exc).__name__}: {str(exc)[:120]}）") from None


def read_file(path, column_map: dict[str, str] | None = None) -> list[RawTable]:
    """Read one input file into one RawTable per usable sheet (ignored sheets noted on the first)."""
    tables, ignored = _read_any(path, column_map)
    if ignored:
        tables[0].notes.append("已忽略工作表：" + "、".join(f"{s}（{why}）" for s, why in ignored))
    return tables


def _column_report(header: str, mapping: dict[str, str]) -> dict:
    """One column for inspect: its field, or the field it would have had and the column that took it."""
    out = {"header": header, "field": mapping.get(header)}
    if out["field"] is None:
        hit = recognise_header(header)
        if hit:
            taken_by = next(h for h, f in mapping.items() if f == hit[0])
            out["superseded"] = {"field": hit[0], "by": taken_by}
    return out


def inspect_file(path, column_map: dict[str, str] | None = None) -> dict:
    """What the reader understood of one file, without scoring: per usable sheet the header row,
    every column and the canonical field it maps to (None = passed through), the data-row counts,
    notes; and the ignored sheets with the reason. Raises InputFileError like `read_file`."""
    tables, ignored = _read_any(path, column_map)
    sheets = []
    for t in tables:
        name_col = next((h for h, f in t.mapping.items() if f == "company_name"), None)
        with_name = 0
        if name_col:  # a name as the normaliser sees it: '-', '暂无' … are no name
            with_name = int(clean_column(t.frame[name_col]).notna().sum())
        sheets.append(
            {
                "sheet": t.sheet,
                "label": t.label,
                "format": t.format,
                "header_row": t.header_row,
                "columns": [_column_report(h, t.mapping) for h in t.frame.columns],
                "mapping": dict(t.mapping),
                "unmapped": [h for h in t.frame.columns if h not in t.mapping],
                "data_rows": len(t.frame),
                "rows_with_name": with_name,
                "rows_without_name": len(t.frame) - with_name,
                "blank_rows_skipped": t.blank_rows,
                "first_row": t.source_rows[0] if t.source_rows else None,
                "last_row": t.source_rows[-1] if t.source_rows else None,
                "notes": list(t.notes),
            }
        )
    return {
        "file": str(path),
        "sheets": sheets,
        "ignored_sheets": [{"sheet": s, "reason": why} for s, why in ignored],
        "data_rows": sum(s["data_rows"] for s in sheets),
    }
