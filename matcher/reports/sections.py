"""The reports' content as officer-facing tables: Chinese headers, display values, one place for the
wording shared by the workbook and the printable page."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .data import ChainQuarter, WeeklyReport

COLOUR_FILLS = {"绿": ("#C6EFCE", "#006100"), "黄": ("#FFEB9C", "#9C5700"), "红": ("#FFC7CE", "#9C0006")}
TIER_LABELS = {"A": "A 类", "B": "B 类", "C": "C 类"}


@dataclass
class Section:
    title: str
    table: pd.DataFrame  # Chinese headers, display values
    empty: str  # what to say when the table is empty
    colour_columns: tuple[str, ...] = ()  # columns whose 绿 / 黄 / 红 or gap status text colours the cell
    limit: int | None = None  # rows on the one-page printable report (the workbook has every row)


def _day(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)) or value is pd.NaT:
        return ""
    try:
        return f"{pd.Timestamp(value):%Y-%m-%d}"
    except (TypeError, ValueError):
        return str(value)


def _days(series: pd.Series) -> pd.Series:
    return series.map(_day)


def _amount(value):
    if value is None or pd.isna(value):
        return None
    return round(float(value), 2)


def _text(series: pd.Series) -> pd.Series:
    return series.astype(object).where(series.notna(), "")


def _hints(frame: pd.DataFrame) -> pd.Series:
    out = []
    for overdue, closed in zip(frame["overdue"], frame["company_closed"]):
        parts = (["下一步已逾期"] if overdue else []) + (["企业已注销或吊销"] if closed else [])
        out.append("；".join(parts))
    return pd.Series(out, index=frame.index, dtype=object)


WEEKLY_HEADERS = [
    "线索编号",
    "企业名称",
    "环节",
    "跟进阶段",
    "三类三色",
    "本阶段天数",
    "负责人",
    "最近跟进日期",
    "最近跟进",
    "下一步工作",
    "完成期限",
    "预计投资额（万元）",
    "提示",
]


def weekly_table(report: WeeklyReport, chain_id: str) -> pd.DataFrame:
    """One chain's active leads as the weekly 台账 lists them."""
    f = report.leads[report.leads["chain_id"] == chain_id]
    table = pd.DataFrame(
        {
            "线索编号": f["lead_id"].astype(int),
            "企业名称": _text(f["company_name"]),
            "环节": _text(f["segment_name"]),
            "跟进阶段": _text(f["stage"]),
            "三类三色": _text(f["colour_label"]),
            "本阶段天数": f["days_in_stage"].astype("Int64"),
            "负责人": _text(f["owner"]),
            "最近跟进日期": _days(f["last_at"]),
            "最近跟进": _text(f["last_change"]),
            "下一步工作": _text(f["next_action"]),
            "完成期限": _days(f["due_date"]),
            "预计投资额（万元）": f["amount_wan"].map(_amount),
            "提示": _hints(f),
        },
        columns=WEEKLY_HEADERS,
    )
    return table.reset_index(drop=True)


def weekly_summary(report: WeeklyReport) -> pd.DataFrame:
    """Per chain: active leads, leads per stage, colours, overdue, deregistered companies."""
    rows = []
    for cid, name in report.chains.items():
        f = report.leads[report.leads["chain_id"] == cid]
        row = {"产业链": name, "在跟线索": len(f)}
        row.update({s: int((f["stage"] == s).sum()) for s in report.stages})
        row.update({c: int((f["colour_label"] == c).sum()) for c in COLOUR_FILLS})
        row["下一步逾期"] = int(f["overdue"].sum())
        row["企业已注销或吊销"] = int(f["company_closed"].sum())
        rows.append(row)
    columns = ["产业链", "在跟线索", *report.stages, *COLOUR_FILLS, "下一步逾期", "企业已注销或吊销"]
    table = pd.DataFrame(rows, columns=columns)
    if len(table) > 1:
        total = {"产业链": "合计", **{c: int(table[c].sum()) for c in columns[1:]}}
        table = pd.concat([table, pd.DataFrame([total])], ignore_index=True)
    return table


def key_figures(q: ChainQuarter) -> str:
    t = q.totals
    return (
        f"线索 {t['leads']} 条（在跟 {t['active']} 条），已签约 {t['signed']} 个、已落地 {t['landed']} 个，"
        f"签约和落地项目预计投资额合计 {t['won_amount']:,.0f} 万元；黄色提醒 {t['yellow']} 条、"
        f"红色提醒 {t['red']} 条，下一步逾期 {t['overdue']} 条。"
    )


def heading(q: ChainQuarter) -> tuple[str, str]:
    title = f"{q.chain_name}产业链 链长调度会季度报告（{q.quarter}）"
    sub = f"截至 {q.as_of:%Y-%m-%d}；本季度评分：{q.run_label}；对比上季度：{q.previous_label}"
    return title, sub


def quarter_sections(q: ChainQuarter) -> list[Section]:
    """The report's sections for one chain, in reading order."""
    g = q.gaps
    gaps = pd.DataFrame(
        {
            "环节": _text(g["segment_name"]),
            "位置": _text(g["position"]),
            "上季度": _text(g["status_before"]) if q.previous is not None else "",
            "本季度": _text(g["status_now"]),
            "变化": _text(g["change"]),
        }
    )
    n = q.new_targets
    new = pd.DataFrame(
        {
            "企业名称": _text(n["company_name"]),
            "环节": _text(n["segment_name"]),
            "等级": n["tier"].map(TIER_LABELS).fillna(""),
            "得分": n["score"].map(lambda v: round(float(v), 1) if pd.notna(v) else None),
            "上季度": n["tier_before"].map(lambda t: TIER_LABELS.get(t, t)).fillna(""),
        }
    )
    s = q.stages
    stages = pd.DataFrame(
        {
            "跟进阶段": s["stage"],
            "线索数": s["leads"].astype(int),
            "预计投资额（万元）": s["amount_wan"].map(_amount),
        }
    )
    w = q.won
    won = pd.DataFrame(
        {
            "企业名称": _text(w["company_name"]),
            "环节": _text(w["segment_name"]),
            "阶段": _text(w["stage"]),
            "预计投资额（万元）": w["amount_wan"].map(_amount),
            "负责人": _text(w["owner"]),
            "进入阶段日期": _days(w["stage_since"]),
        }
    )
    st = q.stalled
    stalled = pd.DataFrame(
        {
            "企业名称": _text(st["company_name"]),
            "阶段": _text(st["stage"]),
            "停留天数": st["days_in_stage"].astype("Int64"),
            "三类三色": st["colour"].map({"yellow": "黄", "red": "红"}).fillna(""),
            "负责人": _text(st["owner"]),
            "下一步工作": _text(st["next_action"]),
        }
    )
    c = q.closed
    closed = pd.DataFrame(
        {
            "企业名称": _text(c["company_name"]),
            "登记状态": _text(c["company_status_raw"]),
            "阶段": _text(c["stage"]),
            "负责人": _text(c["owner"]),
        }
    )
    a = q.actions
    actions = pd.DataFrame(
        {
            "企业名称": _text(a["company_name"]),
            "下一步工作": _text(a["next_action"]),
            "完成期限": _days(a["due_date"]),
            "负责人": _text(a["owner"]),
            "阶段": _text(a["stage"]),
            "逾期": a["overdue"].map({True: "已逾期", False: ""}),
        }
    )
    no_prev = "（无上季度评分记录，列出本季度全部 A、B 类目标）" if q.previous is None else ""
    return [
        Section("一、产业链缺口：本季度与上季度", gaps, "本季度没有评分记录", ("上季度", "本季度")),
        Section(f"二、新增 A、B 类目标{no_prev}", new, "本季度没有新增 A、B 类目标", limit=5),
        Section("三、线索阶段分布", stages, "没有线索"),
        Section("四、已签约和已落地项目", won, "本链暂无已签约或已落地项目", limit=5),
        Section("五、停滞线索（黄色、红色提醒）", stalled, "没有停滞线索", ("三类三色",), limit=5),
        Section("六、企业已注销或吊销的线索", closed, "没有", limit=3),
        Section("七、下一步十项工作", actions, "没有待办的下一步工作"),
    ]
