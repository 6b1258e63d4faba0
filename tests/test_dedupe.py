import pandas as pd
from hypothesis import given, strategies as st

from matcher.dedupe import merge_duplicates, normalise_name, normalise_names, reject_rows


@given(st.lists(st.one_of(st.none(), st.text(max_size=20)), max_size=30))
def test_name_keys_are_stable_and_whitespace_free(names):
    keys = normalise_names(pd.Series(names, dtype=object)).tolist()
    assert keys == normalise_names(pd.Series(names[::-1], dtype=object)).tolist()[::-1]
    for k in keys:
        assert k is None or (k and not any(ch.isspace() for ch in k) and k == k.lower())


def test_name_variants_share_a_key():
    assert normalise_name("南京（江北）科技有限公司") == normalise_name("南京(江北) 科技有限公司") == normalise_name("南京【江北】科技有限公司")


def frame(rows):
    cols = ["company_name", "credit_code", "scope", "source_file", "source_row"]
    return pd.DataFrame(rows, columns=cols)


def test_merge_by_code_then_name_keeps_richest_and_provenance():
    f = frame([
        ["甲公司", "91110000600037341L", None, "a.csv", 2],
        ["甲公司 ", "91110000600037341L", "软件开发", "b.csv", 5],
        ["乙公司", None, None, "a.csv", 3],
        ["乙公司", "913100007109323556", "芯片", "a.csv", 4],
        ["丙公司", "91320100134885085F", None, "a.csv", 6],
        ["丙公司", "12100000400000624D", None, "a.csv", 7],
    ])
    out, log = merge_duplicates(f, ["credit_code", "scope"])
    assert len(out) + len(log) == len(f)
    a = out[out.company_name.str.startswith("甲")].iloc[0]
    assert a.scope == "软件开发" and a.merged_rows == "b.csv:5;a.csv:2"
    b = out[out.company_name == "乙公司"].iloc[0]
    assert b.credit_code == "913100007109323556" and b.merged_rows == "a.csv:4;a.csv:3"
    assert (out.company_name == "丙公司").sum() == 2  # same name, different codes: two companies
    assert set(log.match_key) == {"统一社会信用代码", "企业名称（对应信用代码）"}


def test_reject_rows_reasons():
    f = frame([[None, None, None, "a", 2], ["甲", None, None, "a", 3], ["123", None, None, "a", 4], ["甲公司", None, None, "a", 5]])
    ok, rej = reject_rows(f)
    assert list(ok.company_name) == ["甲公司"]
    assert list(rej.reason) == ["缺少企业名称", "企业名称过短，无法识别", "企业名称只含数字或符号"]
