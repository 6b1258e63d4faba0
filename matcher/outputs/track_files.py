"""Files of the 招商台账 for officers: the lead list, the run list and a diff of two runs as .csv or .xlsx,
with Chinese headers and values (colours 绿 / 黄 / 红, yes / no as 是 / 否), every cell formula-safe.

Takes plain DataFrames (the store's LEAD_COLUMNS, RUN_COLUMNS and diff tables), so it sits with the
other writers below the store. `.csv`: one table (a diff gets a 变化类别 column); `.xlsx`: one sheet
per table, header row frozen, filters on, widths to fit.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..errors import MatcherError
from ..knowledge.stages import CHANGE_LABELS, COLOUR_LABELS
from .cells import safe_frame

LEAD_HEADERS = {
    "lead_id": "线索编号",
    "company_name": "企业名称",
    "credit_code": "统一社会信用代码",
    "chain_name": "产业链",
    "segment_name": "环节",
    "stage": "跟进阶段",
    "days_in_stage": "本阶段天数",
    "colour": "三类三色",
    "owner": "负责人",
    "next_action": "下一步工作",
    "due_date": "完成期限",
    "overdue": "已逾期",
    "amount_wan": "预计投资额(万元)",
    "notes": "备注",
    "score": "最新得分",
    "tier": "最新等级",
    "company_status_raw": "登记状态",
    "company_closed": "已注销/吊销",
    "updated_at": "最后更新",
    "version": "版本",
}
RUN_HEADERS = {
    "run_id": "评分记录编号",
    "run_date": "评分日期",
    "created_at": "记录时间",
    "created_by": "记录人",
    "zone_name": "园区",
    "inputs": "输入文件",
    "read": "读取",
    "scored": "评分",
    "merged": "合并",
    "rejected": "拒收",
    "note": "说明",
}
DIFF_SHEETS = {
    "new": "新增目标",
    "dropped": "不再是目标",
    "tiers": "等级变化",
    "status": "登记状态变化",
    "gaps": "缺口状态变化",
}
DIFF_HEADERS = {
    "company_name": "企业名称",
    "credit_code": "统一社会信用代码",
    "chain_name": "产业链",
    "segment_name": "环节",
    "score": "得分",
    "tier": "等级",
    "status_raw": "登记状态",
    "tier_a": "原等级",
    "tier_b": "现等级",
    "score_a": "原得分",
    "score_b": "现得分",
    "status_a": "原状态",
    "status_b": "现状态",
    "status_raw_a": "原登记状态",
    "status_raw_b": "现登记状态",
    "change": "变化",
}
_YES_NO = {True: "是", False: "否"}
_STATUS = {"active": "存续", "inactive": "注销/吊销等", "unknown": "未知"}


def lead_table(leads: pd.DataFrame) -> pd.DataFrame:
    """The lead list as officers read it: Chinese headers, colours and yes / no in words."""
    out = leads[[c for c in LEAD_HEADERS if c in leads.columns]].copy()
    if "colour" in out:
        out["colour"] = out["colour"].map(COLOUR_LABELS)
    for c in ("overdue", "company_closed"):
        if c in out:
            out[c] = out[c].map(_YES_NO)
    return out.rename(columns=LEAD_HEADERS)


def run_table(runs: pd.DataFrame) -> pd.DataFrame:
    return runs[[c for c in RUN_HEADERS if c in runs.columns]].rename(columns=RUN_HEADERS)


def diff_tables(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Sheet name -> table of a diff (`RunDiff.tables()`), with Chinese headers and words."""
    out = {}
    for kind, frame in tables.items():
        f = frame.drop(columns=[c for c in ("chain_id", "segment_id") if c in frame.columns]).copy()
        if "change" in f:
            f["change"] = f["change"].map(CHANGE_LABELS)
        if kind == "status":
            for c in ("status_a", "status_b"):
                f[c] = f[c].map(_STATUS)
        for c in ("tier", "tier_a", "tier_b"):
            if c in f:
                f[c] = f[c].fillna("无")
        out[DIFF_SHEETS.get(kind, kind)] = f.rename(columns=DIFF_HEADERS)
    return out


def write_tables(path, sheets: dict[str, pd.DataFrame], kind_header: str = "类别") -> Path:
    """Write tables to .xlsx (a sheet each) or .csv (UTF-8 with BOM; several tables stacked under a
    `kind_header` column). Every text cell is formula-safe."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        if len(sheets) == 1:
            frame = next(iter(sheets.values()))
        else:
            frame = pd.concat([f.assign(**{kind_header: name}) for name, f in sheets.items()], ignore_index=True)
            frame = frame[[kind_header, *[c for c in frame.columns if c != kind_header]]]
        safe_frame(frame).to_csv(path, index=False, encoding="utf-8-sig")
        return path
    if suffix != ".xlsx":
        raise MatcherError(f"{path}: 不支持的输出格式“{path.suffix}”（支持 .xlsx .csv）")
    with pd.ExcelWriter(path, engine="xlsxwriter") as xw:
        for name, frame in sheets.items():
            frame = safe_frame(frame)
            frame.to_excel(xw, sheet_name=name[:31], index=False)
            ws = xw.sheets[name[:31]]
            ws.freeze_panes(1, 0)
            if len(frame.columns):
                ws.autofilter(0, 0, len(frame), len(frame.columns) - 1)
            for j, c in enumerate(frame.columns):
                width = max([len(str(c))] + [len(str(v)) for v in frame[c].head(200) if v is not None])
                ws.set_column(j, j, min(max(8, width * 1.6), 50))
    return path
