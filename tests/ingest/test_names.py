"""Reading a Chinese company name as 行政区划 + 字号 + 行业或经营特点 + 组织形式 (matcher.ingest.names)."""

import pandas as pd
import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from matcher.errors import DataFileError
from matcher.ingest import names
from matcher.ingest.names import KINDS, NameParser, default_parser, industry_parts, parse_name, read_name_parts

PARSER = default_parser()
DATA = names.name_parts_data()


# --------------------------------------------------------------------------------------------
# examples (written for these tests; the first three are the trade-fair roster)


@pytest.mark.parametrize(
    "name,region,brand,industry,form",
    [
        ("青岛四方轨道装备有限公司", "青岛", "四方", "轨道装备", "有限公司"),
        ("武汉联影智融医疗科技有限公司", "武汉", "联影智融", "医疗科技", "有限公司"),
        ("宁波锋驰汽车电子有限公司", "宁波", "锋驰", "汽车电子", "有限公司"),
        ("江苏省南京市恒新输配电设备有限公司", "江苏省南京市", "恒新", "输配电设备", "有限公司"),
        ("萤石矿业有限公司", "", "萤石", "矿业", "有限公司"),  # the brand is not the industry
        ("杉杉服饰股份有限公司", "", "杉杉", "服饰", "股份有限公司"),
        ("上海电气集团股份有限公司", "上海", "", "电气", "集团股份有限公司"),  # the region stands for the 字号
        ("甲乙智能装备", "", "甲乙", "智能装备", ""),  # a roster may leave out the form
        ("温州甲乙开关厂", "温州", "甲乙", "开关", "厂"),  # a factory's one-character form
        ("甲乙厂", "", "甲乙", "", "厂"),
        ("星河医疗研究院有限公司", "", "星河", "医疗研究院", "有限公司"),  # 研究院 before the form
        ("宁波甲乙钕铁硼磁业有限公司", "宁波", "甲乙", "钕铁硼磁业", "有限公司"),  # a magnet maker's trade
        ("金华甲乙磁业有限公司", "金华", "甲乙", "磁业", "有限公司"),
        ("上海甲乙微电子设计有限公司", "上海", "甲乙", "微电子设计", "有限公司"),  # the design of what it names
        ("苏州甲乙诊断产品有限公司", "苏州", "甲乙", "诊断产品", "有限公司"),  # the goods the words before 产品 name
        # a former name in brackets after the name is a note (an export's 曾用名), not a part of the name
        ("宁波甲乙新能源汽车有限公司（原宁波甲乙汽车零部件有限公司）", "宁波", "甲乙", "新能源汽车", "有限公司"),
        ("深圳市甲乙服务机器人有限公司(曾用名：深圳市甲乙玩具有限公司)", "深圳市", "甲乙", "服务机器人", "有限公司"),
    ],
)
def test_examples(name, region, brand, industry, form):
    p = parse_name(name)
    assert (p.region, p.brand, p.industry, p.form) == (region, brand, industry, form)
    assert p.text == name


def test_region_ends_mark_each_place_word():
    assert PARSER.region_ends("江苏省南京市北方物流有限公司") == (3, 6)
    assert PARSER.region_ends("南京北方物流有限公司") == (2,)
    assert PARSER.region_ends("萤石矿业有限公司") == ()
    assert PARSER.region_ends("南京") == ()  # two characters are left for the 字号


def test_brackets_branches_and_group_forms():
    p = parse_name("联影智融（武汉）医疗科技有限公司")
    assert p.spans == (("brand", "联影智融"), ("region", "（武汉）"), ("industry", "医疗科技"), ("form", "有限公司"))
    p = parse_name("星河微电子（集团）有限公司")
    assert (p.brand, p.industry, p.form) == ("星河", "微电子", "（集团）有限公司")
    p = parse_name("南京星河半导体有限公司苏州分公司")
    assert (p.region, p.brand, p.industry, p.form, p.part("branch")) == (
        "南京",
        "星河",
        "半导体",
        "有限公司",
        "苏州分公司",
    )
    p = parse_name("星河科技（上海）有限公司")
    assert (p.brand, p.industry, p.form) == ("星河", "科技", "有限公司") and p.region == "（上海）"


def test_industry_words_are_read_longest_first_and_the_chain_vocabulary_counts():
    assert parse_name("星河锂电池科技有限公司").industry_words == ("锂电池", "科技")
    plain = parse_name("星河掘进机械有限公司")
    assert (plain.brand, plain.industry) == ("星河掘进", "机械")  # 掘进 is not a name_parts word
    with_vocab = NameParser.from_data(["掘进"]).parse("星河掘进机械有限公司")
    assert (with_vocab.brand, with_vocab.industry) == ("星河", "掘进机械")


def test_the_longest_run_of_industry_words_is_read_not_the_longest_last_word():
    """智能科技 is a word (a chain term) and so is 人工智能: the industry part is 人工智能 + 科技, not 智能科技 with
    人工 left to the 字号."""
    parser = NameParser.from_data(["人工智能", "智能科技"])
    parts = parser.parse("合肥智擎人工智能科技有限公司")
    assert (parts.brand, parts.industry, parts.industry_words) == ("智擎", "人工智能科技", ("人工智能", "科技"))
    # where both reach as far, the fewer words: 智能科技 whole
    assert parser.parse("合肥智擎智能科技有限公司").industry_words == ("智能科技",)


def test_missing_and_odd_values():
    assert parse_name(None).spans == () and parse_name(float("nan")).spans == ()
    assert parse_name("").spans == ()
    assert parse_name("Apple Inc.").brand == "Apple Inc."
    assert parse_name(12345).text == "12345"


def test_industry_parts_reads_each_distinct_name_once(monkeypatch):
    calls = []
    real = NameParser.parse

    def counting(self, name):
        calls.append(name)
        return real(self, name)

    monkeypatch.setattr(NameParser, "parse", counting)
    s = pd.Series(["青岛四方轨道装备有限公司", None, "青岛四方轨道装备有限公司", "杉杉服饰有限公司"])
    out = industry_parts(s, PARSER)
    assert out.tolist() == ["轨道装备", None, "轨道装备", "服饰"]
    assert sorted(calls) == sorted({"青岛四方轨道装备有限公司", "杉杉服饰有限公司"})


# --------------------------------------------------------------------------------------------
# properties

NAME_ALPHABET = "".join(
    set("".join(DATA["industry_words"][:40] + DATA["forms"] + DATA["branches"]) + "南京江苏省市星河甲（）()【】 A1")
)


@st.composite
def built_names(draw):
    region = draw(st.sampled_from(["", "南京", "江苏省", "江苏省南京市", "中国"]))
    brand = draw(st.text(alphabet="星河甲乙丙丁", min_size=2, max_size=4))  # no character that starts an industry word
    # 集团, 股份, 控股 belong to the form where they stand before it (集团股份有限公司)
    words = [w for w in DATA["industry_words"] if not any(w in f for f in DATA["forms"])]
    industry = "".join(draw(st.lists(st.sampled_from(words), max_size=3)))
    form = draw(st.sampled_from(("",) + DATA["forms"][:8]))
    return region, brand, industry, form


@given(st.text(alphabet=NAME_ALPHABET, max_size=40) | st.text(max_size=30))
def test_parser_never_fails_and_parts_concatenate_back(name):
    p = parse_name(name)
    assert p.text == name
    assert all(kind in KINDS and text for kind, text in p.spans)
    assert "".join(p.industry_words) == p.industry
    assert all(w in PARSER.industry for w in p.industry_words)
    kinds = [k for k, _ in p.spans]
    assert kinds.count("form") <= 1 and kinds.count("industry") <= 1
    if "form" in kinds:  # nothing but a branch follows the form
        assert set(kinds[kinds.index("form") + 1 :]) <= {"branch"}


@given(built_names())
def test_a_name_built_by_the_rules_is_read_back(parts):
    region, brand, industry, form = parts
    p = parse_name(region + brand + industry + form)
    assert p.text == region + brand + industry + form
    assert p.region == region
    assert p.form == form
    if form:  # the industry part is read whole (the brand's letters are no industry word)
        assert p.industry == industry and p.brand == brand


# --------------------------------------------------------------------------------------------
# the data file


def test_the_shipped_data():
    assert "有限公司" in DATA["forms"] and "分公司" in DATA["branches"] and "科技" in DATA["industry_words"]
    assert "南京" in PARSER.regions and "江苏省" in PARSER.regions and "广西" in PARSER.regions
    assert all(t["strong"] or t["weak"] or t["hint"] for t in DATA["chain_terms"])


def test_chain_terms_name_segments_of_the_shipped_chains():
    import matcher

    chains = matcher.load_chains()
    segments = {(c.id, s.id) for c in chains.values() for s in c.segments}
    for t in DATA["chain_terms"]:
        assert (t["chain"], t["segment"]) in segments, t


@pytest.mark.parametrize(
    "change,where",
    [
        (lambda d: d.update(forms=[]), "forms"),
        (lambda d: d.update(industry_words=["科技", "X"]), "industry_words[1]"),
        (lambda d: d.update(trade_words=["贸易", "卖"]), "trade_words[1]"),
        (lambda d: d.update(service_endings=["物流", 3]), "service_endings[1]"),
        (lambda d: d.update(colour="red"), "colour"),
        (lambda d: d["chain_terms"][0].update(strong="轨道装备"), "chain_terms[0].strong"),
        (lambda d: d["chain_terms"][0].update(chain=None), "chain_terms[0].chain"),
        (lambda d: d["chain_terms"][0].update(level="high"), "chain_terms[0]"),
    ],
)
def test_a_broken_file_names_file_and_field(tmp_path, change, where):
    data = yaml.safe_load(names.NAME_PARTS_FILE.read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "name_parts.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(DataFileError) as e:
        read_name_parts(path)
    assert where in str(e.value) and "name_parts.yaml" in str(e.value)
