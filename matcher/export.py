"""Writing results: the machine table (.csv / .parquet), the rejected-rows CSV and the ranked workbook.

Owns the output formats and their safety: every text cell that Excel or WPS would evaluate (starting
with `=`, `+`, `-`, `@`, a tab or a carriage return, including text from the input files) is written
as inert text: a leading apostrophe in CSV and xlsx, as Excel itself marks text. The workbook is written with xlsxwriter in constant-memory mode.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

# Chinese headers for the officer workbook's ranked sheet
SHEET_HEADERS = {
    "rank": "排名", "company_name": "企业名称", "chain_name": "产业链", "segment_name": "环节",
    "position": "链位", "score": "得分", "tier": "等级", "reasons": "推荐理由", "credit_code": "统一社会信用代码",
    "status": "登记状态", "registered_capital_wan": "注册资本(万元)", "founded": "成立日期", "province": "省份",
    "city": "城市", "employees": "参保人数", "industry_code": "国标行业代码", "relevance": "相关度",
    "gap_status": "缺口状态", "gap_weight": "缺口权重", "priority": "链优先级", "fit": "匹配缺口分",
    "strength": "实力分", "risk": "风险扣减", "source_file": "来源文件", "source_row": "来源行",
    "merged_rows": "合并来源",
}
STATUS_LABELS = {"active": "存续", "inactive": "注销/吊销等", "unknown": "未知"}


def is_formula_like(value) -> bool:
    """Text a spreadsheet would evaluate (=, +, -, @, tab, CR first), or that xlsxwriter would copy
    into the file as raw rich-text XML (`<r>…</r>`), which can smuggle a formula cell in."""
    return isinstance(value, str) and (value.startswith(FORMULA_START)
                                       or (value.startswith("<r>") and value.endswith("</r>")))


def neutralise(value):
    """Text that a spreadsheet would run as code, made inert by a leading apostrophe-like quote.

    A leading single quote is what Excel itself uses to mark text; spreadsheets show the rest as-is.
    """
    if is_formula_like(value):
        return "'" + value
    return value


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """Copy of frame with formula-like strings neutralised in every object column."""
    out = frame.copy()
    for c in out.columns:
        col = out[c]
        if col.dtype == object or pd.api.types.is_string_dtype(col):
            mask = col.map(is_formula_like).astype(bool)
            if mask.any():
                out[c] = col.where(~mask, col[mask].map(neutralise))
    return out


def write_table(frame: pd.DataFrame, path) -> None:
    """Machine table: .csv (UTF-8 with BOM, so Excel opens it in Chinese) or .parquet."""
    path = Path(path)
    if path.suffix.lower() == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        arrays = {}
        for c in frame.columns:
            col = frame[c]
            try:
                arrays[str(c)] = pa.array(col, from_pandas=True)
            except (pa.ArrowInvalid, pa.ArrowTypeError):  # mixed cells from spreadsheets: store as text
                arrays[str(c)] = pa.array(col.where(col.isna(), col.astype(str)), type=pa.string(), from_pandas=True)
        pq.write_table(pa.table(arrays), path)
    else:
        safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")


def write_rejected(rejected: pd.DataFrame, path) -> None:
    safe_frame(rejected).to_csv(path, index=False, encoding="utf-8-sig")


def write_ranked_workbook(ranked: pd.DataFrame, path, title: str = "目标企业排名") -> None:
    """The officer workbook (one ranked sheet): Chinese headers, frozen header, autofilter."""
    import xlsxwriter

    from .workbook import inert  # neutralise, and never raw rich-text XML

    cols = [c for c in SHEET_HEADERS if c == "rank" or c in ranked.columns]
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                         "strings_to_urls": False, "nan_inf_to_errors": True})
    ws = wb.add_worksheet(title[:31])
    head = wb.add_format({"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True,
                          "valign": "vcenter"})
    num1 = wb.add_format({"num_format": "0.0"})
    num2 = wb.add_format({"num_format": "0.00"})
    int_fmt = wb.add_format({"num_format": "0"})
    widths = {"company_name": 34, "reasons": 80, "credit_code": 21, "chain_name": 12, "segment_name": 18,
              "source_file": 20, "merged_rows": 24}
    for j, c in enumerate(cols):
        ws.set_column(j, j, widths.get(c, 10))
        ws.write_string(0, j, SHEET_HEADERS[c], head)
    ws.freeze_panes(1, 2)
    data = {c: ranked[c].to_numpy() for c in cols if c != "rank"}
    fmts = {"score": num1, "relevance": num2, "gap_weight": num2, "priority": num2, "fit": num2,
            "strength": num2, "risk": num2, "registered_capital_wan": num1, "employees": int_fmt}
    for i in range(len(ranked)):
        r = i + 1
        for j, c in enumerate(cols):
            if c == "rank":
                ws.write_number(r, j, r)
                continue
            v = data[c][i]
            if v is None or (isinstance(v, float) and np.isnan(v)):
                continue
            if c == "status":
                v = STATUS_LABELS.get(v, v)
            if isinstance(v, (bool, np.bool_)):
                ws.write_string(r, j, "是" if v else "否")
            elif isinstance(v, (int, float, np.integer, np.floating)):
                ws.write_number(r, j, float(v), fmts.get(c))
            else:
                ws.write_string(r, j, inert(str(v)))
    ws.autofilter(0, 0, max(len(ranked), 1), len(cols) - 1)
    wb.close()


def write_output(result, path, chain_ids=None, top=None, per_chain=False, *, chains=None, zone=None,
                 settings=None) -> dict:
    """Write ranked output by suffix (.xlsx officer workbook, .csv/.parquet machine table) and the
    rejected rows beside it (`<stem>.rejected.csv`). Returns the paths written. `chains` / `zone` /
    `settings` (those the result was scored with) are shown in the workbook's 说明 and 汇总 sheets;
    in the workbook `top` limits each chain sheet."""
    from .pipeline import select

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        from .workbook import write_workbook

        write_workbook(result, path, chains=chains, zone=zone, settings=settings, chain_ids=chain_ids, top=top)
    elif suffix in (".csv", ".parquet"):
        write_table(select(result.ranked, chain_ids, top, per_chain), path)
    else:
        from .errors import MatcherError

        raise MatcherError(f"{path}: 不支持的输出格式“{suffix}”（支持 .xlsx .csv .parquet）")
    written = {"ranked": str(path)}
    rej_path = path.with_name(path.stem + ".rejected.csv")
    write_rejected(result.rejected, rej_path)
    written["rejected"] = str(rej_path)
    return written
