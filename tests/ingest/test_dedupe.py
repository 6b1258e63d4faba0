import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from matcher.ingest.dedupe import branch_mask, merge_duplicates, normalise_name, normalise_names, reject_rows


@given(st.lists(st.one_of(st.none(), st.text(max_size=20)), max_size=30))
def test_name_keys_are_stable_and_whitespace_free(names):
    keys = normalise_names(pd.Series(names, dtype=object)).tolist()
    assert keys == normalise_names(pd.Series(names[::-1], dtype=object)).tolist()[::-1]
    for k in keys:
        assert k is None or (k and not any(ch.isspace() for ch in k) and k == k.lower())


def test_name_variants_share_a_key():
    assert (
        normalise_name("南京（江北）科技有限公司")
        == normalise_name("南京(江北) 科技有限公司")
        == normalise_name("南京【江北】科技有限公司")
    )


def frame(rows):
    cols = ["company_name", "credit_code", "scope", "source_file", "source_row"]
    return pd.DataFrame(rows, columns=cols)


def test_merge_by_code_then_name_keeps_richest_and_provenance():
    f = frame(
        [
            ["甲公司", "91110000600037341L", None, "a.csv", 2],
            ["甲公司 ", "91110000600037341L", "软件开发", "b.csv", 5],
            ["乙公司", None, None, "a.csv", 3],
            ["乙公司", "913100007109323556", "芯片", "a.csv", 4],
            ["丙公司", "91320100134885085F", None, "a.csv", 6],
            ["丙公司", "12100000400000624D", None, "a.csv", 7],
        ]
    )
    out, log = merge_duplicates(f, ["credit_code", "scope"])
    assert len(out) + len(log) == len(f)
    a = out[out.company_name.str.startswith("甲")].iloc[0]
    assert a.scope == "软件开发" and a.merged_rows == "b.csv:5;a.csv:2"
    b = out[out.company_name == "乙公司"].iloc[0]
    assert b.credit_code == "913100007109323556" and b.merged_rows == "a.csv:4;a.csv:3"
    assert (out.company_name == "丙公司").sum() == 2  # same name, different codes: two companies
    assert set(log.match_key) == {"统一社会信用代码", "企业名称（对应信用代码）"}


def test_reject_rows_reasons():
    f = frame(
        [
            [None, None, None, "a", 2],
            ["甲", None, None, "a", 3],
            ["123", None, None, "a", 4],
            ["甲公司", None, None, "a", 5],
        ]
    )
    ok, rej = reject_rows(f)
    assert list(ok.company_name) == ["甲公司"]
    assert list(rej.reason) == ["缺少企业名称", "企业名称过短，无法识别", "企业名称只含数字或符号"]


def full(rows):
    cols = [
        "company_name",
        "credit_code",
        "former_names",
        "company_type",
        "scope",
        "match_status",
        "source_file",
        "source_row",
    ]
    rows = [list(r[:5]) + [None] + list(r[5:]) if len(r) == 7 else r for r in rows]  # match_status optional
    return pd.DataFrame(rows, columns=cols, dtype=object)


FACTS = ["credit_code", "scope"]


def test_former_name_merges_into_the_current_name():
    f = full(
        [
            [
                "南京锐能电池有限公司",
                None,
                None,
                None,
                "电池",
                "t.xlsx",
                4,
            ],  # the old name, richer than the current row
            ["江苏锐能动力电池有限公司", None, "南京锐能电池有限公司；南京旧名科技有限公司", None, None, "q.xlsx", 3],
            ["南京旧名科技有限公司", None, None, None, None, "t.xlsx", 9],
            ["无关科技有限公司", None, None, None, None, "t.xlsx", 5],
        ]
    )
    out, log = merge_duplicates(f, FACTS)
    assert len(out) == 2 and len(log) == 2
    row = out[out.company_name == "江苏锐能动力电池有限公司"].iloc[0]  # the current name survives
    assert row.scope == "电池"  # filled from the old-name row
    assert sorted(row.merged_rows.split(";")) == ["q.xlsx:3", "t.xlsx:4", "t.xlsx:9"]
    assert set(log.match_key) == {"曾用名"}


def test_a_reused_name_does_not_join_two_coded_companies():
    f = full(
        [
            ["甲科技有限公司", "91110000600037341L", "乙科技有限公司", None, None, "a", 2],
            ["乙科技有限公司", "913100007109323556", None, None, None, "a", 3],  # another company took the old name
        ]
    )
    out, log = merge_duplicates(f, FACTS)
    assert len(out) == 2 and log.empty


def test_branch_rolls_up_to_its_parent_and_keeps_its_facts_apart():
    f = full(
        [
            ["甲科技有限公司南京分公司", "91320100MA1MABC12W", None, None, "销售", "a", 2],
            ["甲科技有限公司", None, None, None, None, "a", 3],
            ["（乙）电池股份有限公司苏州第一分公司", None, None, None, None, "b", 4],
            ["(乙)电池股份有限公司", None, None, None, "电池", "b", 5],
            ["丙软件有限公司北京分支机构", None, None, None, None, "b", 6],  # parent not in the run
            ["丁餐饮管理有限公司新街口店", None, None, "有限责任公司分公司(自然人投资或控股)", None, "b", 7],
            ["戊科技有限公司", None, None, None, None, "b", 8],
        ]
    )
    out, log = merge_duplicates(f, FACTS)
    assert len(out) + len(log) == len(f)
    parent = out[out.company_name == "甲科技有限公司"].iloc[0]
    assert parent.merged_rows == "a:3;a:2" and pd.isna(parent.scope) and pd.isna(parent.credit_code)
    assert not parent.is_branch
    assert out[out.company_name == "(乙)电池股份有限公司"].iloc[0].merged_rows == "b:5;b:4"
    assert list(log.match_key) == ["分支机构", "分支机构"]
    flagged = dict(zip(out.company_name, out.is_branch))
    assert flagged["丙软件有限公司北京分支机构"] and flagged["丁餐饮管理有限公司新街口店"]  # by suffix, by 企业类型
    assert not flagged["戊科技有限公司"]


def test_branch_mask_by_suffix_and_type():
    f = full(
        [
            ["甲有限公司分公司", None, None, None, None, "a", 2],
            ["乙公司办事处", None, None, None, None, "a", 3],
            ["丙公司", None, None, "其他有限责任公司分公司", None, "a", 4],
            ["分公司管理有限公司", None, None, None, None, "a", 5],
        ]
    )
    assert branch_mask(f).tolist() == [True, True, True, False]


@given(
    st.lists(
        st.tuples(
            st.sampled_from(["甲公司", "乙公司", "甲公司南京分公司", "丙 公司", "丙公司", None]),
            st.sampled_from([None, "91110000600037341L", "913100007109323556"]),
            st.sampled_from([None, "乙公司", "丙公司；甲公司"]),
        ),
        max_size=25,
    )
)
def test_every_row_ends_in_exactly_one_company(rows):
    f = full([[n, c, fn, None, None, "f", i + 2] for i, (n, c, fn) in enumerate(rows)])
    f = f[f.company_name.notna()]
    out, log = merge_duplicates(f, FACTS)
    assert len(out) + len(log) == len(f)
    places = [p for m in out.merged_rows for p in m.split(";")]
    assert sorted(places) == sorted(f"f:{r}" for r in f.source_row)
    assert set(log.match_key) <= {"统一社会信用代码", "企业名称（对应信用代码）", "企业名称", "曾用名", "分支机构"}


@pytest.mark.parametrize(
    "name,status,reason",
    [
        (None, "未匹配到相关企业", "未匹配到相关企业"),
        ("未匹配到相关企业", None, "未匹配到相关企业"),
        ("锐能科技有限公司", "匹配失败", "匹配失败"),
        ("企业名称", None, "重复的表头行"),
        ("公司名称", None, "重复的表头行"),
        ("数据来源:企查查(仅供参考)", None, "不是企业名称（标题、水印或说明文字）"),
        ("2024新能源汽车展参展企业名单", None, "不是企业名称（标题、水印或说明文字）"),
        ("合计", None, "不是企业名称（标题、水印或说明文字）"),
        ("声明科技有限公司", None, None),  # a note word inside a real name
        ("甲乙新能源(有限合伙)", None, None),
        ("锐能科技有限公司", "匹配成功", None),
        ("锐能科技有限公司", "模糊匹配", None),
    ],
)
def test_reject_rules(name, status, reason):
    f = full([[name, None, None, None, None, status, "a", 2]])
    ok, rej = reject_rows(f)
    if reason is None:
        assert len(ok) == 1 and rej.empty
    else:
        assert list(rej.reason) == [reason] and ok.empty
