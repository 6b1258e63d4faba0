"""The one-page 企业简报 (company brief) an officer takes on a visit: HTML (self-contained, print CSS, A4)
and PDF (WeasyPrint, Debian's Noto CJK fonts embedded).

One page per company: what it does, why it fits (the reason's 匹配 part and, where a strong score is
kept at B, why), facts in officer units, contacts, risks, its place in the chain (chain · segment ·
上游 / 中游 / 下游 and the segment's gap status, beside the chain's other segments in their gap colours)
and a blank ruled box for the visit notes. Colours and tier labels are the ones every output uses
(`STATUS_COLOURS`, `TIER_COLOURS`); the reason's parts come from `matcher.engine.explain` (rendered from
the component row when the caller has a ScoreResult, else read from the saved reason text by the same
separator rule).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re

import numpy as np
import pandas as pd

from ..contract import CONTRACT_COLUMNS, EXTRA_COLUMNS, TIER_COLOURS, tier_labels
from ..engine.explain import named_reason_parts, split_named, wan_text
from ..errors import MatcherError
from ..ingest.normalize import STATUS_LABELS
from ..ingest.read import map_columns
from ..knowledge.chains import POSITIONS, STATUS_COLOURS, industry_codes, load_chains, load_zone, segment_table
from ..knowledge.settings import DEFAULTS, Settings

FORMATS = ("html", "pdf")
FONTS = '"Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "WenQuanYi Micro Hei", "Microsoft YaHei", sans-serif'
# how much of a long text fits its box on the one page
LIMITS = {"intro": 150, "products": 60, "scope": 110, "reason": 180, "address": 40}
NO_RISK = "名单中未见经营异常、失信被执行等风险记录（走访前请再核实）。"
NOTE_LINES = 5  # ruled lines in the visit-notes box

CSS = f"""
@page {{ size: A4 portrait; margin: 10mm 14mm 9mm 14mm; }}
* {{ box-sizing: border-box; }}
html, body {{ margin: 0; padding: 0; }}
body {{ font-family: {FONTS}; font-size: 9.5pt; line-height: 1.38; color: #1a1a1a; }}
.page {{ width: 182mm; page-break-after: always; break-after: page; }}
.page:last-child {{ page-break-after: auto; break-after: auto; }}
.top {{ display: flex; justify-content: space-between; font-size: 8.5pt; color: #555;
        border-bottom: 2px solid #1F4E79; padding-bottom: 1.5mm; }}
h1 {{ font-size: 16pt; margin: 2.5mm 0 1mm 0; color: #1F4E79; }}
.badges span {{ display: inline-block; padding: 0.4mm 2.5mm; border-radius: 1.5mm; margin-right: 2mm;
               font-weight: bold; font-size: 10pt; }}
.place {{ margin: 1.5mm 0 2mm 0; font-size: 10.5pt; }}
h2 {{ font-size: 10.5pt; margin: 1.8mm 0 0.6mm 0; color: #1F4E79; border-bottom: 1px solid #BFBFBF;
      padding-bottom: 0.5mm; }}
p {{ margin: 0.6mm 0; }}
.label {{ color: #555; }}
table.facts {{ width: 100%; border-collapse: collapse; font-size: 9.5pt; }}
table.facts td {{ border: 1px solid #D9D9D9; padding: 0.5mm 1.5mm; vertical-align: top; }}
table.facts td.k {{ width: 17%; background: #F2F2F2; color: #404040; white-space: nowrap; }}
table.facts td.v {{ width: 33%; }}
.chain {{ display: flex; gap: 2mm; font-size: 8.5pt; }}
.chain .col {{ flex: 1; }}
.chain .pos {{ text-align: center; font-weight: bold; background: #D9E1F2; padding: 0.5mm; margin-bottom: 1mm; }}
.chain .seg {{ display: inline-block; padding: 0 1.2mm; margin: 0 0.8mm 0.8mm 0; border: 1px solid #BFBFBF;
               font-size: 7.5pt; line-height: 1.35; }}
.chain .seg.here {{ border: 1.8px solid #1F4E79; font-weight: bold; font-size: 8.5pt; }}
.legend span {{ display: inline-block; padding: 0 2mm; margin-right: 1.5mm; font-size: 8pt; }}
.notes {{ border: 1.5px solid #7F7F7F; padding: 1.5mm 2mm 0 2mm; }}
.notes .head {{ display: flex; gap: 6mm; font-size: 9.5pt; margin-bottom: 1mm; }}
.notes .line {{ border-bottom: 1px solid #BFBFBF; height: 6.2mm; }}
.notes .line:last-child {{ border-bottom: none; }}
.foot {{ font-size: 8pt; color: #7F7F7F; border-top: 1px solid #D9D9D9; padding-top: 1mm; margin-top: 2mm; }}
"""


# --------------------------------------------------------------------------------------------
# finding companies


def _ranked_frame(ranked) -> pd.DataFrame:
    return ranked.ranked if hasattr(ranked, "ranked") else ranked


def find_companies(ranked, keys) -> list[int]:
    """The row (position in the ranked table) of every key — a company name or a 统一社会信用代码 — in
    the order given; a company on several rows (several chains) gives its best-scored row. Raises
    MatcherError naming the keys not found."""
    frame = _ranked_frame(ranked)
    keys = [keys] if isinstance(keys, str) else list(keys)
    order = np.argsort(-pd.to_numeric(frame["score"], errors="coerce").fillna(0).to_numpy(), kind="stable")
    first: dict[str, int] = {}
    for col in ("company_name", "credit_code"):  # a name wins over a code that happens to read the same
        if col not in frame:
            continue
        for pos, v in zip(order, frame[col].to_numpy(dtype=object)[order]):
            if isinstance(v, str) and v.strip():
                first.setdefault(_norm_key(v), int(pos))
    out, missing = [], []
    for key in keys:
        hit = first.get(_norm_key(key))
        (out if hit is not None else missing).append(hit if hit is not None else str(key))
    if missing:
        raise MatcherError(f"名单中没有这些企业（按企业名称或统一社会信用代码查找）：{'、'.join(missing)}")
    return out


def _norm_key(text) -> str:
    s = str(text).strip().upper().replace("（", "(").replace("）", ")")
    return re.sub(r"\s+", "", s)


# --------------------------------------------------------------------------------------------
# facts from a ranked row


def _originals(ranked, frame: pd.DataFrame) -> dict[str, str]:
    """canonical field -> the column of the ranked table holding its original values."""
    if hasattr(ranked, "tables") and ranked.tables:
        from .workbook import original_columns

        out = {}
        for f in ("intro", "products", "scope", "phone", "email", "website", "address", "legal_rep", "qualifications"):
            cols = original_columns(ranked, f)
            if cols:
                out[f] = cols[0]
        for f in ("listing", "financing"):
            cols = original_columns(ranked, f)
            if cols:
                out[f] = cols[0]
        return out
    taken = set(CONTRACT_COLUMNS) | set(EXTRA_COLUMNS)
    headers = [c for c in frame.columns if isinstance(c, str) and c not in taken and not c.startswith("_")]
    return {f: h for h, f in map_columns(headers).items()}


def _text(v) -> str:
    if v is None or v is pd.NA or v is pd.NaT:
        return ""
    if isinstance(v, float):
        if math.isnan(v):
            return ""
        if v.is_integer():
            v = int(v)
    s = str(v).strip()
    return "" if s.lower() in ("nan", "none", "-", "--", "—", "——") else s


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _number(v) -> float | None:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def _years(founded, today: dt.date) -> str:
    when = pd.to_datetime(founded, errors="coerce")
    if pd.isna(when):
        return ""
    years = (pd.Timestamp(today) - when).days / 365.25
    return f"{when.date().isoformat()}（成立{'不满1' if years < 1 else f'{years:.0f}'}年）"


def _facts(row, orig: dict, today: dt.date) -> list[tuple[str, str]]:
    get = row.get
    status = _text(get("status_raw")) or STATUS_LABELS.get(_text(get("status")), "")
    cap = _number(get("registered_capital_wan"))
    emp = _number(get("employees"))
    province, city = _text(get("province")), _text(get("city"))
    code = _text(get("industry_code"))
    label = industry_codes().get(code, "") if code else ""
    dist = _number(get("distance_km"))
    tags = [_text(get(orig[f])) for f in ("qualifications", "listing", "financing") if f in orig]
    branch = bool(get("is_branch")) if get("is_branch") is not None and not pd.isna(get("is_branch")) else False
    return [
        ("统一社会信用代码", _text(get("credit_code"))),
        ("登记状态", status + ("（分支机构）" if branch else "")),
        ("注册资本", wan_text(cap) if cap is not None else ""),
        ("成立日期", _years(get("founded"), today)),
        ("参保人数", f"{emp:.0f}人" if emp is not None else ""),
        ("所在地", province + (city if city != province else "")),
        ("所属行业", label or code),
        ("距园区", f"约{dist:.0f}公里" if dist is not None else ""),
        ("资质与融资", "，".join(t for t in tags if t)),
        ("法定代表人", _text(get(orig["legal_rep"])) if "legal_rep" in orig else ""),
    ]


# --------------------------------------------------------------------------------------------
# the page


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _chain_strip(chain_id, segment_id, seg: pd.DataFrame) -> str:
    rows = seg[seg["chain_id"] == chain_id]
    if rows.empty:
        return ""
    cols = []
    for p in POSITIONS:
        items = []
        for s in rows[rows["position"] == p].itertuples():
            colour = STATUS_COLOURS.get(s.status)
            style = f' style="background:{colour.fill};color:{colour.text}"' if colour else ""
            here = " here" if s.segment_id == segment_id else ""
            items.append(f'<span class="seg{here}"{style}>{_e(s.segment_name)}</span>')
        cols.append(f'<div class="col"><div class="pos">{p}</div>{"".join(items)}</div>')
    legend = "".join(
        f'<span style="background:{c.fill};color:{c.text}">{_e(k)}</span>' for k, c in STATUS_COLOURS.items()
    )
    return (
        f'<div class="chain">{"".join(cols)}</div>'
        f'<p class="legend"><span class="label">园区现状：</span>{legend}'
        f'<span class="label">（粗框为本企业所在环节）</span></p>'
    )


def _page(row, parts: dict, orig: dict, seg: pd.DataFrame, zone_name: str, today: dt.date, tier: str) -> str:
    get = row.get
    name = _text(get("company_name"))
    chain_name, segment_name = _text(get("chain_name")), _text(get("segment_name"))
    position, status = _text(get("position")), _text(get("gap_status"))
    score = _number(get("score"))
    bg, fg = TIER_COLOURS.get(tier, ("#EDEDED", "#404040"))
    tier_text = f"{tier} 类" if tier in ("A", "B", "C") else tier
    badges = f'<span style="background:{bg};color:{fg}">{_e(tier_text)}</span>'
    if score is not None and chain_name:
        badges += f'<span style="background:#F2F2F2;color:#1F4E79">得分 {score:.1f}</span>'
    if chain_name:
        colour = STATUS_COLOURS.get(status)
        chip = (
            f'<span style="background:{colour.fill};color:{colour.text};padding:0 1.5mm">{_e(status)}</span>'
            if colour
            else _e(status)
        )
        place = (
            f'<div class="place"><span class="label">产业链位置：</span><b>{_e(chain_name)}</b> · '
            f"{_e(segment_name)} · {_e(position)}　<span class='label'>园区该环节：</span>{chip}</div>"
        )
    else:
        place = '<div class="place">未匹配到园区重点产业链的环节</div>'
    does = []
    for f, label in (("intro", "企业简介"), ("products", "主营产品"), ("scope", "经营范围")):
        text = _text(get(orig[f])) if f in orig else ""
        if text:
            does.append(f'<p><span class="label">{label}：</span>{_e(_cut(text, LIMITS[f]))}</p>')
    if not does:
        does.append('<p class="label">名单中没有简介、主营产品或经营范围。</p>')
    why = [parts.get("local", ""), parts.get("match", ""), parts.get("tier", "")]
    why_html = "".join(f"<p>{_e(_cut(w, LIMITS['reason']))}</p>" for w in why if w)
    scale = parts.get("strength", "")
    facts = _facts(row, orig, today)
    cells = []
    for i in range(0, len(facts), 2):
        pair = facts[i : i + 2]
        cells.append(
            "<tr>" + "".join(f'<td class="k">{_e(k)}</td><td class="v">{_e(v) or "—"}</td>' for k, v in pair) + "</tr>"
        )
    contacts = [
        ("电话", _text(get(orig["phone"])) if "phone" in orig else ""),
        ("邮箱", _text(get(orig["email"])) if "email" in orig else ""),
        ("网址", _text(get(orig["website"])) if "website" in orig else ""),
        ("企业地址", _cut(_text(get(orig["address"])), LIMITS["address"]) if "address" in orig else ""),
    ]
    cells += [
        "<tr>"
        + "".join(f'<td class="k">{_e(k)}</td><td class="v">{_e(v) or "—"}</td>' for k, v in contacts[i : i + 2])
        + "</tr>"
        for i in (0, 2)
    ]
    risk = parts.get("risk", "")
    risk_html = _e(risk.removeprefix("风险：")) if risk else _e(NO_RISK)
    lines = "".join('<div class="line"></div>' for _ in range(NOTE_LINES))
    return f"""<section class="page">
<div class="top"><span>{_e(zone_name)} · 企业简报</span><span>生成日期 {today.isoformat()}</span></div>
<h1>{_e(name)}</h1>
<div class="badges">{badges}</div>
{place}
<h2>一、企业做什么</h2>
{"".join(does)}
<h2>二、为什么推荐</h2>
{why_html}{f"<p><span class='label'>规模：</span>{_e(scale)}</p>" if scale else ""}
<h2>三、基本情况与联系方式</h2>
<table class="facts">{"".join(cells)}</table>
<h2>四、风险提示</h2>
<p>{risk_html}</p>
<h2>五、在产业链中的位置</h2>
{_chain_strip(get("chain_id"), get("segment_id"), seg) or "<p>—</p>"}
<h2>六、走访记录</h2>
<div class="notes"><div class="head"><span>走访日期：__________</span><span>走访人：__________</span>
<span>对接人及职务：________________</span></div>{lines}</div>
<div class="foot">数据来自企业名单导出与园区缺口画像，仅供招商走访参考；走访时请核实企业最新情况。</div>
</section>"""


def brief_html(
    ranked,
    keys,
    *,
    settings: Settings | None = None,
    chains=None,
    zone=None,
    generated: dt.date | None = None,
) -> str:
    """The brief of every company in `keys` (a name or credit code, or a list of them) as one
    self-contained HTML document, one A4 page each. `ranked`: a ScoreResult (its chains, zone and
    settings are used) or a ranked table (e.g. read from a saved .parquet)."""
    frame = _ranked_frame(ranked)
    rows = find_companies(ranked, keys)
    settings = settings or getattr(ranked, "settings", None) or DEFAULTS
    chains = chains if chains is not None else getattr(ranked, "chains", None)
    chains = chains if chains is not None else load_chains()
    zone = zone if zone is not None else getattr(ranked, "zone", None)
    if zone is None or not hasattr(zone, "chains"):
        zone = load_zone(zone, chains=chains)
    seg = segment_table(chains, zone)
    today = generated or dt.date.today()
    orig = _originals(ranked, frame)
    components = getattr(ranked, "components", None)
    labels = tier_labels(frame.iloc[rows]).tolist()
    pages = []
    for pos, tier in zip(rows, labels):
        row = frame.iloc[pos]
        if components is not None and len(components) == len(frame):
            parts = named_reason_parts(components.iloc[pos], settings)
        else:
            parts = split_named(row.get("reasons"))
        pages.append(_page(row, parts, orig, seg, zone.name, today, tier))
    title = "企业简报：" + "、".join(_text(frame.iloc[p]["company_name"]) for p in rows[:3])
    return (
        '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{_e(title)}</title><style>{CSS}</style></head><body>{''.join(pages)}</body></html>"
    )


def brief_bytes(ranked, key, *, fmt: str = "html", settings: Settings | None = None, **kwargs) -> bytes:
    """The 企业简报 of the company `key` (a company name or 统一社会信用代码 found in `ranked`; a list of
    keys gives one page each) as bytes: fmt "html" (UTF-8, self-contained, prints on A4) or "pdf"
    (WeasyPrint, fonts embedded). `ranked`: a ScoreResult or a ranked table. Raises MatcherError for a
    company not in the table or an unknown format."""
    if fmt not in FORMATS:
        raise MatcherError(f"简报格式只能是 {' / '.join(FORMATS)}（收到 {fmt}）")
    text = brief_html(ranked, key, settings=settings, **kwargs)
    if fmt == "html":
        return text.encode("utf-8")
    return html_to_pdf(text)


def html_to_pdf(text: str) -> bytes:
    """A brief's HTML as PDF through WeasyPrint (offline: every resource is in the document or a system font)."""
    import logging

    try:
        from weasyprint import HTML
    except (ImportError, OSError):  # WeasyPrint lays text out with the system's Pango library
        raise MatcherError(
            "生成 PDF 需要系统组件 Pango（Debian/Ubuntu：apt-get install libpango-1.0-0 libpangoft2-1.0-0）"
            "和中文字体 fonts-noto-cjk；也可先输出 .html 文件，用浏览器打印"
        ) from None
    logging.getLogger("weasyprint").setLevel(logging.ERROR)  # font-subsetting notes are not the officer's business
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    return HTML(string=text).write_pdf()
