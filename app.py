"""ChainMatch — the Streamlit app officers work in (UI text in Chinese).

Entry script and router: page set-up, the pages (app_pages/*.py), the sidebar summary. Thin: every
computation is a call to the public `matcher` API; shared session state lives in app_pages/_shared.py.
Run with `make run` (or `streamlit run app.py`).
"""

import streamlit as st

import matcher
from app_pages import _auth as auth
from app_pages import _shared as ui

st.set_page_config(page_title="ChainMatch 产业链精准招商", layout="wide")
# Streamlit's file uploader has fixed English text and no option to change it: hide it (visibility
# hidden also keeps it out of the page's text) and show Chinese in its place. Less empty space above
# each page's title, so the ranking fits a 1280×720 screen.
st.html(
    """<style>
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p,
[data-testid="stFileUploaderDropzoneInstructions"] span {font-size: 0 !important; visibility: hidden;}
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {
  content: "选择文件"; font-size: 0.875rem; visibility: visible;}
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "拖放文件到此处，或点击“选择文件”；每个文件不超过 200MB"; font-size: 0.875rem; visibility: visible;}
[data-testid="stMainBlockContainer"] {padding-top: 2.5rem;}
</style>"""
)

principal = auth.gate()  # team mode: stops here until someone signs in; desktop mode: None

pages = [
    st.Page("app_pages/import_data.py", title="数据导入", url_path="import", default=True),
    st.Page("app_pages/gaps.py", title="产业链缺口", url_path="gaps"),
    st.Page("app_pages/ranking.py", title="目标排序", url_path="ranking"),
    st.Page("app_pages/map.py", title="招商地图", url_path="map"),
    st.Page("app_pages/export.py", title="导出", url_path="export"),
]
if principal is None:  # desktop mode: one officer, the whole 台账
    pages.append(st.Page("app_pages/ledger.py", title="线索台账", url_path="ledger"))
else:  # team mode: the 台账 scoped to the signed-in officer (the unscoped ledger page is not offered)
    pages.append(st.Page("app_pages/leads.py", title="线索台账", url_path="leads"))
    if "audit" in matcher.load_roles().resolve(principal.role).may:
        pages.append(st.Page("app_pages/audit.py", title="审计记录", url_path="audit"))
page = st.navigation(pages)
ui.sidebar_summary()
page.run()
