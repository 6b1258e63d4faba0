"""Reading candidate lists: files in, one raw table out, with the header found and columns mapped.

Owns file formats (.xlsx/.xlsm via calamine, .csv/.txt in UTF-8 or GBK/GB18030), finding the header
row wherever it sits (vendor exports put declarations or watermarks above it), mapping vendor headers
to canonical fields with the synonyms in `data/reference/columns.yaml` (rapidfuzz for near misses),
and recording for every data row its source file and the row number as Excel shows it. Unknown
columns pass through under their original header. A file of bare company names with no header is
read as a roster. Anything unreadable raises `InputFileError` with a message naming the file.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from rapidfuzz import fuzz, process

from .config import REFERENCE_DIR
from .errors import DataFileError, InputFileError

HEADER_SCAN_ROWS = 40
FUZZY_CUTOFF = 88
EXCEL_SUFFIXES = {".xlsx", ".xlsm", ".xlsb", ".xls", ".ods"}
TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
_NAME_HINT = re.compile(r"(公司|集团|研究院|研究所|厂|中心|合作社|事务所|工作室|商行|门市部|经营部|Co\.|Ltd|Inc)", re.I)


@dataclass
class RawTable:
    """One sheet (or CSV) as read: original columns, canonical mapping, row provenance."""

    path: str
    sheet: str | None
    header_row: int | None  # 1-based row number of the header as Excel shows it; None = no header
    frame: pd.DataFrame  # original columns (unique headers), values as read
    mapping: dict[str, str]  # original header -> canonical field
    source_rows: list[int]  # Excel row number for every frame row
    notes: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        name = Path(self.path).name
        return f"{name}#{self.sheet}" if self.sheet else name


def _norm_header(text) -> str:
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return re.sub(r"\s+", "", s)


@lru_cache(maxsize=1)
def column_synonyms() -> dict[str, list[str]]:
    path = REFERENCE_DIR / "columns.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
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


def recognise_header(text) -> tuple[str, int] | None:
    """(canonical field, preference rank) for a header cell, or None."""
    if text is None:
        return None
    h = _norm_header(text)
    if not h or len(h) > 40:
        return None
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
        mapping = {h: f for h, f in mapping.items() if f != fieldname}
        mapping[header] = fieldname
    return mapping


def _find_header(rows: list[list]) -> int | None:
    """Index of the row that looks most like a header (must contain a company-name column)."""
    best_i, best_n = None, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        hits = [recognise_header(c) for c in row if c is not None and str(c).strip()]
        fields_found = {h[0] for h in hits if h}
        if "company_name" not in fields_found:
            continue
        if len(fields_found) > best_n:
            best_i, best_n = i, len(fields_found)
    return best_i


def _is_blank(v) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (isinstance(v, str) and not v.strip())


def _blank_mask(col: np.ndarray) -> np.ndarray:
    """True where a cell is empty (None, NaN, or only whitespace)."""
    return pd.isna(col) | (col == "")


def _unique_headers(cells: list) -> list[str]:
    out, seen = [], {}
    for j, c in enumerate(cells):
        h = str(c).strip() if not _is_blank(c) else f"列{j + 1}"
        if h in seen:
            seen[h] += 1
            h = f"{h}.{seen[h]}"
        else:
            seen[h] = 0
        out.append(h)
    return out


def _table_from_rows(path, sheet, rows: list[list], first_row_number: int = 1,
                     overrides: dict[str, str] | None = None) -> RawTable | None:
    """Build a RawTable from a list of rows (row i has Excel number first_row_number + i)."""
    width = max((len(r) for r in rows[:HEADER_SCAN_ROWS * 50]), default=0)
    if width == 0:
        return None
    h = _find_header(rows)
    if h is None:
        return _roster_without_header(path, sheet, rows, first_row_number)
    headers = _unique_headers(list(rows[h]) + [None] * (width - len(rows[h])))
    body = rows[h + 1:]
    if any(len(r) != width for r in body):
        body = [list(r) + [None] * (width - len(r)) for r in body]
    columns = [np.array(c, dtype=object) for c in zip(*body)] if body else [np.array([], dtype=object)] * width
    blank = [_blank_mask(c) for c in columns]
    keep = ~np.logical_and.reduce(blank) if blank else np.zeros(0, dtype=bool)
    numbers = np.arange(first_row_number + h + 1, first_row_number + h + 1 + len(body))[keep]
    # drop columns that have neither a header nor any value (blank spacer columns)
    cols = {hd: c[keep] for hd, c, b in zip(headers, columns, blank)
            if not (hd.startswith("列") and rows[h][headers.index(hd)] in (None, "") and b.all())}
    frame = pd.DataFrame(cols, dtype=object)
    mapping = map_columns(list(frame.columns), overrides)
    return RawTable(str(path), sheet, first_row_number + h, frame, mapping, numbers.tolist())


def _roster_without_header(path, sheet, rows, first_row_number) -> RawTable | None:
    """A single column of company names with no header (a pasted trade-fair roster)."""
    values = [(first_row_number + i, r[0]) for i, r in enumerate(rows) if r and not _is_blank(r[0])]
    if not values or any(len([v for v in r if not _is_blank(v)]) > 1 for r in rows[:50]):
        return None
    looks = sum(bool(_NAME_HINT.search(str(v))) for _, v in values[:200])
    if looks < 0.5 * min(len(values), 200):
        return None
    frame = pd.DataFrame({"企业名称": [v for _, v in values]}, dtype=object)
    return RawTable(str(path), sheet, None, frame, {"企业名称": "company_name"}, [n for n, _ in values],
                    notes=["未发现表头，按企业名称名单读取"])


# --------------------------------------------------------------------------------------------


def _read_excel(path: Path, overrides) -> list[RawTable]:
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for corrupt/encrypted files
        msg = str(exc)
        if "password" in msg.lower() or "encrypt" in msg.lower() or "CFB" in msg:
            raise InputFileError(path, "工作簿受密码保护或已加密，请先在 Excel 中取消密码后另存") from None
        raise InputFileError(path, f"无法作为 Excel 工作簿读取（文件可能已损坏）：{msg[:120]}") from None
    tables, skipped = [], []
    for name in wb.sheet_names:
        try:
            sheet = wb.get_sheet_by_name(name)
            rows = sheet.to_python(skip_empty_area=False)
        except Exception as exc:
            skipped.append(f"{name}（无法读取：{str(exc)[:60]}）")
            continue
        table = _table_from_rows(path, name, rows, 1, overrides)
        if table is None:
            skipped.append(name)
        else:
            tables.append(table)
    if not tables:
        if not any(True for _ in wb.sheet_names):
            raise InputFileError(path, "工作簿中没有工作表")
        raise InputFileError(path, "没有找到可识别的表头（需要“企业名称”或“公司名称”等列）")
    if skipped:
        tables[0].notes.append(f"已忽略无可识别表头的工作表：{'、'.join(skipped)}")
    return tables


def _decode(raw: bytes, path) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise InputFileError(path, "无法识别文本编码（支持 UTF-8、GBK、GB18030）")


def _read_text(path: Path, overrides) -> list[RawTable]:
    raw = path.read_bytes()
    if b"\x00" in raw[:4096]:
        raise InputFileError(path, "看起来不是文本文件（含二进制内容），请确认格式")
    text = _decode(raw, path)
    sample = text[:65536]
    delimiter = ","
    if path.suffix.lower() == ".tsv" or sample.count("\t") > sample.count(","):
        delimiter = "\t"
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    table = _table_from_rows(path, None, rows, 1, overrides)
    if table is None:
        raise InputFileError(path, "没有找到可识别的表头（需要“企业名称”或“公司名称”等列）")
    # csv gives strings; empty strings are blanks
    table.frame = table.frame.replace({"": None})
    return [table]


def read_file(path, column_map: dict[str, str] | None = None) -> list[RawTable]:
    """Read one input file into one RawTable per usable sheet."""
    path = Path(path)
    if not path.exists():
        raise InputFileError(path, "文件不存在")
    if path.is_dir():
        raise InputFileError(path, "这是一个目录，不是文件")
    if path.stat().st_size == 0:
        raise InputFileError(path, "文件是空的")
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, column_map)
    if suffix in TEXT_SUFFIXES:
        return _read_text(path, column_map)
    raise InputFileError(path, f"不支持的文件格式“{suffix or '无扩展名'}”（支持 .xlsx .xlsm .xls .csv .txt）")
