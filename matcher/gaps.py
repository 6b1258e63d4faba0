"""The zone's own gap profile, computed from its enterprise list (企业库), and the 本地企业 marking.

Owns how a zone's local companies become segment statuses: every local company is read, merged and
filed with the same engine as candidates (`score_frame`), under its single best segment when that
relevance reaches `Settings.min_relevance` (one segment per company: on the synthetic sample the best
segment is the right chain for 93.5 % of companies, a second chain's best segment for under 10 %, and
relevance ≥ min_relevance in every segment would put each company in ~14 segments because of same-chain
support). Per segment it counts the local companies that are not inactive (`local_count`) and their
strength-weighted coverage (each company counts 0.5 + strength: 1 for an average company, up to 1.5 for a
strong one, down to 0.5 for a shell), compares the coverage with the target count (chain data
`target_count`, overridable per segment in the zone file) and derives the status: coverage ≥ target →
优势, ≥ half the target → 一般, > 0 → 薄弱, none → 缺失; the gap weight follows from the zone's
`status_weights`. A status an officer wrote in the zone file (neither `assumed: true` nor
`computed: true`) wins over the computed one and is marked `overridden`. Writes the profile as a CSV
table, as a zone YAML that `matcher score --zone` accepts, or as a formatted xlsx report.
`mark_local()` flags candidates that are already in the zone (same credit code or normalised name):
tier 本地, score 0, so they are 强链 partners rather than 补链 targets.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

import numpy as np
import pandas as pd

from .chains import Chain, SegmentStatus, Zone, load_chains, load_zone, segment_table, zone_to_yaml
from .config import DEFAULTS, Settings
from .dedupe import code_keys, normalise_names
from .errors import MatcherError
from .normalize import STATUS_LABELS
from .export import neutralise, safe_frame
from .pipeline import ReadResult, best_first, read_companies, score_frame

# coverage / target at or above which a segment is 优势, resp. 一般; any coverage > 0 is 薄弱, none 缺失
STRONG_RATIO = 1.0
FAIR_RATIO = 0.5
EXAMPLES = 5  # local companies named as evidence per segment
LOCAL_TIER = "本地"

GAP_COLUMNS = ["chain_id", "chain_name", "segment_id", "segment_name", "position", "local_count", "coverage",
               "target_count", "status", "gap_weight", "overridden", "local_examples"]
LOCAL_COLUMNS = ["company_name", "credit_code", "status", "chain_id", "chain_name", "segment_id", "segment_name",
                 "relevance", "strength", "weight", "counted", "source_file", "source_row"]
GAP_FORMATS = (".csv", ".yaml", ".yml", ".xlsx")


@dataclass
class GapProfile:
    """Result of a gap computation.

    segments: one row per chain segment — `GAP_COLUMNS`, then `computed_status` (from the local list),
      `zone_status` (what the zone file said), `ratio` (coverage / target), `priority_level`, `note`.
    companies: one row per local company after merging (`LOCAL_COLUMNS`); `counted` says whether it
      counts towards its segment (filed under a segment and not inactive).
    counts: read / scored / merged / rejected (as for scoring), filed, counted.
    zone: the zone profile the computation started from; chains: the chains used.
    """

    segments: pd.DataFrame
    companies: pd.DataFrame
    counts: dict
    zone: Zone
    chains: dict
    sources: tuple = ()

    def summary(self) -> str:
        c = self.counts
        by = self.segments["status"].value_counts()
        statuses = "，".join(f"{s} {int(by.get(s, 0))}" for s in ("优势", "一般", "薄弱", "缺失"))
        return (f"企业库 {c['scored']} 家（计入环节 {c['counted']} 家）；{len(self.segments)} 个环节：{statuses}"
                f"（人工设定 {int(self.segments['overridden'].sum())}）")

    def to_zone(self) -> Zone:
        """The zone profile with the computed statuses (officer-set statuses kept), for scoring."""
        chains = {}
        for cid, zc in self.zone.chains.items():
            segs = dict(zc.segments)
            for r in self.segments[self.segments["chain_id"] == cid].itertuples():
                segs[r.segment_id] = _segment_status(r, zc.segments.get(r.segment_id))
            chains[cid] = replace(zc, segments=segs)
        return replace(self.zone, chains=chains, source=f"{self.zone.source}（企业库测算）")


# --------------------------------------------------------------------------------------------
# computing


def strength_weight(strength) -> np.ndarray:
    """A local company's share of coverage: 0.5 + strength (strength in [0, 1], 0.5 when unknown)."""
    s = pd.Series(strength, dtype=float).fillna(0.5).clip(0, 1).to_numpy()
    return 0.5 + s


def gap_status(coverage, target, strong: float = STRONG_RATIO, fair: float = FAIR_RATIO) -> np.ndarray:
    """优势 / 一般 / 薄弱 / 缺失 from coverage and target count (element-wise)."""
    cov = np.asarray(coverage, dtype=float)
    ratio = cov / np.maximum(np.asarray(target, dtype=float), 1e-9)
    return np.select([ratio >= strong, ratio >= fair, cov > 0], ["优势", "一般", "薄弱"], "缺失").astype(object)


def compute_gaps(read: ReadResult, chains: dict[str, Chain] | None = None, zone: Zone | None = None,
                 settings: Settings = DEFAULTS, as_of=None, progress=None, sources: Iterable = ()) -> GapProfile:
    """Gap profile of a zone from its enterprise list (already read with `read_companies`)."""
    chains = chains if chains is not None else load_chains()
    zone = zone if zone is not None else load_zone(chains=chains)
    result = score_frame(read, chains, zone, settings, per_chain=False, progress=progress, as_of=as_of)
    r = result.ranked
    filed = r["chain_id"].notna().to_numpy()
    counted = filed & (r["status"] != "inactive").to_numpy()
    companies = pd.DataFrame({c: r[c] for c in LOCAL_COLUMNS if c in r})
    companies["weight"] = np.where(counted, np.round(strength_weight(r["strength"]), 2), 0.0)
    companies["counted"] = counted
    companies = companies[LOCAL_COLUMNS]

    seg = segment_table(chains, zone)
    cnt = companies[counted].sort_values(["weight", "relevance"], ascending=False, kind="stable")
    groups = cnt.groupby(["chain_id", "segment_id"], sort=False)
    stats = pd.DataFrame({
        "local_count": groups.size(),
        "coverage": groups["weight"].sum(),
        "local_examples": groups["company_name"].agg(lambda names: "；".join(names.astype(str).head(EXAMPLES))),
    }).reset_index()
    table = seg.merge(stats, on=["chain_id", "segment_id"], how="left")
    table["local_count"] = table["local_count"].fillna(0).astype(int)
    table["coverage"] = table["coverage"].fillna(0.0).astype(float).round(2)
    table["local_examples"] = table["local_examples"].fillna("")
    table["target_count"] = table["target_count"].astype(int)
    table["ratio"] = (table["coverage"] / table["target_count"]).round(3)
    table["computed_status"] = gap_status(table["coverage"], table["target_count"])
    table["zone_status"] = table["status"]
    officer = ~table["assumed"].astype(bool) & ~table["computed"].astype(bool)
    table["overridden"] = officer.to_numpy()
    table["status"] = np.where(officer, table["zone_status"], table["computed_status"])
    table["gap_weight"] = table["status"].map(zone.status_weights).astype(float)
    table["note"] = [_note(r, zone.segment_status(r.chain_id, r.segment_id)) for r in table.itertuples()]
    segments = table[GAP_COLUMNS + ["computed_status", "zone_status", "ratio", "priority_level", "note"]]
    counts = {**result.counts, "filed": int(filed.sum()), "counted": int(counted.sum())}
    return GapProfile(segments.reset_index(drop=True), companies.reset_index(drop=True), counts, zone, chains,
                      tuple(str(s) for s in sources))


def gaps_files(paths: Iterable, zone=None, settings: Settings | None = None, chains: dict[str, Chain] | None = None,
               column_map: dict[str, str] | None = None, as_of=None, progress=None) -> GapProfile:
    """Read the zone's enterprise list (any format `read_companies` takes) and compute its gap profile.
    `zone` may be a Zone or a path (default: the shipped zone); its officer-set statuses win."""
    chains = chains if chains is not None else load_chains()
    if zone is None or isinstance(zone, (str, Path)):
        zone = load_zone(zone, chains=chains)
    paths = [Path(p) for p in paths]
    read = read_companies(paths, column_map)
    return compute_gaps(read, chains, zone, settings or DEFAULTS, as_of, progress, sources=[p.name for p in paths])


def _note(r, zone_st: SegmentStatus) -> str:
    measured = f"企业库测算：本地{r.local_count}家，加权覆盖{r.coverage:g}/目标{r.target_count}"
    if r.overridden:
        return f"人工设定{r.status}（{measured}，测算为{r.computed_status}）" + (f"；{zone_st.note}" if zone_st.note else "")
    return measured


def _segment_status(r, old: SegmentStatus | None) -> SegmentStatus:
    target = old.target_count if old is not None else None
    if r.overridden:
        return old
    return SegmentStatus(r.status, assumed=False, note=r.note, target_count=target, computed=True)


# --------------------------------------------------------------------------------------------
# already local


def local_matches(frame: pd.DataFrame, local) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(is_local, how it matched — 统一社会信用代码 / 企业名称 / '', the local company's name) for every
    row of `frame` (any frame with company_name and credit_code). `local` is a frame like
    `read_companies(...).companies` or a `GapProfile`; local rows marked inactive (注销 / 迁出 …) do
    not count: they are no longer in the zone."""
    if isinstance(local, GapProfile):
        local = local.companies
    for c in ("company_name", "credit_code"):
        if c not in local:
            raise MatcherError(f"园区企业库缺少“{c}”列，无法识别本地企业")
    if "status" in local:
        local = local[local["status"] != "inactive"]
    local = local[local["company_name"].notna() | local["credit_code"].notna()]
    by_code = dict(zip(code_keys(local["credit_code"]), local["company_name"]))
    by_code = {k: v for k, v in by_code.items() if isinstance(k, str)}
    by_name = {k: v for k, v in zip(normalise_names(local["company_name"]), local["company_name"]) if k}
    codes = pd.Series(code_keys(frame["credit_code"]) if "credit_code" in frame else None, index=frame.index,
                      dtype=object)
    code_hit = codes.map(lambda k: by_code.get(k) if isinstance(k, str) else None)
    name_hit = normalise_names(frame["company_name"]).map(lambda k: by_name.get(k) if k else None)
    is_code = code_hit.notna().to_numpy()
    is_name = ~is_code & name_hit.notna().to_numpy()
    how = np.select([is_code, is_name], ["统一社会信用代码", "企业名称"], "").astype(object)
    return is_code | is_name, how, np.where(is_code, code_hit.to_numpy(dtype=object), name_hit.to_numpy(dtype=object))


def mark_local(ranked: pd.DataFrame, local, resort: bool = True) -> pd.DataFrame:
    """Flag candidates already in the zone's enterprise list (see `local_matches`).

    Adds `is_local` and `local_match`; local rows get tier 本地 and score 0 (they keep chain and
    segment: 强链 partners, not 补链 targets) and, unless resort=False, the table is re-sorted.
    """
    is_local, how, matched = local_matches(ranked, local)
    out = ranked.copy()
    out["is_local"] = is_local
    out["local_match"] = how
    if is_local.any():
        prefix = pd.Series([f"本地企业（园区企业库已有“{m}”，按{h}匹配）：强链对象，不作为补链目标 | "
                            for m, h in zip(matched[is_local], how[is_local])],
                           index=out.index[is_local], dtype=object)
        out.loc[is_local, "reasons"] = prefix + out.loc[is_local, "reasons"].fillna("").astype(str)
        out.loc[is_local, "score"] = 0.0
        out.loc[is_local, "tier"] = LOCAL_TIER
    if is_local.any() and resort:
        out = out.iloc[best_first(out)].reset_index(drop=True)
    return out


# --------------------------------------------------------------------------------------------
# writing


def gap_zone_yaml(profile: GapProfile) -> str:
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


STATUS_COLOURS = {"优势": "#C6EFCE", "一般": "#FFEB9C", "薄弱": "#F8CBAD", "缺失": "#FF9999"}
SEGMENT_SHEET = [
    ("chain_name", "产业链", 12), ("segment_name", "环节", 20), ("position", "链位", 6),
    ("local_count", "本地企业数", 9), ("coverage", "加权覆盖", 9), ("target_count", "目标数", 7),
    ("ratio", "覆盖率", 8), ("status", "状态", 7), ("computed_status", "测算状态", 9),
    ("overridden", "人工设定", 9), ("gap_weight", "缺口权重", 9), ("local_examples", "本地企业示例", 60),
    ("note", "说明", 50), ("chain_id", "产业链ID", 10), ("segment_id", "环节ID", 22),
]
COMPANY_SHEET = [
    ("company_name", "企业名称", 34), ("credit_code", "统一社会信用代码", 21), ("status", "登记状态", 9),
    ("chain_name", "产业链", 12), ("segment_name", "环节", 20), ("relevance", "相关度", 8),
    ("strength", "实力分", 8), ("weight", "覆盖权重", 9), ("counted", "计入覆盖", 9),
    ("source_file", "来源文件", 20), ("source_row", "来源行", 8),
]


def write_gap_workbook(profile: GapProfile, path) -> None:
    """The gap report: chain summary, segment table (status colours), local companies, method notes."""
    import xlsxwriter

    wb = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_urls": False,
                                         "nan_inf_to_errors": True})
    head = wb.add_format({"bold": True, "bg_color": "#1F4E79", "font_color": "#FFFFFF", "text_wrap": True,
                          "valign": "vcenter"})
    num = {"coverage": wb.add_format({"num_format": "0.00"}), "ratio": wb.add_format({"num_format": "0%"}),
           "gap_weight": wb.add_format({"num_format": "0.00"}), "relevance": wb.add_format({"num_format": "0.00"}),
           "strength": wb.add_format({"num_format": "0.00"}), "weight": wb.add_format({"num_format": "0.00"})}
    status_fmt = {s: wb.add_format({"bg_color": c, "align": "center"}) for s, c in STATUS_COLOURS.items()}
    seg = profile.segments

    # 1. per chain
    ws = wb.add_worksheet("产业链汇总")
    cols = ["产业链", "优先级", "环节数", "优势", "一般", "薄弱", "缺失", "人工设定", "本地企业数"]
    for j, c in enumerate(cols):
        ws.write_string(0, j, c, head)
        ws.set_column(j, j, 12 if j < 2 else 9)
    for i, (cid, g) in enumerate(seg.groupby("chain_id", sort=False), start=1):
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
    key = [order.get((c, s), len(order)) for c, s in zip(profile.companies["chain_id"], profile.companies["segment_id"])]
    companies = profile.companies.assign(_order=key).sort_values(["_order", "weight"], ascending=[True, False],
                                                                 kind="stable")
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
    for j, (c, label, width) in enumerate(spec):
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


def write_gaps(profile: GapProfile, path) -> str:
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
