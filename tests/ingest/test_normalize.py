import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.ingest.normalize import (
    check_credit_code,
    clean_text,
    clean_texts,
    currency_rates,
    industry_names,
    normalize_table,
    parse_capital,
    parse_date,
    parse_industry,
    parse_int,
    parse_status,
    region_from_address,
)
from matcher.ingest.read import RawTable, map_columns


@pytest.mark.parametrize(
    "text,wan",
    [
        ("5000万元人民币", 5000),
        ("100万美元", 710),
        ("1.2亿元", 12000),
        ("300万港元", 273),
        ("50万(元)", 50),
        ("1,000万人民币", 1000),
        ("500000元", 50),
        (3000, 3000),
        ("2000万欧元", 15400),
    ],
)
def test_capital_to_wan_rmb(text, wan):
    assert parse_capital(text) == pytest.approx(wan)


@pytest.mark.parametrize("text", ["未公开", "-", "——", None, "", "暂无"])
def test_capital_unknown_is_nan(text):
    assert math.isnan(parse_capital(text))


@given(st.integers(min_value=0, max_value=10**7), st.sampled_from(["万元人民币", "万元", "万人民币", "万(元)", "万"]))
def test_capital_property_rmb_wan(amount, unit):
    assert parse_capital(f"{amount}{unit}") == pytest.approx(amount)


@given(st.decimals(min_value=0, max_value=5000, places=2))
def test_capital_property_yi(amount):
    assert parse_capital(f"{amount}亿元人民币") == pytest.approx(float(amount) * 10000, rel=1e-6)


@given(st.dates(min_value=dt.date(1900, 3, 1), max_value=dt.date(2099, 12, 31)))
def test_date_property_all_forms(d):
    iso = d.isoformat()
    assert parse_date(iso) == iso
    assert parse_date(f"{d.year}/{d.month}/{d.day}") == iso
    assert parse_date(f"{d.year}年{d.month}月{d.day}日") == iso
    assert parse_date(d.strftime("%Y%m%d")) == iso
    assert parse_date(dt.datetime(d.year, d.month, d.day)) == iso
    serial = (d - dt.date(1899, 12, 30)).days
    assert parse_date(serial) == iso


@given(st.text(max_size=12))
def test_date_never_raises(text):
    out = parse_date(text)
    assert out is None or dt.date.fromisoformat(out)


@pytest.mark.parametrize(
    "text,status",
    [
        ("存续（在营、开业、在册）", "active"),
        ("在业", "active"),
        ("开业", "active"),
        ("吊销，未注销", "inactive"),
        ("注销", "inactive"),
        ("迁出", "inactive"),
        ("停业", "inactive"),
        ("清算", "inactive"),
        ("撤销", "inactive"),
        (None, "unknown"),
        ("其他", "unknown"),
    ],
)
def test_status(text, status):
    assert parse_status(text) == status


def test_industry_code_from_vendor_text():
    assert parse_industry("制造业-汽车制造业-新能源车整车制造") == "3612"
    assert parse_industry("锂离子电池制造") == "3841"
    assert parse_industry("C3841") == "3841"
    assert parse_industry("不存在的行业") is None


def test_clean_text_strips_wrappers_and_empty_markers():
    assert clean_text('="0123"') == "0123"
    assert clean_text("——") is None
    assert clean_text("ＡＢＣ（１）  x") == "ABC(1) x"


def test_region_from_address():
    assert region_from_address("江苏省南京市江宁区") == ("江苏省", "南京市")
    assert region_from_address("南京市栖霞区") == ("江苏省", "南京市")
    assert region_from_address("上海市浦东新区") == ("上海市", "上海市")


def test_counts_and_credit_codes():
    assert parse_int("1,200人") == 1200
    code, valid = check_credit_code("91110000600037341L")
    assert code == "91110000600037341L" and valid
    assert check_credit_code("91110000600037341X")[1] is False
    assert check_credit_code("-") == (None, None)


def test_vectorised_credit_codes_agree_with_python_stdnum():
    import pandas as pd
    from stdnum.cn import uscc

    from matcher.ingest.normalize import credit_codes, uscc_is_valid

    samples = [
        "91110000600037341L",
        "91110000600037341X",
        "91320115MA1MXXXX1X",
        " 9132 0100-1348 8508 5F ",
        "-",
        None,
        "913100007109323556",
        "12100000400000624D",
        "abc",
        "9111000060003734",
    ]
    codes, valid = credit_codes(pd.Series(samples, dtype=object))
    for raw, code, ok in zip(samples, codes, valid):
        if code is None:
            assert ok is None
            continue
        assert ok == uscc.is_valid(code) == uscc_is_valid(code), raw


@pytest.mark.parametrize(
    "marker",
    [
        "-",
        "--",
        "——",
        "—",
        "/",
        "***",
        "暂无",
        "未公开",
        "null",
        "NULL",
        " - ",
        "－",
        "－－",
        "＊＊＊",
        "／",
        "\u3000暂无 ",
        '="-"',
        "N/A",
    ],
)
def test_empty_markers_read_as_empty(marker):
    assert clean_text(marker) is None


@pytest.mark.parametrize(
    "raw,clean",
    [
        ('="91320100MA1MABC12W"', "91320100MA1MABC12W"),
        ('= "0512-6688"', "0512-6688"),
        ("ＡＢＣ　ｘ（１）", "ABC x(1)"),
        ("  南京\n江北  新区 ", "南京 江北 新区"),
        ("１２３", "123"),
        (3.0, "3"),
        ("正常值", "正常值"),
    ],
)
def test_wrappers_full_width_and_spaces(raw, clean):
    assert clean_text(raw) == clean


@pytest.mark.parametrize(
    "text,wan",
    [
        ("5000万元人民币", 5000),
        ("100万美元", 710),
        ("1.2亿元", 12000),
        ("300万港元", 273),
        ("50万(元)", 50),
        ("50万（元）", 50),
        ("USD 100万", 710),
        ("100万(美元)", 710),
        ("5000.000000万人民币", 5000),
        ("１００万元", 100),
    ],
)
def test_capital_issue_forms(text, wan):
    assert parse_capital(text) == pytest.approx(wan)


FOREIGN = sorted(k for k in currency_rates() if k not in ("人民币", "元"))


@given(st.integers(min_value=1, max_value=10**6), st.sampled_from(FOREIGN), st.sampled_from(["万", "万元", ""]))
def test_capital_property_foreign_currency(amount, currency, unit):
    text = f"{amount}{unit}{currency}" if unit != "万元" or currency.isascii() else f"{amount}万{currency}"
    assert parse_capital(text) == pytest.approx(amount * currency_rates()[currency], rel=1e-6)


@given(st.integers(min_value=1, max_value=10**9))
def test_capital_property_yuan_is_divided(amount):
    assert parse_capital(f"{amount}元") == pytest.approx(amount / 10000, rel=1e-6, abs=1e-4)


@given(st.floats(min_value=0, max_value=1e7, allow_nan=False), st.sampled_from(["", " ", "（万元）", "万", "万元"]))
def test_capital_property_never_negative_and_bare_numbers_are_wan(x, unit):
    assert parse_capital(f"{x:.2f}{unit}") == pytest.approx(round(x, 2), rel=1e-6, abs=1e-4)


@given(st.text(max_size=20))
def test_capital_never_raises(text):
    v = parse_capital(text)
    assert math.isnan(v) or v >= 0


def test_capital_with_a_separate_currency_column():
    frame = pd.DataFrame(
        {
            "企业名称": ["甲有限公司", "乙有限公司", "丙有限公司"],
            "注册资本": [100, "100万美元", "200"],
            "注册资本币种": ["美元", "美元", None],
        },
        dtype=object,
    )
    t = RawTable("q.xlsx", None, 1, frame, map_columns(list(frame.columns)), [2, 3, 4])
    assert normalize_table(t)["registered_capital_wan"].tolist() == pytest.approx([710, 710, 200])


@pytest.mark.parametrize("text", ["吊销，未注销", "吊销,未注销", "吊销（未注销）", "注销", "已吊销"])
def test_revoked_is_inactive(text):
    assert parse_status(text) == "inactive"


@pytest.mark.parametrize(
    "text,code",
    [
        ("制造业-汽车制造业-新能源车整车制造", "3612"),
        ("制造业 > 汽车制造业 > 新能源车整车制造", "3612"),
        ("C3612新能源车整车制造", "3612"),
        ("软件和信息技术服务业", "65"),
        # the reference CSV cut these names short (PDF extraction): matched on the prefix, displayed in full
        ("制造业-专用设备制造业-医疗实验室及医用消毒设备和器具制造", "3583"),
        ("玻璃纤维和玻璃纤维增强塑料制品制造", "306"),
        ("食品、酒、饮料及茶生产专用设备制造", "3531"),
        ("铁路、船舶、航空航天和其他运输设备制造业", "37"),
        ("应用电视设备及其他广播电视设备制造", "3939"),
    ],
)
def test_industry_codes_including_truncated_reference_names(text, code):
    assert parse_industry(text) == code


def test_industry_names_are_cleaned_for_display():
    names = industry_names()
    assert names["3531"] == "食品、酒、饮料及茶生产专用设备制造"  # no glued-on note
    assert names["37"] == "铁路、船舶、航空航天和其他运输设备制造业" and names["2541"] == "生物质液体燃料生产"


def test_prefix_fallback_needs_a_long_reference_name():
    assert parse_industry("电池制造设备维修服务") is None  # '电池制造' is a real name, not a cut one


def test_region_from_region_column_address_and_municipalities():
    frame = pd.DataFrame(
        {
            "企业名称": ["甲公司", "乙公司", "丙公司", "丁公司"],
            "所属地区": ["江苏省南京市江宁区", None, None, None],
            "所属省份": [None, "江苏", "上海市", "江苏省"],
            "注册地址": [None, "苏州市工业园区", None, "上海市浦东新区"],
        },
        dtype=object,
    )
    t = RawTable("r.csv", None, 1, frame, map_columns(list(frame.columns)), [2, 3, 4, 5])
    out = normalize_table(t)
    assert list(zip(out.province, out.city)) == [
        ("江苏省", "南京市"),
        ("江苏省", "苏州市"),
        ("上海市", "上海市"),
        ("江苏省", None),
    ]  # never a city of another province


@pytest.mark.parametrize("text,n", [("320", 320), ("1,200人", 1200), ("小于50人", 25), ("50-99人", 50), ("-", None)])
def test_employee_counts(text, n):
    v = parse_int(text)
    assert math.isnan(v) if n is None else v == n


def test_invalid_credit_code_is_flagged_not_dropped():
    frame = pd.DataFrame(
        {
            "企业名称": ["甲公司", "乙公司", "丙公司"],
            "统一社会信用代码": ["91110000600037341X", '="91110000600037341L"', "110000600037341"],
        },
        dtype=object,
    )
    t = RawTable("c.csv", None, 1, frame, map_columns(list(frame.columns)), [2, 3, 4])
    out = normalize_table(t)
    assert out.credit_code.tolist() == ["91110000600037341X", "91110000600037341L", "110000600037341"]
    assert out.credit_code_valid.tolist() == [False, True, False]


def test_prefix_fallback_ignores_short_whole_names():
    assert parse_industry("集成电路制造服务") is None


def test_export_quote_is_dropped_on_read_back():
    from matcher.outputs.cells import neutralise

    for text in ('=HYPERLINK("x")', "+86 25 1234", "-开头", "@某人"):
        assert clean_text(neutralise(text)) == text
    assert clean_text("'普通文本") == "'普通文本"


_CELL_TEXT = st.text(
    alphabet=st.sampled_from(list("ab =\"'+-@\t\r\n\u3000\xa0（）；：，ＡＢ１２暂无未公开企业电池,-—/*") + ["\x00"]),
    max_size=24,
)


@given(st.lists(st.one_of(_CELL_TEXT, st.none(), st.floats(allow_nan=True), st.integers()), max_size=30))
def test_clean_texts_agrees_with_clean_text_value_by_value(values):
    assert clean_texts(values) == [clean_text(v) for v in values]


def test_clean_texts_cleans_only_what_needs_it():
    values = [
        "南京某某科技有限公司",
        " 前后有空格 ",
        "中间  两个空格的名称",
        "全角（括号）公司名称",
        "暂无",
        '="913201"',
        "'=SUM(A1)",
        "普通的一段经营范围文字",
        "",
    ]
    assert clean_texts(values) == [
        "南京某某科技有限公司",
        "前后有空格",
        "中间 两个空格的名称",
        "全角(括号)公司名称",
        None,
        "913201",
        "=SUM(A1)",
        "普通的一段经营范围文字",
        None,
    ]


def test_no_whitespace_above_the_fast_table():
    from matcher.ingest.normalize import _WS_LIMIT

    assert not any(chr(c).isspace() for c in range(_WS_LIMIT, 0x110000))
