"""审计记录 (administrators): who did what, when, to what, how many rows; downloadable."""

import tempfile
from pathlib import Path

import streamlit as st

import matcher
from app_pages import _auth as auth

st.title("审计记录")
p = auth.principal()
store = auth.store()
try:
    matcher.require(store, p, "audit", source="app")
except matcher.MatcherError as exc:
    st.error(str(exc))
    st.stop()
trail = matcher.list_audit(store, limit=2000)
st.caption(f"最近 {len(trail)} 条（只增不改）。")
st.dataframe(matcher.audit_table(trail), hide_index=True)
if st.button("导出全部审计记录（.csv）"):
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "审计记录.csv"
        n = matcher.export_audit(store, out, by=p.username, source="app")
        st.download_button(f"下载（{n} 条）", out.read_bytes(), file_name="审计记录.csv", mime="text/csv")
