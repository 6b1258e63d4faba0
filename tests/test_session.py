"""matcher.session: what the app needs beyond a batch run (re-ranking, filters, zone editing, several inputs)."""

import io
from dataclasses import replace
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

import matcher

from .conftest import AS_OF, DATA

CSV = DATA / "candidates.csv"


# --------------------------------------------------------------------------------------------
# settings split


def test_rank_settings_do_not_change_the_match_key():
    base = matcher.match_key(matcher.DEFAULTS)
    for name in matcher.RANK_SETTINGS:
        h = next(h for h in matcher.settings_help() if h["name"] == name)
        changed = matcher.DEFAULTS.replace(**{name: h["min"] if h["default"] != h["min"] else h["max"]})
        assert matcher.match_key(changed) == base, name
        assert matcher.rank_key(changed) != matcher.rank_key(matcher.DEFAULTS), name
    assert matcher.match_key(matcher.DEFAULTS.replace(min_relevance=0.5)) != base
    # penalties are re-applied by rank (stage RANK; the reasons re-render on rerank): no new match
    assert matcher.match_key(matcher.DEFAULTS.replace(penalty_abnormal=0.5)) == base
    assert matcher.rank_key(matcher.DEFAULTS.replace(penalty_abnormal=0.5)) != matcher.rank_key(matcher.DEFAULTS)


# --------------------------------------------------------------------------------------------
# re-ranking


def test_rerank_with_the_scoring_settings_reproduces_the_ranking(fixture_result):
    again = matcher.rerank(fixture_result, matcher.DEFAULTS)
    pd.testing.assert_frame_equal(again.ranked, fixture_result.ranked)
    assert again.counts == fixture_result.counts


def test_rerank_reorders_the_whole_table_without_rematching(fixture_result):
    before = fixture_result.ranked.copy()
    settings = matcher.DEFAULTS.replace(w_fit=0.0, w_strength=1.0, w_distance=0.0, tier_a=50)
    out = matcher.rerank(fixture_result, settings)
    pd.testing.assert_frame_equal(fixture_result.ranked, before)  # the input is not modified
    ranked = out.ranked
    assert list(ranked.index) == list(range(len(ranked)))
    assert (np.diff(ranked["score"].to_numpy()) <= 0).all()
    assert sorted(ranked["company_name"]) == sorted(before["company_name"])
    # every row keeps its own facts and reasons; only score, tier and proximity follow the weights
    old = before.set_index("company_name")
    new = ranked.set_index("company_name")
    for col in ("chain_id", "segment_id", "reasons", "relevance", "strength", "source_row"):
        pd.testing.assert_series_equal(new[col], old.loc[new.index, col], check_names=False)
    expected = matcher.rank(fixture_result.components, settings)
    assert ranked["score"].tolist() == expected["score"].tolist()
    assert ranked["tier"].tolist() == expected["tier"].tolist()
    matched = ranked["chain_id"].notna() & (ranked["risk"] < 1)
    # with only strength weighted, a matched active company scores 100 × strength
    assert np.allclose(ranked.loc[matched, "score"], (100 * ranked.loc[matched, "strength"]).round(1))
    assert (out.components["score"].to_numpy() == ranked["score"].to_numpy()).all()
    assert out.settings == settings and fixture_result.settings != settings  # the workbook shows these weights
    assert out.ranked.iloc[0]["company_name"] != before.iloc[0]["company_name"]


# --------------------------------------------------------------------------------------------
# filters


def test_filters_keep_order_and_apply_each_condition(fixture_result):
    ranked = fixture_result.ranked
    f = matcher.filter_ranked
    assert f(ranked).equals(ranked)
    nev = f(ranked, chain_ids=["nev"])
    assert set(nev["chain_id"]) == {"nev"} and list(nev.index) == sorted(nev.index)
    seg = ranked.loc[ranked["chain_id"] == "nev", "segment_id"].iloc[0]
    assert set(f(ranked, segments=[("nev", seg)])["segment_id"]) == {seg}
    assert f(ranked, segments=[("ic", seg)]).empty  # a segment is named with its chain
    assert set(matcher.tier_labels(f(ranked, tiers=["A"]))) <= {"A"}
    unmatched = f(ranked, tiers=[matcher.UNMATCHED_TIER])
    assert len(unmatched) == 3 and unmatched["chain_id"].isna().all()
    inactive = f(ranked, tiers=[matcher.NO_TARGET_TIER])
    assert inactive["company_name"].tolist() == ["常州旧能电池有限公司"]
    assert set(f(ranked, provinces=["浙江省"])["company_name"]) == {"杭州宁德时代储能有限公司"}
    assert set(f(ranked, cities=["南京市"])["city"]) == {"南京市"}
    rich = f(ranked, min_capital_wan=1000)
    assert (rich["registered_capital_wan"] >= 1000).all() and len(rich) == 4
    near = f(ranked, max_distance_km=100)
    assert (near["distance_km"] <= 100).all() and "杭州宁德时代储能有限公司" not in set(near["company_name"])
    active = f(ranked, active_only=True)
    assert "常州旧能电池有限公司" not in set(active["company_name"]) and len(active) == len(ranked) - 1
    assert f(ranked, matched_only=True)["chain_id"].notna().all()
    assert f(ranked, name_contains="南京")["company_name"].str.contains("南京").all()
    both = f(ranked, chain_ids=["nev"], cities=["南京市"], active_only=True)
    assert set(both["company_name"]) == {"江苏锐能动力电池有限公司", "南京快充科技有限公司"}


def test_unknown_facts_do_not_pass_a_minimum():
    frame = pd.DataFrame(
        {
            "company_name": ["有", "无"],
            "chain_id": ["nev", "nev"],
            "segment_id": ["a", "a"],
            "tier": ["A", "A"],
            "status": ["unknown", "active"],
            "province": [None, None],
            "city": [None, None],
            "registered_capital_wan": [500.0, np.nan],
            "distance_km": [np.nan, 10.0],
        }
    )
    assert matcher.filter_ranked(frame, min_capital_wan=100)["company_name"].tolist() == ["有"]
    assert matcher.filter_ranked(frame, max_distance_km=100)["company_name"].tolist() == ["无"]
    assert len(matcher.filter_ranked(frame, active_only=True)) == 2  # unknown status stays


# --------------------------------------------------------------------------------------------
# score parts


@pytest.mark.parametrize("settings", [matcher.DEFAULTS, matcher.DEFAULTS.replace(w_fit=0.3, w_distance=0.4)])
def test_score_parts_add_up_to_the_score(fixture_result, settings):
    ranked = matcher.rerank(fixture_result, settings).ranked
    for _, row in ranked.iterrows():
        parts = matcher.score_parts(row, settings)
        assert abs(sum(parts.values()) - row["score"]) < 0.1, (row["company_name"], parts, row["score"])
        if pd.isna(row["chain_id"]):
            assert parts == {"fit": 0.0, "strength": 0.0, "distance": 0.0, "risk": 0.0}
    inactive = ranked[ranked["company_name"] == "常州旧能电池有限公司"].iloc[0]
    parts = matcher.score_parts(inactive, settings)
    assert parts["risk"] < 0 and parts["risk"] == pytest.approx(
        -(parts["fit"] + parts["strength"] + parts["distance"]), abs=0.02
    )


def test_score_parts_of_a_penalised_company():
    row = {"chain_id": "nev", "fit": 0.8, "strength": 0.4, "proximity": 0.5, "risk": 0.3}
    s = matcher.DEFAULTS
    parts = matcher.score_parts(row, s)
    total = s.w_fit + s.w_strength + s.w_distance
    full = 100 * (s.w_fit * 0.8 + s.w_strength * 0.4 + s.w_distance * 0.5) / total
    assert parts["risk"] == pytest.approx(-0.3 * full, abs=0.01)
    assert sum(parts.values()) == pytest.approx(full * 0.7, abs=0.02)


# --------------------------------------------------------------------------------------------
# zone profile as tables and YAML


def _reload(text: str, tmp_path: Path, chains):
    path = tmp_path / "zone.yaml"
    path.write_text(text, encoding="utf-8")
    return matcher.load_zone(path, chains=chains)


def test_zone_yaml_round_trip(tmp_path, fixture_chains, fixture_zone):
    for chains, zone in ((fixture_chains, fixture_zone), (matcher.load_chains(), matcher.load_zone())):
        back = _reload(matcher.zone_to_yaml(zone, chains), tmp_path, chains)
        assert replace(back, source="") == replace(zone, source="")


def test_zone_yaml_keeps_computed_statuses(tmp_path):
    profile = matcher.gaps_files([matcher.SAMPLE_FILE.parent / "local_enterprises_nanjing.csv"], as_of=AS_OF)
    zone = profile.to_zone()
    back = _reload(matcher.zone_to_yaml(zone, profile.chains), tmp_path, profile.chains)
    assert back.chains == zone.chains
    assert any(st.computed for zc in back.chains.values() for st in zc.segments.values())


def test_unedited_tables_give_the_same_zone(fixture_chains, fixture_zone):
    prio, seg = matcher.zone_tables(fixture_chains, fixture_zone)
    assert len(seg) == sum(len(c.segments) for c in fixture_chains.values())
    assert list(prio["chain_id"]) == list(fixture_chains)
    again = matcher.apply_zone_edits(fixture_zone, fixture_chains, prio, seg)
    table = matcher.segment_table(fixture_chains, again)
    pd.testing.assert_frame_equal(table, matcher.segment_table(fixture_chains, fixture_zone))


def test_edited_status_becomes_the_officers(fixture_chains, fixture_zone, tmp_path):
    prio, seg = matcher.zone_tables(fixture_chains, fixture_zone)
    i = seg.index[seg["assumed"]][0] if seg["assumed"].any() else 0
    old = seg.loc[i, "status"]
    new_status = next(s for s in fixture_zone.status_weights if s != old)
    seg.loc[i, "status"] = new_status
    seg.loc[i, "note"] = "专班核实"
    seg.loc[i, "target_count"] = 9
    prio.loc[0, "priority_level"] = list(fixture_zone.priority_levels)[-1]
    edited = matcher.apply_zone_edits(fixture_zone, fixture_chains, prio, seg)
    st = edited.segment_status(seg.loc[i, "chain_id"], seg.loc[i, "segment_id"])
    assert (st.status, st.assumed, st.computed, st.note, st.target_count) == (new_status, False, False, "专班核实", 9)
    assert edited.chain_priority(prio.loc[0, "chain_id"])[0] == list(fixture_zone.priority_levels)[-1]
    table = matcher.segment_table(fixture_chains, edited)
    assert table.loc[i, "gap_weight"] == fixture_zone.status_weights[new_status]
    others = table.drop(index=i)
    before = matcher.segment_table(fixture_chains, fixture_zone).drop(index=i)
    assert (others["status"] == before["status"]).all()
    assert _reload(matcher.zone_to_yaml(edited, fixture_chains), tmp_path, fixture_chains).chains == edited.chains


def test_bad_edits_name_the_segment(fixture_chains, fixture_zone):
    prio, seg = matcher.zone_tables(fixture_chains, fixture_zone)
    bad = seg.copy()
    bad.loc[0, "status"] = "很好"
    with pytest.raises(matcher.MatcherError, match=str(seg.loc[0, "segment_name"])):
        matcher.apply_zone_edits(fixture_zone, fixture_chains, None, bad)
    bad = prio.copy()
    bad.loc[0, "priority_level"] = "宇宙级"
    with pytest.raises(matcher.MatcherError, match="优先级"):
        matcher.apply_zone_edits(fixture_zone, fixture_chains, bad, None)
    bad = seg.copy()
    bad.loc[0, "target_count"] = 0
    with pytest.raises(matcher.MatcherError, match="目标数"):
        matcher.apply_zone_edits(fixture_zone, fixture_chains, None, bad)


# --------------------------------------------------------------------------------------------
# several inputs, each with its own column mapping


@pytest.fixture()
def two_files(tmp_path):
    good = tmp_path / "a" / "名单.csv"
    good.parent.mkdir()
    good.write_bytes(CSV.read_bytes())
    odd = tmp_path / "b" / "展会.csv"
    odd.parent.mkdir()
    odd.write_text(
        "单位名称,资本额,所属城市\n江苏新芯集成电路设计有限公司,3000万元,南京市\n苏州动力电池有限公司,800万元,苏州市\n",
        encoding="utf-8",
    )
    bad = tmp_path / "c" / "坏文件.xlsx"
    bad.parent.mkdir()
    bad.write_bytes(b"this is not a workbook")
    return good, odd, bad


def test_score_inputs_reports_a_bad_file_and_scores_the_rest(two_files, fixture_chains, fixture_zone):
    good, odd, bad = two_files
    result, errors = matcher.score_inputs([(good, None), (bad, None)], fixture_zone, chains=fixture_chains, as_of=AS_OF)
    assert result.counts == {"read": 10, "scored": 8, "merged": 1, "rejected": 1}
    assert [name for name, _ in errors] == ["坏文件.xlsx"]
    message = errors[0][1]
    assert "Excel" in message and str(bad.parent) not in message  # Chinese, names the file, no temp path
    none, errors = matcher.score_inputs([(bad, None)], fixture_zone, chains=fixture_chains)
    assert none is None and len(errors) == 1


def test_each_input_gets_its_own_column_mapping(two_files, fixture_chains, fixture_zone):
    good, odd, _ = two_files
    result, errors = matcher.score_inputs([(good, None), (odd, None)], fixture_zone, chains=fixture_chains, as_of=AS_OF)
    assert errors == [] and result.counts["read"] == 12
    odd_table = next(t for t in result.tables if t.label == "展会.csv")
    table = matcher.mapping_table(odd_table)
    assert table["header"].tolist() == ["单位名称", "资本额", "所属城市"]
    assert pd.isna(table.set_index("header").loc["资本额", "field"])
    assert table.set_index("header").loc["资本额", "example"] == "3000万元"
    edited = table.copy()
    edited.loc[edited["header"] == "资本额", "field"] = "registered_capital"
    overrides = matcher.mapping_overrides(edited, odd_table)
    assert overrides == {"资本额": "registered_capital"}
    result, _ = matcher.score_inputs([(good, None), (odd, overrides)], fixture_zone, chains=fixture_chains, as_of=AS_OF)
    capital = result.ranked.set_index("company_name")["registered_capital_wan"]
    assert capital["江苏新芯集成电路设计有限公司"] == 3000 and capital["苏州动力电池有限公司"] == 800
    assert capital["江苏锐能动力电池有限公司"] == 5000  # the other file keeps its own mapping
    assert matcher.mapping_overrides(table, odd_table) == {}


def test_mapping_edits_are_checked(fixture_result):
    table = matcher.mapping_table(fixture_result.tables[0])
    assert table.loc[0, "field"] == "company_name" and table.loc[1, "field"] == "status"
    moved = table.copy()
    moved.loc[1, "field"] = "company_name"  # the changed column takes the field from the reader's choice
    assert matcher.mapping_overrides(moved, fixture_result.tables[0]) == {table.loc[1, "header"]: "company_name"}
    twice = moved.copy()
    twice.loc[2, "field"] = "company_name"
    with pytest.raises(matcher.MatcherError, match="同时指定"):
        matcher.mapping_overrides(twice, fixture_result.tables[0])
    unknown = table.copy()
    unknown.loc[1, "field"] = "shoe_size"
    with pytest.raises(matcher.MatcherError, match="未知字段"):
        matcher.mapping_overrides(unknown, fixture_result.tables[0])
    assert set(matcher.field_labels()) >= {"company_name", "registered_capital", "scope"}
    assert matcher.field_labels()["company_name"] == "企业名称"


def test_input_accounting_balances(two_files, fixture_chains, fixture_zone):
    good, odd, _ = two_files
    result, _ = matcher.score_inputs([(good, None), (odd, None)], fixture_zone, chains=fixture_chains)
    acc = matcher.input_accounting(result)
    assert acc["source"].tolist() == ["名单.csv", "展会.csv"]
    assert (acc["read"] == acc["scored"] + acc["merged"] + acc["rejected"]).all()
    assert acc[["read", "scored", "merged", "rejected"]].sum().to_dict() == result.counts
    assert acc.loc[0, "header_row"] == 1 and acc.loc[0, "rejected"] == 1 and acc.loc[0, "merged"] == 1


# --------------------------------------------------------------------------------------------
# downloads


def test_workbook_and_csv_bytes(fixture_result, fixture_chains, fixture_zone):
    settings = matcher.DEFAULTS.replace(w_fit=0.5)
    data = matcher.workbook_bytes(
        matcher.rerank(fixture_result, settings), chains=fixture_chains, zone=fixture_zone, settings=settings
    )
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    assert book.sheetnames[0] == "说明" and "未处理" in book.sheetnames
    frame = fixture_result.ranked.head(2).copy()
    frame.loc[0, "company_name"] = '=HYPERLINK("http://x")'
    text = matcher.table_csv_bytes(frame)
    assert text.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(text), encoding="utf-8-sig")
    assert back.loc[0, "company_name"].startswith("'=")


# --------------------------------------------------------------------------------------------
# scored results kept on disk


def test_result_store_round_trip_damage_and_size(tmp_path, fixture_result):
    store = matcher.ResultStore(tmp_path / "cache", keep=2)
    assert store.get("a") is None  # nothing yet, and no folder needed to ask
    store.put("a", fixture_result)
    back = store.get("a")
    pd.testing.assert_frame_equal(back.ranked, fixture_result.ranked)
    pd.testing.assert_frame_equal(back.components, fixture_result.components)
    assert back.counts == fixture_result.counts
    assert [p.suffix for p in (tmp_path / "cache").iterdir()] == [".pickle"]  # no temporary file left
    # a damaged entry is a miss, and is removed
    (tmp_path / "cache" / "a.pickle").write_bytes(b"\x80\x05not a pickle")
    assert store.get("a") is None and not (tmp_path / "cache" / "a.pickle").exists()
    # the newest `keep` entries stay
    for key in ("b", "c", "d"):
        store.put(key, {"key": key})
    assert sorted(p.stem for p in (tmp_path / "cache").glob("*.pickle")) == ["c", "d"]
    assert store.get("d") == {"key": "d"}


def test_stored_result_keys_follow_code_data_and_day(monkeypatch):
    from matcher import session

    digest = matcher.code_digest()
    assert len(digest) == 20 and matcher.code_digest() == digest
    key = matcher.stored_result_key("inputs")
    assert matcher.stored_result_key("inputs") == key and matcher.stored_result_key("other") != key
    monkeypatch.setattr(session, "_CODE_DIGEST", "changed-code")
    assert matcher.stored_result_key("inputs") != key
    monkeypatch.setattr(session, "_CODE_DIGEST", digest)

    class Tomorrow(session.dt.date):
        @classmethod
        def today(cls):
            return session.dt.date(2099, 1, 2)

    monkeypatch.setattr(session.dt, "date", Tomorrow)
    assert matcher.stored_result_key("inputs") != key


def test_code_digest_reads_the_package_and_its_data(monkeypatch, tmp_path):
    from matcher import session

    pkg, data = tmp_path / "pkg", tmp_path / "data"
    for d in (pkg, data):
        d.mkdir()
    (pkg / "a.py").write_text("x = 1\n")
    (data / "b.yaml").write_text("k: v\n")
    monkeypatch.setattr(session, "PACKAGE_DIR", pkg)
    monkeypatch.setattr(session, "DATA_DIR", data)

    def fresh():
        monkeypatch.setattr(session, "_CODE_DIGEST", None)
        return matcher.code_digest()

    first = fresh()
    (data / "b.yaml").write_text("k: w\n")
    second = fresh()
    (pkg / "a.py").write_text("x = 2\n")
    assert len({first, second, fresh()}) == 3


def test_result_store_location(monkeypatch, tmp_path):
    monkeypatch.setenv("CHAINMATCH_CACHE", "off")
    assert matcher.result_store() is None
    monkeypatch.setenv("CHAINMATCH_CACHE", str(tmp_path / "mine"))
    assert matcher.result_store().folder == tmp_path / "mine"
    monkeypatch.delenv("CHAINMATCH_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert matcher.result_store().folder == tmp_path / "xdg" / "chainmatch"
