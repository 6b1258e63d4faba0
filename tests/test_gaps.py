"""Gap profile from a zone's enterprise list, officer overrides, zone YAML round trip, 本地企业 marking."""

import csv

import openpyxl
import pandas as pd
import pytest
from stdnum.cn import uscc

import matcher
from matcher.cli import main
from tests.conftest import AS_OF

HEADER = [
    "企业名称",
    "登记状态",
    "注册资本",
    "成立日期",
    "统一社会信用代码",
    "所属省份",
    "所属城市",
    "参保人数",
    "经营范围",
    "企业简介",
]


def code(n: int) -> str:
    body = f"91320113MA{n:07d}"
    return body + uscc.calc_check_digit(body)


def battery(i: int, status="存续", capital="5000万元", staff=300) -> list:
    return [
        f"南京蓝岸{i}号动力电池有限公司",
        status,
        capital,
        "2016-05-01",
        code(100 + i),
        "江苏省",
        "南京市",
        staff,
        "锂离子电池、动力电池的研发、生产、销售",
        "专注于动力电池电芯与电池包",
    ]


BASE = [
    [
        "南京快充新能源科技有限公司",
        "存续",
        "2000万元",
        "2018-03-01",
        code(1),
        "江苏省",
        "南京市",
        120,
        "充电桩销售；充电桩制造；电动汽车充电基础设施运营",
        "专注于直流充电桩与充电模块",
    ],
    [
        "南京驰远电驱动科技有限公司",
        "存续",
        "3000万元",
        "2015-01-01",
        code(2),
        "江苏省",
        "南京市",
        200,
        "电机制造；汽车零部件研发",
        "主要从事新能源汽车驱动电机与电驱总成",
    ],
    ["南京老街餐饮管理有限公司", "存续", "10万元", "2019-01-01", code(3), "江苏省", "南京市", 5, "餐饮服务", ""],
    [
        '=HYPERLINK("http://x.invalid")充电科技有限公司',
        "存续",
        "5亿元",
        "2005-01-01",
        code(4),
        "江苏省",
        "南京市",
        2000,
        "充电桩销售；充电桩制造；充电设施安装",
        "专注于直流充电桩",
    ],
]


def write_list(path, rows):
    with open(path, "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(HEADER)
        w.writerows(rows)
    return path


ZONE = """id: t-zone
name: 测试园区
province: 江苏省
city: 南京市
priority_levels: {{国家级: 1.0, 省级: 0.85, 市级: 0.7}}
status_weights: {{缺失: 1.0, 薄弱: 0.8, 一般: 0.5, 优势: 0.25}}
chains:
  nev:
    priority: 国家级
    segments:
      power_battery: {power_battery}
      charging_equipment: {{status: 缺失, assumed: true}}
"""


@pytest.fixture(scope="module")
def chains():
    return matcher.load_chains()


def zone_file(tmp_path, power_battery="{status: 薄弱, assumed: true}"):
    path = tmp_path / "zone.yaml"
    path.write_text(ZONE.format(power_battery=power_battery), encoding="utf-8")
    return path


def gaps(tmp_path, chains, rows, zone=None, name="local.csv"):
    local = write_list(tmp_path / name, rows)
    return matcher.gaps_files([local], zone=zone or zone_file(tmp_path), chains=chains, as_of=AS_OF)


def segment(profile, sid, chain="nev"):
    s = profile.segments
    return s[(s.chain_id == chain) & (s.segment_id == sid)].iloc[0]


def test_no_battery_company_means_missing(tmp_path, chains):
    p = gaps(tmp_path, chains, BASE + [battery(9, status="注销")])
    pb = segment(p, "power_battery")
    assert (pb.status, pb.local_count, pb.coverage, pb.overridden) == ("缺失", 0, 0.0, False)
    assert pb.gap_weight == 1.0
    # the deregistered battery maker is filed there but does not count
    c = p.companies.set_index("company_name").loc["南京蓝岸9号动力电池有限公司"]
    assert c.segment_id == "power_battery" and not c.counted
    # the segments the list does cover
    ce = segment(p, "charging_equipment")
    assert ce.local_count == 2 and ce.status in ("一般", "优势") and "南京快充新能源科技有限公司" in ce.local_examples
    assert segment(p, "drive_motor").local_count == 1
    assert p.counts["scored"] == 5 and p.counts["filed"] == 4 and p.counts["counted"] == 3


def test_enough_battery_companies_move_the_status_up(tmp_path, chains):
    two = segment(gaps(tmp_path, chains, BASE + [battery(1), battery(2)]), "power_battery")
    assert two.local_count == 2 and two.status == "一般"  # coverage ≥ half of target 3
    three = segment(gaps(tmp_path, chains, BASE + [battery(1), battery(2), battery(3)]), "power_battery")
    assert three.local_count == 3 and three.coverage >= 3 and three.status == "优势" and three.gap_weight == 0.25
    assert three.coverage > two.coverage
    # strength-weighted: one tiny shell is 薄弱, not 一般
    shell = segment(gaps(tmp_path, chains, BASE + [battery(1, capital="10万元", staff=1)]), "power_battery")
    assert shell.local_count == 1 and shell.coverage < 1.0 and shell.status == "薄弱"


def test_target_count_override_in_zone_file(tmp_path, chains):
    zone = zone_file(tmp_path, power_battery="{target_count: 2}")
    z = matcher.load_zone(zone, chains)
    assert z.segment_status("nev", "power_battery").assumed  # a target alone leaves the status assumed
    pb = segment(gaps(tmp_path, chains, BASE + [battery(1), battery(2)], zone=zone), "power_battery")
    assert pb.target_count == 2 and pb.status == "优势"


def test_officer_status_wins_and_survives_recomputation(tmp_path, chains):
    zone = zone_file(tmp_path, power_battery="{status: 优势, note: 专班核定}")
    p = gaps(tmp_path, chains, BASE, zone=zone)
    pb = segment(p, "power_battery")
    assert (pb.status, pb.computed_status, pb.overridden, pb.gap_weight) == ("优势", "缺失", True, 0.25)
    assert not segment(p, "charging_equipment").overridden

    out = tmp_path / "profile.yaml"
    matcher.write_gaps(p, out)
    again = gaps(tmp_path, chains, [BASE[2]], zone=out, name="smaller.csv")  # the chargers have left
    pb2 = segment(again, "power_battery")
    assert (pb2.status, pb2.overridden) == ("优势", True) and "专班核定" in pb2.note
    # computed statuses written to the profile are recomputed, not frozen
    assert segment(p, "charging_equipment").status != "缺失"
    ce = segment(again, "charging_equipment")
    assert (ce.status, ce.overridden) == ("缺失", False)


def test_yaml_profile_round_trips_through_load_zone_and_scoring(tmp_path, chains):
    p = gaps(tmp_path, chains, BASE + [battery(1), battery(2), battery(3)])
    out = tmp_path / "profile.yaml"
    matcher.write_gaps(p, out)
    zone = matcher.load_zone(out, chains)
    for r in p.segments[p.segments.chain_id.isin(list(zone.chains))].itertuples():
        assert zone.segment_status(r.chain_id, r.segment_id).status == r.status, r.segment_id
    assert zone.segment_status("nev", "power_battery").computed
    assert zone.status_weights == p.zone.status_weights and zone.chain_priority("nev") == ("国家级", 1.0)
    assert p.to_zone().segment_status("nev", "vehicle_chips").status == "缺失"
    # the profile is a zone that scoring accepts: a battery candidate now meets 优势 (weight 0.25)
    cand = write_list(tmp_path / "cand.csv", [battery(7)])
    ranked = matcher.score_files([cand], zone=out, chains=chains, as_of=AS_OF).ranked
    assert (ranked.segment_id[0], ranked.gap_weight[0], ranked.gap_status[0]) == ("power_battery", 0.25, "优势")


def test_csv_and_xlsx_outputs(tmp_path, chains):
    p = gaps(tmp_path, chains, BASE)
    out = tmp_path / "gaps.csv"
    matcher.write_gaps(p, out)
    table = pd.read_csv(out, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(table.columns) == matcher.GAP_COLUMNS
    assert len(table) == sum(len(c.segments) for c in chains.values())
    examples = table[table.segment_id == "charging_equipment"].local_examples.iloc[0]
    assert examples.startswith("'=HYPERLINK")  # the strongest company comes first; its name is made inert

    xlsx = tmp_path / "gaps.xlsx"
    matcher.write_gaps(p, xlsx)
    wb = openpyxl.load_workbook(xlsx)
    assert wb.sheetnames == ["产业链汇总", "环节缺口", "本地企业", "说明"]
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    assert not any(isinstance(c.value, str) and c.value.startswith("=") for c in cells)
    names = [r[0] for r in wb["本地企业"].iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x.invalid")充电科技有限公司' in names
    with pytest.raises(matcher.MatcherError):
        matcher.write_gaps(p, tmp_path / "gaps.txt")


def test_candidate_already_local_is_flagged_not_a_target(tmp_path, chains):
    local = write_list(tmp_path / "local.csv", BASE + [battery(1), battery(2, status="注销")])
    renamed = battery(1)
    renamed[0] = "江苏蓝岸动力电池股份有限公司"  # renamed since, same credit code
    by_name = list(BASE[0])
    by_name[0], by_name[4] = "南京快充新能源科技有限公司 ", ""  # no code; same name once normalised
    gone = battery(2)  # in the list, but deregistered there: no longer local
    outsider = battery(8)
    outsider[0], outsider[4] = "无锡远航动力电池有限公司", code(900)
    cand = write_list(tmp_path / "cand.csv", [renamed, by_name, gone, outsider])
    result = matcher.score_files([cand], chains=chains, as_of=AS_OF)
    before = result.ranked.set_index("company_name")
    assert before.loc["江苏蓝岸动力电池股份有限公司", "tier"] in ("A", "B", "C")

    ranked = matcher.mark_local(result.ranked, matcher.read_companies([local]).companies)
    r = ranked.set_index("company_name")
    assert r.loc["江苏蓝岸动力电池股份有限公司", ["is_local", "local_match", "tier", "score"]].tolist() == [
        True,
        "统一社会信用代码",
        "本地",
        0.0,
    ]
    assert r.loc["南京快充新能源科技有限公司", "local_match"] == "企业名称"
    assert r.loc["江苏蓝岸动力电池股份有限公司", "segment_id"] == "power_battery"  # keeps its segment (强链)
    assert "本地企业" in r.loc["江苏蓝岸动力电池股份有限公司", "reasons"]
    for name in ("无锡远航动力电池有限公司", "南京蓝岸2号动力电池有限公司"):
        assert not r.loc[name, "is_local"] and r.loc[name, "tier"] in ("A", "B", "C") and r.loc[name, "score"] > 0
    targets = ranked[ranked.tier.isin(["A", "B", "C"])]
    assert not targets.is_local.any()
    assert ranked.score.is_monotonic_decreasing and ranked.company_name[0] != "江苏蓝岸动力电池股份有限公司"
    # a GapProfile works as the local list too
    assert matcher.mark_local(result.ranked, gaps(tmp_path, chains, BASE + [battery(1)])).is_local.sum() == 2


def test_cli_gaps_and_score_local(tmp_path, chains, capsys):
    local = write_list(tmp_path / "local.csv", BASE + [battery(1)])
    zone = zone_file(tmp_path)
    out = tmp_path / "out.yaml"
    assert main(["gaps", str(local), "--zone", str(zone), "-o", str(out)]) == 0
    assert "read 5, scored 5, merged 0, rejected 0" in capsys.readouterr().out
    assert matcher.load_zone(out, chains).segment_status("nev", "power_battery").status == "薄弱"
    assert main(["gaps", str(local), "-o", str(tmp_path / "g.csv")]) == 0
    assert main(["gaps", str(local), "-o", str(tmp_path / "g.xlsx")]) == 0
    cand = write_list(tmp_path / "cand.csv", [battery(1), battery(6)])
    ranked_out = tmp_path / "ranked.csv"
    assert main(["score", str(cand), "--zone", str(out), "--local", str(local), "-o", str(ranked_out)]) == 0
    assert "本地企业（已在园区，不作为补链目标）：1 家" in capsys.readouterr().out
    ranked = pd.read_csv(ranked_out, encoding="utf-8-sig")
    assert ranked.is_local.tolist() == [False, True] and ranked.tier.tolist()[1] == "本地"

    capsys.readouterr()
    assert main(["gaps", str(local), "-o", str(tmp_path / "g.parquet")]) == 2
    assert main(["gaps", str(tmp_path / "missing.csv"), "-o", str(tmp_path / "g.csv")]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 2 and "Traceback" not in err


def test_shipped_local_sample_is_synthetic_and_has_a_deliberate_mix(chains):
    path = matcher.SAMPLE_FILE.parent / "local_enterprises_nanjing.csv"
    assert "合成" in path.read_text(encoding="utf-8-sig").splitlines()[0]
    p = matcher.gaps_files([path], chains=chains, as_of=AS_OF)
    statuses = set(p.segments.status)
    assert statuses == {"优势", "一般", "薄弱", "缺失"}
    assert segment(p, "power_battery").status == "优势" and segment(p, "cathode").status == "缺失"
    assert p.counts["scored"] >= 250 and p.counts["rejected"] == 0


def test_a_company_filed_at_chain_level_fills_no_segment(tmp_path, fixture_chains, fixture_zone):
    """Its text places it in the chain without naming a segment (the industry code points at 整车): it is
    filed in the chain, but counts towards no segment's coverage."""
    path = tmp_path / "local.csv"
    pd.DataFrame(
        [["南京丙新能源科技有限公司", "存续", "3612", "新能源技术推广"]],
        columns=["企业名称", "登记状态", "国标行业小类", "经营范围"],
    ).to_csv(path, index=False)
    p = matcher.gaps_files(
        [path], zone=fixture_zone, chains=fixture_chains, settings=matcher.DEFAULTS.replace(code_weight=2.5)
    )
    c = p.companies.iloc[0]
    assert c.chain_id == "nev" and pd.isna(c.segment_id) and not c.counted
    assert p.counts["filed"] == 1 and p.counts["counted"] == 0
    assert (p.segments["local_count"] == 0).all()
