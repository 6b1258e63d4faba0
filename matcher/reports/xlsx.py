"""The reports as formatted workbooks (xlsxwriter): A4 print setup, a page header and 第 N 页 footer,
every text cell formula-safe (`matcher.outputs.cells`)."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import xlsxwriter

from ..knowledge.chains import STATUS_COLOURS
from ..outputs.cells import neutralise
from ..outputs.workbook import PAGE_FOOTER, PAPER_A4
from .data import ChainQuarter, WeeklyReport
from .sections import COLOUR_FILLS, Section, heading, key_figures, quarter_sections, weekly_summary, weekly_table

WIDTHS = {
    "线索编号": 9,
    "企业名称": 34,
    "环节": 18,
    "跟进阶段": 10,
    "阶段": 9,
    "三类三色": 9,
    "本阶段天数": 10,
    "停留天数": 9,
    "负责人": 10,
    "最近跟进日期": 12,
    "最近跟进": 30,
    "下一步工作": 30,
    "完成期限": 12,
    "预计投资额（万元）": 14,
    "提示": 22,
    "产业链": 14,
    "位置": 8,
    "上季度": 10,
    "本季度": 10,
    "变化": 10,
    "等级": 8,
    "得分": 8,
    "进入阶段日期": 12,
    "登记状态": 12,
    "逾期": 8,
}


def _sheet_name(name: str, taken: set[str]) -> str:
    clean = "".join("_" if c in "[]:*?/\\" else c for c in str(name)).strip("'")[:31] or "产业链"
    out, i = clean, 2
    while out.lower() in {t.lower() for t in taken}:
        out = f"{clean[: 31 - len(str(i)) - 2]}({i})"
        i += 1
    taken.add(out)
    return out


def _print(ws, title: str, landscape: bool, repeat_header: bool) -> None:
    ws.set_paper(PAPER_A4)
    ws.set_landscape() if landscape else ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.6)
    ws.set_header("&L" + str(title).replace("&", "&&")[:100] + "&R&A", {"margin": 0.3})
    ws.set_footer(PAGE_FOOTER, {"margin": 0.3})
    if repeat_header:
        ws.repeat_rows(0)


class _Formats:
    def __init__(self, book):
        base = {"font_name": "宋体", "font_size": 10, "valign": "vcenter", "border": 1, "border_color": "#BFBFBF"}
        self.base = base
        self.book = book
        self.cell = book.add_format(base)
        self.wrap = book.add_format({**base, "text_wrap": True})
        self.number = book.add_format({**base, "num_format": "#,##0.00"})
        self.int = book.add_format({**base, "num_format": "0"})
        self.header = book.add_format({**base, "bold": True, "bg_color": "#DDEBF7", "text_wrap": True})
        self.title = book.add_format({"font_name": "黑体", "font_size": 15, "bold": True})
        self.sub = book.add_format({"font_name": "宋体", "font_size": 10, "font_color": "#404040"})
        self.section = book.add_format({"font_name": "黑体", "font_size": 12, "bold": True})
        self.note = book.add_format({"font_name": "宋体", "font_size": 10, "italic": True, "font_color": "#7F7F7F"})
        self._fills = {}

    def fill(self, text: str):
        """The cell format of a 绿 / 黄 / 红 colour or a gap status (None when the text is neither)."""
        colours = COLOUR_FILLS.get(text) or (
            (STATUS_COLOURS[text].fill, STATUS_COLOURS[text].text) if text in STATUS_COLOURS else None
        )
        if colours is None:
            return None
        if text not in self._fills:
            self._fills[text] = self.book.add_format(
                {**self.base, "bg_color": colours[0], "font_color": colours[1], "align": "center"}
            )
        return self._fills[text]


def _value(v):
    if v is None or v is pd.NA or v is pd.NaT:
        return None
    if isinstance(v, float) and math.isnan(v):
        return None
    return v


def _write_table(ws, fmt: _Formats, row: int, table: pd.DataFrame, colour_columns=()) -> int:
    """Write a table (header row, then rows) from `row`; returns the row after it."""
    for j, h in enumerate(table.columns):
        ws.write_string(row, j, h, fmt.header)
    colour_at = {j for j, h in enumerate(table.columns) if h in colour_columns}
    wraps = {j for j, h in enumerate(table.columns) if WIDTHS.get(h, 12) >= 22}
    for i, values in enumerate(table.itertuples(index=False), start=row + 1):
        for j, v in enumerate(values):
            v = _value(v)
            if v is None:
                ws.write_blank(i, j, None, fmt.cell)
            elif isinstance(v, str):
                style = fmt.fill(v) if j in colour_at else None
                ws.write_string(i, j, neutralise(v), style or (fmt.wrap if j in wraps else fmt.cell))
            elif isinstance(v, (bool,)):
                ws.write_string(i, j, "是" if v else "", fmt.cell)
            elif isinstance(v, int):
                ws.write_number(i, j, v, fmt.int)
            else:
                ws.write_number(i, j, float(v), fmt.number)
    return row + 1 + len(table)


def _widths(ws, columns) -> None:
    for j, h in enumerate(columns):
        ws.set_column(j, j, WIDTHS.get(h, 12))


def write_weekly_xlsx(report: WeeklyReport, out: Path, title: str) -> Path:
    """The weekly 台账: 汇总 (per chain: leads per stage and colour), then one sheet per chain."""
    book = xlsxwriter.Workbook(str(out), {"constant_memory": True, "strings_to_formulas": False})
    fmt = _Formats(book)
    taken: set[str] = set()
    summary = weekly_summary(report)
    ws = book.add_worksheet(_sheet_name("汇总", taken))
    _print(ws, title, landscape=True, repeat_header=True)
    _widths(ws, summary.columns)
    ws.set_column(1, len(summary.columns) - 1, 9)
    ws.set_column(0, 0, 16)
    end = _write_table(ws, fmt, 0, summary, colour_columns=tuple(COLOUR_FILLS))
    ws.write_string(
        end + 1, 0, f"截至 {report.as_of:%Y-%m-%d}；在跟线索为跟进阶段为 {'、'.join(report.stages)} 的线索。", fmt.note
    )
    for cid, name in report.chains.items():
        table = weekly_table(report, cid)
        ws = book.add_worksheet(_sheet_name(name, taken))
        _print(ws, f"{title}　{name}", landscape=True, repeat_header=True)
        _widths(ws, table.columns)
        ws.freeze_panes(1, 2)
        if len(table):
            ws.autofilter(0, 0, len(table), len(table.columns) - 1)
        _write_table(ws, fmt, 0, table, colour_columns=("三类三色",))
    book.close()
    return out


def _quarter_sheet(book, fmt: _Formats, ws, q: ChainQuarter, zone_title: str) -> None:
    title, sub = heading(q)
    sections: list[Section] = quarter_sections(q)
    width = max(len(s.table.columns) for s in sections)
    ws.set_column(0, 0, 30)
    ws.set_column(1, width - 1, 13)
    ws.set_column(1, 1, 24)
    ws.write_string(0, 0, neutralise(title), fmt.title)
    ws.write_string(1, 0, neutralise(sub), fmt.sub)
    ws.write_string(2, 0, neutralise(key_figures(q)), fmt.sub)
    row = 4
    for s in sections:
        ws.write_string(row, 0, s.title, fmt.section)
        row += 1
        if s.table.empty:
            ws.write_string(row, 0, s.empty, fmt.note)
            row += 2
            continue
        row = _write_table(ws, fmt, row, s.table, s.colour_columns) + 1
    _print(ws, zone_title or title, landscape=False, repeat_header=False)


def write_quarterly_xlsx(chains: list[ChainQuarter], out: Path, title: str) -> Path:
    """The quarterly 链长调度会 report: one sheet per chain, its sections one below the other."""
    book = xlsxwriter.Workbook(str(out), {"strings_to_formulas": False})
    fmt = _Formats(book)
    taken: set[str] = set()
    for q in chains:
        ws = book.add_worksheet(_sheet_name(q.chain_name, taken))
        _quarter_sheet(book, fmt, ws, q, title)
    book.close()
    return out
