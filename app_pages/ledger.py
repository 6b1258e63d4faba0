"""Page 6 · 线索台账: the leads under follow-up, filtered and paged in the database, edited in place
(every write through the store with the version the officer read: a lead someone else changed in the
meantime is not overwritten, the officer sees a Chinese message and keeps the values typed), one
lead's history and its score over the runs, what changed between two scoring runs, and the weekly and
quarterly reports to download.

Every read goes through the Principal-scoped API (`matcher.list_leads_for` …): in team mode the
signed-in officer sees only the chains the role allows and changes only what it may change
(`matcher.update_lead_as`, audited); in desktop mode the page acts as `matcher.desktop_principal()`
(every chain) and writes as the officer named in 经办人."""

import pandas as pd
import streamlit as st

import matcher
from app_pages import _auth as auth

PAGE_SIZE = 50
EDIT_COLUMNS = {  # lead column -> editable in the table
    "stage": "跟进阶段",
    "owner": "负责人",
    "next_action": "下一步工作",
    "due_date": "完成期限",
    "amount_wan": "预计投资额（万元）",
    "notes": "备注",
}
SHOWN = ["lead_id", "company_name", "chain_name", "segment_name", "stage", "colour_label", "days_in_stage"]
SHOWN += ["owner", "next_action", "due_date", "amount_wan", "notes", "score", "tier", "hint"]
STATUS_WORDS = {"active": "在营", "inactive": "注销或吊销", "unknown": "不详"}


@st.cache_resource(show_spinner=False)
def _open(url: str):
    return matcher.open_store(url or None)


@st.cache_data(show_spinner="正在比较两次评分…", max_entries=8)
def diff_tables(label: str, before: int, after: int, _who, scope: str) -> dict:
    """The diff of two recorded runs as officer tables, limited to the officer's chains (runs never
    change once recorded: cached per store, runs and the chains in view — `scope`)."""
    return matcher.diff_tables(matcher.diff_runs_for(store(), _who, before, after).tables())


def who() -> matcher.Principal:
    """The officer the page reads and writes as: signed in (team mode) or this computer's (desktop mode)."""
    p = auth.principal()
    if p is None and auth.team_mode():
        st.stop()  # never reached through the app (its gate asks for a login first)
    return p if p is not None else matcher.desktop_principal()


def _write(lead: dict, wanted: dict) -> None:
    """One lead's changes: checked against the role and audited in team mode, as 经办人 in desktop mode."""
    p = auth.principal()
    if p is not None:
        matcher.update_lead_as(store(), p, lead["lead_id"], lead["version"], source="app", **wanted)
    else:
        matcher.update_lead(store(), lead["lead_id"], lead["version"], by=_by(), source="app", **wanted)


def store():
    import os

    try:
        return _open(os.environ.get(matcher.DB_ENV, ""))
    except matcher.MatcherError as exc:
        st.error(f"无法打开台账：{exc}")
        st.stop()


def _hint(row) -> str:
    parts = (["下一步已逾期"] if row["overdue"] else []) + (["企业已注销或吊销"] if row["company_closed"] else [])
    return "；".join(parts)


def _clean(value):
    if value is None or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


def _by() -> str | None:
    """The officer's name as typed now (a callback's arguments were fixed when the page was drawn)."""
    return (st.session_state.get("lg_by") or "").strip() or None


def save_edits(key: str) -> None:
    """The table's edits (Streamlit keeps them under the editor's key) written lead by lead with the
    version each was read at; stale leads are kept aside with the values the officer typed."""
    snapshot = st.session_state.get(f"{key}_rows") or {}
    edits = (st.session_state.get(key) or {}).get("edited_rows", {})
    saved, unsaved, errors = 0, [], []
    for row, changes in edits.items():
        lead = snapshot.get(int(row))
        if lead is None:
            continue
        wanted = {c: _clean(v) for c, v in changes.items() if c in EDIT_COLUMNS}
        wanted = {c: v for c, v in wanted.items() if v != _clean(lead.get(c))}
        if not wanted:
            continue
        try:
            _write(lead, wanted)
            saved += 1
        except matcher.StaleLeadError as exc:
            errors.append(str(exc))
            unsaved.append({"线索编号": lead["lead_id"], "企业名称": lead["company_name"], **_typed(wanted)})
        except matcher.MatcherError as exc:
            errors.append(f"线索 {lead['lead_id']}（{lead['company_name']}）：{exc}")
            unsaved.append({"线索编号": lead["lead_id"], "企业名称": lead["company_name"], **_typed(wanted)})
    st.session_state["ledger_result"] = (saved, errors)
    st.session_state["ledger_unsaved"] = unsaved
    st.session_state["ledger_round"] = st.session_state.get("ledger_round", 0) + 1  # a fresh table


def _typed(changes: dict) -> dict:
    return {EDIT_COLUMNS[c]: "" if v is None else str(v) for c, v in changes.items()}


def save_one(lead: dict) -> None:
    """The detail form's values for one lead, with the version read when the form was drawn."""
    prefix = f"one_{lead['lead_id']}_{lead['version']}_"
    wanted = {c: _clean(st.session_state.get(prefix + c)) for c in EDIT_COLUMNS}
    wanted = {c: v for c, v in wanted.items() if v != _clean(lead.get(c)) and not (v == "" and lead.get(c) is None)}
    if not wanted:
        st.session_state["ledger_result"] = (0, ["没有需要保存的修改"])
        return
    try:
        _write(lead, wanted)
        st.session_state["ledger_result"] = (1, [])
        st.session_state["ledger_unsaved"] = []
    except matcher.MatcherError as exc:
        st.session_state["ledger_result"] = (0, [str(exc)])
        st.session_state["ledger_unsaved"] = [
            {"线索编号": lead["lead_id"], "企业名称": lead["company_name"], **_typed(wanted)}
        ]
    st.session_state["ledger_round"] = st.session_state.get("ledger_round", 0) + 1


st.title("线索台账")
s = store()
p = who()
team = auth.principal() is not None
stages = s.stages
chains = matcher.lead_chains_for(s, p)
if team:
    visible, known = matcher.visible_chains(p), matcher.load_chains()
    scope = "全部产业链" if visible is None else "、".join(known[c].name if c in known else c for c in visible)
    st.caption(f"{p.display_name}（{p.role}）可查看：{scope or '无'}")
if chains.empty:
    st.info("台账中还没有线索。评分并记录后，可把 A、B 类目标加入台账跟进。")
    st.stop()

chain_names = dict(zip(chains["chain_id"], chains["chain_name"].fillna(chains["chain_id"])))
f1, f2, f3, f4 = st.columns(4)
pick_chains = f1.multiselect("产业链", list(chain_names), format_func=lambda c: chain_names[c], key="lg_chain")
pick_owners = f2.multiselect("负责人", matcher.lead_owners_for(s, p), key="lg_owner")
pick_stages = f3.multiselect("跟进阶段", stages.names, key="lg_stage")
pick_colours = f4.multiselect(
    "三类三色",
    ["绿", "黄", "红"],
    key="lg_colour",
    help=f"在同一阶段停留满 {s.settings.yellow_days} 天为黄、满 {s.settings.red_days} 天为红",
)
g1, g2, g3 = st.columns([2, 1, 1])
name = g1.text_input("企业名称包含", key="lg_name")
as_of = g2.date_input(
    "查看日期", value=matcher.store_today(), key="lg_as_of", help="按这一天计算停留天数、三类三色和逾期"
)
if team:
    g3.text_input("经办人", value=p.display_name, disabled=True, help="保存修改时以登录的账号记入变更记录")
else:
    g3.text_input("经办人", key="lg_by", help="保存修改时记入变更记录")

filters = {
    "chain": pick_chains or None,
    "owner": pick_owners or None,
    "stage": pick_stages or None,
    "colour": pick_colours or None,
    "company": name or None,
}
total = matcher.count_leads_for(s, p, as_of=as_of, **filters)
pages = max(1, -(-total // PAGE_SIZE))
h1, h2 = st.columns([3, 1])
page_no = h2.number_input("页码", min_value=1, max_value=pages, value=1, step=1, key="lg_page")
h1.markdown(f"共 **{total:,}** 条线索，第 {int(page_no)} / {pages} 页（每页 {PAGE_SIZE} 条）")

leads = matcher.list_leads_for(s, p, as_of=as_of, limit=PAGE_SIZE, offset=(int(page_no) - 1) * PAGE_SIZE, **filters)
leads["colour_label"] = leads["colour"].map(matcher.COLOUR_LABELS)
leads["hint"] = leads.apply(_hint, axis=1) if len(leads) else pd.Series(dtype=object)
leads["due_date"] = pd.to_datetime(leads["due_date"]).dt.date
view = leads[SHOWN].astype({"notes": object, "owner": object, "next_action": object})

result = st.session_state.pop("ledger_result", None)
if result:
    saved, errors = result
    if saved:
        st.success(f"已保存 {saved} 条线索的修改")
    for e in errors:
        st.error(e)
if st.session_state.get("ledger_unsaved"):
    st.warning("以下修改没有保存（这些线索已被他人先改过）。你填写的内容保留在下表，请核对最新情况后重新填写：")
    st.dataframe(pd.DataFrame(st.session_state["ledger_unsaved"]), hide_index=True)

key = f"lg_edit_{int(page_no)}_{matcher.state_key(filters)}_{as_of}_{st.session_state.get('ledger_round', 0)}"
st.session_state[f"{key}_rows"] = dict(enumerate(leads.to_dict("records")))
st.data_editor(
    view,
    key=key,
    hide_index=True,
    width="stretch",
    disabled=[c for c in SHOWN if c not in EDIT_COLUMNS],
    column_config={
        "lead_id": st.column_config.NumberColumn("线索编号", format="%d"),
        "company_name": st.column_config.TextColumn("企业名称"),
        "chain_name": st.column_config.TextColumn("产业链"),
        "segment_name": st.column_config.TextColumn("环节"),
        "stage": st.column_config.SelectboxColumn("跟进阶段", options=stages.names, required=True),
        "colour_label": st.column_config.TextColumn("三类三色"),
        "days_in_stage": st.column_config.NumberColumn("本阶段天数", format="%d"),
        "owner": st.column_config.TextColumn("负责人"),
        "next_action": st.column_config.TextColumn("下一步工作"),
        "due_date": st.column_config.DateColumn("完成期限", format="YYYY-MM-DD"),
        "amount_wan": st.column_config.NumberColumn("预计投资额（万元）", min_value=0.0, format="%.0f"),
        "notes": st.column_config.TextColumn("备注"),
        "score": st.column_config.NumberColumn("最新得分", format="%.1f"),
        "tier": st.column_config.TextColumn("等级"),
        "hint": st.column_config.TextColumn("提示"),
    },
)
st.button("保存表格中的修改", key="lg_save", on_click=save_edits, args=(key,), type="primary")

# ------------------------------------------------------------------------------------------------
st.subheader("线索详情")
if leads.empty:
    st.caption("没有符合条件的线索")
else:
    labels = {int(r.lead_id): f"{r.lead_id} · {r.company_name} · {r.chain_name}" for r in leads.itertuples()}
    picked = st.selectbox("选择线索", list(labels), format_func=labels.get, key="lg_pick")
    lead = matcher.get_lead_for(s, p, picked, as_of=as_of)
    d1, d2, d3, d4 = st.columns(4)
    d1.metric("跟进阶段", lead["stage"])
    d2.metric("本阶段天数", int(lead["days_in_stage"]))
    d3.metric("三类三色", matcher.COLOUR_LABELS.get(lead["colour"], "不适用"))
    d4.metric("最新得分", "—" if pd.isna(lead["score"]) else f"{lead['score']:.1f}")
    if lead["company_closed"]:
        st.warning(f"该企业在最新一次评分中登记状态为“{lead['company_status_raw'] or '注销或吊销'}”")

    with st.form(f"one_{lead['lead_id']}_{lead['version']}"):
        prefix = f"one_{lead['lead_id']}_{lead['version']}_"
        e1, e2, e3 = st.columns(3)
        e1.selectbox("跟进阶段", stages.names, index=stages.order(lead["stage"]), key=prefix + "stage")
        e2.text_input("负责人", value=lead["owner"] or "", key=prefix + "owner")
        e3.date_input("完成期限", value=_clean(lead["due_date"]), key=prefix + "due_date")
        e4, e5 = st.columns([2, 1])
        e4.text_input("下一步工作", value=lead["next_action"] or "", key=prefix + "next_action")
        amount = None if pd.isna(lead["amount_wan"]) else float(lead["amount_wan"])
        e5.number_input("预计投资额（万元）", min_value=0.0, value=amount, key=prefix + "amount_wan")
        st.text_area("备注", value=lead["notes"] or "", key=prefix + "notes", height=68)
        st.form_submit_button("保存这条线索", on_click=save_one, args=(lead,))

    history = matcher.lead_history_for(s, p, picked)
    if len(history):
        h = history.iloc[-1]
        field = matcher.FIELD_LABELS.get(h["field"], h["field"])
        st.caption(
            f"最近变更：{pd.Timestamp(h['at']):%Y-%m-%d %H:%M} {h['by_user'] or ''}"
            f"（{matcher.SOURCE_LABELS.get(h['source'], h['source'])}）"
            f"{field}：{h['old_value'] or '（空）'} → {h['new_value'] or '（空）'}"
        )
    t1, t2 = st.columns(2)
    t1.markdown("**变更记录**")
    t1.dataframe(
        pd.DataFrame(
            {
                "时间": pd.to_datetime(history["at"]).dt.strftime("%Y-%m-%d %H:%M"),
                "经办人": history["by_user"].fillna(""),
                "来源": history["source"].map(matcher.SOURCE_LABELS).fillna(history["source"]),
                "内容": history["field"].map(matcher.FIELD_LABELS).fillna(history["field"]),
                "原值": history["old_value"].fillna(""),
                "新值": history["new_value"].fillna(""),
            }
        ).iloc[::-1],
        hide_index=True,
        key="lg_history",
    )
    scores = matcher.company_results_for(s, p, int(lead["company_id"]), lead["chain_id"])
    t2.markdown("**历次评分**")
    if scores.empty:
        t2.caption("该企业在这条产业链上没有评分记录")
    else:
        scores = scores.drop_duplicates("run_id")
        shown = pd.DataFrame(
            {
                "评分日期": pd.to_datetime(scores["run_date"]).dt.strftime("%Y-%m-%d"),
                "得分": scores["score"].round(1),
                "等级": scores["tier"].fillna(""),
                "环节": scores["segment_name"].fillna(""),
                "登记状态": scores["status_raw"].fillna(scores["status"].map(STATUS_WORDS)).fillna(""),
            }
        )
        t2.dataframe(shown, hide_index=True, key="lg_scores")
        if len(shown) > 1:
            t2.line_chart(shown.set_index("评分日期")["得分"], height=180)

# ------------------------------------------------------------------------------------------------
st.subheader("评分变化")
runs = matcher.list_runs_for(s, p)
if len(runs) < 2:
    st.caption("台账中的评分记录少于两次，暂无可比较的变化")
elif st.toggle("比较两次评分", key="lg_diff_on", help="新增和不再是目标的企业、等级和登记状态的变化、缺口状态的变化"):
    run_labels = {
        int(r.run_id): f"{pd.Timestamp(r.run_date):%Y-%m-%d} 评分（{r.inputs or '无文件名'}）"
        for r in runs.itertuples()
    }
    ids = list(run_labels)
    c1, c2 = st.columns(2)
    before = c1.selectbox("对比的评分", ids, index=1, format_func=run_labels.get, key="lg_run_a")
    after = c2.selectbox("本次评分", ids, index=0, format_func=run_labels.get, key="lg_run_b")
    if before == after:
        st.caption("请选择两次不同的评分")
    else:
        tables = diff_tables(s.label, before, after, p, matcher.state_key(matcher.visible_chains(p)))
        tabs = st.tabs([f"{name}（{len(table)}）" for name, table in tables.items()])
        for tab, (k, table) in zip(tabs, tables.items()):
            tab.dataframe(table, hide_index=True, key=f"lg_diff_{k}")

# ------------------------------------------------------------------------------------------------
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _report(kind: str, suffix: str, chosen, day):
    """The report's bytes, made when its button is clicked: scoped to the officer, audited."""
    return lambda: matcher.report_bytes(s, kind, suffix, principal=p, chain=chosen, as_of=day, source="app")


def _leads_csv(day):
    """The leads the officer may read as CSV, made when clicked (export_leads_for checks and audits)."""

    def make() -> bytes:
        import tempfile
        from pathlib import Path

        with tempfile.TemporaryDirectory() as folder:
            out = Path(folder) / "线索台账.csv"
            matcher.export_leads_for(s, p, out, source="app", as_of=day)
            return out.read_bytes()

    return make


rights = matcher.load_roles().resolve(p.role).may
if "reports" in rights or "export" in rights:
    st.subheader("报告和导出")
    covered = "、".join(chain_names[c] for c in pick_chains) if pick_chains else "可查看的全部产业链"
    st.caption(f"截至 {as_of:%Y-%m-%d}，{covered}；文件在点击时生成。")
    r1, r2, r3, r4 = st.columns(4)
    chosen, day = list(pick_chains) or None, f"{as_of:%Y%m%d}"
    if "reports" in rights:
        r1.download_button(
            "招商线索台账周报（Excel）",
            data=_report("weekly", ".xlsx", chosen, as_of),
            file_name=f"招商线索台账周报_{day}.xlsx",
            mime=XLSX,
            key="lg_weekly",
        )
        r2.download_button(
            "链长调度会季度报告（Excel）",
            data=_report("quarterly", ".xlsx", chosen, as_of),
            file_name=f"链长调度会季度报告_{day}.xlsx",
            mime=XLSX,
            key="lg_quarterly",
        )
        r3.download_button(
            "链长调度会季度报告（网页，可打印）",
            data=_report("quarterly", ".html", chosen, as_of),
            file_name=f"链长调度会季度报告_{day}.html",
            mime="text/html",
            key="lg_quarterly_html",
        )
    if "export" in rights:
        r4.download_button(
            "导出可查看的线索（.csv）",
            data=_leads_csv(as_of),
            file_name="线索台账.csv",
            mime="text/csv",
            key="lg_export",
        )
