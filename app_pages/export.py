"""Page 5 · 导出: the officer workbook, the map, the ranked table, the rejected rows and the zone profile."""

import streamlit as st

import matcher
from app_pages import _shared as ui

st.title("导出")
if not ui.may("export"):  # team mode: a role without the export right gets no download
    ui.no_export_note()
    st.stop()
ranking = ui.require_ranking()
chains = ui.chains()
zone = ui.zone()
settings = ui.settings()
stem = ui.stem()
st.caption(
    f"数据：{ui.md('、'.join(f['name'] for f in ui.input_files()))}；园区：{ui.md(zone.name)}；"
    f"{ui.md(ui.weights_line(settings))}。"
)

st.subheader("招商工作簿（Excel）")
st.caption(
    "交给链长的工作簿：说明（数据来源、行数核对、权重、缺口配置）、汇总、每条产业链一张排名表（含跟进状态、"
    "负责人、备注列）、招商地图、未匹配、未处理和合并记录。按当前权重排序。"
)
c1, c2 = st.columns(2)
chain_ids = ui.kept(
    c1.multiselect,
    "只导出这些产业链",
    "x_chains",
    [],
    options=list(chains),
    format_func=ui.chain_label,
    placeholder="全部产业链",
)
top = ui.kept(c2.number_input, "每条产业链最多行数（0 = 全部）", "x_top", 0, min_value=0, step=50)


def workbook_rows() -> int:
    """The ranked rows the workbook lists (the chosen chains, at most `top` per chain)."""
    rows = ranking.ranked if not chain_ids else ranking.ranked[ranking.ranked["chain_id"].isin(chain_ids)]
    return len(rows.groupby("chain_id", dropna=False).head(int(top)) if top else rows)


ui.download(
    st,
    "下载招商工作簿",
    type="primary",
    key="download_workbook",
    make=lambda: matcher.workbook_bytes(
        ranking, chains=chains, zone=zone, settings=settings, chain_ids=chain_ids or None, top=int(top) or None
    ),
    what="招商工作簿",
    rows=workbook_rows,
    file_name=f"招商目标_{stem}.xlsx",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)

st.subheader("其他文件")
c1, c2 = st.columns(2)
ui.download(
    c1,
    "招商地图（HTML）",
    key="download_map",
    make=lambda: matcher.map_html(ranking, chains, zone, radius_km=settings.radius_km).encode("utf-8"),
    what="招商地图",
    rows=len(ranking.ranked),
    file_name=f"招商地图_{stem}.html",
    mime="text/html",
)
ui.download(
    c1,
    "排名表（CSV，机器可读）",
    key="download_csv",
    make=lambda: matcher.table_csv_bytes(ranking.ranked),
    what="排名表",
    rows=len(ranking.ranked),
    file_name=f"排名_{stem}.csv",
    mime="text/csv",
)
ui.download(
    c2,
    f"未处理的行（CSV，{len(ranking.rejected)} 行）",
    key="download_rejected",
    make=lambda: matcher.table_csv_bytes(ranking.rejected),
    what="未处理的行",
    rows=len(ranking.rejected),
    file_name=f"未处理_{stem}.csv",
    mime="text/csv",
)
ui.download(
    c2,
    "园区缺口配置（可在“产业链缺口”页上传）",
    key="download_zone",
    make=matcher.zone_to_yaml(zone, chains).encode("utf-8"),
    what="园区缺口配置",
    rows=len(ui.segments()),
    file_name=f"{zone.id}-缺口配置.yaml",
    mime="application/x-yaml",
)
