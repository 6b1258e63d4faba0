"""Page 4 · 招商地图: a chain map or the geographic map (offline HTML, drawn when shown), a segment's targets."""

import streamlit as st

import matcher
from app_pages import _shared as ui

st.title("招商地图")
ranking = ui.require_ranking()
chains = ui.chains()

c1, c2, c3 = st.columns(3)
chain_id = (
    ui.kept(
        c1.selectbox,
        "产业链",
        "map_chain",
        "",
        options=[""] + list(chains),
        format_func=lambda c: ui.chain_label(c) if c else "全部产业链（总览）",
    )
    or None
)
view = ui.kept(
    c2.radio,
    "查看",
    "map_view",
    "chains",
    options=["chains", "geo"],
    horizontal=True,
    format_func={"chains": "产业链图", "geo": "地理分布"}.get,
)
metric = "count"
if view == "geo":
    metric = ui.kept(
        c3.radio,
        "省份着色",
        "map_metric",
        "count",
        options=["count", "score"],
        horizontal=True,
        format_func={"count": "目标企业数", "score": "目标总得分"}.get,
    )
segment_id = None
if chain_id:
    segments = {s.id: f"{s.name}（{s.position}）" for s in chains[chain_id].segments}
    segment_id = (c3 if view == "chains" else st).selectbox(
        "环节（下方列出该环节的目标企业）", [""] + list(segments), format_func=lambda s: segments.get(s, "全部环节")
    ) or None
if view == "chains":
    st.caption(
        "颜色为园区缺口状态，标注 A / B 类目标数，悬停查看得分最高的企业；选择一条产业链查看它的环节。"
        "地图离线绘制，不访问网络。"
    )
else:
    st.caption(
        f"按当前权重的 A / B 类目标，配套半径 {ui.settings().radius_km:g} 公里（在“目标排序”页调整）。"
        "地图离线绘制，不访问网络。"
    )
ui.download(
    st,
    "下载招商地图（HTML，离线可打开）",
    make=lambda: ui.map_html(ranking, chain_id, metric).encode("utf-8"),
    what="招商地图",
    rows=len(ranking.ranked),
    file_name=f"招商地图_{ui.stem()}.html",
    mime="text/html",
)
st.iframe(ui.map_frame_html(ranking, chain_id, metric, view), height=820 if view == "geo" else 700)

if chain_id:
    segs = [(chain_id, segment_id)] if segment_id else None
    per_chain = ui.chain_ranking(ranking).ranked  # a company in two chains is a target in both
    targets = matcher.filter_ranked(per_chain, chain_ids=[chain_id], segments=segs, tiers=["A", "B"])
    title = f"{ui.chain_label(chain_id)}·{segments[segment_id]}" if segment_id else ui.chain_label(chain_id)
    st.subheader(f"{title}：A / B 类目标 {len(targets):,} 家")
    ui.show_table(targets.head(200))
