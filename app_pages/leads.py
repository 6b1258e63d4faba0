"""线索台账 (team mode): the leads the signed-in officer may see, a change to one they may change,
an export if their role may export. Every read and write goes through the Principal-scoped API."""

import streamlit as st

import matcher
from app_pages import _auth as auth
from app_pages import _shared as ui

st.title("线索台账")
p = auth.principal()
store = auth.store()
leads = matcher.list_leads_for(store, p)
scope = "全部产业链" if matcher.visible_chains(p) is None else "、".join(ui.chain_label(c) for c in p.chains) or "无"
st.caption(f"可查看范围：{ui.md(scope)}；共 {len(leads)} 条线索。")
COLUMNS = {
    "lead_id": "编号",
    "company_name": "企业名称",
    "chain_name": "产业链",
    "segment_name": "环节",
    "stage": "跟进阶段",
    "owner": "负责人",
    "notes": "备注",
}
st.dataframe(leads[list(COLUMNS)].rename(columns=COLUMNS), hide_index=True)

if not leads.empty:
    st.subheader("更新线索")
    if saved_msg := st.session_state.pop("lead_saved", None):
        st.success(saved_msg)
    labels = {int(r.lead_id): f"{r.lead_id} · {r.company_name}（{r.segment_name}）" for r in leads.itertuples()}
    with st.form("edit_lead"):
        lead_id = st.selectbox("线索", list(labels), format_func=labels.get)
        stage = st.selectbox("跟进阶段", ["（不变）", *store.stages.names])
        notes = st.text_area("备注（留空则不变）", max_chars=10_000)
        saved = st.form_submit_button("保存")
    if saved:
        lead = leads[leads["lead_id"] == lead_id].iloc[0]
        changes = {}
        if stage != "（不变）":
            changes["stage"] = stage
        if notes.strip():
            changes["notes"] = notes
        try:
            if changes:
                matcher.update_lead_as(store, p, lead_id, int(lead["version"]), source="app", **changes)
                st.session_state["lead_saved"] = f"已保存线索 {lead_id}"
                st.rerun()
        except matcher.MatcherError as exc:
            st.error(str(exc))

role = matcher.load_roles().resolve(p.role)
if "export" in role.may:
    st.subheader("导出")
    if st.button("导出可查看的线索（.csv）"):
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "线索台账.csv"
            n = matcher.export_leads_for(store, p, out, source="app")
            st.download_button(f"下载（{n} 条）", out.read_bytes(), file_name="线索台账.csv", mime="text/csv")
