"""Page 2 · 产业链缺口: choose the zone profile, compute statuses from the zone's enterprise list, edit, download."""

import streamlit as st

import matcher
from app_pages import _shared as ui

st.title("产业链缺口")
st.caption(
    "园区每条产业链的优先级和每个环节的状态（优势 / 一般 / 薄弱 / 缺失）决定缺口权重：缺失的环节权重最高，"
    "补链的目标企业得分最高。状态可以人工设定，也可以由园区企业库测算。"
)

# --- which profile -------------------------------------------------------------------------
st.subheader("园区配置")
zone = ui.zone()
left, right = st.columns([3, 1])
left.file_uploader(
    "上传园区缺口配置（本页“下载缺口配置”保存的文件）",
    type=["yaml", "yml"],
    key="zone_uploader",
    on_change=ui.on_zone_upload,
)
right.button(
    "恢复内置配置", on_click=ui.use_default_zone, width="stretch", disabled=st.session_state.get("zone") is None
)
if st.session_state.get("zone_error"):
    st.error(st.session_state["zone_error"] + "（仍使用原配置）")
st.info(f"当前配置：{zone.name}（{ui.zone_label()}）")

# --- computed from the zone's own enterprise list ------------------------------------------
st.subheader("由园区企业库测算")
st.caption(
    "上传园区现有企业名单（企业库，格式同候选名单）：每家企业按同一规则归入最相关的环节，"
    "按企业数量和实力与目标数比较得出状态。人工设定的状态（未标“待核实”或“测算”）优先。"
)
left, right = st.columns([3, 1])
left.file_uploader(
    "上传园区企业库（可多选）",
    type=ui.UPLOAD_TYPES,
    accept_multiple_files=True,
    key="local_uploader",
    on_change=ui.on_local_upload,
)
right.button("使用示例企业库（合成）", on_click=ui.use_sample_local, width="stretch")
profile, error = ui.current_gaps()
if error:
    st.error(error)
if profile is not None:
    st.success(profile.summary())
    st.caption("企业库：" + "、".join(profile.sources))
    table = profile.segments.rename(
        columns={
            "chain_name": "产业链",
            "segment_name": "环节",
            "position": "链位",
            "local_count": "本地企业数",
            "coverage": "加权覆盖",
            "target_count": "目标数",
            "status": "状态",
            "computed_status": "测算状态",
            "overridden": "人工设定",
            "local_examples": "本地企业示例",
            "note": "说明",
        }
    )
    st.dataframe(
        table[
            [
                "产业链",
                "环节",
                "链位",
                "本地企业数",
                "加权覆盖",
                "目标数",
                "状态",
                "测算状态",
                "人工设定",
                "本地企业示例",
                "说明",
            ]
        ],
        hide_index=True,
        width="stretch",
        height=300,
    )
    st.button(
        "采用测算结果作为园区缺口配置",
        type="primary",
        on_click=ui.set_zone,
        args=(profile.to_zone(), f"企业库测算：{'、'.join(profile.sources)}"),
    )
    ui.kept(st.checkbox, "评分时把企业库中已有的企业标为“本地”（强链对象，不作为补链目标）", "mark_local", False)
    # the computed statuses on the chain map (上游 → 中游 → 下游, coloured by status)
    gap_chains = ui.chains()
    shown = ui.kept(
        st.selectbox,
        "在产业链图上查看测算状态",
        "gaps_map_chain",
        next(iter(gap_chains)),
        options=list(gap_chains),
        format_func=ui.chain_label,
    )
    # the computed statuses with the current list's candidates (A / B counts per segment)
    st.iframe(ui.gaps_map_html(profile, shown), height=700)

# --- edit -----------------------------------------------------------------------------------
st.subheader("编辑缺口配置")
chains = ui.chains()
priorities, segments = matcher.zone_tables(chains, zone)
version = st.session_state.get("zone_version", 0)
levels = list(zone.priority_levels)
statuses = list(zone.status_weights)
st.markdown("**产业链优先级**：" + "，".join(f"{ui.md(k)} = {v:g}" for k, v in zone.priority_levels.items()))
edited_priorities = st.data_editor(
    priorities,
    key=f"zone_priorities_{version}",
    hide_index=True,
    width="stretch",
    disabled=["chain_id", "chain_name"],
    column_config={
        "chain_id": "产业链ID",
        "chain_name": "产业链",
        "priority_level": st.column_config.SelectboxColumn("优先级", options=levels, required=True),
        "leader": st.column_config.TextColumn("链长"),
    },
)
st.markdown(
    "**环节状态**：缺口权重 "
    + "，".join(f"{ui.md(k)} = {v:g}" for k, v in zone.status_weights.items())
    + "。“待核实”表示尚未经招商专班确认的假设。"
)
edited_segments = st.data_editor(
    segments,
    key=f"zone_segments_{version}",
    hide_index=True,
    width="stretch",
    height=420,
    disabled=["chain_id", "chain_name", "segment_id", "segment_name", "position", "computed"],
    column_config={
        "chain_id": None,
        "segment_id": None,
        "chain_name": "产业链",
        "segment_name": "环节",
        "position": "链位",
        "status": st.column_config.SelectboxColumn("状态", options=statuses, required=True),
        "assumed": st.column_config.CheckboxColumn("待核实"),
        "computed": st.column_config.CheckboxColumn("测算"),
        "target_count": st.column_config.NumberColumn("目标数", min_value=1, step=1),
        "note": st.column_config.TextColumn("说明", width="large"),
    },
)
try:
    edited_zone = matcher.apply_zone_edits(zone, chains, edited_priorities, edited_segments)
except matcher.MatcherError as exc:
    st.error(str(exc))
    edited_zone = zone
edited_yaml = matcher.zone_to_yaml(edited_zone, chains)
if edited_yaml != matcher.zone_to_yaml(zone, chains):
    st.warning("配置已修改，尚未用于评分。")
    st.button("应用修改并重新评分", type="primary", on_click=ui.set_zone, args=(edited_zone, "人工编辑"))
ui.download(
    st,
    "下载缺口配置",
    make=edited_yaml.encode("utf-8"),
    what="园区缺口配置",
    rows=len(ui.segments()),
    file_name=f"{zone.id}-缺口配置.yaml",
    mime="application/x-yaml",
)
