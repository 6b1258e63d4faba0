import datetime as dt
import math

import pytest
from hypothesis import given, strategies as st

from matcher.normalize import (clean_text, parse_capital, parse_date, parse_industry, parse_int, parse_status,
                               region_from_address, check_credit_code)


@pytest.mark.parametrize("text,wan", [
    ("5000万元人民币", 5000), ("100万美元", 710), ("1.2亿元", 12000), ("300万港元", 273), ("50万(元)", 50),
    ("1,000万人民币", 1000), ("500000元", 50), (3000, 3000), ("2000万欧元", 15400),
])
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


@pytest.mark.parametrize("text,status", [
    ("存续（在营、开业、在册）", "active"), ("在业", "active"), ("开业", "active"), ("吊销，未注销", "inactive"),
    ("注销", "inactive"), ("迁出", "inactive"), ("停业", "inactive"), ("清算", "inactive"), ("撤销", "inactive"),
    (None, "unknown"), ("其他", "unknown"),
])
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

    from matcher.normalize import credit_codes, uscc_is_valid

    samples = ["91110000600037341L", "91110000600037341X", "91320115MA1MXXXX1X", " 9132 0100-1348 8508 5F ", "-", None,
               "913100007109323556", "12100000400000624D", "abc", "9111000060003734"]
    codes, valid = credit_codes(pd.Series(samples, dtype=object))
    for raw, code, ok in zip(samples, codes, valid):
        if code is None:
            assert ok is None
            continue
        assert ok == uscc.is_valid(code) == uscc_is_valid(code), raw
