"""Page 1 · 数据导入: upload candidate lists (or use the sample), see what was understood, fix the mapping."""

import streamlit as st

import matcher
from app_pages import _shared as ui
from app_pages._timing import mark

mark("import page: start")
st.title("ChainMatch 产业链精准招商目标匹配")
st.caption(
    "上传企查查 / 天眼查 / 启信宝导出的名单或展会名录，系统按园区产业链缺口为每家企业归链、打分（0–100，"
    "A / B / C 类）并给出推荐理由。未上传时显示内置示例（合成数据）。"
)

left, right = st.columns([3, 1])
left.file_uploader(
    "上传候选企业名单（可多选；Excel、CSV、文本）",
    type=ui.UPLOAD_TYPES,
    accept_multiple_files=True,
    key="uploader",
    on_change=ui.on_upload,
)
right.button("改用示例数据", on_click=ui.use_sample, disabled=ui.is_sample(), width="stretch")

files = ui.input_files()
if ui.is_sample():
    st.info(f"当前数据：示例名单 {files[0]['name']}（合成数据，仅供演示）。上传自己的名单后即按其评分。")
else:
    st.info("当前数据：" + "、".join(f["name"] for f in files))

mark("import page: before result")
result, errors = ui.current_result()
mark("import page: result")
ui.show_errors(errors)
if result is None:
    st.warning("没有可评分的数据：请检查上面的错误提示，换一个文件，或改用示例数据。")
    st.stop()
ranking = ui.current_ranking(result)
mark("import page: ranking")

c = result.counts
cols = st.columns(4)
for col, (label, key) in zip(
    cols, (("读取行数", "read"), ("评分企业", "scored"), ("合并重复", "merged"), ("拒收行数", "rejected"))
):
    col.metric(label, f"{c[key]:,}")

st.subheader("各产业链得分最高的目标企业")
st.caption("按当前权重排序；到“目标排序”页调整权重、筛选并查看每家企业的得分构成。")
ranked = ranking.ranked
chain_ids = [cid for cid in ui.chains() if (ranked["chain_id"] == cid).any()]
if chain_ids:
    # only the chosen chain's table is made and sent (a click on another tab reruns for it): one table
    # for the browser to draw on the first page instead of one per chain
    tabs = st.tabs([ui.chain_label(cid) for cid in chain_ids], key="best_tabs", on_change="rerun")
    for tab, cid in zip(tabs, chain_ids):
        if tab.open is False:
            continue
        with tab:
            best = ui.memo(("best10", *ui.ranking_key(), cid), lambda cid=cid: ui.best_table(ranked, cid))
            st.dataframe(best, hide_index=True, column_config=ui.TABLE_CONFIG)
else:
    st.warning("没有企业匹配到任何产业链环节。请检查列映射（企业名称、经营范围、简介等是否识别正确）。")

mark("import page: tabs")
st.subheader("每个文件读到了什么")
accounting = ui.memo(("accounting", ui.score_key()), lambda: matcher.input_accounting(result))
labels = matcher.field_labels()
KINDS = {"xlsx": "Excel 工作簿", "xlsm": "Excel 工作簿", "xls": "Excel 97–2003 工作簿", "html": "网页表格（HTML）"}


def file_kind(fmt: str | None) -> str:
    """The reader's format ('xlsx', 'csv (gb18030)', …) as an officer names it: the kind of file, no encoding."""
    if not fmt:
        return "—"
    kind = fmt.split(" ", 1)[0].lower()
    if kind in ("csv", "tsv"):
        return "CSV 文本表格" if kind == "csv" else "制表符分隔的文本表格"
    return KINDS.get(kind, kind.upper())


fields = list(labels)
# the sample's file details (a mapping editor and tables) are shown on request: the first page after a start
# draws only the chosen chain's table; an officer's own files always show what was read of them
shown = not ui.is_sample() or st.toggle("显示示例名单读到的内容（列映射、拒收的行）", key="sample_files")
for n, (t, acc) in enumerate(zip(result.tables, accounting.itertuples()) if shown else ()):
    f = files[ui.input_index(t)]
    with st.expander(
        f"{t.label} · 读取 {acc.read} 行：评分 {acc.scored}，合并 {acc.merged}，拒收 {acc.rejected}",
        expanded=len(result.tables) == 1,
    ):
        where = f"表头在第 {t.header_row} 行" if t.header_row else "未发现表头，按企业名称名单读取"
        st.markdown(f"格式：{ui.md(file_kind(t.format))}；{where}；数据行 {len(t.frame):,}。")
        for note in t.notes:
            st.caption(note)
        st.markdown(
            "**列映射**：“识别为”一列可以修改（例如把“注册金额”指定为注册资本），然后点“按此映射重新读取”。"
            "留空的列原样保留在导出结果中。"
        )
        base = ui.memo(("mapping", ui.score_key(), n), lambda t=t: matcher.mapping_table(t))
        overrides = ui.column_maps().get(f["digest"]) or {}
        editor_key = f"map_{f['digest']}_{t.sheet}_{matcher.state_key(overrides)}"
        edited = st.data_editor(
            base,
            key=editor_key,
            hide_index=True,
            disabled=["header", "example"],
            width="stretch",
            column_config={
                "header": st.column_config.TextColumn("原始表头"),
                "field": st.column_config.SelectboxColumn(
                    "识别为", options=fields, format_func=lambda v: labels.get(v, v)
                ),
                "example": st.column_config.TextColumn("示例值"),
            },
        )
        if st.button("按此映射重新读取", key=f"remap_{editor_key}"):
            try:
                new = matcher.mapping_overrides(edited, t)
            except matcher.MatcherError as exc:
                st.error(str(exc))
            else:
                if new:
                    kept = {h: v for h, v in overrides.items() if h not in new and v not in new.values()}
                    ui.column_maps()[f["digest"]] = {**kept, **new}
                    st.rerun()
                dropped = [
                    r.header
                    for r in edited.itertuples()
                    if not (isinstance(r.field, str) and r.field) and t.mapping.get(r.header)
                ]
                if dropped:
                    st.warning("暂不支持取消已识别的列（" + "、".join(dropped) + "）；请把正确的列指定为该字段。")
                else:
                    st.info("映射没有变化。")
        rejected = ui.memo(
            ("rejected", ui.score_key(), n),
            lambda t=t: ui.as_text(
                result.rejected[result.rejected["source_file"] == t.label].drop(columns="source_file")
            ).rename(columns={"source_row": "行号", "reason": "原因"}),
        )
        if len(rejected):
            st.markdown(f"**拒收的 {len(rejected)} 行及原因**")
            st.dataframe(
                rejected,
                hide_index=True,
                width="stretch",
            )
        merges = result.merges[result.merges["source_file"] == t.label] if len(result.merges) else result.merges
        if len(merges):
            with st.popover(f"合并的 {len(merges)} 行重复企业"):
                st.dataframe(ui.as_text(merges), hide_index=True)
ui.FIRST_PAGE_DRAWN.set()
