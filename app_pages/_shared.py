"""Session state and widgets shared by the app's pages (UI only: every computation is a `matcher` call).

The session holds the inputs (uploaded bytes, or the bundled sample), each file's column-mapping
overrides, the zone profile, the optional local enterprise list and the settings. Scoring is cached
in the session by a digest of everything that changes matching; re-ranking after a weight change
reuses the stored component scores (`matcher.rerank`), so it never re-reads or re-matches.
Widgets made with `kept()` keep their value across page switches.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib.util
import logging
import tempfile
import threading
from pathlib import Path

import streamlit as st

import matcher
from app_pages._timing import mark

UPLOAD_TYPES = ["xlsx", "xlsm", "xls", "xlsb", "ods", "et", "csv", "txt", "tsv"]
SAMPLE_LOCAL = matcher.SAMPLE_FILE.parent / "local_enterprises_nanjing.csv"
TIER_ORDER = [*matcher.TIERS, matcher.LOCAL_TIER, matcher.NO_TARGET_TIER, matcher.UNMATCHED_TIER]

# ranked-table columns shown in the app, with their Chinese headers
TABLE_COLUMNS = {
    "rank": "排名",
    "company_name": "企业名称",
    "segment_name": "环节",
    "score": "得分",
    "tier": "等级",
    "reasons": "推荐理由",
    "chain_name": "产业链",
    "city": "城市",
    "province": "省份",
    "distance_km": "距园区(公里)",
    "registered_capital_wan": "注册资本(万元)",
    "employees": "参保人数",
    "status": "登记状态",
    "gap_status": "缺口状态",
}
COMPONENT_LABELS = {
    "relevance": "产业相关度",
    "gap_weight": "缺口权重",
    "priority": "产业链优先级",
    "fit": "匹配缺口分",
    "strength": "企业实力分",
    "s_capital": "注册资本分",
    "s_employees": "参保人数分",
    "s_age": "成立年限分",
    "s_tags": "上市/资质/融资加分",
    "proximity": "距离分",
    "risk": "风险扣减比例",
}
PART_LABELS = {"fit": "匹配缺口", "strength": "企业实力", "distance": "距离", "risk": "风险扣减"}
FACT_LABELS = {
    "company_name": "企业名称",
    "credit_code": "统一社会信用代码",
    "status_raw": "登记状态",
    "registered_capital_wan": "注册资本(万元)",
    "founded": "成立日期",
    "employees": "参保人数",
    "province": "省份",
    "city": "城市",
    "industry_code": "国标行业代码",
    "distance_km": "距园区(公里)",
    "source_file": "来源文件",
    "source_row": "来源行",
    "merged_rows": "合并来源",
}


# --------------------------------------------------------------------------------------------
# state


def kept(widget, label: str, name: str, default, audit: bool = False, **kwargs):
    """A widget whose value survives page switches: Streamlit drops the state of a widget that is not
    drawn, so the value is also stored under `v_<name>` (on change) and the widget `w_<name>` is seeded
    from it when it comes back. `audit`: in team mode a change is a settings change in the audit trail
    (once per settled value: the change callback, not every rerun). Returns the widget's value."""
    store, key = "v_" + name, "w_" + name
    st.session_state.setdefault(store, default)
    if key not in st.session_state:
        st.session_state[key] = st.session_state[store]

    def sync():
        before = st.session_state.get(store)
        st.session_state[store] = st.session_state[key]
        if audit and before != st.session_state[key]:
            audit_settings(label, f"{_shown(before)} → {_shown(st.session_state[key])}")

    return widget(label, key=key, on_change=sync, **kwargs)


def kept_value(name: str, default=None):
    return st.session_state.get("v_" + name, default)


def set_kept(name: str, value) -> None:
    st.session_state["v_" + name] = value
    st.session_state["w_" + name] = value


def kept_options(name: str, options) -> list:
    """Options for a kept multiselect, with any stored choice no longer offered dropped."""
    options = list(options)
    for key in ("v_" + name, "w_" + name):
        if key in st.session_state:
            st.session_state[key] = [v for v in st.session_state[key] if v in options]
    return options


@st.cache_resource(show_spinner=False)
def chains() -> dict:
    return matcher.load_chains()


@st.cache_resource(show_spinner=False)
def default_zone():
    return matcher.load_zone(chains=chains())


@st.cache_resource(show_spinner=False)
def default_zone_key() -> str:
    return matcher.state_key(matcher.zone_to_yaml(default_zone()))


def zone():
    return st.session_state.get("zone") or default_zone()


def zone_key() -> str:
    """A digest of the current zone profile, computed once when the zone is set (not on every rerun)."""
    return st.session_state.get("zone_key") or default_zone_key()


@st.cache_resource(show_spinner=False)
def _segment_table(key: str):
    return matcher.segment_table(chains(), zone())


def segments():
    """Every chain segment with the current zone's status (cached per zone)."""
    return _segment_table(zone_key())


def set_zone(new_zone, label: str) -> None:
    from app_pages import _auth

    who = _auth.principal()
    if who is not None:  # team mode: only a role with the right changes the zone profile, and it is audited
        try:
            matcher.require(_auth.store(), who, "profile", target=label, source="app")
        except matcher.MatcherError as exc:
            st.session_state["zone_error"] = str(exc)
            return
        name = new_zone.name if new_zone is not None else "内置配置"
        matcher.record_audit(_auth.store(), who.username, "profile_change", target=name, detail=label, source="app")
    st.session_state["zone"] = new_zone
    st.session_state["zone_key"] = matcher.state_key(matcher.zone_to_yaml(new_zone)) if new_zone else None
    st.session_state["zone_label"] = label
    st.session_state["zone_version"] = st.session_state.get("zone_version", 0) + 1


def zone_label() -> str:
    return st.session_state.get("zone_label") or "内置配置"


def _files_from_widget(key: str) -> list[dict] | None:
    value = st.session_state.get(key)
    files = value if isinstance(value, list) else ([value] if value is not None else [])
    out = [{"name": Path(f.name).name, "data": f.getvalue()} for f in files]
    for f in out:
        f["digest"] = matcher.file_digest(f["data"])
    return out or None


def on_upload() -> None:
    """The candidate uploader changed: its files become the inputs (none left: back to the sample)."""
    st.session_state["inputs"] = _files_from_widget("uploader")


def use_sample() -> None:
    st.session_state["inputs"] = None


def input_files() -> list[dict]:
    files = st.session_state.get("inputs")
    if files:
        return files
    return [sample_file()]


@st.cache_resource(show_spinner=False)
def sample_file() -> dict:
    data = matcher.SAMPLE_FILE.read_bytes()
    return {"name": matcher.SAMPLE_FILE.name, "data": data, "digest": matcher.file_digest(data), "sample": True}


def is_sample() -> bool:
    return not st.session_state.get("inputs")


def column_maps() -> dict:
    return st.session_state.setdefault("column_maps", {})


def local_files() -> list[dict] | None:
    return st.session_state.get("local_files")


def on_local_upload() -> None:
    st.session_state["local_files"] = _files_from_widget("local_uploader")


def use_sample_local() -> None:
    data = SAMPLE_LOCAL.read_bytes()
    st.session_state["local_files"] = [{"name": SAMPLE_LOCAL.name, "data": data, "digest": matcher.file_digest(data)}]


def match_settings() -> dict:
    """Overrides of the settings that need a new match (set on the ranking page's 匹配参数 form)."""
    return st.session_state.setdefault("match_settings", {})


def settings():
    """The current Settings: the kept weight sliders plus the applied match-setting overrides."""
    values = dict(match_settings())
    for name in matcher.RANK_SETTINGS:
        value = kept_value("set_" + name)
        if value is not None:
            values[name] = value
    return matcher.DEFAULTS.replace(**values)


def reset_weights() -> None:
    changed = [n for n in matcher.RANK_SETTINGS if kept_value("set_" + n) not in (None, getattr(matcher.DEFAULTS, n))]
    for name in matcher.RANK_SETTINGS:
        set_kept("set_" + name, float(getattr(matcher.DEFAULTS, name)))
    if changed:
        audit_settings("恢复默认权重", "、".join(_setting_label(n) for n in changed))


def apply_match_settings(values: dict) -> None:
    """The 匹配参数 form's values become the match-setting overrides (audited in team mode when they change)."""
    new = {k: v for k, v in values.items() if v != getattr(matcher.DEFAULTS, k)}
    old = match_settings()
    changed = [k for k in values if new.get(k) != old.get(k)]
    st.session_state["match_settings"] = new
    if changed:
        current = matcher.DEFAULTS.replace(**new)
        audit_settings("匹配参数", "；".join(f"{_setting_label(k)} {_shown(getattr(current, k))}" for k in changed))


def _setting_label(name: str) -> str:
    return next((h["label"] for h in matcher.settings_help() if h["name"] == name), name)


def _shown(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def audit_settings(what: str, detail: str) -> None:
    """Team mode: a settings change (a weight, the 匹配参数) goes to the audit trail under the officer's name."""
    from app_pages import _auth

    who = _auth.principal()
    if who is not None:
        matcher.record_audit(_auth.store(), who.username, "settings_change", target=what, detail=detail, source="app")


def download(container, label: str, make, *, what: str, file_name: str, rows=None, **kwargs):
    """A download button whose file is made when clicked (`make`: bytes or a callable returning them).
    Team mode: drawn only for a role with the export right (None otherwise), and every download is audited
    when its file is made — who, when, which file, `what`, how many rows (`rows`: a number or a callable)."""
    from app_pages import _auth

    who = _auth.principal()
    if who is None:
        return container.download_button(label, data=make, file_name=file_name, **kwargs)
    if not may("export"):
        return None
    store = _auth.store()  # the deferred download runs on another thread: take what it needs now

    def data():
        matcher.require(store, who, "export", target=file_name, source="app")
        out = make() if callable(make) else make
        n = rows() if callable(rows) else rows
        matcher.record_audit(store, who.username, "export", target=file_name, detail=what, n_rows=n, source="app")
        return out

    return container.download_button(label, data=data, file_name=file_name, **kwargs)


def may(right: str) -> bool:
    """Whether the signed-in officer's role has `right` (always in desktop mode)."""
    from app_pages import _auth

    who = _auth.principal()
    return who is None or right in matcher.load_roles().resolve(who.role).may


def no_export_note() -> None:
    """Team mode, a role without the export right: say so (once per session the refusal is audited)."""
    from app_pages import _auth

    who = _auth.principal()
    st.info(f"“{who.role}”角色没有导出数据的权限，本页不提供下载。如需文件，请联系链长或管理员。")
    if not st.session_state.get("_export_refused"):
        st.session_state["_export_refused"] = True
        try:
            matcher.require(_auth.store(), who, "export", target="导出页面", source="app")
        except matcher.MatcherError:
            pass  # the refusal is now in the audit trail; the note above says it


# --------------------------------------------------------------------------------------------
# scoring (cached in the session) and re-ranking


def upload_name(name) -> str:
    """An uploaded file's name as a plain file name: any folder part a client sent (`../`, `C:\\`, `/etc/`)
    dropped, so the file is always written inside the session's folder."""
    base = str(name or "").replace("\\", "/").split("/")[-1].replace("\x00", "").strip()
    return base if base not in ("", ".", "..") else "上传文件"


def _write(files: list[dict], folder: Path) -> list[Path]:
    """Each file under its own sub-folder (so two uploads with one name stay apart); the sub-folder's
    name is the file's index, which maps a read table back to its input."""
    paths = []
    for i, f in enumerate(files):
        d = folder / str(i)
        d.mkdir(parents=True)
        p = d / upload_name(f["name"])
        p.write_bytes(f["data"])
        paths.append(p)
    return paths


def input_index(table) -> int:
    """Index in `input_files()` of the file a read table came from."""
    return int(Path(table.path).parent.name)


def score_key() -> str:
    local = [f["digest"] for f in local_files() or []] if kept_value("mark_local") else []
    return _score_key(input_files(), column_maps(), zone_key(), settings(), local)


def _score_key(files: list[dict], maps: dict, zone_digest: str, s, local: list[str]) -> str:
    return matcher.state_key(
        [f["digest"] for f in files], [maps.get(f["digest"]) for f in files], zone_digest, matcher.match_key(s), local
    )


@st.cache_resource(show_spinner=False)
def _stores() -> dict:
    """Process-wide stores shared by every session (a second tab or a reload reuses them): scored
    results, re-rankings, map pages and display tables, each keyed by a digest of everything it
    depends on; "lock" guards their bookkeeping (sessions run in threads of one process)."""
    return {"scored": {}, "ranked": {}, "maps": {}, "views": {}, "lock": threading.Lock(), "pending": {}}


# most recent entries kept per store (a scored sample is a few MB; a map page about 2 MB)
STORE_SIZES = {"scored": 4, "ranked": 16, "maps": 24, "views": 64}


def _stored(store: str, key, compute, waiting=None):
    """The value under `key` in a shared store, computed when missing (outside the lock) and kept as the
    most recent. A value another thread is computing (another session, or `warm` at server start) is
    waited for rather than computed twice; `waiting` (a context manager, e.g. a spinner) is shown
    meanwhile. Should that thread fail, this one computes it."""
    stores = _stores()
    entries, pending = stores[store], stores["pending"]
    while True:
        with stores["lock"]:
            value = entries.pop(key, _MISSING)
            if value is not _MISSING:
                entries[key] = value  # most recent last
                return value
            busy = pending.get((store, key))
            if busy is None:
                busy = pending[(store, key)] = threading.Event()
                break
        with waiting() if waiting is not None else contextlib.nullcontext():
            busy.wait()
    try:
        value = compute()
        with stores["lock"]:
            entries[key] = value
            while len(entries) > STORE_SIZES[store]:
                entries.pop(next(iter(entries)))
        return value
    finally:
        with stores["lock"]:
            pending.pop((store, key), None)
        busy.set()


_MISSING = object()


def memo(key, compute):
    """A small display table or value derived from a stored result, shared like it (`key` must name
    everything it depends on, e.g. `score_key()` or `ranking_key()`)."""
    return _stored("views", key, compute)


def current_result():
    """(ScoreResult or None, [(file, message)]) for the current inputs, zone and match settings."""
    key = score_key()
    kept = is_sample() and not kept_value("mark_local")
    s = settings()
    return _stored("scored", key, lambda: _kept_or_scored(key, kept, _score_now, s), waiting=_preparing)


def _preparing():
    return st.spinner("正在准备评分结果……")


def _kept_or_scored(key: str, kept: bool, score, s):
    """The bundled sample's scoring (`kept`) is also kept on disk (matcher.result_store, keyed by the
    code and data version and the day), so a restarted app opens without scoring it again, together
    with its ranking under the weights `s` (put in the shared store: the first page after a restart
    re-ranks nothing and needs none of the engine); an officer's own lists are only kept in memory.
    `score()` scores when there is nothing kept."""
    store = matcher.result_store() if kept else None
    if store is None:
        return score()
    disk_key = matcher.stored_result_key(key)
    value = store.get(disk_key)
    if not (isinstance(value, tuple) and len(value) == 4):  # nothing kept (or kept by an older version)
        result, errors = score()
        if result is None:
            return result, errors
        value = (result, errors, matcher.rank_key(s), matcher.rerank(result, s))
        store.put(disk_key, value)
    result, errors, weights, ranking = value
    _stored("ranked", (key, weights), lambda: ranking)
    return result, errors


def _score_now():
    """Read and score the current inputs (with a progress box): what `current_result` stores."""
    files = input_files()
    with st.status(f"正在读取并评分 {len(files)} 个文件……", expanded=True) as status:
        bar = st.progress(0.0, text="读取文件")

        def progress(stage, frac):
            bar.progress(min(max(float(frac), 0.0), 1.0), text=stage)

        local = local_files() if kept_value("mark_local") else None
        result, errors = _score_files(files, column_maps(), zone(), settings(), local, progress)
        if result is None:
            status.update(label="没有可评分的数据", state="error", expanded=False)
        else:
            status.update(label=f"评分完成：{result.summary()}", state="complete", expanded=False)
    return result, errors


def _score_files(files: list[dict], maps: dict, zone_profile, s, local: list[dict] | None, progress=None):
    """(result, errors) of `matcher.score_inputs` over uploaded files (written to a temporary folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        paths = _write(files, tmp / "in")
        local_paths = None
        if local:
            (tmp / "local").mkdir()
            local_paths = _write(local, tmp / "local")
        try:
            return matcher.score_inputs(
                [(p, maps.get(f["digest"])) for p, f in zip(paths, files)],
                zone_profile,
                s,
                chains=chains(),
                local=local_paths,
                progress=progress,
            )
        except matcher.MatcherError as exc:
            return None, [("", str(exc))]


def ranking_key() -> tuple:
    return (score_key(), matcher.rank_key(settings()))


def current_ranking(result):
    """The result re-ranked under the current weights (shared by score key and weights)."""
    s = settings()
    return _stored("ranked", ranking_key(), lambda: matcher.rerank(result, s), waiting=_preparing)


def chain_ranking(ranking):
    """The per-chain view of the current ranking (`matcher.chain_view`: a company in two chains is in both
    chains' lists), from the stored components (shared by score key and weights; nothing re-matched)."""
    return _stored("ranked", ("chain_view", *ranking_key()), lambda: matcher.chain_view(ranking))


def best_table(ranked, chain_id: str):
    """The first page's table of one chain: its ten best active companies under the app's headers."""
    top = matcher.filter_ranked(ranked, chain_ids=[chain_id], active_only=True).head(10)
    return display_table(top, ("chain_name", "status"))


def warm() -> None:
    """Compute ahead what a new session's first page (数据导入 on the bundled sample, default zone and
    weights) needs, into the shared stores under the very keys the page looks up: the sample's scoring
    (from the disk store, else scored now), its ranking and the page's tables. Run at server start in a
    background thread (app_pages/_startup.py); a session asking meanwhile waits for a value being computed
    here instead of computing it again. Never raises: a failure only leaves the work to the page."""
    try:
        files, s = [sample_file()], matcher.DEFAULTS
        key = _score_key(files, {}, default_zone_key(), s, [])
        score = lambda: _score_files(files, {}, default_zone(), s, None)  # noqa: E731
        mark("warm: inputs and zone")
        result, _ = _stored("scored", key, lambda: _kept_or_scored(key, True, score, s))
        mark("warm: result")
        if result is None:
            return
        rkey = (key, matcher.rank_key(s))
        ranked = _stored("ranked", rkey, lambda: matcher.rerank(result, s)).ranked
        mark("warm: ranking")
        shown = next((cid for cid in chains() if (ranked["chain_id"] == cid).any()), None)  # the first tab
        if shown is not None:
            memo(("best10", *rkey, shown), lambda: best_table(ranked, shown))
        memo(("accounting", key), lambda: matcher.input_accounting(result))
        for n, t in enumerate(result.tables):
            memo(("mapping", key, n), lambda t=t: matcher.mapping_table(t))
    except Exception:  # noqa: BLE001 - warming is only a head start; the page computes what is missing
        logging.getLogger(__name__).exception("warming the first page failed")


# set when a session has drawn the first page (app_pages/_startup.py then loads what other pages need)
FIRST_PAGE_DRAWN = threading.Event()


def load_engine() -> None:
    """Load the matching engine the other pages use (re-ranking, reasons, the per-chain view), so the
    first of those pages a visitor opens does not wait for its imports."""
    for name in ("Scorer", "reason_parts", "chain_view"):
        getattr(matcher, name)


def require_ranking():
    """The re-ranked result, or stop the page with a hint when nothing could be scored."""
    result, errors = current_result()
    show_errors(errors)
    if result is None:
        st.warning("没有可评分的数据：请在“数据导入”页上传可读取的名单，或改用示例数据。")
        st.stop()
    return current_ranking(result)


def show_errors(errors) -> None:
    for name, message in errors:
        st.error(message if not name or name in message else f"{name}：{message}")


# --------------------------------------------------------------------------------------------
# display


def md(text) -> str:
    """Text safe to put inside st.markdown (markdown and HTML characters escaped)."""
    out = str(text)
    for ch in "\\`*_[]#|<>~$":
        out = out.replace(ch, "\\" + ch)
    return out


def as_text(frame):
    """A table of raw input values for display: every cell as text (spreadsheets mix types in a column)."""
    return frame.astype(object).where(frame.notna(), "").astype(str)


def chain_label(chain_id) -> str:
    c = chains().get(chain_id)
    return c.name if c else str(chain_id)


def display_table(frame, hide=()):
    """A ranked frame with the app's columns under Chinese headers (rank = position in the frame given)."""
    out = frame.reindex(columns=[c for c in TABLE_COLUMNS if c not in ("rank", *hide)]).copy()
    out.insert(0, "rank", range(1, len(out) + 1))
    out["tier"] = matcher.tier_labels(frame).to_numpy()
    if "status" in out:
        out["status"] = out["status"].map(matcher.STATUS_LABELS).fillna(out["status"])
    return out.rename(columns=TABLE_COLUMNS)


# widths in pixels: at 1280×720 (sidebar open) rank, name, segment, score, tier and the start of the
# reason fit the table's width; the rest scroll to the right, the full reason is in the detail
TABLE_CONFIG = {
    "排名": st.column_config.NumberColumn("排名", width=44),
    "企业名称": st.column_config.TextColumn("企业名称", width=190),
    "环节": st.column_config.TextColumn("环节", width=96),
    "得分": st.column_config.ProgressColumn("得分", min_value=0, max_value=100, format="%.1f", width=76),
    "等级": st.column_config.TextColumn("等级", width=44),
    "推荐理由": st.column_config.TextColumn("推荐理由", width=420, help="完整理由见下方企业详情"),
    "产业链": st.column_config.TextColumn("产业链", width=96),
    "距园区(公里)": st.column_config.NumberColumn("距园区(公里)", format="%.0f"),
    "注册资本(万元)": st.column_config.NumberColumn("注册资本(万元)", format="%.0f"),
    "参保人数": st.column_config.NumberColumn("参保人数", format="%.0f"),
}


def show_table(frame, height: int | str = "auto", hide=()) -> None:
    st.dataframe(display_table(frame, hide), hide_index=True, column_config=TABLE_CONFIG, height=height)


def row_ids(frame) -> list[str]:
    """A stable id per ranked row (its source file and row, and its chain: in the per-chain view a company
    is listed once per chain it serves), the same under any weights or filters."""
    chain = frame["chain_id"].astype(object).where(frame["chain_id"].notna(), "")
    return (frame["source_file"].astype(str) + ":" + frame["source_row"].astype(str) + ":" + chain.astype(str)).tolist()


def ranked_table(frame, ids: list[str], key: str, height: int = 420, hide=()) -> str | None:
    """The ranked table where a click on a row (its tick box or any cell) selects the company; returns
    the id of the selected row, or None. A selection never outlives the rows it was made on: when other
    rows are listed (a new filter or weight) it is cleared (the table itself stays, so the browser
    updates it rather than building a new one)."""
    rows_key = matcher.state_key(ids)
    if st.session_state.get(f"_{key}_rows") != rows_key:
        st.session_state[f"_{key}_rows"] = rows_key
        st.session_state[key] = {"selection": {"rows": [], "columns": [], "cells": []}}
    event = st.dataframe(
        display_table(frame, hide),
        hide_index=True,
        column_config=TABLE_CONFIG,
        height=height,
        key=key,
        on_select="rerun",
        selection_mode=["single-row", "single-cell"],
    )
    selection = event["selection"]
    rows = list(selection.get("rows") or [])
    cells = list(selection.get("cells") or [])
    pos = rows[0] if rows else (cells[0][0] if cells else None)
    return ids[pos] if pos is not None and 0 <= pos < len(ids) else None


def detail_pick(ids: list[str], clicked: str | None) -> str:
    """The company shown in detail: the row just clicked, else the one chosen before (by click or in the
    dropdown) while it is still listed, else the first. Seeds the dropdown (key `detail_pick`) with it."""
    if clicked is not None and clicked != st.session_state.get("_last_click"):
        st.session_state["detail_id"] = clicked
    st.session_state["_last_click"] = clicked
    pick = st.session_state.get("detail_id")
    if pick not in ids:
        pick = ids[0]
    st.session_state["detail_id"] = pick
    st.session_state["detail_pick"] = pick
    return pick


@st.cache_resource(show_spinner=False)
def pdf_available() -> bool:
    """Whether a PDF 企业简报 can be offered: the PDF renderer (WeasyPrint) is installed."""
    return importlib.util.find_spec("weasyprint") is not None


def on_detail_pick() -> None:
    st.session_state["detail_id"] = st.session_state["detail_pick"]


def fact_text(value) -> str:
    """A fact as an officer reads it: whole numbers without decimals, dates without a time."""
    if isinstance(value, float):
        return f"{value:.0f}" if value.is_integer() else f"{value:g}"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value)


def top_line(frame) -> str:
    if not len(frame):
        return "没有符合条件的企业"
    r = frame.iloc[0]
    tier = matcher.tier_labels(frame.iloc[[0]]).iloc[0]
    return f"当前排名第一：{r['company_name']}（{r['chain_name'] or '未入链'}，得分 {r['score']:.1f}，{tier}）"


def stem() -> str:
    files = input_files()
    base = Path(files[0]["name"]).stem if len(files) == 1 else f"{Path(files[0]['name']).stem}等{len(files)}个文件"
    return f"{base}_{dt.date.today().isoformat()}"


def sidebar_summary() -> None:
    files = input_files()
    names = "、".join(f["name"] for f in files)
    st.sidebar.caption(
        f"**数据**：{md(names)}{'（示例，合成数据）' if is_sample() else ''}  \n"
        f"**园区**：{md(zone().name)}（{md(zone_label())}）"
    )


# --------------------------------------------------------------------------------------------
# zone profile and gaps


def on_zone_upload() -> None:
    """A zone YAML was uploaded: load and validate it; a bad file leaves the current zone in place."""
    f = st.session_state.get("zone_uploader")
    st.session_state.pop("zone_error", None)
    if f is None:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(f.name).name
        path.write_bytes(f.getvalue())
        try:
            new = matcher.load_zone(path, chains=chains())
        except matcher.MatcherError as exc:
            st.session_state["zone_error"] = str(exc).replace(str(path), Path(f.name).name)
            return
    set_zone(new, f"上传：{Path(f.name).name}")


def use_default_zone() -> None:
    st.session_state.pop("zone_error", None)
    set_zone(None, "")


def current_gaps():
    """(GapProfile or None, error message or None) computed from the local enterprise list."""
    files = local_files()
    if not files:
        return None, None
    key = matcher.state_key([f["digest"] for f in files], matcher.zone_to_yaml(zone()), matcher.match_key(settings()))
    cached = st.session_state.get("_gaps")
    if cached is None or cached[0] != key:
        with st.spinner("正在按企业库测算各环节状态……"), tempfile.TemporaryDirectory() as tmp:
            paths = _write(files, Path(tmp))
            try:
                value = (matcher.gaps_files(paths, zone=zone(), settings=settings(), chains=chains()), None)
            except matcher.MatcherError as exc:
                message = str(exc)
                for p in paths:
                    message = message.replace(str(p), p.name)
                value = (None, message)
        cached = (key, value)
        st.session_state["_gaps"] = cached
    return cached[1]


# --------------------------------------------------------------------------------------------
# maps


def map_html(ranking, chain_id=None, metric: str = "count") -> str:
    """The 招商地图 HTML of the current ranking (shared by data, zone, weights, chain and metric)."""
    s = settings()

    def draw():
        with st.spinner("正在生成招商地图……"):
            return matcher.map_html(ranking, chains(), zone(), chain_id=chain_id, radius_km=s.radius_km, metric=metric)

    return _stored("maps", (*ranking_key(), chain_id, metric), draw)


def map_frame_html(ranking, chain_id=None, metric: str = "count", view: str = "chains") -> str:
    """The part of the 招商地图 a page shows, fitted to the app's frame: view "chains" (the overview
    of every chain, or the chosen chain's map) or "geo" (the geographic map). Only that part is drawn."""
    parts = ("geo",) if view == "geo" else ("chains",) if chain_id else ("overview",)
    s = settings()

    def draw():
        with st.spinner("正在生成招商地图……"):
            html = matcher.map_html(
                ranking,
                chains(),
                zone(),
                chain_id=chain_id,
                radius_km=s.radius_km,
                metric=metric,
                parts=parts,
            )
        return fit_to_frame(html)

    return _stored("maps", ("frame", *ranking_key(), chain_id, metric, parts), draw)


def gaps_map_html(profile, chain_id: str) -> str:
    """One chain's map under the statuses computed from the 企业库, with the current list's candidates
    counted per segment (an empty map when nothing could be scored)."""
    result, _ = current_result()
    ranking = current_ranking(result) if result is not None else None
    key = ("gaps", st.session_state.get("_gaps", ("",))[0], *ranking_key(), chain_id)

    def draw():
        ranked = ranking if ranking is not None else matcher.empty_ranking()
        html = matcher.map_html(
            ranked, chains(), profile.to_zone(), chain_id=chain_id, radius_km=settings().radius_km, parts=("chains",)
        )
        return fit_to_frame(html)

    return _stored("maps", key, draw)


# Scales each chart of a map page down to its frame's width (never up), so no column is cut off
# inside the app; ECharts maps pointer positions through the CSS transform.
_FIT_SCRIPT = """<script>(function(){
function fit(){document.querySelectorAll('.box').forEach(function(box){
var c=box.querySelector('.chart');if(!c)return;
var w=parseFloat(c.style.width),h=parseFloat(c.style.height);
var k=Math.min(1,(box.clientWidth-10)/w);
c.style.transformOrigin='0 0';c.style.transform='scale('+k+')';
box.style.overflow='hidden';box.style.height=Math.ceil(h*k+10)+'px';});}
fit();addEventListener('resize',fit);})();</script>"""


def fit_to_frame(html: str) -> str:
    """A map page whose charts shrink to the width of the frame they are shown in."""
    head, sep, tail = html.rpartition("</body>")  # the last one: the chart library's source has one too
    return head + _FIT_SCRIPT + "\n" + sep + tail if sep else html


def weights_line(s) -> str:
    """The total-score settings in one line of Chinese."""
    labels = {h["name"]: h["label"] for h in matcher.settings_help()}
    return "，".join(f"{labels[n]} {getattr(s, n):g}" for n in matcher.RANK_SETTINGS)
