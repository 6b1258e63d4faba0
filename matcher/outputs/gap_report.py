"""The zone's gap profile written out: a CSV table, a zone YAML that `load_zone` / `--zone` accept, or a
formatted xlsx report (chain summary, segment statuses in the status colours, local companies, method).

`profile` is a computed gap profile (`matcher.gaps.GapProfile`): its `segments`, `companies`, `counts`,
`zone`, `chains` and `sources`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd

from ..contract import GAP_COLUMNS
from ..errors import MatcherError
from ..ingest.normalize import STATUS_LABELS
from ..knowledge.chains import FAIR_RATIO, STATUS_COLOURS, zone_to_yaml
from .cells import neutralise, safe_frame

GAP_FORMATS = (".csv", ".yaml", ".yml", ".xlsx")


def gap_zone_yaml(profile) -> str:
    """A zone profile (YAML text) with the computed statuses, that `load_zone` / `--zone` accept."""
    zone = profile.to_zone()
    head = [
        f"# {zone.name} — 产业链缺口配置（由 matcher gaps 根据园区企业库测算生成）",
        f"# 企业库：{'、'.join(profile.sources) or '（未记录）'}；测算日期 {dt.date.today().isoformat()}",
        "# computed: true 的状态由企业库测算（覆盖 ≥ 目标 → 优势，≥ 目标一半 → 一般，> 0 → 薄弱，0 → 缺失），",
        "# 重新测算时会被更新；没有 computed / assumed 标记的状态是人工设定，测算时保留（人工设定优先）。",
        "",
    ]
    return zone_to_yaml(zone, profile.chains, header=head)


SEGMENT_SHEET = [
    ("chain_name", "产业链", 12),
    ("segment_name", "环节", 20),
    ("position", "链位", 6),
    ("local_count", "本地企业数", 9),
    ("coverage", "加权覆盖", 9),
    ("target_count", "目标数", 7),
    ("ratio", "覆盖率", 8),
    ("status", "状态", 7),
    ("computed_status", "测算状态", 9),
    ("overridden", "人工设定", 9),
    ("gap_weight", "缺口权重", 9),
    ("local_examples", "本地企业示例", 60),
    ("note", "说明", 50),
    ("chain_id", "产业链ID", 10),
    ("segment_id", "环节ID", 22),
]
COMPANY_SHEET = [
    ("company_name", "企业名称", 34),
    ("credit_code", "统一社会信用代码", 21),
    ("status", "登记状态", 9),
    ("chain_name", "产业链", 12),
    ("segment_name", "环节", 20),
    ("relevance", "相关度", 8),
    ("strength", "实力分", 8),
    ("weight", "覆盖权重", 9),
    ("counted", "计入覆盖", 9),
    ("source_file", "来源文件", 20),
    ("source_row", "来源行", 8),
]


def write_gap_workbook(profile, path) -> None:
    """The gap report: chain summary, segment table (status colours), local companies, method notes."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(
        str(path), {"strings_to_formulas": False, "strings_to_urls": False, "nan_inf_to_errors": True}
    )
    head = wb.add_format(
        {"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True, "valign": "vcenter"}
    )
    num = {
        "coverage": wb.add_format({"num_format": "0.00"}),
        "ratio": wb.add_format({"num_format": "0%"}),
        "gap_weight": wb.add_format({"num_format": "0.00"}),
        "relevance": wb.add_format({"num_format": "0.00"}),
        "strength": wb.add_format({"num_format": "0.00"}),
        "weight": wb.add_format({"num_format": "0.00"}),
    }
    status_fmt = {
        s: wb.add_format({"bg_color": c.fill, "font_color": c.text, "align": "center"})
        for s, c in STATUS_COLOURS.items()
    }
    seg = profile.segments

    # 1. per chain
    ws = wb.add_worksheet("产业链汇总")
    cols = ["产业链", "优先级", "环节数", "优势", "一般", "薄弱", "缺失", "人工设定", "本地企业数"]
    for j, c in enumerate(cols):
        ws.write_string(0, j, c, head)
        ws.set_column(j, j, 12 if j < 2 else 9)
    for i, (_cid, g) in enumerate(seg.groupby("chain_id", sort=False), start=1):
        ws.write_string(i, 0, neutralise(str(g["chain_name"].iloc[0])))
        ws.write_string(i, 1, str(g["priority_level"].iloc[0]))
        ws.write_number(i, 2, len(g))
        for j, s in enumerate(("优势", "一般", "薄弱", "缺失"), start=3):
            ws.write_number(i, j, int((g["status"] == s).sum()), status_fmt[s])
        ws.write_number(i, 7, int(g["overridden"].sum()))
        ws.write_number(i, 8, int(g["local_count"].sum()))
    ws.freeze_panes(1, 1)

    # 2. per segment, 3. local companies
    _sheet(wb, "环节缺口", seg, SEGMENT_SHEET, head, num, status_fmt)
    order = {(r.chain_id, r.segment_id): i for i, r in enumerate(seg.itertuples())}
    key = [
        order.get((c, s), len(order)) for c, s in zip(profile.companies["chain_id"], profile.companies["segment_id"])
    ]
    companies = profile.companies.assign(_order=key).sort_values(
        ["_order", "weight"], ascending=[True, False], kind="stable"
    )
    _sheet(wb, "本地企业", companies, COMPANY_SHEET, head, num, {})

    # 4. method
    ws = wb.add_worksheet("说明")
    ws.set_column(0, 0, 110)
    c = profile.counts
    lines = [
        f"园区：{profile.zone.name}；企业库：{'、'.join(profile.sources) or '（未记录）'}",
        f"读取 {c['read']} 行：企业 {c['scored']} 家，合并 {c['merged']}，拒收 {c['rejected']}；"
        f"归入产业链环节 {c['filed']} 家，计入覆盖 {c['counted']} 家（注销、吊销等不计）。",
        "归类：每家企业按与候选企业相同的规则匹配，只计入相关度最高的一个环节（相关度须达到最低相关度门槛）。",
        "加权覆盖：每家企业计 0.5 + 实力分（实力分 0–1，信息缺失按 0.5），一般企业计 1 家，实力强的最多计 1.5 家。",
        f"状态：加权覆盖 ≥ 目标数 → 优势；≥ 目标数的 {FAIR_RATIO:.0%} → 一般；> 0 → 薄弱；0 → 缺失。"
        "目标数来自产业链数据，可在园区配置中按环节改写（target_count）。",
        "人工设定：园区配置中未标 assumed / computed 的状态视为招商专班确认的结论，优先于测算结果。",
        "缺口权重按园区配置的 status_weights 由状态决定，用于候选企业评分。",
    ]
    for i, line in enumerate(lines):
        ws.write_string(i, 0, neutralise(line))
    wb.close()


def _sheet(wb, title, frame, spec, head, num, status_fmt) -> None:
    ws = wb.add_worksheet(title)
    for j, (_, label, width) in enumerate(spec):
        ws.set_column(j, j, width)
        ws.write_string(0, j, label, head)
    ws.freeze_panes(1, 2)
    data = [frame[c].to_numpy() if c in frame else np.full(len(frame), None, dtype=object) for c, _, _ in spec]
    for i in range(len(frame)):
        for j, (c, _, _) in enumerate(spec):
            v = data[j][i]
            if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
                continue
            if isinstance(v, (bool, np.bool_)):
                ws.write_string(i + 1, j, "是" if v else "否")
            elif isinstance(v, (int, float, np.integer, np.floating)):
                ws.write_number(i + 1, j, float(v), num.get(c))
            else:
                v = STATUS_LABELS.get(v, v) if c == "status" and title == "本地企业" else v
                ws.write_string(i + 1, j, neutralise(str(v)), status_fmt.get(v) if c.endswith("status") else None)
    ws.autofilter(0, 0, max(len(frame), 1), len(spec) - 1)


def write_gaps(profile, path) -> str:
    """Write the gap profile by suffix: .csv (GAP_COLUMNS, UTF-8 with BOM), .yaml/.yml (zone profile),
    .xlsx (gap report). Returns the path written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".csv":
        safe_frame(profile.segments[GAP_COLUMNS]).to_csv(path, index=False, encoding="utf-8-sig")
    elif suffix in (".yaml", ".yml"):
        path.write_text(gap_zone_yaml(profile), encoding="utf-8")
    elif suffix == ".xlsx":
        write_gap_workbook(profile, path)
    else:
        raise MatcherError(f"{path}: 不支持的输出格式“{path.suffix}”（支持 {' '.join(GAP_FORMATS)}）")
    return str(path)
