"""Reading a registered 经营范围 as a scope: items, boilerplate dropped, main business, industry codes."""

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.errors import DataFileError
from matcher.ingest import scope
from matcher.ingest.scope import (
    SCOPE_COLUMNS,
    boilerplate,
    industry_code_of,
    industry_name_codes,
    item_codes,
    load_boilerplate,
    main_code,
    main_codes,
    name_cores,
    parse_scope,
    parse_scopes,
    product_bracket_end,
    scope_columns,
    scope_item_codes,
)

RULES = boilerplate()


def texts(parsed):
    return [i.text for i in parsed.items]


# --------------------------------------------------------------------------------------------
# examples (written for these tests, in the registration style)


def test_new_style_scope_loses_headers_notes_and_generic_items():
    s = (
        "一般项目：技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广；集成电路设计；集成电路芯片及产品销售；"
        "货物进出口；非居住房地产租赁（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）许可项目：第二类增值电信业务"
        "（依法须经批准的项目，经相关部门批准后方可开展经营活动，具体经营项目以相关部门批准文件或许可证件为准）"
    )
    p = parse_scope(s)
    assert texts(p) == ["集成电路设计", "集成电路芯片及产品销售", "第二类增值电信业务"]
    assert {"技术服务", "技术推广", "货物进出口", "非居住房地产租赁"} <= set(p.dropped)
    assert p.items[0].code == "6520"


def test_old_style_scope_keeps_an_item_whose_parts_do_not_stand_alone():
    s = (
        "轨道车辆转向架、轮对的设计、制造、修理及销售；金属结构件加工；自营和代理各类商品和技术的进出口业务；房屋租赁。"
        "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
    )
    assert texts(parse_scope(s)) == ["轨道车辆转向架、轮对的设计、制造、修理及销售", "金属结构件加工"]


def test_unbracketed_note_cuts_its_item():
    p = parse_scope("软件开发；除依法须经批准的项目外，凭营业执照依法自主开展经营活动")
    assert texts(p) == ["软件开发"]
    assert texts(parse_scope("输配电设备销售，除依法须经批准的项目外")) == ["输配电设备销售"]


def test_header_variants_and_enumerators():
    p = parse_scope("一般经营项目是：1、锂离子电池制造；2、电池零配件销售；许可经营项目是：（一）道路货物运输")
    assert texts(p) == ["锂离子电池制造", "电池零配件销售", "道路货物运输"]


def test_items_split_at_the_enumeration_comma_only_when_each_part_stands_alone():
    assert texts(parse_scope("人工智能基础软件开发、人工智能应用软件开发")) == [
        "人工智能基础软件开发",
        "人工智能应用软件开发",
    ]
    assert texts(parse_scope("技术开发、技术转让、软件开发")) == ["软件开发"]
    whole = "锂离子电池、动力电池组的研发、生产与销售"
    assert texts(parse_scope(whole)) == [whole]
    assert texts(parse_scope("计算机软硬件技术开发、转让、咨询、服务")) == ["计算机软硬件技术开发、转让、咨询、服务"]


def test_an_industry_name_with_enumeration_commas_stays_whole_and_maps_to_its_code():
    p = parse_scope("变压器、整流器和电感器制造；锂离子电池制造及销售；城市轨道交通设备制造、销售")
    assert [(i.text, i.code) for i in p.items] == [
        ("变压器、整流器和电感器制造", "3821"),
        ("锂离子电池制造及销售", "3841"),
        ("城市轨道交通设备制造、销售", "3720"),
    ]
    assert p.codes == ("3821", "3841", "3720")


def test_industry_code_of():
    assert industry_code_of("集成电路设计") == "6520"
    assert industry_code_of("应用软件开发") == "6513"
    assert industry_code_of("工业机器人制造与销售") == "3491"
    assert industry_code_of("集成电路设计服务平台") is None  # more than activities after the name
    assert industry_code_of("门诊部") == "8425"  # the standard's name without its trailing bracket
    assert industry_code_of("食品、酒、饮料及茶生产专用设备制造") == "3531"  # the reference's cut name, completed


def test_item_codes_read_an_item_as_objects_and_activities():
    assert item_codes("集成电路设计") == ("6520",)  # a 小类 name itself
    assert item_codes("锂离子电池、动力电池组的研发、生产与销售") == ("3841",)  # 的 form, a listed object
    assert item_codes("城市轨道交通设备的设计、制造及维修") == ("3720",)
    assert item_codes("生产集成电路、电子元件") == ("3973",)  # activity first; 集成 is an activity word too
    assert item_codes("集成电路研发") == ("6520",)  # 研发 means 设计: 集成电路设计, not 集成电路制造
    assert item_codes("集成电路销售") == ()  # only sold: neither the making nor the design 小类 (a reseller's item)
    assert item_codes("集成电路的设计与销售") == ("6520",)  # designed and sold: the design 小类
    assert item_codes("电力电子元器件的生产") == ("3824",)
    assert item_codes("电力电子元器件销售") == ()  # only sold
    assert item_codes("锂离子电池及配件生产") == ("3841",)  # 及 read apart when the whole names nothing
    # the registration wording's objects read as the 小类 names' (object_aliases)
    assert item_codes("集成电路芯片设计及服务") == ("6520",)
    assert item_codes("集成电路芯片及产品制造") == ("3973",)
    assert item_codes("集成电路芯片及产品销售") == ()
    # nothing named: an object no 小类 has, a bare activity, a 其他… name read as an object
    for item in ("宽敞车间出租", "软件开发", "电子设备制造", "销售", "冷藏药品运输", "矿山机械租赁", "锂离子电池运输"):
        assert item_codes(item) == (), item
    # a park, fair or fund the objects are the theme of (a venue of verticals.yaml) names none of their 小类
    for item in (
        "人工智能、集成电路、新能源汽车产业园的开发与运营",
        "集成电路产业投资基金的设立",
        "锂离子电池博览会的组织",
    ):
        assert item_codes(item) == (), item


def test_name_cores_are_what_a_name_names():
    cores = name_cores()
    assert ("3841", "制造") in cores["锂离子电池"]
    assert {c for c, _ in cores["集成电路"]} == {"6520", "3973"}
    assert not any(k.startswith("其他") for k in cores) and all(len(k) >= 2 for k in cores)


@given(
    st.text(max_size=60) | st.text(alphabet="集成电路锂离子电池设计制造生产销售研发的、及和与制造服务批发", max_size=40)
)
def test_item_codes_never_fail_and_name_real_codes(item):
    codes = item_codes(item)
    known = set(industry_name_codes().values())
    assert len(set(codes)) == len(codes) and set(codes) <= known


def test_trailing_qualifications_are_trimmed():
    p = parse_scope("化工产品销售（不含许可类化工产品）；信息系统集成服务（限分支机构经营）")
    assert texts(p) == ["化工产品销售", "信息系统集成服务"]


def test_the_first_items_are_the_main_business():
    p = parse_scope("技术服务；锂离子电池制造；电池材料销售；储能技术服务；充电桩销售；五金产品零售")
    assert [i.main for i in p.items] == [True, True, True, False, False]
    assert p.items[0].text == "锂离子电池制造"  # the dropped boilerplate does not take a main place


def test_each_section_states_main_business():
    p = parse_scope(
        "许可项目：药品生产；药品批发；一般项目：原料药研发；医疗器械销售；化工产品销售；五金产品零售；包装材料销售"
    )
    assert [i.text for i in p.items if i.main] == ["药品生产", "药品批发", "原料药研发", "医疗器械销售", "化工产品销售"]


def test_missing_and_empty_scopes():
    for value in (None, float("nan"), "", "；；", "（）", "技术服务、技术开发"):
        assert parse_scope(value).items == ()


def test_columns_are_parsed_once_per_distinct_text(monkeypatch):
    calls = []
    real = scope._kept
    monkeypatch.setattr(scope, "_kept", lambda t, rules: calls.append(t) or real(t, rules))
    s = pd.Series(["集成电路设计；技术服务", None, "集成电路设计；技术服务", "锂离子电池制造"] * 50)
    out = scope_columns(s)
    assert sorted(calls) == sorted(["集成电路设计；技术服务", "锂离子电池制造"])
    assert list(out.columns) == list(SCOPE_COLUMNS)
    assert out.iloc[0].tolist() == ["集成电路设计", "集成电路设计", "6520", "6520"]
    assert out.iloc[1].isna().all()
    assert parse_scopes(s).iloc[3].codes == ("3841",)
    assert scope_columns(pd.Series([], dtype=object)).empty


# --------------------------------------------------------------------------------------------
# the data file


def _write(tmp_path, text):
    path = tmp_path / "bp.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_file_is_valid():
    assert RULES.main_items >= 1 and "技术服务" in RULES.generic_items and "一般项目" in RULES.headers


@pytest.mark.parametrize(
    "edit, field",
    [
        (lambda d: d.pop("notes"), "notes"),
        (lambda d: d.update(headers=["许可项目", "X"]), "headers[1]"),
        (lambda d: d.update(main_items=0), "main_items"),
        (lambda d: d.update(generic=["技术服务"]), "generic"),
        (lambda d: d.update(activities="制造"), "activities"),
        (lambda d: d.update(name_endings=["制造"]), "name_endings"),
        (lambda d: d.update(name_endings={"制造": []}), "name_endings.制造"),
        (lambda d: d.update(name_endings={"制": ["生产"]}), "name_endings.制"),
        (lambda d: d.update(object_aliases=["集成电路芯片"]), "object_aliases"),
        (lambda d: d.update(object_aliases={"集成电路芯片": "集"}), "object_aliases.集成电路芯片"),
        (lambda d: d.update(trade_activities=["销售", "倒卖"]), "trade_activities"),  # not an activity
        (lambda d: d.update(making_activities=["制造", "铸造"]), "making_activities"),
        (lambda d: d.update(maker_activities=["制造", "铸造"]), "maker_activities"),
        (lambda d: d.update(operated_activities=["运营", "经办"]), "operated_activities"),  # not an activity
        (lambda d: d.update(service_items=["物业管理", "洗车服务"]), "service_items"),  # not a generic item
        (lambda d: d.update(service_items=["物业管理", "物"]), "service_items[1]"),
        (lambda d: d.update(light_run=1), "light_run"),
        (lambda d: d.pop("light_run"), "light_run"),  # light_fields without it
        (lambda d: d.update(light_fields=["人工智能", "区块链"]), "light_fields[1]"),  # too few light items
        (lambda d: d.update(trade_codes="51"), "trade_codes"),  # not a list
        (lambda d: d.update(trade_codes=["51", 52]), "trade_codes[1]"),  # a number (YAML reads 52 so)
        (lambda d: d.update(trade_codes=["51", "5179"]), "trade_codes[1]"),  # a 小类, not a 大类
        (lambda d: d.update(trade_codes=["51", "7"]), "trade_codes[1]"),  # a 门类's digit, not a 大类 or 中类
    ],
)
def test_a_bad_file_names_its_field(tmp_path, edit, field):
    import yaml

    data = yaml.safe_load(scope.BOILERPLATE_FILE.read_text(encoding="utf-8"))
    edit(data)
    path = _write(tmp_path, yaml.safe_dump(data, allow_unicode=True))
    with pytest.raises(DataFileError) as err:
        load_boilerplate(path)
    assert err.value.field == field and str(path) in str(err.value)


def test_a_missing_or_broken_file(tmp_path):
    with pytest.raises(DataFileError, match="文件不存在"):
        load_boilerplate(tmp_path / "none.yaml")
    with pytest.raises(DataFileError, match="YAML"):
        load_boilerplate(_write(tmp_path, "headers: [a, b"))
    with pytest.raises(DataFileError, match="顶层"):
        load_boilerplate(_write(tmp_path, "- a\n- b\n"))


# --------------------------------------------------------------------------------------------
# properties

SUBSTANTIVE = [
    "集成电路设计",
    "锂离子电池制造",
    "工业机器人销售",
    "医疗器械研发",
    "变压器、整流器和电感器制造",
    "软件开发",
    "轨道车辆配件的设计、制造及销售",
    "电力设施器材制造",
    "计算机系统服务",
    "电子元器件批发",
]
BOILER = [
    "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广",
    "货物进出口",
    "技术进出口",
    "房屋租赁",
    "非居住房地产租赁",
    "自营和代理各类商品和技术的进出口业务",
    "企业管理咨询",
    "除依法须经批准的项目外，凭营业执照依法自主开展经营活动",
]
NOTE = "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
SEPS = ["；", ";", "。"]
ALPHABET = "".join(set("".join(SUBSTANTIVE + BOILER) + NOTE)) + "；;。、，,：:()（）【】 \n1①许可项目一般"


@given(st.text(alphabet=ALPHABET, max_size=200) | st.text(max_size=80))
def test_parser_never_fails_and_items_are_substrings(text):
    p = parse_scope(text)
    for item in p.items:
        assert text[item.start : item.start + len(item.text)] == item.text
        assert len(item.text) >= 2
        assert item.text not in RULES.generic_items
        assert not any(w in item.text for w in RULES.generic_contains)
        assert not any(n in item.text for n in RULES.notes)
        assert item.text[0] not in "；;。、，,：: " and item.text[-1] not in "；;。、，,：: "
    mains = [i.main for i in p.items]
    headers = len(RULES.header.findall(text))
    assert mains[:1] in ([], [True]) and sum(mains) <= RULES.main_items * (headers + 1)
    if not headers:
        assert mains == [k < RULES.main_items for k in range(len(mains))]


@st.composite
def registered_scopes(draw):
    parts = draw(st.lists(st.sampled_from(SUBSTANTIVE + BOILER), min_size=1, max_size=8))
    seps = draw(st.lists(st.sampled_from(SEPS), min_size=len(parts), max_size=len(parts)))
    header = draw(st.sampled_from(["", "一般项目：", "经营范围："]))
    note = draw(st.sampled_from(["", NOTE]))
    body = "".join(p + s for p, s in zip(parts, seps))
    return header + body + note, [p for p in parts if p in SUBSTANTIVE]


@given(registered_scopes())
def test_boilerplate_is_removed_and_every_real_item_kept_in_order(case):
    text, real = case
    assert texts(parse_scope(text)) == real


# --------------------------------------------------------------------------------------------
# main_code: the main items' code without reading the whole scope


def test_main_code_stops_at_the_main_items_and_reads_later_sections():
    assert main_code("技术服务、技术开发；锂离子电池制造；货物进出口") == "3841"  # generic items are not counted
    assert main_code("餐饮服务；日用百货销售；家居用品销售；集成电路设计") is None  # 4th item: not a main item
    assert main_code("许可项目：餐饮服务；日用百货销售；家居用品销售。一般项目：集成电路设计") == "6520"
    assert main_code(None) is None and main_code("") is None
    codes = main_codes(pd.Series(["锂离子电池制造", None, "锂离子电池制造"], index=[5, 6, 7]))
    assert codes.to_dict() == {5: "3841", 6: None, 7: "3841"}


MAIN_ALPHABET = ALPHABET + "锂离子电池制造集成电路设计餐饮服务许可项目一般项目"


@given(
    st.lists(
        st.sampled_from(
            SUBSTANTIVE
            + BOILER
            + ["锂离子电池制造", "集成电路设计", "物联网技术服务", "许可项目：", "一般项目：", NOTE]
        ),
        max_size=10,
    ).map(lambda parts: "；".join(parts))
    | st.text(alphabet=MAIN_ALPHABET, max_size=120)
)
def test_main_code_is_the_full_parse_main_code(text):
    full = scope_columns(pd.Series([text]))["scope_main_code"].iloc[0]
    assert main_code(text) == (None if pd.isna(full) else full)


# --------------------------------------------------------------------------------------------
# main_spans: where the main items stand, for matching


@given(st.text(alphabet=ALPHABET, max_size=200) | st.text(max_size=80))
def test_main_spans_are_the_full_parse_main_items(text):
    """main_spans reads the same main items as parse_scope (which reads everything)."""
    from matcher.ingest.scope import main_spans

    spans = main_spans(text)
    main = [i for i in parse_scope(text).items if i.main]
    # each with the bracket right after it where that names its product
    assert [(i.start, product_bracket_end(text, i.start + len(i.text), len(text))) for i in main] == list(spans)


@pytest.mark.parametrize(
    "text, main",
    [
        # a bracket that names the item's product is read with it as main business
        (
            "电子专用材料制造（半导体用高纯湿电子化学品）；五金产品批发",
            ["电子专用材料制造（半导体用高纯湿电子化学品）", "五金产品批发"],
        ),
        ("电池制造(锂离子电池)；电池销售", ["电池制造(锂离子电池)", "电池销售"]),
        # a qualification is not
        ("专用设备制造（不含许可类专业设备制造）；食品销售（仅销售预包装食品）", ["专用设备制造", "食品销售"]),
        ("工艺品销售（象牙及其制品除外）；电池制造（限分支机构经营）", ["工艺品销售", "电池制造"]),
        ("电池制造（）；电池销售（锂", ["电池制造", "电池销售"]),  # an empty or unclosed bracket names nothing
    ],
)
def test_main_spans_read_a_product_bracket_with_its_item(text, main):
    from matcher.ingest.scope import main_spans

    assert [text[a:b] for a, b in main_spans(text)] == main


def test_light_items_are_not_main_and_take_no_main_place():
    from matcher.ingest.scope import main_spans

    s = "人工智能应用软件开发；人工智能基础软件开发；物联网技术服务；锂离子电池制造；五金产品批发；日用百货销售；办公用品销售"
    assert "人工智能应用软件开发" in RULES.light_items
    assert [s[a:b] for a, b in main_spans(s)] == ["锂离子电池制造", "五金产品批发", "日用百货销售"]
    assert [i.text for i in parse_scope(s).items if i.main] == ["锂离子电池制造", "五金产品批发", "日用百货销售"]
    assert main_spans(None) == () and main_spans("") == ()


def test_a_light_item_with_a_bracket_naming_its_goods_is_an_item_as_any_other():
    """人工智能应用软件开发 alone is what companies of every kind register; with （图像识别、自然语言处理） after it the
    firm says what it develops: a main item, and a making one."""
    from matcher.ingest.scope import main_spans, scope_makes

    s = "人工智能应用软件开发（图像识别、自然语言处理）；餐饮服务；日用百货销售；办公用品销售"
    assert [s[a:b] for a, b in main_spans(s)] == [
        "人工智能应用软件开发（图像识别、自然语言处理）",
        "餐饮服务",
        "日用百货销售",
    ]
    assert [i.text for i in parse_scope(s).items if i.main] == ["人工智能应用软件开发", "餐饮服务", "日用百货销售"]
    assert scope_makes(s) and not scope_makes("人工智能应用软件开发；餐饮服务")
    # a qualification is no such bracket
    q = "人工智能应用软件开发（限分支机构经营）；餐饮服务"
    assert [q[a:b] for a, b in main_spans(q)] == ["餐饮服务"]


def test_a_run_of_a_fields_light_items_reads_them_as_items():
    """Three catalogue items of one field (light_fields, light_run) say the company works in it: they are main
    and making; two stay light, however many other fields' light items stand beside them."""
    from matcher.ingest.scope import light_run_items, main_spans, scope_makes

    assert RULES.light_run == 3 and ("人工智能", tuple(sorted(RULES.light_groups[0][1]))) == RULES.light_groups[0]
    run = "人工智能理论与算法软件开发；人工智能应用软件开发；人工智能通用应用系统；日用百货销售；办公用品销售"
    assert light_run_items(run, RULES) == {"人工智能理论与算法软件开发", "人工智能应用软件开发", "人工智能通用应用系统"}
    assert [run[a:b] for a, b in main_spans(run)] == run.split("；")[:3]
    assert [i.text for i in parse_scope(run).items if i.main] == run.split("；")[:3]
    assert scope_makes(run)
    two = "人工智能理论与算法软件开发；人工智能应用软件开发；物联网技术服务；数据处理服务；日用百货销售；办公用品销售"
    assert light_run_items(two, RULES) == frozenset()
    assert [two[a:b] for a, b in main_spans(two)] == ["日用百货销售", "办公用品销售"]
    assert not scope_makes(two)
    # the same item twice is one item
    assert light_run_items("人工智能应用软件开发；人工智能应用软件开发；人工智能硬件销售", RULES) == frozenset()


def test_without_light_fields_no_run_is_read(tmp_path):
    import yaml

    data = yaml.safe_load(scope.BOILERPLATE_FILE.read_text(encoding="utf-8"))
    data.pop("light_fields"), data.pop("light_run")
    rules = load_boilerplate(_write(tmp_path, yaml.safe_dump(data, allow_unicode=True)))
    run = "人工智能理论与算法软件开发；人工智能应用软件开发；人工智能通用应用系统；日用百货销售"
    assert rules.light_run == 0 and scope.light_run_items(run, rules) == frozenset()
    assert [run[a:b] for a, b in scope.main_spans(run, rules)] == ["日用百货销售"]


@pytest.mark.parametrize(
    "text, code",
    [
        ("物联网技术服务；软件开发", None),  # a light item names no main business, whatever 小类 it spells
        ("物联网技术服务；数据处理和存储支持服务；锂离子电池制造", "3841"),  # …and takes no main place
        ("物联网技术服务；餐饮服务；日用百货销售；锂离子电池制造", "3841"),
        ("餐饮服务；日用百货销售；家居用品销售；物联网技术服务；锂离子电池制造", None),
    ],
)
def test_a_light_item_gives_no_main_code(text, code):
    assert "物联网技术服务" in RULES.light_items and "数据处理和存储支持服务" in RULES.light_items
    assert main_code(text) == code
    full = scope_columns(pd.Series([text]))["scope_main_code"].iloc[0]
    assert (None if pd.isna(full) else full) == code


# --------------------------------------------------------------------------------------------
# trade_spans: the items that only trade


@pytest.mark.parametrize(
    "text, traded",
    [
        (
            "一般项目：工业机器人销售；智能机器人销售；五金产品批发。",
            ["工业机器人销售", "智能机器人销售", "五金产品批发"],
        ),
        ("锂离子电池的研发、生产与销售；电线、电缆经营", ["电线、电缆经营"]),  # making and selling is not trade
        ("集成电路设计；集成电路芯片及产品销售", ["集成电路芯片及产品销售"]),  # the design item is not
        ("生产、销售：锂电池；电池销售", ["电池销售"]),
        ("工业机器人制造；工业机器人安装、维修", ["工业机器人安装、维修"]),  # installing and repairing serve
        (
            "工业机器人安装、维修；机车车辆维修；输配电设备调试",
            ["工业机器人安装、维修", "机车车辆维修", "输配电设备调试"],
        ),
        ("轨道交通设备的设计、制造、安装、维修", []),  # one item that makes and services
        # overhauling, calibrating, testing, fitting and removing others' equipment serve it too
        (
            "变压器检修；继电保护校验；电气预防性试验；电能表装拆；配电线路抢修；试验变压器制造",
            ["变压器检修", "继电保护校验", "电气预防性试验", "电能表装拆", "配电线路抢修"],
        ),
        ("技术服务、技术开发；电子产品销售", ["电子产品销售"]),  # 技术服务 … are dropped first
        ("建筑工程机械与设备租赁；特种设备出租", ["建筑工程机械与设备租赁", "特种设备出租"]),  # leasing is trade
        ("青少年人工智能编程及机器人搭建培训；教育咨询服务", ["青少年人工智能编程及机器人搭建培训"]),  # teaching
        # a making word inside the name of the goods sold makes nothing: 制造 / 生产 / 加工 followed by the goods' noun
        (
            "服装制造；智能基础制造装备销售；新能源汽车生产测试设备销售；塑料加工专用设备销售",
            ["智能基础制造装备销售", "新能源汽车生产测试设备销售", "塑料加工专用设备销售"],
        ),
        # the item's own making: opening it, or followed by a joiner or another activity
        ("生产电池并销售；电池制造销售；模具设计、加工与销售；软件开发销售", []),
        # an old-style item led by its trade and a colon sells what follows; one that also makes does not only trade
        ("销售：钢轨、道岔、轨道配件；生产、销售：电池", ["销售：钢轨、道岔、轨道配件"]),
        # a bracket that names the goods sold is traded with them; a qualification is not part of the item
        (
            "工业自动控制系统装置销售（代理西门子、三菱PLC及伺服驱动产品）；消毒剂销售（不含危险化学品）",
            ["工业自动控制系统装置销售（代理西门子、三菱PLC及伺服驱动产品）", "消毒剂销售"],
        ),
        # the service of what is sold may end the item: it still only trades (the span ends with the trade)
        (
            "工业机器人、伺服电机、PLC的销售及技术服务；电气设备销售与售后服务；软件开发及技术服务",
            ["工业机器人、伺服电机、PLC的销售", "电气设备销售"],
        ),
    ],
)
def test_trade_spans_are_the_items_that_only_sell(text, traded):
    from matcher.ingest.scope import trade_spans

    assert [text[a:b] for a, b in trade_spans(text)] == traded


@pytest.mark.parametrize(
    "text, makes",
    [
        ("工业机器人销售；机械设备租赁；通用设备修理", False),  # sells, leases, repairs
        ("工业机器人安装、维修；专用设备修理；电气设备调试", False),  # installs and repairs only
        ("教育咨询服务；青少年人工智能编程及机器人搭建培训", False),  # teaches only
        ("技术服务、技术开发、技术咨询；人工智能应用软件开发；电子产品销售", False),  # boilerplate and a light item
        ("锂电池的研发、生产与销售", True),
        ("软件开发；信息系统集成服务", True),
        ("电池制造；电池销售", True),
        ("智能基础制造装备销售；增材制造装备销售；电池生产设备销售", False),  # goods named with a making word, sold
        (None, False),
        ("", False),
    ],
)
def test_scope_makes_finds_an_item_that_makes(text, makes):
    from matcher.ingest.scope import scope_makes

    assert scope_makes(text) is makes


@pytest.mark.parametrize(
    "text, serves",
    [
        ("物业管理；非居住房地产租赁；停车场服务", True),  # a landlord: service items only
        ("电力设施器材销售；变压器销售；电气设备销售", True),  # a trader: kept items that only sell
        ("第二类医疗器械销售；技术服务、技术开发", True),  # the technology boilerplate makes nothing
        ("技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广", False),  # no business registered
        ("房屋租赁；货物进出口", False),  # what every company registers
        ("人工智能应用软件开发；技术服务", False),  # a light item alone registers no business either
        ("集成电路设计；物业管理", False),  # makes something
        (None, False),
        ("", False),
    ],
)
def test_scope_serves_only_finds_a_business_that_makes_nothing(text, serves):
    from matcher.ingest.scope import scope_serves_only

    assert scope_serves_only(text) is serves


@given(st.text(alphabet=ALPHABET, max_size=200) | st.text(max_size=80))
def test_a_scope_that_sells_only_serves_only_and_trades(text):
    """scope_sells_only reads the items once: what scope_serves_only and trade_spans say of them together."""
    from matcher.ingest.scope import scope_sells_only, scope_serves_only, trade_spans

    assert scope_sells_only(text) is (scope_serves_only(text) and bool(trade_spans(text)))


@pytest.mark.parametrize(
    "text, sells",
    [
        ("配电开关控制设备销售；智能输配电及控制设备销售；电气设备销售", True),
        ("物业管理；停车场服务", False),  # serves, sells nothing
        ("新能源技术推广", False),
        ("配电开关控制设备制造；配电开关控制设备销售", False),  # makes
        (None, False),
    ],
)
def test_scope_sells_only(text, sells):
    from matcher.ingest.scope import scope_sells_only

    assert scope_sells_only(text) is sells


@given(st.text(alphabet=ALPHABET, max_size=200) | st.text(max_size=80))
def test_a_scope_that_serves_only_makes_nothing(text):
    from matcher.ingest.scope import scope_makes, scope_serves_only

    assert not (scope_serves_only(text) and scope_makes(text))


@given(st.text(alphabet=ALPHABET, max_size=200) | st.text(max_size=80))
def test_trade_spans_are_kept_items_ending_in_trade(text):
    from matcher.ingest.scope import _SERVICE_TAILS, names_making, trade_spans

    items = {i.start: i.text for i in parse_scope(text).items}
    for a, b in trade_spans(text):
        item = items[a]
        assert item[: b - a].endswith(RULES.trade_activities) or RULES.trade_led[0].match(item)
        assert not names_making(item, RULES)
        # the item, and the bracket after it where that names the goods, or the item without the service tail
        assert (
            b == a + len(item)
            or (text[a + len(item)] in "（(" and text[b - 1] in "）)]】")
            or text[b : a + len(item)] in _SERVICE_TAILS
        )


TRADE_ITEMS = [
    "工业机器人销售",
    "五金产品批发",
    "电线电缆经营",
    "消毒剂销售（不含危险化学品）",
    "药品零售",
    "锂离子电池制造",
    "集成电路设计",
    "锂离子电池的研发、生产与销售",
    "技术服务",
    "软件开发",
    "一般项目：工业机器人销售",
    "许可项目：药品批发",
    "智能机器人的研发",
    "生产、销售：电池",
    "智能基础制造装备销售",
    "电池生产设备销售",
    "生产电池并销售",
    "电池制造销售",
    "塑料加工专用设备销售",
    "工业自动控制系统装置销售（代理西门子PLC产品）",
    "金属材料销售（钢轨）",
    "销售：钢轨、道岔、轨道配件",
    "批发、零售：电子元器件",
    "销售：电池生产设备",
    "工控产品的销售及技术服务",
    "电气设备销售与售后服务",
    "软件开发及技术服务",
]


@given(st.lists(st.lists(st.sampled_from(TRADE_ITEMS), min_size=1, max_size=6), min_size=1, max_size=4))
def test_trade_byte_spans_find_what_trade_spans_finds(scopes):
    """The engine's one pass over all texts (joined as matching joins them) finds the items trade_spans reads
    one scope at a time."""
    from matcher.engine.clauses import SEPARATOR, prep_text
    from matcher.ingest.scope import trade_byte_spans, trade_spans

    texts = [prep_text("；".join(items) + "。") for items in scopes]
    data = SEPARATOR.join(texts).encode("utf-8")
    got = set(zip(*(a.tolist() for a in trade_byte_spans(data))))
    want, offset = set(), 0
    for t in texts:
        for a, b in trade_spans(t):
            want.add((offset + len(t[:a].encode("utf-8")), offset + len(t[:b].encode("utf-8"))))
        offset += len(t.encode("utf-8")) + 1
    assert got == want


# --------------------------------------------------------------------------------------------
# scope_item_codes: every item's codes, or only the items around given places


CODE_ITEMS = [
    "锂离子电池制造",
    "集成电路设计",
    "生产集成电路",
    "锂离子电池、动力电池组的研发、生产与销售",
    "人工智能应用软件开发",
]


def test_scope_item_codes_marks_main_items_as_main_spans_does():
    text = "一般项目：人工智能应用软件开发；餐饮服务；酒店管理；会议服务；锂离子电池生产；许可项目：集成电路设计"
    assert scope_item_codes(text) == {"3841": False, "6520": True}  # the light item takes no main place
    assert scope_item_codes("锂离子电池制造；集成电路生产") == {"3841": True, "3973": True}
    assert scope_item_codes("锂离子电池制造；集成电路销售") == {"3841": True}  # a sale names no 小类
    assert scope_item_codes(None) == {} and scope_item_codes("") == {}


@given(
    st.lists(st.sampled_from(SUBSTANTIVE + BOILER + CODE_ITEMS), min_size=1, max_size=10),
    st.lists(st.sampled_from(SEPS + ["、", "一般项目：", "许可项目：", NOTE]), min_size=10, max_size=10),
)
def test_reading_only_the_places_named_gives_the_plain_reading(parts, seps):
    text = "".join(p + s for p, s in zip(parts, seps))
    plain = scope_item_codes(text)
    words = sorted({w for code in plain for w in _names_of(code)}, key=len, reverse=True)
    at = [i for w in words for i in range(len(text)) if text.startswith(w, i)]
    assert scope_item_codes(text, at=at) == plain


def _names_of(code):
    names = [n for n, c in industry_name_codes().items() if c == code]
    return names + [obj for obj, entries in name_cores().items() if any(c == code for c, _ in entries)]


GENERATED = (
    "深圳市某某科技有限公司成立于2021年03月15日，注册地位于深圳市南山区，法定代表人为张明。"
    "经营范围包括一般经营项目是：人工智能应用软件开发；软件开发；电子产品销售。"
)


@pytest.mark.parametrize(
    "text, span",
    [
        (GENERATED, (GENERATED.index("经营范围"), GENERATED.index("一般经营项目是"))),  # 企查查's generated 简介
        ("公司主营锂电池。经营范围：锂离子电池制造；货物进出口。", (8, 13)),
        ("营业执照的经营范围主要是碱锰电池的生产。", (5, 12)),
        ("一般项目：工业机器人销售；五金产品批发。", (0, 0)),  # opens with a section header
        ("软件开发；技术服务（依法须经批准的项目，经相关部门批准后方可开展经营活动）", (0, 0)),  # the approval note
        ("公司的经营范围正不断向电能质量治理延伸。", None),  # prose: no colon, no verb
        ("主营：动力电池、储能系统。", None),  # a description's 主营, not a registration section
        ("公司承担了多个省级科研项目，以上项目均已验收。", None),  # 以上项目 in prose is no registration note
        ("软件开发；信息系统集成服务（除依法须经批准的项目外，凭营业执照依法自主开展经营活动）", (0, 0)),
        ("公司是一家动力电池生产企业，承担多个国家级项目。", None),
        (None, None),
    ],
)
def test_copied_scope(text, span):
    assert scope.copied_scope(text) == span


def test_split_copied_scopes_moves_the_copy_where_the_row_has_no_scope():
    intro = pd.Series([GENERATED, GENERATED, "一般项目：工业机器人销售。", "公司生产伺服电机。", None])
    own = pd.Series([None, "软件开发", None, None, None], dtype=object)
    new_intro, new_scope = scope.split_copied_scopes(intro, own)
    assert new_intro[0] == GENERATED[: GENERATED.index("经营范围")].rstrip("。")
    assert new_scope[0] == GENERATED[GENERATED.index("一般经营项目是") :]
    assert new_scope[1] == "软件开发"  # the row's own 经营范围 wins; the copy repeats it
    assert pd.isna(new_intro[2]) and new_scope[2] == "一般项目：工业机器人销售。"  # nothing left of the 简介
    assert new_intro[3] == "公司生产伺服电机。" and pd.isna(new_scope[3]) and pd.isna(new_intro[4])
    # a column without any copy is returned as it is
    plain = pd.Series(["公司生产伺服电机。", None])
    assert scope.split_copied_scopes(plain, own[:2])[0] is plain


@given(st.text(alphabet="公司生产电池软件开发，。；：项目经营范围包括依法须经批准凭营业执照一般以上", max_size=60))
def test_split_copied_scopes_keeps_every_character(text):
    """The 经营范围 is the text after the marker; the 简介 keeps the text before it (trimmed)."""
    new_intro, new_scope = scope.split_copied_scopes(pd.Series([text]), pd.Series([None], dtype=object))
    span = scope.copied_scope(text)
    if span is None:
        assert new_intro[0] == text and pd.isna(new_scope[0])
    else:
        end, k = span
        assert (new_intro[0] or "") == text[:end].strip(" ，,。")
        assert (new_scope[0] if pd.notna(new_scope[0]) else "") == text[k:].strip()


def test_negated_byte_spans_are_the_brackets_that_exclude():
    """The brackets that say what a company does not do (不含 / 不得 / 除…外 / …除外), in texts as matching reads them;
    a bracket naming the product, a licence note or an unclosed bracket is none."""
    from matcher.engine.clauses import prep_text
    from matcher.ingest.scope import negated_byte_spans

    text = prep_text(
        "人力资源服务（不含职业中介活动、劳务派遣服务）；电子专用材料制造（半导体用高纯化学品）；"
        "象牙制品销售（象牙及其制品除外）；药品零售（凭许可证经营）；食品销售（不得从事"
    )
    data = text.encode("utf-8")
    got = [data[a:b].decode("utf-8") for a, b in zip(*negated_byte_spans(data))]
    assert got == ["(不含职业中介活动、劳务派遣服务)", "(象牙及其制品除外)"]


def test_a_legal_preamble_is_boilerplate_and_its_bracket_holds_the_items():
    """Some provinces open every scope with the legal preamble (法律、法规、国务院决定规定禁止的不得经营；…市场主体自主选择
    经营。) and put the items in a bracket after it: the preamble is no item, and the first items inside are the main ones."""
    text = (
        "法律、法规、国务院决定规定禁止的不得经营；法律、法规、国务院决定规定应当许可（审批）的，经审批机关批准后凭许可（审批）"
        "文件经营;法律、法规、国务院决定规定无需许可（审批）的，市场主体自主选择经营。（一般项目：锂离子电池制造；电池销售；"
        "技术服务、技术开发、技术咨询、技术交流、技术转让、技术推广（除依法须经批准的项目外，凭营业执照依法自主开展经营活动））"
    )
    items = parse_scope(text).items
    assert [i.text for i in items] == ["锂离子电池制造", "电池销售"]
    assert items[0].main
