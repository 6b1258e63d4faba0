"""招商地图: chain maps and geographic maps of the targets, as ECharts options and as one offline HTML file.

Owns how a ranking is drawn. `segment_summary()` counts A / B / C targets per chain segment and keeps
each segment's best-scored companies; `chain_map_option()` lays a chain's segments out 上游 → 中游 →
下游 (or all eight chains, one row each) as an ECharts graph coloured by the zone's gap status
(优势 / 一般 / 薄弱 / 缺失); `geo_map_option()` fills provinces by target count or total score, puts a
bubble on every prefecture city, marks the zone and draws 配套半径 rings. Options are plain
JSON-ready dicts (no JavaScript functions): tooltips are pre-rendered, HTML-escaped strings, so the
same dicts serve the app and the file. Boundaries are the simplified national-standard map under
`data/geo/` (南海诸岛 as an inset, 台湾 included; see its README). `map_html()` writes one
self-contained page — the vendored ECharts library, the boundaries and the data inlined, a
Content-Security-Policy that forbids every network load — which opens from file:// offline.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd

from ..engine.filing import chain_view
from ..engine.geo import EARTH_RADIUS_KM, city_point, haversine_km, ring, zone_point
from ..errors import MatcherError
from ..knowledge.chains import POSITIONS, STATUS_COLOURS, STATUSES, Chain, Zone, load_chains, load_zone, segment_table
from ..knowledge.settings import DATA_DIR, DEFAULT_RADIUS_KM

TARGET_TIERS = ("A", "B")  # tiers counted as targets on the maps
TOP_TARGETS = 5  # companies listed in a segment's / region's tooltip
MAP_NAME = "chainmatch-china"
INSET_MAP_NAME = "chainmatch-south-sea"
GEO_DIR = DATA_DIR / "geo"
ECHARTS_DIR = DATA_DIR / "vendor" / "echarts"
METRICS = {"count": "目标企业数", "score": "目标得分合计"}
VIEWS = ("national", "local")  # all of China with the 南海诸岛 inset / the zone's surroundings
LOCAL_MARGIN = 1.7  # the 园区周边 view spans this many times the largest radius on each side

# chain map layout (pixels; the chart is sized so that one layout unit is one pixel)
_TILE_W, _TILE_H, _GAP_Y, _COL_GAP, _HEAD_H = 210, 46, 12, 70, 34
_O_TILE_W, _O_TILE_H, _O_GAP, _O_PER_ROW, _O_CELL_GAP, _O_LABEL_W, _O_ROW_GAP = 132, 40, 8, 2, 36, 120, 22
_CHART_PAD, _TITLE_H = 24, 86
# geographic map layout
GEO_WIDTH, GEO_HEIGHT = 1000, 720
_MAIN_BOX = ((73.0, 54.0), (140.0, 16.5))  # (lon_min, lat_max), (lon_max, lat_min) of the main frame
_MAIN_ASPECT, _INSET_ASPECT = 0.78, 0.95
_SOUTH_EDGE = 17.5  # polygons and dashes wholly south of this latitude are shown only in the inset
_REQUIRED = ("company_name", "province", "city", "chain_id", "segment_id", "score", "tier")


# --------------------------------------------------------------------------------------------
# small helpers


# the sections of a map page (map_html(parts=...)): overview of every chain, chain maps, geographic map
PARTS = ("overview", "chains", "geo")


def _esc(value) -> str:
    """Text for a pre-rendered tooltip: HTML-escaped, and ECharts template braces neutralised."""
    text = "" if value is None or (isinstance(value, float) and math.isnan(value)) else str(value)
    return html.escape(text, quote=True).replace("{", "&#123;").replace("}", "&#125;")


def _label(text: str) -> str:
    """Text for a canvas label: ECharts rich-text braces and template markers neutralised."""
    return str(text).replace("{", "｛").replace("}", "｝")


def _tip(html_text: str) -> dict:
    return {"formatter": html_text}


def _ranked(obj) -> pd.DataFrame:
    """The columns the maps use (a narrow copy: rankings carry every original column too)."""
    # a scored result: every chain a company serves (its per-chain view); a table is drawn as it is
    frame = chain_view(obj).ranked if hasattr(obj, "components") and hasattr(obj, "ranked") else obj
    if not isinstance(frame, pd.DataFrame):
        raise MatcherError("招商地图需要评分结果（ScoreResult 或排名表）")
    missing = [c for c in _REQUIRED if c not in frame.columns]
    if missing:
        raise MatcherError(f"排名表缺少列：{', '.join(missing)}（请使用 score_files 的结果）")
    keep = [c for c in (*_REQUIRED, "segment_name", "source_file", "source_row") if c in frame.columns]
    out = frame[keep].copy()
    out["score"] = pd.to_numeric(out["score"], errors="coerce").fillna(0.0)
    if "segment_name" not in out.columns:
        out["segment_name"] = None
    return out


def _fmt_score(x) -> str:
    return f"{float(x):.1f}"


def _records(rows: pd.DataFrame) -> list[dict]:
    cols = ("company_name", "city", "segment_name", "score", "tier")
    return [dict(zip(cols, values)) for values in zip(*(rows[c].tolist() for c in cols))]


def _company_lines(records: list[dict], with_segment: bool = False) -> str:
    lines = []
    for i, r in enumerate(records, 1):
        city, segment = r.get("city"), r.get("segment_name")
        where = f"（{_esc(city)}）" if isinstance(city, str) and city else ""
        seg = f" · {_esc(segment)}" if with_segment and isinstance(segment, str) else ""
        lines.append(f"{i}. {_esc(r['company_name'])}{where}{seg}　{_fmt_score(r['score'])}（{_esc(r['tier'])}）")
    return "<br/>".join(lines)


def _targets(ranked: pd.DataFrame, chain_id: str | None, tiers=TARGET_TIERS) -> pd.DataFrame:
    rows = ranked[ranked["tier"].isin(tiers) & (ranked["score"] > 0)]
    if chain_id is not None:
        return rows[rows["chain_id"] == chain_id]
    # all chains: a company listed under several chains (per-chain ranking) counts once, at its best
    key = [c for c in ("company_name", "source_file", "source_row") if c in rows.columns]
    return rows.sort_values("score", ascending=False, kind="stable").drop_duplicates(key)


# --------------------------------------------------------------------------------------------
# chain maps


def segment_summary(
    ranked, chains: dict[str, Chain] | None = None, zone: Zone | None = None, top: int = TOP_TARGETS
) -> pd.DataFrame:
    """One row per chain segment (segment_table columns) plus n_a, n_b, n_c and `top`: the best
    `top` scored companies of the segment as a list of {company_name, city, score, tier}; and, the
    same on every segment row of a chain, level_a, level_b, level_c: the chain's companies filed at
    chain level (segment to verify), which fill no segment. `ranked`: a scored result (drawn per
    chain: a company in two chains counts in both) or a ranked table."""
    ranked = _ranked(ranked)
    chains = chains if chains is not None else load_chains()
    zone = zone if zone is not None else load_zone(chains=chains)
    table = segment_table(chains, zone)
    scored = ranked[(ranked["score"] > 0) & ranked["segment_id"].notna()]
    counts = (
        scored[scored["tier"].isin(("A", "B", "C"))]
        .groupby(["chain_id", "segment_id", "tier"])
        .size()
        .unstack("tier")
        .reindex(columns=["A", "B", "C"])
        .fillna(0)
        .astype(int)
        .rename(columns={"A": "n_a", "B": "n_b", "C": "n_c"})
        .reset_index()
    )
    table = table.merge(counts, on=["chain_id", "segment_id"], how="left")
    for c in ("n_a", "n_b", "n_c"):
        table[c] = table[c].fillna(0).astype(int)
    best = (  # the targets listed: A / B only (C is not a 重点目标)
        scored[scored["tier"].isin(TARGET_TIERS)]
        .sort_values("score", ascending=False, kind="stable")
        .groupby(["chain_id", "segment_id"], sort=False)
        .head(top)
    )
    lists: dict = {}
    for cid, sid, name, city, score, tier in zip(
        *(best[c].tolist() for c in ("chain_id", "segment_id", "company_name", "city", "score", "tier"))
    ):
        lists.setdefault((cid, sid), []).append(
            {"company_name": name, "city": city, "score": float(score), "tier": tier}
        )
    table["top"] = [lists.get((c, s), []) for c, s in zip(table["chain_id"], table["segment_id"])]
    level = ranked[(ranked["score"] > 0) & ranked["segment_id"].isna() & ranked["chain_id"].notna()]
    per_chain = level[level["tier"].isin(("A", "B", "C"))].groupby(["chain_id", "tier"]).size()
    for t in ("A", "B", "C"):
        n = per_chain.xs(t, level="tier") if t in per_chain.index.get_level_values("tier") else pd.Series(dtype=int)
        table[f"level_{t.lower()}"] = table["chain_id"].map(n).fillna(0).astype(int)
    return table


def _segment_tooltip(r) -> str:
    assumed = "（假设，待核实）" if r.assumed else ""
    head = (
        f"<b>{_esc(r.chain_name)} · {_esc(r.segment_name)}</b><br/>{_esc(r.position)} · 缺口状态："
        f"{_esc(r.status)}{assumed}<br/>A 类 {r.n_a} 家，B 类 {r.n_b} 家，C 类 {r.n_c} 家"
    )
    if not r.top:
        return head + "<br/>暂无 A、B 类目标企业"
    return head + f"<br/>重点目标（得分最高的 {len(r.top)} 家）：<br/>" + _company_lines(r.top)


def _tile(r, x: float, y: float, w: int, h: int, font: int, truncate: bool) -> dict:
    label = {
        "show": True,
        "position": "inside",
        "color": STATUS_COLOURS[r.status].text,
        "fontSize": font,
        "lineHeight": font + 4,
        "formatter": _label(f"{r.segment_name}\nA {r.n_a} · B {r.n_b}"),
    }
    if truncate:
        label.update(width=w - 8, overflow="truncate")
    # the workbook's colours: the status fill with its text colour, edged in the status mark
    style = {"color": STATUS_COLOURS[r.status].fill, "borderColor": STATUS_COLOURS[r.status].mark, "borderWidth": 1.5}
    if r.assumed:
        style.update(borderColor="#37474f", borderType="dashed", borderWidth=1.5)
    return {
        "name": f"{r.chain_id}/{r.segment_id}",
        "x": x,
        "y": y,
        "symbol": "rect",
        "symbolSize": [w, h],
        "category": STATUSES.index(r.status),
        "value": int(r.n_a + r.n_b),
        "chain_id": r.chain_id,
        "segment_id": r.segment_id,
        "itemStyle": style,
        "label": label,
        "tooltip": _tip(_segment_tooltip(r)),
    }


def _header(name: str, text: str, x: float, y: float, w: int) -> dict:
    return {
        "name": name,
        "x": x,
        "y": y,
        "symbol": "rect",
        "symbolSize": [w, _HEAD_H],
        "itemStyle": {"color": "#eceff1", "borderColor": "#b0bec5"},
        "label": {
            "show": True,
            "position": "inside",
            "color": "#263238",
            "fontSize": 14,
            "fontWeight": "bold",
            "formatter": _label(text),
        },
        "tooltip": {"show": False},
    }


def _arrows(headers: list[tuple[float, float, float]]) -> tuple[list, list]:
    """Invisible end points and arrow links between consecutive column headers (x centre, y, width)."""
    nodes, links = [], []
    for i, ((xa, ya, wa), (xb, _, wb)) in enumerate(zip(headers, headers[1:])):
        a, b = f"__arrow{i}a", f"__arrow{i}b"
        for name, x in ((a, xa + wa / 2 + 6), (b, xb - wb / 2 - 4)):
            nodes.append(
                {
                    "name": name,
                    "x": x,
                    "y": ya,
                    "symbol": "circle",
                    "symbolSize": 1,
                    "itemStyle": {"opacity": 0},
                    "label": {"show": False},
                    "tooltip": {"show": False},
                }
            )
        links.append({"source": a, "target": b})
    return nodes, links


def _graph_option(title: str, subtitle: str, nodes: list, links: list, width: float, height: float) -> dict:
    """A fixed-layout graph whose node coordinates are pixels: the series box is placed exactly over
    the span of the node centres, so ECharts draws it at scale 1 (tile sizes and positions agree)."""
    xs, ys = [n["x"] for n in nodes], [n["y"] for n in nodes]
    return {
        "backgroundColor": "#ffffff",
        "title": {
            "text": _label(title),
            "subtext": _label(subtitle),
            "left": _CHART_PAD,
            "top": 8,
            "textStyle": {"fontSize": 16},
        },
        "legend": {"data": list(STATUSES), "top": 54, "left": _CHART_PAD, "itemWidth": 18, "itemHeight": 12},
        "tooltip": {
            "trigger": "item",
            "confine": True,
            "enterable": False,
            "extraCssText": "max-width:420px;white-space:normal;",
        },
        "series": [
            {
                "type": "graph",
                "id": "chain",
                "name": "产业链环节",
                "layout": "none",
                "roam": False,
                "left": _CHART_PAD + min(xs),
                "top": _TITLE_H + min(ys),
                "width": max(xs) - min(xs),
                "height": max(ys) - min(ys),
                "categories": [
                    {"name": s, "itemStyle": {"color": STATUS_COLOURS[s].fill, "borderColor": STATUS_COLOURS[s].mark}}
                    for s in STATUSES
                ],
                "edgeSymbol": ["none", "arrow"],
                "edgeSymbolSize": 12,
                "lineStyle": {"color": "#90a4ae", "width": 2, "opacity": 1},
                "emphasis": {"focus": "none", "scale": False},
                "data": nodes,
                "links": links,
            }
        ],
        "_size": {"width": int(math.ceil(width)), "height": int(math.ceil(height))},
    }


def chain_map_option(summary: pd.DataFrame, chain_id: str | None = None) -> dict:
    """ECharts option: one chain's segments in three columns 上游 → 中游 → 下游, or (chain_id None)
    the overview of every chain, one row each. `_size` gives the pixel size the chart is laid out for."""
    if chain_id is None:
        return _overview_option(summary)
    rows = summary[summary["chain_id"] == chain_id]
    if rows.empty:
        raise MatcherError(f"未知的产业链 {chain_id}（可用：{' '.join(summary['chain_id'].unique())}）")
    col_x = [_TILE_W / 2 + i * (_TILE_W + _COL_GAP) for i in range(3)]
    head_y = _HEAD_H / 2
    first_y = _HEAD_H + 22 + _TILE_H / 2
    nodes, links, deepest = [], [], first_y
    for i, pos in enumerate(POSITIONS):
        group = rows[rows["position"] == pos]
        nodes.append(_header(f"__{pos}", f"{pos}（{len(group)} 个环节）", col_x[i], head_y, _TILE_W))
        for j, r in enumerate(group.itertuples(index=False)):
            y = first_y + j * (_TILE_H + _GAP_Y)
            deepest = max(deepest, y)
            nodes.append(_tile(r, col_x[i], y, _TILE_W, _TILE_H, 12, truncate=True))
    arrow_nodes, links = _arrows([(x, head_y, _TILE_W) for x in col_x])
    nodes += arrow_nodes
    first = rows.iloc[0]
    n_a, n_b = int(rows["n_a"].sum()), int(rows["n_b"].sum())
    gaps = int(rows["status"].isin(("缺失", "薄弱")).sum())
    title = f"产业链图 · {first.chain_name}（{first.priority_level}）"
    subtitle = (
        f"{len(rows)} 个环节，缺失/薄弱 {gaps} 个；A 类目标 {n_a} 家，B 类 {n_b} 家{_level_note(first)}。"
        "颜色为园区缺口状态，虚线框为假设状态，悬停查看得分最高的企业。"
    )
    width = col_x[2] + _TILE_W / 2 + 2 * _CHART_PAD
    height = _TITLE_H + deepest + _TILE_H / 2 + _CHART_PAD
    return _graph_option(title, subtitle, nodes, links, width, height)


def _level_note(first) -> str:
    """The chain's companies filed at chain level (segment to verify), beside its segments' counts."""
    a, b = int(getattr(first, "level_a", 0)), int(getattr(first, "level_b", 0))
    return f"；另有产业链层面（环节待核实）A 类 {a} 家，B 类 {b} 家" if a or b else ""


def _overview_option(summary: pd.DataFrame) -> dict:
    cell_w = _O_PER_ROW * _O_TILE_W + (_O_PER_ROW - 1) * _O_GAP
    x_start = _O_LABEL_W + 24
    col_x = [x_start + i * (cell_w + _O_CELL_GAP) for i in range(3)]  # left edge of each position cell
    head_y = _HEAD_H / 2
    y = _HEAD_H + 18  # top edge of the current chain row
    nodes = [_header(f"__{pos}", pos, col_x[i] + cell_w / 2, head_y, cell_w) for i, pos in enumerate(POSITIONS)]
    arrow_nodes, links = _arrows([(x + cell_w / 2, head_y, cell_w) for x in col_x])
    nodes += arrow_nodes
    bottom = head_y
    for cid, rows in summary.groupby("chain_id", sort=False):
        per_pos = {pos: rows[rows["position"] == pos] for pos in POSITIONS}
        lines = max(1, max(math.ceil(len(g) / _O_PER_ROW) for g in per_pos.values()))
        block_h = lines * _O_TILE_H + (lines - 1) * _O_GAP
        first = rows.iloc[0]
        n_a, n_b = int(rows["n_a"].sum()), int(rows["n_b"].sum())
        nodes.append(
            {
                "name": f"__chain_{cid}",
                "x": _O_LABEL_W / 2,
                "y": y + block_h / 2,
                "symbol": "rect",
                "symbolSize": [_O_LABEL_W, block_h],
                "chain_id": cid,
                "itemStyle": {"color": "#f5f5f5", "borderColor": "#cfd8dc"},
                "label": {
                    "show": True,
                    "position": "inside",
                    "color": "#263238",
                    "fontSize": 13,
                    "lineHeight": 18,
                    "formatter": _label(f"{first.chain_name}\n{first.priority_level}\nA {n_a} · B {n_b}"),
                },
                "tooltip": _tip(
                    f"<b>{_esc(first.chain_name)}</b>（{_esc(first.priority_level)}）<br/>"
                    f"{len(rows)} 个环节；A 类目标 {n_a} 家，B 类 {n_b} 家{_level_note(first)}"
                ),
            }
        )
        for i, pos in enumerate(POSITIONS):
            for j, r in enumerate(per_pos[pos].itertuples(index=False)):
                tx = col_x[i] + (j % _O_PER_ROW) * (_O_TILE_W + _O_GAP) + _O_TILE_W / 2
                ty = y + (j // _O_PER_ROW) * (_O_TILE_H + _O_GAP) + _O_TILE_H / 2
                nodes.append(_tile(r, tx, ty, _O_TILE_W, _O_TILE_H, 11, truncate=True))
        bottom = y + block_h
        y = bottom + _O_ROW_GAP
    n_a, n_b = int(summary["n_a"].sum()), int(summary["n_b"].sum())
    missing = int((summary["status"] == "缺失").sum())
    weak = int((summary["status"] == "薄弱").sum())
    title = f"产业链图 · 总览（{summary['chain_id'].nunique()} 条产业链）"
    subtitle = (
        f"{len(summary)} 个环节，缺失 {missing} 个、薄弱 {weak} 个；A 类目标 {n_a} 家，B 类 {n_b} 家。"
        "颜色为园区缺口状态，虚线框为假设状态，悬停查看得分最高的企业。"
    )
    right = col_x[2] + cell_w
    width = right + 2 * _CHART_PAD
    height = _TITLE_H + bottom + _CHART_PAD
    return _graph_option(title, subtitle, nodes, links, width, height)


# --------------------------------------------------------------------------------------------
# geographic maps


@lru_cache(maxsize=1)
def _boundaries() -> tuple[dict, dict]:
    try:
        full = json.loads((GEO_DIR / "china_provinces.geojson").read_text(encoding="utf-8"))
        inset = json.loads((GEO_DIR / "china_south_sea_inset.geojson").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise MatcherError(f"{GEO_DIR}: 地图边界文件缺失或损坏（{exc}）") from None
    return full, inset


def _province_names() -> list[str]:
    return [f["properties"]["name"] for f in _boundaries()[0]["features"] if f["properties"].get("kind") == "province"]


def _ring_max_lat(polygon) -> float:
    return max(pt[1] for pt in polygon[0])


def geo_maps() -> dict[str, dict]:
    """The two GeoJSON maps to register with ECharts: {MAP_NAME: main map, INSET_MAP_NAME: 南海诸岛 inset}.

    The main map holds every province without the polygons that lie wholly south of the main frame
    (they are drawn in the inset); the maritime line is not a region and is drawn as a line series.
    """
    full, inset = _boundaries()
    main = []
    for f in full["features"]:
        if f["properties"].get("kind") != "province":
            continue
        polys = [p for p in f["geometry"]["coordinates"] if _ring_max_lat(p) >= _SOUTH_EDGE]
        main.append({**f, "geometry": {"type": "MultiPolygon", "coordinates": polys}})
    regions = [f for f in inset["features"] if f["properties"].get("kind") == "province"]
    return {
        MAP_NAME: {"type": "FeatureCollection", "features": main},
        INSET_MAP_NAME: {"type": "FeatureCollection", "features": regions},
    }


def _maritime_dashes() -> list[list[list[float]]]:
    full, _ = _boundaries()
    for f in full["features"]:
        if f["properties"].get("kind") == "maritime":
            return f["geometry"]["coordinates"]
    return []


def _fit(box, aspect, left, top, width, height):
    """Pixel rectangle an ECharts geo with `boundingCoords` = box occupies inside the given rectangle."""
    (lon0, lat1), (lon1, lat0) = box
    w_units, h_units = (lon1 - lon0) * aspect, (lat1 - lat0)
    scale = min(width / w_units, height / h_units)
    w, h = w_units * scale, h_units * scale
    return left + (width - w) / 2, top + (height - h) / 2, w, h


def _main_rect() -> dict:
    """Pixel rectangle of the national map. ECharts stretches a geo to a box given by both width and
    height, so the box is computed here with the map's own aspect."""
    x, y, w, h = _fit(_MAIN_BOX, _MAIN_ASPECT, 20, 96, GEO_WIDTH - 40, GEO_HEIGHT - 116)
    return {"left": round(x, 1), "top": round(y, 1), "width": round(w, 1), "height": round(h, 1)}


def _inset_layout() -> tuple[tuple, dict]:
    """(inset bounding box, pixel rectangle) of the 南海诸岛 inset, in the main map's lower right corner."""
    _, inset = _boundaries()
    x0, y0, x1, y1 = inset["metadata"]["clip_box"]
    box = ((x0, y1), (x1, y0))
    r = _main_rect()
    mx, my, mw, mh = r["left"], r["top"], r["width"], r["height"]
    room_w, room_h = mw * 0.19, mh * 0.36
    ix, iy, iw, ih = _fit(box, _INSET_ASPECT, mx + mw - room_w, my + mh - room_h, room_w, room_h)
    return box, {"left": round(ix, 1), "top": round(iy, 1), "width": round(iw, 1), "height": round(ih, 1)}


def region_summary(
    ranked, zone=None, chain_id: str | None = None, tiers=TARGET_TIERS, top: int = TOP_TARGETS
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Targets (tiers A/B by default) of one chain or all, by province and by prefecture city.

    provinces: province, count, n_a, n_b, total_score, top (tooltip lines);
    cities: province, city, count, n_a, n_b, total_score, lon, lat, distance_km (to the zone, when the
    zone has a location), top. Companies with no known province (or city) are left out of that table.
    """
    targets = _targets(_ranked(ranked), chain_id, tiers)
    zpoint = zone_point(zone) if zone is not None and _has_location(zone) else None

    def grouped(keys):
        rows = targets.dropna(subset=keys)
        if rows.empty:
            return pd.DataFrame(columns=[*keys, "count", "n_a", "n_b", "total_score", "top"])
        g = rows.assign(_a=(rows["tier"] == "A").astype(int), _b=(rows["tier"] == "B").astype(int)).groupby(
            keys, sort=False
        )
        out = pd.DataFrame(
            {"count": g.size(), "n_a": g["_a"].sum(), "n_b": g["_b"].sum(), "total_score": g["score"].sum().round(1)}
        ).reset_index()
        best = rows.sort_values("score", ascending=False, kind="stable").groupby(keys, sort=False).head(top)
        tips = {k: _company_lines(_records(b), with_segment=True) for k, b in best.groupby(keys, sort=False)}
        out["top"] = [tips.get(k, "") for k in out[keys].itertuples(index=False, name=None)]
        return out.sort_values(["count", "total_score"], ascending=False, kind="stable").reset_index(drop=True)

    provinces = grouped(["province"])
    cities = grouped(["province", "city"])
    pts = [city_point(p, c) for p, c in zip(cities["province"], cities["city"])]
    cities["lon"] = [p[0] if p else np.nan for p in pts]
    cities["lat"] = [p[1] if p else np.nan for p in pts]
    cities = cities.dropna(subset=["lon", "lat"]).reset_index(drop=True)
    if zpoint is not None and len(cities):
        cities["distance_km"] = np.round(haversine_km(cities["lon"], cities["lat"], *zpoint), 1)
    else:
        cities["distance_km"] = np.nan
    return provinces, cities


def _has_location(zone) -> bool:
    if isinstance(zone, Zone):
        return zone.lon is not None and zone.lat is not None
    return True


def _lines_series(sid: str, name: str, geo_index: int, lines: list, style: dict, z: int = 3) -> dict:
    return {
        "type": "lines",
        "id": sid,
        "name": name,
        "coordinateSystem": "geo",
        "geoIndex": geo_index,
        "polyline": True,
        "silent": True,
        "z": z,
        "lineStyle": style,
        "data": [{"coords": line} for line in lines],
    }


def _radius_subtext(cities: pd.DataFrame, radii: list[float]) -> str:
    parts = []
    for r in radii:
        inside = int(cities.loc[cities["distance_km"] <= r, "count"].sum()) if len(cities) else 0
        parts.append(f"{r:g} 公里配套半径内 {inside} 家")
    return "；".join(parts)


def _local_box(lon: float, lat: float, radius_km: float) -> list[list[float]]:
    """boundingCoords of the 园区周边 view: LOCAL_MARGIN × the radius above and below the zone, and as
    wide as the canvas's shape asks (ECharts keeps the geo's aspect only if the box has the canvas's)."""
    dlat = math.degrees(radius_km * LOCAL_MARGIN / EARTH_RADIUS_KM)
    dlon = dlat / max(math.cos(math.radians(lat)), 0.1) * GEO_WIDTH / GEO_HEIGHT
    return [[round(lon - dlon, 4), round(lat + dlat, 4)], [round(lon + dlon, 4), round(lat - dlat, 4)]]


def geo_map_option(
    ranked,
    zone=None,
    chain_id: str | None = None,
    metric: str = "count",
    radius_km=DEFAULT_RADIUS_KM,
    chains: dict[str, Chain] | None = None,
    tiers=TARGET_TIERS,
    view: str = "national",
    regions: tuple | None = None,
) -> dict:
    """ECharts option: the targets of one chain (or all) by province (filled by `metric`: "count" or
    "score") and by prefecture city (bubbles), the zone marked with 配套半径 rings (`radius_km`, one
    number or several). view "national": all of China with the 南海诸岛 inset; "local": the zone's
    surroundings, framed on the largest ring. `regions`: a `region_summary()` result of the same
    ranking, zone, chain and tiers, to draw several views without counting again. Register
    `geo_maps()` under their names first."""
    if metric not in METRICS:
        raise MatcherError(f"未知的地图指标 {metric}（可用：{' / '.join(METRICS)}）")
    if view not in VIEWS:
        raise MatcherError(f"未知的地图视图 {view}（可用：{' / '.join(VIEWS)}）")
    radii = [float(r) for r in (radius_km if isinstance(radius_km, (list, tuple)) else [radius_km])]
    for r in radii:
        if not r > 0:
            raise MatcherError(f"配套半径 {r} 应为正数（公里）")
    zone = zone if zone is not None else load_zone()
    zlon = zlat = None
    if _has_location(zone):
        zlon, zlat = zone_point(zone)
    elif view == "local":
        raise MatcherError(
            f"{getattr(zone, 'source', '') or '园区配置'}: 缺少 location.lon / location.lat，无法绘制园区周边图"
        )
    provinces, cities = regions if regions is not None else region_summary(ranked, zone, chain_id, tiers)
    chain_name = "全部产业链"
    if chain_id is not None:
        chains = chains if chains is not None else load_chains()
        if chain_id not in chains:
            raise MatcherError(f"未知的产业链 {chain_id}（可用：{' '.join(chains)}）")
        chain_name = chains[chain_id].name
    value_col = "count" if metric == "count" else "total_score"
    prov_data = [
        {
            "name": r.province,
            "value": float(getattr(r, value_col)),
            "tooltip": _tip(
                f"<b>{_esc(r.province)}</b><br/>目标 {r.count} 家（A {r.n_a}，B {r.n_b}），"
                f"得分合计 {r.total_score:.0f}<br/>{r.top}"
            ),
        }
        for r in provinces.itertuples(index=False)
    ]
    listed = {d["name"] for d in prov_data}
    prov_data += [
        {"name": name, "value": 0.0, "tooltip": _tip(f"<b>{_esc(name)}</b><br/>暂无目标企业")}
        for name in _province_names()
        if name not in listed
    ]
    max_value = max([d["value"] for d in prov_data], default=0) or 1
    max_city = int(cities["count"].max()) if len(cities) else 1
    labelled = set(cities.head(6)["city"]) if len(cities) and view == "national" else set(cities["city"])
    city_data = []
    for r in cities.itertuples(index=False):
        dist = f"距园区 {r.distance_km:.0f} 公里<br/>" if not pd.isna(r.distance_km) else ""
        city_data.append(
            {
                "name": r.city,
                "value": [float(r.lon), float(r.lat), int(r.count)],
                "symbolSize": round(6 + 22 * math.sqrt(r.count / max_city), 1),
                "label": {"show": r.city in labelled},
                "tooltip": _tip(
                    f"<b>{_esc(r.city)}</b>（{_esc(r.province)}）<br/>{dist}目标 {r.count} 家"
                    f"（A {r.n_a}，B {r.n_b}），得分合计 {r.total_score:.0f}<br/>{r.top}"
                ),
            }
        )
    geo_common = {
        "roam": False,
        "silent": False,
        "label": {"show": False},
        "itemStyle": {"areaColor": "#f4f4f4", "borderColor": "#9e9e9e", "borderWidth": 0.6},
        "emphasis": {"label": {"show": False}, "itemStyle": {"areaColor": "#ffe082"}},
        "select": {"disabled": True},
    }
    dashes = _maritime_dashes()
    sea_style = {"color": "#5c6bc0", "width": 1.6, "opacity": 1}
    overlay = {"backgroundColor": "rgba(255,255,255,0.88)", "padding": [4, 6], "borderRadius": 4}
    if view == "national":
        box, inset_rect = _inset_layout()
        (bx0, by1), (bx1, by0) = box
        frame = [[bx0, by0], [bx1, by0], [bx1, by1], [bx0, by1], [bx0, by0]]
        geo = [
            {
                **geo_common,
                "id": "main",
                "map": MAP_NAME,
                "aspectScale": _MAIN_ASPECT,
                "boundingCoords": [list(_MAIN_BOX[0]), list(_MAIN_BOX[1])],
                **_main_rect(),
            },
            {
                **geo_common,
                "id": "inset",
                "map": INSET_MAP_NAME,
                "aspectScale": _INSET_ASPECT,
                "boundingCoords": [list(box[0]), list(box[1])],
                **inset_rect,
            },
        ]
        series = [
            {"type": "map", "id": "provinces", "name": METRICS[metric], "geoIndex": 0, "data": prov_data},
            {"type": "map", "id": "provinces-inset", "name": METRICS[metric], "geoIndex": 1, "data": prov_data},
            _lines_series(
                "sea", "南海断续线", 0, [d for d in dashes if min(p[1] for p in d) >= _SOUTH_EDGE], sea_style
            ),
            _lines_series("sea-inset", "南海断续线（附图）", 1, dashes, sea_style),
            _lines_series("inset-frame", "南海诸岛附图", 1, [frame], {"color": "#616161", "width": 1, "opacity": 1}),
            {
                "type": "scatter",
                "id": "inset-label",
                "name": "南海诸岛",
                "coordinateSystem": "geo",
                "geoIndex": 1,
                "silent": True,
                "symbolSize": 0,
                "data": [{"name": "南海诸岛", "value": [bx1 - (bx1 - bx0) * 0.2, by0 + (by1 - by0) * 0.06]}],
                "label": {
                    "show": True,
                    "formatter": "南海诸岛",
                    "fontSize": 11,
                    "color": "#424242",
                    "position": "inside",
                },
            },
        ]
        map_series = [0, 1]
        title_text = f"地理分布 · {chain_name}"
    else:
        # the whole canvas is the viewport: ECharts draws the map beyond boundingCoords, so the
        # frame only decides the scale and centre; title, legend and scale float above the map
        geo = [
            {
                **geo_common,
                "id": "main",
                "map": MAP_NAME,
                "aspectScale": round(math.cos(math.radians(zlat)), 3),
                "boundingCoords": _local_box(zlon, zlat, max(radii)),
                "left": 0,
                "top": 0,
                "width": GEO_WIDTH,
                "height": GEO_HEIGHT,
            }
        ]
        series = [{"type": "map", "id": "provinces", "name": METRICS[metric], "geoIndex": 0, "data": prov_data}]
        map_series = [0]
        title_text = f"园区周边 · {chain_name}"
    series.append(
        {
            "type": "scatter",
            "id": "cities",
            "name": "城市（气泡=目标数）",
            "coordinateSystem": "geo",
            "geoIndex": 0,
            "z": 5,
            "data": city_data,
            "itemStyle": {"color": "#ff8f00", "opacity": 0.75, "borderColor": "#ffffff", "borderWidth": 1},
            "label": {
                "show": False,
                "formatter": "{b}",
                "position": "right",
                "fontSize": 11,
                "color": "#263238",
                "textBorderColor": "#ffffff",
                "textBorderWidth": 2,
            },
            "labelLayout": {"hideOverlap": True},
            "emphasis": {"label": {"show": True}},
        }
    )
    total = int(provinces["count"].sum()) if len(provinces) else 0
    subtitle = f"目标企业（{'/'.join(tiers)} 类）{total} 家，分布于 {len(provinces)} 个省级行政区、{len(cities)} 个城市"
    if zlon is not None:
        series.append(
            _lines_series(
                "radius",
                "配套半径",
                0,
                [ring(zlon, zlat, r) for r in radii],
                {"color": "#d32f2f", "width": 2, "type": "dashed", "opacity": 1},
                z=6,
            )
        )
        zone_name = getattr(zone, "name", "园区")
        series.append(
            {
                "type": "scatter",
                "id": "zone",
                "name": "园区",
                "coordinateSystem": "geo",
                "geoIndex": 0,
                "symbol": "pin",
                "symbolSize": 34,
                "z": 7,
                "itemStyle": {"color": "#d32f2f"},
                "label": {
                    "show": True,
                    "formatter": _label(zone_name),
                    "position": "left",
                    "fontSize": 12,
                    "fontWeight": "bold",
                    "color": "#b71c1c",
                    "backgroundColor": "rgba(255,255,255,0.85)",
                    "padding": [2, 4],
                    "borderRadius": 3,
                },
                "tooltip": {
                    "show": True,
                    "formatter": f"<b>{_esc(zone_name)}</b><br/>" + "<br/>".join(f"{r:g} 公里配套半径" for r in radii),
                },
                "data": [{"name": zone_name, "value": [zlon, zlat]}],
            }
        )
        subtitle += "；" + _radius_subtext(cities, radii)
    return {
        "backgroundColor": "#ffffff",
        "title": {
            "text": _label(title_text),
            "subtext": _label(subtitle),
            "left": 20,
            "top": 8,
            "textStyle": {"fontSize": 16},
            **(overlay if view == "local" else {}),
        },
        "tooltip": {"trigger": "item", "confine": True, "extraCssText": "max-width:420px;white-space:normal;"},
        "legend": {
            "data": ["城市（气泡=目标数）", "园区", "配套半径"],
            **({"top": 62, "left": 20} if view == "national" else {"bottom": 24, "right": 24, **overlay}),
        },
        "visualMap": {
            "type": "continuous",
            "seriesIndex": map_series,
            "min": 0,
            "max": max_value,
            "left": 24,
            "bottom": 24,
            "text": [f"{METRICS[metric]} 高", "低"],
            "calculable": True,
            "inRange": {"color": ["#e3f2fd", "#90caf9", "#1e88e5", "#0d47a1"]},
            "itemHeight": 120,
            **(overlay if view == "local" else {}),
        },
        "geo": geo,
        "series": series,
        "_size": {"width": GEO_WIDTH, "height": GEO_HEIGHT},
        "_meta": {
            "view": view,
            "zone": [zlon, zlat] if zlon is not None else None,
            "radius_km": radii,
            "cities": [
                [None if pd.isna(d) else float(d), int(n)] for d, n in zip(cities["distance_km"], cities["count"])
            ],
            "subtitle_base": subtitle.split("；")[0],
            "margin": LOCAL_MARGIN,
        },
    }


# --------------------------------------------------------------------------------------------
# the offline HTML file


_URL_IN_COMMENT = re.compile(r"https?://")


@lru_cache(maxsize=1)
def echarts_js() -> str:
    """The vendored ECharts library, ready to inline.

    Its licence comments stay, but their URLs lose the scheme ("http://www.apache.org/…" becomes
    "www.apache.org/…"), so the only http(s) strings left in the page are the XML namespace names
    the SVG code uses as identifiers (never fetched). Nothing else is changed.
    """
    path = ECHARTS_DIR / "echarts.min.js"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise MatcherError(f"{path}: ECharts 脚本缺失（{exc}）") from None
    text = re.sub(r"/\*[\s\S]*?\*/", lambda m: _URL_IN_COMMENT.sub("", m.group()), text)
    notice = (ECHARTS_DIR / "NOTICE").read_text(encoding="utf-8").strip()
    header = "/* Apache ECharts, Apache License 2.0 (LICENSE beside the vendored file).\n" + notice + "\n*/\n"
    return _URL_IN_COMMENT.sub("", header) + text.replace("</script", "<\\/script")


def _json(obj) -> str:
    """JSON safe to put inside <script>: no '<', '>' or '&' that could end the element."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data: blob:; font-src data:"

_STYLE = """
body{font-family:"PingFang SC","Microsoft YaHei","Noto Sans CJK SC","WenQuanYi Micro Hei",sans-serif;
margin:0;padding:16px 24px;color:#263238;background:#fafafa}
h1{font-size:22px;margin:4px 0 6px}h2{font-size:18px;margin:28px 0 8px}
.note{color:#607d8b;font-size:13px;margin:2px 0}
.box{overflow-x:auto;background:#fff;border:1px solid #e0e0e0;border-radius:6px;margin:10px 0;padding:4px}
.chart{margin:0}
.controls{font-size:14px;margin:6px 0}.controls label{margin-right:18px}
.controls input{width:90px}
footer{margin-top:28px;color:#78909c;font-size:12px;line-height:1.6}
"""

_SCRIPT = """
(function(){
  var DATA = %s;
  for (var name in DATA.maps) { echarts.registerMap(name, DATA.maps[name]); }
  var geo = DATA.geo, charts = {}, drawn = 0;
  DATA.charts.forEach(function(c){
    var el = document.getElementById(c.id);
    var chart = echarts.init(el, null, {renderer: 'canvas', width: c.width, height: c.height});
    chart.setOption(c.option || geo.views[c.view][geo.initial]);
    charts[c.id] = chart; drawn += 1;
  });
  function ringPoints(lon, lat, km){
    var R = %s, d = km / R, p1 = lat * Math.PI / 180, l1 = lon * Math.PI / 180, pts = [];
    for (var i = 0; i <= 96; i++) {
      var b = 2 * Math.PI * i / 96;
      var p2 = Math.asin(Math.sin(p1) * Math.cos(d) + Math.cos(p1) * Math.sin(d) * Math.cos(b));
      var l2 = l1 + Math.atan2(Math.sin(b) * Math.sin(d) * Math.cos(p1), Math.cos(d) - Math.sin(p1) * Math.sin(p2));
      pts.push([l2 * 180 / Math.PI, p2 * 180 / Math.PI]);
    }
    return pts;
  }
  function localBox(lon, lat, km, margin){
    var dlat = km * margin / R_KM * 180 / Math.PI;
    var dlon = dlat / Math.max(Math.cos(lat * Math.PI / 180), 0.1) * %s;
    return [[lon - dlon, lat + dlat], [lon + dlon, lat - dlat]];
  }
  var R_KM = %s;
  function applyGeo(){
    var metric = document.getElementById('metric').value;
    var km = parseFloat(document.getElementById('radius').value);
    DATA.charts.forEach(function(c){
      if (!c.view) return;
      var option = geo.views[c.view][metric], meta = option._meta, chart = charts[c.id];
      chart.setOption(option, {notMerge: true});
      if (!meta.zone || !(km > 0)) return;
      var inside = 0;
      meta.cities.forEach(function(x){ if (x[0] !== null && x[0] <= km) inside += x[1]; });
      var update = {
        title: {subtext: meta.subtitle_base + '；' + km + ' 公里配套半径内 ' + inside + ' 家'},
        series: [{id: 'radius', data: [{coords: ringPoints(meta.zone[0], meta.zone[1], km)}]}]
      };
      if (meta.view === 'local') {
        update.geo = [{id: 'main', boundingCoords: localBox(meta.zone[0], meta.zone[1], km, meta.margin)}];
      }
      chart.setOption(update);
    });
  }
  if (document.getElementById('metric')) {
    document.getElementById('metric').addEventListener('change', applyGeo);
    document.getElementById('radius').addEventListener('change', applyGeo);
  }
  window.chainmatchCharts = {drawn: drawn, ids: Object.keys(charts)};
})();
"""


def _strip_private(option: dict) -> dict:
    return {k: v for k, v in option.items() if not k.startswith("_")}


def _chain_section(shown: bool) -> str:
    """The heading and note of a map page's chain maps (empty when the page has none)."""
    if not shown:
        return ""
    return f"""<h2>产业链图</h2>
<p class="note">环节按 上游 → 中游 → 下游 排列，颜色为园区缺口状态（优势 / 一般 / 薄弱 / 缺失），
标注该环节 A 类、B 类目标数；悬停查看得分最高的 {TOP_TARGETS} 家企业。</p>
"""


def _geo_section(shown: bool, options: str, geo_divs: str, radius_km: float) -> str:
    """The heading, controls and charts of a map page's geographic map (empty when the page has none)."""
    if not shown:
        return ""
    return f"""<h2>地理分布</h2>
<div class="controls">
<label>省份着色 <select id="metric">{options}</select></label>
<label>配套半径 <input id="radius" type="number" min="1" max="3000" step="10" value="{radius_km:g}"> 公里</label>
</div>
{geo_divs}"""


def map_html(
    ranked,
    chains: dict[str, Chain] | None = None,
    zone: Zone | None = None,
    chain_id: str | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
    metric: str = "count",
    title: str | None = None,
    *,
    parts: Iterable[str] = PARTS,
) -> str:
    """One self-contained HTML page: the chain map(s) and the geographic map, everything inlined.

    chain_id None: the overview of every chain, then one chain map per chain, and the geographic map
    of all targets; a chain id: that chain's map and the geographic map of its targets. `parts` keeps
    some sections only (a page in the app draws what it shows): "overview" (chain_id None), "chains"
    (the chain maps), "geo" (the geographic map).
    """
    parts = set(parts)
    if not parts or not parts <= set(PARTS):
        raise MatcherError(f"地图内容 {sorted(parts)} 无效（可选：{'、'.join(PARTS)}）")
    ranked = _ranked(ranked)
    chains = chains if chains is not None else load_chains()
    zone = zone if zone is not None else load_zone(chains=chains)
    if chain_id is not None and chain_id not in chains:
        raise MatcherError(f"未知的产业链 {chain_id}（可用：{' '.join(chains)}）")
    if not radius_km > 0:
        raise MatcherError(f"配套半径 {radius_km} 应为正数（公里）")
    summary = segment_summary(ranked, chains, zone)
    chain_options = []
    if chain_id is None:
        if "overview" in parts:
            chain_options.append(("chain-overview", chain_map_option(summary)))
        if "chains" in parts:
            chain_options += [(f"chain-{cid}", chain_map_option(summary, cid)) for cid in summary["chain_id"].unique()]
    elif parts & {"overview", "chains"}:
        chain_options.append((f"chain-{chain_id}", chain_map_option(summary, chain_id)))
    views = [v for v in VIEWS if v == "national" or _has_location(zone)] if "geo" in parts else []
    regions = region_summary(ranked, zone, chain_id)
    geo_options = {
        v: {m: geo_map_option(ranked, zone, chain_id, m, radius_km, chains, view=v, regions=regions) for m in METRICS}
        for v in views
    }
    charts = [
        {"id": cid, "width": o["_size"]["width"], "height": o["_size"]["height"], "option": _strip_private(o)}
        for cid, o in chain_options
    ]
    charts += [{"id": f"geo-{v}", "width": GEO_WIDTH, "height": GEO_HEIGHT, "option": None, "view": v} for v in views]
    data = {
        "maps": geo_maps() if views else {},
        "charts": charts,
        "geo": {
            "initial": metric,
            "views": {
                v: {m: {**_strip_private(o), "_meta": o["_meta"]} for m, o in by_metric.items()}
                for v, by_metric in geo_options.items()
            },
        },
    }
    scope = chains[chain_id].name if chain_id else "全部产业链"
    heading = title or f"招商地图 · {zone.name} · {scope}"
    is_target = ranked["tier"].isin(TARGET_TIERS)
    n_companies = int(ranked["company_name"].nunique())
    n_targets = int(ranked.loc[is_target, "company_name"].nunique())
    chain_divs = "\n".join(
        f'<div class="box"><div class="chart" id="{cid}" style="width:{o["_size"]["width"]}px;'
        f'height:{o["_size"]["height"]}px"></div></div>'
        for cid, o in chain_options
    )
    geo_divs = "\n".join(
        f'<div class="box"><div class="chart" id="geo-{v}" style="width:{GEO_WIDTH}px;height:{GEO_HEIGHT}px">'
        f"</div></div>"
        for v in views
    )
    options = "".join(
        f'<option value="{m}"{" selected" if m == metric else ""}>{label}</option>' for m, label in METRICS.items()
    )
    body = f"""<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_esc(heading)}</title>
<style>{_STYLE}</style>
</head>
<body>
<h1>{_esc(heading)}</h1>
<p class="note">按园区产业链缺口评分的候选企业 {n_companies} 家，其中 A、B 类目标 {n_targets} 家。
本文件自带全部脚本与数据，离线可用；不访问任何网络地址。</p>
{_chain_section(bool(chain_options))}{chain_divs}
{_geo_section(bool(views), options, geo_divs, radius_km)}
<footer>
底图：国家基础地理数据（省级行政区边界），简化显示；南海诸岛以附图表示，台湾省、香港、澳门均已包含。
城市位置为地级行政区参考点，距离为到园区的直线距离（公里）。本图仅供招商工作内部参考，公开发布须按规定送审。
</footer>
<script>{echarts_js()}</script>
<script>{_SCRIPT % (_json(data), EARTH_RADIUS_KM, GEO_WIDTH / GEO_HEIGHT, EARTH_RADIUS_KM)}</script>
</body>
</html>
"""
    return body


def write_map(
    path,
    ranked,
    chains: dict[str, Chain] | None = None,
    zone: Zone | None = None,
    chain_id: str | None = None,
    radius_km: float = DEFAULT_RADIUS_KM,
    metric: str = "count",
    title: str | None = None,
) -> Path:
    """Write `map_html(...)` to `path` (UTF-8) and return the path."""
    path = Path(path)
    text = map_html(ranked, chains, zone, chain_id, radius_km, metric, title)
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise MatcherError(f"{path}: 无法写入（{exc.strerror or exc}）") from None
    return path
