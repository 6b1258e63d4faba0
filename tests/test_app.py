"""The Streamlit app, page by page, with streamlit.testing.v1.AppTest (no browser; see test_e2e.py for one).

Every page is driven as an officer would: upload through the file uploader, edit the column mapping,
move a weight (the order follows the engine and nothing is re-matched), filter, open a company,
compute and edit the gap profile, pick a segment on the map, reach the downloads. Bad files give a
Chinese message in the page and the session keeps working.
"""

from __future__ import annotations

import functools
import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pandas as pd
import pytest

import matcher

from .conftest import AS_OF, DATA

testing = pytest.importorskip("streamlit.testing.v1")
ROOT = Path(__file__).resolve().parents[1]
CSV = (DATA / "candidates.csv").read_bytes()
PAGES = ROOT / "app_pages"
RANKING, GAPS, MAP, EXPORT, IMPORT = (
    f"app_pages/{name}.py" for name in ("ranking", "gaps", "map", "export", "import_data")
)


def new_app():
    return testing.AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)


@functools.lru_cache(maxsize=1)
def sample_result():
    return matcher.score_files([matcher.SAMPLE_FILE], as_of=AS_OF)


@pytest.fixture(autouse=True)
def pinned_day(monkeypatch):
    """The app measures company ages as of today; under test it scores as of AS_OF, the day the
    engine-side reference (sample_result) uses, so a run that crosses midnight compares like with like."""
    for name in ("score_inputs", "gaps_files"):
        real = getattr(matcher, name)
        monkeypatch.setattr(matcher, name, functools.partial(real, as_of=AS_OF))


@pytest.fixture(autouse=True)
def fresh_server_caches(monkeypatch):
    """The app shares scored results, re-rankings and maps across sessions (st.cache_resource, one per
    process) and keeps the sample's scoring on disk; each test starts as on a fresh server with no
    stored scoring, so it sees its own scoring calls (and scores as of AS_OF, not today)."""
    import streamlit as st

    monkeypatch.setenv("CHAINMATCH_CACHE", "off")

    st.cache_resource.clear()
    yield
    st.cache_resource.clear()


def engine_view(settings=matcher.DEFAULTS, **filters):
    """What the ranking page lists by default: companies in a chain, not deregistered."""
    filters.setdefault("matched_only", True)
    filters.setdefault("active_only", True)
    result = matcher.rerank(sample_result(), settings)
    if filters.get("chain_ids") or filters.get("segments"):  # a chain chosen: every company that serves it
        result = matcher.chain_view(result)
    return matcher.filter_ranked(result.ranked, **filters)


def top_line(at) -> str:
    return next(m.value for m in at.markdown if m.value.startswith("当前排名第一："))


def metrics(at) -> dict:
    return {m.label: int(m.value.replace(",", "")) for m in at.metric}


@pytest.fixture()
def score_calls(monkeypatch):
    """Counts the app's calls of the scoring entry point (a re-rank must not make one)."""
    calls = []
    real = matcher.score_inputs

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(matcher, "score_inputs", counting)
    return calls


# --------------------------------------------------------------------------------------------
# 1 · 数据导入


def test_first_page_shows_the_sample_scored():
    at = new_app().run()
    assert not at.exception
    assert "ChainMatch" in at.title[0].value
    assert any("示例名单 candidates_qcc.xlsx" in i.value for i in at.info)
    counts = sample_result().counts
    assert metrics(at) == {
        "读取行数": counts["read"],
        "评分企业": counts["scored"],
        "合并重复": counts["merged"],
        "拒收行数": counts["rejected"],
    }
    assert [t.label for t in at.tabs] == [c.name for c in matcher.load_chains().values()]
    first = at.tabs[0].dataframe[0].value  # 人工智能: its ten best targets under the default weights
    expected = engine_view(chain_ids=["ai"]).head(10)
    assert first["企业名称"].tolist() == expected["company_name"].tolist()
    assert first["推荐理由"].str.len().min() > 10
    # what was understood of the sample file is shown on request: header row, mapping, rejected rows
    assert not at.data_editor and not any("表头在第" in m.value for m in at.markdown)
    at.toggle(key="sample_files").set_value(True).run()
    assert not at.exception
    assert any("表头在第 2 行" in m.value for m in at.markdown)
    mapping = at.data_editor[0].value
    assert mapping.set_index("header").loc["企业名称", "field"] == "company_name"
    rejected = next(d.value for d in at.dataframe if "原因" in d.value.columns)
    assert len(rejected) == counts["rejected"] and "缺少企业名称" in set(rejected["原因"])


def test_first_page_sends_only_the_chosen_chains_table():
    at = new_app().run()
    chains = matcher.load_chains()
    names = [c.name for c in chains.values()]
    assert [len(t.dataframe) for t in at.tabs] == [1] + [0] * (len(names) - 1)  # the other tabs: nothing yet
    at.session_state["best_tabs"] = names[1]  # the officer clicks the second chain's tab
    at.run()
    assert [len(t.dataframe) for t in at.tabs] == [0, 1] + [0] * (len(names) - 2)
    shown = at.tabs[1].dataframe[0].value
    expected = engine_view(chain_ids=[list(chains)[1]]).head(10)
    assert shown["企业名称"].tolist() == expected["company_name"].tolist()


def test_a_restarted_app_opens_on_the_stored_sample(score_calls, monkeypatch, tmp_path):
    import streamlit as st

    monkeypatch.setenv("CHAINMATCH_CACHE", str(tmp_path))
    first = new_app().run()
    assert len(score_calls) == 1 and len(list(tmp_path.glob("*.pickle"))) == 1
    st.cache_resource.clear()  # a new server process: nothing in memory, the disk store stays
    again = new_app().run()
    assert not again.exception and len(score_calls) == 1  # not scored again
    assert metrics(again) == metrics(first)
    assert again.tabs[0].dataframe[0].value.equals(first.tabs[0].dataframe[0].value)
    # an officer's own list is scored, and not written to disk
    again.file_uploader(key="uploader").set_value(("名单.csv", CSV, "text/csv")).run()
    assert len(score_calls) == 2 and len(list(tmp_path.glob("*.pickle"))) == 1


@pytest.fixture()
def engine_calls(monkeypatch):
    """Counts the app's re-rankings and input accountings (the first page's work after the scoring)."""
    calls = {"rerank": 0, "input_accounting": 0}
    for name in calls:
        real = getattr(matcher, name)

        def counting(*args, _real=real, _name=name, **kwargs):
            calls[_name] += 1
            return _real(*args, **kwargs)

        monkeypatch.setattr(matcher, name, counting)
    return calls


def test_a_server_warmed_at_start_opens_the_first_page_without_new_work(
    score_calls, engine_calls, monkeypatch, tmp_path
):
    import streamlit as st

    from app_pages import _shared

    expected = engine_view(chain_ids=["ai"]).head(10)
    engine_calls.update(rerank=0, input_accounting=0)
    monkeypatch.setenv("CHAINMATCH_CACHE", str(tmp_path))
    _shared.warm()  # what serve_app.py's start-up runs in a background thread
    assert len(score_calls) == 1 and engine_calls == {"rerank": 1, "input_accounting": 1}
    at = new_app().run()
    assert not at.exception
    assert len(score_calls) == 1 and engine_calls == {"rerank": 1, "input_accounting": 1}  # all found ready
    assert at.tabs[0].dataframe[0].value["企业名称"].tolist() == expected["company_name"].tolist()
    assert metrics(at)["评分企业"] == sample_result().counts["scored"]
    st.cache_resource.clear()  # a restart: the warming finds the sample's scoring and ranking on disk
    _shared.warm()
    assert len(score_calls) == 1 and engine_calls["rerank"] == 1
    at = new_app().run()
    assert not at.exception and len(score_calls) == 1 and engine_calls["rerank"] == 1
    assert at.tabs[0].dataframe[0].value["企业名称"].tolist() == expected["company_name"].tolist()
    # a new server process opens the stored sample without loading the matching engine (SciPy, the model)
    probe = (
        "import sys; from app_pages import _shared; _shared.warm(); "
        "print(sorted(m for m in sys.modules if m.startswith(('matcher.engine', 'scipy'))))"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT), "CHAINMATCH_CACHE": str(tmp_path)}
    run = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.strip() == "[]", run.stdout + run.stderr[-2000:]


def test_a_value_being_computed_is_waited_for_not_computed_again():
    import threading
    import time

    from app_pages import _shared

    started, calls, got = threading.Event(), [], []

    def slow():
        calls.append(1)
        started.set()
        time.sleep(0.3)
        return "value"

    first = threading.Thread(target=lambda: got.append(_shared._stored("views", "k", slow)))
    first.start()
    started.wait()
    got.append(_shared._stored("views", "k", slow))  # asks while the first thread computes
    first.join()
    assert got == ["value", "value"] and len(calls) == 1

    def failing():
        raise RuntimeError("no")

    with pytest.raises(RuntimeError):
        _shared._stored("views", "k2", failing)
    assert _shared._stored("views", "k2", lambda: "again") == "again"  # a failed computation is not kept


def test_serve_app_serves_app_py_and_warms_it_at_start(monkeypatch):
    import asyncio
    import threading

    from streamlit.web.server.app_discovery import discover_asgi_app

    from app_pages import _shared, _startup

    assert discover_asgi_app(ROOT / "serve_app.py").is_asgi_app  # `streamlit run serve_app.py` serves it
    assert 'st.App("app.py"' in (ROOT / "serve_app.py").read_text(encoding="utf-8")
    warmed = threading.Event()
    monkeypatch.setattr(_shared, "warm", warmed.set)

    async def start():
        async with _startup.lifespan(None):
            pass

    asyncio.run(start())
    assert warmed.wait(10)


def test_upload_through_the_file_uploader_and_back_to_the_sample():
    at = new_app().run()
    at.file_uploader(key="uploader").set_value(("名单.csv", CSV, "text/csv")).run()
    assert not at.exception
    assert any(i.value == "当前数据：名单.csv" for i in at.info)
    assert metrics(at) == {"读取行数": 10, "评分企业": 8, "合并重复": 1, "拒收行数": 1}
    assert "名单.csv · 读取 10 行：评分 8，合并 1，拒收 1" in [e.label for e in at.expander]
    rejected = next(d.value for d in at.dataframe if "原因" in d.value.columns)
    assert rejected[["行号", "原因"]].values.tolist() == [["9", "缺少企业名称"]]
    at.button[0].click().run()  # 改用示例数据
    assert any("示例名单" in i.value for i in at.info)
    assert metrics(at)["读取行数"] == sample_result().counts["read"]


def test_a_bad_file_gets_a_chinese_message_and_the_session_keeps_working():
    at = new_app().run()
    bad = ("坏文件.xlsx", b"this is not a workbook", "application/octet-stream")
    at.file_uploader(key="uploader").set_value([bad, ("名单.csv", CSV, "text/csv")]).run()
    assert not at.exception
    assert (
        len(at.error) == 1 and "坏文件.xlsx" in at.error[0].value and "无法作为 Excel 工作簿读取" in at.error[0].value
    )
    assert "/tmp" not in at.error[0].value
    assert metrics(at)["读取行数"] == 10  # the readable file is scored
    at.file_uploader(key="uploader").set_value(bad).run()
    assert not at.exception and len(at.error) == 1
    assert any("没有可评分的数据" in w.value for w in at.warning)
    for page in (RANKING, MAP, EXPORT):
        at.switch_page(page).run()
        assert not at.exception and any("没有可评分的数据" in w.value for w in at.warning)
    at.switch_page(IMPORT).run()
    at.file_uploader(key="uploader").set_value(("名单.csv", CSV, "text/csv")).run()
    assert not at.exception and not at.error and metrics(at)["评分企业"] == 8


def test_the_column_mapping_is_editable():
    odd = (
        "单位名称,资本额,所属城市\n江苏新芯集成电路设计有限公司,3000万元,南京市\n苏州动力电池有限公司,800万元,苏州市\n"
    )
    at = new_app().run()
    at.file_uploader(key="uploader").set_value(("展会.csv", odd.encode("utf-8"), "text/csv")).run()
    editor = at.data_editor[0]
    assert pd.isna(editor.value.set_index("header").loc["资本额", "field"])
    row = editor.value.index[editor.value["header"] == "资本额"][0]
    at.session_state[editor.key] = {
        "edited_rows": {int(row): {"field": "registered_capital"}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.button(key=f"remap_{editor.key}").click().run()
    assert not at.exception
    assert at.data_editor[0].value.set_index("header").loc["资本额", "field"] == "registered_capital"
    capital = pd.concat(chain_tables(at))
    assert set(capital["注册资本(万元)"].dropna()) == {3000.0, 800.0}


def chain_tables(at) -> list[pd.DataFrame]:
    """The first page's table of every chain tab (a tab's table is sent when it is chosen)."""
    tables = []
    for label in [t.label for t in at.tabs]:
        at.session_state["best_tabs"] = label
        at.run()
        tables += [d.value for t in at.tabs if t.label == label for d in t.dataframe]
    return tables


# --------------------------------------------------------------------------------------------
# 3 · 目标排序


def test_a_weight_reranks_without_rematching(score_calls):
    at = new_app().run()
    at.switch_page(RANKING).run()
    assert not at.exception and len(score_calls) == 1
    top = engine_view().iloc[0]
    assert top_line(at).startswith(f"当前排名第一：{top['company_name']}（")
    at.slider(key="w_set_w_fit").set_value(0.0).run()
    moved = engine_view(matcher.DEFAULTS.replace(w_fit=0.0))
    assert moved.iloc[0]["company_name"] != top["company_name"]
    assert top_line(at).startswith(f"当前排名第一：{moved.iloc[0]['company_name']}（")
    table = at.dataframe[0].value
    assert table["企业名称"].tolist() == moved["company_name"].head(len(table)).tolist()
    assert len(score_calls) == 1  # re-ranked from the stored components: nothing re-read or re-matched
    at.switch_page(EXPORT).run()
    assert any("匹配缺口权重 0" in c.value for c in at.caption)  # the export uses the new weights
    at.switch_page(RANKING).run()
    assert at.slider(key="w_set_w_fit").value == 0.0 and len(score_calls) == 1
    at.sidebar.button[0].click().run()  # 恢复默认权重
    assert at.slider(key="w_set_w_fit").value == matcher.DEFAULTS.w_fit
    assert top_line(at).startswith(f"当前排名第一：{top['company_name']}（")
    # an evidence setting needs a new match: applied from the form, it re-scores once
    at.number_input(key="match_min_relevance").set_value(0.5)
    at.button(key="FormSubmitter:match_form-重新匹配").click().run()
    assert not at.exception and len(score_calls) == 2


def test_filters_narrow_the_ranked_table():
    at = new_app().run()
    at.switch_page(RANKING).run()
    at.multiselect(key="w_f_chains").set_value(["ime"])
    at.multiselect(key="w_f_tiers").set_value(["A"]).run()
    assert at.checkbox(key="w_f_active").value  # deregistered companies are left out by default
    expected = engine_view(chain_ids=["ime"], tiers=["A"], active_only=True)
    assert any(m.value.startswith(f"**{len(expected):,}** 家符合条件") for m in at.markdown)
    # the chain's list is the per-chain view: also companies whose best chain is another (in the sample many
    # ime targets are best in ai or software)
    every = engine_view(chain_ids=["ime"], active_only=True)
    best_here = matcher.filter_ranked(matcher.rerank(sample_result(), matcher.DEFAULTS).ranked, chain_ids=["ime"])
    assert len(set(every["company_name"]) - set(best_here["company_name"])) > 0
    table = at.dataframe[0].value
    assert set(table["产业链"]) == {"智能制造装备"} and set(table["等级"]) == {"A"}
    assert table["企业名称"].tolist() == expected["company_name"].tolist()
    at.number_input(key="w_f_distance").set_value(200.0)
    at.checkbox(key="w_f_active").uncheck().run()
    unchecked = engine_view(chain_ids=["ime"], tiers=["A"], max_distance_km=200, active_only=False)
    assert len(at.dataframe[0].value) == len(unchecked)
    at.checkbox(key="w_f_active").check().run()
    expected = engine_view(chain_ids=["ime"], tiers=["A"], max_distance_km=200, active_only=True)
    table = at.dataframe[0].value
    assert len(table) == len(expected) and (table["距园区(公里)"] <= 200).all()
    # segments offered are the chosen chain's; choosing one narrows further
    seg_key = f"ime/{expected['segment_id'].iloc[0]}"
    at.multiselect(key="w_f_segments").set_value([seg_key]).run()
    table = at.dataframe[0].value
    assert set(table["环节"]) == {expected["segment_name"].iloc[0]}
    # filters survive a visit to another page
    at.switch_page(MAP).run()
    at.switch_page(RANKING).run()
    assert at.multiselect(key="w_f_chains").value == ["ime"] and at.dataframe[0].value.equals(table)


def select(at, table, rows=(), cells=()):
    """Select rows or cells of a dataframe as a click in the browser does (its selection state)."""
    at.session_state[table.key] = {"selection": {"rows": list(rows), "columns": [], "cells": list(cells)}}
    return at.run()


def detail_name(at) -> str:
    return next(m.value[4:] for m in at.markdown if m.value.startswith("### "))


def test_a_click_on_a_row_opens_the_company_in_detail():
    at = new_app().run()
    at.switch_page(RANKING).run()
    view = engine_view()
    table = at.dataframe[0]
    assert table.key == "rank_table"
    assert detail_name(at) == view.iloc[0]["company_name"]  # nothing clicked: the first company
    select(at, at.dataframe[0], rows=[1])  # the tick box of the second row
    assert not at.exception
    row = view.iloc[1]
    assert detail_name(at) == row["company_name"]
    assert at.selectbox(key="detail_pick").value == f"{row['source_file']}:{row['source_row']}:{row['chain_id']}"
    reasons = [m.value for m in at.markdown if m.value.startswith("- ")]
    assert len(reasons) == len(row["reasons"].split(" | "))
    facts = at.dataframe[-1].value.set_index("项目")["内容"]
    assert facts["企业名称"] == row["company_name"] and "统一社会信用代码" in facts.index
    assert not any(re.fullmatch(r"\d+\.0", v) for v in facts)  # whole numbers without decimals
    parts = matcher.score_parts(row, matcher.DEFAULTS)
    assert abs(sum(parts.values()) - row["score"]) < 0.1
    labels = [b.label for b in at.download_button]
    assert "下载企业简报（网页，可打印）" in labels and "下载企业简报（PDF）" in labels
    shown = next(m.value for m in at.markdown if m.value.startswith("匹配缺口："))
    assert f"{parts['fit']:+.1f} 分" in shown and f"**{row['score']:.1f}** 分" in shown
    components = at.dataframe[1].value.set_index("项目")["分数"]
    assert components["产业相关度"] == pytest.approx(row["relevance"])
    # a click on any cell of a row opens that row too
    select(at, at.dataframe[0], cells=[(3, "推荐理由")])
    assert detail_name(at) == view.iloc[3]["company_name"]
    # the dropdown still works, and a click afterwards wins again
    pick = f"{view.iloc[5]['source_file']}:{view.iloc[5]['source_row']}:{view.iloc[5]['chain_id']}"
    at.selectbox(key="detail_pick").set_value(pick).run()
    assert detail_name(at) == view.iloc[5]["company_name"]
    select(at, at.dataframe[0], rows=[2])
    assert detail_name(at) == view.iloc[2]["company_name"]
    # a new filter lists other rows: the selection is cleared and a company no longer listed gives way
    at.multiselect(key="w_f_chains").set_value(["ic"]).run()
    ic = engine_view(chain_ids=["ic"])
    assert at.session_state["rank_table"]["selection"]["rows"] == []
    expected = view.iloc[2]["company_name"] if view.iloc[2]["chain_id"] == "ic" else ic.iloc[0]["company_name"]
    assert detail_name(at) == expected


# --------------------------------------------------------------------------------------------
# 2 · 产业链缺口


def test_gap_profile_from_the_local_list_edit_and_apply(score_calls):
    at = new_app().run()
    at.switch_page(GAPS).run()
    assert not at.exception
    assert any("内置配置" in i.value for i in at.info)
    assert [b.label for b in at.download_button] == ["下载缺口配置"]
    # a bad profile: a Chinese message, the zone stays
    at.file_uploader(key="zone_uploader").set_value(("坏配置.yaml", b"id: [", "application/x-yaml")).run()
    assert not at.exception and "坏配置.yaml" in at.error[0].value and "仍使用原配置" in at.error[0].value
    assert "zone" not in at.session_state
    # statuses computed from the (synthetic) local enterprise list
    next(b for b in at.button if b.label == "使用示例企业库（合成）").click().run()
    summary = at.success[0].value
    assert re.match(r"企业库 \d+ 家（计入环节 \d+ 家）；\d+ 个环节", summary)
    next(b for b in at.button if b.label == "采用测算结果作为园区缺口配置").click().run()
    assert any("企业库测算" in i.value for i in at.info)
    zone = at.session_state["zone"]
    assert any(st.computed for zc in zone.chains.values() for st in zc.segments.values())
    # edit one segment's status in the table, apply, and the ranking is re-scored under it
    editor = next(e for e in at.data_editor if "status" in e.value.columns)
    first = editor.value.iloc[0]
    new_status = "优势" if first["status"] != "优势" else "缺失"
    at.session_state[editor.key] = {"edited_rows": {0: {"status": new_status}}, "added_rows": [], "deleted_rows": []}
    at.run()
    assert any("尚未用于评分" in w.value for w in at.warning)
    calls = len(score_calls)
    next(b for b in at.button if b.label == "应用修改并重新评分").click().run()
    edited = at.session_state["zone"].segment_status(first["chain_id"], first["segment_id"])
    assert edited.status == new_status and not edited.assumed and not edited.computed
    at.switch_page(RANKING).run()  # scored once under the new profile (the gaps page's map already asked)
    assert not at.exception and len(score_calls) == calls + 1
    assert score_calls[-1][1].segment_status(first["chain_id"], first["segment_id"]).status == new_status


# --------------------------------------------------------------------------------------------
# 4 · 招商地图, 5 · 导出


def test_map_page_draws_the_offline_map_and_lists_a_segments_targets():
    at = new_app().run()
    at.switch_page(MAP).run()
    assert not at.exception
    frame = at.get("iframe")[0].proto
    assert "招商地图 · 南京经济技术开发区 · 全部产业链" in frame.srcdoc and "Content-Security-Policy" in frame.srcdoc
    assert [b.label for b in at.download_button] == ["下载招商地图（HTML，离线可打开）"]
    at.selectbox(key="w_map_chain").set_value("nev").run()
    assert "新能源汽车" in at.get("iframe")[0].proto.srcdoc
    segment = engine_view(chain_ids=["nev"], tiers=["A", "B"]).iloc[0]
    at.selectbox[1].set_value(segment["segment_id"]).run()
    expected = engine_view(chain_ids=["nev"], segments=[("nev", segment["segment_id"])], tiers=["A", "B"])
    assert at.subheader[0].value.endswith(f"A / B 类目标 {len(expected):,} 家")
    assert at.dataframe[0].value["企业名称"].tolist() == expected["company_name"].tolist()
    # only the part shown is drawn: the chain's map, or (on request) the geographic map
    html = at.get("iframe")[0].proto.srcdoc
    assert '"id":"chain-nev"' in html and '"id":"geo-national"' not in html
    at.radio(key="w_map_view").set_value("geo").run()
    html = at.get("iframe")[0].proto.srcdoc
    assert '"id":"geo-national"' in html and '"id":"chain-nev"' not in html and 'id="metric"' in html


def test_export_page_offers_every_download():
    at = new_app().run()
    at.switch_page(EXPORT).run()
    assert not at.exception
    labels = [b.label for b in at.download_button]
    assert labels == [
        "下载招商工作簿",
        "招商地图（HTML）",
        "排名表（CSV，机器可读）",
        f"未处理的行（CSV，{sample_result().counts['rejected']} 行）",
        "园区缺口配置（可在“产业链缺口”页上传）",
    ]
    at.multiselect(key="w_x_chains").set_value(["nev", "ic"])
    at.number_input(key="w_x_top").set_value(20).run()
    assert not at.exception and at.download_button(key="download_workbook").label == "下载招商工作簿"


# --------------------------------------------------------------------------------------------
# house rules and offline


def test_pages_are_thin_and_not_in_a_pages_directory():
    # Streamlit runs a `pages/` directory by itself (without app.py) until some session has called
    # st.navigation: a fresh server's first visitor on a deep link would get the wrong app
    assert not (ROOT / "pages").exists()
    import ast

    for path in sorted(PAGES.glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                assert node.level == 0 and not (node.module or "").startswith("matcher."), (path, node.module)
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "matcher":
                assert node.attr in matcher.__all__ or node.attr.isupper(), (path, node.attr)


def test_the_app_loads_nothing_from_outside():
    for path in [ROOT / "app.py", *sorted(PAGES.glob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        assert ":material/" not in text, path  # Streamlit fetches material icons from fonts.gstatic.com
        assert not re.search(r"https?://", text), path
    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["browser"]["gatherUsageStats"] is False
    assert config["server"]["headless"] is True and config["server"]["fileWatcherType"] == "none"


def test_gaps_page_shows_computed_statuses_on_the_chain_map():
    testing = pytest.importorskip("streamlit.testing.v1")
    at = testing.AppTest.from_file(str(ROOT / "app.py"), default_timeout=180)
    at.run()
    at.switch_page("app_pages/gaps.py").run()
    buttons = [b for b in at.button if b.label == "使用示例企业库（合成）"]
    assert buttons, [b.label for b in at.button]
    buttons[0].click().run()
    assert not at.exception
    assert any(s.label == "在产业链图上查看测算状态" for s in at.selectbox)
    # the chain map counts the candidates of the current list (scored under the current profile)
    # (every company that serves the chain, filed under a segment: the map's per-chain counts)
    ranked = matcher.chain_view(matcher.rerank(sample_result(), matcher.DEFAULTS)).ranked
    ai = ranked[(ranked["chain_id"] == "ai") & (ranked["score"] > 0) & ranked["segment_id"].notna()]
    n_a, n_b = int((ai["tier"] == "A").sum()), int((ai["tier"] == "B").sum())
    assert n_a > 0 and n_b > 0
    html = at.get("iframe")[0].proto.srcdoc
    assert int(re.search(r"候选企业[：\s]*(\d+)", html).group(1)) > 0  # it said 0 when no candidates were passed
    assert f"A 类目标 {n_a} 家，B 类 {n_b} 家" in html
    at.selectbox(key="w_gaps_map_chain").set_value("nev").run()
    nev = ranked[(ranked["chain_id"] == "nev") & (ranked["score"] > 0) & ranked["segment_id"].notna()]
    n_a = int((nev["tier"] == "A").sum())
    assert n_a > 0 and f"A 类目标 {n_a} 家" in at.get("iframe")[0].proto.srcdoc


# --------------------------------------------------------------------------------------------
# officer wording

# the engine's names and notation that must not reach an officer's screen
DEVELOPER_WORDS = re.compile(
    r"--top|--chain|w_fit|min_relevance|YAML|yaml|data/zones|data/reference|weak_keywords|e\^|exp\(|gb18030|utf-8"
    r"|nanjing-etdz|（[a-z_]+）|\([a-z_]+\)|(?<![A-Za-z])(?:km|ai|nev|ime|rail|bio|ic|software|grid)(?![A-Za-z])"
)
TEXT_ELEMENTS = (
    "title", "header", "subheader", "markdown", "caption", "text", "info", "warning", "error", "success",
    "metric", "expander", "button", "download_button", "selectbox", "multiselect", "radio", "slider",
    "number_input", "text_input", "checkbox", "toggle", "file_uploader", "tabs", "select_slider",
)  # fmt: skip


def shown_text(at) -> list[str]:
    """Every label, help text, option, message and table header the current page shows."""
    out = []
    for kind in TEXT_ELEMENTS:
        for el in at.get(kind):
            proto = getattr(el, "proto", None)
            for attr in ("label", "help", "body", "placeholder"):
                v = getattr(proto, attr, None)
                if isinstance(v, str) and v:
                    out.append(v)
            out.extend(o for o in getattr(proto, "options", []) if isinstance(o, str))
    for df in at.dataframe:
        out.extend(str(c) for c in df.value.columns)
    return out


def test_no_developer_words_on_any_page():
    at = new_app().run()
    found = {}
    for page in (IMPORT, RANKING, GAPS, MAP, EXPORT):
        at.switch_page(page).run()
        assert not at.exception, page
        texts = shown_text(at)
        assert texts, page
        hits = sorted({m.group(0) for t in texts for m in DEVELOPER_WORDS.finditer(t)})
        if hits:
            found[page] = hits
    assert found == {}
