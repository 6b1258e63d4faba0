"""The officer workbook: the ranked Excel file an officer forwards to the 链长 and the 工作专班.

Owns the layout and the form of `write_workbook()`: the sheets 说明 (zone, date, inputs with their
row accounting, weights, gap profile, how to read a score), 汇总 (per chain and segment: gap status,
A / B / C counts, top targets), one ranked sheet per chain (named by the chain's Chinese name), 招商地图
(上游 → 中游 → 下游 grid per chain with gap status and top targets, printable), 未匹配, 未处理 (rejected rows
with reasons) and 合并记录 (the merge log); Chinese headers, frozen header rows, autofilters, widths,
number and date formats, score data bars, tier and gap-status colours, website hyperlinks (http/https
only) and empty 跟进状态 / 负责人 / 备注 columns. It is written with xlsxwriter in constant-memory mode.
Every text cell is inert: formula-like text gets `export.neutralise`, and text xlsxwriter would copy
into the file as raw XML (`<r>…</r>`) is quoted the same way. The workbook reads back in: the ranked
sheets carry the facts the matcher needs (recognised headers) and an officer's 跟进状态 / 负责人 / 备注
come back as original columns and are written again on the next export.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd

from ..contract import CHAIN_LEVEL_SEGMENT, CONTRACT_COLUMNS, EXTRA_COLUMNS, LOCAL_TIER, TIER_COLOURS, TIERS
from ..engine.filing import chain_view
from ..errors import MatcherError
from ..ingest.normalize import STATUS_LABELS, value_aliases
from ..knowledge.chains import POSITIONS, STATUS_COLOURS, industry_codes, load_chains, load_zone, segment_table
from ..knowledge.settings import DEFAULTS, RANK, ZONES_DIR, Settings, settings_help
from ..knowledge.stages import load_stages
from .cells import neutralise

SHEET_INFO, SHEET_SUMMARY, SHEET_MAP = "说明", "汇总", "招商地图"
SHEET_UNMATCHED, SHEET_REJECTED, SHEET_MERGES = "未匹配", "未处理", "合并记录"
FIXED_SHEETS = (SHEET_INFO, SHEET_SUMMARY, SHEET_MAP, SHEET_UNMATCHED, SHEET_REJECTED, SHEET_MERGES)
OFFICER_COLUMNS = ("跟进状态", "负责人", "备注")
CHAIN_LEVEL_NOTE = "属于该链、但文字未指明环节的企业（环节待核实），不计入任何环节"
EXCEL_EPOCH = dt.date(1899, 12, 30)
MAX_LINKS = 65_530  # Excel's limit of hyperlinks per worksheet; later websites are written as text
# the columns a chain sheet prints, in this order, first on the sheet (the rest follow, on screen only)
PRINTED = ("排名", "企业名称", "环节", "得分", "等级", "推荐理由", "所在地", "联系方式", "跟进状态")
PRINT_TOP = 30  # a chain sheet prints its A targets, and at least its best PRINT_TOP A / B targets
PRINT_UNMATCHED = 50  # 未匹配 prints the companies nearest to a chain (the rest stay on the sheet)


# canonical fields shown from the original columns, with the header they are written under (every
# header here is one the reader recognises, so the facts come back when the workbook is read again)
CONTACT_FIELDS = [
    ("phone", "联系方式", 14),
    ("email", "邮箱", 24),
    ("website", "网址", 26),
    ("address", "企业地址", 30),
]
FACT_FIELDS = [
    ("scope", "经营范围", 50),
    ("intro", "企业简介", 50),
    ("products", "主营产品", 30),
    ("qualifications", "企业资质", 20),
    ("listing", "上市状态", 10),
    ("financing", "融资轮次", 10),
    ("abnormal", "经营异常", 10),
    ("dishonest", "失信被执行人", 10),
]


# --------------------------------------------------------------------------------------------
# cell values


def inert(value: str) -> str:
    """Text as a cell will show it and never run: formula-like text is neutralised, and text that
    xlsxwriter would copy into the file as raw rich-text XML (`<r>…</r>`) is quoted the same way."""
    return neutralise(value)  # export.neutralise covers formulas and raw rich-text XML


def safe_url(value) -> str | None:
    """An http(s) URL for a website cell, or None when the text is not a plain web address.
    'www.example.com' becomes 'http://www.example.com'; anything else (javascript:, file:, mailto:,
    text with spaces or quotes, over-long) is not linked."""
    if not isinstance(value, str):
        return None
    s = value.strip()
    if not s or len(s) > 2000 or any(c.isspace() or c in '"<>\\`{}|^' or ord(c) < 32 for c in s):
        return None
    if "://" not in s:
        if not s.lower().startswith("www.") and not _looks_like_host(s.split("/", 1)[0]):
            return None
        s = "http://" + s
    try:
        parts = urlsplit(s)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    if not _looks_like_host(parts.hostname):
        return None
    return s


def _looks_like_host(host: str) -> bool:
    labels = host.lower().split(".")
    return (
        len(labels) >= 2
        and all(labels)
        and all(all(ch.isalnum() or ch == "-" for ch in label) for label in labels)
        and labels[-1].isalpha()
    )


_EMPTY = None


def _empty_markers() -> frozenset:
    global _EMPTY
    if _EMPTY is None:
        _EMPTY = frozenset(str(v).strip().lower() for v in value_aliases()["empty"])
    return _EMPTY


def _as_text(v, drop_empty: bool) -> str | None:
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float):
        if math.isnan(v):
            return None
        if v.is_integer() and abs(v) < 1e15:  # 15822466389.0 from a spreadsheet is a phone number
            v = int(v)
    elif isinstance(v, (dt.datetime, pd.Timestamp)):
        v = v.date().isoformat() if (v.hour, v.minute, v.second) == (0, 0, 0) else v.isoformat(sep=" ")
    elif isinstance(v, dt.date):
        v = v.isoformat()
    s = str(v)
    if not s.strip() or (drop_empty and s.strip().lower() in _empty_markers()):
        return None
    return inert(s)


def _texts(series: pd.Series, drop_empty: bool = False) -> list:
    """Column as a list of inert strings, None for blanks (converted once per distinct value)."""
    if series.empty:
        return []
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    mapped = np.empty(len(uniques) + 1, dtype=object)
    mapped[:-1] = [_as_text(v, drop_empty) for v in uniques]
    mapped[-1] = None
    return mapped[codes].tolist()


def _numbers(series: pd.Series) -> list:
    """Column as a list of floats, None for blanks and anything not a finite number."""
    values = pd.to_numeric(series, errors="coerce").astype(float).to_numpy()
    values = np.where(np.isfinite(values), values, np.nan)
    out = values.astype(object)
    out[np.isnan(values)] = None
    return out.tolist()


def _dates(series: pd.Series) -> list:
    """ISO dates as Excel serial numbers (written with a date format), None where not a date."""
    parsed = pd.to_datetime(series, errors="coerce", format="ISO8601")
    days = (parsed - pd.Timestamp(EXCEL_EPOCH)).dt.days.to_numpy(dtype=float, na_value=np.nan)
    ok = np.isfinite(days) & (days >= 1)
    out = days.astype(object)
    out[~ok] = None
    return out.tolist()


def _blank(n: int) -> list:
    return [None] * n


def _get(frame: pd.DataFrame, column: str) -> pd.Series:
    return frame[column] if column in frame.columns else pd.Series([None] * len(frame), index=frame.index, dtype=object)


# --------------------------------------------------------------------------------------------
# original columns: canonical field -> the columns of the ranked table that carry it


def original_columns(result, fieldname: str) -> list[str]:
    """Columns of `result.ranked` holding the original values of a canonical field (one per distinct
    source header; an original header that clashes with a contract name carries the `原:` prefix)."""
    taken = set(CONTRACT_COLUMNS) | set(EXTRA_COLUMNS)
    out = []
    for t in result.tables or []:
        for header, f in t.mapping.items():
            if f != fieldname:
                continue
            col = f"原:{header}" if header in taken else header
            if col in result.ranked.columns and col not in out:
                out.append(col)
    return out


def _first_of(frame: pd.DataFrame, columns: list[str]) -> pd.Series | None:
    if not columns:
        return None
    out = frame[columns[0]]
    for c in columns[1:]:
        out = out.where(out.notna(), frame[c])
    return out


def _officer_rows(result, frame: pd.DataFrame) -> np.ndarray:
    """Rows that came from one of our own workbooks (a table with a 跟进状态 column): only there are
    负责人 / 备注 the officer's (in a vendor list 负责人 is the company's contact person)."""
    labels = {t.label for t in (result.tables or []) if OFFICER_COLUMNS[0] in t.frame.columns}
    if not labels or "source_file" not in frame.columns:
        return np.zeros(len(frame), dtype=bool)
    return frame["source_file"].isin(labels).to_numpy()


# --------------------------------------------------------------------------------------------
# the writer


class _Book:
    """xlsxwriter workbook with the formats every sheet shares."""

    def __init__(self, path):
        import xlsxwriter

        # 等线 is the default font of Chinese Excel / WPS; plain text cells carry no format of their own
        self.wb = xlsxwriter.Workbook(
            str(path),
            {
                "constant_memory": True,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "strings_to_numbers": False,
                "default_format_properties": {"font_name": "等线", "font_size": 11, "valign": "top"},
            },
        )
        add = self.wb.add_format
        self.head = add(
            {
                "bold": True,
                "bg_color": "#1F4E79",
                "font_color": "#FFFFFF",
                "text_wrap": True,
                "valign": "vcenter",
                "border": 1,
                "border_color": "#BFBFBF",
            }
        )
        self.officer_head = add(
            {
                "bold": True,
                "bg_color": "#C65911",
                "font_color": "#FFFFFF",
                "text_wrap": True,
                "valign": "vcenter",
                "border": 1,
                "border_color": "#BFBFBF",
            }
        )
        self.title = add({"bold": True, "font_size": 14, "font_color": "#1F4E79"})
        self.section = add(
            {"bold": True, "font_size": 11, "font_color": "#1F4E79", "bottom": 2, "bottom_color": "#1F4E79"}
        )
        self.label = add({"bold": True})
        self.text = None  # the workbook's default format
        self.wrap = add({"text_wrap": True})
        self.wrap_top = add({"text_wrap": True, "valign": "top"})
        self.label_top = add({"bold": True, "text_wrap": True, "valign": "top"})
        self.note = add({"italic": True, "font_color": "#7F7F7F", "text_wrap": True})
        self.note_top = add({"italic": True, "font_color": "#7F7F7F", "text_wrap": True, "valign": "top"})
        self.top = add({"valign": "top"})
        self.officer = add({"bg_color": "#FFF9F2"})
        self.link = add({"font_color": "#0563C1", "underline": 1})
        self.score = add({"num_format": "0.0", "valign": "top"})
        self.ratio = add({"num_format": "0.00", "valign": "top"})
        self.money = add({"num_format": "#,##0.0", "valign": "top"})
        self.int = add({"num_format": "0", "valign": "top"})
        self.count = add({"num_format": "#,##0", "valign": "top"})
        self.count_bold = add({"num_format": "#,##0", "bold": True})
        self.date = add({"num_format": "yyyy-mm-dd", "align": "left"})
        self.gap = {
            k: add({"bg_color": bg, "font_color": fg, "bold": True, "align": "center", "valign": "top"})
            for k, (bg, fg, _) in STATUS_COLOURS.items()
        }
        self.tier = {
            k: add({"bg_color": bg, "font_color": fg, "bold": True, "align": "center", "valign": "top"})
            for k, (bg, fg) in TIER_COLOURS.items()
        }
        self.map_seg = {
            k: add(
                {
                    "bg_color": bg,
                    "font_color": fg,
                    "bold": True,
                    "text_wrap": True,
                    "valign": "vcenter",
                    "border": 1,
                    "border_color": "#7F7F7F",
                }
            )
            for k, (bg, fg, _) in STATUS_COLOURS.items()
        }
        self.map_title = add(
            {"bold": True, "font_size": 12, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "valign": "vcenter"}
        )
        self.map_pos = add(
            {"bold": True, "align": "center", "bg_color": "#D9E1F2", "border": 1, "border_color": "#7F7F7F"}
        )
        self.map_target = add({"left": 1, "right": 1, "left_color": "#BFBFBF", "right_color": "#BFBFBF"})
        self.title_mid = add({"bold": True, "font_size": 14, "font_color": "#1F4E79", "valign": "vcenter"})
        self.note_mid = add({"italic": True, "font_color": "#7F7F7F", "text_wrap": True, "valign": "vcenter"})
        self.map_gap = add(
            {
                "bold": True,
                "font_color": "#9C0006",
                "bg_color": "#FFF2F2",
                "text_wrap": True,
                "left": 1,
                "right": 1,
                "left_color": "#BFBFBF",
                "right_color": "#BFBFBF",
            }
        )
        self.map_none = add(
            {
                "italic": True,
                "font_color": "#7F7F7F",
                "left": 1,
                "right": 1,
                "left_color": "#BFBFBF",
                "right_color": "#BFBFBF",
            }
        )
        self.sheet_names: set[str] = set()
        self.chains = None
        self.page_title = "ChainMatch 产业链精准招商目标企业"  # printed at the top of every page

    def sheet(self, name: str):
        """A new worksheet; a chain's name never takes one of the fixed sheets' names."""
        if name not in FIXED_SHEETS:
            name = _sheet_name(name, self.sheet_names | set(FIXED_SHEETS))
        self.sheet_names.add(name)
        return self.wb.add_worksheet(name)

    def close(self):
        self.wb.close()


def _sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in str(name)).strip("'") or "产业链"
    clean = clean[:31]
    out, i = clean, 2
    while out.lower() in {t.lower() for t in taken}:
        suffix = f"({i})"
        out = clean[: 31 - len(suffix)] + suffix
        i += 1
    return out


PAPER_A4 = 9
PAGE_FOOTER = "&C第 &P 页 / 共 &N 页"
LINE_HEIGHT = 17  # points a wrapped line of Chinese text takes (the readers do not grow rows by themselves)


def _header_text(text: str) -> str:
    """Text for a page header: '&' doubled so Excel shows it instead of reading a control code."""
    return str(text).replace("&", "&&")[:100]


def _print_setup(
    ws,
    title: str,
    *,
    landscape: bool = True,
    repeat_header: bool = True,
    columns: int | None = None,
    rows: int | None = None,
) -> None:
    """A4, one page wide, the header row on every page, a page header with the workbook's title and the
    sheet's name, and 第 N 页 / 共 M 页 in the footer. `columns` / `rows` set a print area of the first
    `columns` columns (the ones an officer reads) over `rows` rows, header included."""
    ws.set_paper(PAPER_A4)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    ws.set_header(f"&L{_header_text(title)}&R&A", {"margin": 0.3})
    ws.set_footer(PAGE_FOOTER, {"margin": 0.3})
    if repeat_header:
        ws.repeat_rows(0)
    if columns is not None and rows is not None:
        ws.print_area(0, 0, max(rows, 2) - 1, columns - 1)


class _Col:
    """One column of a data sheet: header, width, how its cells are written."""

    __slots__ = ("header", "width", "kind", "values", "fmt", "officer")

    def __init__(self, header, width, kind, values, fmt=None, officer=False):
        self.header, self.width, self.kind, self.values, self.fmt, self.officer = (
            header,
            width,
            kind,
            values,
            fmt,
            officer,
        )


def _write_table(
    book: _Book,
    ws,
    cols: list[_Col],
    n: int,
    freeze_cols: int = 2,
    score_col: str | None = None,
    header_height: float = 30,
    heights: list | None = None,
) -> None:
    """Header row and n data rows, row by row (constant memory), then filter, freeze and bars. The
    officer's columns are shaded by their column format, so their empty cells cost nothing."""
    ws.set_row(0, header_height)
    for j, c in enumerate(cols):
        ws.set_column(j, j, c.width, book.officer if c.officer else None)
        ws.write_string(0, j, c.header, book.officer_head if c.officer else book.head)
    ws.freeze_panes(1, freeze_cols)
    ws.autofilter(0, 0, max(n, 1), max(len(cols) - 1, 0))
    ws.repeat_rows(0)
    links = [0]

    def url_writer(row, col, v, fmt):
        if isinstance(v, tuple):
            links[0] += 1
            if links[0] <= MAX_LINKS:
                return ws.write_url(row, col, v[0], book.link, string=v[1])
            v = v[1]
        return ws.write_string(row, col, v, fmt)

    plan = []
    for j, c in enumerate(cols):
        if c.kind == "url":
            plan.append((j, url_writer, c.values, c.fmt, False))
        elif c.kind in ("tier", "gap"):
            colours = book.tier if c.kind == "tier" else book.gap
            fmts = [colours.get(v, book.text) if v is not None else None for v in c.values]
            plan.append((j, ws.write_string, c.values, fmts, True))
        elif c.kind == "num":
            plan.append((j, ws.write_number, c.values, c.fmt, False))
        else:
            plan.append((j, ws.write_string, c.values, c.fmt, False))
    for i in range(n):
        r = i + 1
        if heights is not None and heights[i]:
            ws.set_row(r, heights[i])  # wrapped text: the reader does not grow rows by itself
        for j, write, values, fmt, per_row in plan:
            v = values[i]
            if v is not None:
                write(r, j, v, fmt[i] if per_row else fmt)
    if score_col is not None and n:
        j = next(k for k, c in enumerate(cols) if c.header == score_col)
        ws.conditional_format(
            1,
            j,
            n,
            j,
            {
                "type": "data_bar",
                "bar_color": "#63BE7B",
                "bar_solid": True,
                "min_type": "num",
                "min_value": 0,
                "max_type": "num",
                "max_value": 100,
            },
        )
    follow = next((k for k, c in enumerate(cols) if c.header == OFFICER_COLUMNS[0]), None)
    if follow is not None and n:
        ws.data_validation(
            1, follow, n, follow, {"validate": "list", "source": load_stages().names, "show_error": False}
        )  # the 台账's stages to pick from (data/leads/stages.yaml); free text allowed


# --------------------------------------------------------------------------------------------
# ranked sheets


def _company_columns(result, frame: pd.DataFrame, book: _Book, chain_sheet: bool) -> list[_Col]:
    n = len(frame)
    cols = [
        _Col("排名" if chain_sheet else "序号", 5, "num", list(range(1, n + 1)), book.int),
        _Col("企业名称", 24, "text", _texts(frame["company_name"]), book.wrap_top),
    ]
    if chain_sheet:
        cols += [
            _Col("环节", 14, "text", _texts(frame["segment_name"]), book.wrap_top),
            _Col("链位", 6, "text", _texts(_get(frame, "position")), book.text),
            _Col("缺口状态", 8, "gap", _texts(_get(frame, "gap_status"))),
            _Col("得分", 6, "num", _numbers(frame["score"]), book.score),
            _Col("等级", 5, "tier", _texts(frame["tier"])),
        ]
    cols.append(
        _Col("推荐理由" if chain_sheet else "说明", REASON_WIDTH, "text", _texts(frame["reasons"]), book.wrap_top)
    )
    status = _get(frame, "status_raw")
    status = status.where(status.notna(), frame["status"].map(STATUS_LABELS))
    province, city = _get(frame, "province"), _get(frame, "city")
    place = province.fillna("").astype(str) + np.where(
        city.fillna("").astype(str) == province.fillna("").astype(str), "", city.fillna("").astype(str)
    )
    names = industry_codes()
    code = _get(frame, "industry_code")
    industry = code.map(lambda c: f"{c} {names.get(c, '')}".strip() if isinstance(c, str) and c else None)
    cols += [
        _Col("统一社会信用代码", 21, "text", _texts(_get(frame, "credit_code")), book.text),
        _Col("登记状态", 10, "text", _texts(status), book.text),
        _Col("注册资本(万元)", 12, "num", _numbers(_get(frame, "registered_capital_wan")), book.money),
        _Col("成立日期", 11, "num", _dates(_get(frame, "founded")), book.date),
        _Col("所在地", 12, "text", _texts(place.where(place != "", None)), book.wrap_top),
        _Col("参保人数", 9, "num", _numbers(_get(frame, "employees")), book.int),
    ]
    component = [
        ("relevance", "相关度"),
        ("gap_weight", "缺口权重"),
        ("priority", "链优先级"),
        ("fit", "匹配缺口分"),
        ("strength", "实力分"),
        ("s_capital", "资本分"),
        ("s_employees", "人数分"),
        ("s_age", "年限分"),
        ("s_tags", "标签分"),
        ("distance_km", "距园区(公里)"),
        ("proximity", "距离分"),
        ("risk", "风险扣减"),
    ]
    if not chain_sheet:
        component = [("relevance", "最高相关度"), ("strength", "实力分"), ("risk", "风险扣减")]
    for key, header in component:
        if key in frame.columns:
            fmt = book.int if key == "distance_km" else book.ratio
            cols.append(_Col(header, 9, "num", _numbers(frame[key]), fmt))
    for fieldname, header, width in CONTACT_FIELDS:
        series = _first_of(frame, original_columns(result, fieldname))
        if series is None:
            continue
        values = _texts(series, drop_empty=True)
        if fieldname == "website":
            values = [(u, t) if (u := safe_url(t)) else t for t in values]
            cols.append(_Col(header, width, "url", values, book.text))
        else:
            cols.append(_Col(header, width, "text", values, book.text))
    mine = _officer_rows(result, frame)
    for k, header in enumerate(OFFICER_COLUMNS):
        values = _blank(n)
        if header in frame.columns:
            carried = _texts(frame[header], drop_empty=False)
            keep = np.ones(n, dtype=bool) if k == 0 else mine
            values = [v if ok else None for v, ok in zip(carried, keep)]
        cols.append(_Col(header, 9 if k == 0 else 14 if k < 2 else 30, "text", values, book.officer, officer=True))
    cols.append(_Col("国标行业", 22, "text", _texts(industry), book.text))
    for fieldname, header, width in FACT_FIELDS:
        series = _first_of(frame, original_columns(result, fieldname))
        if series is not None:
            cols.append(_Col(header, width, "text", _texts(series, drop_empty=True), book.text))
    if "is_local" in frame.columns:
        local = frame["is_local"].fillna(False).astype(bool).map({True: "是", False: None})
        cols.append(_Col("园区本地企业", 10, "text", _texts(local), book.text))
    cols += [
        _Col("来源文件", 20, "text", _texts(_get(frame, "source_file")), book.text),
        _Col("来源行", 7, "num", _numbers(_get(frame, "source_row")), book.int),
        _Col("合并来源", 24, "text", _texts(_get(frame, "merged_rows")), book.text),
    ]
    if chain_sheet:  # the printed columns first, in the order they print; the others after them as before
        first = [c for h in PRINTED for c in cols if c.header == h]
        cols = first + [c for c in cols if c not in first]
    return cols


REASON_WIDTH = 56  # characters of the 推荐理由 column: two or three printed lines for most reasons


def _lines(text, width: float) -> int:
    """Printed lines a wrapped text takes in a column `width` units wide (a Chinese character is about 1.5)."""
    if not isinstance(text, str) or not text:
        return 1
    wide = (len(text.encode("utf-8")) - len(text)) / 2  # characters of three or more UTF-8 bytes (Chinese …)
    units = 1.6 * wide + 0.9 * (len(text) - wide)  # LibreOffice's measure, with a little to spare
    return max(1, math.ceil(units / max(width - 1, 1)))


def _line_counts(values: list, width: float) -> np.ndarray:
    """`_lines` of every text of a column at once, in Arrow's kernels: a character of three or more UTF-8
    bytes is a wide one, so the wide count is (bytes − characters) / 2 (exact but for the rare 2- and
    4-byte characters)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    text = pa.array([v if isinstance(v, str) else "" for v in values], type=pa.string())
    chars = pc.utf8_length(text).to_numpy(zero_copy_only=False).astype(float)
    wide = (pc.binary_length(text).to_numpy(zero_copy_only=False) - chars) / 2
    units = 1.6 * wide + 0.9 * (chars - wide)
    return np.maximum(1, np.ceil(units / max(width - 1, 1))).astype(int)


def _printed_rows(frame: pd.DataFrame, chain_sheet: bool) -> int:
    """How many rows of a ranked sheet print: on a chain sheet every A target, and at least the best
    PRINT_TOP of the A / B targets; on 未匹配 the first PRINT_UNMATCHED (nearest to a chain)."""
    if not chain_sheet:
        return min(len(frame), PRINT_UNMATCHED)
    tier = frame["tier"].fillna("").astype(str).to_numpy()
    a, ab = int((tier == "A").sum()), int(np.isin(tier, ("A", "B")).sum())
    return max(a, min(ab, PRINT_TOP))


def _ranked_sheet(book: _Book, result, name: str, frame: pd.DataFrame, chain_sheet: bool) -> None:
    ws = book.sheet(name)
    cols = _company_columns(result, frame, book, chain_sheet)
    wrapped = [c for c in cols if c.fmt is book.wrap_top]  # rows as tall as their longest wrapped text
    lines = np.max([_line_counts(c.values, c.width) for c in wrapped], axis=0) if wrapped and len(frame) else []
    heights = [LINE_HEIGHT * int(k) if k > 1 else None for k in lines]
    _write_table(book, ws, cols, len(frame), score_col="得分" if chain_sheet else None, heights=heights)
    # print the columns an officer reads (排名 … 跟进状态 on a chain sheet, 序号 … 所在地 on 未匹配) for the
    # targets worth a page (see _printed_rows); the rest stay on screen, none is hidden
    last = PRINTED[-1] if chain_sheet else "所在地"
    shown = next((j + 1 for j, c in enumerate(cols) if c.header == last), len(cols))
    _print_setup(ws, book.page_title, columns=shown, rows=_printed_rows(frame, chain_sheet) + 1)


# --------------------------------------------------------------------------------------------
# summary figures


def _segment_figures(ranked: pd.DataFrame, seg: pd.DataFrame) -> pd.DataFrame:
    """Per chain and segment: candidates, A / B / C / 本地 / not recommended counts, best score; after a
    chain's segments, a row for its chain-level filings (segment_id '', CHAIN_LEVEL_SEGMENT) when it has
    any. `ranked`: the per-chain view (`chain_view`)."""
    has = ranked[ranked["chain_id"].notna()]
    tier = has["tier"].fillna("").astype(str)
    keys = [has["chain_id"].astype(str), _segment_keys(has)]
    counts = pd.DataFrame(
        {
            "candidates": has.groupby(keys).size(),
            **{t: (tier == t).groupby(keys).sum() for t in (*TIERS, LOCAL_TIER)},
            "best": has["score"].groupby(keys).max(),
        }
    )
    counts.index.names = ["chain_id", "segment_id"]
    counts = counts.reset_index()
    level = counts[(counts["segment_id"] == CHAIN_KEY) & counts["chain_id"].isin(seg["chain_id"])]
    if len(level):  # the chain-level line takes its chain's facts, no segment's
        first = seg.drop_duplicates("chain_id").set_index("chain_id")
        extra = first.loc[level["chain_id"], ["chain_name", "priority_level", "priority"]].reset_index()
        extra = extra.assign(segment_id=CHAIN_KEY, segment_name=CHAIN_LEVEL_SEGMENT, position=None, status=None)
        where = {c: i for i, c in enumerate(dict.fromkeys(seg["chain_id"]))}
        seg = pd.concat([seg, extra], ignore_index=True)
        last = seg["segment_id"] == CHAIN_KEY
        seg = seg.iloc[np.lexsort((last.to_numpy(), seg["chain_id"].map(where).to_numpy()))].reset_index(drop=True)
    out = seg.merge(counts, on=["chain_id", "segment_id"], how="left")
    for c in ("candidates", *TIERS, LOCAL_TIER):
        out[c] = out[c].fillna(0).astype(int)
    out["other"] = out["candidates"] - out[list(TIERS)].sum(axis=1) - out[LOCAL_TIER]
    return out


CHAIN_KEY = ""  # the segment key of a chain-level filing in the summary figures


def _segment_keys(ranked: pd.DataFrame) -> pd.Series:
    """segment_id as text, CHAIN_KEY for a chain-level filing (no segment)."""
    return ranked["segment_id"].astype(object).where(ranked["segment_id"].notna(), CHAIN_KEY).astype(str)


KEY_TIERS = ("A", "B")  # the tiers listed as 重点目标 on 汇总 and 招商地图 (C is on the chain sheets only)


def _top_targets(ranked: pd.DataFrame, k_by_segment: dict) -> dict:
    """(chain, segment) -> [(name, score, tier)] of its best targets (tier A / B only)."""
    tier = ranked["tier"].fillna("").astype(str)
    targets = ranked.loc[
        ranked["chain_id"].notna() & tier.isin(KEY_TIERS), ["chain_id", "segment_id", "company_name", "score", "tier"]
    ]
    targets = targets.assign(segment_id=_segment_keys(targets)).astype({"chain_id": str})
    targets = targets.sort_values("score", ascending=False, kind="stable")
    keys = list(zip(targets["chain_id"], targets["segment_id"]))
    limit = np.array([k_by_segment.get(k, 3) for k in keys], dtype=int)
    place = targets.groupby(["chain_id", "segment_id"], sort=False).cumcount().to_numpy()
    out: dict = {}
    for key, name, score, t, keep in zip(
        keys,
        targets["company_name"].astype(str),
        targets["score"].astype(float),
        targets["tier"].astype(str),
        place < limit,
    ):
        if keep:
            out.setdefault(key, []).append((name, score, t))
    return out


def _segments(chains, zone, chain_ids) -> pd.DataFrame:
    seg = segment_table(chains, zone)
    if chain_ids:
        seg = seg[seg["chain_id"].isin(chain_ids)]
    order = {p: i for i, p in enumerate(POSITIONS)}
    seg = seg.assign(_pos=seg["position"].map(order), _seq=np.arange(len(seg)))
    chain_order = {c: i for i, c in enumerate(chains)}
    seg = seg.assign(_chain=seg["chain_id"].map(chain_order))
    return seg.sort_values(["_chain", "_pos", "_seq"]).drop(columns=["_pos", "_seq", "_chain"]).reset_index(drop=True)


def _summary_sheet(book: _Book, zone, figures: pd.DataFrame, top: dict) -> None:
    ws = book.sheet(SHEET_SUMMARY)
    n = len(figures)
    targets = [
        "；".join(f"{name}（{score:.1f}，{tier}）" for name, score, tier in top.get((r.chain_id, r.segment_id), []))
        or None
        for r in figures.itertuples()
    ]
    notes = []
    for f in figures.itertuples():
        if f.segment_id == CHAIN_KEY:
            notes.append(CHAIN_LEVEL_NOTE)
            continue
        st = zone.segment_status(f.chain_id, f.segment_id)
        notes.append("；".join(x for x in ("假设，待核实" if st.assumed else "", st.note) if x) or None)
    top_ = book.top
    cols = [
        _Col("产业链", 12, "text", _texts(figures["chain_name"]), top_),
        _Col("链优先级", 8, "text", _texts(figures["priority_level"]), top_),
        _Col("链位", 6, "text", _texts(figures["position"]), top_),
        _Col("环节", 22, "text", _texts(figures["segment_name"]), book.wrap_top),
        _Col("缺口状态", 10, "gap", _texts(figures["status"])),
        _Col("状态说明", 30, "text", [inert(x) if x else None for x in notes], book.note_top),
        _Col("缺口权重", 8, "num", _numbers(figures["gap_weight"]), book.ratio),
        _Col("候选企业数", 9, "num", _numbers(figures["candidates"]), book.count),
        _Col("A类", 6, "num", _numbers(figures["A"]), book.count),
        _Col("B类", 6, "num", _numbers(figures["B"]), book.count),
        _Col("C类", 6, "num", _numbers(figures["C"]), book.count),
    ]
    if figures[LOCAL_TIER].any():
        cols.append(_Col("本地企业", 8, "num", _numbers(figures[LOCAL_TIER]), book.count))
    cols += [
        _Col("不推荐", 7, "num", _numbers(figures["other"]), book.count),
        _Col("最高得分", 8, "num", _numbers(figures["best"]), book.score),
        _Col("重点目标（得分，等级）", 80, "text", [inert(t) if t else None for t in targets], book.wrap_top),
    ]
    lines = [
        max(_lines(x, 30), _lines(t, 80), _lines(g, 22))
        for x, t, g in zip(notes, targets, figures["segment_name"].astype(str))
    ]
    heights = [LINE_HEIGHT * k if k > 1 else None for k in lines]
    _write_table(book, ws, cols, n, freeze_cols=4, score_col="最高得分", heights=heights)
    _print_setup(ws, book.page_title)


GAP_STATUSES = ("缺失", "薄弱")  # statuses a segment without targets is flagged for on 招商地图
MAP_WIDTH = 58  # characters of each 上游 / 中游 / 下游 column: wide enough that a chain's block fits one page


def _leader(zone, chain_id) -> str:
    """The chain leader's name from the zone profile, or a blank line to fill in (a placeholder is not a name)."""
    zc = zone.chains.get(chain_id)
    name = (zc.leader if zc is not None else "") or ""
    return name if name and "待填" not in name and name != "链长" else "________"


def _list_hint(chain, segment_id) -> str:
    """What list to export for a segment without targets: its GB/T 4754 小类 and its first keywords."""
    try:
        seg = chain.segment(segment_id)
    except (KeyError, AttributeError):
        return ""
    names = industry_codes()
    codes = "、".join(f"{c}{names.get(c, '')}" for c in seg.industry_codes[:2])
    words = "、".join(f"“{w}”" for w in seg.keywords[:3])
    if codes and words:
        return f"建议按国标行业{codes}或关键词{words}导出企查查名单"
    if codes or words:
        return f"建议按{'国标行业' + codes if codes else '关键词' + words}导出企查查名单"
    return ""


def _map_sheet(book: _Book, zone, seg: pd.DataFrame, figures: pd.DataFrame, top: dict, chains=None) -> None:
    """Per chain: a title row, 上游 | 中游 | 下游, then each slot's segment (gap colour) and its A / B targets;
    a 缺失 / 薄弱 segment without one says what list to export for it. One chain a printed page."""
    ws = book.sheet(SHEET_MAP)
    ws.set_column(0, len(POSITIONS) - 1, MAP_WIDTH)
    _print_setup(ws, book.page_title, repeat_header=False)
    ws.hide_gridlines(2)
    fig = figures.set_index(["chain_id", "segment_id"])
    r = 0
    ws.set_row(r, 30)
    ws.merge_range(
        r, 0, r, len(POSITIONS) - 1, inert(f"{zone.name} 产业链招商地图（缺口状态 · 重点目标企业）"), book.title_mid
    )
    r += 1
    ws.set_row(r, 22)
    ws.merge_range(
        r,
        0,
        r,
        len(POSITIONS) - 1,
        "颜色：红=缺失  橙=薄弱  黄=一般  绿=优势；每个环节下列出得分最高的 A、B 类目标企业（得分，等级）；"
        "没有目标的缺失、薄弱环节标出建议导出的名单。",
        book.note_mid,
    )
    r += 2
    starts = []
    for cid, group in seg.groupby("chain_id", sort=False):
        starts.append(r)
        first = group.iloc[0]
        sub = figures[figures["chain_id"] == cid]  # its segments and its chain-level filings
        title = (
            f"{first.chain_name}｜{first.priority_level}｜链长：{_leader(zone, cid)}｜候选 {int(sub['candidates'].sum())} 家"
            f"（A {int(sub['A'].sum())} 家 / B {int(sub['B'].sum())} 家 / C {int(sub['C'].sum())} 家）"
        )
        ws.set_row(r, 22)
        ws.merge_range(r, 0, r, len(POSITIONS) - 1, inert(title), book.map_title)
        r += 1
        for j, p in enumerate(POSITIONS):
            ws.write_string(r, j, p, book.map_pos)
        r += 1
        chain = (chains or {}).get(cid)
        columns = [group[group["position"] == p] for p in POSITIONS]
        for slot in range(max(len(c) for c in columns)):
            here = [c.iloc[slot] if slot < len(c) else None for c in columns]
            ws.set_row(r, 32)
            for j, s in enumerate(here):
                if s is None:
                    continue
                f = fig.loc[(cid, s.segment_id)]
                assumed = "（待核实）" if s.assumed else ""
                text = f"{s.segment_name}\n缺口：{s.status}{assumed}｜候选 {int(f['candidates'])} 家"
                ws.write_string(r, j, inert(text), book.map_seg.get(s.status, book.wrap))
            r += 1
            items = [top.get((cid, s.segment_id), []) if s is not None else [] for s in here]
            hints = [
                _list_hint(chain, s.segment_id) if s is not None and not items[j] and s.status in GAP_STATUSES else ""
                for j, s in enumerate(here)
            ]
            depth = max(
                max((min(len(i), int(s.target_count)) for i, s in zip(items, here) if s is not None), default=0), 1
            )
            for k in range(depth):
                height = None
                for j, s in enumerate(here):
                    if s is None:
                        continue
                    if k < len(items[j]) and k < int(s.target_count):
                        name, score, tier = items[j][k]
                        ws.write_string(r, j, inert(f"{k + 1}. {name}（{score:.1f}，{tier}）"), book.map_target)
                    elif k == 0 and hints[j]:
                        ws.write_string(r, j, inert(f"暂无 A、B 类目标：{hints[j]}"), book.map_gap)
                        height = max(height or 0, LINE_HEIGHT * _lines(hints[j] + "暂无 A、B 类目标：", MAP_WIDTH))
                    elif k == 0:
                        ws.write_string(r, j, "（暂无 A、B 类目标企业）", book.map_none)
                    else:
                        ws.write_blank(r, j, None, book.map_target)
                if height:
                    ws.set_row(r, height)
                r += 1
        if (cid, CHAIN_KEY) in fig.index:  # filed in the chain, segment to verify: below the grid, in no segment
            level = fig.loc[(cid, CHAIN_KEY)]
            names = "；".join(f"{name}（{score:.1f}，{tier}）" for name, score, tier in top.get((cid, CHAIN_KEY), []))
            text = f"{CHAIN_LEVEL_SEGMENT}候选 {int(level['candidates'])} 家：{names or '暂无目标企业'}"
            ws.set_row(r, LINE_HEIGHT * (1 + len(text) // 120))
            ws.merge_range(r, 0, r, len(POSITIONS) - 1, inert(text), book.wrap_top)
            r += 1
        r += 1
    if len(starts) > 1:
        ws.set_h_pagebreaks(starts[1:])  # each chain starts a new printed page


# --------------------------------------------------------------------------------------------
# accounting sheets


def _floors_text(settings: Settings) -> str:
    """The A floors in force, in officer words."""
    out = []
    if settings.a_min_employees > 0:
        out.append(f"参保人数不少于 {settings.a_min_employees:g} 人")
    if settings.a_min_capital_wan > 0:
        out.append(f"注册资本不少于 {settings.a_min_capital_wan:g} 万元")
    if settings.a_min_age_years > 0:
        out.append(f"成立满 {settings.a_min_age_years:g} 年")
    if settings.a_no_branch >= 0.5:
        out.append("不是分公司或分支机构")
    if settings.a_active_only >= 0.5:
        out.append("登记状态为在营、存续等正常状态")
    return ("、".join(out) + "（名单中没有的信息不作要求）") if out else "当前不作要求"


def _worked_example(ranked: pd.DataFrame, settings: Settings) -> str:
    """The formula worked through for the best-scored company, so a reader can check it with the sheet's columns."""
    need = {"fit", "strength", "proximity", "risk", "score", "company_name"}
    if not need <= set(ranked.columns):
        return ""
    rows = ranked[ranked["chain_id"].notna() & (ranked["score"] > 0)]
    if rows.empty:
        return ""
    r = rows.iloc[0]
    total = settings.w_fit + settings.w_strength + settings.w_distance
    return (
        f"例：第 1 名{r['company_name']}，100 ×（{settings.w_fit:g} × {r['fit']:.4f} + {settings.w_strength:g} × "
        f"{r['strength']:.4f} + {settings.w_distance:g} × {r['proximity']:.4f}）÷ {total:g} ×（1 − {r['risk']:g}）"
        f"= {r['score']:.1f}。"
    )


def _info_sheet(
    book: _Book,
    result,
    zone,
    settings: Settings,
    settings_known: bool,
    seg: pd.DataFrame,
    chain_names: list[str],
    chain_ids,
    top,
    generated: dt.date,
) -> None:
    ws = book.sheet(SHEET_INFO)
    ws.set_column(0, 0, 34)
    ws.set_column(1, 1, 16)
    ws.set_column(2, 5, 10)
    ws.set_column(6, 6, 44, book.wrap)  # 含义 / 状态说明: wrapped, so the page is one portrait page wide
    _print_setup(ws, book.page_title, landscape=False, repeat_header=False)
    r = 0

    def row(*cells, fmts=None):
        nonlocal r
        for j, v in enumerate(cells):
            fmt = (fmts[j] if fmts and j < len(fmts) else None) or (book.label if j == 0 else book.text)
            if v is None:
                continue
            if isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool):
                ws.write_number(r, j, float(v), fmt)
            elif isinstance(v, dt.date):
                ws.write_number(r, j, float((v - EXCEL_EPOCH).days), book.date)
            else:
                ws.write_string(r, j, inert(str(v)), fmt)
        r += 1

    def long(label, text, fmt=None):
        """A label and a text over columns B–G, wrapped, its row as tall as the text needs."""
        nonlocal r
        text = inert(str(text))
        lines = sum(1 + len(part) // 50 for part in text.split("\n"))  # ~50 Chinese characters per line
        if lines > 1:
            ws.set_row(r, LINE_HEIGHT * lines)
        ws.write_string(r, 0, label, book.label_top)
        ws.merge_range(r, 1, r, 6, text, fmt or book.wrap_top)
        r += 1

    def tall(text, per_line, label=""):
        """Give the next row the height its wrapped label (column A) and text (`per_line` characters a line) need."""
        lines = max(1 + len(text) // per_line, 1 + len(label) // 22)  # ~22 Chinese characters a line in column A
        ws.set_row(r, LINE_HEIGHT * lines)  # always set: a reader that grows rows itself misjudges merged cells

    def section(title):
        nonlocal r
        r += 1
        for j in range(7):
            ws.write_string(r, j, title if j == 0 else "", book.section)
        r += 1

    ws.set_row(0, 24)
    row("ChainMatch 产业链精准招商目标企业", fmts=[book.title])
    where = (zone.province or "") + (zone.city if zone.city and zone.city != zone.province else "")
    row("园区", f"{zone.name}{('，' + where) if where else ''}")
    row("生成日期", generated)
    shipped = bool(zone.source) and Path(zone.source).resolve().parent == ZONES_DIR.resolve()
    row("园区缺口画像", "系统内置" if shipped else "自定义（上传或在程序中编辑）")
    ranked = result.ranked
    has_chain = ranked["chain_id"].notna()
    tier = ranked["tier"].fillna("").astype(str)

    section("输入文件与行数（读取 = 评分 + 合并 + 拒收）")
    row("来源（文件#工作表）", "读取行数", "评分企业", "合并行数", "拒收行数", fmts=[book.head] * 5)
    for f in result.input_accounting().itertuples():  # one row per input sheet / file
        row(f.source, f.read, f.scored, f.merged, f.rejected, fmts=[book.text] + [book.count] * 4)
    c = result.counts
    row("合计", c["read"], c["scored"], c["merged"], c["rejected"], fmts=[book.label] + [book.count_bold] * 4)
    long(
        "说明",
        "同一统一社会信用代码或同名企业合并为一行（保留信息最全的一行），见“合并记录”；"
        "无法使用的行（如缺少企业名称）见“未处理”。",
        book.note,
    )

    section("评分结果（全部企业，不受本工作簿只列前若干名或只含部分产业链的限制）")
    counts = [
        ("匹配到产业链的企业（家）", int(has_chain.sum())),
        ("其中 A 类（重点目标）", int((tier == "A").sum())),
        ("其中 B 类", int((tier == "B").sum())),
        ("其中 C 类", int((tier == "C").sum())),
    ]
    if (tier == LOCAL_TIER).any():
        counts.append(("其中 园区本地企业", int((tier == LOCAL_TIER).sum())))
    counts += [
        ("其中 不推荐（已注销等，得分 0）", int((has_chain & ~tier.isin((*TIERS, LOCAL_TIER))).sum())),
        ("未匹配产业链的企业", int((~has_chain).sum())),
    ]
    for label, value in counts:
        row(label, value, fmts=[book.label, book.count])
    scope = []
    if chain_ids:
        scope.append("只含产业链：" + "、".join(chain_names))
    if top is not None:
        scope.append(f"各产业链工作表只列前 {top} 名")
    long("本工作簿范围", "；".join(scope) + "（以上统计为全部企业）" if scope else "全部产业链、全部企业")

    section("如何阅读得分")
    for label, text in [
        (
            "得分（0–100）",
            "得分 = 100 ×（匹配缺口权重 × 匹配缺口分 + 企业实力权重 × 实力分 + 距离权重 × 距离分）"
            "÷（三项权重之和）×（1 − 风险扣减），保留一位小数。"
            f"当前权重：匹配缺口 {settings.w_fit:g}、企业实力 {settings.w_strength:g}、距离 {settings.w_distance:g}。"
            + _worked_example(ranked, settings),
        ),
        (
            "匹配缺口分",
            "相关度 × 缺口权重 × 链优先级。相关度（0–1）来自企业名称、简介/主营、经营范围、国标行业代码和龙头企业名称中的"
            "产业链词汇；缺口权重来自园区缺口状态（见下表）；链优先级来自国家级 / 省级 / 市级。",
        ),
        (
            "实力分",
            "按注册资本、参保人数、成立年限（对数刻度）和上市 / 资质 / 融资标签计算；缺少的信息按中性值 0.5 计，不扣分。",
        ),
        (
            "距离分",
            f"企业离园区越近越高：就在园区为 1，在配套半径（{settings.radius_km:g} 公里）处约为 0.37，"
            "更远继续降低；不知道企业位置时按中性值 0.5 计。",
        ),
        (
            "风险扣减",
            f"已注销、吊销、迁出等企业得分为 0，不作为目标；经营异常扣减 {settings.penalty_abnormal:.0%}，"
            f"失信被执行扣减 {settings.penalty_dishonest:.0%}。",
        ),
        (
            "等级",
            f"A ≥ {settings.tier_a:g}（值得走访的重点目标），B ≥ {settings.tier_b:g}，其余有链企业为 C；"
            "未匹配产业链的企业不分等级。A 类还须有一定实力：" + _floors_text(settings) + "；"
            "得分达到 A 类但不满足的列为 B 类，推荐理由中写明原因。",
        ),
        (
            "推荐理由",
            "先说企业做什么、对应园区哪个缺口环节，再列注册资本、参保人数、成立年限等情况，最后是风险；"
            "相关度、缺口权重等计算数值见表格右侧各列。",
        ),
        (
            "打印",
            f"各产业链工作表打印 A 类目标和得分最高的前 {PRINT_TOP} 家 A、B 类目标（排名、企业名称、环节、得分、等级、"
            f"推荐理由、所在地、联系方式、跟进状态），“未匹配”打印最接近产业链的前 {PRINT_UNMATCHED} 家；"
            "其余企业和各列仍在表中，需要时选定后打印。",
        ),
        (
            "跟进状态 / 负责人 / 备注",
            "留给招商人员填写。将本工作簿重新导入 ChainMatch 时，这三列会保留并写入新的工作簿。",
        ),
    ]:
        long(label, text)

    section("评分参数" + ("" if settings_known else "（调用方未提供，以下为默认值）"))
    row("参数", "取值", "默认值", fmts=[book.head] * 3)
    ws.merge_range(r - 1, 3, r - 1, 6, "含义", book.head)
    current = settings.as_dict()
    items = settings_help()
    for item in (i for i in items if i["stage"] == RANK):  # what decides the score and the tier: one row each
        value = current[item["name"]]
        tall(item["help"], 36)
        row(
            item["label"],
            float(value),
            float(item["default"]),
            fmts=[book.wrap, book.label if value != item["default"] else book.text, book.text],
        )
        ws.merge_range(r - 1, 3, r - 1, 6, inert(item["help"]), book.wrap)
    matching = [i for i in items if i["stage"] != RANK]  # how a company is filed under a segment: one paragraph
    changed = [i for i in matching if current[i["name"]] != i["default"]]
    long(
        "匹配参数",
        "决定企业归入哪个产业链环节（"
        + (
            "全部为默认值"
            if not changed
            else "改动：" + "、".join(f"{i['label']} {current[i['name']]:g}" for i in changed)
        )
        + "）："
        + "，".join(f"{i['label']} {current[i['name']]:g}" for i in matching)
        + "。各参数含义见程序中的“匹配参数”说明。",
    )

    section("缺口画像")
    long("缺口权重", "；".join(f"{k} {v:g}" for k, v in zone.status_weights.items()))
    long("链优先级", "；".join(f"{k} {v:g}" for k, v in zone.priority_levels.items()))
    assumed = int(seg["assumed"].sum()) if "assumed" in seg else 0
    long(
        "各环节现状",
        f"共 {len(seg)} 个环节，其中缺失 {int((seg['status'] == '缺失').sum())} 个、薄弱 {int((seg['status'] == '薄弱').sum())} 个"
        + (f"；{assumed} 个环节的状态为假设，待核实" if assumed else "")
        + "。每个环节的状态、说明和重点目标见“汇总”和“招商地图”。",
    )

    section("工作表")
    for name, text in [
        (SHEET_SUMMARY, "各产业链、各环节的缺口状态、A / B / C 类目标数和重点目标企业。"),
        (
            "（各产业链）",
            "每条产业链一张表，按得分排名；含推荐理由、得分构成、联系方式和跟进列。一家企业服务多条产业链时，"
            "在每条链的表中都列出；文字未指明具体环节的企业列为“产业链层面，待核实环节”，不计入任何环节。",
        ),
        (SHEET_MAP, "按 上游 → 中游 → 下游 排列的招商地图，可直接打印。"),
        (SHEET_UNMATCHED, "未匹配到任何产业链环节的企业（得分 0）。"),
        (SHEET_REJECTED, "无法使用的输入行及原因。"),
        (SHEET_MERGES, "被合并的重复行及其并入的企业。"),
    ]:
        row(name, text, fmts=[book.label, book.text])


def _rejected_sheet(book: _Book, result) -> None:
    ws = book.sheet(SHEET_REJECTED)
    rej = result.rejected if result.rejected is not None else pd.DataFrame()
    first = [("source_file", "来源文件", 24), ("source_row", "来源行", 7), ("reason", "拒收原因", 24)]
    cols = []
    for key, header, width in first:
        series = _get(rej, key)
        cols.append(
            _Col(
                header,
                width,
                "num" if key == "source_row" else "text",
                _numbers(series) if key == "source_row" else _texts(series),
                book.int if key == "source_row" else book.text,
            )
        )
    fixed = {h for _, h, _ in first}
    for c in rej.columns:
        if c in ("source_file", "source_row", "reason"):
            continue
        header = f"原:{c}" if c in fixed else str(c)
        series = rej[c]
        if pd.api.types.is_numeric_dtype(series) and not pd.api.types.is_bool_dtype(series):
            cols.append(_Col(header, 14, "num", _numbers(series), None))
        else:
            cols.append(_Col(header, 16, "text", _texts(series), book.text))
    _write_table(book, ws, cols, len(rej), freeze_cols=3)
    # the original columns vary by vendor: print the reason and the first few of them
    _print_setup(ws, book.page_title, columns=min(len(cols), 6), rows=len(rej) + 1)


def _merges_sheet(book: _Book, result) -> None:
    ws = book.sheet(SHEET_MERGES)
    m = result.merges if result.merges is not None else pd.DataFrame()
    cols = [
        _Col("被合并企业", 30, "text", _texts(_get(m, "company_name")), book.text),
        _Col("来源文件", 22, "text", _texts(_get(m, "source_file")), book.text),
        _Col("来源行", 7, "num", _numbers(_get(m, "source_row")), book.int),
        _Col("并入企业", 30, "text", _texts(_get(m, "merged_into_name")), book.text),
        _Col("并入来源文件", 22, "text", _texts(_get(m, "merged_into_file")), book.text),
        _Col("并入来源行", 9, "num", _numbers(_get(m, "merged_into_row")), book.int),
        _Col("合并依据", 22, "text", _texts(_get(m, "match_key")), book.text),
    ]
    _write_table(book, ws, cols, len(m), freeze_cols=1)
    _print_setup(ws, book.page_title)


# --------------------------------------------------------------------------------------------


def write_workbook(
    result,
    path,
    *,
    chains=None,
    zone=None,
    settings: Settings | None = None,
    chain_ids=None,
    top: int | None = None,
    generated: dt.date | None = None,
) -> Path:
    """Write the officer workbook for a `ScoreResult` and return its path.

    `chains` / `zone` / `settings` are those the result was scored with (a zone may be given as a path;
    when omitted they are taken from the result if it carries them, else the shipped defaults).
    `chain_ids` limits the chain sheets (and 汇总 / 招商地图) to those chains and `top` each chain sheet
    to its first N rows; neither changes the accounting on 说明 or the 未匹配 / 未处理 / 合并记录 sheets.
    """
    chains = chains if chains is not None else getattr(result, "chains", None)
    chains = chains if chains is not None else load_chains()
    zone = zone if zone is not None else getattr(result, "zone", None)
    if zone is None or isinstance(zone, (str, Path)):
        zone = load_zone(zone, chains=chains)
    settings_known = settings is not None or getattr(result, "settings", None) is not None
    settings = settings or getattr(result, "settings", None) or DEFAULTS
    generated = generated or dt.date.today()
    chain_ids = list(chain_ids or [])
    if getattr(result, "view", "company") != "company":
        raise MatcherError("招商工作簿需要每家企业一行的评分结果（score_files 的结果），不能用按产业链展开的视图")
    # every chain a company serves: chain sheets, 汇总 and 招商地图 come from the per-chain view
    ranked = chain_view(result).ranked
    has_chain = ranked["chain_id"].notna()

    # chain sheets: the selected chains in plan order, then any chain of the result not in `chains`
    present = list(dict.fromkeys(ranked.loc[has_chain, "chain_id"].astype(str)))
    order = [c for c in chains if not chain_ids or c in chain_ids]
    order += [c for c in present if c not in chains and (not chain_ids or c in chain_ids)]
    seg = _segments(chains, zone, order)
    names = {
        cid: chains[cid].name if cid in chains else str(ranked.loc[ranked["chain_id"] == cid, "chain_name"].iloc[0])
        for cid in order
    }
    figures = _segment_figures(ranked, seg)
    k = {(r.chain_id, r.segment_id): int(r.target_count) for r in seg.itertuples()}
    top_targets = _top_targets(ranked, k)

    from xlsxwriter.exceptions import FileCreateError

    path = Path(path)
    book = _Book(path)
    book.page_title = f"{zone.name} 产业链精准招商目标企业"
    book.chains = chains  # 招商地图 words what list to export for a segment without targets
    try:
        _write_sheets(
            book,
            result,
            zone,
            settings,
            settings_known,
            seg,
            order,
            names,
            figures,
            top_targets,
            chain_ids,
            top,
            generated,
            ranked,
        )
    except BaseException:
        try:  # leave no half-written workbook behind
            book.close()
        except Exception:  # noqa: BLE001 - the first error is the one to report
            pass
        path.unlink(missing_ok=True)
        raise
    try:
        book.close()
    except FileCreateError as exc:
        raise MatcherError(
            f"{path}: 无法写入工作簿（目录不存在、没有写权限，或文件正在 Excel / WPS 中打开）：{exc}"
        ) from None
    return path


def _write_sheets(
    book,
    result,
    zone,
    settings,
    settings_known,
    seg,
    order,
    names,
    figures,
    top_targets,
    chain_ids,
    top,
    generated,
    view,
) -> None:
    """Every sheet, in the order an officer reads them (`view`: the per-chain view of the result)."""
    ranked = result.ranked
    has_chain = ranked["chain_id"].notna().to_numpy()
    _info_sheet(book, result, zone, settings, settings_known, seg, [names[c] for c in order], chain_ids, top, generated)
    _summary_sheet(book, zone, figures, top_targets)
    chain_id = view["chain_id"].astype(object).to_numpy()
    for cid in order:
        frame = view[chain_id == cid]
        if top is not None:
            frame = frame.head(top)
        _ranked_sheet(book, result, names[cid], frame, chain_sheet=True)
    _map_sheet(book, zone, seg, figures, top_targets, book.chains)
    _ranked_sheet(book, result, SHEET_UNMATCHED, ranked[~has_chain], chain_sheet=False)
    _rejected_sheet(book, result)
    _merges_sheet(book, result)
