"""Page 3 · 目标排序: weights as sliders, filters, the ranked table with reasons, one company in detail."""

import pandas as pd
import streamlit as st

import matcher
from app_pages import _shared as ui

st.title("目标排序")

# --- weights (re-rank stored components: nothing is re-read or re-matched) -----------------
help_by_name = {h["name"]: h for h in matcher.settings_help()}
with st.sidebar:
    st.subheader("得分权重")
    for name in matcher.RANK_SETTINGS:
        h = help_by_name[name]
        ui.kept(
            st.slider,
            h["label"],
            "set_" + name,
            float(getattr(matcher.DEFAULTS, name)),
            min_value=float(h["min"]),
            max_value=float(h["max"]),
            step=float(h["step"]),
            help=h["help"],
            audit=True,
        )
    st.button("恢复默认权重", on_click=ui.reset_weights)
    with st.expander("匹配参数（修改后重新匹配）"):
        current = ui.settings()
        with st.form("match_form"):
            values = {}
            for h in matcher.settings_help():
                if h["stage"] != "match":  # the rank-stage settings are the sliders above
                    continue
                values[h["name"]] = st.number_input(
                    h["label"],
                    min_value=float(h["min"]),
                    max_value=float(h["max"]),
                    value=float(getattr(current, h["name"])),
                    step=float(h["step"]),
                    help=h["help"],
                    key="match_" + h["name"],
                )
            if st.form_submit_button("重新匹配"):
                ui.apply_match_settings(values)
                st.rerun()

ranking = ui.require_ranking()
ranked = ranking.ranked
settings = ui.settings()

# --- filters ----------------------------------------------------------------------------------
chains = ui.chains()

c1, c2, c3 = st.columns(3)
chain_ids = ui.kept(
    c1.multiselect,
    "产业链",
    "f_chains",
    [],
    options=ui.kept_options("f_chains", chains),
    format_func=ui.chain_label,
    placeholder="全部产业链",
)
segs = ui.segments()
if chain_ids:
    segs = segs[segs["chain_id"].isin(chain_ids)]
seg_names = {f"{r.chain_id}/{r.segment_id}": f"{r.chain_name}·{r.segment_name}" for r in segs.itertuples()}
seg_keys = ui.kept(
    c2.multiselect,
    "环节",
    "f_segments",
    [],
    options=ui.kept_options("f_segments", seg_names),
    format_func=seg_names.get,
    placeholder="全部环节",
)
tiers = ui.kept(
    c3.multiselect, "等级", "f_tiers", [], options=ui.kept_options("f_tiers", ui.TIER_ORDER), placeholder="全部等级"
)
c1, c2 = st.columns([1, 2])
active_only = ui.kept(c1.checkbox, "仅在营企业（排除注销、吊销等）", "f_active", True)
with c2.expander("更多筛选：地区、注册资本、距离、企业名称"):
    c1, c2, c3 = st.columns(3)
    provinces = ui.kept(
        c1.multiselect,
        "省份",
        "f_provinces",
        [],
        options=ui.kept_options("f_provinces", sorted(ranked["province"].dropna().unique())),
        placeholder="全部省份",
    )
    city_pool = ranked if not provinces else ranked[ranked["province"].isin(provinces)]
    cities = ui.kept(
        c2.multiselect,
        "城市",
        "f_cities",
        [],
        options=ui.kept_options("f_cities", sorted(city_pool["city"].dropna().unique())),
        placeholder="全部城市",
    )
    name = ui.kept(c3.text_input, "企业名称包含", "f_name", "")
    c1, c2, c3 = st.columns(3)
    min_capital = ui.kept(
        c1.number_input, "注册资本不低于（万元，0 = 不限）", "f_capital", 0.0, min_value=0.0, step=100.0
    )
    max_distance = ui.kept(
        c2.number_input, "距园区不超过（公里，0 = 不限）", "f_distance", 0.0, min_value=0.0, step=50.0
    )
    shown = ui.kept(c3.number_input, "表中显示前 N 家", "f_top", 200, min_value=10, max_value=5000, step=50)
    matched_only = ui.kept(st.checkbox, "仅入链企业", "f_matched", True)

# a chain or segment chosen: every company that serves it, also those whose best chain is another
listed = ui.chain_ranking(ranking) if chain_ids or seg_keys else ranking
view = matcher.filter_ranked(
    listed.ranked,
    chain_ids=chain_ids,
    segments=[tuple(k.split("/", 1)) for k in seg_keys],
    tiers=tiers,
    provinces=provinces,
    cities=cities,
    min_capital_wan=min_capital or None,
    max_distance_km=max_distance or None,
    active_only=active_only,
    matched_only=matched_only,
    name_contains=name,
)

# --- the ranked table: a click on a row opens that company below ------------------------------
tier_counts = matcher.tier_labels(view).value_counts()
st.markdown(
    f"**{len(view):,}** 家符合条件（"
    + "，".join(
        f"{t} 类 {tier_counts[t]:,}" if len(t) == 1 else f"{t} {tier_counts[t]:,}"
        for t in ui.TIER_ORDER
        if t in tier_counts
    )
    + "）。点击表中一行查看该企业详情。"
)
st.markdown(ui.md(ui.top_line(view)))
top = view.head(int(shown))
ids = ui.row_ids(top)
picked = ui.ranked_table(top, ids, key="rank_table")

# --- one company in detail ------------------------------------------------------------------
st.subheader("企业详情")
if not len(top):
    st.info("没有符合条件的企业。")
    st.stop()
pick = ui.detail_pick(ids, picked)
names = dict(zip(ids, (f"{i + 1}. {n}" for i, n in enumerate(top["company_name"].astype(str)))))
st.selectbox("或从列表中选择企业", ids, format_func=names.get, key="detail_pick", on_change=ui.on_detail_pick)
pos = ids.index(pick)
row = top.iloc[pos]
st.markdown(f"### {ui.md(row['company_name'])}")
if pd.notna(row["chain_id"]) and pd.isna(row["segment_id"]):  # filed at chain level: no segment yet
    st.markdown(
        f"{ui.md(row['chain_name'])} · {ui.md(row['segment_name'])}；得分 **{row['score']:.1f}**，"
        f"{ui.md(matcher.tier_labels(top.iloc[[pos]]).iloc[0])}"
    )
elif pd.notna(row["chain_id"]):
    st.markdown(
        f"{ui.md(row['chain_name'])} · {ui.md(row['segment_name'])}（{ui.md(row['position'])}），"
        f"园区该环节{ui.md(row['gap_status'])}；得分 **{row['score']:.1f}**，"
        f"{ui.md(matcher.tier_labels(top.iloc[[pos]]).iloc[0])}"
    )
else:
    st.markdown("未匹配到产业链环节，得分 0。")

# the 企业简报: one printable page (built only when downloaded)
brief_name = str(row["company_name"])
b1, b2, _ = st.columns([1, 1, 2])
ui.download(
    b1,
    "下载企业简报（网页，可打印）",
    key="brief_html",
    what="企业简报",
    rows=1,
    make=lambda: matcher.brief_bytes(
        listed, brief_name, fmt="html", settings=settings, chains=ui.chains(), zone=ui.zone()
    ),
    file_name=f"企业简报_{brief_name}.html",
    mime="text/html",
)
if ui.pdf_available():
    ui.download(
        b2,
        "下载企业简报（PDF）",
        key="brief_pdf",
        what="企业简报",
        rows=1,
        make=lambda: matcher.brief_bytes(
            listed, brief_name, fmt="pdf", settings=settings, chains=ui.chains(), zone=ui.zone()
        ),
        file_name=f"企业简报_{brief_name}.pdf",
        mime="application/pdf",
    )

left, right = st.columns(2)
with left:
    st.markdown("**得分构成**（各部分相加为得分）")
    parts = matcher.score_parts(row, settings)
    st.markdown(
        "  \n".join(f"{label}：{parts[k]:+.1f} 分" for k, label in ui.PART_LABELS.items())
        + f"  \n合计：**{row['score']:.1f}** 分"
    )
    st.markdown("**各项分数**（0–1，越高越好；风险扣减比例越高扣分越多）")
    comp = {ui.COMPONENT_LABELS[k]: float(row[k]) for k in ui.COMPONENT_LABELS if k in row and pd.notna(row[k])}
    st.dataframe(
        pd.DataFrame({"项目": list(comp), "分数": list(comp.values())}),
        hide_index=True,
        width="stretch",
        column_config={"分数": st.column_config.ProgressColumn("分数", min_value=0, max_value=1, format="%.2f")},
    )
with right:
    st.markdown("**推荐理由与证据**")
    detail = listed.components.iloc[int(row.name)]  # the component row of this ranked row (same order)
    for part in matcher.reason_parts(detail, ranking.settings or settings):
        st.markdown("- " + ui.md(part))
    st.markdown("**企业信息**")
    facts = {
        label: row[c] for c, label in ui.FACT_LABELS.items() if c in row and pd.notna(row[c]) and str(row[c]) != ""
    }
    for c in ranked.columns[len(matcher.CONTRACT_COLUMNS) :]:
        if (
            c in ui.FACT_LABELS
            or c in ui.COMPONENT_LABELS
            or c in ui.TABLE_COLUMNS
            or c in ("position", "credit_code_valid")
        ):
            continue
        v = row[c]
        if v is not None and not (isinstance(v, float) and pd.isna(v)) and str(v).strip() not in ("", "-"):
            facts.setdefault(str(c), v)
    st.dataframe(
        pd.DataFrame({"项目": list(facts), "内容": [ui.fact_text(v) for v in facts.values()]}),
        hide_index=True,
        width="stretch",
    )
