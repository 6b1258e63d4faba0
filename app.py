"""ChainMatch — Streamlit entry for officers (UI text in Chinese). Thin: calls only the matcher API."""

import streamlit as st

import matcher

st.set_page_config(page_title="ChainMatch 产业链精准招商", layout="wide")
st.title("ChainMatch 产业链精准招商目标匹配")


@st.cache_data(show_spinner="正在为示例名单评分……")
def _score_sample():
    result = matcher.score_files([matcher.SAMPLE_FILE])
    return result.ranked, result.counts


ranked, counts = _score_sample()
st.caption(f"示例数据（合成）：读取 {counts['read']} 行，评分 {counts['scored']} 家，"
           f"合并 {counts['merged']} 行，拒收 {counts['rejected']} 行。园区：南京经济技术开发区（默认缺口配置）")
chains = matcher.load_chains()
tabs = st.tabs([c.name for c in chains.values()])
columns = {"company_name": "企业名称", "segment_name": "环节", "score": "得分", "tier": "等级",
           "city": "城市", "registered_capital_wan": "注册资本(万元)", "reasons": "推荐理由"}
for tab, cid in zip(tabs, chains):
    with tab:
        top = ranked[(ranked["chain_id"] == cid) & (ranked["score"] > 0)].head(20)
        st.dataframe(top[list(columns)].rename(columns=columns), hide_index=True, use_container_width=True)
