"""matcher.engine.explain: reasons rendered from columns by one template and one separator rule."""

import dataclasses

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import matcher
from matcher.engine.explain import (
    PART_SEP,
    PARTS,
    _fmt_unique,
    _where,
    evidence_text,
    join_prefixed,
    reason_parts,
    reasons,
)
from matcher.engine.match import SegmentMatcher

from ..conftest import AS_OF, DATA


@pytest.fixture(scope="module")
def m(fixture_chains):
    return SegmentMatcher().fit(fixture_chains)


def frame(**cols):
    n = len(next(iter(cols.values())))
    base = {"company_name": [None] * n, "intro": [None] * n, "scope": [None] * n, "industry_code": [None] * n}
    base.update(cols)
    return pd.DataFrame(base)


def seg(m, chain, segment):
    s = m.segments_
    return int(np.flatnonzero((s.chain_id == chain) & (s.segment_id == segment))[0])


def write_list(path, header, rows):
    path.write_text("\n".join([",".join(header)] + [",".join(r) for r in rows]) + "\n", encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# helpers


def test_reason_parts_join_without_empty_pieces():
    cap = np.array([100.0, np.nan, 100.0, np.nan, 5.0])  # formatted once per distinct value, '' when missing
    tags = np.array(["专精特新", None, "", None, "高新技术企业"], dtype=object)  # an empty text adds no separator
    listed = np.array([False, True, False, False, True])
    parts = [_fmt_unique(cap, lambda v: f"资本{v:g}", "，"), _fmt_unique(tags, str, "，"), _where(listed, "，上市")]
    assert all(isinstance(p, pa.Array) for p in parts)
    assert join_prefixed(parts, "，").to_pylist() == [
        "资本100，专精特新",
        "上市",
        "资本100",
        "",
        "资本5，高新技术企业，上市",
    ]
    assert join_prefixed([pa.array(["；甲", "", ""]), pa.array(["；乙", "；丙", ""])], "；").to_pylist() == [
        "甲；乙",
        "丙",
        "",
    ]


def test_a_name_word_that_is_keyword_and_name_term_is_named_once():
    """机器人 is a keyword and a name term of the shipped knowledge: a roster name's reason named it twice
    (名称含“机器人”，名称含“机器人”)."""
    real = SegmentMatcher(model=None).fit(matcher.load_chains())
    r = real.match(frame(company_name=["苏州博越机器人有限公司"]))
    b = seg(real, "ime", "industrial_robot")
    assert r.name_terms is not None and r.name_terms.nnz  # the name term counted
    assert evidence_text(real, r, np.array([0]), np.array([b]))[0].as_py() == "名称含“机器人”"


@pytest.mark.parametrize(
    "name, chain, segment, expected",
    [
        # a term inside a keyword found is left out; a keyword inside a term gives way to the term
        ("南京星河集成电路设计有限公司", "ic", "digital_soc_design", "名称含“集成电路设计”"),
        ("北京深维语音技术有限公司", "ai", "speech_nlp", "名称含“语音技术”"),
        # keywords and terms are one list after one 名称含
        ("北京智源人工智能科技有限公司", "ai", "ai_apps", "名称含“人工智能”“科技”"),
    ],
)
def test_a_names_keywords_and_terms_read_as_one_list(name, chain, segment, expected):
    real = SegmentMatcher(model=None).fit(matcher.load_chains())
    r = real.match(frame(company_name=[name]))
    assert evidence_text(real, r, np.array([0]), np.array([seg(real, chain, segment)]))[0].as_py() == expected


def test_evidence_is_explained(m):
    f = frame(company_name=["甲动力电池有限公司"], scope=["BMS研发；电芯制造"])
    r = m.match(f)
    b = seg(m, "nev", "battery")
    text = evidence_text(m, r, np.array([0]), np.array([b]))[0].as_py()
    assert text in ("名称含“动力电池”，经营范围含“BMS”“电芯”", "名称含“动力电池”，经营范围含“电芯”“BMS”")
    # what the company says it does comes first, and a word is named once, where it is first found
    f = frame(company_name=["甲动力电池有限公司"], intro=["公司主要从事动力电池、电芯的研发"], scope=["电芯制造"])
    text = evidence_text(m, m.match(f), np.array([0]), np.array([b]))[0].as_py()
    assert text.startswith("主营“") and text.count("电芯") == 1 and "经营范围含" not in text


# --------------------------------------------------------------------------------------------
# rendering from columns


def columns(**changes):
    """A two-row component table: one company filed under a segment, one with no chain."""
    t = {
        "_segment": [3, 0],
        "chain_id": ["nev", None],
        "chain_name": ["新能源汽车", None],
        "segment_name": ["动力电池", None],
        "position": ["中游", None],
        "gap_status": ["缺失", None],
        "gap_weight": [1.0, np.nan],
        "priority": [0.7, np.nan],
        "relevance": [0.8123, 0.0412],
        "strength": [0.61, 0.5],
        "evidence_words": ["名称含“动力电池”", ""],
        "code_counted": [True, False],
        "gap_assumed": [True, False],
        "priority_level": ["市级", None],
        "industry_code": ["3841", "5211"],
        "registered_capital_wan": [12000.0, np.nan],
        "employees": [320.0, np.nan],
        "age_years": [11.6, np.nan],
        "listed": [True, False],
        "qualifications": ["高新技术企业", None],
        "financing": [None, None],
        "status": ["active", "inactive"],
        "status_raw": ["存续", "注销"],
        "abnormal": [True, False],
        "dishonest": [False, False],
    }
    t.update(changes)
    return pd.DataFrame(t)


def test_a_code_read_from_the_scope_is_worded_as_such():
    t = columns(industry_code=[None, "5211"], scope_code=["3841", None])
    text = reasons(t, matcher.DEFAULTS)[0].as_py()
    assert text.startswith("名称含“动力电池”，经营范围主营项目属锂离子电池制造，对应园区缺失环节")
    assert "所属行业为" not in text
    # a scope code is only worded where the code counted
    quiet = reasons(
        columns(industry_code=[None, "5211"], scope_code=["3841", None], code_counted=[False, False]), matcher.DEFAULTS
    )
    assert "锂离子电池制造" not in quiet[0].as_py()


def _companies(n: int) -> pd.DataFrame:
    """n canonical companies with nothing known (a test fills in the columns it reads)."""
    from matcher.ingest.normalize import CANONICAL_COLUMNS

    f = pd.DataFrame({c: [None] * n for c in CANONICAL_COLUMNS})
    for c in ("registered_capital_wan", "paid_capital_wan", "employees"):
        f[c] = np.nan
    for c in ("listed", "abnormal", "dishonest"):
        f[c] = False
    return f


def _components(chains, zone, frame: pd.DataFrame) -> pd.DataFrame:
    from matcher.engine.score import Scorer

    return Scorer(as_of=AS_OF).fit(chains, zone).components(frame)


def test_evidence_columns_carry_the_scope_code_of_a_filed_row(fixture_chains, fixture_zone):
    f = _companies(2)
    f["company_name"] = ["甲动力电池有限公司", "乙动力电池有限公司"]
    f["scope"] = ["锂离子电池制造"] * 2
    f["industry_code"] = [None, "3841"]
    comp = _components(fixture_chains, fixture_zone, f)
    assert comp["scope_code"].tolist()[0] == "3841" and pd.isna(comp["scope_code"].tolist()[1])
    assert "经营范围主营项目属锂离子电池制造" in comp["reasons"].iloc[0]
    assert "所属行业为锂离子电池制造" in comp["reasons"].iloc[1]


def test_a_broad_industry_code_that_counted_is_worded(fixture_chains, fixture_zone):
    """A 大类 (an export without the 小类) that supported the chain is named like a 小类; one that did not (no
    text in the chain) is not."""
    f = _companies(2)
    f["company_name"] = ["甲电池有限公司", "乙有限公司"]
    f["intro"] = ["公司生产动力电池和BMS。", "公司生产动力电池和BMS。"]
    f["industry_code"] = ["38", "62"]
    comp = _components(fixture_chains, fixture_zone, f)
    assert "所属行业为电气机械和器材制造业" in comp["reasons"].iloc[0]
    assert "所属行业" not in comp["reasons"].iloc[1]


def test_scope_items_naming_the_segments_subclass_are_worded(fixture_chains, fixture_zone):
    f = _companies(2)
    f["company_name"] = ["甲动力电池有限公司", "乙充电桩有限公司"]
    f["scope"] = ["锂离子电池、动力电池组的研发、生产与销售", "充电桩的生产与销售；锂离子电池生产"]
    f["industry_code"] = ["3612", "3612"]
    comp = _components(fixture_chains, fixture_zone, f)
    a, b = comp.iloc[0], comp.iloc[1]
    assert a["segment_id"] == "battery" and a["scope_item_codes"] == "3841" and a["scope_code_support"] > 0
    assert "经营范围所列业务属锂离子电池制造" in a["reasons"]
    # filed under 充换电: the 锂离子电池 item supports another segment and is not worded for this one
    assert b["segment_id"] == "charging" and pd.isna(b["scope_item_codes"]) and b["scope_code_support"] == 0
    assert "经营范围所列业务属" not in b["reasons"]
    assert " | ".join(reason_parts(a, matcher.DEFAULTS)) == a["reasons"]


def test_parts_are_rendered_from_columns_in_template_order():
    t = columns()
    text = reasons(t, matcher.DEFAULTS).to_pylist()
    assert text[0] == (
        "名称含“动力电池”，所属行业为锂离子电池制造，对应园区缺失环节“动力电池” | "
        "注册资本1.2亿元，参保320人，成立12年，上市，高新技术企业 | "
        "风险：列入经营异常名录（得分扣减30%）"
    )
    assert (
        text[1]
        == "未匹配到园区重点产业链的环节 | 未查到注册资本、参保人数等规模信息 | 风险：登记状态为“注销”，不作为招商目标"
    )
    # the columns decide: no words, so the code is the only evidence item (no stray separator)
    alone = reasons(columns(evidence_words=["", ""]), matcher.DEFAULTS)[0].as_py()
    assert alone.startswith("所属行业为锂离子电池制造，对应园区缺失环节“动力电池” | ")
    neither = reasons(columns(evidence_words=["", ""], code_counted=[False, False]), matcher.DEFAULTS)[0].as_py()
    assert neither.startswith("对应园区缺失环节“动力电池” | 注册资本")
    # no engine figure is worded: those stay in their own columns
    for word in ("相关度", "缺口权重", "实力分", "优先级", "0.81", "0.61", "12000", ".0"):
        assert word not in text[0]
    # each row reads its own segment's facts, wherever the filed rows are
    flipped = columns().iloc[::-1].reset_index(drop=True)
    assert reasons(flipped, matcher.DEFAULTS).to_pylist() == text[::-1]
    # a penalty is worded with the settings given
    assert reasons(t, matcher.DEFAULTS.replace(penalty_abnormal=0.5))[0].as_py().endswith("（得分扣减50%）")


def test_numbers_read_in_officer_units():
    t = columns(
        registered_capital_wan=[24000.0, 400.0],
        employees=[811.0, 3.0],
        age_years=[7.2, 0.4],
        listed=[True, False],
        qualifications=["高新技术企业；专精特新", None],
        financing=["Pre-A、A轮", None],
    )
    a, b = reasons(t, matcher.DEFAULTS).to_pylist()
    assert "注册资本2.4亿元，参保811人，成立7年，上市，高新技术企业、专精特新，已获A轮融资" in a
    assert "注册资本400万元，参保3人，成立不满1年" in b


def test_a_strong_score_below_an_a_floor_says_why_it_is_b():
    t = columns(score=[80.0, 0.0], below_a_floor=[0b00011, 0], is_branch=[False, False])
    note = "得分达A类，但参保人数不足10人、注册资本不足100万元，列为B类"
    assert reasons(t, matcher.DEFAULTS)[0].as_py().endswith(" | " + note)
    assert (
        reasons(t, matcher.DEFAULTS.replace(a_min_employees=20))[0]
        .as_py()
        .endswith("参保人数不足20人、注册资本不足100万元，列为B类")
    )
    # below the A threshold there is nothing to explain
    assert "得分达A类" not in reasons(columns(score=[55.0, 0.0], below_a_floor=[3, 0]), matcher.DEFAULTS)[0].as_py()
    parts = dict(zip(["match", "strength", "risk", "tier"], reason_parts(t.iloc[0], matcher.DEFAULTS)))
    assert parts["tier"] == note


def test_detail_parts_are_what_the_reason_says(fixture_result):
    comp = fixture_result.components
    assert list(comp["reasons"]) == list(fixture_result.ranked["reasons"])
    for i in range(len(comp)):
        parts = reason_parts(comp.iloc[i], fixture_result.settings)
        assert PART_SEP.join(parts) == fixture_result.ranked["reasons"].iloc[i]
        assert all(p and PART_SEP not in p for p in parts)
    names = dict(zip(PARTS[1:], reason_parts(columns().iloc[0], matcher.DEFAULTS)))  # every part but 本地
    assert names["match"].endswith("对应园区缺失环节“动力电池”") and names["strength"].startswith("注册资本")
    assert names["risk"] == "风险：列入经营异常名录（得分扣减30%）"


def test_reranking_with_a_new_penalty_rewords_the_risk(tmp_path, fixture_chains, fixture_zone):
    header = ["企业名称", "登记状态", "注册资本", "经营范围", "经营异常", "失信被执行"]
    cand = write_list(
        tmp_path / "cand.csv",
        header,
        [
            ["江苏甲动力电池有限公司", "存续", "5000万元", "锂离子电池研发、生产", "是", "否"],
            ["江苏乙动力电池有限公司", "存续", "5000万元", "锂离子电池研发、生产", "否", "是"],
            ["江苏丙动力电池有限公司", "存续", "5000万元", "锂离子电池研发、生产", "否", "否"],
        ],
    )
    result = matcher.score_files([cand], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF)
    before = result.ranked.set_index("company_name")["reasons"]
    assert before["江苏甲动力电池有限公司"].endswith(" | 风险：列入经营异常名录（得分扣减30%）")
    assert before["江苏乙动力电池有限公司"].endswith(" | 风险：失信被执行人（得分扣减60%）")
    harsh = matcher.DEFAULTS.replace(penalty_abnormal=0.5, penalty_dishonest=0.9)
    out = matcher.rerank(result, harsh)
    after = out.ranked.set_index("company_name")
    assert after.loc["江苏甲动力电池有限公司", "reasons"] == before["江苏甲动力电池有限公司"].replace(
        "扣减30%", "扣减50%"
    )
    assert after.loc["江苏乙动力电池有限公司", "reasons"] == before["江苏乙动力电池有限公司"].replace(
        "扣减60%", "扣减90%"
    )
    assert after.loc["江苏丙动力电池有限公司", "reasons"] == before["江苏丙动力电池有限公司"]
    assert after.loc["江苏甲动力电池有限公司", "risk"] == pytest.approx(0.5)  # the score's risk, the same penalty
    assert list(out.components["reasons"]) == list(out.ranked["reasons"])
    for i in range(len(out.ranked)):  # the detail view follows too
        assert PART_SEP.join(reason_parts(out.components.iloc[i], out.settings)) == out.ranked["reasons"].iloc[i]
    back = matcher.rerank(out, matcher.DEFAULTS)
    pd.testing.assert_series_equal(
        back.ranked.set_index("company_name")["reasons"], before.loc[back.ranked["company_name"]], check_names=False
    )


def test_local_wording_is_a_part_of_the_template(tmp_path, fixture_chains, fixture_zone):
    local = write_list(tmp_path / "local.csv", ["企业名称", "登记状态"], [["江苏锐能动力电池有限公司", "存续"]])
    plain = matcher.score_files([DATA / "candidates.csv"], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF)
    r = matcher.score_files(
        [DATA / "candidates.csv"], zone=fixture_zone, chains=fixture_chains, as_of=AS_OF, local=[local]
    )
    i = int(np.flatnonzero(r.ranked["company_name"] == "江苏锐能动力电池有限公司")[0])
    note = "本地企业（园区企业库已有“江苏锐能动力电池有限公司”，按企业名称匹配）：强链对象，不作为补链目标"
    body = plain.ranked.set_index("company_name").loc["江苏锐能动力电池有限公司", "reasons"]
    assert r.ranked["reasons"].iloc[i] == note + PART_SEP + body
    assert r.components["local_name"].iloc[i] == "江苏锐能动力电池有限公司"
    assert "local_name" not in r.ranked  # outputs keep their columns
    assert list(r.components["reasons"]) == list(r.ranked["reasons"])
    parts = reason_parts(r.components.iloc[i], r.settings)
    assert parts[0] == note and PART_SEP.join(parts) == r.ranked["reasons"].iloc[i]
    # rendered from the columns, the reason is the same as the note placed before the rest
    assert reasons(r.components, r.settings).to_pylist() == list(r.ranked["reasons"])
    # the public marking of a ranked table words it the same; the ingest step only sets columns
    marked = matcher.mark_local(plain.ranked, matcher.read_companies([local]).companies)
    assert marked.set_index("company_name").loc["江苏锐能动力电池有限公司", "reasons"] == note + PART_SEP + body
    from matcher.ingest.local import mark_local as mark_columns

    cols = mark_columns(plain.ranked, matcher.read_companies([local]).companies)
    by_name = plain.ranked.sort_values("company_name")["reasons"]
    assert list(cols.sort_values("company_name")["reasons"]) == list(by_name)
    assert cols.set_index("company_name").loc["江苏锐能动力电池有限公司", "local_name"] == "江苏锐能动力电池有限公司"


def test_a_reseller_left_out_is_told_why(tmp_path):
    """A 经营范围 that sells a chain's products and makes nothing is left out as a reseller, and its reason says
    so (RESALE_ALONE); the maker that sells the same products is filed, and a company with nothing of any chain
    gets the plain wording."""
    from matcher.engine.explain import NEAR_MISS, NEAR_MISS_RESALE, RESALE_ALONE, UNMATCHED

    cand = write_list(
        tmp_path / "cand.csv",
        ["企业名称", "经营范围"],
        [
            ["无锡甲乙自动化设备有限公司", "一般项目：工业机器人销售；智能机器人销售；伺服控制机构销售；机械设备销售"],
            ["无锡丙丁机器人有限公司", "一般项目：工业机器人制造；工业机器人销售"],
            ["无锡戊己餐饮有限公司", "餐饮服务"],
            ["无锡庚辛技术服务有限公司", "一般项目：工业机器人安装、维修；专用设备修理；工业自动控制系统装置调试"],
        ],
    )
    result = matcher.score_files([cand], as_of=AS_OF)
    r = result.ranked.set_index("company_name")
    resale = result.components.set_index("_row")["resale_chain"]  # by input row
    told = RESALE_ALONE.format(chain="智能制造装备")
    reseller, maker, other = (
        r.loc[n] for n in ("无锡甲乙自动化设备有限公司", "无锡丙丁机器人有限公司", "无锡戊己餐饮有限公司")
    )
    dealer = RESALE_ALONE.split("，")[2]  # 按经销或服务商处理
    assert pd.isna(reseller.chain_id) and told in reseller.reasons
    assert resale.loc[0] == "智能制造装备" and pd.isna(resale.loc[1]) and pd.isna(resale.loc[2])
    assert maker.chain_id == "ime" and dealer not in maker.reasons
    assert other.reasons.startswith(UNMATCHED) and dealer not in other.reasons
    # a company that only installs and repairs a chain's products services them: left out the same way
    repairer = r.loc["无锡庚辛技术服务有限公司"]
    assert pd.isna(repairer.chain_id) and told in repairer.reasons and resale.loc[3] == "智能制造装备"
    # a --per-chain near miss of the reseller in that chain says the same; the maker's near misses do not
    rows = matcher.score_files([cand], as_of=AS_OF, per_chain=True).chain_rows
    near = rows[~rows["filed"].astype(bool)].set_index(["_row", "chain_id"])["reasons"]
    assert NEAR_MISS_RESALE.format(chain="智能制造装备") in near.loc[(0, "ime")]
    maker_near = [r for (i, _), r in near.items() if i == 1]
    assert maker_near and all(dealer not in r and NEAR_MISS.split("，")[1] in r for r in maker_near)


def test_a_trader_by_its_code_or_name_is_told_which(tmp_path):
    """A company whose goods count as a trader's because of its 国标行业 (a repair or wholesale 小类) or its name (贸易)
    while its 经营范围 registers making items is told so — the code by its 小类 name — not that its scope makes
    nothing; a trader's name beside a scope that only sells keeps the scope's wording; and none of them is told the
    model kept it out (the knowledge never filed them). The name's trade word is quoted."""
    from matcher.engine.explain import (
        MODEL_UNMATCHED,
        NAMED_TRADE,
        NEAR_MISS_CODED,
        RESALE_ALONE,
        RESALE_CODED,
        RESALE_NAMED,
    )

    repair = "一般项目：专用设备修理；液压支架、采煤机的维修及再制造；矿山机械制造；矿山机械销售；机械零件、零部件加工"
    cand = write_list(
        tmp_path / "cand.csv",
        ["企业名称", "经营范围", "国标行业"],
        [
            ["晋中市恒岳矿山设备维修有限公司", repair, "制造业-金属制品、机械和设备修理业-专用设备修理-专用设备修理"],
            ["苍南县亿通贸易有限公司", "一般项目：集成电路设计；电子产品销售；五金产品批发", ""],
            ["无锡甲乙机器人贸易有限公司", "一般项目：工业机器人销售；智能机器人销售；机械设备销售", ""],
        ],
    )
    result = matcher.score_files([cand], as_of=AS_OF)
    r = result.ranked.set_index("company_name")["reasons"]
    by = result.components.set_index("_row")["resale_by"]
    coded = RESALE_CODED.format(chain="智能制造装备", label="“专用设备修理”")
    assert coded in r["晋中市恒岳矿山设备维修有限公司"] and by.loc[0] == "code"
    named = RESALE_NAMED.format(chain="集成电路", named=NAMED_TRADE.format(word="贸易"))
    word = result.components.set_index("_row")["resale_word"]
    assert named in r["苍南县亿通贸易有限公司"] and by.loc[1] == "name" and word.loc[1] == "贸易"
    assert pd.isna(word.loc[0]) and pd.isna(word.loc[2])
    assert RESALE_ALONE.format(chain="智能制造装备") in r["无锡甲乙机器人贸易有限公司"] and pd.isna(by.loc[2])
    assert not any(MODEL_UNMATCHED in text for text in r)
    assert "未见生产、研发条目" not in r["晋中市恒岳矿山设备维修有限公司"] + r["苍南县亿通贸易有限公司"]
    rows = matcher.score_files([cand], as_of=AS_OF, per_chain=True).chain_rows
    near = rows[~rows["filed"].astype(bool)].set_index(["_row", "chain_id"])["reasons"]
    assert NEAR_MISS_CODED.format(chain="智能制造装备", label="“专用设备修理”") in near.loc[(0, "ime")]


def test_a_description_beside_a_trade_code_is_told_the_code(tmp_path):
    """A repair shop known only by its description and a repair 国标行业 is told the code made its goods a
    serviced maker's, as one whose 经营范围 registers them is."""
    from matcher.engine.explain import RESALE_CODED

    cand = write_list(
        tmp_path / "cand.csv",
        ["企业名称", "公司简介", "国标行业"],
        [
            [
                "贵阳甲乙工程机械有限公司",
                "专业从事挖掘机、装载机等工程机械的研发和液压系统维修。",
                "制造业-金属制品、机械和设备修理业-专用设备修理-专用设备修理",
            ]
        ],
    )
    result = matcher.score_files([cand], as_of=AS_OF)
    reason = result.ranked.set_index("company_name")["reasons"]["贵阳甲乙工程机械有限公司"]
    assert RESALE_CODED.format(chain="智能制造装备", label="“专用设备修理”") in reason
    assert result.components.set_index("_row")["resale_by"].loc[0] == "code"


def test_a_making_code_beside_a_scope_that_only_sells_ranks_and_does_not_file(tmp_path):
    """A 国标行业 that names a making (配电开关控制设备制造) beside a 经营范围 that only sells the goods does not file
    the company: the registration claims what the scope does not list. It still ranks it first among those left out
    and its near miss reads as a reseller's; the same code beside a scope that makes them files, and the same seller
    without the code is told nothing about a code."""
    from matcher.engine.explain import NEAR_MISS_RESALE

    seller_scope = (
        "一般项目：配电开关控制设备销售；智能输配电及控制设备销售；电气设备销售；电线、电缆经营；五金产品批发"
    )
    code = "制造业-电气机械和器材制造业-输配电及控制设备制造-配电开关控制设备制造"
    cand = write_list(
        tmp_path / "cand.csv",
        ["企业名称", "经营范围", "国标行业"],
        [
            ["郑州甲乙电气设备销售有限公司", seller_scope, code],
            ["郑州丙丁电气有限公司", "一般项目：配电开关控制设备制造；配电开关控制设备销售；电气设备销售", code],
            ["郑州戊己电气设备销售有限公司", seller_scope, ""],
        ],
    )
    rows = matcher.chain_view(matcher.score_files([cand], as_of=AS_OF, per_chain=True), filed_only=False).ranked
    grid = rows[rows["chain_id"] == "grid"].set_index(rows.loc[rows["chain_id"] == "grid", "source_row"] - 2)
    assert not grid.loc[0, "filed"] and grid.loc[1, "filed"]
    assert NEAR_MISS_RESALE.format(chain="智能电网") in grid.loc[0, "reasons"]
    assert "所属行业为配电开关控制设备制造" in grid.loc[0, "reasons"]
    # the code still ranks: the seller with it above the one without
    assert grid.loc[0, "relevance"] > grid.loc[2, "relevance"]
    # the matcher keeps which rows it was (and the code's evidence, quoted in the reason)
    m = matcher.SegmentMatcher().fit(matcher.load_chains())
    frame = pd.DataFrame(
        {
            "company_name": ["甲", "丙"],
            "scope": [seller_scope, "配电开关控制设备制造；电气设备销售"],
            "industry_code": ["3823"] * 2,
        }
    )
    result = m.match(frame)
    assert result.code_unlisted.tolist() == [True, False] and result.code_evidence[0].nnz
    # a seller's items no different from a maker's (scope_trade_factor 1): nor is the code
    plain = dataclasses.replace(matcher.DEFAULTS, scope_trade_factor=1.0)
    assert matcher.SegmentMatcher(plain).fit(matcher.load_chains()).match(frame).code_unlisted is None


def test_a_company_of_a_segment_that_serves_its_chain_is_told_why_it_ranks_lower(tmp_path):
    """A contractor filed in 轨道交通工程建设 (a segment that serves the rail chain, service_ceiling above
    min_relevance) reads that its relevance is a service firm's and ranks after the makers (SERVES), in the ranked
    table and in the detail view; a maker's reason does not. By default (a ceiling under min_relevance) it is not
    filed and reads why (SERVE_ALONE; its --per-chain near miss NEAR_MISS_SERVE); a company with no chain evidence
    does not."""
    from matcher.engine.explain import NEAR_MISS_SERVE, SERVE_ALONE, SERVES, reason_parts

    cand = write_list(
        tmp_path / "cand.csv",
        ["企业名称", "公司简介"],
        [
            [
                "甲乙铁路工程有限公司",
                "公司具有铁路工程施工总承包特级资质，主要承接铁路、城市轨道交通和隧道工程的施工。",
            ],
            ["丙丁轨道装备有限公司", "公司是一家轨道交通车辆转向架、车钩缓冲装置和塞拉门的研发生产企业。"],
            ["戊己餐饮有限公司", "公司经营中式快餐连锁门店。"],
        ],
    )
    filing = matcher.DEFAULTS.replace(service_ceiling=0.75)
    result = matcher.score_files([cand], as_of=AS_OF, settings=filing)
    r = result.ranked.set_index("company_name")
    contractor, maker = r.loc["甲乙铁路工程有限公司"], r.loc["丙丁轨道装备有限公司"]
    assert contractor.chain_id == maker.chain_id == "rail" and contractor.segment_name == "轨道交通工程建设"
    assert SERVES in contractor.reasons and SERVES not in maker.reasons
    assert contractor.relevance <= filing.service_ceiling < maker.relevance
    row = result.components.iloc[int(np.flatnonzero(result.ranked["company_name"] == "甲乙铁路工程有限公司")[0])]
    assert any(SERVES in p for p in reason_parts(row, filing))
    # the default: ranked, not filed, and told why (the maker as before; the restaurant is told nothing of it)
    result = matcher.score_files([cand], as_of=AS_OF)
    r = result.ranked.set_index("company_name")
    contractor, maker, other = (r.loc[n] for n in ("甲乙铁路工程有限公司", "丙丁轨道装备有限公司", "戊己餐饮有限公司"))
    assert pd.isna(contractor.chain_id) and not contractor.filed and maker.chain_id == "rail"
    assert SERVE_ALONE.format(chain="轨道交通") in contractor.reasons and SERVES not in contractor.reasons
    assert "配套服务" not in maker.reasons and "配套服务" not in other.reasons
    assert other.relevance < contractor.relevance < matcher.DEFAULTS.min_relevance
    rows = matcher.chain_view(matcher.score_files([cand], as_of=AS_OF, per_chain=True), filed_only=False).ranked
    near = rows[(rows["company_name"] == "甲乙铁路工程有限公司") & (rows["chain_id"] == "rail")]
    assert NEAR_MISS_SERVE.format(chain="轨道交通") in near["reasons"].iloc[0]
