"""Session state and widgets shared by the app's pages (UI only: every computation is a `matcher` call).

The session holds the inputs (uploaded bytes, or the bundled sample), each file's column-mapping
overrides, the zone profile, the optional local enterprise list and the settings. Scoring is cached
in the session by a digest of everything that changes matching; re-ranking after a weight change
reuses the stored component scores (`matcher.rerank`), so it never re-reads or re-matches.
Widgets made with `kept()` keep their value across page switches.
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

import streamlit as st

import matcher

UPLOAD_TYPES = ["xlsx", "xlsm", "xls", "xlsb", "ods", "et", "csv", "txt", "tsv"]
SAMPLE_LOCAL = matcher.SAMPLE_FILE.parent / "local_enterprises_nanjing.csv"
TIER_ORDER = [*matcher.TIERS, matcher.LOCAL_TIER, matcher.NO_TARGET_TIER, matcher.UNMATCHED_TIER]

# ranked-table columns shown in the app, with their Chinese headers
TABLE_COLUMNS = {
    "rank": "排名",
    "company_name": "企业名称",
    "chain_name": "产业链",
    "segment_name": "环节",
    "score": "得分",
    "tier": "等级",
    "gap_status": "缺口状态",
    "province": "省份",
    "city": "城市",
    "distance_km": "距园区(公里)",
    "registered_capital_wan": "注册资本(万元)",
    "employees": "参保人数",
    "status": "登记状态",
    "reasons": "推荐理由",
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


def kept(widget, label: str, name: str, default, **kwargs):
    """A widget whose value survives page switches: Streamlit drops the state of a widget that is not
    drawn, so the value is also stored under `v_<name>` (on change) and the widget `w_<name>` is seeded
    from it when it comes back. Returns the widget's value."""
    store, key = "v_" + name, "w_" + name
    st.session_state.setdefault(store, default)
    if key not in st.session_state:
        st.session_state[key] = st.session_state[store]

    def sync():
        st.session_state[store] = st.session_state[key]

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


def zone():
    return st.session_state.get("zone") or default_zone()


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
    for name in matcher.RANK_SETTINGS:
        set_kept("set_" + name, float(getattr(matcher.DEFAULTS, name)))


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
    s = settings()
    local = [f["digest"] for f in local_files() or []] if kept_value("mark_local") else []
    maps = column_maps()
    return matcher.state_key(
        [f["digest"] for f in input_files()],
        [maps.get(f["digest"]) for f in input_files()],
        matcher.zone_to_yaml(zone()),
        matcher.match_key(s),
        local,
    )


def current_result():
    """(ScoreResult or None, [(file, message)]) for the current inputs, zone and match settings."""
    key = score_key()
    cache = st.session_state.setdefault("_scored", {})
    if key not in cache:
        files = input_files()
        with st.status(f"正在读取并评分 {len(files)} 个文件……", expanded=True) as status:
            bar = st.progress(0.0, text="读取文件")

            def progress(stage, frac):
                bar.progress(min(max(float(frac), 0.0), 1.0), text=stage)

            with tempfile.TemporaryDirectory() as tmp:
                tmp = Path(tmp)
                paths = _write(files, tmp / "in")
                maps = column_maps()
                local = None
                if kept_value("mark_local") and local_files():
                    (tmp / "local").mkdir()
                    local = _write(local_files(), tmp / "local")
                try:
                    result, errors = matcher.score_inputs(
                        [(p, maps.get(f["digest"])) for p, f in zip(paths, files)],
                        zone(),
                        settings(),
                        chains=chains(),
                        local=local,
                        progress=progress,
                    )
                except matcher.MatcherError as exc:
                    result, errors = None, [("", str(exc))]
            if result is None:
                status.update(label="没有可评分的数据", state="error", expanded=False)
            else:
                status.update(label=f"评分完成：{result.summary()}", state="complete", expanded=False)
        cache.clear()
        cache[key] = (result, errors)
    return cache[key]


def current_ranking(result):
    """The result re-ranked under the current weights (cached by score key and weights)."""
    key = (score_key(), matcher.rank_key(settings()))
    cached = st.session_state.get("_ranked")
    if cached is None or cached[0] != key:
        cached = (key, matcher.rerank(result, settings()))
        st.session_state["_ranked"] = cached
    return cached[1]


def chain_ranking(ranking):
    """The per-chain view of the current ranking (`matcher.chain_view`: a company in two chains is in both
    chains' lists), from the stored components (cached by score key and weights; nothing re-matched)."""
    key = (score_key(), matcher.rank_key(settings()))
    cached = st.session_state.get("_chain_ranked")
    if cached is None or cached[0] != key:
        cached = (key, matcher.chain_view(ranking))
        st.session_state["_chain_ranked"] = cached
    return cached[1]


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


TABLE_CONFIG = {
    "得分": st.column_config.ProgressColumn("得分", min_value=0, max_value=100, format="%.1f"),
    "推荐理由": st.column_config.TextColumn("推荐理由", width="large"),
    "企业名称": st.column_config.TextColumn("企业名称", width="medium"),
    "距园区(公里)": st.column_config.NumberColumn("距园区(公里)", format="%.0f"),
    "注册资本(万元)": st.column_config.NumberColumn("注册资本(万元)", format="%.0f"),
}


def show_table(frame, height: int | str = "auto", hide=()) -> None:
    st.dataframe(display_table(frame, hide), hide_index=True, column_config=TABLE_CONFIG, height=height)


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
    """The 招商地图 HTML of the current ranking (cached by data, zone, weights, chain and metric)."""
    s = settings()
    key = (score_key(), matcher.rank_key(s), chain_id, metric)
    cached = st.session_state.get("_map")
    if cached is None or cached[0] != key:
        with st.spinner("正在生成招商地图……"):
            html = matcher.map_html(ranking, chains(), zone(), chain_id=chain_id, radius_km=s.radius_km, metric=metric)
        cached = (key, html)
        st.session_state["_map"] = cached
    return cached[1]


def weights_line(s) -> str:
    """The total-score settings in one line of Chinese."""
    labels = {h["name"]: h["label"] for h in matcher.settings_help()}
    return "，".join(f"{labels[n]} {getattr(s, n):g}" for n in matcher.RANK_SETTINGS)
